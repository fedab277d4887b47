package deployment

import (
	"context"
	"errors"
	"strconv"
	"time"

	"koogallery/models/account"
	"koogallery/models/sellertools"
	"koogallery/models/sqldb"

	"gorm.io/gorm"
)

// One-click License deployment (启动部署): a buyer's delegation to the marketplace, and the
// deployments of their License services onto their own cloud servers. The ECS password is
// never part of any of these rows: it goes from the form to the cloud provider only.

// DelegationPolicyVersion is the version of the permissions the marketplace asks for
// (mkp_agency_trust with mkp_deployment_policy); raising it asks every buyer again.
const DelegationPolicyVersion = 1

// DeployDelegation is a buyer's consent that the marketplace acts in their cloud account.
type DeployDelegation struct {
	ID            uint `gorm:"primaryKey"`
	BuyerID       uint `gorm:"not null;uniqueIndex"`
	PolicyVersion int  `gorm:"not null"`
	GrantedAt     time.Time
	RevokedAt     *time.Time
}

// Active reports whether the delegation covers the current policy and is not revoked.
func (d *DeployDelegation) Active() bool {
	return d != nil && d.RevokedAt == nil && d.PolicyVersion == DelegationPolicyVersion
}

// DeployStatus is where a deployment is.
type DeployStatus string

// The deployment states: starting (the password is on its way to the cloud) → running (the
// worker runs the steps) → succeeded, or failed (retry: → running again from the failed step).
const (
	DeployStarting  DeployStatus = "starting"
	DeployRunning   DeployStatus = "running"
	DeployFailed    DeployStatus = "failed"
	DeploySucceeded DeployStatus = "succeeded"
)

// DeploySteps are the step names in order (the same as cloud.Steps).
var DeploySteps = []string{"validate", "security_group", "transfer", "install", "verify"}

// Security-group choices.
const (
	SGRecommended = "recommended" // the seller's recommended group (created once, then reused)
	SGNew         = "new"         // a new group with the recommended rules, named by the buyer
	SGExisting    = "existing"    // one of the buyer's groups
)

// Deployment is one deployment of a License service onto one of the buyer's ECS instances.
type Deployment struct {
	ID        uint `gorm:"primaryKey"`
	BuyerID   uint `gorm:"not null;index:idx_deployments_buyer,priority:1"`
	ServiceID uint `gorm:"not null;index:idx_deployments_buyer,priority:2"` // Instance.ID
	ProductID uint `gorm:"not null"`
	// ActiveServiceID is ServiceID while the deployment is starting or running, NULL after:
	// its unique index allows one deployment at a time per service.
	ActiveServiceID *uint        `gorm:"uniqueIndex"`
	SubmitKey       *string      `gorm:"size:64;uniqueIndex"`
	Region          string       `gorm:"size:40;not null"`
	EcsID           string       `gorm:"size:64;not null"`
	EcsName         string       `gorm:"size:100"`
	EcsOS           string       `gorm:"size:100"`
	VpcID           string       `gorm:"size:64"`
	VpcName         string       `gorm:"size:100"`
	SubnetID        string       `gorm:"size:64"`
	SubnetName      string       `gorm:"size:100"`
	SGMode          string       `gorm:"size:16;not null"`
	SGID            string       `gorm:"size:64"` // chosen, or created by the security_group step
	SGName          string       `gorm:"size:100"`
	Package         string       `gorm:"size:100"`
	OperationID     string       `gorm:"size:64"`
	Status          DeployStatus `gorm:"size:16;not null;index"`
	// StepIndex is the step running or failed (len(DeploySteps) once succeeded).
	StepIndex  int    `gorm:"not null;default:0"`
	ErrorKey   string `gorm:"size:64"`
	Runs       int    `gorm:"not null;default:1"`
	AccessURL  string `gorm:"size:200"`
	AccessSSH  string `gorm:"size:200"`
	LeaseUntil *time.Time
	FinishedAt *time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Active reports whether the deployment is still in progress.
func (d *Deployment) Active() bool { return d.Status == DeployStarting || d.Status == DeployRunning }

// Step is the name of the current (or failed) step, "" once all are done.
func (d *Deployment) Step() string {
	if d.StepIndex < len(DeploySteps) {
		return DeploySteps[d.StepIndex]
	}
	return ""
}

// DeploymentEvent is one line of a deployment's history: a step started, ended or failed.
type DeploymentEvent struct {
	ID           uint   `gorm:"primaryKey"`
	DeploymentID uint   `gorm:"not null;index"`
	Step         string `gorm:"size:20"`
	Kind         string `gorm:"size:16;not null"` // started, done, failed, retried, created
	ErrorKey     string `gorm:"size:64"`
	At           time.Time
}

// Audit names for the buyer's deployment events.
const (
	AuditDelegation = "deploy_delegation"
	AuditDeployment = "deployment"
	ActGrantAgency  = "createAgencies"
	ActRevokeAgency = "deleteAgencies"
	ActCreateStack  = "createStack"
	ActRetryStack   = "retryStack"
	ActCreateSecGrp = "createSecurity-group"
)

// ErrDeployBusy: the service already has a deployment in progress.
var ErrDeployBusy = errors.New("a deployment is in progress")

// BuyerDelegation is the buyer's delegation, nil when never granted.
func (s *Store) BuyerDelegation(ctx context.Context, buyerID uint) (*DeployDelegation, error) {
	var d DeployDelegation
	err := s.Conn(ctx).Where("buyer_id = ?", buyerID).Limit(1).Find(&d).Error
	if err != nil || d.ID == 0 {
		return nil, err
	}
	return &d, nil
}

// GrantDelegation records the buyer's consent (for the current policy) in the audit log.
func (s *Store) GrantDelegation(ctx context.Context, buyerID uint) error {
	return s.Conn(ctx).Transaction(func(tx *gorm.DB) error {
		now := s.Now()
		var d DeployDelegation
		if err := tx.Where("buyer_id = ?", buyerID).Limit(1).Find(&d).Error; err != nil {
			return err
		}
		if d.Active() {
			return nil
		}
		d.BuyerID, d.PolicyVersion, d.GrantedAt, d.RevokedAt = buyerID, DelegationPolicyVersion, now, nil
		if err := tx.Save(&d).Error; err != nil {
			return err
		}
		return tx.Create(&account.AuditEvent{ActorID: buyerID, Action: ActGrantAgency, TargetType: AuditDelegation, TargetID: d.ID,
			Detail: "mkp_agency_trust/mkp_deployment_policy v" + strconv.Itoa(DelegationPolicyVersion), CreatedAt: now}).Error
	})
}

// RevokeDelegation withdraws the consent; running deployments fail at their next step.
func (s *Store) RevokeDelegation(ctx context.Context, buyerID uint) error {
	return s.Conn(ctx).Transaction(func(tx *gorm.DB) error {
		now := s.Now()
		var d DeployDelegation
		if err := tx.Where("buyer_id = ? AND revoked_at IS NULL", buyerID).Limit(1).Find(&d).Error; err != nil || d.ID == 0 {
			return err
		}
		if err := tx.Model(&d).Update("revoked_at", now).Error; err != nil {
			return err
		}
		return tx.Create(&account.AuditEvent{ActorID: buyerID, Action: ActRevokeAgency, TargetType: AuditDelegation, TargetID: d.ID,
			Detail: "mkp_agency_trust", CreatedAt: now}).Error
	})
}

// DelegationEvents lists the buyer's delegation audit events, newest first.
func (s *Store) DelegationEvents(ctx context.Context, buyerID uint) ([]account.AuditEvent, error) {
	var out []account.AuditEvent
	err := s.Conn(ctx).Where("actor_id = ? AND target_type = ?", buyerID, AuditDelegation).Order("id DESC").Limit(20).Find(&out).Error
	return out, err
}

// CreateDeployment records a new deployment (status starting). A resubmitted form (same
// SubmitKey) returns the deployment it created with ErrDuplicate; a second deployment of a
// service while one is in progress is ErrDeployBusy.
func (s *Store) CreateDeployment(ctx context.Context, d *Deployment) error {
	if d.SubmitKey != nil {
		var old Deployment
		if err := s.Conn(ctx).Where("submit_key = ? AND buyer_id = ?", *d.SubmitKey, d.BuyerID).Limit(1).Find(&old).Error; err != nil {
			return err
		}
		if old.ID != 0 {
			*d = old
			return sellertools.ErrDuplicate
		}
	}
	err := s.Conn(ctx).Transaction(func(tx *gorm.DB) error {
		now := s.Now()
		sid := d.ServiceID
		d.ActiveServiceID, d.Status, d.StepIndex, d.Runs, d.CreatedAt, d.UpdatedAt = &sid, DeployStarting, 0, 1, now, now
		if err := tx.Create(d).Error; err != nil {
			return err
		}
		if err := tx.Create(&DeploymentEvent{DeploymentID: d.ID, Kind: "created", At: now}).Error; err != nil {
			return err
		}
		return tx.Create(&account.AuditEvent{ActorID: d.BuyerID, Action: ActCreateStack, TargetType: AuditDeployment, TargetID: d.ID,
			Detail: d.Region + "/" + d.EcsName, CreatedAt: now}).Error
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		if d.SubmitKey != nil {
			var old Deployment
			if s.Conn(ctx).Where("submit_key = ? AND buyer_id = ?", *d.SubmitKey, d.BuyerID).Limit(1).Find(&old).Error == nil && old.ID != 0 {
				*d = old
				return sellertools.ErrDuplicate
			}
		}
		return ErrDeployBusy
	}
	return err
}

// DeploymentStarted moves a starting deployment to running with the cloud's operation id.
func (s *Store) DeploymentStarted(ctx context.Context, id uint, op string) error {
	res := s.Conn(ctx).Model(&Deployment{}).Where("id = ? AND status = ?", id, DeployStarting).
		Updates(map[string]any{"status": DeployRunning, "operation_id": op, "updated_at": s.Now()})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return sqldb.ErrStale
	}
	return nil
}

// FailDeployment ends a starting or running deployment at its current step with errKey.
func (s *Store) FailDeployment(ctx context.Context, id uint, errKey string) error {
	return s.Conn(ctx).Transaction(func(tx *gorm.DB) error {
		var d Deployment
		if err := tx.First(&d, id).Error; err != nil {
			return sqldb.NotFound(err)
		}
		now := s.Now()
		res := tx.Model(&Deployment{}).Where("id = ? AND status IN ?", id, []DeployStatus{DeployStarting, DeployRunning}).
			Updates(map[string]any{"status": DeployFailed, "error_key": errKey, "active_service_id": nil, "lease_until": nil, "finished_at": now, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return sqldb.ErrStale
		}
		return tx.Create(&DeploymentEvent{DeploymentID: id, Step: d.Step(), Kind: "failed", ErrorKey: errKey, At: now}).Error
	})
}

// ExpireStarting fails deployments left starting (the server stopped between recording the
// deployment and handing the password to the cloud): the buyer starts a new one.
func (s *Store) ExpireStarting(ctx context.Context, olderThan time.Duration) error {
	var ids []uint
	if err := s.Conn(ctx).Model(&Deployment{}).Where("status = ? AND created_at < ?", DeployStarting, s.Now().Add(-olderThan)).Pluck("id", &ids).Error; err != nil {
		return err
	}
	for _, id := range ids {
		if err := s.FailDeployment(ctx, id, "deploy.err.interrupted"); err != nil && !errors.Is(err, sqldb.ErrStale) {
			return err
		}
	}
	return nil
}

// ClaimDeployment leases one running deployment no worker holds (or whose worker's lease ran
// out: the server stopped mid-step). Nil when there is none.
func (s *Store) ClaimDeployment(ctx context.Context, lease time.Duration) (*Deployment, error) {
	now := s.Now()
	var cands []Deployment
	if err := s.Conn(ctx).Where("status = ? AND (lease_until IS NULL OR lease_until < ?)", DeployRunning, now).Order("id").Limit(5).Find(&cands).Error; err != nil {
		return nil, err
	}
	for _, d := range cands {
		until := now.Add(lease)
		q := s.Conn(ctx).Model(&Deployment{}).Where("id = ? AND status = ?", d.ID, DeployRunning)
		if d.LeaseUntil == nil {
			q = q.Where("lease_until IS NULL")
		} else {
			q = q.Where("lease_until = ?", *d.LeaseUntil)
		}
		res := q.Updates(map[string]any{"lease_until": until})
		if res.Error != nil {
			return nil, res.Error
		}
		if res.RowsAffected == 1 {
			d.LeaseUntil = &until
			return &d, nil
		}
	}
	return nil, nil
}

// DeploymentStepStarted renews the lease and records that a step (re)started.
func (s *Store) DeploymentStepStarted(ctx context.Context, id uint, step int, lease time.Duration) error {
	now := s.Now()
	return s.Conn(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&Deployment{}).Where("id = ? AND status = ? AND step_index = ?", id, DeployRunning, step).
			Updates(map[string]any{"lease_until": now.Add(lease), "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return sqldb.ErrStale
		}
		return tx.Create(&DeploymentEvent{DeploymentID: id, Step: DeploySteps[step], Kind: "started", At: now}).Error
	})
}

// DeploymentStepDone advances past step, saving what the step learned (security group,
// access addresses); after the last step the deployment has succeeded.
func (s *Store) DeploymentStepDone(ctx context.Context, id uint, step int, set map[string]any) error {
	now := s.Now()
	return s.Conn(ctx).Transaction(func(tx *gorm.DB) error {
		up := map[string]any{"step_index": step + 1, "updated_at": now}
		for k, v := range set {
			up[k] = v
		}
		if step+1 == len(DeploySteps) {
			up["status"], up["active_service_id"], up["lease_until"], up["finished_at"], up["error_key"] = DeploySucceeded, nil, nil, now, ""
		}
		res := tx.Model(&Deployment{}).Where("id = ? AND status = ? AND step_index = ?", id, DeployRunning, step).Updates(up)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return sqldb.ErrStale
		}
		return tx.Create(&DeploymentEvent{DeploymentID: id, Step: DeploySteps[step], Kind: "done", At: now}).Error
	})
}

// RetryDeployment runs a failed deployment again from its failed step; ErrDeployBusy when
// another deployment of the service is in progress, ErrStale when it is not failed or never
// reached the cloud.
func (s *Store) RetryDeployment(ctx context.Context, buyerID, serviceID, id uint) error {
	err := s.Conn(ctx).Transaction(func(tx *gorm.DB) error {
		now := s.Now()
		res := tx.Model(&Deployment{}).Where("id = ? AND buyer_id = ? AND service_id = ? AND status = ? AND operation_id <> ''", id, buyerID, serviceID, DeployFailed).
			Updates(map[string]any{"status": DeployRunning, "active_service_id": serviceID, "error_key": "", "lease_until": nil,
				"finished_at": nil, "runs": gorm.Expr("runs + 1"), "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return sqldb.ErrStale
		}
		if err := tx.Create(&DeploymentEvent{DeploymentID: id, Kind: "retried", At: now}).Error; err != nil {
			return err
		}
		return tx.Create(&account.AuditEvent{ActorID: buyerID, Action: ActRetryStack, TargetType: AuditDeployment, TargetID: id, CreatedAt: now}).Error
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return ErrDeployBusy
	}
	return err
}

// ServiceDeployments lists a buyer's deployments of one service, newest first.
func (s *Store) ServiceDeployments(ctx context.Context, buyerID, serviceID uint) ([]Deployment, error) {
	var out []Deployment
	err := s.Conn(ctx).Where("buyer_id = ? AND service_id = ?", buyerID, serviceID).Order("id DESC").Limit(50).Find(&out).Error
	return out, err
}

// BuyerDeployment is one of the buyer's deployments of a service with its history (oldest
// first); anyone else's is ErrNotFound.
func (s *Store) BuyerDeployment(ctx context.Context, buyerID, serviceID, id uint) (*Deployment, []DeploymentEvent, error) {
	var d Deployment
	if err := s.Conn(ctx).Where("buyer_id = ? AND service_id = ?", buyerID, serviceID).First(&d, id).Error; err != nil {
		return nil, nil, sqldb.NotFound(err)
	}
	var ev []DeploymentEvent
	err := s.Conn(ctx).Where("deployment_id = ?", id).Order("id").Limit(200).Find(&ev).Error
	return &d, ev, err
}

// Deployment reads one deployment (the worker).
func (s *Store) Deployment(ctx context.Context, id uint) (*Deployment, error) {
	var d Deployment
	if err := s.Conn(ctx).First(&d, id).Error; err != nil {
		return nil, sqldb.NotFound(err)
	}
	return &d, nil
}

// AuditDeployment records a buyer event of a deployment (e.g. the security group it created).
func (s *Store) AuditDeployment(ctx context.Context, d *Deployment, action, detail string) error {
	return s.Conn(ctx).Create(&account.AuditEvent{ActorID: d.BuyerID, Action: action, TargetType: AuditDeployment, TargetID: d.ID,
		Detail: detail, CreatedAt: s.Now()}).Error
}
