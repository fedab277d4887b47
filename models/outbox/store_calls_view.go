package outbox

import (
	"context"
	"fmt"
	"time"

	"koogallery/models/account"
	"koogallery/models/catalog"
	"koogallery/models/orders"
	"koogallery/models/sqldb"
	"koogallery/protocol"

	"gorm.io/gorm"
)

// CallFilter narrows a list of interface calls.
type CallFilter struct {
	Status    CallStatus
	Activity  protocol.Activity
	ProductID uint
	OrderNo   string
	From, To  *time.Time
	Page      int
}

// calls applies a filter; sellerID 0 means every seller (operations).
func (s *Store) calls(ctx context.Context, sellerID uint, f CallFilter) (sqldb.Page[InterfaceCall], error) {
	q := s.Conn(ctx).Model(&InterfaceCall{}).Preload("Product").Preload("Order").Preload("Order.Spec")
	if sellerID != 0 {
		q = q.Where("interface_calls.seller_id = ?", sellerID)
	}
	if f.Status != "" {
		q = q.Where("interface_calls.status = ?", f.Status)
	}
	if f.Activity != "" {
		q = q.Where("interface_calls.activity = ?", f.Activity)
	}
	if f.ProductID != 0 {
		q = q.Where("interface_calls.product_id = ?", f.ProductID)
	}
	if f.OrderNo != "" {
		q = q.Where("interface_calls.order_id IN (SELECT id FROM orders WHERE order_no = ?)", f.OrderNo)
	}
	if f.From != nil {
		q = q.Where("interface_calls.created_at >= ?", *f.From)
	}
	if f.To != nil {
		q = q.Where("interface_calls.created_at < ?", *f.To)
	}
	return sqldb.Paginate[InterfaceCall](q.Order("interface_calls.id DESC"), f.Page)
}

// SellerCalls lists the calls the platform made to one seller, newest first (生产接口消息).
func (s *Store) SellerCalls(ctx context.Context, sellerID uint, f CallFilter) (sqldb.Page[InterfaceCall], error) {
	return s.calls(ctx, sellerID, f)
}

// AllCalls lists every seller's calls, for operations.
func (s *Store) AllCalls(ctx context.Context, f CallFilter) (sqldb.Page[InterfaceCall], error) {
	return s.calls(ctx, 0, f)
}

// Call loads a call with its attempts (newest first); sellerID 0 means any seller's.
func (s *Store) Call(ctx context.Context, sellerID, id uint) (*InterfaceCall, []CallAttempt, error) {
	q := s.Conn(ctx).Preload("Product").Preload("Order").Preload("Order.Spec").Preload("Order.FromSpec")
	if sellerID != 0 {
		q = q.Where("seller_id = ?", sellerID)
	}
	var c InterfaceCall
	if err := q.First(&c, id).Error; err != nil {
		return nil, nil, sqldb.NotFound(err)
	}
	var attempts []CallAttempt
	err := s.Conn(ctx).Where("call_id = ?", id).Order("n DESC").Limit(100).Find(&attempts).Error
	return &c, attempts, err
}

// Restartable reports whether 重新启动 may re-send the call now: a failed call, or one waiting
// to retry after a failed attempt. A purchase or spec change whose order was already cancelled
// (and refunded) for it cannot be reopened.
func (c *InterfaceCall) Restartable() bool {
	if c.Status == CallFailed {
		return !((c.Activity == protocol.ActivityNewInstance || c.Activity == protocol.ActivityUpgradeInstance) && c.Order != nil && c.Order.Status == orders.OrderCancelled)
	}
	return c.Status == CallPending && c.Attempts > 0
}

// RestartCall (重新启动) makes a failed or retrying call due now, with a fresh retry window.
// A call that is already due is left alone (ErrStale), so a double click restarts it once.
func (s *Store) RestartCall(ctx context.Context, sellerID, id uint) error {
	return s.restartCall(ctx, sellerID, id, 0)
}

// OperatorRestartCall is RestartCall by operations on any seller's call, audited.
func (s *Store) OperatorRestartCall(ctx context.Context, adminID, id uint) error {
	return s.restartCall(ctx, 0, id, adminID)
}

// Audit actions on calls by operations.
const (
	AuditCall         = "call"
	AuditCallRestart  = "call.restart"
	AuditCallReplayed = "call.replay"
)

// restartCall restarts a call of the seller (0: any), writing the audit line of the admin
// who did it when adminID is set, in the same transaction.
func (s *Store) restartCall(ctx context.Context, sellerID, id, adminID uint) error {
	c, _, err := s.Call(ctx, sellerID, id)
	if err != nil {
		return err
	}
	now := s.Now()
	if !c.RestartableAt(now) {
		return sqldb.ErrStale // already due: a second click changes nothing
	}
	pol := s.Policy(c.Activity, c.Product.Type)
	err = s.Tx(ctx, func(tx *gorm.DB) error {
		q := tx.Model(&InterfaceCall{}).Where("id = ? AND status = ? AND attempts = ?", c.ID, c.Status, c.Attempts).
			Where("status = ? OR next_attempt_at > ?", CallFailed, now)
		if sellerID != 0 {
			q = q.Where("seller_id = ?", sellerID)
		}
		res := q.Updates(map[string]any{"status": CallPending, "next_attempt_at": now, "deadline": now.Add(pol.Window),
			"completed_at": nil, "claim_token": "", "claimed_until": nil, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return sqldb.ErrStale
		}
		return auditCall(tx, now, adminID, AuditCallRestart, c, fmt.Sprintf("%s %s→%s", c.Activity, c.Status, CallPending))
	})
	if err != nil {
		return err
	}
	s.Signal()
	return nil
}

// ReplayCall sends a copy of any call again (freshly signed at sending), recorded as a new call.
func (s *Store) ReplayCall(ctx context.Context, sellerID, id uint) (*InterfaceCall, error) {
	return s.replayCall(ctx, sellerID, id, 0)
}

// OperatorReplayCall is ReplayCall by operations on any seller's call, audited.
func (s *Store) OperatorReplayCall(ctx context.Context, adminID, id uint) (*InterfaceCall, error) {
	return s.replayCall(ctx, 0, id, adminID)
}

func (s *Store) replayCall(ctx context.Context, sellerID, id, adminID uint) (*InterfaceCall, error) {
	c, _, err := s.Call(ctx, sellerID, id)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	pol := s.Policy(c.Activity, c.Product.Type)
	copyOf := c.ID
	r := &InterfaceCall{SellerID: c.SellerID, ProductID: c.ProductID, OrderID: c.OrderID, InstanceID: c.InstanceID, Activity: c.Activity,
		Scene: c.Scene, Interface: c.Interface, AddressID: c.AddressID, Path: c.Path, Body: c.Body, Status: CallPending, NextAttemptAt: now, Deadline: now.Add(pol.Window),
		RetryEvery: int64(pol.Every.Seconds()), ReplayOf: &copyOf, CreatedAt: now, UpdatedAt: now}
	err = s.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(r).Error; err != nil {
			return err
		}
		return auditCall(tx, now, adminID, AuditCallReplayed, c, fmt.Sprintf("%s → #%d", c.Activity, r.ID))
	})
	if err != nil {
		return nil, err
	}
	s.Signal()
	return r, nil
}

// auditCall writes an admin's action on a call (nothing when adminID is 0: the seller's own).
func auditCall(tx *gorm.DB, now time.Time, adminID uint, action string, c *InterfaceCall, detail string) error {
	if adminID == 0 {
		return nil
	}
	return tx.Create(&account.AuditEvent{ActorID: adminID, Action: action, TargetType: AuditCall, TargetID: c.ID, Detail: sqldb.ClipText(detail, 200), CreatedAt: now}).Error
}

// ProductHealth is a product's interface health this month.
type ProductHealth struct {
	Product      catalog.Product
	FailedOrders int64 // orders failed by the interface this month
	FailedCalls  int64
	Threshold    int64
}

// SellerHealth reports the interface health of the seller's interface products (sellerID 0:
// every seller's).
func (s *Store) SellerHealth(ctx context.Context, sellerID uint) ([]ProductHealth, error) {
	since := MonthStart(s.Now())
	q := s.Conn(ctx).Where("type IN ?", []catalog.ProductType{catalog.TypeSaaS, catalog.TypeLicense, catalog.TypeAPI}).Order("id")
	if sellerID != 0 {
		q = q.Where("seller_id = ?", sellerID)
	}
	var products []catalog.Product
	if err := q.Limit(500).Find(&products).Error; err != nil {
		return nil, err
	}
	type row struct {
		ProductID uint
		Orders    int64
		Calls     int64
	}
	var rows []row
	if err := s.Conn(ctx).Model(&InterfaceCall{}).
		Select("product_id, COUNT(DISTINCT CASE WHEN activity IN ? THEN order_id END) AS orders, COUNT(*) AS calls", OrderActivities).
		Where("status = ? AND completed_at >= ? AND replay_of IS NULL", CallFailed, since).Group("product_id").Scan(&rows).Error; err != nil {
		return nil, err
	}
	by := map[uint]row{}
	for _, r := range rows {
		by[r.ProductID] = r
	}
	out := make([]ProductHealth, len(products))
	for i, p := range products {
		out[i] = ProductHealth{Product: p, FailedOrders: by[p.ID].Orders, FailedCalls: by[p.ID].Calls, Threshold: DelistThreshold}
	}
	return out, nil
}
