package e2e

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"koogallery/apptest"
	"koogallery/models"
	"koogallery/models/account"
	"koogallery/models/attachment"
	"koogallery/models/notice"
	"koogallery/models/orders"
	"koogallery/models/outbox"
	"koogallery/models/refund"
	"koogallery/models/sqldb"
)

// Refunds through the real middleware: bad input on the buyer's form and the seller's review
// (each refused with a message in the user's language, the input kept, nothing changed),
// forged ids and strangers, double submits, and how attachments are served.

// file is one file field of a multipart form.
type file struct {
	field, name string
	data        []byte
}

// postMultipart posts a multipart form with the client's CSRF token.
func postMultipart(t *testing.T, srv *apptest.Server, c *apptest.Client, path string, form url.Values, files ...file) apptest.Response {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if form.Get("_csrf") == "" {
		form.Set("_csrf", c.CSRFToken())
	}
	for k, vs := range form {
		for _, v := range vs {
			noErr(t, w.WriteField(k, v))
		}
	}
	for _, f := range files {
		part, err := w.CreateFormFile(f.field, f.name)
		noErr(t, err)
		_, err = part.Write(f.data)
		noErr(t, err)
	}
	noErr(t, w.Close())
	req, err := http.NewRequest(http.MethodPost, srv.URL+path, &body)
	noErr(t, err)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.Do(req)
}

var testPDF = []byte("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")

// refundScene is buyer@demo.test holding a freshly bought 网站迁移上云服务 (a supervised manual
// service of seller company 1, ¥2,000, refundable by negotiation).
func refundScene(t *testing.T, srv *apptest.Server) (account.User, orders.Instance) {
	t.Helper()
	db := srv.App.Store.DB()
	var buyerU account.User
	noErr(t, db.Where("email = ?", "buyer@demo.test").First(&buyerU).Error)
	p := productByCode(t, srv, "00301-100006-0--0")
	o, err := srv.App.Store.Purchase(t.Context(), buyerU.ID, p.ID, models.PurchaseInput{Plan: "once", PayMethod: "credit", SubmitKey: "refund-scene-" + randKey()})
	noErr(t, err)
	var inst orders.Instance
	noErr(t, db.First(&inst, *o.InstanceID).Error)
	return buyerU, inst
}

// refundCounts sums up what a refused refund must not change.
func refundCounts(t *testing.T, srv *apptest.Server) string {
	t.Helper()
	return fmt.Sprint(countRows(t, srv, &refund.RefundRequest{}), countRows(t, srv, &orders.Refund{}), countRows(t, srv, &attachment.Attachment{}),
		countRows(t, srv, &attachment.Blob{}), countRows(t, srv, &notice.Notice{}), countRows(t, srv, &notice.Mail{}),
		countRows(t, srv, &outbox.InterfaceCall{}), countRows(t, srv, &orders.Order{}))
}

func TestBadInputRefundRequest(t *testing.T) {
	for _, d := range apptest.Dialects {
		t.Run(string(d), func(t *testing.T) { runBadInputRefundRequest(t, d) })
	}
}

func runBadInputRefundRequest(t *testing.T, d sqldb.Dialect) {
	srv := apptest.Start(t, apptest.Options{Dialect: d})
	_, inst := refundScene(t, srv)
	c := srv.Client(t)
	c.Login("buyer@demo.test")
	path := "/console/services/" + itoa(inst.ID) + "/refund"
	page := c.Get(path)
	if page.Status != http.StatusOK {
		t.Fatalf("refund form: %d", page.Status)
	}
	doc := parseHTML(t, page.Body)
	if got := strings.TrimSpace(doc.Find(`[data-testid="refund-max"]`).Text()); got != "¥2,000.00" {
		t.Errorf("the form says at most %q", got)
	}
	key := doc.Find(`input[name="submit_key"]`).AttrOr("value", "")
	if len(key) < 16 {
		t.Fatalf("form key %q", key)
	}
	valid := func() url.Values {
		return url.Values{"amount": {"1500"}, "cause": {"not_delivered"}, "text": {"协商一致"}, "confirm": {"1"}, "submit_key": {key}}
	}
	exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00"), bytes.Repeat([]byte{0}, 200)...)
	cases := []struct {
		name   string
		edit   func(v url.Values)
		files  []file
		field  string
		msgKey string
	}{
		{"above the paid amount", func(v url.Values) { v.Set("amount", "2000.01") }, nil, "amount", refund.MsgAmountMax},
		{"far above", func(v url.Values) { v.Set("amount", "99999999999999999999") }, nil, "amount", refund.MsgAmountMax},
		{"negative", func(v url.Values) { v.Set("amount", "-100") }, nil, "amount", refund.MsgAmountPositive},
		{"zero", func(v url.Values) { v.Set("amount", "0.00") }, nil, "amount", refund.MsgAmountPositive},
		{"too many decimals", func(v url.Values) { v.Set("amount", "100.005") }, nil, "amount", refund.MsgAmountDecimals},
		{"not a number", func(v url.Values) { v.Set("amount", "一百元") }, nil, "amount", refund.MsgAmountFormat},
		{"hostile amount", func(v url.Values) { v.Set("amount", hostile) }, nil, "amount", refund.MsgAmountFormat},
		{"exponent", func(v url.Values) { v.Set("amount", "1e3") }, nil, "amount", refund.MsgAmountFormat},
		{"no amount", func(v url.Values) { v.Del("amount") }, nil, "amount", refund.MsgAmountRequired},
		{"hostile cause", func(v url.Values) { v.Set("cause", hostile) }, nil, "cause", refund.MsgCauseInvalid},
		{"long text", func(v url.Values) { v.Set("text", strings.Repeat("长", 501)) }, nil, "text", refund.MsgTextTooLong},
		{"other without text", func(v url.Values) { v.Set("cause", "other"); v.Set("text", hostile[:0]) }, nil, "text", refund.MsgTextRequired},
		{"not confirmed", func(v url.Values) { v.Del("confirm") }, nil, "confirm", refund.MsgConfirmRefund},
		{"disguised PDF (HTML)", nil, []file{{"attachment", "记录.pdf", []byte("<!doctype html><script>alert(1)</script>")}}, "attachment", attachment.MsgMismatch},
		{"disguised PDF (executable)", nil, []file{{"attachment", "record.pdf", exe}}, "attachment", attachment.MsgMismatch},
		{"executable", nil, []file{{"attachment", "setup.exe", exe}}, "attachment", attachment.MsgType},
		{"oversized", nil, []file{{"attachment", "big.pdf", append(append([]byte{}, testPDF...), make([]byte, attachment.MaxBytes)...)}}, "attachment", attachment.MsgTooLarge},
		{"empty file", nil, []file{{"attachment", "empty.pdf", nil}}, "attachment", attachment.MsgEmpty},
		{"good file, bad amount", func(v url.Values) { v.Set("amount", "abc") }, []file{{"attachment", "ok.pdf", testPDF}}, "attachment", attachment.MsgAgain},
	}
	before := refundCounts(t, srv)
	for _, tc := range cases {
		for _, lang := range langs {
			where := fmt.Sprintf("refund %s (%s)", tc.name, lang)
			v := valid()
			v.Set("text", v.Get("text")+hostile)
			if tc.edit != nil {
				tc.edit(v)
			}
			res := postMultipart(t, srv, c, withLang(path, lang), v, tc.files...)
			if res.Status != http.StatusUnprocessableEntity {
				t.Errorf("%s: status %d, want 422", where, res.Status)
				continue
			}
			assertEscaped(t, where, res)
			doc := parseHTML(t, res.Body)
			if got, want := strings.TrimSpace(doc.Find(`[data-testid="`+tc.field+`-error"]`).Text()), msgIn(t, lang, tc.msgKey); got != want {
				t.Errorf("%s: %s message %q, want %q", where, tc.field, got, want)
			}
			if got := doc.Find(`input[name="amount"]`).AttrOr("value", "?"); got != clipped(v.Get("amount"), 40) {
				t.Errorf("%s: amount kept as %q, want %q", where, got, v.Get("amount"))
			}
			if got := doc.Find(`textarea[name="text"]`).Text(); got != clipped(v.Get("text"), 2000) {
				t.Errorf("%s: text kept as %.40q", where, got)
			}
			if got := doc.Find(`input[name="submit_key"]`).AttrOr("value", ""); got != key {
				t.Errorf("%s: form key changed to %q", where, got)
			}
		}
	}
	if after := refundCounts(t, srv); after != before {
		t.Fatalf("refused refund forms changed data: %s → %s", before, after)
	}

	// A body over the server's limit is a localized 413.
	res := postMultipart(t, srv, c, withLang(path, "zh"), valid(), file{"attachment", "huge.pdf", make([]byte, 13<<20)})
	errorPage(t, "refund with a 13 MB body", res, http.StatusRequestEntityTooLarge, "zh")

	// Forged and foreign ids: 404, nothing changed.
	other := srv.Client(t)
	other.Login("buyer2@demo.test")
	for _, tc := range []struct {
		c    *apptest.Client
		path string
	}{
		{c, "/console/services/999999/refund"}, {c, "/console/services/abc/refund"}, {c, "/console/services/-1/refund"},
		{other, path},
	} {
		if res := tc.c.Get(tc.path); res.Status != http.StatusNotFound {
			t.Errorf("GET %s: %d", tc.path, res.Status)
		}
		res := postMultipart(t, srv, tc.c, withLang(tc.path, "zh"), valid())
		errorPage(t, "POST "+tc.path, res, http.StatusNotFound, "zh")
	}
	if after := refundCounts(t, srv); after != before {
		t.Fatalf("forged refund requests changed data: %s → %s", before, after)
	}

	// The valid form makes one request, however often it is sent.
	first := postMultipart(t, srv, c, path, valid(), file{"attachment", "沟通记录.pdf", testPDF})
	second := postMultipart(t, srv, c, path, valid(), file{"attachment", "沟通记录.pdf", testPDF})
	loc := first.Header.Get("Location")
	if first.Status != http.StatusSeeOther || !strings.HasPrefix(loc, "/console/refunds/") || second.Header.Get("Location") != loc {
		t.Fatalf("double submit: %d → %q, then %d → %q", first.Status, loc, second.Status, second.Header.Get("Location"))
	}
	if n := countRows(t, srv, &refund.RefundRequest{}); n != 2 { // the demo's and this one
		t.Errorf("%d refund requests", n)
	}
	// Another form for the same service while it is pending says why not.
	fresh := valid()
	fresh.Set("submit_key", "another-form-key-0001")
	res = postMultipart(t, srv, c, withLang(path, "zh"), fresh)
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, msgIn(t, "zh", refund.WhyOpenRequest)) {
		t.Errorf("second request while pending: %d", res.Status)
	}
	// Another buyer cannot read or withdraw it.
	if res := other.Get(loc); res.Status != http.StatusNotFound {
		t.Errorf("another buyer reads the request: %d", res.Status)
	}
	if res := other.PostForm(loc+"/withdraw", nil); res.Status != http.StatusNotFound {
		t.Errorf("another buyer withdraws the request: %d", res.Status)
	}
	// Withdrawing twice: the second says it was already done.
	if res := c.PostForm(loc+"/withdraw", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("withdraw: %d", res.Status)
	}
	c.PostForm(loc+"/withdraw", nil)
	doc = parseHTML(t, c.Get(loc).Body)
	if got := doc.Find(`[data-testid="refund-status"]`).First().AttrOr("data-status", ""); got != "withdrawn" {
		t.Errorf("status after withdrawal %q", got)
	}
	if doc.Find(`[data-testid="flash-error"]`).Length() != 1 {
		t.Errorf("no message for the second withdrawal")
	}
}

func TestBadInputRefundReview(t *testing.T) {
	for _, d := range apptest.Dialects {
		t.Run(string(d), func(t *testing.T) { runBadInputRefundReview(t, d) })
	}
}

func runBadInputRefundReview(t *testing.T, d sqldb.Dialect) {
	srv := apptest.Start(t, apptest.Options{Dialect: d})
	f := loadRefundFixtures(t, srv)
	seller := srv.Client(t)
	seller.Login("seller@demo.test")
	base := "/seller/refunds/" + itoa(f.request.ID)
	if doc := parseHTML(t, seller.Get(base+"?decide=approve").Body); doc.Find(`[data-testid="refund-review-form"]`).Length() != 1 {
		t.Fatalf("no confirmation step for 同意")
	}
	before := refundCounts(t, srv)
	for _, tc := range []struct {
		name, action, opinion string
		files                 []file
		field, msgKey         string
	}{
		{"approve without opinion", "approve", "  ", nil, "opinion", refund.MsgOpinionMissing},
		{"reject without opinion", "reject", "", nil, "opinion", refund.MsgOpinionMissing},
		{"long opinion", "approve", strings.Repeat("意", 501), nil, "opinion", refund.MsgOpinionTooLong},
		{"disguised attachment", "approve", "同意" + hostile, []file{{"attachment", "accept.png", testPDF}}, "attachment", attachment.MsgMismatch},
		{"HTML attachment", "reject", "驳回", []file{{"attachment", "x.html", []byte("<html>")}}, "attachment", attachment.MsgType},
	} {
		for _, lang := range langs {
			where := fmt.Sprintf("review %s (%s)", tc.name, lang)
			res := postMultipart(t, srv, seller, withLang(base+"/"+tc.action, lang), url.Values{"opinion": {tc.opinion}}, tc.files...)
			if res.Status != http.StatusUnprocessableEntity {
				t.Errorf("%s: status %d, want 422", where, res.Status)
				continue
			}
			assertEscaped(t, where, res)
			doc := parseHTML(t, res.Body)
			if got, want := strings.TrimSpace(doc.Find(`[data-testid="`+tc.field+`-error"]`).Text()), msgIn(t, lang, tc.msgKey); got != want {
				t.Errorf("%s: message %q, want %q", where, got, want)
			}
			if got := doc.Find(`[data-testid="refund-review"]`).AttrOr("data-decide", ""); got != tc.action {
				t.Errorf("%s: the confirmation for %q is gone (%q)", where, tc.action, got)
			}
			if got := doc.Find(`textarea[name="opinion"]`).Text(); got != clipped(tc.opinion, 2000) {
				t.Errorf("%s: opinion kept as %.30q", where, got)
			}
		}
	}
	// Strangers: another seller company, buyers, operations.
	other := srv.Client(t)
	other.Login("seller2@demo.test")
	res := postMultipart(t, srv, other, base+"/approve", url.Values{"opinion": {"同意"}})
	errorPage(t, "another company's approval", res, http.StatusNotFound, "zh")
	res = postMultipart(t, srv, other, "/seller/refunds/999999/approve", url.Values{"opinion": {"同意"}})
	errorPage(t, "a forged request id", res, http.StatusNotFound, "zh")
	buyer := srv.Client(t)
	buyer.Login("buyer@demo.test")
	res = postMultipart(t, srv, buyer, base+"/approve", url.Values{"opinion": {"同意"}})
	errorPage(t, "a buyer's approval", res, http.StatusForbidden, "zh")
	if after := refundCounts(t, srv); after != before {
		t.Fatalf("refused reviews changed data: %s → %s", before, after)
	}
	var r refund.RefundRequest
	noErr(t, srv.App.Store.DB().First(&r, f.request.ID).Error)
	if r.Status != refund.RefundPending {
		t.Fatalf("request %s after refused reviews", r.Status)
	}

	// 驳回 with an opinion ends it; a second decision says so and changes nothing.
	res = postMultipart(t, srv, seller, base+"/reject", url.Values{"opinion": {"服务已按约定交付"}}, file{"attachment", "验收单.pdf", testPDF})
	if res.Status != http.StatusSeeOther || res.Header.Get("Location") != base {
		t.Fatalf("reject: %d → %q", res.Status, res.Header.Get("Location"))
	}
	mid := refundCounts(t, srv)
	res = postMultipart(t, srv, seller, base+"/approve", url.Values{"opinion": {"改为同意"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("approve after reject: %d", res.Status)
	}
	doc := parseHTML(t, seller.Get(base).Body)
	if doc.Find(`[data-testid="flash-error"]`).Length() != 1 || doc.Find(`[data-testid="refund-status"]`).First().AttrOr("data-status", "") != "rejected" {
		t.Errorf("approval after rejection: no message, or the status changed")
	}
	if after := refundCounts(t, srv); after != mid {
		t.Errorf("approval after rejection changed data: %s → %s", mid, after)
	}
	if n := doc.Find(`[data-testid="attachment"]`).Length(); n != 2 {
		t.Errorf("%d attachments on the request, want the buyer's and the seller's", n)
	}
}

// TestRefundAttachmentDownload: parties and operations download the file with a safe
// disposition; everyone else gets a 404 without its content.
func TestRefundAttachmentDownload(t *testing.T) {
	srv := apptest.Start(t, apptest.Options{})
	f := loadRefundFixtures(t, srv)
	// A hostile file name, stored cleaned.
	var buyerU account.User
	noErr(t, srv.App.Store.DB().Where("email = ?", "buyer@demo.test").First(&buyerU).Error)
	_, inst := refundScene(t, srv)
	c := srv.Client(t)
	c.Login("buyer@demo.test")
	res := postMultipart(t, srv, c, "/console/services/"+itoa(inst.ID)+"/refund",
		url.Values{"amount": {"10"}, "cause": {"other"}, "text": {"x"}, "confirm": {"1"}, "submit_key": {"download-test-key-01"}},
		file{"attachment", "..\\..\\a\"b;c\u202e 记录.txt", []byte("hello 你好\n")})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("request with a hostile file name: %d", res.Status)
	}
	var hostileFile attachment.Attachment
	noErr(t, srv.App.Store.DB().Order("id DESC").First(&hostileFile).Error)

	for _, tc := range []struct {
		who, area string
		id        uint
		want      int
	}{
		{"buyer@demo.test", "/console", f.file.ID, 200},
		{"seller@demo.test", "/seller", f.file.ID, 200},
		{"admin@demo.test", "/admin", f.file.ID, 200},
		{"buyer2@demo.test", "/console", f.file.ID, 404},
		{"seller2@demo.test", "/seller", f.file.ID, 404},
		{"buyer@demo.test", "/console", 999999, 404},
		{"buyer@demo.test", "/console", hostileFile.ID, 200},
	} {
		cl := srv.Client(t)
		cl.Login(tc.who)
		res := cl.Get(tc.area + "/attachments/" + itoa(tc.id))
		where := tc.who + " " + tc.area + "/attachments/" + itoa(tc.id)
		if res.Status != tc.want {
			t.Errorf("%s: %d, want %d", where, res.Status, tc.want)
			continue
		}
		if tc.want != 200 {
			if strings.Contains(res.Body, "割接取消了") {
				t.Errorf("%s: the refused answer shows the file", where)
			}
			continue
		}
		h := res.Header
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Content-Security-Policy") != "sandbox" || !strings.Contains(h.Get("Cache-Control"), "no-store") {
			t.Errorf("%s: headers %v", where, h)
		}
		cd := h.Get("Content-Disposition")
		if !strings.HasPrefix(cd, "attachment; ") || strings.ContainsAny(cd, "\r\n") || strings.Count(cd, `"`) != 2 {
			t.Errorf("%s: Content-Disposition %q", where, cd)
		}
		if tc.id == f.file.ID {
			if h.Get("Content-Type") != "text/plain; charset=utf-8" || !strings.Contains(res.Body, "割接取消了") ||
				cd != `attachment; filename="____.txt"; filename*=UTF-8''%E6%B2%9F%E9%80%9A%E8%AE%B0%E5%BD%95.txt` {
				t.Errorf("%s: %s %q %.20q", where, h.Get("Content-Type"), cd, res.Body)
			}
		} else if cd != `attachment; filename="a_b;c_ __.txt"; filename*=UTF-8''a_b%3Bc_%20%E8%AE%B0%E5%BD%95.txt` {
			t.Errorf("%s: hostile name disposition %q", where, cd)
		}
	}
}

// refundRawKey finds an untranslated message key shown as a page's text.
var refundRawKey = regexp.MustCompile(`>\s*(refund|attachment|nav|notice|supervision)\.[a-z0-9_.]+\s*<`)

// TestRefundPagesTranslated opens every refund page in both languages: 200, no raw keys.
func TestRefundPagesTranslated(t *testing.T) {
	srv := apptest.Start(t, apptest.Options{})
	f := loadRefundFixtures(t, srv)
	_, inst := refundScene(t, srv)
	id := itoa(f.request.ID)
	pages := map[string][]string{
		"buyer@demo.test": {"/console/refunds", "/console/refunds?status=pending", "/console/refunds/" + id,
			"/console/services/" + itoa(inst.ID) + "/refund", "/console/services/" + itoa(f.request.InstanceID) + "/refund", "/console/services"},
		"seller@demo.test": {"/seller/refunds", "/seller/refunds?status=approved&product=1&from=2020-01-01&to=2999-12-31", "/seller/refunds/" + id,
			"/seller/refunds/" + id + "?decide=approve", "/seller/refunds/" + id + "?decide=reject", "/seller"},
		"admin@demo.test": {"/admin/refunds", "/admin/refunds?view=records", "/admin/refunds/" + id},
	}
	for who, paths := range pages {
		c := srv.Client(t)
		c.Login(who)
		for _, p := range paths {
			for _, lang := range langs {
				res := c.Get(withLang(p, lang))
				if res.Status != http.StatusOK {
					t.Errorf("%s %s (%s): %d", who, p, lang, res.Status)
					continue
				}
				if m := refundRawKey.FindString(res.Body); m != "" {
					t.Errorf("%s %s (%s): untranslated %q", who, p, lang, m)
				}
			}
		}
	}
}
