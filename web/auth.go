package web

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"koogallery/models"
)

const ctxUser = "web.user"

// userMiddleware loads the logged-in user, if any. A session naming a user who no longer
// exists is ended.
func userMiddleware(store *models.Store) echo.MiddlewareFunc {
	users := newUserCache(store)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if id := sessionUserID(c); id != 0 {
				u, err := users.get(c.Request().Context(), id)
				switch err {
				case nil:
					c.Set(ctxUser, u)
				case models.ErrNotFound:
					LogOut(c)
				default:
					return err
				}
			}
			return next(c)
		}
	}
}

// CurrentUser is the logged-in user, or nil.
func CurrentUser(c echo.Context) *models.User {
	u, _ := c.Get(ctxUser).(*models.User)
	return u
}

// UserID is the logged-in user's id (0 when anonymous).
func UserID(c echo.Context) uint {
	if u := CurrentUser(c); u != nil {
		return u.ID
	}
	return 0
}

// SellerID is the logged-in seller's company id (0 for everyone else).
func SellerID(c echo.Context) uint {
	if u := CurrentUser(c); u != nil && u.SellerID != nil {
		return *u.SellerID
	}
	return 0
}

// RequireRole lets only logged-in users of the given role through. Anonymous visitors are
// sent to the login page (and back afterwards); other roles get 403.
func RequireRole(role models.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			u := CurrentUser(c)
			if u == nil {
				target := "/login"
				if c.Request().Method == http.MethodGet {
					target += "?next=" + url.QueryEscape(c.Request().URL.RequestURI())
				}
				return SeeOther(c, target)
			}
			if u.Role != role || (role == models.RoleSeller && u.SellerID == nil) {
				return echo.ErrForbidden
			}
			return next(c)
		}
	}
}

// SafeNext accepts only a local path as a post-login destination.
func SafeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || next == "" || u.IsAbs() || u.Host != "" || len(next) > 512 || next[0] != '/' || (len(next) > 1 && (next[1] == '/' || next[1] == '\\')) {
		return ""
	}
	return next
}
