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

// SellerProfile serves 商家信息 for a company's owners: the legal name and code (a change goes
// to operations' review with a new licence), the contact for operations, 服务与支持配置
// (shown to buyers) and 消息接收管理 (which mail goes where).
type SellerProfile struct {
	store      *models.Store
	accounts   *account.Store
	onboarding *onboarding.Store
}

// Routes registers /seller/profile under the seller group (owners only).
func (h *SellerProfile) Routes(g *echo.Group) {
	g.GET("/profile", h.Show, ownerOnly)
	g.POST("/profile/company", h.Change, ownerOnly)
	g.POST("/profile/company/:id/resubmit", h.ResubmitChange, ownerOnly)
	g.POST("/profile/contact", h.Contact, ownerOnly)
	g.POST("/profile/support", h.Support, ownerOnly)
	g.POST("/profile/mail", h.Mail, ownerOnly)
}

// profileTop is where a saved section sends the owner: the page's top with the flash (a bare
// path would keep the fragment the form posted to, and scroll the message out of sight).
const profileTop = "/seller/profile#main"

// ownerOnly refuses company members who are not owners (the seller center's area rules say
// the same; this keeps the profile closed whatever they list).
func ownerOnly(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !web.CurrentUser(c).Can(account.Owner) {
			return echo.ErrForbidden
		}
		return next(c)
	}
}

// load fills the page from the database: the company as it is now, its latest change, the
// configured mail routes and the default recipients; the forms start from the stored values.
func (h *SellerProfile) load(ctx context.Context, sellerID uint) (onboardingviews.ProfileVM, error) {
	vm := onboardingviews.ProfileVM{Now: h.store.Now()}
	s, err := h.accounts.SellerByID(ctx, sellerID)
	if err != nil {
		return vm, err
	}
	vm.Seller = s
	switch d, err := h.onboarding.Latest(ctx, 0, onboarding.KindChange, sellerID); {
	case err == nil:
		vm.Change = d
	case !errors.Is(err, sqldb.ErrNotFound):
		return vm, err
	}
	if vm.ChangeNeedsInfo() {
		vm.ChangeForm = onboardingviews.ApplyForm{Company: vm.Change.CompanyName, USCC: vm.Change.USCC}
	} else {
		vm.ChangeForm = onboardingviews.ApplyForm{Company: s.Name}
		if s.USCC != nil {
			vm.ChangeForm.USCC = *s.USCC
		}
	}
	vm.Contact = onboardingviews.ContactForm{Name: s.ContactName, Phone: s.ContactPhone, Email: s.ContactEmail}
	vm.Support = onboardingviews.SupportForm{Email: s.SupportEmail, Phone: s.SupportPhone, Hours: s.SupportHours}
	routes, err := h.accounts.MailRoutes(ctx, sellerID)
	if err != nil {
		return vm, err
	}
	vm.Routes.Text = map[account.MailCategory]string{}
	for cat, list := range routes {
		vm.Routes.Text[cat] = strings.Join(list, "\n")
	}
	members, err := h.accounts.Members(ctx, sellerID)
	if err != nil {
		return vm, err
	}
	if s.SupportEmail != "" {
		vm.Defaults = append(vm.Defaults, s.SupportEmail)
	}
	for _, m := range members {
		if m.SellerRoles.Has(account.Owner) {
			vm.Defaults = append(vm.Defaults, m.Email)
		}
	}
	return vm, nil
}

func (h *SellerProfile) render(c echo.Context, status int, vm onboardingviews.ProfileVM) error {
	return web.Render(c, status, onboardingviews.Profile(vm), layouts.Seller(web.T(c, "nav.seller.profile")))
}

// Show is the profile page.
func (h *SellerProfile) Show(c echo.Context) error {
	vm, err := h.load(c.Request().Context(), web.SellerID(c))
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, vm)
}

// owner is the signed-in owner with their company as it is now (a change compares against it).
func (h *SellerProfile) owner(c echo.Context, vm onboardingviews.ProfileVM) *account.User {
	u := *web.CurrentUser(c)
	u.Seller = vm.Seller
	return &u
}

// changeInput is what the change form may set (the licence is read apart).
type changeInput struct {
	Company string `form:"company"`
	USCC    string `form:"uscc"`
}

// readChange binds the change form; a body cut at the server's limit leaves only a message.
func readChange(c echo.Context) (in changeInput, up *attachment.Upload, fe sqldb.FieldErrors, err error) {
	up, err = formUpload(c, "license")
	if errors.Is(err, echo.ErrStatusRequestEntityTooLarge) {
		return in, nil, sqldb.FieldErrors{"license": attachment.MsgTooLarge}, nil
	}
	if err != nil {
		return in, nil, nil, err
	}
	if err := c.Bind(&in); err != nil {
		return in, nil, nil, echo.ErrBadRequest
	}
	return in, up, nil, nil
}

// changed finishes a change or its resubmission: field errors re-render the form unfolded
// (values kept, never the file); a change already open, or no longer waiting, says so.
func (h *SellerProfile) changed(c echo.Context, vm onboardingviews.ProfileVM, in changeInput, up *attachment.Upload, err error, done string) error {
	if fe, ok := asFieldErrors(err); ok {
		if up != nil && fe["license"] == "" {
			fe["license"] = attachment.MsgAgain
		}
		vm.ChangeForm = onboardingviews.ApplyForm{Company: clip(in.Company, 200), USCC: clip(in.USCC, 60), Errors: translate(c, fe)}
		vm.ChangeOpen = true
		return h.render(c, http.StatusUnprocessableEntity, vm)
	}
	switch {
	case errors.Is(err, onboarding.ErrOpen):
		web.Flash(c, web.FlashError, "onboarding.flash.change_open")
	case isStale(err):
		web.Flash(c, web.FlashError, "onboarding.flash.stale")
	case errors.Is(err, account.ErrNotEligible):
		return echo.ErrForbidden
	case err != nil:
		return err
	default:
		web.Flash(c, web.FlashSuccess, done)
	}
	return web.SeeOther(c, profileTop)
}

// Change submits a new legal name or code with the licence that shows it; the company keeps
// its identity until operations approve.
func (h *SellerProfile) Change(c echo.Context) error {
	ctx := c.Request().Context()
	vm, err := h.load(ctx, web.SellerID(c))
	if err != nil {
		return err
	}
	in, up, fe, err := readChange(c)
	if err != nil {
		return err
	}
	if fe == nil {
		_, err = h.onboarding.SubmitChange(ctx, h.owner(c, vm), clip(in.Company, 400), clip(in.USCC, 100), up)
	} else {
		err = fe
	}
	return h.changed(c, vm, in, up, err, "onboarding.flash.change_submitted")
}

// ResubmitChange answers operations' request for more information on a change.
func (h *SellerProfile) ResubmitChange(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	vm, err := h.load(ctx, web.SellerID(c))
	if err != nil {
		return err
	}
	if vm.Change == nil || vm.Change.ID != id {
		return sqldb.ErrNotFound
	}
	in, up, fe, err := readChange(c)
	if err != nil {
		return err
	}
	if fe == nil {
		err = h.onboarding.ResubmitChange(ctx, h.owner(c, vm), id, clip(in.Company, 400), clip(in.USCC, 100), up)
	} else {
		err = fe
	}
	return h.changed(c, vm, in, up, err, "onboarding.flash.resubmitted")
}

// contactInput is the contact form.
type contactInput struct {
	Name  string `form:"name"`
	Phone string `form:"phone"`
	Email string `form:"email"`
}

// Contact replaces the company's contact for operations.
func (h *SellerProfile) Contact(c echo.Context) error {
	var in contactInput
	if err := c.Bind(&in); err != nil {
		return echo.ErrBadRequest
	}
	ctx := c.Request().Context()
	err := h.accounts.UpdateContact(ctx, web.SellerID(c), account.Contact{Name: clip(in.Name, 400), Phone: clip(in.Phone, 100), Email: clip(in.Email, 400)})
	if fe, ok := asFieldErrors(err); ok {
		vm, err := h.load(ctx, web.SellerID(c))
		if err != nil {
			return err
		}
		vm.Contact = onboardingviews.ContactForm{Name: clip(in.Name, 200), Phone: clip(in.Phone, 60), Email: clip(in.Email, 200),
			Errors: translate(c, sayWhose(fe, "name=contact_name", "email=contact_email"))}
		return h.render(c, http.StatusUnprocessableEntity, vm)
	}
	if err != nil {
		return err
	}
	web.Flash(c, web.FlashSuccess, "onboarding.flash.contact_saved")
	return web.SeeOther(c, profileTop)
}

// supportInput is the 服务与支持 form.
type supportInput struct {
	Email string `form:"email"`
	Phone string `form:"phone"`
	Hours string `form:"hours"`
}

// Support replaces the support details buyers see on the company's product and service pages.
func (h *SellerProfile) Support(c echo.Context) error {
	var in supportInput
	if err := c.Bind(&in); err != nil {
		return echo.ErrBadRequest
	}
	ctx := c.Request().Context()
	err := h.accounts.UpdateSupport(ctx, web.SellerID(c), account.Support{Email: clip(in.Email, 400), Phone: clip(in.Phone, 100), Hours: clip(in.Hours, 400)})
	if fe, ok := asFieldErrors(err); ok {
		vm, err := h.load(ctx, web.SellerID(c))
		if err != nil {
			return err
		}
		vm.Support = onboardingviews.SupportForm{Email: clip(in.Email, 200), Phone: clip(in.Phone, 60), Hours: clip(in.Hours, 200),
			Errors: translate(c, sayWhose(fe, "email=support_email"))}
		return h.render(c, http.StatusUnprocessableEntity, vm)
	}
	if err != nil {
		return err
	}
	web.Flash(c, web.FlashSuccess, "onboarding.flash.support_saved")
	return web.SeeOther(c, profileTop)
}

// Mail replaces where each category of the company's mail goes (消息接收管理): every list is
// checked first, and nothing is saved while one is wrong.
func (h *SellerProfile) Mail(c echo.Context) error {
	ctx := c.Request().Context()
	routes := map[account.MailCategory][]string{}
	text := map[account.MailCategory]string{}
	fe := sqldb.FieldErrors{}
	for _, cat := range account.MailCategories {
		raw := clip(c.FormValue("route_"+string(cat)), 4000)
		text[cat] = clip(raw, 1200)
		list, msg := account.ParseRouteAddresses(raw)
		if msg != "" {
			fe[string(cat)] = msg
			continue
		}
		routes[cat] = list
	}
	var err error
	if !fe.Has() {
		err = h.accounts.SetMailRoutes(ctx, web.SellerID(c), routes)
		if got, ok := asFieldErrors(err); ok {
			fe, err = got, nil
		}
	}
	if err != nil {
		return err
	}
	if fe.Has() {
		vm, err := h.load(ctx, web.SellerID(c))
		if err != nil {
			return err
		}
		vm.Routes = onboardingviews.RoutesForm{Text: text, Errors: translate(c, fe)}
		return h.render(c, http.StatusUnprocessableEntity, vm)
	}
	web.Flash(c, web.FlashSuccess, "onboarding.flash.mail_saved")
	return web.SeeOther(c, profileTop)
}
