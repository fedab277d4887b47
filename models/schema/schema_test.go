package schema_test

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"koogallery/models/account"
	"koogallery/models/attachment"
	"koogallery/models/catalog"
	"koogallery/models/dbtest"
	"koogallery/models/deployment"
	"koogallery/models/license"
	"koogallery/models/notice"
	"koogallery/models/onboarding"
	"koogallery/models/orders"
	"koogallery/models/outbox"
	"koogallery/models/refund"
	"koogallery/models/schema"
	"koogallery/models/sellertools"
	"koogallery/models/sqldb"
	"koogallery/models/supervision"
)

// entities are every GORM model the application reads and writes: one per table. A new
// entity goes here with its migration (see the package doc of schema).
var entities = []any{
	// Accounts, companies, sessions, links, throttling, mail routes, the audit log.
	&account.Seller{}, &account.User{}, &account.Session{}, &account.Token{}, &account.RateEvent{},
	&account.MailRoute{}, &account.AuditEvent{},
	// Seller applications and their history.
	&onboarding.Application{}, &onboarding.Event{},
	// The mail outbox and in-site notices.
	&notice.Mail{}, &notice.Notice{},
	// Uploaded files.
	&attachment.Attachment{}, &attachment.Blob{},
	// Catalog.
	&catalog.Product{}, &catalog.ProductSpec{}, &catalog.ProductVersion{}, &catalog.Favorite{},
	// Orders and services.
	&orders.Order{}, &orders.Instance{},
	// The seller toolkit.
	&sellertools.AccessKey{}, &sellertools.ProductionAddress{}, &sellertools.KeyBinding{}, &sellertools.DebugCase{},
	&outbox.NotifyConfig{},
	// The call outbox.
	&outbox.InterfaceCall{}, &outbox.CallAttempt{},
	// Refunds.
	&refund.RefundRequest{}, &orders.Refund{},
	// Supervision and appeals.
	&supervision.Supervision{}, &supervision.SupervisionEvent{}, &supervision.Appeal{},
	// Licenses.
	&license.LicenseApplication{},
	// One-click deployment.
	&deployment.DeployDelegation{}, &deployment.Deployment{}, &deployment.DeploymentEvent{},
}

// sqlOnly are what the migrations make that no struct tag declares: the covering indexes
// settlement reads by. Each is checked on the migrated database, then left out of the
// comparison with the structs.
var sqlOnly = map[string]string{
	"orders index idx_orders_seller_created": "INDEX (seller_id, created_at)",
	"orders index idx_orders_seller_billing": "INDEX (seller_id, paid_at, product_id, paid_fen, status, type)",
	"orders index idx_orders_credit_bill":    "INDEX (pay_method, repayment, buyer_id, paid_at)",
}

// mysqlTableOptions are the options every MySQL table is made with.
const mysqlTableOptions = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"

// empty opens an empty database of the dialect, without migrating it.
func empty(t *testing.T, d sqldb.Dialect) *sqldb.DB {
	t.Helper()
	opts := sqldb.OpenOptions{DataDir: t.TempDir()}
	if d == sqldb.MySQL {
		opts.DSN = dbtest.NewMySQLDatabase(t)
	}
	db, err := sqldb.Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func migrated(t *testing.T, d sqldb.Dialect) *sqldb.DB {
	t.Helper()
	db := empty(t, d)
	if err := schema.Migrate(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	return db
}

// autoMigrate runs GORM's AutoMigrate of every entity on db and returns the statements it
// ran that change the schema or the data.
func autoMigrate(t *testing.T, db *sqldb.DB) []string {
	t.Helper()
	rec := &recorder{}
	g := db.Gorm().Session(&gorm.Session{Logger: rec})
	if db.Dialect() == sqldb.MySQL {
		g = g.Set("gorm:table_options", mysqlTableOptions)
	}
	if err := g.AutoMigrate(entities...); err != nil {
		t.Fatalf("AutoMigrate: %v", err)
	}
	return rec.changes()
}

// TestMigratedSchemaMatchesStructs: a database migrated from zero has exactly the schema
// AutoMigrate makes of the structs (tables, columns with type, nullability and default, primary
// keys, indexes, foreign keys, MySQL's engine and collations), and AutoMigrate over it changes
// nothing. When this fails after a struct change, the migration for it is missing (or the
// struct says something else than the SQL): see the package doc of schema.
func TestMigratedSchemaMatchesStructs(t *testing.T) {
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			db := migrated(t, d)
			got := snapshot(t, db)
			for k, want := range sqlOnly {
				if got[k] != want {
					t.Errorf("%s: migrated %q, want %q", k, got[k], want)
				}
				delete(got, k)
			}

			structs := empty(t, d)
			if ddl := autoMigrate(t, structs); len(ddl) == 0 {
				t.Fatal("AutoMigrate on an empty database ran no statement: is the recorder blind?")
			}
			if diff := compare(got, snapshot(t, structs)); diff != "" {
				t.Errorf("the migrated schema (-) differs from the structs' (+): write a migration for the change, "+
					"or make the struct say what the SQL makes:\n%s", diff)
			}

			before := snapshot(t, db)
			if ddl := autoMigrate(t, db); len(ddl) > 0 {
				t.Errorf("AutoMigrate over the migrated database would change it: the SQL and the structs disagree:\n  %s",
					strings.Join(ddl, "\n  "))
			}
			if diff := compare(before, snapshot(t, db)); diff != "" {
				t.Errorf("AutoMigrate changed the migrated schema (-) into (+):\n%s", diff)
			}
		})
	}
}

// Migrating again applies nothing and changes nothing; the version table records each
// migration once.
func TestMigrateAgainIsNothing(t *testing.T) {
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			db := migrated(t, d)
			before := snapshot(t, db)
			if err := schema.Migrate(context.Background(), db); err != nil {
				t.Fatal(err)
			}
			if diff := compare(before, snapshot(t, db)); diff != "" {
				t.Errorf("a second Migrate changed the schema:\n%s", diff)
			}
			checkVersions(t, db)
		})
	}
}

// checkVersions: every migration file is recorded as applied exactly once.
func checkVersions(t *testing.T, db *sqldb.DB) {
	t.Helper()
	fsys, err := schema.Files(db.Dialect())
	if err != nil {
		t.Fatal(err)
	}
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		VersionID int64
		N         int
	}
	var rows []row
	if err := db.Gorm().Raw("SELECT version_id, COUNT(*) AS n FROM " + schema.VersionTable +
		" WHERE is_applied GROUP BY version_id ORDER BY version_id").Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(names)+1 {
		t.Fatalf("version table %v, want version 0 and one row for each of %v", rows, names)
	}
	for i, r := range rows {
		if r.VersionID != int64(i) || r.N != 1 {
			t.Errorf("version table %v, want versions 0..%d once each", rows, len(names))
			break
		}
	}
}

// Servers starting together on one MySQL database: each waits for the named lock, one
// migrates, the others find nothing left to do; every migration is applied once.
func TestConcurrentMigrationsOnMySQL(t *testing.T) {
	dsn := dbtest.NewMySQLDatabase(t)
	const n = 4
	dbs := make([]*sqldb.DB, n)
	for i := range dbs {
		db, err := sqldb.Open(sqldb.OpenOptions{DSN: dsn})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs[i] = db
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	start := make(chan struct{})
	for i, db := range dbs {
		wg.Go(func() {
			<-start
			errs[i] = schema.Migrate(context.Background(), db)
		})
	}
	close(start)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	checkVersions(t, dbs[0])
	if tables := tableNames(t, dbs[0]); len(tables) != len(entities)+1 {
		t.Errorf("%d tables, want %d and %s: %v", len(tables), len(entities), schema.VersionTable, tables)
	}
}

// While another session holds the named lock, Migrate waits for it before it touches the
// database (no table appears), and migrates once the lock is released.
func TestMigrateWaitsForTheLock(t *testing.T) {
	dsn := dbtest.NewMySQLDatabase(t)
	holder, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	ctx := context.Background()
	c, err := holder.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var got int
	if err := c.QueryRowContext(ctx, "SELECT GET_LOCK(?, 60)", schema.LockName).Scan(&got); err != nil || got != 1 {
		t.Fatalf("take the lock: %v (%d)", err, got)
	}

	db, err := sqldb.Open(sqldb.OpenOptions{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	done := make(chan error, 1)
	go func() { done <- schema.Migrate(ctx, db) }()

	// Wait until Migrate is blocked in GET_LOCK (on a connection to this test's database: the
	// lock is the server's, and other tests' databases may be migrating), then look.
	deadline := time.Now().Add(10 * time.Second)
	for {
		var waiting int
		if err := c.QueryRowContext(ctx, "SELECT COUNT(*) FROM information_schema.PROCESSLIST "+
			"WHERE DB = DATABASE() AND STATE = 'User lock' AND INFO LIKE '%GET_LOCK%'").Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting > 0 {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("Migrate ended (%v) while another session held %s", err, schema.LockName)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("Migrate never waited for the lock")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if tables := tableNames(t, db); len(tables) != 0 {
		t.Fatalf("tables made while another session held the lock: %v", tables)
	}
	if _, err := c.ExecContext(ctx, "SELECT RELEASE_LOCK(?)", schema.LockName); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Migrate did not finish after the lock was released")
	}
	checkVersions(t, db)
}

// A database the runner before goose made is refused with a message saying what to do, and
// left as it was.
func TestOldRunnerDatabaseRefused(t *testing.T) {
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			db := empty(t, d)
			if err := db.Gorm().Exec("CREATE TABLE schema_migrations (version BIGINT NOT NULL PRIMARY KEY, name VARCHAR(100) NOT NULL, applied_at DATETIME)").Error; err != nil {
				t.Fatal(err)
			}
			if err := schema.Migrate(context.Background(), db); !errors.Is(err, schema.ErrOldRunner) {
				t.Fatalf("Migrate = %v, want ErrOldRunner", err)
			}
			if tables := tableNames(t, db); !slices.Equal(tables, []string{"schema_migrations"}) {
				t.Errorf("tables after the refusal: %v", tables)
			}
		})
	}
}

// tableNames are the tables of db (SQLite's own aside), sorted.
func tableNames(t *testing.T, db *sqldb.DB) []string {
	t.Helper()
	q := "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
	if db.Dialect() == sqldb.MySQL {
		q = "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME"
	}
	var names []string
	if err := db.Gorm().Raw(q).Scan(&names).Error; err != nil {
		t.Fatal(err)
	}
	return names
}
