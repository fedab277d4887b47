package sellertools

import "time"

// InterfaceType is the kind of production interface a key signs (接口类型). One key serves one type.
type InterfaceType string

// The interface types of the seller center.
const (
	IfaceBasic       InterfaceType = "basic"        // 基础接口: SaaS instance calls
	IfaceJointSaaS   InterfaceType = "joint_saas"   // 联营SaaS同步接口
	IfaceLicenseCode InterfaceType = "license_code" // License授权码交付接口: License calls
	IfaceGeneral     InterfaceType = "general"      // 通用接口: order notification
)

// InterfaceTypes lists every type in display order.
var InterfaceTypes = []InterfaceType{IfaceBasic, IfaceJointSaaS, IfaceLicenseCode, IfaceGeneral}

// Valid reports whether t is a known type.
func (t InterfaceType) Valid() bool {
	for _, k := range InterfaceTypes {
		if k == t {
			return true
		}
	}
	return false
}

// AccessKey is a seller's key (密钥): the platform signs its calls with it and the seller
// verifies them. The secret is sealed with the master key; only its last characters are kept
// in the clear, to tell keys apart.
type AccessKey struct {
	ID            uint          `gorm:"primaryKey"`
	SellerID      uint          `gorm:"not null;index"`
	KeyID         string        `gorm:"size:40;not null;uniqueIndex"`
	Name          string        `gorm:"size:60"`
	Sealed        []byte        `gorm:"not null"`
	Hint          string        `gorm:"size:8;not null"`
	InterfaceType InterfaceType `gorm:"size:20;not null;default:''"` // set by the first binding
	CreatedAt     time.Time
}

// AddressStatus is where a production address is in certification (认证).
type AddressStatus string

// The certification states.
const (
	AddressPending   AddressStatus = "pending"
	AddressCertified AddressStatus = "certified"
	AddressFailed    AddressStatus = "failed"
)

// ProductionAddress is a seller's production endpoint (生产地址): scheme and host only.
type ProductionAddress struct {
	ID          uint          `gorm:"primaryKey"`
	SellerID    uint          `gorm:"not null;uniqueIndex:idx_addresses_seller_url,priority:1"`
	URL         string        `gorm:"size:255;not null;uniqueIndex:idx_addresses_seller_url,priority:2"`
	Status      AddressStatus `gorm:"size:16;not null"`
	CertifiedAt *time.Time
	CheckedAt   *time.Time
	Report      string `gorm:"type:text"` // the last certification's checks, JSON
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// KeyBinding binds a key to a certified address for one interface type.
type KeyBinding struct {
	ID            uint               `gorm:"primaryKey"`
	AddressID     uint               `gorm:"not null;uniqueIndex:idx_bindings_address_type,priority:1"`
	Address       *ProductionAddress `gorm:"constraint:OnDelete:CASCADE"`
	InterfaceType InterfaceType      `gorm:"size:20;not null;uniqueIndex:idx_bindings_address_type,priority:2"`
	AccessKeyID   uint               `gorm:"not null;index"`
	AccessKey     *AccessKey         `gorm:"constraint:OnDelete:RESTRICT"`
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// DebugKind is the product family a debug case belongs to (应用接入调试's interface list).
type DebugKind string

// The debug kinds.
const (
	DebugSaaS    DebugKind = "saas"
	DebugLicense DebugKind = "license"
	DebugNotify  DebugKind = "order_notify"
)

// DebugKinds lists every kind in display order.
var DebugKinds = []DebugKind{DebugSaaS, DebugLicense, DebugNotify}

// Interface is the interface type whose key signs this kind's calls.
func (k DebugKind) Interface() InterfaceType {
	switch k {
	case DebugLicense:
		return IfaceLicenseCode
	case DebugNotify:
		return IfaceGeneral
	}
	return IfaceBasic
}

// Valid reports whether k is a known kind.
func (k DebugKind) Valid() bool { return k == DebugSaaS || k == DebugLicense || k == DebugNotify }

// CaseStatus is a debug case's last result.
type CaseStatus string

// The debug case results.
const (
	CasePassed CaseStatus = "passed"
	CaseFailed CaseStatus = "failed"
)

// DebugCase is a saved debugging call (调试用例): scenario and parameters against an address,
// with its last result. One case per address, path and scenario; saving again replaces it.
type DebugCase struct {
	ID        uint               `gorm:"primaryKey"`
	SellerID  uint               `gorm:"not null;index"`
	AddressID uint               `gorm:"not null;uniqueIndex:idx_cases_addr_path_scenario,priority:1"`
	Address   *ProductionAddress `gorm:"constraint:OnDelete:CASCADE"`
	Path      string             `gorm:"size:200;not null;default:'';uniqueIndex:idx_cases_addr_path_scenario,priority:2"`
	Kind      DebugKind          `gorm:"size:20;not null"`
	Scenario  string             `gorm:"size:60;not null;uniqueIndex:idx_cases_addr_path_scenario,priority:3"`
	Params    string             `gorm:"type:text;not null"` // the request body's parameters, JSON
	Status    CaseStatus         `gorm:"size:10;not null"`
	Report    string             `gorm:"type:text"` // the last run's checks, JSON
	RunAt     time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
}
