// Package apptest starts the real application for tests: on SQLite or on a fresh MySQL
// database, behind a real HTTP listener, with a cookie-keeping client that logs in and posts
// forms with their CSRF token like a browser would.
package apptest

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"testing"

	_ "github.com/go-sql-driver/mysql" // the MySQL driver, for creating test databases

	"koogallery/app"
	"koogallery/config"
	"koogallery/models/dbtest"
	"koogallery/models/sqldb"
)

// InCI reports whether the tests run under CI, where a missing database or browser fails.
func InCI() bool { return dbtest.InCI() }

// NewMySQLDatabase creates an empty database for one test and drops it afterwards.
func NewMySQLDatabase(t testing.TB) string { return dbtest.NewMySQLDatabase(t) }

// Dialects are the databases every store test runs on.
var Dialects = dbtest.Dialects

// Server is the whole application behind a loopback HTTP listener.
type Server struct {
	*httptest.Server
	App *app.App
}

// Options tune Start.
type Options struct {
	Dialect sqldb.Dialect // SQLite by default
	NoSeed  bool          // start empty (prod mode keys, no demo data)
}

// Start runs the application with demo data on a fresh database and stops it at the end of
// the test.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	dir := t.TempDir()
	args := []string{"-data", dir, "-addr", "127.0.0.1:0", "-sandbox-addr", ""}
	if o.Dialect == sqldb.MySQL {
		args = append(args, "-db", NewMySQLDatabase(t))
	}
	cfg, err := config.Load(args, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if o.NoSeed {
		cfg.Mode = config.Prod
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if os.Getenv("TEST_LOG") != "" {
		log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	a, err := app.New(context.Background(), cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Echo)
	t.Cleanup(func() {
		srv.Close()
		a.Close()
	})
	return &Server{Server: srv, App: a}
}
