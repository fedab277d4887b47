package views

import (
	"html"
	"testing"
	"time"
)

// The append forms give exactly what the string forms give.
func TestAppendFormattersMatch(t *testing.T) {
	times := []time.Time{{}, time.Date(2026, 11, 27, 15, 59, 59, 0, time.UTC), time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC),
		time.Date(2027, 1, 1, 0, 0, 0, 0, time.FixedZone("x", -5*3600))}
	for _, tm := range times {
		if got, want := string(AppendTime(nil, tm)), FormatTime(tm); got != want {
			t.Errorf("AppendTime(%v) = %q, want %q", tm, got, want)
		}
		if got, want := string(AppendDate(nil, &tm)), FormatDate(&tm); got != want {
			t.Errorf("AppendDate(%v) = %q, want %q", tm, got, want)
		}
	}
	if got := string(AppendDate(nil, nil)); got != FormatDate(nil) {
		t.Errorf("AppendDate(nil) = %q", got)
	}
	for _, s := range []string{"", "plain", `<script>alert('x')</script>`, `a & b "c" <d> 'e'`, "云数据库 <专业版>", "&&", "<", "trailing&"} {
		if got, want := string(AppendEscaped([]byte("x"), s)), "x"+html.EscapeString(s); got != want {
			t.Errorf("AppendEscaped(%q) = %q, want %q", s, got, want)
		}
	}
}
