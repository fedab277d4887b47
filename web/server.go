package web

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"koogallery/models"
	"koogallery/models/account"
	"koogallery/static"
)

// Options are what the HTTP layer needs.
type Options struct {
	Store *models.Store
	// TrustedProxies are the proxies whose X-Forwarded-For names the client (config).
	TrustedProxies []*net.IPNet
	// Accounts resumes the signed-in sessions.
	Accounts   *account.Store
	Log        *slog.Logger
	SessionKey []byte
	Secure     bool // served over https: Secure cookies and HSTS
	Metrics    *Metrics
	// UnreadCount, when set, counts the logged-in user's unread in-site messages for the top
	// bar's bell. It is called once per full page rendered for a logged-in user (never for
	// htmx fragments, redirects or anonymous visitors) and should be one cheap query.
	UnreadCount func(ctx context.Context, u *account.User) int
	// Dev is the development mode: pages may show what only a developer's machine should
	// (the demo accounts on the login page). Views read it as views.Page.Dev.
	Dev bool
	// MetricsToken, when set, is the bearer token /metrics asks for on this listener.
	MetricsToken string
	// MetricsOwnListener says /metrics is served on a listener of its own (MetricsHandler)
	// and not on this one. Without it or a token, /metrics is served in dev mode only.
	MetricsOwnListener bool
}

// csrfCookie names the CSRF token cookie.
const csrfCookie = "_csrf"

// NewServer assembles Echo with the middleware every page relies on, the static mount, the
// error pages, /healthz and /metrics (see Options for when and how /metrics is served).
// Features add their routes afterwards.
func NewServer(o Options) *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = ErrorHandler(o.Log)
	// The client's address is the connection's unless the connection comes from a trusted
	// proxy, whose X-Forwarded-For then names it: a forged header from anyone else cannot
	// dodge login throttling, and behind a load balancer the limits still count per client.
	e.IPExtractor = echo.ExtractIPDirect()
	if len(o.TrustedProxies) > 0 {
		trust := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
		for _, n := range o.TrustedProxies {
			trust = append(trust, echo.TrustIPRange(n))
		}
		e.IPExtractor = echo.ExtractIPFromXFFHeader(trust...)
	}
	e.Pre(headAsGet)
	if o.Metrics == nil {
		o.Metrics = NewMetrics()
	}
	e.Use(middleware.RequestID())
	e.Use(o.Metrics.middleware)
	e.Use(requestLog(o.Log))
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			o.Log.Error("panic", "request_id", c.Response().Header().Get(echo.HeaderXRequestID), "err", err, "stack", string(stack))
			return err
		},
	}))
	hsts := 0
	if o.Secure {
		hsts = 31536000
	}
	e.Use(middleware.SecureWithConfig(middleware.SecureConfig{
		XSSProtection: "0", ContentTypeNosniff: "nosniff", XFrameOptions: "DENY", HSTSMaxAge: hsts,
		ReferrerPolicy:        "same-origin",
		ContentSecurityPolicy: "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
	}))
	e.Use(noStore)

	assets, _ := fs.Sub(static.Files, ".")
	e.Group("/static", cacheStatic).StaticFS("/", assets)
	e.GET("/healthz", health(o.Store))
	routeMetrics(e, o)

	e.Use(sessionMiddleware(NewSessionStore(o.SessionKey, o.Secure)))
	e.Use(localeMiddleware)
	// After the language is known (so "too large" is said in it), before anything reads the body.
	e.Use(middleware.BodyLimit("12M"))
	e.Use(middleware.CSRFWithConfig(middleware.CSRFConfig{
		Skipper: func(c echo.Context) bool {
			p := c.Request().URL.Path
			// The open API is signed with AK/SK and carries no cookies.
			return strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/static/") || p == "/healthz" || p == "/metrics"
		},
		TokenLookup:    "form:_csrf,header:X-CSRF-Token",
		CookieName:     csrfCookie,
		CookiePath:     "/",
		CookieHTTPOnly: true,
		CookieSecure:   o.Secure,
		CookieSameSite: http.SameSiteLaxMode,
		ErrorHandler:   func(err error, c echo.Context) error { return errors.Join(errCSRF, err) },
	}))
	e.Use(userMiddleware(o.Accounts))
	if o.Dev {
		e.Use(devMiddleware)
	}
	if o.UnreadCount != nil {
		e.Use(unreadMiddleware(o.UnreadCount))
	}
	return e
}

// noStore keeps every dynamic answer out of the browser's and any shared cache: pages show
// who is logged in and their data, which must not come back from a cache after logout or to
// the next user of the machine. It is set before the handler runs, so a handler that sets its
// own Cache-Control (downloads say "private, no-store") keeps it; /static/ keeps its max-age.
func noStore(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !strings.HasPrefix(c.Request().URL.Path, "/static/") {
			c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
		}
		return next(c)
	}
}

// ctxDev marks a request served in dev mode (see Options.Dev).
const ctxDev = "web.dev"

// devMiddleware marks every request as served in dev mode, for PageContext.
func devMiddleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Set(ctxDev, true)
		return next(c)
	}
}

func cacheStatic(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set("Cache-Control", "public, max-age=3600")
		return next(c)
	}
}

// health answers 200 when the database answers, 503 otherwise.
func health(store *models.Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := store.Ping(c.Request().Context()); err != nil {
			return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "database": "down"})
		}
		return c.JSON(http.StatusOK, map[string]string{"status": "ok", "database": string(store.Dialect())})
	}
}

// requestLog writes one structured line per request with its request id.
func requestLog(log *slog.Logger) echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogStatus: true, LogURIPath: true, LogMethod: true, LogLatency: true, LogRequestID: true, LogRemoteIP: true, LogError: true,
		HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			log.Info("request", "request_id", v.RequestID, "method", v.Method, "path", v.URIPath, "status", v.Status,
				"latency_ms", float64(v.Latency.Microseconds())/1000, "ip", v.RemoteIP)
			return nil
		},
	})
}

// headAsGet answers HEAD like GET without a body, so uptime checks using HEAD work.
func headAsGet(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Request().Method == http.MethodHead {
			c.Request().Method = http.MethodGet
			c.Response().Writer = headWriter{c.Response().Writer}
		}
		return next(c)
	}
}

// headWriter drops the body of a HEAD answer.
type headWriter struct{ http.ResponseWriter }

func (w headWriter) Write(b []byte) (int, error) { return len(b), nil }
