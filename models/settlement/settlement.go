package settlement

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"koogallery/chinatime"
	"koogallery/models/orders"
)

// Settlement (结算), spec §9: which orders are ready to be paid out to the seller, why the
// others are not, and the seller's monthly statement.
//
// The rule (SettlementOf) decides one order from the order itself and two facts read around
// it (the buyer's credit bill of the order's month, and the seller's billed total of the
// product type). The store mirrors the rule in SQL (store_settlement.go) for the aggregates and
// the eligible/pending filters; TestSettlementSQLMatchesRule proves the two agree.

// SettlementThresholdFen is the billed amount (出账) a seller's product type must reach in
// total before its orders are settled: ¥1,000.
const SettlementThresholdFen int64 = 100000

// SettleState is where an order stands for settlement.
type SettleState string

// The settlement states.
const (
	SettleEligible SettleState = "eligible" // 可结算: every condition met
	SettlePending  SettleState = "pending"  // 待满足: one or more conditions unmet (Reasons)
	SettleExcluded SettleState = "excluded" // 不结算: out of settlement for good (Exclusion)
)

// SettleStates lists every state in display order.
var SettleStates = []SettleState{SettleEligible, SettlePending, SettleExcluded}

// SettleReason names one unmet condition; its i18n key is settlement.reason.<value>.
type SettleReason string

// The conditions an order may not meet yet, in the order the seed lists them.
const (
	ReasonUnpaid            SettleReason = "unpaid"              // not paid at all
	ReasonRepaymentPending  SettleReason = "repayment_pending"   // credit/coupon: the post-paid customer has not repaid this order
	ReasonCreditBillPending SettleReason = "credit_bill_pending" // credit: another order of the buyer's bill for that month is unpaid
	ReasonSupervision       SettleReason = "supervision"         // supervision neither "not involved" nor "completed"
	ReasonNotEffective      SettleReason = "not_effective"       // not in effect yet (a renewal takes effect when the last period ends)
	ReasonThreshold         SettleReason = "threshold"           // the product type's billed total is under ¥1,000
)

// SettleExclusion says why an order is out of settlement for good; i18n key
// settlement.excluded.<value>.
type SettleExclusion string

// The exclusions.
const (
	ExcludedNone        SettleExclusion = ""
	ExcludedUnsubscribe SettleExclusion = "unsubscribe" // an unsubscription order (退订订单)
	ExcludedCancelled   SettleExclusion = "cancelled"   // cancelled before payment
	ExcludedRefunded    SettleExclusion = "refunded"    // refunded (SettlementExcluded, set with the refund)
	ExcludedFree        SettleExclusion = "free"        // nothing was paid (trials): nothing to settle
)

// SettlementFacts are what the rule needs beyond the order itself.
type SettlementFacts struct {
	// CreditBillOthersPending counts the buyer's other credit orders of the same calendar month
	// (UTC+8) still unpaid: with credit-line payment (授信支付) the whole month's bill must be
	// repaid before any of it is.
	CreditBillOthersPending int64
	// TypeBilledFen is the seller's billed total of the order's product type: the orders of
	// that type meeting every condition but the threshold, this one included if it does.
	TypeBilledFen int64
}

// SettlementVerdict is the rule's answer for one order.
type SettlementVerdict struct {
	State     SettleState
	Exclusion SettleExclusion
	Reasons   []SettleReason // every unmet condition, when pending
}

// SettlementOf decides an order at now: excluded for good, or eligible once every condition
// holds, or pending with every unmet condition named.
func SettlementOf(o *orders.Order, f SettlementFacts, now time.Time) SettlementVerdict {
	switch {
	case o.Type == orders.OrderUnsubscribe:
		return SettlementVerdict{State: SettleExcluded, Exclusion: ExcludedUnsubscribe}
	case o.Status == orders.OrderCancelled:
		return SettlementVerdict{State: SettleExcluded, Exclusion: ExcludedCancelled}
	case o.SettlementExcluded:
		return SettlementVerdict{State: SettleExcluded, Exclusion: ExcludedRefunded}
	case o.PaidFen <= 0:
		return SettlementVerdict{State: SettleExcluded, Exclusion: ExcludedFree}
	}
	var r []SettleReason
	if o.PaidAt == nil || o.Status == orders.OrderPendingPayment {
		r = append(r, ReasonUnpaid)
	}
	if !repaymentMet(o) {
		r = append(r, ReasonRepaymentPending)
	}
	if o.PayMethod == orders.PayCredit && f.CreditBillOthersPending > 0 {
		r = append(r, ReasonCreditBillPending)
	}
	if !o.SupervisionStatus.Settled() {
		r = append(r, ReasonSupervision)
	}
	if o.EffectiveAt == nil || o.EffectiveAt.After(now) {
		r = append(r, ReasonNotEffective)
	}
	if f.TypeBilledFen < SettlementThresholdFen {
		r = append(r, ReasonThreshold)
	}
	if len(r) == 0 {
		return SettlementVerdict{State: SettleEligible}
	}
	return SettlementVerdict{State: SettlePending, Reasons: r}
}

// repaymentMet: a credit order must be repaid; a coupon order holds back only while marked
// unpaid (purchase records no repayment state for coupons: they carry no post-paid debt unless
// operations mark one); cash is paid.
func repaymentMet(o *orders.Order) bool {
	switch o.PayMethod {
	case orders.PayCredit:
		return o.Repayment == orders.RepaymentRepaid
	case orders.PayCoupon:
		return o.Repayment != orders.RepaymentPending
	}
	return true
}

// Platform fee (平台服务费), in basis points of a product's monthly GMV.
const (
	FeeBaseBP         int64 = 500         // 5%
	FeeTier1BP        int64 = 600         // 5% + 1% from ¥500,000
	FeeTier2BP        int64 = 700         // 5% + 2% from ¥1,000,000
	FeeTier1FromFen   int64 = 50_000_000  // ¥500,000.00
	FeeTier2FromFen   int64 = 100_000_000 // ¥1,000,000.00
	basisPointsPerOne int64 = 10_000
)

// FeeRateBP is the platform fee rate for a product's monthly GMV: 5% below ¥500,000, 6% from
// ¥500,000 up to (not including) ¥1,000,000, 7% from ¥1,000,000. The rate applies to the whole
// month's GMV of the product (not marginally).
func FeeRateBP(gmvFen int64) int64 {
	switch {
	case gmvFen >= FeeTier2FromFen:
		return FeeTier2BP
	case gmvFen >= FeeTier1FromFen:
		return FeeTier1BP
	}
	return FeeBaseBP
}

// PlatformFee is the fee in fen on a product's monthly GMV: GMV × rate, rounded half up to
// the fen once per product and month (never per order, so the sum of a month does not drift).
// Integer arithmetic throughout: a GMV up to 9×10^14 fen cannot overflow.
func PlatformFee(gmvFen int64) int64 {
	if gmvFen <= 0 {
		return 0
	}
	return (gmvFen*FeeRateBP(gmvFen) + basisPointsPerOne/2) / basisPointsPerOne
}

// RatePercent shows a rate in basis points as a percentage: 600 → "6%", 550 → "5.5%".
func RatePercent(bp int64) string {
	if bp%100 == 0 {
		return strconv.FormatInt(bp/100, 10) + "%"
	}
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%d.%02d", bp/100, bp%100), "0"), ".") + "%"
}

// Period is a settlement month (账期), a calendar month in China Standard Time.
type Period struct {
	Year  int
	Month time.Month
}

// PeriodOf is the period t falls in.
func PeriodOf(t time.Time) Period {
	l := chinatime.In(t)
	return Period{l.Year(), l.Month()}
}

// ParsePeriod reads "2026-03"; anything else is false.
func ParsePeriod(s string) (Period, bool) {
	y, m, ok := chinatime.ParseMonth(s)
	return Period{y, m}, ok
}

// String is the period as "2026-03" (also its URL form and its SQL month key).
func (p Period) String() string { return chinatime.Month(p.Start()) }

// Start is the period's first instant, in UTC.
func (p Period) Start() time.Time {
	return chinatime.MonthStart(p.Year, p.Month)
}

// End is the next period's first instant, in UTC.
func (p Period) End() time.Time {
	return chinatime.MonthStart(p.Year, p.Month+1)
}

// Prev is the period before.
func (p Period) Prev() Period { return PeriodOf(p.Start().Add(-time.Hour)) }

// IsZero reports an unset period.
func (p Period) IsZero() bool { return p.Year == 0 }
