// Package app assembles the server from its configuration: database, schema, demo data, the
// HTTP stack and every feature's routes. The server binary and the end-to-end tests share it.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"koogallery/cloud"
	"koogallery/config"
	"koogallery/deploy"
	"koogallery/dispatch"
	"koogallery/handlers"
	"koogallery/mailer"
	"koogallery/models"
	"koogallery/models/account"
	"koogallery/models/catalog"
	"koogallery/models/onboarding"
	"koogallery/models/sqldb"
	"koogallery/protocol"
	"koogallery/refseller"
	"koogallery/sandbox"
	"koogallery/secrets"
	"koogallery/sellerkit"
	"koogallery/web"
)

// App is a ready-to-serve marketplace.
type App struct {
	Config config.Config
	Store  *models.Store
	// Accounts keeps users, companies, sessions and mailed links.
	Accounts *account.Store
	// Onboarding keeps seller applications (入驻).
	Onboarding *onboarding.Store
	Echo       *echo.Echo
	Log        *slog.Logger
	// Seeded is true when this start created the demo data.
	Seeded bool
	Keys   *sellerkit.Keys
	Kit    *sellerkit.Kit
	// Sandbox is the dev-mode seller endpoint (nil unless Config.SandboxAddr is set).
	Sandbox http.Handler
	// Dispatcher delivers the call outbox; Serve's caller runs it (every process may).
	Dispatcher *dispatch.Dispatcher
	// Mailer sends the mail outbox (SMTP, or .eml files under DataDir/mail when no SMTP server
	// is configured); Serve's caller runs it (every process may).
	Mailer *mailer.Mailer
	// Cloud is the buyer's cloud for one-click deployment: the embedded simulated cloud
	// (CLOUD_SIM_STEP_TIME, CLOUD_SIM_FAULTS tune it; see the README for a real adapter).
	Cloud *cloud.Sim
	// Deployer runs deployments in the background; Serve's caller runs it (every process may).
	Deployer *deploy.Runner
	// Metrics serves /metrics on a listener of its own (nil unless Config.MetricsAddr is
	// set); Serve's caller serves it there.
	Metrics http.Handler
}

// New opens the database, migrates it, seeds demo data on a fresh dev database, and builds
// the HTTP handler.
func New(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	db, err := sqldb.Open(sqldb.OpenOptions{DSN: cfg.DatabaseDSN, DataDir: cfg.DataDir, LogSQL: cfg.LogSQL})
	if err != nil {
		return nil, err
	}
	if err := models.Migrate(ctx, db); err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	store := models.NewStore(db)
	for activity, r := range cfg.CallRetry {
		pol := store.Policy(protocol.Activity(strings.TrimSuffix(activity, ":license")), catalog.TypeSaaS)
		pol.Every, pol.Window = r.Every, r.Window
		store.SetPolicy(activity, pol)
	}
	accounts := account.NewStore(db, cfg.BaseURL)
	a := &App{Config: cfg, Store: store, Accounts: accounts, Onboarding: onboarding.NewStore(db, accounts, cfg.BaseURL), Log: log}
	store.SetAttachmentParty(onboarding.AttachLicense, a.Onboarding.LicenseParty)
	if cfg.Mode == config.Dev {
		if a.Seeded, err = store.SeedDemo(ctx); err != nil {
			return nil, fmt.Errorf("demo data: %w", err)
		}
	}
	box, err := secrets.NewBox(cfg.MasterKey)
	if err != nil {
		return nil, err
	}
	dev := cfg.Mode == config.Dev
	clientOpts := protocol.ClientOptions{}
	rules := sellerkit.AddressRules{AllowLoopback: dev}
	if !dev {
		// Production refuses loopback, private, link-local and metadata addresses, when the
		// address is added and again at every connection.
		clientOpts.DialGuard = protocol.PublicOnly
		rules.Resolver = net.DefaultResolver
	}
	a.Keys = &sellerkit.Keys{Store: store, Box: box}
	a.Kit = &sellerkit.Kit{Client: protocol.NewClient(clientOpts), Now: store.Now}
	a.Dispatcher = &dispatch.Dispatcher{Store: store, Keys: a.Keys, Client: a.Kit.Client, Lease: cfg.DispatchLease, Log: log.With("component", "dispatch")}
	a.Mailer = mailer.New(store, cfg.Mail, cfg.DataDir, log.With("component", "mailer"))
	if !dev && cfg.Mail.SMTPAddr == "" {
		log.Warn("mail is not delivered: without SMTP_ADDR (-smtp) verification and reset links, invitations and notices are only written under DATA_DIR/mail")
	}
	if cfg.SandboxAddr != "" {
		sb, err := sandbox.New(a.Keys, refseller.Options{PlatformBaseURL: cfg.BaseURL, AdoptUnknown: true, Logger: log.With("component", "sandbox")})
		if err != nil {
			return nil, err
		}
		a.Sandbox = sb
		if a.Seeded {
			if err := a.Keys.SeedDemo(ctx, "http://"+cfg.SandboxAddr); err != nil {
				return nil, fmt.Errorf("demo keys: %w", err)
			}
		}
	}
	if err := a.newDeployer(log); err != nil {
		return nil, err
	}
	unread := handlers.NewUnreadCounter(store)
	metrics := web.NewMetrics()
	a.Echo = web.NewServer(web.Options{Store: store, Accounts: accounts, TrustedProxies: cfg.TrustedProxies, Log: log, SessionKey: cfg.SessionKey, Secure: cfg.Secure(), Dev: dev, UnreadCount: unread.Count,
		Metrics: metrics, MetricsToken: cfg.MetricsToken, MetricsOwnListener: cfg.MetricsAddr != ""})
	if cfg.MetricsAddr != "" {
		a.Metrics = web.MetricsHandler(metrics, cfg.MetricsToken)
	} else if !dev && cfg.MetricsToken == "" {
		log.Warn("metrics are not served: in prod mode /metrics needs protection; set METRICS_TOKEN (-metrics-token, at least 16 characters) " +
			"to serve it on the main listener to requests with Authorization: Bearer <token>, or METRICS_ADDR (-metrics-addr) to serve it on a listener of its own")
	}
	handlers.Register(a.Echo, handlers.Deps{Unread: unread, Store: store, Accounts: accounts, Onboarding: a.Onboarding, Keys: a.Keys, Kit: a.Kit, Rules: rules, Deployer: a.Deployer})
	return a, nil
}

// newDeployer builds the simulated cloud and the deployment runner. CLOUD_SIM_STEP_TIME
// (a Go duration) sets how long a deploy step takes; CLOUD_SIM_FAULTS injects failures, e.g.
// "step:install,quota,stopped:ecs-app-01".
func (a *App) newDeployer(log *slog.Logger) error {
	opt := cloud.SimOptions{}
	if v := os.Getenv("CLOUD_SIM_STEP_TIME"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("CLOUD_SIM_STEP_TIME: %w", err)
		}
		opt.StepTime = d
	}
	faults, err := cloud.ParseFaults(os.Getenv("CLOUD_SIM_FAULTS"))
	if err != nil {
		return err
	}
	opt.Faults = faults
	a.Cloud = cloud.NewSim(opt)
	a.Deployer = &deploy.Runner{Store: a.Store, Cloud: a.Cloud, Log: log.With("component", "deploy")}
	return nil
}

// Serve answers HTTP on l until ctx ends, then drains in-flight requests for up to 10 s.
func (a *App) Serve(ctx context.Context, l net.Listener) error { return Serve(ctx, l, a.Echo, a.Log) }

// Serve answers HTTP with h on l until ctx ends, then drains in-flight requests for up to 10 s.
func Serve(ctx context.Context, l net.Listener, h http.Handler, log *slog.Logger) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := srv.Shutdown(shutdown)
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		return serr
	}
	return err
}

// Close releases the database.
func (a *App) Close() error { return a.Store.Close() }
