package models

import (
	"context"
	"database/sql"
	"time"

	"koogallery/models/catalog"

	"gorm.io/gorm"

	"koogallery/ttlcache"
)

// listProductTTL is how long the buyer's service list reuses what it shows of a product (name,
// type, charging mode, and the rank of its highest spec): joining the product and looking its
// specs up were about 40% of the list statement's database time under load. Products change
// rarely; a change this process makes through GORM (create, update, delete on products or
// product_specs) shows at once, one made by another process (or by raw SQL) within this time,
// as for the session's user (models/account/sessioncache.go).
var listProductTTL = 2 * time.Second

// listProduct is what the service list shows of a product, and the rank of its highest spec.
type listProduct struct {
	name     string
	typ      catalog.ProductType
	mode     catalog.ChargingMode
	topRank  int
	hasSpecs bool
}

// listProducts caches listProduct per product, per process; every write to products or
// product_specs clears it.
type listProducts struct {
	c *ttlcache.Cache[uint, listProduct]
}

// listProductsMax bounds the cache; past it everything is dropped.
const listProductsMax = 10000

func newListProducts() *listProducts {
	return &listProducts{c: ttlcache.New[uint, listProduct](listProductTTL, listProductsMax)}
}

// watch makes GORM writes to products and product_specs through db forget every entry.
func (c *listProducts) watch(db *gorm.DB) {
	forget := func(tx *gorm.DB) {
		if t := tx.Statement.Table; t == "products" || t == "product_specs" {
			c.c.Clear()
		}
	}
	cb := db.Callback()
	cb.Create().After("gorm:create").Register("koogallery:list_products", forget)
	cb.Update().After("gorm:update").Register("koogallery:list_products", forget)
	cb.Delete().After("gorm:delete").Register("koogallery:list_products", forget)
}

// get fills found with the cached products among ids and returns the others.
func (c *listProducts) get(ids []uint, now time.Time, found map[uint]listProduct) (missing []uint) {
	for _, id := range ids {
		if _, done := found[id]; done {
			continue
		}
		if e, ok := c.c.Get(id, now); ok {
			found[id] = e
		} else {
			missing = append(missing, id)
		}
	}
	return missing
}

// loadListProducts reads the products ids (one statement), caches and adds them to found; a product that
// does not exist stays out of found.
func (s *Store) loadListProducts(ctx context.Context, ids []uint, now time.Time, found map[uint]listProduct) error {
	c := s.listProducts
	gen := c.c.Gen() // before reading: a write meanwhile makes the entries stale at once
	rows, err := s.conn(ctx).Raw("SELECT p.id, p.name, p.type, p.charging_mode, "+
		"(SELECT MAX(t.spec_rank) FROM product_specs t WHERE t.product_id = p.id) FROM products p WHERE p.id IN ?", ids).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	var loaded []struct {
		id uint
		p  listProduct
	}
	for rows.Next() {
		var (
			id              int64
			name, typ, mode string
			top             sql.NullInt64
		)
		if err := rows.Scan(&id, &name, &typ, &mode, &top); err != nil {
			return err
		}
		e := listProduct{name: name, typ: catalog.ProductType(typ), mode: catalog.ChargingMode(mode), topRank: int(top.Int64), hasSpecs: top.Valid}
		found[uint(id)] = e
		loaded = append(loaded, struct {
			id uint
			p  listProduct
		}{uint(id), e})
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, l := range loaded {
		c.c.PutRead(l.id, l.p, now, listProductTTL, gen)
	}
	return nil
}
