package models

import (
	"context"

	"gorm.io/gorm"
)

// OrderFilter narrows a buyer's order list.
type OrderFilter struct {
	Type   OrderType
	Mode   ChargingMode
	Status OrderStatus
	Page   int
}

// BuyerOrders lists the buyer's orders, newest first.
func (s *Store) BuyerOrders(ctx context.Context, buyerID uint, f OrderFilter) (Page[Order], error) {
	// Only the columns the list shows: scanning whole rows was most of the page's cost.
	q := s.conn(ctx).Model(&Order{}).Select("id, order_no, product_name, type, charging_mode, paid_fen, status, created_at, instance_id").
		Where("buyer_id = ?", buyerID)
	if f.Type != "" {
		q = q.Where("type = ?", f.Type)
	}
	if f.Mode != "" {
		q = q.Where("charging_mode = ?", f.Mode)
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	return paginate[Order](q.Order("id DESC"), f.Page)
}

// BuyerOrder loads one of the buyer's orders; another buyer's is ErrNotFound.
func (s *Store) BuyerOrder(ctx context.Context, buyerID, id uint) (*Order, error) {
	var o Order
	if err := s.conn(ctx).Preload("Product").Preload("Product.Seller").
		Where("buyer_id = ?", buyerID).First(&o, id).Error; err != nil {
		return nil, notFound(err)
	}
	return &o, nil
}

// ServiceFilter narrows a buyer's purchased services.
type ServiceFilter struct {
	Status InstanceStatus
	Page   int
}

// BuyerServices lists the buyer's purchased services (已购买的服务), newest first, with their
// products and creating orders: three queries whatever the page holds.
func (s *Store) BuyerServices(ctx context.Context, buyerID uint, f ServiceFilter) (Page[Instance], error) {
	// Only the columns the list shows, for the services and their products and orders.
	q := s.conn(ctx).Model(&Instance{}).
		Select("id, product_id, order_id, status, charging_mode, trial, expire_at").
		Preload("Product", func(db *gorm.DB) *gorm.DB {
			return db.Select("id, name, type, charging_mode, price_month, price_year, price_once, price_hour")
		}).
		Preload("Order", func(db *gorm.DB) *gorm.DB { return db.Select("id, order_no") }).
		Where("buyer_id = ?", buyerID)
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	return paginate[Instance](q.Order("id DESC"), f.Page)
}

// BuyerService loads one of the buyer's services with its product, seller and creating order.
func (s *Store) BuyerService(ctx context.Context, buyerID, id uint) (*Instance, error) {
	var in Instance
	if err := s.conn(ctx).Preload("Product").Preload("Product.Seller").Preload("Order").
		Where("buyer_id = ?", buyerID).First(&in, id).Error; err != nil {
		return nil, notFound(err)
	}
	return &in, nil
}

// ServiceOrders lists every order of one of the buyer's services (purchase, renewals,
// unsubscription), oldest first.
func (s *Store) ServiceOrders(ctx context.Context, buyerID, instanceID uint) ([]Order, error) {
	var out []Order
	err := s.conn(ctx).Where("buyer_id = ? AND instance_id = ?", buyerID, instanceID).Order("id ASC").Limit(200).Find(&out).Error
	return out, err
}

// SellerProducts lists the seller company's products, newest first, whatever their status.
func (s *Store) SellerProducts(ctx context.Context, sellerID uint, page int) (Page[Product], error) {
	return paginate[Product](s.conn(ctx).Where("seller_id = ?", sellerID).Order("id DESC"), page)
}

// SellerOverview counts what a seller's home page shows.
type SellerOverview struct {
	Products, OnSale, Orders, OpenServices int64
}

// SellerSummary counts the seller's products, orders and services in use.
func (s *Store) SellerSummary(ctx context.Context, sellerID uint) (SellerOverview, error) {
	var o SellerOverview
	db := s.conn(ctx)
	if err := db.Model(&Product{}).Where("seller_id = ?", sellerID).Count(&o.Products).Error; err != nil {
		return o, err
	}
	if err := db.Model(&Product{}).Where("seller_id = ? AND sale_status = ?", sellerID, SaleOnSale).Count(&o.OnSale).Error; err != nil {
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
	db := s.conn(ctx)
	steps := []struct {
		q   any
		dst *int64
		w   string
		a   []any
	}{
		{&Seller{}, &o.Sellers, "", nil},
		{&User{}, &o.Buyers, "role = ?", []any{RoleBuyer}},
		{&Product{}, &o.Products, "", nil},
		{&Product{}, &o.OnSale, "sale_status = ?", []any{SaleOnSale}},
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
	q := s.conn(ctx).Preload("Buyer").Preload("Product").Where("seller_id = ? AND order_no = ?", sellerID, orderNo)
	if lineNo != "" {
		q = q.Where("line_no = ?", lineNo)
	}
	var o Order
	if err := q.First(&o).Error; err != nil {
		return nil, notFound(err)
	}
	return &o, nil
}

// SellerOrderRow is one order in the seller's order list, with its buyer and service state.
type SellerOrderRow struct {
	Order
	BuyerName      string
	InstanceStatus InstanceStatus
}

// SellerOrders lists the seller company's orders, newest first, with the buyer's name and the
// purchased service's state (订单列表): two queries whatever the page holds.
func (s *Store) SellerOrders(ctx context.Context, sellerID uint, f OrderFilter) (Page[SellerOrderRow], error) {
	q := s.conn(ctx).Table("orders").
		Select("orders.id, orders.order_no, orders.product_name, orders.type, orders.charging_mode, orders.paid_fen, orders.status, orders.created_at, orders.instance_id, users.name AS buyer_name, instances.status AS instance_status").
		Joins("JOIN users ON users.id = orders.buyer_id").
		Joins("LEFT JOIN instances ON instances.id = orders.instance_id").
		Where("orders.seller_id = ?", sellerID)
	if f.Type != "" {
		q = q.Where("orders.type = ?", f.Type)
	}
	if f.Status != "" {
		q = q.Where("orders.status = ?", f.Status)
	}
	return paginate[SellerOrderRow](q.Order("orders.id DESC"), f.Page)
}
