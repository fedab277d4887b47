package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/labstack/echo/v4"

	"koogallery/i18n"
	"koogallery/models"
	"koogallery/models/account"
	"koogallery/models/sqldb"
)

// secretText is what the failing test handlers carry in their errors; it must never reach a user.
const secretText = "SELECT password_hash FROM users WHERE id = 7: connection refused"

// testServer is the real middleware stack over an empty SQLite store, with handlers that fail
// in every way a feature can. logs receives what the server logs.
func testServer(t *testing.T) (*echo.Echo, *bytes.Buffer) {
	t.Helper()
	db, err := sqldb.Open(sqldb.OpenOptions{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if err := models.Migrate(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	store := models.NewStore(db)
	t.Cleanup(func() { store.Close() })
	logs := &bytes.Buffer{}
	e := NewServer(Options{Store: store, Accounts: account.NewStore(store.Base(), "http://localhost"), Log: slog.New(slog.NewTextHandler(logs, nil)), SessionKey: bytes.Repeat([]byte{7}, 64)})
	fail := map[string]error{
		"notfound":  sqldb.ErrNotFound,
		"wrapped":   fmt.Errorf("load order 7: %w", sqldb.ErrNotFound),
		"stale":     sqldb.ErrStale,
		"stale2":    fmt.Errorf("approve refund: %w", sqldb.ErrStale),
		"boom":      errors.New(secretText),
		"forbidden": echo.ErrForbidden,
		"fields":    sqldb.FieldErrors{"amount": "refund.err.amount"},
	}
	for name, err := range fail {
		err := err
		h := func(echo.Context) error { return err }
		e.GET("/t/"+name, h)
		e.GET("/api/t/"+name, h)
	}
	panicky := func(echo.Context) error { panic(secretText) }
	e.GET("/t/panic", panicky)
	e.GET("/api/t/panic", panicky)
	e.POST("/t/form", func(c echo.Context) error { return c.String(http.StatusOK, "done") })
	g := e.Group("/area", RequireRole(account.RoleSeller))
	g.GET("/page", func(c echo.Context) error { return c.String(http.StatusOK, "inside") })
	g.POST("/page", func(c echo.Context) error { return c.String(http.StatusOK, "inside") })
	return e, logs
}

func serve(e *echo.Echo, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	return rec
}

// leaks are internals that must not reach a page.
var leaks = []string{"SELECT", "password_hash", "connection refused", "goroutine", ".go:", "not found", "stale state", "invalid input", "refund.err.amount", "code="}

func TestErrorPages(t *testing.T) {
	e, logs := testServer(t)
	cases := []struct {
		path   string
		status int
		title  string // message key of the page title
	}{
		{"/t/notfound", http.StatusNotFound, "error.Not Found.title"},
		{"/t/wrapped", http.StatusNotFound, "error.Not Found.title"},
		{"/no/such/route", http.StatusNotFound, "error.Not Found.title"},
		{"/t/stale", http.StatusConflict, "error.Conflict.title"},
		{"/t/stale2", http.StatusConflict, "error.Conflict.title"},
		{"/t/forbidden", http.StatusForbidden, "error.Forbidden.title"},
		{"/t/boom", http.StatusInternalServerError, "error.Internal Server Error.title"},
		{"/t/fields", http.StatusInternalServerError, "error.Internal Server Error.title"},
		{"/t/panic", http.StatusInternalServerError, "error.Internal Server Error.title"},
	}
	for _, tc := range cases {
		for _, lang := range []string{i18n.ZH, i18n.EN} {
			rec := serve(e, httptest.NewRequest(http.MethodGet, tc.path+"?lang="+lang, nil))
			where := tc.path + " (" + lang + ")"
			if rec.Code != tc.status {
				t.Errorf("%s: status %d, want %d", where, rec.Code, tc.status)
				continue
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
				t.Errorf("%s: content type %q", where, ct)
			}
			body := rec.Body.String()
			doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			page := doc.Find(`[data-testid="error-page"]`)
			if page.AttrOr("data-status", "") != fmt.Sprint(tc.status) {
				t.Errorf("%s: no friendly error page", where)
			}
			if got, want := strings.TrimSpace(page.Find("h1").Text()), i18n.T(lang, tc.title); got != want {
				t.Errorf("%s: title %q, want %q", where, got, want)
			}
			if rid := rec.Header().Get(echo.HeaderXRequestID); rid == "" || !strings.Contains(page.Find("code").Text(), rid) {
				t.Errorf("%s: the page does not show the request id %q", where, rid)
			}
			for _, l := range leaks {
				if strings.Contains(strings.ToLower(body), strings.ToLower(l)) && !(l == "not found" && lang == i18n.EN) {
					t.Errorf("%s: the page shows %q", where, l)
				}
			}
		}
	}
	// Server errors are logged once with the request id; user errors are not logged as errors.
	if n := strings.Count(logs.String(), "password_hash"); n < 1 {
		t.Errorf("the failure was not logged")
	}
	if strings.Contains(logs.String(), "level=ERROR msg=\"request failed\" request_id= ") {
		t.Errorf("an error was logged without its request id")
	}
}

func TestErrorJSONUnderAPI(t *testing.T) {
	e, _ := testServer(t)
	cases := map[string]int{
		"/api/t/notfound": http.StatusNotFound, "/api/t/wrapped": http.StatusNotFound, "/api/t/stale": http.StatusConflict,
		"/api/t/forbidden": http.StatusForbidden, "/api/t/boom": http.StatusInternalServerError, "/api/t/panic": http.StatusInternalServerError,
		"/api/no/such/route": http.StatusNotFound,
	}
	for path, status := range cases {
		rec := serve(e, httptest.NewRequest(http.MethodGet, path+"?lang=en", nil))
		if rec.Code != status {
			t.Errorf("%s: status %d, want %d", path, rec.Code, status)
			continue
		}
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("%s: content type %q", path, ct)
		}
		var body map[string]string
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Errorf("%s: not JSON: %v", path, err)
			continue
		}
		if body["error_code"] != http.StatusText(status) || body["error_msg"] == "" || body["request_id"] != rec.Header().Get(echo.HeaderXRequestID) {
			t.Errorf("%s: body %v", path, body)
		}
		if strings.Contains(rec.Body.String(), "SELECT") || strings.Contains(rec.Body.String(), "stale state") {
			t.Errorf("%s: JSON leaks %s", path, rec.Body.String())
		}
	}
	// The open API is signed, not cookie-based: no CSRF token needed there.
	e.POST("/api/t/post", func(c echo.Context) error { return c.JSON(http.StatusOK, map[string]string{"ok": "1"}) })
	if rec := serve(e, httptest.NewRequest(http.MethodPost, "/api/t/post", nil)); rec.Code != http.StatusOK {
		t.Errorf("POST under /api without a token: %d", rec.Code)
	}
}

func TestHeadErrorHasNoBody(t *testing.T) {
	e, _ := testServer(t)
	// HEAD is answered by the GET route, without a body.
	e.GET("/t/head-stale", func(echo.Context) error { return sqldb.ErrStale })
	e.GET("/t/head-ok", func(c echo.Context) error { return c.String(http.StatusOK, "hello") })
	rec := serve(e, httptest.NewRequest(http.MethodHead, "/t/head-stale", nil))
	if rec.Code != http.StatusConflict || rec.Body.Len() != 0 {
		t.Errorf("HEAD: %d with %d bytes", rec.Code, rec.Body.Len())
	}
	rec = serve(e, httptest.NewRequest(http.MethodHead, "/t/head-ok", nil))
	if rec.Code != http.StatusOK || rec.Body.Len() != 0 {
		t.Errorf("HEAD of a page: %d with %d bytes", rec.Code, rec.Body.Len())
	}
}

func TestCSRFRefusalIs403(t *testing.T) {
	e, _ := testServer(t)
	for name, form := range map[string]url.Values{"missing": {}, "forged": {"_csrf": {"forged"}}} {
		req := httptest.NewRequest(http.MethodPost, "/t/form?lang=en", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := serve(e, req)
		if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), i18n.T(i18n.EN, "error.csrf.title")) {
			t.Errorf("%s token: %d %q", name, rec.Code, rec.Body.String())
		}
		if strings.Contains(rec.Body.String(), "csrf token") {
			t.Errorf("%s token: the page shows Echo's message", name)
		}
	}
	// With the cookie's token it goes through.
	get := serve(e, httptest.NewRequest(http.MethodGet, "/no/such/route", nil))
	var token string
	for _, c := range get.Result().Cookies() {
		if c.Name == csrfCookie {
			token = c.Value
		}
	}
	if token == "" {
		t.Fatal("no CSRF cookie issued")
	}
	req := httptest.NewRequest(http.MethodPost, "/t/form", strings.NewReader(url.Values{"_csrf": {token}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: csrfCookie, Value: token})
	if rec := serve(e, req); rec.Code != http.StatusOK {
		t.Errorf("POST with the token: %d", rec.Code)
	}
}

func TestRequireRole(t *testing.T) {
	e, _ := testServer(t)
	rec := serve(e, httptest.NewRequest(http.MethodGet, "/area/page?x=1&y=%2F%2Fevil", nil))
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/login?next="+url.QueryEscape("/area/page?x=1&y=%2F%2Fevil") {
		t.Errorf("anonymous GET: %d to %q", rec.Code, rec.Header().Get("Location"))
	}
	req := httptest.NewRequest(http.MethodGet, "/area/page", nil)
	req.Header.Set("HX-Request", "true")
	if rec := serve(e, req); rec.Code != http.StatusNoContent || !strings.HasPrefix(rec.Header().Get("HX-Redirect"), "/login?next=") {
		t.Errorf("anonymous htmx GET: %d, HX-Redirect %q", rec.Code, rec.Header().Get("HX-Redirect"))
	}
	// A damaged session cookie is a fresh anonymous session, not an error.
	req = httptest.NewRequest(http.MethodGet, "/area/page", nil)
	req.AddCookie(&http.Cookie{Name: SessionName, Value: "garbage-garbage"})
	if rec := serve(e, req); rec.Code != http.StatusSeeOther {
		t.Errorf("damaged session cookie: %d", rec.Code)
	}
}

func TestStatusOf(t *testing.T) {
	cases := []struct {
		err  error
		want int
	}{
		{sqldb.ErrNotFound, 404},
		{fmt.Errorf("x: %w", sqldb.ErrNotFound), 404},
		{sqldb.ErrStale, 409},
		{errors.Join(errCSRF, echo.NewHTTPError(http.StatusBadRequest, "missing csrf token in the form parameter")), 403},
		{echo.ErrMethodNotAllowed, 405},
		{errors.New("anything"), 500},
	}
	for _, tc := range cases {
		if got := statusOf(tc.err); got != tc.want {
			t.Errorf("statusOf(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}
