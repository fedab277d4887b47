package web

import (
	"bytes"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"
)

// Behind a trusted proxy the client is the one X-Forwarded-For names; a header from anyone
// else is not believed, so it cannot dodge the per-address limits.
func TestClientAddressBehindProxies(t *testing.T) {
	_, lb, _ := net.ParseCIDR("192.0.2.0/24")
	for _, tc := range []struct {
		name    string
		trusted []*net.IPNet
		remote  string
		want    string
	}{
		{"no proxies configured", nil, "192.0.2.5:4000", "192.0.2.5"},
		{"from the trusted proxy", []*net.IPNet{lb}, "192.0.2.5:4000", "203.0.113.9"},
		{"from an untrusted address", []*net.IPNet{lb}, "198.51.100.1:4000", "198.51.100.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := NewServer(Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), SessionKey: bytes.Repeat([]byte{7}, 64), TrustedProxies: tc.trusted})
			e.GET("/ip", func(c echo.Context) error { return c.String(http.StatusOK, c.RealIP()) })
			req := httptest.NewRequest(http.MethodGet, "/ip", nil)
			req.RemoteAddr = tc.remote
			req.Header.Set("X-Forwarded-For", "203.0.113.9")
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, req)
			if got := rec.Body.String(); got != tc.want {
				t.Errorf("client address %q, want %q", got, tc.want)
			}
		})
	}
}
