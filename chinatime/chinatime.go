// Package chinatime is the marketplace's one time zone: times are stored in UTC and shown in
// China Standard Time (UTC+8, no daylight saving, so a fixed zone is exact and needs no tz
// database). It imports nothing of ours.
package chinatime

import "time"

// Zone is China Standard Time.
var Zone = time.FixedZone("UTC+8", 8*3600)

// In is t in China.
func In(t time.Time) time.Time { return t.In(Zone) }
