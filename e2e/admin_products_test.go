package e2e

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"koogallery/apptest"
	"koogallery/i18n"
	"koogallery/models/account"
	"koogallery/models/catalog"
	"koogallery/models/notice"
	"koogallery/models/sqldb"
)

// Operations freeze, delist and relist products, each for a written reason; the seller reads
// the reason on /seller/products; a transition that no longer applies is refused politely.
func TestAdminProducts(t *testing.T) {
	for _, d := range apptest.Dialects {
		t.Run(string(d), func(t *testing.T) { runAdminProducts(t, d) })
	}
}

func runAdminProducts(t *testing.T, d sqldb.Dialect) {
	srv := apptest.Start(t, apptest.Options{Dialect: d})
	db := srv.App.Store.DB()
	admin, seller := srv.Client(t), srv.Client(t)
	admin.Login("admin@demo.test")
	seller.Login("seller@demo.test")
	crm := productByCode(t, srv, "00301-100001-0--0")
	form := productByCode(t, srv, "00301-100002-0--0")
	frozen := productByCode(t, srv, "00301-100007-0--0")
	state := func(id uint) catalog.Product {
		var p catalog.Product
		noErr(t, db.First(&p, id).Error)
		return p
	}
	productAudits := func() int64 {
		var n int64
		noErr(t, db.Model(&account.AuditEvent{}).Where("target_type = ?", account.AuditProduct).Count(&n).Error)
		return n
	}
	rowIDs := func(body string) map[string]string {
		out := map[string]string{}
		parseHTML(t, body).Find(`[data-testid="admin-product-row"]`).Each(func(_ int, s *goquery.Selection) {
			out[s.AttrOr("data-product-id", "")] = s.AttrOr("data-sale-status", "")
		})
		return out
	}

	// The list and its filters.
	res := admin.Get("/admin/products")
	if res.Status != http.StatusOK || int64(len(rowIDs(res.Body))) != min(countRows(t, srv, &catalog.Product{}), sqldb.PageSize) {
		t.Fatalf("list: %d with %d rows", res.Status, len(rowIDs(res.Body)))
	}
	if got := rowIDs(admin.Get("/admin/products?status=frozen").Body); len(got) != 1 || got[itoa(frozen.ID)] != "frozen" {
		t.Errorf("frozen filter: %v", got)
	}
	got := rowIDs(admin.Get("/admin/products?seller=" + itoa(crm.SellerID)).Body)
	var mine int64
	noErr(t, db.Model(&catalog.Product{}).Where("seller_id = ?", crm.SellerID).Count(&mine).Error)
	if int64(len(got)) != min(mine, sqldb.PageSize) || got[itoa(crm.ID)] == "" {
		t.Errorf("seller filter: %d rows", len(got))
	}
	if got := rowIDs(admin.Get("/admin/products?status=delisted&seller=" + itoa(crm.SellerID)).Body); len(got) != 0 {
		t.Errorf("seller 1 has no delisted product, the list shows %v", got)
	}

	path := "/admin/products/" + itoa(crm.ID)
	// Without a reason, with only blanks, with too long a reason: re-rendered with the text kept.
	for _, lang := range langs {
		for _, tc := range []struct{ reason, key string }{
			{"", "sale_reason.err.required"},
			{"  \n ", "sale_reason.err.required"},
			{strings.Repeat("因", 501), "sale_reason.err.too_long"},
			{hostile + strings.Repeat("x", 500), "sale_reason.err.too_long"},
		} {
			res := admin.PostForm(withLang(path+"/freeze", lang), url.Values{"reason": {tc.reason}})
			doc := parseHTML(t, res.Body)
			if res.Status != http.StatusUnprocessableEntity || strings.TrimSpace(doc.Find(`[data-testid="reason-error"]`).Text()) != msgIn(t, lang, tc.key) {
				t.Errorf("%s: reason %.10q: status %d, message %q", lang, tc.reason, res.Status, doc.Find(`[data-testid="reason-error"]`).Text())
			}
			if kept := doc.Find(`[data-testid="reason-freeze"]`).Text(); kept != tc.reason && strings.TrimPrefix(tc.reason, "\n") != kept {
				t.Errorf("%s: the typed reason is not kept: %.20q", lang, kept)
			}
			assertEscaped(t, "freeze form", res)
		}
	}
	for _, lang := range langs {
		noRawKeys(t, lang+" admin products", admin.Get(withLang("/admin/products", lang)).Body)
		noRawKeys(t, lang+" admin product", admin.Get(withLang(path, lang)).Body)
	}
	if p := state(crm.ID); p.SaleStatus != catalog.SaleOnSale || productAudits() != 0 {
		t.Fatalf("refused freezes changed the product: %s", p.SaleStatus)
	}
	admin.Get("/admin/products?lang=zh")

	// Freeze with a reason; the seller reads it; a second freeze is refused with a message.
	reason := "拨测连续5天失败：请修复 newInstance 接口"
	res = admin.PostForm(path+"/freeze", url.Values{"reason": {"  " + reason + "  "}})
	if res.Status != http.StatusSeeOther || res.Header.Get("Location") != path {
		t.Fatalf("freeze: %d → %q", res.Status, res.Header.Get("Location"))
	}
	if p := state(crm.ID); p.SaleStatus != catalog.SaleFrozen || p.SaleReason != reason {
		t.Fatalf("after freeze: %s %q", p.SaleStatus, p.SaleReason)
	}
	page := parseHTML(t, admin.Get(path).Body)
	if !strings.Contains(page.Find(`[data-testid="flash-success"]`).Text(), msgIn(t, i18n.ZH, "adminproducts.done.freeze")) {
		t.Error("no success message after freezing")
	}
	if rows := page.Find(`[data-testid="audit-row"]`); rows.Length() != 1 || !strings.Contains(rows.Text(), reason) || !strings.Contains(rows.Text(), "on_sale→frozen") {
		t.Errorf("audit trail: %q", rows.Text())
	}
	if page.Find(`[data-testid="sale-form-freeze"]`).Length() != 0 || page.Find(`[data-testid="sale-form-relist"]`).Length() != 1 || page.Find(`[data-testid="sale-form-delist"]`).Length() != 1 {
		t.Error("the forms offered do not match a frozen product")
	}
	res = admin.PostForm(path+"/freeze", url.Values{"reason": {"again"}})
	if res.Status != http.StatusSeeOther || !strings.Contains(admin.Get(path).Body, msgIn(t, i18n.ZH, "adminproducts.stale")) {
		t.Fatalf("second freeze: %d without the 'already changed' message", res.Status)
	}
	if productAudits() != 1 {
		t.Fatal("a refused freeze was audited")
	}
	sellerRow := func(lang string, id uint) string {
		var text string
		parseHTML(t, seller.Get(withLang("/seller/products", lang)).Body).Find(`[data-testid="seller-product-row"]`).Each(func(_ int, s *goquery.Selection) {
			if strings.Contains(s.Text(), state(id).Name) {
				text = s.Find(`[data-testid="sale-reason"]`).Text()
			}
		})
		return text
	}
	if got := sellerRow(i18n.ZH, crm.ID); !strings.Contains(got, reason) {
		t.Errorf("the seller does not see the freeze reason: %q", got)
	}

	// Delist (frozen → delisted), relist, and refusals of transitions that no longer apply.
	for _, step := range []struct {
		action string
		want   catalog.SaleStatus
		ok     bool
	}{
		{"delist", catalog.SaleDelisted, true},
		{"delist", catalog.SaleDelisted, false},
		{"freeze", catalog.SaleDelisted, false},
		{"relist", catalog.SaleOnSale, true},
		{"relist", catalog.SaleOnSale, false},
		{"delist", catalog.SaleDelisted, true}, // on_sale → delisted
	} {
		n := productAudits()
		res := admin.PostForm(path+"/"+step.action, url.Values{"reason": {"step " + step.action}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("%s: status %d", step.action, res.Status)
		}
		flash := parseHTML(t, admin.Get(path).Body).Find(`[data-testid="flash-error"]`).Text()
		if p := state(crm.ID); p.SaleStatus != step.want || step.ok == (flash != "") || step.ok != (productAudits() == n+1) {
			t.Fatalf("%s: status %s, error flash %q", step.action, p.SaleStatus, flash)
		}
	}
	if got := sellerRow(i18n.EN, crm.ID); !strings.Contains(got, "step delist") {
		t.Errorf("the seller does not see the delist reason: %q", got)
	}
	// Each decision (freeze, delist, relist, delist) told the seller: a notice on their bell and
	// a mail to the company's contact, with the product, the decision and the reason.
	var told []notice.Notice
	noErr(t, db.Where("seller_id = ? AND kind LIKE ?", crm.SellerID, "product_%").Order("id").Find(&told).Error)
	var kinds []string
	for _, n := range told {
		kinds = append(kinds, n.Kind)
	}
	if strings.Join(kinds, " ") != "product_freeze product_delist product_relist product_delist" || !strings.Contains(told[3].Text, "step delist") {
		t.Errorf("seller notices: %v", kinds)
	}
	var company account.Seller
	noErr(t, db.First(&company, crm.SellerID).Error)
	var mails []notice.Mail
	noErr(t, db.Where("subject LIKE ? AND `to` = ?", "%"+crm.Name, company.SupportEmail).Order("id").Find(&mails).Error)
	if len(mails) != 4 || mails[0].To != company.SupportEmail || !strings.Contains(mails[0].Body, reason) || !strings.Contains(mails[2].Subject, "back on sale") {
		t.Errorf("seller mails: %d", len(mails))
	}
	bell := parseHTML(t, seller.Get("/seller/notices?lang=en").Body).Text()
	for _, key := range []string{"notice.product_freeze", "notice.product_delist", "notice.product_relist"} {
		if !strings.Contains(bell, msgIn(t, i18n.EN, key)) {
			t.Errorf("the seller's messages lack %q", msgIn(t, i18n.EN, key))
		}
	}
	if res := admin.PostForm("/admin/products/999999/freeze", url.Values{"reason": {"x"}}); res.Status != http.StatusNotFound {
		t.Errorf("unknown product: %d", res.Status)
	}

	// The interface-failure rule's reason is told in words, with where to look.
	noErr(t, db.Model(&catalog.Product{}).Where("id = ?", form.ID).Updates(map[string]any{"sale_status": catalog.SaleDelisted, "sale_reason": "interface_failures:6"}).Error)
	for _, lang := range langs {
		if got, want := sellerRow(lang, form.ID), i18n.T(lang, "product.sale_reason.interface_failures", 6); !strings.Contains(got, want) {
			t.Errorf("%s: interface failure reason %q, want %q", lang, got, want)
		}
	}
	noRawKeys(t, "seller products", seller.Get("/seller/products").Body)
	if !strings.Contains(seller.Get("/seller/products").Body, `href="/seller/calls?status=failed&amp;product=`+itoa(form.ID)+`"`) {
		t.Error("no link from the delisted product to its failed calls")
	}
	adminRow := parseHTML(t, admin.Get("/admin/products?lang=zh&status=delisted").Body).Find(`[data-testid="admin-product-row"][data-product-id="` + itoa(form.ID) + `"]`)
	if !strings.Contains(adminRow.Find(`[data-testid="admin-product-reason"]`).Text(), "接口导致 6 个订单失败") {
		t.Errorf("admin list reason %q", adminRow.Text())
	}
}
