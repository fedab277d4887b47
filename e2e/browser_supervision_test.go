package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"koogallery/i18n"
	"koogallery/models/orders"
	"koogallery/models/supervision"
)

// isolated opens another tab in a browser context of its own (its own cookies and session),
// so that one Chromium plays several users side by side.
func (b *tab) isolated(t *testing.T) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	nb := &tab{t: t, ctx: ctx, base: b.base}
	t.Cleanup(cancel) // before the browser stops (cleanups run last-registered first)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open an isolated tab: %v", err)
	}
	if err := chromedp.Listen(ctx, nb.watch); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nb.reportProblems)
	return nb
}

// step reads a supervision's step off its page.
func (b *tab) svStep() string {
	return eval[string](b, `document.querySelector('[data-testid="sv-step"]').dataset.step`)
}

// Service supervision in three browsers (buyer, seller, admin, each its own session):
// requirements → confirmation → delivery → rejection → redelivery → appeal by the seller (the
// flow frozen on both pages) → the admin's decision, which both read → acceptance → 已完成.
func TestBrowserSupervision(t *testing.T) {
	t.Parallel()
	srv, buyer := startBrowser(t)
	seller, admin := buyer.isolated(t), buyer.isolated(t)
	sv := svScene(t, srv, "00301-100006-0--0", "once")
	var order orders.Order
	noErr(t, srv.App.Store.DB().First(&order, sv.OrderID).Error)
	dir := t.TempDir()
	doc := func(name, text string) string {
		p := filepath.Join(dir, name)
		noErr(t, os.WriteFile(p, append(append([]byte{}, testPDF...), []byte("% "+text+"\n")...), 0o644))
		return p
	}
	zh := func(k string) string { return i18n.T("zh", k) }
	bp, sp := "/console/supervision/"+itoa(sv.ID), "/seller/supervision/"+itoa(sv.ID)

	// The buyer finds the order waiting on them and submits the requirements.
	buyer.login("buyer@demo.test")
	seller.login("seller@demo.test")
	admin.login("admin@demo.test")
	if st := buyer.open("/console/supervision"); st != 200 {
		t.Fatalf("buyer list: %d", st)
	}
	buyer.wantActiveNav("服务监管")
	row := buyer.mark(tid("sv-row"), order.OrderNo, "svrow")
	if got := buyer.text(row + " " + tid("sv-turn")); got != zh("supervision.turn.you") {
		t.Errorf("buyer's turn shown as %q", got)
	}
	if st := buyer.follow(row + " " + tid("sv-open")); st != 200 {
		t.Fatalf("detail: %d", st)
	}
	buyer.wantPath(bp)
	buyer.step("fill the requirements",
		chromedp.SendKeys(chromedp.CSS("#sv-submit_requirements-text"), "迁移两台 Web 服务器与一个 MySQL 实例", chromedp.NodeVisible),
		chromedp.SetUploadFiles(chromedp.CSS("#sv-submit_requirements-attachment"), []string{doc("需求说明.pdf", "requirements")}),
	)
	if st := buyer.follow(tid("sv-submit-submit_requirements")); st != 200 {
		t.Fatalf("submit requirements: %d", st)
	}
	if got := buyer.text(tid("flash-success")); got != zh("supervision.flash.submit_requirements") {
		t.Errorf("flash %q", got)
	}

	// The seller confirms and delivers with proof.
	if st := seller.open("/seller/supervision"); st != 200 {
		t.Fatalf("seller list: %d", st)
	}
	seller.wantActiveNav("服务监管")
	srow := seller.mark(tid("sv-row"), order.OrderNo, "svrow")
	if st := seller.follow(srow + " " + tid("sv-open")); st != 200 {
		t.Fatalf("seller detail: %d", st)
	}
	if got := seller.text(tid("sv-requirements")); !strings.Contains(got, "MySQL") {
		t.Errorf("requirements shown as %q", got)
	}
	if st := seller.follow(tid("sv-submit-confirm_requirements")); st != 200 {
		t.Fatalf("confirm: %d", st)
	}
	seller.shot("supervision-seller-deliver")
	seller.step("attach the SOW", chromedp.SetUploadFiles(chromedp.CSS("#sv-deliver-attachment"), []string{doc("SOW.pdf", "sow")}))
	if st := seller.follow(tid("sv-submit-deliver")); st != 200 {
		t.Fatalf("deliver: %d", st)
	}
	if got := seller.svStep(); got != string(supervision.StepAcceptance) {
		t.Fatalf("after delivery: %s", got)
	}

	// The buyer rejects with a reason; the seller delivers again.
	buyer.open(bp)
	buyer.step("give the reason", chromedp.SendKeys(chromedp.CSS("#sv-reject_delivery-text"), "缺少验收报告", chromedp.NodeVisible))
	if st := buyer.follow(tid("sv-submit-reject_delivery")); st != 200 {
		t.Fatalf("reject: %d", st)
	}
	seller.open(sp)
	seller.step("attach the report", chromedp.SetUploadFiles(chromedp.CSS("#sv-deliver-attachment"), []string{doc("验收报告.pdf", "report")}))
	if st := seller.follow(tid("sv-submit-deliver")); st != 200 {
		t.Fatalf("redeliver: %d", st)
	}

	// The seller appeals: both pages lose their buttons and explain why.
	seller.step("open the appeal form and fill it",
		chromedp.Click(chromedp.CSS(tid("sv-appeal-open")), chromedp.NodeVisible),
		chromedp.SendKeys(chromedp.CSS("#sv-appeal-reason"), "买家收到验收报告后仍不验收", chromedp.NodeVisible),
		chromedp.SendKeys(chromedp.CSS("#sv-appeal-demand"), "请平台确认交付"),
		chromedp.SetUploadFiles(chromedp.CSS("#sv-appeal-attachment"), []string{doc("交付证据.pdf", "proof")}),
	)
	if st := seller.follow(tid("sv-submit-appeal")); st != 200 {
		t.Fatalf("appeal: %d", st)
	}
	for _, tb := range []*tab{seller, buyer} {
		if tb == buyer {
			buyer.open(bp)
		}
		if tb.count(tid("sv-frozen")) != 1 || tb.count(tid("sv-form-accept")+","+tid("sv-form-deliver")) != 0 {
			t.Fatalf("not frozen at %s", tb.path())
		}
	}

	// Operations decide with a reason both parties read.
	if st := admin.open("/admin/appeals"); st != 200 {
		t.Fatalf("queue: %d", st)
	}
	arow := admin.mark(tid("appeal-row"), order.OrderNo, "aprow")
	if st := admin.follow(arow + " " + tid("appeal-open-row")); st != 200 {
		t.Fatalf("appeal page: %d", st)
	}
	if n := admin.count(tid("sv-file")); n < 4 {
		t.Errorf("admin sees %d files", n)
	}
	admin.shot("supervision-admin-appeal")
	reason := "交付材料齐全，请买家继续验收"
	admin.step("decide",
		chromedp.Click(chromedp.CSS(tid("appeal-outcome-resume")), chromedp.NodeVisible),
		chromedp.SendKeys(chromedp.CSS("#sv-decide-reason"), reason),
	)
	if st := admin.follow(tid("appeal-submit-decide")); st != 200 {
		t.Fatalf("decide: %d", st)
	}
	if got := admin.text(tid("flash-success")); got != zh("appeal.flash.decided") {
		t.Errorf("admin flash %q", got)
	}
	seller.open(sp)
	if got := seller.text(tid("sv-appeal-decision")); got != reason {
		t.Errorf("seller reads %q", got)
	}

	// The buyer reads the decision and accepts; 已完成 three hours later.
	buyer.open(bp)
	if got := buyer.text(tid("sv-appeal-decision")); got != reason {
		t.Errorf("buyer reads %q", got)
	}
	buyer.step("confirm the acceptance", chromedp.Click(chromedp.CSS(tid("sv-confirm-accept")), chromedp.NodeVisible))
	if st := buyer.follow(tid("sv-submit-accept")); st != 200 {
		t.Fatalf("accept: %d", st)
	}
	if got := buyer.svStep(); got != string(supervision.StepAccepted) {
		t.Fatalf("after acceptance: %s", got)
	}
	store := srv.App.Store
	later := time.Now().UTC().Add(supervision.SupervisionCompleteDelay + time.Minute)
	store.SetClock(func() time.Time { return later })
	_, err := store.SweepSupervision(t.Context(), 100)
	store.SetClock(func() time.Time { return time.Now().UTC() })
	noErr(t, err)
	buyer.open(bp)
	if got := buyer.svStep(); got != string(supervision.StepCompleted) {
		t.Fatalf("after 3 hours: %s", got)
	}
	if got := buyer.text(tid("sv-order-status")); got != zh("order.status.completed") {
		t.Errorf("order status %q", got)
	}
	buyer.noRawKeys()
	buyer.shot("supervision-completed")
}
