// Package settlement holds the settlement (结算) pages: the seller's orders with their
// settlement state and reasons, the product types' progress toward the ¥1,000 threshold, the
// monthly statements and their CSV export; operations' view of every seller's statements and
// the demo's repayment switch for credit orders.
package settlement

import (
	"context"
	"net/url"
	"strconv"

	"koogallery/models/catalog"
	"koogallery/models/orders"
	"koogallery/models/settlement"
	"koogallery/models/sqldb"
	"koogallery/money"
	"koogallery/views"
)

// Areas a settlement page is shown in.
const (
	AreaSeller = "seller"
	AreaAdmin  = "admin"
)

// SellerVM is /seller/settlement.
type SellerVM struct {
	List       *settlement.SettlementList
	State      settlement.SettleState // the state filter, "" for all
	Periods    []settlement.Period    // the months offered in the period picker, newest first
	Statements []settlement.Statement
}

// StatementVM is one monthly statement.
type StatementVM struct {
	Area string
	St   *settlement.Statement
}

// AdminVM is /admin/settlement.
type AdminVM struct {
	Statements []settlement.Statement
	Credit     sqldb.Page[orders.Order]
}

// SellerURL is the seller's settlement page for a period and state.
func SellerURL(p settlement.Period, st settlement.SettleState) string {
	q := url.Values{}
	q.Set("month", p.String())
	if st != "" {
		q.Set("state", string(st))
	}
	return "/seller/settlement?" + q.Encode()
}

// StatementURL is a statement's page in an area.
func StatementURL(area string, st *settlement.Statement) string {
	if area == AreaAdmin {
		return "/admin/settlement/statements/" + views.Itoa(st.SellerID) + "/" + st.Period.String()
	}
	return "/seller/settlement/statements/" + st.Period.String()
}

// ExportURL downloads a statement as CSV.
func ExportURL(area string, st *settlement.Statement) string {
	return StatementURL(area, st) + "/export"
}

// RepaymentURL is operations' repayment switch for a credit order.
func RepaymentURL(id uint) string { return "/admin/settlement/orders/" + views.Itoa(id) + "/repayment" }

// Tone picks a settlement state's badge colour.
func Tone(s settlement.SettleState) string {
	switch s {
	case settlement.SettleEligible:
		return "ok"
	case settlement.SettlePending:
		return "warn"
	}
	return "muted"
}

// SupervisionLabel names a supervision state.
func SupervisionLabel(ctx context.Context, s orders.SupervisionStatus) string {
	if s == orders.SupervisionUnknown {
		return views.T(ctx, "settlement.supervision.unknown")
	}
	return views.T(ctx, "settlement.supervision."+string(s))
}

// ReasonText explains one unmet condition of an order.
func ReasonText(ctx context.Context, r settlement.SettleReason, row *settlement.SettlementRow, typeBilled int64) string {
	switch r {
	case settlement.ReasonSupervision:
		return views.T(ctx, "settlement.reason.supervision", SupervisionLabel(ctx, row.Order.SupervisionStatus))
	case settlement.ReasonNotEffective:
		return views.T(ctx, "settlement.reason.not_effective", views.FormatTimePtr(row.Order.EffectiveAt))
	case settlement.ReasonThreshold:
		return views.T(ctx, "settlement.reason.threshold", money.Fen(typeBilled).String(), money.Fen(settlement.SettlementThresholdFen).String())
	}
	return views.T(ctx, "settlement.reason."+string(r))
}

// TypeBilled is a product type's billed total in the list.
func (vm SellerVM) TypeBilled(t catalog.ProductType) int64 {
	for _, x := range vm.List.Types {
		if x.Type == t {
			return x.BilledFen
		}
	}
	return 0
}

// Fen is an amount as a data attribute (exact, for tests and scripts).
func Fen(n int64) string { return strconv.FormatInt(n, 10) }

// boolAttr shows a flag as a data attribute value.
func boolAttr(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
