package models_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"koogallery/models"
	"koogallery/models/catalog"
	"koogallery/models/notice"
	"koogallery/models/orders"
	"koogallery/models/outbox"
	"koogallery/models/sellertools"
	"koogallery/models/sqldb"
	"koogallery/models/storetest"
	"koogallery/protocol"
)

// specWorld is a world with a periodic SaaS product opened through the seller's interface,
// with order notification and three specs: 基础版 ¥10/¥100, 专业版 ¥20/¥200, 企业版 ¥50/¥500.
type specWorld struct {
	*world
	prod                 catalog.Product
	basic, pro, ent      catalog.ProductSpec
	sellerEmail          string
	instanceSeq          int
	upgradeOutcome       outbox.Outcome // what the seller answers upgradeInstance
	upgradeAttemptsTotal int
}

func newSpecWorld(t *testing.T, s *models.Store, fill func(p *catalog.Product)) *specWorld {
	t.Helper()
	w := &specWorld{world: newWorld(t, s), sellerEmail: "ops@seller.test", upgradeOutcome: outbox.OutcomeSucceeded}
	must(t, s.DB().Model(&w.seller).Update("support_email", w.sellerEmail).Error)
	w.prod = w.world.product(t, fill)
	// Order notification is configured for the product.
	addr := sellertools.ProductionAddress{SellerID: w.prod.SellerID, URL: "https://notify.example.com", Status: sellertools.AddressCertified}
	must(t, s.DB().Create(&addr).Error)
	must(t, s.DB().Create(&outbox.NotifyConfig{SellerID: w.prod.SellerID, Scope: outbox.NotifyScope{ProductID: w.prod.ID}.Key(),
		ProductID: &w.prod.ID, AddressID: addr.ID}).Error)
	for i, sp := range []*catalog.ProductSpec{&w.basic, &w.pro, &w.ent} {
		*sp = catalog.ProductSpec{ProductID: w.prod.ID, Code: []string{"basic", "pro", "ent"}[i], Name: []string{"基础版", "专业版", "企业版"}[i],
			Rank: i + 1, PriceMonth: []int64{1000, 2000, 5000}[i], PriceYear: []int64{10000, 20000, 50000}[i], CreatedAt: t0}
		must(t, s.DB().Create(sp).Error)
	}
	return w
}

func specInput(sp *catalog.ProductSpec, plan catalog.Plan, n string) models.PurchaseInput {
	in := buy(plan, n, orders.PayCash)
	if sp != nil {
		in.Spec = fmt.Sprint(sp.ID)
	}
	return in
}

// deliver plays the seller for every due call until none is left: newInstance opens the
// service, upgradeInstance answers w.upgradeOutcome, everything else succeeds. Failed
// attempts wait for their retry on the fake clock, which moves on by the retry interval.
func (w *specWorld) deliver(t *testing.T) {
	t.Helper()
	for range 50 {
		calls, err := w.s.ClaimDueCalls(ctx, 10, time.Minute)
		must(t, err)
		if len(calls) == 0 {
			var waiting outbox.InterfaceCall
			err := w.s.DB().Where("status IN ? AND next_attempt_at > ?", []outbox.CallStatus{outbox.CallPending, outbox.CallProcessing}, w.clock.Now()).
				Order("next_attempt_at").First(&waiting).Error
			if err != nil {
				return // nothing left
			}
			w.clock.Set(waiting.NextAttemptAt)
			continue
		}
		for i := range calls {
			c := &calls[i]
			r := outbox.AttemptResult{Outcome: outbox.OutcomeSucceeded, ResultCode: "000000", StatusCode: 200, StartedAt: w.clock.Now(), RequestBody: c.Body}
			switch c.Activity {
			case protocol.ActivityNewInstance:
				w.instanceSeq++
				r.SellerInstanceID = fmt.Sprintf("inst-%d", w.instanceSeq)
				r.AppInfo = `{"frontEndUrl":"https://app.example.test"}`
			case protocol.ActivityUpgradeInstance:
				w.upgradeAttemptsTotal++
				if w.upgradeOutcome != outbox.OutcomeSucceeded {
					r = outbox.AttemptResult{Outcome: outbox.OutcomeFailed, ResultCode: "000005", StatusCode: 200, StartedAt: w.clock.Now(), RequestBody: c.Body}
				}
			}
			must(t, w.s.RecordAttempt(ctx, c, r))
		}
	}
	t.Fatal("calls never settled")
}

// opened buys the spec monthly and lets the seller open the service.
func (w *specWorld) opened(t *testing.T, sp *catalog.ProductSpec, months string) (orders.Order, orders.Instance) {
	t.Helper()
	o, _ := bought(t, w.world, w.buyer.ID, w.prod, specInput(sp, catalog.PlanMonth, months))
	w.deliver(t)
	in := instanceOf(t, w.s, *o.InstanceID)
	if in.Status != orders.InstanceNormal || in.SellerInstanceID == "" {
		t.Fatalf("service not opened: %s %q", in.Status, in.SellerInstanceID)
	}
	return o, in
}

func upgradeInput(sp *catalog.ProductSpec) models.UpgradeInput {
	return models.UpgradeInput{Spec: fmt.Sprint(sp.ID), PayMethod: string(orders.PayCash), SubmitKey: key()}
}

func fieldErr(err error, field string) string {
	var fe sqldb.FieldErrors
	if errors.As(err, &fe) {
		return fe[field]
	}
	return ""
}

// The price of a change: the difference of the two prices for the days left, rounded half up
// to the fen, never negative; a started day counts in full.
func TestUpgradeProration(t *testing.T) {
	for _, c := range []struct {
		cur, next    int64
		days, period int
		want         int64
	}{
		{9900, 19900, 30, 30, 10000},
		{9900, 19900, 15, 30, 5000},
		{99000, 199000, 200, 365, 54795}, // 54794.52…
		{99000, 199000, 1, 365, 274},     // 273.97…
		{1000, 1001, 1, 2, 1},            // 0.5 rounds up
		{1000, 1001, 1, 3, 0},            // 0.33 rounds down
		{2000, 1000, 10, 30, 0},          // never negative
		{1000, 2000, 0, 30, 0},
		{1000, 2000, 45, 30, 1500}, // several periods left
	} {
		if got := models.ProrateUpgrade(c.cur, c.next, c.days, c.period); got != c.want {
			t.Errorf("ProrateUpgrade(%d, %d, %d, %d) = %d, want %d", c.cur, c.next, c.days, c.period, got, c.want)
		}
	}
	day := 24 * time.Hour
	for _, c := range []struct {
		left time.Duration
		want int
	}{{21 * day, 21}, {21*day + time.Second, 22}, {time.Second, 1}, {0, 0}, {-day, 0}} {
		if got := models.DaysLeft(t0, t0.Add(c.left)); got != c.want {
			t.Errorf("DaysLeft(%s) = %d, want %d", c.left, got, c.want)
		}
	}
	if models.PeriodDays(catalog.PlanMonth) != 30 || models.PeriodDays(catalog.PlanYear) != 365 {
		t.Error("period days")
	}
}

// A product with specs is bought at the chosen spec's prices (the lowest when none is named);
// the order and the service hold the spec; a renewal pays the service's spec.
func TestPurchaseWithSpecs(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newSpecWorld(t, s, func(p *catalog.Product) { p.Type = catalog.TypeImage })
		o, in := bought(t, w.world, w.buyer.ID, w.prod, specInput(&w.pro, catalog.PlanYear, "2"))
		if o.AmountFen != 40000 || o.SpecID == nil || *o.SpecID != w.pro.ID || in.SpecID == nil || *in.SpecID != w.pro.ID {
			t.Fatalf("专业版 × 2 years: %d fen, order spec %v, service spec %v", o.AmountFen, o.SpecID, in.SpecID)
		}
		d, din := bought(t, w.world, w.buyer2.ID, w.prod, specInput(nil, catalog.PlanMonth, "1"))
		if d.AmountFen != 1000 || d.SpecID == nil || *d.SpecID != w.basic.ID || *din.SpecID != w.basic.ID {
			t.Fatalf("no spec named: %d fen, spec %v (want the lowest)", d.AmountFen, d.SpecID)
		}
		other := w.product2(t)
		before := count(t, s, &orders.Order{})
		for _, bad := range []string{"999999", "-1", "1.5", hostileValue, fmt.Sprint(other.ID)} {
			in := specInput(nil, catalog.PlanMonth, "1")
			in.Spec = bad
			if _, err := s.Purchase(ctx, w.buyer.ID, w.prod.ID, in); fieldErr(err, "spec") != models.MsgSpecInvalid {
				t.Errorf("spec %q: %v", bad, err)
			}
		}
		if n := count(t, s, &orders.Order{}); n != before {
			t.Errorf("refused purchases made %d orders", n-before)
		}
		r, err := s.Renew(ctx, w.buyer.ID, in.ID, buy(catalog.PlanMonth, "1", orders.PayCash))
		must(t, err)
		if r.AmountFen != 2000 || r.SpecID == nil || *r.SpecID != w.pro.ID {
			t.Errorf("renewing 专业版 for a month: %d fen, spec %v", r.AmountFen, r.SpecID)
		}
		// A product without specs behaves as before.
		plain := w.periodic(t)
		po, pin := bought(t, w.world, w.buyer.ID, plain, buy(catalog.PlanMonth, "1", orders.PayCash))
		if po.AmountFen != 1000 || po.SpecID != nil || pin.SpecID != nil {
			t.Errorf("product without specs: %d fen, spec %v/%v", po.AmountFen, po.SpecID, pin.SpecID)
		}
	})
}

const hostileValue = `"><script>alert(1)</script>`

// product2 is a second product with a spec of its own, whose id a hostile form might send.
func (w *specWorld) product2(t *testing.T) catalog.ProductSpec {
	p := w.world.product(t, nil)
	sp := catalog.ProductSpec{ProductID: p.ID, Code: "x", Name: "X", Rank: 9, PriceMonth: 1, PriceYear: 1, CreatedAt: t0}
	must(t, w.s.DB().Create(&sp).Error)
	return sp
}

// The whole change: the offer prices each higher spec for the days left; submitting creates a
// paid CHANGE order waiting for the seller with upgradeInstance and orderNotify queued in the
// same transaction; a double submit makes one order; a second change (and a renewal) is refused
// while it waits; when the seller answers, the order completes and the service holds the new
// spec.
func TestUpgradeSucceeds(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newSpecWorld(t, s, nil)
		first, in := w.opened(t, &w.basic, "1") // 2026-03-10 → 2026-04-10: 31 days
		w.clock.Set(t0.Add(10 * 24 * time.Hour))
		off, err := s.UpgradeOffer(ctx, w.buyer.ID, in.ID)
		must(t, err)
		if off.Blocked != "" || off.Days != 21 || off.Plan != catalog.PlanMonth || len(off.Options) != 2 {
			t.Fatalf("offer: blocked %q, %d days, plan %s, %d options", off.Blocked, off.Days, off.Plan, len(off.Options))
		}
		if o := off.Options[0]; o.Spec.ID != w.pro.ID || o.CurrentPrice != 1000 || o.NewPrice != 2000 || o.AmountFen != 700 || o.PeriodDays != 30 {
			t.Errorf("专业版 option %+v, want (2000 − 1000) × 21 ÷ 30 = 700", o)
		}
		if o := off.Options[1]; o.Spec.ID != w.ent.ID || o.AmountFen != 2800 {
			t.Errorf("企业版 option %+v, want (5000 − 1000) × 21 ÷ 30 = 2800", o)
		}
		if _, err := s.UpgradeOffer(ctx, w.buyer2.ID, in.ID); !errors.Is(err, sqldb.ErrNotFound) {
			t.Errorf("another buyer's offer: %v", err)
		}

		form := upgradeInput(&w.pro)
		o, err := s.Upgrade(ctx, w.buyer.ID, in.ID, form)
		must(t, err)
		if o.Type != orders.OrderChange || o.Status != orders.OrderProcessing || o.PaidFen != 700 || o.AmountFen != 700 ||
			o.ParentOrderID == nil || *o.ParentOrderID != first.ID || o.InstanceID == nil || *o.InstanceID != in.ID ||
			o.SpecID == nil || *o.SpecID != w.pro.ID || o.FromSpecID == nil || *o.FromSpecID != w.basic.ID || !sameTime(o.ExpireAt, in.ExpireAt) {
			t.Fatalf("change order %+v", o)
		}
		got := instanceOf(t, s, in.ID)
		if got.ChangeOrderID == nil || *got.ChangeOrderID != o.ID || *got.SpecID != w.basic.ID || !sameTime(got.ExpireAt, in.ExpireAt) {
			t.Fatalf("service while the change waits: change order %v, spec %v", got.ChangeOrderID, got.SpecID)
		}
		var calls []outbox.InterfaceCall
		must(t, s.DB().Where("order_id = ?", o.ID).Order("id").Find(&calls).Error)
		if len(calls) != 2 || calls[0].Activity != protocol.ActivityUpgradeInstance || calls[1].Activity != protocol.ActivityOrderNotify || calls[0].Status != outbox.CallPending {
			t.Fatalf("queued with the change: %+v", calls)
		}
		var body map[string]string
		must(t, json.Unmarshal([]byte(calls[0].Body), &body))
		want := map[string]string{"activity": "upgradeInstance", "instanceId": in.SellerInstanceID, "orderId": o.OrderNo, "orderLineId": o.LineNo, "testFlag": "0"}
		if fmt.Sprint(body) != fmt.Sprint(want) {
			t.Errorf("upgradeInstance body %v, want %v", body, want)
		}

		// The same form again (a double click, a retry): the same order, nothing more.
		again, err := s.Upgrade(ctx, w.buyer.ID, in.ID, form)
		if err != nil || again.ID != o.ID {
			t.Fatalf("double submit: order %v, %v", again, err)
		}
		// Another change, or a renewal, while it waits: refused, nothing made.
		if _, err := s.Upgrade(ctx, w.buyer.ID, in.ID, upgradeInput(&w.ent)); fieldErr(err, "form") != models.MsgUpgradePending {
			t.Errorf("second change while one waits: %v", err)
		}
		if _, err := s.Renew(ctx, w.buyer.ID, in.ID, buy(catalog.PlanMonth, "1", orders.PayCash)); fieldErr(err, "form") != models.MsgChangePending {
			t.Errorf("renewal while a change waits: %v", err)
		}
		if n := count(t, s, &orders.Order{}, "instance_id = ? AND type <> ?", in.ID, orders.OrderNew); n != 1 {
			t.Fatalf("%d orders besides the purchase, want the one change", n)
		}
		if off, _ := s.UpgradeOffer(ctx, w.buyer.ID, in.ID); off.Blocked != models.MsgUpgradePending || off.Pending == nil || off.Pending.ID != o.ID {
			t.Errorf("offer while waiting: %q", off.Blocked)
		}

		// The seller applies it.
		w.deliver(t)
		if c := count(t, s, &outbox.InterfaceCall{}, "order_id = ? AND status = ?", o.ID, outbox.CallSucceeded); c != 2 {
			t.Fatalf("%d of the change's calls succeeded", c)
		}
		var done orders.Order
		must(t, s.DB().First(&done, o.ID).Error)
		got = instanceOf(t, s, in.ID)
		if done.Status != orders.OrderCompleted || got.ChangeOrderID != nil || got.SpecID == nil || *got.SpecID != w.pro.ID || got.Status != orders.InstanceNormal {
			t.Fatalf("after the seller answered: order %s, service spec %v, change %v", done.Status, got.SpecID, got.ChangeOrderID)
		}
		if n := count(t, s, &notice.Notice{}, "user_id = ? AND kind = ?", w.buyer.ID, "upgrade_done"); n != 1 {
			t.Errorf("%d upgrade_done notices", n)
		}
		if n := count(t, s, &orders.Refund{}); n != 0 {
			t.Errorf("%d refunds after a successful change", n)
		}
		// From 专业版 only 企业版 is left, priced from 专业版; renewals now pay 专业版.
		off, err = s.UpgradeOffer(ctx, w.buyer.ID, in.ID)
		must(t, err)
		if len(off.Options) != 1 || off.Options[0].Spec.ID != w.ent.ID || off.Options[0].AmountFen != 2100 || off.Current == nil || off.Current.ID != w.pro.ID {
			t.Errorf("offer from 专业版: %+v", off.Options)
		}
		r, err := s.Renew(ctx, w.buyer.ID, in.ID, buy(catalog.PlanMonth, "1", orders.PayCash))
		must(t, err)
		if r.AmountFen != 2000 || r.SpecID == nil || *r.SpecID != w.pro.ID {
			t.Errorf("renewal after the change: %d fen, spec %v", r.AmountFen, r.SpecID)
		}
		// The buyer's and the seller's lists show the spec.
		services, err := s.BuyerServices(ctx, w.buyer.ID, orders.ServiceFilter{})
		must(t, err)
		if len(services.Items) != 1 || services.Items[0].Spec == nil || services.Items[0].Spec.Name != "专业版" {
			t.Errorf("service list spec: %+v", services.Items)
		}
		orders, err := s.SellerOrders(ctx, w.seller.ID, orders.OrderFilter{Type: orders.OrderChange})
		must(t, err)
		if len(orders.Items) != 1 || orders.Items[0].SpecName != "专业版" {
			t.Errorf("seller's change orders: %+v", orders.Items)
		}
		detail, err := s.BuyerOrder(ctx, w.buyer.ID, o.ID)
		must(t, err)
		if detail.Spec == nil || detail.FromSpec == nil || detail.FromSpec.Name != "基础版" || detail.Spec.Name != "专业版" {
			t.Errorf("order detail spec: %v → %v", detail.FromSpec, detail.Spec)
		}
	})
}

// When upgradeInstance exhausts its retries (3 h), the change order is cancelled and refunded in
// full by the way it was paid (the failure path of a purchase that never opened), the service
// keeps its spec and may be changed again; the buyer and the seller are told; the call cannot be
// restarted for the cancelled order.
func TestUpgradeFailsAndRefunds(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newSpecWorld(t, s, nil)
		_, in := w.opened(t, &w.basic, "3")
		start := w.clock.Now()
		w.upgradeOutcome = outbox.OutcomeFailed
		form := upgradeInput(&w.ent)
		form.PayMethod = string(orders.PayCoupon)
		o, err := s.Upgrade(ctx, w.buyer.ID, in.ID, form)
		must(t, err)
		if o.PaidFen <= 0 {
			t.Fatalf("change paid %d", o.PaidFen)
		}
		w.deliver(t)
		pol := s.Policy(protocol.ActivityUpgradeInstance, catalog.TypeSaaS)
		if want := 1 + int(pol.Window/pol.Every); w.upgradeAttemptsTotal != want {
			t.Errorf("upgradeInstance tried %d times, want %d (every %s for %s)", w.upgradeAttemptsTotal, want, pol.Every, pol.Window)
		}
		if took := w.clock.Now().Sub(start); took != pol.Window {
			t.Errorf("given up after %s, want %s", took, pol.Window)
		}
		var c outbox.InterfaceCall
		must(t, s.DB().Where("order_id = ? AND activity = ?", o.ID, protocol.ActivityUpgradeInstance).First(&c).Error)
		var done orders.Order
		must(t, s.DB().First(&done, o.ID).Error)
		got := instanceOf(t, s, in.ID)
		if c.Status != outbox.CallFailed || done.Status != orders.OrderCancelled {
			t.Fatalf("call %s, order %s", c.Status, done.Status)
		}
		if got.Status != orders.InstanceNormal || got.SpecID == nil || *got.SpecID != w.basic.ID || got.ChangeOrderID != nil {
			t.Fatalf("service after the failed change: %s, spec %v, change %v", got.Status, got.SpecID, got.ChangeOrderID)
		}
		var refunds []orders.Refund
		must(t, s.DB().Where("order_id = ?", o.ID).Find(&refunds).Error)
		if len(refunds) != 1 || refunds[0].Reason != orders.RefundChangeFailed || refunds[0].AmountFen != o.PaidFen ||
			refunds[0].Method != orders.PayCoupon || refunds[0].BuyerID != w.buyer.ID || refunds[0].SellerID != w.seller.ID {
			t.Errorf("refunds %+v for a change paid %d by coupon", refunds, o.PaidFen)
		}
		// The failed change counts toward the product's delisting threshold.
		if failed, err := s.FailedOrdersThisMonth(ctx, []uint{w.prod.ID}); err != nil || failed[w.prod.ID] != 1 {
			t.Errorf("failed orders this month: %v %v", failed, err)
		}
		if n := count(t, s, &notice.Notice{}, "user_id = ? AND kind = ? AND link = ?", w.buyer.ID, "upgrade_failed", fmt.Sprintf("/console/orders/%d", o.ID)); n != 1 {
			t.Errorf("%d upgrade_failed notices for the buyer", n)
		}
		if n := count(t, s, &notice.Notice{}, "seller_id = ? AND kind = ?", w.seller.ID, "call_failed"); n != 1 {
			t.Errorf("%d call_failed notices for the seller", n)
		}
		var mails []notice.Mail
		must(t, s.DB().Where("body LIKE ?", fmt.Sprintf("%%/seller/calls/%d\n%%", c.ID)).Find(&mails).Error)
		if len(mails) != 1 || mails[0].To != w.sellerEmail || mails[0].Status != notice.MailPending {
			t.Errorf("mails to the seller: %+v", mails)
		}
		// The failure does not count towards delisting (that counts purchases that never opened).
		var p catalog.Product
		must(t, s.DB().First(&p, w.prod.ID).Error)
		if p.SaleStatus != catalog.SaleOnSale {
			t.Errorf("product %s", p.SaleStatus)
		}
		if err := s.RestartCall(ctx, w.seller.ID, c.ID); !errors.Is(err, sqldb.ErrStale) {
			t.Errorf("restarting the upgrade of a refunded change: %v", err)
		}
		// The buyer may try again; this time the seller manages.
		w.upgradeOutcome = outbox.OutcomeSucceeded
		retry, err := s.Upgrade(ctx, w.buyer.ID, in.ID, upgradeInput(&w.ent))
		must(t, err)
		w.deliver(t)
		if got := instanceOf(t, s, in.ID); got.SpecID == nil || *got.SpecID != w.ent.ID {
			t.Errorf("second change: service spec %v", got.SpecID)
		}
		var second orders.Order
		must(t, s.DB().First(&second, retry.ID).Error)
		if second.Status != orders.OrderCompleted {
			t.Errorf("second change order %s", second.Status)
		}
	})
}

// What cannot be changed, and bad choices, get a clear message and change nothing.
func TestUpgradeRefusals(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newSpecWorld(t, s, func(p *catalog.Product) { p.TrialDays = 7 })
		_, in := w.opened(t, &w.pro, "1")
		other := w.product2(t)
		before := count(t, s, &orders.Order{})
		calls := count(t, s, &outbox.InterfaceCall{})
		for _, c := range []struct {
			name, spec, pay, key string
			field, msg           string
		}{
			{"unknown spec", "999999", "cash", key(), "spec", models.MsgUpgradeSpec},
			{"no spec", "", "cash", key(), "spec", models.MsgUpgradeSpec},
			{"hostile spec", hostileValue, "cash", key(), "spec", models.MsgUpgradeSpec},
			{"another product's spec", fmt.Sprint(other.ID), "cash", key(), "spec", models.MsgUpgradeSpec},
			{"same spec", fmt.Sprint(w.pro.ID), "cash", key(), "spec", models.MsgUpgradeSame},
			{"lower spec", fmt.Sprint(w.basic.ID), "cash", key(), "spec", models.MsgUpgradeLower},
			{"hostile pay method", fmt.Sprint(w.ent.ID), hostileValue, key(), "pay_method", models.MsgUpgradePayMethod},
			{"no form key", fmt.Sprint(w.ent.ID), "cash", "", "form", orders.MsgSubmitKey},
		} {
			_, err := s.Upgrade(ctx, w.buyer.ID, in.ID, models.UpgradeInput{Spec: c.spec, PayMethod: c.pay, SubmitKey: c.key})
			if got := fieldErr(err, c.field); got != c.msg {
				t.Errorf("%s: %v, want %s: %s", c.name, err, c.field, c.msg)
			}
		}
		if _, err := s.Upgrade(ctx, w.buyer2.ID, in.ID, upgradeInput(&w.ent)); !errors.Is(err, sqldb.ErrNotFound) {
			t.Errorf("another buyer's service: %v", err)
		}
		// Services that cannot change now say why.
		_, expired := w.opened(t, &w.basic, "1")
		must(t, s.DB().Model(&orders.Instance{}).Where("id = ?", expired.ID).Update("expire_at", w.clock.Now().Add(-time.Minute)).Error)
		_, frozen := w.opened(t, &w.basic, "1")
		must(t, s.DB().Model(&orders.Instance{}).Where("id = ?", frozen.ID).Update("status", orders.InstanceFrozen).Error)
		_, top := w.opened(t, &w.ent, "1")
		plain := w.world.product(t, func(p *catalog.Product) { p.Type = catalog.TypeImage })
		_, nospec := bought(t, w.world, w.buyer.ID, plain, buy(catalog.PlanMonth, "1", orders.PayCash))
		_, trial := bought(t, w.world, w.buyer2.ID, w.prod, specInput(&w.basic, catalog.PlanTrial, "1")) // still opening
		before = count(t, s, &orders.Order{})
		calls = count(t, s, &outbox.InterfaceCall{})
		for _, c := range []struct {
			name  string
			buyer uint
			in    orders.Instance
			msg   string
		}{
			{"opening trial", w.buyer2.ID, trial, models.MsgUpgradeStatus},
			{"expired", w.buyer.ID, expired, models.MsgUpgradeExpired},
			{"frozen", w.buyer.ID, frozen, models.MsgUpgradeStatus},
			{"highest spec", w.buyer.ID, top, models.MsgUpgradeTop},
			{"product without specs", w.buyer.ID, nospec, models.MsgUpgradeNoSpecs},
		} {
			_, err := s.Upgrade(ctx, c.buyer, c.in.ID, upgradeInput(&w.ent))
			if got := fieldErr(err, "form"); got != c.msg {
				t.Errorf("%s: %v, want %s", c.name, err, c.msg)
			}
		}
		must(t, s.DB().Model(&orders.Instance{}).Where("id = ?", trial.ID).Updates(map[string]any{"status": orders.InstanceNormal}).Error)
		if _, err := s.Upgrade(ctx, w.buyer2.ID, trial.ID, upgradeInput(&w.ent)); fieldErr(err, "form") != models.MsgUpgradeTrial {
			t.Errorf("trial in use: %v", err)
		}
		if n := count(t, s, &orders.Order{}); n != before {
			t.Errorf("refused changes made %d orders", n-before)
		}
		if n := count(t, s, &outbox.InterfaceCall{}); n != calls {
			t.Errorf("refused changes queued %d calls", n-calls)
		}
		if got := instanceOf(t, s, in.ID); *got.SpecID != w.pro.ID || got.ChangeOrderID != nil {
			t.Errorf("refused changes touched the service: spec %v, change %v", got.SpecID, got.ChangeOrderID)
		}
	})
}

// Clicks racing each other: the same form submitted at once makes one order; different forms
// (two tabs) make one change, the others are refused.
func TestUpgradeConcurrent(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newSpecWorld(t, s, nil)
		_, in := w.opened(t, &w.basic, "1")
		const n = 6
		same := upgradeInput(&w.pro)
		ids := make([]uint, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				o, err := s.Upgrade(ctx, w.buyer.ID, in.ID, same)
				errs[i] = err
				if o != nil {
					ids[i] = o.ID
				}
			})
		}
		wg.Wait()
		for i := range n {
			if errs[i] != nil || ids[i] != ids[0] || ids[0] == 0 {
				t.Fatalf("same form %d: order %d, %v (first %d)", i, ids[i], errs[i], ids[0])
			}
		}
		w.deliver(t)

		won := 0
		for i := range n {
			wg.Go(func() {
				_, errs[i] = s.Upgrade(ctx, w.buyer.ID, in.ID, upgradeInput(&w.ent))
			})
		}
		wg.Wait()
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case errors.Is(err, sqldb.ErrStale), fieldErr(err, "form") == models.MsgUpgradePending:
			default:
				t.Errorf("racing change: %v", err)
			}
		}
		if won != 1 || count(t, s, &orders.Order{}, "type = ?", orders.OrderChange) != 2 || count(t, s, &outbox.InterfaceCall{}, "activity = ?", protocol.ActivityUpgradeInstance) != 2 {
			t.Fatalf("%d racing changes won; %d change orders, %d upgrade calls (want 1 won, 2, 2)", won,
				count(t, s, &orders.Order{}, "type = ?", orders.OrderChange), count(t, s, &outbox.InterfaceCall{}, "activity = ?", protocol.ActivityUpgradeInstance))
		}
	})
}

// A product not opened through the seller's interface changes at once: no call to wait for.
func TestUpgradeWithoutInterface(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newSpecWorld(t, s, func(p *catalog.Product) { p.Type = catalog.TypeImage })
		_, in := bought(t, w.world, w.buyer.ID, w.prod, specInput(&w.basic, catalog.PlanYear, "1"))
		w.clock.Advance(65 * 24 * time.Hour) // 365 − 65 = 300 days left
		o, err := s.Upgrade(ctx, w.buyer.ID, in.ID, upgradeInput(&w.pro))
		must(t, err)
		if o.Status != orders.OrderCompleted || o.Plan != catalog.PlanYear || o.PaidFen != models.ProrateUpgrade(10000, 20000, 300, 365) || o.PaidFen != 8219 {
			t.Errorf("change of a product without interface: %s, plan %s, paid %d", o.Status, o.Plan, o.PaidFen)
		}
		if got := instanceOf(t, s, in.ID); got.SpecID == nil || *got.SpecID != w.pro.ID || got.ChangeOrderID != nil {
			t.Errorf("service spec %v, change %v", got.SpecID, got.ChangeOrderID)
		}
		if n := count(t, s, &outbox.InterfaceCall{}); n != 0 {
			t.Errorf("%d calls queued", n)
		}
		if !strings.HasPrefix(o.OrderNo, "CS") {
			t.Errorf("order no %q", o.OrderNo)
		}
	})
}
