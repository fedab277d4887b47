package deploy

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"koogallery/cloud"
	"koogallery/models/deployment"
	"koogallery/models/sqldb"
)

// Choice is what the buyer picked in the deploy form. Password and Confirm are checked and
// handed to the cloud, never kept.
type Choice struct {
	Region   string
	EcsID    string
	VpcID    string
	SubnetID string
	SGMode   string
	SGID     string
	SGName   string
	Password string
	Confirm  string
}

// InstanceOption is an ECS instance in the picker: eligible, or disabled with a reason.
type InstanceOption struct {
	cloud.Instance
	Eligible bool
	Reason   string // i18n key
}

// VPCOption is a VPC in the picker; only the chosen instance's VPC can be used.
type VPCOption struct {
	cloud.VPC
	Eligible bool
}

// Options are the buyer's resources for the choices made so far.
type Options struct {
	Profile   Profile
	Regions   []cloud.Region
	Instances []InstanceOption
	VPCs      []VPCOption
	Subnets   []cloud.Subnet
	Groups    []cloud.SecurityGroup
	// Instance is the chosen instance when it is one of the eligible ones.
	Instance *cloud.Instance
}

// Options lists the resources for c (defaults: the first region, the instance's VPC).
func (r *Runner) Options(ctx context.Context, buyerID uint, p Profile, c *Choice) (Options, error) {
	o := Options{Profile: p}
	acct := Account(buyerID)
	var err error
	if o.Regions, err = r.Cloud.Regions(ctx); err != nil {
		return o, err
	}
	if !hasRegion(o.Regions, c.Region) && len(o.Regions) > 0 {
		c.Region = o.Regions[0].ID
	}
	ins, err := r.Cloud.Instances(ctx, acct, c.Region)
	if err != nil {
		return o, err
	}
	for _, in := range ins {
		ok, why := cloud.Eligible(in, p.Requirements)
		o.Instances = append(o.Instances, InstanceOption{Instance: in, Eligible: ok, Reason: why})
		if ok && in.ID == c.EcsID {
			in := in
			o.Instance = &in
		}
	}
	vpcs, err := r.Cloud.VPCs(ctx, acct, c.Region)
	if err != nil {
		return o, err
	}
	for _, v := range vpcs {
		o.VPCs = append(o.VPCs, VPCOption{VPC: v, Eligible: o.Instance == nil || o.Instance.VPCID == v.ID})
	}
	if o.Instance != nil {
		if c.VpcID != o.Instance.VPCID {
			c.VpcID = o.Instance.VPCID
		}
	}
	if c.VpcID != "" {
		subs, err := r.Cloud.Subnets(ctx, acct, c.Region, c.VpcID)
		if err != nil && !errors.Is(err, cloud.ErrNotFound) {
			return o, err
		}
		o.Subnets = subs
		if c.SubnetID == "" && o.Instance != nil {
			c.SubnetID = o.Instance.SubnetID
		}
	}
	if o.Groups, err = r.Cloud.SecurityGroups(ctx, acct, c.Region); err != nil {
		return o, err
	}
	if c.SGMode == "" {
		c.SGMode = deployment.SGRecommended
	}
	return o, nil
}

// Check validates a complete choice against the options (which were listed for it) and the
// password rules; it returns the deployment to record, or the errors per field.
func Check(o Options, c Choice) (*deployment.Deployment, sqldb.FieldErrors) {
	fe := sqldb.FieldErrors{}
	d := &deployment.Deployment{Region: c.Region, SGMode: c.SGMode, Package: o.Profile.Package}
	var inst *InstanceOption
	for i := range o.Instances {
		if o.Instances[i].ID == c.EcsID {
			inst = &o.Instances[i]
		}
	}
	switch {
	case c.EcsID == "":
		fe["ecs"] = "deploy.err.ecs_required"
	case inst == nil:
		fe["ecs"] = "deploy.err.ecs_unknown"
	case !inst.Eligible:
		fe["ecs"] = inst.Reason
	default:
		d.EcsID, d.EcsName, d.EcsOS = inst.ID, inst.Name, inst.OS
	}
	if inst != nil && inst.Eligible {
		if c.VpcID != inst.VPCID {
			fe["vpc"] = "deploy.err.vpc"
		}
		for _, v := range o.VPCs {
			if v.ID == c.VpcID {
				d.VpcID, d.VpcName = v.ID, v.Name
			}
		}
		for _, s := range o.Subnets {
			if s.ID == c.SubnetID && s.VPCID == c.VpcID {
				d.SubnetID, d.SubnetName = s.ID, s.Name
			}
		}
		if d.SubnetID == "" {
			fe["subnet"] = "deploy.err.subnet"
		}
	}
	switch c.SGMode {
	case deployment.SGRecommended:
		d.SGName = o.Profile.GroupName
	case deployment.SGExisting:
		for _, g := range o.Groups {
			if g.ID == c.SGID {
				d.SGID, d.SGName = g.ID, g.Name
			}
		}
		if d.SGID == "" {
			fe["sg"] = "deploy.err.sg_unknown"
		}
	case deployment.SGNew:
		name := strings.TrimSpace(c.SGName)
		if !validGroupName(name) {
			fe["sg_name"] = "deploy.err.sg_name"
		}
		d.SGName = name
	default:
		fe["sg"] = "deploy.err.sg_unknown"
	}
	user := "root"
	if inst != nil {
		user = inst.LoginUser()
	}
	if keys := cloud.CheckPassword(c.Password, user); len(keys) > 0 {
		fe["password"] = keys[0]
	} else if c.Confirm != c.Password {
		fe["confirm"] = "deploy.err.pw_mismatch"
	}
	if fe.Has() {
		return nil, fe
	}
	return d, nil
}

// validGroupName: 1–64 letters, digits, '_', '-' and '.' (the ECS rule), CJK allowed.
func validGroupName(s string) bool {
	if s == "" || utf8.RuneCountInString(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r == '-' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= 0x4e00 && r <= 0x9fff) {
			return false
		}
	}
	return true
}

func hasRegion(rs []cloud.Region, id string) bool {
	for _, r := range rs {
		if r.ID == id {
			return true
		}
	}
	return false
}
