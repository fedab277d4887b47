// Package apptest starts the real application for tests: on SQLite or on a fresh MySQL
// database, behind a real HTTP listener, with a cookie-keeping client that logs in and posts
// forms with their CSRF token like a browser would.
package apptest

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql" // the MySQL driver, for creating test databases

	"koogallery/app"
	"koogallery/config"
	"koogallery/models"
)

// InCI reports whether the tests run under CI, where a missing database or browser fails.
func InCI() bool { return os.Getenv("CI") == "true" }

// MySQLServerDSN is the MariaDB/MySQL server the tests use (a DSN without database name).
func MySQLServerDSN() string {
	if d := os.Getenv("TEST_MYSQL_DSN"); d != "" {
		return d
	}
	return "root:@tcp(127.0.0.1:3306)/"
}

var dbSeq atomic.Int64

// NewMySQLDatabase creates an empty database for one test and drops it afterwards. Without a
// reachable server the test is skipped, or failed under CI.
func NewMySQLDatabase(t testing.TB) string {
	t.Helper()
	server := MySQLServerDSN()
	admin, err := sql.Open("mysql", server)
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		err = admin.PingContext(ctx)
		cancel()
	}
	if err != nil {
		if InCI() {
			t.Fatalf("MySQL/MariaDB at %s is required under CI: %v", server, err)
		}
		t.Skipf("MySQL/MariaDB at %s not reachable: %v", server, err)
	}
	name := fmt.Sprintf("kg_test_%d_%d", time.Now().UnixNano()%1e9, dbSeq.Add(1))
	if _, err := admin.Exec("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP DATABASE IF EXISTS " + name)
		admin.Close()
	})
	base := strings.TrimSuffix(server, "/")
	if i := strings.Index(base, "?"); i >= 0 {
		return base[:i] + "/" + name + base[i:]
	}
	return base + "/" + name
}

// Dialects are the databases every store test runs on.
var Dialects = []models.Dialect{models.SQLite, models.MySQL}

// NewStore opens a fresh, migrated, empty store on the dialect.
func NewStore(t testing.TB, d models.Dialect) *models.Store {
	t.Helper()
	opts := models.OpenOptions{DataDir: t.TempDir()}
	if d == models.MySQL {
		opts.DSN = NewMySQLDatabase(t)
	}
	db, dialect, err := models.Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := models.Migrate(db, dialect); err != nil {
		t.Fatal(err)
	}
	s := models.NewStore(db, dialect)
	t.Cleanup(func() { s.Close() })
	return s
}

// ForEachDialect runs fn as a subtest on a fresh store of every dialect.
func ForEachDialect(t *testing.T, fn func(t *testing.T, s *models.Store)) {
	for _, d := range Dialects {
		t.Run(string(d), func(t *testing.T) { fn(t, NewStore(t, d)) })
	}
}

// Server is the whole application behind a loopback HTTP listener.
type Server struct {
	*httptest.Server
	App *app.App
}

// Options tune Start.
type Options struct {
	Dialect models.Dialect // SQLite by default
	NoSeed  bool           // start empty (prod mode keys, no demo data)
}

// Start runs the application with demo data on a fresh database and stops it at the end of
// the test.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	dir := t.TempDir()
	args := []string{"-data", dir, "-addr", "127.0.0.1:0", "-sandbox-addr", ""}
	if o.Dialect == models.MySQL {
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
