package web

import (
	"strings"
	"testing"
)

func TestSafeNext(t *testing.T) {
	cases := map[string]string{
		"":                             "",
		"/":                            "/",
		"/console/services":            "/console/services",
		"/console/orders?page=2#top":   "/console/orders?page=2#top",
		"/products/1?lang=en":          "/products/1?lang=en",
		"//evil.test":                  "",
		"//evil.test/console":          "",
		"///evil.test":                 "",
		"https://evil.test":            "",
		"http://evil.test/x":           "",
		"HTTPS://evil.test":            "",
		"http:evil.test":               "",
		"http:/evil.test":              "",
		`\\evil.test`:                  "",
		`\/evil.test`:                  "",
		`/\evil.test`:                  "",
		`/\/evil.test`:                 "",
		"/\t/evil.test":                "",
		"/\n/evil.test":                "",
		"/\r\nSet-Cookie: x=1":         "",
		"javascript:alert(1)":          "",
		"JavaScript:alert(1)":          "",
		"data:text/html,<script>":      "",
		"console/services":             "",
		" /console":                    "",
		"evil.test":                    "",
		"?next=//evil.test":            "",
		"#//evil.test":                 "",
		"/" + strings.Repeat("a", 600): "",
	}
	for in, want := range cases {
		if got := SafeNext(in); got != want {
			t.Errorf("SafeNext(%q) = %q, want %q", in, got, want)
		}
	}
}
