package protocol

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Names and limits of Huawei API Gateway's AK/SK signature, used by the open API.
const (
	// AKSKAlgorithm opens the Authorization header and the string to sign.
	AKSKAlgorithm = "SDK-HMAC-SHA256"
	// HeaderSdkDate carries the signing time, UTC yyyyMMdd'T'HHmmss'Z'.
	HeaderSdkDate = "X-Sdk-Date"
	// HeaderSdkContentSHA256 replaces the body hash when present (e.g. "UNSIGNED-PAYLOAD").
	HeaderSdkContentSHA256 = "X-Sdk-Content-Sha256"
	// SdkDateLayout is the layout of HeaderSdkDate.
	SdkDateLayout = "20060102T150405Z"
	// MaxAKSKSkew is how far X-Sdk-Date may be from the verifier's clock.
	MaxAKSKSkew = 15 * time.Minute
)

// Errors returned by AKSKVerifier.Verify; each error wraps one of these.
var (
	ErrAKSKMissing          = errors.New("protocol: no Authorization header")                                 // unsigned request
	ErrAKSKMalformed        = errors.New("protocol: malformed SDK-HMAC-SHA256 Authorization header")          // see ParseAKSKAuthorization
	ErrAKSKBadDate          = errors.New("protocol: X-Sdk-Date missing, malformed or not signed")             // date unusable
	ErrAKSKSkew             = errors.New("protocol: X-Sdk-Date more than 15 minutes from the server's clock") // too old or too new
	ErrAKSKUnknownAccessKey = errors.New("protocol: unknown access key (AK)")                                 // Lookup found no SK
	ErrAKSKSignature        = errors.New("protocol: AK/SK signature does not match")                          // see AKSKMismatchError
)

// AKSKMismatchError is returned when the signature does not match; it carries what the
// verifier signed so a developer can compare it with their own client's.
type AKSKMismatchError struct {
	CanonicalRequest string
	StringToSign     string
}

// Error describes the mismatch.
func (e *AKSKMismatchError) Error() string {
	return ErrAKSKSignature.Error() + "; the server signed:\n" + e.StringToSign
}

// Unwrap returns ErrAKSKSignature.
func (e *AKSKMismatchError) Unwrap() error { return ErrAKSKSignature }

// AKSKSigner signs outgoing requests with an access key (AK) and secret key (SK).
type AKSKSigner struct {
	AK, SK string
	// SignedHeaders lists the lower-case header names to sign; nil means
	// content-type, host and x-sdk-date. x-sdk-date is always signed; a listed header
	// absent from the request (host excepted) is left out.
	SignedHeaders []string
}

// Sign sets X-Sdk-Date to now and the Authorization header of r; body must be the bytes
// r will send.
func (s AKSKSigner) Sign(r *http.Request, body []byte, now time.Time) error {
	if s.AK == "" || s.SK == "" {
		return errors.New("protocol: AK and SK are required to sign")
	}
	r.Header.Set(HeaderSdkDate, now.UTC().Format(SdkDateLayout))
	names := s.SignedHeaders
	if names == nil {
		names = []string{"content-type", "host", "x-sdk-date"}
	}
	var signed []string
	for _, n := range append(names, "x-sdk-date") {
		n = strings.ToLower(strings.TrimSpace(n))
		if n != "" && !slices.Contains(signed, n) && (n == "host" || r.Header.Get(n) != "") {
			signed = append(signed, n)
		}
	}
	slices.Sort(signed)
	canonical := akskCanonicalRequest(r, signed, akskPayloadHash(r, body))
	r.Header.Set("Authorization", fmt.Sprintf("%s Access=%s, SignedHeaders=%s, Signature=%s",
		AKSKAlgorithm, s.AK, strings.Join(signed, ";"),
		akskSignature(s.SK, akskStringToSign(r.Header.Get(HeaderSdkDate), canonical))))
	return nil
}

// AKSKAuthorization is a parsed SDK-HMAC-SHA256 Authorization header.
type AKSKAuthorization struct {
	AccessKey     string
	SignedHeaders []string // lower-case, in the order given
	Signature     string   // 64 hex digits
}

// ParseAKSKAuthorization parses
// "SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<a;b;c>, Signature=<hex>".
func ParseAKSKAuthorization(h string) (AKSKAuthorization, error) {
	var a AKSKAuthorization
	rest, ok := strings.CutPrefix(strings.TrimSpace(h), AKSKAlgorithm+" ")
	if !ok {
		return a, fmt.Errorf("%w: must start with %q", ErrAKSKMalformed, AKSKAlgorithm+" ")
	}
	seen := map[string]bool{}
	for _, part := range strings.Split(rest, ",") {
		name, value, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || seen[name] {
			return a, fmt.Errorf("%w: bad or repeated element %q", ErrAKSKMalformed, strings.TrimSpace(part))
		}
		seen[name] = true
		switch name {
		case "Access":
			a.AccessKey = value
		case "SignedHeaders":
			for _, n := range strings.Split(value, ";") {
				if !isToken(n) {
					return a, fmt.Errorf("%w: bad header name %q in SignedHeaders", ErrAKSKMalformed, n)
				}
				a.SignedHeaders = append(a.SignedHeaders, strings.ToLower(n))
			}
		case "Signature":
			a.Signature = value
		default:
			return a, fmt.Errorf("%w: unknown element %q", ErrAKSKMalformed, name)
		}
	}
	switch {
	case a.AccessKey == "" || strings.ContainsAny(a.AccessKey, " \t"):
		return a, fmt.Errorf("%w: Access is missing or has spaces", ErrAKSKMalformed)
	case len(a.SignedHeaders) == 0:
		return a, fmt.Errorf("%w: SignedHeaders is missing", ErrAKSKMalformed)
	case len(a.Signature) != 64 || !isHex(a.Signature):
		return a, fmt.Errorf("%w: Signature must be 64 hex digits", ErrAKSKMalformed)
	}
	return a, nil
}

// AKSKVerifier checks incoming open-API requests. It is safe for concurrent use.
type AKSKVerifier struct {
	// Lookup returns the SK of an AK, or an error wrapping ErrAKSKUnknownAccessKey.
	// It is required.
	Lookup func(ctx context.Context, ak string) (sk string, err error)
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Verify checks r's signature over body (the raw bytes read from r.Body). It rebuilds the
// canonical request from the headers the request says it signed, with host taken from
// r.Host, and honours X-Sdk-Content-Sha256. It returns the AK on success.
func (v *AKSKVerifier) Verify(r *http.Request, body []byte) (string, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return "", ErrAKSKMissing
	}
	a, err := ParseAKSKAuthorization(h)
	if err != nil {
		return "", err
	}
	if !slices.Contains(a.SignedHeaders, "x-sdk-date") {
		return "", fmt.Errorf("%w: x-sdk-date is not in SignedHeaders", ErrAKSKBadDate)
	}
	date := r.Header.Get(HeaderSdkDate)
	t, err := time.Parse(SdkDateLayout, date)
	if err != nil {
		return "", fmt.Errorf("%w: %q is not yyyyMMddTHHmmssZ", ErrAKSKBadDate, date)
	}
	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	if skew := now().Sub(t); skew > MaxAKSKSkew || skew < -MaxAKSKSkew {
		return "", fmt.Errorf("%w: %s is %s away", ErrAKSKSkew, date, skew.Round(time.Second))
	}
	sk, err := v.Lookup(r.Context(), a.AccessKey)
	if err != nil {
		return "", fmt.Errorf("protocol: looking up AK %s: %w", a.AccessKey, err)
	}
	canonical := akskCanonicalRequest(r, a.SignedHeaders, akskPayloadHash(r, body))
	sts := akskStringToSign(date, canonical)
	if !EqualHex(a.Signature, akskSignature(sk, sts)) {
		return "", &AKSKMismatchError{CanonicalRequest: canonical, StringToSign: sts}
	}
	return a.AccessKey, nil
}

func akskPayloadHash(r *http.Request, body []byte) string {
	if h := r.Header.Get(HeaderSdkContentSHA256); h != "" {
		return h
	}
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

func akskStringToSign(date, canonical string) string {
	sum := sha256.Sum256([]byte(canonical))
	return AKSKAlgorithm + "\n" + date + "\n" + hex.EncodeToString(sum[:])
}

func akskSignature(sk, stringToSign string) string {
	m := hmac.New(sha256.New, []byte(sk))
	m.Write([]byte(stringToSign))
	return hex.EncodeToString(m.Sum(nil))
}

// akskCanonicalRequest builds the canonical request over the given lower-case header names.
func akskCanonicalRequest(r *http.Request, signed []string, payloadHash string) string {
	var b strings.Builder
	b.WriteString(r.Method + "\n")
	b.WriteString(akskCanonicalURI(r.URL.EscapedPath()) + "\n")
	b.WriteString(akskCanonicalQuery(r.URL.RawQuery) + "\n")
	sorted := slices.Sorted(slices.Values(signed))
	for _, n := range sorted {
		var v string
		if n == "host" {
			v = r.Host
			if v == "" {
				v = r.URL.Host
			}
		} else {
			v = strings.Join(r.Header.Values(n), ",")
		}
		b.WriteString(n + ":" + strings.TrimSpace(v) + "\n")
	}
	b.WriteString("\n" + strings.Join(sorted, ";") + "\n" + payloadHash)
	return b.String()
}

func akskCanonicalURI(escapedPath string) string {
	segs := strings.Split(escapedPath, "/")
	for i, s := range segs {
		if u, err := url.PathUnescape(s); err == nil {
			s = u
		}
		segs[i] = akskEscape(s)
	}
	p := strings.Join(segs, "/")
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p
}

func akskCanonicalQuery(rawQuery string) string {
	q, _ := url.ParseQuery(rawQuery) // keep what parses, as the official SDKs do
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(q)) {
		vs := slices.Sorted(slices.Values(q[k]))
		for _, v := range vs {
			parts = append(parts, akskEscape(k)+"="+akskEscape(v))
		}
	}
	return strings.Join(parts, "&")
}

// akskEscape keeps A-Z a-z 0-9 - _ . ~ and writes every other byte as %XX (upper-case hex).
func akskEscape(s string) string {
	const upperHex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
		} else {
			b.WriteByte('%')
			b.WriteByte(upperHex[c>>4])
			b.WriteByte(upperHex[c&15])
		}
	}
	return b.String()
}

// isToken reports whether s is a non-empty HTTP header name.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}
