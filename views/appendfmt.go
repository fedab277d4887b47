package views

import (
	"time"

	"koogallery/chinatime"
)

// Append forms of the formatters for pages that write their rows by hand (the buyer's order
// and service lists, views/console/rows.go): they append to a buffer instead of allocating a
// string per cell, and avoid fmt. Each gives exactly what its string form gives (tests). An
// amount appends itself: money.Fen(x).Append.

// AppendTime appends FormatTime(t).
func AppendTime(dst []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(dst, "—"...)
	}
	return chinatime.AppendDateTime(dst, t)
}

// AppendDate appends FormatDate(t).
func AppendDate(dst []byte, t *time.Time) []byte {
	if t == nil || t.IsZero() {
		return append(dst, "—"...)
	}
	return chinatime.AppendDate(dst, *t)
}

// AppendEscaped appends s escaped for HTML text and attribute values, as templ (and
// html.EscapeString) escape it.
func AppendEscaped(dst []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '\'':
			esc = "&#39;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '"':
			esc = "&#34;"
		default:
			continue
		}
		dst = append(append(dst, s[last:i]...), esc...)
		last = i + 1
	}
	return append(dst, s[last:]...)
}
