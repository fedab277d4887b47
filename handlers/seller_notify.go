package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"koogallery/models"
	"koogallery/models/catalog"
	"koogallery/models/outbox"
	"koogallery/models/sellertools"
	"koogallery/models/sqldb"
	"koogallery/views/layouts"
	"koogallery/views/seller"
	"koogallery/web"
)

// SellerNotify serves 订单通知配置: which production address gets orderNotify, per access type
// or per product. A change to an existing configuration is shown with the products it affects
// before it is applied.
type SellerNotify struct{ store *models.Store }

// Routes registers /seller/notify.
func (h *SellerNotify) Routes(g *echo.Group) {
	g.GET("/notify", h.Show)
	g.POST("/notify", h.Set)
	g.POST("/notify/:id/delete", h.Delete)
}

// Show lists the configurations and the form to add or change one.
func (h *SellerNotify) Show(c echo.Context) error {
	f := seller.NotifyForm{ScopeKind: "type", Type: string(catalog.TypeSaaS), Target: c.QueryParam("case")}
	return h.render(c, http.StatusOK, seller.NotifyVM{Form: f})
}

func (h *SellerNotify) render(c echo.Context, status int, vm seller.NotifyVM) error {
	ctx := c.Request().Context()
	sellerID := web.SellerID(c)
	var err error
	if vm.Configs, err = h.store.NotifyConfigs(ctx, sellerID); err != nil {
		return err
	}
	if vm.Targets, err = h.store.NotifyTargets(ctx, sellerID); err != nil {
		return err
	}
	if vm.Products, err = h.store.NotifiableProducts(ctx, sellerID); err != nil {
		return err
	}
	return web.Render(c, status, seller.Notify(vm), layouts.Seller(web.T(c, "nav.seller.notify")))
}

// Set applies a configuration. Replacing an existing one first shows what it affects; the
// confirmed form names the configuration it replaces, so it applies only as shown.
func (h *SellerNotify) Set(c echo.Context) error {
	ctx := c.Request().Context()
	sellerID := web.SellerID(c)
	f := seller.NotifyForm{ScopeKind: clip(c.FormValue("scope_kind"), 10), Type: clip(c.FormValue("type"), 40),
		Product: clip(c.FormValue("product"), 20), Target: clip(c.FormValue("target"), 20)}
	replaces, _ := strconv.ParseUint(c.FormValue("replaces"), 10, 32)
	vm := seller.NotifyVM{Form: f}
	scope, target, errs := h.parse(c, f)
	if errs.Has() {
		vm.Errors = translate(c, errs)
		return h.render(c, http.StatusUnprocessableEntity, vm)
	}
	cur, err := h.store.NotifyConfigOf(ctx, sellerID, scope)
	if err != nil {
		return err
	}
	if cur != nil && (cur.AddressID != target.AddressID || cur.Path != target.Path) && uint(replaces) != cur.ID {
		affected, err := h.store.NotifyAffected(ctx, sellerID, scope)
		if err != nil {
			return err
		}
		vm.Preview = &seller.NotifyPreview{Current: cur, Target: target, Affected: affected}
		return h.render(c, http.StatusOK, vm)
	}
	err = h.store.SetNotifyConfig(ctx, sellerID, scope, target.AddressID, target.Path, uint(replaces))
	if fe, ok := asFieldErrors(err); ok {
		vm.Errors = translate(c, fe)
		return h.render(c, http.StatusUnprocessableEntity, vm)
	}
	if errors.Is(err, sqldb.ErrStale) {
		web.Flash(c, web.FlashError, "notify.err.stale")
		return web.SeeOther(c, "/seller/notify")
	}
	if err != nil {
		return err
	}
	web.Flash(c, web.FlashSuccess, "notify.saved")
	return web.SeeOther(c, "/seller/notify")
}

// parse reads the scope and the target (a passed orderNotify debug case of the seller).
func (h *SellerNotify) parse(c echo.Context, f seller.NotifyForm) (outbox.NotifyScope, *sellertools.DebugCase, sqldb.FieldErrors) {
	errs := sqldb.FieldErrors{}
	var scope outbox.NotifyScope
	switch f.ScopeKind {
	case "type": // the store refuses a type without order notification
		scope.Type = catalog.ProductType(f.Type)
	case "product":
		id, err := strconv.ParseUint(f.Product, 10, 32)
		if err != nil || id == 0 {
			errs["product"] = outbox.MsgNotifyProduct
		}
		scope.ProductID = uint(id)
	default:
		errs["scope"] = outbox.MsgNotifyScope
	}
	var target *sellertools.DebugCase
	id, err := strconv.ParseUint(f.Target, 10, 32)
	if err == nil && id > 0 {
		target, err = h.store.SellerCase(c.Request().Context(), web.SellerID(c), uint(id))
	}
	if err != nil || target == nil || target.Kind != sellertools.DebugNotify {
		errs["target"] = outbox.MsgNotifyTarget
	}
	return scope, target, errs
}

// Delete removes a configuration.
func (h *SellerNotify) Delete(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.store.DeleteNotifyConfig(c.Request().Context(), web.SellerID(c), id); err != nil {
		return err
	}
	web.Flash(c, web.FlashSuccess, "notify.deleted")
	return web.SeeOther(c, "/seller/notify")
}
