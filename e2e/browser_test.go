package e2e

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// Each browser test starts its own server (fresh SQLite with demo data) and its own headless
// Chromium, so they run in parallel and cannot see each other's clicks.

const (
	crmName  = "云启CRM客户管理系统"
	crmCode  = "00301-100001-0--0"
	ocrName  = "身份证OCR识别 API" // seller2's product
	dataName = "全国行政区划数据集"    // the buyer's demo favorite
)

var orderPath = regexp.MustCompile(`^/console/orders/\d+$`)

// A buyer walks the console, keeps and drops a favorite (in place, with htmx), buys a
// product and logs out.
func TestBrowserBuyerJourney(t *testing.T) {
	t.Parallel()
	_, b := startBrowser(t)

	// Log in: the console's purchased services with the demo rows.
	if got := b.login("buyer@demo.test"); got != "/console/services" {
		t.Fatalf("buyer landed on %s", got)
	}
	if got := b.text(tid("flash-success")); got != "登录成功。" {
		t.Errorf("login flash = %q", got)
	}
	if got := b.text(tid("current-user")); !strings.Contains(got, "买家") {
		t.Errorf("current user = %q, want the buyer role shown", got)
	}
	b.wantTitle("已购买的服务")
	b.wantActiveNav("已购买的服务")
	if n := b.count(tid("services-table") + " " + tid("service-row")); n < 5 {
		t.Errorf("services table has %d rows, want the demo services", n)
	}
	if got := b.text(tid("services-table")); !strings.Contains(got, crmName) {
		t.Errorf("services table lacks %s:\n%s", crmName, got)
	}
	b.shot("console-services")

	// Walk the side navigation.
	b.nav("我的订单")
	b.wantPath("/console/orders")
	b.wantTitle("我的订单")
	b.wantActiveNav("我的订单")
	if n := b.count(tid("order-row")); n < 5 {
		t.Errorf("orders table has %d rows, want the demo orders", n)
	}
	b.shot("orders")

	b.nav("我的收藏")
	b.wantPath("/console/favorites")
	b.wantTitle("我的收藏")
	b.wantActiveNav("我的收藏")
	if got := b.texts(tid("favorite-row")); len(got) != 1 || !strings.Contains(got[0], dataName) {
		t.Errorf("favorites = %q, want only %s", got, dataName)
	}

	b.nav("已购买的服务")
	b.wantPath("/console/services")
	b.wantTitle("已购买的服务")

	// The catalog: search, then open the CRM product by its card.
	if st := b.follow(`.topnav a[href="/"]`); st != 200 {
		t.Fatalf("catalog: status %d", st)
	}
	b.wantPath("/")
	if n := b.count(tid("product-card")); n < 10 {
		t.Errorf("catalog shows %d products, want the demo catalog", n)
	}
	if got := b.text(tid("product-list")); strings.Contains(got, "旧版工单系统") || strings.Contains(got, "企业网盘 SaaS") {
		t.Errorf("catalog shows a delisted or frozen product:\n%s", got)
	}
	b.noRawKeys()
	b.shot("catalog")
	b.step("search the catalog", chromedp.SendKeys(chromedp.CSS(tid("catalog-search")), "CRM", chromedp.NodeVisible))
	if st := b.follow(`form[role="search"] button[type="submit"]`); st != 200 {
		t.Fatalf("search: status %d", st)
	}
	if got := b.texts(tid("product-card") + " h2"); !slices.Equal(got, []string{crmName}) {
		t.Errorf("search CRM found %q", got)
	}
	card := b.mark(tid("product-card")+" a", crmName, "crm")
	if st := b.follow(card); st != 200 {
		t.Fatalf("product page: status %d", st)
	}
	productPath := b.path()
	if !regexp.MustCompile(`^/products/\d+$`).MatchString(productPath) {
		t.Fatalf("card opened %s", productPath)
	}
	b.wantTitle(crmName)
	if got := b.text(".details code"); got != crmCode {
		t.Errorf("product code = %q", got)
	}
	b.shot("product")

	// Favorite it: htmx swaps the button in place, no page load. Back and forth once more.
	b.armHTMX()
	b.htmxClick(tid("favorite-add"))
	if b.count(tid("favorite-remove")) != 1 {
		t.Fatal("after adding, the button should turn into favorite-remove")
	}
	b.htmxClick(tid("favorite-remove"))
	b.htmxClick(tid("favorite-add"))
	if !eval[bool](b, `window.kgSamePage === true`) {
		t.Error("the favorite button reloaded the page instead of swapping in place")
	}
	if b.count(tid("favorite-add")) != 0 || b.count("#favorite-form") != 1 {
		t.Error("after adding, the page should hold exactly one favorite form, with the remove button")
	}
	if got := eval[string](b, `document.querySelector('[data-testid="favorite-remove"]').getAttribute("aria-pressed")`); got != "true" {
		t.Errorf("favorite-remove aria-pressed = %q", got)
	}

	// 我的收藏 lists it; remove it there.
	if st := b.follow(tid("nav-console")); st != 200 {
		t.Fatalf("console: status %d", st)
	}
	b.nav("我的收藏")
	if n := b.count(tid("favorite-row")); n != 2 {
		t.Errorf("favorites has %d rows, want 2", n)
	}
	b.shot("favorites")
	row := b.mark(tid("favorite-row"), crmName, "fav-crm")
	if st := b.follow(row + " " + tid("favorite-delete")); st != 200 {
		t.Fatalf("remove favorite: status %d", st)
	}
	b.wantPath("/console/favorites")
	if got := b.text(tid("flash-success")); got != "已取消收藏。" {
		t.Errorf("remove flash = %q", got)
	}
	if got := b.texts(tid("favorite-row")); len(got) != 1 || strings.Contains(got[0], crmName) {
		t.Errorf("after removal favorites = %q", got)
	}

	// Buy it: monthly, 2 months, coupon.
	if st := b.open(productPath); st != 200 {
		t.Fatalf("product page: status %d", st)
	}
	if b.count(tid("favorite-add")) != 1 {
		t.Error("product page after removal should offer favorite-add again")
	}
	b.step("fill the buy form",
		chromedp.Click(chromedp.CSS(tid("plan-month")), chromedp.NodeVisible),
		chromedp.Clear(chromedp.CSS(tid("buy-count"))),
		chromedp.SendKeys(chromedp.CSS(tid("buy-count")), "2"),
		chromedp.Click(chromedp.CSS(tid("pay-coupon")), chromedp.NodeVisible),
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
	if !regexp.MustCompile(`^CS\d{10}[A-Z]{5}$`).MatchString(orderNo) {
		t.Errorf("order number = %q", orderNo)
	}
	if got := b.text(tid("order-paid")); got != "¥198.00" {
		t.Errorf("paid = %q, want ¥198.00", got)
	}
	detail := b.text(tid("order-detail"))
	for _, want := range []string{crmName, "2 个月", "代金券"} {
		if !strings.Contains(detail, want) {
			t.Errorf("order detail lacks %q:\n%s", want, detail)
		}
	}
	b.noRawKeys()
	b.shot("order-detail")

	b.nav("我的订单")
	b.wantActiveNav("我的订单")
	if rows := b.texts(tid("order-row")); len(rows) == 0 || !strings.Contains(rows[0], orderNo) {
		t.Errorf("my orders does not list %s first: %q", orderNo, rows)
	}

	// Log out: back to the public site, the console needs a login again.
	if st := b.follow(tid("logout")); st != 200 {
		t.Fatalf("logout: status %d", st)
	}
	b.wantPath("/")
	if b.count(tid("current-user")) != 0 || b.count(tid("login-link")) != 1 {
		t.Error("after logout the top bar should show the login link and no user")
	}
	if got := b.text(tid("flash-info")); got != "您已安全退出。" {
		t.Errorf("logout flash = %q", got)
	}
	b.open("/console/services")
	b.wantPath("/login")
}

// A seller lands on the seller center and sees only their own products.
func TestBrowserSellerCenter(t *testing.T) {
	t.Parallel()
	_, b := startBrowser(t)

	if got := b.login("seller@demo.test"); got != "/seller" {
		t.Fatalf("seller landed on %s", got)
	}
	b.wantTitle("卖家中心")
	b.wantActiveNav("首页")
	if b.count(tid("nav-seller")) != 1 || b.count(tid("nav-console")) != 0 {
		t.Error("a seller's top bar should link the seller center, not the buyer console")
	}
	stats := b.texts(tid("seller-stats") + " .stat")
	if len(stats) != 4 {
		t.Fatalf("seller stats = %q", stats)
	}
	for _, s := range stats {
		n, err := strconv.Atoi(strings.Fields(s)[0])
		if err != nil || n <= 0 {
			t.Errorf("stat %q should start with a positive number", s)
		}
	}
	if got := b.text(tid("seller-stats")); !strings.Contains(got, "商品总数") || !strings.Contains(got, "在售商品") {
		t.Errorf("seller stats text = %q", got)
	}
	b.shot("seller-home")

	b.nav("我的商品")
	b.wantPath("/seller/products")
	b.wantTitle("我的商品")
	b.wantActiveNav("我的商品")
	products := b.text(tid("seller-products"))
	if !strings.Contains(products, crmName) || !strings.Contains(products, "企业网盘 SaaS") {
		t.Errorf("seller products lack their own (incl. frozen) products:\n%s", products)
	}
	if strings.Contains(products, ocrName) {
		t.Errorf("seller products show seller2's %s", ocrName)
	}
	if n := b.count(tid("seller-product-row")); n != 7 {
		t.Errorf("seller has %d product rows, want 7", n)
	}
	b.shot("seller-products")
}

// An admin lands on the operations console with the platform's numbers.
func TestBrowserAdminHome(t *testing.T) {
	t.Parallel()
	_, b := startBrowser(t)

	if got := b.login("admin@demo.test"); got != "/admin" {
		t.Fatalf("admin landed on %s", got)
	}
	b.wantTitle("运营管理")
	b.wantActiveNav("概览")
	stats := b.texts(tid("admin-stats") + " .stat")
	if len(stats) != 5 {
		t.Fatalf("admin stats = %q", stats)
	}
	want := map[string]int{"商家": 2, "买家": 2}
	for _, s := range stats {
		f := strings.Fields(s)
		n, err := strconv.Atoi(f[0])
		if err != nil || n <= 0 {
			t.Errorf("stat %q should start with a positive number", s)
			continue
		}
		if w, ok := want[f[len(f)-1]]; ok && n != w {
			t.Errorf("stat %q, want %d", s, w)
		}
	}
	b.shot("admin-home")
}

// The language switch turns the pages English, the session remembers it, and it switches back.
func TestBrowserLanguageSwitch(t *testing.T) {
	t.Parallel()
	_, b := startBrowser(t)
	b.login("buyer@demo.test")
	chrome := []string{tid("sidenav"), ".topnav", "thead", ".filter-bar", tid("page-title"), ".crumbs", ".badge", ".actions", tid("logout")}

	if got := b.text(tid("lang-switch")); got != "English" {
		t.Errorf("lang switch on a Chinese page = %q", got)
	}
	if st := b.follow(tid("lang-switch")); st != 200 {
		t.Fatalf("switch to English: status %d", st)
	}
	b.wantPath("/console/services")
	if got := eval[string](b, `document.documentElement.lang`); got != "en" {
		t.Errorf("html lang = %q", got)
	}
	b.wantTitle("Purchased Services")
	nav := b.text(tid("sidenav"))
	for _, want := range []string{"My Marketplace", "Purchased Services", "My Orders", "My Favorites"} {
		if !strings.Contains(nav, want) {
			t.Errorf("English side navigation lacks %q:\n%s", want, nav)
		}
	}
	if got := b.text(tid("lang-switch")); got != "中文" {
		t.Errorf("lang switch on an English page = %q", got)
	}
	if bad := b.untranslated(chrome...); len(bad) > 0 {
		t.Errorf("untranslated on English services page: %q", bad)
	}
	b.shot("en-services")

	// Remembered: the next pages have no ?lang and stay English.
	b.nav("My Orders")
	if got := b.path(); got != "/console/orders" {
		t.Errorf("side navigation went to %s", got)
	}
	b.wantTitle("My Orders")
	if bad := b.untranslated(chrome...); len(bad) > 0 {
		t.Errorf("untranslated on English orders page: %q", bad)
	}
	b.shot("en-orders")
	b.nav("My Favorites")
	b.wantTitle("My Favorites")
	if bad := b.untranslated(chrome...); len(bad) > 0 {
		t.Errorf("untranslated on English favorites page: %q", bad)
	}
	b.open("/")
	if got := b.text(".hero h1"); got != "KooGallery Marketplace" {
		t.Errorf("English catalog heading = %q", got)
	}
	if bad := b.untranslated(".hero", ".type-chips", ".type-tag", ".price", ".topnav"); len(bad) > 0 {
		t.Errorf("untranslated on English catalog: %q", bad)
	}
	b.shot("en-catalog")
	b.follow(b.mark(tid("product-card")+" a", crmName, "crm"))
	if got := b.text(tid("buy-panel") + " h2"); got != "Buy" {
		t.Errorf("English buy panel heading = %q", got)
	}
	// The spec choices carry the seller's spec names (data, like product names): left out.
	buyChrome := tid("buy-panel") + " :is(h2, legend, p, button, label:not(.spec-choice))"
	if bad := b.untranslated(buyChrome, ".tags", ".details dt", ".page-actions", ".crumbs a"); len(bad) > 0 {
		t.Errorf("untranslated on English product page: %q", bad)
	}
	b.shot("en-product")

	// Back to Chinese, and it stays Chinese.
	if st := b.follow(tid("lang-switch")); st != 200 {
		t.Fatalf("switch to Chinese: status %d", st)
	}
	if got := b.text(tid("buy-panel") + " h2"); got != "购买" {
		t.Errorf("Chinese buy panel heading = %q", got)
	}
	b.open("/console/services")
	b.wantTitle("已购买的服务")
	if got := eval[string](b, `document.documentElement.lang`); got != "zh-CN" {
		t.Errorf("html lang after switching back = %q", got)
	}
}

// An invalid count re-renders the buy form with the message and the choices kept; fixing it buys.
func TestBrowserBuyFormValidation(t *testing.T) {
	t.Parallel()
	_, b := startBrowser(t)
	b.login("buyer@demo.test")
	b.open("/")
	if st := b.follow(b.mark(tid("product-card")+" a", crmName, "crm")); st != 200 {
		t.Fatalf("product page: status %d", st)
	}
	productPath := b.path()

	b.step("fill the buy form with 99 years",
		chromedp.Click(chromedp.CSS(tid("plan-year")), chromedp.NodeVisible),
		chromedp.Clear(chromedp.CSS(tid("buy-count"))),
		chromedp.SendKeys(chromedp.CSS(tid("buy-count")), "99"),
		chromedp.Click(chromedp.CSS(tid("pay-credit")), chromedp.NodeVisible),
	)
	b.allow("status of 422") // Chromium logs the re-rendered form's status as an error
	if st := b.follow(tid("buy-submit")); st != 422 {
		t.Errorf("invalid count: status %d, want 422", st)
	}
	if got := b.path(); got != "/console/orders" {
		t.Errorf("form re-rendered at %s", got)
	}
	if got := b.text(tid("count-error")); got != "请输入有效的时长：按月 1–9，按年 1–3 的整数。" {
		t.Errorf("count error = %q", got)
	}
	if errs := b.count(".field-error"); errs != 1 {
		t.Errorf("%d field errors, want only the count's: %q", errs, b.texts(".field-error"))
	}
	checked := eval[[]string](b, `Array.from(document.querySelectorAll('[data-testid="buy-form"] input[type=radio]:checked'), e => e.dataset.testid)`)
	if !slices.Equal(checked, []string{"spec-basic", "plan-year", "pay-credit"}) {
		t.Errorf("checked after the error = %q, want spec-basic, plan-year and pay-credit", checked)
	}
	if got := eval[string](b, `document.querySelector('[data-testid="buy-count"]').value`); got != "99" {
		t.Errorf("count kept = %q", got)
	}
	if got := b.text(tid("page-title")); got != crmName {
		t.Errorf("re-rendered page title = %q", got)
	}
	b.noRawKeys()
	b.shot("buy-form-error")

	// Correct it and buy.
	b.step("fix the count",
		chromedp.Clear(chromedp.CSS(tid("buy-count"))),
		chromedp.SendKeys(chromedp.CSS(tid("buy-count")), "1"),
	)
	if st := b.follow(tid("buy-submit")); st != 200 {
		t.Fatalf("buy after fixing: status %d", st)
	}
	if p := eval[string](b, `location.pathname`); !orderPath.MatchString(p) {
		t.Fatalf("after fixing at %s (errors %q), from %s", p, b.texts(".field-error"), productPath)
	}
	if got := b.text(tid("order-paid")); got != "¥990.00" {
		t.Errorf("paid = %q, want ¥990.00 for one year", got)
	}
}
