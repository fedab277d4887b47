package seller

import (
	"sort"
	"strings"
)

func boolAttr(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// headerLines shows headers one per line, sorted by name.
func headerLines(h map[string]string) string {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, k := range names {
		b.WriteString(k + ": " + h[k] + "\n")
	}
	return b.String()
}
