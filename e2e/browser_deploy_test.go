package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"koogallery/cloud"
	"koogallery/models/account"
	"koogallery/models/catalog"
	"koogallery/models/orders"
)

// One-click deployment in the browser: the buyer grants the delegation, picks the instance,
// the subnet and the recommended security group, types the ECS password, watches the steps
// complete; then a deployment whose install step was made to fail is retried from there.
func TestBrowserDeploy(t *testing.T) {
	t.Parallel()
	srv, b := startBrowser(t)
	sim := cloud.NewSim(cloud.SimOptions{StepTime: 100 * time.Millisecond})
	srv.App.Deployer.Cloud = sim
	srv.App.Deployer.Poll = 50 * time.Millisecond
	srv.App.Deployer.Lease = 5 * time.Second
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); srv.App.Deployer.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })

	db := srv.App.Store.DB()
	var buyerU account.User
	noErr(t, db.Where("email = ?", "buyer@demo.test").First(&buyerU).Error)
	var lp catalog.Product
	noErr(t, db.Where("code = ?", "00301-100003-0--0").First(&lp).Error)
	var svc orders.Instance
	noErr(t, db.Where("buyer_id = ? AND product_id = ? AND status = ?", buyerU.ID, lp.ID, orders.InstanceNormal).First(&svc).Error)
	base := "/console/services/" + itoa(svc.ID)
	const password = "Brw9#deploy-Pass"

	b.login("buyer@demo.test")
	if st := b.open(base); st != 200 {
		t.Fatalf("service page: %d", st)
	}
	if st := b.follow(tid("service-deploy")); st != 200 || b.count(tid("deploy-consent")) != 1 {
		t.Fatalf("deploy entry: %d, consent dialogs %d", st, b.count(tid("deploy-consent")))
	}
	if st := b.follow(tid("deploy-consent-agree")); st != 200 || b.count(tid("deploy-form")) != 1 {
		t.Fatalf("after consent: %d", st)
	}

	// fill picks ecs-app-01, its subnet and the recommended group, types the password, reviews.
	fill := func() {
		b.armHTMX()
		if n := b.count(`[data-name="ecs-win-01"] input[disabled]`); n != 1 {
			t.Fatalf("the Windows instance is not disabled")
		}
		b.htmxClick(`[data-name="ecs-app-01"] input[type="radio"]`)
		subnet := eval[string](b, `document.querySelector("#deploy-subnet").value`)
		if subnet == "" {
			t.Fatal("no subnet preselected for the instance")
		}
		n := eval[int](b, `window.kgSettles`)
		b.step("choose the subnet", chromedp.Evaluate[chromedp.Void](`(() => { const s = document.querySelector("#deploy-subnet");
			s.value = `+js(subnet)+`; s.dispatchEvent(new Event("change", {bubbles: true})); })()`),
			chromedp.Poll[chromedp.Void](`window.kgSettles > `+itoa(uint(n)), chromedp.WithPollingTimeout(stepTimeout)))
		// The recommended group is the default: clicking it keeps it (no change, no swap).
		b.step("pick the recommended group", chromedp.Click(chromedp.CSS(tid("deploy-sg-recommended")), chromedp.NodeVisible))
		if !eval[bool](b, `document.querySelector('[data-testid="deploy-sg-recommended"]').checked`) {
			t.Fatal("recommended group not chosen")
		}
		if b.count(tid("deploy-sg-rules")+" li") < 2 {
			t.Fatal("recommended rules not shown")
		}
		b.step("type the password",
			chromedp.SendKeys(chromedp.CSS(tid("deploy-password")), password, chromedp.NodeVisible),
			chromedp.SendKeys(chromedp.CSS(tid("deploy-confirm")), password, chromedp.NodeVisible))
		b.htmxClick(tid("deploy-review"))
		if b.count(tid("deploy-summary")) != 1 {
			t.Fatalf("no summary: %s", b.text("#deploy-summary"))
		}
		b.shot("deploy-form")
	}
	waitFor := func(status string) {
		b.step("wait for "+status, chromedp.Poll[chromedp.Void](`!!document.querySelector('[data-testid="deploy-progress"][data-status="`+status+`"]')`,
			chromedp.WithPollingTimeout(30*time.Second)))
	}
	noPassword := func() {
		if html := eval[string](b, `document.documentElement.outerHTML`); strings.Contains(html, password) {
			t.Fatal("the page shows the password")
		}
	}

	fill()
	if st := b.follow(tid("deploy-start")); st != 200 {
		t.Fatalf("deploy: %d", st)
	}
	noPassword()
	waitFor("succeeded")
	if n := b.count(`[data-testid="deploy-step"][data-state="done"]`); n != 5 {
		t.Fatalf("%d steps done", n)
	}
	if u := b.text(tid("deploy-access-url")); !strings.HasPrefix(u, "https://") {
		t.Fatalf("access url %q", u)
	}
	b.shot("deploy-done")

	// An install failure, retried from the install step.
	sim.FailStep(cloud.StepInstall, 1)
	if st := b.open(base + "/deploy"); st != 200 {
		t.Fatalf("deploy page: %d", st)
	}
	fill()
	if st := b.follow(tid("deploy-start")); st != 200 {
		t.Fatalf("deploy: %d", st)
	}
	waitFor("failed")
	b.shot("deploy-failed")
	if b.count(`[data-step="install"][data-state="failed"]`) != 1 || b.count(`[data-step="transfer"][data-state="done"]`) != 1 {
		t.Fatal("failure not shown at install")
	}
	if st := b.follow(tid("deploy-retry")); st != 200 {
		t.Fatalf("retry: %d", st)
	}
	waitFor("succeeded")
	noPassword()
	b.noRawKeys()

	// The service page lists both deployments.
	if st := b.open(base); st != 200 || b.count(tid("deploy-list")+" tbody tr") != 2 {
		t.Fatalf("service page: %d, deployments listed %d", st, b.count(tid("deploy-list")+" tbody tr"))
	}
	b.shot("deploy-service")
}
