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

	"koogallery/apptest"
	"koogallery/models"
)

// Refunds in the store, on SQLite and MariaDB: the rule table on real orders, what approval
// does, rejection and withdrawal, the no-reason yearly limit, racing decisions, bad input.

// pdfBytes is a tiny valid-looking PDF (enough for content sniffing).
var pdfBytes = []byte("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")

// sellerUser is a user of the world's seller company.
func (w *world) sellerUser(t *testing.T, email string) *models.User {
	t.Helper()
	u := models.User{Email: email, Name: email, PasswordHash: "-", Role: models.RoleSeller, SellerID: &w.seller.ID}
	must(t, w.s.DB().Create(&u).Error)
	return &u
}

// opened makes a service in use, as if the seller had created it.
func opened(t *testing.T, s *models.Store, inst models.Instance) models.Instance {
	t.Helper()
	must(t, s.DB().Model(&models.Instance{}).Where("id = ?", inst.ID).
		Updates(map[string]any{"status": models.InstanceNormal, "seller_instance_id": "ins-" + itoaTest(inst.ID)}).Error)
	must(t, s.DB().Model(&models.InterfaceCall{}).Where("instance_id = ?", inst.ID).Update("status", models.CallSucceeded).Error)
	return instanceOf(t, s, inst.ID)
}

func itoaTest(n uint) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func refundIn(amount string) models.RefundInput {
	return models.RefundInput{Amount: amount, Cause: string(models.CauseNotDelivered), Text: "协商一致", Confirm: true, SubmitKey: key()}
}

func supervised(typ models.ProductType, fen int64) func(p *models.Product) {
	return func(p *models.Product) {
		p.Type, p.ChargingMode, p.PriceOnce, p.PriceMonth, p.PriceYear, p.Supervised = typ, models.ChargeOneTime, fen, 0, 0, true
	}
}

func TestRefundRulesOnRealOrders(t *testing.T) {
	apptest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		day := 24 * time.Hour
		type setup func(t *testing.T, inst *models.Instance)
		cases := []struct {
			name  string
			fill  func(p *models.Product)
			in    models.PurchaseInput
			setup setup
			why   string
			max   int64
		}{
			{"manual service", supervised(models.TypeManualService, 200000), buy(models.PlanOnce, "", models.PayCash), nil, models.RuleNegotiated, 200000},
			{"License supervised", supervised(models.TypeLicense, 128000), buy(models.PlanOnce, "", models.PayCredit), nil, models.RuleNegotiated, 128000},
			{"SaaS supervised", supervised(models.TypeSaaS, 30000), buy(models.PlanOnce, "", models.PayCoupon), nil, models.RuleNegotiated, 30000},
			{"app orchestration", supervised(models.TypeAppOrchestration, 29900), buy(models.PlanOnce, "", models.PayCash), nil, models.RuleNegotiated, 29900},
			{"data file", supervised(models.TypeDataFile, 19900), buy(models.PlanOnce, "", models.PayCash), nil, models.RuleNegotiated, 19900},
			{"hardware", supervised(models.TypeHardware, 399900), buy(models.PlanOnce, "", models.PayCash), nil, models.RuleNegotiated, 399900},
			{"API", func(p *models.Product) { p.Type = models.TypeAPI }, buy(models.PlanMonth, "1", models.PayCash), nil, models.WhyTypeNotRefundable, 0},
			{"License code claimed", supervised(models.TypeLicense, 128000), buy(models.PlanOnce, "", models.PayCash), func(t *testing.T, inst *models.Instance) {
				*inst = opened(t, s, *inst)
				at := w.clock.Now()
				must(t, s.DB().Create(&models.LicenseApplication{InstanceID: inst.ID, BuyerID: inst.BuyerID, SellerID: inst.SellerID, ProductID: inst.ProductID,
					EventID: "evt-" + key(), DeviceFingerprint: "AA|||", EffectiveTime: at, Status: models.LicenseIssued, LicenseType: models.LicenseTypeCharacters,
					Characters: "LIC", CreatedAt: at, IssuedAt: &at}).Error)
			}, models.WhyLicenseClaimed, 0},
			{"supervision completed", supervised(models.TypeManualService, 200000), buy(models.PlanOnce, "", models.PayCash), func(t *testing.T, inst *models.Instance) {
				must(t, s.DB().Model(&models.Order{}).Where("id = ?", inst.OrderID).Update("supervision_status", models.SupervisionCompleted).Error)
			}, models.WhySupervisionCompleted, 0},
			{"validity over", func(p *models.Product) {
				p.Type, p.Supervised, p.PriceMonth = models.TypeLicense, true, 0
			}, buy(models.PlanYear, "1", models.PayCash), func(t *testing.T, inst *models.Instance) {
				w.clock.Advance(366 * day)
			}, models.WhyValidityOver, 0},
			{"renewal not in effect: full", func(p *models.Product) {
				p.Type, p.Supervised, p.PriceMonth = models.TypeLicense, true, 0
			}, buy(models.PlanYear, "1", models.PayCash), func(t *testing.T, inst *models.Instance) {
				*inst = opened(t, s, *inst)
				w.clock.Advance(day)
				_, err := s.Renew(ctx, inst.BuyerID, inst.ID, buy(models.PlanYear, "1", models.PayCash))
				must(t, err)
			}, models.RuleRenewalFull, 10000},
			{"renewal in effect", func(p *models.Product) {
				p.Type, p.Supervised, p.PriceMonth = models.TypeLicense, true, 0
			}, buy(models.PlanYear, "1", models.PayCash), func(t *testing.T, inst *models.Instance) {
				*inst = opened(t, s, *inst)
				_, err := s.Renew(ctx, inst.BuyerID, inst.ID, buy(models.PlanYear, "1", models.PayCash))
				must(t, err)
				w.clock.Advance(366 * day)
			}, models.WhyRenewalInEffect, 0},
			{"unsupervised License in the guarantee days", func(p *models.Product) {
				p.Type, p.ChargingMode, p.PriceOnce = models.TypeLicense, models.ChargeOneTime, 5000
			}, buy(models.PlanOnce, "", models.PayCash), func(t *testing.T, inst *models.Instance) {
				w.clock.Advance(models.GuaranteeDays * day)
			}, models.RuleNegotiated, 5000},
			{"unsupervised License after the guarantee days", func(p *models.Product) {
				p.Type, p.ChargingMode, p.PriceOnce = models.TypeLicense, models.ChargeOneTime, 5000
			}, buy(models.PlanOnce, "", models.PayCash), func(t *testing.T, inst *models.Instance) {
				w.clock.Advance(models.GuaranteeDays*day + time.Minute)
			}, models.WhyGuaranteeOver, 0},
			{"trial", func(p *models.Product) { p.Type, p.TrialDays = models.TypeImage, 7 }, buy(models.PlanTrial, "", models.PayCash), nil, models.WhyTrial, 0},
			{"nothing paid (on demand)", func(p *models.Product) {
				p.Type, p.ChargingMode, p.PriceHour = models.TypeImage, models.ChargeOnDemand, 50
			}, buy(models.PlanHour, "", models.PayCash), nil, models.WhyNothingPaid, 0},
			{"image within five days", func(p *models.Product) { p.Type = models.TypeImage }, buy(models.PlanMonth, "2", models.PayCash), func(t *testing.T, inst *models.Instance) {
				w.clock.Advance(5 * day)
			}, models.RuleNoReason, 2000},
			{"unsupervised SaaS after five days", nil, buy(models.PlanMonth, "1", models.PayCash), func(t *testing.T, inst *models.Instance) {
				w.clock.Advance(5*day + time.Minute)
			}, models.WhyNoReasonExpired, 0},
			{"unsupervised SaaS renewal", nil, buy(models.PlanMonth, "1", models.PayCash), func(t *testing.T, inst *models.Instance) {
				*inst = opened(t, s, *inst)
				_, err := s.Renew(ctx, inst.BuyerID, inst.ID, buy(models.PlanMonth, "1", models.PayCash))
				must(t, err)
			}, models.WhyNoReasonNewOnly, 0},
			{"service released", supervised(models.TypeManualService, 200000), buy(models.PlanOnce, "", models.PayCash), func(t *testing.T, inst *models.Instance) {
				must(t, s.DB().Model(&models.Instance{}).Where("id = ?", inst.ID).Update("status", models.InstanceReleased).Error)
			}, models.WhyNotInUse, 0},
			{"open request", supervised(models.TypeManualService, 200000), buy(models.PlanOnce, "", models.PayCash), func(t *testing.T, inst *models.Instance) {
				_, err := s.RequestRefund(ctx, &w.buyer, inst.ID, refundIn("100"))
				must(t, err)
			}, models.WhyOpenRequest, 0},
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
				if _, err := s.RefundCheck(ctx, w.buyer2.ID, inst.ID); !errors.Is(err, models.ErrNotFound) {
					t.Errorf("another buyer's check: %v", err)
				}
				// A refused refund cannot be requested either, and writes nothing.
				if !got.Decision.Allowed {
					before := count(t, s, &models.RefundRequest{})
					_, err := s.RequestRefund(ctx, &w.buyer, inst.ID, refundIn("1"))
					var fe models.FieldErrors
					if !errors.As(err, &fe) || fe["form"] != tc.why {
						t.Errorf("request refused with %v, want form error %q", err, tc.why)
					}
					if after := count(t, s, &models.RefundRequest{}); after != before {
						t.Errorf("a refused request wrote a row")
					}
				}
			})
		}
	})
}

// refundWorld is a supervised SaaS product (opened through the interface) bought for ¥300 by
// buyer, in use, with a seller user.
func refundWorld(t *testing.T, s *models.Store) (*world, *models.User, models.Order, models.Instance) {
	t.Helper()
	w := newWorld(t, s)
	seller := w.sellerUser(t, "seller@test.test")
	must(t, s.DB().Model(&models.Seller{}).Where("id = ?", w.seller.ID).Update("support_email", "shop@test.test").Error)
	p := w.product(t, supervised(models.TypeSaaS, 30000))
	o, inst := bought(t, w, w.buyer.ID, p, buy(models.PlanOnce, "", models.PayCoupon))
	inst = opened(t, s, inst)
	return w, seller, o, inst
}

func TestRefundApproveDoesEverythingOnce(t *testing.T) {
	apptest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w, seller, o, inst := refundWorld(t, s)
		in := refundIn("150.50")
		in.ShareContact = true
		in.Attachment = &models.Upload{Name: `C:\Users\zw\聊天记录.pdf`, Data: pdfBytes}
		r, err := s.RequestRefund(ctx, &w.buyer, inst.ID, in)
		must(t, err)
		if r.Status != models.RefundPending || r.AmountFen != 15050 || r.MaxFen != 30000 || r.OrderID != o.ID || r.Kind != models.RefundKindNegotiated {
			t.Fatalf("request %+v", r)
		}
		if n := count(t, s, &models.Notice{}, "seller_id = ? AND kind = ?", w.seller.ID, "refund_requested"); n != 1 {
			t.Errorf("%d seller notices of the request", n)
		}
		if n := count(t, s, &models.Mail{}, "`to` = ?", "shop@test.test"); n != 1 {
			t.Errorf("%d mails to the seller", n)
		}
		var att models.Attachment
		must(t, s.DB().Where("owner_kind = ? AND owner_id = ?", models.AttachRefund, r.ID).First(&att).Error)
		if att.FileName != "聊天记录.pdf" || att.ContentType != "application/pdf" || att.Size != int64(len(pdfBytes)) || att.UploaderRole != models.RoleBuyer {
			t.Errorf("attachment %+v", att)
		}

		w.clock.Advance(time.Hour)
		got, err := s.ApproveRefund(ctx, seller, r.ID, models.RefundDecisionInput{Opinion: "同意退还未实施部分",
			Attachment: &models.Upload{Name: "acceptance.txt", Data: []byte("验收单：方案部分已交付\n")}})
		must(t, err)
		if got.Status != models.RefundApproved || got.DecidedBy == nil || *got.DecidedBy != seller.ID {
			t.Errorf("approved request %+v", got)
		}
		var saved models.RefundRequest
		must(t, s.DB().First(&saved, r.ID).Error)
		if saved.Status != models.RefundApproved || saved.OpenKey != nil || saved.Opinion != "同意退还未实施部分" || saved.DecidedAt == nil {
			t.Errorf("saved request %+v", saved)
		}
		// One refund record, by the method paid with.
		var refunds []models.Refund
		must(t, s.DB().Where("order_id = ?", o.ID).Find(&refunds).Error)
		if len(refunds) != 1 || refunds[0].AmountFen != 15050 || refunds[0].Method != models.PayCoupon || refunds[0].Reason != models.RefundNegotiated ||
			refunds[0].RequestID == nil || *refunds[0].RequestID != r.ID {
			t.Fatalf("refunds %+v", refunds)
		}
		// The unsubscription order, the original order out of settlement and supervision.
		var unsub models.Order
		must(t, s.DB().Where("parent_order_id = ? AND type = ?", o.ID, models.OrderUnsubscribe).First(&unsub).Error)
		if unsub.Status != models.OrderCompleted || unsub.InstanceID == nil || *unsub.InstanceID != inst.ID || !unsub.SettlementExcluded || unsub.PaidFen != 0 {
			t.Errorf("unsubscription order %+v", unsub)
		}
		var orig models.Order
		must(t, s.DB().First(&orig, o.ID).Error)
		if orig.Status != models.OrderCompleted || !orig.SettlementExcluded || orig.SupervisionStatus != models.SupervisionClosed {
			t.Errorf("original order %s excluded=%v supervision=%s", orig.Status, orig.SettlementExcluded, orig.SupervisionStatus)
		}
		// The service released, releaseInstance queued naming the unsubscription order.
		if st := instanceOf(t, s, inst.ID).Status; st != models.InstanceReleased {
			t.Errorf("service %s", st)
		}
		var calls []models.InterfaceCall
		must(t, s.DB().Where("instance_id = ? AND activity = ?", inst.ID, models.ActRelease).Find(&calls).Error)
		if len(calls) != 1 || calls[0].Status != models.CallPending || calls[0].OrderID == nil || *calls[0].OrderID != unsub.ID ||
			!strings.Contains(calls[0].Body, unsub.OrderNo) || !strings.Contains(calls[0].Body, inst.SellerInstanceID) {
			t.Fatalf("release calls %+v", calls)
		}
		// Both parties told, in-site and by mail.
		if n := count(t, s, &models.Notice{}, "user_id = ? AND kind = ?", w.buyer.ID, "refund_approved"); n != 1 {
			t.Errorf("%d buyer notices of the approval", n)
		}
		if n := count(t, s, &models.Notice{}, "seller_id = ? AND kind = ?", w.seller.ID, "refund_approved"); n != 1 {
			t.Errorf("%d seller notices of the approval", n)
		}
		if n := count(t, s, &models.Mail{}, "`to` = ?", w.buyer.Email); n != 1 {
			t.Errorf("%d mails to the buyer", n)
		}
		// The detail shows it all, with the timeline and both attachments.
		d, err := s.SellerRefund(ctx, w.seller.ID, r.ID)
		must(t, err)
		if d.Refund == nil || d.Unsubscribe == nil || len(d.Calls) != 1 || len(d.Attachments) != 2 || len(d.Trail) != 2 ||
			d.Trail[0].Action != models.RefundEventRequested || d.Trail[1].Action != models.RefundEventApproved || d.Supervision != models.SupervisionClosed {
			t.Errorf("detail: refund %v unsub %v calls %d attachments %d trail %+v supervision %s", d.Refund, d.Unsubscribe, len(d.Calls), len(d.Attachments), d.Trail, d.Supervision)
		}
		// Nothing happens twice: a second approval, a withdrawal, a rejection are stale.
		if _, err := s.ApproveRefund(ctx, seller, r.ID, models.RefundDecisionInput{Opinion: "again"}); !errors.Is(err, models.ErrStale) {
			t.Errorf("second approval: %v", err)
		}
		if _, err := s.RejectRefund(ctx, seller, r.ID, models.RefundDecisionInput{Opinion: "late"}); !errors.Is(err, models.ErrStale) {
			t.Errorf("rejection after approval: %v", err)
		}
		if err := s.WithdrawRefund(ctx, &w.buyer, r.ID); !errors.Is(err, models.ErrStale) {
			t.Errorf("withdrawal after approval: %v", err)
		}
		if n := count(t, s, &models.Refund{}); n != 1 {
			t.Errorf("%d refunds", n)
		}
		// And the service cannot be refunded again.
		check, err := s.RefundCheck(ctx, w.buyer.ID, inst.ID)
		must(t, err)
		if check.Decision.Allowed || check.Decision.Why != models.WhyNotInUse {
			t.Errorf("after the refund: %+v", check.Decision)
		}
	})
}

func TestRefundRenewalNotInEffectTakesThePeriodBack(t *testing.T) {
	apptest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		seller := w.sellerUser(t, "seller@test.test")
		p := w.product(t, func(p *models.Product) { p.Type, p.Supervised, p.PriceMonth = models.TypeLicense, true, 0 })
		first, inst := bought(t, w, w.buyer.ID, p, buy(models.PlanYear, "1", models.PayCash))
		inst = opened(t, s, inst)
		renewal, err := s.Renew(ctx, w.buyer.ID, inst.ID, buy(models.PlanYear, "2", models.PayCredit))
		must(t, err)
		if _, err := s.RequestRefund(ctx, &w.buyer, inst.ID, refundIn("100")); !isField(err, "amount", models.MsgAmountFull) {
			t.Fatalf("part of a renewal: %v", err)
		}
		r, err := s.RequestRefund(ctx, &w.buyer, inst.ID, refundIn("200.00"))
		must(t, err)
		if r.OrderID != renewal.ID {
			t.Fatalf("refund of order %d, want the renewal %d", r.OrderID, renewal.ID)
		}
		_, err = s.ApproveRefund(ctx, seller, r.ID, models.RefundDecisionInput{Opinion: "未生效续费全额退订"})
		must(t, err)
		got := instanceOf(t, s, inst.ID)
		if got.Status != models.InstanceNormal || !sameTime(got.ExpireAt, first.ExpireAt) {
			t.Errorf("service %s until %s, want normal until %s", got.Status, fmtTime(got.ExpireAt), fmtTime(first.ExpireAt))
		}
		var calls []models.InterfaceCall
		must(t, s.DB().Where("instance_id = ? AND activity IN ?", inst.ID, []string{models.ActRelease, models.ActRefresh}).Order("id").Find(&calls).Error)
		last := calls[len(calls)-1]
		if last.Activity != models.ActRefresh || last.Scene != "UNSUBSCRIBE_RENEWAL_PERIOD" || !strings.Contains(last.Body, first.ExpireAt.UTC().Format("20060102150405")) {
			t.Errorf("last call %s %s %s", last.Activity, last.Scene, last.Body)
		}
		if n := count(t, s, &models.InterfaceCall{}, "instance_id = ? AND activity = ?", inst.ID, models.ActRelease); n != 0 {
			t.Errorf("%d release calls for a renewal refund", n)
		}
		var orig models.Order
		must(t, s.DB().First(&orig, first.ID).Error)
		if orig.SupervisionStatus != models.SupervisionInProgress || orig.SettlementExcluded {
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
	var fe models.FieldErrors
	return errors.As(err, &fe) && fe[field] == msg
}

func TestRefundRejectThenApplyAgain(t *testing.T) {
	apptest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w, seller, _, inst := refundWorld(t, s)
		r, err := s.RequestRefund(ctx, &w.buyer, inst.ID, refundIn("300"))
		must(t, err)
		if _, err := s.RejectRefund(ctx, seller, r.ID, models.RefundDecisionInput{Opinion: ""}); !isField(err, "opinion", models.MsgOpinionMissing) {
			t.Fatalf("rejection without an opinion: %v", err)
		}
		_, err = s.RejectRefund(ctx, seller, r.ID, models.RefundDecisionInput{Opinion: "服务已按约定交付"})
		must(t, err)
		var saved models.RefundRequest
		must(t, s.DB().First(&saved, r.ID).Error)
		if saved.Status != models.RefundRejected || saved.OpenKey != nil {
			t.Errorf("rejected request %s open=%v", saved.Status, saved.OpenKey)
		}
		if n := count(t, s, &models.Notice{}, "user_id = ? AND kind = ?", w.buyer.ID, "refund_rejected"); n != 1 {
			t.Errorf("%d buyer notices of the rejection", n)
		}
		if n := count(t, s, &models.Refund{}) + count(t, s, &models.InterfaceCall{}, "activity = ?", models.ActRelease); n != 0 {
			t.Errorf("a rejection refunded or released")
		}
		if st := instanceOf(t, s, inst.ID).Status; st != models.InstanceNormal {
			t.Errorf("service %s after rejection", st)
		}
		// The buyer may apply again, and withdraw.
		again, err := s.RequestRefund(ctx, &w.buyer, inst.ID, refundIn("120"))
		must(t, err)
		if err := s.WithdrawRefund(ctx, &w.buyer2, again.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("another buyer's withdrawal: %v", err)
		}
		must(t, s.WithdrawRefund(ctx, &w.buyer, again.ID))
		if err := s.WithdrawRefund(ctx, &w.buyer, again.ID); !errors.Is(err, models.ErrStale) {
			t.Errorf("second withdrawal: %v", err)
		}
		if _, err := s.ApproveRefund(ctx, seller, again.ID, models.RefundDecisionInput{Opinion: "ok"}); !errors.Is(err, models.ErrStale) {
			t.Errorf("approval after withdrawal: %v", err)
		}
		third, err := s.RequestRefund(ctx, &w.buyer, inst.ID, refundIn("100"))
		must(t, err)
		if third.Status != models.RefundPending {
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
	apptest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		p := w.product(t, func(p *models.Product) { p.Type = models.TypeImage })
		for i := 0; i < models.NoReasonPerYear; i++ {
			o, inst := bought(t, w, w.buyer.ID, p, buy(models.PlanMonth, "1", models.PayCash))
			r, err := s.RequestRefund(ctx, &w.buyer, inst.ID, refundIn("10.00"))
			must(t, err)
			if r.Status != models.RefundApproved || r.Kind != models.RefundKindNoReason || r.DecidedBy != nil {
				t.Fatalf("no-reason request %d: %+v", i, r)
			}
			var refund models.Refund
			must(t, s.DB().Where("order_id = ?", o.ID).First(&refund).Error)
			if refund.Reason != models.RefundNoReason || refund.AmountFen != 1000 {
				t.Fatalf("refund %+v", refund)
			}
			if st := instanceOf(t, s, inst.ID).Status; st != models.InstanceReleased {
				t.Fatalf("service %s", st)
			}
		}
		if n := count(t, s, &models.Notice{}, "user_id = ? AND kind = ?", w.buyer.ID, "refund_auto_approved"); n != models.NoReasonPerYear {
			t.Errorf("%d buyer notices", n)
		}
		_, inst := bought(t, w, w.buyer.ID, p, buy(models.PlanMonth, "1", models.PayCash))
		if _, err := s.RequestRefund(ctx, &w.buyer, inst.ID, refundIn("10.00")); !isField(err, "form", models.WhyNoReasonLimit) {
			t.Fatalf("eleventh this year: %v", err)
		}
		// Another buyer has their own ten; a part of the amount is refused.
		_, inst2 := bought(t, w, w.buyer2.ID, p, buy(models.PlanMonth, "1", models.PayCash))
		if _, err := s.RequestRefund(ctx, &w.buyer2, inst2.ID, refundIn("5")); !isField(err, "amount", models.MsgAmountFull) {
			t.Errorf("part of a no-reason refund: %v", err)
		}
		// A new calendar year (China time) starts a new count.
		newYear := time.Date(t0.Year()+1, 1, 1, 0, 0, 0, 0, time.FixedZone("UTC+8", 8*3600))
		w.clock.Set(newYear.Add(-time.Minute))
		_, late := bought(t, w, w.buyer.ID, p, buy(models.PlanMonth, "1", models.PayCash))
		w.clock.Set(newYear.Add(time.Minute))
		if r, err := s.RequestRefund(ctx, &w.buyer, late.ID, refundIn("10")); err != nil || r.Status != models.RefundApproved {
			t.Errorf("first of the new year: %v %v", r, err)
		}
	})
}

// TestRefundConcurrentDecisions races two approvals, and an approval with a withdrawal, of one
// request: exactly one wins, with one refund record and one releaseInstance call.
func TestRefundConcurrentDecisions(t *testing.T) {
	apptest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w, seller, _, _ := refundWorld(t, s)
		seller2 := w.sellerUser(t, "colleague@test.test") // the same company, another person
		p := w.product(t, supervised(models.TypeSaaS, 30000))
		for round := 0; round < 6; round++ {
			_, inst := bought(t, w, w.buyer.ID, p, buy(models.PlanOnce, "", models.PayCash))
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
						_, errs[i] = s.ApproveRefund(ctx, seller2, r.ID, models.RefundDecisionInput{Opinion: "同意 B"})
					default:
						_, errs[i] = s.ApproveRefund(ctx, seller, r.ID, models.RefundDecisionInput{Opinion: "同意 A"})
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
				case !errors.Is(err, models.ErrStale):
					t.Fatalf("round %d: %v", round, err)
				}
			}
			if wins != 1 {
				t.Fatalf("round %d: %d winners (%v)", round, wins, errs)
			}
			var saved models.RefundRequest
			must(t, s.DB().First(&saved, r.ID).Error)
			approved := saved.Status == models.RefundApproved
			if !approved && saved.Status != models.RefundWithdrawn {
				t.Fatalf("round %d: status %s", round, saved.Status)
			}
			want := int64(0)
			if approved {
				want = 1
			}
			if n := count(t, s, &models.Refund{}, "request_id = ?", r.ID); n != want {
				t.Errorf("round %d (%s): %d refund records", round, saved.Status, n)
			}
			if n := count(t, s, &models.InterfaceCall{}, "instance_id = ? AND activity = ?", inst.ID, models.ActRelease); n != want {
				t.Errorf("round %d (%s): %d releaseInstance calls", round, saved.Status, n)
			}
			if n := count(t, s, &models.Order{}, "instance_id = ? AND type = ?", inst.ID, models.OrderUnsubscribe); n != want {
				t.Errorf("round %d (%s): %d unsubscription orders", round, saved.Status, n)
			}
			if n := count(t, s, &models.AuditEvent{}, "target_type = ? AND target_id = ?", models.AuditRefund, r.ID); n != 2 {
				t.Errorf("round %d: %d timeline events, want 2", round, n)
			}
		}
	})
}

// TestRefundConcurrentRequests: two different forms for one service at once make one request.
func TestRefundConcurrentRequests(t *testing.T) {
	apptest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
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
		if n := count(t, s, &models.RefundRequest{}, "instance_id = ?", inst.ID); n != 1 {
			t.Fatalf("%d requests (%v)", n, errs)
		}
		for i, err := range errs {
			if err != nil && !isField(err, "form", models.WhyOpenRequest) {
				t.Errorf("request %d: %v", i, err)
			}
		}
	})
}

func TestRefundBadInputChangesNothing(t *testing.T) {
	apptest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w, seller, _, inst := refundWorld(t, s)
		hw := w.product(t, supervised(models.TypeHardware, 50000))
		_, hwInst := bought(t, w, w.buyer.ID, hw, buy(models.PlanOnce, "", models.PayCash))
		other := models.Seller{Name: "别家"}
		must(t, s.DB().Create(&other).Error)
		stranger := &models.User{Email: "s2@test.test", Name: "s2", PasswordHash: "-", Role: models.RoleSeller, SellerID: &other.ID}
		must(t, s.DB().Create(stranger).Error)
		exe := append([]byte("\x7fELF\x02\x01\x01"), bytes.Repeat([]byte{0}, 64)...)
		cases := []struct {
			name  string
			edit  func(in *models.RefundInput)
			field string
			msg   string
		}{
			{"above paid", func(in *models.RefundInput) { in.Amount = "300.01" }, "amount", models.MsgAmountMax},
			{"far above paid", func(in *models.RefundInput) { in.Amount = "1e9" }, "amount", models.MsgAmountFormat},
			{"negative", func(in *models.RefundInput) { in.Amount = "-10" }, "amount", models.MsgAmountPositive},
			{"zero", func(in *models.RefundInput) { in.Amount = "0" }, "amount", models.MsgAmountPositive},
			{"too many decimals", func(in *models.RefundInput) { in.Amount = "10.001" }, "amount", models.MsgAmountDecimals},
			{"not a number", func(in *models.RefundInput) { in.Amount = "一百" }, "amount", models.MsgAmountFormat},
			{"empty amount", func(in *models.RefundInput) { in.Amount = "" }, "amount", models.MsgAmountRequired},
			{"unknown cause", func(in *models.RefundInput) { in.Cause = "<script>" }, "cause", models.MsgCauseInvalid},
			{"other without words", func(in *models.RefundInput) { in.Cause, in.Text = string(models.CauseOther), " " }, "text", models.MsgTextRequired},
			{"words too long", func(in *models.RefundInput) { in.Text = strings.Repeat("退", models.MaxRefundText+1) }, "text", models.MsgTextTooLong},
			{"not confirmed", func(in *models.RefundInput) { in.Confirm = false }, "confirm", models.MsgConfirmRefund},
			{"no form key", func(in *models.RefundInput) { in.SubmitKey = "" }, "form", models.MsgSubmitKey},
			{"oversized attachment", func(in *models.RefundInput) {
				in.Attachment = &models.Upload{Name: "big.pdf", Data: append(append([]byte{}, pdfBytes...), make([]byte, models.MaxAttachmentBytes)...)}
			}, "attachment", models.MsgAttachmentTooLarge},
			{"executable named .pdf", func(in *models.RefundInput) { in.Attachment = &models.Upload{Name: "record.pdf", Data: exe} }, "attachment", models.MsgAttachmentMismatch},
			{"HTML named .pdf", func(in *models.RefundInput) {
				in.Attachment = &models.Upload{Name: "record.pdf", Data: []byte("<!DOCTYPE html><html><script>alert(1)</script></html>")}
			}, "attachment", models.MsgAttachmentMismatch},
			{"executable", func(in *models.RefundInput) {
				in.Attachment = &models.Upload{Name: "setup.exe", Data: []byte("MZ\x90\x00")}
			}, "attachment", models.MsgAttachmentType},
			{"empty file", func(in *models.RefundInput) { in.Attachment = &models.Upload{Name: "a.pdf"} }, "attachment", models.MsgAttachmentEmpty},
		}
		fp := func() [5]int64 {
			return [5]int64{count(t, s, &models.RefundRequest{}), count(t, s, &models.Attachment{}), count(t, s, &models.AttachmentBlob{}),
				count(t, s, &models.Notice{}), count(t, s, &models.AuditEvent{})}
		}
		before := fp()
		for _, tc := range cases {
			in := refundIn("100")
			tc.edit(&in)
			if _, err := s.RequestRefund(ctx, &w.buyer, inst.ID, in); !isField(err, tc.field, tc.msg) {
				t.Errorf("%s: %v, want %s=%s", tc.name, err, tc.field, tc.msg)
			}
		}
		if _, err := s.RequestRefund(ctx, &w.buyer, hwInst.ID, refundIn("10")); !isField(err, "goods", models.MsgGoodsInvalid) {
			t.Errorf("hardware without goods state: %v", err)
		}
		// Forged ids and the wrong buyer: not found.
		for _, id := range []uint{0, inst.ID + 1000} {
			if _, err := s.RequestRefund(ctx, &w.buyer, id, refundIn("10")); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("service %d: %v", id, err)
			}
		}
		if _, err := s.RequestRefund(ctx, &w.buyer2, inst.ID, refundIn("10")); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("another buyer's service: %v", err)
		}
		if after := fp(); after != before {
			t.Fatalf("refused requests changed data: %v → %v", before, after)
		}
		// The wrong seller, a forged request id, a bad review: nothing decided.
		r, err := s.RequestRefund(ctx, &w.buyer, inst.ID, refundIn("100"))
		must(t, err)
		before = fp()
		for _, u := range []*models.User{stranger, &w.buyer, &w.buyer2} {
			if _, err := s.ApproveRefund(ctx, u, r.ID, models.RefundDecisionInput{Opinion: "ok"}); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("approval by %s: %v", u.Email, err)
			}
			if _, err := s.RejectRefund(ctx, u, r.ID, models.RefundDecisionInput{Opinion: "no"}); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("rejection by %s: %v", u.Email, err)
			}
		}
		if _, err := s.ApproveRefund(ctx, seller, r.ID+1000, models.RefundDecisionInput{Opinion: "ok"}); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("forged request id: %v", err)
		}
		if err := s.WithdrawRefund(ctx, &w.buyer2, r.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("withdrawal by another buyer: %v", err)
		}
		if _, err := s.ApproveRefund(ctx, seller, r.ID, models.RefundDecisionInput{Opinion: strings.Repeat("意", models.MaxRefundOpinion+1)}); !isField(err, "opinion", models.MsgOpinionTooLong) {
			t.Errorf("long opinion: %v", err)
		}
		if _, err := s.ApproveRefund(ctx, seller, r.ID, models.RefundDecisionInput{Opinion: "ok", Attachment: &models.Upload{Name: "x.png", Data: pdfBytes}}); !isField(err, "attachment", models.MsgAttachmentMismatch) {
			t.Errorf("disguised review attachment: %v", err)
		}
		if after := fp(); after != before {
			t.Fatalf("refused decisions changed data: %v → %v", before, after)
		}
		var saved models.RefundRequest
		must(t, s.DB().First(&saved, r.ID).Error)
		if saved.Status != models.RefundPending || count(t, s, &models.Refund{}) != 0 {
			t.Errorf("request %s after refused decisions", saved.Status)
		}
	})
}

func TestRefundDoubleSubmitAndAttachmentAccess(t *testing.T) {
	apptest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w, seller, _, inst := refundWorld(t, s)
		in := refundIn("50")
		in.Attachment = &models.Upload{Name: "record.pdf", Data: pdfBytes}
		a, err := s.RequestRefund(ctx, &w.buyer, inst.ID, in)
		must(t, err)
		b, err := s.RequestRefund(ctx, &w.buyer, inst.ID, in)
		must(t, err)
		if a.ID != b.ID || count(t, s, &models.Attachment{}) != 1 {
			t.Fatalf("double submit: requests %d and %d, %d attachments", a.ID, b.ID, count(t, s, &models.Attachment{}))
		}
		var att models.Attachment
		must(t, s.DB().First(&att).Error)
		other := models.Seller{Name: "别家"}
		must(t, s.DB().Create(&other).Error)
		admin := w.user(t, "admin@test.test", models.RoleAdmin)
		for _, tc := range []struct {
			who  *models.User
			seen bool
		}{
			{&w.buyer, true}, {seller, true}, {&admin, true}, {&w.buyer2, false},
			{&models.User{ID: 999, Role: models.RoleSeller, SellerID: &other.ID}, false},
			{&models.User{ID: 998, Role: models.RoleSeller}, false},
			{nil, false},
		} {
			got, data, err := s.AttachmentFor(ctx, tc.who, att.ID)
			switch {
			case tc.seen && (err != nil || !bytes.Equal(data, pdfBytes) || got.FileName != "record.pdf"):
				t.Errorf("%v: %v", tc.who, err)
			case !tc.seen && !errors.Is(err, models.ErrNotFound):
				t.Errorf("%v sees the attachment: %v", tc.who, err)
			}
		}
		if _, _, err := s.AttachmentFor(ctx, &w.buyer, att.ID+100); !errors.Is(err, models.ErrNotFound) {
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
		{"a.pdf", html, "", models.MsgAttachmentMismatch},
		{"a.txt", html, "", models.MsgAttachmentMismatch},
		{"a.txt", []byte("bad \xff\xfe utf-8"), "", models.MsgAttachmentMismatch},
		{"a.png", jpeg, "", models.MsgAttachmentMismatch},
		{"a.docx", zipOf(t, "chat.txt"), "", models.MsgAttachmentMismatch},
		{"a.xlsx", docx, "", models.MsgAttachmentMismatch},
		{"a.zip", []byte("PK\x03\x04garbage"), "", models.MsgAttachmentMismatch},
		{"a.html", html, "", models.MsgAttachmentType},
		{"a.svg", []byte("<svg/>"), "", models.MsgAttachmentType},
		{"a.exe", []byte("MZ\x90"), "", models.MsgAttachmentType},
		{"noext", pdfBytes, "", models.MsgAttachmentType},
		{"a.pdf", nil, "", models.MsgAttachmentEmpty},
		{"a.pdf", append(append([]byte{}, pdfBytes...), make([]byte, models.MaxAttachmentBytes)...), "", models.MsgAttachmentTooLarge},
	} {
		_, msg := models.CheckUpload(tc.name, tc.data)
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
		strings.Repeat("长", 200) + ".pdf": strings.Repeat("长", models.MaxAttachmentName-4) + ".pdf",
	} {
		if got := models.CleanFileName(in); got != want {
			t.Errorf("CleanFileName(%q) = %q, want %q", in, got, want)
		}
	}
}
