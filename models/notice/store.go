package notice

import "koogallery/models/sqldb"

// Store keeps the mail outbox and the in-site messages.
type Store struct{ *sqldb.DB }

// NewStore wraps the database.
func NewStore(db *sqldb.DB) *Store { return &Store{DB: db} }
