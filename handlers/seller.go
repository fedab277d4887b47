package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"koogallery/models"
	"koogallery/models/account"
	"koogallery/models/refund"
	"koogallery/views/layouts"
	"koogallery/views/seller"
	"koogallery/web"
)

// SellerHome serves the seller center's home and order list.
type SellerHome struct{ store *models.Store }

// Routes registers /seller and /seller/orders.
func (h *SellerHome) Routes(g *echo.Group) {
	g.GET("", h.Home)
	g.GET("/orders", h.Orders)
}

// Orders lists the seller's orders with their buyers and service states (订单列表).
func (h *SellerHome) Orders(c echo.Context) error {
	f := orderFilter(c)
	page, err := h.store.SellerOrders(c.Request().Context(), web.SellerID(c), f)
	if err != nil {
		return err
	}
	return web.Render(c, http.StatusOK, seller.Orders(seller.OrdersVM{Filter: f, Page: page}), layouts.Seller(web.T(c, "nav.seller.orders")))
}

// Home shows the seller company, and the numbers and areas of the member's roles.
func (h *SellerHome) Home(c echo.Context) error {
	u := web.CurrentUser(c)
	ctx := c.Request().Context()
	vm := seller.HomeVM{Seller: u.Seller, Member: u}
	if u.Can(account.Developer) || u.Can(account.Operations) {
		sum, err := h.store.SellerSummary(ctx, *u.SellerID)
		if err != nil {
			return err
		}
		vm.Summary = sum
	}
	if u.Can(account.Operations) {
		counts, err := h.store.RefundCounts(ctx, *u.SellerID, refund.RefundFilter{})
		if err != nil {
			return err
		}
		vm.PendingRefunds = counts[refund.RefundPending]
	}
	if u.Can(account.Finance) {
		statements, err := h.store.SellerStatements(ctx, *u.SellerID)
		if err != nil {
			return err
		}
		if len(statements) > 0 {
			vm.Statement = &statements[0]
		}
	}
	return web.Render(c, http.StatusOK, seller.Home(vm), layouts.Seller(web.T(c, "nav.seller")))
}
