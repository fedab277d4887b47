package models

import "time"

// MailStatus is where an outgoing mail stands in the mail outbox.
type MailStatus string

// The mail states.
const (
	MailPending MailStatus = "pending"
	MailSent    MailStatus = "sent"
	MailFailed  MailStatus = "failed" // gave up after retries
)

// Mail is an outgoing email in the mail outbox, written with the change it reports and sent by
// the mailer (SMTP, or files in dev).
type Mail struct {
	ID            uint       `gorm:"primaryKey"`
	To            string     `gorm:"size:190;not null"`
	Subject       string     `gorm:"size:200;not null"`
	Body          string     `gorm:"type:text;not null"`
	Status        MailStatus `gorm:"size:10;not null;index:idx_mails_due,priority:1"`
	Attempts      int        `gorm:"not null;default:0"`
	NextAttemptAt time.Time  `gorm:"not null;index:idx_mails_due,priority:2"`
	LastError     string     `gorm:"size:500"`
	SentAt        *time.Time
	CreatedAt     time.Time
}

// Notice is an in-site message (站内信) for a user, or for every user of a seller company.
type Notice struct {
	ID        uint   `gorm:"primaryKey"`
	UserID    *uint  `gorm:"index"`
	SellerID  *uint  `gorm:"index"`
	Kind      string `gorm:"size:40;not null"` // i18n key of the title: notice.<kind>
	Text      string `gorm:"size:1000;not null"`
	Link      string `gorm:"size:200"`
	Read      bool   `gorm:"not null;default:false"`
	CreatedAt time.Time
}

// RefundReason says why money went back to a buyer.
type RefundReason string

// The refund reasons.
const (
	RefundOpenFailed RefundReason = "open_failed" // the seller never opened the service: full refund
	// RefundChangeFailed: the seller never applied a spec change (upgradeInstance): full refund
	// of the change order.
	RefundChangeFailed RefundReason = "change_failed"
	RefundNegotiated   RefundReason = "negotiated" // 协商退订: the seller approved the buyer's request
	RefundNoReason     RefundReason = "no_reason"  // 5天无理由退订: approved by the rule, in full
)

// Refund is money returned to a buyer, by the method they paid with.
type Refund struct {
	ID        uint         `gorm:"primaryKey"`
	OrderID   uint         `gorm:"not null;uniqueIndex:idx_refunds_order_reason,priority:1"`
	Reason    RefundReason `gorm:"size:20;not null;uniqueIndex:idx_refunds_order_reason,priority:2"`
	BuyerID   uint         `gorm:"not null;index"`
	SellerID  uint         `gorm:"not null;index"`
	AmountFen int64        `gorm:"not null"`
	Method    PayMethod    `gorm:"size:10;not null"`
	// RequestID is the refund request (RefundRequest) that led to it, if any.
	RequestID *uint `gorm:"index"`
	CreatedAt time.Time
}
