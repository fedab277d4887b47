package supervision

import (
	"context"
	"errors"

	"koogallery/models/account"
	"koogallery/models/attachment"
	"koogallery/models/orders"
	"koogallery/models/sqldb"

	"gorm.io/gorm"
)

// AppealInput is what a party types to appeal (申诉原因, 诉求, attachments).
type AppealInput struct {
	Reason      string
	Demand      string
	Attachments []*attachment.Upload
}

// OpenAppeal (发起申诉) raises an appeal on one of the party's supervisions and freezes it, in
// one transaction guarded on no appeal being open. ErrNotFound: not the party's; a finished
// supervision or an open appeal is FieldErrors{"form": …}.
func (s *Store) OpenAppeal(ctx context.Context, u *account.User, id uint, in AppealInput) (*Appeal, error) {
	sv, role, err := s.supervisionFor(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if role != account.RoleBuyer && role != account.RoleSeller {
		return nil, ErrNotYourTurn
	}
	errs := sqldb.FieldErrors{}
	reason, msg := CheckText(in.Reason, true, MaxSupervisionText)
	if msg != "" {
		errs["reason"] = msg
	}
	demand, msg := CheckText(in.Demand, false, MaxSupervisionText)
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
	err = s.Conn(ctx).Transaction(func(tx *gorm.DB) error {
		now := s.Now()
		var cur Supervision
		if err := sqldb.LockRow(tx, &cur, sv.ID); err != nil {
			return err
		}
		res := tx.Model(&Supervision{}).Where("id = ? AND frozen = ? AND step NOT IN ?", sv.ID, false, []SupervisionStep{StepCompleted, StepClosed}).
			Updates(map[string]any{"frozen": true, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return sqldb.FieldErrors{"form": MsgSvAppealOpen}
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
			if _, err := attachment.Save(tx, s.Now(), AttachAppeal, ap.ID, u, f); err != nil {
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
		return s.TellSupervision(tx, sv, SvAppealOpened, reason)
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return nil, sqldb.FieldErrors{"form": MsgSvAppealOpen}
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
		return nil, sqldb.NotFound(err)
	}
	return &ap, nil
}

// AddAppealInfo lets a party add words and evidence to the open appeal of one of their
// supervisions (after operations asked for more, or of their own accord).
func (s *Store) AddAppealInfo(ctx context.Context, u *account.User, id uint, text string, uploads []*attachment.Upload) error {
	sv, role, err := s.supervisionFor(ctx, u, id)
	if err != nil {
		return err
	}
	if role != account.RoleBuyer && role != account.RoleSeller {
		return ErrNotYourTurn
	}
	errs := sqldb.FieldErrors{}
	t, msg := CheckText(text, true, MaxSupervisionText)
	if msg != "" {
		errs["text"] = msg
	}
	files := checkedFiles(uploads, errs)
	if errs.Has() {
		return errs
	}
	return s.Conn(ctx).Transaction(func(tx *gorm.DB) error {
		ap, err := pendingAppeal(tx, sv.ID)
		if errors.Is(err, sqldb.ErrNotFound) {
			return sqldb.FieldErrors{"form": MsgSvAppealFinished}
		}
		if err != nil {
			return err
		}
		if err := sqldb.LockRow(tx, ap, ap.ID); err != nil { // the lock a decision takes first
			return err
		}
		if ap.Status == AppealDecided {
			return sqldb.FieldErrors{"form": MsgSvAppealFinished}
		}
		now := s.Now()
		ev := &SupervisionEvent{SupervisionID: sv.ID, ActorID: &u.ID, ActorRole: role, Action: SvAppealInfo, FromStep: sv.Step, ToStep: sv.Step, Text: t, CreatedAt: now}
		if err := tx.Create(ev).Error; err != nil {
			return err
		}
		for _, f := range files {
			if _, err := attachment.Save(tx, s.Now(), AttachAppeal, ap.ID, u, f); err != nil {
				return err
			}
		}
		if ap.Status == AppealInfoRequested {
			if err := tx.Model(&Appeal{}).Where("id = ? AND status = ?", ap.ID, AppealInfoRequested).
				Updates(map[string]any{"status": AppealOpen, "updated_at": now}).Error; err != nil {
				return err
			}
		}
		return s.TellSupervision(tx, sv, SvAppealInfo, t)
	})
}

// RequestAppealInfo is operations asking both parties for more information on an appeal.
func (s *Store) RequestAppealInfo(ctx context.Context, admin *account.User, appealID uint, text string) error {
	if admin == nil || admin.Role != account.RoleAdmin {
		return sqldb.ErrNotFound
	}
	t, msg := CheckText(text, true, MaxSupervisionText)
	if msg != "" {
		return sqldb.FieldErrors{"text": msg}
	}
	return s.Conn(ctx).Transaction(func(tx *gorm.DB) error {
		now := s.Now()
		var ap Appeal
		if err := sqldb.LockRow(tx, &ap, appealID); err != nil {
			return err
		}
		res := tx.Model(&Appeal{}).Where("id = ? AND status <> ?", ap.ID, AppealDecided).Updates(map[string]any{"status": AppealInfoRequested, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return sqldb.ErrStale
		}
		var sv Supervision
		if err := tx.First(&sv, ap.SupervisionID).Error; err != nil {
			return err
		}
		if err := tx.Create(&SupervisionEvent{SupervisionID: sv.ID, ActorID: &admin.ID, ActorRole: account.RoleAdmin, Action: SvAppealInfoReq,
			FromStep: sv.Step, ToStep: sv.Step, Text: t, CreatedAt: now}).Error; err != nil {
			return err
		}
		if err := s.AuditAppeal(tx, admin.ID, ap.ID, AuditAppealInfoRequested, ap.OrderID, "", t); err != nil {
			return err
		}
		return s.TellSupervision(tx, &sv, SvAppealInfoReq, t)
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
func (s *Store) AuditAppeal(tx *gorm.DB, adminID, appealID uint, action string, orderID uint, amount, reason string) error {
	var o orders.Order
	if err := tx.Select("id", "order_no").First(&o, orderID).Error; err != nil {
		return err
	}
	detail := o.OrderNo
	if amount != "" {
		detail += " · " + amount
	}
	return tx.Create(&account.AuditEvent{ActorID: adminID, Action: action, TargetType: AuditAppeal, TargetID: appealID,
		Detail: sqldb.ClipText(detail, 200), Reason: sqldb.ClipText(reason, 500), CreatedAt: s.Now()}).Error
}

// AppealDecision is operations' decision on an appeal.
type AppealDecision struct {
	Outcome   AppealOutcome
	Reason    string
	RefundFen int64 // OutcomeRefund: 0 < amount ≤ paid
}
