package orders

import (
	"time"
)

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
