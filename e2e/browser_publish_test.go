package e2e

import (
	"context"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"koogallery/protocol"
	"koogallery/refseller"
)

// Issue #9 in the browser: a seller creates a periodic SaaS product, is told which debug cases
// are missing, runs them against the reference seller from the product page's links, submits;
// an admin approves; a buyer finds and buys it, and the purchase reaches the seller's endpoint.
func TestBrowserPublish(t *testing.T) {
	t.Parallel()
	srv, b := startBrowser(t)
	dialogs := b.acceptDialogs()

	// seller@demo.test has a certified address served by the reference seller (behind a tap
	// that records what reaches it), with a key bound for basic calls.
	sellerID := sellerOf(t, srv, "seller@demo.test")
	tap := &sellerTap{}
	ep := httptest.NewServer(tap)
	t.Cleanup(ep.Close)
	addr, key := certifiedAddress(t, srv, sellerID, ep.URL)
	secret, err := srv.App.Keys.Open(key)
	dbgCheck(t, err)
	ref, err := refseller.New(refseller.Options{AccessKey: secret, Logger: quietLog()})
	dbgCheck(t, err)
	tap.Inner = ref
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); srv.App.Dispatcher.Run(ctx) }()
	t.Cleanup(func() { stop(); <-done })

	const (
		name = "浏览器上架测试云服务"
		path = "/produce" // any path: the reference seller answers on every one
	)
	periodic := []string{"newInstance", "refreshInstance:RENEWAL", "updateInstanceStatus", "releaseInstance"}

	// 1. The seller creates the product as a draft.
	b.login("seller@demo.test")
	b.nav("我的商品")
	b.wantPath("/seller/products")
	if st := b.follow(tid("product-new")); st != 200 {
		t.Fatalf("new product page: status %d", st)
	}
	b.wantPath("/seller/products/new")
	b.noRawKeys()
	b.step("fill the product form",
		chromedp.SendKeys(chromedp.CSS(tid("product-name")), name, chromedp.NodeVisible),
	)
	b.choose(tid("product-type"), "saas")
	b.choose(tid("product-mode"), "PERIOD")
	b.step("fill the price and the interface",
		chromedp.SendKeys(chromedp.CSS(tid("product-price_month")), "88", chromedp.NodeVisible),
	)
	b.choose(tid("product-address"), itoa(addr.ID))
	b.step("type the path", chromedp.SendKeys(chromedp.CSS(tid("product-path")), path, chromedp.NodeVisible))
	b.shot("publish-form")
	if st := b.follow(tid("product-save")); st != 200 {
		t.Fatalf("save the product: status %d", st)
	}
	productPath := eval[string](b, `location.pathname`)
	m := regexp.MustCompile(`^/seller/products/(\d+)$`).FindStringSubmatch(productPath)
	if m == nil {
		t.Fatalf("after saving at %s (errors: %q %q)", productPath, b.texts(".field-error"), b.text(tid("form-error")))
	}
	productID := m[1]
	if got := b.text(tid("flash-success")); got != "已保存草稿。" {
		t.Errorf("save flash = %q", got)
	}
	b.wantTitle(name)

	// 2. The page says what listing still needs: the four periodic cases, each with its link.
	if got := b.attr(tid("product-readiness"), "data-ready"); got != "false" {
		t.Fatalf("readiness data-ready = %q before any case", got)
	}
	if n := b.count(tid("product-problems") + ` li[data-key="product.ready.cases"]`); n != 1 {
		t.Errorf("problems do not name the missing cases: %q", b.texts(tid("product-problems")+" li"))
	}
	if got := b.texts(tid("product-problems") + " li"); len(got) != 1 {
		t.Errorf("problems = %q, want only the cases", got)
	}
	if got := b.scenarios(`[data-state="missing"]`); !slices.Equal(got, periodic) {
		t.Fatalf("missing cases = %q, want %q", got, periodic)
	}
	if got := b.attrs(tid("product-case-debug"), "data-scenario"); !slices.Equal(got, periodic) {
		t.Fatalf("debug links = %q, want one per missing case", got)
	}
	href := b.attr(tid("product-case-debug"), "href")
	if u, err := url.Parse(href); err != nil || u.Path != "/seller/debug" || u.Query().Get("kind") != "saas" ||
		u.Query().Get("scenario") != "newInstance" || u.Query().Get("address") != itoa(addr.ID) || u.Query().Get("path") != path {
		t.Errorf("first debug link = %q", href)
	}
	b.noRawKeys()
	b.shot("publish-not-ready")

	// 3. Each missing case: follow its link, 调测并保存用例, come back.
	for i, sc := range periodic {
		link := tid("product-case-debug") + `[data-scenario="` + sc + `"]`
		if st := b.follow(link); st != 200 {
			t.Fatalf("debug %s: status %d", sc, st)
		}
		b.wantPath("/seller/debug")
		if got := eval[string](b, `document.querySelector('[data-testid="debug-form"] input[name="scenario"]').value`); got != sc {
			t.Fatalf("the debug page opened on scenario %q, want %q", got, sc)
		}
		if got := b.text(tid("debug-target-url")); got != ep.URL+path {
			t.Errorf("debug target = %q, want %q", got, ep.URL+path)
		}
		b.armHTMX()
		b.htmxClick(tid("debug-save"))
		if got := b.text(tid("debug-saved")); !strings.Contains(got, "调测用例成功并保存成功") {
			t.Fatalf("%s: after 调测并保存用例: %q (error: %q, report: %q)", sc, got, b.text(tid("debug-error")), b.text(tid("report")))
		}
		if b.count(tid("report")+`[data-passed="true"]`) != 1 {
			t.Fatalf("%s: no passing report", sc)
		}
		b.noRawKeys()

		if st := b.open(productPath); st != 200 {
			t.Fatalf("back to the product: status %d", st)
		}
		if got := b.scenarios(`[data-state="passed"]`); !slices.Equal(got, periodic[:i+1]) {
			t.Errorf("after %s passed cases = %q", sc, got)
		}
	}
	if got := b.attr(tid("product-readiness"), "data-ready"); got != "true" {
		t.Fatalf("readiness after all cases = %q (problems %q)", got, b.texts(tid("product-problems")+" li"))
	}
	if b.count(tid("product-problems")) != 0 || b.count(tid("product-case-debug")) != 0 {
		t.Error("a ready product still lists problems or debug links")
	}
	b.shot("publish-ready")

	// 4. Submit, confirming the first-listing warning.
	if st := b.follow(tid("product-submit")); st != 200 {
		t.Fatalf("submit: status %d", st)
	}
	b.wantPath(productPath)
	if got := dialogs.last(); !strings.Contains(got, "确定提交审核") {
		t.Errorf("submit confirmation = %q", got)
	}
	if got := b.text(tid("flash-success")); got != "已提交审核。" {
		t.Errorf("submit flash = %q (error flash %q)", got, b.text(tid("flash-error")))
	}
	if got := b.attr(tid("product-open"), "data-status"); got != "reviewing" {
		t.Fatalf("open version status = %q after submitting", got)
	}
	if b.count(tid("product-withdraw")) != 1 || b.count(tid("product-submit")) != 0 {
		t.Error("a version under review should offer withdraw, not submit")
	}
	b.noRawKeys()
	if st := b.follow(tid("logout")); st != 200 {
		t.Fatalf("log out: %d", st)
	}

	// 5. Operations approve it from the review queue.
	b.login("admin@demo.test")
	b.nav("商品审核")
	b.wantPath("/admin/products/reviews")
	b.wantActiveNav("商品审核")
	row := tid("review-row") + `[data-product-id="` + productID + `"]`
	if b.count(row) != 1 {
		t.Fatalf("the review queue does not list the product: %q", b.texts(tid("review-row")))
	}
	if got := b.text(row + " " + tid("review-kind")); got != "首次上架" {
		t.Errorf("review kind = %q, want a first listing", got)
	}
	b.noRawKeys()
	if st := b.follow(row + " " + tid("review-open")); st != 200 {
		t.Fatalf("open the review: status %d", st)
	}
	if got := b.attr(tid("review-status"), "data-status"); got != "reviewing" {
		t.Errorf("review status = %q", got)
	}
	if b.count(tid("approve-warning")) != 0 || b.count(tid("readiness-problems")) != 0 {
		t.Errorf("a ready product is approved with a warning: %q", b.text(tid("approve-warning")))
	}
	b.noRawKeys()
	b.shot("publish-review")
	if st := b.follow(tid("approve-submit")); st != 200 {
		t.Fatalf("approve: status %d", st)
	}
	b.wantPath("/admin/products/reviews")
	if got := b.text(tid("flash-success")); got != "已审核通过，新内容已生效。" {
		t.Errorf("approve flash = %q", got)
	}
	if b.count(row) != 0 {
		t.Error("the approved version is still in the queue")
	}
	if st := b.follow(tid("logout")); st != 200 {
		t.Fatalf("log out: %d", st)
	}

	// 6. The buyer finds it in the catalog and buys a month.
	b.login("buyer@demo.test")
	if st := b.follow(`.topnav a[href="/"]`); st != 200 {
		t.Fatalf("catalog: status %d", st)
	}
	b.step("search the catalog", chromedp.SendKeys(chromedp.CSS(tid("catalog-search")), name, chromedp.NodeVisible))
	if st := b.follow(`form[role="search"] button[type="submit"]`); st != 200 {
		t.Fatalf("search: status %d", st)
	}
	if got := b.texts(tid("product-card") + " h2"); !slices.Equal(got, []string{name}) {
		t.Fatalf("search %s found %q", name, got)
	}
	if st := b.follow(tid("product-card") + " a"); st != 200 {
		t.Fatalf("product page: status %d", st)
	}
	b.wantPath("/products/" + productID)
	b.wantTitle(name)
	b.noRawKeys()
	b.step("fill the buy form",
		chromedp.Click(chromedp.CSS(tid("plan-month")), chromedp.NodeVisible),
		chromedp.Clear(chromedp.CSS(tid("buy-count"))),
		chromedp.SendKeys(chromedp.CSS(tid("buy-count")), "1"),
		chromedp.Click(chromedp.CSS(tid("pay-cash")), chromedp.NodeVisible),
	)
	if st := b.follow(tid("buy-submit")); st != 200 {
		t.Fatalf("buy: status %d", st)
	}
	if p := eval[string](b, `location.pathname`); !orderPath.MatchString(p) {
		t.Fatalf("after buying at %s (errors: %q)", p, b.texts(".field-error"))
	}
	if got := b.text(tid("flash-success")); got != "购买成功，订单已创建。" {
		t.Errorf("buy flash = %q", got)
	}
	orderNo := b.text(tid("order-no"))
	if got := b.text(tid("order-paid")); got != "¥88.00" {
		t.Errorf("paid = %q, want ¥88.00", got)
	}
	if detail := b.text(tid("order-detail")); !strings.Contains(detail, name) || !strings.Contains(detail, "1 个月") {
		t.Errorf("order detail:\n%s", detail)
	}
	b.shot("publish-order")

	// 7. The purchase reaches the seller's endpoint: a newInstance for the order, not a test.
	var sellerInstance string
	waitFor(t, "the seller to receive newInstance for "+orderNo, func() bool {
		for _, in := range ref.Instances() {
			if in.OrderID == orderNo && in.TestFlag != protocol.TestFlagDebug {
				sellerInstance = in.ID
				return true
			}
		}
		return false
	})
	var news int
	for _, r := range tap.Seen() {
		if r.Activity == "newInstance" && r.OrderID == orderNo {
			news++
		}
	}
	if news != 1 {
		t.Errorf("%d newInstance requests for %s reached the seller, want 1", news, orderNo)
	}

	// The buyer's service page shows the seller's instance and its login once it is open.
	if st := b.follow(tid("order-service-link")); st != 200 {
		t.Fatalf("service page: status %d", st)
	}
	servicePath := b.path()
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(b.text(tid("service-detail")), sellerInstance) || b.count(tid("app-username")) != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("the service page does not show instance %s:\n%s", sellerInstance, b.text(tid("service-detail")))
		}
		time.Sleep(100 * time.Millisecond)
		if st := b.open(servicePath); st != 200 {
			t.Fatalf("service page: status %d", st)
		}
	}
	if got := b.text(tid("app-username")); !strings.HasPrefix(got, "user_") {
		t.Errorf("login name on the service page: %q", got)
	}
	b.wantTitle(name)
	b.shot("publish-service")
}

// choose picks the option with value in the select sel, as a user would (a change event).
func (b *tab) choose(sel, value string) {
	b.t.Helper()
	ok := eval[bool](b, `(() => { const s = document.querySelector(`+js(sel)+`);
		if (!s || !Array.from(s.options).some(o => o.value === `+js(value)+`)) return false;
		s.value = `+js(value)+`; s.dispatchEvent(new Event("change", {bubbles: true})); return true })()`)
	if !ok {
		b.t.Fatalf("no option %q in %s at %s", value, sel, b.path())
	}
}

// attr is the attribute name of the first match of sel, "" when there is none.
func (b *tab) attr(sel, name string) string {
	b.t.Helper()
	return eval[string](b, `(function(){const e=document.querySelector(`+js(sel)+`);return e?(e.getAttribute(`+js(name)+`)||""):""})()`)
}

// attrs is the attribute name of every match of sel.
func (b *tab) attrs(sel, name string) []string {
	b.t.Helper()
	return eval[[]string](b, `Array.from(document.querySelectorAll(`+js(sel)+`), e => e.getAttribute(`+js(name)+`) || "")`)
}

// scenarios lists the required-case chips of the product page matching state (an attribute
// selector), in order.
func (b *tab) scenarios(state string) []string {
	b.t.Helper()
	return b.attrs(tid("product-cases")+` span[data-scenario]`+state, "data-scenario")
}

// dialogLog is the messages of the JavaScript dialogs a tab accepted.
type dialogLog struct {
	mu   sync.Mutex
	msgs []string
}

func (d *dialogLog) last() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.msgs) == 0 {
		return ""
	}
	return d.msgs[len(d.msgs)-1]
}

// acceptDialogs accepts every JavaScript dialog the tab opens (form[data-confirm] asks with
// window.confirm) and records its message.
func (b *tab) acceptDialogs() *dialogLog {
	d := &dialogLog{}
	opening := chromedp.Events(b.ctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range opening {
			if err != nil {
				return
			}
			d.mu.Lock()
			d.msgs = append(d.msgs, ev.Message)
			d.mu.Unlock()
			if _, err := chromedp.Call(b.ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true}); err != nil && b.ctx.Err() == nil {
				b.t.Errorf("accept dialog %q: %v", ev.Message, err)
			}
		}
	}()
	return d
}
