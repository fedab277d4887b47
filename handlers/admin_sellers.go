package handlers

import (
	"context"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"koogallery/models"
	"koogallery/models/account"
	"koogallery/models/onboarding"
	"koogallery/views/layouts"
	onboardingviews "koogallery/views/onboarding"
	"koogallery/web"
)

// AdminSellers serves operations' review of seller applications and company changes (入驻审核):
// the queue by state with each application's age, and one application with its licence,
// history and the decisions 通过, 要求补充 and 驳回, each confirmed in a dialog.
type AdminSellers struct {
	store      *models.Store
	accounts   *account.Store
	onboarding *onboarding.Store
}

// Routes registers /admin/sellers under the operations group.
func (h *AdminSellers) Routes(g *echo.Group) {
	g.GET("/sellers", h.List)
	g.GET("/sellers/:id", h.Show)
	for _, d := range onboardingviews.Decisions {
		g.POST("/sellers/:id/"+d, h.decide(d))
	}
}

// NavCounts puts the number of applications waiting for operations next to 入驻审核 in the
// operations console's navigation (one grouped count over an indexed column).
func (h *AdminSellers) NavCounts(ctx context.Context) map[string]int {
	counts, err := h.onboarding.Counts(ctx)
	if err != nil {
		return nil
	}
	return map[string]int{"/admin/sellers": int(counts[onboarding.StatusPending])}
}

// List is the queue: 待审核 unless another state (or all) is asked for, optionally one kind.
func (h *AdminSellers) List(c echo.Context) error {
	ctx := c.Request().Context()
	vm := onboardingviews.QueueVM{Status: onboarding.StatusPending, Now: h.store.Now()}
	switch q := c.QueryParam("status"); q {
	case "all":
		vm.Status, vm.All = "", true
	default:
		for _, s := range onboarding.Statuses {
			if q == string(s) {
				vm.Status = s
			}
		}
	}
	for _, k := range []onboarding.Kind{onboarding.KindJoin, onboarding.KindChange} {
		if c.QueryParam("kind") == string(k) {
			vm.Kind = k
		}
	}
	var err error
	if vm.Page, err = h.onboarding.Queue(ctx, onboarding.Filter{Status: vm.Status, Kind: vm.Kind, Page: pageParam(c)}); err != nil {
		return err
	}
	if vm.Counts, err = h.onboarding.Counts(ctx); err != nil {
		return err
	}
	return web.Render(c, http.StatusOK, onboardingviews.Queue(vm), layouts.Admin(web.T(c, "nav.admin.sellers")))
}

// detail loads one application with what its page shows besides: the company a change is
// for, and whether a join's applicant has bought something.
func (h *AdminSellers) detail(ctx context.Context, id uint) (onboardingviews.DetailVM, error) {
	vm := onboardingviews.DetailVM{Now: h.store.Now()}
	d, err := h.onboarding.ForAdmin(ctx, id)
	if err != nil {
		return vm, err
	}
	vm.D = d
	if d.Kind == onboarding.KindChange && d.SellerID != nil {
		if vm.Company, err = h.accounts.SellerByID(ctx, *d.SellerID); err != nil {
			return vm, err
		}
	}
	if d.Kind == onboarding.KindJoin && d.Status.Open() {
		n, err := h.store.BuyerOrderCount(ctx, d.ApplicantID)
		if err != nil {
			return vm, err
		}
		vm.HasOrders = n > 0
	}
	return vm, nil
}

func (h *AdminSellers) render(c echo.Context, status int, vm onboardingviews.DetailVM) error {
	return web.Render(c, status, onboardingviews.Review(vm), layouts.Admin(vm.D.CompanyName))
}

// Show is one application; ?decide=approve|info|reject opens that decision's dialog.
func (h *AdminSellers) Show(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	vm, err := h.detail(c.Request().Context(), id)
	if err != nil {
		return err
	}
	for _, d := range onboardingviews.Decisions {
		if c.QueryParam("decide") == d {
			vm.Decide = d
		}
	}
	return h.render(c, http.StatusOK, vm)
}

// decide applies a confirmed decision. A missing or too long reason re-renders the dialog with
// the text kept (422); an application someone decided meanwhile shows its state with a
// message; a company registered meanwhile, or an applicant whose account changed (or who
// bought something), is explained on the page with nothing applied (409).
func (h *AdminSellers) decide(decision string) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		ctx := c.Request().Context()
		vm, err := h.detail(ctx, id)
		if err != nil {
			return err
		}
		note := clip(c.FormValue("note"), 4000)
		admin := web.CurrentUser(c)
		switch {
		case decision == "approve" && vm.HasOrders && vm.Pending():
			vm.Problem = web.T(c, "onboarding.problem.has_orders")
			return h.render(c, http.StatusConflict, vm)
		case decision == "approve":
			err = h.onboarding.Approve(ctx, admin, id, note)
		case decision == "reject":
			err = h.onboarding.Reject(ctx, admin, id, note)
		default:
			err = h.onboarding.RequestInfo(ctx, admin, id, note)
		}
		if fe, ok := asFieldErrors(err); ok {
			vm.Decide, vm.Note, vm.Errors = decision, clip(note, 2000), translate(c, fe)
			return h.render(c, http.StatusUnprocessableEntity, vm)
		}
		switch {
		case isStale(err):
			web.Flash(c, web.FlashError, "onboarding.flash.decided")
		case errors.Is(err, onboarding.ErrTaken):
			vm.Problem = web.T(c, "onboarding.problem.taken")
			return h.render(c, http.StatusConflict, vm)
		case errors.Is(err, onboarding.ErrApplicantChanged):
			vm.Problem = web.T(c, "onboarding.problem.applicant_changed")
			return h.render(c, http.StatusConflict, vm)
		case err != nil:
			return err
		default:
			web.Flash(c, web.FlashSuccess, "onboarding.flash.done."+decision)
		}
		return web.SeeOther(c, onboardingviews.DetailURL(id))
	}
}
