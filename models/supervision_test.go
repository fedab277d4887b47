package models_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"koogallery/apptest"
	"koogallery/models"
)

// Service supervision and appeals in the store, on SQLite and MariaDB: the transition table,
// every party's step with the wrong actor, step and freeze refused, the scheduled transitions on
// a fake clock, identification codes, appeal decisions and bad input.

func TestSupervisionTransitionTable(t *testing.T) {
	roles := []models.Role{models.RoleBuyer, models.RoleSeller, models.RoleAdmin, models.RoleSystem}
	allowed := map[string]bool{}
	add := func(a models.SupervisionAction, st models.SupervisionStep, r models.Role, hw string) {
		allowed[string(a)+"/"+string(st)+"/"+string(r)+"/"+hw] = true
	}
	for _, hw := range []string{"hw", "sw"} {
		if hw == "sw" {
			add(models.SvSubmitRequirements, models.StepRequirements, models.RoleBuyer, hw)
			add(models.SvConfirmRequirements, models.StepConfirm, models.RoleSeller, hw)
			add(models.SvRejectRequirements, models.StepConfirm, models.RoleSeller, hw)
			add(models.SvSubmitCode, models.StepCode, models.RoleBuyer, hw)
			add(models.SvDeliver, models.StepImplementing, models.RoleSeller, hw)
		} else {
			add(models.SvShip, models.StepImplementing, models.RoleSeller, hw)
			add(models.SvSign, models.StepShipped, models.RoleBuyer, hw)
			add(models.SvAutoAccept, models.StepAcceptance, models.RoleSystem, hw)
		}
		add(models.SvAccept, models.StepAcceptance, models.RoleBuyer, hw)
		add(models.SvRejectDelivery, models.StepAcceptance, models.RoleBuyer, hw)
		add(models.SvComplete, models.StepAccepted, models.RoleSystem, hw)
		for _, st := range []models.SupervisionStep{models.StepRequirements, models.StepCode, models.StepConfirm, models.StepImplementing, models.StepShipped, models.StepAcceptance} {
			add(models.SvForceAccept, st, models.RoleAdmin, hw)
			add(models.SvRefundClose, st, models.RoleAdmin, hw)
		}
		add(models.SvRefundClose, models.StepAccepted, models.RoleAdmin, hw)
	}
	actions := []models.SupervisionAction{models.SvSubmitRequirements, models.SvConfirmRequirements, models.SvRejectRequirements, models.SvSubmitCode,
		models.SvDeliver, models.SvShip, models.SvSign, models.SvAccept, models.SvRejectDelivery, models.SvAutoAccept, models.SvComplete,
		models.SvForceAccept, models.SvRefundClose, models.SvAppealOpened, models.SvCreated}
	for _, a := range actions {
		for _, st := range models.SupervisionSteps {
			for _, r := range roles {
				for _, hw := range []string{"hw", "sw"} {
					want := allowed[string(a)+"/"+string(st)+"/"+string(r)+"/"+hw]
					if got := models.CanSupervise(a, st, r, hw == "hw"); got != want {
						t.Errorf("CanSupervise(%s, %s, %s, %s) = %v, want %v", a, st, r, hw, got, want)
					}
				}
			}
		}
	}
	for _, st := range []models.SupervisionStep{models.StepCompleted, models.StepClosed} {
		if !st.Final() || st.Turn() != "" {
			t.Errorf("%s: final %v turn %q", st, st.Final(), st.Turn())
		}
	}
}

// svWorld is a world with a seller user, an admin and another company's seller.
type svWorld struct {
	*world
	seller, other, admin *models.User
}

func newSvWorld(t *testing.T, s *models.Store) *svWorld {
	t.Helper()
	w := newWorld(t, s)
	sw := &svWorld{world: w, seller: w.sellerUser(t, "seller@test.test")}
	must(t, s.DB().Model(&models.Seller{}).Where("id = ?", w.seller.ID).Update("support_email", "shop@test.test").Error)
	other := models.Seller{Name: "别家"}
	must(t, s.DB().Create(&other).Error)
	o := models.User{Email: "other@test.test", Name: "o", PasswordHash: "-", Role: models.RoleSeller, SellerID: &other.ID}
	must(t, s.DB().Create(&o).Error)
	sw.other = &o
	a := w.user(t, "admin@test.test", models.RoleAdmin)
	sw.admin = &a
	return sw
}

func supervisionOf(t *testing.T, s *models.Store, orderID uint) models.Supervision {
	t.Helper()
	var sv models.Supervision
	must(t, s.DB().Where("order_id = ?", orderID).First(&sv).Error)
	return sv
}

func svIn(text string, files ...*models.Upload) models.SupervisionInput {
	return models.SupervisionInput{Text: text, Attachments: files}
}

func pdf(name string) *models.Upload { return &models.Upload{Name: name, Data: pdfBytes} }

func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: err = %v, want %v", what, err, want)
	}
}

func wantField(t *testing.T, what string, err error, field, msg string) {
	t.Helper()
	if !isField(err, field, msg) {
		t.Fatalf("%s: err = %v, want %s=%s", what, err, field, msg)
	}
}

func TestSupervisionFullFlowWithAppeal(t *testing.T) {
	apptest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newSvWorld(t, s)
		p := w.product(t, func(p *models.Product) {
			p.Type, p.Supervised = models.TypeManualService, true
		})
		buyer := &w.buyer
		o, inst := bought(t, w.world, buyer.ID, p, buy(models.PlanMonth, "1", models.PayCash))
		sv := supervisionOf(t, s, o.ID)
		if sv.Step != models.StepRequirements || sv.SystemCode != nil || inst.Status != models.InstanceOpening {
			t.Fatalf("new supervision: %+v, service %s", sv, inst.Status)
		}
		id := sv.ID
		// Wrong actor, another party, wrong step.
		_, err := s.Act(ctx, w.seller, id, models.SvSubmitRequirements, svIn("x"))
		wantErr(t, "seller submits requirements", err, models.ErrNotYourTurn)
		_, err = s.Act(ctx, &w.buyer2, id, models.SvSubmitRequirements, svIn("x"))
		wantErr(t, "another buyer", err, models.ErrNotFound)
		_, err = s.Act(ctx, w.other, id, models.SvConfirmRequirements, svIn(""))
		wantErr(t, "another company", err, models.ErrNotFound)
		_, err = s.Act(ctx, buyer, id, models.SvAccept, svIn(""))
		wantErr(t, "accept before delivery", err, models.ErrNotYourTurn)
		_, err = s.Act(ctx, buyer, id, models.SvSubmitRequirements, svIn("   "))
		wantField(t, "empty requirements", err, "text", models.MsgSvTextRequired)
		_, err = s.Act(ctx, buyer, id, models.SvSubmitRequirements, svIn(strings.Repeat("长", models.MaxSupervisionText+1)))
		wantField(t, "long requirements", err, "text", models.MsgSvTextTooLong)
		_, err = s.Act(ctx, buyer, id, models.SvSubmitRequirements, svIn("x", &models.Upload{Name: "a.pdf", Data: []byte("MZ\x90\x00binary")}))
		wantField(t, "exe as pdf", err, "attachment", models.MsgAttachmentMismatch)
		if n := count(t, s, &models.SupervisionEvent{}, "supervision_id = ?", id); n != 1 {
			t.Fatalf("refused input wrote events: %d", n)
		}
		hostile := `<script>alert(1)</script>' OR 1=1 --`
		_, err = s.Act(ctx, buyer, id, models.SvSubmitRequirements, svIn(hostile, pdf("需求.pdf")))
		must(t, err)
		_, err = s.Act(ctx, buyer, id, models.SvSubmitRequirements, svIn(hostile))
		wantErr(t, "double submit", err, models.ErrNotYourTurn)
		if n := count(t, s, &models.SupervisionEvent{}, "supervision_id = ? AND action = ?", id, models.SvSubmitRequirements); n != 1 {
			t.Fatalf("requirements events = %d", n)
		}
		if got := supervisionOf(t, s, o.ID); got.Requirements != hostile || got.Step != models.StepConfirm {
			t.Fatalf("after submit: %+v", got)
		}
		// Stale page: the form showed another step.
		_, err = s.Act(ctx, w.seller, id, models.SvConfirmRequirements, models.SupervisionInput{ExpectedStep: models.StepRequirements})
		wantErr(t, "stale page", err, models.ErrStale)
		_, err = s.Act(ctx, w.seller, id, models.SvRejectRequirements, svIn(""))
		wantField(t, "reject without reason", err, "text", models.MsgSvTextRequired)
		_, err = s.Act(ctx, w.seller, id, models.SvRejectRequirements, svIn("请补充数据库版本"))
		must(t, err)
		_, err = s.Act(ctx, buyer, id, models.SvSubmitRequirements, svIn("MySQL 5.7"))
		must(t, err)
		_, err = s.Act(ctx, w.seller, id, models.SvConfirmRequirements, svIn(""))
		must(t, err)
		// Delivery needs proof; a bad start time is refused.
		_, err = s.Act(ctx, buyer, id, models.SvDeliver, svIn("", pdf("sow.pdf")))
		wantErr(t, "buyer delivers", err, models.ErrNotYourTurn)
		_, err = s.Act(ctx, w.seller, id, models.SvDeliver, svIn("done"))
		wantField(t, "no proof", err, "attachment", models.MsgSvProofRequired)
		future := t0.AddDate(0, 0, 30)
		_, err = s.Act(ctx, w.seller, id, models.SvDeliver, models.SupervisionInput{ActualStart: &future, Attachments: []*models.Upload{pdf("sow.pdf")}})
		wantField(t, "future start", err, "actual_start", models.MsgSvStartInvalid)
		w.clock.Advance(24 * time.Hour)
		start := t0.Add(2 * time.Hour)
		_, err = s.Act(ctx, w.seller, id, models.SvDeliver, models.SupervisionInput{Text: "已交付", ActualStart: &start, Attachments: []*models.Upload{pdf("sow.pdf"), pdf("验收单.pdf")}})
		must(t, err)
		_, err = s.Act(ctx, buyer, id, models.SvRejectDelivery, svIn(""))
		wantField(t, "reject without reason", err, "text", models.MsgSvTextRequired)
		_, err = s.Act(ctx, buyer, id, models.SvRejectDelivery, svIn("缺少验收报告"))
		must(t, err)
		_, err = s.Act(ctx, w.seller, id, models.SvDeliver, models.SupervisionInput{ActualStart: &start, Attachments: []*models.Upload{pdf("report.pdf")}})
		must(t, err)
		// The seller appeals: frozen for both.
		_, err = s.OpenAppeal(ctx, w.seller, id, models.AppealInput{Reason: ""})
		wantField(t, "appeal without reason", err, "reason", models.MsgSvTextRequired)
		ap, err := s.OpenAppeal(ctx, w.seller, id, models.AppealInput{Reason: "买家不验收", Demand: "请平台确认验收", Attachments: []*models.Upload{pdf("proof.pdf")}})
		must(t, err)
		_, err = s.Act(ctx, buyer, id, models.SvAccept, svIn(""))
		wantErr(t, "accept while frozen", err, models.ErrFrozen)
		_, err = s.Act(ctx, buyer, id, models.SvRejectDelivery, svIn("no"))
		wantErr(t, "reject while frozen", err, models.ErrFrozen)
		_, err = s.OpenAppeal(ctx, buyer, id, models.AppealInput{Reason: "again"})
		wantField(t, "second appeal", err, "form", models.MsgSvAppealOpen)
		_, err = s.DecideAppeal(ctx, w.seller, ap.ID, models.AppealDecision{Outcome: models.OutcomeResume, Reason: "x"})
		wantErr(t, "seller decides", err, models.ErrNotFound)
		must(t, s.RequestAppealInfo(ctx, w.admin, ap.ID, "请买家说明不验收的原因"))
		must(t, s.AddAppealInfo(ctx, buyer, id, "报告已收到", []*models.Upload{pdf("reply.pdf")}))
		err = s.AddAppealInfo(ctx, &w.buyer2, id, "x", nil)
		wantErr(t, "other buyer adds info", err, models.ErrNotFound)
		_, err = s.DecideAppeal(ctx, w.admin, ap.ID, models.AppealDecision{Outcome: "nonsense", Reason: "x"})
		wantField(t, "bad outcome", err, "outcome", models.MsgSvDecision)
		_, err = s.DecideAppeal(ctx, w.admin, ap.ID, models.AppealDecision{Outcome: models.OutcomeResume, Reason: "双方已沟通，继续验收"})
		must(t, err)
		_, err = s.DecideAppeal(ctx, w.admin, ap.ID, models.AppealDecision{Outcome: models.OutcomeForceAccept, Reason: "again"})
		wantErr(t, "second decision", err, models.ErrStale)
		// Acceptance (confirmed): validity from the actual start; 已完成 3 hours later.
		_, err = s.Act(ctx, buyer, id, models.SvAccept, svIn(""))
		wantField(t, "unconfirmed acceptance", err, "confirm", models.MsgSvConfirmAccept)
		_, err = s.Act(ctx, buyer, id, models.SvAccept, models.SupervisionInput{Confirm: true})
		must(t, err)
		var ord models.Order
		must(t, s.DB().First(&ord, o.ID).Error)
		wantExpire := start.AddDate(0, 1, 0)
		if !sameTime(ord.EffectiveAt, &start) || !sameTime(ord.ExpireAt, &wantExpire) || ord.Status != models.OrderProcessing {
			t.Fatalf("accepted order: eff %s exp %s status %s", fmtTime(ord.EffectiveAt), fmtTime(ord.ExpireAt), ord.Status)
		}
		if in := instanceOf(t, s, inst.ID); in.Status != models.InstanceNormal || !sameTime(in.ExpireAt, &wantExpire) {
			t.Fatalf("service after acceptance: %s %s", in.Status, fmtTime(in.ExpireAt))
		}
		w.clock.Advance(models.SupervisionCompleteDelay - time.Second)
		n, err := s.SweepSupervision(ctx, 100)
		must(t, err)
		if n != 0 {
			t.Fatalf("completed early: %d", n)
		}
		w.clock.Advance(time.Second)
		n, err = s.SweepSupervision(ctx, 100)
		must(t, err)
		if n != 1 {
			t.Fatalf("sweep moved %d", n)
		}
		must(t, s.DB().First(&ord, o.ID).Error)
		if ord.Status != models.OrderCompleted || ord.SupervisionStatus != models.SupervisionCompleted {
			t.Fatalf("completed order: %s %s", ord.Status, ord.SupervisionStatus)
		}
		// Completed: nothing more.
		_, err = s.Act(ctx, buyer, id, models.SvRejectDelivery, svIn("late"))
		wantErr(t, "reject after completion", err, models.ErrNotYourTurn)
		_, err = s.OpenAppeal(ctx, buyer, id, models.AppealInput{Reason: "late"})
		wantField(t, "appeal after completion", err, "form", models.MsgSvAppealFinished)
		d, err := s.SupervisionFor(ctx, buyer, id)
		must(t, err)
		if len(d.Events) < 12 || len(d.Appeals) != 1 || len(d.AppealFiles[ap.ID]) != 2 {
			t.Fatalf("detail: %d events, %d appeals, %d appeal files", len(d.Events), len(d.Appeals), len(d.AppealFiles[ap.ID]))
		}
		if count(t, s, &models.Notice{}, "user_id = ? AND kind LIKE ?", buyer.ID, "supervision_%") < 10 ||
			count(t, s, &models.Notice{}, "seller_id = ? AND kind LIKE ?", w.world.seller.ID, "supervision_%") < 10 {
			t.Fatalf("both parties are told at each step: %d %d", count(t, s, &models.Notice{}, "user_id = ?", buyer.ID), count(t, s, &models.Notice{}, "seller_id = ?", w.world.seller.ID))
		}
		// Evidence is seen by the parties and operations only.
		var files []models.Attachment
		must(t, s.DB().Order("id").Find(&files).Error)
		for _, f := range files {
			for _, u := range []*models.User{buyer, w.seller, w.admin} {
				if _, _, err := s.AttachmentFor(ctx, u, f.ID); err != nil {
					t.Errorf("%s cannot see %s: %v", u.Email, f.FileName, err)
				}
			}
			for _, u := range []*models.User{&w.buyer2, w.other} {
				if _, _, err := s.AttachmentFor(ctx, u, f.ID); !errors.Is(err, models.ErrNotFound) {
					t.Errorf("%s sees %s: %v", u.Email, f.FileName, err)
				}
			}
		}
	})
}

func TestSupervisionHardwareAutoAcceptance(t *testing.T) {
	apptest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newSvWorld(t, s)
		p := w.product(t, supervised(models.TypeHardware, 399900))
		o, _ := bought(t, w.world, w.buyer.ID, p, buy(models.PlanOnce, "", models.PayCash))
		sv := supervisionOf(t, s, o.ID)
		if sv.Step != models.StepImplementing {
			t.Fatalf("hardware starts at %s", sv.Step)
		}
		_, err := s.Act(ctx, &w.buyer, sv.ID, models.SvSubmitRequirements, svIn("x"))
		wantErr(t, "hardware has no requirements", err, models.ErrNotYourTurn)
		_, err = s.Act(ctx, w.seller, sv.ID, models.SvDeliver, svIn("", pdf("x.pdf")))
		wantErr(t, "hardware ships", err, models.ErrNotYourTurn)
		_, err = s.Act(ctx, w.seller, sv.ID, models.SvShip, models.SupervisionInput{Logistics: " "})
		wantField(t, "no logistics", err, "logistics", models.MsgSvLogistics)
		_, err = s.Act(ctx, w.seller, sv.ID, models.SvShip, models.SupervisionInput{Logistics: "顺丰 SF1234567890"})
		must(t, err)
		_, err = s.Act(ctx, &w.buyer, sv.ID, models.SvSign, svIn(""))
		must(t, err)
		w.clock.Advance(models.HardwareAutoAccept - time.Second)
		n, err := s.SweepSupervision(ctx, 100)
		must(t, err)
		if n != 0 {
			t.Fatalf("auto-accepted early")
		}
		w.clock.Advance(time.Second)
		n, err = s.SweepSupervision(ctx, 100)
		must(t, err)
		if got := supervisionOf(t, s, o.ID); n != 1 || got.Step != models.StepAccepted || got.AcceptedAt == nil {
			t.Fatalf("after 10 days: moved %d, %+v", n, got)
		}
		w.clock.Advance(models.SupervisionCompleteDelay)
		_, err = s.SweepSupervision(ctx, 100)
		must(t, err)
		if got := supervisionOf(t, s, o.ID); got.Step != models.StepCompleted {
			t.Fatalf("not completed: %s", got.Step)
		}
		// An appeal freezes the auto-acceptance.
		o2, _ := bought(t, w.world, w.buyer.ID, p, buy(models.PlanOnce, "", models.PayCash))
		sv2 := supervisionOf(t, s, o2.ID)
		_, err = s.Act(ctx, w.seller, sv2.ID, models.SvShip, models.SupervisionInput{Logistics: "EMS 1"})
		must(t, err)
		_, err = s.Act(ctx, &w.buyer, sv2.ID, models.SvSign, svIn(""))
		must(t, err)
		_, err = s.OpenAppeal(ctx, &w.buyer, sv2.ID, models.AppealInput{Reason: "设备有损坏"})
		must(t, err)
		w.clock.Advance(models.HardwareAutoAccept + time.Hour)
		_, err = s.SweepSupervision(ctx, 100)
		must(t, err)
		if got := supervisionOf(t, s, o2.ID); got.Step != models.StepAcceptance || !got.Frozen {
			t.Fatalf("frozen supervision moved: %+v", got)
		}
	})
}

func TestSupervisionIdentificationCodes(t *testing.T) {
	apptest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newSvWorld(t, s)
		sys := w.product(t, func(p *models.Product) {
			supervised(models.TypeLicense, 1000)(p)
			p.CodeKind = models.CodeSystem
		})
		hw := w.product(t, func(p *models.Product) {
			supervised(models.TypeLicense, 1000)(p)
			p.CodeKind = models.CodeHardware
		})
		o, _ := bought(t, w.world, w.buyer.ID, sys, buy(models.PlanOnce, "", models.PayCash))
		sv := supervisionOf(t, s, o.ID)
		if sv.Step != models.StepCode || sv.SystemCode == nil || len(*sv.SystemCode) != 32 || !strings.HasPrefix(*sv.SystemCode, "SC-") {
			t.Fatalf("system code supervision: %+v", sv)
		}
		_, err := s.Act(ctx, w.seller, sv.ID, models.SvSubmitCode, svIn(""))
		wantErr(t, "seller submits code", err, models.ErrNotYourTurn)
		_, err = s.Act(ctx, &w.buyer, sv.ID, models.SvSubmitCode, svIn(""))
		must(t, err)
		if got := supervisionOf(t, s, o.ID); got.Step != models.StepImplementing || got.CodeSubmittedAt == nil {
			t.Fatalf("after code: %+v", got)
		}
		o2, _ := bought(t, w.world, w.buyer.ID, hw, buy(models.PlanOnce, "", models.PayCash))
		sv2 := supervisionOf(t, s, o2.ID)
		if sv2.SystemCode != nil || sv2.Step != models.StepCode {
			t.Fatalf("hardware code supervision: %+v", sv2)
		}
		for _, bad := range []string{"", "nothing", "AA|BB|CC", "<script>|||", "|||"} {
			_, err = s.Act(ctx, &w.buyer, sv2.ID, models.SvSubmitCode, models.SupervisionInput{HardwareCode: bad, ConfirmCode: true})
			if fe, ok := err.(models.FieldErrors); !ok || fe["code"] == "" {
				t.Errorf("code %q: err = %v", bad, err)
			}
		}
		_, err = s.Act(ctx, &w.buyer, sv2.ID, models.SvSubmitCode, models.SupervisionInput{HardwareCode: "fa:16:3e:00:00:01|d1||"})
		wantField(t, "unconfirmed code", err, "confirm", models.MsgSvConfirmCode)
		_, err = s.Act(ctx, &w.buyer, sv2.ID, models.SvSubmitCode, models.SupervisionInput{HardwareCode: " fa:16:3e:00:00:01 | d1 ||", ConfirmCode: true})
		must(t, err)
		if got := supervisionOf(t, s, o2.ID); got.HardwareCode != "FA:16:3E:00:00:01|D1||" || got.Step != models.StepImplementing {
			t.Fatalf("hardware code stored: %+v", got)
		}
	})
}

func TestSupervisionSystemCodesUniqueUnderConcurrency(t *testing.T) {
	apptest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newSvWorld(t, s)
		p := w.product(t, func(p *models.Product) {
			supervised(models.TypeLicense, 1000)(p)
			p.CodeKind = models.CodeSystem
		})
		const n = 24
		keys := make([]models.PurchaseInput, n)
		for i := range keys {
			keys[i] = buy(models.PlanOnce, "", models.PayCash)
		}
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				_, errs[i] = s.Purchase(ctx, w.buyer.ID, p.ID, keys[i])
			}(i)
		}
		wg.Wait()
		for _, err := range errs {
			must(t, err)
		}
		var codes []string
		must(t, s.DB().Model(&models.Supervision{}).Pluck("system_code", &codes).Error)
		seen := map[string]bool{}
		for _, c := range codes {
			if c == "" || seen[c] {
				t.Fatalf("code %q empty or repeated", c)
			}
			seen[c] = true
		}
		if len(seen) != n {
			t.Fatalf("%d codes for %d purchases", len(seen), n)
		}
		a, b := models.NewSystemCode(), models.NewSystemCode()
		if a == b {
			t.Fatal("two draws gave the same code")
		}
	})
}

func TestAppealDecisionsRefundAndForceAccept(t *testing.T) {
	apptest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newSvWorld(t, s)
		p := w.product(t, supervised(models.TypeManualService, 100000))
		o, inst := bought(t, w.world, w.buyer.ID, p, buy(models.PlanOnce, "", models.PayCash))
		sv := supervisionOf(t, s, o.ID)
		ap, err := s.OpenAppeal(ctx, &w.buyer, sv.ID, models.AppealInput{Reason: "商家迟迟不确认需求", Demand: "退款一半"})
		must(t, err)
		for _, fen := range []int64{0, -1, 100001} {
			_, err = s.DecideAppeal(ctx, w.admin, ap.ID, models.AppealDecision{Outcome: models.OutcomeRefund, Reason: "r", RefundFen: fen})
			wantField(t, "bad refund", err, "refund", models.MsgSvRefundAmount)
		}
		_, err = s.DecideAppeal(ctx, w.admin, ap.ID, models.AppealDecision{Outcome: models.OutcomeRefund, Reason: ""})
		wantField(t, "no reason", err, "reason", models.MsgSvTextRequired)
		_, err = s.DecideAppeal(ctx, w.admin, ap.ID, models.AppealDecision{Outcome: models.OutcomeRefund, Reason: "商家未履约，部分退款", RefundFen: 50000})
		must(t, err)
		_, err = s.DecideAppeal(ctx, w.admin, ap.ID, models.AppealDecision{Outcome: models.OutcomeRefund, Reason: "again", RefundFen: 50000})
		wantErr(t, "twice", err, models.ErrStale)
		if n := count(t, s, &models.Refund{}, "order_id = ? AND amount_fen = ?", o.ID, 50000); n != 1 {
			t.Fatalf("refund records: %d", n)
		}
		if n := count(t, s, &models.RefundRequest{}, "order_id = ? AND status = ?", o.ID, models.RefundApproved); n != 1 {
			t.Fatalf("approved requests: %d", n)
		}
		got := supervisionOf(t, s, o.ID)
		var ord models.Order
		must(t, s.DB().First(&ord, o.ID).Error)
		if got.Step != models.StepClosed || got.Frozen || ord.SupervisionStatus != models.SupervisionClosed {
			t.Fatalf("after refund: step %s frozen %v order %s", got.Step, got.Frozen, ord.SupervisionStatus)
		}
		if in := instanceOf(t, s, inst.ID); in.Status != models.InstanceReleased {
			t.Fatalf("service %s", in.Status)
		}
		_, err = s.Act(ctx, &w.buyer, sv.ID, models.SvSubmitRequirements, svIn("x"))
		wantErr(t, "closed", err, models.ErrNotYourTurn)

		// Force acceptance, then completion.
		o2, _ := bought(t, w.world, w.buyer.ID, p, buy(models.PlanOnce, "", models.PayCash))
		sv2 := supervisionOf(t, s, o2.ID)
		ap2, err := s.OpenAppeal(ctx, w.seller, sv2.ID, models.AppealInput{Reason: "已线下交付"})
		must(t, err)
		_, err = s.DecideAppeal(ctx, w.admin, ap2.ID, models.AppealDecision{Outcome: models.OutcomeForceAccept, Reason: "交付证据充分"})
		must(t, err)
		if got := supervisionOf(t, s, o2.ID); got.Step != models.StepAccepted || got.Frozen {
			t.Fatalf("forced: %+v", got)
		}
		w.clock.Advance(models.SupervisionCompleteDelay)
		_, err = s.SweepSupervision(ctx, 100)
		must(t, err)
		if got := supervisionOf(t, s, o2.ID); got.Step != models.StepCompleted {
			t.Fatalf("forced then: %s", got.Step)
		}

		// A refund approved through 退订管理 closes the supervision at the next sweep.
		o3, inst3 := bought(t, w.world, w.buyer.ID, p, buy(models.PlanOnce, "", models.PayCash))
		sv3 := supervisionOf(t, s, o3.ID)
		_, err = s.OpenAppeal(ctx, &w.buyer, sv3.ID, models.AppealInput{Reason: "想退款"})
		must(t, err)
		r, err := s.RequestRefund(ctx, &w.buyer, inst3.ID, refundIn("100.00"))
		must(t, err)
		_, err = s.ApproveRefund(ctx, w.seller, r.ID, models.RefundDecisionInput{Opinion: "同意"})
		must(t, err)
		_, err = s.SweepSupervision(ctx, 100)
		must(t, err)
		if got := supervisionOf(t, s, o3.ID); got.Step != models.StepClosed || got.Frozen {
			t.Fatalf("refunded through 退订: %s frozen %v", got.Step, got.Frozen)
		}
		if n := count(t, s, &models.Appeal{}, "supervision_id = ? AND status <> ?", sv3.ID, models.AppealDecided); n != 0 {
			t.Fatalf("%d appeals left open on a closed supervision", n)
		}
	})
}

func TestSupervisionRacesApplyOnce(t *testing.T) {
	apptest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newSvWorld(t, s)
		p := w.product(t, supervised(models.TypeManualService, 1000))
		o, _ := bought(t, w.world, w.buyer.ID, p, buy(models.PlanOnce, "", models.PayCash))
		sv := supervisionOf(t, s, o.ID)
		const n = 8
		run := func(fn func(i int) error) (wins int, errs []error) {
			var wg sync.WaitGroup
			var mu sync.Mutex
			for i := range n {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					err := fn(i)
					mu.Lock()
					defer mu.Unlock()
					if err == nil {
						wins++
					} else {
						errs = append(errs, err)
					}
				}(i)
			}
			wg.Wait()
			return wins, errs
		}
		// Eight clicks on 提交需求: one applies, the others are told it is done.
		wins, errs := run(func(int) error {
			_, err := s.Act(ctx, &w.buyer, sv.ID, models.SvSubmitRequirements, svIn("需求"))
			return err
		})
		if wins != 1 {
			t.Fatalf("requirements applied %d times (%v)", wins, errs)
		}
		for _, err := range errs {
			if !errors.Is(err, models.ErrNotYourTurn) {
				t.Errorf("loser: %v", err)
			}
		}
		// Both parties appeal at once: one appeal, frozen once.
		wins, _ = run(func(i int) error {
			u := &w.buyer
			if i%2 == 1 {
				u = w.seller
			}
			_, err := s.OpenAppeal(ctx, u, sv.ID, models.AppealInput{Reason: "同时申诉"})
			return err
		})
		if wins != 1 || count(t, s, &models.Appeal{}, "supervision_id = ?", sv.ID) != 1 {
			t.Fatalf("appeals opened: %d", wins)
		}
		var ap models.Appeal
		must(t, s.DB().Where("supervision_id = ?", sv.ID).First(&ap).Error)
		// Two admins decide at once: one decision, one refund.
		wins, _ = run(func(int) error {
			_, err := s.DecideAppeal(ctx, w.admin, ap.ID, models.AppealDecision{Outcome: models.OutcomeRefund, Reason: "同时裁决", RefundFen: 500})
			return err
		})
		if wins != 1 || count(t, s, &models.Refund{}, "order_id = ?", o.ID) != 1 {
			t.Fatalf("decisions applied: %d, refunds %d", wins, count(t, s, &models.Refund{}, "order_id = ?", o.ID))
		}
	})
}
