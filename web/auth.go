package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"koogallery/models/account"
)

const (
	ctxUser           = "web.user"
	ctxAccountSession = "web.account_session"
)

// userMiddleware resumes the signed-in session, if any: the server decides whether the
// cookie's session still works (not signed out, within its lifetime and idle time). A session
// that ended leaves the visitor anonymous, told so once; a session the server gave a new id
// (the account's privileges changed) gets it in the cookie.
func userMiddleware(accounts *account.Store) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if token := SessionToken(c); token != "" {
				r, err := accounts.Resume(c.Request().Context(), token)
				switch {
				case err == nil:
					c.Set(ctxUser, r.User)
					c.Set(ctxAccountSession, r.Session)
					if r.NewToken != "" {
						setSessionToken(c, r.NewToken)
					}
				case errors.Is(err, account.ErrNoSession):
					LogOut(c)
					Flash(c, FlashInfo, "auth.session_ended")
				default:
					return err
				}
			}
			return next(c)
		}
	}
}

// CurrentUser is the logged-in user, or nil.
func CurrentUser(c echo.Context) *account.User {
	u, _ := c.Get(ctxUser).(*account.User)
	return u
}

// CurrentSession is the signed-in browser's server-side session, or nil.
func CurrentSession(c echo.Context) *account.Session {
	s, _ := c.Get(ctxAccountSession).(*account.Session)
	return s
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

// RequireLogin lets only signed-in users through; anonymous visitors are sent to the login
// page (and back afterwards).
func RequireLogin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if CurrentUser(c) == nil {
			return toLogin(c)
		}
		return next(c)
	}
}

// RequireRole lets only logged-in users of the given role through. Anonymous visitors are
// sent to the login page (and back afterwards); other roles get 403.
func RequireRole(role account.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			u := CurrentUser(c)
			if u == nil {
				return toLogin(c)
			}
			if u.Role != role || (role == account.RoleSeller && u.SellerID == nil) {
				return echo.ErrForbidden
			}
			return next(c)
		}
	}
}

// toLogin sends an anonymous visitor to the login page, and back to a GET page afterwards.
func toLogin(c echo.Context) error {
	target := "/login"
	if c.Request().Method == http.MethodGet {
		target += "?next=" + url.QueryEscape(c.Request().URL.RequestURI())
	}
	return SeeOther(c, target)
}

// SellerArea is the member role a group of seller-center routes needs: routes whose pattern
// is Prefix or lies under it (only Prefix itself when Exact). Owners may use every area.
type SellerArea struct {
	Prefix string
	Role   account.MemberRole // "" lets every member in
	// Exact limits the area to the pattern Prefix itself, so the group's root (/seller) can be
	// open to every member without opening every route below it.
	Exact bool
}

// SellerAreaRole is the member role a seller-center route pattern needs under areas: the
// longest matching prefix decides; a route no area lists is for owners only (account.Owner),
// so a new route is closed until it is given an area. "" lets every member in.
func SellerAreaRole(areas []SellerArea, pattern string) account.MemberRole {
	need, best := account.Owner, -1
	for _, a := range areas {
		match := pattern == a.Prefix || (!a.Exact && underPrefix(pattern, a.Prefix))
		if match && len(a.Prefix) > best {
			need, best = a.Role, len(a.Prefix)
		}
	}
	return need
}

// RequireSellerArea checks every seller-center route against areas (SellerAreaRole). A member
// without the role gets 403, with a page that names the role the page needs.
func RequireSellerArea(areas []SellerArea) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			u := CurrentUser(c)
			if u == nil {
				return toLogin(c)
			}
			if need := SellerAreaRole(areas, c.Path()); need != "" && !u.Can(need) {
				if need == account.Owner {
					return &Refusal{Key: "members.denied.owner"}
				}
				return &Refusal{Key: "members.denied.role", Args: []any{T(c, "member.role."+string(need))}}
			}
			return next(c)
		}
	}
}

// underPrefix reports whether a route pattern is prefix or a path below it.
func underPrefix(pattern, prefix string) bool {
	return pattern == prefix || strings.HasPrefix(pattern, strings.TrimSuffix(prefix, "/")+"/")
}

// SafeNext accepts only a local path as a post-login destination.
func SafeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || next == "" || u.IsAbs() || u.Host != "" || len(next) > 512 || next[0] != '/' || (len(next) > 1 && (next[1] == '/' || next[1] == '\\')) {
		return ""
	}
	return next
}
