package e2e

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"koogallery/apptest"
	"koogallery/models"
	"koogallery/models/account"
	"koogallery/models/attachment"
	"koogallery/models/license"
	"koogallery/models/notice"
	"koogallery/models/orders"
	"koogallery/models/sqldb"
	"koogallery/models/supervision"
)

// Service supervision and appeals through the real middleware, with three clients (buyer,
// seller, admin): requirements → confirmation → delivery → rejection → redelivery → appeal by
// the seller → the flow frozen for both → admin decision → acceptance → 已完成 after 3 hours;
// and bad input: hostile text, bad attachments, a wrong hardware code, another party's order,
// double submits — each refused clearly, nothing applied twice.

func TestSupervisionFlowOverHTTP(t *testing.T) {
	for _, d := range apptest.Dialects {
		t.Run(string(d), func(t *testing.T) { runSupervisionFlow(t, d) })
	}
}

// svScene buys a product for buyer@demo.test and returns its supervision.
func svScene(t *testing.T, srv *apptest.Server, code, plan string) supervision.Supervision {
	t.Helper()
	db := srv.App.Store.DB()
	var buyerU account.User
	noErr(t, db.Where("email = ?", "buyer@demo.test").First(&buyerU).Error)
	p := productByCode(t, srv, code)
	o, err := srv.App.Store.Purchase(t.Context(), buyerU.ID, p.ID, models.PurchaseInput{Plan: plan, Count: "1", PayMethod: "cash", SubmitKey: "sv-scene-" + randKey()})
	noErr(t, err)
	var sv supervision.Supervision
	noErr(t, db.Where("order_id = ?", o.ID).First(&sv).Error)
	return sv
}

func svStep(t *testing.T, srv *apptest.Server, id uint) supervision.Supervision {
	t.Helper()
	var sv supervision.Supervision
	noErr(t, srv.App.Store.DB().First(&sv, id).Error)
	return sv
}

func wantStatus(t *testing.T, where string, res apptest.Response, status int) {
	t.Helper()
	if res.Status != status {
		t.Fatalf("%s: status %d, want %d\n%.600s", where, res.Status, status, res.Body)
	}
}

func runSupervisionFlow(t *testing.T, d sqldb.Dialect) {
	srv := apptest.Start(t, apptest.Options{Dialect: d})
	sv := svScene(t, srv, "00301-100006-0--0", "once") // 网站迁移上云服务, supervised manual service
	buyer, seller, admin, buyer2, seller2 := srv.Client(t), srv.Client(t), srv.Client(t), srv.Client(t), srv.Client(t)
	buyer.Login("buyer@demo.test")
	seller.Login("seller@demo.test")
	admin.Login("admin@demo.test")
	buyer2.Login("buyer2@demo.test")
	seller2.Login("seller2@demo.test")
	bp, sp := "/console/supervision/"+itoa(sv.ID), "/seller/supervision/"+itoa(sv.ID)

	// The buyer's list says it is their turn.
	list := buyer.Get("/console/supervision?lang=en")
	wantStatus(t, "buyer list", list, http.StatusOK)
	row := parseHTML(t, list.Body).Find(`[data-testid="sv-row"][data-id="` + itoa(sv.ID) + `"]`)
	if row.Find(`[data-testid="sv-turn"]`).AttrOr("data-turn", "") != "supervision.turn.you" {
		t.Fatalf("buyer list row: %q", row.Text())
	}
	if got := parseHTML(t, seller.Get("/seller/supervision").Body).Find(`[data-testid="sv-row"][data-id="`+itoa(sv.ID)+`"] [data-testid="sv-turn"]`).AttrOr("data-turn", ""); got != "supervision.turn.buyer" {
		t.Fatalf("seller list turn %q", got)
	}
	// Strangers: another buyer, another seller company.
	errorPage(t, "buyer2 detail", buyer2.Get(bp+"?lang=en"), http.StatusNotFound, "en")
	errorPage(t, "seller2 detail", seller2.Get(sp+"?lang=en"), http.StatusNotFound, "en")
	errorPage(t, "buyer2 acts", postMultipart(t, srv, buyer2, bp+"/act/submit_requirements?lang=en", url.Values{"text": {"x"}}), http.StatusNotFound, "en")
	errorPage(t, "seller2 appeals", postMultipart(t, srv, seller2, sp+"/appeal?lang=en", url.Values{"reason": {"x"}}), http.StatusNotFound, "en")
	errorPage(t, "unknown action", postMultipart(t, srv, buyer, bp+"/act/complete?lang=en", url.Values{}), http.StatusNotFound, "en")

	// Bad input on the requirements: refused with a message, text kept, nothing written.
	before := countRows(t, srv, &supervision.SupervisionEvent{})
	exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 200)...)
	for _, lang := range langs {
		res := postMultipart(t, srv, buyer, withLang(bp+"/act/submit_requirements", lang), url.Values{"text": {"  "}, "step": {"requirements"}})
		wantStatus(t, "empty requirements", res, http.StatusUnprocessableEntity)
		if got := strings.TrimSpace(parseHTML(t, res.Body).Find(`[data-testid="text-error"]`).Text()); got != msgIn(t, lang, supervision.MsgSvTextRequired) {
			t.Errorf("empty requirements (%s): %q", lang, got)
		}
		res = postMultipart(t, srv, buyer, withLang(bp+"/act/submit_requirements", lang), url.Values{"text": {hostile}, "step": {"requirements"}},
			file{"attachment", "需求.pdf", exe})
		wantStatus(t, "disguised attachment", res, http.StatusUnprocessableEntity)
		assertEscaped(t, "disguised attachment", res)
		doc := parseHTML(t, res.Body)
		if got := strings.TrimSpace(doc.Find(`[data-testid="attachment-error"]`).Text()); got != msgIn(t, lang, attachment.MsgMismatch) {
			t.Errorf("disguised attachment (%s): %q", lang, got)
		}
		if got := doc.Find(`textarea[data-testid="sv-submit_requirements-text"]`).Text(); got != hostile {
			t.Errorf("requirements kept as %q", got)
		}
	}
	if n := countRows(t, srv, &supervision.SupervisionEvent{}); n != before {
		t.Fatalf("refused input wrote %d events", n-before)
	}

	// Requirements with hostile text, submitted twice: applied once, shown escaped.
	form := url.Values{"text": {"迁移两台服务器 " + hostile}, "step": {"requirements"}}
	wantStatus(t, "submit requirements", postMultipart(t, srv, buyer, bp+"/act/submit_requirements", form, file{"attachment", "需求.pdf", testPDF}), http.StatusSeeOther)
	wantStatus(t, "double submit", postMultipart(t, srv, buyer, bp+"/act/submit_requirements", url.Values{"text": {"again"}}), http.StatusSeeOther)
	page := buyer.Get(bp + "?lang=en")
	assertEscaped(t, "buyer detail", page)
	if !strings.Contains(page.Body, msgIn(t, "en", "supervision.flash.not_your_turn")) {
		t.Error("the double submit is not explained")
	}
	if n := countRows(t, srv, &supervision.SupervisionEvent{}); n != before+1 {
		t.Fatalf("double submit wrote %d events", n-before)
	}
	// The seller confirms; delivery needs proof.
	wantStatus(t, "confirm", postMultipart(t, srv, seller, sp+"/act/confirm_requirements", url.Values{"step": {"confirm"}}), http.StatusSeeOther)
	res := postMultipart(t, srv, seller, sp+"/act/deliver?lang=en", url.Values{"step": {"implementing"}})
	wantStatus(t, "deliver without proof", res, http.StatusUnprocessableEntity)
	if got := strings.TrimSpace(parseHTML(t, res.Body).Find(`[data-testid="attachment-error"]`).Text()); got != msgIn(t, "en", supervision.MsgSvProofRequired) {
		t.Errorf("deliver without proof: %q", got)
	}
	res = postMultipart(t, srv, seller, sp+"/act/deliver?lang=en", url.Values{"step": {"implementing"}, "actual_start": {"not-a-date"}}, file{"attachment", "sow.pdf", testPDF})
	wantStatus(t, "bad start", res, http.StatusUnprocessableEntity)
	wantStatus(t, "deliver", postMultipart(t, srv, seller, sp+"/act/deliver", url.Values{"step": {"implementing"}, "text": {"已交付"}}, file{"attachment", "sow.pdf", testPDF}), http.StatusSeeOther)
	// The buyer rejects; the seller redelivers.
	wantStatus(t, "reject", postMultipart(t, srv, buyer, bp+"/act/reject_delivery", url.Values{"step": {"acceptance"}, "text": {"缺少验收报告"}}), http.StatusSeeOther)
	wantStatus(t, "redeliver", postMultipart(t, srv, seller, sp+"/act/deliver", url.Values{"step": {"implementing"}}, file{"attachment", "report.pdf", testPDF}), http.StatusSeeOther)
	// The seller appeals: both sides frozen, buttons replaced by the explanation.
	wantStatus(t, "appeal", postMultipart(t, srv, seller, sp+"/appeal", url.Values{"reason": {"买家不验收"}, "demand": {"请确认验收"}}, file{"attachment", "proof.pdf", testPDF}), http.StatusSeeOther)
	for _, c := range []struct {
		cl   *apptest.Client
		path string
	}{{buyer, bp}, {seller, sp}} {
		doc := parseHTML(t, c.cl.Get(c.path+"?lang=en").Body)
		if doc.Find(`[data-testid="sv-frozen"]`).Length() != 1 || doc.Find(`[data-testid^="sv-form-accept"], [data-testid^="sv-form-deliver"], [data-testid="sv-form-appeal"]`).Length() != 0 {
			t.Fatalf("%s: not frozen on the page", c.path)
		}
	}
	wantStatus(t, "accept while frozen", postMultipart(t, srv, buyer, bp+"/act/accept", url.Values{"step": {"acceptance"}}), http.StatusSeeOther)
	if got := svStep(t, srv, sv.ID); got.Step != supervision.StepAcceptance || !got.Frozen {
		t.Fatalf("frozen flow moved: %+v", got)
	}
	// Operations: the queue, the evidence, a decision with a reason both parties see.
	queue := admin.Get("/admin/appeals")
	wantStatus(t, "queue", queue, http.StatusOK)
	arow := parseHTML(t, queue.Body).Find(`[data-testid="appeal-row"]`).Last()
	appealID := arow.AttrOr("data-id", "")
	if appealID == "" {
		t.Fatal("no appeal in the queue")
	}
	adoc := parseHTML(t, admin.Get("/admin/appeals/"+appealID).Body)
	if adoc.Find(`[data-testid="sv-file"]`).Length() < 4 || adoc.Find(`[data-testid="appeal-form-decide"]`).Length() != 1 {
		t.Fatalf("admin page lacks evidence or the decision form")
	}
	res = admin.PostForm("/admin/appeals/"+appealID+"/decide?lang=en", url.Values{"outcome": {"refund"}, "refund": {"abc"}, "reason": {"x"}})
	wantStatus(t, "bad refund", res, http.StatusUnprocessableEntity)
	if got := strings.TrimSpace(parseHTML(t, res.Body).Find(`[data-testid="refund-error"]`).Text()); got != msgIn(t, "en", supervision.MsgSvRefundAmount) {
		t.Errorf("bad refund: %q", got)
	}
	reason := "双方沟通后继续验收 " + hostile
	wantStatus(t, "decide", admin.PostForm("/admin/appeals/"+appealID+"/decide", url.Values{"outcome": {"resume"}, "reason": {reason}}), http.StatusSeeOther)
	wantStatus(t, "decide twice", admin.PostForm("/admin/appeals/"+appealID+"/decide", url.Values{"outcome": {"force_accept"}, "reason": {"again"}}), http.StatusSeeOther)
	for _, c := range []*apptest.Client{buyer, seller} {
		path := bp
		if c == seller {
			path = sp
		}
		p := c.Get(path)
		assertEscaped(t, "decision shown", p)
		if got := parseHTML(t, p.Body).Find(`[data-testid="sv-appeal-decision"]`).Text(); got != reason {
			t.Errorf("%s sees decision %q", path, got)
		}
	}
	// Acceptance, then 已完成 3 hours later.
	res = postMultipart(t, srv, buyer, bp+"/act/accept?lang=en", url.Values{"step": {"acceptance"}})
	wantStatus(t, "unconfirmed acceptance", res, http.StatusUnprocessableEntity)
	if got := strings.TrimSpace(parseHTML(t, res.Body).Find(`[data-testid="confirm-error"]`).Text()); got != msgIn(t, "en", supervision.MsgSvConfirmAccept) {
		t.Errorf("unconfirmed acceptance: %q", got)
	}
	wantStatus(t, "accept", postMultipart(t, srv, buyer, bp+"/act/accept", url.Values{"step": {"acceptance"}, "confirm": {"1"}}), http.StatusSeeOther)
	store := srv.App.Store
	later := time.Now().UTC().Add(supervision.SupervisionCompleteDelay + time.Minute)
	store.SetClock(func() time.Time { return later })
	defer store.SetClock(func() time.Time { return time.Now().UTC() })
	_, err := store.SweepSupervision(t.Context(), 100)
	noErr(t, err)
	buyer.Relogin() // three hours later the session has idled out
	doc := parseHTML(t, buyer.Get(bp+"?lang=en").Body)
	if doc.Find(`[data-testid="sv-step"]`).First().AttrOr("data-step", "") != string(supervision.StepCompleted) ||
		doc.Find(`[data-testid="sv-order-status"] [data-status]`).AttrOr("data-status", "") != string(orders.OrderCompleted) {
		t.Fatalf("not completed: %s", doc.Find(`[data-testid="sv-flow"]`).Text())
	}
	if n := countRows(t, srv, &notice.Notice{}); n < 10 {
		t.Errorf("only %d notices", n)
	}
}

func TestSupervisionHardwareCodeOverHTTP(t *testing.T) {
	srv := apptest.Start(t, apptest.Options{})
	sv := svScene(t, srv, "00301-100004-0--0", "year") // 主机安全审计软件: hardware identification code
	buyer := srv.Client(t)
	buyer.Login("buyer@demo.test")
	path := "/console/supervision/" + itoa(sv.ID)
	doc := parseHTML(t, buyer.Get(path).Body)
	if doc.Find(`[data-testid="sv-form-submit_code"]`).Length() != 1 {
		t.Fatal("no code form")
	}
	for _, tc := range []struct{ code, field, key string }{
		{"", "code", license.MsgFingerprintRequired},
		{"AA|BB", "code", license.MsgFingerprintFields},
		{hostile + "|||", "code", license.MsgFingerprintChars},
	} {
		for _, lang := range langs {
			res := postMultipart(t, srv, buyer, withLang(path+"/act/submit_code", lang), url.Values{"hardware_code": {tc.code}, "confirm_code": {"1"}, "step": {"code"}})
			wantStatus(t, "code "+tc.code, res, http.StatusUnprocessableEntity)
			assertEscaped(t, "code", res)
			if got := strings.TrimSpace(parseHTML(t, res.Body).Find(`[data-testid="code-error"]`).Text()); got != msgIn(t, lang, tc.key) {
				t.Errorf("code %q (%s): %q", tc.code, lang, got)
			}
		}
	}
	res := postMultipart(t, srv, buyer, path+"/act/submit_code?lang=en", url.Values{"hardware_code": {"fa:16:3e:00:00:01|d1||"}, "step": {"code"}})
	wantStatus(t, "unconfirmed", res, http.StatusUnprocessableEntity)
	wantStatus(t, "code", postMultipart(t, srv, buyer, path+"/act/submit_code", url.Values{"hardware_code": {"fa:16:3e:00:00:01|d1||"}, "confirm_code": {"1"}, "step": {"code"}}), http.StatusSeeOther)
	if got := svStep(t, srv, sv.ID); got.HardwareCode != "FA:16:3E:00:00:01|D1||" || got.Step != supervision.StepImplementing {
		t.Fatalf("code stored: %+v", got)
	}
}
