package web

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"
)

// Every dynamic answer is no-store unless its handler says otherwise; static files keep their
// public max-age.
func TestCacheControl(t *testing.T) {
	e, _ := testServer(t)
	e.GET("/t/page", func(c echo.Context) error { return c.String(http.StatusOK, "page") })
	e.GET("/t/download", func(c echo.Context) error {
		c.Response().Header().Set(echo.HeaderCacheControl, "private, no-store")
		return c.Blob(http.StatusOK, "application/octet-stream", []byte("file"))
	})
	cases := []struct{ path, want string }{
		{"/t/page", "no-store"},
		{"/t/download", "private, no-store"},
		{"/t/notfound", "no-store"},
		{"/t/boom", "no-store"},
		{"/api/t/boom", "no-store"},
		{"/no-such-page", "no-store"},
		{"/healthz", "no-store"},
		{"/area/page", "no-store"}, // a redirect to the login page
		{"/static/css/app.css", "public, max-age=3600"},
	}
	for _, tc := range cases {
		rec := serve(e, httptest.NewRequest(http.MethodGet, tc.path, nil))
		if got := rec.Header().Get(echo.HeaderCacheControl); got != tc.want {
			t.Errorf("GET %s (%d): Cache-Control %q, want %q", tc.path, rec.Code, got, tc.want)
		}
	}
}
