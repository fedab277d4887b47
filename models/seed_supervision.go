package models

import (
	"time"

	"koogallery/models/catalog"
	"koogallery/models/orders"

	"gorm.io/gorm"
)

// supervisions seeds the supervision of every supervised demo order: those still processing
// wait at a step of each party (网站迁移上云服务: the seller implements, requirements confirmed;
// 全国行政区划数据集: buyer2 has to submit requirements; 高可用 WordPress 应用编排: the seller
// implements), the accepted ones are completed. No notice is seeded.
func (d *demo) supervisions(tx *gorm.DB, made map[string]*orders.Order) {
	type step struct {
		key  string
		at   SupervisionStep
		reqs string
	}
	plan := []step{
		{"migration", StepImplementing, "迁移 2 台 Web 服务器与 1 个 MySQL 5.7 实例到华为云，要求停机窗口不超过 2 小时，提供迁移方案与验收报告。"},
		{"data2", StepRequirements, ""},
		{"wp2", StepImplementing, ""},
		{"audit", StepCompleted, ""},
		{"backup", StepCompleted, ""},
		{"gateway", StepCompleted, ""},
	}
	for _, st := range plan {
		o := made[st.key]
		if d.err != nil {
			return
		}
		if o == nil {
			continue
		}
		p := d.products[productCode(d, o.ProductID)]
		if p == nil || !p.Supervised {
			continue
		}
		at := o.CreatedAt
		sv := &Supervision{OrderID: o.ID, BuyerID: o.BuyerID, SellerID: o.SellerID, ProductID: p.ID, ProductType: p.Type,
			CodeKind: p.CodeKind, Step: st.at, Requirements: st.reqs, CreatedAt: at, UpdatedAt: at}
		if p.Type == catalog.TypeHardware {
			sv.CodeKind = catalog.CodeNone
		}
		if sv.CodeKind == catalog.CodeSystem {
			code := NewSystemCode()
			sv.SystemCode = &code
		}
		if st.at == StepCompleted {
			acc := at.Add(2 * 24 * time.Hour)
			done := acc.Add(SupervisionCompleteDelay)
			sv.AcceptedAt, sv.CompletedAt, sv.DeliveredAt = &acc, &done, &acc
			if sv.CodeKind == catalog.CodeHardware {
				sv.HardwareCode = "FA:16:3E:2B:9C:01|DISK-7F3A9|BOARD-22C1|CPU-0A65"
			}
		}
		if d.err = tx.Create(sv).Error; d.err != nil {
			return
		}
		events := []SupervisionEvent{{SupervisionID: sv.ID, ActorID: &o.BuyerID, ActorRole: RoleBuyer, Action: SvCreated, ToStep: firstStep(p), CreatedAt: at}}
		if st.reqs != "" {
			u := at.Add(time.Hour)
			events = append(events,
				SupervisionEvent{SupervisionID: sv.ID, ActorID: &o.BuyerID, ActorRole: RoleBuyer, Action: SvSubmitRequirements, FromStep: StepRequirements, ToStep: StepConfirm, Text: st.reqs, CreatedAt: u},
				SupervisionEvent{SupervisionID: sv.ID, ActorRole: RoleSeller, Action: SvConfirmRequirements, FromStep: StepConfirm, ToStep: StepImplementing, CreatedAt: u.Add(3 * time.Hour)})
		}
		if st.at == StepCompleted {
			events = append(events,
				SupervisionEvent{SupervisionID: sv.ID, ActorID: &o.BuyerID, ActorRole: RoleBuyer, Action: SvAccept, FromStep: StepAcceptance, ToStep: StepAccepted, CreatedAt: *sv.AcceptedAt},
				SupervisionEvent{SupervisionID: sv.ID, ActorRole: RoleSystem, Action: SvComplete, FromStep: StepAccepted, ToStep: StepCompleted, CreatedAt: *sv.CompletedAt})
		}
		for i := range events {
			if d.err = tx.Create(&events[i]).Error; d.err != nil {
				return
			}
		}
	}
}

// productCode finds the code of a demo product by id.
func productCode(d *demo, id uint) string {
	for code, p := range d.products {
		if p.ID == id {
			return code
		}
	}
	return ""
}
