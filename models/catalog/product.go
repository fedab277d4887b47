package catalog

import (
	"time"

	"koogallery/models/account"
)

// ProductType is how a product is delivered (接入方式).
type ProductType string

// The product types of the marketplace.
const (
	TypeSaaS             ProductType = "saas"
	TypeLicense          ProductType = "license"
	TypeImage            ProductType = "image"
	TypeManualService    ProductType = "manual_service"
	TypeAppOrchestration ProductType = "app_orchestration"
	TypeDataFile         ProductType = "data_file"
	TypeHardware         ProductType = "hardware"
	TypeAPI              ProductType = "api"
)

// ProductTypes lists every type in display order.
var ProductTypes = []ProductType{TypeSaaS, TypeLicense, TypeImage, TypeManualService, TypeAppOrchestration, TypeDataFile, TypeHardware, TypeAPI}

// Valid reports whether t is a known type.
func (t ProductType) Valid() bool {
	for _, k := range ProductTypes {
		if k == t {
			return true
		}
	}
	return false
}

// UsesInterface reports whether products of this type are opened through the seller's
// production interface (newInstance and the rest).
func (t ProductType) UsesInterface() bool {
	return t == TypeSaaS || t == TypeLicense || t == TypeAPI
}

// ChargingMode is how a product is billed.
type ChargingMode string

// The charging modes.
const (
	ChargePeriod   ChargingMode = "PERIOD"
	ChargeOneTime  ChargingMode = "ONE_TIME"
	ChargeOnDemand ChargingMode = "ON_DEMAND"
)

// ChargingModes lists every mode in display order.
var ChargingModes = []ChargingMode{ChargePeriod, ChargeOneTime, ChargeOnDemand}

// SaleStatus says whether buyers can find and buy a product.
type SaleStatus string

// The sale states.
const (
	SaleOnSale   SaleStatus = "on_sale"
	SaleFrozen   SaleStatus = "frozen"
	SaleDelisted SaleStatus = "delisted"
)

// CodeKind is the identification code a License 1.0 product needs before delivery.
type CodeKind string

// The identification code kinds.
const (
	CodeNone     CodeKind = ""
	CodeSystem   CodeKind = "system"
	CodeHardware CodeKind = "hardware"
)

// Product is something a seller offers on the marketplace.
type Product struct {
	ID           uint            `gorm:"primaryKey"`
	SellerID     uint            `gorm:"not null;index"`
	Seller       *account.Seller `gorm:"constraint:OnDelete:RESTRICT"`
	Code         string          `gorm:"size:40;uniqueIndex;not null"` // e.g. 00301-666688-0--0
	Name         string          `gorm:"size:120;not null"`
	Summary      string          `gorm:"size:500"`
	Description  string          `gorm:"type:text"`
	Type         ProductType     `gorm:"size:32;not null;index:idx_products_sale_type,priority:2"`
	ChargingMode ChargingMode    `gorm:"size:16;not null"`
	Supervised   bool            `gorm:"not null;default:false"`
	CodeKind     CodeKind        `gorm:"size:16"`
	Deployable   bool            `gorm:"not null;default:false"`
	SaleStatus   SaleStatus      `gorm:"size:16;not null;index:idx_products_sale_type,priority:1"`
	PriceMonth   int64           `gorm:"not null;default:0"` // fen per month; 0: no monthly plan
	PriceYear    int64           `gorm:"not null;default:0"` // fen per year; 0: no yearly plan
	PriceOnce    int64           `gorm:"not null;default:0"` // fen, one-time purchase
	PriceHour    int64           `gorm:"not null;default:0"` // fen per hour, on demand
	TrialDays    int             `gorm:"not null;default:0"`
	Version      int             `gorm:"not null;default:1"`
	// AddressID and Path name the production interface the platform calls for this product's
	// orders (SaaS, License and API products). Order notification is configured apart
	// (NotifyConfig).
	AddressID *uint  `gorm:"index"`
	Path      string `gorm:"size:200;not null;default:''"`
	// DeployPackage, DeployPort and SecurityRules (JSON) describe a deployable License product's
	// one-click deployment; ExtParams (JSON) are its interface's extension parameters.
	DeployPackage string `gorm:"size:200;not null;default:''"`
	DeployPort    int    `gorm:"not null;default:0"`
	SecurityRules string `gorm:"type:text"`
	ExtParams     string `gorm:"type:text"`
	// SaleReason says why an admin or the interface-failure rule froze or delisted the product.
	SaleReason string `gorm:"size:500"`
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Periodic reports whether the product is bought by month or year (包周期).
func (p *Product) Periodic() bool { return p.ChargingMode == ChargePeriod }

// LowestPrice is the cheapest entry price in fen, for the catalog card, and its plan.
func (p *Product) LowestPrice() (int64, Plan) {
	switch p.ChargingMode {
	case ChargePeriod:
		if p.PriceMonth > 0 {
			return p.PriceMonth, PlanMonth
		}
		return p.PriceYear, PlanYear
	case ChargeOnDemand:
		return p.PriceHour, PlanHour
	}
	return p.PriceOnce, PlanOnce
}

// Plans lists the plans a buyer may choose for this product.
func (p *Product) Plans() []Plan {
	var out []Plan
	switch p.ChargingMode {
	case ChargePeriod:
		if p.PriceMonth > 0 {
			out = append(out, PlanMonth)
		}
		if p.PriceYear > 0 {
			out = append(out, PlanYear)
		}
	case ChargeOneTime:
		out = append(out, PlanOnce)
	case ChargeOnDemand:
		out = append(out, PlanHour)
	}
	return out
}

// Favorite is a product a buyer keeps for later (我的收藏).
type Favorite struct {
	ID        uint     `gorm:"primaryKey"`
	UserID    uint     `gorm:"not null;uniqueIndex:idx_favorites_user_product,priority:1"`
	ProductID uint     `gorm:"not null;uniqueIndex:idx_favorites_user_product,priority:2;index"`
	Product   *Product `gorm:"constraint:OnDelete:CASCADE"`
	CreatedAt time.Time
}

// Plan is the billing plan a buyer chose.
type Plan string

// The plans.
const (
	PlanMonth Plan = "month"
	PlanYear  Plan = "year"
	PlanOnce  Plan = "once"
	PlanHour  Plan = "hour"
	PlanTrial Plan = "trial"
)

// NotifyTypes are the product types order notification (订单通知) can be configured for:
// SaaS, License, API, hardware and manual-service products (not images).
var NotifyTypes = []ProductType{TypeSaaS, TypeLicense, TypeAPI, TypeHardware, TypeManualService}

// Notifiable reports whether products of type t can have order notification.
func (t ProductType) Notifiable() bool {
	for _, k := range NotifyTypes {
		if k == t {
			return true
		}
	}
	return false
}

// Price is what count periods of a plan cost, in fen (a trial or on-demand use costs nothing up front).
func (p *Product) Price(plan Plan, count int) int64 {
	switch plan {
	case PlanMonth:
		return p.PriceMonth * int64(count)
	case PlanYear:
		return p.PriceYear * int64(count)
	case PlanOnce:
		return p.PriceOnce
	}
	return 0
}
