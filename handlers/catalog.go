package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"koogallery/models"
	"koogallery/models/account"
	"koogallery/models/catalog"
	"koogallery/models/orders"
	"koogallery/views/layouts"
	"koogallery/views/public"
	"koogallery/web"
)

// Catalog serves the public product list and product pages.
type Catalog struct{ store *models.Store }

// Routes registers / and /products/:id.
func (h *Catalog) Routes(e *echo.Echo) {
	e.GET("/", h.List)
	e.GET("/products/:id", h.Show)
}

// List shows the products on sale, searched and filtered by type.
func (h *Catalog) List(c echo.Context) error {
	vm := public.CatalogVM{Query: clip(strings.TrimSpace(c.QueryParam("q")), 100)}
	if t := catalog.ProductType(c.QueryParam("type")); t.Valid() {
		vm.Type = string(t)
	}
	page, err := h.store.Catalog(c.Request().Context(), catalog.CatalogFilter{Query: vm.Query, Type: catalog.ProductType(vm.Type), Page: pageParam(c)})
	if err != nil {
		return err
	}
	vm.Page = page
	return web.Render(c, http.StatusOK, public.Catalog(vm), layouts.Public(web.T(c, "catalog.title")))
}

// Show is a product page with the purchase form.
func (h *Catalog) Show(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	p, err := h.store.CatalogProduct(c.Request().Context(), id)
	if err != nil {
		return err
	}
	_, plan := p.LowestPrice()
	return renderProduct(c, h.store, http.StatusOK, p, public.BuyForm{Plan: string(plan), Count: "1", PayMethod: string(orders.PayCash)})
}

// renderProduct shows a product page with the given purchase form state.
func renderProduct(c echo.Context, store *models.Store, status int, p *catalog.Product, form public.BuyForm) error {
	vm := public.ProductVM{Product: p, Form: form}
	specs, err := store.ProductSpecs(c.Request().Context(), p.ID)
	if err != nil {
		return err
	}
	vm.Specs = specs
	if u := web.CurrentUser(c); u != nil && u.Role == account.RoleBuyer {
		vm.CanBuy, vm.Unverified = true, !u.Verified()
		fav, err := store.IsFavorite(c.Request().Context(), u.ID, p.ID)
		if err != nil {
			return err
		}
		vm.Favorite = fav
	}
	if vm.Form.SubmitKey == "" {
		vm.Form.SubmitKey = web.NewFormKey()
	}
	return web.Render(c, status, public.Product(vm), layouts.Public(p.Name))
}
