package e2e

import (
	"testing"
	"time"

	"koogallery/apptest"
	"koogallery/models/orders"
	"koogallery/models/settlement"
)

// The settlement routes' fixtures for the authorization matrix (authz_test.go).

// loadCreditOrder is the demo's credit-paid 边缘计算网关 order of buyer@demo.test (repaid).
func loadCreditOrder(t *testing.T, srv *apptest.Server) orders.Order {
	t.Helper()
	p := productByCode(t, srv, "00302-200003-0--0")
	var o orders.Order
	noErr(t, srv.App.Store.DB().Where("product_id = ? AND pay_method = ? AND repayment = ?", p.ID, orders.PayCredit, orders.RepaymentRepaid).Order("id").First(&o).Error)
	return o
}

// sellerStatementPath is the logged-in seller's statement of the current month.
func sellerStatementPath(suffix string) func(fixtures) string {
	return func(fixtures) string {
		return "/seller/settlement/statements/" + settlement.PeriodOf(time.Now()).String() + suffix
	}
}

// adminStatementPath is seller company 1's statement of the current month.
func adminStatementPath(suffix string) func(fixtures) string {
	return func(f fixtures) string {
		return "/admin/settlement/statements/" + itoa(f.sellerID) + "/" + settlement.PeriodOf(time.Now()).String() + suffix
	}
}

func creditRepaymentPath(f fixtures) string {
	return "/admin/settlement/orders/" + itoa(f.creditOrder.ID) + "/repayment"
}
