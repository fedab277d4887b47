package web

import (
	"context"

	"github.com/labstack/echo/v4"
)

const ctxNavCounter = "web.nav_counter"

// NavCounter counts what waits behind an area's side-navigation links (an operations queue),
// by link; a link without a number, or with 0, shows none.
type NavCounter func(ctx context.Context) map[string]int

// NavCounts makes the full pages of a group show counter's numbers in their side navigation.
// The counter runs once per full page, never for htmx fragments or redirects.
func NavCounts(counter NavCounter) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			c.Set(ctxNavCounter, counter)
			return next(c)
		}
	}
}

// navCounts runs the request's counter, if its group has one.
func navCounts(c echo.Context) map[string]int {
	counter, _ := c.Get(ctxNavCounter).(NavCounter)
	if counter == nil {
		return nil
	}
	return counter(c.Request().Context())
}
