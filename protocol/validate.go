package protocol

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"unicode/utf8"
)

// Length limits of the protocol's fields, in characters.
const (
	// MaxIDLength bounds ids (orderId, instanceId, eventId, …). The specification states it
	// for getLicenseAsync; the real platform documents String(64) for the others too.
	MaxIDLength = 64
	// MaxResultMsgLength bounds resultMsg.
	MaxResultMsgLength = 255
	// MaxURLLength bounds frontEndUrl, adminUrl and dashboardUrl.
	MaxURLLength = 512
	// MaxPasswordLength bounds the encrypted password, IV included.
	MaxPasswordLength = 128
	// MaxMemoLength bounds memo.
	MaxMemoLength = 1024
	// MaxFingerprintLength bounds getLicenseAsync's deviceFingerprint.
	MaxFingerprintLength = 1024
	// MaxLicenseCharacters bounds a CHARACTERS License.
	MaxLicenseCharacters = 1024
)

// Problem classifies a FieldError, so callers can explain it in their own words.
type Problem string

// The kinds of FieldError.
const (
	// ProblemMissing: a required field is absent or empty.
	ProblemMissing Problem = "missing"
	// ProblemTooLong: a field exceeds its length limit.
	ProblemTooLong Problem = "too_long"
	// ProblemInvalid: a field has the wrong type or format, or the body is not JSON.
	ProblemInvalid Problem = "invalid"
	// ProblemUnknown: a value is well formed but not one the specification lists.
	ProblemUnknown Problem = "unknown"
)

// FieldError describes one problem with one field. Field is the JSON path
// ("appInfo.frontEndUrl", "info[0].instanceId") or "body" for the document itself.
type FieldError struct {
	Field   string
	Problem Problem
	Detail  string
}

// Error returns "field: detail".
func (e FieldError) Error() string { return e.Field + ": " + e.Detail }

// FieldErrors lists the problems found in a message; it is empty when the message is valid.
type FieldErrors []FieldError

// Error joins the problems with "; ".
func (es FieldErrors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

// ParseRequest decodes a request body into the struct of its activity and validates it.
// The Request is nil when the body is not a JSON object or names no known activity.
func ParseRequest(body []byte) (Request, FieldErrors) {
	var head struct {
		Activity json.RawMessage `json:"activity"`
	}
	if errs := decode(body, &head); errs != nil {
		return nil, errs
	}
	var name string
	if len(head.Activity) == 0 || string(head.Activity) == "null" {
		return nil, FieldErrors{{"activity", ProblemMissing, "required"}}
	}
	if json.Unmarshal(head.Activity, &name) != nil {
		return nil, FieldErrors{{"activity", ProblemInvalid, "must be a JSON string"}}
	}
	var req Request
	switch Activity(name) {
	case ActivityNewInstance:
		req = &NewInstanceRequest{}
	case ActivityQueryInstance:
		req = &QueryInstanceRequest{}
	case ActivityRefreshInstance:
		req = &RefreshInstanceRequest{}
	case ActivityUpdateInstanceStatus:
		req = &UpdateInstanceStatusRequest{}
	case ActivityReleaseInstance:
		req = &ReleaseInstanceRequest{}
	case ActivityUpgradeInstance:
		req = &UpgradeInstanceRequest{}
	case ActivityOrderNotify:
		req = &OrderNotifyRequest{}
	case ActivityGetLicenseAsync:
		req = &GetLicenseAsyncRequest{}
	case "":
		return nil, FieldErrors{{"activity", ProblemMissing, "required"}}
	default:
		return nil, FieldErrors{{"activity", ProblemUnknown, fmt.Sprintf("unknown activity %q", name)}}
	}
	c := checker{errs: decode(body, req)}
	c.add(req.Validate()...)
	return req, c.errs
}

// ParseResponse decodes a seller's answer to an activity and validates it.
// The Response is nil when the body is not a JSON object or the activity is unknown.
func ParseResponse(activity Activity, body []byte) (Response, FieldErrors) {
	var resp Response
	switch activity {
	case ActivityNewInstance:
		resp = &NewInstanceResponse{}
	case ActivityQueryInstance:
		resp = &QueryInstanceResponse{}
	case ActivityGetLicenseAsync:
		resp = &GetLicenseAsyncResponse{}
	case ActivityRefreshInstance, ActivityUpdateInstanceStatus, ActivityReleaseInstance,
		ActivityUpgradeInstance, ActivityOrderNotify:
		resp = &StatusResponse{}
	default:
		return nil, FieldErrors{{"activity", ProblemUnknown, fmt.Sprintf("unknown activity %q", activity)}}
	}
	errs := decode(body, resp)
	if len(errs) == 1 && errs[0].Field == "body" {
		return nil, errs
	}
	c := checker{errs: errs}
	c.add(resp.Validate()...)
	return resp, c.errs
}

// decode unmarshals body into v. A body that is not a JSON object yields one "body" error;
// a field of the wrong type yields an error for that field (decoding goes on past it).
func decode(body []byte, v any) FieldErrors {
	err := json.Unmarshal(body, v)
	if err == nil {
		return nil
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return FieldErrors{{te.Field, ProblemInvalid, "must be a JSON " + jsonKind(te.Type)}}
	}
	return FieldErrors{{"body", ProblemInvalid, "not a JSON object: " + strings.TrimPrefix(err.Error(), "json: ")}}
}

// jsonKind names the JSON type that decodes into t.
func jsonKind(t reflect.Type) string {
	switch {
	case t == reflect.TypeFor[Numeric]():
		return "number"
	case t.Kind() == reflect.String:
		return "string"
	case t.Kind() == reflect.Slice:
		return "array"
	}
	return "object"
}

// checker accumulates field errors, keeping only the first one per field and none for the
// fields inside a field already in error.
type checker struct{ errs FieldErrors }

func (c *checker) add(errs ...FieldError) {
next:
	for _, e := range errs {
		for _, have := range c.errs {
			if e.Field == have.Field || strings.HasPrefix(e.Field, have.Field+".") || strings.HasPrefix(e.Field, have.Field+"[") {
				continue next
			}
		}
		c.errs = append(c.errs, e)
	}
}

func (c *checker) required(field, v string) bool {
	if v == "" {
		c.add(FieldError{field, ProblemMissing, "required"})
		return false
	}
	return true
}

func (c *checker) maxLen(field, v string, n int) bool {
	if l := utf8.RuneCountInString(v); l > n {
		c.add(FieldError{field, ProblemTooLong, fmt.Sprintf("at most %d characters (got %d)", n, l)})
		return false
	}
	return true
}

func (c *checker) id(field, v string, required bool) {
	if v == "" {
		if required {
			c.required(field, v)
		}
		return
	}
	c.maxLen(field, v, MaxIDLength)
}

func (c *checker) invalid(field, detail string) {
	c.add(FieldError{field, ProblemInvalid, detail})
}

func (c *checker) activity(got, want Activity) {
	if c.required("activity", string(got)) && got != want {
		c.invalid("activity", fmt.Sprintf("must be %q", want))
	}
}

func (c *checker) testFlag(v string) {
	if v != "" && v != TestFlagDebug && v != TestFlagReal {
		c.invalid("testFlag", `must be "1", "0" or absent`)
	}
}

func (c *checker) url(field, v string, required bool) {
	if v == "" {
		if required {
			c.required(field, v)
		}
		return
	}
	if !c.maxLen(field, v, MaxURLLength) {
		return
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		c.invalid(field, "must be an absolute http(s) URL")
	}
}

func (c *checker) expireTime(field, v string, required bool) {
	if v == "" {
		if required {
			c.required(field, v)
		}
		return
	}
	if _, err := ParseExpireTime(v); err != nil {
		c.invalid(field, "must be yyyyMMddHHmmss or yyyyMMddHHmmssSSS (UTC)")
	}
}

func (c *checker) licenseTime(field, v string, required bool) {
	if v == "" {
		if required {
			c.required(field, v)
		}
		return
	}
	if _, err := ParseLicenseTime(v); err != nil {
		c.invalid(field, `must be "yyyy-MM-dd HH:mm:ss z" (UTC)`)
	}
}

func (c *checker) encryptType(v string, required bool) {
	switch {
	case v == EncryptAES256 || v == EncryptAES128:
	case v == "":
		if required {
			c.add(FieldError{"encryptType", ProblemMissing, "required with encrypted userName/password"})
		}
	default:
		c.invalid("encryptType", `must be "1" (AES-256) or "2" (AES-128)`)
	}
}

func (c *checker) result(code, msg string) {
	switch {
	case code == "":
		c.required("resultCode", code)
	case len(code) != 6 || !isDigits(code):
		c.invalid("resultCode", "must be 6 digits")
	case !KnownResult(code):
		c.add(FieldError{"resultCode", ProblemUnknown, fmt.Sprintf("%s is not a specified result code", code)})
	}
	c.maxLen("resultMsg", msg, MaxResultMsgLength)
}

func (c *checker) appInfo(prefix string, a *AppInfo) {
	if a == nil {
		c.add(FieldError{prefix, ProblemMissing, "required"})
		return
	}
	c.url(prefix+".frontEndUrl", a.FrontEndURL, true)
	c.url(prefix+".adminUrl", a.AdminURL, false)
	c.maxLen(prefix+".password", a.Password, MaxPasswordLength)
	c.maxLen(prefix+".memo", a.Memo, MaxMemoLength)
}
