package e2e

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"koogallery/refseller"
)

// 应用接入调试 in the browser: the three buttons swap their output in place with htmx, a
// parameter problem shows under its field, and the saved case appears under 调试用例管理.
func TestBrowserDebugging(t *testing.T) {
	t.Parallel()
	srv, b := startBrowser(t)
	sellerID := sellerOf(t, srv, "seller@demo.test")
	ref := &lateSeller{}
	ep := httptest.NewServer(ref)
	t.Cleanup(ep.Close)
	addr, key := certifiedAddress(t, srv, sellerID, ep.URL)
	secret, err := srv.App.Keys.Open(key)
	dbgCheck(t, err)
	ref.s, err = refseller.New(refseller.Options{AccessKey: secret, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	dbgCheck(t, err)

	b.login("seller@demo.test")
	if st := b.open("/seller/debug?address=" + itoa(addr.ID)); st != 200 {
		t.Fatalf("debug page: %d", st)
	}
	b.wantTitle("应用接入调试")
	b.wantActiveNav("应用接入调试")
	b.noRawKeys()

	b.armHTMX()
	b.htmxClick(tid("debug-preview"))
	if got := b.text(tid("debug-curl")); !strings.HasPrefix(got, "curl -X POST '"+ep.URL+"?signature=") {
		t.Errorf("curl after 生成请求命令 = %q", got)
	}
	b.htmxClick(tid("debug-save"))
	if got := b.text(tid("debug-saved")); !strings.Contains(got, "调测用例成功并保存成功") {
		t.Errorf("after 调测并保存用例: %q", got)
	}
	if b.count(tid("report")+`[data-passed="true"]`) != 1 {
		t.Error("no passing report")
	}
	b.noRawKeys()

	// Too long: the message under the field, in place, the value kept.
	long := strings.Repeat("x", 70)
	b.step("type a long orderId", chromedp.SetValue(chromedp.CSS("#p_orderId"), long))
	b.htmxClick(tid("debug-run"))
	if got := b.text(tid("p_orderId-error")); !strings.Contains(got, "64") {
		t.Errorf("long orderId message = %q", got)
	}
	if got := eval[string](b, `document.querySelector("#p_orderId").value`); got != long {
		t.Errorf("typed value not kept: %q", got)
	}
	if b.count(tid("debug-error")) != 1 {
		t.Error("no summary under the buttons")
	}
	b.wantPath("/seller/debug")

	b.nav("调试用例管理")
	b.wantTitle("调试用例管理")
	b.wantActiveNav("调试用例管理")
	if n := b.count(tid("case-row")); n != 1 {
		t.Errorf("%d case rows, want 1", n)
	}
	b.noRawKeys()
	b.shot("debug-cases")
}
