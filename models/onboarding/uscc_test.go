package onboarding

import "testing"

func TestUSCC(t *testing.T) {
	for _, tc := range []struct {
		code        string
		shape, good bool
	}{
		{"91350100M000100Y43", true, true}, // the standard's own example
		{"91110108MA01C3QX55", true, true},
		{"91310115MA1K4B2L3T", true, true},
		{"91350100M000100Y44", true, false}, // wrong check character
		{"91350100M000100Y4", false, false}, // 17 characters
		{"91350100M000100Y43X", false, false},
		{"91350100I000100Y43", false, false}, // I is not in the alphabet
		{"91350100m000100y43", false, false}, // not normalised
		{"９1350100M000100Y43", false, false}, // a full-width digit
		{"", false, false},
	} {
		if got := USCCShape(tc.code); got != tc.shape {
			t.Errorf("USCCShape(%q) = %v, want %v", tc.code, got, tc.shape)
		}
		if got := USCCValid(tc.code); got != tc.good {
			t.Errorf("USCCValid(%q) = %v, want %v", tc.code, got, tc.good)
		}
	}
	if got := NormalizeUSCC(" 91350100m000100y43 "); got != "91350100M000100Y43" || !USCCValid(got) {
		t.Errorf("NormalizeUSCC = %q", got)
	}
}
