package e2e

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"koogallery/models/sellertools"
	"koogallery/refseller"
	"koogallery/sellerkit"
)

// The seller toolkit as a seller uses it: create two keys, add the endpoint's address and
// certify it, bind a key per interface type, then run and save a case for every SaaS activity
// and every License scenario, and find them all under 调试用例管理.
func TestBrowserSellerToolkitJourney(t *testing.T) {
	t.Parallel()
	srv, b := startBrowser(t)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	saas, license := &lateSeller{}, &lateSeller{}
	mux := http.NewServeMux()
	mux.Handle("/", saas) // certification probes the address itself
	mux.Handle("/license", license)
	ep := httptest.NewServer(mux)
	t.Cleanup(ep.Close)

	b.login("seller@demo.test")
	newKey := func(name string) (string, string) {
		t.Helper()
		b.open("/seller/keys")
		b.step("name the key", chromedp.SendKeys(chromedp.CSS("#key-name"), name, chromedp.NodeVisible))
		if st := b.follow(tid("key-create")); st != 200 {
			t.Fatalf("create key: %d", st)
		}
		secret := strings.TrimSpace(b.text(tid("key-secret")))
		if len(secret) != sellerkit.SecretLength {
			t.Fatalf("revealed secret %q", secret)
		}
		var k sellertools.AccessKey
		if err := srv.App.Store.DB().Where("name = ?", name).First(&k).Error; err != nil {
			t.Fatal(err)
		}
		return itoa(k.ID), secret
	}
	saasKey, saasSecret := newKey("saas-key")
	licKey, licSecret := newKey("license-key")
	var err error
	saas.s, err = refseller.New(refseller.Options{AccessKey: saasSecret, Logger: quiet})
	dbgCheck(t, err)
	license.s, err = refseller.New(refseller.Options{AccessKey: licSecret, Logger: quiet})
	dbgCheck(t, err)

	b.open("/seller/addresses")
	b.step("type the address", chromedp.SendKeys(chromedp.CSS("#address-url"), ep.URL, chromedp.NodeVisible))
	if st := b.follow(tid("address-add")); st != 200 {
		t.Fatalf("add address: %d", st)
	}
	b.step("choose the certification key", chromedp.SetValue(chromedp.CSS(tid("certify-key")), saasKey))
	if st := b.follow(tid("certify-submit")); st != 200 {
		t.Fatalf("certify: %d", st)
	}
	if b.count(`#certify .badge[data-status="certified"]`) != 1 || b.count(tid("report")+`[data-passed="true"]`) != 1 {
		t.Fatalf("not certified: %q", b.text("#certify"))
	}
	addressID := strings.TrimPrefix(b.path(), "/seller/addresses/")
	for iface, key := range map[string]string{"basic": saasKey, "license_code": licKey} {
		b.step("choose the "+iface+" key", chromedp.SetValue(chromedp.CSS(tid("bind-key-"+iface)), key))
		if st := b.follow(tid("bind-submit-" + iface)); st != 200 {
			t.Fatalf("bind %s: %d", iface, st)
		}
	}
	if n := b.count(tid("bound-key")); n != 2 {
		t.Fatalf("%d bound keys shown, want 2", n)
	}

	saved := 0
	for _, run := range []struct {
		kind sellertools.DebugKind
		path string
	}{{sellertools.DebugSaaS, ""}, {sellertools.DebugLicense, "/license"}} {
		list := sellerkit.Scenarios(run.kind)
		// Create first and release last, as a seller debugs an instance's life.
		ordered := append([]sellerkit.Scenario{}, list...)
		for i, sc := range ordered {
			if sc.ID == "releaseInstance" {
				ordered = append(append(ordered[:i:i], ordered[i+1:]...), sc)
				break
			}
		}
		for _, sc := range ordered {
			q := url.Values{"kind": {string(run.kind)}, "scenario": {sc.ID}, "address": {addressID}, "path": {run.path}}
			if st := b.open("/seller/debug?" + q.Encode()); st != 200 {
				t.Fatalf("debug page %s: %d", sc.ID, st)
			}
			b.armHTMX()
			b.htmxClick(tid("debug-save"))
			if got := b.text(tid("debug-saved")); !strings.Contains(got, "调测用例成功并保存成功") {
				t.Errorf("%s/%s: not saved: %q / %q", run.kind, sc.ID, got, b.text(tid("report")))
				continue
			}
			saved++
		}
	}
	b.nav("调试用例管理")
	if n := b.count(tid("case-row")); n != saved || saved != len(sellerkit.Scenarios(sellertools.DebugSaaS))+len(sellerkit.Scenarios(sellertools.DebugLicense)) {
		t.Errorf("%d case rows, %d saved", n, saved)
	}
	b.noRawKeys()
	b.shot("toolkit-cases")
}
