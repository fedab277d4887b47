package refund

import (
	"time"

	"koogallery/models/catalog"
	"koogallery/models/orders"
	"koogallery/money"
)

// The refund rules of spec §8, as one decision table: DecideRefund reads what is known about
// an order (RefundFacts) and says whether the buyer may ask for its money back, under which
// rule, up to how much, and otherwise why not (a message key).

// RefundKind is the rule a refund falls under.
type RefundKind string

// The refund kinds.
const (
	// RefundKindNone: the product type has no refund here (e.g. API products).
	RefundKindNone RefundKind = ""
	// RefundKindNegotiated (协商退订): manual services, License, supervised SaaS, application
	// orchestration, data files and hardware. Inside the transaction guarantee period the buyer
	// asks for an agreed amount, at most what was paid; the seller approves or rejects.
	RefundKindNegotiated RefundKind = "negotiated"
	// RefundKindNoReason (5天无理由退订): images and unsupervised SaaS. Within five days of a
	// new purchase the whole amount, at most ten times a calendar year per account; approved by
	// the rule itself.
	RefundKindNoReason RefundKind = "no_reason"
)

// Rule constants.
const (
	// NoReasonDays is how long after payment a no-reason refund may be asked for.
	NoReasonDays = 5
	// NoReasonPerYear is how many no-reason refunds an account gets per calendar year (China
	// time).
	NoReasonPerYear = 10
	// GuaranteeDays is the transaction guarantee period of a product with negotiated refunds
	// that is not supervised. The spec defines the period only for supervised products (until
	// supervision completes); the real platform sells these types supervised, so this is our
	// choice for the rare unsupervised one.
	GuaranteeDays = 30
)

// Why a refund is or is not possible (message keys, translated by the web layer).
const (
	WhyNotInUse             = "refund.why.not_in_use"
	WhyOpenRequest          = "refund.why.open_request"
	WhyRefunded             = "refund.why.refunded"
	WhyTrial                = "refund.why.trial"
	WhyOrderType            = "refund.why.order_type"
	WhyNothingPaid          = "refund.why.nothing_paid"
	WhyTypeNotRefundable    = "refund.why.type"
	WhyRenewalInEffect      = "refund.why.renewal_in_effect"
	WhyValidityOver         = "refund.why.validity_over"
	WhySupervisionCompleted = "refund.why.supervision_completed"
	WhyGuaranteeOver        = "refund.why.guarantee_over"
	WhyLicenseClaimed       = "refund.why.license_claimed"
	WhyNoReasonNewOnly      = "refund.why.no_reason_new_only"
	WhyNoReasonExpired      = "refund.why.no_reason_expired"
	WhyNoReasonLimit        = "refund.why.no_reason_limit"

	RuleNegotiated  = "refund.rule.negotiated"
	RuleRenewalFull = "refund.rule.renewal_full"
	RuleNoReason    = "refund.rule.no_reason"
)

// RefundKindOf is the rule a product's refunds fall under.
func RefundKindOf(p *catalog.Product) RefundKind {
	switch p.Type {
	case catalog.TypeManualService, catalog.TypeLicense, catalog.TypeAppOrchestration, catalog.TypeDataFile, catalog.TypeHardware:
		return RefundKindNegotiated
	case catalog.TypeSaaS:
		if p.Supervised {
			return RefundKindNegotiated
		}
		return RefundKindNoReason
	case catalog.TypeImage:
		return RefundKindNoReason
	}
	return RefundKindNone
}

// RefundFacts is everything the rules read about one order. The store gathers it (inside the
// transaction that acts on it); tests fill it by hand.
type RefundFacts struct {
	Product catalog.Product
	// Order is the order to refund: the service's latest paid order (a purchase, renewal or
	// trial).
	Order orders.Order
	// Service is the purchased service the order belongs to.
	Service orders.Instance
	// Supervision is the service's supervision state (that of the order that created it).
	Supervision orders.SupervisionStatus
	// Bought is when the service was bought (its creating order's payment): the start of an
	// unsupervised guarantee period.
	Bought time.Time
	Now    time.Time
	// OpenRequest: a refund request of the service is pending.
	OpenRequest bool
	// Refunded: money already went back for the order.
	Refunded bool
	// LicenseClaimed: a License was issued for the service (the code is taken).
	LicenseClaimed bool
	// NoReasonThisYear counts the buyer's no-reason refunds in the current calendar year.
	NoReasonThisYear int
}

// RefundDecision is what the rules allow for an order.
type RefundDecision struct {
	Kind    RefundKind
	Allowed bool
	// Why is a message key: the reason it is refused, or the rule it is allowed under.
	Why string
	// MinFen..MaxFen is the amount the buyer may ask for (equal for a full refund).
	MinFen, MaxFen int64
	// Until is when the chance ends, where the rule has a fixed end (nil otherwise).
	Until *time.Time
	// Auto: approved at once by the rule, without the seller.
	Auto bool
}

// Full reports whether the amount is fixed at the whole paid amount.
func (d RefundDecision) Full() bool { return d.Allowed && d.MinFen == d.MaxFen }

func refused(kind RefundKind, why string) RefundDecision {
	return RefundDecision{Kind: kind, Why: why}
}

// DecideRefund applies the refund rules to an order. The rows, first match wins:
//
//	service released or never opened                 → refused: not in use
//	a request of the service is pending              → refused: open request
//	money already went back for the order            → refused: refunded
//	trial order                                      → refused: trial
//	not a purchase or renewal (change, unsubscribe)  → refused: order type
//	nothing paid                                     → refused: nothing paid
//	product type without refunds (API)               → refused: type
//	negotiated types (manual service, License, supervised SaaS, app orchestration, data file, hardware):
//	  renewal already in effect                      → refused: renewal in effect
//	  validity over                                  → refused: validity over
//	  supervised and supervision completed           → refused: supervision completed (guarantee over)
//	  unsupervised and GuaranteeDays after purchase  → refused: guarantee over
//	  a License code claimed                         → refused: License claimed
//	  renewal not yet in effect                      → allowed: the full amount
//	  otherwise                                      → allowed: 0.01 … the amount paid, seller approves
//	no-reason types (image, unsupervised SaaS):
//	  not a new purchase                             → refused: new purchases only
//	  validity over                                  → refused: validity over
//	  more than NoReasonDays after payment           → refused: no-reason period over
//	  NoReasonPerYear used this calendar year        → refused: yearly limit
//	  otherwise                                      → allowed: the full amount, approved at once
//
// For negotiated refunds a trial-to-formal order counts as a purchase, not a renewal.
func DecideRefund(f RefundFacts) RefundDecision {
	kind := RefundKindOf(&f.Product)
	o := &f.Order
	switch {
	case f.Service.Status == orders.InstanceReleased || f.Service.Status == orders.InstanceFailed:
		return refused(kind, WhyNotInUse)
	case f.OpenRequest:
		return refused(kind, WhyOpenRequest)
	case f.Refunded:
		return refused(kind, WhyRefunded)
	case o.Type == orders.OrderTrial:
		return refused(kind, WhyTrial)
	case o.Type != orders.OrderNew && o.Type != orders.OrderRenew && o.Type != orders.OrderTrialToFormal:
		return refused(kind, WhyOrderType)
	case o.PaidFen <= 0:
		return refused(kind, WhyNothingPaid)
	case kind == RefundKindNone:
		return refused(kind, WhyTypeNotRefundable)
	}
	renewal := o.Type == orders.OrderRenew
	inEffect := o.EffectiveAt == nil || !f.Now.Before(*o.EffectiveAt)
	validityOver := o.ExpireAt != nil && !f.Now.Before(*o.ExpireAt)
	if kind == RefundKindNoReason {
		bought := orderPaidAt(o)
		until := bought.Add(NoReasonDays * 24 * time.Hour)
		switch {
		case o.Type != orders.OrderNew:
			return refused(kind, WhyNoReasonNewOnly)
		case validityOver:
			return refused(kind, WhyValidityOver)
		case f.Now.After(until):
			return refused(kind, WhyNoReasonExpired)
		case f.NoReasonThisYear >= NoReasonPerYear:
			return refused(kind, WhyNoReasonLimit)
		}
		return RefundDecision{Kind: kind, Allowed: true, Why: RuleNoReason, MinFen: o.PaidFen, MaxFen: o.PaidFen, Until: &until, Auto: true}
	}
	d := RefundDecision{Kind: kind, Allowed: true, Why: RuleNegotiated, MinFen: 1, MaxFen: o.PaidFen}
	switch {
	case renewal && inEffect:
		return refused(kind, WhyRenewalInEffect)
	case validityOver:
		return refused(kind, WhyValidityOver)
	case f.Product.Supervised && f.Supervision == orders.SupervisionCompleted:
		return refused(kind, WhySupervisionCompleted)
	case f.Product.Supervised && f.Supervision == orders.SupervisionClosed:
		return refused(kind, WhyRefunded)
	case !f.Product.Supervised:
		until := f.Bought.Add(GuaranteeDays * 24 * time.Hour)
		if f.Now.After(until) {
			return refused(kind, WhyGuaranteeOver)
		}
		d.Until = &until
	}
	if f.Product.Type == catalog.TypeLicense && f.LicenseClaimed {
		return refused(kind, WhyLicenseClaimed)
	}
	if renewal {
		d.MinFen, d.Why = o.PaidFen, RuleRenewalFull
	}
	return d
}

// orderPaidAt is when an order was paid (its creation when the payment time is unknown).
func orderPaidAt(o *orders.Order) time.Time {
	if o.PaidAt != nil {
		return *o.PaidAt
	}
	return o.CreatedAt
}

// Amount messages (translated by the web layer).
const (
	MsgAmountRequired = "refund.err.amount_required"
	MsgAmountFormat   = "refund.err.amount_format"
	MsgAmountPositive = "refund.err.amount_positive"
	MsgAmountDecimals = "refund.err.amount_decimals"
	MsgAmountMax      = "refund.err.amount_max"
	MsgAmountFull     = "refund.err.amount_full"
)

// amountMessages words money.Parse's refusals for a refund amount.
var amountMessages = map[error]string{
	money.ErrEmpty:    MsgAmountRequired,
	money.ErrFormat:   MsgAmountFormat,
	money.ErrDecimals: MsgAmountDecimals,
	money.ErrTooSmall: MsgAmountPositive,
	money.ErrTooLarge: MsgAmountMax,
}

// ParseAmount reads an amount of money typed in yuan (money.Parse: "120", "120.5", "120.50",
// optionally with a leading ¥ and thousands commas) as fen. It returns a message key for
// anything else: empty, not a number, zero or negative, more than two decimals, above money.Max.
func ParseAmount(in string) (int64, string) {
	fen, err := money.Parse(in)
	if err != nil {
		return 0, amountMessages[err]
	}
	return int64(fen), ""
}

// CheckAmount reads the typed amount and checks it against what the decision allows.
func CheckAmount(in string, d RefundDecision) (int64, string) {
	fen, msg := ParseAmount(in)
	switch {
	case msg != "":
		return 0, msg
	case d.Full() && fen != d.MaxFen:
		return 0, MsgAmountFull
	case fen > d.MaxFen:
		return 0, MsgAmountMax
	case fen < d.MinFen:
		return 0, MsgAmountPositive
	}
	return fen, ""
}
