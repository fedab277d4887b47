package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"koogallery/apptest"
	"koogallery/i18n"
	"koogallery/models"
	"koogallery/models/catalog"
	"koogallery/models/license"
	"koogallery/models/orders"
	"koogallery/models/outbox"
	"koogallery/models/sellertools"
	"koogallery/models/sqldb"
	"koogallery/protocol"
	"koogallery/refseller"
)

// 在线开通License end to end: buyer@demo.test applies on the service page, the dispatcher
// calls the reference seller's getLicenseAsync, the License comes in the answer or is pushed
// back to the open API, and the buyer copies or downloads it.

const (
	licOnceCode = "00301-100003-0--0" // 数据库备份工具 License版: one-time
	licYearCode = "00301-100004-0--0" // 主机安全审计软件: yearly
)

// licClock is a settable store clock that stays close to real time (AK/SK allows 15 min).
type licClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *licClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *licClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// licEnv is seller@demo.test's License products wired to a certified loopback address served
// by the reference seller (which pushes to the platform with the same key as AK/SK), and a
// License service bought by buyer@demo.test and opened by the seller.
type licEnv struct {
	t        *testing.T
	srv      *apptest.Server
	store    *models.Store
	clock    *licClock
	ref      *refseller.Seller
	key      *sellertools.AccessKey
	secret   string
	sellerID uint
	buyer    *apptest.Client
	inst     orders.Instance
}

func newLicEnv(t *testing.T, d sqldb.Dialect, code, plan string) *licEnv {
	t.Helper()
	ctx := context.Background()
	srv := apptest.Start(t, apptest.Options{Dialect: d})
	e := &licEnv{t: t, srv: srv, store: srv.App.Store, clock: &licClock{t: time.Now().UTC().Truncate(time.Second)}}
	e.store.SetClock(e.clock.Now)
	e.sellerID = sellerOf(t, srv, "seller@demo.test")
	e.key, e.secret = sellerKey(t, srv, "seller@demo.test")
	late := &lateSeller{}
	ep := httptest.NewServer(late)
	t.Cleanup(ep.Close)
	addr, err := e.store.AddAddress(ctx, e.sellerID, ep.URL)
	dbgCheck(t, err)
	dbgCheck(t, e.store.RecordCertification(ctx, e.sellerID, addr.ID, true, ""))
	dbgCheck(t, e.store.BindKey(ctx, e.sellerID, addr.ID, sellertools.IfaceLicenseCode, e.key.ID))
	e.ref, err = refseller.New(refseller.Options{AccessKey: e.secret, PlatformBaseURL: srv.URL, PlatformAK: e.key.KeyID, PlatformSK: e.secret,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	dbgCheck(t, err)
	late.s = e.ref
	t.Cleanup(e.ref.Wait)
	var p catalog.Product
	dbgCheck(t, e.store.DB().Where("code = ?", code).First(&p).Error)
	dbgCheck(t, e.store.DB().Model(&catalog.Product{}).Where("id = ?", p.ID).Updates(map[string]any{"address_id": addr.ID, "path": "/produce"}).Error)

	e.buyer = srv.Client(t)
	e.buyer.Login("buyer@demo.test")
	res := e.buyer.PostForm("/console/orders", url.Values{"product_id": {itoa(p.ID)}, "plan": {plan}, "count": {"1"}, "pay_method": {"cash"},
		"submit_key": {fmt.Sprintf("lic-buy-%d", time.Now().UnixNano())}})
	loc := res.Header.Get("Location")
	if res.Status != http.StatusSeeOther || !strings.HasPrefix(loc, "/console/orders/") {
		t.Fatalf("purchase: %d %q", res.Status, loc)
	}
	orderID, _ := strconv.ParseUint(strings.TrimPrefix(loc, "/console/orders/"), 10, 64)
	e.run(1) // newInstance
	dbgCheck(t, e.store.DB().Where("order_id = ?", orderID).First(&e.inst).Error)
	if e.inst.Status != orders.InstanceNormal || e.inst.SellerInstanceID == "" {
		t.Fatalf("the License service did not open: %+v", e.inst)
	}
	return e
}

// run steps the dispatcher once and checks how many calls it delivered.
func (e *licEnv) run(want int) {
	e.t.Helper()
	n, err := e.srv.App.Dispatcher.RunOnce(context.Background())
	dbgCheck(e.t, err)
	if n != want {
		e.t.Fatalf("RunOnce delivered %d calls, want %d", n, want)
	}
}

func (e *licEnv) servicePath() string { return "/console/services/" + itoa(e.inst.ID) }

// apply submits the form on the service page as a browser would (its own submit_key).
func (e *licEnv) apply(c *apptest.Client, fingerprint string) apptest.Response {
	e.t.Helper()
	page := c.Get(e.servicePath())
	if page.Status != http.StatusOK {
		e.t.Fatalf("service page: %d", page.Status)
	}
	k, ok := dbgDoc(e.t, page.Body).Find(dtid("license-form") + ` input[name="submit_key"]`).Attr("value")
	if !ok || k == "" {
		e.t.Fatal("no License form with a submit_key on the service page")
	}
	return c.PostForm(e.servicePath()+"/licenses", url.Values{"fingerprint": {fingerprint}, "confirm": {"1"}, "submit_key": {k}})
}

func (e *licEnv) applications() []license.LicenseApplication {
	e.t.Helper()
	var out []license.LicenseApplication
	dbgCheck(e.t, e.store.DB().Where("instance_id = ?", e.inst.ID).Order("id").Find(&out).Error)
	return out
}

func (e *licEnv) only() license.LicenseApplication {
	e.t.Helper()
	as := e.applications()
	if len(as) != 1 {
		e.t.Fatalf("%d applications, want 1", len(as))
	}
	return as[0]
}

func (e *licEnv) call(id uint) outbox.InterfaceCall {
	e.t.Helper()
	var c outbox.InterfaceCall
	dbgCheck(e.t, e.store.DB().First(&c, id).Error)
	return c
}

// fragment fetches the License list as the polling htmx request does.
func (e *licEnv) fragment(c *apptest.Client) apptest.Response {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+e.servicePath()+"/licenses", nil)
	req.Header.Set("HX-Request", "true")
	return c.Do(req)
}

func TestLicenseIssuedInTheAnswer(t *testing.T) {
	e := newLicEnv(t, sqldb.SQLite, licOnceCode, "once")
	res := e.apply(e.buyer, "00:1a:2b:3c:4d:5e,00:1a:2b:3c:4d:5f|wd-wcc4n0123456||bfebfbff000906ea")
	if res.Status != http.StatusSeeOther || res.Header.Get("Location") != e.servicePath()+"#licenses" {
		t.Fatalf("apply: %d %q", res.Status, res.Header.Get("Location"))
	}
	a := e.only()
	if a.Status != license.LicensePending || a.DeviceFingerprint != "00:1A:2B:3C:4D:5E,00:1A:2B:3C:4D:5F|WD-WCC4N0123456||BFEBFBFF000906EA" {
		t.Fatalf("application: %+v", a)
	}
	// Pending: the list polls itself.
	doc := dbgDoc(t, e.buyer.Get(e.servicePath()).Body)
	if trig, _ := doc.Find(dtid("license-list")).Attr("hx-trigger"); trig != "every 3s" {
		t.Errorf("pending list hx-trigger %q", trig)
	}
	if st, _ := doc.Find(dtid("license-row")).Attr("data-status"); st != "pending" {
		t.Errorf("row status %q", st)
	}

	e.run(1) // getLicenseAsync, answered with the License
	a = e.only()
	want, _, ok := e.ref.License(a.EventID)
	if !ok || a.Status != license.LicenseIssued || a.LicenseType != "CHARACTERS" || a.Characters != want.Characters || want.Characters == "" {
		t.Fatalf("after delivery: %+v (seller issued %+v)", a, want)
	}
	frag := e.fragment(e.buyer)
	doc = dbgDoc(t, frag.Body)
	if frag.Status != 200 || doc.Find(dtid("license-characters")).Text() != want.Characters {
		t.Fatalf("fragment: %d %s", frag.Status, frag.Body)
	}
	if _, polling := doc.Find(dtid("license-list")).Attr("hx-trigger"); polling || strings.Contains(frag.Body, "<html") {
		t.Errorf("issued list still polls, or is a full page")
	}
	var body map[string]string
	dbgCheck(t, json.Unmarshal([]byte(e.call(*a.CallID).Body), &body))
	if body["instanceId"] != e.inst.SellerInstanceID || body["eventId"] != a.EventID || body["expireTime"] != "" ||
		!strings.HasSuffix(body["effectiveTime"], " z") {
		t.Errorf("call body %v", body)
	}

	// The same device again (or the same form twice) makes nothing new.
	res = e.apply(e.buyer, "00:1A:2B:3C:4D:5E,00:1A:2B:3C:4D:5F|WD-WCC4N0123456||BFEBFBFF000906EA")
	if res.Status != http.StatusSeeOther || len(e.applications()) != 1 {
		t.Fatalf("same device: %d, %d applications", res.Status, len(e.applications()))
	}
	e.run(0)

	// Only the buyer sees it.
	other := e.srv.Client(t)
	other.Login("buyer2@demo.test")
	if r := other.Get(e.servicePath() + "/licenses"); r.Status != 404 || strings.Contains(r.Body, want.Characters) {
		t.Errorf("buyer2 list: %d", r.Status)
	}
}

// SlowLicense: the seller answers 000004, the platform re-sends the same body, and the next
// answer carries the License.
func TestLicenseProcessingThenResent(t *testing.T) {
	e := newLicEnv(t, sqldb.SQLite, licYearCode, "year")
	e.ref.SetSlowLicense(true)
	if r := e.apply(e.buyer, "AA:BB:CC:DD:EE:FF|||"); r.Status != http.StatusSeeOther {
		t.Fatalf("apply: %d %s", r.Status, r.Body)
	}
	e.run(1)
	a := e.only()
	c := e.call(*a.CallID)
	if a.Status != license.LicensePending || c.Status != outbox.CallProcessing || c.LastResultCode != protocol.ResultProcessing {
		t.Fatalf("after 000004: application %s, call %s %s", a.Status, c.Status, c.LastResultCode)
	}
	e.run(0) // not due yet
	e.clock.Advance(61 * time.Second)
	e.run(1)
	a = e.only()
	want, _, _ := e.ref.License(a.EventID)
	if a.Status != license.LicenseIssued || a.Characters != want.Characters {
		t.Fatalf("after the re-send: %+v", a)
	}
	var attempts []outbox.CallAttempt
	dbgCheck(t, e.store.DB().Where("call_id = ?", c.ID).Order("n").Find(&attempts).Error)
	if len(attempts) != 2 || attempts[0].RequestBody != attempts[1].RequestBody || attempts[1].ResultCode != protocol.ResultSuccess {
		t.Fatalf("attempts: %+v", attempts)
	}
	var body map[string]string
	dbgCheck(t, json.Unmarshal([]byte(attempts[0].RequestBody), &body))
	if body["expireTime"] != e.inst.ExpireAt.UTC().Format("2006-01-02 15:04:05")+" z" || a.ExpireTime == nil {
		t.Errorf("periodic License: expireTime %q", body["expireTime"])
	}
	doc := dbgDoc(t, e.buyer.Get(e.servicePath()).Body)
	if doc.Find(dtid("license-characters")).Text() != want.Characters {
		t.Errorf("service page does not show the License")
	}
}

// licPush sends a push-back built by hand (for the refusals).
func licPush(t *testing.T, base, ak, sk, eventID string, lic protocol.LicenseContent, file []byte, tweak func(req *http.Request, body []byte) []byte) (int, map[string]string) {
	t.Helper()
	req, body, err := refseller.NewLicensePushRequest(context.Background(), base, eventID, lic, file)
	dbgCheck(t, err)
	if tweak != nil {
		body = tweak(req, body)
	}
	if ak != "" {
		dbgCheck(t, (protocol.AKSKSigner{AK: ak, SK: sk}).Sign(req, body, time.Now()))
	}
	res, err := http.DefaultClient.Do(req)
	dbgCheck(t, err)
	defer res.Body.Close()
	var out map[string]string
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatalf("answer is not JSON (%d): %v", res.StatusCode, err)
	}
	return res.StatusCode, out
}

func fileLicense(data []byte) protocol.LicenseContent {
	sum := sha256.Sum256(data)
	return protocol.LicenseContent{Type: "FILE", FileName: "x.lic", SHA256: hex.EncodeToString(sum[:])}
}

// The seller answers 000004 and pushes a License file back: verified, stored, downloadable by
// the buyer only; bad pushes are refused with JSON errors and change nothing.
func TestLicensePushBackFile(t *testing.T) {
	for _, d := range apptest.Dialects {
		t.Run(string(d), func(t *testing.T) { licensePushBackFile(t, d) })
	}
}

func licensePushBackFile(t *testing.T, d sqldb.Dialect) {
	e := newLicEnv(t, d, licOnceCode, "once")
	e.ref.SetSlowLicense(true)
	e.ref.SetFileLicense(true)
	if r := e.apply(e.buyer, "AA|BB|CC|DD"); r.Status != http.StatusSeeOther {
		t.Fatalf("apply: %d", r.Status)
	}
	e.run(1) // 000004
	a := e.only()
	ctx := context.Background()
	dbgCheck(t, e.ref.PushLicense(ctx, a.EventID))
	a = e.only()
	lic, data, _ := e.ref.License(a.EventID)
	if a.Status != license.LicenseIssued || a.LicenseType != "FILE" || !bytes.Equal(a.FileData, data) || a.FileSHA256 != lic.SHA256 || a.FileName != lic.FileName {
		t.Fatalf("after push: %+v", a)
	}
	if c := e.call(*a.CallID); c.Status != outbox.CallSucceeded {
		t.Errorf("the getLicenseAsync call is %s after the push", c.Status)
	}
	e.clock.Advance(2 * time.Minute)
	e.run(0) // nothing is re-sent for a delivered License
	// The same push again: success, nothing changes.
	dbgCheck(t, e.ref.PushLicense(ctx, a.EventID))

	// The buyer downloads it from the page.
	doc := dbgDoc(t, e.buyer.Get(e.servicePath()).Body)
	href, ok := doc.Find(dtid("license-download")).Attr("href")
	if !ok || href != e.servicePath()+"/licenses/"+itoa(a.ID)+"/file" {
		t.Fatalf("download link %q", href)
	}
	dl := e.buyer.Get(href)
	if dl.Status != 200 || dl.Body != string(data) || dl.Header.Get("Content-Type") != "application/octet-stream" ||
		dl.Header.Get("X-Content-Type-Options") != "nosniff" || dl.Header.Get("Content-Disposition") != `attachment; filename=`+lic.FileName {
		t.Fatalf("download: %d %v", dl.Status, dl.Header)
	}
	other := e.srv.Client(t)
	other.Login("buyer2@demo.test")
	if r := other.Get(href); r.Status != 404 || strings.Contains(r.Body, string(data)) {
		t.Errorf("buyer2 download: %d", r.Status)
	}
	sellerC := e.srv.Client(t)
	sellerC.Login("seller@demo.test")
	if r := sellerC.Get(href); r.Status != 403 {
		t.Errorf("seller download: %d", r.Status)
	}

	// Refusals.
	key2, secret2 := sellerKey(t, e.srv, "seller2@demo.test")
	other1 := []byte("another license\n")
	big := bytes.Repeat([]byte("x"), license.MaxLicenseFileBytes+1)
	huge := bytes.Repeat([]byte("y"), 2*license.MaxLicenseFileBytes)
	wrongSHA := fileLicense(data)
	wrongSHA.SHA256 = strings.Repeat("ab", 32)
	rawJSON := func(part string) func(*http.Request, []byte) []byte {
		return func(req *http.Request, _ []byte) []byte {
			b := "--B\r\nContent-Disposition: form-data; name=\"json\"\r\n\r\n" + part + "\r\n--B--\r\n"
			req.Header.Set("Content-Type", "multipart/form-data; boundary=B")
			req.Body, req.ContentLength = io.NopCloser(strings.NewReader(b)), int64(len(b))
			return []byte(b)
		}
	}
	refusals := []struct {
		name    string
		ak, sk  string
		event   string
		lic     protocol.LicenseContent
		file    []byte
		tweak   func(*http.Request, []byte) []byte
		status  int
		errCode string
	}{
		{"wrong sha256", e.key.KeyID, e.secret, a.EventID, wrongSHA, data, nil, 400, "MKT.0400"},
		{"a different License for an issued event", e.key.KeyID, e.secret, a.EventID, fileLicense(other1), other1, nil, 409, "MKT.0409"},
		{"another seller's AK", key2.KeyID, secret2, a.EventID, lic, data, nil, 404, "MKT.0404"},
		{"unknown event", e.key.KeyID, e.secret, "evt-no-such-event", lic, data, nil, 404, "MKT.0404"},
		{"file over 1 MiB", e.key.KeyID, e.secret, a.EventID, fileLicense(big), big, nil, 413, "MKT.0413"},
		{"body far over 1 MiB", e.key.KeyID, e.secret, a.EventID, fileLicense(huge), huge, nil, 413, "MKT.0413"},
		{"bad JSON", e.key.KeyID, e.secret, a.EventID, lic, nil, rawJSON(`{"type":"FILE",`), 400, "MKT.0400"},
		{"JSON not an object", e.key.KeyID, e.secret, a.EventID, lic, nil, rawJSON(`["FILE"]`), 400, "MKT.0400"},
		{"unknown type", e.key.KeyID, e.secret, a.EventID, protocol.LicenseContent{Type: "ZIP"}, nil, nil, 400, "MKT.0400"},
		{"characters too long", e.key.KeyID, e.secret, a.EventID, protocol.LicenseContent{Type: "CHARACTERS", Characters: strings.Repeat("许", 1025)}, nil, nil, 400, "MKT.0400"},
		{"FILE without the file", e.key.KeyID, e.secret, a.EventID, lic, nil, nil, 400, "MKT.0400"},
		{"not multipart", e.key.KeyID, e.secret, a.EventID, lic, data, func(req *http.Request, _ []byte) []byte {
			b := `{"type":"CHARACTERS","characters":"x"}`
			req.Header.Set("Content-Type", "application/json")
			req.Body, req.ContentLength = io.NopCloser(strings.NewReader(b)), int64(len(b))
			return []byte(b)
		}, 400, "MKT.0400"},
		{"unsigned", "", "", a.EventID, lic, data, nil, 401, "MKT.0401"},
		{"wrong SK", e.key.KeyID, e.secret + "x", a.EventID, lic, data, nil, 401, "MKT.0401"},
		{"body changed after signing", e.key.KeyID, e.secret, a.EventID, lic, data, func(req *http.Request, body []byte) []byte {
			tampered := bytes.Replace(body, data[:8], []byte("XXXXXXXX"), 1)
			req.Body, req.ContentLength = io.NopCloser(bytes.NewReader(tampered)), int64(len(tampered))
			return body // signed over the original
		}, 401, "MKT.0401"},
	}
	for _, r := range refusals {
		status, out := licPush(t, e.srv.URL, r.ak, r.sk, r.event, r.lic, r.file, r.tweak)
		if status != r.status || out["error_code"] != r.errCode || out["error_msg"] == "" {
			t.Errorf("%s: %d %v", r.name, status, out)
		}
		if (status == 401 || status == 404) && (strings.Contains(out["error_msg"], a.FileSHA256) || strings.Contains(out["error_msg"], string(data))) {
			t.Errorf("%s: the refusal shows the issued License: %v", r.name, out)
		}
	}
	after := e.only()
	if !bytes.Equal(after.FileData, data) || after.FileSHA256 != a.FileSHA256 || after.Status != license.LicenseIssued {
		t.Errorf("refused pushes changed the License: %+v", after)
	}

	// A FILE announced in the answer (000000 with name and digest) waits for its bytes.
	e.ref.SetSlowLicense(false)
	if r := e.apply(e.buyer, "EE|||"); r.Status != http.StatusSeeOther {
		t.Fatalf("second apply: %d", r.Status)
	}
	e.run(1)
	b := e.applications()[1]
	if b.Status != license.LicensePending || b.LicenseType != "FILE" || b.FileSHA256 == "" {
		t.Fatalf("announced FILE: %+v", b)
	}
	if doc := dbgDoc(t, e.fragment(e.buyer).Body); doc.Find(`[data-event="`+b.EventID+`"]`).Length() != 1 {
		t.Errorf("announced FILE not listed")
	}
	err := e.ref.PushLicense(ctx, a.EventID+"x")
	if err == nil {
		t.Errorf("pushing an unknown event succeeded")
	}
	dbgCheck(t, e.ref.PushLicense(ctx, b.EventID))
	if b = e.applications()[1]; b.Status != license.LicenseIssued || len(b.FileData) == 0 {
		t.Fatalf("announced FILE after push: %s", b.Status)
	}
	// The largest file (exactly 1 MiB) goes through, signature and all.
	e.ref.SetSlowLicense(true)
	if r := e.apply(e.buyer, "FF|||"); r.Status != http.StatusSeeOther {
		t.Fatalf("third apply: %d", r.Status)
	}
	e.run(1)
	full := bytes.Repeat([]byte("z"), license.MaxLicenseFileBytes)
	third := e.applications()[2]
	if status, out := licPush(t, e.srv.URL, e.key.KeyID, e.secret, third.EventID, fileLicense(full), full, nil); status != 200 || out["error_code"] != "MKT.0000" {
		t.Fatalf("1 MiB push: %d %v", status, out)
	}
	if third = e.applications()[2]; third.FileSize != int64(len(full)) || !bytes.Equal(third.FileData, full) {
		t.Fatalf("1 MiB file stored as %d bytes", third.FileSize)
	}
	// A refusal reaches the seller as a *PushError.
	var pe *refseller.PushError
	e.store.DB().Model(&license.LicenseApplication{}).Where("id = ?", b.ID).Update("file_sha256", strings.Repeat("0", 64))
	if err := e.ref.PushLicense(ctx, b.EventID); !errors.As(err, &pe) || pe.StatusCode != 409 {
		t.Errorf("conflicting push: %v", err)
	}
}

// Bad fingerprints, a missing confirmation, another buyer's service and a service that is not
// a License: clear messages (or 404), nothing stored.
func TestLicenseApplicationRefused(t *testing.T) {
	e := newLicEnv(t, sqldb.SQLite, licOnceCode, "once")
	page := e.buyer.Get(e.servicePath())
	k, _ := dbgDoc(t, page.Body).Find(`input[name="submit_key"]`).Last().Attr("value")
	post := func(c *apptest.Client, path string, form url.Values) apptest.Response {
		return c.PostForm(path, form)
	}
	cases := []struct {
		name, fp, confirm, field, msg string
	}{
		{"three fields", "AA|BB|CC", "1", "fingerprint", license.MsgFingerprintFields},
		{"lower-case junk", "aa bb|||", "1", "fingerprint", license.MsgFingerprintChars},
		{"empty value", "AA,|||", "1", "fingerprint", license.MsgFingerprintEmptyVal},
		{"all empty", "|||", "1", "fingerprint", license.MsgFingerprintBlank},
		{"empty", "", "1", "fingerprint", license.MsgFingerprintRequired},
		{"too long", strings.Repeat("A", 1100) + "|||", "1", "fingerprint", license.MsgFingerprintTooLong},
		{"markup", "<script>alert(1)</script>|||", "1", "fingerprint", license.MsgFingerprintChars},
		{"not confirmed", "AA|||", "", "confirm", "license.err.confirm"},
	}
	for _, c := range cases {
		res := post(e.buyer, e.servicePath()+"/licenses", url.Values{"fingerprint": {c.fp}, "confirm": {c.confirm}, "submit_key": {k}})
		doc := dbgDoc(t, res.Body)
		if res.Status != http.StatusUnprocessableEntity || doc.Find(dtid(c.field+"-error")).Text() != i18n.T("zh", c.msg) {
			t.Errorf("%s: %d, %s error %q", c.name, res.Status, c.field, doc.Find(dtid(c.field+"-error")).Text())
			continue
		}
		if got := doc.Find(dtid("license-fingerprint")).Text(); got != c.fp && len(c.fp) < 4096 {
			t.Errorf("%s: the form lost the fingerprint: %q", c.name, got)
		}
		if strings.Contains(res.Body, "<script>alert(1)") {
			t.Errorf("%s: fingerprint echoed unescaped", c.name)
		}
	}
	// Another buyer's service is not found; nothing in the answer names it.
	other := e.srv.Client(t)
	other.Login("buyer2@demo.test")
	res := post(other, e.servicePath()+"/licenses", url.Values{"fingerprint": {"AA|||"}, "confirm": {"1"}, "submit_key": {"buyer2-key-0000000001"}})
	if res.Status != 404 || strings.Contains(res.Body, e.inst.SellerInstanceID) {
		t.Errorf("buyer2 on buyer's service: %d", res.Status)
	}
	res = post(other, e.servicePath()+"/licenses", url.Values{"fingerprint": {"AA"}, "submit_key": {"buyer2-key-0000000002"}})
	if res.Status != 404 {
		t.Errorf("buyer2 with a bad form on buyer's service: %d", res.Status)
	}
	// A service that is not a License: no form, and posting is refused.
	var crm orders.Instance
	dbgCheck(t, e.store.DB().Joins("JOIN products ON products.id = instances.product_id").
		Where("instances.buyer_id = ? AND products.type = ? AND instances.status = ?", e.inst.BuyerID, catalog.TypeSaaS, orders.InstanceNormal).First(&crm).Error)
	if page := e.buyer.Get("/console/services/" + itoa(crm.ID)); strings.Contains(page.Body, `data-testid="licenses"`) {
		t.Errorf("a SaaS service shows the License section")
	}
	res = post(e.buyer, "/console/services/"+itoa(crm.ID)+"/licenses", url.Values{"fingerprint": {"AA|||"}, "confirm": {"1"}, "submit_key": {"saas-key-000000000001"}})
	if res.Status != http.StatusUnprocessableEntity {
		t.Errorf("License on a SaaS service: %d", res.Status)
	}
	var n int64
	dbgCheck(t, e.store.DB().Model(&license.LicenseApplication{}).Count(&n).Error)
	if n != 0 {
		t.Fatalf("%d applications stored by refused forms", n)
	}
	e.run(0)
}
