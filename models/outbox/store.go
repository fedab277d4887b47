// Package outbox is the durable outbox and delivery log of every call the platform makes to a
// seller: calls queued in the transaction of the change that causes them, claimed by
// dispatchers with leases, their attempts, retry policies, the order-notification
// configuration, and what a call's final answer does to the order it carries.
package outbox

import (
	"gorm.io/gorm"

	"koogallery/models/sqldb"
)

// Store keeps the calls, their attempts and policies, and the order-notification configuration.
type Store struct {
	*sqldb.DB
	policies map[string]RetryPolicy
	// wake is told, without blocking, when a call is queued, so a dispatcher in this process
	// sends it at once instead of at its next poll.
	wake    chan struct{}
	effects Effects
}

// Effects are what a call's final answer does in the domains above the outbox, in the
// transaction that records it; the orchestration above sets them (SetEffects).
type Effects interface {
	// Upgraded applies a spec change the seller carried out (upgradeInstance succeeded).
	Upgraded(tx *gorm.DB, c *InterfaceCall) error
	// LicenseDelivered records the License a seller issued (getLicenseAsync answered).
	LicenseDelivered(tx *gorm.DB, c *InterfaceCall, r AttemptResult) error
	// LicenseFailed records a License application the seller never answered.
	LicenseFailed(tx *gorm.DB, c *InterfaceCall) error
}

// NewStore wraps the database, with the platform's retry policies.
func NewStore(db *sqldb.DB) *Store {
	policies := make(map[string]RetryPolicy, len(DefaultPolicies))
	for k, v := range DefaultPolicies {
		policies[k] = v
	}
	return &Store{DB: db, policies: policies, wake: make(chan struct{}, 1)}
}

// SetEffects sets what calls' final answers do above the outbox.
func (s *Store) SetEffects(e Effects) { s.effects = e }
