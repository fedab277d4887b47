package models_test

import (
	"errors"
	"sort"
	"sync"
	"testing"
	"time"

	"koogallery/models"
	"koogallery/models/catalog"
	"koogallery/models/orders"
	"koogallery/models/sqldb"
	"koogallery/models/storetest"
)

// bought is a service the buyer purchased at the current fake time.
func bought(t *testing.T, w *world, buyerID uint, p catalog.Product, in models.PurchaseInput) (orders.Order, orders.Instance) {
	t.Helper()
	o, err := w.s.Purchase(ctx, buyerID, p.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	return *o, instanceOf(t, w.s, *o.InstanceID)
}

func TestRenewExtendsFromCurrentExpiry(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		p := w.periodic(t)
		first, in := bought(t, w, w.buyer.ID, p, buy(catalog.PlanMonth, "1", orders.PayCash))
		expire1 := t0.AddDate(0, 1, 0)
		if !sameTime(in.ExpireAt, &expire1) {
			t.Fatalf("bought until %s", fmtTime(in.ExpireAt))
		}
		w.clock.Advance(10 * 24 * time.Hour)
		o, err := s.Renew(ctx, w.buyer.ID, in.ID, buy(catalog.PlanMonth, "2", orders.PayCoupon))
		if err != nil {
			t.Fatal(err)
		}
		expire2 := expire1.AddDate(0, 2, 0)
		if o.Type != orders.OrderRenew || o.AmountFen != 2000 || o.PaidFen != 2000 || o.Status != orders.OrderCompleted {
			t.Errorf("renewal %s %s %d fen", o.Type, o.Status, o.AmountFen)
		}
		if o.ParentOrderID == nil || *o.ParentOrderID != first.ID || o.InstanceID == nil || *o.InstanceID != in.ID {
			t.Errorf("renewal not tied to order %d / service %d: parent %v instance %v", first.ID, in.ID, o.ParentOrderID, o.InstanceID)
		}
		if !sameTime(o.EffectiveAt, &expire1) || !sameTime(o.ExpireAt, &expire2) {
			t.Errorf("renewal valid %s → %s, want %s → %s", fmtTime(o.EffectiveAt), fmtTime(o.ExpireAt), fmtTime(&expire1), fmtTime(&expire2))
		}
		if got := instanceOf(t, s, in.ID); !sameTime(got.ExpireAt, &expire2) || got.Status != orders.InstanceNormal {
			t.Errorf("service %s until %s, want normal until %s", got.Status, fmtTime(got.ExpireAt), fmtTime(&expire2))
		}
		// A year on top.
		o, err = s.Renew(ctx, w.buyer.ID, in.ID, buy(catalog.PlanYear, "1", orders.PayCredit))
		must(t, err)
		expire3 := expire2.AddDate(1, 0, 0)
		if o.AmountFen != 10000 || o.Repayment != orders.RepaymentPending || !sameTime(instanceOf(t, s, in.ID).ExpireAt, &expire3) {
			t.Errorf("yearly renewal %d fen (%q), service until %s, want %s", o.AmountFen, o.Repayment, fmtTime(instanceOf(t, s, in.ID).ExpireAt), fmtTime(&expire3))
		}
		// The same form twice extends once.
		again := buy(catalog.PlanMonth, "1", orders.PayCash)
		a, err := s.Renew(ctx, w.buyer.ID, in.ID, again)
		must(t, err)
		b, err := s.Renew(ctx, w.buyer.ID, in.ID, again)
		must(t, err)
		expire4 := expire3.AddDate(0, 1, 0)
		if a.ID != b.ID || !sameTime(instanceOf(t, s, in.ID).ExpireAt, &expire4) {
			t.Errorf("double submit: orders %d, %d; service until %s, want %s", a.ID, b.ID, fmtTime(instanceOf(t, s, in.ID).ExpireAt), fmtTime(&expire4))
		}
		if n := count(t, s, &orders.Order{}, "instance_id = ?", in.ID); n != 4 {
			t.Errorf("%d orders for the service, want 4", n)
		}
		orderList, err := s.ServiceOrders(ctx, w.buyer.ID, in.ID)
		must(t, err)
		if len(orderList) != 4 || orderList[0].ID != first.ID {
			t.Errorf("ServiceOrders lists %d orders", len(orderList))
		}
	})
}

func TestRenewExpiredFrozenAndTrial(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		p := w.periodic(t)

		// Expired long ago: the new period starts now.
		_, in := bought(t, w, w.buyer.ID, p, buy(catalog.PlanMonth, "1", orders.PayCash))
		w.clock.Set(t0.AddDate(0, 3, 0))
		now := w.clock.Now()
		o, err := s.Renew(ctx, w.buyer.ID, in.ID, buy(catalog.PlanMonth, "1", orders.PayCash))
		must(t, err)
		if !sameTime(o.EffectiveAt, &now) || !sameTime(instanceOf(t, s, in.ID).ExpireAt, ptr(now.AddDate(0, 1, 0))) {
			t.Errorf("expired renewal valid from %s, service until %s; want from now %s", fmtTime(o.EffectiveAt), fmtTime(instanceOf(t, s, in.ID).ExpireAt), fmtTime(&now))
		}

		// Frozen (expired, data kept): renewal brings it back into use.
		_, frozen := bought(t, w, w.buyer.ID, p, buy(catalog.PlanMonth, "1", orders.PayCash))
		must(t, s.DB().Model(&orders.Instance{}).Where("id = ?", frozen.ID).Update("status", orders.InstanceFrozen).Error)
		w.clock.Advance(40 * 24 * time.Hour)
		now = w.clock.Now()
		_, err = s.Renew(ctx, w.buyer.ID, frozen.ID, buy(catalog.PlanMonth, "2", orders.PayCash))
		must(t, err)
		if got := instanceOf(t, s, frozen.ID); got.Status != orders.InstanceNormal || !sameTime(got.ExpireAt, ptr(now.AddDate(0, 2, 0))) {
			t.Errorf("frozen service after renewal: %s until %s", got.Status, fmtTime(got.ExpireAt))
		}

		// A trial becomes formal, extended from the end of the trial.
		trialOrder, trial := bought(t, w, w.buyer2.ID, p, buy(catalog.PlanTrial, "", orders.PayCash))
		w.clock.Advance(2 * 24 * time.Hour)
		o, err = s.Renew(ctx, w.buyer2.ID, trial.ID, buy(catalog.PlanMonth, "1", orders.PayCash))
		must(t, err)
		got := instanceOf(t, s, trial.ID)
		if o.Type != orders.OrderTrialToFormal || got.Trial || got.Status != orders.InstanceNormal {
			t.Errorf("trial renewal: order %s, service trial=%v %s", o.Type, got.Trial, got.Status)
		}
		if !sameTime(got.ExpireAt, ptr(trialOrder.ExpireAt.AddDate(0, 1, 0))) {
			t.Errorf("formal service until %s, want a month after the trial's end %s", fmtTime(got.ExpireAt), fmtTime(trialOrder.ExpireAt))
		}
		// A formal service renews as RENEW from then on.
		o, err = s.Renew(ctx, w.buyer2.ID, trial.ID, buy(catalog.PlanMonth, "1", orders.PayCash))
		must(t, err)
		if o.Type != orders.OrderRenew {
			t.Errorf("second renewal of a former trial is %s", o.Type)
		}
	})
}

func TestRenewRefusals(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		p := w.periodic(t)
		_, normal := bought(t, w, w.buyer.ID, p, buy(catalog.PlanMonth, "1", orders.PayCash))
		once := w.product(t, func(p *catalog.Product) {
			p.Type, p.ChargingMode, p.PriceOnce = catalog.TypeImage, catalog.ChargeOneTime, 900
		})
		_, oneTime := bought(t, w, w.buyer.ID, once, buy(catalog.PlanOnce, "1", orders.PayCash))
		_, released := bought(t, w, w.buyer.ID, p, buy(catalog.PlanMonth, "1", orders.PayCash))
		must(t, s.DB().Model(&orders.Instance{}).Where("id = ?", released.ID).Update("status", orders.InstanceReleased).Error)
		saas := w.product(t, nil) // opened through the seller's interface: waits in "opening"
		_, opening := bought(t, w, w.buyer.ID, saas, buy(catalog.PlanMonth, "1", orders.PayCash))
		if opening.Status != orders.InstanceOpening {
			t.Fatalf("SaaS service is %s", opening.Status)
		}
		ordersBefore := count(t, s, &orders.Order{})

		for name, id := range map[string]uint{"one-time": oneTime.ID, "released": released.ID, "opening": opening.ID} {
			_, err := s.Renew(ctx, w.buyer.ID, id, buy(catalog.PlanMonth, "1", orders.PayCash))
			var fe sqldb.FieldErrors
			if !errors.As(err, &fe) || fe["form"] != models.MsgNotRenewable {
				t.Errorf("renew a %s service: %v, want form=%s", name, err, models.MsgNotRenewable)
			}
		}
		for name, in := range map[string]models.PurchaseInput{
			"trial plan": buy(catalog.PlanTrial, "1", orders.PayCash),
			"zero":       buy(catalog.PlanMonth, "0", orders.PayCash),
			"no pay":     buy(catalog.PlanMonth, "1", ""),
			"no key":     {Plan: "month", Count: "1", PayMethod: "cash"},
		} {
			var fe sqldb.FieldErrors
			if _, err := s.Renew(ctx, w.buyer.ID, normal.ID, in); !errors.As(err, &fe) {
				t.Errorf("renew with %s: %v, want field errors", name, err)
			}
		}
		// Another buyer's service, or none at all.
		for name, id := range map[string]uint{"another buyer's": normal.ID, "unknown": 999999} {
			if _, err := s.Renew(ctx, w.buyer2.ID, id, buy(catalog.PlanMonth, "1", orders.PayCash)); !errors.Is(err, sqldb.ErrNotFound) {
				t.Errorf("renew %s service: %v, want ErrNotFound", name, err)
			}
		}
		if n := count(t, s, &orders.Order{}); n != ordersBefore {
			t.Errorf("refused renewals made %d orders", n-ordersBefore)
		}
		if got := instanceOf(t, s, normal.ID); !sameTime(got.ExpireAt, normal.ExpireAt) {
			t.Errorf("refused renewals moved the expiry to %s", fmtTime(got.ExpireAt))
		}
	})
}

// Concurrent renewals with different forms: each succeeds or reports ErrStale, and the
// successful ones form a chain, so no period is ever counted twice from one base.
func TestRenewConcurrent(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		p := w.periodic(t)
		for round := 0; round < 3; round++ {
			_, in := bought(t, w, w.buyer.ID, p, buy(catalog.PlanMonth, "1", orders.PayCash))
			const n = 5
			orderList := make([]*orders.Order, n)
			errs := make([]error, n)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := 0; i < n; i++ {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					<-start
					orderList[i], errs[i] = s.Renew(ctx, w.buyer.ID, in.ID, buy(catalog.PlanMonth, "1", orders.PayCash))
				}(i)
			}
			close(start)
			wg.Wait()
			var won []*orders.Order
			for i := range errs {
				switch {
				case errs[i] == nil:
					won = append(won, orderList[i])
				case errors.Is(errs[i], sqldb.ErrStale):
				default:
					t.Fatalf("round %d renewal %d: %v", round, i, errs[i])
				}
			}
			if len(won) == 0 {
				t.Fatalf("round %d: no renewal went through", round)
			}
			sort.Slice(won, func(i, j int) bool { return won[i].EffectiveAt.Before(*won[j].EffectiveAt) })
			base := *in.ExpireAt
			for i, o := range won {
				if !o.EffectiveAt.Equal(base) {
					t.Errorf("round %d: renewal %d starts %s, want %s (extended twice from one base?)", round, i, fmtTime(o.EffectiveAt), base)
				}
				base = base.AddDate(0, 1, 0)
			}
			got := instanceOf(t, s, in.ID)
			if !got.ExpireAt.Equal(base) {
				t.Errorf("round %d: %d renewals went through, service until %s, want %s", round, len(won), fmtTime(got.ExpireAt), base)
			}
			if c := count(t, s, &orders.Order{}, "instance_id = ? AND type = ?", in.ID, orders.OrderRenew); c != int64(len(won)) {
				t.Errorf("round %d: %d renewal orders for %d successes", round, c, len(won))
			}
		}
	})
}
