package e2e

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"koogallery/apptest"
	"koogallery/i18n"
	"koogallery/models/account"
	"koogallery/models/catalog"
	"koogallery/models/orders"
	"koogallery/models/outbox"
	"koogallery/models/sqldb"
	"koogallery/protocol"
)

// 生产接口消息 end to end: a buyer buys interface products whose production address is missing,
// the dispatcher (stepped under a fake clock) fails the calls, and the seller lists, filters,
// reads and restarts or replays them; another seller sees none of it; operations see all.

// callsClock is a settable clock for the store.
type callsClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *callsClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *callsClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// callsWorld is the application with a logged-in buyer, both sellers and an admin.
type callsWorld struct {
	t                      *testing.T
	srv                    *apptest.Server
	clock                  *callsClock
	buyer, seller, seller2 *apptest.Client
	admin                  *apptest.Client
	sellerID               uint
}

func newCallsWorld(t *testing.T, d sqldb.Dialect) *callsWorld {
	srv := apptest.Start(t, apptest.Options{Dialect: d})
	// 2026-05-12 10:00 in China; whole seconds, as MySQL keeps them.
	w := &callsWorld{t: t, srv: srv, clock: &callsClock{t: time.Date(2026, 5, 12, 2, 0, 0, 0, time.UTC)}}
	srv.App.Store.SetClock(w.clock.Now)
	w.buyer, w.seller, w.seller2, w.admin = srv.Client(t), srv.Client(t), srv.Client(t), srv.Client(t)
	w.buyer.Login("buyer@demo.test")
	w.seller.Login("seller@demo.test")
	w.seller2.Login("seller2@demo.test")
	w.admin.Login("admin@demo.test")
	var u account.User
	noErr(t, srv.App.Store.DB().Where("email = ?", "seller@demo.test").First(&u).Error)
	w.sellerID = *u.SellerID
	return w
}

// buy orders a product through the buyer console and returns the order.
func (w *callsWorld) buy(p catalog.Product, plan string) orders.Order {
	w.t.Helper()
	w.buyer.Relogin() // the fake clock may have moved past the session's idle time
	res := w.buyer.PostForm("/console/orders", url.Values{"product_id": {itoa(p.ID)}, "plan": {plan}, "count": {"1"}, "pay_method": {"cash"}, "submit_key": {randKey()}})
	loc := res.Header.Get("Location")
	if res.Status != http.StatusSeeOther || !strings.HasPrefix(loc, "/console/orders/") {
		w.t.Fatalf("buy %s: status %d, Location %q", p.Code, res.Status, loc)
	}
	var o orders.Order
	noErr(w.t, w.srv.App.Store.DB().First(&o, strings.TrimPrefix(loc, "/console/orders/")).Error)
	return o
}

// dispatch runs the dispatcher once at the current fake time.
func (w *callsWorld) dispatch() {
	w.t.Helper()
	if _, err := w.srv.App.Dispatcher.RunOnce(context.Background()); err != nil {
		w.t.Fatal(err)
	}
}

func (w *callsWorld) call(id uint) outbox.InterfaceCall {
	w.t.Helper()
	var c outbox.InterfaceCall
	noErr(w.t, w.srv.App.Store.DB().First(&c, id).Error)
	return c
}

// callIDs are the calls of seller company 1 matching a condition, sorted.
func (w *callsWorld) callIDs(where string, args ...any) []string {
	w.t.Helper()
	var ids []uint
	q := w.srv.App.Store.DB().Model(&outbox.InterfaceCall{}).Where("seller_id = ?", w.sellerID)
	if where != "" {
		q = q.Where(where, args...)
	}
	noErr(w.t, q.Order("id").Pluck("id", &ids).Error)
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = itoa(id)
	}
	sort.Strings(out)
	return out
}

// rows are the call ids a list page shows, sorted.
func rows(t *testing.T, body string) []string {
	t.Helper()
	var out []string
	parseHTML(t, body).Find(`[data-testid="call-row"]`).Each(func(_ int, s *goquery.Selection) {
		out = append(out, s.AttrOr("data-call-id", ""))
	})
	sort.Strings(out)
	return out
}

func sameIDs(a, b []string) bool { return strings.Join(a, ",") == strings.Join(b, ",") }

// rawKey is an i18n key of these pages shown untranslated.
var rawKey = regexp.MustCompile(`\b(calls|adminproducts|sale_reason|product\.sale_reason|check|report)\.[a-z0-9_.]+[a-z0-9]`)

// noRawKeys fails when a page shows a message key instead of its text.
func noRawKeys(t *testing.T, where, body string) {
	t.Helper()
	doc := parseHTML(t, body)
	text := doc.Find("body").Text()
	doc.Find("[data-confirm], [aria-label], [title]").Each(func(_ int, s *goquery.Selection) {
		text += " " + s.AttrOr("data-confirm", "") + " " + s.AttrOr("aria-label", "") + " " + s.AttrOr("title", "")
	})
	if k := rawKey.FindString(text); k != "" {
		t.Errorf("%s shows the untranslated key %q", where, k)
	}
}

func TestSellerCalls(t *testing.T) {
	for _, d := range apptest.Dialects {
		t.Run(string(d), func(t *testing.T) { runSellerCalls(t, d) })
	}
}

func runSellerCalls(t *testing.T, d sqldb.Dialect) {
	w := newCallsWorld(t, d)
	db := w.srv.App.Store.DB()
	crm := productByCode(t, w.srv, "00301-100001-0--0")  // SaaS, monthly
	form := productByCode(t, w.srv, "00301-100002-0--0") // SaaS, one-time
	if crm.AddressID != nil || form.AddressID != nil {
		t.Fatal("the demo products have a production address: the calls would not fail with no_address")
	}
	// The CRM product is also configured for order notifications (to an address without a
	// bound key, so they fail too): two activities per order.
	notifyAddr, err := w.srv.App.Store.AddAddress(t.Context(), crm.SellerID, "https://notify.example.com")
	noErr(t, err)
	noErr(t, db.Create(&outbox.NotifyConfig{SellerID: crm.SellerID, Scope: outbox.NotifyScope{ProductID: crm.ID}.Key(), ProductID: &crm.ID,
		AddressID: notifyAddr.ID}).Error)

	o1 := w.buy(crm, "month")
	o2 := w.buy(form, "once")
	// Every 30 minutes for 10 h: newInstance fails after 3 h (then the order is cancelled), the
	// order notification waits for it, then fails after its own 3 h.
	for range 20 {
		w.dispatch()
		w.clock.Advance(30 * time.Minute)
	}
	if ids := w.callIDs("status <> ?", outbox.CallFailed); len(ids) != 0 {
		t.Fatalf("calls %v are not failed yet", ids)
	}
	w.clock.Advance(24 * time.Hour) // the next day (2026-05-13 in China)
	for _, c := range []*apptest.Client{w.seller, w.seller2, w.admin} {
		c.Relogin() // a day later yesterday's sessions have ended
	}
	o3 := w.buy(crm, "month")
	w.dispatch() // o3's newInstance fails once and waits to retry; its notification waits for it

	all := w.callIDs("")
	if len(all) != 5 {
		t.Fatalf("%d calls, want 5", len(all))
	}
	var ni1, notify1, ni3 outbox.InterfaceCall
	noErr(t, db.Where("order_id = ? AND activity = ?", o1.ID, protocol.ActivityNewInstance).First(&ni1).Error)
	noErr(t, db.Where("order_id = ? AND activity = ?", o1.ID, protocol.ActivityOrderNotify).First(&notify1).Error)
	noErr(t, db.Where("order_id = ? AND activity = ?", o3.ID, protocol.ActivityNewInstance).First(&ni3).Error)
	if ni1.Attempts != 4 || notify1.Attempts < 1 || ni3.Status != outbox.CallPending || ni3.Attempts != 1 {
		t.Fatalf("calls: newInstance %s/%d, orderNotify %s/%d, third %s/%d", ni1.Status, ni1.Attempts, notify1.Status, notify1.Attempts, ni3.Status, ni3.Attempts)
	}

	// The list and its filters.
	list := w.seller.Get("/seller/calls")
	if list.Status != http.StatusOK || !sameIDs(rows(t, list.Body), all) {
		t.Fatalf("list: status %d, rows %v, want %v", list.Status, rows(t, list.Body), all)
	}
	doc := parseHTML(t, list.Body)
	if doc.Find(`[data-testid="retry-rules"] [data-testid="rule-row"]`).Length() != 7 {
		t.Error("the retry rules table is missing")
	}
	if got := doc.Find(`[data-testid="rule-row"][data-activity="newInstance"] [data-testid="rule-license"]`).Text(); !strings.Contains(got, "2 分钟") || !strings.Contains(got, "2 小时") {
		t.Errorf("License newInstance policy shows %q", got)
	}
	health := doc.Find(`[data-testid="health-row"][data-product-id="` + itoa(crm.ID) + `"]`)
	if health.AttrOr("data-failed", "") != "1" || health.AttrOr("data-tone", "") != "ok" {
		t.Errorf("CRM health: failed %q tone %q, want 1 ok", health.AttrOr("data-failed", ""), health.AttrOr("data-tone", ""))
	}
	// The last result is told in plain words.
	row := doc.Find(`[data-testid="call-row"][data-call-id="` + itoa(ni1.ID) + `"]`)
	if got := row.Find(`[data-testid="call-last-result"]`).Text(); !strings.Contains(got, msgIn(t, i18n.ZH, "calls.short.no_address")) {
		t.Errorf("last result %q", got)
	}
	if row.Find(`[data-testid="call-restart"]`).Length() != 0 {
		t.Error("a cancelled order's newInstance offers 重新启动")
	}
	if row.Find(`form[data-confirm] [data-testid="call-replay"]`).Length() != 1 {
		t.Error("重放 without a confirmation")
	}
	filters := []struct {
		query string
		want  []string
	}{
		{"status=failed", w.callIDs("status = ?", outbox.CallFailed)},
		{"status=pending", w.callIDs("status = ?", outbox.CallPending)},
		{"status=succeeded", nil},
		{"activity=orderNotify", w.callIDs("activity = ?", protocol.ActivityOrderNotify)},
		{"product=" + itoa(form.ID), w.callIDs("product_id = ?", form.ID)},
		{"order_no=" + o1.OrderNo, w.callIDs("order_id = ?", o1.ID)},
		{"order_no=+" + o3.OrderNo + "+", w.callIDs("order_id = ?", o3.ID)},
		{"from=2026-05-13", w.callIDs("order_id = ?", o3.ID)},
		{"to=2026-05-12", w.callIDs("order_id IN ?", []uint{o1.ID, o2.ID})},
		{"from=2026-05-12&to=2026-05-12&activity=newInstance", w.callIDs("order_id IN ? AND activity = ?", []uint{o1.ID, o2.ID}, protocol.ActivityNewInstance)},
		{"status=bogus&activity=nope&product=abc", all}, // unknown values are ignored
	}
	for _, f := range filters {
		res := w.seller.Get("/seller/calls?" + f.query)
		if res.Status != http.StatusOK {
			t.Errorf("?%s: status %d", f.query, res.Status)
			continue
		}
		if got := rows(t, res.Body); !sameIDs(got, f.want) {
			t.Errorf("?%s: rows %v, want %v", f.query, got, f.want)
		}
	}
	for _, lang := range langs {
		res := w.seller.Get(withLang("/seller/calls?from=2026-13-45&to=2026-05-12&status=failed", lang))
		doc := parseHTML(t, res.Body)
		if res.Status != http.StatusOK || strings.TrimSpace(doc.Find(`[data-testid="from-error"]`).Text()) != msgIn(t, lang, "calls.err.date") {
			t.Errorf("%s: invalid date: status %d, message %q", lang, res.Status, doc.Find(`[data-testid="from-error"]`).Text())
		}
		if doc.Find(`[data-testid="filter-from"]`).AttrOr("value", "") != "2026-13-45" || doc.Find(`[data-testid="filter-to"]`).AttrOr("value", "") != "2026-05-12" {
			t.Errorf("%s: the typed dates are not kept", lang)
		}
		if got, want := rows(t, res.Body), w.callIDs("status = ? AND order_id IN ?", outbox.CallFailed, []uint{o1.ID, o2.ID}); !sameIDs(got, want) {
			t.Errorf("%s: with an invalid date the other filters still apply: rows %v, want %v", lang, got, want)
		}
		res = w.seller.Get(withLang("/seller/calls?from=2026-05-13&to=2026-05-12", lang))
		if got := strings.TrimSpace(parseHTML(t, res.Body).Find(`[data-testid="to-error"]`).Text()); got != msgIn(t, lang, "calls.err.range") {
			t.Errorf("%s: reversed range message %q", lang, got)
		}
	}
	assertEscaped(t, "hostile filter", w.seller.Get("/seller/calls?order_no="+url.QueryEscape(hostile)+"&from="+url.QueryEscape(hostile)))

	// The detail: facts, every attempt, and the explanation with where to fix it.
	for _, lang := range langs {
		res := w.seller.Get(withLang("/seller/calls/"+itoa(ni1.ID), lang))
		if res.Status != http.StatusOK {
			t.Fatalf("detail: %d", res.Status)
		}
		noRawKeys(t, lang+" detail", res.Body)
		noRawKeys(t, lang+" list", w.seller.Get(withLang("/seller/calls", lang)).Body)
		noRawKeys(t, lang+" admin list", w.admin.Get(withLang("/admin/calls", lang)).Body)
		noRawKeys(t, lang+" admin detail", w.admin.Get(withLang("/admin/calls/"+itoa(ni1.ID), lang)).Body)
		noRawKeys(t, lang+" pending detail", w.seller.Get(withLang("/seller/calls/"+itoa(ni3.ID), lang)).Body)
		doc := parseHTML(t, res.Body)
		if n := doc.Find(`[data-testid="attempt"]`).Length(); n != 4 {
			t.Errorf("%s: %d attempts shown, want 4", lang, n)
		}
		if first := doc.Find(`[data-testid="attempt"]`).First().AttrOr("data-n", ""); first != "4" {
			t.Errorf("%s: newest attempt first: got #%s", lang, first)
		}
		if got := doc.Find(`[data-testid="explain-what"]`).Text(); got != msgIn(t, lang, "calls.explain.no_address") {
			t.Errorf("%s: explanation %q", lang, got)
		}
		if !strings.Contains(doc.Find(`[data-testid="explain-fix"]`).Text(), msgIn(t, lang, "calls.fix.no_address")) {
			t.Errorf("%s: no fix", lang)
		}
		if doc.Find(`[data-testid="explain-link"][href="/seller/addresses"]`).Length() != 1 {
			t.Errorf("%s: no link to the production addresses", lang)
		}
		if got := doc.Find(`[data-testid="explain-next"]`).Text(); got != msgIn(t, lang, "calls.next.order_cancelled") {
			t.Errorf("%s: next %q", lang, got)
		}
		if !strings.Contains(doc.Find(`[data-testid="call-body"]`).Text(), o1.OrderNo) || !strings.Contains(doc.Find(`[data-testid="call-order"]`).Text(), o1.OrderNo) {
			t.Errorf("%s: the body or order is missing", lang)
		}
		if doc.Find(`[data-testid="call-restart"]`).Length() != 0 || doc.Find(`[data-testid="call-replay"]`).Length() != 1 {
			t.Errorf("%s: actions of a cancelled purchase: restart %d, replay %d", lang, doc.Find(`[data-testid="call-restart"]`).Length(), doc.Find(`[data-testid="call-replay"]`).Length())
		}
	}

	// 重新启动: a failed call becomes pending at once; a second click changes nothing.
	w.seller.Get("/seller/calls?lang=zh") // back to Chinese after the English pages
	back := "/seller/calls?status=failed"
	before := w.call(notify1.ID)
	res := w.seller.PostForm("/seller/calls/"+itoa(notify1.ID)+"/restart", url.Values{"back": {back}})
	if res.Status != http.StatusSeeOther || res.Header.Get("Location") != back {
		t.Fatalf("restart: %d → %q", res.Status, res.Header.Get("Location"))
	}
	after := w.call(notify1.ID)
	if after.Status != outbox.CallPending || after.Attempts != before.Attempts || after.NextAttemptAt.After(w.clock.Now()) {
		t.Fatalf("restarted call: %s, %d attempts, next %s", after.Status, after.Attempts, after.NextAttemptAt)
	}
	page := w.seller.Get(back)
	if !strings.Contains(page.Body, msgIn(t, i18n.ZH, "calls.restarted")) {
		t.Error("no success message after 重新启动")
	}
	w.clock.Advance(time.Second)
	res = w.seller.PostForm("/seller/calls/"+itoa(notify1.ID)+"/restart", url.Values{"back": {"https://evil.example/"}})
	if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/seller/calls/"+itoa(notify1.ID) {
		t.Fatalf("second restart: %d → %q", res.Status, res.Header.Get("Location"))
	}
	if again := w.call(notify1.ID); !again.NextAttemptAt.Equal(after.NextAttemptAt) || !again.Deadline.Equal(after.Deadline) {
		t.Fatal("a second 重新启动 changed the call")
	}
	page = w.seller.Get("/seller/calls/" + itoa(notify1.ID))
	if !strings.Contains(page.Body, msgIn(t, i18n.ZH, "calls.restart.stale")) || strings.Contains(page.Body, `data-testid="call-restart"`) {
		t.Error("the second 重新启动 is not refused with a message, or the button is still offered")
	}
	// A purchase whose order was cancelled cannot be restarted.
	res = w.seller.PostForm("/seller/calls/"+itoa(ni1.ID)+"/restart", nil)
	if res.Status != http.StatusSeeOther || w.call(ni1.ID).Status != outbox.CallFailed {
		t.Fatalf("restart of a cancelled purchase: %d, status %s", res.Status, w.call(ni1.ID).Status)
	}
	// The restarted notification is sent again and fails again at the dispatcher.
	w.dispatch()
	if c := w.call(notify1.ID); c.Attempts != before.Attempts+1 {
		t.Fatalf("restarted call: %d attempts after dispatch, want %d", c.Attempts, before.Attempts+1)
	}

	// 重放: a fresh copy; a double click finds the waiting copy.
	n := countRows(t, w.srv, &outbox.InterfaceCall{})
	res = w.seller.PostForm("/seller/calls/"+itoa(ni1.ID)+"/replay", nil)
	loc := res.Header.Get("Location")
	if res.Status != http.StatusSeeOther || !strings.HasPrefix(loc, "/seller/calls/") || loc == "/seller/calls/"+itoa(ni1.ID) {
		t.Fatalf("replay: %d → %q", res.Status, loc)
	}
	var replay outbox.InterfaceCall
	noErr(t, db.First(&replay, strings.TrimPrefix(loc, "/seller/calls/")).Error)
	if replay.ReplayOf == nil || *replay.ReplayOf != ni1.ID || replay.Status != outbox.CallPending || replay.Attempts != 0 || replay.Body != ni1.Body {
		t.Fatalf("replay %+v", replay)
	}
	res = w.seller.PostForm("/seller/calls/"+itoa(ni1.ID)+"/replay", nil)
	if res.Header.Get("Location") != loc || countRows(t, w.srv, &outbox.InterfaceCall{}) != n+1 {
		t.Fatalf("double replay: → %q, %d calls (want %d)", res.Header.Get("Location"), countRows(t, w.srv, &outbox.InterfaceCall{}), n+1)
	}
	detail := parseHTML(t, w.seller.Get(loc).Body)
	if detail.Find(`[data-testid="call-replay-of"]`).AttrOr("href", "") != "/seller/calls/"+itoa(ni1.ID) {
		t.Error("the replay does not link its original")
	}
	// The copy goes out once the restarted notification of the same instance is finished
	// (calls of one instance go in order).
	for i := 0; i < 12 && w.call(replay.ID).Attempts == 0; i++ {
		w.clock.Advance(30 * time.Minute)
		w.dispatch()
	}
	if c := w.call(replay.ID); c.Attempts != 1 {
		t.Fatalf("the replay was not sent: %d attempts", c.Attempts)
	}
	for _, c := range []*apptest.Client{w.seller, w.seller2, w.admin} {
		c.Relogin() // hours later the sessions have idled out
	}

	// Another seller company: nothing to see or do.
	changed := w.call(notify1.ID)
	for _, p := range []string{"", "/restart", "/replay"} {
		var res apptest.Response
		if p == "" {
			res = w.seller2.Get("/seller/calls/" + itoa(notify1.ID))
		} else {
			res = w.seller2.PostForm("/seller/calls/"+itoa(notify1.ID)+p, nil)
		}
		if res.Status != http.StatusNotFound || strings.Contains(res.Body, o1.OrderNo) {
			t.Errorf("seller2 %s: status %d", p, res.Status)
		}
	}
	if got := w.call(notify1.ID); got.UpdatedAt != changed.UpdatedAt || countRows(t, w.srv, &outbox.InterfaceCall{}) != n+1 {
		t.Error("another seller changed the call")
	}
	if other := w.seller2.Get("/seller/calls"); len(rows(t, other.Body)) != 0 || strings.Contains(other.Body, crm.Name) {
		t.Error("another seller's list shows seller 1's calls or products")
	}

	// Operations: every call with its seller, the detail, and restart of any call.
	res = w.admin.Get("/admin/calls")
	adoc := parseHTML(t, res.Body)
	if res.Status != http.StatusOK || len(rows(t, res.Body)) != int(n+1) || !strings.Contains(adoc.Find(`[data-testid="health"]`).Text(), crm.Name) {
		t.Fatalf("admin list: %d, %d rows", res.Status, len(rows(t, res.Body)))
	}
	if res := w.admin.Get("/admin/calls?order_no=" + o3.OrderNo); !sameIDs(rows(t, res.Body), w.callIDs("order_id = ?", o3.ID)) {
		t.Error("admin filter by order")
	}
	var company account.Seller
	noErr(t, db.First(&company, w.sellerID).Error)
	res = w.admin.Get("/admin/calls/" + itoa(ni3.ID))
	if res.Status != http.StatusOK || !strings.Contains(parseHTML(t, res.Body).Find(`[data-testid="call-facts"]`).Text(), company.Name) {
		t.Fatalf("admin detail: %d without the seller's name", res.Status)
	}
	if !strings.Contains(adoc.Find(`[data-testid="call-row"][data-call-id="`+itoa(ni3.ID)+`"]`).Text(), company.Name) {
		t.Error("admin list without the seller column")
	}
	res = w.admin.PostForm("/admin/calls/"+itoa(ni3.ID)+"/restart", url.Values{"back": {"/admin/calls"}})
	if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/admin/calls" || w.call(ni3.ID).NextAttemptAt.After(w.clock.Now()) {
		t.Fatalf("admin restart: %d → %q", res.Status, res.Header.Get("Location"))
	}
}
