// Package cloud is the marketplace's view of the buyer's cloud account for one-click License
// deployment (启动部署): regions, ECS instances, VPCs and subnets, security groups, and a
// long-running deploy operation made of steps. Provider is the seam; Sim is the embedded
// simulated cloud used by default, in demos and in tests. A real Huawei Cloud adapter implements
// the same interface (see the README).
package cloud

import (
	"context"
	"errors"
	"fmt"
)

// Account names the buyer's cloud account the marketplace acts in through the delegation
// (mkp_agency_trust). The simulated cloud seeds resources per account.
type Account struct {
	ID string // stable per buyer, e.g. "buyer-42"
}

// Region is a cloud region.
type Region struct {
	ID   string // cn-north-4
	Name string // 华北-北京四 (as the cloud names it)
}

// Instance status values, as ECS reports them.
const (
	StatusActive  = "ACTIVE"
	StatusShutoff = "SHUTOFF"
)

// Instance is an ECS server in the buyer's account.
type Instance struct {
	ID        string
	Name      string
	Flavor    string // s6.large.2
	VCPUs     int
	MemoryGiB int
	OS        string // CentOS 7.9 64bit
	OSFamily  string // linux or windows
	Status    string // ACTIVE, SHUTOFF
	AZ        string // cn-north-4a
	VPCID     string
	SubnetID  string
	PrivateIP string
	PublicIP  string // EIP; empty when none
}

// Running reports whether the instance is up.
func (i Instance) Running() bool { return i.Status == StatusActive }

// LoginUser is the administrator account a password applies to.
func (i Instance) LoginUser() string {
	if i.OSFamily == "windows" {
		return "Administrator"
	}
	return "root"
}

// VPC is a virtual private cloud.
type VPC struct {
	ID   string
	Name string
	CIDR string
}

// Subnet is a subnet of a VPC.
type Subnet struct {
	ID    string
	Name  string
	CIDR  string
	VPCID string
	AZ    string
}

// Rule is one security-group rule.
type Rule struct {
	Direction   string // ingress or egress
	Protocol    string // tcp, udp, icmp, any
	Port        string // "22", "8443", "" for all
	Remote      string // 0.0.0.0/0
	Description string
}

// SecurityGroup is a named set of rules.
type SecurityGroup struct {
	ID    string
	Name  string
	Rules []Rule
}

// Step is one stage of a deploy operation, in order.
type Step string

// The deploy steps.
const (
	StepValidate Step = "validate"
	StepSecGroup Step = "security_group"
	StepTransfer Step = "transfer"
	StepInstall  Step = "install"
	StepVerify   Step = "verify"
)

// Steps lists the deploy steps in the order they run.
var Steps = []Step{StepValidate, StepSecGroup, StepTransfer, StepInstall, StepVerify}

// DeployRequest starts a deploy operation. Password is handed to the cloud (which sets it on
// the instance) and must never be stored, logged or echoed by the marketplace.
type DeployRequest struct {
	Region     string
	InstanceID string
	SubnetID   string
	Package    string // package name and version, e.g. dbbackup-3.2.0.tar.gz
	Password   string
	// Token makes StartDeploy idempotent: the same token returns the same operation.
	Token string
}

// Provider is the buyer's cloud as the marketplace sees it through the delegation.
type Provider interface {
	Regions(ctx context.Context) ([]Region, error)
	Instances(ctx context.Context, a Account, region string) ([]Instance, error)
	Instance(ctx context.Context, a Account, region, id string) (Instance, error)
	VPCs(ctx context.Context, a Account, region string) ([]VPC, error)
	Subnets(ctx context.Context, a Account, region, vpcID string) ([]Subnet, error)
	SecurityGroups(ctx context.Context, a Account, region string) ([]SecurityGroup, error)
	// CreateSecurityGroup is idempotent by token: a repeated call returns the group it created.
	CreateSecurityGroup(ctx context.Context, a Account, region, name string, rules []Rule, token string) (SecurityGroup, error)
	AttachSecurityGroup(ctx context.Context, a Account, region, instanceID, groupID string) error
	// StartDeploy checks the target and hands the password to the cloud; it returns the
	// operation id (idempotent by req.Token).
	StartDeploy(ctx context.Context, a Account, req DeployRequest) (string, error)
	// RunStep runs one step of the operation and blocks until it ends; running a finished step
	// again is harmless (steps are idempotent), which is what resuming after a restart does.
	RunStep(ctx context.Context, a Account, op string, step Step) error
}

// Errors a provider returns. They never carry a password.
var (
	ErrNotFound        = errors.New("cloud: resource not found")
	ErrInstanceStopped = errors.New("cloud: instance is not running")
	ErrQuotaExceeded   = errors.New("cloud: security group quota exceeded")
)

// StepError is a step that failed on the cloud side.
type StepError struct {
	Step   Step
	Reason string
}

func (e *StepError) Error() string { return fmt.Sprintf("cloud: step %s failed: %s", e.Step, e.Reason) }

// Requirements are what a package needs from an instance.
type Requirements struct {
	OSFamily     string // linux
	MinVCPUs     int
	MinMemoryGiB int
}

// Eligible tells whether the package can be deployed on the instance and, when not, the
// i18n key of the reason.
func Eligible(in Instance, r Requirements) (bool, string) {
	switch {
	case !in.Running():
		return false, "deploy.reason.stopped"
	case r.OSFamily != "" && in.OSFamily != r.OSFamily:
		return false, "deploy.reason.os"
	case in.VCPUs < r.MinVCPUs || in.MemoryGiB < r.MinMemoryGiB:
		return false, "deploy.reason.flavor"
	}
	return true, ""
}
