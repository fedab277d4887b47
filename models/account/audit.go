package account

import (
	"context"
	"time"

	"koogallery/models/sqldb"
)

// AuditEvent records a decision someone made about an object: who, when, what, on which
// object, and why. Decisions are written with the change itself.
type AuditEvent struct {
	ID         uint   `gorm:"primaryKey"`
	ActorID    uint   `gorm:"not null;index"`
	Actor      *User  `gorm:"foreignKey:ActorID;constraint:OnDelete:RESTRICT"`
	Action     string `gorm:"size:40;not null;index"`
	TargetType string `gorm:"size:40;not null;index:idx_audit_target,priority:1"`
	TargetID   uint   `gorm:"not null;index:idx_audit_target,priority:2"`
	// Detail is what changed, e.g. "on_sale→frozen".
	Detail    string    `gorm:"size:200"`
	Reason    string    `gorm:"size:500"`
	CreatedAt time.Time `gorm:"not null;index"`
}

// Audit target types and actions of this package.
const (
	AuditProduct            = "product"
	AuditInvitation         = "invitation"
	AuditAdminInvited       = "admin.invite"
	AuditAdminInviteRevoked = "admin.invite_revoked"
	AuditAdminJoined        = "admin.joined"
)

// AuditFilter narrows the audit log.
type AuditFilter struct {
	// ActorRole keeps the decisions of users of this role ("" for everyone's).
	ActorRole  Role
	TargetType string
	Page       int
}

// AuditLog lists audit events, newest first, with their actors.
func (s *Store) AuditLog(ctx context.Context, f AuditFilter) (sqldb.Page[AuditEvent], error) {
	q := s.conn(ctx).Model(&AuditEvent{}).Preload("Actor").Order("audit_events.created_at DESC, audit_events.id DESC")
	if f.ActorRole != "" {
		q = q.Joins("JOIN users ON users.id = audit_events.actor_id").Where("users.role = ?", f.ActorRole)
	}
	if f.TargetType != "" {
		q = q.Where("audit_events.target_type = ?", f.TargetType)
	}
	return sqldb.Paginate[AuditEvent](q, f.Page)
}

// AuditTargetTypes lists the target types the log holds, for its filter.
func (s *Store) AuditTargetTypes(ctx context.Context) ([]string, error) {
	var out []string
	return out, s.conn(ctx).Model(&AuditEvent{}).Distinct("target_type").Order("target_type").Pluck("target_type", &out).Error
}
