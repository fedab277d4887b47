package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"koogallery/models"
	"koogallery/models/orders"
	"koogallery/models/sqldb"
	"koogallery/views"
	"koogallery/views/console"
	"koogallery/views/layouts"
	"koogallery/web"
)

// 变更规格: a buyer changes a periodic service to a higher spec of its product (a CHANGE order
// and upgradeInstance to the seller; models/upgrade.go).

// upgradeRoutes registers the spec change pages of a service.
func (h *Services) upgradeRoutes(g *echo.Group) {
	g.GET("/services/:id/upgrade", h.UpgradeForm)
	g.POST("/services/:id/upgrade", h.Upgrade)
}

// upgradeInput is what the 变更规格 form may set.
type upgradeInput struct {
	Spec      string `form:"spec"`
	PayMethod string `form:"pay_method"`
	SubmitKey string `form:"submit_key"`
}

func (in upgradeInput) model() models.UpgradeInput {
	return models.UpgradeInput{Spec: clip(in.Spec, 20), PayMethod: clip(in.PayMethod, 20), SubmitKey: clip(in.SubmitKey, 64)}
}

// upgradable says which of the buyer's services may change to a higher spec now: one query
// for the top spec of their products, whatever the page holds.
func (h *Services) upgradable(c echo.Context, items []orders.Instance) (map[uint]bool, error) {
	var ids []uint
	for _, in := range items {
		ids = append(ids, in.ProductID)
	}
	top, err := h.store.TopSpecRanks(c.Request().Context(), ids)
	if err != nil {
		return nil, err
	}
	return upgradableWith(items, top, h.store.Now()), nil
}

// upgradableWith is upgradable given the products' top spec ranks (models.TopSpecRanks).
func upgradableWith(items []orders.Instance, top map[uint]int, now time.Time) map[uint]bool {
	out := make(map[uint]bool, len(items))
	for i := range items {
		in := &items[i]
		out[in.ID] = models.UpgradeBlocked(in, now) == "" && models.HasHigherSpec(in, top)
	}
	return out
}

// UpgradeForm shows the higher specs of one of the buyer's services with what each costs now.
func (h *Services) UpgradeForm(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	return h.renderUpgrade(c, http.StatusOK, id, console.UpgradeForm{PayMethod: string(orders.PayCash)})
}

func (h *Services) renderUpgrade(c echo.Context, status int, id uint, form console.UpgradeForm) error {
	off, err := h.store.UpgradeOffer(c.Request().Context(), web.UserID(c), id)
	if err != nil {
		return err
	}
	if form.Spec == "" && len(off.Options) > 0 {
		form.Spec = views.Itoa(off.Options[0].Spec.ID)
	}
	if form.SubmitKey == "" {
		form.SubmitKey = web.NewFormKey()
	}
	return web.Render(c, status, console.Upgrade(console.UpgradeVM{Offer: off, Form: form}), layouts.Console(web.T(c, "upgrade.title")))
}

// Upgrade creates the change order; a bad choice, a change already waiting or a change
// racing another re-renders the page with a message and nothing changed.
func (h *Services) Upgrade(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in upgradeInput
	if err := c.Bind(&in); err != nil {
		return echo.ErrBadRequest
	}
	if !web.CurrentUser(c).Verified() {
		return unverified(c, "/console/services/"+strconv.FormatUint(uint64(id), 10))
	}
	m := in.model()
	order, err := h.store.Upgrade(c.Request().Context(), web.UserID(c), id, m)
	if fe, ok := asFieldErrors(err); ok || isStale(err) {
		if !ok {
			fe = sqldb.FieldErrors{"form": "upgrade.err.stale"}
		}
		form := console.UpgradeForm{PayMethod: m.PayMethod, Errors: translate(c, fe)}
		if fe["spec"] == "" {
			form.Spec = m.Spec // a valid choice stays chosen
		}
		if fe["form"] == "" {
			form.SubmitKey = m.SubmitKey
		}
		return h.renderUpgrade(c, http.StatusUnprocessableEntity, id, form)
	}
	if err != nil {
		return err
	}
	web.Flash(c, web.FlashSuccess, "upgrade.submitted")
	return web.SeeOther(c, "/console/orders/"+strconv.FormatUint(uint64(order.ID), 10))
}
