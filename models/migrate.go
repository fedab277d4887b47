package models

import (
	"context"
	"fmt"
	"time"

	"koogallery/models/account"
	"koogallery/models/catalog"
	"koogallery/models/deployment"
	"koogallery/models/license"
	"koogallery/models/onboarding"
	"koogallery/models/orders"
	"koogallery/models/outbox"
	"koogallery/models/sellertools"
	"koogallery/models/sqldb"
	"koogallery/models/supervision"

	"gorm.io/gorm"
)

// migration is one versioned schema step. Steps only ever get appended; each runs once.
type migration struct {
	Version int
	Name    string
	Up      func(tx *gorm.DB) error
}

// SchemaMigration records an applied migration.
type SchemaMigration struct {
	Version   int    `gorm:"primaryKey;autoIncrement:false"`
	Name      string `gorm:"size:100;not null"`
	AppliedAt time.Time
}

// migrations is the ordered history of the schema.
var migrations = []migration{
	{1, "accounts, catalog, orders and services", func(tx *gorm.DB) error {
		return tx.AutoMigrate(&Seller{}, &User{}, &catalog.Product{}, &catalog.Favorite{}, &orders.Order{}, &orders.Instance{})
	}},
	{2, "seller toolkit: keys, production addresses, bindings, debug cases", func(tx *gorm.DB) error {
		return tx.AutoMigrate(&sellertools.AccessKey{}, &sellertools.ProductionAddress{}, &sellertools.KeyBinding{}, &sellertools.DebugCase{})
	}},
	{3, "call outbox: interface calls, attempts, mail outbox, notices, refunds; product interface wiring", func(tx *gorm.DB) error {
		return tx.AutoMigrate(&catalog.Product{}, &outbox.InterfaceCall{}, &outbox.CallAttempt{}, &Mail{}, &Notice{}, &orders.Refund{})
	}},
	{4, "audit events (operations' decisions with who, when and why)", func(tx *gorm.DB) error {
		return tx.AutoMigrate(&AuditEvent{})
	}},
	{5, "online License applications (getLicenseAsync and the market-event file push-back)", func(tx *gorm.DB) error {
		return tx.AutoMigrate(&license.LicenseApplication{})
	}},
	{6, "refunds: requests, attachments; orders' supervision state and settlement exclusion", migrateRefunds},
	{7, "service supervision: supervisions, their timeline events, appeals", func(tx *gorm.DB) error {
		return tx.AutoMigrate(&supervision.Supervision{}, &supervision.SupervisionEvent{}, &supervision.Appeal{})
	}},
	{8, "one-click License deployment: delegations, deployments and their step history", func(tx *gorm.DB) error {
		return tx.AutoMigrate(&deployment.DeployDelegation{}, &deployment.Deployment{}, &deployment.DeploymentEvent{})
	}},
	{9, "settlement: indexes for a seller's period, statements and unpaid credit bills", migrateSettlementIndexes},
	{10, "product specs (规格); the spec of orders and services, and a service's pending change order", func(tx *gorm.DB) error {
		return tx.AutoMigrate(&catalog.ProductSpec{}, &orders.Order{}, &orders.Instance{})
	}},
	{11, "product publishing: versions, deployment, extension parameters, order-notification configs", func(tx *gorm.DB) error {
		return tx.AutoMigrate(&catalog.Product{}, &catalog.ProductVersion{}, &outbox.NotifyConfig{}, &outbox.InterfaceCall{})
	}},
	{12, "orders: the buyer's extension parameter values", func(tx *gorm.DB) error {
		return tx.AutoMigrate(&orders.Order{})
	}},
	{13, "accounts: sessions, links, limits, members, company, mail routes, applications", migrateAccounts},
}

// migrateAccounts adds what production accounts need. Users made before verification existed
// count as verified; seller users as their company's owners; a company's contact email and
// phone become its support details.
func migrateAccounts(tx *gorm.DB) error {
	if err := tx.AutoMigrate(&Seller{}, &User{}, &account.Session{}, &account.Token{}, &account.RateEvent{}, &account.MailRoute{},
		&AuditEvent{}, &onboarding.Application{}, &onboarding.Event{}); err != nil {
		return err
	}
	if tx.Migrator().HasTable("login_failures") {
		if err := tx.Migrator().DropTable("login_failures"); err != nil {
			return err
		}
	}
	for _, q := range []string{
		"UPDATE users SET email_verified_at = created_at WHERE email_verified_at IS NULL",
		"UPDATE users SET seller_roles = 'owner' WHERE role = 'seller' AND seller_roles = ''",
		"UPDATE sellers SET support_email = contact_email, support_phone = contact_phone WHERE support_email = ''",
	} {
		if err := tx.Exec(q).Error; err != nil {
			return err
		}
	}
	return nil
}

// Migrate brings the schema up to date. On MySQL a named lock keeps two starting servers from
// migrating at once; SQLite has one writer by construction.
func Migrate(ctx context.Context, base *sqldb.DB) error {
	db, dialect := base.Conn(ctx), base.Dialect()
	if dialect == MySQL {
		conn, err := db.DB()
		if err != nil {
			return err
		}
		// The lock lives on one connection: hold that connection for the whole migration.
		c, err := conn.Conn(db.Statement.Context)
		if err != nil {
			return err
		}
		defer c.Close()
		var got int
		if err := c.QueryRowContext(db.Statement.Context, "SELECT GET_LOCK('koogallery_migrate', 60)").Scan(&got); err != nil || got != 1 {
			return fmt.Errorf("migration lock: %v (got %d)", err, got)
		}
		defer c.ExecContext(db.Statement.Context, "SELECT RELEASE_LOCK('koogallery_migrate')")
	}
	if dialect == MySQL {
		// Set binds a statement; Session makes every call below start from a copy of it.
		db = db.Set("gorm:table_options", "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci").Session(&gorm.Session{})
	}
	if err := db.AutoMigrate(&SchemaMigration{}); err != nil {
		return fmt.Errorf("migrations table: %w", err)
	}
	var applied []int
	if err := db.Model(&SchemaMigration{}).Pluck("version", &applied).Error; err != nil {
		return err
	}
	done := map[int]bool{}
	for _, v := range applied {
		done[v] = true
	}
	for _, m := range migrations {
		if done[m.Version] {
			continue
		}
		if err := m.Up(db); err != nil {
			return fmt.Errorf("migration %d (%s): %w", m.Version, m.Name, err)
		}
		if err := db.Create(&SchemaMigration{Version: m.Version, Name: m.Name, AppliedAt: time.Now().UTC()}).Error; err != nil {
			return err
		}
	}
	return nil
}
