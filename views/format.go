package views

import (
	"context"
	"strconv"

	"koogallery/models/catalog"
	"koogallery/models/orders"
	"koogallery/models/sellertools"
	"koogallery/money"
)

// Itoa shows an unsigned id.
func Itoa(n uint) string { return strconv.FormatUint(uint64(n), 10) }

// PriceLabel is a product's entry price with its unit, e.g. "¥99.00/月".
func PriceLabel(ctx context.Context, p *catalog.Product) string {
	fen, plan := p.LowestPrice()
	return money.Fen(fen).String() + T(ctx, "plan.unit."+string(plan))
}

// StatusTone picks the badge colour for a status value.
func StatusTone(status string) string {
	switch status {
	case string(orders.OrderCompleted), string(orders.InstanceNormal), string(catalog.SaleOnSale), string(catalog.VersionApproved),
		string(sellertools.AddressCertified):
		return "ok"
	case string(orders.OrderProcessing), string(orders.InstanceOpening), string(orders.OrderPendingPayment), string(catalog.VersionReviewing):
		return "info"
	case string(orders.InstanceFrozen):
		return "warn"
	case string(orders.InstanceFailed), string(orders.OrderCancelled), string(catalog.VersionRejected):
		return "danger"
	}
	return "muted"
}

func strconvItoa(n int) string { return strconv.Itoa(n) }
