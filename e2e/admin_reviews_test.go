package e2e

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"koogallery/apptest"
	"koogallery/i18n"
	"koogallery/models/account"
	"koogallery/models/catalog"
	"koogallery/models/sqldb"
)

// Operations' listing review (商品审核): submitted versions queue oldest first; the review page
// shows the content with a change's differences, the readiness as the platform sees it now and
// the stored case re-run; approval puts a product on the catalog even when readiness is not met
// (with a warning); rejection needs a reason the seller reads; a second decision is refused
// politely and audited once.
func TestAdminReviews(t *testing.T) {
	for _, d := range apptest.Dialects {
		t.Run(string(d), func(t *testing.T) { runAdminReviews(t, d) })
	}
}

// reviewRawKey is an i18n key of the review pages shown untranslated.
var reviewRawKey = regexp.MustCompile(`\b(review|product|cases|scenario|plan|charging|address|nav|adminproducts|sale_reason)\.[a-z0-9_.]+[a-z0-9]`)

func noReviewKeys(t *testing.T, where, body string) {
	t.Helper()
	doc := parseHTML(t, body)
	text := doc.Find("body").Text()
	doc.Find("[data-confirm], [aria-label], [title]").Each(func(_ int, s *goquery.Selection) {
		text += " " + s.AttrOr("data-confirm", "") + " " + s.AttrOr("aria-label", "") + " " + s.AttrOr("title", "")
	})
	if k := reviewRawKey.FindString(text); k != "" {
		t.Errorf("%s shows the untranslated key %q", where, k)
	}
}

// reviewSellerCompany is the seller company id of a demo seller account.
func reviewSellerCompany(t *testing.T, srv *apptest.Server, email string) uint {
	t.Helper()
	var u account.User
	noErr(t, srv.App.Store.DB().Where("email = ?", email).First(&u).Error)
	if u.SellerID == nil {
		t.Fatalf("%s has no seller company", email)
	}
	return *u.SellerID
}

// reviewSubmitDraft creates a never-listed product with content c and submits its first version,
// as the seller's publishing flow would once the listing rules hold.
func reviewSubmitDraft(t *testing.T, srv *apptest.Server, sellerID uint, c catalog.ProductContent) (catalog.Product, catalog.ProductVersion) {
	t.Helper()
	ctx := context.Background()
	p, err := srv.App.Store.CreateProductDraft(ctx, sellerID, c, "")
	noErr(t, err)
	noErr(t, srv.App.Store.SubmitProductVersion(ctx, sellerID, p.ID, 1, ""))
	return *p, reviewOpenVersion(t, srv, sellerID, p.ID)
}

func reviewOpenVersion(t *testing.T, srv *apptest.Server, sellerID, productID uint) catalog.ProductVersion {
	t.Helper()
	_, open, err := srv.App.Store.SellerProduct(context.Background(), sellerID, productID)
	noErr(t, err)
	if open == nil {
		t.Fatalf("product %d has no open version", productID)
	}
	return *open
}

func runAdminReviews(t *testing.T, d sqldb.Dialect) {
	srv := apptest.Start(t, apptest.Options{Dialect: d})
	ctx := context.Background()
	store, db := srv.App.Store, srv.App.Store.DB()
	admin, sellerC, buyerC, anon := srv.Client(t), srv.Client(t), srv.Client(t), srv.Client(t)
	admin.Login("admin@demo.test")
	sellerC.Login("seller@demo.test")
	buyerC.Login("buyer@demo.test")
	sellerID := reviewSellerCompany(t, srv, "seller@demo.test")
	version := func(id uint) catalog.ProductVersion {
		var v catalog.ProductVersion
		noErr(t, db.First(&v, id).Error)
		return v
	}
	audits := func(productID uint, action string) int64 {
		var n int64
		noErr(t, db.Model(&account.AuditEvent{}).Where("target_type = ? AND target_id = ? AND action = ?", account.AuditProduct, productID, action).Count(&n).Error)
		return n
	}
	queueIDs := func() []string {
		var ids []string
		parseHTML(t, admin.Get("/admin/products/reviews").Body).Find(`[data-testid="review-row"]`).Each(func(_ int, s *goquery.Selection) {
			ids = append(ids, s.AttrOr("data-version-id", ""))
		})
		return ids
	}
	indexOf := func(ids []string, id uint) int {
		for i, s := range ids {
			if s == itoa(id) {
				return i
			}
		}
		return -1
	}

	// The queue starts without these submissions; with none at all it says so.
	if n, err := store.ReviewQueueCount(ctx); err != nil || n == 0 {
		noErr(t, err)
		if doc := parseHTML(t, admin.Get("/admin/products/reviews").Body); doc.Find(`[data-testid="empty"]`).Length() != 1 {
			t.Error("an empty queue does not say so")
		}
	}

	// 1. A first listing (人工服务: no production interface), 2. a change to the listed CRM
	// product with the case re-run it passed, 3. a SaaS product without a production address
	// (submitted straight through the store: the listing rules do not hold).
	first, firstV := reviewSubmitDraft(t, srv, sellerID, catalog.ProductContent{Name: "审核测试·实施服务", Summary: "上门实施", Description: "第一行\n第二行",
		Type: catalog.TypeManualService, ChargingMode: catalog.ChargeOneTime, PriceOnce: 880000, Supervised: true})
	crm := productByCode(t, srv, "00301-100001-0--0")
	if crm.Version < 1 || crm.SaleStatus != catalog.SaleOnSale {
		t.Fatalf("demo CRM: version %d, %s", crm.Version, crm.SaleStatus)
	}
	crmSpecs, err := store.ProductSpecs(ctx, crm.ID)
	noErr(t, err)
	change := catalog.ContentOf(&crm, crmSpecs)
	change.Name, change.PriceMonth = crm.Name+" 专业版", crm.PriceMonth+1000
	draft, err := store.SaveProductDraft(ctx, sellerID, crm.ID, change, 0)
	noErr(t, err)
	noErr(t, store.SubmitProductVersion(ctx, sellerID, crm.ID, draft.Rev, `[{"Scenario":"newInstance","Passed":true,"Problem":""},{"Scenario":"releaseInstance","Passed":true,"Problem":""}]`))
	changeV := reviewOpenVersion(t, srv, sellerID, crm.ID)
	saas, saasV := reviewSubmitDraft(t, srv, sellerID, catalog.ProductContent{Name: "审核测试·无地址SaaS", Summary: "s", Type: catalog.TypeSaaS,
		ChargingMode: catalog.ChargePeriod, PriceMonth: 9900, PriceYear: 99000, TrialDays: 7,
		ExtParams: []catalog.ExtParam{{Name: "region", Label: "区域", Required: true}}})

	// The queue: oldest submission first, each with its version and kind.
	ids := queueIDs()
	if a, b, c := indexOf(ids, firstV.ID), indexOf(ids, changeV.ID), indexOf(ids, saasV.ID); a < 0 || b < 0 || c < 0 || !(a < b && b < c) {
		t.Fatalf("queue %v: want %d, %d, %d in submission order", ids, firstV.ID, changeV.ID, saasV.ID)
	}
	queue := parseHTML(t, admin.Get("/admin/products/reviews").Body)
	row := func(v catalog.ProductVersion) *goquery.Selection {
		return queue.Find(`[data-testid="review-row"][data-version-id="` + itoa(v.ID) + `"]`)
	}
	if r := row(changeV); r.Find(`[data-testid="review-version"]`).Text() != "v"+itoa(uint(crm.Version+1)) ||
		strings.TrimSpace(r.Find(`[data-testid="review-kind"]`).Text()) != msgIn(t, i18n.ZH, "review.kind.change") || !strings.Contains(r.Text(), crm.Code) {
		t.Errorf("change row: %q", r.Text())
	}
	if r := row(firstV); r.Find(`[data-testid="review-version"]`).Text() != "v1" ||
		strings.TrimSpace(r.Find(`[data-testid="review-kind"]`).Text()) != msgIn(t, i18n.ZH, "review.kind.first") || !strings.Contains(r.Text(), first.Name) {
		t.Errorf("first listing row: %q", r.Text())
	}
	if active := queue.Find(`[data-testid="sidenav"] a.active`); active.Length() != 1 || active.AttrOr("href", "") != "/admin/products/reviews" {
		t.Errorf("active nav on the queue: %d links, %q", active.Length(), active.AttrOr("href", ""))
	}
	n, err := store.ReviewQueueCount(ctx)
	noErr(t, err)
	if got := parseHTML(t, admin.Get("/admin/products").Body).Find(`[data-testid="reviews-count"]`).Text(); got != itoa(uint(n)) {
		t.Errorf("/admin/products shows %q waiting, want %d", got, n)
	}

	// The change: its differences highlighted with the live values, the stored re-run.
	changePath := "/admin/products/reviews/" + itoa(changeV.ID)
	doc := parseHTML(t, admin.Get(changePath).Body)
	for _, k := range []string{"name", "price_month"} {
		if doc.Find(`[data-testid="field-`+k+`"]`).AttrOr("data-changed", "") != "true" {
			t.Errorf("changed field %s is not highlighted", k)
		}
	}
	if was := doc.Find(`[data-testid="was-name"]`).Text(); !strings.Contains(was, crm.Name) {
		t.Errorf("the live name is not shown: %q", was)
	}
	for _, k := range []string{"summary", "type", "charging_mode", "price_year", "address", "path"} {
		if s := doc.Find(`[data-testid="field-` + k + `"]`); s.Length() != 1 || s.AttrOr("data-changed", "") != "false" {
			t.Errorf("unchanged field %s: %d rows, changed=%q", k, s.Length(), s.AttrOr("data-changed", ""))
		}
	}
	if rows := doc.Find(`[data-testid="rerun-row"][data-passed="true"]`); rows.Length() != 2 {
		t.Errorf("re-run report: %d passed rows", rows.Length())
	}
	if doc.Find(`[data-testid="approve-form"]`).Length() != 1 || doc.Find(`[data-testid="reject-form"]`).Length() != 1 {
		t.Error("the decision forms are missing")
	}

	// The first listing: no interface, nothing to warn about, no re-run.
	firstPath := "/admin/products/reviews/" + itoa(firstV.ID)
	doc = parseHTML(t, admin.Get(firstPath).Body)
	if doc.Find(`[data-testid="readiness-no-interface"]`).Length() != 1 || doc.Find(`[data-testid="approve-warning"]`).Length() != 0 ||
		doc.Find(`[data-testid="rerun-none"]`).Length() != 1 || doc.Find(`[data-testid="field-name"]`).AttrOr("data-changed", "") != "false" {
		t.Error("first listing: readiness, warning or re-run shown wrongly")
	}
	if got := doc.Find(`[data-testid="price-price_once"]`).Text(); got != "¥8,800.00" {
		t.Errorf("one-time price %q", got)
	}
	if rows := doc.Find(`[data-testid="history-row"]`); rows.Length() != 1 || rows.AttrOr("data-status", "") != string(catalog.VersionReviewing) {
		t.Errorf("history: %d rows", rows.Length())
	}

	// The SaaS product without an address: the problem named, approval warned about.
	saasPath := "/admin/products/reviews/" + itoa(saasV.ID)
	doc = parseHTML(t, admin.Get(saasPath).Body)
	if doc.Find(`[data-testid="readiness-problem"][data-key="product.ready.no_address"]`).Length() != 1 ||
		doc.Find(`[data-testid="approve-warning"]`).Length() != 1 || doc.Find(`[data-testid="approve-form"][data-confirm]`).Length() != 1 {
		t.Error("a product that is not ready is approved without warning")
	}
	if got := doc.Find(`[data-testid="review-ext-params"]`).Text(); !strings.Contains(got, "region") {
		t.Errorf("extension parameters: %q", got)
	}
	for _, lang := range langs {
		for _, p := range []string{"/admin/products/reviews", changePath, firstPath, saasPath} {
			res := admin.Get(withLang(p, lang))
			if res.Status != http.StatusOK {
				t.Fatalf("%s %s: %d", lang, p, res.Status)
			}
			noReviewKeys(t, lang+" "+p, res.Body)
		}
	}

	// Rejecting without a reason, with blanks only, with too long a reason: refused in place
	// with the text kept; nothing changes.
	for _, lang := range langs {
		for _, tc := range []struct{ reason, key string }{
			{"", "sale_reason.err.required"},
			{"  \n ", "sale_reason.err.required"},
			{hostile + strings.Repeat("长", 500), "sale_reason.err.too_long"},
		} {
			res := admin.PostForm(withLang(changePath+"/reject", lang), url.Values{"reason": {tc.reason}})
			doc := parseHTML(t, res.Body)
			if res.Status != http.StatusUnprocessableEntity || strings.TrimSpace(doc.Find(`[data-testid="reason-error"]`).Text()) != msgIn(t, lang, tc.key) {
				t.Errorf("%s: reject with %.10q: status %d, message %q", lang, tc.reason, res.Status, doc.Find(`[data-testid="reason-error"]`).Text())
			}
			if kept := doc.Find(`[data-testid="reject-reason"]`).Text(); kept != tc.reason && strings.TrimPrefix(tc.reason, "\n") != kept {
				t.Errorf("%s: the typed reason is not kept: %.20q", lang, kept)
			}
			assertEscaped(t, "reject form", res)
		}
	}
	if v := version(changeV.ID); v.Status != catalog.VersionReviewing || audits(crm.ID, "product.reject") != 0 {
		t.Fatalf("refused rejections changed the version: %s", v.Status)
	}
	admin.Get("/admin/products/reviews?lang=zh") // the language is remembered: back to Chinese

	// Rejecting with a reason: the seller's version is rejected with it, and they are told.
	reason := "价格调整需附说明：请在商品详情中写明专业版与标准版的区别"
	res := admin.PostForm(changePath+"/reject", url.Values{"reason": {"  " + reason + " "}})
	if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/admin/products/reviews" {
		t.Fatalf("reject: %d → %q", res.Status, res.Header.Get("Location"))
	}
	if !strings.Contains(parseHTML(t, admin.Get("/admin/products/reviews").Body).Find(`[data-testid="flash-success"]`).Text(), msgIn(t, i18n.ZH, "review.done.reject")) {
		t.Error("no success message after rejecting")
	}
	if _, open, err := store.SellerProduct(ctx, sellerID, crm.ID); err != nil || open == nil || open.Status != catalog.VersionRejected || open.RejectReason != reason {
		t.Fatalf("the seller's version after rejection: %+v %v", open, err)
	}
	if live := productByCode(t, srv, crm.Code); live.Name != crm.Name || live.PriceMonth != crm.PriceMonth || live.Version != crm.Version {
		t.Errorf("a rejected change altered the live product: %q %d v%d", live.Name, live.PriceMonth, live.Version)
	}
	if body := sellerC.Get("/seller/notices").Body; !strings.Contains(body, reason) {
		t.Error("the seller's messages do not carry the rejection reason")
	}
	doc = parseHTML(t, admin.Get(changePath).Body)
	if doc.Find(`[data-testid="review-decided"]`).Length() != 1 || doc.Find(`[data-testid="approve-form"]`).Length() != 0 ||
		strings.TrimSpace(doc.Find(`[data-testid="review-reject-reason"]`).Text()) != reason {
		t.Error("a decided version still offers the decision, or hides the reason")
	}
	// Deciding it again: refused with a message, whatever the form says.
	for _, form := range []struct {
		action string
		values url.Values
	}{{"approve", url.Values{}}, {"reject", url.Values{"reason": {"again"}}}, {"reject", url.Values{}}} {
		res := admin.PostForm(changePath+"/"+form.action, form.values)
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != changePath {
			t.Errorf("%s after rejection: %d → %q", form.action, res.Status, res.Header.Get("Location"))
		}
		if !strings.Contains(admin.Get(changePath).Body, msgIn(t, i18n.ZH, "review.stale")) {
			t.Errorf("%s after rejection: no 'already decided' message", form.action)
		}
	}
	if audits(crm.ID, "product.reject") != 1 || audits(crm.ID, "product.approve") != 0 || version(changeV.ID).Status != catalog.VersionRejected {
		t.Error("a second decision was applied or audited")
	}

	// Approving the first listing puts it on the catalog; a second approval is refused.
	if res := anon.Get("/products/" + itoa(first.ID)); res.Status != http.StatusNotFound {
		t.Fatalf("a product under review is public: %d", res.Status)
	}
	res = admin.PostForm(firstPath+"/approve", url.Values{})
	if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/admin/products/reviews" {
		t.Fatalf("approve: %d → %q", res.Status, res.Header.Get("Location"))
	}
	if !strings.Contains(admin.Get("/admin/products/reviews").Body, msgIn(t, i18n.ZH, "review.done.approve")) {
		t.Error("no success message after approving")
	}
	if res := anon.Get("/products/" + itoa(first.ID)); res.Status != http.StatusOK || !strings.Contains(res.Body, first.Name) {
		t.Fatalf("the approved product is not on the catalog: %d", res.Status)
	}
	if p := productByCode(t, srv, first.Code); p.SaleStatus != catalog.SaleOnSale || p.Version != 1 {
		t.Errorf("approved product: %s v%d", p.SaleStatus, p.Version)
	}
	res = admin.PostForm(firstPath+"/approve", url.Values{})
	if res.Status != http.StatusSeeOther || res.Header.Get("Location") != firstPath {
		t.Fatalf("second approve: %d → %q", res.Status, res.Header.Get("Location"))
	}
	if flash := parseHTML(t, admin.Get(firstPath).Body).Find(`[data-testid="flash-error"]`).Text(); !strings.Contains(flash, msgIn(t, i18n.ZH, "review.stale")) {
		t.Errorf("second approve: flash %q", flash)
	}
	if n := audits(first.ID, "product.approve"); n != 1 {
		t.Errorf("%d approval audit lines, want 1", n)
	}
	// The product's operations page shows the approval in its audit trail, in words.
	for _, lang := range langs {
		trail := parseHTML(t, admin.Get(withLang("/admin/products/"+itoa(first.ID), lang)).Body).Find(`[data-testid="audit-row"]`).Text()
		if !strings.Contains(trail, msgIn(t, lang, "adminproducts.audit_action.product.approve")) || !strings.Contains(trail, "v1") {
			t.Errorf("%s: audit trail %q", lang, trail)
		}
	}

	// A buyer and a seller can neither see nor decide; nothing changes.
	for who, c := range map[string]*apptest.Client{"buyer": buyerC, "seller": sellerC} {
		for _, p := range []string{"/admin/products/reviews", saasPath} {
			if res := c.Get(p); res.Status != http.StatusForbidden {
				t.Errorf("%s GET %s: %d", who, p, res.Status)
			}
		}
		if res := c.PostForm(saasPath+"/approve", url.Values{}); res.Status != http.StatusForbidden {
			t.Errorf("%s approve: %d", who, res.Status)
		}
	}
	if version(saasV.ID).Status != catalog.VersionReviewing {
		t.Fatal("a buyer or seller decided a review")
	}
	if res := anon.Get(saasPath); res.Status != http.StatusSeeOther {
		t.Errorf("anonymous GET: %d", res.Status)
	}

	// Approval despite the warning, by two admins at once: one decision, one audit line.
	admin2 := srv.Client(t)
	admin2.Login("admin@demo.test")
	var wg sync.WaitGroup
	statuses := make([]int, 2)
	for i, c := range []*apptest.Client{admin, admin2} {
		wg.Add(1)
		go func(i int, c *apptest.Client) {
			defer wg.Done()
			statuses[i] = c.PostForm(saasPath+"/approve", url.Values{}).Status
		}(i, c)
	}
	wg.Wait()
	if statuses[0] != http.StatusSeeOther || statuses[1] != http.StatusSeeOther {
		t.Errorf("simultaneous approvals: %v", statuses)
	}
	if n := audits(saas.ID, "product.approve"); n != 1 || version(saasV.ID).Status != catalog.VersionApproved {
		t.Errorf("simultaneous approvals: %d audit lines, status %s", n, version(saasV.ID).Status)
	}
	if res := anon.Get("/products/" + itoa(saas.ID)); res.Status != http.StatusOK {
		t.Errorf("the product approved despite the warning is not on the catalog: %d", res.Status)
	}

	// Decided versions leave the queue; unknown ones are 404.
	ids = queueIDs()
	for _, v := range []catalog.ProductVersion{firstV, changeV, saasV} {
		if indexOf(ids, v.ID) >= 0 {
			t.Errorf("decided version %d is still queued", v.ID)
		}
	}
	for _, p := range []string{"/admin/products/reviews/999999", "/admin/products/reviews/abc"} {
		if res := admin.Get(p); res.Status != http.StatusNotFound {
			t.Errorf("GET %s: %d", p, res.Status)
		}
	}
	if res := admin.PostForm("/admin/products/reviews/999999/approve", url.Values{}); res.Status != http.StatusNotFound {
		t.Errorf("approve unknown: %d", res.Status)
	}
	if res := admin.PostForm("/admin/products/reviews/999999/reject", url.Values{"reason": {"x"}}); res.Status != http.StatusNotFound {
		t.Errorf("reject unknown: %d", res.Status)
	}
}
