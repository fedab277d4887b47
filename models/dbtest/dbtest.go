// Package dbtest gives domain tests fresh, migrated databases on SQLite and on MySQL/MariaDB
// without starting the whole application.
package dbtest

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql" // the MySQL driver, for creating test databases

	"koogallery/models/account"
	"koogallery/models/schema"
	"koogallery/models/sqldb"
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
var Dialects = []sqldb.Dialect{sqldb.SQLite, sqldb.MySQL}

// Options says where a test database lives: the dialect, and a DSN of an existing one.
type Options struct {
	Dialect sqldb.Dialect
	DSN     string // MySQL: an existing database (another process's); empty makes a fresh one
	DataDir string // SQLite: an existing data directory; empty makes a fresh one
}

// Open opens (and migrates) a test database.
func Open(t testing.TB, o Options) *sqldb.DB {
	t.Helper()
	opts := sqldb.OpenOptions{DataDir: o.DataDir, DSN: o.DSN}
	if opts.DataDir == "" {
		opts.DataDir = t.TempDir()
	}
	if o.Dialect == sqldb.MySQL && opts.DSN == "" {
		opts.DSN = NewMySQLDatabase(t)
	}
	db, err := sqldb.Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Migrate(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// NewDB is a fresh, migrated, empty database of the dialect.
func NewDB(t testing.TB, d sqldb.Dialect) *sqldb.DB { return Open(t, Options{Dialect: d}) }

// ForEachDialect runs fn as a subtest on a fresh database of every dialect.
func ForEachDialect(t *testing.T, fn func(t *testing.T, db *sqldb.DB)) {
	for _, d := range Dialects {
		t.Run(string(d), func(t *testing.T) { fn(t, NewDB(t, d)) })
	}
}

// Password is the password of every account User makes.
const Password = "test-pass-0417-xyz"

var passwordHash = func() string {
	h, err := account.HashPassword(Password)
	if err != nil {
		panic(err)
	}
	return h
}()

// User inserts a verified account (with Password) of a role; sellerID, when not 0, makes
// it the owner of that company.
func User(t testing.TB, db *sqldb.DB, email string, role account.Role, sellerID uint) *account.User {
	t.Helper()
	now := db.Now()
	u := &account.User{Email: account.NormalizeEmail(email), Name: strings.Split(email, "@")[0], PasswordHash: passwordHash, Role: role,
		Locale: "zh", AuthVersion: 1, EmailVerifiedAt: &now, CreatedAt: now}
	if sellerID != 0 {
		u.SellerID, u.SellerRoles = &sellerID, account.NewMemberRoles(account.Owner)
	}
	if err := db.Gorm().Create(u).Error; err != nil {
		t.Fatal(err)
	}
	return u
}
