// Package supervision is service supervision (服务监管): the steps of a supervised delivery
// (requirements, confirmation, implementation with proof, acceptance, completion) with their
// timeline, identification codes, hardware logistics, and appeals (申诉) that freeze the flow
// until operations decide.
package supervision

import "koogallery/models/sqldb"

// Store keeps supervisions, their events and appeals.
type Store struct{ *sqldb.DB }

// NewStore wraps the database.
func NewStore(db *sqldb.DB) *Store { return &Store{DB: db} }
