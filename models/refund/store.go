// Package refund is 退订: a buyer's request to unsubscribe a purchased service and get money
// back, the rules that decide whether and how much (negotiated or no-reason), the seller's
// decision, and the request's timeline. What an approval does to the order, the service,
// supervision and settlement comes through Effects, set by the orchestration above.
package refund

import (
	"gorm.io/gorm"

	"koogallery/models/orders"
	"koogallery/models/outbox"
	"koogallery/models/sqldb"
)

// Store keeps refund requests.
type Store struct {
	*sqldb.DB
	orders  *orders.Store
	outbox  *outbox.Store
	effects Effects
}

// Effects are what an approved request does beyond itself, in its transaction: the refund
// record, the unsubscription order, the service released, supervision closed, the order out of
// settlement, both parties told.
type Effects interface {
	Approved(tx *gorm.DB, r *RefundRequest) error
}

// NewStore wraps the database: requests are for the buyers' services, and approvals wake the
// outbox's dispatcher.
func NewStore(db *sqldb.DB, o *orders.Store, c *outbox.Store) *Store {
	return &Store{DB: db, orders: o, outbox: c}
}

// SetEffects sets what an approval does above the refund domain.
func (s *Store) SetEffects(e Effects) { s.effects = e }
