package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"koogallery/models"
	"koogallery/models/catalog"
	"koogallery/models/sqldb"
	"koogallery/publishing"
	"koogallery/views/layouts"
	"koogallery/views/seller"
	"koogallery/web"
)

// SellerProducts serves 我的商品: the seller's products, the editor for drafts and changes,
// submission for review with the listing rules, and taking products off sale and back.
type SellerProducts struct {
	store *models.Store
	pub   *publishing.Service
}

// Routes registers /seller/products.
func (h *SellerProducts) Routes(g *echo.Group) {
	g.GET("/products", h.List)
	g.GET("/products/new", h.New)
	g.POST("/products", h.Create)
	g.GET("/products/:id", h.Show)
	g.GET("/products/:id/edit", h.Edit)
	g.POST("/products/:id", h.Save)
	g.POST("/products/:id/submit", h.Submit)
	g.POST("/products/:id/withdraw", h.Withdraw)
	g.POST("/products/:id/discard", h.Discard)
	g.POST("/products/:id/unlist", h.Unlist)
	g.POST("/products/:id/relist", h.Relist)
}

// List shows the seller's products with their sale and review states.
func (h *SellerProducts) List(c echo.Context) error {
	status := catalog.SaleStatus(c.QueryParam("status"))
	valid := false
	for _, s := range catalog.SaleStatuses {
		valid = valid || s == status
	}
	if !valid {
		status = ""
	}
	page, err := h.store.SellerProductList(c.Request().Context(), web.SellerID(c), status, pageParam(c))
	if err != nil {
		return err
	}
	return web.Render(c, http.StatusOK, seller.Products(seller.ProductsVM{Status: status, Page: page}), layouts.Seller(web.T(c, "nav.seller.products")))
}

// New shows an empty editor, or one filled from a product being copied (?from=id).
func (h *SellerProducts) New(c echo.Context) error {
	vm := seller.ProductFormVM{SubmitKey: web.NewFormKey(), Form: publishing.Form{Type: string(catalog.TypeSaaS), ChargingMode: string(catalog.ChargePeriod)}}
	if from := c.QueryParam("from"); from != "" {
		id, err := strconv.ParseUint(from, 10, 32)
		if err != nil {
			return sqldb.ErrNotFound
		}
		p, open, err := h.store.SellerProduct(c.Request().Context(), web.SellerID(c), uint(id))
		if err != nil {
			return err
		}
		content, err := h.liveContent(c, p)
		if err != nil {
			return err
		}
		if open != nil {
			if content, err = open.Decode(); err != nil {
				return err
			}
		}
		content.Name = sqldb.ClipText(web.T(c, "product.copy_of", content.Name), publishing.MaxName)
		vm.Form, vm.CopiedFrom = publishing.FormOf(content), p
	}
	return h.renderForm(c, http.StatusOK, vm)
}

// renderForm shows the editor with the seller's addresses.
func (h *SellerProducts) renderForm(c echo.Context, status int, vm seller.ProductFormVM) error {
	addrs, err := h.store.SellerAddresses(c.Request().Context(), web.SellerID(c))
	if err != nil {
		return err
	}
	vm.Addresses = addrs
	title := web.T(c, "product.new")
	if vm.Product != nil {
		title = web.T(c, "product.edit")
	}
	return web.Render(c, status, seller.ProductForm(vm), layouts.Seller(title))
}

// Create saves a new product as a draft.
func (h *SellerProducts) Create(c echo.Context) error {
	f := h.form(c)
	key := clip(c.FormValue("submit_key"), 64)
	vm := seller.ProductFormVM{Form: f, SubmitKey: key}
	content, errs := f.Content()
	if errs.Has() {
		vm.Errors = translate(c, errs)
		return h.renderForm(c, http.StatusUnprocessableEntity, vm)
	}
	p, err := h.store.CreateProductDraft(c.Request().Context(), web.SellerID(c), content, key)
	if fe, ok := asFieldErrors(err); ok {
		vm.Errors = translate(c, fe)
		return h.renderForm(c, http.StatusUnprocessableEntity, vm)
	}
	if err != nil {
		return err
	}
	web.Flash(c, web.FlashSuccess, "product.saved")
	return web.SeeOther(c, productURL(p.ID))
}

// form reads the editor's fields, clipped for re-display.
func (h *SellerProducts) form(c echo.Context) publishing.Form {
	v, _ := c.FormParams()
	f := publishing.FormFrom(v)
	f.Name, f.Summary, f.Description = clip(f.Name, 600), clip(f.Summary, 2000), clip(f.Description, 80000)
	f.Rules, f.Path, f.DeployPackage = clip(f.Rules, 4000), clip(f.Path, 400), clip(f.DeployPackage, 400)
	for i := range f.ExtNames {
		f.ExtNames[i] = clip(f.ExtNames[i], 100)
	}
	for i := range f.ExtLabels {
		f.ExtLabels[i] = clip(f.ExtLabels[i], 200)
	}
	return f
}

// liveContent is the product's live content with its specs.
func (h *SellerProducts) liveContent(c echo.Context, p *catalog.Product) (catalog.ProductContent, error) {
	specs, err := h.store.ProductSpecs(c.Request().Context(), p.ID)
	if err != nil {
		return catalog.ProductContent{}, err
	}
	return catalog.ContentOf(p, specs), nil
}

func productURL(id uint) string { return "/seller/products/" + strconv.FormatUint(uint64(id), 10) }

// load reads the product named in the path, scoped to the seller.
func (h *SellerProducts) load(c echo.Context) (*catalog.Product, *catalog.ProductVersion, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, nil, err
	}
	return h.store.SellerProduct(c.Request().Context(), web.SellerID(c), id)
}

// Show is one product: live content, the open version, what listing still needs, history.
func (h *SellerProducts) Show(c echo.Context) error {
	p, open, err := h.load(c)
	if err != nil {
		return err
	}
	return h.renderShow(c, http.StatusOK, p, open, nil)
}

func (h *SellerProducts) renderShow(c echo.Context, status int, p *catalog.Product, open *catalog.ProductVersion, outcome *publishing.Outcome) error {
	ctx := c.Request().Context()
	live, err := h.liveContent(c, p)
	if err != nil {
		return err
	}
	vm := seller.ProductVM{Product: p, Open: open, Live: live, Outcome: outcome}
	content := vm.Live
	if open != nil {
		var err error
		if content, err = open.Decode(); err != nil {
			return err
		}
		vm.Draft = &content
	}
	if outcome != nil { // a refused submission has just checked the listing rules
		vm.Readiness = outcome.Readiness
	} else if vm.Readiness, err = h.pub.Check(ctx, web.SellerID(c), content); err != nil {
		return err
	}
	if vm.Versions, err = h.store.ProductVersions(ctx, p.ID); err != nil {
		return err
	}
	if p.AddressID != nil {
		if a, err := h.store.SellerAddress(ctx, p.SellerID, *p.AddressID); err == nil {
			vm.LiveAddress = a
		}
	}
	return web.Render(c, status, seller.Product(vm), layouts.Seller(p.Name))
}

// Edit shows the editor for the open version, or for a new version of a listed product.
func (h *SellerProducts) Edit(c echo.Context) error {
	p, open, err := h.load(c)
	if err != nil {
		return err
	}
	if open != nil && open.Status == catalog.VersionReviewing {
		web.Flash(c, web.FlashError, "product.err.under_review")
		return web.SeeOther(c, productURL(p.ID))
	}
	content, err := h.liveContent(c, p)
	if err != nil {
		return err
	}
	rev := 0
	if open != nil {
		if content, err = open.Decode(); err != nil {
			return err
		}
		rev = open.Rev
	}
	return h.renderForm(c, http.StatusOK, seller.ProductFormVM{Product: p, Open: open, Rev: rev, Form: publishing.FormOf(content)})
}

// Save stores an edit as the open version.
func (h *SellerProducts) Save(c echo.Context) error {
	p, open, err := h.load(c)
	if err != nil {
		return err
	}
	f := h.form(c)
	rev, _ := strconv.Atoi(c.FormValue("rev"))
	vm := seller.ProductFormVM{Product: p, Open: open, Rev: rev, Form: f}
	content, errs := f.Content()
	if errs.Has() {
		vm.Errors = translate(c, errs)
		return h.renderForm(c, http.StatusUnprocessableEntity, vm)
	}
	_, err = h.store.SaveProductDraft(c.Request().Context(), web.SellerID(c), p.ID, content, rev)
	if fe, ok := asFieldErrors(err); ok {
		vm.Errors = translate(c, fe)
		return h.renderForm(c, http.StatusUnprocessableEntity, vm)
	}
	switch {
	case errors.Is(err, catalog.ErrUnderReview):
		vm.Errors = map[string]string{"form": web.T(c, "product.err.under_review")}
		return h.renderForm(c, http.StatusConflict, vm)
	case errors.Is(err, sqldb.ErrStale):
		vm.Errors = map[string]string{"form": web.T(c, "product.err.stale")}
		return h.renderForm(c, http.StatusConflict, vm)
	case err != nil:
		return err
	}
	web.Flash(c, web.FlashSuccess, "product.saved")
	return web.SeeOther(c, productURL(p.ID))
}

// Submit checks the listing rules (re-running saved cases for a listed product) and sends the
// open version to review; when something is missing the page says what, with links to fix it.
func (h *SellerProducts) Submit(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	rev, _ := strconv.Atoi(c.FormValue("rev"))
	out, err := h.pub.Submit(c.Request().Context(), web.SellerID(c), id, rev)
	if errors.Is(err, sqldb.ErrStale) {
		web.Flash(c, web.FlashError, "product.err.stale_action")
		return web.SeeOther(c, productURL(id))
	}
	if err != nil {
		return err
	}
	if out.Submitted {
		web.Flash(c, web.FlashSuccess, "product.submitted")
		return web.SeeOther(c, productURL(id))
	}
	p, open, err := h.load(c)
	if err != nil {
		return err
	}
	return h.renderShow(c, http.StatusUnprocessableEntity, p, open, &out)
}

// Withdraw takes a submission back from review (撤回).
func (h *SellerProducts) Withdraw(c echo.Context) error {
	return h.act(c, "product.withdrawn", func(sellerID, id uint) error {
		return h.store.WithdrawProductVersion(c.Request().Context(), sellerID, id)
	})
}

// Discard deletes the open draft; a product never listed goes with it.
func (h *SellerProducts) Discard(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	gone, err := h.store.DiscardProductDraft(c.Request().Context(), web.SellerID(c), id)
	switch {
	case errors.Is(err, catalog.ErrUnderReview):
		web.Flash(c, web.FlashError, "product.err.under_review")
		return web.SeeOther(c, productURL(id))
	case errors.Is(err, sqldb.ErrStale):
		web.Flash(c, web.FlashError, "product.err.stale_action")
		return web.SeeOther(c, productURL(id))
	}
	if err != nil {
		return err
	}
	web.Flash(c, web.FlashSuccess, "product.discarded")
	if gone {
		return web.SeeOther(c, "/seller/products")
	}
	return web.SeeOther(c, productURL(id))
}

// Unlist takes a product off sale (下架).
func (h *SellerProducts) Unlist(c echo.Context) error {
	return h.act(c, "product.unlisted", func(sellerID, id uint) error {
		return h.store.SetSellerListing(c.Request().Context(), sellerID, id, false)
	})
}

// Relist puts an unlisted product back on sale (上架).
func (h *SellerProducts) Relist(c echo.Context) error {
	return h.act(c, "product.relisted", func(sellerID, id uint) error {
		return h.store.SetSellerListing(c.Request().Context(), sellerID, id, true)
	})
}

// act runs a guarded change on the product in the path and reports it; a change that no
// longer applies (done already, or the state moved on) says so.
func (h *SellerProducts) act(c echo.Context, done string, fn func(sellerID, id uint) error) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	switch err := fn(web.SellerID(c), id); {
	case errors.Is(err, sqldb.ErrStale):
		web.Flash(c, web.FlashError, "product.err.stale_action")
	case err != nil:
		return err
	default:
		web.Flash(c, web.FlashSuccess, done)
	}
	return web.SeeOther(c, productURL(id))
}
