package e2e

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"koogallery/i18n"
	"koogallery/models/orders"
	"koogallery/models/refund"
)

// A refund end to end in the browser: the buyer asks for part of a supervised service back
// with the chat as a PDF, the seller reads the request, downloads the PDF and approves it
// after the confirmation step; the buyer sees the money returned and the service released; a
// second request, and one on a service past its guarantee period, say why they are refused.
func TestBrowserRefund(t *testing.T) {
	t.Parallel()
	srv, b := startBrowser(t)
	_, inst := refundScene(t, srv)
	var order orders.Order
	noErr(t, srv.App.Store.DB().First(&order, inst.OrderID).Error)
	pdf := append(append([]byte{}, testPDF...), []byte("% 张伟与云启科技的沟通记录\n")...)
	upload := filepath.Join(t.TempDir(), "沟通记录.pdf")
	noErr(t, os.WriteFile(upload, pdf, 0o644))

	// The buyer finds 退订 on the service and learns what is possible.
	b.login("buyer@demo.test")
	row := b.mark(tid("service-row"), order.OrderNo, "svc")
	if st := b.follow(row + " " + tid("service-refund")); st != 200 {
		t.Fatalf("refund form: status %d", st)
	}
	b.wantPath("/console/services/" + itoa(inst.ID) + "/refund")
	b.wantTitle("申请退订")
	b.wantActiveNav("已购买的服务")
	if got := b.text(tid("refund-max")); got != "¥2,000.00" {
		t.Errorf("refundable at most %q", got)
	}
	if got := b.text(tid("refund-rule")); !strings.Contains(got, "上限为实付金额") {
		t.Errorf("rule shown: %q", got)
	}
	b.shot("refund-form")

	// A wrong amount first: the message, the rest kept.
	b.step("fill the refund form",
		chromedp.SendKeys(chromedp.CSS("#refund-amount"), "2500", chromedp.NodeVisible),
		chromedp.SetValue(chromedp.CSS("#refund-cause"), string(refund.CauseAgreedWithSeller)),
		chromedp.SendKeys(chromedp.CSS("#refund-text"), "割接取消，已与商家协商退还未实施部分。"),
		chromedp.Click(chromedp.CSS(tid("refund-share"))),
		chromedp.Click(chromedp.CSS(tid("refund-confirm"))),
	)
	b.allow("422")
	if st := b.follow(tid("refund-submit")); st != 422 {
		t.Fatalf("too much: status %d", st)
	}
	if got := b.text(tid("amount-error")); got != i18n.T("zh", refund.MsgAmountMax) {
		t.Errorf("amount error %q", got)
	}
	if got := eval[string](b, `document.querySelector("#refund-text").value`); !strings.Contains(got, "割接取消") {
		t.Errorf("text not kept: %q", got)
	}
	b.step("correct the amount and attach the chat",
		chromedp.SetValue(chromedp.CSS("#refund-amount"), "1500.50"),
		chromedp.SetUploadFiles(chromedp.CSS("#refund-attachment"), []string{upload}),
	)
	if st := b.follow(tid("refund-submit")); st != 200 {
		t.Fatalf("request: status %d", st)
	}
	b.wantTitle("退订详情")
	if got := b.text(tid("flash-success")); got != i18n.T("zh", "refund.flash.requested") {
		t.Errorf("flash %q", got)
	}
	if got := eval[string](b, `document.querySelector('[data-testid="refund-status"]').dataset.status`); got != "pending" {
		t.Errorf("status %q", got)
	}
	if got := b.text(tid("attachment-link")); got != "沟通记录.pdf" {
		t.Errorf("attachment %q", got)
	}
	b.nav("退订管理")
	b.wantTitle("退订管理")
	b.wantActiveNav("退订管理")
	b.mark(tid("refund-row"), order.OrderNo, "mine")
	b.follow(tid("logout"))

	// The seller reviews it in 订单管理 > 退订管理.
	b.login("seller@demo.test")
	b.nav("退订管理")
	b.wantTitle("退订管理")
	b.wantActiveNav("退订管理")
	if got := b.text(tid("refund-count-pending") + " " + tid("refund-count")); got != "2" {
		t.Errorf("pending count %q, want the demo's and this one", got)
	}
	req := b.mark(tid("refund-row"), order.OrderNo, "req")
	if st := b.follow(req + " " + tid("refund-open")); st != 200 {
		t.Fatalf("review page: status %d", st)
	}
	b.wantTitle("退订详情")
	if got := b.text(tid("refund-amount-value")); got != "¥1,500.50" {
		t.Errorf("amount %q", got)
	}
	if got := b.text(tid("refund-contact")); !strings.Contains(got, "buyer@demo.test") {
		t.Errorf("shared contact %q", got)
	}
	if got := eval[string](b, `document.querySelector('[data-testid="refund-supervision"]').dataset.supervision`); got != "in_progress" {
		t.Errorf("supervision %q", got)
	}
	b.shot("refund-review")

	// Download the communication record.
	dir := t.TempDir()
	yes := true
	b.step("allow downloads", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir, EventsEnabled: &yes})
		return err
	}))
	b.step("download the attachment", chromedp.Click(chromedp.CSS(tid("attachment-link")), chromedp.NodeVisible))
	got := waitForFile(t, filepath.Join(dir, "沟通记录.pdf"), len(pdf))
	if !bytes.Equal(got, pdf) {
		t.Errorf("downloaded %d bytes, want the uploaded %d", len(got), len(pdf))
	}

	// 同意 → the confirmation step → 确认同意.
	if st := b.follow(tid("refund-approve")); st != 200 {
		t.Fatalf("confirmation: status %d", st)
	}
	if got := b.text(tid("refund-review-warning")); !strings.Contains(got, "¥1,500.50") {
		t.Errorf("warning %q", got)
	}
	b.step("write the review opinion", chromedp.SendKeys(chromedp.CSS("#refund-opinion"), "同意，按沟通记录退还未实施部分。", chromedp.NodeVisible))
	if st := b.follow(tid("refund-confirm-approve")); st != 200 {
		t.Fatalf("approve: status %d", st)
	}
	if got := eval[string](b, `document.querySelector('[data-testid="refund-status"]').dataset.status`); got != "approved" {
		t.Errorf("status after approval %q", got)
	}
	if got := b.text(tid("refund-refunded")); got != "¥1,500.50" {
		t.Errorf("refunded %q", got)
	}
	if n := b.count(tid("refund-approve")); n != 0 {
		t.Errorf("an approved request still offers 同意")
	}
	b.shot("refund-approved")
	b.follow(tid("logout"))

	// The buyer sees the refund and the service released.
	b.login("buyer@demo.test")
	b.nav("退订管理")
	mine := b.mark(tid("refund-row"), order.OrderNo, "done")
	if got := eval[string](b, `document.querySelector('`+mine+`').dataset.status`); got != "approved" {
		t.Errorf("list status %q", got)
	}
	b.follow(mine + " " + tid("refund-open"))
	if got := b.text(tid("refund-refunded")); got != "¥1,500.50" {
		t.Errorf("buyer sees refunded %q", got)
	}
	if got := b.text(tid("refund-method")); !strings.Contains(got, "信用") {
		t.Errorf("refund method %q (paid by credit)", got)
	}
	if got := b.text(tid("refund-opinion")); !strings.Contains(got, "按沟通记录") {
		t.Errorf("opinion %q", got)
	}
	if got := b.text(tid("refund-service-status")); got != "已释放" {
		t.Errorf("service status %q", got)
	}
	b.nav("已购买的服务")
	svc := b.mark(tid("service-row"), order.OrderNo, "released")
	if got := eval[string](b, `document.querySelector('`+svc+` .badge').dataset.status`); got != "released" {
		t.Errorf("service row status %q", got)
	}
	if n := b.count(svc + " " + tid("service-refund")); n != 0 {
		t.Errorf("a released service still offers 退订")
	}

	// A second request on it, and one past the guarantee period, say why not.
	if st := b.open("/console/services/" + itoa(inst.ID) + "/refund"); st != 200 {
		t.Fatalf("second request page: %d", st)
	}
	if got := b.text(tid("refund-why")); !strings.Contains(got, i18n.T("zh", refund.WhyNotInUse)) {
		t.Errorf("second request: %q", got)
	}
	if b.count(tid("refund-form")) != 0 {
		t.Errorf("a refused refund shows the form")
	}
	b.nav("已购买的服务")
	backup := b.mark(tid("service-row"), "数据库备份工具", "backup")
	b.follow(backup + " " + tid("service-refund"))
	if got := b.text(tid("refund-why")); !strings.Contains(got, i18n.T("zh", refund.WhySupervisionCompleted)) {
		t.Errorf("past the guarantee period: %q", got)
	}
	b.shot("refund-refused")
}

// waitForFile waits until a download has written size bytes to path and returns them.
func waitForFile(t *testing.T, path string, size int) []byte {
	t.Helper()
	deadline := time.Now().Add(stepTimeout)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(path); err == nil && len(b) == size {
			return b
		}
		time.Sleep(100 * time.Millisecond)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	t.Fatalf("no download %s after %s (the folder holds %q)", filepath.Base(path), stepTimeout, names)
	return nil
}
