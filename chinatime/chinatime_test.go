package chinatime

import (
	"testing"
	"time"
)

func TestFormats(t *testing.T) {
	// 2026-12-31 16:00:00.123 UTC is the first instant of 2027 in China.
	at := time.Date(2026, 12, 31, 16, 0, 0, 123_000_000, time.UTC)
	for _, tc := range []struct{ name, got, want string }{
		{"DateTime", DateTime(at), "2027-01-01 00:00"},
		{"AppendDateTime", string(AppendDateTime([]byte("x"), at)), "x2027-01-01 00:00"},
		{"Seconds", Seconds(at), "2027-01-01 00:00:00"},
		{"Millis", Millis(at), "2027-01-01 00:00:00.123"},
		{"Date", Date(at), "2027-01-01"},
		{"AppendDate", string(AppendDate([]byte("x"), at)), "x2027-01-01"},
		{"Month", Month(at), "2027-01"},
		{"Month before", Month(at.Add(-time.Nanosecond - 123_000_000)), "2026-12"},
		{"DateTime from another zone", DateTime(time.Date(2027, 1, 1, 0, 0, 0, 0, time.FixedZone("x", -5*3600))), "2027-01-01 13:00"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %q, want %q", tc.name, tc.got, tc.want)
		}
	}
	if got := In(at); got.Year() != 2027 || got.Hour() != 0 {
		t.Errorf("In = %v", got)
	}
}

func TestMonthAndYearStarts(t *testing.T) {
	for _, tc := range []struct {
		got, want time.Time
	}{
		{MonthStart(2026, time.March), time.Date(2026, 2, 28, 16, 0, 0, 0, time.UTC)},
		{MonthStart(2026, 13), time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC)}, // rolls over
		{MonthStart(2026, 0), time.Date(2025, 11, 30, 16, 0, 0, 0, time.UTC)},
		{YearStart(time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC)), time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC)},
		{YearStart(time.Date(2026, 12, 31, 15, 59, 59, 0, time.UTC)), time.Date(2025, 12, 31, 16, 0, 0, 0, time.UTC)},
	} {
		if !tc.got.Equal(tc.want) || tc.got.Location() != time.UTC {
			t.Errorf("got %v, want %v (UTC)", tc.got, tc.want)
		}
	}
}

func TestParse(t *testing.T) {
	utc := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, time.UTC) }
	for _, tc := range []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2026-03-01", utc(2026, 2, 28, 16, 0), true},
		{" 2026-03-01 ", utc(2026, 2, 28, 16, 0), true},
		{"2026-3-1", time.Time{}, false},
		{"1999-12-31", time.Time{}, false},
		{"3000-01-01", time.Time{}, false},
		{"<script>", time.Time{}, false},
		{"", time.Time{}, false},
	} {
		if got, ok := ParseDate(tc.in); ok != tc.ok || !got.Equal(tc.want) {
			t.Errorf("ParseDate(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
	for _, tc := range []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2026-03-01T08:30", utc(2026, 3, 1, 0, 30), true}, // what a datetime-local input sends
		{"2026-03-01T08:30:15", utc(2026, 3, 1, 0, 30).Add(15 * time.Second), true},
		{"2026-03-01 08:30", utc(2026, 3, 1, 0, 30), true}, // as pages show it
		{" 2026-03-01T08:30 ", utc(2026, 3, 1, 0, 30), true},
		{"2026-03-01", time.Time{}, false},
		{"1999-03-01T08:30", time.Time{}, false},
		{"<script>", time.Time{}, false},
	} {
		if got, ok := ParseDateTime(tc.in); ok != tc.ok || !got.Equal(tc.want) {
			t.Errorf("ParseDateTime(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
	for _, tc := range []struct {
		in string
		y  int
		m  time.Month
		ok bool
	}{
		{"2026-03", 2026, time.March, true},
		{" 2026-12 ", 2026, time.December, true},
		{"9999-01", 9999, time.January, true},
		{"2026-13", 0, 0, false},
		{"2026-3", 0, 0, false},
		{"1999-12", 0, 0, false},
		{"2026-03-01", 0, 0, false},
		{"", 0, 0, false},
	} {
		if y, m, ok := ParseMonth(tc.in); y != tc.y || m != tc.m || ok != tc.ok {
			t.Errorf("ParseMonth(%q) = %d, %v, %v; want %d, %v, %v", tc.in, y, m, ok, tc.y, tc.m, tc.ok)
		}
	}
	// What Month writes, ParseMonth reads, and MonthStart is where it begins.
	at := time.Date(2026, 5, 31, 17, 0, 0, 0, time.UTC) // June 1st in China
	if y, m, ok := ParseMonth(Month(at)); !ok || !MonthStart(y, m).Equal(time.Date(2026, 5, 31, 16, 0, 0, 0, time.UTC)) {
		t.Errorf("ParseMonth(Month(%v)) = %d, %v, %v", at, y, m, ok)
	}
}
