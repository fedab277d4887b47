package models

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// Store is the marketplace's data layer: every read is scoped to whoever may see it, every
// state change is a guarded transition.
type Store struct {
	db       *gorm.DB
	dialect  Dialect
	now      func() time.Time
	policies map[string]RetryPolicy
	// wake is told, without blocking, when a call is queued, so a dispatcher in this process
	// sends it at once instead of at its next poll.
	wake chan struct{}
	// listProducts is what the buyer's service list shows of products (list_products.go).
	listProducts *listProducts
}

// NewStore wraps an open database.
func NewStore(db *gorm.DB, dialect Dialect) *Store {
	policies := make(map[string]RetryPolicy, len(DefaultPolicies))
	for k, v := range DefaultPolicies {
		policies[k] = v
	}
	s := &Store{db: db, dialect: dialect, now: func() time.Time { return time.Now().UTC() }, policies: policies, wake: make(chan struct{}, 1),
		listProducts: newListProducts()}
	s.listProducts.watch(db)
	return s
}

// SetClock replaces the clock (tests use a fake one).
func (s *Store) SetClock(now func() time.Time) { s.now = func() time.Time { return now().UTC() } }

// Now is the store's current time in UTC.
func (s *Store) Now() time.Time { return s.now() }

// Dialect tells which database is behind the store.
func (s *Store) Dialect() Dialect { return s.dialect }

// DB exposes the connection for health checks, migrations and tests.
func (s *Store) DB() *gorm.DB { return s.db }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// Close closes the connection pool.
func (s *Store) Close() error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

func (s *Store) conn(ctx context.Context) *gorm.DB { return s.db.WithContext(ctx) }

// PageSize is the default number of rows on a list page.
const PageSize = 20

// Page is one page of a list, fetched with one row more than shown so that "next" needs no
// COUNT over a large table.
type Page[T any] struct {
	Items   []T
	Number  int // 1-based
	HasNext bool
}

// HasPrev reports whether a previous page exists.
func (p Page[T]) HasPrev() bool { return p.Number > 1 }

// paginate runs q for page n (1-based) and trims the look-ahead row.
func paginate[T any](q *gorm.DB, n int) (Page[T], error) {
	if n < 1 {
		n = 1
	}
	if n > 100000 {
		n = 100000
	}
	var items []T
	if err := q.Limit(PageSize + 1).Offset((n - 1) * PageSize).Find(&items).Error; err != nil {
		return Page[T]{}, err
	}
	p := Page[T]{Number: n}
	if len(items) > PageSize {
		p.HasNext = true
		items = items[:PageSize]
	}
	p.Items = items
	return p, nil
}
