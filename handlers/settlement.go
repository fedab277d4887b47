package handlers

import (
	"bytes"
	"net/http"

	"github.com/labstack/echo/v4"

	"koogallery/models"
	"koogallery/models/orders"
	"koogallery/models/settlement"
	"koogallery/models/sqldb"
	"koogallery/views/layouts"
	settlementviews "koogallery/views/settlement"
	"koogallery/web"
)

// Settlement serves 结算: the seller's orders with their settlement state and reasons, the
// product types' progress toward ¥1,000, the monthly statements and their CSV; operations'
// view of every seller's statements and the demo's repayment switch for credit orders.
type Settlement struct{ store *models.Store }

// SellerRoutes registers the seller's settlement pages under /seller.
func (h *Settlement) SellerRoutes(g *echo.Group) {
	g.GET("/settlement", h.Seller)
	g.GET("/settlement/statements/:month", h.statement(settlementviews.AreaSeller, false))
	g.GET("/settlement/statements/:month/export", h.statement(settlementviews.AreaSeller, true))
}

// AdminRoutes registers operations' settlement pages under /admin.
func (h *Settlement) AdminRoutes(g *echo.Group) {
	g.GET("/settlement", h.Admin)
	g.GET("/settlement/statements/:seller/:month", h.statement(settlementviews.AreaAdmin, false))
	g.GET("/settlement/statements/:seller/:month/export", h.statement(settlementviews.AreaAdmin, true))
	g.POST("/settlement/orders/:id/repayment", h.SetRepayment)
}

// periodsShown is how many months the seller's period picker offers.
const periodsShown = 24

// Seller is /seller/settlement: ?month=YYYY-MM (default the current month), ?state=, ?page=.
func (h *Settlement) Seller(c echo.Context) error {
	ctx := c.Request().Context()
	now := h.store.Now()
	f := settlement.SettlementFilter{Period: settlement.PeriodOf(now), Page: pageParam(c)}
	if p, ok := settlement.ParsePeriod(c.QueryParam("month")); ok && !p.Start().After(now) {
		f.Period = p
	}
	for _, s := range settlement.SettleStates {
		if c.QueryParam("state") == string(s) {
			f.State = s
		}
	}
	list, err := h.store.SettlementOrders(ctx, web.SellerID(c), f)
	if err != nil {
		return err
	}
	vm := settlementviews.SellerVM{List: list, State: f.State}
	for p, i := settlement.PeriodOf(now), 0; i < periodsShown; p, i = p.Prev(), i+1 {
		vm.Periods = append(vm.Periods, p)
	}
	if vm.Statements, err = h.store.SellerStatements(ctx, web.SellerID(c)); err != nil {
		return err
	}
	return web.Render(c, http.StatusOK, settlementviews.Seller(vm), layouts.Seller(web.T(c, "nav.seller.settlement")))
}

// statement shows one monthly statement, or downloads it as CSV: the seller's own, or for
// operations any seller's. A malformed month or seller is a 404.
func (h *Settlement) statement(area string, export bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		p, ok := settlement.ParsePeriod(c.Param("month"))
		if !ok {
			return sqldb.ErrNotFound
		}
		sellerID := web.SellerID(c)
		if area == settlementviews.AreaAdmin {
			id, err := pathID(c, "seller")
			if err != nil {
				return err
			}
			sellerID = id
		}
		st, err := h.store.SellerStatement(c.Request().Context(), sellerID, p)
		if err != nil {
			return err
		}
		c.Response().Header().Set("Cache-Control", "private, no-store")
		if export {
			var buf bytes.Buffer
			if err := settlementviews.WriteCSV(&buf, web.Locale(c), st); err != nil {
				return err
			}
			c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+settlementviews.CSVFilename(st)+`"`)
			return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
		}
		title := web.T(c, "settlement.statement.title", p.String())
		vm := settlementviews.StatementVM{Area: area, St: st}
		if area == settlementviews.AreaAdmin {
			return web.Render(c, http.StatusOK, settlementviews.Statement(vm), layouts.Admin(title))
		}
		return web.Render(c, http.StatusOK, settlementviews.Statement(vm), layouts.Seller(title))
	}
}

// Admin is /admin/settlement: every seller's statements and the credit orders' repayment.
func (h *Settlement) Admin(c echo.Context) error {
	ctx := c.Request().Context()
	var vm settlementviews.AdminVM
	var err error
	if vm.Statements, err = h.store.AllStatements(ctx); err != nil {
		return err
	}
	if vm.Credit, err = h.store.CreditOrders(ctx, pageParam(c)); err != nil {
		return err
	}
	return web.Render(c, http.StatusOK, settlementviews.Admin(vm), layouts.Admin(web.T(c, "nav.admin.settlement")))
}

// SetRepayment is operations marking a credit order repaid (to=repaid) or unpaid
// (to=pending); a change someone else already made says so.
func (h *Settlement) SetRepayment(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	to := orders.Repayment(c.FormValue("to"))
	if to != orders.RepaymentRepaid && to != orders.RepaymentPending {
		return echo.ErrBadRequest
	}
	err = h.store.SetRepayment(c.Request().Context(), web.CurrentUser(c), id, to)
	switch {
	case isStale(err):
		web.Flash(c, web.FlashError, "settlement.flash.stale")
	case err != nil:
		return err
	default:
		web.Flash(c, web.FlashSuccess, "settlement.flash.repayment_set")
	}
	return web.SeeOther(c, "/admin/settlement")
}
