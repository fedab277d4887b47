package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"koogallery/apptest"
	"koogallery/models"
	"koogallery/models/account"
	"koogallery/models/catalog"
	"koogallery/models/orders"
	"koogallery/models/outbox"
	"koogallery/models/sqldb"
	"koogallery/money"
	"koogallery/protocol"
	"koogallery/refseller"
)

// 变更规格 through the real application and the reference seller: the buyer's CRM service on
// 基础版 is changed to 专业版 over HTTP; upgradeInstance reaches the seller; both sides see the
// new spec. Another buyer gets 404 and bad input a message in place, with nothing changed.

// specOf finds a spec of the demo CRM by code.
func specOf(t *testing.T, e *dispatchEnv, code string) catalog.ProductSpec {
	t.Helper()
	var sp catalog.ProductSpec
	dbgCheck(t, e.store.DB().Where("product_id = ? AND code = ?", e.product.ID, code).First(&sp).Error)
	return sp
}

// upgradeState sums up what a refused change must not touch.
func upgradeState(t *testing.T, e *dispatchEnv) string {
	t.Helper()
	var orderList, calls, changing int64
	dbgCheck(t, e.store.DB().Model(&orders.Order{}).Count(&orderList).Error)
	dbgCheck(t, e.store.DB().Model(&outbox.InterfaceCall{}).Count(&calls).Error)
	dbgCheck(t, e.store.DB().Model(&orders.Instance{}).Where("change_order_id IS NOT NULL").Count(&changing).Error)
	var specs []string
	dbgCheck(t, e.store.DB().Model(&orders.Instance{}).Where("spec_id IS NOT NULL").Order("id").Pluck("spec_id", &specs).Error)
	return fmt.Sprint(orderList, calls, changing, specs)
}

func TestUpgradeOverHTTP(t *testing.T) {
	for _, d := range apptest.Dialects {
		t.Run(string(d), func(t *testing.T) { testUpgradeOverHTTP(t, d) })
	}
}

func testUpgradeOverHTTP(t *testing.T, d sqldb.Dialect) {
	e := newDispatchEnv(t, d, time.Now(), refseller.Options{})
	basic, pro, ent := specOf(t, e, "basic"), specOf(t, e, "pro"), specOf(t, e, "enterprise")
	o := e.buy() // no spec named: 基础版
	if o.SpecID == nil || *o.SpecID != basic.ID {
		t.Fatalf("purchase holds spec %v, want 基础版", o.SpecID)
	}
	e.runOnce(1)
	inst := e.instance(*o.InstanceID)
	svc := "/console/services/" + itoa(inst.ID)

	page := e.buyer.Get(svc + "?lang=en")
	doc := parseHTML(t, page.Body)
	if page.Status != http.StatusOK || strings.TrimSpace(doc.Find(`[data-testid="service-spec"]`).Text()) != "基础版" || doc.Find(`[data-testid="service-upgrade"]`).Length() != 1 {
		t.Fatalf("service page %d: spec %q, upgrade links %d", page.Status, doc.Find(`[data-testid="service-spec"]`).Text(), doc.Find(`[data-testid="service-upgrade"]`).Length())
	}
	list := parseHTML(t, e.buyer.Get("/console/services").Body)
	if list.Find(`a[href="`+svc+`/upgrade"]`).Length() != 1 {
		t.Errorf("the service list offers no upgrade for the service")
	}

	form := e.buyer.Get(svc + "/upgrade?lang=en")
	fd := parseHTML(t, form.Body)
	if form.Status != http.StatusOK || fd.Find(`[data-testid="upgrade-option"]`).Length() != 2 {
		t.Fatalf("upgrade page %d with %d options", form.Status, fd.Find(`[data-testid="upgrade-option"]`).Length())
	}
	days := models.DaysLeft(e.clock.Now(), *inst.ExpireAt)
	want := models.ProrateUpgrade(9900, 19900, days, 30)
	row := fd.Find(`[data-testid="upgrade-option"][data-spec="` + itoa(pro.ID) + `"]`)
	if got := strings.TrimSpace(row.Find(`[data-testid="upgrade-amount"]`).Text()); got != money.Fen(want).String() {
		t.Errorf("专业版 costs %q on the page, want %s ((199 − 99) × %d ÷ 30)", got, money.Fen(want).String(), days)
	}
	if f := row.Find(`[data-testid="upgrade-formula"]`).Text(); !strings.Contains(f, fmt.Sprintf("× %d days ÷ 30 days", days)) {
		t.Errorf("formula %q", f)
	}
	if !strings.Contains(fd.Find(`[data-testid="upgrade-rule"]`).Text(), "rounded to the fen") {
		t.Errorf("the rule is not explained")
	}

	// Another buyer: 404 on the page and on the form, nothing changed.
	before := upgradeState(t, e)
	other := e.srv.Client(t)
	other.Login("buyer2@demo.test")
	if res := other.Get(svc + "/upgrade"); res.Status != http.StatusNotFound || strings.Contains(res.Body, o.OrderNo) {
		t.Errorf("another buyer's upgrade page: %d", res.Status)
	}
	res := other.PostForm(svc+"/upgrade", url.Values{"spec": {itoa(pro.ID)}, "pay_method": {"cash"}, "submit_key": {"other-buyer-key-0001"}})
	if res.Status != http.StatusNotFound {
		t.Errorf("another buyer's upgrade: %d", res.Status)
	}
	assertNoLeak(t, "another buyer's upgrade", res)
	if after := upgradeState(t, e); after != before {
		t.Fatalf("another buyer changed %s → %s", before, after)
	}

	// Bad input: a message in the field, in the user's language, nothing changed.
	var other2Svc orders.Instance // buyer2's demo CRM, on 专业版 since the demo's change
	var b2 account.User
	dbgCheck(t, e.store.DB().Where("email = ?", "buyer2@demo.test").First(&b2).Error)
	dbgCheck(t, e.store.DB().Where("buyer_id = ? AND product_id = ?", b2.ID, e.product.ID).First(&other2Svc).Error)
	if other2Svc.SpecID == nil || *other2Svc.SpecID != pro.ID {
		t.Fatalf("buyer2's demo CRM holds %v, want 专业版", other2Svc.SpecID)
	}
	// Its expiry is in the past for the dispatch env (expiries cleared): give it one.
	dbgCheck(t, e.store.DB().Model(&orders.Instance{}).Where("id = ?", other2Svc.ID).Update("expire_at", e.clock.Now().Add(200*24*time.Hour)).Error)
	before = upgradeState(t, e)
	cases := []struct {
		name       string
		cl         string // whose client
		svc        string
		spec, pay  string
		key, field string
		msg        string
	}{
		{"unknown spec", "buyer", svc, "999999", "cash", "k", "spec", "upgrade.err.spec"},
		{"no spec", "buyer", svc, "", "cash", "k", "spec", "upgrade.err.spec"},
		{"hostile spec", "buyer", svc, hostile, "cash", "k", "spec", "upgrade.err.spec"},
		{"huge spec", "buyer", svc, strings.Repeat("9", 5000), "cash", "k", "spec", "upgrade.err.spec"},
		{"same spec", "buyer", svc, itoa(basic.ID), "cash", "k", "spec", "upgrade.err.same"},
		{"lower spec", "buyer2", "/console/services/" + itoa(other2Svc.ID), itoa(basic.ID), "cash", "k", "spec", "upgrade.err.lower"},
		{"hostile pay method", "buyer", svc, itoa(pro.ID), hostile, "k", "pay_method", "upgrade.err.pay_method"},
		{"no form key", "buyer", svc, itoa(pro.ID), "cash", "", "form", "purchase.err.submit_key"},
	}
	for _, c := range cases {
		for _, lang := range langs {
			where := fmt.Sprintf("upgrade %s (%s)", c.name, lang)
			cl := e.buyer
			if c.cl == "buyer2" {
				cl = other
			}
			key := c.key
			if key != "" {
				key = fmt.Sprintf("bad-upgrade-%s-%d", lang, time.Now().UnixNano())
			}
			res := cl.PostForm(withLang(c.svc+"/upgrade", lang), url.Values{"spec": {c.spec}, "pay_method": {c.pay}, "submit_key": {key}})
			if res.Status != http.StatusUnprocessableEntity {
				t.Errorf("%s: status %d, want 422", where, res.Status)
				continue
			}
			assertEscaped(t, where, res)
			doc := parseHTML(t, res.Body)
			sel := `[data-testid="` + c.field + `-error"]`
			if c.field == "form" {
				sel = `[data-testid="upgrade-error"]`
			}
			if got := strings.TrimSpace(doc.Find(sel).Text()); got != msgIn(t, lang, c.msg) {
				t.Errorf("%s: the page says %q, want %q", where, got, msgIn(t, lang, c.msg))
			}
			if doc.Find(`[data-testid="upgrade-form"]`).Length() != 1 {
				t.Errorf("%s: the form is not shown again", where)
			}
		}
	}
	if after := upgradeState(t, e); after != before {
		t.Fatalf("bad input changed %s → %s", before, after)
	}

	// The change: a double submit makes one order, waiting for the seller.
	good := url.Values{"spec": {itoa(pro.ID)}, "pay_method": {"coupon"}, "submit_key": {"upgrade-key-0123456789"}}
	first, second := e.buyer.PostForm(svc+"/upgrade", good), e.buyer.PostForm(svc+"/upgrade", good)
	loc := first.Header.Get("Location")
	if first.Status != http.StatusSeeOther || second.Status != http.StatusSeeOther || second.Header.Get("Location") != loc || !strings.HasPrefix(loc, "/console/orders/") {
		t.Fatalf("upgrade: %d → %q, again %d → %q", first.Status, loc, second.Status, second.Header.Get("Location"))
	}
	var change orders.Order
	dbgCheck(t, e.store.DB().Where("instance_id = ? AND type = ?", inst.ID, orders.OrderChange).First(&change).Error)
	if n := countRows(t, e.srv, &orders.Order{}); n == 0 || change.PaidFen != want || change.Status != orders.OrderProcessing || change.PayMethod != orders.PayCoupon {
		t.Fatalf("change order %+v", change)
	}
	var changes int64
	dbgCheck(t, e.store.DB().Model(&orders.Order{}).Where("type = ? AND instance_id = ?", orders.OrderChange, inst.ID).Count(&changes).Error)
	if changes != 1 {
		t.Fatalf("%d change orders after a double submit", changes)
	}
	orderPage := parseHTML(t, e.buyer.Get(loc+"?lang=en").Body)
	if orderPage.Find(`[data-testid="order-change-pending"]`).Length() != 1 || strings.TrimSpace(orderPage.Find(`[data-testid="spec-to"]`).Text()) != "专业版" {
		t.Errorf("the order page does not say the change waits for the seller")
	}
	again := e.buyer.PostForm(svc+"/upgrade?lang=en", url.Values{"spec": {itoa(ent.ID)}, "pay_method": {"cash"}, "submit_key": {"upgrade-key-second-0001"}})
	if again.Status != http.StatusUnprocessableEntity || strings.TrimSpace(parseHTML(t, again.Body).Find(`[data-testid="upgrade-error"]`).Text()) != msgIn(t, "en", models.MsgUpgradePending) {
		t.Errorf("second change while one waits: %d", again.Status)
	}

	// The seller applies it.
	e.runOnce(1)
	if s, _ := e.ref.Instance(inst.SellerInstanceID); s.Upgrades != 1 || s.LastOrderID != change.OrderNo {
		t.Fatalf("the seller saw %d upgrades, last order %q", s.Upgrades, s.LastOrderID)
	}
	if got := e.order(change.ID); got.Status != orders.OrderCompleted {
		t.Fatalf("change order %s after the seller answered", got.Status)
	}
	doc = parseHTML(t, e.buyer.Get(svc).Body)
	if got := strings.TrimSpace(doc.Find(`[data-testid="service-spec"]`).Text()); got != "专业版" {
		t.Errorf("the service page shows spec %q after the change", got)
	}
	seller := e.srv.Client(t)
	seller.Login("seller@demo.test")
	orderList := parseHTML(t, seller.Get("/seller/orders?type=CHANGE").Body)
	if !strings.Contains(orderList.Find(`[data-testid="seller-orders"]`).Text(), change.OrderNo) || !strings.Contains(orderList.Find(`[data-testid="seller-orders"]`).Text(), "专业版") {
		t.Errorf("the seller's orders do not show the change to 专业版")
	}
	call := e.lastCall(inst.ID)
	detail := parseHTML(t, seller.Get("/seller/calls/"+itoa(call.ID)).Body)
	if call.Activity != protocol.ActivityUpgradeInstance || strings.TrimSpace(detail.Find(`[data-testid="spec-from"]`).Text()) != "基础版" || strings.TrimSpace(detail.Find(`[data-testid="spec-to"]`).Text()) != "专业版" {
		t.Errorf("call %s detail shows %q → %q", call.Activity, detail.Find(`[data-testid="spec-from"]`).Text(), detail.Find(`[data-testid="spec-to"]`).Text())
	}
}

// When the seller never manages the upgrade, the buyer reads why on the order and the
// service, and the money is back.
func TestUpgradeFailureShownToBuyer(t *testing.T) {
	e := newDispatchEnv(t, sqldb.SQLite, time.Now(), refseller.Options{})
	ent := specOf(t, e, "enterprise")
	o := e.buy()
	e.runOnce(1)
	inst := e.instance(*o.InstanceID)
	dbgCheck(t, e.ref.SetMode(refseller.ModeErrorCode))
	res := e.buyer.PostForm("/console/services/"+itoa(inst.ID)+"/upgrade", url.Values{"spec": {itoa(ent.ID)}, "pay_method": {"cash"}, "submit_key": {"upgrade-fail-0123456789"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("upgrade: %d", res.Status)
	}
	loc := res.Header.Get("Location")
	pol := e.store.Policy(protocol.ActivityUpgradeInstance, catalog.TypeSaaS)
	e.runOnce(1)
	for range int(pol.Window / pol.Every) {
		e.clock.Advance(pol.Every)
		e.runOnce(1)
	}
	call := e.lastCall(inst.ID)
	if call.Activity != protocol.ActivityUpgradeInstance || call.Status != outbox.CallFailed {
		t.Fatalf("upgrade call %s %s", call.Activity, call.Status)
	}
	e.buyer.Relogin() // three hours later the session has idled out
	page := parseHTML(t, e.buyer.Get(loc+"?lang=en").Body)
	if got := strings.TrimSpace(page.Find(`[data-testid="order-change-failed"]`).Text()); !strings.Contains(got, "refunded in full") {
		t.Errorf("the order page says %q", got)
	}
	svc := parseHTML(t, e.buyer.Get("/console/services/"+itoa(inst.ID)+"?lang=en").Body)
	if svc.Find(`[data-testid="service-upgrade-failed"]`).Length() != 1 || strings.TrimSpace(svc.Find(`[data-testid="service-spec"]`).Text()) != "基础版" {
		t.Errorf("the service page does not explain the failed change")
	}
	if svc.Find(`[data-testid="service-upgrade"]`).Length() != 1 {
		t.Errorf("the buyer cannot try again")
	}
}
