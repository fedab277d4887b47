package account

import (
	"strings"
	"time"
)

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
	Phone        string `gorm:"size:40"`
	PasswordHash string `gorm:"size:100;not null"`
	Role         Role   `gorm:"size:16;not null;index"`
	SellerID     *uint  `gorm:"index"` // set for sellers: the company they work for
	Seller       *Seller
	// SellerRoles are the member's roles in the company (owner, developer, operations, finance).
	SellerRoles MemberRoles `gorm:"size:64;not null;default:''"`
	// EmailVerifiedAt is when the owner of the address proved it (a verification, reset or
	// invitation link); nil: not yet, so the account may browse but not buy.
	EmailVerifiedAt *time.Time
	// Locale is the language the account's mail is written in (zh or en).
	Locale string `gorm:"size:5;not null;default:'zh'"`
	// AuthVersion grows with every change of what the account may do (role, company, member
	// roles, password): a session made under an older version gets a new id at its next request.
	AuthVersion int `gorm:"not null;default:1"`
	// LoginAlertAt is when the owner was last mailed about repeated failed logins.
	LoginAlertAt *time.Time
	CreatedAt    time.Time
}

// Verified reports whether the account's email address is proven.
func (u *User) Verified() bool { return u.EmailVerifiedAt != nil }

// Can reports whether a seller user may use an area of the seller center: owners may use
// every area, other members the areas of their roles. Anyone who is not a seller may not.
func (u *User) Can(area MemberRole) bool {
	if u == nil || u.Role != RoleSeller || u.SellerID == nil {
		return false
	}
	return u.SellerRoles.Has(Owner) || u.SellerRoles.Has(area)
}

// CompanyID is the seller company a seller user works for (0 for anyone else, nil included).
func (u *User) CompanyID() uint {
	if u == nil || u.Role != RoleSeller || u.SellerID == nil {
		return 0
	}
	return *u.SellerID
}

// Seller is a seller company (商家) that owns products and receives the platform's calls.
type Seller struct {
	ID   uint   `gorm:"primaryKey"`
	Name string `gorm:"size:100;not null;uniqueIndex"`
	// USCC is the company's 统一社会信用代码 (18 characters), unique among sellers.
	USCC *string `gorm:"column:uscc;size:18;uniqueIndex"`
	// The company's contact for operations (联系人): not shown to buyers.
	ContactName  string `gorm:"size:100"`
	ContactEmail string `gorm:"size:190"`
	ContactPhone string `gorm:"size:40"`
	// 服务与支持: shown to buyers on the company's product and service pages.
	SupportEmail string `gorm:"size:190"`
	SupportPhone string `gorm:"size:40"`
	SupportHours string `gorm:"size:100"`
	CreatedAt    time.Time
}

// MemberRole is one role a member of a seller company holds.
type MemberRole string

// The member roles: the owner may do everything (the company's profile and members too);
// developers use the application tools (应用工具), production call messages and products;
// operations handle orders, refunds and supervision; finance sees settlement.
const (
	Owner      MemberRole = "owner"
	Developer  MemberRole = "developer"
	Operations MemberRole = "operations"
	Finance    MemberRole = "finance"
)

// MemberRoleList is every member role, in the order they are shown and stored.
var MemberRoleList = []MemberRole{Owner, Developer, Operations, Finance}

// MemberRoles is a set of member roles stored as a comma-separated list in a fixed order.
type MemberRoles string

// NewMemberRoles makes the set of the given roles; unknown names are dropped.
func NewMemberRoles(roles ...MemberRole) MemberRoles {
	var out []string
	for _, r := range MemberRoleList {
		for _, want := range roles {
			if want == r {
				out = append(out, string(r))
				break
			}
		}
	}
	return MemberRoles(strings.Join(out, ","))
}

// ParseMemberRoles reads role names from a form; ok is false when one is unknown or none given.
func ParseMemberRoles(names []string) (MemberRoles, bool) {
	var roles []MemberRole
	for _, n := range names {
		known := false
		for _, r := range MemberRoleList {
			if n == string(r) {
				roles, known = append(roles, r), true
			}
		}
		if !known {
			return "", false
		}
	}
	set := NewMemberRoles(roles...)
	return set, set != ""
}

// Has reports whether the set holds r.
func (m MemberRoles) Has(r MemberRole) bool {
	for _, s := range strings.Split(string(m), ",") {
		if s == string(r) {
			return true
		}
	}
	return false
}

// List is the set's roles in display order.
func (m MemberRoles) List() []MemberRole {
	var out []MemberRole
	for _, r := range MemberRoleList {
		if m.Has(r) {
			out = append(out, r)
		}
	}
	return out
}

// NormalizeEmail trims and lower-cases an email address.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }
