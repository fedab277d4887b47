package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"koogallery/models"
	"koogallery/models/catalog"
	"koogallery/models/sellertools"
	"koogallery/models/sqldb"
	"koogallery/publishing"
	"koogallery/views/admin"
	"koogallery/views/layouts"
	"koogallery/web"
)

// AdminReviews serves operations' listing review (商品审核): the queue of submitted product
// versions, one version with its content, the changes it makes, the listing readiness as the
// platform sees it now and the case re-run it was submitted with, and the decisions 通过
// (approve) and 驳回 (reject, for a written reason the seller reads).
type AdminReviews struct {
	store      *models.Store
	publishing *publishing.Service
}

// Routes registers /admin/products/reviews.
func (h *AdminReviews) Routes(g *echo.Group) {
	g.GET("/products/reviews", h.List)
	g.GET("/products/reviews/:id", h.Show)
	g.POST("/products/reviews/:id/approve", h.decide(true))
	g.POST("/products/reviews/:id/reject", h.decide(false))
}

// List is the queue of versions waiting for review, oldest submission first.
func (h *AdminReviews) List(c echo.Context) error {
	page, err := h.store.ReviewQueue(c.Request().Context(), pageParam(c))
	if err != nil {
		return err
	}
	vm := admin.ReviewsVM{Page: page, Rows: make([]admin.ReviewRow, len(page.Items))}
	for i, v := range page.Items {
		content, err := v.Decode()
		if err != nil && v.Product != nil {
			content = catalog.ContentOf(v.Product, nil) // unreadable content: name the product as listed
		}
		vm.Rows[i] = admin.ReviewRow{Version: v, Content: content}
	}
	return web.Render(c, http.StatusOK, admin.Reviews(vm), layouts.Admin(web.T(c, "nav.admin.reviews")))
}

// Show is one version for review.
func (h *AdminReviews) Show(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, id, admin.ReviewVM{})
}

// render loads a version with everything operations weigh before deciding.
func (h *AdminReviews) render(c echo.Context, status int, id uint, vm admin.ReviewVM) error {
	ctx := c.Request().Context()
	v, err := h.store.ReviewVersion(ctx, id)
	if err != nil {
		return err
	}
	p := v.Product
	if p == nil {
		return sqldb.ErrNotFound
	}
	if vm.Content, err = v.Decode(); err != nil {
		return err
	}
	vm.Version = v
	// A version still open on a listed product changes it: compare with what buyers see now.
	if p.Version > 0 && v.Number > p.Version {
		specs, err := h.store.ProductSpecs(c.Request().Context(), p.ID)
		if err != nil {
			return err
		}
		live := catalog.ContentOf(p, specs)
		vm.Live, vm.Changed = &live, admin.Changes(live, vm.Content)
		if vm.LiveAddress, err = h.address(c, p.SellerID, live.AddressID); err != nil {
			return err
		}
	}
	if vm.Address, err = h.address(c, p.SellerID, vm.Content.AddressID); err != nil {
		return err
	}
	if vm.Readiness, err = h.publishing.Check(ctx, p.SellerID, vm.Content); err != nil {
		return err
	}
	var ok bool
	vm.Reran, ok = admin.DecodeReport(v.CaseReport)
	vm.ReportBad = !ok
	if vm.History, err = h.store.ProductVersions(ctx, p.ID); err != nil {
		return err
	}
	return web.Render(c, status, admin.Review(vm), layouts.Admin(web.T(c, "nav.admin.reviews")))
}

// address loads the seller's production address a content names; nil when it names none or
// one that no longer exists.
func (h *AdminReviews) address(c echo.Context, sellerID uint, id *uint) (*sellertools.ProductionAddress, error) {
	if id == nil {
		return nil, nil
	}
	a, err := h.store.SellerAddress(c.Request().Context(), sellerID, *id)
	if errors.Is(err, sqldb.ErrNotFound) {
		return nil, nil
	}
	return a, err
}

// decide approves or rejects a version. Approval is allowed even when the listing readiness is
// not met (the page warns; operations decide). A rejection without a reason re-renders the
// page with the message and the typed text kept; a version decided meanwhile is left alone
// with a message.
func (h *AdminReviews) decide(approve bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		reason := ""
		if !approve {
			reason = c.FormValue("reason")
		}
		err = h.store.DecideProductVersion(c.Request().Context(), web.UserID(c), id, approve, reason)
		if _, ok := asFieldErrors(err); ok {
			v, verr := h.store.ReviewVersion(c.Request().Context(), id)
			if verr != nil {
				return verr
			}
			if v.Status != catalog.VersionReviewing {
				err = sqldb.ErrStale // decided meanwhile: there is no form left to correct
			}
		}
		if fe, ok := asFieldErrors(err); ok {
			return h.render(c, http.StatusUnprocessableEntity, id, admin.ReviewVM{Reason: clip(reason, 4000), Error: web.T(c, fe["reason"])})
		}
		switch {
		case errors.Is(err, sqldb.ErrStale):
			web.Flash(c, web.FlashError, "review.stale")
			return web.SeeOther(c, "/admin/products/reviews/"+strconv.FormatUint(uint64(id), 10))
		case err != nil:
			return err
		case approve:
			web.Flash(c, web.FlashSuccess, "review.done.approve")
		default:
			web.Flash(c, web.FlashSuccess, "review.done.reject")
		}
		return web.SeeOther(c, "/admin/products/reviews")
	}
}
