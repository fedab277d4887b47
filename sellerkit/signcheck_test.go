package sellerkit

import (
	"strings"
	"testing"
	"time"
)

// The spec's v2 test vector (§2.4).
const (
	vecKey   = "exampleAccessKey123"
	vecBody  = `{"activity":"newInstance","orderId":"CS1906666688ABCDE","orderLineId":"CS1906666688ABCDE-000001","businessId":"b-1","testFlag":"1"}`
	vecNonce = "4d1e5b1c2a3f4e5d6c7b8a9f0e1d2c3b"
	vecTS    = "1700000000000"
	vecInner = "27174ca037ea18b87c764d3304091cb84d209e4567df331d879dc6877d6d4af7"
	vecSig   = "5ae85f3c69956b305968c77264a5cb0e0aaed8f6030a9c6e6169305046f74a68"
)

func TestParseSignedURL(t *testing.T) {
	for _, raw := range []string{
		"https://api.example.com/produce?a=1&signature=" + vecSig + "&timestamp=" + vecTS + "&nonce=" + vecNonce,
		"/produce?a=1&signature=" + vecSig + "&timestamp=" + vecTS + "&nonce=" + vecNonce,
		"a=1&signature=" + vecSig + "&timestamp=" + vecTS + "&nonce=" + vecNonce,
	} {
		p, ok := ParseSignedURL(raw)
		if !ok || p.Signature != vecSig || p.Timestamp != vecTS || p.Nonce != vecNonce || len(p.Missing) != 0 {
			t.Errorf("%s: %+v ok=%v", raw, p, ok)
		}
		if len(p.Other) != 1 || p.Other[0] != [2]string{"a", "1"} {
			t.Errorf("%s: other params %v", raw, p.Other)
		}
	}
	p, ok := ParseSignedURL("https://api.example.com/produce?nonce=abc")
	if !ok || strings.Join(p.Missing, ",") != "signature,timestamp" {
		t.Errorf("missing = %v ok=%v", p.Missing, ok)
	}
	if _, ok := ParseSignedURL("https://api.example.com/p?signature=%zz"); ok {
		t.Error("a malformed escape parses")
	}
	if _, ok := ParseSignedURL("   "); ok {
		t.Error("an empty URL parses")
	}
}

func TestCheckSignatureVector(t *testing.T) {
	p, _ := ParseSignedURL("https://x.example.com/?signature=" + strings.ToUpper(vecSig) + "&timestamp=" + vecTS + "&nonce=" + vecNonce)
	now := time.UnixMilli(1700000000000 + 12_000)
	c := CheckSignature(p, []byte(vecBody), vecKey, now)
	if c.Inner != vecInner || c.Expected != vecSig {
		t.Fatalf("inner %s expected %s", c.Inner, c.Expected)
	}
	if !c.Match || !c.CaseDiffers || c.FirstDiff != 0 {
		t.Errorf("match=%v caseDiffers=%v firstDiff=%d", c.Match, c.CaseDiffers, c.FirstDiff)
	}
	if c.Canonical != "••••y123"+vecNonce+vecTS+vecInner || strings.Contains(c.Canonical, vecKey) {
		t.Errorf("canonical %q", c.Canonical)
	}
	if !c.TimestampValid || !c.InWindow || c.Age != 12*time.Second || !c.NonceValid {
		t.Errorf("timestamp valid=%v window=%v age=%s nonce=%v", c.TimestampValid, c.InWindow, c.Age, c.NonceValid)
	}

	// One wrong character at position 10; a stale timestamp; a short nonce.
	bad := []byte(vecSig)
	bad[9] = 'f'
	if bad[9] == vecSig[9] {
		bad[9] = '0'
	}
	p.Signature = string(bad)
	c = CheckSignature(p, []byte(vecBody), vecKey, now.Add(2*time.Minute))
	if c.Match || c.FirstDiff != 10 || c.InWindow {
		t.Errorf("match=%v firstDiff=%d window=%v", c.Match, c.FirstDiff, c.InWindow)
	}
	p.Nonce = "short"
	if c = CheckSignature(p, []byte(vecBody), vecKey, now); c.NonceValid {
		t.Error("a 5-character nonce is valid")
	}
}

func TestCheckSignatureFindsBodyVariant(t *testing.T) {
	p := SignedParams{Signature: vecSig, Timestamp: vecTS, Nonce: vecNonce}
	c := CheckSignature(p, []byte(vecBody+"\n"), vecKey, time.UnixMilli(1700000000000))
	if c.Match || c.BodyVariant != "trimmed" {
		t.Errorf("match=%v variant=%q", c.Match, c.BodyVariant)
	}
	p.Timestamp = "1700000000"
	c = CheckSignature(p, []byte(vecBody), vecKey, time.UnixMilli(1700000000000))
	if c.TimestampValid || !c.TimestampSeconds {
		t.Errorf("10-digit timestamp: valid=%v seconds=%v", c.TimestampValid, c.TimestampSeconds)
	}
}

func TestFirstDifference(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{{"abc", "ABC", 0}, {"abc", "abd", 3}, {"ab", "abc", 3}, {"", "a", 1}, {"x", "y", 1}} {
		if got := FirstDifference(tc.a, tc.b); got != tc.want {
			t.Errorf("FirstDifference(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
