package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"koogallery/models"
	"koogallery/models/account"
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
	vm := seller.HomeVM{Seller: u.Seller, Member: u}
	if u.Can(account.Developer) || u.Can(account.Operations) {
		sum, err := h.store.SellerSummary(c.Request().Context(), *u.SellerID)
		if err != nil {
			return err
		}
		vm.Summary = sum
	}
	return web.Render(c, http.StatusOK, seller.Home(vm), layouts.Seller(web.T(c, "nav.seller")))
}
