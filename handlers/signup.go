package handlers

import (
	"errors"
	"net/http"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"koogallery/models/account"
	"koogallery/models/sqldb"
	accountviews "koogallery/views/account"
	"koogallery/views/layouts"
	"koogallery/web"
)

// Signup serves buyer sign-up (注册), email verification and forgotten passwords: the pages a
// visitor reaches before (or instead of) signing in.
type Signup struct{ accounts *account.Store }

// Routes registers /signup, /verify and /password/….
func (h *Signup) Routes(e *echo.Echo) {
	e.GET("/signup", h.Form)
	e.POST("/signup", h.Create)
	e.GET("/signup/sent", h.sent("signup"))
	e.GET("/verify", h.VerifyPage)
	e.POST("/verify", h.Verify)
	e.GET("/password/forgot", h.ForgotForm)
	e.POST("/password/forgot", h.Forgot)
	e.GET("/password/forgot/sent", h.sent("forgot"))
	e.GET("/password/reset", h.ResetPage)
	e.POST("/password/reset", h.Reset)
}

type signupInput struct {
	Email    string `form:"email"`
	Name     string `form:"name"`
	Phone    string `form:"phone"`
	Password string `form:"password"`
	Confirm  string `form:"confirm"`
}

// publicPage renders a page of the public site titled by an i18n key.
func publicPage(c echo.Context, status int, titleKey string, page templ.Component) error {
	return web.Render(c, status, page, layouts.Public(web.T(c, titleKey)))
}

// Form shows the sign-up page; a signed-in user goes to their area.
func (h *Signup) Form(c echo.Context) error {
	if u := web.CurrentUser(c); u != nil {
		return c.Redirect(http.StatusSeeOther, homeOf(u))
	}
	return publicPage(c, http.StatusOK, "signup.title", accountviews.Signup(accountviews.SignupForm{}))
}

// Create signs a buyer up. The answer is the same whether or not the address was free: the
// mail says which it was.
func (h *Signup) Create(c echo.Context) error {
	if u := web.CurrentUser(c); u != nil {
		return web.SeeOther(c, homeOf(u))
	}
	var in signupInput
	if err := c.Bind(&in); err != nil {
		return echo.ErrBadRequest
	}
	form := accountviews.SignupForm{Email: clip(in.Email, account.MaxEmail), Name: clip(in.Name, 200), Phone: clip(in.Phone, 40)}
	errs := account.CheckNewUser(account.NewUser{Email: in.Email, Name: in.Name, Phone: in.Phone, Password: in.Password})
	if in.Password != in.Confirm && errs["password"] == "" {
		errs["confirm"] = account.MsgPasswordMismatch
	}
	if errs.Has() {
		form.Errors = translate(c, errs)
		return publicPage(c, http.StatusUnprocessableEntity, "signup.title", accountviews.Signup(form))
	}
	err := h.accounts.SignUp(c.Request().Context(), account.NewUser{Email: in.Email, Name: in.Name, Phone: in.Phone, Password: in.Password,
		Locale: web.Locale(c)}, c.RealIP())
	if errors.Is(err, account.ErrThrottled) {
		form.Errors = map[string]string{"form": web.T(c, "signup.err.throttled", waitText(c, account.WaitOf(err)))}
		return publicPage(c, http.StatusTooManyRequests, "signup.title", accountviews.Signup(form))
	}
	if err != nil {
		return err
	}
	web.SetOnce(c, "sent_to", account.NormalizeEmail(in.Email))
	return web.SeeOther(c, "/signup/sent")
}

// sent shows that a mail is on its way, to the address of the form just sent.
func (h *Signup) sent(kind string) echo.HandlerFunc {
	return func(c echo.Context) error {
		return publicPage(c, http.StatusOK, kind+".sent.title", accountviews.Sent(kind, web.TakeOnce(c, "sent_to")))
	}
}

// linkState names what became of a mailed link from the store's answer.
// A link that never existed (or was cut short) is the ordinary 404 page.
func linkState(err error) (accountviews.LinkState, error) {
	switch {
	case err == nil:
		return accountviews.LinkOpen, nil
	case errors.Is(err, account.ErrTokenExpired):
		return accountviews.LinkExpired, nil
	case errors.Is(err, account.ErrTokenUsed):
		return accountviews.LinkUsed, nil
	case errors.Is(err, account.ErrTokenInvalid):
		return "", sqldb.ErrNotFound
	}
	return "", err
}

// VerifyPage is what a verification link opens: a button to confirm, or why it cannot.
func (h *Signup) VerifyPage(c echo.Context) error {
	token := c.QueryParam("token")
	_, err := h.accounts.Link(c.Request().Context(), token, account.PurposeVerify)
	return h.verifyPage(c, token, err)
}

func (h *Signup) verifyPage(c echo.Context, token string, err error) error {
	state, err := linkState(err)
	if err != nil {
		return err
	}
	u := web.CurrentUser(c)
	vm := accountviews.VerifyVM{Token: token, State: state, SignedIn: u != nil, Verified: u != nil && u.Verified() && u.Role == account.RoleBuyer}
	status := http.StatusOK
	if state != accountviews.LinkOpen && !vm.Verified {
		status = http.StatusGone
	}
	return publicPage(c, status, "verify.title", accountviews.Verify(vm))
}

// Verify uses a verification link. A signed-in visitor goes on shopping; anyone else signs in.
func (h *Signup) Verify(c echo.Context) error {
	token := c.FormValue("token")
	u, err := h.accounts.VerifyEmail(c.Request().Context(), token)
	if err != nil {
		return h.verifyPage(c, token, err)
	}
	web.Flash(c, web.FlashSuccess, "verify.done")
	if cu := web.CurrentUser(c); cu != nil && cu.ID == u.ID {
		return web.SeeOther(c, homeOf(cu))
	}
	return web.SeeOther(c, "/login")
}

// ForgotForm asks for the address to mail a reset link to.
func (h *Signup) ForgotForm(c echo.Context) error {
	return publicPage(c, http.StatusOK, "forgot.title", accountviews.Forgot(accountviews.ForgotForm{}))
}

// Forgot mails a reset link when the address has an account; the answer is the same either way.
func (h *Signup) Forgot(c echo.Context) error {
	email := c.FormValue("email")
	form := accountviews.ForgotForm{Email: clip(email, account.MaxEmail)}
	if msg := account.CheckEmail(email); msg != "" {
		form.Error = web.T(c, msg)
		return publicPage(c, http.StatusUnprocessableEntity, "forgot.title", accountviews.Forgot(form))
	}
	err := h.accounts.RequestReset(c.Request().Context(), email, c.RealIP())
	if errors.Is(err, account.ErrThrottled) {
		form.Error = web.T(c, "auth.err.throttled", waitText(c, account.WaitOf(err)))
		return publicPage(c, http.StatusTooManyRequests, "forgot.title", accountviews.Forgot(form))
	}
	if err != nil {
		return err
	}
	web.SetOnce(c, "sent_to", account.NormalizeEmail(email))
	return web.SeeOther(c, "/password/forgot/sent")
}

// ResetPage is what a reset link opens: the new password form, or why the link cannot be used.
func (h *Signup) ResetPage(c echo.Context) error {
	token := c.QueryParam("token")
	_, err := h.accounts.Link(c.Request().Context(), token, account.PurposeReset)
	return h.resetPage(c, http.StatusOK, accountviews.ResetForm{Token: token}, err)
}

func (h *Signup) resetPage(c echo.Context, status int, f accountviews.ResetForm, err error) error {
	state, err := linkState(err)
	if err != nil {
		return err
	}
	f.State = state
	if state != accountviews.LinkOpen {
		status = http.StatusGone
	}
	return publicPage(c, status, "reset.title", accountviews.Reset(f))
}

// Reset sets the new password: every session of the account ends, and the visitor signs in
// with the new password.
func (h *Signup) Reset(c echo.Context) error {
	token, password := c.FormValue("token"), c.FormValue("password")
	f := accountviews.ResetForm{Token: token}
	if password != c.FormValue("confirm") {
		f.Errors = map[string]string{"confirm": web.T(c, account.MsgPasswordMismatch)}
		return h.resetPage(c, http.StatusUnprocessableEntity, f, nil)
	}
	u, err := h.accounts.ResetPassword(c.Request().Context(), token, password)
	if fe, ok := asFieldErrors(err); ok {
		f.Errors = translate(c, fe)
		return h.resetPage(c, http.StatusUnprocessableEntity, f, nil)
	}
	if err != nil {
		return h.resetPage(c, http.StatusOK, f, err)
	}
	if cu := web.CurrentUser(c); cu != nil && cu.ID == u.ID {
		web.LogOut(c) // the reset ended every session of the account; this browser signs in anew
	}
	web.Flash(c, web.FlashSuccess, "reset.done")
	return web.SeeOther(c, "/login")
}
