package components

import (
	"html"

	"koogallery/views"
)

// badgeOpen is a badge's opening tag. Badges fill every list row, so the tag is built as one
// string rather than through templ's per-attribute machinery; the tone is one of a fixed set
// and the status value is escaped.
func badgeOpen(value string) string {
	return `<span class="badge badge-` + views.StatusTone(value) + `" data-status="` + html.EscapeString(value) + `">`
}
