package outbox

import (
	"encoding/json"
	"time"

	"koogallery/models/catalog"
)

// RetryPolicy is how an activity's call is retried: every Every until Window after the first
// attempt; while the seller answers 000004 it is polled every Poll.
type RetryPolicy struct {
	Every  time.Duration
	Window time.Duration
	Poll   time.Duration
}

// Activities of the production interface, as the outbox names them.
const (
	ActNewInstance    = "newInstance"
	ActQueryInstance  = "queryInstance"
	ActRefresh        = "refreshInstance"
	ActUpdateStatus   = "updateInstanceStatus"
	ActRelease        = "releaseInstance"
	ActUpgrade        = "upgradeInstance"
	ActOrderNotify    = "orderNotify"
	ActGetLicense     = "getLicenseAsync"
	licensePolicyKind = ":license"
)

// DefaultPolicies follow the platform's rules: a new purchase (and an upgrade) about hourly
// for 3 h, License creation and status changes every 2 min for 2 h, order notifications for
// 3 h, renewal, expiry and release for 1 h.
var DefaultPolicies = map[string]RetryPolicy{
	ActNewInstance:                      {Every: time.Hour, Window: 3 * time.Hour, Poll: time.Minute},
	ActNewInstance + licensePolicyKind:  {Every: 2 * time.Minute, Window: 2 * time.Hour, Poll: time.Minute},
	ActUpgrade:                          {Every: time.Hour, Window: 3 * time.Hour, Poll: time.Minute},
	ActOrderNotify:                      {Every: 30 * time.Minute, Window: 3 * time.Hour, Poll: time.Minute},
	ActRefresh:                          {Every: 15 * time.Minute, Window: time.Hour, Poll: time.Minute},
	ActRefresh + licensePolicyKind:      {Every: 2 * time.Minute, Window: 2 * time.Hour, Poll: time.Minute},
	ActUpdateStatus:                     {Every: 15 * time.Minute, Window: time.Hour, Poll: time.Minute},
	ActUpdateStatus + licensePolicyKind: {Every: 2 * time.Minute, Window: 2 * time.Hour, Poll: time.Minute},
	ActRelease:                          {Every: 15 * time.Minute, Window: time.Hour, Poll: time.Minute},
	ActGetLicense:                       {Every: 2 * time.Minute, Window: 2 * time.Hour, Poll: time.Minute},
}

// Policy is the retry policy of an activity for a product type (License products have their own).
func (s *Store) Policy(activity string, t catalog.ProductType) RetryPolicy {
	if t == catalog.TypeLicense {
		if p, ok := s.policies[activity+licensePolicyKind]; ok {
			return p
		}
	}
	if p, ok := s.policies[activity]; ok {
		return p
	}
	return RetryPolicy{Every: 15 * time.Minute, Window: time.Hour, Poll: time.Minute}
}

// SetPolicy overrides an activity's retry policy ("newInstance", or "newInstance:license" for
// License products).
func (s *Store) SetPolicy(key string, p RetryPolicy) { s.policies[key] = p }

// Retention is how long a frozen (expired) instance keeps its data before it is released.
const Retention = 15 * 24 * time.Hour

// callBody builds a request body: activity first, then the fields in order, then testFlag.
func CallBody(activity string, fields ...string) string {
	b := []byte(`{"activity":`)
	b, _ = appendJSON(b, activity)
	for i := 0; i+1 < len(fields); i += 2 {
		if fields[i+1] == "" {
			continue
		}
		b = append(b, ',')
		b, _ = appendJSON(b, fields[i])
		b = append(b, ':')
		b, _ = appendJSON(b, fields[i+1])
	}
	return string(append(b, `,"testFlag":"0"}`...))
}

func appendJSON(b []byte, v string) ([]byte, error) {
	out, err := json.Marshal(v)
	return append(b, out...), err
}
