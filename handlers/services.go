package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"koogallery/models"
	"koogallery/models/orders"
	"koogallery/models/sqldb"
	"koogallery/sellerkit"
	"koogallery/views/console"
	"koogallery/views/layouts"
	"koogallery/web"
)

// Services serves 已购买的服务: the buyer's purchased services, their details and renewal.
type Services struct {
	store *models.Store
	keys  *sellerkit.Keys
}

// Routes registers the service pages under /console.
func (h *Services) Routes(g *echo.Group) {
	g.GET("/services", h.List)
	g.GET("/services/:id", h.Show)
	g.POST("/services/:id/renew", h.Renew)
	g.POST("/services/:id/credential", h.Credential)
	h.licenseRoutes(g) // licenses.go
	h.upgradeRoutes(g) // upgrade.go
}

// List shows the buyer's services, optionally by status.
func (h *Services) List(c echo.Context) error {
	f := orders.ServiceFilter{Page: pageParam(c)}
	for _, s := range orders.InstanceStatuses {
		if string(s) == c.QueryParam("status") {
			f.Status = s
		}
	}
	list, err := h.store.BuyerServices(c.Request().Context(), web.UserID(c), f)
	if err != nil {
		return err
	}
	// The list's one statement brought the products' top spec ranks along (upgrade.go).
	vm := console.ServicesVM{Status: string(f.Status), Page: list.Page, Upgradable: upgradableWith(list.Items, list.TopSpecRanks, h.store.Now())}
	return web.Render(c, http.StatusOK, console.Services(vm), layouts.Console(web.T(c, "nav.console.services")))
}

// Show is one service's details with its orders and the renewal form.
func (h *Services) Show(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, id, console.RenewForm{Count: "1", PayMethod: string(orders.PayCash)})
}

func (h *Services) render(c echo.Context, status int, id uint, form console.RenewForm) error {
	ctx := c.Request().Context()
	in, err := h.store.BuyerService(ctx, web.UserID(c), id)
	if err != nil {
		return err
	}
	history, err := h.store.ServiceOrders(ctx, web.UserID(c), id)
	if err != nil {
		return err
	}
	if form.Plan == "" {
		if plans := in.Product.Plans(); len(plans) > 0 {
			form.Plan = string(plans[0])
		}
	}
	if form.SubmitKey == "" {
		form.SubmitKey = web.NewFormKey()
	}
	vm := console.ServiceVM{Service: in, Orders: history, Renew: form}
	up, err := h.upgradable(c, []orders.Instance{*in}) // upgrade.go
	if err != nil {
		return err
	}
	vm.CanUpgrade = up[in.ID]
	if err := h.withLicenses(c, &vm); err != nil { // licenses.go
		return err
	}
	if err := h.withDeploy(c, &vm); err != nil { // deploy.go
		return err
	}
	if in.Status == orders.InstanceNormal || in.Status == orders.InstanceFrozen {
		if a, err := h.keys.OpenAppInfo(ctx, in); err == nil {
			vm.App = &console.AppInfoVM{FrontEndURL: a.FrontEndURL, AdminURL: a.AdminURL, UserName: a.UserName, Memo: a.Memo,
				HasPassword: a.Password != "", Undecryptable: a.Undecryptable}
		}
	}
	return web.Render(c, status, console.Service(vm), layouts.Console(in.Product.Name))
}

// Renew extends a periodic service; errors re-render the page with the choices kept.
func (h *Services) Renew(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in purchaseInput
	if err := c.Bind(&in); err != nil {
		return echo.ErrBadRequest
	}
	if !web.CurrentUser(c).Verified() {
		return unverified(c, "/console/services/"+strconv.FormatUint(uint64(id), 10))
	}
	order, err := h.store.Renew(c.Request().Context(), web.UserID(c), id, in.model())
	if fe, ok := asFieldErrors(err); ok || isStale(err) {
		if !ok {
			fe = sqldb.FieldErrors{"form": "purchase.err.stale"}
		}
		m := in.model()
		form := console.RenewForm{Plan: m.Plan, Count: m.Count, PayMethod: m.PayMethod, Errors: translate(c, fe)}
		if fe["form"] == "" {
			form.SubmitKey = m.SubmitKey
		}
		return h.render(c, http.StatusUnprocessableEntity, id, form)
	}
	if err != nil {
		return err
	}
	web.Flash(c, web.FlashSuccess, "service.renewed")
	return web.SeeOther(c, "/console/orders/"+strconv.FormatUint(uint64(order.ID), 10))
}

// Credential reveals the service password (htmx), never cached.
func (h *Services) Credential(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	in, err := h.store.BuyerService(c.Request().Context(), web.UserID(c), id)
	if err != nil {
		return err
	}
	a, err := h.keys.OpenAppInfo(c.Request().Context(), in)
	if err != nil || a.Password == "" {
		return sqldb.ErrNotFound
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return web.Render(c, http.StatusOK, console.Password(a.Password), nil)
}
