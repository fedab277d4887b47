package web

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics counts requests and their durations by route, in Prometheus format.
type Metrics struct {
	Registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// NewMetrics makes a registry with the HTTP and Go runtime collectors.
func NewMetrics() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "koogallery_http_requests_total", Help: "HTTP requests by method, route and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "koogallery_http_request_duration_seconds", Help: "HTTP request duration by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"method", "route"}),
	}
	m.Registry.MustRegister(m.requests, m.duration, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// middleware records each request under its route pattern (never the raw path, which would
// let ids explode the label set).
func (m *Metrics) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		status := c.Response().Status
		if err != nil {
			status = statusOf(err)
		}
		m.requests.WithLabelValues(c.Request().Method, route, strconv.Itoa(status)).Inc()
		m.duration.WithLabelValues(c.Request().Method, route).Observe(time.Since(start).Seconds())
		return err
	}
}

// Handler serves the metrics.
func (m *Metrics) Handler() echo.HandlerFunc {
	return echo.WrapHandler(m.httpHandler())
}

func (m *Metrics) httpHandler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})
}

// MetricsHandler serves GET /metrics alone, for a listener of its own; with a token it asks
// for Authorization: Bearer <token> like the main listener does.
func MetricsHandler(m *Metrics, token string) http.Handler {
	metrics := m.httpHandler()
	check := newBearer(token)
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(echo.HeaderCacheControl, "no-store")
		if token != "" && !check.allows(r) {
			w.Header().Set(echo.HeaderWWWAuthenticate, "Bearer")
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		metrics.ServeHTTP(w, r)
	}))
	return mux
}

// routeMetrics mounts /metrics on the main listener, or not: behind the bearer token when
// there is one; open in dev mode; not at all when it has a listener of its own or in prod mode
// without a token (metrics tell strangers the routes, their traffic and the process's state).
func routeMetrics(e *echo.Echo, o Options) {
	switch {
	case o.MetricsOwnListener:
	case o.MetricsToken != "":
		e.GET("/metrics", o.Metrics.Handler(), requireBearer(o.MetricsToken))
	case o.Dev:
		e.GET("/metrics", o.Metrics.Handler())
	}
}

// requireBearer answers 401 (with WWW-Authenticate: Bearer and no body) unless the request
// carries Authorization: Bearer <token>.
func requireBearer(token string) echo.MiddlewareFunc {
	check := newBearer(token)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if !check.allows(c.Request()) {
				c.Response().Header().Set(echo.HeaderWWWAuthenticate, "Bearer")
				return c.NoContent(http.StatusUnauthorized)
			}
			return next(c)
		}
	}
}

// bearer is a token's SHA-256: comparing digests in constant time tells an attacker neither
// how much of a guess was right nor how long the token is.
type bearer [sha256.Size]byte

func newBearer(token string) bearer { return sha256.Sum256([]byte(token)) }

// allows reports whether r carries Authorization: Bearer <the token> (the scheme in any case).
func (b bearer) allows(r *http.Request) bool {
	scheme, got, ok := strings.Cut(r.Header.Get(echo.HeaderAuthorization), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	sum := sha256.Sum256([]byte(strings.TrimSpace(got)))
	return subtle.ConstantTimeCompare(sum[:], b[:]) == 1
}
