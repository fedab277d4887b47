package handlers

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"koogallery/models/account"
	"koogallery/views/layouts"
	"koogallery/views/public"
	"koogallery/web"
)

// Auth serves login and logout.
type Auth struct{ accounts *account.Store }

// Routes registers /login and /logout.
func (h *Auth) Routes(e *echo.Echo) {
	e.GET("/login", h.Form)
	e.POST("/login", h.Login)
	e.POST("/logout", h.Logout)
}

type loginInput struct {
	Email    string `form:"email"`
	Password string `form:"password"`
	Next     string `form:"next"`
}

// Form shows the login page; a logged-in user goes straight to their area.
func (h *Auth) Form(c echo.Context) error {
	if u := web.CurrentUser(c); u != nil {
		return c.Redirect(http.StatusSeeOther, homeOf(u))
	}
	return h.render(c, http.StatusOK, public.LoginForm{Next: web.SafeNext(c.QueryParam("next"))})
}

func (h *Auth) render(c echo.Context, status int, f public.LoginForm) error {
	return web.Render(c, status, public.Login(f), layouts.Public(web.T(c, "auth.login.title")))
}

// Login checks the credentials and starts a fresh session.
func (h *Auth) Login(c echo.Context) error {
	var in loginInput
	if err := c.Bind(&in); err != nil {
		return echo.ErrBadRequest
	}
	form := public.LoginForm{Email: clip(in.Email, 190), Next: web.SafeNext(in.Next)}
	switch {
	case strings.TrimSpace(in.Email) == "" || in.Password == "":
		form.Error = web.T(c, "auth.err.missing")
		return h.render(c, http.StatusUnprocessableEntity, form)
	case len(in.Password) > 200 || len(in.Email) > 190:
		form.Error = web.T(c, "auth.err.too_long")
		return h.render(c, http.StatusUnprocessableEntity, form)
	}
	ctx := c.Request().Context()
	u, err := h.accounts.Authenticate(ctx, in.Email, in.Password, c.RealIP())
	switch {
	case errors.Is(err, account.ErrThrottled):
		form.Error = web.T(c, "auth.err.throttled", waitText(c, account.WaitOf(err)))
		return h.render(c, http.StatusTooManyRequests, form)
	case errors.Is(err, account.ErrBadCredentials):
		form.Error = web.T(c, "auth.err.bad")
		return h.render(c, http.StatusUnauthorized, form)
	case err != nil:
		return err
	}
	token, err := h.accounts.StartSession(ctx, u, c.RealIP(), c.Request().UserAgent())
	if err != nil {
		return err
	}
	web.LogIn(c, token)
	web.Flash(c, web.FlashSuccess, "auth.welcome")
	if form.Next != "" {
		return web.SeeOther(c, form.Next)
	}
	return web.SeeOther(c, homeOf(u))
}

// Logout ends the session on the server: its cookie, replayed, no longer signs anyone in.
func (h *Auth) Logout(c echo.Context) error {
	if token := web.SessionToken(c); token != "" {
		if err := h.accounts.EndSession(c.Request().Context(), token); err != nil {
			return err
		}
	}
	web.LogOut(c)
	web.Flash(c, web.FlashInfo, "auth.logged_out")
	return web.SeeOther(c, "/")
}

// homeOf is where each role lands after login.
func homeOf(u *account.User) string { return layouts.AreaHome(u) }

// waitText says how long to wait, in the page's language: seconds under two minutes, else
// minutes (rounded up).
func waitText(c echo.Context, d time.Duration) string {
	if d < 2*time.Minute {
		return web.T(c, "time.seconds", int((d+time.Second-1)/time.Second))
	}
	return web.T(c, "time.minutes", int((d+time.Minute-1)/time.Minute))
}
