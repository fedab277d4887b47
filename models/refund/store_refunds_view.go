package refund

import (
	"context"
	"time"

	"koogallery/models/account"
	"koogallery/models/attachment"
	"koogallery/models/catalog"
	"koogallery/models/orders"
	"koogallery/models/outbox"
	"koogallery/models/sqldb"

	"gorm.io/gorm"
)

// RefundFilter narrows a list of refund requests.
type RefundFilter struct {
	Status    RefundStatus
	ProductID uint
	From, To  time.Time // created in [From, To); zero: open
	Page      int
}

func (f RefundFilter) apply(q *gorm.DB, withStatus bool) *gorm.DB {
	if withStatus && f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if f.ProductID != 0 {
		q = q.Where("product_id = ?", f.ProductID)
	}
	if !f.From.IsZero() {
		q = q.Where("created_at >= ?", f.From)
	}
	if !f.To.IsZero() {
		q = q.Where("created_at < ?", f.To)
	}
	return q
}

// refundList pages requests, newest first, with their products and orders.
func (s *Store) refundList(ctx context.Context, scope func(*gorm.DB) *gorm.DB, f RefundFilter) (sqldb.Page[RefundRequest], error) {
	q := scope(s.Conn(ctx).Model(&RefundRequest{}).Preload("Product").Preload("Order"))
	return sqldb.Paginate[RefundRequest](f.apply(q, true).Order("id DESC"), f.Page)
}

// BuyerRefunds lists the buyer's refund requests (退订管理), newest first.
func (s *Store) BuyerRefunds(ctx context.Context, buyerID uint, f RefundFilter) (sqldb.Page[RefundRequest], error) {
	return s.refundList(ctx, func(q *gorm.DB) *gorm.DB { return q.Where("buyer_id = ?", buyerID) }, f)
}

// SellerRefunds lists the refund requests of the seller company's orders, newest first.
func (s *Store) SellerRefunds(ctx context.Context, sellerID uint, f RefundFilter) (sqldb.Page[RefundRequest], error) {
	return s.refundList(ctx, func(q *gorm.DB) *gorm.DB { return q.Where("seller_id = ?", sellerID) }, f)
}

// AdminRefunds lists every refund request, newest first.
func (s *Store) AdminRefunds(ctx context.Context, f RefundFilter) (sqldb.Page[RefundRequest], error) {
	return s.refundList(ctx, func(q *gorm.DB) *gorm.DB { return q }, f)
}

// RefundCounts counts requests per status under the filter's other conditions (a seller's
// company, or every company with sellerID 0).
func (s *Store) RefundCounts(ctx context.Context, sellerID uint, f RefundFilter) (map[RefundStatus]int64, error) {
	q := s.Conn(ctx).Model(&RefundRequest{})
	if sellerID != 0 {
		q = q.Where("seller_id = ?", sellerID)
	}
	var rows []struct {
		Status RefundStatus
		N      int64
	}
	if err := f.apply(q, false).Select("status, COUNT(*) AS n").Group("status").Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[RefundStatus]int64, len(RefundStatuses))
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out, nil
}

// BuyerRefundCounts counts the buyer's requests per status.
func (s *Store) BuyerRefundCounts(ctx context.Context, buyerID uint) (map[RefundStatus]int64, error) {
	var rows []struct {
		Status RefundStatus
		N      int64
	}
	if err := s.Conn(ctx).Model(&RefundRequest{}).Where("buyer_id = ?", buyerID).Select("status, COUNT(*) AS n").Group("status").Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[RefundStatus]int64, len(RefundStatuses))
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out, nil
}

// RefundProducts lists the products that have refund requests (a seller company's, or all
// with sellerID 0), for the list's product filter.
func (s *Store) RefundProducts(ctx context.Context, sellerID uint) ([]catalog.Product, error) {
	sub := s.Conn(ctx).Model(&RefundRequest{}).Select("product_id")
	if sellerID != 0 {
		sub = sub.Where("seller_id = ?", sellerID)
	}
	var out []catalog.Product
	err := s.Conn(ctx).Where("id IN (?)", sub).Order("id").Limit(500).Find(&out).Error
	return out, err
}

// RefundDetail is one request with everything its pages show.
type RefundDetail struct {
	Request RefundRequest // with Order, Product, Instance and Buyer
	// ServiceOrder is the order that created the service (its supervision state).
	ServiceOrder orders.Order
	Supervision  orders.SupervisionStatus
	Refund       *orders.Refund // the money returned, once approved
	Unsubscribe  *orders.Order  // the unsubscription order, once approved
	Calls        []outbox.InterfaceCall
	Attachments  []attachment.Attachment
	Trail        []account.AuditEvent // oldest first
	// History is every request on the same order, newest first (this one included).
	History []RefundRequest
}

// BuyerRefund loads one of the buyer's requests; another buyer's is ErrNotFound.
func (s *Store) BuyerRefund(ctx context.Context, buyerID, id uint) (*RefundDetail, error) {
	return s.refundDetail(ctx, s.Conn(ctx).Where("buyer_id = ?", buyerID), id)
}

// SellerRefund loads a request on one of the seller company's orders; another's is ErrNotFound.
func (s *Store) SellerRefund(ctx context.Context, sellerID, id uint) (*RefundDetail, error) {
	return s.refundDetail(ctx, s.Conn(ctx).Where("seller_id = ?", sellerID), id)
}

// AdminRefund loads any request, for operations.
func (s *Store) AdminRefund(ctx context.Context, id uint) (*RefundDetail, error) {
	return s.refundDetail(ctx, s.Conn(ctx), id)
}

func (s *Store) refundDetail(ctx context.Context, scoped *gorm.DB, id uint) (*RefundDetail, error) {
	d := &RefundDetail{}
	if err := scoped.Preload("Order").Preload("Product").Preload("Instance").Preload("Buyer").First(&d.Request, id).Error; err != nil {
		return nil, sqldb.NotFound(err)
	}
	r := &d.Request
	db := s.Conn(ctx)
	if err := db.First(&d.ServiceOrder, r.Instance.OrderID).Error; err != nil {
		return nil, err
	}
	d.Supervision = effectiveSupervision(&d.ServiceOrder, r.Product)
	if r.Status == RefundApproved {
		var refunds []orders.Refund
		if err := db.Where("request_id = ?", r.ID).Limit(1).Find(&refunds).Error; err != nil {
			return nil, err
		}
		if len(refunds) == 1 {
			d.Refund = &refunds[0]
		}
		var unsub []orders.Order
		if err := db.Where("parent_order_id = ? AND type = ?", r.OrderID, orders.OrderUnsubscribe).Order("id DESC").Limit(1).Find(&unsub).Error; err != nil {
			return nil, err
		}
		if len(unsub) == 1 {
			d.Unsubscribe = &unsub[0]
			if err := db.Where("order_id = ?", unsub[0].ID).Order("id").Limit(20).Find(&d.Calls).Error; err != nil {
				return nil, err
			}
		}
	}
	if err := db.Where("owner_kind = ? AND owner_id = ?", AttachRefund, r.ID).Order("id").Limit(50).Find(&d.Attachments).Error; err != nil {
		return nil, err
	}
	if err := db.Preload("Actor").Where("target_type = ? AND target_id = ?", AuditRefund, r.ID).Order("id").Limit(100).Find(&d.Trail).Error; err != nil {
		return nil, err
	}
	if err := db.Where("order_id = ?", r.OrderID).Order("id DESC").Limit(50).Find(&d.History).Error; err != nil {
		return nil, err
	}
	return d, nil
}

// RefundRecords lists the money returned to buyers (every reason: failed openings, negotiated
// and no-reason refunds), newest first, for operations.
func (s *Store) RefundRecords(ctx context.Context, page int) (sqldb.Page[orders.Refund], error) {
	return sqldb.Paginate[orders.Refund](s.Conn(ctx).Model(&orders.Refund{}).Order("id DESC"), page)
}

// OrdersByID loads orders by id (for lists that show an order number next to a record).
func (s *Store) OrdersByID(ctx context.Context, ids []uint) (map[uint]orders.Order, error) {
	out := make(map[uint]orders.Order, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var list []orders.Order
	if err := s.Conn(ctx).Where("id IN ?", ids).Find(&list).Error; err != nil {
		return nil, err
	}
	for _, o := range list {
		out[o.ID] = o
	}
	return out, nil
}

// RefundAttachmentParty reports whether a viewer may download a file of a refund request: its
// buyer, or a user of its seller company.
func (s *Store) RefundAttachmentParty(ctx context.Context, viewer *account.User, requestID uint) (bool, error) {
	q := s.Conn(ctx).Model(&RefundRequest{}).Where("id = ?", requestID)
	switch viewer.Role {
	case account.RoleBuyer:
		q = q.Where("buyer_id = ?", viewer.ID)
	case account.RoleSeller:
		q = q.Where("seller_id = ?", viewer.CompanyID())
	default:
		return false, nil
	}
	var n int64
	err := q.Count(&n).Error
	return n > 0, err
}
