package models_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"koogallery/models"
	"koogallery/models/account"
	"koogallery/models/attachment"
	"koogallery/models/catalog"
	"koogallery/models/notice"
	"koogallery/models/orders"
	"koogallery/models/refund"
	"koogallery/models/sqldb"
	"koogallery/models/storetest"
	"koogallery/models/supervision"
)

// Service supervision and appeals in the store, on SQLite and MariaDB: the transition table,
// every party's step with the wrong actor, step and freeze refused, the scheduled transitions on
// a fake clock, identification codes, appeal decisions and bad input.

func TestSupervisionTransitionTable(t *testing.T) {
	roles := []account.Role{account.RoleBuyer, account.RoleSeller, account.RoleAdmin, supervision.RoleSystem}
	allowed := map[string]bool{}
	add := func(a supervision.SupervisionAction, st supervision.SupervisionStep, r account.Role, hw string) {
		allowed[string(a)+"/"+string(st)+"/"+string(r)+"/"+hw] = true
	}
	for _, hw := range []string{"hw", "sw"} {
		if hw == "sw" {
			add(supervision.SvSubmitRequirements, supervision.StepRequirements, account.RoleBuyer, hw)
			add(supervision.SvConfirmRequirements, supervision.StepConfirm, account.RoleSeller, hw)
			add(supervision.SvRejectRequirements, supervision.StepConfirm, account.RoleSeller, hw)
			add(supervision.SvSubmitCode, supervision.StepCode, account.RoleBuyer, hw)
			add(supervision.SvDeliver, supervision.StepImplementing, account.RoleSeller, hw)
		} else {
			add(supervision.SvShip, supervision.StepImplementing, account.RoleSeller, hw)
			add(supervision.SvSign, supervision.StepShipped, account.RoleBuyer, hw)
			add(supervision.SvAutoAccept, supervision.StepAcceptance, supervision.RoleSystem, hw)
		}
		add(supervision.SvAccept, supervision.StepAcceptance, account.RoleBuyer, hw)
		add(supervision.SvRejectDelivery, supervision.StepAcceptance, account.RoleBuyer, hw)
		add(supervision.SvComplete, supervision.StepAccepted, supervision.RoleSystem, hw)
		for _, st := range []supervision.SupervisionStep{supervision.StepRequirements, supervision.StepCode, supervision.StepConfirm, supervision.StepImplementing, supervision.StepShipped, supervision.StepAcceptance} {
			add(supervision.SvForceAccept, st, account.RoleAdmin, hw)
			add(supervision.SvRefundClose, st, account.RoleAdmin, hw)
		}
		add(supervision.SvRefundClose, supervision.StepAccepted, account.RoleAdmin, hw)
	}
	actions := []supervision.SupervisionAction{supervision.SvSubmitRequirements, supervision.SvConfirmRequirements, supervision.SvRejectRequirements, supervision.SvSubmitCode,
		supervision.SvDeliver, supervision.SvShip, supervision.SvSign, supervision.SvAccept, supervision.SvRejectDelivery, supervision.SvAutoAccept, supervision.SvComplete,
		supervision.SvForceAccept, supervision.SvRefundClose, supervision.SvAppealOpened, supervision.SvCreated}
	for _, a := range actions {
		for _, st := range supervision.SupervisionSteps {
			for _, r := range roles {
				for _, hw := range []string{"hw", "sw"} {
					want := allowed[string(a)+"/"+string(st)+"/"+string(r)+"/"+hw]
					if got := supervision.CanSupervise(a, st, r, hw == "hw"); got != want {
						t.Errorf("CanSupervise(%s, %s, %s, %s) = %v, want %v", a, st, r, hw, got, want)
					}
				}
			}
		}
	}
	for _, st := range []supervision.SupervisionStep{supervision.StepCompleted, supervision.StepClosed} {
		if !st.Final() || st.Turn() != "" {
			t.Errorf("%s: final %v turn %q", st, st.Final(), st.Turn())
		}
	}
}

// svWorld is a world with a seller user, an admin and another company's seller.
type svWorld struct {
	*world
	seller, other, admin *account.User
}

func newSvWorld(t *testing.T, s *models.Store) *svWorld {
	t.Helper()
	w := newWorld(t, s)
	sw := &svWorld{world: w, seller: w.sellerUser(t, "seller@test.test")}
	must(t, s.DB().Model(&account.Seller{}).Where("id = ?", w.seller.ID).Update("support_email", "shop@test.test").Error)
	other := account.Seller{Name: "别家"}
	must(t, s.DB().Create(&other).Error)
	o := account.User{Email: "other@test.test", Name: "o", PasswordHash: "-", Role: account.RoleSeller, SellerID: &other.ID}
	must(t, s.DB().Create(&o).Error)
	sw.other = &o
	a := w.user(t, "admin@test.test", account.RoleAdmin)
	sw.admin = &a
	return sw
}

func supervisionOf(t *testing.T, s *models.Store, orderID uint) supervision.Supervision {
	t.Helper()
	var sv supervision.Supervision
	must(t, s.DB().Where("order_id = ?", orderID).First(&sv).Error)
	return sv
}

func svIn(text string, files ...*attachment.Upload) supervision.SupervisionInput {
	return supervision.SupervisionInput{Text: text, Attachments: files}
}

func pdf(name string) *attachment.Upload { return &attachment.Upload{Name: name, Data: pdfBytes} }

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
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newSvWorld(t, s)
		p := w.product(t, func(p *catalog.Product) {
			p.Type, p.Supervised = catalog.TypeManualService, true
		})
		buyer := &w.buyer
		o, inst := bought(t, w.world, buyer.ID, p, buy(catalog.PlanMonth, "1", orders.PayCash))
		sv := supervisionOf(t, s, o.ID)
		if sv.Step != supervision.StepRequirements || sv.SystemCode != nil || inst.Status != orders.InstanceOpening {
			t.Fatalf("new supervision: %+v, service %s", sv, inst.Status)
		}
		id := sv.ID
		// Wrong actor, another party, wrong step.
		_, err := s.Act(ctx, w.seller, id, supervision.SvSubmitRequirements, svIn("x"))
		wantErr(t, "seller submits requirements", err, supervision.ErrNotYourTurn)
		_, err = s.Act(ctx, &w.buyer2, id, supervision.SvSubmitRequirements, svIn("x"))
		wantErr(t, "another buyer", err, sqldb.ErrNotFound)
		_, err = s.Act(ctx, w.other, id, supervision.SvConfirmRequirements, svIn(""))
		wantErr(t, "another company", err, sqldb.ErrNotFound)
		_, err = s.Act(ctx, buyer, id, supervision.SvAccept, svIn(""))
		wantErr(t, "accept before delivery", err, supervision.ErrNotYourTurn)
		_, err = s.Act(ctx, buyer, id, supervision.SvSubmitRequirements, svIn("   "))
		wantField(t, "empty requirements", err, "text", supervision.MsgSvTextRequired)
		_, err = s.Act(ctx, buyer, id, supervision.SvSubmitRequirements, svIn(strings.Repeat("长", supervision.MaxSupervisionText+1)))
		wantField(t, "long requirements", err, "text", supervision.MsgSvTextTooLong)
		_, err = s.Act(ctx, buyer, id, supervision.SvSubmitRequirements, svIn("x", &attachment.Upload{Name: "a.pdf", Data: []byte("MZ\x90\x00binary")}))
		wantField(t, "exe as pdf", err, "attachment", attachment.MsgMismatch)
		if n := count(t, s, &supervision.SupervisionEvent{}, "supervision_id = ?", id); n != 1 {
			t.Fatalf("refused input wrote events: %d", n)
		}
		hostile := `<script>alert(1)</script>' OR 1=1 --`
		_, err = s.Act(ctx, buyer, id, supervision.SvSubmitRequirements, svIn(hostile, pdf("需求.pdf")))
		must(t, err)
		_, err = s.Act(ctx, buyer, id, supervision.SvSubmitRequirements, svIn(hostile))
		wantErr(t, "double submit", err, supervision.ErrNotYourTurn)
		if n := count(t, s, &supervision.SupervisionEvent{}, "supervision_id = ? AND action = ?", id, supervision.SvSubmitRequirements); n != 1 {
			t.Fatalf("requirements events = %d", n)
		}
		if got := supervisionOf(t, s, o.ID); got.Requirements != hostile || got.Step != supervision.StepConfirm {
			t.Fatalf("after submit: %+v", got)
		}
		// Stale page: the form showed another step.
		_, err = s.Act(ctx, w.seller, id, supervision.SvConfirmRequirements, supervision.SupervisionInput{ExpectedStep: supervision.StepRequirements})
		wantErr(t, "stale page", err, sqldb.ErrStale)
		_, err = s.Act(ctx, w.seller, id, supervision.SvRejectRequirements, svIn(""))
		wantField(t, "reject without reason", err, "text", supervision.MsgSvTextRequired)
		_, err = s.Act(ctx, w.seller, id, supervision.SvRejectRequirements, svIn("请补充数据库版本"))
		must(t, err)
		_, err = s.Act(ctx, buyer, id, supervision.SvSubmitRequirements, svIn("MySQL 5.7"))
		must(t, err)
		_, err = s.Act(ctx, w.seller, id, supervision.SvConfirmRequirements, svIn(""))
		must(t, err)
		// Delivery needs proof; a bad start time is refused.
		_, err = s.Act(ctx, buyer, id, supervision.SvDeliver, svIn("", pdf("sow.pdf")))
		wantErr(t, "buyer delivers", err, supervision.ErrNotYourTurn)
		_, err = s.Act(ctx, w.seller, id, supervision.SvDeliver, svIn("done"))
		wantField(t, "no proof", err, "attachment", supervision.MsgSvProofRequired)
		future := t0.AddDate(0, 0, 30)
		_, err = s.Act(ctx, w.seller, id, supervision.SvDeliver, supervision.SupervisionInput{ActualStart: &future, Attachments: []*attachment.Upload{pdf("sow.pdf")}})
		wantField(t, "future start", err, "actual_start", supervision.MsgSvStartInvalid)
		w.clock.Advance(24 * time.Hour)
		start := t0.Add(2 * time.Hour)
		_, err = s.Act(ctx, w.seller, id, supervision.SvDeliver, supervision.SupervisionInput{Text: "已交付", ActualStart: &start, Attachments: []*attachment.Upload{pdf("sow.pdf"), pdf("验收单.pdf")}})
		must(t, err)
		_, err = s.Act(ctx, buyer, id, supervision.SvRejectDelivery, svIn(""))
		wantField(t, "reject without reason", err, "text", supervision.MsgSvTextRequired)
		_, err = s.Act(ctx, buyer, id, supervision.SvRejectDelivery, svIn("缺少验收报告"))
		must(t, err)
		_, err = s.Act(ctx, w.seller, id, supervision.SvDeliver, supervision.SupervisionInput{ActualStart: &start, Attachments: []*attachment.Upload{pdf("report.pdf")}})
		must(t, err)
		// The seller appeals: frozen for both.
		_, err = s.OpenAppeal(ctx, w.seller, id, supervision.AppealInput{Reason: ""})
		wantField(t, "appeal without reason", err, "reason", supervision.MsgSvTextRequired)
		ap, err := s.OpenAppeal(ctx, w.seller, id, supervision.AppealInput{Reason: "买家不验收", Demand: "请平台确认验收", Attachments: []*attachment.Upload{pdf("proof.pdf")}})
		must(t, err)
		_, err = s.Act(ctx, buyer, id, supervision.SvAccept, svIn(""))
		wantErr(t, "accept while frozen", err, supervision.ErrFrozen)
		_, err = s.Act(ctx, buyer, id, supervision.SvRejectDelivery, svIn("no"))
		wantErr(t, "reject while frozen", err, supervision.ErrFrozen)
		_, err = s.OpenAppeal(ctx, buyer, id, supervision.AppealInput{Reason: "again"})
		wantField(t, "second appeal", err, "form", supervision.MsgSvAppealOpen)
		_, err = s.DecideAppeal(ctx, w.seller, ap.ID, supervision.AppealDecision{Outcome: supervision.OutcomeResume, Reason: "x"})
		wantErr(t, "seller decides", err, sqldb.ErrNotFound)
		must(t, s.RequestAppealInfo(ctx, w.admin, ap.ID, "请买家说明不验收的原因"))
		must(t, s.AddAppealInfo(ctx, buyer, id, "报告已收到", []*attachment.Upload{pdf("reply.pdf")}))
		err = s.AddAppealInfo(ctx, &w.buyer2, id, "x", nil)
		wantErr(t, "other buyer adds info", err, sqldb.ErrNotFound)
		_, err = s.DecideAppeal(ctx, w.admin, ap.ID, supervision.AppealDecision{Outcome: "nonsense", Reason: "x"})
		wantField(t, "bad outcome", err, "outcome", supervision.MsgSvDecision)
		_, err = s.DecideAppeal(ctx, w.admin, ap.ID, supervision.AppealDecision{Outcome: supervision.OutcomeResume, Reason: "双方已沟通，继续验收"})
		must(t, err)
		_, err = s.DecideAppeal(ctx, w.admin, ap.ID, supervision.AppealDecision{Outcome: supervision.OutcomeForceAccept, Reason: "again"})
		wantErr(t, "second decision", err, sqldb.ErrStale)
		// Acceptance (confirmed): validity from the actual start; 已完成 3 hours later.
		_, err = s.Act(ctx, buyer, id, supervision.SvAccept, svIn(""))
		wantField(t, "unconfirmed acceptance", err, "confirm", supervision.MsgSvConfirmAccept)
		_, err = s.Act(ctx, buyer, id, supervision.SvAccept, supervision.SupervisionInput{Confirm: true})
		must(t, err)
		var ord orders.Order
		must(t, s.DB().First(&ord, o.ID).Error)
		wantExpire := start.AddDate(0, 1, 0)
		if !sameTime(ord.EffectiveAt, &start) || !sameTime(ord.ExpireAt, &wantExpire) || ord.Status != orders.OrderProcessing {
			t.Fatalf("accepted order: eff %s exp %s status %s", fmtTime(ord.EffectiveAt), fmtTime(ord.ExpireAt), ord.Status)
		}
		if in := instanceOf(t, s, inst.ID); in.Status != orders.InstanceNormal || !sameTime(in.ExpireAt, &wantExpire) {
			t.Fatalf("service after acceptance: %s %s", in.Status, fmtTime(in.ExpireAt))
		}
		w.clock.Advance(supervision.SupervisionCompleteDelay - time.Second)
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
		if ord.Status != orders.OrderCompleted || ord.SupervisionStatus != orders.SupervisionCompleted {
			t.Fatalf("completed order: %s %s", ord.Status, ord.SupervisionStatus)
		}
		// Completed: nothing more.
		_, err = s.Act(ctx, buyer, id, supervision.SvRejectDelivery, svIn("late"))
		wantErr(t, "reject after completion", err, supervision.ErrNotYourTurn)
		_, err = s.OpenAppeal(ctx, buyer, id, supervision.AppealInput{Reason: "late"})
		wantField(t, "appeal after completion", err, "form", supervision.MsgSvAppealFinished)
		d, err := s.SupervisionFor(ctx, buyer, id)
		must(t, err)
		if len(d.Events) < 12 || len(d.Appeals) != 1 || len(d.AppealFiles[ap.ID]) != 2 {
			t.Fatalf("detail: %d events, %d appeals, %d appeal files", len(d.Events), len(d.Appeals), len(d.AppealFiles[ap.ID]))
		}
		if count(t, s, &notice.Notice{}, "user_id = ? AND kind LIKE ?", buyer.ID, "supervision_%") < 10 ||
			count(t, s, &notice.Notice{}, "seller_id = ? AND kind LIKE ?", w.world.seller.ID, "supervision_%") < 10 {
			t.Fatalf("both parties are told at each step: %d %d", count(t, s, &notice.Notice{}, "user_id = ?", buyer.ID), count(t, s, &notice.Notice{}, "seller_id = ?", w.world.seller.ID))
		}
		// Evidence is seen by the parties and operations only.
		var files []attachment.Attachment
		must(t, s.DB().Order("id").Find(&files).Error)
		for _, f := range files {
			for _, u := range []*account.User{buyer, w.seller, w.admin} {
				if _, _, err := s.AttachmentFor(ctx, u, f.ID); err != nil {
					t.Errorf("%s cannot see %s: %v", u.Email, f.FileName, err)
				}
			}
			for _, u := range []*account.User{&w.buyer2, w.other} {
				if _, _, err := s.AttachmentFor(ctx, u, f.ID); !errors.Is(err, sqldb.ErrNotFound) {
					t.Errorf("%s sees %s: %v", u.Email, f.FileName, err)
				}
			}
		}
	})
}

func TestSupervisionHardwareAutoAcceptance(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newSvWorld(t, s)
		p := w.product(t, supervised(catalog.TypeHardware, 399900))
		o, _ := bought(t, w.world, w.buyer.ID, p, buy(catalog.PlanOnce, "", orders.PayCash))
		sv := supervisionOf(t, s, o.ID)
		if sv.Step != supervision.StepImplementing {
			t.Fatalf("hardware starts at %s", sv.Step)
		}
		_, err := s.Act(ctx, &w.buyer, sv.ID, supervision.SvSubmitRequirements, svIn("x"))
		wantErr(t, "hardware has no requirements", err, supervision.ErrNotYourTurn)
		_, err = s.Act(ctx, w.seller, sv.ID, supervision.SvDeliver, svIn("", pdf("x.pdf")))
		wantErr(t, "hardware ships", err, supervision.ErrNotYourTurn)
		_, err = s.Act(ctx, w.seller, sv.ID, supervision.SvShip, supervision.SupervisionInput{Logistics: " "})
		wantField(t, "no logistics", err, "logistics", supervision.MsgSvLogistics)
		_, err = s.Act(ctx, w.seller, sv.ID, supervision.SvShip, supervision.SupervisionInput{Logistics: "顺丰 SF1234567890"})
		must(t, err)
		_, err = s.Act(ctx, &w.buyer, sv.ID, supervision.SvSign, svIn(""))
		must(t, err)
		w.clock.Advance(supervision.HardwareAutoAccept - time.Second)
		n, err := s.SweepSupervision(ctx, 100)
		must(t, err)
		if n != 0 {
			t.Fatalf("auto-accepted early")
		}
		w.clock.Advance(time.Second)
		n, err = s.SweepSupervision(ctx, 100)
		must(t, err)
		if got := supervisionOf(t, s, o.ID); n != 1 || got.Step != supervision.StepAccepted || got.AcceptedAt == nil {
			t.Fatalf("after 10 days: moved %d, %+v", n, got)
		}
		w.clock.Advance(supervision.SupervisionCompleteDelay)
		_, err = s.SweepSupervision(ctx, 100)
		must(t, err)
		if got := supervisionOf(t, s, o.ID); got.Step != supervision.StepCompleted {
			t.Fatalf("not completed: %s", got.Step)
		}
		// An appeal freezes the auto-acceptance.
		o2, _ := bought(t, w.world, w.buyer.ID, p, buy(catalog.PlanOnce, "", orders.PayCash))
		sv2 := supervisionOf(t, s, o2.ID)
		_, err = s.Act(ctx, w.seller, sv2.ID, supervision.SvShip, supervision.SupervisionInput{Logistics: "EMS 1"})
		must(t, err)
		_, err = s.Act(ctx, &w.buyer, sv2.ID, supervision.SvSign, svIn(""))
		must(t, err)
		_, err = s.OpenAppeal(ctx, &w.buyer, sv2.ID, supervision.AppealInput{Reason: "设备有损坏"})
		must(t, err)
		w.clock.Advance(supervision.HardwareAutoAccept + time.Hour)
		_, err = s.SweepSupervision(ctx, 100)
		must(t, err)
		if got := supervisionOf(t, s, o2.ID); got.Step != supervision.StepAcceptance || !got.Frozen {
			t.Fatalf("frozen supervision moved: %+v", got)
		}
	})
}

func TestSupervisionIdentificationCodes(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newSvWorld(t, s)
		sys := w.product(t, func(p *catalog.Product) {
			supervised(catalog.TypeLicense, 1000)(p)
			p.CodeKind = catalog.CodeSystem
		})
		hw := w.product(t, func(p *catalog.Product) {
			supervised(catalog.TypeLicense, 1000)(p)
			p.CodeKind = catalog.CodeHardware
		})
		o, _ := bought(t, w.world, w.buyer.ID, sys, buy(catalog.PlanOnce, "", orders.PayCash))
		sv := supervisionOf(t, s, o.ID)
		if sv.Step != supervision.StepCode || sv.SystemCode == nil || len(*sv.SystemCode) != 32 || !strings.HasPrefix(*sv.SystemCode, "SC-") {
			t.Fatalf("system code supervision: %+v", sv)
		}
		_, err := s.Act(ctx, w.seller, sv.ID, supervision.SvSubmitCode, svIn(""))
		wantErr(t, "seller submits code", err, supervision.ErrNotYourTurn)
		_, err = s.Act(ctx, &w.buyer, sv.ID, supervision.SvSubmitCode, svIn(""))
		must(t, err)
		if got := supervisionOf(t, s, o.ID); got.Step != supervision.StepImplementing || got.CodeSubmittedAt == nil {
			t.Fatalf("after code: %+v", got)
		}
		o2, _ := bought(t, w.world, w.buyer.ID, hw, buy(catalog.PlanOnce, "", orders.PayCash))
		sv2 := supervisionOf(t, s, o2.ID)
		if sv2.SystemCode != nil || sv2.Step != supervision.StepCode {
			t.Fatalf("hardware code supervision: %+v", sv2)
		}
		for _, bad := range []string{"", "nothing", "AA|BB|CC", "<script>|||", "|||"} {
			_, err = s.Act(ctx, &w.buyer, sv2.ID, supervision.SvSubmitCode, supervision.SupervisionInput{HardwareCode: bad, ConfirmCode: true})
			if fe, ok := err.(sqldb.FieldErrors); !ok || fe["code"] == "" {
				t.Errorf("code %q: err = %v", bad, err)
			}
		}
		_, err = s.Act(ctx, &w.buyer, sv2.ID, supervision.SvSubmitCode, supervision.SupervisionInput{HardwareCode: "fa:16:3e:00:00:01|d1||"})
		wantField(t, "unconfirmed code", err, "confirm", supervision.MsgSvConfirmCode)
		_, err = s.Act(ctx, &w.buyer, sv2.ID, supervision.SvSubmitCode, supervision.SupervisionInput{HardwareCode: " fa:16:3e:00:00:01 | d1 ||", ConfirmCode: true})
		must(t, err)
		if got := supervisionOf(t, s, o2.ID); got.HardwareCode != "FA:16:3E:00:00:01|D1||" || got.Step != supervision.StepImplementing {
			t.Fatalf("hardware code stored: %+v", got)
		}
	})
}

func TestSupervisionSystemCodesUniqueUnderConcurrency(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newSvWorld(t, s)
		p := w.product(t, func(p *catalog.Product) {
			supervised(catalog.TypeLicense, 1000)(p)
			p.CodeKind = catalog.CodeSystem
		})
		const n = 24
		keys := make([]models.PurchaseInput, n)
		for i := range keys {
			keys[i] = buy(catalog.PlanOnce, "", orders.PayCash)
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
		must(t, s.DB().Model(&supervision.Supervision{}).Pluck("system_code", &codes).Error)
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
		a, b := supervision.NewSystemCode(), supervision.NewSystemCode()
		if a == b {
			t.Fatal("two draws gave the same code")
		}
	})
}

func TestAppealDecisionsRefundAndForceAccept(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newSvWorld(t, s)
		p := w.product(t, supervised(catalog.TypeManualService, 100000))
		o, inst := bought(t, w.world, w.buyer.ID, p, buy(catalog.PlanOnce, "", orders.PayCash))
		sv := supervisionOf(t, s, o.ID)
		ap, err := s.OpenAppeal(ctx, &w.buyer, sv.ID, supervision.AppealInput{Reason: "商家迟迟不确认需求", Demand: "退款一半"})
		must(t, err)
		for _, fen := range []int64{0, -1, 100001} {
			_, err = s.DecideAppeal(ctx, w.admin, ap.ID, supervision.AppealDecision{Outcome: supervision.OutcomeRefund, Reason: "r", RefundFen: fen})
			wantField(t, "bad refund", err, "refund", supervision.MsgSvRefundAmount)
		}
		_, err = s.DecideAppeal(ctx, w.admin, ap.ID, supervision.AppealDecision{Outcome: supervision.OutcomeRefund, Reason: ""})
		wantField(t, "no reason", err, "reason", supervision.MsgSvTextRequired)
		_, err = s.DecideAppeal(ctx, w.admin, ap.ID, supervision.AppealDecision{Outcome: supervision.OutcomeRefund, Reason: "商家未履约，部分退款", RefundFen: 50000})
		must(t, err)
		_, err = s.DecideAppeal(ctx, w.admin, ap.ID, supervision.AppealDecision{Outcome: supervision.OutcomeRefund, Reason: "again", RefundFen: 50000})
		wantErr(t, "twice", err, sqldb.ErrStale)
		if n := count(t, s, &orders.Refund{}, "order_id = ? AND amount_fen = ?", o.ID, 50000); n != 1 {
			t.Fatalf("refund records: %d", n)
		}
		if n := count(t, s, &refund.RefundRequest{}, "order_id = ? AND status = ?", o.ID, refund.RefundApproved); n != 1 {
			t.Fatalf("approved requests: %d", n)
		}
		got := supervisionOf(t, s, o.ID)
		var ord orders.Order
		must(t, s.DB().First(&ord, o.ID).Error)
		if got.Step != supervision.StepClosed || got.Frozen || ord.SupervisionStatus != orders.SupervisionClosed {
			t.Fatalf("after refund: step %s frozen %v order %s", got.Step, got.Frozen, ord.SupervisionStatus)
		}
		if in := instanceOf(t, s, inst.ID); in.Status != orders.InstanceReleased {
			t.Fatalf("service %s", in.Status)
		}
		_, err = s.Act(ctx, &w.buyer, sv.ID, supervision.SvSubmitRequirements, svIn("x"))
		wantErr(t, "closed", err, supervision.ErrNotYourTurn)

		// Force acceptance, then completion.
		o2, _ := bought(t, w.world, w.buyer.ID, p, buy(catalog.PlanOnce, "", orders.PayCash))
		sv2 := supervisionOf(t, s, o2.ID)
		ap2, err := s.OpenAppeal(ctx, w.seller, sv2.ID, supervision.AppealInput{Reason: "已线下交付"})
		must(t, err)
		_, err = s.DecideAppeal(ctx, w.admin, ap2.ID, supervision.AppealDecision{Outcome: supervision.OutcomeForceAccept, Reason: "交付证据充分"})
		must(t, err)
		if got := supervisionOf(t, s, o2.ID); got.Step != supervision.StepAccepted || got.Frozen {
			t.Fatalf("forced: %+v", got)
		}
		w.clock.Advance(supervision.SupervisionCompleteDelay)
		_, err = s.SweepSupervision(ctx, 100)
		must(t, err)
		if got := supervisionOf(t, s, o2.ID); got.Step != supervision.StepCompleted {
			t.Fatalf("forced then: %s", got.Step)
		}

		// A refund approved through 退订管理 closes the supervision at the next sweep.
		o3, inst3 := bought(t, w.world, w.buyer.ID, p, buy(catalog.PlanOnce, "", orders.PayCash))
		sv3 := supervisionOf(t, s, o3.ID)
		_, err = s.OpenAppeal(ctx, &w.buyer, sv3.ID, supervision.AppealInput{Reason: "想退款"})
		must(t, err)
		r, err := s.RequestRefund(ctx, &w.buyer, inst3.ID, refundIn("100.00"))
		must(t, err)
		_, err = s.ApproveRefund(ctx, w.seller, r.ID, refund.RefundDecisionInput{Opinion: "同意"})
		must(t, err)
		_, err = s.SweepSupervision(ctx, 100)
		must(t, err)
		if got := supervisionOf(t, s, o3.ID); got.Step != supervision.StepClosed || got.Frozen {
			t.Fatalf("refunded through 退订: %s frozen %v", got.Step, got.Frozen)
		}
		if n := count(t, s, &supervision.Appeal{}, "supervision_id = ? AND status <> ?", sv3.ID, supervision.AppealDecided); n != 0 {
			t.Fatalf("%d appeals left open on a closed supervision", n)
		}
	})
}

func TestSupervisionRacesApplyOnce(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newSvWorld(t, s)
		p := w.product(t, supervised(catalog.TypeManualService, 1000))
		o, _ := bought(t, w.world, w.buyer.ID, p, buy(catalog.PlanOnce, "", orders.PayCash))
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
			_, err := s.Act(ctx, &w.buyer, sv.ID, supervision.SvSubmitRequirements, svIn("需求"))
			return err
		})
		if wins != 1 {
			t.Fatalf("requirements applied %d times (%v)", wins, errs)
		}
		for _, err := range errs {
			if !errors.Is(err, supervision.ErrNotYourTurn) {
				t.Errorf("loser: %v", err)
			}
		}
		// Both parties appeal at once: one appeal, frozen once.
		wins, _ = run(func(i int) error {
			u := &w.buyer
			if i%2 == 1 {
				u = w.seller
			}
			_, err := s.OpenAppeal(ctx, u, sv.ID, supervision.AppealInput{Reason: "同时申诉"})
			return err
		})
		if wins != 1 || count(t, s, &supervision.Appeal{}, "supervision_id = ?", sv.ID) != 1 {
			t.Fatalf("appeals opened: %d", wins)
		}
		var ap supervision.Appeal
		must(t, s.DB().Where("supervision_id = ?", sv.ID).First(&ap).Error)
		// Two admins decide at once: one decision, one refund.
		wins, _ = run(func(int) error {
			_, err := s.DecideAppeal(ctx, w.admin, ap.ID, supervision.AppealDecision{Outcome: supervision.OutcomeRefund, Reason: "同时裁决", RefundFen: 500})
			return err
		})
		if wins != 1 || count(t, s, &orders.Refund{}, "order_id = ?", o.ID) != 1 {
			t.Fatalf("decisions applied: %d, refunds %d", wins, count(t, s, &orders.Refund{}, "order_id = ?", o.ID))
		}
	})
}
