package catalog

import (
	"encoding/json"
	"strings"
	"time"
)

// The sale states a product has before and beside operations' decisions.
const (
	SaleDraft    SaleStatus = "draft"    // never listed: only its seller sees it
	SaleUnlisted SaleStatus = "unlisted" // taken off sale by its seller (下架); relisting needs no review
)

// SaleStatuses lists every sale status in display order.
var SaleStatuses = []SaleStatus{SaleDraft, SaleOnSale, SaleUnlisted, SaleFrozen, SaleDelisted}

// VersionStatus is where a product version is in publishing (我的申请).
type VersionStatus string

// The version states.
const (
	VersionDraft     VersionStatus = "draft"     // 草稿: the seller edits it
	VersionReviewing VersionStatus = "reviewing" // 待审核: submitted, waiting for operations
	VersionRejected  VersionStatus = "rejected"  // 驳回: operations said why; the seller edits and resubmits
	VersionApproved  VersionStatus = "approved"  // 审核通过: live, or was live before a later version
)

// ExtParam is an extension parameter (扩展参数) of a product's production interface: the
// buyer fills it in when buying and newInstance carries it in saasExtendParams.
type ExtParam struct {
	Name     string `json:"name"`
	Label    string `json:"label"`
	Required bool   `json:"required"`
}

// MaxExtParams is how many extension parameters a product may have.
const MaxExtParams = 3

// SecurityRule is one rule of the security group a deployable License product recommends.
type SecurityRule struct {
	Direction   string `json:"direction"` // ingress / egress
	Protocol    string `json:"protocol"`  // tcp / udp / icmp / any
	Port        string `json:"port"`      // "22", "8000-8100", or "" for any
	Remote      string `json:"remote"`    // CIDR
	Description string `json:"description"`
}

// String is the rule as the product editor writes it, one line: direction protocol port remote
// [description], with "any" for every port.
func (r SecurityRule) String() string {
	port := r.Port
	if port == "" {
		port = "any"
	}
	return strings.TrimSpace(strings.Join([]string{r.Direction, r.Protocol, port, r.Remote, r.Description}, " "))
}

// ProductContent is what a seller writes about a product: every field a version carries and
// approval copies onto the live product.
type ProductContent struct {
	Name          string         `json:"name"`
	Summary       string         `json:"summary"`
	Description   string         `json:"description"`
	Type          ProductType    `json:"type"`
	ChargingMode  ChargingMode   `json:"chargingMode"`
	Supervised    bool           `json:"supervised"`
	CodeKind      CodeKind       `json:"codeKind"`
	Deployable    bool           `json:"deployable"`
	DeployPackage string         `json:"deployPackage,omitempty"`
	DeployPort    int            `json:"deployPort,omitempty"`
	SecurityRules []SecurityRule `json:"securityRules,omitempty"`
	PriceMonth    int64          `json:"priceMonth"`
	PriceYear     int64          `json:"priceYear"`
	PriceOnce     int64          `json:"priceOnce"`
	PriceHour     int64          `json:"priceHour"`
	TrialDays     int            `json:"trialDays"`
	AddressID     *uint          `json:"addressId,omitempty"`
	Path          string         `json:"path"`
	ExtParams     []ExtParam     `json:"extParams,omitempty"`
	// Specs (规格) of a periodic product, low to high; the product's own monthly and yearly
	// prices are then the lowest spec's.
	Specs []SpecContent `json:"specs,omitempty"`
}

// SpecContent is one spec as a seller writes it; its rank is its place in the list.
type SpecContent struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	PriceMonth int64  `json:"priceMonth"`
	PriceYear  int64  `json:"priceYear"`
}

// MaxSpecs is how many specs a product may have.
const MaxSpecs = 5

// ProductVersion is one edition of a product's content on its way to the marketplace: a draft,
// a submission under review, a rejection with its reason, or an approved version (the live one
// is the product's Version; earlier ones stay so orders can show what they were bought under).
type ProductVersion struct {
	ID           uint          `gorm:"primaryKey"`
	ProductID    uint          `gorm:"not null;uniqueIndex:idx_versions_product_number,priority:1"`
	Product      *Product      `gorm:"constraint:OnDelete:CASCADE"`
	Number       int           `gorm:"not null;uniqueIndex:idx_versions_product_number,priority:2"`
	Status       VersionStatus `gorm:"size:16;not null;index"`
	Content      string        `gorm:"type:text;not null"` // ProductContent, JSON
	RejectReason string        `gorm:"size:500"`
	// Rev counts the seller's saves: an edit names the revision it was made from.
	Rev int `gorm:"not null;default:1"`
	// SubmitKey is the one-time key of the form that created the product.
	SubmitKey *string `gorm:"size:64;uniqueIndex"`
	// CaseReport is the last re-run of the saved debug cases before submitting, JSON.
	CaseReport  string `gorm:"type:text"`
	SubmittedAt *time.Time
	DecidedAt   *time.Time
	DecidedByID *uint
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Decode reads the version's content.
func (v *ProductVersion) Decode() (ProductContent, error) {
	var c ProductContent
	err := json.Unmarshal([]byte(v.Content), &c)
	return c, err
}

// Editable reports whether the seller may change the version (a draft or a rejection).
func (v *ProductVersion) Editable() bool {
	return v.Status == VersionDraft || v.Status == VersionRejected
}

// ContentOf is the live content of a product with its specs (ProductSpecs).
func ContentOf(p *Product, specs []ProductSpec) ProductContent {
	var sc []SpecContent
	for _, sp := range specs {
		sc = append(sc, SpecContent{Code: sp.Code, Name: sp.Name, PriceMonth: sp.PriceMonth, PriceYear: sp.PriceYear})
	}
	return ProductContent{Specs: sc, Name: p.Name, Summary: p.Summary, Description: p.Description, Type: p.Type, ChargingMode: p.ChargingMode,
		Supervised: p.Supervised, CodeKind: p.CodeKind, Deployable: p.Deployable, DeployPackage: p.DeployPackage, DeployPort: p.DeployPort,
		SecurityRules: DecodeJSON[[]SecurityRule](p.SecurityRules), PriceMonth: p.PriceMonth, PriceYear: p.PriceYear,
		PriceOnce: p.PriceOnce, PriceHour: p.PriceHour, TrialDays: p.TrialDays, AddressID: p.AddressID, Path: p.Path,
		ExtParams: DecodeJSON[[]ExtParam](p.ExtParams)}
}

// columns are the product columns that carry the content, for an update.
func (c ProductContent) columns() map[string]any {
	return map[string]any{"name": c.Name, "summary": c.Summary, "description": c.Description, "type": c.Type,
		"charging_mode": c.ChargingMode, "supervised": c.Supervised, "code_kind": c.CodeKind, "deployable": c.Deployable,
		"deploy_package": c.DeployPackage, "deploy_port": c.DeployPort, "security_rules": encodeJSON(c.SecurityRules),
		"price_month": c.PriceMonth, "price_year": c.PriceYear, "price_once": c.PriceOnce, "price_hour": c.PriceHour,
		"trial_days": c.TrialDays, "address_id": c.AddressID, "path": c.Path, "ext_params": encodeJSON(c.ExtParams)}
}

// Interface reports whether the content's product is opened through the production interface.
func (c ProductContent) Interface() bool { return c.Type.UsesInterface() }

func encodeJSON[T any](v []T) string {
	if len(v) == 0 {
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func DecodeJSON[T any](s string) T {
	var v T
	if s != "" {
		_ = json.Unmarshal([]byte(s), &v)
	}
	return v
}

// Rules is the recommended security group of a deployable product.
func (p *Product) Rules() []SecurityRule { return DecodeJSON[[]SecurityRule](p.SecurityRules) }

// Params is the product's extension parameters.
func (p *Product) Params() []ExtParam { return DecodeJSON[[]ExtParam](p.ExtParams) }
