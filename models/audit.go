package models

import "time"

// AuditEvent records a decision someone made about an object: who, when, what, on which
// object, and why. Operations' sale-status changes are written with the change itself.
type AuditEvent struct {
	ID         uint   `gorm:"primaryKey"`
	ActorID    uint   `gorm:"not null;index"`
	Actor      *User  `gorm:"foreignKey:ActorID;constraint:OnDelete:RESTRICT"`
	Action     string `gorm:"size:40;not null"`
	TargetType string `gorm:"size:40;not null;index:idx_audit_target,priority:1"`
	TargetID   uint   `gorm:"not null;index:idx_audit_target,priority:2"`
	// Detail is what changed, e.g. "on_sale→frozen".
	Detail    string    `gorm:"size:200"`
	Reason    string    `gorm:"size:500"`
	CreatedAt time.Time `gorm:"not null;index"`
}

// Audit target types.
const AuditProduct = "product"
