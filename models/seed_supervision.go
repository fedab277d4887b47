package models

import (
	"time"

	"koogallery/models/account"
	"koogallery/models/catalog"
	"koogallery/models/orders"
	"koogallery/models/supervision"

	"gorm.io/gorm"
)

// supervisions seeds the supervision of every supervised demo order: those still processing
// wait at a step of each party (网站迁移上云服务: the seller implements, requirements confirmed;
// 全国行政区划数据集: buyer2 has to submit requirements; 高可用 WordPress 应用编排: the seller
// implements), the accepted ones are completed. No notice is seeded.
func (d *demo) supervisions(tx *gorm.DB, made map[string]*orders.Order) {
	type step struct {
		key  string
		at   supervision.SupervisionStep
		reqs string
	}
	plan := []step{
		{"migration", supervision.StepImplementing, "迁移 2 台 Web 服务器与 1 个 MySQL 5.7 实例到华为云，要求停机窗口不超过 2 小时，提供迁移方案与验收报告。"},
		{"data2", supervision.StepRequirements, ""},
		{"wp2", supervision.StepImplementing, ""},
		{"audit", supervision.StepCompleted, ""},
		{"backup", supervision.StepCompleted, ""},
		{"gateway", supervision.StepCompleted, ""},
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
		sv := &supervision.Supervision{OrderID: o.ID, BuyerID: o.BuyerID, SellerID: o.SellerID, ProductID: p.ID, ProductType: p.Type,
			CodeKind: p.CodeKind, Step: st.at, Requirements: st.reqs, CreatedAt: at, UpdatedAt: at}
		if p.Type == catalog.TypeHardware {
			sv.CodeKind = catalog.CodeNone
		}
		if sv.CodeKind == catalog.CodeSystem {
			code := supervision.NewSystemCode()
			sv.SystemCode = &code
		}
		if st.at == supervision.StepCompleted {
			acc := at.Add(2 * 24 * time.Hour)
			done := acc.Add(supervision.SupervisionCompleteDelay)
			sv.AcceptedAt, sv.CompletedAt, sv.DeliveredAt = &acc, &done, &acc
			if sv.CodeKind == catalog.CodeHardware {
				sv.HardwareCode = "FA:16:3E:2B:9C:01|DISK-7F3A9|BOARD-22C1|CPU-0A65"
			}
		}
		if d.err = tx.Create(sv).Error; d.err != nil {
			return
		}
		events := []supervision.SupervisionEvent{{SupervisionID: sv.ID, ActorID: &o.BuyerID, ActorRole: account.RoleBuyer, Action: supervision.SvCreated, ToStep: supervision.FirstStep(p), CreatedAt: at}}
		if st.reqs != "" {
			u := at.Add(time.Hour)
			events = append(events,
				supervision.SupervisionEvent{SupervisionID: sv.ID, ActorID: &o.BuyerID, ActorRole: account.RoleBuyer, Action: supervision.SvSubmitRequirements, FromStep: supervision.StepRequirements, ToStep: supervision.StepConfirm, Text: st.reqs, CreatedAt: u},
				supervision.SupervisionEvent{SupervisionID: sv.ID, ActorRole: account.RoleSeller, Action: supervision.SvConfirmRequirements, FromStep: supervision.StepConfirm, ToStep: supervision.StepImplementing, CreatedAt: u.Add(3 * time.Hour)})
		}
		if st.at == supervision.StepCompleted {
			events = append(events,
				supervision.SupervisionEvent{SupervisionID: sv.ID, ActorID: &o.BuyerID, ActorRole: account.RoleBuyer, Action: supervision.SvAccept, FromStep: supervision.StepAcceptance, ToStep: supervision.StepAccepted, CreatedAt: *sv.AcceptedAt},
				supervision.SupervisionEvent{SupervisionID: sv.ID, ActorRole: supervision.RoleSystem, Action: supervision.SvComplete, FromStep: supervision.StepAccepted, ToStep: supervision.StepCompleted, CreatedAt: *sv.CompletedAt})
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
