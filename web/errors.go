package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"koogallery/models/sqldb"
	"koogallery/views/errorpage"
	"koogallery/views/layouts"
)

// errCSRF marks a state-changing request without a valid CSRF token.
var errCSRF = errors.New("csrf token invalid")

// Refusal is a 403 whose page says why: the text (an i18n key and its arguments) replaces the
// generic "no permission" text, e.g. which member role a seller-center page needs.
type Refusal struct {
	Key  string
	Args []any
}

func (r *Refusal) Error() string { return "forbidden: " + r.Key }

// statusOf maps an error to the HTTP status the user gets.
func statusOf(err error) int {
	var he *echo.HTTPError
	var refusal *Refusal
	switch {
	case errors.As(err, &refusal):
		return http.StatusForbidden
	case errors.Is(err, errCSRF):
		// Before the HTTPError case: Echo reports a missing token as 400, but a refused
		// state-changing request is a 403 whatever the reason.
		return http.StatusForbidden
	case errors.As(err, &he):
		return he.Code
	case errors.Is(err, sqldb.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, sqldb.ErrStale):
		return http.StatusConflict
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// messageKeys picks the title and text an error page shows.
func messageKeys(status int, err error) (string, string) {
	if errors.Is(err, errCSRF) {
		return "error.csrf.title", "error.csrf.text"
	}
	switch status {
	case http.StatusBadRequest, http.StatusForbidden, http.StatusNotFound, http.StatusMethodNotAllowed,
		http.StatusConflict, http.StatusRequestEntityTooLarge, http.StatusTooManyRequests, http.StatusServiceUnavailable:
		return "error." + http.StatusText(status) + ".title", "error." + http.StatusText(status) + ".text"
	}
	if status >= 500 {
		return "error.Internal Server Error.title", "error.Internal Server Error.text"
	}
	return "error.Bad Request.title", "error.Bad Request.text"
}

// ErrorHandler renders every error as a friendly page (or JSON under /api/) and logs server
// errors once with the request id. Nothing internal reaches the user.
func ErrorHandler(log *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		status := statusOf(err)
		rid := c.Response().Header().Get(echo.HeaderXRequestID)
		if status >= 500 && !errors.Is(err, context.Canceled) {
			log.Error("request failed", "request_id", rid, "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
		}
		if c.Request().Method == http.MethodHead {
			_ = c.NoContent(status)
			return
		}
		titleKey, textKey := messageKeys(status, err)
		text := T(c, textKey)
		var refusal *Refusal
		if errors.As(err, &refusal) {
			text = T(c, refusal.Key, refusal.Args...)
		}
		if strings.HasPrefix(c.Request().URL.Path, "/api/") {
			_ = c.JSON(status, map[string]string{"error_code": http.StatusText(status), "error_msg": text, "request_id": rid})
			return
		}
		if rerr := Render(c, status, errorpage.Page(status, titleKey, text), layouts.Public(T(c, titleKey))); rerr != nil {
			log.Error("error page failed", "request_id", rid, "err", rerr)
			_ = c.String(status, http.StatusText(status))
		}
	}
}
