package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"sync/atomic"
	"time"

	"github.com/go-sql-driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// DB is an open database with its dialect and the clock every store of the process reads, so
// that a test replacing the clock replaces it for every domain at once.
type DB struct {
	gorm    *gorm.DB
	dialect Dialect
	clock   atomic.Pointer[func() time.Time]
}

// New wraps an open GORM connection.
func New(g *gorm.DB, d Dialect) *DB {
	db := &DB{gorm: g, dialect: d}
	db.SetClock(time.Now)
	return db
}

// SetClock replaces the clock (tests use a fake one); times it gives are used in UTC.
func (db *DB) SetClock(now func() time.Time) {
	f := func() time.Time { return now().UTC() }
	db.clock.Store(&f)
}

// Now is the current time in UTC.
func (db *DB) Now() time.Time { return (*db.clock.Load())() }

// Dialect tells which database this is.
func (db *DB) Dialect() Dialect { return db.dialect }

// Gorm is the connection pool, for migrations, health checks and tests.
func (db *DB) Gorm() *gorm.DB { return db.gorm }

// Conn is the connection bound to ctx.
func (db *DB) Conn(ctx context.Context) *gorm.DB { return db.gorm.WithContext(ctx) }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	sqlDB, err := db.gorm.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// Close closes the connection pool.
func (db *DB) Close() error {
	sqlDB, err := db.gorm.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// deadlockTries is how often a transaction runs when MySQL keeps choosing it as a deadlock victim.
const deadlockTries = 3

// Tx runs fn in a transaction, and again when MySQL rolled it back as a deadlock victim
// (error 1213): InnoDB undoes the victim whole, so running it again is safe, and it is what
// MySQL asks of applications whose transactions race on the same rows.
func (db *DB) Tx(ctx context.Context, fn func(tx *gorm.DB) error, opts ...*sql.TxOptions) error {
	var err error
	for range deadlockTries {
		if err = db.Conn(ctx).Transaction(fn, opts...); !IsDeadlock(err) {
			return err
		}
	}
	return err
}

// ReadCommitted are the options of a claim's transaction: READ COMMITTED on MySQL, so a
// locking scan takes no gap locks on the index it walks; nothing on SQLite, whose immediate
// transactions serialize writers anyway.
func (db *DB) ReadCommitted() []*sql.TxOptions {
	if db.dialect != MySQL {
		return nil
	}
	return []*sql.TxOptions{{Isolation: sql.LevelReadCommitted}}
}

// IsDeadlock reports MySQL's deadlock error (1213).
func IsDeadlock(err error) bool {
	var me *mysql.MySQLError
	return errors.As(err, &me) && me.Number == 1213
}

// IsDuplicate reports a unique-index violation on either database (the connections translate
// dialect errors into GORM's).
func IsDuplicate(err error) bool { return errors.Is(err, gorm.ErrDuplicatedKey) }

// LockRow reads the row of dest's table with primary key id into dest inside tx, locked FOR
// UPDATE on MySQL (SQLite's immediate transactions serialise writers anyway): a change that
// takes the row's lock first, by primary key only, makes racing changes queue on it instead of
// deadlocking on the secondary indexes their guarded UPDATEs touch. A missing row is
// ErrNotFound.
func LockRow(tx *gorm.DB, dest any, id uint) error {
	q := tx
	if tx.Dialector.Name() == "mysql" {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	return NotFound(q.First(dest, id).Error)
}
