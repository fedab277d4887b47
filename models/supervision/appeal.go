package supervision

import (
	"errors"
	"time"

	"koogallery/models/account"
	"koogallery/models/attachment"
)

// Appeals (申诉): either party of a supervision, at any step before it ends, asks operations to
// step in, with a reason, a demand and attachments. While an appeal is open the supervision is
// frozen for both parties. An admin may ask the parties for more information, then decides:
// resume the flow, force acceptance, or decide for the buyer with a full or partial refund
// (through the refund feature); the written reason is shown to both parties.

// AppealStatus is where an appeal stands.
type AppealStatus string

// The appeal states.
const (
	AppealOpen          AppealStatus = "open"           // 待处理
	AppealInfoRequested AppealStatus = "info_requested" // 待补充材料: operations asked the parties
	AppealDecided       AppealStatus = "decided"        // 已处理
)

// AppealStatuses lists every state in display order.
var AppealStatuses = []AppealStatus{AppealOpen, AppealInfoRequested, AppealDecided}

// AppealOutcome is operations' decision.
type AppealOutcome string

// The appeal outcomes.
const (
	OutcomeResume      AppealOutcome = "resume"       // 恢复流程: the flow goes on where it stood
	OutcomeForceAccept AppealOutcome = "force_accept" // 强制验收: accepted as delivered
	OutcomeRefund      AppealOutcome = "refund"       // 支持买家退款: full or partial refund, supervision closed
)

// AppealOutcomes lists every outcome in display order.
var AppealOutcomes = []AppealOutcome{OutcomeResume, OutcomeForceAccept, OutcomeRefund}

// Attachment owners of supervision and appeals.
const (
	AttachSupervisionEvent attachment.Owner = "supervision_event"
	AttachAppeal           attachment.Owner = "appeal"
)

// Errors of the supervision flow.
var (
	// ErrFrozen: an appeal is open; nothing of the flow applies until operations decide.
	ErrFrozen = errors.New("supervision frozen by an open appeal")
	// ErrNotYourTurn: the action is not this party's, or not at this step.
	ErrNotYourTurn = errors.New("not this party's action at this step")
)

// Appeal is one 申诉 on a supervision.
type Appeal struct {
	ID            uint          `gorm:"primaryKey"`
	SupervisionID uint          `gorm:"not null;index"`
	Supervision   *Supervision  `gorm:"constraint:OnDelete:RESTRICT"`
	OrderID       uint          `gorm:"not null;index"`
	BuyerID       uint          `gorm:"not null;index"`
	SellerID      uint          `gorm:"not null;index"`
	ByID          uint          `gorm:"not null"`
	By            *account.User `gorm:"foreignKey:ByID;constraint:OnDelete:RESTRICT"`
	ByRole        account.Role  `gorm:"size:16;not null"`
	// Step is where the flow stood when the appeal was raised.
	Step    SupervisionStep `gorm:"size:20;not null"`
	Reason  string          `gorm:"type:text;not null"`
	Demand  string          `gorm:"type:text"`
	Status  AppealStatus    `gorm:"size:16;not null;index"`
	Outcome AppealOutcome   `gorm:"size:16"`
	// RefundFen is the refund decided for the buyer (OutcomeRefund).
	RefundFen      int64  `gorm:"not null;default:0"`
	DecisionReason string `gorm:"type:text"`
	DecidedBy      *uint
	DecidedAt      *time.Time
	// OpenKey is the supervision's id while the appeal is not decided (NULL after): one open
	// appeal per supervision, also when two race.
	OpenKey   *uint `gorm:"uniqueIndex"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Pending reports whether operations have not decided yet.
func (a *Appeal) Pending() bool { return a.Status != AppealDecided }
