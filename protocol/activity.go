package protocol

// Activity names one kind of call the platform makes to a production address; it travels
// in the request body's "activity" field.
type Activity string

// The activities of the production interface, version 2.
const (
	// ActivityNewInstance asks the seller to create an instance for a new order.
	ActivityNewInstance Activity = "newInstance"
	// ActivityQueryInstance asks for the state of up to 100 instances.
	ActivityQueryInstance Activity = "queryInstance"
	// ActivityRefreshInstance changes an instance's validity (periodic products).
	ActivityRefreshInstance Activity = "refreshInstance"
	// ActivityUpdateInstanceStatus freezes or unfreezes an instance (periodic products).
	ActivityUpdateInstanceStatus Activity = "updateInstanceStatus"
	// ActivityReleaseInstance asks the seller to release an instance.
	ActivityReleaseInstance Activity = "releaseInstance"
	// ActivityUpgradeInstance asks the seller to apply a specification change.
	ActivityUpgradeInstance Activity = "upgradeInstance"
	// ActivityOrderNotify notifies the seller of a new, renewal, change or unsubscribe order.
	ActivityOrderNotify Activity = "orderNotify"
	// ActivityGetLicenseAsync applies for a License, possibly answered later.
	ActivityGetLicenseAsync Activity = "getLicenseAsync"
)

// Activities returns every activity, in the order the specification lists them.
func Activities() []Activity {
	return []Activity{
		ActivityNewInstance, ActivityQueryInstance, ActivityRefreshInstance,
		ActivityUpdateInstanceStatus, ActivityReleaseInstance, ActivityUpgradeInstance,
		ActivityOrderNotify, ActivityGetLicenseAsync,
	}
}

// Known reports whether a is one of the specified activities.
func (a Activity) Known() bool {
	for _, k := range Activities() {
		if a == k {
			return true
		}
	}
	return false
}

// Scene says why a refreshInstance call changes an instance's validity.
type Scene string

// The refreshInstance scenes.
const (
	// SceneTrialToFormal turns a trial into a paid (formal) subscription.
	SceneTrialToFormal Scene = "TRIAL_TO_FORMAL"
	// SceneRenewal extends the validity after a renewal order.
	SceneRenewal Scene = "RENEWAL"
	// SceneUnsubscribeRenewalPeriod shortens the validity after a renewal is unsubscribed.
	SceneUnsubscribeRenewalPeriod Scene = "UNSUBSCRIBE_RENEWAL_PERIOD"
	// SceneRenewalChange changes the validity after a renewal is changed.
	SceneRenewalChange Scene = "RENEWAL_CHANGE"
)

// Scenes returns every refreshInstance scene.
func Scenes() []Scene {
	return []Scene{SceneTrialToFormal, SceneRenewal, SceneUnsubscribeRenewalPeriod, SceneRenewalChange}
}

// Known reports whether s is one of the specified scenes.
func (s Scene) Known() bool {
	for _, k := range Scenes() {
		if s == k {
			return true
		}
	}
	return false
}

// InstanceStatus is the target state of an updateInstanceStatus call.
type InstanceStatus string

// The updateInstanceStatus states.
const (
	// StatusFreeze freezes an instance (expiry or arrears); the seller keeps its data.
	StatusFreeze InstanceStatus = "FREEZE"
	// StatusUnfreeze makes a frozen instance usable again.
	StatusUnfreeze InstanceStatus = "UNFREEZE"
)

// InstanceStatuses returns every updateInstanceStatus state.
func InstanceStatuses() []InstanceStatus { return []InstanceStatus{StatusFreeze, StatusUnfreeze} }

// Known reports whether s is one of the specified updateInstanceStatus states.
func (s InstanceStatus) Known() bool {
	for _, k := range InstanceStatuses() {
		if s == k {
			return true
		}
	}
	return false
}

// Values of the testFlag request field.
const (
	// TestFlagDebug ("1") marks a debug call from the interface-debugging page.
	TestFlagDebug = "1"
	// TestFlagReal ("0", or the field absent) marks a real order.
	TestFlagReal = "0"
)

// MaxQueryInstances is the largest number of comma-separated ids a queryInstance carries.
const MaxQueryInstances = 100
