package web

import (
	"github.com/labstack/echo/v4"

	"koogallery/i18n"
)

const ctxLocale = "web.locale"

// localeMiddleware picks the page language: ?lang= (remembered in the session), else the
// session's, else Chinese.
func localeMiddleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		loc := ""
		if q := i18n.Normalize(c.QueryParam("lang")); q != "" {
			loc = q
			if s := session(c); s != nil && s.Values[keyLang] != q {
				s.Values[keyLang] = q
				markDirty(c)
			}
		} else if s := session(c); s != nil {
			loc, _ = s.Values[keyLang].(string)
		}
		if loc == "" {
			loc = i18n.Default
		}
		c.Set(ctxLocale, loc)
		return next(c)
	}
}

// Locale is the language of the current request.
func Locale(c echo.Context) string {
	if l, ok := c.Get(ctxLocale).(string); ok {
		return l
	}
	return i18n.Default
}

// T translates key into the request's language.
func T(c echo.Context, key string, args ...any) string { return i18n.T(Locale(c), key, args...) }
