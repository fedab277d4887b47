package models_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"koogallery/chinatime"
	"koogallery/models"
	"koogallery/models/account"
	"koogallery/models/attachment"
	"koogallery/models/catalog"
	"koogallery/models/license"
	"koogallery/models/notice"
	"koogallery/models/orders"
	"koogallery/models/outbox"
	"koogallery/models/refund"
	"koogallery/models/sqldb"
	"koogallery/models/storetest"
	"koogallery/protocol"
)

// Refunds in the store, on SQLite and MariaDB: the rule table on real orders, what approval
// does, rejection and withdrawal, the no-reason yearly limit, racing decisions, bad input.

// pdfBytes is a tiny valid-looking PDF (enough for content sniffing).
var pdfBytes = []byte("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")

// sellerUser is a user of the world's seller company.
func (w *world) sellerUser(t *testing.T, email string) *account.User {
	t.Helper()
	u := account.User{Email: email, Name: email, PasswordHash: "-", Role: account.RoleSeller, SellerID: &w.seller.ID}
	must(t, w.s.DB().Create(&u).Error)
	return &u
}

// opened makes a service in use, as if the seller had created it.
func opened(t *testing.T, s *models.Store, inst orders.Instance) orders.Instance {
	t.Helper()
	must(t, s.DB().Model(&orders.Instance{}).Where("id = ?", inst.ID).
		Updates(map[string]any{"status": orders.InstanceNormal, "seller_instance_id": "ins-" + itoaTest(inst.ID)}).Error)
	must(t, s.DB().Model(&outbox.InterfaceCall{}).Where("instance_id = ?", inst.ID).Update("status", outbox.CallSucceeded).Error)
	return instanceOf(t, s, inst.ID)
}

func itoaTest(n uint) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func refundIn(amount string) refund.RefundInput {
	return refund.RefundInput{Amount: amount, Cause: string(refund.CauseNotDelivered), Text: "协商一致", Confirm: true, SubmitKey: key()}
}

func supervised(typ catalog.ProductType, fen int64) func(p *catalog.Product) {
	return func(p *catalog.Product) {
		p.Type, p.ChargingMode, p.PriceOnce, p.PriceMonth, p.PriceYear, p.Supervised = typ, catalog.ChargeOneTime, fen, 0, 0, true
	}
}

func TestRefundRulesOnRealOrders(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		day := 24 * time.Hour
		type setup func(t *testing.T, inst *orders.Instance)
		cases := []struct {
			name  string
			fill  func(p *catalog.Product)
			in    models.PurchaseInput
			setup setup
			why   string
			max   int64
		}{
			{"manual service", supervised(catalog.TypeManualService, 200000), buy(catalog.PlanOnce, "", orders.PayCash), nil, refund.RuleNegotiated, 200000},
			{"License supervised", supervised(catalog.TypeLicense, 128000), buy(catalog.PlanOnce, "", orders.PayCredit), nil, refund.RuleNegotiated, 128000},
			{"SaaS supervised", supervised(catalog.TypeSaaS, 30000), buy(catalog.PlanOnce, "", orders.PayCoupon), nil, refund.RuleNegotiated, 30000},
			{"app orchestration", supervised(catalog.TypeAppOrchestration, 29900), buy(catalog.PlanOnce, "", orders.PayCash), nil, refund.RuleNegotiated, 29900},
			{"data file", supervised(catalog.TypeDataFile, 19900), buy(catalog.PlanOnce, "", orders.PayCash), nil, refund.RuleNegotiated, 19900},
			{"hardware", supervised(catalog.TypeHardware, 399900), buy(catalog.PlanOnce, "", orders.PayCash), nil, refund.RuleNegotiated, 399900},
			{"API", func(p *catalog.Product) { p.Type = catalog.TypeAPI }, buy(catalog.PlanMonth, "1", orders.PayCash), nil, refund.WhyTypeNotRefundable, 0},
			{"License code claimed", supervised(catalog.TypeLicense, 128000), buy(catalog.PlanOnce, "", orders.PayCash), func(t *testing.T, inst *orders.Instance) {
				*inst = opened(t, s, *inst)
				at := w.clock.Now()
				must(t, s.DB().Create(&license.LicenseApplication{InstanceID: inst.ID, BuyerID: inst.BuyerID, SellerID: inst.SellerID, ProductID: inst.ProductID,
					EventID: "evt-" + key(), DeviceFingerprint: "AA|||", EffectiveTime: at, Status: license.LicenseIssued, LicenseType: license.LicenseTypeCharacters,
					Characters: "LIC", CreatedAt: at, IssuedAt: &at}).Error)
			}, refund.WhyLicenseClaimed, 0},
			{"supervision completed", supervised(catalog.TypeManualService, 200000), buy(catalog.PlanOnce, "", orders.PayCash), func(t *testing.T, inst *orders.Instance) {
				must(t, s.DB().Model(&orders.Order{}).Where("id = ?", inst.OrderID).Update("supervision_status", orders.SupervisionCompleted).Error)
			}, refund.WhySupervisionCompleted, 0},
			{"validity over", func(p *catalog.Product) {
				p.Type, p.Supervised, p.PriceMonth = catalog.TypeLicense, true, 0
			}, buy(catalog.PlanYear, "1", orders.PayCash), func(t *testing.T, inst *orders.Instance) {
				w.clock.Advance(366 * day)
			}, refund.WhyValidityOver, 0},
			{"renewal not in effect: full", func(p *catalog.Product) {
				p.Type, p.Supervised, p.PriceMonth = catalog.TypeLicense, true, 0
			}, buy(catalog.PlanYear, "1", orders.PayCash), func(t *testing.T, inst *orders.Instance) {
				*inst = opened(t, s, *inst)
				w.clock.Advance(day)
				_, err := s.Renew(ctx, inst.BuyerID, inst.ID, buy(catalog.PlanYear, "1", orders.PayCash))
				must(t, err)
			}, refund.RuleRenewalFull, 10000},
			{"renewal in effect", func(p *catalog.Product) {
				p.Type, p.Supervised, p.PriceMonth = catalog.TypeLicense, true, 0
			}, buy(catalog.PlanYear, "1", orders.PayCash), func(t *testing.T, inst *orders.Instance) {
				*inst = opened(t, s, *inst)
				_, err := s.Renew(ctx, inst.BuyerID, inst.ID, buy(catalog.PlanYear, "1", orders.PayCash))
				must(t, err)
				w.clock.Advance(366 * day)
			}, refund.WhyRenewalInEffect, 0},
			{"unsupervised License in the guarantee days", func(p *catalog.Product) {
				p.Type, p.ChargingMode, p.PriceOnce = catalog.TypeLicense, catalog.ChargeOneTime, 5000
			}, buy(catalog.PlanOnce, "", orders.PayCash), func(t *testing.T, inst *orders.Instance) {
				w.clock.Advance(refund.GuaranteeDays * day)
			}, refund.RuleNegotiated, 5000},
			{"unsupervised License after the guarantee days", func(p *catalog.Product) {
				p.Type, p.ChargingMode, p.PriceOnce = catalog.TypeLicense, catalog.ChargeOneTime, 5000
			}, buy(catalog.PlanOnce, "", orders.PayCash), func(t *testing.T, inst *orders.Instance) {
				w.clock.Advance(refund.GuaranteeDays*day + time.Minute)
			}, refund.WhyGuaranteeOver, 0},
			{"trial", func(p *catalog.Product) { p.Type, p.TrialDays = catalog.TypeImage, 7 }, buy(catalog.PlanTrial, "", orders.PayCash), nil, refund.WhyTrial, 0},
			{"nothing paid (on demand)", func(p *catalog.Product) {
				p.Type, p.ChargingMode, p.PriceHour = catalog.TypeImage, catalog.ChargeOnDemand, 50
			}, buy(catalog.PlanHour, "", orders.PayCash), nil, refund.WhyNothingPaid, 0},
			{"image within five days", func(p *catalog.Product) { p.Type = catalog.TypeImage }, buy(catalog.PlanMonth, "2", orders.PayCash), func(t *testing.T, inst *orders.Instance) {
				w.clock.Advance(5 * day)
			}, refund.RuleNoReason, 2000},
			{"unsupervised SaaS after five days", nil, buy(catalog.PlanMonth, "1", orders.PayCash), func(t *testing.T, inst *orders.Instance) {
				w.clock.Advance(5*day + time.Minute)
			}, refund.WhyNoReasonExpired, 0},
			{"unsupervised SaaS renewal", nil, buy(catalog.PlanMonth, "1", orders.PayCash), func(t *testing.T, inst *orders.Instance) {
				*inst = opened(t, s, *inst)
				_, err := s.Renew(ctx, inst.BuyerID, inst.ID, buy(catalog.PlanMonth, "1", orders.PayCash))
				must(t, err)
			}, refund.WhyNoReasonNewOnly, 0},
			{"service released", supervised(catalog.TypeManualService, 200000), buy(catalog.PlanOnce, "", orders.PayCash), func(t *testing.T, inst *orders.Instance) {
				must(t, s.DB().Model(&orders.Instance{}).Where("id = ?", inst.ID).Update("status", orders.InstanceReleased).Error)
			}, refund.WhyNotInUse, 0},
			{"open request", supervised(catalog.TypeManualService, 200000), buy(catalog.PlanOnce, "", orders.PayCash), func(t *testing.T, inst *orders.Instance) {
				_, err := s.RequestRefund(ctx, &w.buyer, inst.ID, refundIn("100"))
				must(t, err)
			}, refund.WhyOpenRequest, 0},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				w.clock.Set(t0)
				p := w.product(t, tc.fill)
				_, inst := bought(t, w, w.buyer.ID, p, tc.in)
				if tc.setup != nil {
					tc.setup(t, &inst)
				}
				got, err := s.RefundCheck(ctx, w.buyer.ID, inst.ID)
				must(t, err)
				if got.Decision.Why != tc.why || got.Decision.MaxFen != tc.max {
					t.Fatalf("decision %q max %d, want %q max %d", got.Decision.Why, got.Decision.MaxFen, tc.why, tc.max)
				}
				if _, err := s.RefundCheck(ctx, w.buyer2.ID, inst.ID); !errors.Is(err, sqldb.ErrNotFound) {
					t.Errorf("another buyer's check: %v", err)
				}
				// A refused refund cannot be requested either, and writes nothing.
				if !got.Decision.Allowed {
					before := count(t, s, &refund.RefundRequest{})
					_, err := s.RequestRefund(ctx, &w.buyer, inst.ID, refundIn("1"))
					var fe sqldb.FieldErrors
					if !errors.As(err, &fe) || fe["form"] != tc.why {
						t.Errorf("request refused with %v, want form error %q", err, tc.why)
					}
					if after := count(t, s, &refund.RefundRequest{}); after != before {
						t.Errorf("a refused request wrote a row")
					}
				}
			})
		}
	})
}

// refundWorld is a supervised SaaS product (opened through the interface) bought for ¥300 by
// buyer, in use, with a seller user.
func refundWorld(t *testing.T, s *models.Store) (*world, *account.User, orders.Order, orders.Instance) {
	t.Helper()
	w := newWorld(t, s)
	seller := w.sellerUser(t, "seller@test.test")
	must(t, s.DB().Model(&account.Seller{}).Where("id = ?", w.seller.ID).Update("support_email", "shop@test.test").Error)
	p := w.product(t, supervised(catalog.TypeSaaS, 30000))
	o, inst := bought(t, w, w.buyer.ID, p, buy(catalog.PlanOnce, "", orders.PayCoupon))
	inst = opened(t, s, inst)
	return w, seller, o, inst
}

func TestRefundApproveDoesEverythingOnce(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w, seller, o, inst := refundWorld(t, s)
		in := refundIn("150.50")
		in.ShareContact = true
		in.Attachment = &attachment.Upload{Name: `C:\Users\zw\聊天记录.pdf`, Data: pdfBytes}
		r, err := s.RequestRefund(ctx, &w.buyer, inst.ID, in)
		must(t, err)
		if r.Status != refund.RefundPending || r.AmountFen != 15050 || r.MaxFen != 30000 || r.OrderID != o.ID || r.Kind != refund.RefundKindNegotiated {
			t.Fatalf("request %+v", r)
		}
		if n := count(t, s, &notice.Notice{}, "seller_id = ? AND kind = ?", w.seller.ID, "refund_requested"); n != 1 {
			t.Errorf("%d seller notices of the request", n)
		}
		if n := count(t, s, &notice.Mail{}, "`to` = ?", "shop@test.test"); n != 1 {
			t.Errorf("%d mails to the seller", n)
		}
		var att attachment.Attachment
		must(t, s.DB().Where("owner_kind = ? AND owner_id = ?", refund.AttachRefund, r.ID).First(&att).Error)
		if att.FileName != "聊天记录.pdf" || att.ContentType != "application/pdf" || att.Size != int64(len(pdfBytes)) || att.UploaderRole != account.RoleBuyer {
			t.Errorf("attachment %+v", att)
		}

		w.clock.Advance(time.Hour)
		got, err := s.ApproveRefund(ctx, seller, r.ID, refund.RefundDecisionInput{Opinion: "同意退还未实施部分",
			Attachment: &attachment.Upload{Name: "acceptance.txt", Data: []byte("验收单：方案部分已交付\n")}})
		must(t, err)
		if got.Status != refund.RefundApproved || got.DecidedBy == nil || *got.DecidedBy != seller.ID {
			t.Errorf("approved request %+v", got)
		}
		var saved refund.RefundRequest
		must(t, s.DB().First(&saved, r.ID).Error)
		if saved.Status != refund.RefundApproved || saved.OpenKey != nil || saved.Opinion != "同意退还未实施部分" || saved.DecidedAt == nil {
			t.Errorf("saved request %+v", saved)
		}
		// One refund record, by the method paid with.
		var refunds []orders.Refund
		must(t, s.DB().Where("order_id = ?", o.ID).Find(&refunds).Error)
		if len(refunds) != 1 || refunds[0].AmountFen != 15050 || refunds[0].Method != orders.PayCoupon || refunds[0].Reason != orders.RefundNegotiated ||
			refunds[0].RequestID == nil || *refunds[0].RequestID != r.ID {
			t.Fatalf("refunds %+v", refunds)
		}
		// The unsubscription order, the original order out of settlement and supervision.
		var unsub orders.Order
		must(t, s.DB().Where("parent_order_id = ? AND type = ?", o.ID, orders.OrderUnsubscribe).First(&unsub).Error)
		if unsub.Status != orders.OrderCompleted || unsub.InstanceID == nil || *unsub.InstanceID != inst.ID || !unsub.SettlementExcluded || unsub.PaidFen != 0 {
			t.Errorf("unsubscription order %+v", unsub)
		}
		var orig orders.Order
		must(t, s.DB().First(&orig, o.ID).Error)
		if orig.Status != orders.OrderCompleted || !orig.SettlementExcluded || orig.SupervisionStatus != orders.SupervisionClosed {
			t.Errorf("original order %s excluded=%v supervision=%s", orig.Status, orig.SettlementExcluded, orig.SupervisionStatus)
		}
		// The service released, releaseInstance queued naming the unsubscription order.
		if st := instanceOf(t, s, inst.ID).Status; st != orders.InstanceReleased {
			t.Errorf("service %s", st)
		}
		var calls []outbox.InterfaceCall
		must(t, s.DB().Where("instance_id = ? AND activity = ?", inst.ID, protocol.ActivityReleaseInstance).Find(&calls).Error)
		if len(calls) != 1 || calls[0].Status != outbox.CallPending || calls[0].OrderID == nil || *calls[0].OrderID != unsub.ID ||
			!strings.Contains(calls[0].Body, unsub.OrderNo) || !strings.Contains(calls[0].Body, inst.SellerInstanceID) {
			t.Fatalf("release calls %+v", calls)
		}
		// Both parties told, in-site and by mail.
		if n := count(t, s, &notice.Notice{}, "user_id = ? AND kind = ?", w.buyer.ID, "refund_approved"); n != 1 {
			t.Errorf("%d buyer notices of the approval", n)
		}
		if n := count(t, s, &notice.Notice{}, "seller_id = ? AND kind = ?", w.seller.ID, "refund_approved"); n != 1 {
			t.Errorf("%d seller notices of the approval", n)
		}
		if n := count(t, s, &notice.Mail{}, "`to` = ?", w.buyer.Email); n != 1 {
			t.Errorf("%d mails to the buyer", n)
		}
		// The detail shows it all, with the timeline and both attachments.
		d, err := s.SellerRefund(ctx, w.seller.ID, r.ID)
		must(t, err)
		if d.Refund == nil || d.Unsubscribe == nil || len(d.Calls) != 1 || len(d.Attachments) != 2 || len(d.Trail) != 2 ||
			d.Trail[0].Action != refund.RefundEventRequested || d.Trail[1].Action != refund.RefundEventApproved || d.Supervision != orders.SupervisionClosed {
			t.Errorf("detail: refund %v unsub %v calls %d attachments %d trail %+v supervision %s", d.Refund, d.Unsubscribe, len(d.Calls), len(d.Attachments), d.Trail, d.Supervision)
		}
		// Nothing happens twice: a second approval, a withdrawal, a rejection are stale.
		if _, err := s.ApproveRefund(ctx, seller, r.ID, refund.RefundDecisionInput{Opinion: "again"}); !errors.Is(err, sqldb.ErrStale) {
			t.Errorf("second approval: %v", err)
		}
		if _, err := s.RejectRefund(ctx, seller, r.ID, refund.RefundDecisionInput{Opinion: "late"}); !errors.Is(err, sqldb.ErrStale) {
			t.Errorf("rejection after approval: %v", err)
		}
		if err := s.WithdrawRefund(ctx, &w.buyer, r.ID); !errors.Is(err, sqldb.ErrStale) {
			t.Errorf("withdrawal after approval: %v", err)
		}
		if n := count(t, s, &orders.Refund{}); n != 1 {
			t.Errorf("%d refunds", n)
		}
		// And the service cannot be refunded again.
		check, err := s.RefundCheck(ctx, w.buyer.ID, inst.ID)
		must(t, err)
		if check.Decision.Allowed || check.Decision.Why != refund.WhyNotInUse {
			t.Errorf("after the refund: %+v", check.Decision)
		}
	})
}

func TestRefundRenewalNotInEffectTakesThePeriodBack(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		seller := w.sellerUser(t, "seller@test.test")
		p := w.product(t, func(p *catalog.Product) { p.Type, p.Supervised, p.PriceMonth = catalog.TypeLicense, true, 0 })
		first, inst := bought(t, w, w.buyer.ID, p, buy(catalog.PlanYear, "1", orders.PayCash))
		inst = opened(t, s, inst)
		renewal, err := s.Renew(ctx, w.buyer.ID, inst.ID, buy(catalog.PlanYear, "2", orders.PayCredit))
		must(t, err)
		if _, err := s.RequestRefund(ctx, &w.buyer, inst.ID, refundIn("100")); !isField(err, "amount", refund.MsgAmountFull) {
			t.Fatalf("part of a renewal: %v", err)
		}
		r, err := s.RequestRefund(ctx, &w.buyer, inst.ID, refundIn("200.00"))
		must(t, err)
		if r.OrderID != renewal.ID {
			t.Fatalf("refund of order %d, want the renewal %d", r.OrderID, renewal.ID)
		}
		_, err = s.ApproveRefund(ctx, seller, r.ID, refund.RefundDecisionInput{Opinion: "未生效续费全额退订"})
		must(t, err)
		got := instanceOf(t, s, inst.ID)
		if got.Status != orders.InstanceNormal || !sameTime(got.ExpireAt, first.ExpireAt) {
			t.Errorf("service %s until %s, want normal until %s", got.Status, fmtTime(got.ExpireAt), fmtTime(first.ExpireAt))
		}
		var calls []outbox.InterfaceCall
		must(t, s.DB().Where("instance_id = ? AND activity IN ?", inst.ID, []protocol.Activity{protocol.ActivityReleaseInstance, protocol.ActivityRefreshInstance}).Order("id").Find(&calls).Error)
		last := calls[len(calls)-1]
		if last.Activity != protocol.ActivityRefreshInstance || last.Scene != "UNSUBSCRIBE_RENEWAL_PERIOD" || !strings.Contains(last.Body, first.ExpireAt.UTC().Format("20060102150405")) {
			t.Errorf("last call %s %s %s", last.Activity, last.Scene, last.Body)
		}
		if n := count(t, s, &outbox.InterfaceCall{}, "instance_id = ? AND activity = ?", inst.ID, protocol.ActivityReleaseInstance); n != 0 {
			t.Errorf("%d release calls for a renewal refund", n)
		}
		var orig orders.Order
		must(t, s.DB().First(&orig, first.ID).Error)
		if orig.SupervisionStatus != orders.SupervisionInProgress || orig.SettlementExcluded {
			t.Errorf("the service's own order changed: supervision %s excluded %v", orig.SupervisionStatus, orig.SettlementExcluded)
		}
		// Next, the purchase itself may be refunded (partly).
		check, err := s.RefundCheck(ctx, w.buyer.ID, inst.ID)
		must(t, err)
		if !check.Decision.Allowed || check.Order.ID != first.ID || check.Decision.MinFen != 1 {
			t.Errorf("after the renewal's refund: order %v %+v", check.Order, check.Decision)
		}
	})
}

func isField(err error, field, msg string) bool {
	var fe sqldb.FieldErrors
	return errors.As(err, &fe) && fe[field] == msg
}

func TestRefundRejectThenApplyAgain(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w, seller, _, inst := refundWorld(t, s)
		r, err := s.RequestRefund(ctx, &w.buyer, inst.ID, refundIn("300"))
		must(t, err)
		if _, err := s.RejectRefund(ctx, seller, r.ID, refund.RefundDecisionInput{Opinion: ""}); !isField(err, "opinion", refund.MsgOpinionMissing) {
			t.Fatalf("rejection without an opinion: %v", err)
		}
		_, err = s.RejectRefund(ctx, seller, r.ID, refund.RefundDecisionInput{Opinion: "服务已按约定交付"})
		must(t, err)
		var saved refund.RefundRequest
		must(t, s.DB().First(&saved, r.ID).Error)
		if saved.Status != refund.RefundRejected || saved.OpenKey != nil {
			t.Errorf("rejected request %s open=%v", saved.Status, saved.OpenKey)
		}
		if n := count(t, s, &notice.Notice{}, "user_id = ? AND kind = ?", w.buyer.ID, "refund_rejected"); n != 1 {
			t.Errorf("%d buyer notices of the rejection", n)
		}
		if n := count(t, s, &orders.Refund{}) + count(t, s, &outbox.InterfaceCall{}, "activity = ?", protocol.ActivityReleaseInstance); n != 0 {
			t.Errorf("a rejection refunded or released")
		}
		if st := instanceOf(t, s, inst.ID).Status; st != orders.InstanceNormal {
			t.Errorf("service %s after rejection", st)
		}
		// The buyer may apply again, and withdraw.
		again, err := s.RequestRefund(ctx, &w.buyer, inst.ID, refundIn("120"))
		must(t, err)
		if err := s.WithdrawRefund(ctx, &w.buyer2, again.ID); !errors.Is(err, sqldb.ErrNotFound) {
			t.Errorf("another buyer's withdrawal: %v", err)
		}
		must(t, s.WithdrawRefund(ctx, &w.buyer, again.ID))
		if err := s.WithdrawRefund(ctx, &w.buyer, again.ID); !errors.Is(err, sqldb.ErrStale) {
			t.Errorf("second withdrawal: %v", err)
		}
		if _, err := s.ApproveRefund(ctx, seller, again.ID, refund.RefundDecisionInput{Opinion: "ok"}); !errors.Is(err, sqldb.ErrStale) {
			t.Errorf("approval after withdrawal: %v", err)
		}
		third, err := s.RequestRefund(ctx, &w.buyer, inst.ID, refundIn("100"))
		must(t, err)
		if third.Status != refund.RefundPending {
			t.Errorf("third request %s", third.Status)
		}
		d, err := s.BuyerRefund(ctx, w.buyer.ID, third.ID)
		must(t, err)
		if len(d.History) != 3 {
			t.Errorf("history of %d requests, want 3", len(d.History))
		}
	})
}

func TestRefundNoReasonAutomaticWithYearlyLimit(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		p := w.product(t, func(p *catalog.Product) { p.Type = catalog.TypeImage })
		for i := 0; i < refund.NoReasonPerYear; i++ {
			o, inst := bought(t, w, w.buyer.ID, p, buy(catalog.PlanMonth, "1", orders.PayCash))
			r, err := s.RequestRefund(ctx, &w.buyer, inst.ID, refundIn("10.00"))
			must(t, err)
			if r.Status != refund.RefundApproved || r.Kind != refund.RefundKindNoReason || r.DecidedBy != nil {
				t.Fatalf("no-reason request %d: %+v", i, r)
			}
			var refund orders.Refund
			must(t, s.DB().Where("order_id = ?", o.ID).First(&refund).Error)
			if refund.Reason != orders.RefundNoReason || refund.AmountFen != 1000 {
				t.Fatalf("refund %+v", refund)
			}
			if st := instanceOf(t, s, inst.ID).Status; st != orders.InstanceReleased {
				t.Fatalf("service %s", st)
			}
		}
		if n := count(t, s, &notice.Notice{}, "user_id = ? AND kind = ?", w.buyer.ID, "refund_auto_approved"); n != refund.NoReasonPerYear {
			t.Errorf("%d buyer notices", n)
		}
		_, inst := bought(t, w, w.buyer.ID, p, buy(catalog.PlanMonth, "1", orders.PayCash))
		if _, err := s.RequestRefund(ctx, &w.buyer, inst.ID, refundIn("10.00")); !isField(err, "form", refund.WhyNoReasonLimit) {
			t.Fatalf("eleventh this year: %v", err)
		}
		// Another buyer has their own ten; a part of the amount is refused.
		_, inst2 := bought(t, w, w.buyer2.ID, p, buy(catalog.PlanMonth, "1", orders.PayCash))
		if _, err := s.RequestRefund(ctx, &w.buyer2, inst2.ID, refundIn("5")); !isField(err, "amount", refund.MsgAmountFull) {
			t.Errorf("part of a no-reason refund: %v", err)
		}
		// A new calendar year (China time) starts a new count.
		newYear := time.Date(t0.Year()+1, 1, 1, 0, 0, 0, 0, chinatime.Zone)
		w.clock.Set(newYear.Add(-time.Minute))
		_, late := bought(t, w, w.buyer.ID, p, buy(catalog.PlanMonth, "1", orders.PayCash))
		w.clock.Set(newYear.Add(time.Minute))
		if r, err := s.RequestRefund(ctx, &w.buyer, late.ID, refundIn("10")); err != nil || r.Status != refund.RefundApproved {
			t.Errorf("first of the new year: %v %v", r, err)
		}
	})
}

// TestRefundConcurrentDecisions races two approvals, and an approval with a withdrawal, of one
// request: exactly one wins, with one refund record and one releaseInstance call.
func TestRefundConcurrentDecisions(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w, seller, _, _ := refundWorld(t, s)
		seller2 := w.sellerUser(t, "colleague@test.test") // the same company, another person
		p := w.product(t, supervised(catalog.TypeSaaS, 30000))
		for round := 0; round < 6; round++ {
			_, inst := bought(t, w, w.buyer.ID, p, buy(catalog.PlanOnce, "", orders.PayCash))
			inst = opened(t, s, inst)
			r, err := s.RequestRefund(ctx, &w.buyer, inst.ID, refundIn("99.99"))
			must(t, err)
			withdraw := round%2 == 1
			var wg sync.WaitGroup
			errs := make([]error, 2)
			start := make(chan struct{})
			for i := 0; i < 2; i++ {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					<-start
					switch {
					case i == 1 && withdraw:
						errs[i] = s.WithdrawRefund(ctx, &w.buyer, r.ID)
					case i == 1:
						_, errs[i] = s.ApproveRefund(ctx, seller2, r.ID, refund.RefundDecisionInput{Opinion: "同意 B"})
					default:
						_, errs[i] = s.ApproveRefund(ctx, seller, r.ID, refund.RefundDecisionInput{Opinion: "同意 A"})
					}
				}(i)
			}
			close(start)
			wg.Wait()
			wins := 0
			for _, err := range errs {
				switch {
				case err == nil:
					wins++
				case !errors.Is(err, sqldb.ErrStale):
					t.Fatalf("round %d: %v", round, err)
				}
			}
			if wins != 1 {
				t.Fatalf("round %d: %d winners (%v)", round, wins, errs)
			}
			var saved refund.RefundRequest
			must(t, s.DB().First(&saved, r.ID).Error)
			approved := saved.Status == refund.RefundApproved
			if !approved && saved.Status != refund.RefundWithdrawn {
				t.Fatalf("round %d: status %s", round, saved.Status)
			}
			want := int64(0)
			if approved {
				want = 1
			}
			if n := count(t, s, &orders.Refund{}, "request_id = ?", r.ID); n != want {
				t.Errorf("round %d (%s): %d refund records", round, saved.Status, n)
			}
			if n := count(t, s, &outbox.InterfaceCall{}, "instance_id = ? AND activity = ?", inst.ID, protocol.ActivityReleaseInstance); n != want {
				t.Errorf("round %d (%s): %d releaseInstance calls", round, saved.Status, n)
			}
			if n := count(t, s, &orders.Order{}, "instance_id = ? AND type = ?", inst.ID, orders.OrderUnsubscribe); n != want {
				t.Errorf("round %d (%s): %d unsubscription orders", round, saved.Status, n)
			}
			if n := count(t, s, &account.AuditEvent{}, "target_type = ? AND target_id = ?", refund.AuditRefund, r.ID); n != 2 {
				t.Errorf("round %d: %d timeline events, want 2", round, n)
			}
		}
	})
}

// TestRefundConcurrentRequests: two different forms for one service at once make one request.
func TestRefundConcurrentRequests(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w, _, _, inst := refundWorld(t, s)
		var wg sync.WaitGroup
		errs := make([]error, 4)
		sameKey := key()
		for i := range errs {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				in := refundIn("10")
				if i < 2 {
					in.SubmitKey = sameKey // a double click
				}
				_, errs[i] = s.RequestRefund(ctx, &w.buyer, inst.ID, in)
			}(i)
		}
		wg.Wait()
		if n := count(t, s, &refund.RefundRequest{}, "instance_id = ?", inst.ID); n != 1 {
			t.Fatalf("%d requests (%v)", n, errs)
		}
		for i, err := range errs {
			if err != nil && !isField(err, "form", refund.WhyOpenRequest) {
				t.Errorf("request %d: %v", i, err)
			}
		}
	})
}

func TestRefundBadInputChangesNothing(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w, seller, _, inst := refundWorld(t, s)
		hw := w.product(t, supervised(catalog.TypeHardware, 50000))
		_, hwInst := bought(t, w, w.buyer.ID, hw, buy(catalog.PlanOnce, "", orders.PayCash))
		other := account.Seller{Name: "别家"}
		must(t, s.DB().Create(&other).Error)
		stranger := &account.User{Email: "s2@test.test", Name: "s2", PasswordHash: "-", Role: account.RoleSeller, SellerID: &other.ID}
		must(t, s.DB().Create(stranger).Error)
		exe := append([]byte("\x7fELF\x02\x01\x01"), bytes.Repeat([]byte{0}, 64)...)
		cases := []struct {
			name  string
			edit  func(in *refund.RefundInput)
			field string
			msg   string
		}{
			{"above paid", func(in *refund.RefundInput) { in.Amount = "300.01" }, "amount", refund.MsgAmountMax},
			{"far above paid", func(in *refund.RefundInput) { in.Amount = "1e9" }, "amount", refund.MsgAmountFormat},
			{"negative", func(in *refund.RefundInput) { in.Amount = "-10" }, "amount", refund.MsgAmountPositive},
			{"zero", func(in *refund.RefundInput) { in.Amount = "0" }, "amount", refund.MsgAmountPositive},
			{"too many decimals", func(in *refund.RefundInput) { in.Amount = "10.001" }, "amount", refund.MsgAmountDecimals},
			{"not a number", func(in *refund.RefundInput) { in.Amount = "一百" }, "amount", refund.MsgAmountFormat},
			{"empty amount", func(in *refund.RefundInput) { in.Amount = "" }, "amount", refund.MsgAmountRequired},
			{"unknown cause", func(in *refund.RefundInput) { in.Cause = "<script>" }, "cause", refund.MsgCauseInvalid},
			{"other without words", func(in *refund.RefundInput) { in.Cause, in.Text = string(refund.CauseOther), " " }, "text", refund.MsgTextRequired},
			{"words too long", func(in *refund.RefundInput) { in.Text = strings.Repeat("退", refund.MaxRefundText+1) }, "text", refund.MsgTextTooLong},
			{"not confirmed", func(in *refund.RefundInput) { in.Confirm = false }, "confirm", refund.MsgConfirmRefund},
			{"no form key", func(in *refund.RefundInput) { in.SubmitKey = "" }, "form", orders.MsgSubmitKey},
			{"oversized attachment", func(in *refund.RefundInput) {
				in.Attachment = &attachment.Upload{Name: "big.pdf", Data: append(append([]byte{}, pdfBytes...), make([]byte, attachment.MaxBytes)...)}
			}, "attachment", attachment.MsgTooLarge},
			{"executable named .pdf", func(in *refund.RefundInput) { in.Attachment = &attachment.Upload{Name: "record.pdf", Data: exe} }, "attachment", attachment.MsgMismatch},
			{"HTML named .pdf", func(in *refund.RefundInput) {
				in.Attachment = &attachment.Upload{Name: "record.pdf", Data: []byte("<!DOCTYPE html><html><script>alert(1)</script></html>")}
			}, "attachment", attachment.MsgMismatch},
			{"executable", func(in *refund.RefundInput) {
				in.Attachment = &attachment.Upload{Name: "setup.exe", Data: []byte("MZ\x90\x00")}
			}, "attachment", attachment.MsgType},
			{"empty file", func(in *refund.RefundInput) { in.Attachment = &attachment.Upload{Name: "a.pdf"} }, "attachment", attachment.MsgEmpty},
		}
		fp := func() [5]int64 {
			return [5]int64{count(t, s, &refund.RefundRequest{}), count(t, s, &attachment.Attachment{}), count(t, s, &attachment.Blob{}),
				count(t, s, &notice.Notice{}), count(t, s, &account.AuditEvent{})}
		}
		before := fp()
		for _, tc := range cases {
			in := refundIn("100")
			tc.edit(&in)
			if _, err := s.RequestRefund(ctx, &w.buyer, inst.ID, in); !isField(err, tc.field, tc.msg) {
				t.Errorf("%s: %v, want %s=%s", tc.name, err, tc.field, tc.msg)
			}
		}
		if _, err := s.RequestRefund(ctx, &w.buyer, hwInst.ID, refundIn("10")); !isField(err, "goods", refund.MsgGoodsInvalid) {
			t.Errorf("hardware without goods state: %v", err)
		}
		// Forged ids and the wrong buyer: not found.
		for _, id := range []uint{0, inst.ID + 1000} {
			if _, err := s.RequestRefund(ctx, &w.buyer, id, refundIn("10")); !errors.Is(err, sqldb.ErrNotFound) {
				t.Errorf("service %d: %v", id, err)
			}
		}
		if _, err := s.RequestRefund(ctx, &w.buyer2, inst.ID, refundIn("10")); !errors.Is(err, sqldb.ErrNotFound) {
			t.Errorf("another buyer's service: %v", err)
		}
		if after := fp(); after != before {
			t.Fatalf("refused requests changed data: %v → %v", before, after)
		}
		// The wrong seller, a forged request id, a bad review: nothing decided.
		r, err := s.RequestRefund(ctx, &w.buyer, inst.ID, refundIn("100"))
		must(t, err)
		before = fp()
		for _, u := range []*account.User{stranger, &w.buyer, &w.buyer2} {
			if _, err := s.ApproveRefund(ctx, u, r.ID, refund.RefundDecisionInput{Opinion: "ok"}); !errors.Is(err, sqldb.ErrNotFound) {
				t.Errorf("approval by %s: %v", u.Email, err)
			}
			if _, err := s.RejectRefund(ctx, u, r.ID, refund.RefundDecisionInput{Opinion: "no"}); !errors.Is(err, sqldb.ErrNotFound) {
				t.Errorf("rejection by %s: %v", u.Email, err)
			}
		}
		if _, err := s.ApproveRefund(ctx, seller, r.ID+1000, refund.RefundDecisionInput{Opinion: "ok"}); !errors.Is(err, sqldb.ErrNotFound) {
			t.Errorf("forged request id: %v", err)
		}
		if err := s.WithdrawRefund(ctx, &w.buyer2, r.ID); !errors.Is(err, sqldb.ErrNotFound) {
			t.Errorf("withdrawal by another buyer: %v", err)
		}
		if _, err := s.ApproveRefund(ctx, seller, r.ID, refund.RefundDecisionInput{Opinion: strings.Repeat("意", refund.MaxRefundOpinion+1)}); !isField(err, "opinion", refund.MsgOpinionTooLong) {
			t.Errorf("long opinion: %v", err)
		}
		if _, err := s.ApproveRefund(ctx, seller, r.ID, refund.RefundDecisionInput{Opinion: "ok", Attachment: &attachment.Upload{Name: "x.png", Data: pdfBytes}}); !isField(err, "attachment", attachment.MsgMismatch) {
			t.Errorf("disguised review attachment: %v", err)
		}
		if after := fp(); after != before {
			t.Fatalf("refused decisions changed data: %v → %v", before, after)
		}
		var saved refund.RefundRequest
		must(t, s.DB().First(&saved, r.ID).Error)
		if saved.Status != refund.RefundPending || count(t, s, &orders.Refund{}) != 0 {
			t.Errorf("request %s after refused decisions", saved.Status)
		}
	})
}

func TestRefundDoubleSubmitAndAttachmentAccess(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w, seller, _, inst := refundWorld(t, s)
		in := refundIn("50")
		in.Attachment = &attachment.Upload{Name: "record.pdf", Data: pdfBytes}
		a, err := s.RequestRefund(ctx, &w.buyer, inst.ID, in)
		must(t, err)
		b, err := s.RequestRefund(ctx, &w.buyer, inst.ID, in)
		must(t, err)
		if a.ID != b.ID || count(t, s, &attachment.Attachment{}) != 1 {
			t.Fatalf("double submit: requests %d and %d, %d attachments", a.ID, b.ID, count(t, s, &attachment.Attachment{}))
		}
		var att attachment.Attachment
		must(t, s.DB().First(&att).Error)
		other := account.Seller{Name: "别家"}
		must(t, s.DB().Create(&other).Error)
		admin := w.user(t, "admin@test.test", account.RoleAdmin)
		for _, tc := range []struct {
			who  *account.User
			seen bool
		}{
			{&w.buyer, true}, {seller, true}, {&admin, true}, {&w.buyer2, false},
			{&account.User{ID: 999, Role: account.RoleSeller, SellerID: &other.ID}, false},
			{&account.User{ID: 998, Role: account.RoleSeller}, false},
			{nil, false},
		} {
			got, data, err := s.AttachmentFor(ctx, tc.who, att.ID)
			switch {
			case tc.seen && (err != nil || !bytes.Equal(data, pdfBytes) || got.FileName != "record.pdf"):
				t.Errorf("%v: %v", tc.who, err)
			case !tc.seen && !errors.Is(err, sqldb.ErrNotFound):
				t.Errorf("%v sees the attachment: %v", tc.who, err)
			}
		}
		if _, _, err := s.AttachmentFor(ctx, &w.buyer, att.ID+100); !errors.Is(err, sqldb.ErrNotFound) {
			t.Errorf("missing attachment: %v", err)
		}
	})
}

// zipOf builds a zip archive holding the named (empty) entries.
func zipOf(t *testing.T, names ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		f, err := zw.Create(n)
		must(t, err)
		_, _ = f.Write([]byte("<x/>"))
	}
	must(t, zw.Close())
	return buf.Bytes()
}

func TestCheckUpload(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	jpeg := []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00")
	gif := []byte("GIF89a\x01\x00\x01\x00")
	webp := []byte("RIFF\x24\x00\x00\x00WEBPVP8 ")
	docx := zipOf(t, "[Content_Types].xml", "word/document.xml")
	xlsx := zipOf(t, "[Content_Types].xml", "xl/workbook.xml")
	html := []byte("<html><body onload=alert(1)>")
	for _, tc := range []struct {
		name string
		data []byte
		ct   string
		msg  string
	}{
		{"a.pdf", pdfBytes, "application/pdf", ""},
		{"A.PDF", pdfBytes, "application/pdf", ""},
		{"a.png", png, "image/png", ""},
		{"a.jpg", jpeg, "image/jpeg", ""},
		{"a.jpeg", jpeg, "image/jpeg", ""},
		{"a.gif", gif, "image/gif", ""},
		{"a.webp", webp, "image/webp", ""},
		{"聊天.txt", []byte("你好，可以退款。\n"), "text/plain; charset=utf-8", ""},
		{"a.zip", zipOf(t, "chat.txt"), "application/zip", ""},
		{"a.docx", docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ""},
		{"a.xlsx", xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ""},
		{"a.pdf", html, "", attachment.MsgMismatch},
		{"a.txt", html, "", attachment.MsgMismatch},
		{"a.txt", []byte("bad \xff\xfe utf-8"), "", attachment.MsgMismatch},
		{"a.png", jpeg, "", attachment.MsgMismatch},
		{"a.docx", zipOf(t, "chat.txt"), "", attachment.MsgMismatch},
		{"a.xlsx", docx, "", attachment.MsgMismatch},
		{"a.zip", []byte("PK\x03\x04garbage"), "", attachment.MsgMismatch},
		{"a.html", html, "", attachment.MsgType},
		{"a.svg", []byte("<svg/>"), "", attachment.MsgType},
		{"a.exe", []byte("MZ\x90"), "", attachment.MsgType},
		{"noext", pdfBytes, "", attachment.MsgType},
		{"a.pdf", nil, "", attachment.MsgEmpty},
		{"a.pdf", append(append([]byte{}, pdfBytes...), make([]byte, attachment.MaxBytes)...), "", attachment.MsgTooLarge},
	} {
		_, msg := attachment.CheckUpload(tc.name, tc.data)
		if msg != tc.msg {
			t.Errorf("%s (%.12q): %q, want %q", tc.name, tc.data, msg, tc.msg)
		}
	}
}

func TestCleanFileName(t *testing.T) {
	for in, want := range map[string]string{
		"record.pdf":                      "record.pdf",
		`C:\Users\x\沟通记录.pdf`:             "沟通记录.pdf",
		"../../etc/passwd.txt":            "passwd.txt",
		"a\"b\r\nc.pdf":                   "a_b__c.pdf",
		"\u202egpj.exe.pdf":               "_gpj.exe.pdf",
		"...hidden.txt":                   "hidden.txt",
		"":                                "attachment",
		"...":                             "attachment",
		strings.Repeat("长", 200) + ".pdf": strings.Repeat("长", attachment.MaxName-4) + ".pdf",
	} {
		if got := attachment.CleanFileName(in); got != want {
			t.Errorf("CleanFileName(%q) = %q, want %q", in, got, want)
		}
	}
}
