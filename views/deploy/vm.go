// Package deploy holds the pages of one-click License deployment (启动部署): the delegation
// consent, the deploy form with its cascading resource pickers, the summary, a deployment's
// live progress and the deployments panel on the service page.
package deploy

import (
	"strconv"

	"github.com/a-h/templ"

	"koogallery/cloud"
	"koogallery/models/deployment"
)

// Choice is the form's current selection (never the password).
type Choice struct {
	Region, EcsID, VpcID, SubnetID, SGMode, SGID, SGName string
}

// InstanceRow is an ECS instance in the picker.
type InstanceRow struct {
	cloud.Instance
	Eligible bool
	Reason   string // i18n key when not eligible
}

// Spec is "2 vCPUs | 4 GiB".
func (r InstanceRow) Spec() string {
	return strconv.Itoa(r.VCPUs) + " vCPUs | " + strconv.Itoa(r.MemoryGiB) + " GiB"
}

// VPCRow is a VPC in the picker.
type VPCRow struct {
	cloud.VPC
	Eligible bool
}

// FormVM is the deploy page.
type FormVM struct {
	ServiceID   uint
	ProductName string
	Package     string
	Delegation  *deployment.DeployDelegation
	Regions     []cloud.Region
	Instances   []InstanceRow
	VPCs        []VPCRow
	Subnets     []cloud.Subnet
	Groups      []cloud.SecurityGroup
	Recommended cloud.SecurityGroup // name and rules of the seller's recommended group
	Choice      Choice
	SubmitKey   string
	Errors      map[string]string // translated, per field; "form" for the whole form
	// Busy is the deployment in progress, if any (a new one cannot start).
	Busy *deployment.Deployment
}

// SummaryVM is what the buyer is about to deploy.
type SummaryVM struct {
	FormVM
	Instance                        InstanceRow
	VPCName, SubnetName, SubnetCIDR string
	GroupName                       string
	Rules                           []cloud.Rule
}

// ConsentVM is the delegation dialog.
type ConsentVM struct {
	ServiceID   uint
	ProductName string
	Revoked     bool // asked again after a revocation or a policy change
}

// DeploymentVM is one deployment's page.
type DeploymentVM struct {
	ServiceID   uint
	ProductName string
	Deployment  deployment.Deployment
	Events      []deployment.DeploymentEvent
}

// PanelVM is the deployments section of the service page.
type PanelVM struct {
	ServiceID   uint
	Delegation  *deployment.DeployDelegation
	Deployments []deployment.Deployment
	// Deployable: the service is in use and its product deployable.
	Deployable bool
}

// StepState is a step's state in a deployment: done, running, failed or pending.
func StepState(d deployment.Deployment, i int) string {
	switch {
	case i < d.StepIndex || d.Status == deployment.DeploySucceeded:
		return "done"
	case i > d.StepIndex:
		return "pending"
	case d.Status == deployment.DeployFailed:
		return "failed"
	case d.Status == deployment.DeployRunning:
		return "running"
	}
	return "pending"
}

// Tone is a deployment status's badge colour.
func Tone(s deployment.DeployStatus) string {
	switch s {
	case deployment.DeploySucceeded:
		return "ok"
	case deployment.DeployFailed:
		return "danger"
	}
	return "info"
}

// RuleText is one rule for humans: "ingress tcp 8443 0.0.0.0/0".
func RuleText(r cloud.Rule) string {
	port := r.Port
	if port == "" {
		port = "*"
	}
	return r.Direction + " " + r.Protocol + " " + port + " " + r.Remote
}

func boolAttr(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// oobAttrs marks a fragment for an out-of-band swap.
func oobAttrs(oob bool) templ.Attributes {
	if oob {
		return templ.Attributes{"hx-swap-oob": "true"}
	}
	return templ.Attributes{}
}
