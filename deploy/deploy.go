// Package deploy runs one-click License deployments (启动部署): it starts a deployment on the
// buyer's cloud (handing over the ECS password, which it never keeps) and a background Runner
// drives each deployment's steps, with its state in the database so that a page reload or a
// server restart finds it where it was, and a failed step can be retried.
package deploy

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"koogallery/cloud"
	"koogallery/models"
	"koogallery/models/catalog"
	"koogallery/models/deployment"
	"koogallery/models/sqldb"
	"koogallery/worker"
)

// Account is the buyer's cloud account as the delegation names it.
func Account(buyerID uint) cloud.Account {
	return cloud.Account{ID: "buyer-" + strconv.FormatUint(uint64(buyerID), 10)}
}

// Profile is what the seller publishes for deploying a product: the package, what it needs
// from a server, the security-group rules it recommends and the port it answers on.
type Profile struct {
	Package      string
	Requirements cloud.Requirements
	Rules        []cloud.Rule
	Port         int
	GroupName    string
}

// ProfileFor is the deployment profile of a deployable product: the package, console port and
// recommended security-group rules its seller published. A product published before sellers
// could set them (the demo's) gets the default: a Linux package with a web console on 8443.
func ProfileFor(p *catalog.Product) Profile {
	out := Profile{
		Package:      "mkp-" + p.Code + ".tar.gz",
		Requirements: cloud.Requirements{OSFamily: "linux", MinVCPUs: 2, MinMemoryGiB: 2},
		Rules: []cloud.Rule{
			{Direction: "ingress", Protocol: "tcp", Port: "22", Remote: "0.0.0.0/0", Description: "SSH"},
			{Direction: "ingress", Protocol: "tcp", Port: "8443", Remote: "0.0.0.0/0", Description: "web console (HTTPS)"},
			{Direction: "egress", Protocol: "any", Remote: "0.0.0.0/0"},
		},
		Port:      8443,
		GroupName: "mkp-recommended-" + strconv.FormatUint(uint64(p.ID), 10),
	}
	if rules := p.Rules(); p.DeployPackage != "" && p.DeployPort > 0 && len(rules) > 0 {
		out.Package, out.Port, out.Rules = p.DeployPackage, p.DeployPort, nil
		for _, r := range rules {
			out.Rules = append(out.Rules, cloud.Rule{Direction: r.Direction, Protocol: r.Protocol, Port: r.Port, Remote: r.Remote, Description: r.Description})
		}
	}
	return out
}

// profile loads a deployment's product and its profile.
func (r *Runner) profile(ctx context.Context, d *deployment.Deployment) (Profile, error) {
	p, err := r.Store.AdminProduct(ctx, d.ProductID)
	if err != nil {
		return Profile{}, err
	}
	return ProfileFor(p), nil
}

// Runner drives deployments in the background. Every server process may run one: deployments
// are claimed with a lease, and a lease that runs out (the server stopped mid-step) lets
// another runner (or this one, after the restart) resume from the step it was on.
type Runner struct {
	Store *models.Store
	Cloud cloud.Provider
	// Lease is how long a claim lasts without renewal (renewed at every step; must exceed the
	// longest step). Poll is how often to look for work. Workers bounds the deployments one
	// runner drives at once (the others wait, unclaimed, for a free worker). Defaults: 30 s,
	// 500 ms and 32.
	Lease   time.Duration
	Poll    time.Duration
	Workers int
	Log     *slog.Logger
}

func (r *Runner) defaults() {
	if r.Lease <= 0 {
		r.Lease = 30 * time.Second
	}
	if r.Poll <= 0 {
		r.Poll = 500 * time.Millisecond
	}
	if r.Workers <= 0 {
		r.Workers = 32
	}
	if r.Log == nil {
		r.Log = slog.Default()
	}
}

// Start hands a recorded (starting) deployment to the cloud with the password and marks it
// running; the password lives only in this call. A refusal fails the deployment with a reason
// key and returns it as a *StartError.
func (r *Runner) Start(ctx context.Context, d *deployment.Deployment, password string) error {
	op, err := r.Cloud.StartDeploy(ctx, Account(d.BuyerID), cloud.DeployRequest{Region: d.Region, InstanceID: d.EcsID, SubnetID: d.SubnetID,
		Package: d.Package, Password: password, Token: "dep-" + strconv.FormatUint(uint64(d.ID), 10)})
	if err != nil {
		key := ErrorKey(err)
		if ferr := r.Store.FailDeployment(ctx, d.ID, key); ferr != nil && !errors.Is(ferr, sqldb.ErrStale) {
			return ferr
		}
		return &StartError{Key: key}
	}
	return r.Store.DeploymentStarted(ctx, d.ID, op)
}

// StartError is a deployment the cloud refused to start; Key is the reason's i18n key.
type StartError struct{ Key string }

func (e *StartError) Error() string { return "deploy: start refused: " + e.Key }

// ErrorKey maps a cloud error to the i18n key shown to the buyer.
func ErrorKey(err error) string {
	var se *cloud.StepError
	switch {
	case errors.Is(err, cloud.ErrInstanceStopped):
		return "deploy.err.stopped"
	case errors.Is(err, cloud.ErrQuotaExceeded):
		return "deploy.err.quota"
	case errors.Is(err, cloud.ErrNotFound):
		return "deploy.err.gone"
	case errors.As(err, &se):
		return "deploy.err.step." + string(se.Step)
	}
	return "deploy.err.cloud"
}

// Run works until ctx ends, then waits for the deployments it drives to stop (a step in
// progress is abandoned: its lease runs out and it runs again after the restart). Deployments
// left starting are failed every Poll meanwhile.
func (r *Runner) Run(ctx context.Context) {
	r.defaults()
	var expiring sync.WaitGroup
	defer expiring.Wait()
	expiring.Go(func() { worker.Every(ctx, r.Poll, r.expireStarting) })
	r.loop().Run(ctx)
}

// loop is the runner's worker loop: it claims deployments with a lease and drives each.
func (r *Runner) loop() *worker.Loop[*deployment.Deployment] {
	return &worker.Loop[*deployment.Deployment]{
		Name: "deployments",
		Claim: func(ctx context.Context, n int) ([]*deployment.Deployment, error) {
			var out []*deployment.Deployment
			for len(out) < n {
				d, err := r.Store.ClaimDeployment(ctx, r.Lease)
				if err != nil || d == nil {
					return out, err
				}
				out = append(out, d)
			}
			return out, nil
		},
		Work:    r.drive,
		Workers: r.Workers, Batch: 8, Idle: r.Poll, Log: r.Log,
	}
}

// expireStarting fails deployments left starting for two minutes.
func (r *Runner) expireStarting(ctx context.Context) {
	if err := r.Store.ExpireStarting(ctx, 2*time.Minute); err != nil && ctx.Err() == nil {
		r.Log.Warn("deploy: expire starting", "err", err)
	}
}

// drive runs a claimed deployment's steps from where it is.
func (r *Runner) drive(ctx context.Context, d *deployment.Deployment) {
	for i := d.StepIndex; i < len(deployment.DeploySteps); i++ {
		if err := r.Store.DeploymentStepStarted(ctx, d.ID, i, r.Lease); err != nil {
			return // someone else moved it
		}
		set, key := r.step(ctx, d, i)
		if ctx.Err() != nil {
			return // stopping: the lease runs out and the step runs again after the restart
		}
		if key != "" {
			r.Log.Info("deploy: step failed", "deployment", d.ID, "step", deployment.DeploySteps[i], "reason", key)
			if err := r.Store.FailDeployment(ctx, d.ID, key); err != nil {
				r.Log.Warn("deploy: record failure", "deployment", d.ID, "err", err)
			}
			return
		}
		if err := r.Store.DeploymentStepDone(ctx, d.ID, i, set); err != nil {
			r.Log.Warn("deploy: record step", "deployment", d.ID, "err", err)
			return
		}
		if v, ok := set["sg_id"].(string); ok {
			d.SGID = v
		}
	}
}

// step runs step i; it returns the columns to save, or the failure's i18n key.
func (r *Runner) step(ctx context.Context, d *deployment.Deployment, i int) (map[string]any, string) {
	del, err := r.Store.BuyerDelegation(ctx, d.BuyerID)
	if err != nil {
		return nil, "deploy.err.cloud"
	}
	if !del.Active() {
		return nil, "deploy.err.delegation"
	}
	acct := Account(d.BuyerID)
	step := cloud.Step(deployment.DeploySteps[i])
	var set map[string]any
	switch step {
	case cloud.StepValidate:
		in, err := r.Cloud.Instance(ctx, acct, d.Region, d.EcsID)
		if err != nil {
			return nil, ErrorKey(err)
		}
		if !in.Running() {
			return nil, "deploy.err.stopped"
		}
	case cloud.StepSecGroup:
		g, created, err := r.securityGroup(ctx, acct, d)
		if err != nil {
			return nil, ErrorKey(err)
		}
		if created {
			if err := r.Store.AuditDeployment(ctx, d, deployment.ActCreateSecGrp, g.Name); err != nil {
				return nil, "deploy.err.cloud"
			}
		}
		if err := r.Cloud.AttachSecurityGroup(ctx, acct, d.Region, d.EcsID, g.ID); err != nil {
			return nil, ErrorKey(err)
		}
		set = map[string]any{"sg_id": g.ID, "sg_name": g.Name}
	}
	if err := r.Cloud.RunStep(ctx, acct, d.OperationID, step); err != nil {
		return nil, ErrorKey(err)
	}
	if step == cloud.StepVerify {
		in, err := r.Cloud.Instance(ctx, acct, d.Region, d.EcsID)
		if err != nil {
			return nil, ErrorKey(err)
		}
		host := in.PublicIP
		if host == "" {
			host = in.PrivateIP
		}
		p, err := r.profile(ctx, d)
		if err != nil {
			return nil, ErrorKey(err)
		}
		set = map[string]any{"access_url": "https://" + host + ":" + strconv.Itoa(p.Port) + "/", "access_ssh": "ssh " + in.LoginUser() + "@" + host}
	}
	return set, ""
}

// securityGroup finds or creates the group the deployment uses; created tells whether this
// call made it.
func (r *Runner) securityGroup(ctx context.Context, acct cloud.Account, d *deployment.Deployment) (cloud.SecurityGroup, bool, error) {
	p, err := r.profile(ctx, d)
	if err != nil {
		return cloud.SecurityGroup{}, false, err
	}
	groups, err := r.Cloud.SecurityGroups(ctx, acct, d.Region)
	if err != nil {
		return cloud.SecurityGroup{}, false, err
	}
	find := func(match func(cloud.SecurityGroup) bool) (cloud.SecurityGroup, bool) {
		for _, g := range groups {
			if match(g) {
				return g, true
			}
		}
		return cloud.SecurityGroup{}, false
	}
	switch d.SGMode {
	case deployment.SGExisting:
		if g, ok := find(func(g cloud.SecurityGroup) bool { return g.ID == d.SGID }); ok {
			return g, false, nil
		}
		return cloud.SecurityGroup{}, false, cloud.ErrNotFound
	case deployment.SGRecommended:
		if g, ok := find(func(g cloud.SecurityGroup) bool { return g.Name == p.GroupName }); ok {
			return g, false, nil
		}
		g, err := r.Cloud.CreateSecurityGroup(ctx, acct, d.Region, p.GroupName, p.Rules, "rec-"+p.GroupName)
		return g, err == nil, err
	default:
		if d.SGID != "" { // created on an earlier run of this step
			if g, ok := find(func(g cloud.SecurityGroup) bool { return g.ID == d.SGID }); ok {
				return g, false, nil
			}
		}
		g, err := r.Cloud.CreateSecurityGroup(ctx, acct, d.Region, d.SGName, p.Rules, "dep-"+strconv.FormatUint(uint64(d.ID), 10))
		return g, err == nil, err
	}
}
