package refund

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"koogallery/chinatime"
	"koogallery/models/account"
	"koogallery/models/attachment"
	"koogallery/models/catalog"
	"koogallery/models/license"
	"koogallery/models/notice"
	"koogallery/models/orders"
	"koogallery/models/sqldb"
	"koogallery/money"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Refunds (退订): a buyer asks to unsubscribe a purchased service and get money back; the rules
// (refund_rules.go) say whether and how much; the seller approves or rejects a negotiated
// refund, the rule approves a no-reason one. Approval is one transaction: the request's guarded
// transition, the refund record, the unsubscription order, the service released (or a renewal's
// period taken back), supervision closed, the order out of settlement, the seller's call queued
// in the outbox, and both parties told.

// AuditRefund is the audit target type of refund requests.
const AuditRefund = "refund_request"

// Audit actions on refund requests (also the timeline's message keys: refund.event.<action>).
const (
	RefundEventRequested    = "requested"
	RefundEventApproved     = "approved"
	RefundEventAutoApproved = "auto_approved"
	RefundEventRejected     = "rejected"
	RefundEventWithdrawn    = "withdrawn"
)

// RefundTarget is a service's refund situation: the order a refund would return money for
// and what the rules allow.
type RefundTarget struct {
	Service  *orders.Instance // with its product, seller and creating order
	Order    *orders.Order    // nil when no order of the service is left to refund
	Decision RefundDecision
}

// RefundCheck tells the buyer whether and how one of their services can be refunded; another
// buyer's service is ErrNotFound.
func (s *Store) RefundCheck(ctx context.Context, buyerID, instanceID uint) (*RefundTarget, error) {
	inst, err := s.orders.BuyerService(ctx, buyerID, instanceID)
	if err != nil {
		return nil, err
	}
	o, d, err := s.refundTarget(s.Conn(ctx), inst, false)
	if err != nil {
		return nil, err
	}
	return &RefundTarget{Service: inst, Order: o, Decision: d}, nil
}

// refundable order types, newest first: the one a refund returns money for.
var refundableTypes = []orders.OrderType{orders.OrderNew, orders.OrderRenew, orders.OrderTrialToFormal, orders.OrderTrial}

// refundTarget gathers the facts about a service's latest order not yet refunded and applies
// the rules. With lock (inside a transaction) the service's row is locked first on MySQL, so
// requests and approvals of one service are serialized and read its current state.
func (s *Store) refundTarget(tx *gorm.DB, inst *orders.Instance, lock bool) (*orders.Order, RefundDecision, error) {
	if lock {
		q := tx
		if s.Dialect() == sqldb.MySQL {
			q = q.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		var fresh orders.Instance
		if err := q.First(&fresh, inst.ID).Error; err != nil {
			return nil, RefundDecision{}, sqldb.NotFound(err)
		}
		inst.Status, inst.ExpireAt = fresh.Status, fresh.ExpireAt
	}
	p := inst.Product
	if p == nil {
		p = &catalog.Product{}
		if err := tx.First(p, inst.ProductID).Error; err != nil {
			return nil, RefundDecision{}, err
		}
	}
	var creating orders.Order
	if err := tx.First(&creating, inst.OrderID).Error; err != nil {
		return nil, RefundDecision{}, err
	}
	now := s.Now()
	f := RefundFacts{Product: *p, Service: *inst, Now: now, Supervision: effectiveSupervision(&creating, p), Bought: orderPaidAt(&creating)}
	var open []orders.Order
	if err := tx.Where("instance_id = ? AND type IN ?", inst.ID, refundableTypes).
		Where("NOT EXISTS (SELECT 1 FROM refunds WHERE refunds.order_id = orders.id)").Order("id DESC").Limit(1).Find(&open).Error; err != nil {
		return nil, RefundDecision{}, err
	}
	var target *orders.Order
	if len(open) == 1 {
		target = &open[0]
		f.Order = *target
	} else {
		f.Order, f.Refunded = creating, true
	}
	var n int64
	if err := tx.Model(&RefundRequest{}).Where("open_key = ?", inst.ID).Count(&n).Error; err != nil {
		return nil, RefundDecision{}, err
	}
	f.OpenRequest = n > 0
	if p.Type == catalog.TypeLicense {
		if err := tx.Model(&license.LicenseApplication{}).Where("instance_id = ? AND status = ?", inst.ID, license.LicenseIssued).Count(&n).Error; err != nil {
			return nil, RefundDecision{}, err
		}
		f.LicenseClaimed = n > 0
	}
	if RefundKindOf(p) == RefundKindNoReason {
		if err := tx.Model(&RefundRequest{}).Where("buyer_id = ? AND kind = ? AND status = ? AND created_at >= ?",
			inst.BuyerID, RefundKindNoReason, RefundApproved, chinatime.YearStart(now)).Count(&n).Error; err != nil {
			return nil, RefundDecision{}, err
		}
		f.NoReasonThisYear = int(n)
	}
	return target, DecideRefund(f), nil
}

// effectiveSupervision is an order's supervision state, inferred for orders written before
// the state was recorded.
func effectiveSupervision(o *orders.Order, p *catalog.Product) orders.SupervisionStatus {
	switch {
	case o.SupervisionStatus != orders.SupervisionUnknown:
		return o.SupervisionStatus
	case !p.Supervised:
		return orders.SupervisionNotInvolved
	case o.Status == orders.OrderProcessing:
		return orders.SupervisionInProgress
	}
	return orders.SupervisionCompleted
}

// refundBySubmitKey finds the request a form already created, for double submits.
func (s *Store) refundBySubmitKey(ctx context.Context, buyerID uint, key string) (*RefundRequest, bool) {
	k := fmt.Sprintf("%d:%s", buyerID, strings.TrimSpace(key))
	var r RefundRequest
	if err := s.Conn(ctx).Where("submit_key = ? AND buyer_id = ?", k, buyerID).First(&r).Error; err != nil {
		return nil, false
	}
	return &r, true
}

// RequestRefund asks for a refund of one of the buyer's services. A refusal by the rules is
// FieldErrors{"form": why}; bad input is a message per field; nothing is written then. A
// no-reason refund is approved at once. Submitting the same form twice returns the first
// request; a second request while one is pending is refused, also when two race.
func (s *Store) RequestRefund(ctx context.Context, buyer *account.User, instanceID uint, in RefundInput) (*RefundRequest, error) {
	if r, ok := s.refundBySubmitKey(ctx, buyer.ID, in.SubmitKey); ok {
		return r, nil
	}
	inst, err := s.orders.BuyerService(ctx, buyer.ID, instanceID)
	if err != nil {
		return nil, err
	}
	var out *RefundRequest
	err = s.Conn(ctx).Transaction(func(tx *gorm.DB) error {
		o, d, err := s.refundTarget(tx, inst, true)
		if err != nil {
			return err
		}
		if !d.Allowed {
			return sqldb.FieldErrors{"form": d.Why}
		}
		f, errs := validateRefund(in, d, inst.Product)
		if errs.Has() {
			return errs
		}
		now := s.Now()
		key := fmt.Sprintf("%d:%s", buyer.ID, f.key)
		r := &RefundRequest{OrderID: o.ID, InstanceID: inst.ID, BuyerID: buyer.ID, SellerID: o.SellerID, ProductID: o.ProductID,
			Kind: d.Kind, Status: RefundPending, AmountFen: f.amount, MaxFen: d.MaxFen, Cause: f.cause, Text: f.text,
			ShareContact: in.ShareContact, Goods: f.goods, SubmitKey: &key, OpenKey: &inst.ID, CreatedAt: now, UpdatedAt: now}
		if d.Auto {
			r.Status, r.OpenKey, r.DecidedAt = RefundApproved, nil, &now
		}
		if err := tx.Create(r).Error; err != nil {
			return err
		}
		if f.file != nil {
			if _, err := attachment.Save(tx, s.Now(), AttachRefund, r.ID, buyer, f.file); err != nil {
				return err
			}
		}
		if err := s.AuditRefund(tx, buyer.ID, r.ID, RefundEventRequested, money.Fen(r.AmountFen).String(), r.Text); err != nil {
			return err
		}
		out = r
		if d.Auto {
			if err := s.AuditRefund(tx, buyer.ID, r.ID, RefundEventAutoApproved, "pending→approved", ""); err != nil {
				return err
			}
			return s.effects.Approved(tx, r)
		}
		return s.TellRefund(tx, r, RefundEventRequested)
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		if r, ok := s.refundBySubmitKey(ctx, buyer.ID, in.SubmitKey); ok {
			return r, nil // the same form raced itself
		}
		return nil, sqldb.FieldErrors{"form": WhyOpenRequest} // another request of the service won
	}
	if err != nil {
		return nil, err
	}
	if out.Status == RefundApproved {
		s.outbox.Signal()
	}
	return out, nil
}

// WithdrawRefund (撤回退订) takes back one of the buyer's pending requests. ErrNotFound: not the
// buyer's; ErrStale: already decided or withdrawn.
func (s *Store) WithdrawRefund(ctx context.Context, buyer *account.User, id uint) error {
	return s.Tx(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&RefundRequest{}).Where("id = ? AND buyer_id = ? AND status = ?", id, buyer.ID, RefundPending).
			Updates(map[string]any{"status": RefundWithdrawn, "open_key": nil, "updated_at": s.Now()})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return s.staleOrMissing(tx, "buyer_id", buyer.ID, id)
		}
		return s.AuditRefund(tx, buyer.ID, id, RefundEventWithdrawn, "pending→withdrawn", "")
	})
}

// staleOrMissing tells a request that is not (or no longer) pending, ErrStale, from one that
// is not the caller's, ErrNotFound.
func (s *Store) staleOrMissing(tx *gorm.DB, column string, owner, id uint) error {
	var n int64
	if err := tx.Model(&RefundRequest{}).Where("id = ? AND "+column+" = ?", id, owner).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return sqldb.ErrNotFound
	}
	return sqldb.ErrStale
}

// RefundDecisionInput is a seller's review: the opinion (审核意见) and an optional attachment.
type RefundDecisionInput struct {
	Opinion    string
	Attachment *attachment.Upload
}

// checkDecision validates a review before anything is written.
func checkDecision(in RefundDecisionInput) (string, *attachment.Checked, sqldb.FieldErrors) {
	errs := sqldb.FieldErrors{}
	op, msg := CheckOpinion(in.Opinion)
	if msg != "" {
		errs["opinion"] = msg
	}
	var up *attachment.Checked
	if in.Attachment != nil {
		if up, msg = attachment.Check(in.Attachment); msg != "" {
			errs["attachment"] = msg
		}
	}
	return op, up, errs
}

// ApproveRefund (同意) approves a pending request of the seller's company and applies it, all
// in one transaction: exactly one of two racing approvals (or an approval and a withdrawal)
// wins; the other gets ErrStale and changes nothing. ErrNotFound: not this seller's request.
func (s *Store) ApproveRefund(ctx context.Context, seller *account.User, id uint, in RefundDecisionInput) (*RefundRequest, error) {
	return s.decideRefund(ctx, seller, id, in, RefundApproved)
}

// RejectRefund (驳回) ends a pending request of the seller's company; the buyer may apply again.
func (s *Store) RejectRefund(ctx context.Context, seller *account.User, id uint, in RefundDecisionInput) (*RefundRequest, error) {
	return s.decideRefund(ctx, seller, id, in, RefundRejected)
}

func (s *Store) decideRefund(ctx context.Context, seller *account.User, id uint, in RefundDecisionInput, to RefundStatus) (*RefundRequest, error) {
	sellerID := seller.CompanyID()
	var r RefundRequest
	if sellerID == 0 {
		return nil, sqldb.ErrNotFound
	}
	if err := s.Conn(ctx).Where("seller_id = ?", sellerID).First(&r, id).Error; err != nil {
		return nil, sqldb.NotFound(err)
	}
	op, up, errs := checkDecision(in)
	if errs.Has() {
		return nil, errs
	}
	if !CanRefundTransition(RefundPending, to, account.RoleSeller) {
		return nil, sqldb.ErrStale
	}
	err := s.Tx(ctx, func(tx *gorm.DB) error {
		if to == RefundApproved && s.Dialect() == sqldb.MySQL {
			// The service's row first, as requests take it: one lock order, no deadlock.
			var inst orders.Instance
			if err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).First(&inst, r.InstanceID).Error; err != nil {
				return err
			}
		}
		now := s.Now()
		res := tx.Model(&RefundRequest{}).Where("id = ? AND seller_id = ? AND status = ?", id, sellerID, RefundPending).
			Updates(map[string]any{"status": to, "opinion": op, "decided_by": seller.ID, "decided_at": now, "open_key": nil, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return sqldb.ErrStale // already decided, or withdrawn
		}
		r.Status, r.Opinion, r.DecidedBy, r.DecidedAt, r.OpenKey = to, op, &seller.ID, &now, nil
		if up != nil {
			if _, err := attachment.Save(tx, s.Now(), AttachRefund, r.ID, seller, up); err != nil {
				return err
			}
		}
		event := RefundEventRejected
		if to == RefundApproved {
			event = RefundEventApproved
		}
		if err := s.AuditRefund(tx, seller.ID, r.ID, event, "pending→"+string(to), op); err != nil {
			return err
		}
		if to == RefundApproved {
			return s.effects.Approved(tx, &r)
		}
		return s.TellRefund(tx, &r, RefundEventRejected)
	})
	if err != nil {
		return nil, err
	}
	if to == RefundApproved {
		s.outbox.Signal()
	}
	return &r, nil
}

// auditRefund records a step of a request's life (its timeline).
func (s *Store) AuditRefund(tx *gorm.DB, actorID, id uint, action, detail, reason string) error {
	return tx.Create(&account.AuditEvent{ActorID: actorID, Action: action, TargetType: AuditRefund, TargetID: id,
		Detail: sqldb.ClipText(detail, 200), Reason: sqldb.ClipText(reason, 500), CreatedAt: s.Now()}).Error
}

// tellRefund writes the in-site notices and mails a step of a request causes: a new request
// to the seller; a decision to the buyer (and an approval to the seller as well).
func (s *Store) TellRefund(tx *gorm.DB, r *RefundRequest, event string) error {
	now := s.Now()
	var o orders.Order
	if err := tx.First(&o, r.OrderID).Error; err != nil {
		return err
	}
	var buyer account.User
	if err := tx.First(&buyer, r.BuyerID).Error; err != nil {
		return err
	}
	var company account.Seller
	if err := tx.First(&company, r.SellerID).Error; err != nil {
		return err
	}
	text := sqldb.ClipText(fmt.Sprintf("%s · %s · %s", o.ProductName, o.OrderNo, money.Fen(r.AmountFen).String()), 1000)
	kind := "refund_" + event
	toBuyer := event != RefundEventRequested
	toSeller := event != RefundEventRejected
	subjects := map[string]string{
		RefundEventRequested:    "退订申请待审核 / A refund request awaits your review",
		RefundEventApproved:     "退订已同意，款项将退回 / Refund approved",
		RefundEventAutoApproved: "无理由退订已完成 / No-reason refund done",
		RefundEventRejected:     "退订申请已驳回 / Refund request rejected",
	}
	body := fmt.Sprintf("%s\n\n商品 Product: %s\n订单 Order: %s\n金额 Amount: %s\n", subjects[event], o.ProductName, o.OrderNo, money.Fen(r.AmountFen).String())
	if r.Opinion != "" {
		body += "审核意见 Review opinion: " + r.Opinion + "\n"
	}
	if toBuyer {
		link := fmt.Sprintf("/console/refunds/%d", r.ID)
		if err := tx.Create(&notice.Notice{UserID: &buyer.ID, Kind: kind, Text: text, Link: link, CreatedAt: now}).Error; err != nil {
			return err
		}
		if err := tx.Create(&notice.Mail{To: buyer.Email, Subject: "[KooGallery] " + subjects[event], Body: body + link + "\n",
			Status: notice.MailPending, NextAttemptAt: now, CreatedAt: now}).Error; err != nil {
			return err
		}
	}
	if toSeller {
		link := fmt.Sprintf("/seller/refunds/%d", r.ID)
		if err := tx.Create(&notice.Notice{SellerID: &company.ID, Kind: kind, Text: text, Link: link, CreatedAt: now}).Error; err != nil {
			return err
		}
		if err := account.MailSeller(tx, now, company.ID, account.MailRefunds, "[KooGallery] "+subjects[event], body+link+"\n"); err != nil {
			return err
		}
	}
	return nil
}
