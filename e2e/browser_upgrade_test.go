package e2e

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"koogallery/models"
	"koogallery/models/catalog"
	"koogallery/models/orders"
	"koogallery/refseller"
)

// 变更规格 as a buyer uses it: from the CRM service on 基础版 the buyer opens 变更规格, reads
// what each higher spec costs for the days left, chooses 企业版 and confirms; the order waits
// for the seller; once the reference seller has answered upgradeInstance the service page
// shows 企业版.
func TestBrowserUpgrade(t *testing.T) {
	t.Parallel()
	srv, b := startBrowser(t)
	ref := &lateSeller{}
	ep := httptest.NewServer(ref)
	t.Cleanup(ep.Close)
	w := wireSeller(t, srv.App.Store, srv.App.Keys, ep.URL)
	var err error
	ref.s, err = refseller.New(refseller.Options{AccessKey: w.secret, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	dbgCheck(t, err)
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); srv.App.Dispatcher.Run(ctx) }()
	t.Cleanup(func() { stop(); <-done })

	buyer := srv.Client(t)
	buyer.Login("buyer@demo.test")
	res := buyer.PostForm("/console/orders", url.Values{"product_id": {itoa(w.product.ID)}, "plan": {"month"}, "count": {"1"},
		"pay_method": {"cash"}, "submit_key": {"browser-upgrade-0123456789"}})
	if res.Status != 303 {
		t.Fatalf("purchase: %d", res.Status)
	}
	var order orders.Order
	dbgCheck(t, srv.App.Store.DB().First(&order, strings.TrimPrefix(res.Header.Get("Location"), "/console/orders/")).Error)
	waitFor(t, "the service to open", func() bool {
		var in orders.Instance
		return srv.App.Store.DB().First(&in, *order.InstanceID).Error == nil && in.Status == orders.InstanceNormal
	})
	var ent catalog.ProductSpec
	dbgCheck(t, srv.App.Store.DB().Where("product_id = ? AND code = ?", w.product.ID, "enterprise").First(&ent).Error)

	b.login("buyer@demo.test")
	svc := "/console/services/" + itoa(*order.InstanceID)
	b.open(svc)
	if got := b.text(tid("service-spec")); got != "基础版" {
		t.Fatalf("service spec %q", got)
	}
	if st := b.follow(tid("service-upgrade")); st != 200 {
		t.Fatalf("变更规格: %d", st)
	}
	b.wantPath(svc + "/upgrade")
	if n := b.count(tid("upgrade-option")); n != 2 {
		t.Fatalf("%d higher specs offered", n)
	}
	if got := b.text(tid("upgrade-rule")); !strings.Contains(got, "四舍五入到分") {
		t.Errorf("the formula is not explained: %q", got)
	}
	b.shot("upgrade")
	amount := b.text(`[data-testid="upgrade-option"][data-spec="` + itoa(ent.ID) + `"] ` + tid("upgrade-amount"))
	b.noRawKeys()
	b.step("choose 企业版", chromedp.Click(chromedp.CSS(tid("upgrade-spec-enterprise")), chromedp.NodeVisible))
	if st := b.follow(tid("upgrade-submit")); st != 200 {
		t.Fatalf("confirm: %d", st)
	}
	if p := b.path(); !strings.HasPrefix(p, "/console/orders/") {
		t.Fatalf("after confirming: at %s", p)
	}
	if got := b.text(tid("order-paid")); got != amount {
		t.Errorf("paid %q, the page offered %q", got, amount)
	}
	if got := b.text(tid("spec-to")); got != "企业版" {
		t.Errorf("order spec %q", got)
	}
	waitFor(t, "the seller to apply the change", func() bool {
		var in orders.Instance
		return srv.App.Store.DB().First(&in, *order.InstanceID).Error == nil && in.SpecID != nil && *in.SpecID == ent.ID
	})
	b.open(svc)
	b.shot("upgraded-service")
	if got := b.text(tid("service-spec")); got != "企业版" {
		t.Errorf("service spec after the change: %q", got)
	}
	if b.count(tid("service-upgrade")) != 0 || b.count(tid("service-upgrade-pending")) != 0 {
		t.Errorf("the highest spec still offers a change")
	}
	if s, ok := ref.s.Instance(instanceIDOf(t, srv.App.Store, *order.InstanceID)); !ok || s.Upgrades != 1 {
		t.Errorf("the seller saw %d upgrades", s.Upgrades)
	}
	b.noRawKeys()
}

func instanceIDOf(t *testing.T, s *models.Store, id uint) string {
	t.Helper()
	var in orders.Instance
	dbgCheck(t, s.DB().First(&in, id).Error)
	return in.SellerInstanceID
}
