package supervision

import (
	"context"
	"errors"
	"fmt"
	"time"

	"koogallery/models/account"
	"koogallery/models/attachment"
	"koogallery/models/catalog"
	"koogallery/models/license"
	"koogallery/models/notice"
	"koogallery/models/orders"
	"koogallery/models/sqldb"

	"gorm.io/gorm"
)

// lockRow reads a row by primary key inside tx, locked FOR UPDATE on MySQL (SQLite has one
// writer): a transition takes the row's lock first, by its primary key only, so racing
// transitions queue on it instead of deadlocking on the secondary indexes their guarded

// createSupervision starts the supervision of a supervised purchase inside its transaction:
// the first step, a system identification code when the product needs one, and the timeline's
// first event.
func (s *Store) CreateSupervision(tx *gorm.DB, p *catalog.Product, o *orders.Order) (*Supervision, error) {
	now := s.Now()
	sv := &Supervision{OrderID: o.ID, BuyerID: o.BuyerID, SellerID: o.SellerID, ProductID: p.ID, ProductType: p.Type,
		CodeKind: p.CodeKind, Step: FirstStep(p), CreatedAt: now, UpdatedAt: now}
	if p.Type == catalog.TypeHardware {
		sv.CodeKind = catalog.CodeNone
	}
	var err error
	for range 4 {
		sv.ID = 0
		if sv.CodeKind == catalog.CodeSystem {
			code := NewSystemCode()
			sv.SystemCode = &code
		}
		if err = tx.Create(sv).Error; !errors.Is(err, gorm.ErrDuplicatedKey) || sv.CodeKind != catalog.CodeSystem {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	ev := &SupervisionEvent{SupervisionID: sv.ID, ActorID: &o.BuyerID, ActorRole: account.RoleBuyer, Action: SvCreated, ToStep: sv.Step, CreatedAt: now}
	if err := tx.Create(ev).Error; err != nil {
		return nil, err
	}
	return sv, s.TellSupervision(tx, sv, SvCreated, "")
}

// partyRole is the role a user acts in on a supervision, and the scope that finds it.
func partyScope(q *gorm.DB, u *account.User) (*gorm.DB, account.Role) {
	switch {
	case u == nil:
		return q.Where("1 = 0"), ""
	case u.Role == account.RoleBuyer:
		return q.Where("buyer_id = ?", u.ID), account.RoleBuyer
	case u.Role == account.RoleSeller && u.CompanyID() != 0:
		return q.Where("seller_id = ?", u.CompanyID()), account.RoleSeller
	case u.Role == account.RoleAdmin:
		return q, account.RoleAdmin
	}
	return q.Where("1 = 0"), ""
}

// supervisionFor loads a supervision the user is a party of (or any, for an admin).
func (s *Store) supervisionFor(ctx context.Context, u *account.User, id uint) (*Supervision, account.Role, error) {
	q, role := partyScope(s.Conn(ctx).Preload("Product").Preload("Order"), u)
	var sv Supervision
	if err := q.First(&sv, id).Error; err != nil {
		return nil, "", sqldb.NotFound(err)
	}
	return &sv, role, nil
}

// checkedFiles validates the uploads of a step; a refused one is the "attachment" field's message.
func checkedFiles(list []*attachment.Upload, errs sqldb.FieldErrors) []*attachment.Checked {
	var out []*attachment.Checked
	for _, u := range list {
		if u == nil {
			continue
		}
		c, msg := attachment.Check(u)
		if msg != "" {
			errs["attachment"] = msg
			continue
		}
		out = append(out, c)
	}
	if len(out) > 5 {
		errs["attachment"] = MsgSvTooManyFiles
	}
	return out
}

// MsgSvTooManyFiles: at most five attachments per step.
const MsgSvTooManyFiles = "supervision.err.too_many_files"

// svChange is a validated party action: the columns it sets besides the step and the event.
type svChange struct {
	set   map[string]any
	text  string
	files []*attachment.Checked
}

// ApplyDecision moves a supervision by operations' decision inside tx (an appeal's outcome),
// with the decision's words on the timeline.
func (s *Store) ApplyDecision(tx *gorm.DB, sv *Supervision, a SupervisionAction, adminID uint, text string) error {
	return s.transition(tx, sv, a, &adminID, account.RoleAdmin, svChange{text: text})
}

// validateAction checks a party's input for an action before anything is written.
func (s *Store) validateAction(sv *Supervision, a SupervisionAction, in SupervisionInput) (svChange, sqldb.FieldErrors) {
	errs := sqldb.FieldErrors{}
	c := svChange{set: map[string]any{}}
	var msg string
	switch a {
	case SvSubmitRequirements:
		if c.text, msg = CheckText(in.Text, true, MaxSupervisionText); msg != "" {
			errs["text"] = msg
		}
		c.set["requirements"] = c.text
	case SvRejectRequirements, SvRejectDelivery:
		if c.text, msg = CheckText(in.Text, true, MaxSupervisionText); msg != "" {
			errs["text"] = msg
		}
	case SvConfirmRequirements, SvAccept, SvSign:
		if c.text, msg = CheckText(in.Text, false, MaxSupervisionText); msg != "" {
			errs["text"] = msg
		}
		if a == SvAccept && !in.Confirm {
			errs["confirm"] = MsgSvConfirmAccept // acceptance ends the guarantee period: confirmed, never by a stray click
		}
	case SvSubmitCode:
		if sv.CodeKind == catalog.CodeHardware {
			code, msg := license.NormalizeFingerprint(in.HardwareCode)
			if msg != "" {
				errs["code"] = msg
			}
			if !in.ConfirmCode {
				errs["confirm"] = MsgSvConfirmCode
			}
			c.set["hardware_code"] = code
			c.text = code
		} else if sv.SystemCode != nil {
			c.text = *sv.SystemCode
		}
		c.set["code_submitted_at"] = s.Now()
	case SvDeliver:
		if c.text, msg = CheckText(in.Text, false, MaxSupervisionText); msg != "" {
			errs["text"] = msg
		}
		if in.ActualStart != nil {
			if in.ActualStart.After(s.Now().Add(24*time.Hour)) || in.ActualStart.Before(sv.CreatedAt.Add(-24*time.Hour)) {
				errs["actual_start"] = MsgSvStartInvalid
			} else {
				c.set["actual_start_at"] = in.ActualStart.UTC()
			}
		}
		c.set["delivered_at"] = s.Now()
	case SvShip:
		if c.text, msg = CheckText(in.Logistics, true, MaxLogistics); msg != "" {
			errs["logistics"] = MsgSvLogistics
		}
		c.set["logistics"] = c.text
		c.set["shipped_at"] = s.Now()
	}
	c.files = checkedFiles(in.Attachments, errs)
	if a == SvDeliver && len(c.files) == 0 && errs["attachment"] == "" {
		errs["attachment"] = MsgSvProofRequired // delivery proof: SOW, acceptance document
	}
	return c, errs
}

// Act applies a party's action to one of their supervisions: validated first (a message per
// field, nothing written), then applied as a guarded transition. ErrNotFound: not the party's;
// ErrFrozen: an appeal is open; ErrNotYourTurn: not this party's action at this step (also a
// double submit: the first one moved the step on); ErrStale: the page showed another step.
func (s *Store) Act(ctx context.Context, u *account.User, id uint, a SupervisionAction, in SupervisionInput) (*Supervision, error) {
	sv, role, err := s.supervisionFor(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if role != account.RoleBuyer && role != account.RoleSeller {
		return nil, ErrNotYourTurn
	}
	if in.ExpectedStep != "" && in.ExpectedStep != sv.Step {
		return nil, sqldb.ErrStale
	}
	if sv.Frozen {
		return nil, ErrFrozen
	}
	if !CanSupervise(a, sv.Step, role, sv.Hardware()) {
		return nil, ErrNotYourTurn
	}
	c, errs := s.validateAction(sv, a, in)
	if errs.Has() {
		return nil, errs
	}
	err = s.Conn(ctx).Transaction(func(tx *gorm.DB) error {
		return s.transition(tx, sv, a, &u.ID, role, c)
	})
	if err != nil {
		return nil, err
	}
	return sv, nil
}

// transition moves sv by the action inside tx, guarded on the step it read and on no appeal
// being open; it records the event with its attachments, applies the action's effects and
// tells both parties.
func (s *Store) transition(tx *gorm.DB, sv *Supervision, a SupervisionAction, actorID *uint, role account.Role, c svChange) error {
	t := supervisionTransitions[a]
	now := s.Now()
	set := map[string]any{"step": t.to, "updated_at": now}
	for k, v := range c.set {
		set[k] = v
	}
	switch a {
	case SvSign:
		set["signed_at"] = now
		set["auto_accept_at"] = now.Add(HardwareAutoAccept)
	case SvRejectDelivery, SvRejectRequirements:
		set["rejections"] = gorm.Expr("rejections + 1")
	case SvAccept, SvAutoAccept, SvForceAccept:
		set["accepted_at"] = now
		set["complete_at"] = now.Add(SupervisionCompleteDelay)
		set["auto_accept_at"] = nil
	case SvComplete:
		set["completed_at"] = now
		set["complete_at"] = nil
	case SvRefundClose:
		set["auto_accept_at"] = nil
		set["complete_at"] = nil
	}
	var cur Supervision
	if err := sqldb.LockRow(tx, &cur, sv.ID); err != nil {
		return err
	}
	if cur.Frozen && role != account.RoleAdmin {
		return ErrFrozen
	}
	if cur.Step != sv.Step {
		return ErrNotYourTurn // someone moved it on first
	}
	q := tx.Model(&Supervision{}).Where("id = ? AND step = ?", sv.ID, sv.Step)
	if role != account.RoleAdmin {
		q = q.Where("frozen = ?", false) // an admin's decision is what unfreezes
	}
	res := q.Updates(set)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		var fresh Supervision
		if err := tx.First(&fresh, sv.ID).Error; err != nil {
			return err
		}
		if fresh.Frozen && role != account.RoleAdmin {
			return ErrFrozen
		}
		return ErrNotYourTurn // someone moved it on first
	}
	from := sv.Step
	if err := tx.First(sv, sv.ID).Error; err != nil {
		return err
	}
	ev := &SupervisionEvent{SupervisionID: sv.ID, ActorID: actorID, ActorRole: role, Action: a, FromStep: from, ToStep: t.to,
		Text: c.text, CreatedAt: now}
	if err := tx.Create(ev).Error; err != nil {
		return err
	}
	if len(c.files) > 0 {
		var up account.User
		if actorID != nil {
			if err := tx.First(&up, *actorID).Error; err != nil {
				return err
			}
		}
		for _, f := range c.files {
			if _, err := attachment.Save(tx, s.Now(), AttachSupervisionEvent, ev.ID, &up, f); err != nil {
				return err
			}
		}
	}
	switch t.to {
	case StepAccepted:
		if err := s.acceptEffects(tx, sv, now); err != nil {
			return err
		}
	case StepCompleted:
		if err := tx.Model(&orders.Order{}).Where("id = ? AND status = ?", sv.OrderID, orders.OrderProcessing).Update("status", orders.OrderCompleted).Error; err != nil {
			return err
		}
		if err := tx.Model(&orders.Order{}).Where("id = ? AND (supervision_status IS NULL OR supervision_status IN ?)", sv.OrderID,
			[]orders.SupervisionStatus{orders.SupervisionUnknown, orders.SupervisionInProgress}).Update("supervision_status", orders.SupervisionCompleted).Error; err != nil {
			return err
		}
	}
	return s.TellSupervision(tx, sv, a, c.text)
}

// acceptEffects starts the service's validity at acceptance (or at the seller's actual start
// time): a periodic order's expiry is counted from there; a service not opened through the
// seller's interface comes into use.
func (s *Store) acceptEffects(tx *gorm.DB, sv *Supervision, at time.Time) error {
	var o orders.Order
	if err := tx.First(&o, sv.OrderID).Error; err != nil {
		return err
	}
	var p catalog.Product
	if err := tx.First(&p, sv.ProductID).Error; err != nil {
		return err
	}
	start := at
	if sv.ActualStartAt != nil {
		start = *sv.ActualStartAt
	}
	expire := orders.AddPeriod(start, o.Plan, o.PeriodCount, p.TrialDays)
	if err := tx.Model(&orders.Order{}).Where("id = ?", o.ID).Updates(map[string]any{"effective_at": start, "expire_at": expire}).Error; err != nil {
		return err
	}
	if o.InstanceID == nil {
		return nil
	}
	set := map[string]any{"effective_at": start, "expire_at": expire, "updated_at": at}
	if err := tx.Model(&orders.Instance{}).Where("id = ?", *o.InstanceID).Updates(set).Error; err != nil {
		return err
	}
	if !p.Type.UsesInterface() {
		return tx.Model(&orders.Instance{}).Where("id = ? AND status = ?", *o.InstanceID, orders.InstanceOpening).Update("status", orders.InstanceNormal).Error
	}
	return nil
}

// SweepSupervision applies the flow's scheduled transitions that are due by the store's clock:
// hardware accepted 10 days after it was signed for, accepted orders completed 3 hours after
// acceptance, and supervisions whose order a refund closed. It handles at most limit of each
// and reports how many it moved. Safe in every process: each move is a guarded transition.
func (s *Store) SweepSupervision(ctx context.Context, limit int) (int, error) {
	now := s.Now()
	moved := 0
	run := func(a SupervisionAction, q *gorm.DB) error {
		var due []Supervision
		if err := q.Limit(limit).Find(&due).Error; err != nil {
			return err
		}
		for i := range due {
			sv := &due[i]
			err := s.Conn(ctx).Transaction(func(tx *gorm.DB) error {
				return s.transition(tx, sv, a, nil, RoleSystem, svChange{})
			})
			switch {
			case errors.Is(err, ErrFrozen), errors.Is(err, ErrNotYourTurn):
				continue // another process moved it, or an appeal froze it meanwhile
			case err != nil:
				return err
			}
			moved++
		}
		return nil
	}
	db := s.Conn(ctx)
	if err := run(SvAutoAccept, db.Where("step = ? AND frozen = ? AND product_type = ? AND auto_accept_at <= ?", StepAcceptance, false, catalog.TypeHardware, now)); err != nil {
		return moved, err
	}
	if err := run(SvComplete, db.Where("step = ? AND frozen = ? AND complete_at <= ?", StepAccepted, false, now)); err != nil {
		return moved, err
	}
	// A refund approved through 退订管理 closed the order's supervision.
	closed := db.Model(&orders.Order{}).Select("id").Where("supervision_status = ?", orders.SupervisionClosed)
	var gone []Supervision
	if err := db.Where("step NOT IN ? AND order_id IN (?)", []SupervisionStep{StepCompleted, StepClosed}, closed).Limit(limit).Find(&gone).Error; err != nil {
		return moved, err
	}
	for i := range gone {
		sv := &gone[i]
		err := db.Transaction(func(tx *gorm.DB) error {
			var cur Supervision
			if err := sqldb.LockRow(tx, &cur, sv.ID); err != nil {
				return err
			}
			res := tx.Model(&Supervision{}).Where("id = ? AND step = ?", sv.ID, sv.Step).
				Updates(map[string]any{"step": StepClosed, "frozen": false, "auto_accept_at": nil, "complete_at": nil, "updated_at": now})
			if res.Error != nil || res.RowsAffected == 0 {
				return res.Error
			}
			moved++
			// An appeal still open on it has nothing left to decide.
			if err := tx.Model(&Appeal{}).Where("supervision_id = ? AND status <> ?", sv.ID, AppealDecided).
				Updates(map[string]any{"status": AppealDecided, "outcome": OutcomeRefund, "decision_reason": "退订已同意，监管关闭 / Closed by an approved refund",
					"decided_at": now, "open_key": nil, "updated_at": now}).Error; err != nil {
				return err
			}
			return tx.Create(&SupervisionEvent{SupervisionID: sv.ID, ActorRole: RoleSystem, Action: SvRefundClose, FromStep: sv.Step,
				ToStep: StepClosed, CreatedAt: now}).Error
		})
		if err != nil {
			return moved, err
		}
	}
	return moved, nil
}

// tellSupervision writes the in-site notices and mails of a step to both parties.
func (s *Store) TellSupervision(tx *gorm.DB, sv *Supervision, a SupervisionAction, text string) error {
	now := s.Now()
	var o orders.Order
	if err := tx.First(&o, sv.OrderID).Error; err != nil {
		return err
	}
	var buyer account.User
	if err := tx.First(&buyer, sv.BuyerID).Error; err != nil {
		return err
	}
	var company account.Seller
	if err := tx.First(&company, sv.SellerID).Error; err != nil {
		return err
	}
	line := sqldb.ClipText(fmt.Sprintf("%s · %s", o.ProductName, o.OrderNo), 1000)
	what := svMailSubjects[a]
	if what == "" {
		what = string(a)
	}
	subject := "[KooGallery] 服务监管 Service supervision: " + what
	body := fmt.Sprintf("服务监管 Service supervision\n\n商品 Product: %s\n订单 Order: %s\n事件 Event: %s\n", o.ProductName, o.OrderNo, what)
	if text != "" {
		body += "说明 Note: " + sqldb.ClipText(text, 1000) + "\n"
	}
	kind := "supervision_" + string(a)
	bl := fmt.Sprintf("/console/supervision/%d", sv.ID)
	sl := fmt.Sprintf("/seller/supervision/%d", sv.ID)
	if err := tx.Create(&notice.Notice{UserID: &buyer.ID, Kind: kind, Text: line, Link: bl, CreatedAt: now}).Error; err != nil {
		return err
	}
	if err := tx.Create(&notice.Notice{SellerID: &company.ID, Kind: kind, Text: line, Link: sl, CreatedAt: now}).Error; err != nil {
		return err
	}
	if a == SvCreated {
		return nil // the purchase itself is mailed by the order flow; the bells say what to do next
	}
	if err := tx.Create(&notice.Mail{To: buyer.Email, Subject: subject, Body: body + bl + "\n", Status: notice.MailPending, NextAttemptAt: now, CreatedAt: now}).Error; err != nil {
		return err
	}
	return account.MailSeller(tx, now, company.ID, account.MailSupervision, subject, body+sl+"\n")
}

// svMailSubjects name each step in mails (bilingual, like the other mails of the platform).
var svMailSubjects = map[SupervisionAction]string{
	SvSubmitRequirements:  "买家已提交需求 / Requirements submitted",
	SvConfirmRequirements: "商家已确认需求 / Requirements confirmed",
	SvRejectRequirements:  "商家驳回了需求 / Requirements rejected",
	SvSubmitCode:          "买家已提交识别码 / Identification code submitted",
	SvDeliver:             "商家已确认完成，待验收 / Delivered, awaiting acceptance",
	SvShip:                "商家已发货 / Shipped",
	SvSign:                "买家已签收 / Signed for",
	SvAccept:              "买家已确认验收 / Delivery accepted",
	SvRejectDelivery:      "买家驳回了交付 / Delivery rejected",
	SvAutoAccept:          "签收 10 天已自动验收 / Accepted automatically",
	SvComplete:            "订单已完成 / Order completed",
	SvForceAccept:         "申诉裁决：强制验收 / Appeal decided: acceptance forced",
	SvRefundClose:         "申诉裁决：退款 / Appeal decided: refund",
	SvAppealOpened:        "有新的申诉，流程已冻结 / Appeal raised, flow frozen",
	SvAppealInfoReq:       "运营请补充申诉材料 / More information requested",
	SvAppealInfo:          "申诉材料已补充 / Appeal information added",
	SvAppealResumed:       "申诉裁决：恢复流程 / Appeal decided: flow resumed",
}
