package models

import (
	"context"
	"errors"
	"strings"

	"koogallery/models/attachment"
	"koogallery/models/orders"

	"gorm.io/gorm"
)

// AppealInput is what a party types to appeal (申诉原因, 诉求, attachments).
type AppealInput struct {
	Reason      string
	Demand      string
	Attachments []*Upload
}

// OpenAppeal (发起申诉) raises an appeal on one of the party's supervisions and freezes it, in
// one transaction guarded on no appeal being open. ErrNotFound: not the party's; a finished
// supervision or an open appeal is FieldErrors{"form": …}.
func (s *Store) OpenAppeal(ctx context.Context, u *User, id uint, in AppealInput) (*Appeal, error) {
	sv, role, err := s.supervisionFor(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if role != RoleBuyer && role != RoleSeller {
		return nil, ErrNotYourTurn
	}
	errs := FieldErrors{}
	reason, msg := checkText(in.Reason, true, MaxSupervisionText)
	if msg != "" {
		errs["reason"] = msg
	}
	demand, msg := checkText(in.Demand, false, MaxSupervisionText)
	if msg != "" {
		errs["demand"] = msg
	}
	files := checkedFiles(in.Attachments, errs)
	if sv.Step.Final() {
		errs["form"] = MsgSvAppealFinished
	} else if sv.Frozen {
		errs["form"] = MsgSvAppealOpen
	}
	if errs.Has() {
		return nil, errs
	}
	var ap *Appeal
	err = s.conn(ctx).Transaction(func(tx *gorm.DB) error {
		now := s.now()
		var cur Supervision
		if err := s.lockRow(tx, &cur, sv.ID); err != nil {
			return err
		}
		res := tx.Model(&Supervision{}).Where("id = ? AND frozen = ? AND step NOT IN ?", sv.ID, false, []SupervisionStep{StepCompleted, StepClosed}).
			Updates(map[string]any{"frozen": true, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return FieldErrors{"form": MsgSvAppealOpen}
		}
		if err := tx.First(sv, sv.ID).Error; err != nil {
			return err
		}
		ap = &Appeal{SupervisionID: sv.ID, OrderID: sv.OrderID, BuyerID: sv.BuyerID, SellerID: sv.SellerID, ByID: u.ID, ByRole: role,
			Step: sv.Step, Reason: reason, Demand: demand, Status: AppealOpen, OpenKey: &sv.ID, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(ap).Error; err != nil {
			return err
		}
		for _, f := range files {
			if _, err := attachment.Save(tx, s.now(), AttachAppeal, ap.ID, u, f); err != nil {
				return err
			}
		}
		text := reason
		if demand != "" {
			text += "\n" + demand
		}
		if err := tx.Create(&SupervisionEvent{SupervisionID: sv.ID, ActorID: &u.ID, ActorRole: role, Action: SvAppealOpened,
			FromStep: sv.Step, ToStep: sv.Step, Text: text, CreatedAt: now}).Error; err != nil {
			return err
		}
		return s.tellSupervision(tx, sv, SvAppealOpened, reason)
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return nil, FieldErrors{"form": MsgSvAppealOpen}
	}
	if err != nil {
		return nil, err
	}
	return ap, nil
}

// pendingAppeal loads the supervision's undecided appeal.
func pendingAppeal(tx *gorm.DB, svID uint) (*Appeal, error) {
	var ap Appeal
	if err := tx.Where("supervision_id = ? AND status <> ?", svID, AppealDecided).Order("id DESC").First(&ap).Error; err != nil {
		return nil, notFound(err)
	}
	return &ap, nil
}

// AddAppealInfo lets a party add words and evidence to the open appeal of one of their
// supervisions (after operations asked for more, or of their own accord).
func (s *Store) AddAppealInfo(ctx context.Context, u *User, id uint, text string, uploads []*Upload) error {
	sv, role, err := s.supervisionFor(ctx, u, id)
	if err != nil {
		return err
	}
	if role != RoleBuyer && role != RoleSeller {
		return ErrNotYourTurn
	}
	errs := FieldErrors{}
	t, msg := checkText(text, true, MaxSupervisionText)
	if msg != "" {
		errs["text"] = msg
	}
	files := checkedFiles(uploads, errs)
	if errs.Has() {
		return errs
	}
	return s.conn(ctx).Transaction(func(tx *gorm.DB) error {
		ap, err := pendingAppeal(tx, sv.ID)
		if errors.Is(err, ErrNotFound) {
			return FieldErrors{"form": MsgSvAppealFinished}
		}
		if err != nil {
			return err
		}
		if err := s.lockRow(tx, ap, ap.ID); err != nil { // the lock a decision takes first
			return err
		}
		if ap.Status == AppealDecided {
			return FieldErrors{"form": MsgSvAppealFinished}
		}
		now := s.now()
		ev := &SupervisionEvent{SupervisionID: sv.ID, ActorID: &u.ID, ActorRole: role, Action: SvAppealInfo, FromStep: sv.Step, ToStep: sv.Step, Text: t, CreatedAt: now}
		if err := tx.Create(ev).Error; err != nil {
			return err
		}
		for _, f := range files {
			if _, err := attachment.Save(tx, s.now(), AttachAppeal, ap.ID, u, f); err != nil {
				return err
			}
		}
		if ap.Status == AppealInfoRequested {
			if err := tx.Model(&Appeal{}).Where("id = ? AND status = ?", ap.ID, AppealInfoRequested).
				Updates(map[string]any{"status": AppealOpen, "updated_at": now}).Error; err != nil {
				return err
			}
		}
		return s.tellSupervision(tx, sv, SvAppealInfo, t)
	})
}

// RequestAppealInfo is operations asking both parties for more information on an appeal.
func (s *Store) RequestAppealInfo(ctx context.Context, admin *User, appealID uint, text string) error {
	if admin == nil || admin.Role != RoleAdmin {
		return ErrNotFound
	}
	t, msg := checkText(text, true, MaxSupervisionText)
	if msg != "" {
		return FieldErrors{"text": msg}
	}
	return s.conn(ctx).Transaction(func(tx *gorm.DB) error {
		now := s.now()
		var ap Appeal
		if err := s.lockRow(tx, &ap, appealID); err != nil {
			return err
		}
		res := tx.Model(&Appeal{}).Where("id = ? AND status <> ?", ap.ID, AppealDecided).Updates(map[string]any{"status": AppealInfoRequested, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrStale
		}
		var sv Supervision
		if err := tx.First(&sv, ap.SupervisionID).Error; err != nil {
			return err
		}
		if err := tx.Create(&SupervisionEvent{SupervisionID: sv.ID, ActorID: &admin.ID, ActorRole: RoleAdmin, Action: SvAppealInfoReq,
			FromStep: sv.Step, ToStep: sv.Step, Text: t, CreatedAt: now}).Error; err != nil {
			return err
		}
		if err := s.auditAppeal(tx, admin.ID, ap.ID, AuditAppealInfoRequested, ap.OrderID, "", t); err != nil {
			return err
		}
		return s.tellSupervision(tx, &sv, SvAppealInfoReq, t)
	})
}

// AuditAppeal is the audit target type of appeals. Operations' decisions on them are audited
// as "appeal.<outcome>" (appeal.resume, appeal.force_accept, appeal.refund), and a request for
// more information as AuditAppealInfoRequested, each with its reason.
const AuditAppeal = "appeal"

// AuditAppealInfoRequested is the audit action of operations asking the parties of an appeal
// for more information.
const AuditAppealInfoRequested = "appeal.info_requested"

// auditAppeal records an operations decision on an appeal inside its transaction: the order it
// concerns (and a refund's amount) as the detail, the written reason as the reason.
func (s *Store) auditAppeal(tx *gorm.DB, adminID, appealID uint, action string, orderID uint, amount, reason string) error {
	var o orders.Order
	if err := tx.Select("id", "order_no").First(&o, orderID).Error; err != nil {
		return err
	}
	detail := o.OrderNo
	if amount != "" {
		detail += " · " + amount
	}
	return tx.Create(&AuditEvent{ActorID: adminID, Action: action, TargetType: AuditAppeal, TargetID: appealID,
		Detail: ClipText(detail, 200), Reason: ClipText(reason, 500), CreatedAt: s.now()}).Error
}

// AppealDecision is operations' decision on an appeal.
type AppealDecision struct {
	Outcome   AppealOutcome
	Reason    string
	RefundFen int64 // OutcomeRefund: 0 < amount ≤ paid
}

// DecideAppeal applies operations' decision in one transaction: the appeal decided (guarded:
// a second decision is ErrStale), the supervision unfrozen, and the outcome — the flow resumed
// where it stood, acceptance forced, or the supervision closed by a refund approved through
// the refund feature (the refund record, unsubscription and release with it). Both parties see
// the written reason and are told.
func (s *Store) DecideAppeal(ctx context.Context, admin *User, appealID uint, d AppealDecision) (*Appeal, error) {
	if admin == nil || admin.Role != RoleAdmin {
		return nil, ErrNotFound
	}
	var ap Appeal
	if err := s.conn(ctx).First(&ap, appealID).Error; err != nil {
		return nil, notFound(err)
	}
	var o orders.Order
	if err := s.conn(ctx).First(&o, ap.OrderID).Error; err != nil {
		return nil, err
	}
	errs := FieldErrors{}
	reason, msg := checkText(d.Reason, true, MaxSupervisionText)
	if msg != "" {
		errs["reason"] = msg
	}
	known := false
	for _, k := range AppealOutcomes {
		known = known || k == d.Outcome
	}
	if !known {
		errs["outcome"] = MsgSvDecision
	}
	if d.Outcome == OutcomeRefund && (d.RefundFen <= 0 || d.RefundFen > o.PaidFen || o.InstanceID == nil) {
		errs["refund"] = MsgSvRefundAmount
	}
	if errs.Has() {
		return nil, errs
	}
	err := s.conn(ctx).Transaction(func(tx *gorm.DB) error {
		now := s.now()
		set := map[string]any{"status": AppealDecided, "outcome": d.Outcome, "decision_reason": reason, "decided_by": admin.ID,
			"decided_at": now, "open_key": nil, "updated_at": now}
		if d.Outcome == OutcomeRefund {
			set["refund_fen"] = d.RefundFen
		}
		var cur Appeal
		if err := s.lockRow(tx, &cur, ap.ID); err != nil {
			return err
		}
		if cur.Status == AppealDecided {
			return ErrStale
		}
		res := tx.Model(&Appeal{}).Where("id = ? AND status <> ?", ap.ID, AppealDecided).Updates(set)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrStale
		}
		var sv Supervision
		if err := tx.First(&sv, ap.SupervisionID).Error; err != nil {
			return err
		}
		if err := tx.Model(&Supervision{}).Where("id = ?", sv.ID).Updates(map[string]any{"frozen": false, "updated_at": now}).Error; err != nil {
			return err
		}
		sv.Frozen = false
		amount := ""
		if d.Outcome == OutcomeRefund {
			amount = fenText(d.RefundFen)
		}
		if err := s.auditAppeal(tx, admin.ID, ap.ID, "appeal."+string(d.Outcome), o.ID, amount, reason); err != nil {
			return err
		}
		switch d.Outcome {
		case OutcomeResume:
			if err := tx.Create(&SupervisionEvent{SupervisionID: sv.ID, ActorID: &admin.ID, ActorRole: RoleAdmin, Action: SvAppealResumed,
				FromStep: sv.Step, ToStep: sv.Step, Text: reason, CreatedAt: now}).Error; err != nil {
				return err
			}
			return s.tellSupervision(tx, &sv, SvAppealResumed, reason)
		case OutcomeForceAccept:
			if !CanSupervise(SvForceAccept, sv.Step, RoleAdmin, sv.Hardware()) {
				return FieldErrors{"outcome": MsgSvDecision}
			}
			return s.transition(tx, &sv, SvForceAccept, &admin.ID, RoleAdmin, svChange{text: reason})
		}
		if !CanSupervise(SvRefundClose, sv.Step, RoleAdmin, sv.Hardware()) {
			return FieldErrors{"outcome": MsgSvDecision}
		}
		if err := s.appealRefund(tx, admin, &o, d.RefundFen, reason); err != nil {
			return err
		}
		return s.transition(tx, &sv, SvRefundClose, &admin.ID, RoleAdmin, svChange{text: fenText(d.RefundFen) + "\n" + reason})
	})
	if err != nil {
		return nil, err
	}
	if d.Outcome == OutcomeRefund {
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
func (s *Store) appealRefund(tx *gorm.DB, admin *User, o *orders.Order, fen int64, reason string) error {
	now := s.now()
	r := &RefundRequest{OrderID: o.ID, InstanceID: *o.InstanceID, BuyerID: o.BuyerID, SellerID: o.SellerID, ProductID: o.ProductID,
		Kind: RefundKindNegotiated, Status: RefundApproved, AmountFen: fen, MaxFen: o.PaidFen, Cause: CauseAgreedWithSeller,
		Text: ClipText(reason, 500), Opinion: ClipText("申诉裁决 Appeal decision: "+strings.TrimSpace(reason), 500),
		DecidedBy: &admin.ID, DecidedAt: &now, CreatedAt: now, UpdatedAt: now}
	if err := tx.Create(r).Error; err != nil {
		return err
	}
	if err := s.auditRefund(tx, admin.ID, r.ID, RefundEventApproved, "appeal→approved", reason); err != nil {
		return err
	}
	// A request the buyer had pending for the same service gives way to the decision.
	if err := tx.Model(&RefundRequest{}).Where("open_key = ? AND id <> ?", *o.InstanceID, r.ID).
		Updates(map[string]any{"status": RefundWithdrawn, "open_key": nil, "updated_at": now}).Error; err != nil {
		return err
	}
	return s.refundEffects(tx, r)
}
