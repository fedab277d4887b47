package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"

	"koogallery/apptest"
	"koogallery/i18n"
	"koogallery/models"
	"koogallery/models/account"
	"koogallery/models/catalog"
	"koogallery/models/orders"
	"koogallery/models/sqldb"
)

// Bad input on every form and query: each answer is a clear message in the user's language
// with what was typed kept in the form, never a 500, never raw hostile markup, never a change
// in the database.

var langs = []string{i18n.ZH, i18n.EN}

// msgIn is a message as the user reads it; a key without a translation fails the test.
func msgIn(t *testing.T, lang, key string) string {
	t.Helper()
	if !i18n.Has(lang, key) {
		t.Fatalf("message %q has no %s translation", key, lang)
	}
	return i18n.T(lang, key)
}

func parseHTML(t *testing.T, body string) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// withLang adds ?lang= to a path.
func withLang(path, lang string) string {
	if strings.Contains(path, "?") {
		return path + "&lang=" + lang
	}
	return path + "?lang=" + lang
}

// hostile is markup that must come back escaped.
const hostile = `"><script>alert("kg")</script><img src=x onerror=alert(1)>`

// assertEscaped fails when the page carries hostile markup unescaped, or internals on an error.
func assertEscaped(t *testing.T, where string, res apptest.Response) {
	t.Helper()
	if res.Status >= 500 {
		t.Errorf("%s: status %d", where, res.Status)
	}
	for _, raw := range []string{`<script>alert`, `<img src=x`} {
		if strings.Contains(res.Body, raw) {
			t.Errorf("%s: hostile markup %q comes back unescaped", where, raw)
		}
	}
	assertNoLeak(t, where, res)
}

// clipped is what a form keeps of a long value: at most n bytes, cut on a rune boundary.
func clipped(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// errorPage checks a friendly error page with the status's title in the language.
func errorPage(t *testing.T, where string, res apptest.Response, status int, lang string) {
	t.Helper()
	if res.Status != status {
		t.Errorf("%s: status %d, want %d", where, res.Status, status)
		return
	}
	doc := parseHTML(t, res.Body)
	page := doc.Find(`[data-testid="error-page"]`)
	if page.Length() != 1 || page.AttrOr("data-status", "") != fmt.Sprint(status) {
		t.Errorf("%s: no friendly %d page", where, status)
		return
	}
	want := msgIn(t, lang, "error."+http.StatusText(status)+".title")
	if got := strings.TrimSpace(page.Find("h1").Text()); got != want {
		t.Errorf("%s: error title %q, want %q", where, got, want)
	}
	assertEscaped(t, where, res)
}

func countRows(t *testing.T, srv *apptest.Server, model any) int64 {
	t.Helper()
	var n int64
	noErr(t, srv.App.Store.DB().Model(model).Count(&n).Error)
	return n
}

func productByCode(t *testing.T, srv *apptest.Server, code string) catalog.Product {
	t.Helper()
	var p catalog.Product
	noErr(t, srv.App.Store.DB().Where("code = ?", code).First(&p).Error)
	return p
}

func TestBadInputLogin(t *testing.T) {
	for _, d := range apptest.Dialects {
		t.Run(string(d), func(t *testing.T) { runBadInputLogin(t, d) })
	}
}

func runBadInputLogin(t *testing.T, d sqldb.Dialect) {
	srv := apptest.Start(t, apptest.Options{Dialect: d})
	c := srv.Client(t)
	missing, bad := "auth.err.missing", "auth.err.bad"
	cases := []struct {
		name, email, password string
		status                int
		key                   string
	}{
		{"nothing", "", "", http.StatusUnprocessableEntity, missing},
		{"no password", "someone@x.test", "", http.StatusUnprocessableEntity, missing},
		{"no email", "", "secret", http.StatusUnprocessableEntity, missing},
		{"blank email", "   ", "secret", http.StatusUnprocessableEntity, missing},
		{"oversized email", strings.Repeat("长", 100) + "@x.test", "secret", http.StatusUnprocessableEntity, "auth.err.too_long"},
		{"oversized password", "big@x.test", strings.Repeat("p", 5000), http.StatusUnprocessableEntity, "auth.err.too_long"},
		{"bcrypt-long password", "long@x.test", strings.Repeat("p", 150), http.StatusUnauthorized, bad},
		{"hostile email", hostile + "@x.test", "secret", http.StatusUnauthorized, bad},
		{"SQL in email", `' OR '1'='1' -- `, "secret", http.StatusUnauthorized, bad},
		{"SQL comment after a real account", `admin@demo.test' -- `, "anything", http.StatusUnauthorized, bad},
		{"SQL in password", "sql@x.test", `' OR '1'='1`, http.StatusUnauthorized, bad},
		{"LIKE wildcards", `%@demo.test`, models.DemoPassword, http.StatusUnauthorized, bad},
		{"unicode", "张伟@例子.测试", "密码", http.StatusUnauthorized, bad},
		{"NUL byte", "a\x00b@x.test", "secret", http.StatusUnauthorized, bad},
		{"invalid UTF-8", "\xff\xfe@x.test", "secret", http.StatusUnauthorized, bad},
	}
	for _, tc := range cases {
		for _, lang := range langs {
			where := fmt.Sprintf("login %s (%s)", tc.name, lang)
			res := c.PostForm(withLang("/login", lang), url.Values{"email": {tc.email}, "password": {tc.password}, "next": {hostile}})
			if res.Status != tc.status {
				t.Errorf("%s: status %d, want %d", where, res.Status, tc.status)
				continue
			}
			assertEscaped(t, where, res)
			doc := parseHTML(t, res.Body)
			if got, want := strings.TrimSpace(doc.Find(`[data-testid="login-error"]`).Text()), msgIn(t, lang, tc.key); got != want {
				t.Errorf("%s: message %q, want %q", where, got, want)
			}
			if utf8.ValidString(tc.email) && !strings.ContainsRune(tc.email, 0) {
				if got, want := doc.Find(`input[name="email"]`).AttrOr("value", "?"), clipped(tc.email, 190); got != want {
					t.Errorf("%s: email kept as %q, want %q", where, got, want)
				}
			}
			if got := doc.Find(`input[name="password"]`).AttrOr("value", ""); got != "" {
				t.Errorf("%s: the password comes back in the form", where)
			}
			if got := doc.Find(`input[name="next"]`).AttrOr("value", ""); got != "" {
				t.Errorf("%s: unsafe next %q kept", where, got)
			}
		}
	}
	if res := c.Get("/console/services"); res.Status != http.StatusSeeOther {
		t.Fatalf("after bad logins the console answers %d: someone got in", res.Status)
	}

	// A next that leaves the site is dropped: the user lands on their home.
	for _, next := range []string{"//evil.test/x", "https://evil.test", `/\evil.test`, "javascript:alert(1)", "/\t/evil.test"} {
		cl := srv.Client(t)
		res := cl.PostForm("/login", url.Values{"email": {"buyer2@demo.test"}, "password": {models.DemoPassword}, "next": {next}})
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/console/services" {
			t.Errorf("login with next=%q: %d to %q, want 303 to /console/services", next, res.Status, res.Header.Get("Location"))
		}
	}
	res := srv.Client(t).Get("/login?next=" + url.QueryEscape("//evil.test"))
	if next := parseHTML(t, res.Body).Find(`input[name="next"]`).AttrOr("value", "?"); next != "" {
		t.Errorf("the login form carries the off-site next %q", next)
	}
}

// buyCase is one bad purchase form and the fields that must show a message.
type buyCase struct {
	name                        string
	plan, count, pay, submitKey string
	wantErrors                  map[string]string // field → message key
}

func TestBadInputBuy(t *testing.T) {
	srv := apptest.Start(t, apptest.Options{})
	c := srv.Client(t)
	c.Login("buyer@demo.test")
	crm := productByCode(t, srv, "00301-100001-0--0")      // month 99, year 990, 14-day trial
	ocr := productByCode(t, srv, "00302-200004-0--0")      // buyer has had its trial
	delisted := productByCode(t, srv, "00302-200005-0--0") // delisted
	frozen := productByCode(t, srv, "00301-100007-0--0")   // frozen
	key := "0123456789abcdef0123456789abcdef"
	plan, count, pay, form := "purchase.err.plan", "purchase.err.count", "purchase.err.pay_method", "purchase.err.submit_key"
	cases := []buyCase{
		{"no plan", "", "1", "cash", key, map[string]string{"plan": plan}},
		{"unknown plan", "week", "1", "cash", key, map[string]string{"plan": plan}},
		{"plan the product lacks", "once", "1", "cash", key, map[string]string{"plan": plan}},
		{"hourly plan", "hour", "1", "cash", key, map[string]string{"plan": plan}},
		{"hostile plan", hostile, "1", "cash", key, map[string]string{"plan": plan}},
		{"no count", "month", "", "cash", key, map[string]string{"count": count}},
		{"negative count", "month", "-1", "cash", key, map[string]string{"count": count}},
		{"zero count", "month", "0", "cash", key, map[string]string{"count": count}},
		{"text count", "month", "abc", "cash", key, map[string]string{"count": count}},
		{"huge count", "month", "99999999999999999999", "cash", key, map[string]string{"count": count}},
		{"decimal count", "month", "1.5", "cash", key, map[string]string{"count": count}},
		{"exponent count", "month", "1e3", "cash", key, map[string]string{"count": count}},
		{"ten months", "month", "10", "cash", key, map[string]string{"count": count}},
		{"four years", "year", "4", "cash", key, map[string]string{"count": count}},
		{"hostile count", "month", hostile, "cash", key, map[string]string{"count": count}},
		{"no pay method", "month", "1", "", key, map[string]string{"pay_method": pay}},
		{"unknown pay method", "month", "1", "bitcoin", key, map[string]string{"pay_method": pay}},
		{"upper-case pay method", "month", "1", "CASH", key, map[string]string{"pay_method": pay}},
		{"hostile pay method", "month", "1", hostile, key, map[string]string{"pay_method": pay}},
		{"no form key", "month", "1", "cash", "", map[string]string{"form": form}},
		{"short form key", "month", "1", "cash", "abc", map[string]string{"form": form}},
		{"hostile form key and plan", "bogus", "1", "cash", `"><script>alert("key")</script>`, map[string]string{"plan": plan}},
		{"over-long form key", "month", "1", "cash", strings.Repeat("k", 49), map[string]string{"form": form}},
		{"everything missing", "", "", "", "", map[string]string{"plan": plan, "pay_method": pay, "form": form}},
		{"everything wrong", "decade", "-99999999999999999999", "gold", "k", map[string]string{"plan": plan, "pay_method": pay, "form": form}},
	}
	ordersBefore, instancesBefore := countRows(t, srv, &orders.Order{}), countRows(t, srv, &orders.Instance{})
	for _, tc := range cases {
		for _, lang := range langs {
			where := fmt.Sprintf("buy %s (%s)", tc.name, lang)
			res := c.PostForm(withLang("/console/orders", lang), url.Values{"product_id": {itoa(crm.ID)}, "plan": {tc.plan}, "count": {tc.count}, "pay_method": {tc.pay}, "submit_key": {tc.submitKey}})
			checkBuyForm(t, where, res, lang, tc)
		}
	}
	// A second trial.
	for _, lang := range langs {
		res := c.PostForm(withLang("/console/orders", lang), url.Values{"product_id": {itoa(ocr.ID)}, "plan": {"trial"}, "count": {"1"}, "pay_method": {"cash"}, "submit_key": {key}})
		checkBuyForm(t, "second trial ("+lang+")", res, lang, buyCase{plan: "trial", count: "1", pay: "cash", submitKey: key, wantErrors: map[string]string{"plan": "purchase.err.trial_used"}})
	}
	// Unknown, forged, malformed and unsellable product ids: a 404, in the user's language.
	ids := map[string]string{
		"missing": "", "text": "abc", "negative": "-1", "zero": "0", "decimal": "1.5", "huge": "99999999999999999999",
		"past uint32": "4294967297", "unknown": "999999", "hostile": hostile, "delisted": itoa(delisted.ID), "frozen": itoa(frozen.ID),
	}
	for name, id := range ids {
		for _, lang := range langs {
			res := c.PostForm(withLang("/console/orders", lang), url.Values{"product_id": {id}, "plan": {"month"}, "count": {"1"}, "pay_method": {"cash"}, "submit_key": {key}})
			errorPage(t, fmt.Sprintf("buy with %s product id (%s)", name, lang), res, http.StatusNotFound, lang)
		}
	}
	if a, b := countRows(t, srv, &orders.Order{}), countRows(t, srv, &orders.Instance{}); a != ordersBefore || b != instancesBefore {
		t.Fatalf("bad purchases changed the database: orders %d → %d, services %d → %d", ordersBefore, a, instancesBefore, b)
	}
	// The same form, corrected, goes through: nothing above spent its key.
	res := c.PostForm("/console/orders", url.Values{"product_id": {itoa(crm.ID)}, "plan": {"month"}, "count": {"2"}, "pay_method": {"cash"}, "submit_key": {key}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("the corrected form: status %d", res.Status)
	}
}

// checkBuyForm checks a re-rendered purchase form: 422, the messages, the choices kept.
func checkBuyForm(t *testing.T, where string, res apptest.Response, lang string, tc buyCase) {
	t.Helper()
	if res.Status != http.StatusUnprocessableEntity {
		t.Errorf("%s: status %d, want 422", where, res.Status)
		return
	}
	assertEscaped(t, where, res)
	doc := parseHTML(t, res.Body)
	form := doc.Find(`[data-testid="buy-form"]`)
	if form.Length() != 1 {
		t.Errorf("%s: the purchase form is not shown again", where)
		return
	}
	for _, field := range []string{"form", "plan", "count", "pay_method"} {
		got := strings.TrimSpace(form.Find(`[data-testid="` + field + `-error"]`).Text())
		want := ""
		if k := tc.wantErrors[field]; k != "" {
			want = msgIn(t, lang, k)
		}
		if got != want {
			t.Errorf("%s: %s message %q, want %q", where, field, got, want)
		}
	}
	if got, want := form.Find(`input[name="count"]`).AttrOr("value", "?"), clipped(tc.count, 20); got != want {
		t.Errorf("%s: count kept as %q, want %q", where, got, want)
	}
	offered := map[string]bool{}
	form.Find(`input[name="plan"]`).Each(func(_ int, s *goquery.Selection) { offered[s.AttrOr("value", "")] = true })
	if got := form.Find(`input[name="plan"]:checked`).AttrOr("value", ""); got != tc.plan && (got != "" || offered[tc.plan]) {
		t.Errorf("%s: plan %q checked, typed %q", where, got, tc.plan)
	}
	if got := form.Find(`input[name="pay_method"]:checked`).AttrOr("value", ""); got != tc.pay && (got != "" || isPay(tc.pay)) {
		t.Errorf("%s: pay method %q checked, typed %q", where, got, tc.pay)
	}
	gotKey := form.Find(`input[name="submit_key"]`).AttrOr("value", "")
	if tc.wantErrors["form"] != "" {
		if len(gotKey) < 16 || gotKey == tc.submitKey {
			t.Errorf("%s: an expired form key must be replaced, got %q", where, gotKey)
		}
	} else if gotKey != clipped(tc.submitKey, 64) {
		t.Errorf("%s: form key %q, want the one submitted", where, gotKey)
	}
}

func isPay(s string) bool {
	for _, m := range orders.PayMethods {
		if string(m) == s {
			return true
		}
	}
	return false
}

// buyerService finds one of buyer@demo.test's demo services by product code.
func buyerService(t *testing.T, srv *apptest.Server, email, code string) orders.Instance {
	t.Helper()
	db := srv.App.Store.DB()
	var u account.User
	noErr(t, db.Where("email = ?", email).First(&u).Error)
	p := productByCode(t, srv, code)
	var in orders.Instance
	noErr(t, db.Where("buyer_id = ? AND product_id = ?", u.ID, p.ID).Order("id").First(&in).Error)
	return in
}

func TestBadInputRenew(t *testing.T) {
	srv := apptest.Start(t, apptest.Options{})
	c := srv.Client(t)
	c.Login("buyer@demo.test")
	crm := buyerService(t, srv, "buyer@demo.test", "00301-100001-0--0")    // normal, monthly/yearly
	ocr := buyerService(t, srv, "buyer@demo.test", "00302-200004-0--0")    // trial
	lamp := buyerService(t, srv, "buyer@demo.test", "00301-100005-0--0")   // on demand: not periodic
	form := buyerService(t, srv, "buyer@demo.test", "00301-100002-0--0")   // one-time, released
	other := buyerService(t, srv, "buyer2@demo.test", "00301-100001-0--0") // buyer2's CRM
	key := "renew-0123456789abcdef"
	plan, count, pay, formKey := "purchase.err.plan", "purchase.err.count", "purchase.err.pay_method", "purchase.err.submit_key"
	cases := []buyCase{
		{"no plan", "", "1", "cash", key, map[string]string{"plan": plan}},
		{"unknown plan", "week", "1", "cash", key, map[string]string{"plan": plan}},
		{"trial plan", "trial", "1", "cash", key, map[string]string{"plan": plan}},
		{"hostile plan", hostile, "1", "cash", key, map[string]string{"plan": plan}},
		{"no count", "month", "", "cash", key, map[string]string{"count": count}},
		{"negative count", "month", "-3", "cash", key, map[string]string{"count": count}},
		{"huge count", "year", "99999999999999999999", "cash", key, map[string]string{"count": count}},
		{"decimal count", "month", "2.5", "cash", key, map[string]string{"count": count}},
		{"four years", "year", "4", "cash", key, map[string]string{"count": count}},
		{"hostile count", "month", hostile, "cash", key, map[string]string{"count": count}},
		{"no pay method", "month", "1", "", key, map[string]string{"pay_method": pay}},
		{"hostile pay method", "month", "1", hostile, key, map[string]string{"pay_method": pay}},
		{"no form key", "month", "1", "cash", "", map[string]string{"form": formKey}},
		{"everything missing", "", "", "", "", map[string]string{"plan": plan, "pay_method": pay, "form": formKey}},
	}
	ordersBefore := countRows(t, srv, &orders.Order{})
	for _, tc := range cases {
		for _, lang := range langs {
			where := fmt.Sprintf("renew %s (%s)", tc.name, lang)
			res := c.PostForm(withLang("/console/services/"+itoa(crm.ID)+"/renew", lang), url.Values{"plan": {tc.plan}, "count": {tc.count}, "pay_method": {tc.pay}, "submit_key": {tc.submitKey}})
			checkRenewForm(t, where, res, lang, tc)
		}
	}
	// Services that cannot be renewed say so, in place.
	for name, in := range map[string]orders.Instance{"on-demand": lamp, "released": form} {
		for _, lang := range langs {
			where := fmt.Sprintf("renew the %s service (%s)", name, lang)
			res := c.PostForm(withLang("/console/services/"+itoa(in.ID)+"/renew", lang), url.Values{"plan": {"month"}, "count": {"1"}, "pay_method": {"cash"}, "submit_key": {key}})
			if res.Status != http.StatusUnprocessableEntity {
				t.Errorf("%s: status %d, want 422", where, res.Status)
				continue
			}
			assertEscaped(t, where, res)
			if got, want := strings.TrimSpace(parseHTML(t, res.Body).Find(`[data-testid="renew-error"]`).Text()), msgIn(t, lang, "purchase.err.not_renewable"); got != want {
				t.Errorf("%s: the page says %q, want %q", where, got, want)
			}
		}
	}
	// The trial service may become formal, but not by another trial.
	for _, lang := range langs {
		res := c.PostForm(withLang("/console/services/"+itoa(ocr.ID)+"/renew", lang), url.Values{"plan": {"trial"}, "count": {"1"}, "pay_method": {"cash"}, "submit_key": {key}})
		checkRenewForm(t, "renew a trial with a trial ("+lang+")", res, lang, buyCase{plan: "trial", count: "1", pay: "cash", submitKey: key, wantErrors: map[string]string{"plan": plan}})
	}
	// Someone else's, unknown and malformed services are a 404 that shows nothing of them.
	var otherOrder orders.Order
	noErr(t, srv.App.Store.DB().First(&otherOrder, other.OrderID).Error)
	for name, id := range map[string]string{"another buyer's": itoa(other.ID), "unknown": "999999", "text": "abc", "negative": "-1", "huge": "99999999999999999999"} {
		for _, lang := range langs {
			where := fmt.Sprintf("renew %s service (%s)", name, lang)
			res := c.PostForm(withLang("/console/services/"+id+"/renew", lang), url.Values{"plan": {"month"}, "count": {"1"}, "pay_method": {"cash"}, "submit_key": {key}})
			errorPage(t, where, res, http.StatusNotFound, lang)
			if strings.Contains(res.Body, otherOrder.OrderNo) {
				t.Errorf("%s: shows the other buyer's order number", where)
			}
		}
	}
	var after orders.Instance
	noErr(t, srv.App.Store.DB().First(&after, crm.ID).Error)
	if !after.ExpireAt.Equal(*crm.ExpireAt) || after.Status != crm.Status {
		t.Errorf("bad renewals changed the service: expiry %v → %v", crm.ExpireAt, after.ExpireAt)
	}
	var otherAfter orders.Instance
	noErr(t, srv.App.Store.DB().First(&otherAfter, other.ID).Error)
	if !otherAfter.ExpireAt.Equal(*other.ExpireAt) {
		t.Errorf("another buyer's service was extended")
	}
	if n := countRows(t, srv, &orders.Order{}); n != ordersBefore {
		t.Fatalf("bad renewals made %d orders", n-ordersBefore)
	}
}

// checkRenewForm checks a re-rendered renewal form: 422, the messages, the choices kept.
func checkRenewForm(t *testing.T, where string, res apptest.Response, lang string, tc buyCase) {
	t.Helper()
	if res.Status != http.StatusUnprocessableEntity {
		t.Errorf("%s: status %d, want 422", where, res.Status)
		return
	}
	assertEscaped(t, where, res)
	form := parseHTML(t, res.Body).Find(`[data-testid="renew-form"]`)
	if form.Length() != 1 {
		t.Errorf("%s: the renewal form is not shown again", where)
		return
	}
	for _, field := range []string{"form", "plan", "count", "pay_method"} {
		got := strings.TrimSpace(form.Find(`[data-testid="` + field + `-error"]`).Text())
		want := ""
		if k := tc.wantErrors[field]; k != "" {
			want = msgIn(t, lang, k)
		}
		if got != want {
			t.Errorf("%s: %s message %q, want %q", where, field, got, want)
		}
	}
	if got, want := form.Find(`input[name="count"]`).AttrOr("value", "?"), clipped(tc.count, 20); got != want {
		t.Errorf("%s: count kept as %q, want %q", where, got, want)
	}
	// A select always shows a plan: an unknown or missing one shows the first, with the message.
	if got := form.Find(`select[name="plan"] option[selected]`).AttrOr("value", ""); (tc.plan == "month" || tc.plan == "year") && got != tc.plan {
		t.Errorf("%s: plan %q selected, typed %q", where, got, tc.plan)
	}
	if got := form.Find(`select[name="pay_method"] option[selected]`).AttrOr("value", ""); got != tc.pay && (got != "" || isPay(tc.pay)) {
		t.Errorf("%s: pay method %q selected, typed %q", where, got, tc.pay)
	}
	gotKey := form.Find(`input[name="submit_key"]`).AttrOr("value", "")
	if tc.wantErrors["form"] != "" {
		if len(gotKey) < 16 || gotKey == tc.submitKey {
			t.Errorf("%s: an expired form key must be replaced, got %q", where, gotKey)
		}
	} else if gotKey != tc.submitKey {
		t.Errorf("%s: form key %q, want the one submitted", where, gotKey)
	}
}

func TestBadInputFavorites(t *testing.T) {
	srv := apptest.Start(t, apptest.Options{})
	c := srv.Client(t)
	c.Login("buyer@demo.test")
	delisted := productByCode(t, srv, "00302-200005-0--0")
	frozen := productByCode(t, srv, "00301-100007-0--0")
	before := countRows(t, srv, &catalog.Favorite{})
	ids := map[string]string{
		"missing": "", "text": "abc", "negative": "-5", "zero": "0", "huge": "99999999999999999999", "unknown": "999999",
		"hostile": hostile, "delisted": itoa(delisted.ID), "frozen": itoa(frozen.ID), "SQL": "1 OR 1=1",
	}
	for name, id := range ids {
		for _, lang := range langs {
			res := c.PostForm(withLang("/console/favorites", lang), url.Values{"product_id": {id}})
			errorPage(t, fmt.Sprintf("favorite a %s product (%s)", name, lang), res, http.StatusNotFound, lang)
		}
	}
	// The htmx button gets the same answer.
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/console/favorites?lang=en", strings.NewReader(url.Values{"product_id": {"999999"}, "_csrf": {c.CSRFToken()}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	res := c.Do(req)
	errorPage(t, "htmx favorite of an unknown product", res, http.StatusNotFound, i18n.EN)
	if strings.Contains(res.Body, "<html") {
		t.Errorf("an htmx error answer is a whole page")
	}
	for name, path := range map[string]string{"text": "/console/favorites/abc/delete", "zero": "/console/favorites/0/delete", "huge": "/console/favorites/99999999999999999999/delete"} {
		for _, lang := range langs {
			res := c.PostForm(withLang(path, lang), nil)
			errorPage(t, fmt.Sprintf("unfavorite a %s id (%s)", name, lang), res, http.StatusNotFound, lang)
		}
	}
	// Removing what is not there is harmless.
	if res := c.PostForm("/console/favorites/999999/delete", nil); res.Status != http.StatusSeeOther {
		t.Errorf("unfavorite an unknown product: status %d", res.Status)
	}
	if n := countRows(t, srv, &catalog.Favorite{}); n != before {
		t.Fatalf("bad favorites changed the table: %d → %d rows", before, n)
	}
}

func TestBadInputCatalogSearch(t *testing.T) {
	for _, d := range apptest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			srv := apptest.Start(t, apptest.Options{Dialect: d})
			c := srv.Client(t)
			onSale := countRows(t, srv, &catalog.Product{})
			cases := []struct {
				q     string
				cards int // -1: any
			}{
				{"%", 0}, {"_", 0}, {"%%", 0}, {"100%", 0}, {"a_b", 0}, {`\`, 0}, {`\%`, 0}, {"'", 0}, {`"`, 0}, {"`", 0},
				{"' OR '1'='1", 0}, {"'; DROP TABLE products; --", 0}, {hostile, 0}, {strings.Repeat("云", 5000), 0},
				{"\xff\xfe", 0}, {"云启", 1}, {"  云启CRM  ", 1}, {"api", 1},
			}
			for _, tc := range cases {
				for _, lang := range langs {
					where := fmt.Sprintf("search %.40q (%s)", tc.q, lang)
					res := c.Get("/?lang=" + lang + "&q=" + url.QueryEscape(tc.q))
					if res.Status != http.StatusOK {
						t.Errorf("%s: status %d", where, res.Status)
						continue
					}
					assertEscaped(t, where, res)
					doc := parseHTML(t, res.Body)
					if tc.cards >= 0 {
						if n := doc.Find(`[data-testid="product-card"]`).Length(); n != tc.cards {
							t.Errorf("%s: %d products, want %d", where, n, tc.cards)
						}
					}
					if tc.cards == 0 && !strings.Contains(doc.Find(`[data-testid="empty"]`).Text(), msgIn(t, lang, "catalog.empty")) {
						t.Errorf("%s: no 'nothing found' message", where)
					}
					if utf8.ValidString(tc.q) {
						if got, want := doc.Find(`[data-testid="catalog-search"]`).AttrOr("value", "?"), clipped(strings.TrimSpace(tc.q), 100); got != want {
							t.Errorf("%s: search box keeps %.40q, want %.40q", where, got, want)
						}
					}
				}
			}
			for _, typ := range []string{hostile, "SAAS", "' OR 1=1", "saas%"} {
				res := c.Get("/?type=" + url.QueryEscape(typ))
				if res.Status != http.StatusOK {
					t.Errorf("type %q: status %d", typ, res.Status)
				}
				assertEscaped(t, "type "+typ, res)
			}
			if n := countRows(t, srv, &catalog.Product{}); n != onSale {
				t.Fatalf("searching changed the products: %d → %d", onSale, n)
			}
		})
	}
}

func TestBadInputPagination(t *testing.T) {
	srv := apptest.Start(t, apptest.Options{})
	anonymous, b, s := srv.Client(t), srv.Client(t), srv.Client(t)
	b.Login("buyer@demo.test")
	s.Login("seller@demo.test")
	pages := map[string]*apptest.Client{
		"/": anonymous, "/console/orders": b, "/console/services": b, "/console/favorites": b, "/seller/products": s,
	}
	for path, c := range pages {
		for _, p := range []string{"-1", "0", "abc", "1e9", "1.5", "99999999999999999999", "2147483648", "9223372036854775807", "1000000000", hostile, "%00"} {
			where := path + "?page=" + p
			res := c.Get(path + "?page=" + url.QueryEscape(p))
			if res.Status != http.StatusOK {
				t.Errorf("%s: status %d", where, res.Status)
				continue
			}
			assertEscaped(t, where, res)
		}
	}
	// A page past the end is empty, with a way back.
	res := b.Get("/console/orders?page=50")
	doc := parseHTML(t, res.Body)
	if doc.Find(`[data-testid="pager-prev"]`).Length() != 1 || doc.Find(`[data-testid="pager-next"]`).Length() != 0 {
		t.Errorf("page 50 of the orders: want a link back and none forward")
	}
}

func TestErrorPagesLeakNothing(t *testing.T) {
	srv := apptest.Start(t, apptest.Options{})
	anonymous, b := srv.Client(t), srv.Client(t)
	b.Login("buyer@demo.test")
	for _, lang := range langs {
		errorPage(t, "unknown page", anonymous.Get(withLang("/no/such/page", lang)), http.StatusNotFound, lang)
		errorPage(t, "unknown product", anonymous.Get(withLang("/products/999999", lang)), http.StatusNotFound, lang)
		errorPage(t, "product id past uint32", anonymous.Get(withLang("/products/4294967297", lang)), http.StatusNotFound, lang)
		errorPage(t, "hostile path", anonymous.Get(withLang("/products/"+url.PathEscape(hostile), lang)), http.StatusNotFound, lang)
		errorPage(t, "another area", b.Get(withLang("/seller", lang)), http.StatusForbidden, lang)
		errorPage(t, "GET of a POST-only route", b.Get(withLang("/logout", lang)), http.StatusMethodNotAllowed, lang)
		res := b.PostRaw(withLang("/console/favorites", lang), url.Values{"product_id": {"1"}})
		if res.Status != http.StatusForbidden {
			t.Errorf("POST without token: status %d", res.Status)
		} else if got, want := strings.TrimSpace(parseHTML(t, res.Body).Find(`[data-testid="error-page"] h1`).Text()), msgIn(t, lang, "error.csrf.title"); got != want {
			t.Errorf("POST without token (%s): title %q, want %q", lang, got, want)
		}
		assertEscaped(t, "POST without token", res)
	}
	// A body past the limit.
	big := url.Values{"email": {strings.Repeat("x", 13<<20)}}
	errorPage(t, "oversized body", anonymous.PostForm("/login?lang=en", big), http.StatusRequestEntityTooLarge, i18n.EN)

	// A database failure is a 500 that says nothing of SQL.
	noErr(t, srv.App.Store.DB().Exec("DROP TABLE favorites").Error)
	for _, lang := range langs {
		res := b.Get(withLang("/console/favorites", lang))
		if res.Status != http.StatusInternalServerError {
			t.Fatalf("favorites without their table: status %d", res.Status)
		}
		doc := parseHTML(t, res.Body)
		if got, want := strings.TrimSpace(doc.Find(`[data-testid="error-page"] h1`).Text()), msgIn(t, lang, "error.Internal Server Error.title"); got != want {
			t.Errorf("500 page title %q, want %q", got, want)
		}
		if doc.Find(`[data-testid="error-page"] code`).Text() == "" {
			t.Errorf("the 500 page gives no request id to quote")
		}
		for _, leak := range []string{"favorites`", "no such table", "SQL", "sqlite", "gorm"} {
			if strings.Contains(scrubTokens(res.Body), leak) {
				t.Errorf("the 500 page shows %q", leak)
			}
		}
		assertNoLeak(t, "500 page", res)
	}
}
