package orders

import (
	"context"
	"database/sql"
	"slices"
	"sync/atomic"
	"time"

	"koogallery/models/account"
	"koogallery/models/catalog"
	"koogallery/models/sqldb"

	"gorm.io/gorm"
)

// OrderFilter narrows a buyer's order list.
type OrderFilter struct {
	Type   OrderType
	Mode   catalog.ChargingMode
	Status OrderStatus
	Page   int
}

// BuyerOrders lists the buyer's orders, newest first, with their specs' names: one statement
// whatever the page holds, scanned by hand (GORM's reflection and a second statement for the
// specs were most of the page's cost under load; see README, Performance).
func (s *Store) BuyerOrders(ctx context.Context, buyerID uint, f OrderFilter) (sqldb.Page[Order], error) {
	where := "o.buyer_id = ?"
	args := []any{buyerID}
	if f.Type != "" {
		where += " AND o.type = ?"
		args = append(args, f.Type)
	}
	if f.Mode != "" {
		where += " AND o.charging_mode = ?"
		args = append(args, f.Mode)
	}
	if f.Status != "" {
		where += " AND o.status = ?"
		args = append(args, f.Status)
	}
	n, limit, offset := pageWindow(f.Page)
	q := listSQL("o.id, o.order_no, o.product_name, o.type, o.charging_mode, o.paid_fen, o.status, o.created_at, o.instance_id, o.spec_id, s.name",
		"orders", "o", "LEFT JOIN product_specs s ON s.id = o.spec_id", where, offset)
	rows, err := s.prepared(ctx).Raw(q, append(args, limit, offset)...).Rows()
	if err != nil {
		return sqldb.Page[Order]{}, err
	}
	defer rows.Close()
	items := make([]Order, 0, limit)
	var r struct {
		id, paid                       int64
		no, product, typ, mode, status string
		created                        time.Time
		instance, specID               sql.NullInt64
		specName                       sql.NullString
	}
	for rows.Next() {
		if err := rows.Scan(&r.id, &r.no, &r.product, &r.typ, &r.mode, &r.paid, &r.status, &r.created, &r.instance, &r.specID, &r.specName); err != nil {
			return sqldb.Page[Order]{}, err
		}
		o := Order{ID: uint(r.id), OrderNo: r.no, ProductName: r.product, Type: OrderType(r.typ), ChargingMode: catalog.ChargingMode(r.mode),
			PaidFen: r.paid, Status: OrderStatus(r.status), CreatedAt: r.created, InstanceID: nullID(r.instance), SpecID: nullID(r.specID)}
		if r.specName.Valid { // the list shows the spec's name
			o.Spec = &catalog.ProductSpec{ID: *o.SpecID, Name: r.specName.String}
		}
		items = append(items, o)
	}
	if err := rows.Err(); err != nil {
		return sqldb.Page[Order]{}, err
	}
	return pageOf(items, n), nil
}

// BuyerOrder loads one of the buyer's orders; another buyer's is ErrNotFound.
func (s *Store) BuyerOrder(ctx context.Context, buyerID, id uint) (*Order, error) {
	var o Order
	if err := s.Conn(ctx).Preload("Product").Preload("Product.Seller").Preload("Spec").Preload("FromSpec").
		Where("buyer_id = ?", buyerID).First(&o, id).Error; err != nil {
		return nil, sqldb.NotFound(err)
	}
	return &o, nil
}

// ServiceFilter narrows a buyer's purchased services.
type ServiceFilter struct {
	Status InstanceStatus
	Page   int
}

// ServiceList is one page of the buyer's purchased services, each with what the list shows of
// its product (name, type, charging mode), creating order (number) and spec (name, rank), and
// the rank of the highest spec of each listed service's product, as TopSpecRanks gives it
// (products without specs have no entry): the page knows which services to offer 变更规格
// without a further statement.
type ServiceList struct {
	sqldb.Page[Instance]
	TopSpecRanks map[uint]int
}

// BuyerServices lists the buyer's purchased services (已购买的服务), newest first, with their
// products, creating orders and specs: one statement whatever the page holds, scanned by hand
// (GORM's preloads were four statements and most of the page's cost under load), and a second
// one when a product on the page is not in the process's short-lived cache (list_products.go).
func (s *Store) BuyerServices(ctx context.Context, buyerID uint, f ServiceFilter) (ServiceList, error) {
	where := "i.buyer_id = ?"
	args := []any{buyerID}
	if f.Status != "" {
		where += " AND i.status = ?"
		args = append(args, f.Status)
	}
	n, limit, offset := pageWindow(f.Page)
	// LEFT JOINs fix the join order: the buyer's services by idx_instances_buyer first, then one
	// primary-key lookup per row (with inner joins MariaDB chose to start from the small table
	// and sort every service it found).
	q := listSQL("i.id, i.product_id, i.order_id, i.status, i.charging_mode, i.trial, i.expire_at, i.spec_id, i.change_order_id, o.order_no, s.name, s.spec_rank",
		"instances", "i", "LEFT JOIN orders o ON o.id = i.order_id LEFT JOIN product_specs s ON s.id = i.spec_id", where, offset)
	rows, err := s.prepared(ctx).Raw(q, append(args, limit, offset)...).Rows()
	if err != nil {
		return ServiceList{}, err
	}
	defer rows.Close()
	items := make([]Instance, 0, limit)
	nums := make([]Order, 0, limit) // the rows' order numbers in one allocation; never grows, so &nums[i] stays put
	var productIDs []uint
	var r struct {
		id, productID, orderID int64
		status, mode           string
		trial                  bool
		expire                 sql.NullTime
		specID, changeOrder    sql.NullInt64
		orderNo, specName      sql.NullString
		specRank               sql.NullInt64
	}
	for rows.Next() {
		if err := rows.Scan(&r.id, &r.productID, &r.orderID, &r.status, &r.mode, &r.trial, &r.expire, &r.specID, &r.changeOrder,
			&r.orderNo, &r.specName, &r.specRank); err != nil {
			return ServiceList{}, err
		}
		in := Instance{ID: uint(r.id), ProductID: uint(r.productID), OrderID: uint(r.orderID), Status: InstanceStatus(r.status),
			ChargingMode: catalog.ChargingMode(r.mode), Trial: r.trial, SpecID: nullID(r.specID), ChangeOrderID: nullID(r.changeOrder)}
		if r.expire.Valid {
			t := r.expire.Time
			in.ExpireAt = &t
		}
		if r.orderNo.Valid {
			nums = append(nums, Order{ID: in.OrderID, OrderNo: r.orderNo.String})
			in.Order = &nums[len(nums)-1]
		}
		if r.specName.Valid {
			in.Spec = &catalog.ProductSpec{ID: *in.SpecID, ProductID: in.ProductID, Name: r.specName.String, Rank: int(r.specRank.Int64)}
		}
		items = append(items, in)
		if !slices.Contains(productIDs, in.ProductID) {
			productIDs = append(productIDs, in.ProductID)
		}
	}
	if err := rows.Err(); err != nil {
		return ServiceList{}, err
	}
	rows.Close()

	// The products: from this process's cache, the missing ones in a second statement.
	found, err := s.catalog.ListProducts(ctx, productIDs)
	if err != nil {
		return ServiceList{}, err
	}
	out := ServiceList{TopSpecRanks: map[uint]int{}}
	products := make(map[uint]*catalog.Product, len(found)) // one value per product on the page
	for i := range items {
		in := &items[i]
		lp, ok := found[in.ProductID]
		if !ok {
			continue // no such product: as the old LEFT JOIN, no product
		}
		p := products[in.ProductID]
		if p == nil {
			p = &catalog.Product{ID: in.ProductID, Name: lp.Name, Type: lp.Type, ChargingMode: lp.Mode}
			products[in.ProductID] = p
		}
		in.Product = p
		if lp.HasSpecs {
			out.TopSpecRanks[in.ProductID] = lp.TopRank
		}
	}
	out.Page = pageOf(items, n)
	return out, nil
}

// BuyerService loads one of the buyer's services with its product, seller and creating order.
func (s *Store) BuyerService(ctx context.Context, buyerID, id uint) (*Instance, error) {
	var in Instance
	if err := s.Conn(ctx).Preload("Product").Preload("Product.Seller").Preload("Order").Preload("Spec").
		Where("buyer_id = ?", buyerID).First(&in, id).Error; err != nil {
		return nil, sqldb.NotFound(err)
	}
	return &in, nil
}

// ServiceOrders lists every order of one of the buyer's services (purchase, renewals,
// unsubscription), oldest first.
func (s *Store) ServiceOrders(ctx context.Context, buyerID, instanceID uint) ([]Order, error) {
	var out []Order
	err := s.Conn(ctx).Preload("Spec", specColumns).Preload("FromSpec", specColumns).Where("buyer_id = ? AND instance_id = ?", buyerID, instanceID).Order("id ASC").Limit(200).Find(&out).Error
	return out, err
}

// SellerProducts lists the seller company's products, newest first, whatever their status.
func (s *Store) SellerProducts(ctx context.Context, sellerID uint, page int) (sqldb.Page[catalog.Product], error) {
	return sqldb.Paginate[catalog.Product](s.Conn(ctx).Where("seller_id = ?", sellerID).Order("id DESC"), page)
}

// SellerOverview counts what a seller's home page shows.
type SellerOverview struct {
	Products, OnSale, Orders, OpenServices int64
}

// SellerSummary counts the seller's products, orders and services in use.
func (s *Store) SellerSummary(ctx context.Context, sellerID uint) (SellerOverview, error) {
	var o SellerOverview
	db := s.Conn(ctx)
	if err := db.Model(&catalog.Product{}).Where("seller_id = ?", sellerID).Count(&o.Products).Error; err != nil {
		return o, err
	}
	if err := db.Model(&catalog.Product{}).Where("seller_id = ? AND sale_status = ?", sellerID, catalog.SaleOnSale).Count(&o.OnSale).Error; err != nil {
		return o, err
	}
	if err := db.Model(&Order{}).Where("seller_id = ?", sellerID).Count(&o.Orders).Error; err != nil {
		return o, err
	}
	err := db.Model(&Instance{}).Where("seller_id = ? AND status = ?", sellerID, InstanceNormal).Count(&o.OpenServices).Error
	return o, err
}

// PlatformOverview counts what the operations home page shows.
type PlatformOverview struct {
	Sellers, Buyers, Products, OnSale, Orders int64
}

// PlatformSummary counts sellers, buyers, products and orders across the marketplace.
func (s *Store) PlatformSummary(ctx context.Context) (PlatformOverview, error) {
	var o PlatformOverview
	db := s.Conn(ctx)
	steps := []struct {
		q   any
		dst *int64
		w   string
		a   []any
	}{
		{&account.Seller{}, &o.Sellers, "", nil},
		{&account.User{}, &o.Buyers, "role = ?", []any{account.RoleBuyer}},
		{&catalog.Product{}, &o.Products, "", nil},
		{&catalog.Product{}, &o.OnSale, "sale_status = ?", []any{catalog.SaleOnSale}},
		{&Order{}, &o.Orders, "", nil},
	}
	for _, st := range steps {
		q := db.Model(st.q)
		if st.w != "" {
			q = q.Where(st.w, st.a...)
		}
		if err := q.Count(st.dst).Error; err != nil {
			return o, err
		}
	}
	return o, nil
}

// SellerOrderByNo loads one of the seller's orders by its order id (and order line id, when
// given), with the buyer and product; another seller's order is ErrNotFound.
func (s *Store) SellerOrderByNo(ctx context.Context, sellerID uint, orderNo, lineNo string) (*Order, error) {
	q := s.Conn(ctx).Preload("Buyer").Preload("Product").Preload("Spec").Where("seller_id = ? AND order_no = ?", sellerID, orderNo)
	if lineNo != "" {
		q = q.Where("line_no = ?", lineNo)
	}
	var o Order
	if err := q.First(&o).Error; err != nil {
		return nil, sqldb.NotFound(err)
	}
	return &o, nil
}

// SellerOrderRow is one order in the seller's order list, with its buyer and service state.
type SellerOrderRow struct {
	Order
	BuyerName      string
	InstanceStatus InstanceStatus
	SpecName       string // the spec bought (on a change: changed to), "" without specs
}

// SellerOrders lists the seller company's orders, newest first, with the buyer's name and the
// purchased service's state (订单列表): two queries whatever the page holds.
func (s *Store) SellerOrders(ctx context.Context, sellerID uint, f OrderFilter) (sqldb.Page[SellerOrderRow], error) {
	q := s.Conn(ctx).Table("orders").
		Select("orders.id, orders.order_no, orders.product_name, orders.type, orders.charging_mode, orders.paid_fen, orders.status, orders.created_at, orders.instance_id, users.name AS buyer_name, instances.status AS instance_status, product_specs.name AS spec_name").
		Joins("JOIN users ON users.id = orders.buyer_id").
		Joins("LEFT JOIN instances ON instances.id = orders.instance_id").
		Joins("LEFT JOIN product_specs ON product_specs.id = orders.spec_id").
		Where("orders.seller_id = ?", sellerID)
	if f.Type != "" {
		q = q.Where("orders.type = ?", f.Type)
	}
	if f.Status != "" {
		q = q.Where("orders.status = ?", f.Status)
	}
	return sqldb.Paginate[SellerOrderRow](q.Order("orders.id DESC"), f.Page)
}

// specColumns loads only what lists show of a spec.
func specColumns(db *gorm.DB) *gorm.DB { return db.Select("id, product_id, code, name, spec_rank") }

// deferredJoinOffset is the OFFSET from which a list page first picks its ids from the index
// alone and only then joins the rows it shows (listSQL); tests lower it to cover both shapes.
var deferredJoinOffset atomic.Int64

func init() { deferredJoinOffset.Store(5 * sqldb.PageSize) }

// SetDeferredJoinOffset makes list pages pick their ids first from OFFSET n on, until the
// returned undo runs (tests cover both shapes of listSQL with it).
func SetDeferredJoinOffset(n int) (undo func()) {
	old := deferredJoinOffset.Swap(int64(n))
	return func() { deferredJoinOffset.Store(old) }
}

// listSQL is the statement of one list page: cols of table (as alias) and its joins, for the
// rows matching where, newest first, with LIMIT and OFFSET as its last two arguments. Deep
// pages select the page's ids in a derived table first, so that OFFSET skips index entries
// rather than joined rows (page 3,000 of 65,000 services: ~10 ms instead of ~500 ms); the
// first pages join directly, which costs the database less than the derived table.
func listSQL(cols, table, alias, joins, where string, offset int) string {
	if int64(offset) < deferredJoinOffset.Load() {
		return "SELECT " + cols + " FROM " + table + " " + alias + " " + joins + " WHERE " + where +
			" ORDER BY " + alias + ".id DESC LIMIT ? OFFSET ?"
	}
	return "SELECT " + cols + " FROM (SELECT " + alias + ".id FROM " + table + " " + alias + " WHERE " + where +
		" ORDER BY " + alias + ".id DESC LIMIT ? OFFSET ?) pg JOIN " + table + " " + alias + " ON " + alias + ".id = pg.id " + joins +
		" ORDER BY " + alias + ".id DESC"
}

// prepared runs statements as server-side prepared statements, cached per SQL text and
// connection: the database parses each list statement once per connection instead of once per
// request, and rows come back in the binary protocol (no number and time parsing on either
// side). On MariaDB that cut the list statements' database CPU by about a sixth.
func (s *Store) prepared(ctx context.Context) *gorm.DB {
	return s.Gorm().Session(&gorm.Session{Context: ctx, PrepareStmt: true})
}

// pageWindow is the LIMIT and OFFSET of list page n (1-based, clamped as paginate does): one
// row more than shown, so that "next" needs no COUNT over a large table.
func pageWindow(n int) (page, limit, offset int) {
	page = min(max(n, 1), 100000)
	return page, sqldb.PageSize + 1, (page - 1) * sqldb.PageSize
}

// pageOf makes page n of the rows pageWindow fetched, trimming the look-ahead row.
func pageOf[T any](items []T, n int) sqldb.Page[T] {
	p := sqldb.Page[T]{Number: n, Items: items}
	if len(items) > sqldb.PageSize {
		p.HasNext = true
		p.Items = items[:sqldb.PageSize]
	}
	return p
}

// nullID is a nullable id column as the entities hold it.
func nullID(v sql.NullInt64) *uint {
	if !v.Valid {
		return nil
	}
	id := uint(v.Int64)
	return &id
}
