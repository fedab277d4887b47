// Package orders holds what buyers bought: orders (new, renewal, trial, change, unsubscription)
// with how they were paid, and the purchased services (instances) they open.
package orders

import (
	"koogallery/models/catalog"
	"koogallery/models/sqldb"
)

// Store keeps orders and purchased services.
type Store struct {
	*sqldb.DB
	catalog *catalog.Store
}

// NewStore wraps the database; the catalog says what lists show of products.
func NewStore(db *sqldb.DB, c *catalog.Store) *Store { return &Store{DB: db, catalog: c} }
