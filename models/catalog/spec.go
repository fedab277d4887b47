package catalog

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// ProductSpec is one specification (规格) of a periodic product, such as 基础版, 专业版 or
// 企业版, with its own monthly and yearly prices. Specs are ranked from low to high: a buyer
// may change a service to a higher-ranked spec (变更, a CHANGE order and upgradeInstance).
// A product without specs is priced on the product itself, as before specs existed; a product
// with specs keeps its lowest spec's prices on the product for the catalog's "from" price.
type ProductSpec struct {
	ID        uint     `gorm:"primaryKey"`
	ProductID uint     `gorm:"not null;uniqueIndex:idx_product_specs_code,priority:1;uniqueIndex:idx_product_specs_rank,priority:1"`
	Product   *Product `gorm:"constraint:OnDelete:CASCADE"`
	Code      string   `gorm:"size:40;not null;uniqueIndex:idx_product_specs_code,priority:2"` // e.g. "pro", part of the SKU code
	Name      string   `gorm:"size:60;not null"`                                               // e.g. 专业版
	// Rank orders the specs of a product, low to high; unique per product (column spec_rank:
	// RANK is a reserved word in MySQL 8).
	Rank       int   `gorm:"column:spec_rank;not null;uniqueIndex:idx_product_specs_rank,priority:2"`
	PriceMonth int64 `gorm:"not null;default:0"` // fen per month; 0: no monthly plan
	PriceYear  int64 `gorm:"not null;default:0"` // fen per year; 0: no yearly plan
	CreatedAt  time.Time
}

// WithSpec is the product priced as one of its specs: the spec's monthly and yearly prices
// replace the product's, everything else (trial, charging mode) stays. With nil it is the
// product itself. Every price of a spec goes through this and (*Product).Price, so there is
// one price rule.
func (p *Product) WithSpec(sp *ProductSpec) *Product {
	if sp == nil || p == nil {
		return p
	}
	c := *p
	c.PriceMonth, c.PriceYear = sp.PriceMonth, sp.PriceYear
	return &c
}

// SpecName is a spec's name, or "" for none (views show the spec where there is one).
func SpecName(sp *ProductSpec) string {
	if sp == nil {
		return ""
	}
	return sp.Name
}

// ProductSpecs lists a product's specs from the lowest rank to the highest.
func (s *Store) ProductSpecs(ctx context.Context, productID uint) ([]ProductSpec, error) {
	var out []ProductSpec
	err := s.Conn(ctx).Where("product_id = ?", productID).Order("spec_rank, id").Limit(50).Find(&out).Error
	return out, err
}

// TopSpecRanks is the highest spec rank of each of the products that have specs.
func (s *Store) TopSpecRanks(ctx context.Context, productIDs []uint) (map[uint]int, error) {
	out := map[uint]int{}
	if len(productIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		ProductID uint
		Top       int
	}
	err := s.Conn(ctx).Model(&ProductSpec{}).Select("product_id, MAX(spec_rank) AS top").
		Where("product_id IN ?", productIDs).Group("product_id").Scan(&rows).Error
	for _, r := range rows {
		out[r.ProductID] = r.Top
	}
	return out, err
}

// pickSpec finds the spec a form names by id among the product's specs; an empty value is
// the lowest spec (the buy form preselects it; clients that predate specs send none).
func PickSpec(specs []ProductSpec, value string) (*ProductSpec, bool) {
	v := strings.TrimSpace(value)
	if v == "" {
		if len(specs) == 0 {
			return nil, false
		}
		return &specs[0], true
	}
	id, err := strconv.ParseUint(v, 10, 32)
	if err != nil {
		return nil, false
	}
	for i := range specs {
		if uint64(specs[i].ID) == id {
			return &specs[i], true
		}
	}
	return nil, false
}
