package handlers

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"koogallery/models"
	"koogallery/models/sellertools"
	"koogallery/models/sqldb"
	"koogallery/sellerkit"
	"koogallery/views/layouts"
	"koogallery/views/seller"
	"koogallery/web"
)

// SellerAddresses serves 生产地址管理: adding, certifying and deleting production addresses and
// binding keys to them.
type SellerAddresses struct {
	store *models.Store
	keys  *sellerkit.Keys
	kit   *sellerkit.Kit
	rules sellerkit.AddressRules
}

// Routes registers /seller/addresses.
func (h *SellerAddresses) Routes(g *echo.Group) {
	g.GET("/addresses", h.List)
	g.POST("/addresses", h.Add)
	g.GET("/addresses/:id", h.Show)
	g.POST("/addresses/:id/certify", h.Certify)
	g.POST("/addresses/:id/bindings", h.Bind)
	g.POST("/addresses/:id/delete", h.Delete)
}

func (h *SellerAddresses) renderList(c echo.Context, status int, vm seller.AddressesVM) error {
	list, err := h.store.SellerAddresses(c.Request().Context(), web.SellerID(c))
	if err != nil {
		return err
	}
	vm.Addresses, vm.DevMode = list, h.rules.AllowLoopback
	return web.Render(c, status, seller.Addresses(vm), layouts.Seller(web.T(c, "nav.seller.addresses")))
}

// List shows the seller's addresses.
func (h *SellerAddresses) List(c echo.Context) error {
	return h.renderList(c, http.StatusOK, seller.AddressesVM{})
}

// Add validates and stores a new address, then opens it for certification.
func (h *SellerAddresses) Add(c echo.Context) error {
	raw := c.FormValue("url")
	ctx, cancel := context.WithTimeout(c.Request().Context(), 5*time.Second)
	defer cancel()
	url, msg := sellerkit.NormalizeAddress(ctx, raw, h.rules)
	if msg == "" {
		a, err := h.store.AddAddress(c.Request().Context(), web.SellerID(c), url)
		switch {
		case errors.Is(err, sellertools.ErrDuplicate):
			msg = "address.err.duplicate"
		case err != nil:
			return err
		default:
			web.Flash(c, web.FlashSuccess, "addresses.added")
			return web.SeeOther(c, "/seller/addresses/"+strconv.FormatUint(uint64(a.ID), 10))
		}
	}
	return h.renderList(c, http.StatusUnprocessableEntity, seller.AddressesVM{URL: clip(strings.TrimSpace(raw), 300), URLError: web.T(c, msg)})
}

func (h *SellerAddresses) address(c echo.Context) (*sellertools.ProductionAddress, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, err
	}
	return h.store.SellerAddress(c.Request().Context(), web.SellerID(c), id)
}

func (h *SellerAddresses) renderOne(c echo.Context, status int, a *sellertools.ProductionAddress, keyError string) error {
	ctx := c.Request().Context()
	keys, err := h.store.SellerKeys(ctx, web.SellerID(c))
	if err != nil {
		return err
	}
	bindings, err := h.store.AddressBindings(ctx, web.SellerID(c))
	if err != nil {
		return err
	}
	vm := seller.AddressVM{Address: a, Keys: keys, Bindings: map[sellertools.InterfaceType]*sellertools.AccessKey{}, KeyError: keyError}
	for _, b := range bindings {
		if b.AddressID == a.ID {
			vm.Bindings[b.InterfaceType] = b.AccessKey
		}
	}
	if a.Report != "" {
		r := sellerkit.ParseReport(a.Report)
		vm.Report = &r
	}
	return web.Render(c, status, seller.Address(vm), layouts.Seller(a.URL))
}

// Show is one address with its certification report and bindings.
func (h *SellerAddresses) Show(c echo.Context) error {
	a, err := h.address(c)
	if err != nil {
		return err
	}
	return h.renderOne(c, http.StatusOK, a, "")
}

// Certify probes the address with the chosen key and records the verdict.
func (h *SellerAddresses) Certify(c echo.Context) error {
	a, err := h.address(c)
	if err != nil {
		return err
	}
	keyID, err := formID(c, "key_id")
	if err != nil {
		return h.renderOne(c, http.StatusUnprocessableEntity, a, web.T(c, "addresses.err.key"))
	}
	ctx := c.Request().Context()
	secret, err := h.keys.Secret(ctx, web.SellerID(c), keyID)
	if errors.Is(err, sqldb.ErrNotFound) {
		return h.renderOne(c, http.StatusUnprocessableEntity, a, web.T(c, "addresses.err.key"))
	}
	if err != nil {
		return err
	}
	report := h.kit.Certify(ctx, a.URL, secret)
	if err := h.store.RecordCertification(ctx, web.SellerID(c), a.ID, report.Passed, report.JSON()); err != nil {
		return err
	}
	if report.Passed {
		web.Flash(c, web.FlashSuccess, "addresses.certified")
	} else {
		web.Flash(c, web.FlashError, "addresses.not_certified")
	}
	// The whole page reloads (HX-Redirect for htmx): status, bindings and the report all changed.
	return web.SeeOther(c, "/seller/addresses/"+strconv.FormatUint(uint64(a.ID), 10))
}

// Bind binds (or with unbind=1 removes) the key of an interface type. Changing or removing a
// binding that exists first shows what depends on it and asks for confirmation.
func (h *SellerAddresses) Bind(c echo.Context) error {
	a, err := h.address(c)
	if err != nil {
		return err
	}
	t := sellertools.InterfaceType(c.FormValue("iface"))
	if !t.Valid() {
		return echo.ErrBadRequest
	}
	ctx := c.Request().Context()
	unbind := c.FormValue("unbind") == "1"
	var newKey *sellertools.KeyRow
	if !unbind {
		keyID, err := formID(c, "key_id")
		if err != nil {
			return h.renderOne(c, http.StatusUnprocessableEntity, a, web.T(c, "addresses.err.key"))
		}
		keys, err := h.store.SellerKeys(ctx, web.SellerID(c))
		if err != nil {
			return err
		}
		for i := range keys {
			if keys[i].ID == keyID {
				newKey = &keys[i]
			}
		}
		if newKey == nil {
			return h.renderOne(c, http.StatusUnprocessableEntity, a, web.T(c, "addresses.err.key"))
		}
	}
	old, err := h.store.AddressKey(ctx, a.ID, t)
	if err != nil && !errors.Is(err, sqldb.ErrNotFound) {
		return err
	}
	changes := old != nil && (unbind || old.ID != newKey.ID)
	if changes && c.FormValue("confirm") != "1" {
		usage, err := h.store.BindingUsage(ctx, web.SellerID(c), a.ID, t)
		if err != nil {
			return err
		}
		return web.Render(c, http.StatusOK, seller.BindingConfirm(seller.BindingConfirmVM{Address: a, Iface: t, Old: old, NewKey: newKey, Usage: usage}), layouts.Seller(web.T(c, "bindings.confirm_title")))
	}
	back := "/seller/addresses/" + strconv.FormatUint(uint64(a.ID), 10) + "#bindings"
	if unbind {
		if err := h.store.UnbindKey(ctx, web.SellerID(c), a.ID, t); err != nil && !errors.Is(err, sqldb.ErrNotFound) {
			return err
		}
		web.Flash(c, web.FlashSuccess, "bindings.removed")
		return web.SeeOther(c, back)
	}
	switch err := h.store.BindKey(ctx, web.SellerID(c), a.ID, t, newKey.ID); {
	case errors.Is(err, sellertools.ErrKeyOtherType):
		web.Flash(c, web.FlashError, "bindings.err.other_type")
	case errors.Is(err, sellertools.ErrNotCertified):
		web.Flash(c, web.FlashError, "bindings.err.not_certified")
	case err != nil:
		return err
	default:
		web.Flash(c, web.FlashSuccess, "bindings.saved")
	}
	return web.SeeOther(c, back)
}

// Delete removes an address with its bindings and debug cases.
func (h *SellerAddresses) Delete(c echo.Context) error {
	a, err := h.address(c)
	if err != nil {
		return err
	}
	if err := h.store.DeleteAddress(c.Request().Context(), web.SellerID(c), a.ID); err != nil {
		return err
	}
	web.Flash(c, web.FlashSuccess, "addresses.deleted")
	return web.SeeOther(c, "/seller/addresses")
}
