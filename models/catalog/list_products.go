package catalog

import (
	"context"
	"database/sql"
	"time"

	"gorm.io/gorm"

	"koogallery/ttlcache"
)

// ListProductTTL is how long the buyer's service list reuses what it shows of a product (name,
// type, charging mode, and the rank of its highest spec): joining the product and looking its
// specs up were about 40% of the list statement's database time under load. Products change
// rarely; a change this process makes through GORM (create, update, delete on products or
// product_specs) shows at once, one made by another process (or by raw SQL) within this time,
// as for the session's user (models/account/sessioncache.go).
var ListProductTTL = 2 * time.Second

// ListProduct is what the buyer's service list shows of a product, and the rank of its highest
// spec (HasSpecs false: it has none).
type ListProduct struct {
	Name     string
	Type     ProductType
	Mode     ChargingMode
	TopRank  int
	HasSpecs bool
}

// listProducts caches ListProduct per product, per process; every write to products or
// product_specs clears it.
type listProducts struct {
	c *ttlcache.Cache[uint, ListProduct]
}

// listProductsMax bounds the cache; past it everything is dropped.
const listProductsMax = 10000

func newListProducts() *listProducts {
	return &listProducts{c: ttlcache.New[uint, ListProduct](ListProductTTL, listProductsMax)}
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

// ListProducts is what the service list shows of the products ids, from this process's cache
// and, for the ones missing there, one statement; a product that does not exist is left out.
func (s *Store) ListProducts(ctx context.Context, ids []uint) (map[uint]ListProduct, error) {
	now := time.Now()
	found := make(map[uint]ListProduct, 4)
	if missing := s.list.get(ids, now, found); len(missing) > 0 {
		if err := s.loadListProducts(ctx, missing, now, found); err != nil {
			return nil, err
		}
	}
	return found, nil
}

// get fills found with the cached products among ids and returns the others.
func (c *listProducts) get(ids []uint, now time.Time, found map[uint]ListProduct) (missing []uint) {
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
func (s *Store) loadListProducts(ctx context.Context, ids []uint, now time.Time, found map[uint]ListProduct) error {
	c := s.list
	gen := c.c.Gen() // before reading: a write meanwhile makes the entries stale at once
	rows, err := s.Conn(ctx).Raw("SELECT p.id, p.name, p.type, p.charging_mode, "+
		"(SELECT MAX(t.spec_rank) FROM product_specs t WHERE t.product_id = p.id) FROM products p WHERE p.id IN ?", ids).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	var loaded []struct {
		id uint
		p  ListProduct
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
		e := ListProduct{Name: name, Type: ProductType(typ), Mode: ChargingMode(mode), TopRank: int(top.Int64), HasSpecs: top.Valid}
		found[uint(id)] = e
		loaded = append(loaded, struct {
			id uint
			p  ListProduct
		}{uint(id), e})
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, l := range loaded {
		c.c.PutRead(l.id, l.p, now, ListProductTTL, gen)
	}
	return nil
}
