package protocol

import "testing"

func TestResultCodes(t *testing.T) {
	codes := ResultCodes()
	if len(codes) != 18 || codes[0] != ResultSuccess || codes[len(codes)-1] != ResultLicenseNeedsFingerprint {
		t.Fatalf("codes = %v", codes)
	}
	seen := map[string]bool{}
	for _, c := range codes {
		if len(c) != 6 || !isDigits(c) || seen[c] {
			t.Errorf("bad or repeated code %q", c)
		}
		seen[c] = true
		zh, ok1 := ResultMeaning(c, "zh-CN")
		en, ok2 := ResultMeaning(c, "en")
		if !ok1 || !ok2 || zh == "" || en == "" || zh == en {
			t.Errorf("%s: zh %q en %q", c, zh, en)
		}
	}
	if m, _ := ResultMeaning(ResultAuthFailed, "zh"); m != "鉴权失败" {
		t.Errorf("000001 zh = %q", m)
	}
	if m, _ := ResultMeaning(ResultProcessing, "EN-us"); m != "still processing" {
		t.Errorf("000004 en = %q", m)
	}
	if _, ok := ResultMeaning("000006", "en"); ok || KnownResult("000006") || !KnownResult("000903") {
		t.Error("000006 must be unknown and 000903 known")
	}
}
