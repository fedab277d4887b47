// Package storetest gives tests of the orchestration layer and of the workers over it (models,
// dispatch, mailer, deploy, publishing) a fresh models.Store on SQLite and on MySQL/MariaDB,
// without starting the whole application.
package storetest

import (
	"testing"

	"koogallery/models"
	"koogallery/models/dbtest"
	"koogallery/models/sqldb"
)

// NewStore is a fresh, migrated, empty store of the dialect.
func NewStore(t testing.TB, d sqldb.Dialect) *models.Store {
	return models.NewStore(dbtest.NewDB(t, d))
}

// ForEachDialect runs fn as a subtest on a fresh store of every dialect.
func ForEachDialect(t *testing.T, fn func(t *testing.T, s *models.Store)) {
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) { fn(t, NewStore(t, d)) })
	}
}
