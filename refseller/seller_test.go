package refseller

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"koogallery/protocol"
)

const testKey = "exampleAccessKey123"

// clock is a settable clock shared by the seller and the test's client.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// harness runs a Seller behind a real HTTP server and calls it like the platform does.
type harness struct {
	t      *testing.T
	seller *Seller
	srv    *httptest.Server
	client *protocol.Client
	clock  *clock
}

func newHarness(t *testing.T, opts Options) *harness {
	t.Helper()
	c := &clock{t: time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC)}
	if opts.AccessKey == "" {
		opts.AccessKey = testKey
	}
	opts.Now = c.Now
	opts.Logger = slog.New(slog.DiscardHandler)
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(func() { srv.Close(); s.Wait() })
	return &harness{t, s, srv, protocol.NewClient(protocol.ClientOptions{Now: c.Now}), c}
}

// call sends a signed request and returns the raw result.
func (h *harness) call(req any) *protocol.CallResult {
	h.t.Helper()
	body, err := json.Marshal(req)
	if err != nil {
		h.t.Fatal(err)
	}
	return h.client.Call(context.Background(), h.srv.URL, testKey, body)
}

// do sends a signed request and decodes the answer of its activity, failing the test on a
// transport error or an answer that breaks the protocol.
func (h *harness) do(req protocol.Request) protocol.Response {
	h.t.Helper()
	res := h.call(req)
	if res.Err != nil || res.StatusCode != http.StatusOK {
		h.t.Fatalf("%s: %d %v", req.ActivityName(), res.StatusCode, res.Err)
	}
	resp, errs := protocol.ParseResponse(req.ActivityName(), res.Body)
	if len(errs) > 0 {
		h.t.Fatalf("%s: answer %s breaks the protocol: %v", req.ActivityName(), res.Body, errs)
	}
	if err := protocol.VerifyBodySign(testKey, res.Header.Get(protocol.HeaderBodySign), res.Body); err != nil {
		h.t.Errorf("Body-Sign: %v", err)
	}
	return resp
}

func newInstanceReq(order, line string) *protocol.NewInstanceRequest {
	return &protocol.NewInstanceRequest{Activity: protocol.ActivityNewInstance, OrderID: order, OrderLineID: line, BusinessID: protocol.NewNonce(), TestFlag: protocol.TestFlagDebug}
}

func (h *harness) create(order string) *protocol.NewInstanceResponse {
	h.t.Helper()
	resp := h.do(newInstanceReq(order, order+"-000001")).(*protocol.NewInstanceResponse)
	if resp.ResultCode != protocol.ResultSuccess {
		h.t.Fatalf("newInstance: %+v", resp)
	}
	return resp
}

func decrypt(t *testing.T, typ, field string) string {
	t.Helper()
	plain, err := protocol.DecryptField(testKey, typ, field)
	if err != nil {
		t.Fatalf("decrypt %q: %v", field, err)
	}
	return plain
}

func code(r protocol.Response) string { return r.Code() }

func TestNewInstanceIsIdempotent(t *testing.T) {
	for _, typ := range []string{protocol.EncryptAES256, protocol.EncryptAES128} {
		h := newHarness(t, Options{EncryptType: typ})
		first := h.create("MOCKPERIODYEARNEW")
		again := h.create("MOCKPERIODYEARNEW")
		if first.InstanceID == "" || again.InstanceID != first.InstanceID || first.EncryptType != typ {
			t.Fatalf("ids %q / %q, encryptType %q", first.InstanceID, again.InstanceID, first.EncryptType)
		}
		in, _ := h.seller.Instance(first.InstanceID)
		for _, r := range []*protocol.NewInstanceResponse{first, again} {
			if decrypt(t, typ, r.AppInfo.UserName) != in.UserName || decrypt(t, typ, r.AppInfo.Password) != in.Password {
				t.Error("appInfo credentials differ from the instance's")
			}
		}
		if !strings.Contains(first.AppInfo.FrontEndURL, first.InstanceID) || first.AppInfo.AdminURL == "" || first.AppInfo.Memo == "" {
			t.Errorf("appInfo = %+v", first.AppInfo)
		}
		other := h.do(newInstanceReq("MOCKPERIODYEARNEW", "MOCKPERIODYEARNEW-000002")).(*protocol.NewInstanceResponse)
		if other.InstanceID == first.InstanceID {
			t.Error("another order line got the same instance")
		}
		if n := len(h.seller.Instances()); n != 2 {
			t.Errorf("%d instances, want 2", n)
		}
	}
}

func TestNewInstanceConcurrentRepeatsShareOneInstance(t *testing.T) {
	h := newHarness(t, Options{})
	ids := make(chan string, 20)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			res := h.call(newInstanceReq("O-1", "O-1-000001"))
			var r protocol.NewInstanceResponse
			json.Unmarshal(res.Body, &r)
			ids <- r.InstanceID
		})
	}
	wg.Wait()
	close(ids)
	first := <-ids
	for id := range ids {
		if id != first || id == "" {
			t.Fatalf("ids %q and %q", first, id)
		}
	}
}

func TestQueryInstance(t *testing.T) {
	h := newHarness(t, Options{})
	a, b := h.create("A").InstanceID, h.create("B").InstanceID
	q := func(ids string) protocol.Response {
		return h.do(&protocol.QueryInstanceRequest{Activity: protocol.ActivityQueryInstance, InstanceID: ids})
	}
	resp := q(a + "," + b).(*protocol.QueryInstanceResponse)
	if resp.ResultCode != protocol.ResultSuccess || len(resp.Info) != 2 || resp.Info[0].InstanceID != a || resp.Info[1].InstanceID != b {
		t.Fatalf("query = %+v", resp)
	}
	info := resp.Info[0]
	in, _ := h.seller.Instance(a)
	if decrypt(t, resp.EncryptType, info.AppInfo.Password) != in.Password || len(info.UsageInfo) != 1 || info.UsageInfo[0].StatisticalTime != "20250601080000000" {
		t.Errorf("info = %+v", info)
	}
	if r := q(a + ",nope"); code(r) != protocol.ResultInstanceNotFound || !strings.Contains(r.(*protocol.QueryInstanceResponse).ResultMsg, "nope") {
		t.Errorf("unknown id: %+v", r)
	}
	if r := q(strings.Repeat(a+",", 100) + a); code(r) != protocol.ResultInvalidParams {
		t.Errorf("101 ids: %+v", r)
	}
}

func TestRefreshInstanceScenes(t *testing.T) {
	h := newHarness(t, Options{})
	id := h.create("MOCKMONTYRENEW").InstanceID
	expires := []string{"20260101000000", "20270101000000", "20261231235959123", "20260615120000"}
	for i, scene := range protocol.Scenes() {
		r := h.do(&protocol.RefreshInstanceRequest{
			Activity: protocol.ActivityRefreshInstance, OrderID: "R" + fmt.Sprint(i), OrderLineID: "R-1",
			InstanceID: id, Scene: scene, ExpireTime: expires[i],
		})
		if code(r) != protocol.ResultSuccess {
			t.Fatalf("%s: %+v", scene, r)
		}
		in, _ := h.seller.Instance(id)
		want, _ := protocol.ParseExpireTime(expires[i])
		if !in.ExpireTime.Equal(want) || in.LastScene != scene || in.LastOrderID != "R"+fmt.Sprint(i) {
			t.Errorf("%s: instance %+v", scene, in)
		}
	}
	r := h.do(&protocol.RefreshInstanceRequest{Activity: protocol.ActivityRefreshInstance, OrderID: "o", OrderLineID: "l", InstanceID: "nope", Scene: protocol.SceneRenewal, ExpireTime: expires[0]})
	if code(r) != protocol.ResultInstanceNotFound {
		t.Errorf("unknown instance: %+v", r)
	}
	r = h.do(&protocol.RefreshInstanceRequest{Activity: protocol.ActivityRefreshInstance, OrderID: "o", OrderLineID: "l", InstanceID: id, Scene: "RENEW", ExpireTime: "2026"})
	if code(r) != protocol.ResultInvalidParams || !strings.Contains(r.(*protocol.StatusResponse).ResultMsg, "scene") {
		t.Errorf("bad scene: %+v", r)
	}
}

func TestStatusReleaseUpgradeAndNotify(t *testing.T) {
	h := newHarness(t, Options{})
	id := h.create("MOCKPERIODYEARNEW").InstanceID
	status := func(st protocol.InstanceStatus) string {
		return code(h.do(&protocol.UpdateInstanceStatusRequest{Activity: protocol.ActivityUpdateInstanceStatus, InstanceID: id, Status: st}))
	}
	state := func() State { in, _ := h.seller.Instance(id); return in.State }
	for _, step := range []struct {
		status protocol.InstanceStatus
		want   State
	}{{protocol.StatusFreeze, StateFrozen}, {protocol.StatusFreeze, StateFrozen}, {protocol.StatusUnfreeze, StateNormal}, {protocol.StatusUnfreeze, StateNormal}} {
		if c := status(step.status); c != protocol.ResultSuccess || state() != step.want {
			t.Errorf("%s: code %s, state %s", step.status, c, state())
		}
	}
	upgrade := &protocol.UpgradeInstanceRequest{Activity: protocol.ActivityUpgradeInstance, InstanceID: id, OrderID: "CHG-1", OrderLineID: "CHG-1-000001"}
	h.do(upgrade)
	if c := code(h.do(upgrade)); c != protocol.ResultSuccess {
		t.Errorf("upgrade: %s", c)
	}
	if in, _ := h.seller.Instance(id); in.Upgrades != 1 || in.LastOrderID != "CHG-1" {
		t.Errorf("a repeated upgrade must count once: %+v", in)
	}
	release := &protocol.ReleaseInstanceRequest{Activity: protocol.ActivityReleaseInstance, InstanceID: id, OrderID: "UNSUB-1"}
	for range 2 {
		if c := code(h.do(release)); c != protocol.ResultSuccess || state() != StateReleased {
			t.Errorf("release: %s, %s", c, state())
		}
	}
	if c := status(protocol.StatusFreeze); c != protocol.ResultInstanceNotFound {
		t.Errorf("freeze after release: %s", c)
	}
	if c := code(h.do(&protocol.QueryInstanceRequest{Activity: protocol.ActivityQueryInstance, InstanceID: id})); c != protocol.ResultInstanceNotFound {
		t.Errorf("query after release: %s", c)
	}
	if c := code(h.do(&protocol.ReleaseInstanceRequest{Activity: protocol.ActivityReleaseInstance, InstanceID: "nope"})); c != protocol.ResultInstanceNotFound {
		t.Errorf("release unknown: %s", c)
	}
	notify := &protocol.OrderNotifyRequest{Activity: protocol.ActivityOrderNotify, OrderID: "MOCKONETIMENEW", OrderLineID: "MOCKONETIMENEW-000001"}
	h.do(notify)
	if c := code(h.do(notify)); c != protocol.ResultSuccess {
		t.Errorf("orderNotify: %s", c)
	}
	if n := h.seller.Notices(); len(n) != 1 || n[0].Count != 2 || n[0].OrderID != "MOCKONETIMENEW" {
		t.Errorf("notices = %+v", n)
	}
}

func licenseReq(id, event, fp string) *protocol.GetLicenseAsyncRequest {
	return &protocol.GetLicenseAsyncRequest{Activity: protocol.ActivityGetLicenseAsync, InstanceID: id, EffectiveTime: "2025-06-01 08:00:00 z", EventID: event, DeviceFingerprint: fp}
}

func TestGetLicenseAsync(t *testing.T) {
	h := newHarness(t, Options{})
	id := h.create("LIC").InstanceID
	first := h.do(licenseReq(id, "ev-1", "AA:BB|D1|B1|C1")).(*protocol.GetLicenseAsyncResponse)
	again := h.do(licenseReq(id, "ev-1", "AA:BB|D1|B1|C1")).(*protocol.GetLicenseAsyncResponse)
	other := h.do(licenseReq(id, "ev-2", "AA:BB|D1|B1|C1")).(*protocol.GetLicenseAsyncResponse)
	if first.ResultCode != protocol.ResultSuccess || first.License.Characters == "" || *again.License != *first.License || other.License.Characters == first.License.Characters {
		t.Fatalf("licenses %+v / %+v / %+v", first.License, again.License, other.License)
	}
	if c := code(h.do(licenseReq("nope", "ev-1", ""))); c != protocol.ResultInstanceNotFound {
		t.Errorf("unknown instance: %s", c)
	}

	h.seller.SetSlowLicense(true)
	pending := h.do(licenseReq(id, "ev-3", "")).(*protocol.GetLicenseAsyncResponse)
	ready := h.do(licenseReq(id, "ev-3", "")).(*protocol.GetLicenseAsyncResponse)
	if pending.ResultCode != protocol.ResultProcessing || pending.License != nil || ready.ResultCode != protocol.ResultSuccess || ready.License == nil {
		t.Fatalf("slow license: %+v then %+v", pending, ready)
	}
	if again := h.do(licenseReq(id, "ev-1", "AA:BB|D1|B1|C1")).(*protocol.GetLicenseAsyncResponse); again.ResultCode != protocol.ResultSuccess || *again.License != *first.License {
		t.Errorf("a License already issued must come back at once: %+v", again)
	}
}

func TestSlowNewInstanceAnswersProcessingThenQuery(t *testing.T) {
	h := newHarness(t, Options{SlowNewInstance: true})
	first := h.do(newInstanceReq("SLOW", "SLOW-000001")).(*protocol.NewInstanceResponse)
	if first.ResultCode != protocol.ResultProcessing || first.InstanceID == "" || first.AppInfo != nil {
		t.Fatalf("first answer = %+v", first)
	}
	if in, _ := h.seller.Instance(first.InstanceID); in.State != StateCreating {
		t.Fatalf("state = %s", in.State)
	}
	q := h.do(&protocol.QueryInstanceRequest{Activity: protocol.ActivityQueryInstance, InstanceID: first.InstanceID}).(*protocol.QueryInstanceResponse)
	if q.ResultCode != protocol.ResultSuccess || q.Info[0].AppInfo == nil {
		t.Fatalf("query = %+v", q)
	}
	again := h.do(newInstanceReq("SLOW", "SLOW-000001")).(*protocol.NewInstanceResponse)
	if again.ResultCode != protocol.ResultSuccess || again.InstanceID != first.InstanceID {
		t.Fatalf("repeat = %+v", again)
	}
	// A repeated newInstance also completes a pending instance.
	pending := h.do(newInstanceReq("SLOW2", "SLOW2-000001")).(*protocol.NewInstanceResponse)
	done := h.do(newInstanceReq("SLOW2", "SLOW2-000001")).(*protocol.NewInstanceResponse)
	if pending.ResultCode != protocol.ResultProcessing || done.ResultCode != protocol.ResultSuccess || done.InstanceID != pending.InstanceID {
		t.Fatalf("pending %+v, then %+v", pending, done)
	}
}

func TestSignatureRefusals(t *testing.T) {
	h := newHarness(t, Options{})
	body := []byte(`{"activity":"orderNotify","orderId":"o","orderLineId":"l"}`)
	post := func(url string) protocol.StatusResponse {
		res := h.client.Send(context.Background(), url, body)
		var r protocol.StatusResponse
		if err := json.Unmarshal(res.Body, &r); err != nil || res.StatusCode != 200 {
			t.Fatalf("%d %s", res.StatusCode, res.Body)
		}
		return r
	}
	sign := func(key, nonce string, ts time.Time) string {
		u, _ := protocol.SignedURL(h.srv.URL, key, body, nonce, protocol.Timestamp(ts))
		return u
	}
	cases := []struct{ name, url, msg string }{
		{"missing", h.srv.URL, "signature missing"},
		{"wrong key", sign("otherKey", protocol.NewNonce(), h.clock.Now()), "does not match"},
		{"stale", sign(testKey, protocol.NewNonce(), h.clock.Now().Add(-61*time.Second)), "too far"},
		{"short nonce", sign(testKey, "abc", h.clock.Now()), "nonce"},
	}
	for _, tc := range cases {
		if r := post(tc.url); r.ResultCode != protocol.ResultAuthFailed || !strings.Contains(r.ResultMsg, tc.msg) {
			t.Errorf("%s: %+v", tc.name, r)
		}
	}
	good := sign(testKey, protocol.NewNonce(), h.clock.Now())
	if r := post(good); r.ResultCode != protocol.ResultSuccess {
		t.Fatalf("good: %+v", r)
	}
	if r := post(good); r.ResultCode != protocol.ResultAuthFailed || !strings.Contains(r.ResultMsg, "replayed") {
		t.Errorf("replay: %+v", r)
	}
	if len(h.seller.Notices()) != 1 {
		t.Error("a refused call must not change state")
	}
}

func TestInvalidParamsAndMethod(t *testing.T) {
	h := newHarness(t, Options{})
	for body, field := range map[string]string{
		`{"activity":"newInstance","orderId":"o"}`: "orderLineId",
		`{"activity":"deleteInstance"}`:            "activity",
		`not json`:                                 "body",
		`{"activity":"updateInstanceStatus","instanceId":"i","status":"PAUSE"}`: "status",
	} {
		res := h.client.Call(context.Background(), h.srv.URL, testKey, []byte(body))
		var r protocol.StatusResponse
		json.Unmarshal(res.Body, &r)
		if r.ResultCode != protocol.ResultInvalidParams || !strings.Contains(r.ResultMsg, field) {
			t.Errorf("%s: %+v", body, r)
		}
	}
	resp, err := http.Get(h.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d", resp.StatusCode)
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	for _, o := range []Options{{}, {AccessKey: "k", EncryptType: "3"}, {AccessKey: "k", Mode: "chaos"}} {
		if _, err := New(o); err == nil {
			t.Errorf("New(%+v) succeeded", o)
		}
	}
}

func TestOrderQueryOnThePlatform(t *testing.T) {
	const ak, sk = "HPUAEXAMPLEAK0000001", "ExampleSecretKey0123456789abcdefghijklmnop"
	var mu sync.Mutex
	var queries []string
	var clk *clock
	platform := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := protocol.AKSKVerifier{
			Lookup: func(_ context.Context, got string) (string, error) {
				if got != ak {
					return "", protocol.ErrAKSKUnknownAccessKey
				}
				return sk, nil
			},
			Now: func() time.Time { return clk.Now() },
		}
		body, _ := io.ReadAll(r.Body)
		if _, err := v.Verify(r, body); err != nil {
			t.Errorf("platform refused the seller's call: %v", err)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		mu.Lock()
		queries = append(queries, r.URL.Path+"?"+r.URL.RawQuery)
		mu.Unlock()
		io.WriteString(w, `{"error_code":"MKT.0000","orderInfo":{"orderId":"`+r.URL.Query().Get("orderId")+`"}}`)
	}))
	defer platform.Close()
	h := newHarness(t, Options{PlatformBaseURL: platform.URL + "/", PlatformAK: ak, PlatformSK: sk})
	clk = h.clock
	h.create("MOCKPERIODYEARNEW")
	h.create("MOCKPERIODYEARNEW")
	h.seller.Wait()
	calls := h.seller.PlatformCalls()
	if len(calls) != 1 || calls[0].StatusCode != 200 || calls[0].Err != "" || !strings.Contains(calls[0].Body, "MOCKPERIODYEARNEW") {
		t.Fatalf("calls = %+v", calls)
	}
	want := OrderQueryPath + "?orderId=MOCKPERIODYEARNEW&orderLineId=MOCKPERIODYEARNEW-000001"
	if !slices.Equal(queries, []string{want}) {
		t.Errorf("queries = %v", queries)
	}
}

func TestOrderQueryFailureIsRecordedNotFatal(t *testing.T) {
	h := newHarness(t, Options{PlatformBaseURL: "http://127.0.0.1:1", PlatformAK: "a", PlatformSK: "s"})
	h.create("X")
	h.seller.Wait()
	if calls := h.seller.PlatformCalls(); len(calls) != 1 || calls[0].Err == "" {
		t.Fatalf("calls = %+v", calls)
	}
	h.create("Y") // the seller keeps working
}
