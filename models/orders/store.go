// Package orders holds what buyers bought: orders (new, renewal, trial, change, unsubscription)
// with how they were paid, and the purchased services (instances) they open.
package orders

import "koogallery/models/sqldb"

// Store keeps orders and purchased services.
type Store struct{ *sqldb.DB }

// NewStore wraps the database.
func NewStore(db *sqldb.DB) *Store { return &Store{DB: db} }
