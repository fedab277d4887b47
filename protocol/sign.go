package protocol

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Query parameters of a v2-signed call.
const (
	ParamSignature = "signature" // hex HMAC-SHA256, see SignV2
	ParamTimestamp = "timestamp" // epoch milliseconds, 13 digits
	ParamNonce     = "nonce"     // 16 to 32 characters [A-Za-z0-9]
)

// Limits of the v2 signature.
const (
	// MaxClockSkew is how far a timestamp may be from the receiver's clock.
	MaxClockSkew = 60 * time.Second
	// NonceLength is the length of the nonces NewNonce makes.
	NonceLength = 32
	// MinNonceLength and MaxNonceLength bound the nonces a receiver accepts.
	MinNonceLength, MaxNonceLength = 16, 32
)

// Errors returned by Verifier.Verify; each wraps one of these, so errors.Is tells them apart.
var (
	ErrMissingSignature = errors.New("protocol: signature missing from the URL")                   // no signature parameter
	ErrMissingTimestamp = errors.New("protocol: timestamp missing from the URL")                   // no timestamp parameter
	ErrMissingNonce     = errors.New("protocol: nonce missing from the URL")                       // no nonce parameter
	ErrBadTimestamp     = errors.New("protocol: timestamp is not 13-digit epoch milliseconds")     // e.g. seconds
	ErrStaleTimestamp   = errors.New("protocol: timestamp too far from the receiver's clock")      // more than ±60 s
	ErrBadNonce         = errors.New("protocol: nonce is not 16 to 32 characters [A-Za-z0-9]")     // wrong length or characters
	ErrReplayedNonce    = errors.New("protocol: nonce already used (replayed request)")            // seen within the window
	ErrBadSignature     = errors.New("protocol: signature does not match the body and access key") // wrong key, body or algorithm
)

// BodyHash returns the inner hash of the v2 signature: lower-case hex of
// HMAC-SHA256(key = accessKey, msg = body).
func BodyHash(accessKey string, body []byte) string {
	m := hmac.New(sha256.New, []byte(accessKey))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// SignV2 returns the v2 signature of a call: lower-case hex of
// HMAC-SHA256(key = accessKey, msg = accessKey + nonce + timestamp + BodyHash(body)).
func SignV2(accessKey string, body []byte, nonce, timestamp string) string {
	// Both HMACs use the same key, so one instance serves both.
	m := hmac.New(sha256.New, []byte(accessKey))
	m.Write(body)
	var sum [sha256.Size]byte
	var inner [2 * sha256.Size]byte
	hex.Encode(inner[:], m.Sum(sum[:0]))
	m.Reset()
	m.Write([]byte(accessKey))
	m.Write([]byte(nonce))
	m.Write([]byte(timestamp))
	m.Write(inner[:])
	return hex.EncodeToString(m.Sum(sum[:0]))
}

// NewNonce returns a random nonce of 32 characters [A-Za-z0-9].
func NewNonce() string { return RandomAlnum(NonceLength) }

// Timestamp formats t as the v2 timestamp: milliseconds since the epoch.
func Timestamp(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }

// SignedURL signs body for address and returns address with signature, timestamp and nonce
// appended to its query. Parameters already on the address are kept in order, except earlier
// signature, timestamp or nonce parameters, which are replaced; a fragment is dropped.
func SignedURL(address, accessKey string, body []byte, nonce, timestamp string) (string, error) {
	u, err := url.Parse(address)
	if err != nil {
		return "", fmt.Errorf("protocol: address: %w", err)
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("protocol: address %q is not an absolute http(s) URL", address)
	}
	var kept []string
	for _, p := range strings.Split(u.RawQuery, "&") {
		name, _, _ := strings.Cut(p, "=")
		if p == "" || name == ParamSignature || name == ParamTimestamp || name == ParamNonce {
			continue
		}
		kept = append(kept, p)
	}
	kept = append(kept,
		ParamSignature+"="+SignV2(accessKey, body, nonce, timestamp),
		ParamTimestamp+"="+url.QueryEscape(timestamp),
		ParamNonce+"="+url.QueryEscape(nonce))
	u.RawQuery = strings.Join(kept, "&")
	u.Fragment, u.RawFragment = "", ""
	return u.String(), nil
}

// Verifier checks the v2 signature of incoming calls, as a seller does. It refuses a
// timestamp more than MaxClockSkew from its clock and a nonce it has seen within twice
// that window. It is safe for concurrent use.
type Verifier struct {
	now    func() time.Time
	nonces *NonceCache
}

// NewVerifier returns a Verifier that reads the time from now (time.Now when nil) and
// remembers up to 100,000 nonces.
func NewVerifier(now func() time.Time) *Verifier {
	if now == nil {
		now = time.Now
	}
	return &Verifier{now: now, nonces: NewNonceCache(2*MaxClockSkew, 100_000)}
}

// Verify checks the signature, timestamp and nonce in query against body and accessKey.
// The nonce is remembered only when everything else is right, so forged calls cannot use
// up genuine nonces.
func (v *Verifier) Verify(accessKey string, query url.Values, body []byte) error {
	sig, ts, nonce := query.Get(ParamSignature), query.Get(ParamTimestamp), query.Get(ParamNonce)
	switch {
	case sig == "":
		return ErrMissingSignature
	case ts == "":
		return ErrMissingTimestamp
	case nonce == "":
		return ErrMissingNonce
	}
	if len(ts) != 13 || !isDigits(ts) {
		return fmt.Errorf("%w: %q", ErrBadTimestamp, ts)
	}
	ms, _ := strconv.ParseInt(ts, 10, 64)
	now := v.now()
	if skew := now.Sub(time.UnixMilli(ms)); skew > MaxClockSkew || skew < -MaxClockSkew {
		return fmt.Errorf("%w: %s is %s from the receiver's clock (limit ±%s)",
			ErrStaleTimestamp, ts, skew.Round(time.Millisecond), MaxClockSkew)
	}
	if len(nonce) < MinNonceLength || len(nonce) > MaxNonceLength || !isAlnum(nonce) {
		return fmt.Errorf("%w: %q", ErrBadNonce, nonce)
	}
	if !EqualHex(sig, SignV2(accessKey, body, nonce, ts)) {
		return ErrBadSignature
	}
	if !v.nonces.Remember(nonce, now) {
		return fmt.Errorf("%w: %q", ErrReplayedNonce, nonce)
	}
	return nil
}

// EqualHex compares two hex strings case-insensitively in constant time (for equal lengths).
func EqualHex(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(strings.ToLower(a)), []byte(strings.ToLower(b))) == 1
}
