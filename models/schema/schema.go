// Package schema is the database schema: numbered SQL migrations, one directory per dialect
// (sqlite/, mysql/), and Migrate, which applies the pending ones with goose. A migration is
// frozen once it is merged: it runs as it was written on every database, whatever the Go
// structs look like later. The package knows no domain: the SQL needs no structs.
//
// # Adding a migration
//
// To add a column, an index or a table:
//
//  1. Write the next numbered file in both directories, with the same number and name, e.g.
//     sqlite/00002_orders_note.sql and mysql/00002_orders_note.sql. Each starts with
//     "-- +goose Up" and holds that dialect's DDL (and any data change the step needs). Never
//     edit a merged file: write another one.
//  2. Change the struct (its gorm tags) so that it says what the SQL now makes: the name,
//     type, size, NOT NULL, default and index names GORM would create for that field. A new
//     table's struct also goes into the entities list of schema_test.go.
//  3. Run go test ./models/schema/ on both databases. TestMigratedSchemaMatchesStructs
//     compares a database migrated from zero with one AutoMigrate builds from the structs, and
//     names every table, column, key and index on which they differ.
//
// Migrations only go forward: to undo one, write the next one.
package schema

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"

	"koogallery/models/sqldb"
)

//go:embed sqlite/*.sql mysql/*.sql
var files embed.FS

// VersionTable is where goose records the applied migrations (goose's own default name, so
// goose's tools find it without options). It differs from the table of the runner before
// goose, schema_migrations, so a database that runner made is recognised rather than misread.
const VersionTable = goose.DefaultTablename

// LockName is the MySQL named lock (GET_LOCK) that one migrating process holds, on one
// connection, for its whole run: a second process starting at the same time waits for it
// and then finds nothing left to apply.
const LockName = "koogallery_migrate"

// lockWait is how long a process waits for another's migration before it gives up, in seconds.
const lockWait = 60

// oldVersionTable is the table of the runner before goose (AutoMigrate in numbered steps).
const oldVersionTable = "schema_migrations"

// Files are the migrations of a dialect, for goose.
func Files(d sqldb.Dialect) (fs.FS, error) {
	switch d {
	case sqldb.SQLite, sqldb.MySQL:
		return fs.Sub(files, string(d))
	}
	return nil, fmt.Errorf("schema: no migrations for dialect %q", d)
}

// Migrate applies the migrations the database has not had yet, in order, each in a
// transaction (MySQL commits DDL at once, so there a failed migration keeps the statements
// before the one that failed). On MySQL it holds LockName for the whole run; SQLite has one
// writing process by construction.
func Migrate(ctx context.Context, db *sqldb.DB) error {
	pool, err := db.Gorm().DB()
	if err != nil {
		return err
	}
	dialect := goose.DialectSQLite3
	if db.Dialect() == sqldb.MySQL {
		dialect = goose.DialectMySQL
		unlock, err := lock(ctx, pool)
		if err != nil {
			return err
		}
		defer unlock()
	}
	if err := refuseOldRunner(ctx, pool, db.Dialect()); err != nil {
		return err
	}
	fsys, err := Files(db.Dialect())
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(dialect, pool, fsys, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	return nil
}

// lock takes the named lock on a connection of its own and returns what releases it.
func lock(ctx context.Context, pool *sql.DB) (func(), error) {
	c, err := pool.Conn(ctx)
	if err != nil {
		return nil, err
	}
	var got sql.NullInt64
	err = c.QueryRowContext(ctx, fmt.Sprintf("SELECT GET_LOCK('%s', %d)", LockName, lockWait)).Scan(&got)
	if err != nil || got.Int64 != 1 {
		c.Close()
		if err == nil {
			err = fmt.Errorf("another process held it for over %d s", lockWait)
		}
		return nil, fmt.Errorf("schema: migration lock %s: %w", LockName, err)
	}
	return func() {
		c.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf("SELECT RELEASE_LOCK('%s')", LockName))
		c.Close()
	}, nil
}

// ErrOldRunner is returned for a database the runner before goose made: its schema is not
// the baseline's history, and there is no production data to carry over.
var ErrOldRunner = errors.New("schema: this database was made by the migration runner before versioned SQL " +
	"(it has " + oldVersionTable + " and no " + VersionTable + "); it holds no data worth keeping: " +
	"delete DATA_DIR/koogallery.db (SQLite) or drop and create the database (MySQL), then start again")

// refuseOldRunner fails with ErrOldRunner on a database the runner before goose made.
func refuseOldRunner(ctx context.Context, pool *sql.DB, d sqldb.Dialect) error {
	q := "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?"
	if d == sqldb.MySQL {
		q = "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?"
	}
	has := func(table string) (bool, error) {
		var n int
		err := pool.QueryRowContext(ctx, q, table).Scan(&n)
		return n > 0, err
	}
	old, err := has(oldVersionTable)
	if err != nil || !old {
		return err
	}
	if current, err := has(VersionTable); err != nil || current {
		return err
	}
	return ErrOldRunner
}
