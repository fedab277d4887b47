package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"koogallery/i18n"
	"koogallery/views"
)

// Layout frames a page component.
type Layout func(templ.Component) templ.Component

// PageContext builds what views know of the request: language, token, user, flashes, and
// whether the server runs in dev mode.
func PageContext(c echo.Context) views.Page {
	r := c.Request()
	p := views.Page{
		Locale:    Locale(c),
		User:      CurrentUser(c),
		Path:      r.URL.Path,
		Query:     r.URL.Query(),
		RequestID: c.Response().Header().Get(echo.HeaderXRequestID),
	}
	p.Dev, _ = c.Get(ctxDev).(bool)
	if tok, ok := c.Get(middleware.DefaultCSRFConfig.ContextKey).(string); ok {
		p.CSRF = tok
	}
	for _, f := range popFlashes(c) {
		msg, literal := strings.CutPrefix(f[1], flashLiteral)
		if !literal {
			msg = i18n.T(p.Locale, f[1])
		}
		p.Flashes = append(p.Flashes, views.Flash{Kind: f[0], Message: msg})
	}
	return p
}

// Render writes page inside layout, or alone for a plain htmx swap. It renders into a buffer
// first, so a render error still reaches the central error handler.
func Render(c echo.Context, status int, page templ.Component, layout Layout) error {
	c.Response().Header().Add(echo.HeaderVary, "HX-Request")
	out := page
	full := !IsFragmentRequest(c.Request()) && layout != nil
	if full {
		out = layout(page)
	}
	p := PageContext(c)
	if full {
		p.Unread = unreadCount(c, p.User)
		p.NavCounts = navCounts(c)
	}
	ctx := views.WithPage(c.Request().Context(), p)
	buf := templ.GetBuffer()
	defer templ.ReleaseBuffer(buf)
	if err := out.Render(ctx, buf); err != nil {
		return fmt.Errorf("render: %w", err)
	}
	if err := SaveSession(c); err != nil {
		return err
	}
	// The length is known: the page goes out in one piece rather than chunked (net/http chunks
	// any body over 2 KiB whose length is not set), which saves write calls and bytes.
	c.Response().Header().Set(echo.HeaderContentLength, strconv.Itoa(buf.Len()))
	return c.HTMLBlob(status, buf.Bytes())
}

// IsFragmentRequest reports an htmx request that swaps part of a page.
func IsFragmentRequest(r *http.Request) bool {
	h := r.Header
	return h.Get("HX-Request") == "true" && h.Get("HX-Boosted") != "true" && h.Get("HX-History-Restore-Request") != "true"
}

// SeeOther redirects after a POST: 303, or HX-Redirect for an htmx request.
func SeeOther(c echo.Context, url string) error {
	if err := SaveSession(c); err != nil {
		return err
	}
	if IsFragmentRequest(c.Request()) {
		c.Response().Header().Set("HX-Redirect", url)
		return c.NoContent(http.StatusNoContent)
	}
	return c.Redirect(http.StatusSeeOther, url)
}
