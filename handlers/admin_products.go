package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"koogallery/models"
	"koogallery/models/account"
	"koogallery/models/catalog"
	"koogallery/models/sqldb"
	"koogallery/views/admin"
	"koogallery/views/layouts"
	"koogallery/web"
)

// AdminProducts serves operations' product list and the sale actions 冻结, 下架 and 重新上架,
// each for a written reason that the seller reads.
type AdminProducts struct{ store *models.Store }

// Routes registers /admin/products.
func (h *AdminProducts) Routes(g *echo.Group) {
	g.GET("/products", h.List)
	g.GET("/products/:id", h.Show)
	for _, a := range catalog.SaleActions {
		g.POST("/products/:id/"+string(a), h.change(a))
	}
}

// List shows every product, filtered by sale status and seller, with interface health.
func (h *AdminProducts) List(c echo.Context) error {
	ctx := c.Request().Context()
	f := catalog.AdminProductFilter{Page: pageParam(c)}
	vm := admin.ProductsVM{}
	for _, s := range []catalog.SaleStatus{catalog.SaleOnSale, catalog.SaleFrozen, catalog.SaleDelisted} {
		if c.QueryParam("status") == string(s) {
			f.SaleStatus, vm.Status = s, string(s)
		}
	}
	if n, err := strconv.ParseUint(c.QueryParam("seller"), 10, 32); err == nil && n > 0 {
		f.SellerID, vm.Seller = uint(n), c.QueryParam("seller")
	}
	page, err := h.store.AdminProducts(ctx, f)
	if err != nil {
		return err
	}
	ids := make([]uint, len(page.Items))
	for i, p := range page.Items {
		ids[i] = p.ID
	}
	if vm.Failed, err = h.store.FailedOrdersThisMonth(ctx, ids); err != nil {
		return err
	}
	if vm.Sellers, err = h.store.SellerCompanies(ctx); err != nil {
		return err
	}
	if vm.Reviewing, err = h.store.ReviewQueueCount(ctx); err != nil {
		return err
	}
	vm.Page = page
	return web.Render(c, http.StatusOK, admin.Products(vm), layouts.Admin(web.T(c, "nav.admin.products")))
}

func (h *AdminProducts) render(c echo.Context, status int, id uint, vm admin.ProductVM) error {
	ctx := c.Request().Context()
	p, err := h.store.AdminProduct(ctx, id)
	if err != nil {
		return err
	}
	failed, err := h.store.FailedOrdersThisMonth(ctx, []uint{p.ID})
	if err != nil {
		return err
	}
	if vm.Audit, err = h.store.AuditTrail(ctx, account.AuditProduct, p.ID, 50); err != nil {
		return err
	}
	vm.Product, vm.Failed = p, failed[p.ID]
	return web.Render(c, status, admin.Product(vm), layouts.Admin(p.Name))
}

// Show is one product with the actions its sale status allows and its audit trail.
func (h *AdminProducts) Show(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, id, admin.ProductVM{})
}

// change applies a sale action. A missing or too long reason re-renders the form with the text
// kept; a product whose status changed meanwhile (or does not allow the action) is left alone
// with a message.
func (h *AdminProducts) change(a catalog.SaleAction) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		reason := c.FormValue("reason")
		err = h.store.ChangeSaleStatus(c.Request().Context(), web.UserID(c), id, a, reason)
		if fe, ok := asFieldErrors(err); ok {
			return h.render(c, http.StatusUnprocessableEntity, id, admin.ProductVM{Action: string(a), Reason: clip(reason, 4000), Error: web.T(c, fe["reason"])})
		}
		back := "/admin/products/" + strconv.FormatUint(uint64(id), 10)
		switch {
		case errors.Is(err, sqldb.ErrStale):
			web.Flash(c, web.FlashError, "adminproducts.stale")
		case err != nil:
			return err
		default:
			web.Flash(c, web.FlashSuccess, "adminproducts.done."+string(a))
		}
		return web.SeeOther(c, back)
	}
}
