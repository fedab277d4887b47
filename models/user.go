package models

import "time"

// Role is what a user may do: buy, sell or operate the marketplace.
type Role string

// The three roles.
const (
	RoleBuyer  Role = "buyer"
	RoleSeller Role = "seller"
	RoleAdmin  Role = "admin"
)

// User is an account that can log in.
type User struct {
	ID           uint   `gorm:"primaryKey"`
	Email        string `gorm:"size:190;uniqueIndex;not null"`
	Name         string `gorm:"size:100;not null"`
	PasswordHash string `gorm:"size:100;not null"`
	Role         Role   `gorm:"size:16;not null;index"`
	SellerID     *uint  `gorm:"index"` // set for sellers: the company they work for
	Seller       *Seller
	CreatedAt    time.Time
}

// Seller is a seller company (商家) that owns products and receives the platform's calls.
type Seller struct {
	ID           uint   `gorm:"primaryKey"`
	Name         string `gorm:"size:100;not null"`
	ContactName  string `gorm:"size:100"`
	ContactEmail string `gorm:"size:190"`
	ContactPhone string `gorm:"size:40"`
	CreatedAt    time.Time
}

// LoginFailure records one failed login, for throttling that holds across server processes.
type LoginFailure struct {
	ID        uint      `gorm:"primaryKey"`
	Email     string    `gorm:"size:190;not null;index:idx_login_failures_email_at,priority:1"`
	IP        string    `gorm:"size:64;index:idx_login_failures_ip_at,priority:1"`
	CreatedAt time.Time `gorm:"not null;index:idx_login_failures_email_at,priority:2;index:idx_login_failures_ip_at,priority:2"`
}
