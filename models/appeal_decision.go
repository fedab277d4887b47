package models

import (
	"context"
	"strings"

	"gorm.io/gorm"

	"koogallery/models/account"
	"koogallery/models/orders"
	"koogallery/models/refund"
	"koogallery/models/sqldb"
	"koogallery/models/supervision"
	"koogallery/money"
)

// DecideAppeal applies operations' decision in one transaction: the appeal decided (guarded:
// a second decision is ErrStale), the supervision unfrozen, and the outcome — the flow resumed
// where it stood, acceptance forced, or the supervision closed by a refund approved through
// the refund feature (the refund record, unsubscription and release with it). Both parties see
// the written reason and are told.
func (s *Store) DecideAppeal(ctx context.Context, admin *account.User, appealID uint, d supervision.AppealDecision) (*supervision.Appeal, error) {
	if admin == nil || admin.Role != account.RoleAdmin {
		return nil, sqldb.ErrNotFound
	}
	var ap supervision.Appeal
	if err := s.conn(ctx).First(&ap, appealID).Error; err != nil {
		return nil, sqldb.NotFound(err)
	}
	var o orders.Order
	if err := s.conn(ctx).First(&o, ap.OrderID).Error; err != nil {
		return nil, err
	}
	errs := sqldb.FieldErrors{}
	reason, msg := supervision.CheckText(d.Reason, true, supervision.MaxSupervisionText)
	if msg != "" {
		errs["reason"] = msg
	}
	known := false
	for _, k := range supervision.AppealOutcomes {
		known = known || k == d.Outcome
	}
	if !known {
		errs["outcome"] = supervision.MsgSvDecision
	}
	if d.Outcome == supervision.OutcomeRefund && (d.RefundFen <= 0 || d.RefundFen > o.PaidFen || o.InstanceID == nil) {
		errs["refund"] = supervision.MsgSvRefundAmount
	}
	if errs.Has() {
		return nil, errs
	}
	err := s.conn(ctx).Transaction(func(tx *gorm.DB) error {
		now := s.now()
		set := map[string]any{"status": supervision.AppealDecided, "outcome": d.Outcome, "decision_reason": reason, "decided_by": admin.ID,
			"decided_at": now, "open_key": nil, "updated_at": now}
		if d.Outcome == supervision.OutcomeRefund {
			set["refund_fen"] = d.RefundFen
		}
		var cur supervision.Appeal
		if err := sqldb.LockRow(tx, &cur, ap.ID); err != nil {
			return err
		}
		if cur.Status == supervision.AppealDecided {
			return sqldb.ErrStale
		}
		res := tx.Model(&supervision.Appeal{}).Where("id = ? AND status <> ?", ap.ID, supervision.AppealDecided).Updates(set)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return sqldb.ErrStale
		}
		var sv supervision.Supervision
		if err := tx.First(&sv, ap.SupervisionID).Error; err != nil {
			return err
		}
		if err := tx.Model(&supervision.Supervision{}).Where("id = ?", sv.ID).Updates(map[string]any{"frozen": false, "updated_at": now}).Error; err != nil {
			return err
		}
		sv.Frozen = false
		amount := ""
		if d.Outcome == supervision.OutcomeRefund {
			amount = money.Fen(d.RefundFen).String()
		}
		if err := s.AuditAppeal(tx, admin.ID, ap.ID, "appeal."+string(d.Outcome), o.ID, amount, reason); err != nil {
			return err
		}
		switch d.Outcome {
		case supervision.OutcomeResume:
			if err := tx.Create(&supervision.SupervisionEvent{SupervisionID: sv.ID, ActorID: &admin.ID, ActorRole: account.RoleAdmin, Action: supervision.SvAppealResumed,
				FromStep: sv.Step, ToStep: sv.Step, Text: reason, CreatedAt: now}).Error; err != nil {
				return err
			}
			return s.TellSupervision(tx, &sv, supervision.SvAppealResumed, reason)
		case supervision.OutcomeForceAccept:
			if !supervision.CanSupervise(supervision.SvForceAccept, sv.Step, account.RoleAdmin, sv.Hardware()) {
				return sqldb.FieldErrors{"outcome": supervision.MsgSvDecision}
			}
			return s.ApplyDecision(tx, &sv, supervision.SvForceAccept, admin.ID, reason)
		}
		if !supervision.CanSupervise(supervision.SvRefundClose, sv.Step, account.RoleAdmin, sv.Hardware()) {
			return sqldb.FieldErrors{"outcome": supervision.MsgSvDecision}
		}
		if err := s.appealRefund(tx, admin, &o, d.RefundFen, reason); err != nil {
			return err
		}
		return s.ApplyDecision(tx, &sv, supervision.SvRefundClose, admin.ID, money.Fen(d.RefundFen).String()+"\n"+reason)
	})
	if err != nil {
		return nil, err
	}
	if d.Outcome == supervision.OutcomeRefund {
		s.Signal()
	}
	if err := s.conn(ctx).First(&ap, ap.ID).Error; err != nil {
		return nil, err
	}
	return &ap, nil
}

// appealRefund decides a refund for the buyer through the refund feature: an approved
// negotiated request (decided by operations) and its effects — the refund record, the
// unsubscription order, the service released, supervision closed, both parties told.
func (s *Store) appealRefund(tx *gorm.DB, admin *account.User, o *orders.Order, fen int64, reason string) error {
	now := s.now()
	r := &refund.RefundRequest{OrderID: o.ID, InstanceID: *o.InstanceID, BuyerID: o.BuyerID, SellerID: o.SellerID, ProductID: o.ProductID,
		Kind: refund.RefundKindNegotiated, Status: refund.RefundApproved, AmountFen: fen, MaxFen: o.PaidFen, Cause: refund.CauseAgreedWithSeller,
		Text: sqldb.ClipText(reason, 500), Opinion: sqldb.ClipText("申诉裁决 Appeal decision: "+strings.TrimSpace(reason), 500),
		DecidedBy: &admin.ID, DecidedAt: &now, CreatedAt: now, UpdatedAt: now}
	if err := tx.Create(r).Error; err != nil {
		return err
	}
	if err := s.AuditRefund(tx, admin.ID, r.ID, refund.RefundEventApproved, "appeal→approved", reason); err != nil {
		return err
	}
	// A request the buyer had pending for the same service gives way to the decision.
	if err := tx.Model(&refund.RefundRequest{}).Where("open_key = ? AND id <> ?", *o.InstanceID, r.ID).
		Updates(map[string]any{"status": refund.RefundWithdrawn, "open_key": nil, "updated_at": now}).Error; err != nil {
		return err
	}
	return s.refundEffects(tx, r)
}
