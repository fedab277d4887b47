package outbox

import (
	"time"

	"koogallery/models/catalog"
	"koogallery/models/orders"
	"koogallery/models/sellertools"
	"koogallery/protocol"
)

// CallStatus is where an outbound call to a seller stands.
type CallStatus string

// The call states. pending and processing calls are due for an attempt at NextAttemptAt;
// succeeded and failed are final (a failed call may be restarted by the seller or an admin).
const (
	CallPending    CallStatus = "pending"    // waiting for its next attempt (first or retry)
	CallProcessing CallStatus = "processing" // the seller answered 000004: polling until it is done
	CallSucceeded  CallStatus = "succeeded"
	CallFailed     CallStatus = "failed" // retries exhausted
)

// CallStatuses lists every status in display order.
var CallStatuses = []CallStatus{CallPending, CallProcessing, CallSucceeded, CallFailed}

// InterfaceCall is the durable outbox row and delivery log of one call the platform makes to a
// seller's production interface. It is written in the same transaction as the business change
// that causes it, so no call is ever lost; dispatchers in any number of server processes claim
// due rows with a lease (row locks on MySQL) and record every attempt.
type InterfaceCall struct {
	ID         uint                      `gorm:"primaryKey"`
	SellerID   uint                      `gorm:"not null;index:idx_calls_seller,priority:1"`
	ProductID  uint                      `gorm:"not null;index"`
	Product    *catalog.Product          `gorm:"constraint:OnDelete:RESTRICT"`
	OrderID    *uint                     `gorm:"index"`
	Order      *orders.Order             `gorm:"constraint:OnDelete:RESTRICT"`
	InstanceID *uint                     `gorm:"index"`
	Activity   protocol.Activity         `gorm:"size:32;not null"`
	Scene      string                    `gorm:"size:32"`
	Interface  sellertools.InterfaceType `gorm:"size:20;not null"`
	// AddressID and Path, when set, are where the call goes instead of the product's production
	// interface (order notifications follow their configuration).
	AddressID *uint  `gorm:"index"`
	Path      string `gorm:"size:200;not null;default:''"`
	// Body is the JSON request body; every attempt signs it afresh with the key bound then.
	Body string `gorm:"type:text;not null"`
	// Poll is the queryInstance body sent while the seller answers 000004.
	Poll          string     `gorm:"type:text"`
	Status        CallStatus `gorm:"size:16;not null;index:idx_calls_due,priority:1"`
	Attempts      int        `gorm:"not null;default:0"`
	NextAttemptAt time.Time  `gorm:"not null;index:idx_calls_due,priority:2"`
	// Deadline ends automatic retries (the activity's retry window from the first try).
	Deadline       time.Time `gorm:"not null"`
	RetryEvery     int64     `gorm:"not null"` // seconds between automatic retries
	ClaimToken     string    `gorm:"size:40"`
	ClaimedUntil   *time.Time
	LastResultCode string `gorm:"size:8"`
	LastError      string `gorm:"size:500"`
	LastStatusCode int
	LastLatencyMS  int64
	// Replay of an earlier call (a fresh copy), if any.
	ReplayOf    *uint `gorm:"index"`
	CompletedAt *time.Time
	CreatedAt   time.Time `gorm:"not null;index"`
	UpdatedAt   time.Time
}

// CallAttempt is one delivery attempt of a call: the exact request and response.
type CallAttempt struct {
	ID           uint      `gorm:"primaryKey"`
	CallID       uint      `gorm:"not null;uniqueIndex:idx_attempts_call_n,priority:1"`
	N            int       `gorm:"not null;uniqueIndex:idx_attempts_call_n,priority:2"`
	URL          string    `gorm:"type:text;not null"`
	RequestBody  string    `gorm:"type:text;not null"`
	StatusCode   int       `gorm:"not null;default:0"`
	ResponseBody string    `gorm:"type:text"`
	ResultCode   string    `gorm:"size:8"`
	ErrorKind    string    `gorm:"size:20"`
	Error        string    `gorm:"size:500"`
	LatencyMS    int64     `gorm:"not null;default:0"`
	StartedAt    time.Time `gorm:"not null"`
}

// Target is the address (0: none) and path a call goes to: its own, else its product's
// production interface (Product loaded).
func (c *InterfaceCall) Target() (uint, string) {
	if c.AddressID != nil {
		return *c.AddressID, c.Path
	}
	if c.Product == nil || c.Product.AddressID == nil {
		return 0, ""
	}
	return *c.Product.AddressID, c.Product.Path
}
