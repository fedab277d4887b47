package i18n

import (
	"sort"
	"strings"
	"testing"
)

// Every key exists in every language, with the same format verbs.
func TestCatalogsComplete(t *testing.T) {
	for _, k := range Keys(ZH) {
		if !Has(EN, k) {
			t.Errorf("en lacks %q", k)
			continue
		}
		if a, b := verbs(T(ZH, k)), verbs(T(EN, k)); a != b {
			t.Errorf("%q: zh verbs %q, en verbs %q", k, a, b)
		}
	}
	for _, k := range Keys(EN) {
		if !Has(ZH, k) {
			t.Errorf("zh lacks %q", k)
		}
	}
}

func verbs(s string) string {
	var out []string
	for i := 0; i < len(s)-1; i++ {
		if s[i] == '%' {
			out = append(out, s[i:i+2])
			i++
		}
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

func TestNormalizeAndFallback(t *testing.T) {
	for in, want := range map[string]string{"zh-CN": ZH, "en-US": EN, "EN": EN, "fr": "", "": ""} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
	if got := T(EN, "no.such.key"); got != "no.such.key" {
		t.Errorf("missing key shows %q", got)
	}
}
