package refseller

import (
	"time"

	"koogallery/protocol"
)

// State is the lifecycle state of an instance.
type State string

// The instance states.
const (
	// StateCreating: newInstance answered 000004 and the instance is not ready yet.
	StateCreating State = "creating"
	// StateNormal: the instance is usable.
	StateNormal State = "normal"
	// StateFrozen: updateInstanceStatus FREEZE; the data is kept.
	StateFrozen State = "frozen"
	// StateReleased: releaseInstance; the instance no longer exists for queries.
	StateReleased State = "released"
)

// Instance is a copy of what the seller knows about one instance.
type Instance struct {
	ID          string
	OrderID     string
	OrderLineID string
	TestFlag    string
	State       State
	// ExtendParams are the buyer's extension parameter values newInstance carried.
	ExtendParams []protocol.ExtendParam
	// UserName and Password are the plaintext credentials sent (encrypted) in appInfo.
	UserName string
	Password string
	// ExpireTime is the validity set by the last refreshInstance (zero before any).
	ExpireTime time.Time
	// LastScene is the scene of the last refreshInstance.
	LastScene protocol.Scene
	// LastOrderID and LastOrderLineID name the last order that changed the instance
	// (refresh, upgrade or release).
	LastOrderID     string
	LastOrderLineID string
	Upgrades        int
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// Notice is an orderNotify the seller received.
type Notice struct {
	OrderID     string
	OrderLineID string
	TestFlag    string
	// Count is how many times the same notification arrived.
	Count     int
	FirstSeen time.Time
}

// license is a License the seller issued; ready is false while a slow application is
// still "processing".
type license struct {
	content protocol.LicenseContent
	file    []byte // the FILE License's bytes, pushed with PushLicense
	eventID string
	ready   bool
}
