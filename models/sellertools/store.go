// Package sellertools holds a seller's application tools (应用工具): access keys with their
// sealed secrets, production addresses and their certification, the binding of a key to an
// address per interface type, and saved debug cases.
package sellertools

import "koogallery/models/sqldb"

// Store keeps keys, addresses, bindings and debug cases.
type Store struct{ *sqldb.DB }

// NewStore wraps the database.
func NewStore(db *sqldb.DB) *Store { return &Store{DB: db} }
