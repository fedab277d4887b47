package orders

import (
	"time"

	"koogallery/models/account"
	"koogallery/models/catalog"
)

// OrderType is why an order exists.
type OrderType string

// The order types of the marketplace.
const (
	OrderNew           OrderType = "NEW"
	OrderRenew         OrderType = "RENEW"
	OrderTrial         OrderType = "TRIAL"
	OrderTrialToFormal OrderType = "TRIAL_TO_FORMAL"
	OrderChange        OrderType = "CHANGE"
	OrderUnsubscribe   OrderType = "UNSUBSCRIBE"
)

// OrderTypes lists every type in display order.
var OrderTypes = []OrderType{OrderNew, OrderRenew, OrderTrial, OrderTrialToFormal, OrderChange, OrderUnsubscribe}

// OrderStatus is where an order is in its life (订单状态).
type OrderStatus string

// The order states shown by the real console.
const (
	OrderPendingPayment OrderStatus = "pending_payment" // 待支付
	OrderProcessing     OrderStatus = "processing"      // 处理中: opening, interface failures, supervision
	OrderCompleted      OrderStatus = "completed"       // 已完成
	OrderCancelled      OrderStatus = "cancelled"       // 已取消
)

// OrderStatuses lists every status in display order.
var OrderStatuses = []OrderStatus{OrderPendingPayment, OrderProcessing, OrderCompleted, OrderCancelled}

// PayMethod is how an order was paid (simulated, but recorded).
type PayMethod string

// The payment methods.
const (
	PayCash   PayMethod = "cash"
	PayCoupon PayMethod = "coupon"
	PayCredit PayMethod = "credit"
)

// PayMethods lists every method in display order.
var PayMethods = []PayMethod{PayCash, PayCoupon, PayCredit}

// Repayment is a post-paid (credit) customer's repayment state.
type Repayment string

// The repayment states.
const (
	RepaymentNone    Repayment = ""        // not a credit payment
	RepaymentPending Repayment = "pending" // 未还款
	RepaymentRepaid  Repayment = "repaid"  // 已还款
)

// Order is one purchase, renewal, trial or unsubscription. Lists order by ID, newest first: the
// buyer and seller indexes carry the primary key, so a page is an index range scan.
type Order struct {
	ID             uint                 `gorm:"primaryKey"`
	OrderNo        string               `gorm:"size:40;uniqueIndex;not null"` // e.g. CS2611271530ABCDE
	LineNo         string               `gorm:"size:48;uniqueIndex;not null"` // order line id: OrderNo-000001
	BuyerID        uint                 `gorm:"not null;index:idx_orders_buyer,priority:1"`
	Buyer          *account.User        `gorm:"constraint:OnDelete:RESTRICT"`
	SellerID       uint                 `gorm:"not null;index:idx_orders_seller,priority:1"`
	ProductID      uint                 `gorm:"not null;index"`
	Product        *catalog.Product     `gorm:"constraint:OnDelete:RESTRICT"`
	ProductVersion int                  `gorm:"not null;default:1"`
	ProductName    string               `gorm:"size:120;not null"` // as bought
	InstanceID     *uint                `gorm:"index"`
	Type           OrderType            `gorm:"size:20;not null"`
	ChargingMode   catalog.ChargingMode `gorm:"size:16;not null"`
	Plan           catalog.Plan         `gorm:"size:10;not null"`
	PeriodCount    int                  `gorm:"not null;default:0"`
	AmountFen      int64                `gorm:"not null"` // list amount
	PaidFen        int64                `gorm:"not null"` // what the buyer paid
	PayMethod      PayMethod            `gorm:"size:10;not null"`
	Repayment      Repayment            `gorm:"size:10"`
	Status         OrderStatus          `gorm:"size:20;not null"`
	ParentOrderID  *uint                `gorm:"index"` // the order a renewal or unsubscription belongs to
	EffectiveAt    *time.Time
	ExpireAt       *time.Time
	PaidAt         *time.Time
	SubmitKey      *string `gorm:"size:64;uniqueIndex"` // the form's one-time key: a resubmitted form finds this order
	// ExtValues are the buyer's values of the product's extension parameters (JSON []ExtValue).
	ExtValues string    `gorm:"type:text"`
	CreatedAt time.Time `gorm:"not null"`
	// SupervisionStatus is the order's service-supervision state (supervision_status.go); the
	// supervision feature drives it, refunds read and close it.
	SupervisionStatus SupervisionStatus `gorm:"size:16"`
	// SettlementExcluded takes the order out of settlement (结算) for good: set when it is
	// refunded by negotiation or no-reason refund, and on unsubscription orders. The settlement
	// feature reads it next to the payment, supervision and effective-time conditions.
	SettlementExcluded bool `gorm:"not null;default:false"`
	// SpecID is the spec bought (spec.go), nil for a product without specs; on a CHANGE order
	// the spec changed to, and FromSpecID the spec held before. No foreign key: the orders
	// table predated product_specs, and the baseline migration keeps it so.
	SpecID     *uint                `gorm:"index"`
	Spec       *catalog.ProductSpec `gorm:"foreignKey:SpecID;constraint:-"`
	FromSpecID *uint
	FromSpec   *catalog.ProductSpec `gorm:"foreignKey:FromSpecID;constraint:-"`
}

// InstanceStatus is the state of a purchased service (资源状态).
type InstanceStatus string

// The instance states.
const (
	InstanceOpening  InstanceStatus = "opening"  // waiting for the seller to create it
	InstanceNormal   InstanceStatus = "normal"   // in use
	InstanceFrozen   InstanceStatus = "frozen"   // expired or in arrears, data retained
	InstanceReleased InstanceStatus = "released" // gone
	InstanceFailed   InstanceStatus = "failed"   // never opened
)

// InstanceStatuses lists every status in display order.
var InstanceStatuses = []InstanceStatus{InstanceOpening, InstanceNormal, InstanceFrozen, InstanceReleased, InstanceFailed}

// Instance is a purchased service (已购买的服务): what the buyer holds, as the seller created it.
type Instance struct {
	ID               uint                 `gorm:"primaryKey"`
	BuyerID          uint                 `gorm:"not null;index:idx_instances_buyer,priority:1"`
	SellerID         uint                 `gorm:"not null;index"`
	ProductID        uint                 `gorm:"not null;index"`
	Product          *catalog.Product     `gorm:"constraint:OnDelete:RESTRICT"`
	OrderID          uint                 `gorm:"not null;uniqueIndex"` // the order that created it
	Order            *Order               `gorm:"foreignKey:OrderID;constraint:OnDelete:RESTRICT"`
	SellerInstanceID string               `gorm:"size:64;index"` // the seller's instanceId
	Status           InstanceStatus       `gorm:"size:16;not null"`
	ChargingMode     catalog.ChargingMode `gorm:"size:16;not null"`
	Trial            bool                 `gorm:"not null;default:false"`
	EffectiveAt      *time.Time
	ExpireAt         *time.Time
	EncryptType      string `gorm:"size:2"`
	AppInfo          string `gorm:"type:text"` // the seller's appInfo JSON, sensitive fields still encrypted
	// SpecID is the spec the service holds now (nil: the product has no specs); ChangeOrderID
	// is the CHANGE order waiting for the seller's upgradeInstance, which guards against a
	// second change at the same time (upgrade.go).
	SpecID        *uint                `gorm:"index"`
	Spec          *catalog.ProductSpec `gorm:"foreignKey:SpecID;constraint:-"`
	ChangeOrderID *uint
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Values is what the buyer filled in for the product's extension parameters.
func (o *Order) Values() []catalog.ExtValue {
	return catalog.DecodeJSON[[]catalog.ExtValue](o.ExtValues)
}
