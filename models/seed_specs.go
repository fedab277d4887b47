package models

import (
	"fmt"
	"time"

	"koogallery/models/catalog"
	"koogallery/models/orders"

	"gorm.io/gorm"
)

// demoSpecs are the specs (规格) of the demo's periodic SaaS product 云启CRM; the product's
// own prices are its 基础版's, so the catalog's "from" price stays.
var demoSpecs = map[string][]catalog.ProductSpec{
	"00301-100001-0--0": {
		{Code: "basic", Name: "基础版", Rank: 1, PriceMonth: 9900, PriceYear: 99000},
		{Code: "pro", Name: "专业版", Rank: 2, PriceMonth: 19900, PriceYear: 199000},
		{Code: "enterprise", Name: "企业版", Rank: 3, PriceMonth: 39900, PriceYear: 399000},
	},
}

// specs seeds the demo specs: every demo order and service of those products holds the lowest
// spec, and 刘洋 (buyer2@demo.test) changed their yearly 云启CRM to 专业版 three days ago (a
// completed CHANGE order), so the order lists, the seller's orders and 变更规格 all have
// something to show. 张伟's CRM stays on 基础版, ready to be upgraded.
func (d *demo) specs(tx *gorm.DB, made map[string]*orders.Order) {
	if d.err != nil {
		return
	}
	bySpec := map[string]*catalog.ProductSpec{}
	for code, list := range demoSpecs {
		p := d.products[code]
		if p == nil {
			continue
		}
		for i := range list {
			sp := list[i]
			sp.ProductID, sp.CreatedAt = p.ID, d.now
			if d.err = tx.Create(&sp).Error; d.err != nil {
				return
			}
			bySpec[code+"/"+sp.Code] = &sp
		}
		low := bySpec[code+"/"+list[0].Code]
		if d.err = tx.Model(&orders.Order{}).Where("product_id = ?", p.ID).Update("spec_id", low.ID).Error; d.err != nil {
			return
		}
		if d.err = tx.Model(&orders.Instance{}).Where("product_id = ?", p.ID).Update("spec_id", low.ID).Error; d.err != nil {
			return
		}
	}
	d.change(tx, made["crm2"], bySpec["00301-100001-0--0/basic"], bySpec["00301-100001-0--0/pro"], 3*24*time.Hour)
}

// change writes a completed spec change of a demo service, priced by the rule buyers get.
func (d *demo) change(tx *gorm.DB, parent *orders.Order, from, to *catalog.ProductSpec, ago time.Duration) {
	if d.err != nil || parent == nil || parent.InstanceID == nil || from == nil || to == nil || parent.ExpireAt == nil {
		return
	}
	p := d.products[demoCodeOf(d, parent.ProductID)]
	at := d.now.Add(-ago)
	cur, next := p.WithSpec(from).Price(parent.Plan, 1), p.WithSpec(to).Price(parent.Plan, 1)
	amount := ProrateUpgrade(cur, next, DaysLeft(at, *parent.ExpireAt), PeriodDays(parent.Plan))
	d.seq++
	no := fmt.Sprintf("CS%s%s", at.Format("0601021504"), string(rune('A'+d.seq%26))+"DEMO")
	o := d.s.newOrder(parent.BuyerID, p, orders.OrderChange, quote{plan: parent.Plan, amount: amount, pay: orders.PayCash, spec: to})
	o.OrderNo, o.LineNo, o.CreatedAt, o.PaidAt, o.Status = no, orders.LineNo(no), at, &at, orders.OrderCompleted
	o.ParentOrderID, o.InstanceID, o.FromSpecID = &parent.ID, parent.InstanceID, &from.ID
	o.EffectiveAt, o.ExpireAt = &at, parent.ExpireAt
	if d.err = tx.Create(o).Error; d.err != nil {
		return
	}
	d.err = tx.Model(&orders.Instance{}).Where("id = ?", *parent.InstanceID).Update("spec_id", to.ID).Error
}

// demoCodeOf is the code of a demo product by id.
func demoCodeOf(d *demo, id uint) string {
	for code, p := range d.products {
		if p.ID == id {
			return code
		}
	}
	return ""
}
