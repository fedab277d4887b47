package views

import (
	"context"

	"koogallery/models/catalog"
	"koogallery/money"
)

// SpecText is a spec with its code and prices: "专业版 (pro) ¥20.00/月 ¥200.00/年".
func SpecText(ctx context.Context, sp catalog.SpecContent) string {
	s := sp.Name + " (" + sp.Code + ")"
	if sp.PriceMonth > 0 {
		s += " " + money.Fen(sp.PriceMonth).String() + T(ctx, "plan.unit.month")
	}
	if sp.PriceYear > 0 {
		s += " " + money.Fen(sp.PriceYear).String() + T(ctx, "plan.unit.year")
	}
	return s
}
