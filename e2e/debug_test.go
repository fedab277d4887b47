package e2e

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"koogallery/apptest"
	"koogallery/models/account"
	"koogallery/models/sellertools"
	"koogallery/refseller"
	"koogallery/sellerkit"
)

// 应用接入调试, 调试用例管理 and the signature checker, driven over HTTP against a real
// reference seller endpoint on loopback.

// debugEnv is seller@demo.test with a key bound to a certified loopback address served by
// the reference seller.
type debugEnv struct {
	srv      *apptest.Server
	c        *apptest.Client
	sellerID uint
	addr     *sellertools.ProductionAddress
	key      *sellertools.AccessKey
	ref      *refseller.Seller
}

// lateSeller serves a reference seller made after its listener (the key it needs is created
// with the address, and the address needs the listener's URL).
type lateSeller struct{ s *refseller.Seller }

func (l *lateSeller) ServeHTTP(w http.ResponseWriter, r *http.Request) { l.s.ServeHTTP(w, r) }

func dbgCheck(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func sellerOf(t *testing.T, srv *apptest.Server, email string) uint {
	t.Helper()
	var u account.User
	dbgCheck(t, srv.App.Store.DB().Where("email = ?", email).First(&u).Error)
	if u.SellerID == nil {
		t.Fatalf("%s is not a seller", email)
	}
	return *u.SellerID
}

// certifiedAddress adds a certified address for the seller with a key bound for basic calls.
func certifiedAddress(t *testing.T, srv *apptest.Server, sellerID uint, endpoint string) (*sellertools.ProductionAddress, *sellertools.AccessKey) {
	t.Helper()
	ctx := context.Background()
	store := srv.App.Store
	key, err := srv.App.Keys.Create(ctx, sellerID, "debug test")
	dbgCheck(t, err)
	a, err := store.AddAddress(ctx, sellerID, endpoint)
	dbgCheck(t, err)
	dbgCheck(t, store.RecordCertification(ctx, sellerID, a.ID, true, ""))
	dbgCheck(t, store.BindKey(ctx, sellerID, a.ID, sellertools.IfaceBasic, key.ID))
	a.Status = sellertools.AddressCertified
	return a, key
}

func newDebugEnv(t *testing.T) *debugEnv {
	t.Helper()
	srv := apptest.Start(t, apptest.Options{})
	e := &debugEnv{srv: srv, sellerID: sellerOf(t, srv, "seller@demo.test")}
	// The endpoint needs the key's secret, and the key is created with the address: start the
	// listener first, then give it its seller.
	late := &lateSeller{}
	ep := httptest.NewServer(late)
	t.Cleanup(ep.Close)
	e.addr, e.key = certifiedAddress(t, srv, e.sellerID, ep.URL)
	secret, err := srv.App.Keys.Open(e.key)
	dbgCheck(t, err)
	e.ref, err = refseller.New(refseller.Options{AccessKey: secret, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	dbgCheck(t, err)
	late.s = e.ref
	e.c = srv.Client(t)
	e.c.Login("seller@demo.test")
	return e
}

// form is the debug form for a SaaS scenario against the env's address with the given params.
func (e *debugEnv) form(scenario string, params map[string]string) url.Values {
	f := url.Values{"kind": {string(sellertools.DebugSaaS)}, "scenario": {scenario}, "address_id": {itoa(e.addr.ID)}, "path": {"/produce"}}
	for k, v := range params {
		f.Set("p_"+k, v)
	}
	return f
}

func dbgDoc(t *testing.T, body string) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	dbgCheck(t, err)
	return doc
}

func dtid(id string) string { return `[data-testid="` + id + `"]` }

func (e *debugEnv) cases(t *testing.T) []sellertools.DebugCase {
	t.Helper()
	cs, err := e.srv.App.Store.SellerCases(context.Background(), e.sellerID)
	dbgCheck(t, err)
	return cs
}

// failedCheck reports whether a report on the page has a failed check with that id.
func failedCheck(doc *goquery.Document, id string) bool {
	return doc.Find(`[data-testid="report"] [data-check="`+id+`"][data-ok="false"]`).Length() > 0
}

func TestDebugPreviewRunSaveAndCases(t *testing.T) {
	e := newDebugEnv(t)
	newInst := e.form("newInstance", map[string]string{"orderId": "MOCKPERIODYEARNEW", "orderLineId": "MOCKPERIODYEARNEW-000001", "businessId": ""})

	// The page: kinds, scenarios, the key that signs, one input per parameter.
	page := e.c.Get("/seller/debug?address=" + itoa(e.addr.ID) + "&path=/produce")
	if page.Status != http.StatusOK {
		t.Fatalf("debug page: %d", page.Status)
	}
	doc := dbgDoc(t, page.Body)
	if got := doc.Find(dtid("debug-key-id")).Text(); got != e.key.KeyID {
		t.Errorf("signing key shown %q, want %q", got, e.key.KeyID)
	}
	if doc.Find(dtid("scenario-tabs")+" a").Length() != len(sellerkit.Scenarios(sellertools.DebugSaaS)) {
		t.Errorf("scenario tabs: %d", doc.Find(dtid("scenario-tabs")+" a").Length())
	}
	for _, b := range []string{"debug-preview", "debug-run", "debug-save"} {
		btn := doc.Find(dtid(b))
		if _, disabled := btn.Attr("disabled"); disabled || btn.AttrOr("formaction", "") == "" || btn.AttrOr("hx-post", "") == "" {
			t.Errorf("button %s: disabled=%v formaction=%q hx-post=%q", b, disabled, btn.AttrOr("formaction", ""), btn.AttrOr("hx-post", ""))
		}
	}
	if v := doc.Find(dtid("p_orderId")).AttrOr("value", ""); v != sellerkit.MockPeriodNew {
		t.Errorf("orderId prefilled %q", v)
	}

	// 生成请求命令: the signed request, nothing sent.
	res := e.c.PostForm("/seller/debug/preview", newInst)
	if res.Status != http.StatusOK {
		t.Fatalf("preview: %d", res.Status)
	}
	doc = dbgDoc(t, res.Body)
	sig, ts, nonce := doc.Find(dtid("preview-signature")).Text(), doc.Find(dtid("preview-timestamp")).Text(), doc.Find(dtid("preview-nonce")).Text()
	if len(sig) != 64 || len(ts) != 13 || len(nonce) != 32 {
		t.Errorf("preview signature %q timestamp %q nonce %q", sig, ts, nonce)
	}
	curl := doc.Find(dtid("debug-curl")).Text()
	if !strings.HasPrefix(curl, "curl -X POST '"+e.addr.URL+"/produce?signature="+sig) || !strings.Contains(curl, `"testFlag":"1"`) {
		t.Errorf("curl command:\n%s", curl)
	}
	if len(e.ref.Instances()) != 0 {
		t.Error("preview sent the request")
	}
	previewURL, previewBody := doc.Find(dtid("debug-url")).Text(), doc.Find(dtid("debug-body")).Text()

	// 调试: sent for real, a passing report, nothing saved.
	res = e.c.PostForm("/seller/debug/run", newInst)
	doc = dbgDoc(t, res.Body)
	if res.Status != http.StatusOK || doc.Find(dtid("report")).AttrOr("data-passed", "") != "true" {
		t.Fatalf("run: %d, report passed=%q\n%s", res.Status, doc.Find(dtid("report")).AttrOr("data-passed", ""), doc.Find(dtid("checks")).Text())
	}
	if len(e.cases(t)) != 0 {
		t.Error("调试 saved a case")
	}

	// 调测并保存用例: saved with its params and report.
	res = e.c.PostForm("/seller/debug/save", newInst)
	doc = dbgDoc(t, res.Body)
	if res.Status != http.StatusOK || doc.Find(dtid("debug-saved")).Length() != 1 {
		t.Fatalf("save: %d, saved notice %d", res.Status, doc.Find(dtid("debug-saved")).Length())
	}
	cases := e.cases(t)
	if len(cases) != 1 || cases[0].Status != sellertools.CasePassed || cases[0].Path != "/produce" || cases[0].Scenario != "newInstance" {
		t.Fatalf("cases after save: %+v", cases)
	}
	var params map[string]string
	dbgCheck(t, json.Unmarshal([]byte(cases[0].Params), &params))
	if params["orderId"] != "MOCKPERIODYEARNEW" {
		t.Errorf("saved params %v", params)
	}
	instanceID := sellerkit.ParseReport(cases[0].Report).InstanceID
	if instanceID == "" || len(e.ref.Instances()) != 1 || e.ref.Instances()[0].ID != instanceID {
		t.Fatalf("instance %q, seller has %+v", instanceID, e.ref.Instances())
	}

	// The other scenarios now start from that instance.
	page = e.c.Get("/seller/debug?kind=saas&scenario=refreshInstance:RENEWAL&address=" + itoa(e.addr.ID) + "&path=/produce")
	if v := dbgDoc(t, page.Body).Find(dtid("p_instanceId")).AttrOr("value", ""); v != instanceID {
		t.Errorf("instanceId prefilled %q, want %q", v, instanceID)
	}
	save := func(sc string) {
		t.Helper()
		s, _ := sellerkit.FindScenario(sellertools.DebugSaaS, sc)
		res := e.c.PostForm("/seller/debug/save", e.form(sc, s.Defaults(instanceID)))
		if doc := dbgDoc(t, res.Body); doc.Find(dtid("debug-saved")).Length() != 1 {
			t.Fatalf("save %s: %d\n%s", sc, res.Status, doc.Find(dtid("checks")).Text())
		}
	}
	save("refreshInstance:RENEWAL")
	save("updateInstanceStatus")

	// 全部重新运行 (before the instance is released) passes all three.
	res = e.c.PostForm("/seller/debug/cases/rerun", nil)
	if loc := res.Header.Get("Location"); res.Status != http.StatusSeeOther || !strings.Contains(loc, "passed=3") || !strings.Contains(loc, "failed=0") {
		t.Fatalf("rerun all: %d → %q", res.Status, loc)
	}
	if doc := dbgDoc(t, e.c.Get(res.Header.Get("Location")).Body); doc.Find(dtid("rerun-summary")).AttrOr("data-passed", "") != "3" {
		t.Errorf("rerun summary missing")
	}
	list := e.c.Get("/seller/debug/cases")
	if r := dbgDoc(t, list.Body).Find(`[data-row="cases.ready.periodic"]`).AttrOr("data-ready", ""); r != "false" {
		t.Errorf("periodic readiness without a release case = %q", r)
	}
	save("releaseInstance")

	// 调试用例管理: every case listed; periodic products ready, one-time ready too.
	list = e.c.Get("/seller/debug/cases")
	doc = dbgDoc(t, list.Body)
	if list.Status != http.StatusOK || doc.Find(dtid("case-row")).Length() != 4 {
		t.Fatalf("cases page %d with %d rows", list.Status, doc.Find(dtid("case-row")).Length())
	}
	for _, row := range []string{"cases.ready.periodic", "cases.ready.onetime"} {
		if r := doc.Find(`[data-row="`+row+`"]`).AttrOr("data-ready", ""); r != "true" {
			t.Errorf("readiness %s = %q", row, r)
		}
	}
	debugLink := doc.Find(`[data-scenario="newInstance"] `+dtid("case-debug")).AttrOr("href", "")
	if !strings.Contains(debugLink, "case=") {
		t.Errorf("调测 link %q", debugLink)
	}
	// 调测 opens the debug page with the case's values.
	page = e.c.Get(debugLink)
	if v := dbgDoc(t, page.Body).Find(dtid("p_orderLineId")).AttrOr("value", ""); page.Status != 200 || v != "MOCKPERIODYEARNEW-000001" {
		t.Errorf("case prefill: %d %q", page.Status, v)
	}

	// 重新运行 with a broken endpoint records the failure; 全部重新运行 with a good one passes all.
	dbgCheck(t, e.ref.SetMode(refseller.ModeHTTP500))
	res = e.c.PostForm("/seller/debug/cases/"+itoa(cases[0].ID)+"/rerun", nil)
	if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/seller/debug/cases/"+itoa(cases[0].ID) {
		t.Fatalf("rerun: %d → %q", res.Status, res.Header.Get("Location"))
	}
	c, err := e.srv.App.Store.SellerCase(context.Background(), e.sellerID, cases[0].ID)
	dbgCheck(t, err)
	if c.Status != sellertools.CaseFailed || !c.RunAt.After(cases[0].RunAt) {
		t.Errorf("after failing rerun: %s at %s (was %s)", c.Status, c.RunAt, cases[0].RunAt)
	}
	show := e.c.Get("/seller/debug/cases/" + itoa(cases[0].ID))
	if doc := dbgDoc(t, show.Body); !failedCheck(doc, "http_status") {
		t.Errorf("case page lacks the failed http_status check")
	}
	list = e.c.Get("/seller/debug/cases")
	if r := dbgDoc(t, list.Body).Find(`[data-row="cases.ready.periodic"]`).AttrOr("data-ready", ""); r != "false" {
		t.Errorf("readiness after a failure = %q", r)
	}
	dbgCheck(t, e.ref.SetMode(refseller.ModeOK))
	res = e.c.PostForm("/seller/debug/cases/"+itoa(cases[0].ID)+"/rerun", nil)
	if c, _ := e.srv.App.Store.SellerCase(context.Background(), e.sellerID, cases[0].ID); c.Status != sellertools.CasePassed {
		t.Errorf("after a passing rerun: %s", c.Status)
	}

	// 删除.
	res = e.c.PostForm("/seller/debug/cases/"+itoa(cases[0].ID)+"/delete", nil)
	if res.Status != http.StatusSeeOther || len(e.cases(t)) != 3 {
		t.Errorf("delete: %d, %d cases left", res.Status, len(e.cases(t)))
	}

	// The signature checker agrees with the preview, and finds a changed character.
	sigForm := url.Values{"key_id": {itoa(e.key.ID)}, "url": {previewURL}, "body": {previewBody}}
	res = e.c.PostForm("/seller/debug/signature", sigForm)
	doc = dbgDoc(t, res.Body)
	if res.Status != http.StatusOK || doc.Find(dtid("sigtool-result")).AttrOr("data-match", "") != "true" {
		t.Fatalf("signature tool on the preview: %d match=%q", res.Status, doc.Find(dtid("sigtool-result")).AttrOr("data-match", ""))
	}
	if canon := doc.Find(dtid("sigtool-canonical")).Text(); !strings.HasPrefix(canon, "••••") || !strings.Contains(canon, nonce+ts) {
		t.Errorf("canonical string %q", canon)
	}
	secret, _ := e.srv.App.Keys.Open(e.key)
	if strings.Contains(res.Body, secret) {
		t.Error("the signature tool shows the secret")
	}
	bad := []byte(sig)
	bad[6] = map[bool]byte{true: '0', false: '1'}[bad[6] != '0']
	sigForm.Set("url", strings.Replace(previewURL, sig, string(bad), 1))
	doc = dbgDoc(t, e.c.PostForm("/seller/debug/signature", sigForm).Body)
	if r := doc.Find(dtid("sigtool-result")); r.AttrOr("data-match", "") != "false" || r.AttrOr("data-first-diff", "") != "7" {
		t.Errorf("changed signature: match=%q first diff=%q", r.AttrOr("data-match", ""), r.AttrOr("data-first-diff", ""))
	}
	// Upper-case hex still matches.
	sigForm.Set("url", strings.Replace(previewURL, sig, strings.ToUpper(sig), 1))
	if r := dbgDoc(t, e.c.PostForm("/seller/debug/signature", sigForm).Body).Find(dtid("sigtool-result")); r.AttrOr("data-match", "") != "true" {
		t.Error("upper-case signature does not match")
	}
}

func TestDebugFailingEndpoints(t *testing.T) {
	e := newDebugEnv(t)
	form := e.form("newInstance", map[string]string{"orderId": "MOCKONETIMENEW", "orderLineId": "MOCKONETIMENEW-000001"})
	for _, tc := range []struct {
		mode  refseller.Mode
		check string
	}{
		{refseller.ModeHTTP500, "http_status"},
		{refseller.ModeNotJSON, "json"},
		{refseller.ModeMissingFields, "field"},
		{refseller.ModeBadSignatureCheck, "success"},
	} {
		dbgCheck(t, e.ref.SetMode(tc.mode))
		res := e.c.PostForm("/seller/debug/save", form)
		doc := dbgDoc(t, res.Body)
		if res.Status != http.StatusOK || doc.Find(dtid("debug-not-saved")).Length() != 1 || doc.Find(dtid("report")).AttrOr("data-passed", "") != "false" {
			t.Errorf("%s: %d, not-saved notice %d", tc.mode, res.Status, doc.Find(dtid("debug-not-saved")).Length())
			continue
		}
		if !failedCheck(doc, tc.check) {
			t.Errorf("%s: no failed %q check in\n%s", tc.mode, tc.check, doc.Find(dtid("checks")).Text())
		}
		if tc.mode == refseller.ModeMissingFields && !strings.Contains(doc.Find(`[data-check="field"]`).Text(), "instanceId") {
			t.Errorf("missing instanceId not named: %s", doc.Find(`[data-check="field"]`).Text())
		}
		if doc.Find(dtid("check-fix")).Length() == 0 {
			t.Errorf("%s: no fix shown", tc.mode)
		}
	}
	if n := len(e.cases(t)); n != 0 {
		t.Errorf("%d failing cases were saved", n)
	}
}

func TestDebugBadInput(t *testing.T) {
	e := newDebugEnv(t)

	// A parameter too long: 422, the message under the field, the value kept, nothing sent.
	long := strings.Repeat("x", 70)
	res := e.c.PostForm("/seller/debug/save", e.form("newInstance", map[string]string{"orderId": long, "orderLineId": "L-1"}))
	doc := dbgDoc(t, res.Body)
	if res.Status != http.StatusUnprocessableEntity {
		t.Errorf("long orderId: status %d", res.Status)
	}
	if msg := doc.Find(dtid("p_orderId-error")).Text(); !strings.Contains(msg, "64") {
		t.Errorf("long orderId message %q", msg)
	}
	if v := doc.Find(dtid("p_orderId")).AttrOr("value", ""); v != long {
		t.Errorf("typed value not kept: %q", v)
	}
	if doc.Find(dtid("debug-error")).Length() != 1 {
		t.Error("no summary message")
	}
	// Over the kit's 1024 limit, and a required one missing.
	res = e.c.PostForm("/seller/debug/run", e.form("newInstance", map[string]string{"orderId": strings.Repeat("y", 1100), "orderLineId": ""}))
	doc = dbgDoc(t, res.Body)
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(doc.Find(dtid("p_orderId-error")).Text(), "1024") {
		t.Errorf("1100 characters: %d %q", res.Status, doc.Find(dtid("p_orderId-error")).Text())
	}
	res = e.c.PostForm("/seller/debug/run", e.form("newInstance", map[string]string{"orderId": "O-1", "orderLineId": ""}))
	if doc = dbgDoc(t, res.Body); res.Status != http.StatusUnprocessableEntity || doc.Find(dtid("p_orderLineId-error")).Length() != 1 {
		t.Errorf("missing orderLineId: %d", res.Status)
	}
	if len(e.ref.Instances()) != 0 || len(e.cases(t)) != 0 {
		t.Error("bad parameters were sent or saved")
	}

	// With htmx: the output fragment, the parameters out of band, 200 so htmx swaps it.
	f := e.form("newInstance", map[string]string{"orderId": long, "orderLineId": "L-1"})
	f.Set("_csrf", e.c.CSRFToken())
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/seller/debug/run", strings.NewReader(f.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	res = e.c.Do(req)
	doc = dbgDoc(t, res.Body)
	if res.Status != http.StatusOK || doc.Find(`#debug-params[hx-swap-oob="true"]`).Length() != 1 || doc.Find(dtid("p_orderId-error")).Length() != 1 || doc.Find(dtid("topbar")).Length() != 0 {
		t.Errorf("htmx answer: %d\n%s", res.Status, res.Body)
	}

	// Unknown kind and scenario, an uncertified address, a bad path: a message, nothing sent.
	for name, f := range map[string]url.Values{
		"kind":     {"kind": {"nope"}, "scenario": {"newInstance"}, "address_id": {itoa(e.addr.ID)}},
		"scenario": {"kind": {"saas"}, "scenario": {"nope"}, "address_id": {itoa(e.addr.ID)}},
		"path":     {"kind": {"saas"}, "scenario": {"newInstance"}, "address_id": {itoa(e.addr.ID)}, "path": {"/../etc"}},
		"address":  {"kind": {"saas"}, "scenario": {"newInstance"}},
	} {
		res := e.c.PostForm("/seller/debug/run", f)
		if doc := dbgDoc(t, res.Body); res.Status != http.StatusUnprocessableEntity || doc.Find(dtid("debug-error")).Length() != 1 {
			t.Errorf("%s: status %d, message %d", name, res.Status, doc.Find(dtid("debug-error")).Length())
		}
	}
	ctx := context.Background()
	pending, err := e.srv.App.Store.AddAddress(ctx, e.sellerID, "https://pending.example.com")
	dbgCheck(t, err)
	res = e.c.PostForm("/seller/debug/run", url.Values{"kind": {"saas"}, "scenario": {"newInstance"}, "address_id": {itoa(pending.ID)}})
	if doc := dbgDoc(t, res.Body); res.Status != http.StatusUnprocessableEntity || doc.Find(dtid("debug-error")).Length() != 1 {
		t.Errorf("uncertified address: %d", res.Status)
	}
	if page := e.c.Get("/seller/debug?address=" + itoa(pending.ID)); page.Status != http.StatusOK || dbgDoc(t, page.Body).Find(dtid("debug-not-certified")).Length() != 1 {
		t.Errorf("uncertified address page: %d", page.Status)
	}
	// No key bound for License calls: the page says so and the buttons are disabled.
	page := e.c.Get("/seller/debug?kind=license&address=" + itoa(e.addr.ID))
	if doc := dbgDoc(t, page.Body); doc.Find(dtid("debug-no-key")).Length() != 1 || doc.Find(dtid("debug-run")).AttrOr("disabled", "x") == "x" {
		t.Errorf("license without a key: no-key notice %d", doc.Find(dtid("debug-no-key")).Length())
	}
	if res := e.c.PostForm("/seller/debug/run", url.Values{"kind": {"license"}, "scenario": {"newInstance"}, "address_id": {itoa(e.addr.ID)}}); res.Status != http.StatusUnprocessableEntity {
		t.Errorf("license run without a key: %d", res.Status)
	}

	// A seller without certified addresses is sent to 生产地址管理; a run says so too.
	other := sellerOf(t, e.srv, "seller2@demo.test")
	addrs, err := e.srv.App.Store.SellerAddresses(ctx, other)
	dbgCheck(t, err)
	for _, a := range addrs {
		dbgCheck(t, e.srv.App.Store.DeleteAddress(ctx, other, a.ID))
	}
	c2 := e.srv.Client(t)
	c2.Login("seller2@demo.test")
	if page := c2.Get("/seller/debug"); page.Status != http.StatusOK || dbgDoc(t, page.Body).Find(dtid("debug-add-address")).Length() != 1 {
		t.Errorf("no certified address: %d", page.Status)
	}
	if res := c2.PostForm("/seller/debug/run", url.Values{"kind": {"saas"}, "scenario": {"newInstance"}}); res.Status != http.StatusUnprocessableEntity || dbgDoc(t, res.Body).Find(dtid("debug-error")).Length() != 1 {
		t.Errorf("run without any address: %d", res.Status)
	}

	// Another seller's address and case: not found, like ids that do not exist.
	theirs, _ := certifiedAddress(t, e.srv, other, "https://seller2.example.com")
	dbgCheck(t, e.srv.App.Store.SaveDebugCase(ctx, &sellertools.DebugCase{SellerID: other, AddressID: theirs.ID, Kind: sellertools.DebugSaaS, Scenario: "newInstance", Params: "{}", Status: sellertools.CasePassed}))
	theirCases, _ := e.srv.App.Store.SellerCases(ctx, other)
	for _, path := range []string{"/seller/debug?address=" + itoa(theirs.ID), "/seller/debug?address=abc", "/seller/debug?case=" + itoa(theirCases[0].ID), "/seller/debug/cases/" + itoa(theirCases[0].ID)} {
		if res := e.c.Get(path); res.Status != http.StatusNotFound {
			t.Errorf("GET %s: %d", path, res.Status)
		}
	}
	for _, path := range []string{"/seller/debug/preview", "/seller/debug/run", "/seller/debug/save"} {
		if res := e.c.PostForm(path, url.Values{"kind": {"saas"}, "scenario": {"newInstance"}, "address_id": {itoa(theirs.ID)}}); res.Status != http.StatusNotFound {
			t.Errorf("POST %s with another seller's address: %d", path, res.Status)
		}
	}
	for _, path := range []string{"/rerun", "/delete"} {
		if res := e.c.PostForm("/seller/debug/cases/"+itoa(theirCases[0].ID)+path, nil); res.Status != http.StatusNotFound {
			t.Errorf("POST another seller's case %s: %d", path, res.Status)
		}
	}
	if cs, _ := e.srv.App.Store.SellerCases(ctx, other); len(cs) != 1 {
		t.Error("another seller's case was deleted")
	}
}

func TestSignatureToolBadInput(t *testing.T) {
	e := newDebugEnv(t)
	for name, tc := range map[string]struct {
		form  url.Values
		field string
	}{
		"missing params": {url.Values{"key_id": {itoa(e.key.ID)}, "url": {"https://x.example.com/p?nonce=abcdefghijklmnop"}, "body": {"{}"}}, "url"},
		"malformed url":  {url.Values{"key_id": {itoa(e.key.ID)}, "url": {"https://x.example.com/p?signature=%zz"}, "body": {"{}"}}, "url"},
		"empty url":      {url.Values{"key_id": {itoa(e.key.ID)}, "url": {""}, "body": {"{}"}}, "url"},
		"huge body":      {url.Values{"key_id": {itoa(e.key.ID)}, "url": {"/p?signature=ab&timestamp=1&nonce=x"}, "body": {strings.Repeat("a", 65<<10)}}, "body"},
		"empty body":     {url.Values{"key_id": {itoa(e.key.ID)}, "url": {"/p?signature=ab&timestamp=1&nonce=x"}, "body": {""}}, "body"},
		"no key":         {url.Values{"url": {"/p?signature=ab&timestamp=1&nonce=x"}, "body": {"{}"}}, "key_id"},
		"foreign key":    {url.Values{"key_id": {"999999"}, "url": {"/p?signature=ab&timestamp=1&nonce=x"}, "body": {"{}"}}, "key_id"},
	} {
		res := e.c.PostForm("/seller/debug/signature", tc.form)
		doc := dbgDoc(t, res.Body)
		if res.Status != http.StatusUnprocessableEntity || doc.Find(dtid(tc.field+"-error")).Length() != 1 {
			t.Errorf("%s: status %d, %s message %d", name, res.Status, tc.field, doc.Find(dtid(tc.field+"-error")).Length())
		}
		if u := tc.form.Get("url"); u != "" && doc.Find(dtid("sigtool-url")).Text() != u {
			t.Errorf("%s: the URL was not kept", name)
		}
	}
	if res := e.c.Get("/seller/debug/signature"); res.Status != http.StatusOK {
		t.Errorf("signature tool page: %d", res.Status)
	}
}
