package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"koogallery/models"
	"koogallery/models/catalog"
	"koogallery/models/sqldb"
	"koogallery/views/console"
	"koogallery/views/layouts"
	"koogallery/views/public"
	"koogallery/web"
)

// Orders serves buying and the buyer's order list (我的订单).
type Orders struct{ store *models.Store }

// Routes registers the order pages under /console.
func (h *Orders) Routes(g *echo.Group) {
	g.GET("/orders", h.List)
	g.POST("/orders", h.Create)
	g.GET("/orders/:id", h.Show)
}

// purchaseInput is what the buy and renew forms may set.
type purchaseInput struct {
	Plan      string `form:"plan"`
	Count     string `form:"count"`
	PayMethod string `form:"pay_method"`
	SubmitKey string `form:"submit_key"`
	Spec      string `form:"spec"` // the spec's id, for a product with specs
}

func (in purchaseInput) model() models.PurchaseInput {
	return models.PurchaseInput{Plan: clip(in.Plan, 20), Count: clip(in.Count, 20), PayMethod: clip(in.PayMethod, 20), SubmitKey: clip(in.SubmitKey, 64),
		Spec: clip(in.Spec, 20)}
}

// extValues reads the extension parameters' values (fields ext_<name>), clipped for re-display.
func extValues(c echo.Context) map[string]string {
	v, _ := c.FormParams()
	out := map[string]string{}
	for k, vals := range v {
		if name, ok := strings.CutPrefix(k, "ext_"); ok && len(vals) > 0 && len(out) < catalog.MaxExtParams*4 {
			out[clip(name, 40)] = clip(vals[0], 800)
		}
	}
	return out
}

// Create buys a product; errors re-render the product page with the choices kept.
func (h *Orders) Create(c echo.Context) error {
	var in purchaseInput
	if err := c.Bind(&in); err != nil {
		return echo.ErrBadRequest
	}
	productID, err := formID(c, "product_id")
	if err != nil {
		return err
	}
	if !web.CurrentUser(c).Verified() {
		return unverified(c, "/products/"+strconv.FormatUint(uint64(productID), 10))
	}
	m := in.model()
	m.Ext = extValues(c)
	order, err := h.store.Purchase(c.Request().Context(), web.UserID(c), productID, m)
	if fe, ok := asFieldErrors(err); ok {
		p, perr := h.store.CatalogProduct(c.Request().Context(), productID)
		if perr != nil {
			return perr
		}
		form := public.BuyForm{Plan: m.Plan, Count: m.Count, PayMethod: m.PayMethod, SubmitKey: m.SubmitKey, Spec: m.Spec, Ext: m.Ext, Errors: translate(c, fe)}
		if fe["form"] != "" {
			form.SubmitKey = "" // a fresh key for the next try
		}
		return renderProduct(c, h.store, http.StatusUnprocessableEntity, p, form)
	}
	if err != nil {
		return err
	}
	web.Flash(c, web.FlashSuccess, "buy.done")
	return web.SeeOther(c, "/console/orders/"+strconv.FormatUint(uint64(order.ID), 10))
}

// List shows the buyer's orders, filtered by type, charging mode and status.
func (h *Orders) List(c echo.Context) error {
	f := orderFilter(c)
	page, err := h.store.BuyerOrders(c.Request().Context(), web.UserID(c), f)
	if err != nil {
		return err
	}
	return web.Render(c, http.StatusOK, console.Orders(console.OrdersVM{Filter: f, Page: page}), layouts.Console(web.T(c, "nav.console.orders")))
}

// Show is one of the buyer's orders; another buyer's is a 404.
func (h *Orders) Show(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	o, err := h.store.BuyerOrder(c.Request().Context(), web.UserID(c), id)
	if err != nil {
		return err
	}
	return web.Render(c, http.StatusOK, console.OrderDetail(o), layouts.Console(o.OrderNo))
}

// isStale reports a change that lost a race or came too late.
func isStale(err error) bool { return errors.Is(err, sqldb.ErrStale) }
