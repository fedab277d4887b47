// Package deployment holds one-click License deployments (启动部署): the buyer's delegation to
// the marketplace, each deployment with its steps and their history, and the lease a runner
// holds while it works.
package deployment

import "koogallery/models/sqldb"

// Store keeps delegations and deployments.
type Store struct{ *sqldb.DB }

// NewStore wraps the database.
func NewStore(db *sqldb.DB) *Store { return &Store{DB: db} }
