package cloud

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
)

// SimOptions tune the simulated cloud.
type SimOptions struct {
	// StepTime is how long one deploy step takes (transfer and install take twice as long).
	// Zero means 2 s, a realistic pace for demos; tests use a few milliseconds.
	StepTime time.Duration
	// Faults are injected from the start (see ParseFaults).
	Faults Faults
}

// Faults are failures the simulated cloud injects, for demos and tests.
type Faults struct {
	// Stopped names instances (by name, in every account) that are shut off.
	Stopped []string
	// QuotaExceeded makes creating a security group fail.
	QuotaExceeded bool
	// FailSteps makes each listed step fail that many more times.
	FailSteps map[Step]int
}

// ParseFaults reads a fault switch such as "step:install,quota,stopped:ecs-app-01"
// (the CLOUD_SIM_FAULTS setting). A step may carry a count: "step:install:2".
func ParseFaults(spec string) (Faults, error) {
	f := Faults{FailSteps: map[Step]int{}}
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		kv := strings.SplitN(part, ":", 3)
		switch kv[0] {
		case "quota":
			f.QuotaExceeded = true
		case "stopped":
			if len(kv) < 2 {
				return f, fmt.Errorf("cloud faults: %q needs an instance name", part)
			}
			f.Stopped = append(f.Stopped, kv[1])
		case "step":
			if len(kv) < 2 {
				return f, fmt.Errorf("cloud faults: %q needs a step", part)
			}
			n := 1
			if len(kv) == 3 {
				if _, err := fmt.Sscanf(kv[2], "%d", &n); err != nil {
					return f, fmt.Errorf("cloud faults: %q: bad count", part)
				}
			}
			f.FailSteps[Step(kv[1])] += n
		default:
			return f, fmt.Errorf("cloud faults: unknown fault %q", part)
		}
	}
	return f, nil
}

// Sim is the embedded simulated cloud: every account gets the same deterministic demo
// resources (ids derived from the account), operations take StepTime per step, and Faults are
// injected on request. It keeps its state in memory: after a restart it starts again from the
// seed, and operations it no longer knows are treated as durable cloud-side work (they resume).
type Sim struct {
	opt SimOptions

	mu       sync.Mutex
	faults   Faults
	accounts map[string]*simAccount
	ops      map[string]simOp
	calls    map[string]int // method → count, for tests
}

type simAccount struct {
	instances map[string]map[string]*Instance // region → id → instance
	groups    map[string][]*SecurityGroup     // region → groups
	tokens    map[string]string               // create token → group id
	attached  map[string][]string             // instance id → group ids
}

type simOp struct {
	account, region, instance string
}

// NewSim builds a simulated cloud.
func NewSim(o SimOptions) *Sim {
	if o.StepTime <= 0 {
		o.StepTime = 2 * time.Second
	}
	f := o.Faults
	if f.FailSteps == nil {
		f.FailSteps = map[Step]int{}
	}
	return &Sim{opt: o, faults: f, accounts: map[string]*simAccount{}, ops: map[string]simOp{}, calls: map[string]int{}}
}

// SetFaults replaces the injected faults.
func (s *Sim) SetFaults(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.FailSteps == nil {
		f.FailSteps = map[Step]int{}
	}
	s.faults = f
}

// FailStep makes step fail n more times.
func (s *Sim) FailStep(step Step, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.FailSteps[step] += n
}

// SetStopped shuts an instance (by name, in every account) off or starts it again.
func (s *Sim) SetStopped(name string, stopped bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var keep []string
	for _, n := range s.faults.Stopped {
		if n != name {
			keep = append(keep, n)
		}
	}
	if stopped {
		keep = append(keep, name)
	}
	s.faults.Stopped = keep
}

// SetQuotaExceeded switches the security-group quota fault.
func (s *Sim) SetQuotaExceeded(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.QuotaExceeded = on
}

// Calls counts the calls of one method (tests).
func (s *Sim) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

// simRegions are the seeded regions.
var simRegions = []Region{{"cn-north-4", "华北-北京四"}, {"cn-east-3", "华东-上海一"}, {"ap-southeast-1", "中国-香港"}}

type seedVPC struct {
	name, cidr string
	subnets    [][2]string // name, cidr
}

var simVPCs = map[string][]seedVPC{
	"cn-north-4": {
		{"vpc-default", "192.168.0.0/16", [][2]string{{"subnet-default", "192.168.0.0/24"}, {"subnet-app", "192.168.1.0/24"}}},
		{"vpc-test", "10.0.0.0/16", [][2]string{{"subnet-test", "10.0.1.0/24"}}},
	},
	"cn-east-3": {{"vpc-sh", "172.16.0.0/16", [][2]string{{"subnet-sh", "172.16.0.0/24"}}}},
}

type seedInstance struct {
	name, flavor string
	vcpus, mem   int
	os, family   string
	stopped      bool
	vpc, subnet  string
	ip           string
	eip          bool
}

var simInstances = map[string][]seedInstance{
	"cn-north-4": {
		{"ecs-app-01", "s6.large.2", 2, 4, "CentOS 7.9 64bit", "linux", false, "vpc-default", "subnet-default", "192.168.0.12", true},
		{"ecs-app-02", "c7.xlarge.2", 4, 8, "Ubuntu 22.04 server 64bit", "linux", false, "vpc-test", "subnet-test", "10.0.1.20", true},
		{"ecs-db-01", "m6.large.8", 2, 16, "EulerOS 2.5 64bit", "linux", true, "vpc-default", "subnet-app", "192.168.1.30", false},
		{"ecs-win-01", "s6.large.2", 2, 4, "Windows Server 2019 Datacenter 64bit", "windows", false, "vpc-default", "subnet-default", "192.168.0.40", true},
		{"ecs-tiny-01", "t6.small.1", 1, 1, "CentOS 7.9 64bit", "linux", false, "vpc-default", "subnet-default", "192.168.0.50", false},
	},
	"cn-east-3": {
		{"ecs-sh-01", "s6.large.2", 2, 4, "Huawei Cloud EulerOS 2.0 64bit", "linux", false, "vpc-sh", "subnet-sh", "172.16.0.8", true},
	},
}

// simID is a deterministic UUID-shaped id for a named resource of an account.
func simID(account, kind, region, name string) string {
	h := sha256.Sum256([]byte(account + "|" + kind + "|" + region + "|" + name))
	x := hex.EncodeToString(h[:16])
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}

func simEIP(account, name string) string {
	h := sha256.Sum256([]byte(account + "|eip|" + name))
	return fmt.Sprintf("121.36.%d.%d", h[0], 1+h[1]%253)
}

// account returns (seeding on first use) an account's state; s.mu is held.
func (s *Sim) account(a Account) *simAccount {
	if st := s.accounts[a.ID]; st != nil {
		return st
	}
	st := &simAccount{instances: map[string]map[string]*Instance{}, groups: map[string][]*SecurityGroup{}, tokens: map[string]string{}, attached: map[string][]string{}}
	for _, r := range simRegions {
		st.instances[r.ID] = map[string]*Instance{}
		for _, si := range simInstances[r.ID] {
			in := &Instance{ID: simID(a.ID, "ecs", r.ID, si.name), Name: si.name, Flavor: si.flavor, VCPUs: si.vcpus, MemoryGiB: si.mem,
				OS: si.os, OSFamily: si.family, Status: StatusActive, AZ: r.ID + "a",
				VPCID: simID(a.ID, "vpc", r.ID, si.vpc), SubnetID: simID(a.ID, "subnet", r.ID, si.subnet), PrivateIP: si.ip}
			if si.stopped {
				in.Status = StatusShutoff
			}
			if si.eip {
				in.PublicIP = simEIP(a.ID, si.name)
			}
			st.instances[r.ID][in.ID] = in
		}
		if len(simVPCs[r.ID]) > 0 {
			st.groups[r.ID] = []*SecurityGroup{
				{ID: simID(a.ID, "sg", r.ID, "default"), Name: "default", Rules: []Rule{
					{Direction: "ingress", Protocol: "any", Remote: "default", Description: "same group"},
					{Direction: "egress", Protocol: "any", Remote: "0.0.0.0/0"}}},
				{ID: simID(a.ID, "sg", r.ID, "sg-web"), Name: "sg-web", Rules: []Rule{
					{Direction: "ingress", Protocol: "tcp", Port: "80", Remote: "0.0.0.0/0"},
					{Direction: "ingress", Protocol: "tcp", Port: "443", Remote: "0.0.0.0/0"},
					{Direction: "egress", Protocol: "any", Remote: "0.0.0.0/0"}}},
			}
		}
	}
	s.accounts[a.ID] = st
	return st
}

func (s *Sim) count(m string) { s.calls[m]++ }

// instanceView applies the stopped fault; s.mu is held.
func (s *Sim) instanceView(in *Instance) Instance {
	out := *in
	for _, n := range s.faults.Stopped {
		if n == in.Name {
			out.Status = StatusShutoff
		}
	}
	return out
}

func validRegion(region string) bool {
	for _, r := range simRegions {
		if r.ID == region {
			return true
		}
	}
	return false
}

// Regions lists the regions.
func (s *Sim) Regions(ctx context.Context) ([]Region, error) {
	return append([]Region(nil), simRegions...), nil
}

// Instances lists the account's instances in a region, by name.
func (s *Sim) Instances(ctx context.Context, a Account, region string) ([]Instance, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.count("Instances")
	if !validRegion(region) {
		return nil, ErrNotFound
	}
	var out []Instance
	for _, in := range s.account(a).instances[region] {
		out = append(out, s.instanceView(in))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Instance is one of the account's instances; another account's id is ErrNotFound.
func (s *Sim) Instance(ctx context.Context, a Account, region, id string) (Instance, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.account(a).instances[region][id]
	if in == nil {
		return Instance{}, ErrNotFound
	}
	return s.instanceView(in), nil
}

// VPCs lists the account's VPCs in a region.
func (s *Sim) VPCs(ctx context.Context, a Account, region string) ([]VPC, error) {
	if !validRegion(region) {
		return nil, ErrNotFound
	}
	var out []VPC
	for _, v := range simVPCs[region] {
		out = append(out, VPC{ID: simID(a.ID, "vpc", region, v.name), Name: v.name, CIDR: v.cidr})
	}
	return out, nil
}

// Subnets lists a VPC's subnets; an unknown (or another account's) VPC is ErrNotFound.
func (s *Sim) Subnets(ctx context.Context, a Account, region, vpcID string) ([]Subnet, error) {
	for _, v := range simVPCs[region] {
		id := simID(a.ID, "vpc", region, v.name)
		if id != vpcID {
			continue
		}
		var out []Subnet
		for _, sn := range v.subnets {
			out = append(out, Subnet{ID: simID(a.ID, "subnet", region, sn[0]), Name: sn[0], CIDR: sn[1], VPCID: id, AZ: region + "a"})
		}
		return out, nil
	}
	return nil, ErrNotFound
}

// SecurityGroups lists the account's groups in a region.
func (s *Sim) SecurityGroups(ctx context.Context, a Account, region string) ([]SecurityGroup, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !validRegion(region) {
		return nil, ErrNotFound
	}
	var out []SecurityGroup
	for _, g := range s.account(a).groups[region] {
		out = append(out, SecurityGroup{ID: g.ID, Name: g.Name, Rules: append([]Rule(nil), g.Rules...)})
	}
	return out, nil
}

// CreateSecurityGroup creates a group with rules (idempotent by token).
func (s *Sim) CreateSecurityGroup(ctx context.Context, a Account, region, name string, rules []Rule, token string) (SecurityGroup, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.count("CreateSecurityGroup")
	st := s.account(a)
	if !validRegion(region) {
		return SecurityGroup{}, ErrNotFound
	}
	if id, ok := st.tokens[token]; ok && token != "" {
		for _, g := range st.groups[region] {
			if g.ID == id {
				return *g, nil
			}
		}
	}
	if s.faults.QuotaExceeded {
		return SecurityGroup{}, ErrQuotaExceeded
	}
	g := &SecurityGroup{ID: simID(a.ID, "sg", region, "created:"+token+":"+name), Name: name, Rules: append([]Rule(nil), rules...)}
	st.groups[region] = append(st.groups[region], g)
	if token != "" {
		st.tokens[token] = g.ID
	}
	return *g, nil
}

// AttachSecurityGroup adds a group to an instance (attaching twice is harmless).
func (s *Sim) AttachSecurityGroup(ctx context.Context, a Account, region, instanceID, groupID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.account(a)
	if st.instances[region][instanceID] == nil {
		return ErrNotFound
	}
	found := false
	for _, g := range st.groups[region] {
		found = found || g.ID == groupID
	}
	if !found {
		return ErrNotFound
	}
	for _, id := range st.attached[instanceID] {
		if id == groupID {
			return nil
		}
	}
	st.attached[instanceID] = append(st.attached[instanceID], groupID)
	return nil
}

// Attached lists the groups attached to an instance (tests).
func (s *Sim) Attached(a Account, instanceID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.account(a).attached[instanceID]...)
}

// StartDeploy checks the instance and the subnet and accepts the password (which the sim
// only checks for presence: it is never kept).
func (s *Sim) StartDeploy(ctx context.Context, a Account, req DeployRequest) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.count("StartDeploy")
	in := s.account(a).instances[req.Region][req.InstanceID]
	if in == nil {
		return "", ErrNotFound
	}
	if !s.instanceView(in).Running() {
		return "", ErrInstanceStopped
	}
	if req.Password == "" {
		return "", &StepError{Step: StepValidate, Reason: "no password"}
	}
	op := "op-" + simID(a.ID, "op", req.Region, req.Token)[:18]
	s.ops[op] = simOp{account: a.ID, region: req.Region, instance: req.InstanceID}
	return op, nil
}

// RunStep runs one step, taking StepTime (twice that for transfer and install).
func (s *Sim) RunStep(ctx context.Context, a Account, op string, step Step) error {
	d := s.opt.StepTime
	if step == StepTransfer || step == StepInstall {
		d *= 2
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.count("RunStep:" + string(step))
	if !strings.HasPrefix(op, "op-") {
		return ErrNotFound
	}
	o, known := s.ops[op]
	if known && o.account != a.ID {
		return ErrNotFound
	}
	if step == StepValidate && known {
		if in := s.account(a).instances[o.region][o.instance]; in == nil || !s.instanceView(in).Running() {
			return ErrInstanceStopped
		}
	}
	if s.faults.FailSteps[step] > 0 {
		s.faults.FailSteps[step]--
		return &StepError{Step: step, Reason: "simulated failure"}
	}
	return nil
}

var _ Provider = (*Sim)(nil)
