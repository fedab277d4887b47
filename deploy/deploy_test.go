package deploy_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"koogallery/cloud"
	. "koogallery/deploy"
	"koogallery/models"
	"koogallery/models/account"
	"koogallery/models/catalog"
	"koogallery/models/deployment"
	"koogallery/models/orders"
	"koogallery/models/sellertools"
	"koogallery/models/sqldb"
	"koogallery/models/storetest"
)

const testPassword = "Kx7#deploy-Secret9"

type fixture struct {
	s       *models.Store
	sim     *cloud.Sim
	r       *Runner
	buyer   account.User
	buyer2  account.User
	service orders.Instance
	product catalog.Product
}

func setup(t *testing.T, s *models.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	if _, err := s.SeedDemo(ctx); err != nil {
		t.Fatal(err)
	}
	f := &fixture{s: s, sim: cloud.NewSim(cloud.SimOptions{StepTime: 20 * time.Millisecond})}
	f.r = &Runner{Store: s, Cloud: f.sim, Lease: 300 * time.Millisecond, Poll: 20 * time.Millisecond}
	db := s.DB()
	must(t, db.Where("email = ?", "buyer@demo.test").First(&f.buyer).Error)
	must(t, db.Where("email = ?", "buyer2@demo.test").First(&f.buyer2).Error)
	must(t, db.Where("code = ?", "00301-100003-0--0").First(&f.product).Error)
	must(t, db.Where("buyer_id = ? AND product_id = ? AND status = ?", f.buyer.ID, f.product.ID, orders.InstanceNormal).First(&f.service).Error)
	must(t, s.GrantDelegation(ctx, f.buyer.ID))
	return f
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// choose picks an instance by name with its VPC and subnet.
func (f *fixture) choose(t *testing.T, buyerID uint, name string, c Choice) (Options, Choice) {
	t.Helper()
	p := ProfileFor(&f.product)
	o, err := f.r.Options(context.Background(), buyerID, p, &c)
	must(t, err)
	for _, in := range o.Instances {
		if in.Name == name && c.EcsID == "" {
			c.EcsID = in.ID
		}
	}
	o, err = f.r.Options(context.Background(), buyerID, p, &c)
	must(t, err)
	return o, c
}

func (f *fixture) start(t *testing.T, key string) *deployment.Deployment {
	t.Helper()
	o, c := f.choose(t, f.buyer.ID, "ecs-app-01", Choice{Password: testPassword, Confirm: testPassword})
	d, fe := Check(o, c)
	if fe.Has() {
		t.Fatalf("check: %v", fe)
	}
	d.BuyerID, d.ServiceID, d.ProductID, d.SubmitKey = f.buyer.ID, f.service.ID, f.product.ID, &key
	must(t, f.s.CreateDeployment(context.Background(), d))
	must(t, f.r.Start(context.Background(), d, c.Password))
	return d
}

func (f *fixture) run(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); f.r.Run(ctx) }()
	return func() { cancel(); wg.Wait() }
}

func (f *fixture) wait(t *testing.T, id uint, cond func(d *deployment.Deployment) bool) *deployment.Deployment {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		d, err := f.s.Deployment(context.Background(), id)
		must(t, err)
		if cond(d) {
			return d
		}
		time.Sleep(5 * time.Millisecond)
	}
	d, _ := f.s.Deployment(context.Background(), id)
	t.Fatalf("deployment %d stuck: status %s step %d err %s", id, d.Status, d.StepIndex, d.ErrorKey)
	return nil
}

// A server stopped mid-deployment: the next one resumes from the interrupted step.
func TestDeployRunnerResumesAfterRestart(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		f := setup(t, s)
		d := f.start(t, "restart")
		stop := f.run(context.Background())
		f.wait(t, d.ID, func(d *deployment.Deployment) bool { return d.StepIndex >= 2 })
		stop() // the "crash": the lease stays, the step is unfinished
		mid, _ := s.Deployment(context.Background(), d.ID)
		if mid.Status != deployment.DeployRunning || mid.StepIndex >= len(deployment.DeploySteps) {
			t.Fatalf("after stop: %s at %d", mid.Status, mid.StepIndex)
		}
		// A fresh runner (the restarted server) with a fresh simulated cloud.
		f.r = &Runner{Store: s, Cloud: f.sim, Lease: 300 * time.Millisecond, Poll: 20 * time.Millisecond}
		stop = f.run(context.Background())
		defer stop()
		done := f.wait(t, d.ID, func(d *deployment.Deployment) bool { return !d.Active() })
		if done.Status != deployment.DeploySucceeded || done.AccessURL == "" || !strings.HasPrefix(done.AccessURL, "https://121.36.") || done.ActiveServiceID != nil {
			t.Fatalf("after restart: %+v", done)
		}
		if done.SGName != ProfileFor(&f.product).GroupName || len(f.sim.Attached(Account(f.buyer.ID), done.EcsID)) != 1 {
			t.Fatalf("security group %q attached %v", done.SGName, f.sim.Attached(Account(f.buyer.ID), done.EcsID))
		}
		_, ev, err := s.BuyerDeployment(context.Background(), f.buyer.ID, f.service.ID, d.ID)
		must(t, err)
		dones := 0
		for _, e := range ev {
			if e.Kind == "done" {
				dones++
			}
		}
		if dones != len(deployment.DeploySteps) {
			t.Fatalf("%d steps done, events %+v", dones, ev)
		}
		assertNoPassword(t, s)
	})
}

// An injected install failure fails the deployment at install; retry resumes there.
func TestDeployRetryAfterInjectedFailure(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		f := setup(t, s)
		f.sim.FailStep(cloud.StepInstall, 1)
		d := f.start(t, "retry")
		stop := f.run(context.Background())
		defer stop()
		failed := f.wait(t, d.ID, func(d *deployment.Deployment) bool { return !d.Active() })
		if failed.Status != deployment.DeployFailed || failed.Step() != "install" || failed.ErrorKey != "deploy.err.step.install" || failed.ActiveServiceID != nil {
			t.Fatalf("failed: %s at %s (%s)", failed.Status, failed.Step(), failed.ErrorKey)
		}
		if err := s.RetryDeployment(context.Background(), f.buyer2.ID, f.service.ID, d.ID); !errors.Is(err, sqldb.ErrStale) {
			t.Fatalf("another buyer retried: %v", err)
		}
		must(t, s.RetryDeployment(context.Background(), f.buyer.ID, f.service.ID, d.ID))
		if err := s.RetryDeployment(context.Background(), f.buyer.ID, f.service.ID, d.ID); !errors.Is(err, sqldb.ErrStale) {
			t.Fatalf("double retry: %v", err)
		}
		done := f.wait(t, d.ID, func(d *deployment.Deployment) bool { return !d.Active() })
		if done.Status != deployment.DeploySucceeded || done.Runs != 2 {
			t.Fatalf("after retry: %s runs %d", done.Status, done.Runs)
		}
		if n := f.sim.Calls("RunStep:validate"); n != 1 {
			t.Fatalf("validate ran %d times; retry must resume at the failed step", n)
		}
		assertNoPassword(t, s)
	})
}

// One deployment at a time per service; a resubmitted form finds its deployment.
func TestDeployOneAtATime(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		f := setup(t, s)
		d := f.start(t, "once")
		o, c := f.choose(t, f.buyer.ID, "ecs-app-02", Choice{Password: testPassword, Confirm: testPassword})
		again, fe := Check(o, c)
		if fe.Has() {
			t.Fatal(fe)
		}
		key := "once"
		again.BuyerID, again.ServiceID, again.ProductID, again.SubmitKey = f.buyer.ID, f.service.ID, f.product.ID, &key
		if err := s.CreateDeployment(context.Background(), again); !errors.Is(err, sellertools.ErrDuplicate) || again.ID != d.ID {
			t.Fatalf("same form twice: %v, id %d vs %d", err, again.ID, d.ID)
		}
		other, _ := Check(o, c)
		key2 := "other"
		other.BuyerID, other.ServiceID, other.ProductID, other.SubmitKey = f.buyer.ID, f.service.ID, f.product.ID, &key2
		if err := s.CreateDeployment(context.Background(), other); !errors.Is(err, deployment.ErrDeployBusy) {
			t.Fatalf("second deployment: %v", err)
		}
	})
}

// Bad choices are refused per field.
func TestDeployCheckRefusesBadInput(t *testing.T) {
	f := setup(t, storetest.NewStore(t, sqldb.SQLite))
	cases := map[string]struct {
		name  string
		c     Choice
		field string
		key   string
	}{
		"stopped":  {"ecs-db-01", Choice{Password: testPassword, Confirm: testPassword}, "ecs", "deploy.reason.stopped"},
		"windows":  {"ecs-win-01", Choice{Password: testPassword, Confirm: testPassword}, "ecs", "deploy.reason.os"},
		"weak":     {"ecs-app-01", Choice{Password: "password1", Confirm: "password1"}, "password", "deploy.err.pw_kinds"},
		"root":     {"ecs-app-01", Choice{Password: "Root-2026x", Confirm: "Root-2026x"}, "password", "deploy.err.pw_user"},
		"mismatch": {"ecs-app-01", Choice{Password: testPassword, Confirm: testPassword + "x"}, "confirm", "deploy.err.pw_mismatch"},
		"sg name":  {"ecs-app-01", Choice{Password: testPassword, Confirm: testPassword, SGMode: deployment.SGNew, SGName: "bad name!"}, "sg_name", "deploy.err.sg_name"},
	}
	for label, tc := range cases {
		o, c := f.choose(t, f.buyer.ID, tc.name, tc.c)
		_, fe := Check(o, c)
		if fe[tc.field] != tc.key {
			t.Errorf("%s: errors %v, want %s=%s", label, fe, tc.field, tc.key)
		}
		for _, v := range fe {
			if strings.Contains(v, tc.c.Password) {
				t.Errorf("%s: password in error", label)
			}
		}
	}
	// Another buyer's instance and subnet ids are unknown here.
	o2, c2 := f.choose(t, f.buyer2.ID, "ecs-app-01", Choice{})
	o, c := f.choose(t, f.buyer.ID, "", Choice{EcsID: c2.EcsID, Password: testPassword, Confirm: testPassword})
	if _, fe := Check(o, c); fe["ecs"] != "deploy.err.ecs_unknown" {
		t.Errorf("foreign instance: %v", fe)
	}
	_ = o2
	o, c = f.choose(t, f.buyer.ID, "ecs-app-01", Choice{Password: testPassword, Confirm: testPassword})
	c.SubnetID = c2.SubnetID
	if _, fe := Check(o, c); fe["subnet"] != "deploy.err.subnet" {
		t.Errorf("foreign subnet: %v", fe)
	}
}

// assertNoPassword searches every deployment-related row for the password.
func assertNoPassword(t *testing.T, s *models.Store) {
	t.Helper()
	var all []any
	var ds []deployment.Deployment
	var ev []deployment.DeploymentEvent
	var au []account.AuditEvent
	var dl []deployment.DeployDelegation
	must(t, s.DB().Find(&ds).Error)
	must(t, s.DB().Find(&ev).Error)
	must(t, s.DB().Find(&au).Error)
	must(t, s.DB().Find(&dl).Error)
	all = append(all, ds, ev, au, dl)
	b, _ := json.Marshal(all)
	if strings.Contains(string(b), testPassword) {
		t.Fatal("the password is stored")
	}
}

// Revoking the delegation stops a running deployment at its next step.
func TestDeployStopsWhenDelegationRevoked(t *testing.T) {
	f := setup(t, storetest.NewStore(t, sqldb.SQLite))
	d := f.start(t, "revoke")
	must(t, f.s.RevokeDelegation(context.Background(), f.buyer.ID))
	stop := f.run(context.Background())
	defer stop()
	got := f.wait(t, d.ID, func(d *deployment.Deployment) bool { return !d.Active() })
	if got.Status != deployment.DeployFailed || got.ErrorKey != "deploy.err.delegation" {
		t.Fatalf("after revocation: %s %s", got.Status, got.ErrorKey)
	}
	if err := f.s.RetryDeployment(context.Background(), f.buyer.ID, f.service.ID, d.ID); err != nil {
		t.Fatal(err) // the store allows it; the handler asks for the delegation first
	}
}
