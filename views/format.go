package views

import (
	"context"
	"fmt"
	"strconv"

	"koogallery/models"
)

// Money shows an amount in fen as yuan: ¥1,234.50.
func Money(fen int64) string {
	neg := fen < 0
	if neg {
		fen = -fen
	}
	yuan := strconv.FormatInt(fen/100, 10)
	for i := len(yuan) - 3; i > 0; i -= 3 {
		yuan = yuan[:i] + "," + yuan[i:]
	}
	s := fmt.Sprintf("¥%s.%02d", yuan, fen%100)
	if neg {
		return "-" + s
	}
	return s
}

// Itoa shows an unsigned id.
func Itoa(n uint) string { return strconv.FormatUint(uint64(n), 10) }

// PriceLabel is a product's entry price with its unit, e.g. "¥99.00/月".
func PriceLabel(ctx context.Context, p *models.Product) string {
	fen, plan := p.LowestPrice()
	return Money(fen) + T(ctx, "plan.unit."+string(plan))
}

// StatusTone picks the badge colour for a status value.
func StatusTone(status string) string {
	switch status {
	case string(models.OrderCompleted), string(models.InstanceNormal), string(models.SaleOnSale), string(models.VersionApproved),
		string(models.AddressCertified):
		return "ok"
	case string(models.OrderProcessing), string(models.InstanceOpening), string(models.OrderPendingPayment), string(models.VersionReviewing):
		return "info"
	case string(models.InstanceFrozen):
		return "warn"
	case string(models.InstanceFailed), string(models.OrderCancelled), string(models.VersionRejected):
		return "danger"
	}
	return "muted"
}

func strconvItoa(n int) string { return strconv.Itoa(n) }
