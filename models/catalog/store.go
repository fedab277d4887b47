// Package catalog holds what is sold: products with their versions under review, specs (规格),
// extension parameters, sale status with operations' decisions, and buyers' favorites.
package catalog

import "koogallery/models/sqldb"

// Store keeps products, versions, specs and favorites.
type Store struct{ *sqldb.DB }

// NewStore wraps the database.
func NewStore(db *sqldb.DB) *Store { return &Store{DB: db} }
