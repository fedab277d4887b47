package models_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"koogallery/models"
	"koogallery/models/account"
	"koogallery/models/catalog"
	"koogallery/models/notice"
	"koogallery/models/orders"
	"koogallery/models/outbox"
	"koogallery/models/sellertools"
	"koogallery/models/sqldb"
	"koogallery/models/storetest"
	"koogallery/protocol"
)

// Operations freeze, delist and relist products for a written reason; each transition is
// guarded in SQL, recorded on the product and in the audit trail, and told to the seller (an
// in-site notice and a mail, written with the decision).
func TestSaleStatusTransitions(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		admin := w.user(t, "ops@test.test", account.RoleAdmin)
		p := w.product(t, nil)
		const contact = "contact@seller.test"
		must(t, s.DB().Model(&w.seller).Update("support_email", contact).Error)
		status := func() (catalog.SaleStatus, string) {
			var got catalog.Product
			must(t, s.DB().First(&got, p.ID).Error)
			return got.SaleStatus, got.SaleReason
		}

		// A reason is required, and at most 500 characters (counted as characters, not bytes).
		for _, reason := range []string{"", "   \n\t", strings.Repeat("接", 501)} {
			err := s.ChangeSaleStatus(ctx, admin.ID, p.ID, catalog.SaleFreeze, reason)
			var fe sqldb.FieldErrors
			if !errors.As(err, &fe) || fe["reason"] == "" {
				t.Fatalf("reason %q: err %v, want a reason field error", reason, err)
			}
		}
		if st, _ := status(); st != catalog.SaleOnSale {
			t.Fatalf("refused change applied: %s", st)
		}
		if n, m := count(t, s, &notice.Notice{}), count(t, s, &notice.Mail{}); n != 0 || m != 0 {
			t.Fatalf("refused changes told the seller: %d notices, %d mails", n, m)
		}
		must(t, s.ChangeSaleStatus(ctx, admin.ID, p.ID, catalog.SaleFreeze, strings.Repeat("冻", 500)))
		told := 1
		checkTold(t, s, w.seller.ID, p, catalog.SaleFreeze, strings.Repeat("冻", 500), contact, told, true)

		steps := []struct {
			action catalog.SaleAction
			want   catalog.SaleStatus
			err    error
		}{
			{catalog.SaleFreeze, catalog.SaleFrozen, sqldb.ErrStale}, // already frozen
			{catalog.SaleRelist, catalog.SaleOnSale, nil},
			{catalog.SaleRelist, catalog.SaleOnSale, sqldb.ErrStale}, // already on sale
			{catalog.SaleDelist, catalog.SaleDelisted, nil},          // on_sale → delisted
			{catalog.SaleFreeze, catalog.SaleDelisted, sqldb.ErrStale},
			{catalog.SaleDelist, catalog.SaleDelisted, sqldb.ErrStale},
			{catalog.SaleRelist, catalog.SaleOnSale, nil},
			{catalog.SaleFreeze, catalog.SaleFrozen, nil},
			{catalog.SaleDelist, catalog.SaleDelisted, nil}, // frozen → delisted
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
		trail, err := s.AuditTrail(ctx, account.AuditProduct, p.ID, 100)
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

		if err := s.ChangeSaleStatus(ctx, admin.ID, 999999, catalog.SaleFreeze, "x"); !errors.Is(err, sqldb.ErrNotFound) {
			t.Fatalf("unknown product: %v", err)
		}
	})
}

// Two admins freezing the same product at once: one wins, the other is told it changed.
func TestSaleStatusConcurrent(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		admin := w.user(t, "ops@test.test", account.RoleAdmin)
		p := w.product(t, nil)
		const n = 6
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = s.ChangeSaleStatus(ctx, admin.ID, p.ID, catalog.SaleFreeze, "dial tests failing")
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, sqldb.ErrStale):
				t.Fatalf("unexpected error %v", err)
			}
		}
		if n := count(t, s, &notice.Notice{}, "seller_id = ?", w.seller.ID); n != 1 {
			t.Errorf("%d notices for one freeze", n)
		}
		if won != 1 || count(t, s, &account.AuditEvent{}, "target_type = ? AND target_id = ?", account.AuditProduct, p.ID) != 1 {
			t.Fatalf("%d freezes won, %d audit lines; want exactly one", won, count(t, s, &account.AuditEvent{}, "target_type = ? AND target_id = ?", account.AuditProduct, p.ID))
		}
	})
}

// 重新启动 restarts a failed call once: a second click finds it already due. A call waiting for
// a later retry may be restarted; another seller's call is not found.
func TestRestartCallOnce(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		p := w.product(t, nil)
		other := account.Seller{Name: "其他商家"}
		must(t, s.DB().Create(&other).Error)
		now := w.clock.Now()
		failed := outbox.InterfaceCall{SellerID: w.seller.ID, ProductID: p.ID, Activity: protocol.ActivityReleaseInstance, Interface: sellertools.IfaceBasic,
			Body: `{"activity":"releaseInstance"}`, Status: outbox.CallFailed, Attempts: 5, NextAttemptAt: now.Add(-time.Hour),
			Deadline: now.Add(-time.Minute), RetryEvery: 900, CompletedAt: &now, CreatedAt: now.Add(-2 * time.Hour)}
		must(t, s.DB().Create(&failed).Error)
		retrying := failed
		retrying.ID, retrying.Status, retrying.Attempts, retrying.NextAttemptAt, retrying.CompletedAt = 0, outbox.CallPending, 1, now.Add(15*time.Minute), nil
		must(t, s.DB().Create(&retrying).Error)
		fresh := retrying
		fresh.ID, fresh.Attempts, fresh.NextAttemptAt = 0, 0, now
		must(t, s.DB().Create(&fresh).Error)

		if err := s.RestartCall(ctx, other.ID, failed.ID); !errors.Is(err, sqldb.ErrNotFound) {
			t.Fatalf("another seller's restart: %v", err)
		}
		must(t, s.RestartCall(ctx, w.seller.ID, failed.ID))
		if err := s.RestartCall(ctx, w.seller.ID, failed.ID); !errors.Is(err, sqldb.ErrStale) {
			t.Fatalf("second restart: %v, want ErrStale", err)
		}
		c, _, err := s.Call(ctx, w.seller.ID, failed.ID)
		must(t, err)
		if c.Status != outbox.CallPending || c.Attempts != 5 || c.NextAttemptAt.After(now) || !c.Deadline.Equal(now.Add(time.Hour)) || c.CompletedAt != nil {
			t.Fatalf("restarted call %+v", c)
		}
		if c.RestartableAt(now) {
			t.Fatal("a restarted call still offers 重新启动")
		}

		// Operations may restart and replay any seller's call, each audited; the seller's own are not.
		admin := w.user(t, "ops-calls@test.test", account.RoleAdmin)
		must(t, s.OperatorRestartCall(ctx, admin.ID, retrying.ID))
		opReplay, err := s.OperatorReplayCall(ctx, admin.ID, retrying.ID)
		must(t, err)
		var audit []account.AuditEvent
		must(t, s.DB().Where("target_type = ?", outbox.AuditCall).Order("id").Find(&audit).Error)
		if len(audit) != 2 || audit[0].Action != outbox.AuditCallRestart || audit[0].ActorID != admin.ID || audit[0].TargetID != retrying.ID ||
			audit[1].Action != outbox.AuditCallReplayed || audit[1].Detail != fmt.Sprintf("%s → #%d", retrying.Activity, opReplay.ID) {
			t.Fatalf("audit of operations' call actions: %+v", audit)
		}
		if err := s.RestartCall(ctx, w.seller.ID, fresh.ID); !errors.Is(err, sqldb.ErrStale) {
			t.Fatalf("restart of a never-sent call: %v", err)
		}

		// Replays: a waiting copy is found, attempts are listed latest first.
		if _, err := s.PendingReplay(ctx, w.seller.ID, failed.ID); !errors.Is(err, sqldb.ErrNotFound) {
			t.Fatalf("no replay yet: %v", err)
		}
		r, err := s.ReplayCall(ctx, w.seller.ID, failed.ID)
		must(t, err)
		got, err := s.PendingReplay(ctx, w.seller.ID, failed.ID)
		must(t, err)
		if got.ID != r.ID {
			t.Fatalf("pending replay %d, want %d", got.ID, r.ID)
		}
		if _, err := s.PendingReplay(ctx, other.ID, failed.ID); !errors.Is(err, sqldb.ErrNotFound) {
			t.Fatalf("another seller sees the replay: %v", err)
		}
		for n := 1; n <= 3; n++ {
			must(t, s.DB().Create(&outbox.CallAttempt{CallID: failed.ID, N: n, URL: "u", RequestBody: "{}", ResultCode: "00000" + string(rune('0'+n)), StartedAt: now}).Error)
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
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		p := w.product(t, nil)
		q := w.product(t, nil)
		now := w.clock.Now()
		lastMonth := now.AddDate(0, -1, 0)
		mk := func(pid uint, order uint, act protocol.Activity, done time.Time, replay bool) {
			o := order
			c := outbox.InterfaceCall{SellerID: w.seller.ID, ProductID: pid, Activity: act, Interface: sellertools.IfaceBasic, Body: "{}",
				Status: outbox.CallFailed, NextAttemptAt: done, Deadline: done, CompletedAt: &done, CreatedAt: done, OrderID: &o}
			if replay {
				c.ReplayOf = &o
			}
			must(t, s.DB().Create(&c).Error)
		}
		orderList := make([]uint, 4)
		for i := range orderList {
			o := orders.Order{OrderNo: "CSFAIL" + string(rune('A'+i)), LineNo: "CSFAIL" + string(rune('A'+i)) + "-000001", BuyerID: w.buyer.ID,
				SellerID: w.seller.ID, ProductID: p.ID, ProductName: p.Name, Type: orders.OrderNew, ChargingMode: catalog.ChargePeriod, Plan: catalog.PlanMonth,
				PayMethod: orders.PayCash, Status: orders.OrderCancelled, CreatedAt: now}
			must(t, s.DB().Create(&o).Error)
			orderList[i] = o.ID
		}
		mk(p.ID, orderList[0], protocol.ActivityNewInstance, now, false)
		mk(p.ID, orderList[0], protocol.ActivityNewInstance, now, false) // same order twice
		mk(p.ID, orderList[1], protocol.ActivityNewInstance, now, false)
		mk(p.ID, orderList[2], protocol.ActivityNewInstance, lastMonth, false)
		mk(p.ID, orderList[3], protocol.ActivityNewInstance, now, true)
		mk(p.ID, orderList[3], protocol.ActivityOrderNotify, now, false)
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
func checkTold(t *testing.T, s *models.Store, sellerID uint, p catalog.Product, action catalog.SaleAction, reason, contact string, n int, fresh bool) {
	t.Helper()
	var notices []notice.Notice
	must(t, s.DB().Where("seller_id = ?", sellerID).Order("id DESC").Find(&notices).Error)
	var mails []notice.Mail
	must(t, s.DB().Order("id DESC").Find(&mails).Error)
	if len(notices) != n || len(mails) != n {
		t.Fatalf("after %s: %d notices and %d mails, want %d of each", action, len(notices), len(mails), n)
	}
	nt, m := notices[0], mails[0]
	if !strings.HasPrefix(nt.Kind, "product_") || nt.Link != "/seller/products" || nt.UserID != nil || !strings.Contains(nt.Text, p.Name) {
		t.Errorf("notice %+v", nt)
	}
	if m.To != contact || m.Status != notice.MailPending || !strings.Contains(m.Subject, p.Name) || !strings.Contains(m.Body, p.Code) {
		t.Errorf("mail to %q: %q\n%s", m.To, m.Subject, m.Body)
	}
	if !fresh {
		return // the latest step was refused: the last decision told is an earlier one
	}
	if nt.Kind != "product_"+string(action) {
		t.Errorf("notice kind %q after %s", nt.Kind, action)
	}
	want := map[catalog.SaleAction]string{catalog.SaleFreeze: "Trading frozen", catalog.SaleDelist: "Product delisted", catalog.SaleRelist: "Product back on sale"}[action]
	next := map[catalog.SaleAction]string{catalog.SaleFreeze: "ask operations to lift the freeze", catalog.SaleDelist: "contact operations to relist it", catalog.SaleRelist: "Nothing else to do"}[action]
	// The notice holds as much of the reason as fits (1,000 bytes); the mail all of it.
	if !strings.Contains(nt.Text, sqldb.ClipText(reason, 120)) || !strings.Contains(m.Body, "Reason: "+reason) || !strings.Contains(m.Subject, want) || !strings.Contains(m.Body, next) {
		t.Errorf("%s told as notice %q, mail %q\n%s", action, nt.Text, m.Subject, m.Body)
	}
}
