package web

import (
	"context"

	"koogallery/models/account"

	"github.com/labstack/echo/v4"
)

const ctxUnread = "web.unread"

// unreadMiddleware makes Options.UnreadCount available to Render. It runs no query itself:
// the count is taken only when a full page is rendered.
func unreadMiddleware(count func(context.Context, *account.User) int) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			c.Set(ctxUnread, count)
			return next(c)
		}
	}
}

// unreadCount is the user's unread message count for the top bar, 0 when anonymous or when
// the server counts nothing.
func unreadCount(c echo.Context, u *account.User) int {
	count, ok := c.Get(ctxUnread).(func(context.Context, *account.User) int)
	if !ok || u == nil {
		return 0
	}
	return count(c.Request().Context(), u)
}
