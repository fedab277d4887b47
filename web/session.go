package web

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"

	"koogallery/models/account"
)

// SessionName is the session cookie's name.
const SessionName = "kg_session"

const (
	ctxSession = "web.session"
	ctxDirty   = "web.session.dirty"
	keyLang    = "lang"
	keyFlashes = "flashes"
	// keySID holds the server-side session's id (account.Session) of a signed-in browser.
	keySID = "sid"
)

// NewSessionStore makes the cookie store: 64-byte key split into HMAC and AES halves.
// Cookies are HttpOnly, SameSite=Lax, and Secure when the site is served over https; the
// codec refuses a cookie signed longer ago than a session may live. The cookie holds the
// language, flash messages and, when signed in, the server-side session's id: whether that
// session still works is the server's to say (account.Store.Resume).
func NewSessionStore(key []byte, secure bool) *sessions.CookieStore {
	st := sessions.NewCookieStore(key[:32], key[32:64])
	maxAge := int(account.SessionLifetime / time.Second)
	for _, c := range st.Codecs {
		if sc, ok := c.(*securecookie.SecureCookie); ok {
			sc.SetSerializer(sessionCodec{})
			sc.MaxAge(maxAge)
		}
	}
	st.Options = &sessions.Options{Path: "/", MaxAge: maxAge, HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode}
	return st
}

// sessionMiddleware loads the session once per request; a damaged or foreign cookie gives a
// fresh empty session, never an error page.
func sessionMiddleware(store sessions.Store) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			sess, err := store.Get(c.Request(), SessionName)
			if err != nil {
				sess, _ = store.New(c.Request(), SessionName)
				sess.IsNew = true
			}
			c.Set(ctxSession, sess)
			return next(c)
		}
	}
}

func session(c echo.Context) *sessions.Session {
	s, _ := c.Get(ctxSession).(*sessions.Session)
	return s
}

// markDirty notes that the session must be written before the response.
func markDirty(c echo.Context) { c.Set(ctxDirty, true) }

// SaveSession writes the session cookie if anything in it changed this request.
func SaveSession(c echo.Context) error {
	s := session(c)
	if s == nil || c.Get(ctxDirty) != true {
		return nil
	}
	c.Set(ctxDirty, false)
	return s.Save(c.Request(), c.Response())
}

// LogIn puts a new server-side session's id (from account.Store.StartSession) in a fresh
// cookie: every earlier value is dropped, so a session fixed before login is worthless after
// it, and the CSRF token is drawn anew. The language is kept.
func LogIn(c echo.Context, token string) {
	resetSession(c)
	session(c).Values[keySID] = token
	// A new CSRF token for the new session.
	c.SetCookie(&http.Cookie{Name: csrfCookie, Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

// LogOut forgets the session in the cookie, keeping only the language. (Ending it on the
// server is account.Store.EndSession's work.)
func LogOut(c echo.Context) { resetSession(c) }

// resetSession drops every value of the cookie session but the language.
func resetSession(c echo.Context) {
	s := session(c)
	lang := s.Values[keyLang]
	for k := range s.Values {
		delete(s.Values, k)
	}
	if lang != nil {
		s.Values[keyLang] = lang
	}
	markDirty(c)
}

// SessionToken is the server-side session id the cookie carries ("" when signed out).
func SessionToken(c echo.Context) string {
	if s := session(c); s != nil {
		t, _ := s.Values[keySID].(string)
		return t
	}
	return ""
}

// setSessionToken replaces the session id in the cookie (after the server rotated it).
func setSessionToken(c echo.Context, token string) {
	session(c).Values[keySID] = token
	markDirty(c)
}

// Flash kinds.
const (
	FlashSuccess = "success"
	FlashError   = "error"
	FlashInfo    = "info"
)

// Flash queues a message (an i18n key) for the next page the user sees.
func Flash(c echo.Context, kind, key string) {
	s := session(c)
	list, _ := s.Values[keyFlashes].([]string)
	s.Values[keyFlashes] = append(list, kind+"|"+key)
	markDirty(c)
}

// FlashText queues a message already written in the request's language (one with values in
// it, like a waiting time).
func FlashText(c echo.Context, kind, text string) { Flash(c, kind, flashLiteral+text) }

// flashLiteral marks a flash holding text rather than an i18n key.
const flashLiteral = "!"

// popFlashes takes the queued messages out of the session.
func popFlashes(c echo.Context) [][2]string {
	s := session(c)
	if s == nil {
		return nil
	}
	list, _ := s.Values[keyFlashes].([]string)
	if len(list) == 0 {
		return nil
	}
	delete(s.Values, keyFlashes)
	markDirty(c)
	out := make([][2]string, 0, len(list))
	for _, f := range list {
		kind, key, _ := strings.Cut(f, "|")
		out = append(out, [2]string{kind, key})
	}
	return out
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// NewFormKey is a one-time key a form carries so that submitting it twice acts once.
func NewFormKey() string { return randomHex(16) }

// SetOnce keeps a short value for the next page that takes it, like a flash message but data
// (the address a mail went to, shown on the page after the redirect).
func SetOnce(c echo.Context, key, value string) {
	session(c).Values["once:"+key] = value
	markDirty(c)
}

// TakeOnce reads and forgets a value SetOnce kept ("" when none).
func TakeOnce(c echo.Context, key string) string {
	s := session(c)
	v, ok := s.Values["once:"+key].(string)
	if ok {
		delete(s.Values, "once:"+key)
		markDirty(c)
	}
	return v
}
