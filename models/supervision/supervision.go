package supervision

import (
	"crypto/rand"
	"strings"
	"time"
	"unicode/utf8"

	"koogallery/models/account"
	"koogallery/models/attachment"
	"koogallery/models/catalog"
	"koogallery/models/orders"
)

// Service supervision (服务监管, spec §7): a supervised order is paid but not complete until the
// buyer accepts delivery. Each supervised purchase has one Supervision, moved along its steps by
// explicit transitions (supervisionTransitions: from which steps, to which, by whom), each
// applied in SQL guarded on the step it read and on no appeal being open, and recorded as a
// SupervisionEvent (the timeline both parties see).

// SupervisionStep is where a supervised delivery stands.
type SupervisionStep string

// The supervision steps.
const (
	StepRequirements SupervisionStep = "requirements" // 待提交需求: the buyer submits requirements
	StepCode         SupervisionStep = "code"         // 待提交识别码: License 1.0, the buyer submits the identification code
	StepConfirm      SupervisionStep = "confirm"      // 待确认需求: the seller confirms or rejects the requirements
	StepImplementing SupervisionStep = "implementing" // 服务商实施服务: the seller delivers (hardware: ships)
	StepShipped      SupervisionStep = "shipped"      // 已发货: hardware on its way, the buyer signs for it
	StepAcceptance   SupervisionStep = "acceptance"   // 用户确认验收: the buyer accepts or rejects
	StepAccepted     SupervisionStep = "accepted"     // 已验收: completes SupervisionCompleteDelay later
	StepCompleted    SupervisionStep = "completed"    // 已完成
	StepClosed       SupervisionStep = "closed"       // 已关闭: ended by a refund
)

// SupervisionSteps lists every step in flow order.
var SupervisionSteps = []SupervisionStep{StepRequirements, StepCode, StepConfirm, StepImplementing, StepShipped, StepAcceptance, StepAccepted, StepCompleted, StepClosed}

// Final reports whether nothing more can happen at the step.
func (s SupervisionStep) Final() bool { return s == StepCompleted || s == StepClosed }

// Turn is whose action the step waits for: buyer, seller, or "" (the platform: a scheduled
// transition, or nobody once final).
func (s SupervisionStep) Turn() account.Role {
	switch s {
	case StepRequirements, StepCode, StepShipped, StepAcceptance:
		return account.RoleBuyer
	case StepConfirm, StepImplementing:
		return account.RoleSeller
	}
	return ""
}

// Scheduled delays of the flow.
const (
	// SupervisionCompleteDelay: the order shows 已完成 this long after acceptance.
	SupervisionCompleteDelay = 3 * time.Hour
	// HardwareAutoAccept: hardware is accepted automatically this long after it is signed for.
	HardwareAutoAccept = 10 * 24 * time.Hour
)

// SupervisionAction is one thing that can happen to a supervision.
type SupervisionAction string

// The supervision actions (also the timeline's message keys: supervision.event.<action>).
const (
	SvSubmitRequirements  SupervisionAction = "submit_requirements"  // buyer: 提交需求
	SvConfirmRequirements SupervisionAction = "confirm_requirements" // seller: 确认需求
	SvRejectRequirements  SupervisionAction = "reject_requirements"  // seller: 驳回需求
	SvSubmitCode          SupervisionAction = "submit_code"          // buyer: 提交识别码
	SvDeliver             SupervisionAction = "deliver"              // seller: 确认完成 with delivery proof
	SvShip                SupervisionAction = "ship"                 // seller: hardware logistics
	SvSign                SupervisionAction = "sign"                 // buyer: 确认签收 (hardware)
	SvAccept              SupervisionAction = "accept"               // buyer: 确认验收
	SvRejectDelivery      SupervisionAction = "reject_delivery"      // buyer: 驳回 with a reason
	SvAutoAccept          SupervisionAction = "auto_accept"          // platform: hardware, 10 days after signing
	SvComplete            SupervisionAction = "complete"             // platform: 3 hours after acceptance
	SvForceAccept         SupervisionAction = "force_accept"         // admin: appeal decision
	SvRefundClose         SupervisionAction = "refund_close"         // admin: appeal decided for the buyer with a refund
	// Events that do not move the step.
	SvCreated       SupervisionAction = "created"
	SvAppealOpened  SupervisionAction = "appeal_opened"
	SvAppealInfoReq SupervisionAction = "appeal_info_requested"
	SvAppealInfo    SupervisionAction = "appeal_info"
	SvAppealResumed SupervisionAction = "appeal_resumed"
)

// RoleSystem marks the platform's own scheduled transitions in the timeline.
const RoleSystem account.Role = "system"

// svHardware says which products a transition applies to.
type svHardware int

const (
	svAny svHardware = iota
	svHardwareOnly
	svNotHardware
)

// svTransition is one allowed move: from one of the steps, to a step, by a role.
type svTransition struct {
	from []SupervisionStep
	to   SupervisionStep
	role account.Role
	hw   svHardware
}

// supervisionTransitions is the state machine. Appeals freeze every one of them.
var supervisionTransitions = map[SupervisionAction]svTransition{
	SvSubmitRequirements:  {[]SupervisionStep{StepRequirements}, StepConfirm, account.RoleBuyer, svNotHardware},
	SvConfirmRequirements: {[]SupervisionStep{StepConfirm}, StepImplementing, account.RoleSeller, svNotHardware},
	SvRejectRequirements:  {[]SupervisionStep{StepConfirm}, StepRequirements, account.RoleSeller, svNotHardware},
	SvSubmitCode:          {[]SupervisionStep{StepCode}, StepImplementing, account.RoleBuyer, svNotHardware},
	SvDeliver:             {[]SupervisionStep{StepImplementing}, StepAcceptance, account.RoleSeller, svNotHardware},
	SvShip:                {[]SupervisionStep{StepImplementing}, StepShipped, account.RoleSeller, svHardwareOnly},
	SvSign:                {[]SupervisionStep{StepShipped}, StepAcceptance, account.RoleBuyer, svHardwareOnly},
	SvAccept:              {[]SupervisionStep{StepAcceptance}, StepAccepted, account.RoleBuyer, svAny},
	SvRejectDelivery:      {[]SupervisionStep{StepAcceptance}, StepImplementing, account.RoleBuyer, svAny},
	SvAutoAccept:          {[]SupervisionStep{StepAcceptance}, StepAccepted, RoleSystem, svHardwareOnly},
	SvComplete:            {[]SupervisionStep{StepAccepted}, StepCompleted, RoleSystem, svAny},
	SvForceAccept: {[]SupervisionStep{StepRequirements, StepCode, StepConfirm, StepImplementing, StepShipped, StepAcceptance},
		StepAccepted, account.RoleAdmin, svAny},
	SvRefundClose: {[]SupervisionStep{StepRequirements, StepCode, StepConfirm, StepImplementing, StepShipped, StepAcceptance, StepAccepted},
		StepClosed, account.RoleAdmin, svAny},
}

// CanSupervise reports whether role may take the action at the step of a (hardware or other)
// supervision, the appeal freeze aside.
func CanSupervise(a SupervisionAction, from SupervisionStep, role account.Role, hardware bool) bool {
	t, ok := supervisionTransitions[a]
	if !ok || t.role != role {
		return false
	}
	if (t.hw == svHardwareOnly && !hardware) || (t.hw == svNotHardware && hardware) {
		return false
	}
	for _, f := range t.from {
		if f == from {
			return true
		}
	}
	return false
}

// Supervision is the supervised delivery of one order.
type Supervision struct {
	ID          uint                `gorm:"primaryKey"`
	OrderID     uint                `gorm:"not null;uniqueIndex"`
	Order       *orders.Order       `gorm:"constraint:OnDelete:RESTRICT"`
	BuyerID     uint                `gorm:"not null;index:idx_supervisions_buyer,priority:1"`
	SellerID    uint                `gorm:"not null;index:idx_supervisions_seller,priority:1"`
	ProductID   uint                `gorm:"not null;index"`
	Product     *catalog.Product    `gorm:"constraint:OnDelete:RESTRICT"`
	ProductType catalog.ProductType `gorm:"size:32;not null"`
	CodeKind    catalog.CodeKind    `gorm:"size:16"`
	Step        SupervisionStep     `gorm:"size:20;not null;index"`
	// Frozen is true while an appeal is open: no party's action applies.
	Frozen       bool   `gorm:"not null;default:false"`
	Requirements string `gorm:"type:text"`
	// SystemCode is the platform-generated identification code (系统识别码), unique.
	SystemCode *string `gorm:"size:40;uniqueIndex"`
	// HardwareCode is the buyer's device fingerprint (硬件识别码), normalized.
	HardwareCode    string `gorm:"type:text"`
	CodeSubmittedAt *time.Time
	Logistics       string `gorm:"size:200"`
	DeliveredAt     *time.Time
	ShippedAt       *time.Time
	SignedAt        *time.Time
	// AutoAcceptAt is when hardware is accepted without the buyer (10 days after signing).
	AutoAcceptAt *time.Time `gorm:"index"`
	// ActualStartAt is the seller's 实际开通时间: a periodic order's validity starts then.
	ActualStartAt *time.Time
	AcceptedAt    *time.Time
	// CompleteAt is when the accepted order becomes 已完成.
	CompleteAt  *time.Time `gorm:"index"`
	CompletedAt *time.Time
	Rejections  int `gorm:"not null;default:0"`
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Hardware reports whether the supervision delivers goods (no requirements, logistics, auto-acceptance).
func (s *Supervision) Hardware() bool { return s.ProductType == catalog.TypeHardware }

// SupervisionEvent is one line of a supervision's timeline: who did what, when, with which words
// (attachments are owned by the event).
type SupervisionEvent struct {
	ID            uint              `gorm:"primaryKey"`
	SupervisionID uint              `gorm:"not null;index"`
	ActorID       *uint             // nil: the platform
	Actor         *account.User     `gorm:"foreignKey:ActorID;constraint:OnDelete:RESTRICT"`
	ActorRole     account.Role      `gorm:"size:16;not null"`
	Action        SupervisionAction `gorm:"size:32;not null"`
	FromStep      SupervisionStep   `gorm:"size:20"`
	ToStep        SupervisionStep   `gorm:"size:20"`
	Text          string            `gorm:"type:text"`
	CreatedAt     time.Time         `gorm:"not null"`
}

// firstStep is where a new supervision starts: hardware at the seller's delivery, License 1.0
// at the identification code, application orchestration straight at implementation (no
// requirements step), everything else at the requirements.
func FirstStep(p *catalog.Product) SupervisionStep {
	switch {
	case p.Type == catalog.TypeHardware, p.Type == catalog.TypeAppOrchestration && p.CodeKind == catalog.CodeNone:
		return StepImplementing
	case p.CodeKind == catalog.CodeSystem || p.CodeKind == catalog.CodeHardware:
		return StepCode
	}
	return StepRequirements
}

// systemCodeAlphabet is Crockford's base32 without look-alikes.
const systemCodeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// NewSystemCode draws a system identification code: "SC-" and 24 characters of crypto
// randomness (120 bits), in groups of four, so it can be neither guessed nor collide by chance
// (a unique index catches the impossible).
func NewSystemCode() string {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	var sb strings.Builder
	sb.WriteString("SC")
	for i, c := range b {
		if i%4 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(systemCodeAlphabet[int(c)%len(systemCodeAlphabet)])
	}
	return sb.String()
}

// Text limits, in characters.
const (
	MaxSupervisionText = 2000
	MaxLogistics       = 200
)

// Supervision input messages (translated by the web layer).
const (
	MsgSvTextRequired   = "supervision.err.text_required"
	MsgSvTextTooLong    = "supervision.err.text_too_long"
	MsgSvProofRequired  = "supervision.err.proof_required"
	MsgSvStartInvalid   = "supervision.err.start_invalid"
	MsgSvConfirmCode    = "supervision.err.confirm_code"
	MsgSvConfirmAccept  = "supervision.err.confirm_accept"
	MsgSvLogistics      = "supervision.err.logistics"
	MsgSvFrozen         = "supervision.err.frozen"
	MsgSvNotYourTurn    = "supervision.err.not_your_turn"
	MsgSvAppealOpen     = "supervision.err.appeal_open"
	MsgSvDecision       = "supervision.err.decision"
	MsgSvRefundAmount   = "supervision.err.refund_amount"
	MsgSvAppealFinished = "supervision.err.appeal_finished"
)

// checkText trims s and checks it is present (when required) and at most max characters.
func CheckText(s string, required bool, max int) (string, string) {
	s = strings.TrimSpace(strings.ToValidUTF8(s, ""))
	switch n := utf8.RuneCountInString(s); {
	case n == 0 && required:
		return "", MsgSvTextRequired
	case n > max:
		return "", MsgSvTextTooLong
	}
	return s, ""
}

// SupervisionInput is what a party types for a step: words (requirements, a reason, a
// delivery note), the seller's actual start time, logistics, the hardware code and its
// confirmation, and attachments.
type SupervisionInput struct {
	Text          string
	ActualStart   *time.Time
	Logistics     string
	HardwareCode  string
	ConfirmCode   bool
	Confirm       bool // 确认验收: the buyer confirms they checked the delivery
	Attachments   []*attachment.Upload
	ExpectedStep  SupervisionStep // the step the page showed: a stale page is refused
	RefundFen     int64           // appeal decisions for the buyer with a refund
	AppealDemand  string
	AppealOutcome AppealOutcome
}
