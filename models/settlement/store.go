// Package settlement is 结算: which of a seller's orders will be settled and why the others are
// not (one rule, mirrored in SQL for counts and filters), and the monthly statements with the
// platform's fee.
package settlement

import "koogallery/models/sqldb"

// Store keeps nothing of its own: it reads orders, refunds and supervision to decide.
type Store struct{ *sqldb.DB }

// NewStore wraps the database.
func NewStore(db *sqldb.DB) *Store { return &Store{DB: db} }
