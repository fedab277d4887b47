// Package chinatime is the marketplace's one time zone and its written forms: times are stored
// in UTC and shown, typed and grouped by month in China Standard Time (UTC+8, no daylight
// saving, so a fixed zone is exact and needs no tz database). It imports nothing of ours.
package chinatime

import (
	"strings"
	"time"
)

// OffsetHours is China Standard Time's offset from UTC (for SQL that groups by the local day
// or month).
const OffsetHours = 8

// Zone is China Standard Time.
var Zone = time.FixedZone("UTC+8", OffsetHours*3600)

// The layouts times are shown and typed in, all read in Zone.
const (
	// DateTimeLayout is how pages show a time: 2026-03-05 14:30.
	DateTimeLayout = "2006-01-02 15:04"
	// SecondsLayout shows a time to the second: 2026-03-05 14:30:59.
	SecondsLayout = "2006-01-02 15:04:05"
	// MillisLayout shows a time to the millisecond, for call timings: 2026-03-05 14:30:59.123.
	MillisLayout = "2006-01-02 15:04:05.000"
	// DateLayout is a day, as pages show it and as an <input type="date"> sends it: 2026-03-05.
	DateLayout = "2006-01-02"
	// MonthLayout is a calendar month (a settlement period's key and URL form): 2026-03.
	MonthLayout = "2006-01"
	// InputLayout is what an <input type="datetime-local"> sends and shows: 2026-03-05T14:30.
	InputLayout = "2006-01-02T15:04"
)

// In is t in China.
func In(t time.Time) time.Time { return t.In(Zone) }

// DateTime shows t in China to the minute (DateTimeLayout).
func DateTime(t time.Time) string { return t.In(Zone).Format(DateTimeLayout) }

// AppendDateTime appends DateTime's form to dst (for rows written by hand).
func AppendDateTime(dst []byte, t time.Time) []byte {
	return t.In(Zone).AppendFormat(dst, DateTimeLayout)
}

// Seconds shows t in China to the second (SecondsLayout).
func Seconds(t time.Time) string { return t.In(Zone).Format(SecondsLayout) }

// Millis shows t in China to the millisecond (MillisLayout).
func Millis(t time.Time) string { return t.In(Zone).Format(MillisLayout) }

// Date shows the day t falls on in China (DateLayout).
func Date(t time.Time) string { return t.In(Zone).Format(DateLayout) }

// AppendDate appends Date's form to dst.
func AppendDate(dst []byte, t time.Time) []byte { return t.In(Zone).AppendFormat(dst, DateLayout) }

// Month is the calendar month t falls in, in China (MonthLayout).
func Month(t time.Time) string { return t.In(Zone).Format(MonthLayout) }

// MonthStart is the first instant of a calendar month in China, in UTC. A month beyond 1..12
// rolls over into the neighbouring years (time.Date's normalisation), so MonthStart(y, m+1) is
// the month's end.
func MonthStart(year int, month time.Month) time.Time {
	return time.Date(year, month, 1, 0, 0, 0, 0, Zone).UTC()
}

// YearStart is the first instant of t's calendar year in China, in UTC.
func YearStart(t time.Time) time.Time { return MonthStart(t.In(Zone).Year(), time.January) }

// ParseDate reads a day typed as YYYY-MM-DD (an <input type="date">) in China and returns the
// UTC instant it starts; ok is false for anything else, or a year outside 2000..2999.
func ParseDate(s string) (time.Time, bool) {
	t, err := time.ParseInLocation(DateLayout, strings.TrimSpace(s), Zone)
	if err != nil || t.Year() < 2000 || t.Year() > 2999 {
		return time.Time{}, false
	}
	return t.UTC(), true
}

// ParseDateTime reads a time typed in China as an <input type="datetime-local"> sends it
// (YYYY-MM-DDTHH:MM, with or without seconds) or as pages show it (YYYY-MM-DD HH:MM), and
// returns it in UTC; ok is false for anything else, or a year outside 2000..2999.
func ParseDateTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{InputLayout, "2006-01-02T15:04:05", DateTimeLayout} {
		if t, err := time.ParseInLocation(layout, s, Zone); err == nil && t.Year() >= 2000 && t.Year() < 3000 {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// ParseMonth reads a calendar month typed as YYYY-MM; ok is false for anything else, or a year
// outside 2000..9999.
func ParseMonth(s string) (year int, month time.Month, ok bool) {
	t, err := time.ParseInLocation(MonthLayout, strings.TrimSpace(s), Zone)
	if err != nil || t.Year() < 2000 || t.Year() > 9999 {
		return 0, 0, false
	}
	return t.Year(), t.Month(), true
}
