package outbox

import (
	"strconv"
	"time"

	"koogallery/models/catalog"
	"koogallery/models/sellertools"
)

// NotifyScope is what an order-notification configuration covers: every product of one access
// type, or one product (which then takes precedence over its type's configuration).
type NotifyScope struct {
	Type      catalog.ProductType
	ProductID uint
}

// Key is the scope as stored: "type:saas" or "product:12".
func (s NotifyScope) Key() string {
	if s.ProductID != 0 {
		return "product:" + strconv.FormatUint(uint64(s.ProductID), 10)
	}
	return "type:" + string(s.Type)
}

// NotifyConfig sends orderNotify for the orders of its scope to one production address and
// path (配置): one address per access type or per product.
type NotifyConfig struct {
	ID        uint                           `gorm:"primaryKey"`
	SellerID  uint                           `gorm:"not null;uniqueIndex:idx_notify_seller_scope,priority:1"`
	Scope     string                         `gorm:"size:40;not null;uniqueIndex:idx_notify_seller_scope,priority:2"`
	Type      catalog.ProductType            `gorm:"size:32;not null;default:''"`
	ProductID *uint                          `gorm:"index"`
	Product   *catalog.Product               `gorm:"constraint:OnDelete:CASCADE"`
	AddressID uint                           `gorm:"not null;index"`
	Address   *sellertools.ProductionAddress `gorm:"constraint:OnDelete:CASCADE"`
	Path      string                         `gorm:"size:200;not null;default:''"`
	CreatedAt time.Time
	UpdatedAt time.Time
}
