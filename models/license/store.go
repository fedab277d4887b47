// Package license holds online License applications (在线开通License): the buyer's device
// fingerprint, the getLicenseAsync call that asks the seller, and the License file or code the
// seller returns.
package license

import (
	"koogallery/models/orders"
	"koogallery/models/outbox"
	"koogallery/models/sqldb"
)

// Store keeps License applications.
type Store struct {
	*sqldb.DB
	orders *orders.Store
	outbox *outbox.Store
}

// NewStore wraps the database; applications belong to the buyers' services and go out as calls.
func NewStore(db *sqldb.DB, o *orders.Store, c *outbox.Store) *Store {
	return &Store{DB: db, orders: o, outbox: c}
}
