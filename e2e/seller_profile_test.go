package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"koogallery/apptest"
	"koogallery/i18n"
	"koogallery/models/account"
	"koogallery/models/attachment"
	"koogallery/models/onboarding"
	"koogallery/models/orders"
	"koogallery/models/sqldb"
)

// 商家信息 over HTTP: support details reach buyers, the contact and mail routes validate per
// field, and a change of legal name or code waits for operations' approval.

func TestSellerProfile(t *testing.T) {
	for _, d := range apptest.Dialects {
		t.Run(string(d), func(t *testing.T) { runSellerProfile(t, d) })
	}
}

func runSellerProfile(t *testing.T, d sqldb.Dialect) {
	srv := apptest.Start(t, apptest.Options{Dialect: d})
	s := srv.Client(t)
	s.Login("seller@demo.test")
	res := s.Get("/seller/profile")
	if res.Status != http.StatusOK {
		t.Fatalf("GET /seller/profile: %d", res.Status)
	}
	doc := parseHTML(t, res.Body)
	if got := doc.Find(`[data-testid="profile-company-name"]`).Text(); got != "云启科技有限公司" {
		t.Errorf("company name %q", got)
	}
	if doc.Find(`a[href="/seller/profile"].active`).Length() != 1 {
		t.Error("商家信息 is not the active navigation item")
	}
	// Members who are not owners do not see it.
	dev := srv.Client(t)
	dev.Login("dev@demo.test")
	if res := dev.Get("/seller/profile"); res.Status != http.StatusForbidden {
		t.Errorf("a developer's GET /seller/profile: %d, want 403", res.Status)
	}
	if res := dev.PostForm("/seller/profile/support", url.Values{"email": {"dev@example.com"}, "phone": {"400-1"}, "hours": {"x"}}); res.Status != http.StatusForbidden {
		t.Errorf("a developer's support change: %d, want 403", res.Status)
	}

	// 服务与支持: a message per field with the values kept; then buyers see it.
	for _, lang := range langs {
		bad := url.Values{"email": {"support@"}, "phone": {""}, "hours": {strings.Repeat("时", 51)}}
		res = s.PostForm(withLang("/seller/profile/support", lang), bad)
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("bad support: %d", res.Status)
		}
		doc = parseHTML(t, res.Body)
		for field, key := range map[string]string{"email": account.MsgEmailInvalid, "phone": account.MsgPhoneRequired, "hours": account.MsgHoursInvalid} {
			if got := doc.Find(`[data-testid="profile-support"] [data-testid="` + field + `-error"]`).Text(); got != msgIn(t, lang, key) {
				t.Errorf("%s support %s message %q", lang, field, got)
			}
			if got := doc.Find(`[data-testid="support-`+field+`"]`).AttrOr("value", "?"); got != bad.Get(field) {
				t.Errorf("%s support %s kept as %q", lang, field, got)
			}
		}
	}
	s.Get("/seller/profile?lang=zh") // back to Chinese for the rest
	res = s.PostForm("/seller/profile/support", url.Values{"email": {"Help@CloudStart.example"}, "phone": {"400-900-1234"}, "hours": {"每天 8:00–22:00"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("good support: %d", res.Status)
	}
	p := productByCode(t, srv, "00301-100001-0--0")
	pub := parseHTML(t, srv.Client(t).Get(fmt.Sprintf("/products/%d", p.ID)).Body)
	if got := pub.Find(`[data-testid="product-support"] [data-testid="support-email"]`).Text(); got != "help@cloudstart.example" {
		t.Errorf("product page support email %q", got)
	}
	if got := pub.Find(`[data-testid="support-hours"]`).Text(); got != "每天 8:00–22:00" {
		t.Errorf("product page service hours %q", got)
	}
	b := srv.Client(t)
	b.Login("buyer@demo.test")
	var inst orders.Instance
	noErr(t, srv.App.Store.DB().Where("buyer_id = (SELECT id FROM users WHERE email = ?) AND product_id = ?", "buyer@demo.test", p.ID).First(&inst).Error)
	svc := parseHTML(t, b.Get(fmt.Sprintf("/console/services/%d", inst.ID)).Body)
	if got := svc.Find(`[data-testid="support-phone"]`).Text(); got != "400-900-1234" {
		t.Errorf("service page support phone %q", got)
	}
	if strings.Contains(svc.Text(), "wanglei@cloudstart.demo.test") {
		t.Error("the service page still shows the contact for operations")
	}

	// The contact for operations.
	res = s.PostForm("/seller/profile/contact", url.Values{"name": {""}, "phone": {"abc"}, "email": {"wang@"}})
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad contact: %d", res.Status)
	}
	doc = parseHTML(t, res.Body)
	for field, key := range map[string]string{"name": "onboarding.err.contact_name_required", "phone": account.MsgPhoneInvalid, "email": account.MsgEmailInvalid} {
		if got := doc.Find(`[data-testid="profile-contact"] [data-testid="` + field + `-error"]`).Text(); got != i18n.T(i18n.ZH, key) {
			t.Errorf("contact %s message %q", field, got)
		}
	}
	if res := s.PostForm("/seller/profile/contact", url.Values{"name": {"王磊"}, "phone": {"139-0000-1001"}, "email": {"wanglei@example.com"}}); res.Status != http.StatusSeeOther {
		t.Errorf("good contact: %d", res.Status)
	}
	var sel account.Seller
	noErr(t, srv.App.Store.DB().Where("name = ?", "云启科技有限公司").First(&sel).Error)
	if sel.ContactPhone != "139-0000-1001" || sel.SupportEmail != "help@cloudstart.example" {
		t.Errorf("company after the changes: %+v", sel)
	}

	// 消息接收管理: every list is checked, nothing saved while one is wrong.
	six := "a1@example.com,a2@example.com,a3@example.com,a4@example.com,a5@example.com,a6@example.com"
	res = s.PostForm("/seller/profile/mail", url.Values{"route_refunds": {"refunds@example.com, bad"}, "route_settlement": {six}, "route_calls": {"oncall@example.com"}})
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad routes: %d", res.Status)
	}
	doc = parseHTML(t, res.Body)
	if got := doc.Find(`[data-testid="refunds-error"]`).Text(); got != i18n.T(i18n.ZH, account.MsgRouteInvalid) {
		t.Errorf("refunds route message %q", got)
	}
	if got := doc.Find(`[data-testid="settlement-error"]`).Text(); got != i18n.T(i18n.ZH, account.MsgRouteTooMany) {
		t.Errorf("settlement route message %q", got)
	}
	if got := doc.Find(`[data-testid="mail-refunds"]`).Text(); got != "refunds@example.com, bad" {
		t.Errorf("refunds route kept as %q", got)
	}
	routes, err := srv.App.Accounts.MailRoutes(t.Context(), sel.ID)
	noErr(t, err)
	if len(routes) != 0 {
		t.Errorf("refused routes saved: %v", routes)
	}
	res = s.PostForm("/seller/profile/mail", url.Values{"route_refunds": {"Refunds@Example.com\nfin@example.com"}, "route_calls": {"oncall@example.com"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("good routes: %d", res.Status)
	}
	routes, err = srv.App.Accounts.MailRoutes(t.Context(), sel.ID)
	noErr(t, err)
	if strings.Join(routes[account.MailRefunds], ",") != "refunds@example.com,fin@example.com" || strings.Join(routes[account.MailCalls], ",") != "oncall@example.com" {
		t.Errorf("saved routes %v", routes)
	}
	doc = parseHTML(t, s.Get("/seller/profile").Body)
	if got := doc.Find(`[data-testid="mail-refunds"]`).Text(); got != "refunds@example.com\nfin@example.com" {
		t.Errorf("refunds route shown as %q", got)
	}
	if def := doc.Find(`[data-testid="mail-default"]`).Text(); !strings.Contains(def, "help@cloudstart.example") || !strings.Contains(def, "seller@demo.test") {
		t.Errorf("default recipients: %q", def)
	}

	// A change of legal name or code: refused per field, then under review until approved.
	code := newUSCC()
	for _, tc := range []struct {
		name, company, uscc string
		files               []file
		field, key          string
	}{
		{"nothing changed", "云启科技有限公司", "91110108MA01C3QX55", []file{licence()}, "company", onboarding.MsgNothingChanged},
		{"no licence", "云启智能科技有限公司", code, nil, "license", onboarding.MsgLicenseRequired},
		{"bad code", "云启智能科技有限公司", code[:17] + "I", []file{licence()}, "uscc", onboarding.MsgUSCCShape},
		{"another seller's name", "数智软件有限公司", code, []file{licence()}, "company", onboarding.MsgCompanyTaken},
	} {
		res := postMultipart(t, srv, s, "/seller/profile/company", url.Values{"company": {tc.company}, "uscc": {tc.uscc}}, tc.files...)
		if res.Status != http.StatusUnprocessableEntity {
			t.Errorf("change %s: %d", tc.name, res.Status)
			continue
		}
		doc := parseHTML(t, res.Body)
		if got := doc.Find(`[data-testid="change-form"] [data-testid="` + tc.field + `-error"]`).Text(); got != i18n.T(i18n.ZH, tc.key) {
			t.Errorf("change %s: message %q", tc.name, got)
		}
		if _, open := doc.Find(`[data-testid="profile-change"]`).Attr("open"); !open {
			t.Errorf("change %s: the form is folded", tc.name)
		}
		if got := doc.Find(`[data-testid="change-company"]`).AttrOr("value", ""); got != tc.company {
			t.Errorf("change %s: name kept as %q", tc.name, got)
		}
	}
	res = postMultipart(t, srv, s, "/seller/profile/company", url.Values{"company": {"云启智能科技有限公司"}, "uscc": {code}}, licence())
	if got := flashOf(t, s, res, "success"); got != i18n.T(i18n.ZH, "onboarding.flash.change_submitted") {
		t.Errorf("change flash %q", got)
	}
	doc = parseHTML(t, s.Get("/seller/profile").Body)
	if doc.Find(`[data-testid="profile-change-pending"]`).Length() != 1 || doc.Find(`[data-testid="profile-change-name"]`).Text() != "云启智能科技有限公司" ||
		doc.Find(`[data-testid="profile-company-name"]`).Text() != "云启科技有限公司" || doc.Find(`[data-testid="application-status"]`).AttrOr("data-status", "") != "pending" {
		t.Error("the profile does not show the change under review next to the current name")
	}
	res = postMultipart(t, srv, s, "/seller/profile/company", url.Values{"company": {"云启另一科技有限公司"}, "uscc": {newUSCC()}}, licence())
	if got := flashOf(t, s, res, "error"); got != i18n.T(i18n.ZH, "onboarding.flash.change_open") {
		t.Errorf("second change flash %q", got)
	}
	var change onboarding.Application
	noErr(t, srv.App.Store.DB().Where("kind = ? AND seller_id = ?", onboarding.KindChange, sel.ID).First(&change).Error)
	if res := s.Get(fmt.Sprintf("/seller/attachments/%d", change.LicenseID)); res.Status != http.StatusOK {
		t.Errorf("the owner's download of the change's licence: %d", res.Status)
	}
	if res := dev.Get(fmt.Sprintf("/seller/attachments/%d", change.LicenseID)); res.Status == http.StatusOK {
		t.Error("a developer downloads the change's licence")
	}

	// Operations ask for more, the owner answers, operations approve: the company is renamed.
	admin := srv.Client(t)
	admin.Login("admin@demo.test")
	doc = parseHTML(t, admin.Get("/admin/sellers?kind=change").Body)
	if doc.Find(fmt.Sprintf(`[data-testid="queue-row"][data-id="%d"]`, change.ID)).Length() != 1 {
		t.Fatal("the change is not in operations' queue")
	}
	if res := admin.PostForm(fmt.Sprintf("/admin/sellers/%d/info", change.ID), url.Values{"note": {"请上传更名后的营业执照。"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("ask for more: %d", res.Status)
	}
	doc = parseHTML(t, s.Get("/seller/profile").Body)
	form := doc.Find(`[data-testid="change-form"]`)
	if !strings.Contains(doc.Find(`[data-testid="profile-change-request"]`).Text(), "请上传更名后的营业执照") || form.AttrOr("action", "") != fmt.Sprintf("/seller/profile/company/%d/resubmit#company", change.ID) {
		t.Fatal("the owner does not see operations' request with a form to answer it")
	}
	res = postMultipart(t, srv, s, fmt.Sprintf("/seller/profile/company/%d/resubmit", change.ID), url.Values{"company": {"云启智能科技股份有限公司"}, "uscc": {code}}, licence())
	if got := flashOf(t, s, res, "success"); got != i18n.T(i18n.ZH, "onboarding.flash.resubmitted") {
		t.Errorf("resubmitted change flash %q", got)
	}
	doc = parseHTML(t, admin.Get(fmt.Sprintf("/admin/sellers/%d?decide=approve", change.ID)).Body)
	if txt := doc.Find(`[data-testid="decision-consequence"]`).Text(); !strings.Contains(txt, "云启科技有限公司") || !strings.Contains(txt, "云启智能科技股份有限公司") {
		t.Errorf("change approval dialog: %q", txt)
	}
	if res := admin.PostForm(fmt.Sprintf("/admin/sellers/%d/approve", change.ID), url.Values{}); res.Status != http.StatusSeeOther {
		t.Fatalf("approve change: %d", res.Status)
	}
	noErr(t, srv.App.Store.DB().First(&sel, sel.ID).Error)
	if sel.Name != "云启智能科技股份有限公司" || sel.USCC == nil || *sel.USCC != code {
		t.Errorf("company after the approved change: %q %v", sel.Name, sel.USCC)
	}
	pub = parseHTML(t, srv.Client(t).Get(fmt.Sprintf("/products/%d", p.ID)).Body)
	if !strings.Contains(pub.Find(".product-page").Text(), "云启智能科技股份有限公司") {
		t.Error("the product page does not show the new name")
	}
	if n := countRows(t, srv, &attachment.Attachment{}); n < 2 {
		t.Errorf("%d attachments, want the two licences", n)
	}
}

func TestCompanyChangeRace(t *testing.T) {
	for _, d := range apptest.Dialects {
		t.Run(string(d), func(t *testing.T) { runCompanyChangeRace(t, d) })
	}
}

// runCompanyChangeRace: two owners of one company submit changes at once; one is filed, the
// other is told a change is under review.
func runCompanyChangeRace(t *testing.T, d sqldb.Dialect) {
	srv := apptest.Start(t, apptest.Options{Dialect: d})
	noErr(t, srv.App.Store.DB().Model(&account.User{}).Where("email = ?", "dev@demo.test").
		Updates(map[string]any{"seller_roles": account.NewMemberRoles(account.Owner), "auth_version": 99}).Error)
	owners := []*apptest.Client{srv.Client(t), srv.Client(t)}
	owners[0].Login("seller@demo.test")
	owners[1].Login("dev@demo.test")
	results := make([]apptest.Response, 2)
	var wg sync.WaitGroup
	for i, c := range owners {
		c.Get("/seller/profile")
		wg.Add(1)
		go func(i int, c *apptest.Client) {
			defer wg.Done()
			results[i] = postMultipart(t, srv, c, "/seller/profile/company", url.Values{"company": {fmt.Sprintf("云启第%d科技有限公司", i)}, "uscc": {newUSCCLocked()}}, licence())
		}(i, c)
	}
	wg.Wait()
	for i, r := range results {
		if r.Status != http.StatusSeeOther {
			t.Fatalf("owner %d: %d %s", i, r.Status, snippet(r.Body))
		}
	}
	var n int64
	noErr(t, srv.App.Store.DB().Model(&onboarding.Application{}).Where("kind = ?", onboarding.KindChange).Count(&n).Error)
	if n != 1 {
		t.Errorf("two owners filed %d changes, want 1", n)
	}
}

var usccMu sync.Mutex

// newUSCCLocked is newUSCC for goroutines.
func newUSCCLocked() string {
	usccMu.Lock()
	defer usccMu.Unlock()
	return newUSCC()
}
