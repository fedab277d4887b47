package sellerkit

import (
	"bytes"
	"net/url"
	"strconv"
	"strings"
	"time"

	"koogallery/protocol"
)

// MaxSignatureBody caps the body the signature tool accepts (the platform's bodies are a few
// hundred bytes).
const MaxSignatureBody = 64 << 10

// SignedParams are the v2 signature parameters read from a URL a seller received, with the
// URL's other query parameters.
type SignedParams struct {
	Signature, Timestamp, Nonce string
	// Other are the remaining query parameters, in the order they appeared.
	Other [][2]string
	// Missing names the signature parameters absent or empty.
	Missing []string
}

// ParseSignedURL reads the signature parameters from a full URL, a request URI
// (/path?…) or a bare query string (signature=…&…). ok is false when it cannot be parsed at all.
func ParseSignedURL(raw string) (SignedParams, bool) {
	raw = strings.TrimSpace(raw)
	var p SignedParams
	if raw == "" {
		return p, false
	}
	query := raw
	if i := strings.IndexByte(raw, '?'); i >= 0 {
		u, err := url.Parse(raw)
		if err != nil {
			return p, false
		}
		query = u.RawQuery
	} else if strings.Contains(raw, "://") || strings.HasPrefix(raw, "/") {
		query = "" // a URL without any query: every parameter is missing
	}
	for _, part := range strings.Split(query, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		name, err1 := url.QueryUnescape(k)
		value, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			return p, false
		}
		switch name {
		case protocol.ParamSignature:
			p.Signature = value
		case protocol.ParamTimestamp:
			p.Timestamp = value
		case protocol.ParamNonce:
			p.Nonce = value
		default:
			p.Other = append(p.Other, [2]string{name, value})
		}
	}
	for _, m := range [][2]string{{protocol.ParamSignature, p.Signature}, {protocol.ParamTimestamp, p.Timestamp}, {protocol.ParamNonce, p.Nonce}} {
		if m[1] == "" {
			p.Missing = append(p.Missing, m[0])
		}
	}
	return p, true
}

// SignatureCheck is the signature tool's account of one received call, step by step.
type SignatureCheck struct {
	Params    SignedParams
	BodyBytes int
	// Inner is hex(HMAC-SHA256(accessKey, body)).
	Inner string
	// MaskedKey is the access key as shown: •••• and its last 4 characters.
	MaskedKey string
	// Canonical is accessKey + nonce + timestamp + inner with the key masked.
	Canonical string
	Expected  string
	// Match: the received signature equals the expected one, ignoring hex case.
	Match bool
	// CaseDiffers: it matches only when case is ignored (fine: receivers compare ignoring case).
	CaseDiffers bool
	// FirstDiff is the 1-based position of the first character that differs (ignoring case);
	// 0 when they match.
	FirstDiff int

	// TimestampValid: 13 digits of epoch milliseconds.
	TimestampValid bool
	// TimestampSeconds: 10 digits, looks like epoch seconds.
	TimestampSeconds bool
	SignedAt         time.Time
	// Age is how long before now the call was signed (negative: in the future).
	Age time.Duration
	// InWindow: within ±60 s of now.
	InWindow bool
	// NonceValid: 16 to 32 characters [A-Za-z0-9].
	NonceValid bool

	// BodyVariant names a change to the pasted body under which the signature does match:
	// "trimmed" (surrounding whitespace removed), "lf" (CRLF line breaks as LF) or "crlf".
	BodyVariant string
}

// CheckSignature recomputes the v2 signature of a received call with accessKey and compares
// it with the one the call carried.
func CheckSignature(p SignedParams, body []byte, accessKey string, now time.Time) SignatureCheck {
	c := SignatureCheck{Params: p, BodyBytes: len(body), MaskedKey: MaskSecret(accessKey)}
	c.Inner = protocol.BodyHash(accessKey, body)
	c.Canonical = c.MaskedKey + p.Nonce + p.Timestamp + c.Inner
	c.Expected = protocol.SignV2(accessKey, body, p.Nonce, p.Timestamp)
	c.Match = protocol.EqualHex(p.Signature, c.Expected)
	c.CaseDiffers = c.Match && p.Signature != c.Expected
	if !c.Match {
		c.FirstDiff = FirstDifference(p.Signature, c.Expected)
		c.BodyVariant = matchingVariant(p, body, accessKey)
	}

	ts := p.Timestamp
	digits := ts != "" && strings.Trim(ts, "0123456789") == ""
	c.TimestampValid = digits && len(ts) == 13
	c.TimestampSeconds = digits && len(ts) == 10
	if c.TimestampValid {
		ms, _ := strconv.ParseInt(ts, 10, 64)
		c.SignedAt = time.UnixMilli(ms).UTC()
		c.Age = now.Sub(c.SignedAt)
		c.InWindow = c.Age <= protocol.MaxClockSkew && c.Age >= -protocol.MaxClockSkew
	}
	n := p.Nonce
	c.NonceValid = len(n) >= protocol.MinNonceLength && len(n) <= protocol.MaxNonceLength && strings.Trim(n, alnumChars) == ""
	return c
}

const alnumChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// matchingVariant tries the usual copy-and-paste changes to a body and names the one under
// which the signature matches ("" when none does).
func matchingVariant(p SignedParams, body []byte, accessKey string) string {
	variants := []struct {
		name string
		body []byte
	}{
		{"trimmed", bytes.TrimSpace(body)},
		{"lf", bytes.ReplaceAll(body, []byte("\r\n"), []byte("\n"))},
		{"crlf", bytes.ReplaceAll(bytes.ReplaceAll(body, []byte("\r\n"), []byte("\n")), []byte("\n"), []byte("\r\n"))},
	}
	for _, v := range variants {
		if bytes.Equal(v.body, body) {
			continue
		}
		if protocol.EqualHex(p.Signature, protocol.SignV2(accessKey, v.body, p.Nonce, p.Timestamp)) {
			return v.name
		}
	}
	return ""
}

// SignatureMatches reports whether a received call's signature was made with accessKey.
func SignatureMatches(p SignedParams, body []byte, accessKey string) bool {
	return protocol.EqualHex(p.Signature, protocol.SignV2(accessKey, body, p.Nonce, p.Timestamp))
}

// FirstDifference is the 1-based position of the first character where a and b differ,
// ignoring ASCII case; when one is a prefix of the other, the position just past the
// shorter; 0 when they are equal.
func FirstDifference(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if lowerASCII(a[i]) != lowerASCII(b[i]) {
			return i + 1
		}
	}
	if len(a) != len(b) {
		return n + 1
	}
	return 0
}

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// MaskSecret shows a secret as •••• and its last 4 characters.
func MaskSecret(s string) string {
	if len(s) <= 4 {
		return "••••"
	}
	return "••••" + s[len(s)-4:]
}
