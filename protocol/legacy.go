package protocol

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// Legacy v1 names: the query parameters of a v1 call and the response signature header.
const (
	ParamAuthToken = "authToken" // the v1 signature
	ParamTimeStamp = "timeStamp" // the v1 time, yyyyMMddHHmmssSSS UTC
	// HeaderBodySign carries the seller's signature of its v1 response body.
	HeaderBodySign = "Body-Sign"
	// BodySignType is the only sign_type a Body-Sign header may name.
	BodySignType = "HMAC-SHA256"
)

// Errors returned by the Body-Sign functions.
var (
	// ErrMissingBodySign: the response has no Body-Sign header (the real debug page says
	// "http header->bodySign is empty").
	ErrMissingBodySign = errors.New("protocol: http header->bodySign is empty")
	// ErrMalformedBodySign: the header is not sign_type="HMAC-SHA256", signature= "<base64>".
	ErrMalformedBodySign = errors.New("protocol: malformed Body-Sign header")
	// ErrBodySignMismatch: the signature does not match the body and access key.
	ErrBodySignMismatch = errors.New("protocol: Body-Sign signature does not match the body")
)

// V1CanonicalString returns the string a v1 authToken signs: every parameter except
// authToken (first value of each, already URL-decoded), sorted by name, as k=v joined by "&".
func V1CanonicalString(params url.Values) string {
	names := make([]string, 0, len(params))
	for k := range params {
		if k != ParamAuthToken {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	var b strings.Builder
	for i, k := range names {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(k + "=" + params.Get(k))
	}
	return b.String()
}

// AuthToken returns the v1 authToken of params:
// base64(HMAC-SHA256(key = accessKey + timeStamp, msg = V1CanonicalString(params))).
func AuthToken(accessKey string, params url.Values) string {
	m := hmac.New(sha256.New, []byte(accessKey+params.Get(ParamTimeStamp)))
	m.Write([]byte(V1CanonicalString(params)))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// VerifyAuthToken checks the authToken of a v1 call's parameters. It does not check how old
// timeStamp is.
func VerifyAuthToken(accessKey string, params url.Values) error {
	switch {
	case params.Get(ParamAuthToken) == "":
		return fmt.Errorf("%w (authToken)", ErrMissingSignature)
	case params.Get(ParamTimeStamp) == "":
		return fmt.Errorf("%w (timeStamp)", ErrMissingTimestamp)
	}
	want := AuthToken(accessKey, params)
	if subtle.ConstantTimeCompare([]byte(params.Get(ParamAuthToken)), []byte(want)) != 1 {
		return fmt.Errorf("%w (authToken)", ErrBadSignature)
	}
	return nil
}

// BodySign returns base64(HMAC-SHA256(key = accessKey, msg = body)).
func BodySign(accessKey string, body []byte) string {
	m := hmac.New(sha256.New, []byte(accessKey))
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// BodySignHeader returns the Body-Sign header value for body, exactly
// sign_type="HMAC-SHA256", signature= "<base64>" (with the space after "signature=").
func BodySignHeader(accessKey string, body []byte) string {
	return `sign_type="` + BodySignType + `", signature= "` + BodySign(accessKey, body) + `"`
}

// ParseBodySignHeader returns the base64 signature of a Body-Sign header value. It accepts
// optional spaces around names and values and unquoted values, and requires sign_type
// HMAC-SHA256 and a signature that decodes to 32 bytes.
func ParseBodySignHeader(h string) (signature string, err error) {
	if strings.TrimSpace(h) == "" {
		return "", ErrMissingBodySign
	}
	var signType string
	var haveType, haveSig bool
	for _, part := range strings.Split(h, ",") {
		name, value, ok := strings.Cut(part, "=")
		if !ok {
			return "", fmt.Errorf("%w: %q has no '='", ErrMalformedBodySign, strings.TrimSpace(part))
		}
		value = strings.TrimSpace(value)
		if len(value) >= 2 && value[0] == '"' && value[len(value)-1] == '"' {
			value = value[1 : len(value)-1]
		}
		switch strings.TrimSpace(name) {
		case "sign_type":
			if haveType {
				return "", fmt.Errorf("%w: sign_type given twice", ErrMalformedBodySign)
			}
			signType, haveType = value, true
		case "signature":
			if haveSig {
				return "", fmt.Errorf("%w: signature given twice", ErrMalformedBodySign)
			}
			signature, haveSig = value, true
		}
	}
	if !strings.EqualFold(signType, BodySignType) {
		return "", fmt.Errorf("%w: sign_type must be %q", ErrMalformedBodySign, BodySignType)
	}
	if raw, err := base64.StdEncoding.DecodeString(signature); err != nil || len(raw) != sha256.Size {
		return "", fmt.Errorf("%w: signature is not the base64 of 32 bytes", ErrMalformedBodySign)
	}
	return signature, nil
}

// VerifyBodySign checks a response's Body-Sign header value against its raw body. A
// mismatch error names the expected value, as the real debug page does.
func VerifyBodySign(accessKey, header string, body []byte) error {
	got, err := ParseBodySignHeader(header)
	if err != nil {
		return err
	}
	want := BodySign(accessKey, body)
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return fmt.Errorf("%w: expected %s, got %s", ErrBodySignMismatch, want, got)
	}
	return nil
}
