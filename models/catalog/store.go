// Package catalog holds what is sold: products with their versions under review, specs (规格),
// extension parameters, sale status with operations' decisions, and buyers' favorites.
package catalog

import "koogallery/models/sqldb"

// Store keeps products, versions, specs and favorites.
type Store struct {
	*sqldb.DB
	// list is what the buyer's service list shows of products (list_products.go).
	list *listProducts
}

// NewStore wraps the database; GORM writes to products and specs through it clear the
// service list's product cache.
func NewStore(db *sqldb.DB) *Store {
	s := &Store{DB: db, list: newListProducts()}
	s.list.watch(db.Gorm())
	return s
}
