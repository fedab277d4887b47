package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"koogallery/models"
	"koogallery/models/sellertools"
	"koogallery/sellerkit"
	"koogallery/views/layouts"
	"koogallery/views/seller"
	"koogallery/web"
)

// SellerKeys serves 密钥管理: creating, revealing and deleting access keys.
type SellerKeys struct {
	store *models.Store
	keys  *sellerkit.Keys
}

// Routes registers /seller/keys.
func (h *SellerKeys) Routes(g *echo.Group) {
	g.GET("/keys", h.List)
	g.POST("/keys", h.Create)
	g.POST("/keys/:id/reveal", h.Reveal)
	g.POST("/keys/:id/hide", h.Hide)
	g.POST("/keys/:id/delete", h.Delete)
}

func (h *SellerKeys) render(c echo.Context, status int, vm seller.KeysVM) error {
	keys, err := h.store.SellerKeys(c.Request().Context(), web.SellerID(c))
	if err != nil {
		return err
	}
	vm.Keys = keys
	return web.Render(c, status, seller.Keys(vm), layouts.Seller(web.T(c, "nav.seller.keys")))
}

// List shows the seller's keys.
func (h *SellerKeys) List(c echo.Context) error { return h.render(c, http.StatusOK, seller.KeysVM{}) }

// Create makes a key and shows its secret once, revealed.
func (h *SellerKeys) Create(c echo.Context) error {
	name := c.FormValue("name")
	key, err := h.keys.Create(c.Request().Context(), web.SellerID(c), name)
	if fe, ok := asFieldErrors(err); ok {
		return h.render(c, http.StatusUnprocessableEntity, seller.KeysVM{Name: clip(strings.TrimSpace(name), 240), NameError: web.T(c, fe["name"])})
	}
	if err != nil {
		return err
	}
	secret, err := h.keys.Open(key)
	if err != nil {
		return err
	}
	web.Flash(c, web.FlashSuccess, "keys.created")
	c.Response().Header().Set("Cache-Control", "no-store")
	return h.render(c, http.StatusOK, seller.KeysVM{NewKeyID: key.ID, NewKeySecret: secret})
}

// Reveal swaps the masked secret for the real one (htmx), never cached.
func (h *SellerKeys) Reveal(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	secret, err := h.keys.Secret(c.Request().Context(), web.SellerID(c), id)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return web.Render(c, http.StatusOK, seller.Secret(id, secret), nil)
}

// Hide masks a revealed secret again.
func (h *SellerKeys) Hide(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	key, err := h.store.SellerKey(c.Request().Context(), web.SellerID(c), id)
	if err != nil {
		return err
	}
	return web.Render(c, http.StatusOK, seller.MaskedSecret(id, key.Hint), nil)
}

// Delete removes an unbound key; a bound one is refused with a message.
func (h *SellerKeys) Delete(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	err = h.store.DeleteAccessKey(c.Request().Context(), web.SellerID(c), id)
	switch {
	case errors.Is(err, sellertools.ErrKeyBound):
		web.Flash(c, web.FlashError, "keys.err.bound")
	case err != nil:
		return err
	default:
		web.Flash(c, web.FlashSuccess, "keys.deleted")
	}
	return web.SeeOther(c, "/seller/keys")
}
