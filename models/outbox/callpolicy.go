package outbox

import (
	"time"

	"koogallery/models/catalog"
	"koogallery/protocol"
)

// RetryPolicy is how an activity's call is retried: every Every until Window after the first
// attempt; while the seller answers 000004 it is polled every Poll.
type RetryPolicy struct {
	Every  time.Duration
	Window time.Duration
	Poll   time.Duration
}

// licensePolicyKind suffixes the policy key of an activity's calls for License products.
const licensePolicyKind = ":license"

// policyKey is the key of an activity's retry policy: its name, and for License products
// its name with ":license" (the keys of SetPolicy and the call-retry configuration).
func policyKey(a protocol.Activity, license bool) string {
	if license {
		return string(a) + licensePolicyKind
	}
	return string(a)
}

// DefaultPolicies follow the platform's rules: a new purchase (and an upgrade) about hourly
// for 3 h, License creation and status changes every 2 min for 2 h, order notifications for
// 3 h, renewal, expiry and release for 1 h.
var DefaultPolicies = map[string]RetryPolicy{
	policyKey(protocol.ActivityNewInstance, false):          {Every: time.Hour, Window: 3 * time.Hour, Poll: time.Minute},
	policyKey(protocol.ActivityNewInstance, true):           {Every: 2 * time.Minute, Window: 2 * time.Hour, Poll: time.Minute},
	policyKey(protocol.ActivityUpgradeInstance, false):      {Every: time.Hour, Window: 3 * time.Hour, Poll: time.Minute},
	policyKey(protocol.ActivityOrderNotify, false):          {Every: 30 * time.Minute, Window: 3 * time.Hour, Poll: time.Minute},
	policyKey(protocol.ActivityRefreshInstance, false):      {Every: 15 * time.Minute, Window: time.Hour, Poll: time.Minute},
	policyKey(protocol.ActivityRefreshInstance, true):       {Every: 2 * time.Minute, Window: 2 * time.Hour, Poll: time.Minute},
	policyKey(protocol.ActivityUpdateInstanceStatus, false): {Every: 15 * time.Minute, Window: time.Hour, Poll: time.Minute},
	policyKey(protocol.ActivityUpdateInstanceStatus, true):  {Every: 2 * time.Minute, Window: 2 * time.Hour, Poll: time.Minute},
	policyKey(protocol.ActivityReleaseInstance, false):      {Every: 15 * time.Minute, Window: time.Hour, Poll: time.Minute},
	policyKey(protocol.ActivityGetLicenseAsync, false):      {Every: 2 * time.Minute, Window: 2 * time.Hour, Poll: time.Minute},
}

// Policy is the retry policy of an activity for a product type (License products have their own).
func (s *Store) Policy(activity protocol.Activity, t catalog.ProductType) RetryPolicy {
	if t == catalog.TypeLicense {
		if p, ok := s.policies[policyKey(activity, true)]; ok {
			return p
		}
	}
	if p, ok := s.policies[policyKey(activity, false)]; ok {
		return p
	}
	return RetryPolicy{Every: 15 * time.Minute, Window: time.Hour, Poll: time.Minute}
}

// SetPolicy overrides an activity's retry policy ("newInstance", or "newInstance:license" for
// License products).
func (s *Store) SetPolicy(key string, p RetryPolicy) { s.policies[key] = p }

// Retention is how long a frozen (expired) instance keeps its data before it is released.
const Retention = 15 * 24 * time.Hour
