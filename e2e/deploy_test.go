package e2e

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"koogallery/app"
	"koogallery/apptest"
	"koogallery/cloud"
	"koogallery/config"
	"koogallery/deploy"
	"koogallery/models/account"
	"koogallery/models/catalog"
	"koogallery/models/deployment"
	"koogallery/models/orders"
)

// One-click License deployment (启动部署) end to end over HTTP: the delegation, the pickers,
// bad input, a double-clicked deploy, live progress to success, an injected install failure
// retried from its step, and no trace of the ECS password in any page, log line or row.

// loadDeployFixtures adds a failed deployment (that reached the cloud) of the buyer's License
// service, for the authorization matrix.
func loadDeployFixtures(t *testing.T, srv *apptest.Server, f fixtures) deployment.Deployment {
	t.Helper()
	now := time.Now().UTC()
	d := deployment.Deployment{BuyerID: f.buyerID, ServiceID: f.licenseService.ID, ProductID: f.licenseService.ProductID, Region: "cn-north-4",
		EcsID: "authz-deploy-ecs-8841", EcsName: "authz-deploy-ecs-8841", SGMode: deployment.SGRecommended, SGName: "mkp-recommended",
		OperationID: "op-authz-deploy-8842", Status: deployment.DeployFailed, StepIndex: 3, ErrorKey: "deploy.err.step.install", Runs: 1,
		FinishedAt: &now, CreatedAt: now, UpdatedAt: now}
	noErr(t, srv.App.Store.DB().Create(&d).Error)
	return d
}

func deployPath(suffix string) func(fixtures) string {
	return func(f fixtures) string { return "/console/services/" + itoa(f.licenseService.ID) + suffix }
}

func deploymentPath(suffix string) func(fixtures) string {
	return func(f fixtures) string {
		return "/console/services/" + itoa(f.licenseService.ID) + "/deployments/" + itoa(f.deployment.ID) + suffix
	}
}

func deploySecrets(f fixtures) []string {
	return []string{"authz-deploy-ecs-8841", "op-authz-deploy-8842", f.licenseService.SellerInstanceID}
}

// syncBuffer is a log sink tests can search.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startDeployServer is apptest.Start with a searchable debug log, a fast simulated cloud and
// the deployment runner running.
func startDeployServer(t *testing.T) (*apptest.Server, *cloud.Sim, *syncBuffer) {
	t.Helper()
	cfg, err := config.Load([]string{"-data", t.TempDir(), "-addr", "127.0.0.1:0", "-sandbox-addr", ""}, func(string) string { return "" })
	noErr(t, err)
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	a, err := app.New(context.Background(), cfg, log)
	noErr(t, err)
	sim := cloud.NewSim(cloud.SimOptions{StepTime: 15 * time.Millisecond})
	a.Deployer.Cloud = sim
	a.Deployer.Poll = 20 * time.Millisecond
	a.Deployer.Lease = 2 * time.Second
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); a.Deployer.Run(ctx) }()
	hs := httptest.NewServer(a.Echo)
	t.Cleanup(func() {
		cancel()
		<-done
		hs.Close()
		a.Close()
	})
	return &apptest.Server{Server: hs, App: a}, sim, logs
}

const deployPassword = "Tq8#Pwd-never-SHOWN"

func TestDeployFlowOverHTTP(t *testing.T) {
	srv, sim, logs := startDeployServer(t)
	db := srv.App.Store.DB()
	ctx := context.Background()
	var buyerU, buyer2U account.User
	noErr(t, db.Where("email = ?", "buyer@demo.test").First(&buyerU).Error)
	noErr(t, db.Where("email = ?", "buyer2@demo.test").First(&buyer2U).Error)
	var lp catalog.Product
	noErr(t, db.Where("code = ?", "00301-100003-0--0").First(&lp).Error)
	var svc, crm orders.Instance
	noErr(t, db.Where("buyer_id = ? AND product_id = ? AND status = ?", buyerU.ID, lp.ID, orders.InstanceNormal).First(&svc).Error)
	noErr(t, db.Where("buyer_id = ? AND product_id <> ?", buyerU.ID, lp.ID).First(&crm).Error)
	base := "/console/services/" + itoa(svc.ID)
	var bodies []string
	keep := func(r apptest.Response) apptest.Response { bodies = append(bodies, r.Body); return r }

	c := srv.Client(t)
	c.Login("buyer@demo.test")

	// First use: the delegation dialog; agreeing is audited.
	res := keep(c.Get(base + "/deploy"))
	if res.Status != http.StatusOK || !strings.Contains(res.Body, `data-testid="deploy-consent"`) || !strings.Contains(res.Body, "mkp_agency_trust") {
		t.Fatalf("first visit: %d, no consent dialog", res.Status)
	}
	if res = keep(c.Get(base + "/deploy/resources")); res.Status != http.StatusNotFound {
		t.Fatalf("resources before the delegation: %d", res.Status)
	}
	if res = c.PostForm(base+"/deploy/delegation", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("grant: %d", res.Status)
	}
	var audits int64
	db.Model(&account.AuditEvent{}).Where("actor_id = ? AND action = ?", buyerU.ID, deployment.ActGrantAgency).Count(&audits)
	if audits != 1 {
		t.Fatalf("%d createAgencies audit events", audits)
	}
	res = keep(c.Get(base + "/deploy"))
	if res.Status != http.StatusOK || !strings.Contains(res.Body, `data-testid="deploy-form"`) || !strings.Contains(res.Body, `data-testid="deploy-delegation"`) {
		t.Fatalf("deploy page after the delegation: %d", res.Status)
	}
	// Stopped, Windows and too-small instances are listed disabled with their reason.
	for _, name := range []string{"ecs-db-01", "ecs-win-01", "ecs-tiny-01"} {
		if !strings.Contains(res.Body, `data-name="`+name+`" data-eligible="false"`) {
			t.Errorf("%s not shown disabled", name)
		}
	}
	if !strings.Contains(res.Body, `data-name="ecs-app-01" data-eligible="true"`) {
		t.Error("ecs-app-01 not eligible")
	}

	ids := func(account uint) map[string]cloud.Instance {
		list, err := sim.Instances(ctx, deploy.Account(account), "cn-north-4")
		noErr(t, err)
		m := map[string]cloud.Instance{}
		for _, in := range list {
			m[in.Name] = in
		}
		return m
	}
	mine, theirs := ids(buyerU.ID), ids(buyer2U.ID)
	good := mine["ecs-app-01"]
	form := func(key string, mod func(url.Values)) url.Values {
		v := url.Values{"region": {"cn-north-4"}, "ecs_id": {good.ID}, "vpc_id": {good.VPCID}, "subnet_id": {good.SubnetID},
			"sg_mode": {deployment.SGRecommended}, "password": {deployPassword}, "confirm": {deployPassword}, "submit_key": {key}}
		if mod != nil {
			mod(v)
		}
		return v
	}
	// The cascade re-renders the pickers for a choice.
	res = keep(c.Get(base + "/deploy/resources?region=cn-north-4&ecs_id=" + good.ID))
	if res.Status != http.StatusOK || !strings.Contains(res.Body, `value="`+good.SubnetID+`" selected`) {
		t.Fatalf("resources for ecs-app-01: %d", res.Status)
	}
	// Review shows the summary without the password.
	res = keep(c.PostForm(base+"/deploy/review", form("review", nil)))
	if res.Status != http.StatusOK || !strings.Contains(res.Body, `data-testid="deploy-summary"`) {
		t.Fatalf("review: %d %s", res.Status, res.Body)
	}

	// Bad input: each refused, nothing recorded.
	bad := map[string]struct {
		mod    func(url.Values)
		status int
		msg    string
	}{
		"weak password":    {func(v url.Values) { v.Set("password", "abcdefgh"); v.Set("confirm", "abcdefgh") }, 422, "至少包含大写字母"},
		"mismatch":         {func(v url.Values) { v.Set("confirm", deployPassword+"x") }, 422, "两次输入的密码不一致"},
		"root in password": {func(v url.Values) { v.Set("password", "Toor-2026x"); v.Set("confirm", "Toor-2026x") }, 422, "不能包含用户名"},
		"other's instance": {func(v url.Values) { v.Set("ecs_id", theirs["ecs-app-01"].ID) }, 422, "找不到这台云服务器"},
		"other's subnet":   {func(v url.Values) { v.Set("subnet_id", theirs["ecs-app-01"].SubnetID) }, 422, "请选择所选虚拟私有云中的子网"},
		"stopped instance": {func(v url.Values) { v.Set("ecs_id", mine["ecs-db-01"].ID) }, 422, "云服务器未运行"},
		"windows instance": {func(v url.Values) { v.Set("ecs_id", mine["ecs-win-01"].ID) }, 422, "操作系统不兼容"},
	}
	for label, b := range bad {
		res := keep(c.PostForm(base+"/deploy", form("bad-"+label, b.mod)))
		if res.Status != b.status || !strings.Contains(res.Body, b.msg) {
			t.Errorf("%s: status %d, want %d with %q", label, res.Status, b.status, b.msg)
		}
	}
	if res = keep(c.PostForm("/console/services/"+itoa(crm.ID)+"/deploy", form("crm", nil))); res.Status != http.StatusNotFound {
		t.Errorf("non-deployable product: %d", res.Status)
	}
	c2 := srv.Client(t)
	c2.Login("buyer2@demo.test")
	if res = keep(c2.PostForm(base+"/deploy", form("foreign", nil))); res.Status != http.StatusNotFound {
		t.Errorf("another buyer's service: %d", res.Status)
	}
	var n int64
	db.Model(&deployment.Deployment{}).Count(&n)
	if n != 0 {
		t.Fatalf("bad input recorded %d deployments", n)
	}

	// Double click: the same form twice → one deployment; another form meanwhile → busy.
	r1 := c.PostForm(base+"/deploy", form("dbl", nil))
	r2 := c.PostForm(base+"/deploy", form("dbl", nil))
	if r1.Status != http.StatusSeeOther || r2.Status != http.StatusSeeOther || r1.Header.Get("Location") != r2.Header.Get("Location") {
		t.Fatalf("double click: %d %q / %d %q", r1.Status, r1.Header.Get("Location"), r2.Status, r2.Header.Get("Location"))
	}
	if res = keep(c.PostForm(base+"/deploy", form("third", nil))); res.Status != http.StatusConflict && res.Status != http.StatusSeeOther {
		t.Fatalf("second deployment while one runs: %d", res.Status)
	}
	db.Model(&deployment.Deployment{}).Count(&n)
	if n != 1 {
		t.Fatalf("%d deployments after a double click", n)
	}
	loc := r1.Header.Get("Location")
	waitStatus := func(loc, want string) string {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for time.Now().Before(deadline) {
			res := keep(c.Get(loc + "/progress"))
			if strings.Contains(res.Body, `data-status="`+want+`"`) {
				return res.Body
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Fatalf("%s never reached %s", loc, want)
		return ""
	}
	body := waitStatus(loc, "succeeded")
	if !strings.Contains(body, `data-testid="deploy-access-url"`) || !strings.Contains(body, "https://"+good.PublicIP+":8443/") {
		t.Fatalf("no access info: %s", body)
	}
	page := keep(c.Get(loc))
	if page.Status != http.StatusOK || strings.Count(page.Body, `data-state="done"`) != 5 {
		t.Fatalf("deployment page: %d", page.Status)
	}

	// An injected install failure, then a retry from that step.
	sim.FailStep(cloud.StepInstall, 1)
	r3 := c.PostForm(base+"/deploy", form("second", nil))
	if r3.Status != http.StatusSeeOther {
		t.Fatalf("second deployment: %d", r3.Status)
	}
	loc3 := r3.Header.Get("Location")
	body = waitStatus(loc3, "failed")
	if !strings.Contains(body, `data-step="install" data-state="failed"`) || !strings.Contains(body, `data-testid="deploy-retry"`) {
		t.Fatalf("failure not shown at install: %s", body)
	}
	if res = c2.PostForm(loc3+"/retry", nil); res.Status != http.StatusNotFound {
		t.Errorf("another buyer's retry: %d", res.Status)
	}
	if res = c.PostForm(loc3+"/retry", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("retry: %d", res.Status)
	}
	waitStatus(loc3, "succeeded")
	// The service page lists both with their status.
	res = keep(c.Get(base))
	if !strings.Contains(res.Body, `data-testid="deploy-list"`) || strings.Count(res.Body, "badge-ok") < 2 {
		t.Errorf("service page does not list the deployments")
	}
	// Revoking is audited and brings the dialog back.
	if res = c.PostForm(base+"/deploy/delegation/revoke", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", res.Status)
	}
	if res = keep(c.Get(base + "/deploy")); !strings.Contains(res.Body, `data-testid="deploy-consent"`) {
		t.Error("no consent dialog after revoking")
	}

	// The password is nowhere: pages, logs, rows.
	for i, b := range bodies {
		if strings.Contains(b, deployPassword) {
			t.Errorf("page %d shows the password", i)
		}
	}
	if strings.Contains(logs.String(), deployPassword) {
		t.Error("the log has the password")
	}
	if where := searchDB(t, srv, deployPassword); where != "" {
		t.Errorf("the password is stored in %s", where)
	}
}

// searchDB looks for s in every text column of every table (SQLite).
func searchDB(t *testing.T, srv *apptest.Server, s string) string {
	t.Helper()
	db := srv.App.Store.DB()
	var tables []string
	noErr(t, db.Raw("SELECT name FROM sqlite_master WHERE type = 'table'").Scan(&tables).Error)
	for _, tb := range tables {
		rows, err := db.Raw(fmt.Sprintf("SELECT * FROM %q", tb)).Rows()
		noErr(t, err)
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			noErr(t, rows.Scan(ptrs...))
			for _, v := range vals {
				var text string
				switch x := v.(type) {
				case string:
					text = x
				case []byte:
					text = string(x)
				}
				if strings.Contains(text, s) {
					rows.Close()
					return tb
				}
			}
		}
		rows.Close()
	}
	return ""
}
