package sellerkit

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"sort"
	"testing"
	"time"

	"koogallery/models/catalog"
	"koogallery/models/sellertools"
	"koogallery/protocol"
	"koogallery/refseller"
)

const testKey = "kit-test-access-key-0123456789ab"

// startSeller runs the reference seller in a mode on a loopback listener.
func startSeller(t *testing.T, mode refseller.Mode) *httptest.Server {
	t.Helper()
	sel, err := refseller.New(refseller.Options{AccessKey: testKey, Mode: mode, SlowDelay: 700 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sel)
	t.Cleanup(srv.Close)
	return srv
}

func testKit() *Kit {
	return &Kit{Client: protocol.NewClient(protocol.ClientOptions{Timeout: 300 * time.Millisecond})}
}

// failed returns the id of the first failed check, or "" when all passed.
func failed(r Report) string {
	if f := r.Failed(); len(f) > 0 {
		return f[0].ID
	}
	return ""
}

func runScenario(t *testing.T, k *Kit, url string, kind sellertools.DebugKind, id string, values map[string]string) Report {
	t.Helper()
	sc, ok := FindScenario(kind, id)
	if !ok {
		t.Fatalf("no scenario %s/%s", kind, id)
	}
	if values == nil {
		values = sc.Defaults("")
	}
	p, errs := k.Prepare(url, "", testKey, sc, values)
	if len(errs) > 0 {
		t.Fatalf("prepare %s: %v", id, errs)
	}
	return k.Run(context.Background(), url, "", testKey, sc, p)
}

// Each misbehaviour of the reference seller shows up as the right failed check.
func TestDebugRunReportsEachMisbehaviour(t *testing.T) {
	cases := []struct {
		mode refseller.Mode
		want string // first failed check; "" = passes
	}{
		{refseller.ModeOK, ""},
		{refseller.ModeBadSignatureCheck, "success"},
		{refseller.ModeMissingFields, "field"},
		{refseller.ModeLongField, "field"},
		{refseller.ModeBadEncryption, "decrypt"},
		{refseller.ModeErrorCode, "success"},
		{refseller.ModeSlow, "reachable"},
		{refseller.ModeHTTP500, "http_status"},
		{refseller.ModeNotJSON, "json"},
		{refseller.ModeDifferentInstance, "idempotent"},
	}
	for _, c := range cases {
		t.Run(string(c.mode), func(t *testing.T) {
			srv := startSeller(t, c.mode)
			r := runScenario(t, testKit(), srv.URL, sellertools.DebugSaaS, "newInstance", nil)
			if got := failed(r); got != c.want {
				t.Fatalf("first failed check = %q, want %q; checks %+v", got, c.want, r.Checks)
			}
			if c.want == "" && (r.InstanceID == "" || len(r.Exchanges) != 2) {
				t.Fatalf("passing run: instance %q, %d exchanges", r.InstanceID, len(r.Exchanges))
			}
			if c.mode == refseller.ModeSlow && r.Checks[0].Args[0] != string(protocol.ErrKindTimeout) {
				t.Fatalf("slow answer reported as %v", r.Checks[0].Args)
			}
		})
	}
}

// Certification needs a good answer to a signed probe and a refusal of a wrongly signed one.
func TestCertify(t *testing.T) {
	cases := []struct {
		mode refseller.Mode
		want string
	}{
		{refseller.ModeOK, ""},
		{refseller.ModeIgnoreSignature, "signature_checked"},
		{refseller.ModeBadSignatureCheck, "signature_accepted"},
		{refseller.ModeHTTP500, "http_status"},
		{refseller.ModeNotJSON, "json"},
		{refseller.ModeSlow, "reachable"},
	}
	for _, c := range cases {
		t.Run(string(c.mode), func(t *testing.T) {
			srv := startSeller(t, c.mode)
			r := testKit().Certify(context.Background(), srv.URL, testKey)
			if got := failed(r); got != c.want || r.Passed != (c.want == "") {
				t.Fatalf("first failed = %q (passed %v), want %q; %+v", got, r.Passed, c.want, r.Checks)
			}
		})
	}
	// Certifying with a key the endpoint does not have fails as "signature not accepted".
	srv := startSeller(t, refseller.ModeOK)
	if r := testKit().Certify(context.Background(), srv.URL, "another-key-entirely-000000000000"); failed(r) != "signature_accepted" {
		t.Fatalf("wrong key: %+v", r.Checks)
	}
	// Nothing listening.
	dead := httptest.NewServer(nil)
	dead.Close()
	if r := testKit().Certify(context.Background(), dead.URL, testKey); failed(r) != "reachable" {
		t.Fatalf("dead endpoint: %+v", r.Checks)
	}
}

// Every scenario of every kind passes against a correct seller, in the order a seller debugs:
// create first, then the calls that use its instance.
func TestEveryScenarioPassesAgainstReferenceSeller(t *testing.T) {
	k := testKit()
	for _, kind := range sellertools.DebugKinds {
		srv := startSeller(t, refseller.ModeOK) // one endpoint per product kind, as on the platform
		instance := ""
		list := Scenarios(kind)
		// Release ends an instance's life: run it last.
		sort.SliceStable(list, func(i, j int) bool {
			return list[i].Activity != protocol.ActivityReleaseInstance && list[j].Activity == protocol.ActivityReleaseInstance
		})
		for _, sc := range list {
			r := runScenario(t, k, srv.URL, kind, sc.ID, sc.Defaults(instance))
			if !r.Passed {
				t.Errorf("%s/%s failed: %+v", kind, sc.ID, r.Failed())
			}
			if r.InstanceID != "" {
				instance = r.InstanceID
			}
		}
	}
}

func TestPrepareRefusesBadParams(t *testing.T) {
	sc, _ := FindScenario(sellertools.DebugSaaS, "newInstance")
	vals := sc.Defaults("")
	vals["orderId"] = ""
	if _, errs := testKit().Prepare("http://127.0.0.1:1", "", testKey, sc, vals); errs["orderId"].Problem != protocol.ProblemMissing {
		t.Fatalf("missing orderId: %v", errs)
	}
	vals = sc.Defaults("")
	vals["orderId"] = string(make([]byte, MaxParamLen+1))
	if _, errs := testKit().Prepare("http://127.0.0.1:1", "", testKey, sc, vals); errs["orderId"].Problem != protocol.ProblemTooLong {
		t.Fatalf("long orderId: %v", errs)
	}
	p, errs := testKit().Prepare("http://127.0.0.1:1", "/produce", testKey, sc, sc.Defaults(""))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if want := "http://127.0.0.1:1/produce?"; len(p.URL) < len(want) || p.URL[:len(want)] != want {
		t.Fatalf("url %s", p.URL)
	}
}

func TestRequiredScenariosExist(t *testing.T) {
	for _, kind := range sellertools.DebugKinds {
		for _, periodic := range []bool{true, false} {
			for _, id := range RequiredScenarios(kind, periodic) {
				if _, ok := FindScenario(kind, id); !ok {
					t.Errorf("%s requires unknown scenario %s", kind, id)
				}
			}
		}
	}
}

// newInstance may carry the buyer's extension parameters: a well-formed saasExtendParams passes
// against the reference seller; a malformed one is refused before sending, named by field.
func TestNewInstanceExtendParams(t *testing.T) {
	k := testKit()
	srv := startSeller(t, refseller.ModeOK)
	sc, _ := FindScenario(sellertools.DebugSaaS, string(protocol.ActivityNewInstance))
	good := sc.Defaults("")
	good["saasExtendParams"] = catalog.SaasExtendParams([]catalog.ExtValue{{Name: "region", Value: "cn-north-4"}})
	if r := runScenario(t, k, srv.URL, sellertools.DebugSaaS, sc.ID, good); !r.Passed {
		t.Fatalf("well-formed saasExtendParams: %+v", r.Failed())
	}
	bad := sc.Defaults("")
	bad["saasExtendParams"] = "not-base64!"
	if _, errs := k.Prepare(srv.URL, "", testKey, sc, bad); errs["saasExtendParams"].Field == "" {
		t.Fatalf("a malformed saasExtendParams was not refused: %v", errs)
	}
}
