package handlers

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"koogallery/models"
	"koogallery/models/sqldb"
	"koogallery/sellerkit"
	"koogallery/views/layouts"
	"koogallery/views/seller"
	"koogallery/web"
)

// SellerSignature serves the signature checker (签名校验工具), a tool the real platform lacks:
// the seller pastes a call their endpoint received and sees, step by step, the signature the
// platform computed with their key, and where theirs differs.
type SellerSignature struct {
	store *models.Store
	keys  *sellerkit.Keys
	kit   *sellerkit.Kit
}

// Routes registers /seller/debug/signature.
func (h *SellerSignature) Routes(g *echo.Group) {
	g.GET("/debug/signature", h.Page)
	g.POST("/debug/signature", h.Check)
}

// maxSignatureURL bounds the pasted URL.
const maxSignatureURL = 8 << 10

func (h *SellerSignature) render(c echo.Context, status int, vm seller.SignatureVM) error {
	keys, err := h.store.SellerKeys(c.Request().Context(), web.SellerID(c))
	if err != nil {
		return err
	}
	vm.Keys = keys
	c.Response().Header().Set("Cache-Control", "no-store")
	return web.Render(c, status, seller.Signature(vm), layouts.Seller(web.T(c, "sigtool.title")))
}

// Page is the empty form.
func (h *SellerSignature) Page(c echo.Context) error {
	return h.render(c, http.StatusOK, seller.SignatureVM{})
}

// Check recomputes the signature of the pasted call with the chosen key and explains it.
func (h *SellerSignature) Check(c echo.Context) error {
	ctx := c.Request().Context()
	rawURL, body := c.FormValue("url"), c.FormValue("body")
	vm := seller.SignatureVM{URL: clip(rawURL, maxSignatureURL), Body: clip(body, sellerkit.MaxSignatureBody), KeepCRLF: c.FormValue("keep_crlf") == "1", Errors: map[string]string{}}

	var secret string
	keyID, err := formID(c, "key_id")
	if err == nil {
		vm.KeyID = keyID
		secret, err = h.keys.Secret(ctx, web.SellerID(c), keyID)
	}
	switch {
	case errors.Is(err, sqldb.ErrNotFound):
		vm.Errors["key_id"] = web.T(c, "sigtool.err.key")
	case err != nil:
		return err
	}

	var params sellerkit.SignedParams
	switch p, ok := sellerkit.ParseSignedURL(rawURL); {
	case strings.TrimSpace(rawURL) == "":
		vm.Errors["url"] = web.T(c, "sigtool.err.url_empty")
	case len(rawURL) > maxSignatureURL:
		vm.Errors["url"] = web.T(c, "sigtool.err.url_too_long", maxSignatureURL/1024)
	case !ok:
		vm.Errors["url"] = web.T(c, "sigtool.err.url_parse")
	case len(p.Missing) > 0:
		vm.Errors["url"] = web.T(c, "sigtool.err.missing", strings.Join(p.Missing, ", "))
	default:
		params = p
	}

	switch {
	case body == "":
		vm.Errors["body"] = web.T(c, "sigtool.err.body_empty")
	case len(body) > sellerkit.MaxSignatureBody:
		vm.Errors["body"] = web.T(c, "sigtool.err.body_too_large", sellerkit.MaxSignatureBody/1024)
	}
	if len(vm.Errors) > 0 {
		return h.render(c, http.StatusUnprocessableEntity, vm)
	}

	if !vm.KeepCRLF {
		// Browsers send a textarea's line breaks as CRLF; the platform's bodies have none, and
		// a body copied from a log has LF.
		body = strings.ReplaceAll(body, "\r\n", "\n")
	}
	check := sellerkit.CheckSignature(params, []byte(body), secret, h.now())
	vm.Check = &check
	if !check.Match {
		vm.OtherKey, err = h.otherKey(c, keyID, params, []byte(body))
		if err != nil {
			return err
		}
	}
	return h.render(c, http.StatusOK, vm)
}

// otherKey names another of the seller's keys that the signature was made with, if any: the
// usual cause of a mismatch is an endpoint configured with the wrong key.
func (h *SellerSignature) otherKey(c echo.Context, chosen uint, p sellerkit.SignedParams, body []byte) (string, error) {
	keys, err := h.store.SellerKeys(c.Request().Context(), web.SellerID(c))
	if err != nil {
		return "", err
	}
	for i := range keys {
		if keys[i].ID == chosen {
			continue
		}
		secret, err := h.keys.Open(&keys[i].AccessKey)
		if err != nil {
			return "", err
		}
		if sellerkit.SignatureMatches(p, body, secret) {
			return keys[i].KeyID, nil
		}
	}
	return "", nil
}

func (h *SellerSignature) now() time.Time {
	if h.kit != nil && h.kit.Now != nil {
		return h.kit.Now()
	}
	return time.Now()
}
