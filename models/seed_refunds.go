package models

import (
	"fmt"
	"time"

	"koogallery/chinatime"
	"koogallery/models/account"
	"koogallery/models/attachment"
	"koogallery/models/orders"
	"koogallery/models/refund"
	"koogallery/money"

	"gorm.io/gorm"
)

// refunds seeds one pending refund request, so the seller's 退订管理 is not empty on a fresh
// demo: 张伟 (buyer@demo.test) asks 云启科技 for part of the 网站迁移上云服务 back, with the chat
// they agreed in as the communication record. No notice is seeded (the demo's bells start
// as they were).
func (d *demo) refunds(tx *gorm.DB, made map[string]*orders.Order) {
	o := made["migration"]
	if d.err != nil || o == nil || o.InstanceID == nil {
		return
	}
	at := d.now.Add(-20 * time.Hour)
	key := fmt.Sprintf("%d:demo-refund-request-0001", o.BuyerID)
	r := &refund.RefundRequest{OrderID: o.ID, InstanceID: *o.InstanceID, BuyerID: o.BuyerID, SellerID: o.SellerID, ProductID: o.ProductID,
		Kind: refund.RefundKindNegotiated, Status: refund.RefundPending, AmountFen: 150000, MaxFen: o.PaidFen, Cause: refund.CauseNotDelivered,
		Text: "迁移方案已交付，但割接实施因我方业务调整取消，已与商家协商退还未实施部分的费用。", ShareContact: true,
		SubmitKey: &key, OpenKey: o.InstanceID, CreatedAt: at, UpdatedAt: at}
	if d.err = tx.Create(r).Error; d.err != nil {
		return
	}
	day := chinatime.Date(at.Add(-2 * time.Hour))
	chat := day + " 10:02 张伟：割接取消了，迁移方案已经收到，剩下的费用能退吗？\n" +
		day + " 10:15 王磊（云启科技）：可以，方案部分按 ¥500 计，其余 ¥1,500 同意退还，请在云商店发起退订。\n"
	file, _ := attachment.CheckUpload("沟通记录.txt", []byte(chat))
	if _, d.err = attachment.Save(tx, at, refund.AttachRefund, r.ID, &account.User{ID: o.BuyerID, Role: account.RoleBuyer}, file); d.err != nil {
		return
	}
	d.err = tx.Create(&account.AuditEvent{ActorID: o.BuyerID, Action: refund.RefundEventRequested, TargetType: refund.AuditRefund, TargetID: r.ID,
		Detail: money.Fen(r.AmountFen).String(), Reason: r.Text, CreatedAt: at}).Error
}
