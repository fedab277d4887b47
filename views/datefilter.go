package views

import (
	"strings"
	"time"

	"koogallery/chinatime"
)

// ParseLocalDate reads a date typed as YYYY-MM-DD in the user's zone and returns the UTC
// instant that day starts; ok is false for anything else.
func ParseLocalDate(s string) (time.Time, bool) {
	t, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(s), chinatime.Zone)
	if err != nil || t.Year() < 2000 || t.Year() > 2999 {
		return time.Time{}, false
	}
	return t.UTC(), true
}

// FormatTimeSec shows a stored UTC time in the user's zone with seconds.
func FormatTimeSec(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(chinatime.Zone).Format("2006-01-02 15:04:05")
}
