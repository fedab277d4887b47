package models_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"koogallery/apptest"
	"koogallery/models"
)

// Operations freeze, delist and relist products for a written reason; each transition is
// guarded in SQL, recorded on the product and in the audit trail, and told to the seller (an
// in-site notice and a mail, written with the decision).
func TestSaleStatusTransitions(t *testing.T) {
	apptest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		admin := w.user(t, "ops@test.test", models.RoleAdmin)
		p := w.product(t, nil)
		const contact = "contact@seller.test"
		must(t, s.DB().Model(&w.seller).Update("support_email", contact).Error)
		status := func() (models.SaleStatus, string) {
			var got models.Product
			must(t, s.DB().First(&got, p.ID).Error)
			return got.SaleStatus, got.SaleReason
		}

		// A reason is required, and at most 500 characters (counted as characters, not bytes).
		for _, reason := range []string{"", "   \n\t", strings.Repeat("接", 501)} {
			err := s.ChangeSaleStatus(ctx, admin.ID, p.ID, models.SaleFreeze, reason)
			var fe models.FieldErrors
			if !errors.As(err, &fe) || fe["reason"] == "" {
				t.Fatalf("reason %q: err %v, want a reason field error", reason, err)
			}
		}
		if st, _ := status(); st != models.SaleOnSale {
			t.Fatalf("refused change applied: %s", st)
		}
		if n, m := count(t, s, &models.Notice{}), count(t, s, &models.Mail{}); n != 0 || m != 0 {
			t.Fatalf("refused changes told the seller: %d notices, %d mails", n, m)
		}
		must(t, s.ChangeSaleStatus(ctx, admin.ID, p.ID, models.SaleFreeze, strings.Repeat("冻", 500)))
		told := 1
		checkTold(t, s, w.seller.ID, p, models.SaleFreeze, strings.Repeat("冻", 500), contact, told, true)

		steps := []struct {
			action models.SaleAction
			want   models.SaleStatus
			err    error
		}{
			{models.SaleFreeze, models.SaleFrozen, models.ErrStale}, // already frozen
			{models.SaleRelist, models.SaleOnSale, nil},
			{models.SaleRelist, models.SaleOnSale, models.ErrStale}, // already on sale
			{models.SaleDelist, models.SaleDelisted, nil},           // on_sale → delisted
			{models.SaleFreeze, models.SaleDelisted, models.ErrStale},
			{models.SaleDelist, models.SaleDelisted, models.ErrStale},
			{models.SaleRelist, models.SaleOnSale, nil},
			{models.SaleFreeze, models.SaleFrozen, nil},
			{models.SaleDelist, models.SaleDelisted, nil}, // frozen → delisted
		}
		for i, st := range steps {
			w.clock.Advance(time.Minute)
			reason := "  step " + string(st.action) + "  "
			err := s.ChangeSaleStatus(ctx, admin.ID, p.ID, st.action, reason)
			if !errors.Is(err, st.err) {
				t.Fatalf("step %d %s: err %v, want %v", i, st.action, err, st.err)
			}
			got, why := status()
			if got != st.want {
				t.Fatalf("step %d %s: status %s, want %s", i, st.action, got, st.want)
			}
			if st.err == nil && why != "step "+string(st.action) {
				t.Fatalf("step %d: reason %q not recorded (trimmed)", i, why)
			}
			if st.err == nil {
				told++
			}
			checkTold(t, s, w.seller.ID, p, st.action, "step "+string(st.action), contact, told, st.err == nil)
		}
		trail, err := s.AuditTrail(ctx, models.AuditProduct, p.ID, 100)
		must(t, err)
		if len(trail) != 6 { // the first freeze and five successful steps
			t.Fatalf("audit trail has %d lines, want 6", len(trail))
		}
		if e := trail[0]; e.Action != "product.delist" || e.Detail != "frozen→delisted" || e.Actor == nil || e.Actor.ID != admin.ID || e.Reason != "step delist" {
			t.Fatalf("latest audit line %+v", e)
		}
		if e := trail[len(trail)-1]; e.Reason != strings.Repeat("冻", 500) {
			t.Fatalf("first audit line lost the 500-character reason: %d runes", len([]rune(e.Reason)))
		}

		if err := s.ChangeSaleStatus(ctx, admin.ID, 999999, models.SaleFreeze, "x"); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("unknown product: %v", err)
		}
	})
}

// Two admins freezing the same product at once: one wins, the other is told it changed.
func TestSaleStatusConcurrent(t *testing.T) {
	apptest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		admin := w.user(t, "ops@test.test", models.RoleAdmin)
		p := w.product(t, nil)
		const n = 6
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = s.ChangeSaleStatus(ctx, admin.ID, p.ID, models.SaleFreeze, "dial tests failing")
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, models.ErrStale):
				t.Fatalf("unexpected error %v", err)
			}
		}
		if n := count(t, s, &models.Notice{}, "seller_id = ?", w.seller.ID); n != 1 {
			t.Errorf("%d notices for one freeze", n)
		}
		if won != 1 || count(t, s, &models.AuditEvent{}, "target_type = ? AND target_id = ?", models.AuditProduct, p.ID) != 1 {
			t.Fatalf("%d freezes won, %d audit lines; want exactly one", won, count(t, s, &models.AuditEvent{}, "target_type = ? AND target_id = ?", models.AuditProduct, p.ID))
		}
	})
}

// 重新启动 restarts a failed call once: a second click finds it already due. A call waiting for
// a later retry may be restarted; another seller's call is not found.
func TestRestartCallOnce(t *testing.T) {
	apptest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		p := w.product(t, nil)
		other := models.Seller{Name: "其他商家"}
		must(t, s.DB().Create(&other).Error)
		now := w.clock.Now()
		failed := models.InterfaceCall{SellerID: w.seller.ID, ProductID: p.ID, Activity: models.ActRelease, Interface: models.IfaceBasic,
			Body: `{"activity":"releaseInstance"}`, Status: models.CallFailed, Attempts: 5, NextAttemptAt: now.Add(-time.Hour),
			Deadline: now.Add(-time.Minute), RetryEvery: 900, CompletedAt: &now, CreatedAt: now.Add(-2 * time.Hour)}
		must(t, s.DB().Create(&failed).Error)
		retrying := failed
		retrying.ID, retrying.Status, retrying.Attempts, retrying.NextAttemptAt, retrying.CompletedAt = 0, models.CallPending, 1, now.Add(15*time.Minute), nil
		must(t, s.DB().Create(&retrying).Error)
		fresh := retrying
		fresh.ID, fresh.Attempts, fresh.NextAttemptAt = 0, 0, now
		must(t, s.DB().Create(&fresh).Error)

		if err := s.RestartCall(ctx, other.ID, failed.ID); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("another seller's restart: %v", err)
		}
		must(t, s.RestartCall(ctx, w.seller.ID, failed.ID))
		if err := s.RestartCall(ctx, w.seller.ID, failed.ID); !errors.Is(err, models.ErrStale) {
			t.Fatalf("second restart: %v, want ErrStale", err)
		}
		c, _, err := s.Call(ctx, w.seller.ID, failed.ID)
		must(t, err)
		if c.Status != models.CallPending || c.Attempts != 5 || c.NextAttemptAt.After(now) || !c.Deadline.Equal(now.Add(time.Hour)) || c.CompletedAt != nil {
			t.Fatalf("restarted call %+v", c)
		}
		if c.RestartableAt(now) {
			t.Fatal("a restarted call still offers 重新启动")
		}

		// Operations may restart and replay any seller's call, each audited; the seller's own are not.
		admin := w.user(t, "ops-calls@test.test", models.RoleAdmin)
		must(t, s.OperatorRestartCall(ctx, admin.ID, retrying.ID))
		opReplay, err := s.OperatorReplayCall(ctx, admin.ID, retrying.ID)
		must(t, err)
		var audit []models.AuditEvent
		must(t, s.DB().Where("target_type = ?", models.AuditCall).Order("id").Find(&audit).Error)
		if len(audit) != 2 || audit[0].Action != models.AuditCallRestart || audit[0].ActorID != admin.ID || audit[0].TargetID != retrying.ID ||
			audit[1].Action != models.AuditCallReplayed || audit[1].Detail != fmt.Sprintf("%s → #%d", retrying.Activity, opReplay.ID) {
			t.Fatalf("audit of operations' call actions: %+v", audit)
		}
		if err := s.RestartCall(ctx, w.seller.ID, fresh.ID); !errors.Is(err, models.ErrStale) {
			t.Fatalf("restart of a never-sent call: %v", err)
		}

		// Replays: a waiting copy is found, attempts are listed latest first.
		if _, err := s.PendingReplay(ctx, w.seller.ID, failed.ID); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("no replay yet: %v", err)
		}
		r, err := s.ReplayCall(ctx, w.seller.ID, failed.ID)
		must(t, err)
		got, err := s.PendingReplay(ctx, w.seller.ID, failed.ID)
		must(t, err)
		if got.ID != r.ID {
			t.Fatalf("pending replay %d, want %d", got.ID, r.ID)
		}
		if _, err := s.PendingReplay(ctx, other.ID, failed.ID); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("another seller sees the replay: %v", err)
		}
		for n := 1; n <= 3; n++ {
			must(t, s.DB().Create(&models.CallAttempt{CallID: failed.ID, N: n, URL: "u", RequestBody: "{}", ResultCode: "00000" + string(rune('0'+n)), StartedAt: now}).Error)
		}
		last, err := s.LastAttempts(ctx, []uint{failed.ID, retrying.ID})
		must(t, err)
		if len(last) != 1 || last[failed.ID].N != 3 {
			t.Fatalf("last attempts %+v", last)
		}
	})
}

// The monthly count of failed orders per product counts distinct orders of failed newInstance
// calls this month, not replays, not other activities.
func TestFailedOrdersThisMonth(t *testing.T) {
	apptest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		p := w.product(t, nil)
		q := w.product(t, nil)
		now := w.clock.Now()
		lastMonth := now.AddDate(0, -1, 0)
		mk := func(pid uint, order uint, act string, done time.Time, replay bool) {
			o := order
			c := models.InterfaceCall{SellerID: w.seller.ID, ProductID: pid, Activity: act, Interface: models.IfaceBasic, Body: "{}",
				Status: models.CallFailed, NextAttemptAt: done, Deadline: done, CompletedAt: &done, CreatedAt: done, OrderID: &o}
			if replay {
				c.ReplayOf = &o
			}
			must(t, s.DB().Create(&c).Error)
		}
		orders := make([]uint, 4)
		for i := range orders {
			o := models.Order{OrderNo: "CSFAIL" + string(rune('A'+i)), LineNo: "CSFAIL" + string(rune('A'+i)) + "-000001", BuyerID: w.buyer.ID,
				SellerID: w.seller.ID, ProductID: p.ID, ProductName: p.Name, Type: models.OrderNew, ChargingMode: models.ChargePeriod, Plan: models.PlanMonth,
				PayMethod: models.PayCash, Status: models.OrderCancelled, CreatedAt: now}
			must(t, s.DB().Create(&o).Error)
			orders[i] = o.ID
		}
		mk(p.ID, orders[0], models.ActNewInstance, now, false)
		mk(p.ID, orders[0], models.ActNewInstance, now, false) // same order twice
		mk(p.ID, orders[1], models.ActNewInstance, now, false)
		mk(p.ID, orders[2], models.ActNewInstance, lastMonth, false)
		mk(p.ID, orders[3], models.ActNewInstance, now, true)
		mk(p.ID, orders[3], models.ActOrderNotify, now, false)
		got, err := s.FailedOrdersThisMonth(ctx, []uint{p.ID, q.ID})
		must(t, err)
		if got[p.ID] != 2 || got[q.ID] != 0 {
			t.Fatalf("failed orders %v, want %d:2", got, p.ID)
		}
	})
}

// checkTold checks that the seller has been told of exactly n decisions, the latest being
// action for reason: a notice for the seller company and a mail to its contact naming the
// product, the decision, the reason and what to do next. A refused step (ErrStale, fresh
// false) tells nothing: only the count is checked then.
func checkTold(t *testing.T, s *models.Store, sellerID uint, p models.Product, action models.SaleAction, reason, contact string, n int, fresh bool) {
	t.Helper()
	var notices []models.Notice
	must(t, s.DB().Where("seller_id = ?", sellerID).Order("id DESC").Find(&notices).Error)
	var mails []models.Mail
	must(t, s.DB().Order("id DESC").Find(&mails).Error)
	if len(notices) != n || len(mails) != n {
		t.Fatalf("after %s: %d notices and %d mails, want %d of each", action, len(notices), len(mails), n)
	}
	nt, m := notices[0], mails[0]
	if !strings.HasPrefix(nt.Kind, "product_") || nt.Link != "/seller/products" || nt.UserID != nil || !strings.Contains(nt.Text, p.Name) {
		t.Errorf("notice %+v", nt)
	}
	if m.To != contact || m.Status != models.MailPending || !strings.Contains(m.Subject, p.Name) || !strings.Contains(m.Body, p.Code) {
		t.Errorf("mail to %q: %q\n%s", m.To, m.Subject, m.Body)
	}
	if !fresh {
		return // the latest step was refused: the last decision told is an earlier one
	}
	if nt.Kind != "product_"+string(action) {
		t.Errorf("notice kind %q after %s", nt.Kind, action)
	}
	want := map[models.SaleAction]string{models.SaleFreeze: "Trading frozen", models.SaleDelist: "Product delisted", models.SaleRelist: "Product back on sale"}[action]
	next := map[models.SaleAction]string{models.SaleFreeze: "ask operations to lift the freeze", models.SaleDelist: "contact operations to relist it", models.SaleRelist: "Nothing else to do"}[action]
	// The notice holds as much of the reason as fits (1,000 bytes); the mail all of it.
	if !strings.Contains(nt.Text, models.ClipText(reason, 120)) || !strings.Contains(m.Body, "Reason: "+reason) || !strings.Contains(m.Subject, want) || !strings.Contains(m.Body, next) {
		t.Errorf("%s told as notice %q, mail %q\n%s", action, nt.Text, m.Subject, m.Body)
	}
}
