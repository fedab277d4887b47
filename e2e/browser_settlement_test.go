package e2e

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"koogallery/models/settlement"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// Settlement in the browser: the seller finds a supervised order held back by supervision
// (with the reason spelled out), the buyer accepts delivery (through the supervision flow
// itself), and the order moves to 可结算; the month's statement downloads as CSV and the file
// holds what the page shows.
func TestBrowserSettlement(t *testing.T) {
	t.Parallel()
	srv, b := startBrowser(t)
	o := settlementScene(t, srv)
	month := settlement.PeriodOf(*o.PaidAt).String()

	b.login("seller@demo.test")
	b.nav("结算")
	b.wantTitle("结算")
	b.wantActiveNav("结算")
	if got := b.text(tid("settlement-hint")); !strings.Contains(got, "同一商品类型的账单累计出账达到¥1,000") {
		t.Errorf("conditions shown: %q", got)
	}
	if b.path() != "/seller/settlement" && !strings.Contains(b.path(), "month="+month) {
		t.Fatalf("at %s", b.path())
	}
	if month != settlement.PeriodOf(srv.App.Store.Now()).String() {
		b.open("/seller/settlement?month=" + month) // bought in the last second of a month
	}
	row := `[data-testid="settle-row"][data-order="` + o.OrderNo + `"]`
	if got := eval[string](b, `document.querySelector('`+row+`').dataset.state`); got != "pending" {
		t.Errorf("before acceptance: state %q", got)
	}
	if got := b.text(row + " " + tid("settle-reasons")); !strings.Contains(got, "服务监管状态为“监管中”") {
		t.Errorf("reasons shown: %q", got)
	}
	b.shot("settlement-blocked")

	// The buyer accepts delivery; the seller looks again.
	acceptDelivery(t, srv, o)
	b.open("/seller/settlement?month=" + month)
	if got := eval[string](b, `document.querySelector('`+row+`').dataset.state`); got != "eligible" {
		t.Errorf("after acceptance: state %q (%s)", got, b.text(row))
	}
	if got := b.text(row + " " + tid("settle-state")); got != "可结算" {
		t.Errorf("badge %q", got)
	}
	if got := eval[string](b, `document.querySelector('[data-testid="type-total"][data-type="manual_service"]').dataset.reached`); got != "true" {
		t.Errorf("manual service threshold reached = %q", got)
	}
	b.shot("settlement-eligible")

	// The month's statement, and its CSV.
	st := b.mark(tid("statement-row"), month, "st")
	if status := b.follow(st + " " + tid("statement-open")); status != 200 {
		t.Fatalf("statement: status %d", status)
	}
	b.wantTitle("月度账单 " + month)
	b.wantActiveNav("结算")
	page := eval[string](b, `document.documentElement.outerHTML`)
	b.shot("settlement-statement")

	c := srv.Client(t)
	c.Login("seller@demo.test")
	want := c.Get("/seller/settlement/statements/" + month + "/export")
	dir := t.TempDir()
	yes := true
	b.step("allow downloads", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir, EventsEnabled: &yes})
		return err
	}))
	b.step("export the statement", chromedp.Click(chromedp.CSS(tid("statement-export")), chromedp.NodeVisible))
	file := waitForFile(t, filepath.Join(dir, "statement-"+itoa(o.SellerID)+"-"+month+".csv"), len(want.Body))
	if string(file) != want.Body {
		t.Errorf("the downloaded CSV differs from the export")
	}
	if n := compareStatementCSV(t, page, file); n == 0 {
		t.Errorf("the statement has no lines")
	}
	if !strings.Contains(string(file), "网站迁移上云服务") {
		t.Errorf("the CSV lacks the product's Chinese name")
	}
}
