package e2e

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"koogallery/apptest"
	"koogallery/i18n"
	"koogallery/models/account"
	"koogallery/models/attachment"
	"koogallery/models/notice"
	"koogallery/models/onboarding"
	"koogallery/models/sqldb"
	"koogallery/web"
)

// Seller onboarding (入驻) over HTTP: a buyer applies with a licence, operations approve,
// reject or ask for more, the applicant answers; bad input per field; double submits and two
// admins deciding at once apply once; the licence reaches only the applicant and operations.

// testPNG is a small real PNG (a business licence photo, as far as the checks go).
var testPNG = func() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 4, 3))
	for x := 0; x < 4; x++ {
		img.Set(x, 1, color.RGBA{200, 0, 11, 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}()

var usccSeq int

// newUSCC is a fresh valid 统一社会信用代码 (a serial in the organisation code, the check
// character computed).
func newUSCC() string {
	usccSeq++
	base := fmt.Sprintf("91440300MA%07d", usccSeq)
	for _, ch := range "0123456789ABCDEFGHJKLMNPQRTUWXY" {
		if code := base + string(ch); onboarding.USCCValid(code) {
			return code
		}
	}
	panic("no check character for " + base)
}

// testPassword is the password of the accounts these tests make (the demo password is a
// common one, refused for new accounts).
const testPassword = "onboarding-test-7Qk2"

// newBuyer makes a verified buyer account without orders.
func newBuyer(t *testing.T, srv *apptest.Server, email, name string) *account.User {
	t.Helper()
	u, err := srv.App.Accounts.CreateUser(t.Context(), account.NewUser{Email: email, Name: name, Password: testPassword,
		Role: account.RoleBuyer, Verified: true})
	noErr(t, err)
	return u
}

// newAdmin makes a second operations account.
func newAdmin(t *testing.T, srv *apptest.Server, email string) {
	t.Helper()
	_, err := srv.App.Accounts.CreateUser(t.Context(), account.NewUser{Email: email, Name: "运营 " + email, Password: testPassword,
		Role: account.RoleAdmin, Verified: true})
	noErr(t, err)
}

// loginNew signs a client in to an account these tests made.
func loginNew(t *testing.T, c *apptest.Client, email string) {
	t.Helper()
	if res := c.PostForm("/login", url.Values{"email": {email}, "password": {testPassword}}); res.Status != http.StatusSeeOther {
		t.Fatalf("login %s: %d", email, res.Status)
	}
}

// applyValues is a complete, valid application for a company.
func applyValues(company, code string) url.Values {
	return url.Values{"company": {company}, "uscc": {code}, "contact_name": {"陈静"}, "contact_phone": {"138-0000-3003"},
		"contact_email": {"chenjing@example.com"}, "support_email": {"help@example.com"}, "support_phone": {"400-800-3003"},
		"support_hours": {"工作日 9:00–18:00"}, "agree": {"1"}}
}

func licence() file { return file{"license", "营业执照.png", testPNG} }

// application is the applicant's latest application.
func application(t *testing.T, srv *apptest.Server, applicantID uint) onboarding.Application {
	t.Helper()
	var a onboarding.Application
	noErr(t, srv.App.Store.DB().Where("applicant_id = ?", applicantID).Order("id DESC").First(&a).Error)
	return a
}

// flashOf follows a 303 and returns the flash messages of the page it leads to.
func flashOf(t *testing.T, c *apptest.Client, res apptest.Response, kind string) string {
	t.Helper()
	if res.Status != http.StatusSeeOther {
		t.Fatalf("status %d, want 303: %s", res.Status, snippet(res.Body))
	}
	page := c.Get(res.Header.Get("Location"))
	return strings.TrimSpace(parseHTML(t, page.Body).Find(`[data-testid="flash-` + kind + `"]`).Text())
}

func snippet(s string) string {
	if len(s) > 600 {
		return s[:600]
	}
	return s
}

func TestOnboardingApplyAndApprove(t *testing.T) {
	for _, d := range apptest.Dialects {
		t.Run(string(d), func(t *testing.T) { runOnboardingApplyAndApprove(t, d) })
	}
}

func runOnboardingApplyAndApprove(t *testing.T, d sqldb.Dialect) {
	srv := apptest.Start(t, apptest.Options{Dialect: d})
	u := newBuyer(t, srv, "founder@example.com", "周航")
	c := srv.Client(t)
	loginNew(t, c, u.Email)

	res := c.Get("/seller/apply")
	if res.Status != http.StatusOK {
		t.Fatalf("GET /seller/apply: %d", res.Status)
	}
	doc := parseHTML(t, res.Body)
	if doc.Find(`[data-testid="apply-form"]`).Length() != 1 {
		t.Fatal("no application form for a buyer without orders")
	}
	if v := doc.Find(`[data-testid="apply-contact_email"]`).AttrOr("value", ""); v != u.Email {
		t.Errorf("contact email prefilled with %q, want the account's %q", v, u.Email)
	}

	code := newUSCC()
	form := applyValues("深圳星河云科技有限公司", strings.ToLower(code)) // typed in lower case
	res = postMultipart(t, srv, c, "/seller/apply", form, licence())
	if got := flashOf(t, c, res, "success"); got != i18n.T(i18n.ZH, "onboarding.flash.submitted") {
		t.Errorf("flash after applying: %q", got)
	}
	app := application(t, srv, u.ID)
	if app.Status != onboarding.StatusPending || app.USCC != code || app.Kind != onboarding.KindJoin {
		t.Fatalf("application %+v", app)
	}
	doc = parseHTML(t, c.Get("/seller/apply").Body)
	if s := doc.Find(`[data-testid="apply-state"]`).AttrOr("data-status", ""); s != "pending" {
		t.Errorf("status page shows %q", s)
	}
	if doc.Find(`[data-testid="apply-next"]`).Length() != 1 || doc.Find(`[data-testid="apply-form"]`).Length() != 0 {
		t.Error("a pending application shows what happens next and no form")
	}
	var mails int64
	noErr(t, srv.App.Store.DB().Model(&notice.Mail{}).Where("`to` = ? AND subject LIKE ?", u.Email, "%入驻申请已提交%").Count(&mails).Error)
	if mails != 1 {
		t.Errorf("%d submission mails to the applicant, want 1", mails)
	}

	admin := srv.Client(t)
	admin.Login("admin@demo.test")
	doc = parseHTML(t, admin.Get("/admin/sellers").Body)
	row := doc.Find(fmt.Sprintf(`[data-testid="queue-row"][data-id="%d"]`, app.ID))
	if row.Length() != 1 || !strings.Contains(row.Text(), "深圳星河云科技有限公司") || !strings.Contains(row.Text(), code) {
		t.Fatalf("queue row: %q", row.Text())
	}
	if age := strings.TrimSpace(row.Find(`[data-testid="queue-age"]`).Text()); age != "1 分钟" {
		t.Errorf("age %q, want 1 分钟", age)
	}
	if n := strings.TrimSpace(doc.Find(`[data-testid="nav-count"]`).Text()); n != "1" {
		t.Errorf("nav count %q, want 1", n)
	}
	detail := admin.Get(fmt.Sprintf("/admin/sellers/%d", app.ID))
	doc = parseHTML(t, detail.Body)
	src := doc.Find(`[data-testid="license-image"]`).AttrOr("src", "")
	if src != fmt.Sprintf("/admin/attachments/%d", app.LicenseID) {
		t.Fatalf("licence shown from %q", src)
	}
	if res := admin.Get(src); res.Status != http.StatusOK || res.Header.Get("Content-Type") != "image/png" || res.Body != string(testPNG) {
		t.Errorf("admin licence download: %d %s", res.Status, res.Header.Get("Content-Type"))
	}
	// The applicant downloads it from the buyer console; nobody else from anywhere.
	if res := c.Get(fmt.Sprintf("/console/attachments/%d", app.LicenseID)); res.Status != http.StatusOK {
		t.Errorf("applicant's licence download: %d", res.Status)
	}
	for _, who := range []string{"buyer@demo.test", "seller@demo.test"} {
		o := srv.Client(t)
		o.Login(who)
		for _, area := range []string{"/console", "/seller"} {
			if res := o.Get(fmt.Sprintf("%s/attachments/%d", area, app.LicenseID)); res.Status == http.StatusOK || strings.Contains(res.Body, string(testPNG[:8])) {
				t.Errorf("%s downloads the licence from %s: %d", who, area, res.Status)
			}
		}
	}

	// The dialog states the consequence; confirming approves.
	doc = parseHTML(t, admin.Get(fmt.Sprintf("/admin/sellers/%d?decide=approve", app.ID)).Body)
	if txt := doc.Find(`[data-testid="decision-consequence"]`).Text(); !strings.Contains(txt, "深圳星河云科技有限公司") || !strings.Contains(txt, u.Email) {
		t.Errorf("approve dialog says %q", txt)
	}
	oldCookie := c.Cookie(web.SessionName)
	res = admin.PostForm(fmt.Sprintf("/admin/sellers/%d/approve", app.ID), url.Values{"note": {"欢迎入驻"}})
	if got := flashOf(t, admin, res, "success"); got != i18n.T(i18n.ZH, "onboarding.flash.done.approve") {
		t.Errorf("approve flash %q", got)
	}

	// The applicant's next request lands in the seller center, with a new session id.
	res = c.Get("/seller/apply")
	if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/seller" {
		t.Fatalf("after approval GET /seller/apply: %d → %q", res.Status, res.Header.Get("Location"))
	}
	if !strings.Contains(strings.Join(res.Header.Values("Set-Cookie"), ";"), "kg_session=") || c.Cookie(web.SessionName) == oldCookie {
		t.Error("the session id did not change with the account's new role")
	}
	home := c.Get("/seller")
	if home.Status != http.StatusOK || !strings.Contains(home.Body, "深圳星河云科技有限公司") {
		t.Fatalf("GET /seller after approval: %d", home.Status)
	}
	got, err := srv.App.Accounts.UserByID(t.Context(), u.ID)
	noErr(t, err)
	if got.Role != account.RoleSeller || got.SellerID == nil || !got.SellerRoles.Has(account.Owner) || got.Seller.USCC == nil || *got.Seller.USCC != code {
		t.Errorf("applicant after approval: role %s roles %q seller %+v", got.Role, got.SellerRoles, got.Seller)
	}
	if res := c.Get("/seller/profile"); res.Status != http.StatusOK {
		t.Errorf("the new owner's profile: %d", res.Status)
	}
	if res := c.Get(fmt.Sprintf("/seller/attachments/%d", app.LicenseID)); res.Status != http.StatusOK {
		t.Errorf("the new seller's licence download: %d", res.Status)
	}
	if res := c.Get("/console/services"); res.Status != http.StatusForbidden {
		t.Errorf("the buyer console for the new seller: %d, want 403", res.Status)
	}
	noErr(t, srv.App.Store.DB().Model(&notice.Mail{}).Where("`to` = ? AND subject LIKE ?", u.Email, "%入驻申请已通过%").Count(&mails).Error)
	if mails != 1 {
		t.Errorf("%d approval mails, want 1", mails)
	}
	// Approving again is stale: nothing changes, the page says it was decided.
	res = admin.PostForm(fmt.Sprintf("/admin/sellers/%d/approve", app.ID), url.Values{})
	if got := flashOf(t, admin, res, "error"); got != i18n.T(i18n.ZH, "onboarding.flash.decided") {
		t.Errorf("second approval flash %q", got)
	}
}

// sessionCookie is the client's session cookie value.

func TestOnboardingBadInput(t *testing.T) {
	for _, d := range apptest.Dialects {
		t.Run(string(d), func(t *testing.T) { runOnboardingBadInput(t, d) })
	}
}

func runOnboardingBadInput(t *testing.T, d sqldb.Dialect) {
	srv := apptest.Start(t, apptest.Options{Dialect: d})
	u := newBuyer(t, srv, "typo@example.com", "吴倩")
	c := srv.Client(t)
	loginNew(t, c, u.Email)
	good := newUSCC()
	bad := good[:17] + map[bool]string{true: "1", false: "0"}[good[17] == '0'] // a wrong check character
	big := append(append([]byte{}, testPNG...), make([]byte, attachment.MaxBytes)...)
	for _, lang := range langs {
		for _, tc := range []struct {
			name  string
			set   map[string]string
			files []file
			field string
			key   string
		}{
			{"no company", map[string]string{"company": "  "}, []file{licence()}, "company", onboarding.MsgCompanyRequired},
			{"company of control characters", map[string]string{"company": "星河\u200b科技有限公司"}, []file{licence()}, "company", onboarding.MsgCompanyInvalid},
			{"code too short", map[string]string{"uscc": "91440300MA"}, []file{licence()}, "uscc", onboarding.MsgUSCCShape},
			{"code with O", map[string]string{"uscc": strings.Replace(good, "0", "O", 1)}, []file{licence()}, "uscc", onboarding.MsgUSCCShape},
			{"wrong check character", map[string]string{"uscc": bad}, []file{licence()}, "uscc", onboarding.MsgUSCCCheck},
			{"registered code", map[string]string{"uscc": "91110108MA01C3QX55"}, []file{licence()}, "uscc", onboarding.MsgUSCCTaken},
			{"registered name", map[string]string{"company": "云启科技有限公司"}, []file{licence()}, "company", onboarding.MsgCompanyTaken},
			{"no licence", nil, nil, "license", onboarding.MsgLicenseRequired},
			{"licence as text", nil, []file{{"license", "执照.txt", []byte("not a licence\n")}}, "license", onboarding.MsgLicenseType},
			{"licence lying about its type", nil, []file{{"license", "执照.png", []byte("%PDF-1.4 not a png")}}, "license", attachment.MsgMismatch},
			{"licence over 10 MB", nil, []file{{"license", "执照.png", big}}, "license", attachment.MsgTooLarge},
			{"no contact phone", map[string]string{"contact_phone": ""}, []file{licence()}, "contact_phone", onboarding.MsgPhoneRequired},
			{"contact phone letters", map[string]string{"contact_phone": "call me"}, []file{licence()}, "contact_phone", account.MsgPhoneInvalid},
			{"contact email", map[string]string{"contact_email": "chen@"}, []file{licence()}, "contact_email", account.MsgEmailInvalid},
			{"support email", map[string]string{"support_email": ""}, []file{licence()}, "support_email", "onboarding.err.support_email_required"},
			{"contact name", map[string]string{"contact_name": ""}, []file{licence()}, "contact_name", "onboarding.err.contact_name_required"},
			{"support phone", map[string]string{"support_phone": ""}, []file{licence()}, "support_phone", account.MsgPhoneRequired},
			{"support hours too long", map[string]string{"support_hours": strings.Repeat("全", 51)}, []file{licence()}, "support_hours", account.MsgHoursInvalid},
			{"not agreed", map[string]string{"agree": ""}, []file{licence()}, "agree", onboarding.MsgAgreeRequired},
		} {
			where := lang + " " + tc.name
			form := applyValues("星河数据有限公司", good)
			for k, v := range tc.set {
				form.Set(k, v)
			}
			if form.Get("agree") == "" {
				form.Del("agree")
			}
			before := countRows(t, srv, &onboarding.Application{})
			res := postMultipart(t, srv, c, withLang("/seller/apply", lang), form, tc.files...)
			if res.Status != http.StatusUnprocessableEntity {
				t.Errorf("%s: status %d, want 422", where, res.Status)
				continue
			}
			doc := parseHTML(t, res.Body)
			if got, want := strings.TrimSpace(doc.Find(`[data-testid="`+tc.field+`-error"]`).Text()), msgIn(t, lang, tc.key); got != want {
				t.Errorf("%s: %s message %q, want %q", where, tc.field, got, want)
			}
			want := 1
			if len(tc.files) > 0 && tc.field != "license" {
				want = 2 // and the licence's: browsers never keep a chosen file
				if got := doc.Find(`[data-testid="license-error"]`).Text(); got != msgIn(t, lang, attachment.MsgAgain) {
					t.Errorf("%s: licence message %q", where, got)
				}
			}
			if n := doc.Find(`.field-error[data-testid]`).Length(); n != want {
				t.Errorf("%s: %d messages, want %d", where, n, want)
			}
			// Everything typed comes back (never the file).
			for _, f := range []string{"company", "uscc", "contact_name", "contact_phone", "contact_email", "support_email", "support_phone", "support_hours"} {
				if got := doc.Find(`[data-testid="apply-`+f+`"]`).AttrOr("value", "?"); got != form.Get(f) {
					t.Errorf("%s: %s comes back as %q, want %q", where, f, got, form.Get(f))
				}
			}
			if _, checked := doc.Find(`[data-testid="apply-agree"]`).Attr("checked"); checked != (form.Get("agree") != "") {
				t.Errorf("%s: agreement checkbox checked=%v", where, checked)
			}
			if after := countRows(t, srv, &onboarding.Application{}); after != before {
				t.Errorf("%s: %d applications, was %d", where, after, before)
			}
			if got := doc.Find(`label[for="apply-license"]`).Text(); got != msgIn(t, lang, "onboarding.field.license") {
				t.Errorf("%s: licence label %q", where, got)
			}
		}
		// A refused form with a good licence asks for the file again (browsers drop it).
		form := applyValues("星河数据有限公司", good)
		form.Set("support_email", "x")
		res := postMultipart(t, srv, c, withLang("/seller/apply", lang), form, licence())
		if got := parseHTML(t, res.Body).Find(`[data-testid="license-error"]`).Text(); got != msgIn(t, lang, attachment.MsgAgain) {
			t.Errorf("%s: licence message after another field's error: %q", lang, got)
		}
	}
	// A body over the server's limit is a localized 413, nothing filed.
	huge := make([]byte, 13<<20)
	copy(huge, testPNG)
	res := postMultipart(t, srv, c, withLang("/seller/apply", i18n.ZH), applyValues("星河数据有限公司", good), file{"license", "big.png", huge})
	errorPage(t, "13 MB application", res, http.StatusRequestEntityTooLarge, i18n.ZH)
	if n := countRows(t, srv, &onboarding.Application{}); n != 0 {
		t.Errorf("%d applications after refused forms", n)
	}
	// A valid one goes through, the code stored in upper case.
	res = postMultipart(t, srv, c, "/seller/apply", applyValues("星河数据有限公司", strings.ToLower(good)), licence())
	if res.Status != http.StatusSeeOther {
		t.Fatalf("valid application: %d %s", res.Status, snippet(res.Body))
	}
	if a := application(t, srv, u.ID); a.USCC != good {
		t.Errorf("stored code %q, want %q", a.USCC, good)
	}
}

func TestOnboardingRejectAndRequestInfo(t *testing.T) {
	for _, d := range apptest.Dialects {
		t.Run(string(d), func(t *testing.T) { runOnboardingRejectAndRequestInfo(t, d) })
	}
}

func runOnboardingRejectAndRequestInfo(t *testing.T, d sqldb.Dialect) {
	srv := apptest.Start(t, apptest.Options{Dialect: d})
	u := newBuyer(t, srv, "retry@example.com", "郑凯")
	c := srv.Client(t)
	loginNew(t, c, u.Email)
	admin := srv.Client(t)
	admin.Login("admin@demo.test")
	code := newUSCC()
	if res := postMultipart(t, srv, c, "/seller/apply", applyValues("凯越信息技术有限公司", code), file{"license", "营业执照.pdf", testPDF}); res.Status != http.StatusSeeOther {
		t.Fatalf("apply with a PDF licence: %d", res.Status)
	}
	app := application(t, srv, u.ID)
	path := fmt.Sprintf("/admin/sellers/%d", app.ID)
	if href := parseHTML(t, admin.Get(path).Body).Find(`[data-testid="license-pdf"] a`).AttrOr("href", ""); href != fmt.Sprintf("/admin/attachments/%d", app.LicenseID) {
		t.Errorf("a PDF licence links to %q", href)
	}

	// Reject and ask for more need their text: the dialog comes back with the message, 422.
	for _, dec := range []string{"reject", "info"} {
		res := admin.PostForm(path+"/"+dec, url.Values{"note": {"   "}})
		if res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("%s without text: %d", dec, res.Status)
		}
		doc := parseHTML(t, res.Body)
		if doc.Find(`[data-testid="decision-dialog"]`).AttrOr("data-decide", "") != dec || doc.Find(`[data-testid="note-error"]`).Text() != i18n.T(i18n.ZH, onboarding.MsgNoteRequired) {
			t.Errorf("%s without text: no dialog with the message", dec)
		}
	}
	if a := application(t, srv, u.ID); a.Status != onboarding.StatusPending {
		t.Fatalf("refused decisions changed the status to %s", a.Status)
	}

	// Ask for more: the applicant reads the request and answers with the form pre-filled.
	res := admin.PostForm(path+"/info", url.Values{"note": {"营业执照照片模糊，请上传清晰的扫描件。"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("request info: %d", res.Status)
	}
	doc := parseHTML(t, c.Get("/seller/apply").Body)
	if !strings.Contains(doc.Find(`[data-testid="apply-request"]`).Text(), "营业执照照片模糊") {
		t.Error("the applicant does not see operations' request")
	}
	f := doc.Find(`[data-testid="apply-form"]`)
	if f.AttrOr("action", "") != fmt.Sprintf("/seller/apply/%d/resubmit", app.ID) || doc.Find(`[data-testid="apply-company"]`).AttrOr("value", "") != "凯越信息技术有限公司" {
		t.Fatalf("resubmit form: action %q", f.AttrOr("action", ""))
	}
	// A bad answer keeps what was typed; a good one (keeping the licence) goes back to the queue.
	form := applyValues("凯越信息技术有限公司", code)
	form.Set("contact_email", "nope")
	res = postMultipart(t, srv, c, fmt.Sprintf("/seller/apply/%d/resubmit", app.ID), form)
	if res.Status != http.StatusUnprocessableEntity || parseHTML(t, res.Body).Find(`[data-testid="apply-contact_email"]`).AttrOr("value", "") != "nope" {
		t.Fatalf("bad resubmission: %d", res.Status)
	}
	form.Set("contact_email", "kai@example.com")
	res = postMultipart(t, srv, c, fmt.Sprintf("/seller/apply/%d/resubmit", app.ID), form)
	if got := flashOf(t, c, res, "success"); got != i18n.T(i18n.ZH, "onboarding.flash.resubmitted") {
		t.Errorf("resubmit flash %q", got)
	}
	a := application(t, srv, u.ID)
	if a.Status != onboarding.StatusPending || a.ContactEmail != "kai@example.com" || a.LicenseID != app.LicenseID || a.ID != app.ID {
		t.Errorf("after resubmission: %+v", a)
	}
	// Resubmitting again is stale; another account's application is a 404.
	res = postMultipart(t, srv, c, fmt.Sprintf("/seller/apply/%d/resubmit", app.ID), form)
	if got := flashOf(t, c, res, "error"); got != i18n.T(i18n.ZH, "onboarding.flash.stale") {
		t.Errorf("second resubmission flash %q", got)
	}
	other := newBuyer(t, srv, "nosy@example.com", "钱多")
	o := srv.Client(t)
	loginNew(t, o, other.Email)
	form.Del("_csrf")
	if res := postMultipart(t, srv, o, fmt.Sprintf("/seller/apply/%d/resubmit", app.ID), form); res.Status != http.StatusNotFound {
		t.Errorf("another account resubmits: %d", res.Status)
	}

	// Reject with a reason: the applicant reads it and gets a fresh form.
	res = admin.PostForm(path+"/reject", url.Values{"note": {"营业执照与企业名称不一致。"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("reject: %d", res.Status)
	}
	doc = parseHTML(t, c.Get("/seller/apply").Body)
	if !strings.Contains(doc.Find(`[data-testid="apply-rejected"]`).Text(), "营业执照与企业名称不一致") {
		t.Error("the applicant does not see the reason")
	}
	if doc.Find(`[data-testid="apply-form"]`).AttrOr("action", "") != "/seller/apply" {
		t.Error("no fresh form after a rejection")
	}
	rows := doc.Find(`[data-testid="history-row"]`)
	var events []string
	rows.Each(func(_ int, s *goquery.Selection) { events = append(events, s.AttrOr("data-event", "")) })
	if strings.Join(events, ",") != "submitted,info_requested,resubmitted,rejected" {
		t.Errorf("history %v", events)
	}
	if res := postMultipart(t, srv, c, "/seller/apply", applyValues("凯越信息技术有限公司", code), licence()); res.Status != http.StatusSeeOther {
		t.Errorf("applying again after a rejection: %d %s", res.Status, snippet(res.Body))
	}
	if n := countRows(t, srv, &onboarding.Application{}); n != 2 {
		t.Errorf("%d applications, want 2", n)
	}
}

func TestOnboardingRaces(t *testing.T) {
	for _, d := range apptest.Dialects {
		t.Run(string(d), func(t *testing.T) { runOnboardingRaces(t, d) })
	}
}

func runOnboardingRaces(t *testing.T, d sqldb.Dialect) {
	srv := apptest.Start(t, apptest.Options{Dialect: d})
	u := newBuyer(t, srv, "twotabs@example.com", "孙悦")
	c := srv.Client(t)
	loginNew(t, c, u.Email)
	c.CSRFToken()

	// Two submits at once (a double click, two tabs): one application.
	form := applyValues("悦行软件有限公司", newUSCC())
	var wg sync.WaitGroup
	statuses := make([]int, 2)
	for i := range statuses {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			f := url.Values{}
			for k, v := range form {
				f[k] = v
			}
			statuses[i] = postMultipart(t, srv, c, "/seller/apply", f, licence()).Status
		}(i)
	}
	wg.Wait()
	if statuses[0] != http.StatusSeeOther || statuses[1] != http.StatusSeeOther {
		t.Errorf("double submit: %v, want two 303s", statuses)
	}
	if n := countRows(t, srv, &onboarding.Application{}); n != 1 {
		t.Fatalf("double submit filed %d applications", n)
	}
	app := application(t, srv, u.ID)

	// Two admins approve at once: one does it, the other is told it was decided.
	newAdmin(t, srv, "ops2@example.com")
	admins := []*apptest.Client{srv.Client(t), srv.Client(t)}
	admins[0].Login("admin@demo.test")
	loginNew(t, admins[1], "ops2@example.com")
	results := make([]apptest.Response, 2)
	for i, a := range admins {
		a.Get("/admin") // takes the login's flash
		a.CSRFToken()
		wg.Add(1)
		go func(i int, a *apptest.Client) {
			defer wg.Done()
			results[i] = a.PostForm(fmt.Sprintf("/admin/sellers/%d/approve", app.ID), url.Values{})
		}(i, a)
	}
	wg.Wait()
	var flashes []string
	for i, r := range results {
		if r.Status != http.StatusSeeOther {
			t.Fatalf("approval %d: %d", i, r.Status)
		}
		page := parseHTML(t, admins[i].Get(r.Header.Get("Location")).Body)
		flashes = append(flashes, strings.TrimSpace(page.Find(`[data-testid^="flash-"]`).Text()))
	}
	ok, decided := i18n.T(i18n.ZH, "onboarding.flash.done.approve"), i18n.T(i18n.ZH, "onboarding.flash.decided")
	if !(flashes[0] == ok && flashes[1] == decided) && !(flashes[0] == decided && flashes[1] == ok) {
		t.Errorf("two approvals told %q", flashes)
	}
	var sellers, events int64
	noErr(t, srv.App.Store.DB().Model(&account.Seller{}).Where("name = ?", "悦行软件有限公司").Count(&sellers).Error)
	noErr(t, srv.App.Store.DB().Model(&onboarding.Event{}).Where("application_id = ? AND action = ?", app.ID, onboarding.EventApproved).Count(&events).Error)
	if sellers != 1 || events != 1 {
		t.Errorf("two approvals made %d sellers and %d events", sellers, events)
	}
}

func TestOnboardingWhoMayApply(t *testing.T) {
	srv := apptest.Start(t, apptest.Options{})
	// A buyer with orders is told why, and cannot post.
	b := srv.Client(t)
	b.Login("buyer@demo.test")
	doc := parseHTML(t, b.Get("/seller/apply").Body)
	if doc.Find(`[data-testid="apply-has-orders"]`).Length() != 1 || doc.Find(`[data-testid="apply-form"]`).Length() != 0 {
		t.Error("a buyer with orders sees a form")
	}
	res := postMultipart(t, srv, b, "/seller/apply", applyValues("有单公司有限公司", newUSCC()), licence())
	if got := flashOf(t, b, res, "error"); got != i18n.T(i18n.ZH, "onboarding.flash.has_orders") {
		t.Errorf("buyer with orders: flash %q", got)
	}
	if n := countRows(t, srv, &onboarding.Application{}); n != 0 {
		t.Errorf("%d applications from a buyer with orders", n)
	}
	// An account whose email is not verified is asked to verify first, and cannot post.
	fresh, err := srv.App.Accounts.CreateUser(t.Context(), account.NewUser{Email: "unverified@example.com", Name: "未验证", Password: testPassword, Role: account.RoleBuyer})
	noErr(t, err)
	uv := srv.Client(t)
	loginNew(t, uv, fresh.Email)
	doc = parseHTML(t, uv.Get("/seller/apply").Body)
	if doc.Find(`[data-testid="apply-unverified"] [data-testid="verify-resend"]`).Length() != 1 || doc.Find(`[data-testid="apply-form"]`).Length() != 0 {
		t.Error("an unverified account sees the form, or no way to verify")
	}
	res = postMultipart(t, srv, uv, "/seller/apply", applyValues("未验证公司有限公司", newUSCC()), licence())
	if got := flashOf(t, uv, res, "error"); got != i18n.T(i18n.ZH, "onboarding.flash.unverified") || countRows(t, srv, &onboarding.Application{}) != 0 {
		t.Errorf("unverified applicant: flash %q", got)
	}
	// A seller goes to the seller center; operations get 403; the agreement is public.
	s := srv.Client(t)
	s.Login("seller@demo.test")
	if res := s.Get("/seller/apply"); res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/seller" {
		t.Errorf("seller: %d %q", res.Status, res.Header.Get("Location"))
	}
	a := srv.Client(t)
	a.Login("admin@demo.test")
	errorPage(t, "admin applies", a.Get("/seller/apply"), http.StatusForbidden, i18n.ZH)
	for _, lang := range langs {
		res := srv.Client(t).Get(withLang("/seller/agreement", lang))
		doc := parseHTML(t, res.Body)
		if res.Status != http.StatusOK || doc.Find(`[data-testid="agreement"] li`).Length() < 20 {
			t.Errorf("%s agreement: %d, %d clauses", lang, res.Status, doc.Find(`[data-testid="agreement"] li`).Length())
		}
		text := doc.Find(`[data-testid="agreement"]`).Text()
		for _, must := range map[string][]string{i18n.ZH: {"生产接口", "服务监管", "退订", "结算", "¥1,000"}, i18n.EN: {"Production interface", "supervision", "Refunds", "Settlement", "¥1,000"}}[lang] {
			if !strings.Contains(text, must) {
				t.Errorf("%s agreement lacks %q", lang, must)
			}
		}
	}
}

// TestOnboardingOldTab: a form posted from an old tab while an application is open files
// nothing, whatever it holds, and shows the open application.
func TestOnboardingOldTab(t *testing.T) {
	srv := apptest.Start(t, apptest.Options{})
	u := newBuyer(t, srv, "oldtab@example.com", "旧标签")
	c := srv.Client(t)
	loginNew(t, c, u.Email)
	if res := postMultipart(t, srv, c, "/seller/apply", applyValues("旧标签科技有限公司", newUSCC()), licence()); res.Status != http.StatusSeeOther {
		t.Fatalf("apply: %d", res.Status)
	}
	for _, form := range []url.Values{applyValues("另一个科技有限公司", newUSCC()), {}} {
		form.Del("_csrf")
		res := postMultipart(t, srv, c, "/seller/apply", form, licence())
		if got := flashOf(t, c, res, "error"); got != i18n.T(i18n.ZH, "onboarding.flash.open") {
			t.Errorf("old tab: flash %q", got)
		}
	}
	if n := countRows(t, srv, &onboarding.Application{}); n != 1 {
		t.Errorf("%d applications, want 1", n)
	}
}
