package web

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"
)

// SessionName is the session cookie's name.
const SessionName = "kg_session"

const (
	ctxSession = "web.session"
	ctxDirty   = "web.session.dirty"
	keyUserID  = "uid"
	keyLang    = "lang"
	keyFlashes = "flashes"
	keySID     = "sid"
)

// NewSessionStore makes the cookie store: 64-byte key split into HMAC and AES halves.
// Cookies are HttpOnly, SameSite=Lax, and Secure when the site is served over https.
func NewSessionStore(key []byte, secure bool) *sessions.CookieStore {
	st := sessions.NewCookieStore(key[:32], key[32:64])
	for _, c := range st.Codecs {
		if sc, ok := c.(*securecookie.SecureCookie); ok {
			sc.SetSerializer(sessionCodec{})
		}
	}
	st.Options = &sessions.Options{Path: "/", MaxAge: 12 * 3600, HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode}
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

// LogIn starts a fresh session for the user: every earlier value is dropped and a new session
// id is drawn, so a session fixed before login is worthless after it. The language is kept.
func LogIn(c echo.Context, userID uint) {
	s := session(c)
	lang := s.Values[keyLang]
	for k := range s.Values {
		delete(s.Values, k)
	}
	s.Values[keySID] = randomHex(16)
	s.Values[keyUserID] = userID
	if lang != nil {
		s.Values[keyLang] = lang
	}
	markDirty(c)
	// A new CSRF token for the new session.
	c.SetCookie(&http.Cookie{Name: csrfCookie, Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

// LogOut ends the session, keeping only the language.
func LogOut(c echo.Context) {
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

func sessionUserID(c echo.Context) uint {
	if s := session(c); s != nil {
		if id, ok := s.Values[keyUserID].(uint); ok {
			return id
		}
	}
	return 0
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
