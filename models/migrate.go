package models

import (
	"context"

	"koogallery/models/schema"
	"koogallery/models/sqldb"
)

// Migrate brings the schema up to date: the versioned SQL migrations of package schema (which
// says how to add one), on MySQL under a named lock.
func Migrate(ctx context.Context, db *sqldb.DB) error { return schema.Migrate(ctx, db) }
