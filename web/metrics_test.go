package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

const metricsToken = "metrics-token-0123456789abcdef"

// metricsGet requests /metrics from h with an Authorization header (none when empty).
func metricsGet(h http.Handler, path, authorization string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// wantMetrics checks a 200 with metrics in it, or a 401 asking for a bearer token.
func wantMetrics(t *testing.T, where string, rec *httptest.ResponseRecorder, status int) {
	t.Helper()
	if rec.Code != status {
		t.Errorf("%s: status %d, want %d", where, rec.Code, status)
		return
	}
	switch status {
	case http.StatusOK:
		if !strings.Contains(rec.Body.String(), "go_goroutines") {
			t.Errorf("%s: no metrics in the answer", where)
		}
	case http.StatusUnauthorized:
		if got := rec.Header().Get("WWW-Authenticate"); got != "Bearer" {
			t.Errorf("%s: WWW-Authenticate %q, want Bearer", where, got)
		}
		if strings.Contains(rec.Body.String(), "go_goroutines") {
			t.Errorf("%s: a refused request got the metrics", where)
		}
	}
	if got := rec.Header().Get("Cache-Control"); got != "no-store" {
		t.Errorf("%s: Cache-Control %q, want no-store", where, got)
	}
}

// Who gets /metrics on the main listener, for each configuration.
func TestMetricsOnMainListener(t *testing.T) {
	ok, unauthorized, notFound := http.StatusOK, http.StatusUnauthorized, http.StatusNotFound
	cases := []struct {
		name string
		o    Options
		// answer by Authorization header
		want map[string]int
	}{
		{"dev, no token: open as before", Options{Dev: true}, map[string]int{"": ok, "Bearer wrong": ok}},
		{"prod, no token, no listener: not served", Options{}, map[string]int{"": notFound, "Bearer " + metricsToken: notFound}},
		{"prod with token", Options{MetricsToken: metricsToken}, map[string]int{
			"":                                  unauthorized,
			"Bearer " + metricsToken:            ok,
			"bearer " + metricsToken:            ok, // the scheme is case-insensitive
			"Bearer  " + metricsToken + " ":     ok,
			"Bearer wrong-token-0123456789abcd": unauthorized,
			"Bearer " + metricsToken[:20]:       unauthorized,
			"Bearer " + metricsToken + "x":      unauthorized,
			"Bearer ":                           unauthorized,
			"Bearer":                            unauthorized,
			metricsToken:                        unauthorized,
			"Basic " + metricsToken:             unauthorized,
		}},
		{"dev with token: the token is asked for too", Options{Dev: true, MetricsToken: metricsToken}, map[string]int{
			"": unauthorized, "Bearer nope": unauthorized, "Bearer " + metricsToken: ok,
		}},
		{"prod, own listener: not here", Options{MetricsOwnListener: true, MetricsToken: metricsToken}, map[string]int{
			"": notFound, "Bearer " + metricsToken: notFound,
		}},
		{"dev, own listener: not here", Options{Dev: true, MetricsOwnListener: true}, map[string]int{"": notFound}},
	}
	for _, tc := range cases {
		e := newTestServer(t, tc.o)
		for auth, status := range tc.want {
			wantMetrics(t, tc.name+", Authorization "+auth, metricsGet(e, "/metrics", auth), status)
		}
	}
}

// The listener of its own serves /metrics alone, with or without a token.
func TestMetricsHandler(t *testing.T) {
	m := NewMetrics()
	open := MetricsHandler(m, "")
	wantMetrics(t, "no token", metricsGet(open, "/metrics", ""), http.StatusOK)
	if rec := metricsGet(open, "/", ""); rec.Code != http.StatusNotFound {
		t.Errorf("GET / on the metrics listener: %d, want 404", rec.Code)
	}
	rec := httptest.NewRecorder()
	open.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/metrics", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST /metrics: %d, want 405", rec.Code)
	}
	guarded := MetricsHandler(m, metricsToken)
	wantMetrics(t, "token, right", metricsGet(guarded, "/metrics", "Bearer "+metricsToken), http.StatusOK)
	wantMetrics(t, "token, wrong", metricsGet(guarded, "/metrics", "Bearer wrong-token-0123456789abcd"), http.StatusUnauthorized)
	wantMetrics(t, "token, missing", metricsGet(guarded, "/metrics", ""), http.StatusUnauthorized)
}
