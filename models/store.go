package models

import (
	"context"
	"database/sql"
	"time"

	"gorm.io/gorm"

	"koogallery/models/attachment"
	"koogallery/models/catalog"
	"koogallery/models/deployment"
	"koogallery/models/license"
	"koogallery/models/notice"
	"koogallery/models/orders"
	"koogallery/models/outbox"
	"koogallery/models/refund"
	"koogallery/models/sellertools"
	"koogallery/models/settlement"
	"koogallery/models/sqldb"
	"koogallery/models/supervision"
)

// Store is the marketplace's data layer: every read is scoped to whoever may see it, every
// state change is a guarded transition.
type Store struct {
	// The domain stores, whose methods callers reach through Store while the split of models
	// goes on (each embedded under an alias, so their field names differ).
	*noticeStore
	*sellertoolsStore
	*catalogStore
	*ordersStore
	*outboxStore
	*licenseStore
	*deploymentStore
	*supervisionStore
	*refundStore
	*settlementStore

	base     *sqldb.DB
	db       *gorm.DB
	dialect  sqldb.Dialect
	policies map[string]outbox.RetryPolicy
	// wake is told, without blocking, when a call is queued, so a dispatcher in this process
	// sends it at once instead of at its next poll.
	wake chan struct{}
	// parties are the download rules of attachments other domains own (SetAttachmentParty).
	parties map[attachment.Owner]AttachmentParty
}

// The embedded domain stores' names.
type (
	noticeStore      = notice.Store
	sellertoolsStore = sellertools.Store
	catalogStore     = catalog.Store
	ordersStore      = orders.Store
	outboxStore      = outbox.Store
	licenseStore     = license.Store
	deploymentStore  = deployment.Store
	supervisionStore = supervision.Store
	refundStore      = refund.Store
	settlementStore  = settlement.Store
)

// NewStore wraps an open database.
func NewStore(base *sqldb.DB) *Store {
	cat := catalog.NewStore(base)
	ord, calls := orders.NewStore(base, cat), outbox.NewStore(base)
	s := &Store{noticeStore: notice.NewStore(base), sellertoolsStore: sellertools.NewStore(base), catalogStore: cat, ordersStore: ord, outboxStore: calls, licenseStore: license.NewStore(base, ord, calls), deploymentStore: deployment.NewStore(base), supervisionStore: supervision.NewStore(base), refundStore: refund.NewStore(base, ord, calls), settlementStore: settlement.NewStore(base), base: base, db: base.Gorm(), dialect: base.Dialect()}
	s.outboxStore.SetEffects(callEffects{s})
	s.refundStore.SetEffects(refundEffects{s})
	return s
}

// callEffects are what calls' final answers do above the outbox: a spec change applied, a
// License delivered or given up.
type callEffects struct{ s *Store }

func (e callEffects) Upgraded(tx *gorm.DB, c *outbox.InterfaceCall) error {
	return e.s.onUpgraded(tx, c)
}

func (e callEffects) LicenseDelivered(tx *gorm.DB, c *outbox.InterfaceCall, r outbox.AttemptResult) error {
	return e.s.OnLicenseDelivered(tx, c, r)
}

func (e callEffects) LicenseFailed(tx *gorm.DB, c *outbox.InterfaceCall) error {
	return e.s.OnLicenseFailed(tx, c)
}

// refundEffects are what an approved refund request does across the domains.
type refundEffects struct{ s *Store }

func (e refundEffects) Approved(tx *gorm.DB, r *refund.RefundRequest) error {
	return e.s.refundEffects(tx, r)
}

// Base is the database with its clock, shared with the other domain stores.
func (s *Store) Base() *sqldb.DB { return s.base }

// SetClock replaces the clock of every store on this database (tests use a fake one).
func (s *Store) SetClock(now func() time.Time) { s.base.SetClock(now) }

// Now is the store's current time in UTC.
func (s *Store) Now() time.Time { return s.base.Now() }

func (s *Store) now() time.Time { return s.base.Now() }

// Dialect tells which database is behind the store.
func (s *Store) Dialect() sqldb.Dialect { return s.dialect }

// DB exposes the connection for health checks, migrations and tests.
func (s *Store) DB() *gorm.DB { return s.db }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.base.Ping(ctx) }

// Close closes the connection pool.
func (s *Store) Close() error { return s.base.Close() }

func (s *Store) conn(ctx context.Context) *gorm.DB { return s.db.WithContext(ctx) }

// retryTx runs fn in a transaction, again when MySQL picked it as a deadlock victim.
func (s *Store) retryTx(ctx context.Context, fn func(tx *gorm.DB) error, opts ...*sql.TxOptions) error {
	return s.base.Tx(ctx, fn, opts...)
}

// claimTxOptions are the options of an outbox claim's transaction: READ COMMITTED on MySQL,
// so the locking scan takes no gap locks on the due index (see ClaimDueCalls).
func (s *Store) claimTxOptions() []*sql.TxOptions { return s.base.ReadCommitted() }
