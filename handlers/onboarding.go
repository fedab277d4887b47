package handlers

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"koogallery/models"
	"koogallery/models/account"
	"koogallery/models/attachment"
	"koogallery/models/onboarding"
	"koogallery/models/sqldb"
	"koogallery/views/layouts"
	onboardingviews "koogallery/views/onboarding"
	"koogallery/web"
)

// SellerApply serves seller onboarding (商家入驻) for a signed-in account that is not a seller
// yet: the form, the application's status, the answer to operations' request, and the seller
// agreement it accepts.
type SellerApply struct {
	store      *models.Store
	onboarding *onboarding.Store
}

// Routes registers /seller/apply (signed-in accounts: the seller group's role guard does not
// apply, the static route wins over the group's) and the public /seller/agreement.
func (h *SellerApply) Routes(e *echo.Echo) {
	e.GET("/seller/apply", h.Show, web.RequireLogin)
	e.POST("/seller/apply", h.Create, web.RequireLogin)
	e.POST("/seller/apply/:id/resubmit", h.Resubmit, web.RequireLogin)
	e.GET("/seller/agreement", h.Agreement)
}

// applyInput is what the application form may set (the licence is read apart).
type applyInput struct {
	Company      string `form:"company"`
	USCC         string `form:"uscc"`
	ContactName  string `form:"contact_name"`
	ContactPhone string `form:"contact_phone"`
	ContactEmail string `form:"contact_email"`
	SupportEmail string `form:"support_email"`
	SupportPhone string `form:"support_phone"`
	SupportHours string `form:"support_hours"`
	Agree        string `form:"agree"`
}

func (in applyInput) model(license *attachment.Upload) onboarding.Input {
	return onboarding.Input{CompanyName: clip(in.Company, 400), USCC: clip(in.USCC, 100), ContactName: clip(in.ContactName, 400),
		ContactPhone: clip(in.ContactPhone, 100), ContactEmail: clip(in.ContactEmail, 400), SupportEmail: clip(in.SupportEmail, 400),
		SupportPhone: clip(in.SupportPhone, 100), SupportHours: clip(in.SupportHours, 400), Agreed: in.Agree != "", License: license}
}

// form is what the page shows again of a refused form: everything typed but the file.
func (in applyInput) form() onboardingviews.ApplyForm {
	return onboardingviews.ApplyForm{Company: clip(in.Company, 200), USCC: clip(in.USCC, 60), ContactName: clip(in.ContactName, 200),
		ContactPhone: clip(in.ContactPhone, 60), ContactEmail: clip(in.ContactEmail, 200), SupportEmail: clip(in.SupportEmail, 200),
		SupportPhone: clip(in.SupportPhone, 60), SupportHours: clip(in.SupportHours, 200), Agreed: in.Agree != ""}
}

// gate lets buyer accounts through: a seller goes to the seller center, anyone else (an
// operations admin) gets 403. done reports that the answer is err.
func (h *SellerApply) gate(c echo.Context) (u *account.User, done bool, err error) {
	u = web.CurrentUser(c)
	switch {
	case u.Role == account.RoleSeller && u.SellerID != nil:
		return u, true, web.SeeOther(c, "/seller")
	case u.Role != account.RoleBuyer:
		return u, true, echo.ErrForbidden
	}
	return u, false, nil
}

// state loads the account's latest application and whether it has orders.
func (h *SellerApply) state(ctx context.Context, u *account.User) (onboardingviews.ApplyVM, error) {
	vm := onboardingviews.ApplyVM{Now: h.store.Now()}
	d, err := h.onboarding.Latest(ctx, u.ID, onboarding.KindJoin, 0)
	switch {
	case err == nil:
		vm.App = d
	case !errors.Is(err, sqldb.ErrNotFound):
		return vm, err
	}
	n, err := h.store.BuyerOrderCount(ctx, u.ID)
	vm.HasOrders, vm.Unverified = n > 0, !u.Verified()
	return vm, err
}

// prefill is the form's starting point: the application operations sent back or refused, or
// the account's own name, email and phone.
func prefill(u *account.User, d *onboarding.Detail) onboardingviews.ApplyForm {
	if d != nil && (d.Status == onboarding.StatusNeedsInfo || d.Status == onboarding.StatusRejected) {
		return onboardingviews.ApplyForm{Company: d.CompanyName, USCC: d.USCC, ContactName: d.ContactName, ContactPhone: d.ContactPhone,
			ContactEmail: d.ContactEmail, SupportEmail: d.SupportEmail, SupportPhone: d.SupportPhone, SupportHours: d.SupportHours}
	}
	return onboardingviews.ApplyForm{ContactName: u.Name, ContactPhone: u.Phone, ContactEmail: u.Email}
}

func (h *SellerApply) render(c echo.Context, status int, vm onboardingviews.ApplyVM) error {
	return web.Render(c, status, onboardingviews.Apply(vm), layouts.Console(web.T(c, "onboarding.apply.title")))
}

// Show is /seller/apply: the form, or where the application stands.
func (h *SellerApply) Show(c echo.Context) error {
	u, done, err := h.gate(c)
	if done {
		return err
	}
	vm, err := h.state(c.Request().Context(), u)
	if err != nil {
		return err
	}
	vm.Form = prefill(u, vm.App)
	return h.render(c, http.StatusOK, vm)
}

// read binds the form and its licence. A body the server stopped reading at its limit
// cannot be bound: cut reports it, for a message on the licence field.
func (h *SellerApply) read(c echo.Context) (in applyInput, up *attachment.Upload, cut bool, err error) {
	up, err = formUpload(c, "license")
	if errors.Is(err, echo.ErrStatusRequestEntityTooLarge) {
		return in, nil, true, nil
	}
	if err != nil {
		return in, nil, false, err
	}
	if err := c.Bind(&in); err != nil {
		return in, nil, false, echo.ErrBadRequest
	}
	return in, up, false, nil
}

// refused re-renders the form with what was typed and a message per field (422).
func (h *SellerApply) refused(c echo.Context, vm onboardingviews.ApplyVM, in applyInput, up *attachment.Upload, cut bool, fe sqldb.FieldErrors) error {
	if cut {
		fe = sqldb.FieldErrors{"license": attachment.MsgTooLarge, "form": "onboarding.err.cut"}
	} else if up != nil && fe["license"] == "" {
		fe["license"] = attachment.MsgAgain // browsers never keep a chosen file
	}
	vm.Form = in.form()
	vm.Form.Errors = translate(c, sayWhose(fe, "contact_name", "contact_email", "support_email"))
	return h.render(c, http.StatusUnprocessableEntity, vm)
}

// Create files the application. Bad input re-renders the form; an application already open
// (a second tab, a double click) sends the applicant to its status with a message; an
// account with orders is told why it cannot apply.
func (h *SellerApply) Create(c echo.Context) error {
	u, done, err := h.gate(c)
	if done {
		return err
	}
	ctx := c.Request().Context()
	vm, err := h.state(ctx, u)
	if err != nil {
		return err
	}
	switch {
	case vm.HasOrders:
		web.Flash(c, web.FlashError, "onboarding.flash.has_orders")
		return web.SeeOther(c, "/seller/apply")
	case vm.Unverified:
		web.Flash(c, web.FlashError, "onboarding.flash.unverified")
		return web.SeeOther(c, "/seller/apply")
	case vm.Open():
		// A form from an old tab: the application it would duplicate is shown instead (two
		// posts at once both get here; the store files one of them).
		web.Flash(c, web.FlashError, "onboarding.flash.open")
		return web.SeeOther(c, "/seller/apply")
	}
	in, up, cut, err := h.read(c)
	if err != nil {
		return err
	}
	if cut {
		return h.refused(c, vm, in, up, true, nil)
	}
	_, err = h.onboarding.Submit(ctx, u, in.model(up))
	if fe, ok := asFieldErrors(err); ok {
		return h.refused(c, vm, in, up, false, fe)
	}
	switch {
	case errors.Is(err, onboarding.ErrOpen):
		web.Flash(c, web.FlashError, "onboarding.flash.open")
	case errors.Is(err, account.ErrNotEligible):
		return echo.ErrForbidden
	case err != nil:
		return err
	default:
		web.Flash(c, web.FlashSuccess, "onboarding.flash.submitted")
	}
	return web.SeeOther(c, "/seller/apply")
}

// Resubmit answers operations' request for more information with the corrected application
// (a new licence optional). An application no longer waiting for the applicant is left alone
// with a message; another account's is a 404.
func (h *SellerApply) Resubmit(c echo.Context) error {
	u, done, err := h.gate(c)
	if done {
		return err
	}
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	vm, err := h.state(ctx, u)
	if err != nil {
		return err
	}
	if vm.App == nil || vm.App.ID != id {
		return sqldb.ErrNotFound // someone else's, or not the account's latest (only that one can wait for it)
	}
	if vm.HasOrders {
		web.Flash(c, web.FlashError, "onboarding.flash.has_orders")
		return web.SeeOther(c, "/seller/apply")
	}
	in, up, cut, err := h.read(c)
	if err != nil {
		return err
	}
	if cut {
		return h.refused(c, vm, in, up, true, nil)
	}
	err = h.onboarding.Resubmit(ctx, u, id, in.model(up))
	if fe, ok := asFieldErrors(err); ok {
		return h.refused(c, vm, in, up, false, fe)
	}
	switch {
	case isStale(err):
		web.Flash(c, web.FlashError, "onboarding.flash.stale")
	case err != nil:
		return err
	default:
		web.Flash(c, web.FlashSuccess, "onboarding.flash.resubmitted")
	}
	return web.SeeOther(c, "/seller/apply")
}

// Agreement shows the seller agreement in summary, to anyone.
func (h *SellerApply) Agreement(c echo.Context) error {
	return web.Render(c, http.StatusOK, onboardingviews.Agreement(), layouts.Public(web.T(c, "onboarding.agreement.name")))
}

// whoseMessages say which field is missing where the account checks ask for "your" name or
// email: on company forms the field is the contact's or the support desk's.
var whoseMessages = map[string]map[string]string{
	"contact_name":  {account.MsgNameRequired: "onboarding.err.contact_name_required"},
	"contact_email": {account.MsgEmailRequired: "onboarding.err.contact_email_required"},
	"support_email": {account.MsgEmailRequired: "onboarding.err.support_email_required"},
}

// sayWhose rewrites the messages of the given fields (named as in whoseMessages; a field
// "a=b" reads fe["a"] with b's messages) so they name whose detail is missing.
func sayWhose(fe sqldb.FieldErrors, fields ...string) sqldb.FieldErrors {
	for _, f := range fields {
		field, kind, ok := strings.Cut(f, "=")
		if !ok {
			kind = field
		}
		if key, ok := whoseMessages[kind][fe[field]]; ok {
			fe[field] = key
		}
	}
	return fe
}
