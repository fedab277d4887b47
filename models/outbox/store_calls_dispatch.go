package outbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	"koogallery/models/account"
	"koogallery/models/catalog"
	"koogallery/models/notice"
	"koogallery/models/orders"
	"koogallery/models/sqldb"
	"koogallery/protocol"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Outcome is what one attempt achieved, as the dispatcher judged the seller's answer.
type Outcome string

// The attempt outcomes.
const (
	OutcomeSucceeded  Outcome = "succeeded"  // resultCode 000000 with a well-formed answer
	OutcomeProcessing Outcome = "processing" // 000004: poll until done
	OutcomeFailed     Outcome = "failed"     // anything else: retry on schedule
)

// AttemptResult is one attempt as sent and answered, with its outcome.
type AttemptResult struct {
	URL, RequestBody string
	StatusCode       int
	ResponseBody     string
	ResultCode       string
	ErrorKind, Error string
	Latency          time.Duration
	StartedAt        time.Time
	Manual           bool
	Outcome          Outcome
	SellerInstanceID string // newInstance / queryInstance: the seller's instanceId
	EncryptType      string
	AppInfo          string // the appInfo JSON as received (sensitive fields encrypted)
	License          string // getLicenseAsync: the license JSON (protocol.LicenseContent) as received
}

// ClaimDueCalls leases up to limit calls whose next attempt is due, so that this dispatcher
// alone attempts them until the lease ends. Calls of one instance go strictly in order: a call
// waits while an earlier call of its instance is unfinished. On MySQL the candidate rows are
// locked with FOR UPDATE SKIP LOCKED, so dispatchers in other processes skip them instead of
// waiting; on SQLite the immediate transaction serializes claimers.
//
// On MySQL the claim runs at READ COMMITTED: at the default REPEATABLE READ the locking scan
// takes gap locks on the due index, and a purchase inserting its call into that gap while
// the claim's UPDATE waits on the purchase's uncommitted row is a deadlock (seen with two
// dispatchers and concurrent purchases: the buyer's purchase failed with error 1213).
func (s *Store) ClaimDueCalls(ctx context.Context, limit int, lease time.Duration) ([]InterfaceCall, error) {
	now := s.Now()
	token := claimToken()
	var ids []uint
	err := s.Tx(ctx, func(tx *gorm.DB) error {
		ids = ids[:0] // a deadlock victim runs again from the start
		// One status at a time, polls first: with "status = ?" the due index (status,
		// next_attempt_at, id) yields the rows in order and the scan stops at the limit.
		// "status IN (…)" made MySQL read, sort and lock every due row on each claim (a full
		// scan and a filesort over the whole backlog: most of the database's CPU in
		// cmd/callbench, and a second dispatcher found every row locked).
		for _, st := range []CallStatus{CallProcessing, CallPending} {
			q := tx.Model(&InterfaceCall{}).
				Where("status = ? AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until < ?)", st, now, now).
				Where(`instance_id IS NULL OR NOT EXISTS (SELECT 1 FROM interface_calls e WHERE e.instance_id = interface_calls.instance_id
					AND e.id < interface_calls.id AND e.status IN ?)`, []CallStatus{CallPending, CallProcessing}).
				Order("next_attempt_at, id").Limit(limit - len(ids))
			if s.Dialect() == sqldb.MySQL {
				q = q.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"})
			}
			var got []uint
			if err := q.Pluck("id", &got).Error; err != nil {
				return err
			}
			if ids = append(ids, got...); len(ids) >= limit {
				break
			}
		}
		if len(ids) == 0 {
			return nil
		}
		return tx.Model(&InterfaceCall{}).Where("id IN ?", ids).Updates(map[string]any{
			"claim_token": token, "claimed_until": now.Add(lease), "attempts": gorm.Expr("attempts + 1"), "updated_at": now,
		}).Error
	}, s.ReadCommitted()...)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	var calls []InterfaceCall
	err = s.Conn(ctx).Preload("Product").Where("id IN ? AND claim_token = ?", ids, token).Order("id").Find(&calls).Error
	return calls, err
}

func claimToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// RecordAttempt stores an attempt of a claimed call and moves the call on: succeeded (with the
// business effects of success), processing (polled), retried on schedule, or failed when the
// retry window is over (with the effects of failure: an unopened purchase is cancelled and
// refunded, the seller is told, the product may be delisted). All in one transaction, guarded
// by the claim, so an attempt is never recorded twice; a deadlock victim runs again.
func (s *Store) RecordAttempt(ctx context.Context, c *InterfaceCall, r AttemptResult) error {
	now := s.Now()
	err := s.Tx(ctx, func(tx *gorm.DB) error {
		a := CallAttempt{CallID: c.ID, N: c.Attempts, URL: r.URL, RequestBody: r.RequestBody, StatusCode: r.StatusCode,
			ResponseBody: sqldb.ClipText(r.ResponseBody, 64<<10), ResultCode: sqldb.ClipText(r.ResultCode, 8), ErrorKind: r.ErrorKind, Error: sqldb.ClipText(r.Error, 500),
			LatencyMS: r.Latency.Milliseconds(), StartedAt: r.StartedAt}
		if err := tx.Create(&a).Error; err != nil {
			return err
		}
		fields := map[string]any{"claim_token": "", "claimed_until": nil, "updated_at": now, "last_result_code": a.ResultCode,
			"last_error": a.Error, "last_status_code": a.StatusCode, "last_latency_ms": a.LatencyMS}
		pol := s.Policy(c.Activity, c.Product.Type)
		// The retry window runs from the first attempt, not from queuing: a call that waited
		// behind an earlier call of its instance still gets its whole window.
		deadline := c.Deadline
		if c.Attempts == 1 {
			deadline = now.Add(pol.Window)
			fields["deadline"] = deadline
		}
		final := ""
		switch {
		case r.Outcome == OutcomeSucceeded:
			fields["status"], fields["completed_at"], final = CallSucceeded, now, "ok"
		case r.Outcome == OutcomeProcessing && now.Before(deadline):
			fields["status"], fields["next_attempt_at"] = CallProcessing, now.Add(pol.Poll)
			if r.SellerInstanceID != "" && c.Activity == protocol.ActivityNewInstance {
				poll, err := encode(pollRequest(r.SellerInstanceID))
				if err != nil {
					return err
				}
				fields["poll"] = poll
			}
		case !now.Add(time.Duration(c.RetryEvery) * time.Second).After(deadline):
			fields["status"], fields["next_attempt_at"] = CallPending, now.Add(time.Duration(c.RetryEvery)*time.Second)
		default:
			fields["status"], fields["completed_at"], final = CallFailed, now, "failed"
		}
		res := tx.Model(&InterfaceCall{}).Where("id = ? AND claim_token = ?", c.ID, c.ClaimToken).Updates(fields)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return sqldb.ErrLeaseLost
		}
		switch final {
		case "ok":
			return s.onCallSucceeded(tx, c, r)
		case "failed":
			return s.onCallFailed(tx, c, r)
		}
		return nil
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return sqldb.ErrLeaseLost
	}
	return err
}

// onCallSucceeded applies what a delivered call means: a created instance is in use with the
// seller's instance id and appInfo, and its order (or a renewal) is complete.
func (s *Store) onCallSucceeded(tx *gorm.DB, c *InterfaceCall, r AttemptResult) error {
	now := s.Now()
	switch c.Activity {
	case protocol.ActivityNewInstance:
		if c.InstanceID == nil || r.SellerInstanceID == "" {
			return nil
		}
		res := tx.Model(&orders.Instance{}).Where("id = ? AND status = ?", *c.InstanceID, orders.InstanceOpening).Updates(map[string]any{
			"status": orders.InstanceNormal, "seller_instance_id": r.SellerInstanceID, "encrypt_type": r.EncryptType, "app_info": r.AppInfo, "updated_at": now,
		})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			// Released while it was opening (a refund was approved): the seller created it
			// anyway, so record its id and tell the seller to release it.
			var inst orders.Instance
			if err := tx.First(&inst, *c.InstanceID).Error; err != nil {
				return err
			}
			if inst.Status != orders.InstanceReleased || inst.SellerInstanceID != "" {
				return nil
			}
			inst.SellerInstanceID = r.SellerInstanceID
			if err := tx.Model(&inst).Update("seller_instance_id", r.SellerInstanceID).Error; err != nil {
				return err
			}
			return s.ReleaseCall(tx, c.Product, nil, &inst)
		}
		if c.OrderID != nil && !c.Product.Supervised {
			return tx.Model(&orders.Order{}).Where("id = ? AND status = ?", *c.OrderID, orders.OrderProcessing).Update("status", orders.OrderCompleted).Error
		}
	case protocol.ActivityRefreshInstance:
		if c.OrderID != nil {
			return tx.Model(&orders.Order{}).Where("id = ? AND status = ?", *c.OrderID, orders.OrderProcessing).Update("status", orders.OrderCompleted).Error
		}
	case protocol.ActivityUpgradeInstance:
		return s.effects.Upgraded(tx, c)
	case protocol.ActivityGetLicenseAsync:
		return s.effects.LicenseDelivered(tx, c, r)
	}
	return nil
}

// DelistThreshold: a product with more than this many orders failed by its interface in a
// month is delisted.
const DelistThreshold = 5

// onCallFailed applies a call that exhausted its retries: an unopened purchase or an
// unapplied spec change is cancelled and refunded in full, the seller is emailed and told in
// the seller center, the buyer is told, and a product past the monthly failure threshold is
// delisted.
func (s *Store) onCallFailed(tx *gorm.DB, c *InterfaceCall, r AttemptResult) error {
	now := s.Now()
	if c.Activity == protocol.ActivityGetLicenseAsync {
		if err := s.effects.LicenseFailed(tx, c); err != nil {
			return err
		}
	}
	if failsOrder(c.Activity) && c.OrderID != nil {
		if err := s.refundFailedOrder(tx, c); err != nil {
			return err
		}
		if err := s.delistIfFailing(tx, c.Product); err != nil {
			return err
		}
	}
	seller := c.SellerID
	text := fmt.Sprintf("%s · %s · %s", c.Product.Name, c.Activity, failureSummary(r))
	if err := tx.Create(&notice.Notice{SellerID: &seller, Kind: "call_failed", Text: sqldb.ClipText(text, 1000), Link: fmt.Sprintf("/seller/calls/%d", c.ID), CreatedAt: now}).Error; err != nil {
		return err
	}
	body := fmt.Sprintf("生产接口调用失败 / A production interface call failed\n\n商品 Product: %s\n活动 Activity: %s %s\n失败原因 Reason: %s\n尝试次数 Attempts: %d\n\n请修复接口后在卖家中心 > 生产接口消息中重新启动。\nFix your interface, then restart the call in Seller Center > Production interface messages:\n/seller/calls/%d\n",
		c.Product.Name, c.Activity, c.Scene, failureSummary(r), c.Attempts, c.ID)
	return account.MailSeller(tx, now, c.SellerID, account.MailCalls, "[KooGallery] 生产接口调用失败 / Interface call failed: "+c.Product.Name, body)
}

// failedOrderEffects says, per activity, what an order the seller's interface never carried out
// leaves behind: the refund's reason and the buyer's notice. A purchase whose service never
// opened also marks the service failed; a spec change leaves the service on its old spec.
var failedOrderEffects = map[protocol.Activity]struct {
	reason orders.RefundReason
	notice string
}{
	protocol.ActivityNewInstance:     {orders.RefundOpenFailed, "open_failed"},
	protocol.ActivityUpgradeInstance: {orders.RefundChangeFailed, "upgrade_failed"},
}

// refundFailedOrder cancels the order of a call that exhausted its retries (newInstance or
// upgradeInstance) and refunds it in full, by the way it was paid, and tells the buyer why.
// Guarded on the order still processing, so it happens once.
func (s *Store) refundFailedOrder(tx *gorm.DB, c *InterfaceCall) error {
	now := s.Now()
	eff := failedOrderEffects[c.Activity]
	var o orders.Order
	if err := tx.First(&o, *c.OrderID).Error; err != nil {
		return err
	}
	res := tx.Model(&orders.Order{}).Where("id = ? AND status = ?", o.ID, orders.OrderProcessing).Update("status", orders.OrderCancelled)
	if res.Error != nil || res.RowsAffected == 0 {
		return res.Error
	}
	if c.InstanceID != nil {
		q := tx.Model(&orders.Instance{}).Where("id = ? AND status = ?", *c.InstanceID, orders.InstanceOpening).
			Updates(map[string]any{"status": orders.InstanceFailed, "updated_at": now})
		if c.Activity == protocol.ActivityUpgradeInstance {
			// The change is over: the service keeps its spec and may be changed again.
			q = tx.Model(&orders.Instance{}).Where("id = ? AND change_order_id = ?", *c.InstanceID, o.ID).
				Updates(map[string]any{"change_order_id": nil, "updated_at": now})
		}
		if q.Error != nil {
			return q.Error
		}
	}
	if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&orders.Refund{OrderID: o.ID, Reason: eff.reason, BuyerID: o.BuyerID,
		SellerID: o.SellerID, AmountFen: o.PaidFen, Method: o.PayMethod, CreatedAt: now}).Error; err != nil {
		return err
	}
	buyer := o.BuyerID
	return tx.Create(&notice.Notice{UserID: &buyer, Kind: eff.notice, Text: o.ProductName + " · " + o.OrderNo,
		Link: fmt.Sprintf("/console/orders/%d", o.ID), CreatedAt: now}).Error
}

func failureSummary(r AttemptResult) string {
	switch {
	case r.ErrorKind != "":
		return r.ErrorKind
	case r.ResultCode != "":
		return "resultCode " + r.ResultCode
	case r.StatusCode != 0:
		return fmt.Sprintf("HTTP %d", r.StatusCode)
	}
	return r.Error
}

// delistIfFailing delists an on-sale product whose interface failed more than DelistThreshold
// orders this month.
func (s *Store) delistIfFailing(tx *gorm.DB, p *catalog.Product) error {
	n, err := failedOrders(tx, p.ID, MonthStart(s.Now()))
	if err != nil || n <= DelistThreshold {
		return err
	}
	return tx.Model(&catalog.Product{}).Where("id = ? AND sale_status = ?", p.ID, catalog.SaleOnSale).
		Updates(map[string]any{"sale_status": catalog.SaleDelisted, "sale_reason": fmt.Sprintf("interface_failures:%d", n), "updated_at": s.Now()}).Error
}

// orderActivities are the calls whose failure fails their order (a purchase that never opens,
// a change the seller never applies): the orders the delisting rule counts.
var OrderActivities = []protocol.Activity{protocol.ActivityNewInstance, protocol.ActivityUpgradeInstance}

func failsOrder(activity protocol.Activity) bool { return slices.Contains(OrderActivities, activity) }

// failedOrders counts the product's orders failed by its interface since the given time.
func failedOrders(tx *gorm.DB, productID uint, since time.Time) (int64, error) {
	var n int64
	err := tx.Model(&InterfaceCall{}).Where("product_id = ? AND activity IN ? AND status = ? AND completed_at >= ? AND replay_of IS NULL",
		productID, OrderActivities, CallFailed, since).Distinct("order_id").Count(&n).Error
	return n, err
}

func MonthStart(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}
