package refund

import (
	"strings"
	"time"
	"unicode/utf8"

	"koogallery/models/account"
	"koogallery/models/attachment"
	"koogallery/models/catalog"
	"koogallery/models/orders"
	"koogallery/models/sqldb"
)

// RefundStatus is where a refund request (退订申请) stands.
type RefundStatus string

// The refund request states and their transitions (refundTransitions).
const (
	RefundPending   RefundStatus = "pending"   // 待审核: waits for the seller
	RefundApproved  RefundStatus = "approved"  // 已同意: money returned, service released
	RefundRejected  RefundStatus = "rejected"  // 已驳回: ended; the buyer may apply again
	RefundWithdrawn RefundStatus = "withdrawn" // 已撤回: the buyer took it back
)

// RefundStatuses lists every state in display order.
var RefundStatuses = []RefundStatus{RefundPending, RefundApproved, RefundRejected, RefundWithdrawn}

// refundTransitions says who may move a request from one state to another. Every transition
// is applied in SQL guarded on the from-state, so only one of two racing transitions wins.
// A no-reason refund is created approved (by the rule, on the buyer's request).
var refundTransitions = map[RefundStatus]map[RefundStatus]account.Role{
	RefundPending: {RefundApproved: account.RoleSeller, RefundRejected: account.RoleSeller, RefundWithdrawn: account.RoleBuyer},
}

// CanRefundTransition reports whether role may move a request from one state to another.
func CanRefundTransition(from, to RefundStatus, role account.Role) bool {
	r, ok := refundTransitions[from][to]
	return ok && r == role
}

// RefundCause is the reason a buyer picks for a refund (退订原因).
type RefundCause string

// The refund causes.
const (
	CauseNotDelivered     RefundCause = "not_delivered"
	CauseNotAsDescribed   RefundCause = "not_as_described"
	CauseQuality          RefundCause = "quality"
	CauseBoughtByMistake  RefundCause = "bought_by_mistake"
	CauseNoLongerNeeded   RefundCause = "no_longer_needed"
	CauseAgreedWithSeller RefundCause = "agreed_with_seller"
	CauseOther            RefundCause = "other"
)

// RefundCauses lists every cause in display order.
var RefundCauses = []RefundCause{CauseNotDelivered, CauseNotAsDescribed, CauseQuality, CauseBoughtByMistake, CauseNoLongerNeeded, CauseAgreedWithSeller, CauseOther}

// Goods states a hardware buyer declares (填写货物信息).
const (
	GoodsReceived    = "received"
	GoodsNotReceived = "not_received"
)

// Text limits, in characters.
const (
	MaxRefundText    = 500
	MaxRefundOpinion = 500
)

// RefundRequest is a buyer's request to unsubscribe a purchased service and get money back
// (退订申请), and the seller's decision on it.
type RefundRequest struct {
	ID         uint             `gorm:"primaryKey"`
	OrderID    uint             `gorm:"not null;index"` // the order refunded
	Order      *orders.Order    `gorm:"constraint:OnDelete:RESTRICT"`
	InstanceID uint             `gorm:"not null;index"`
	Instance   *orders.Instance `gorm:"constraint:OnDelete:RESTRICT"`
	BuyerID    uint             `gorm:"not null;index:idx_refund_requests_buyer,priority:1"`
	Buyer      *account.User    `gorm:"foreignKey:BuyerID;constraint:OnDelete:RESTRICT"`
	SellerID   uint             `gorm:"not null;index:idx_refund_requests_seller,priority:1"`
	ProductID  uint             `gorm:"not null;index"`
	Product    *catalog.Product `gorm:"constraint:OnDelete:RESTRICT"`
	Kind       RefundKind       `gorm:"size:16;not null"`
	Status     RefundStatus     `gorm:"size:16;not null;index:idx_refund_requests_seller,priority:2"`
	AmountFen  int64            `gorm:"not null"`
	MaxFen     int64            `gorm:"not null"` // the most the rules allowed when it was asked
	Cause      RefundCause      `gorm:"size:24;not null"`
	Text       string           `gorm:"size:500"` // the buyer's own words
	// ShareContact: the buyer agreed to show their name and email to the seller.
	ShareContact bool   `gorm:"not null;default:false"`
	Goods        string `gorm:"size:16"`  // hardware: received / not_received
	Opinion      string `gorm:"size:500"` // the seller's review opinion (审核意见)
	DecidedBy    *uint
	DecidedAt    *time.Time
	// SubmitKey is "<buyer id>:<form key>": a resubmitted form finds this request.
	SubmitKey *string `gorm:"size:64;uniqueIndex"`
	// OpenKey is the service's id while the request is pending (NULL otherwise): one open
	// request per service, also when two submits race.
	OpenKey   *uint     `gorm:"uniqueIndex"`
	CreatedAt time.Time `gorm:"not null"`
	UpdatedAt time.Time
}

// Decided reports whether the seller (or the rule) has decided, or the buyer withdrew.
func (r *RefundRequest) Decided() bool { return r.Status != RefundPending }

// Refund input messages (translated by the web layer).
const (
	MsgCauseInvalid   = "refund.err.cause"
	MsgTextRequired   = "refund.err.text_required"
	MsgTextTooLong    = "refund.err.text_too_long"
	MsgGoodsInvalid   = "refund.err.goods"
	MsgConfirmRefund  = "refund.err.confirm"
	MsgOpinionMissing = "refund.err.opinion_required"
	MsgOpinionTooLong = "refund.err.opinion_too_long"
	MsgServiceChanged = "refund.err.service_changed"
)

// RefundInput is what a buyer types into the refund form.
type RefundInput struct {
	Amount       string
	Cause        string
	Text         string
	ShareContact bool
	Goods        string
	Confirm      bool
	SubmitKey    string
	Attachment   *attachment.Upload // nil: none
}

// refundForm is a validated refund request.
type refundForm struct {
	amount int64
	cause  RefundCause
	text   string
	goods  string
	key    string
	file   *attachment.Checked
}

// validateRefund checks the input against the decision; every field's message at once.
func validateRefund(in RefundInput, d RefundDecision, p *catalog.Product) (refundForm, sqldb.FieldErrors) {
	errs := sqldb.FieldErrors{}
	f := refundForm{cause: RefundCause(strings.TrimSpace(in.Cause)), text: strings.TrimSpace(in.Text), key: strings.TrimSpace(in.SubmitKey)}
	var msg string
	if f.amount, msg = CheckAmount(in.Amount, d); msg != "" {
		errs["amount"] = msg
	}
	known := false
	for _, c := range RefundCauses {
		known = known || c == f.cause
	}
	if !known {
		errs["cause"] = MsgCauseInvalid
	}
	switch n := utf8.RuneCountInString(f.text); {
	case n > MaxRefundText:
		errs["text"] = MsgTextTooLong
	case n == 0 && f.cause == CauseOther:
		errs["text"] = MsgTextRequired
	}
	if p.Type == catalog.TypeHardware {
		f.goods = strings.TrimSpace(in.Goods)
		if f.goods != GoodsReceived && f.goods != GoodsNotReceived {
			errs["goods"] = MsgGoodsInvalid
		}
	}
	if !in.Confirm {
		errs["confirm"] = MsgConfirmRefund
	}
	if len(f.key) < 16 || len(f.key) > orders.MaxSubmitKey {
		errs["form"] = orders.MsgSubmitKey
	}
	if in.Attachment != nil {
		u, msg := attachment.Check(in.Attachment)
		if msg != "" {
			errs["attachment"] = msg
		}
		f.file = u
	}
	return f, errs
}

// CheckOpinion checks a seller's review opinion (审核意见): required, at most
// MaxRefundOpinion characters. It returns the trimmed opinion or a message key.
func CheckOpinion(s string) (string, string) {
	s = strings.TrimSpace(s)
	switch n := utf8.RuneCountInString(s); {
	case n == 0:
		return "", MsgOpinionMissing
	case n > MaxRefundOpinion:
		return "", MsgOpinionTooLong
	}
	return s, ""
}

// AttachRefund owns the files of a refund request (the buyer's record, the seller's proof).
const AttachRefund attachment.Owner = "refund_request"
