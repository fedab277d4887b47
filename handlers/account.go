package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"koogallery/models/account"
	"koogallery/models/sqldb"
	accountviews "koogallery/views/account"
	"koogallery/views/layouts"
	"koogallery/web"
)

// Account serves 账号设置 for every signed-in user: profile, password, signed-in browsers,
// and a new verification mail.
type Account struct{ accounts *account.Store }

// Routes registers /account and its forms.
func (h *Account) Routes(e *echo.Echo) {
	g := e.Group("/account", web.RequireLogin)
	g.GET("", h.Show)
	g.POST("/profile", h.Profile)
	g.POST("/password", h.Password)
	g.POST("/verify/resend", h.Resend)
	g.POST("/sessions/end-others", h.EndOthers)
	g.POST("/sessions/:id/end", h.EndOne)
}

// roleLayout frames a page in the signed-in user's own area.
func roleLayout(u *account.User, title string) web.Layout {
	switch u.Role {
	case account.RoleSeller:
		return layouts.Seller(title)
	case account.RoleAdmin:
		return layouts.Admin(title)
	}
	return layouts.Console(title)
}

// Show is the settings page.
func (h *Account) Show(c echo.Context) error {
	u := web.CurrentUser(c)
	return h.render(c, http.StatusOK, account.Profile{Name: u.Name, Phone: u.Phone, Locale: u.Locale}, nil)
}

func (h *Account) render(c echo.Context, status int, p account.Profile, errs map[string]string) error {
	u := web.CurrentUser(c)
	sessions, err := h.accounts.ActiveSessions(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	var current uint
	if s := web.CurrentSession(c); s != nil {
		current = s.ID
	}
	vm := accountviews.SettingsVM{User: u, Profile: p, Sessions: accountviews.Rows(sessions, current), Errors: errs}
	return web.Render(c, status, accountviews.Settings(vm), roleLayout(u, web.T(c, "settings.title")))
}

// Profile saves the name, phone and mail language.
func (h *Account) Profile(c echo.Context) error {
	p := account.Profile{Name: c.FormValue("name"), Phone: c.FormValue("phone"), Locale: c.FormValue("locale")}
	err := h.accounts.UpdateProfile(c.Request().Context(), web.UserID(c), p)
	if fe, ok := asFieldErrors(err); ok {
		p.Name, p.Phone = clip(p.Name, 200), clip(p.Phone, 40)
		return h.render(c, http.StatusUnprocessableEntity, p, prefix("profile.", translate(c, fe)))
	}
	if err != nil {
		return err
	}
	web.Flash(c, web.FlashSuccess, "settings.saved")
	return web.SeeOther(c, "/account")
}

// Password changes the password: the other sessions end, this one gets a new id.
func (h *Account) Password(c echo.Context) error {
	u := web.CurrentUser(c)
	current, password := c.FormValue("current"), c.FormValue("password")
	back := account.Profile{Name: u.Name, Phone: u.Phone, Locale: u.Locale}
	if password != c.FormValue("confirm") {
		return h.render(c, http.StatusUnprocessableEntity, back, map[string]string{"password.confirm": web.T(c, account.MsgPasswordMismatch)})
	}
	var sessionID uint
	if s := web.CurrentSession(c); s != nil {
		sessionID = s.ID
	}
	err := h.accounts.ChangePassword(c.Request().Context(), u.ID, sessionID, current, password)
	if fe, ok := asFieldErrors(err); ok {
		return h.render(c, http.StatusUnprocessableEntity, back, prefix("password.", translate(c, fe)))
	}
	if errors.Is(err, account.ErrThrottled) {
		return h.render(c, http.StatusTooManyRequests, back, map[string]string{"password.current": web.T(c, "auth.err.throttled", waitText(c, account.WaitOf(err)))})
	}
	if err != nil {
		return err
	}
	web.Flash(c, web.FlashSuccess, "settings.password_changed")
	return web.SeeOther(c, "/account")
}

// Resend mails a new verification link.
func (h *Account) Resend(c echo.Context) error {
	err := h.accounts.ResendVerification(c.Request().Context(), web.UserID(c))
	switch {
	case errors.Is(err, account.ErrThrottled):
		web.FlashText(c, web.FlashError, web.T(c, "verify.err.throttled", waitText(c, account.WaitOf(err))))
	case errors.Is(err, sqldb.ErrStale):
		web.Flash(c, web.FlashInfo, "verify.already")
	case err != nil:
		return err
	default:
		web.Flash(c, web.FlashSuccess, "verify.sent")
	}
	return web.SeeOther(c, backTo(c, "/account"))
}

// EndOthers signs out every other browser of the account.
func (h *Account) EndOthers(c echo.Context) error {
	s := web.CurrentSession(c)
	if s == nil {
		return echo.ErrForbidden
	}
	if _, err := h.accounts.EndOtherSessions(c.Request().Context(), s.UserID, s.ID); err != nil {
		return err
	}
	web.Flash(c, web.FlashSuccess, "settings.others_ended")
	return web.SeeOther(c, "/account")
}

// EndOne signs out one browser of the account (not this one: that is logout).
func (h *Account) EndOne(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if s := web.CurrentSession(c); s != nil && s.ID == id {
		return echo.ErrBadRequest
	}
	if err := h.accounts.EndSessionOf(c.Request().Context(), web.UserID(c), id); err != nil {
		return err
	}
	web.Flash(c, web.FlashSuccess, "settings.session_ended")
	return web.SeeOther(c, "/account")
}

// prefix puts a form's name before its fields' keys.
func prefix(p string, errs map[string]string) map[string]string {
	out := make(map[string]string, len(errs))
	for k, v := range errs {
		out[p+k] = v
	}
	return out
}

// backTo is the local page a form was sent from, or fallback.
func backTo(c echo.Context, fallback string) string {
	if to := web.SafeNext(c.FormValue("back")); to != "" {
		return to
	}
	return fallback
}

// unverified refuses a purchase of an account whose email is not proven yet: back to the
// page it came from, which offers a new verification mail.
func unverified(c echo.Context, back string) error {
	web.Flash(c, web.FlashError, "buy.err.unverified")
	return web.SeeOther(c, back)
}
