package protocol

import (
	"encoding/base64"
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

// Validate checks a newInstance request.
func (r *NewInstanceRequest) Validate() FieldErrors {
	var c checker
	c.activity(r.Activity, ActivityNewInstance)
	c.id("orderId", r.OrderID, true)
	c.id("orderLineId", r.OrderLineID, true)
	c.id("businessId", r.BusinessID, true)
	if r.SaasExtendParams != "" {
		if _, err := DecodeExtendParams(r.SaasExtendParams); err != nil {
			c.invalid("saasExtendParams", err.Error())
		}
	}
	c.testFlag(r.TestFlag)
	return c.errs
}

// ExtendParam is one extension parameter's value in saasExtendParams.
type ExtendParam struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// DecodeExtendParams reads saasExtendParams: base64 of a JSON array of {"name","value"}.
func DecodeExtendParams(s string) ([]ExtendParam, error) {
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, errors.New("not base64")
	}
	var out []ExtendParam
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, errors.New("not a JSON array of name/value pairs")
	}
	return out, nil
}

// Validate checks a queryInstance request: 1 to 100 non-empty comma-separated ids.
func (r *QueryInstanceRequest) Validate() FieldErrors {
	var c checker
	c.activity(r.Activity, ActivityQueryInstance)
	if c.required("instanceId", r.InstanceID) {
		ids := SplitInstanceIDs(r.InstanceID)
		switch {
		case len(ids) > MaxQueryInstances:
			c.add(FieldError{"instanceId", ProblemTooLong, fmt.Sprintf("at most %d ids (got %d)", MaxQueryInstances, len(ids))})
		case len(ids) != strings.Count(r.InstanceID, ",")+1:
			c.invalid("instanceId", "empty id in the comma-separated list")
		}
		for _, id := range ids {
			c.id("instanceId", id, true)
		}
	}
	c.testFlag(r.TestFlag)
	return c.errs
}

// SplitInstanceIDs splits queryInstance's comma-separated instanceId, trimming spaces and
// dropping empty elements.
func SplitInstanceIDs(s string) []string {
	var ids []string
	for _, id := range strings.Split(s, ",") {
		if id = strings.TrimSpace(id); id != "" {
			ids = append(ids, id)
		}
	}
	return ids
}

// Validate checks a refreshInstance request.
func (r *RefreshInstanceRequest) Validate() FieldErrors {
	var c checker
	c.activity(r.Activity, ActivityRefreshInstance)
	c.id("orderId", r.OrderID, true)
	c.id("orderLineId", r.OrderLineID, true)
	c.id("instanceId", r.InstanceID, true)
	c.id("productId", r.ProductID, false)
	if c.required("scene", string(r.Scene)) && !r.Scene.Known() {
		c.add(FieldError{"scene", ProblemUnknown, fmt.Sprintf("unknown scene %q", r.Scene)})
	}
	c.expireTime("expireTime", r.ExpireTime, true)
	c.testFlag(r.TestFlag)
	return c.errs
}

// Validate checks an updateInstanceStatus request.
func (r *UpdateInstanceStatusRequest) Validate() FieldErrors {
	var c checker
	c.activity(r.Activity, ActivityUpdateInstanceStatus)
	c.id("instanceId", r.InstanceID, true)
	if c.required("status", string(r.Status)) && r.Status != StatusFreeze && r.Status != StatusUnfreeze {
		c.add(FieldError{"status", ProblemUnknown, `must be "FREEZE" or "UNFREEZE"`})
	}
	c.testFlag(r.TestFlag)
	return c.errs
}

// Validate checks a releaseInstance request.
func (r *ReleaseInstanceRequest) Validate() FieldErrors {
	var c checker
	c.activity(r.Activity, ActivityReleaseInstance)
	c.id("instanceId", r.InstanceID, true)
	c.id("orderId", r.OrderID, false)
	c.id("orderLineId", r.OrderLineID, false)
	c.testFlag(r.TestFlag)
	return c.errs
}

// Validate checks an upgradeInstance request.
func (r *UpgradeInstanceRequest) Validate() FieldErrors {
	var c checker
	c.activity(r.Activity, ActivityUpgradeInstance)
	c.id("instanceId", r.InstanceID, true)
	c.id("orderId", r.OrderID, true)
	c.id("orderLineId", r.OrderLineID, true)
	c.testFlag(r.TestFlag)
	return c.errs
}

// Validate checks an orderNotify request.
func (r *OrderNotifyRequest) Validate() FieldErrors {
	var c checker
	c.activity(r.Activity, ActivityOrderNotify)
	c.id("orderId", r.OrderID, true)
	c.id("orderLineId", r.OrderLineID, true)
	c.testFlag(r.TestFlag)
	return c.errs
}

// Validate checks a getLicenseAsync request.
func (r *GetLicenseAsyncRequest) Validate() FieldErrors {
	var c checker
	c.activity(r.Activity, ActivityGetLicenseAsync)
	c.id("instanceId", r.InstanceID, true)
	c.licenseTime("effectiveTime", r.EffectiveTime, true)
	c.licenseTime("expireTime", r.ExpireTime, false)
	c.id("eventId", r.EventID, true)
	c.maxLen("deviceFingerprint", r.DeviceFingerprint, MaxFingerprintLength)
	c.testFlag(r.TestFlag)
	return c.errs
}

// Validate checks resultCode and resultMsg.
func (r *StatusResponse) Validate() FieldErrors {
	var c checker
	c.result(r.ResultCode, r.ResultMsg)
	return c.errs
}

// Validate checks a newInstance answer: on success instanceId and appInfo.frontEndUrl are
// required, lengths are bounded, and encryptType is required with encrypted fields.
func (r *NewInstanceResponse) Validate() FieldErrors {
	var c checker
	c.result(r.ResultCode, r.ResultMsg)
	c.id("instanceId", r.InstanceID, r.ResultCode == ResultSuccess)
	if r.ResultCode == ResultSuccess || r.AppInfo != nil {
		c.appInfo("appInfo", r.AppInfo)
	}
	c.encryptType(r.EncryptType, r.AppInfo != nil && (r.AppInfo.UserName != "" || r.AppInfo.Password != ""))
	return c.errs
}

// Validate checks a queryInstance answer: on success info is required and each element
// needs an instanceId; appInfo and usageInfo are checked where present.
func (r *QueryInstanceResponse) Validate() FieldErrors {
	var c checker
	c.result(r.ResultCode, r.ResultMsg)
	if r.ResultCode == ResultSuccess && len(r.Info) == 0 {
		c.required("info", "")
	}
	for i, in := range r.Info {
		p := fmt.Sprintf("info[%d]", i)
		c.id(p+".instanceId", in.InstanceID, true)
		if in.AppInfo != nil {
			c.appInfo(p+".appInfo", in.AppInfo)
		}
		for j, u := range in.UsageInfo {
			q := fmt.Sprintf("%s.usageInfo[%d]", p, j)
			c.id(q+".relatedInstanceId", u.RelatedInstanceID, false)
			c.expireTime(q+".statisticalTime", u.StatisticalTime, false)
			c.url(q+".dashboardUrl", u.DashboardURL, false)
		}
	}
	c.encryptType(r.EncryptType, false) // its place in queryInstance is unconfirmed: optional
	return c.errs
}

// Validate checks a getLicenseAsync answer: on success the license is required.
func (r *GetLicenseAsyncResponse) Validate() FieldErrors {
	var c checker
	c.result(r.ResultCode, r.ResultMsg)
	if r.ResultCode == ResultSuccess && r.License == nil {
		c.required("license", "")
	}
	if l := r.License; l != nil {
		switch l.Type {
		case LicenseCharacters:
			if c.required("license.characters", l.Characters) {
				c.maxLen("license.characters", l.Characters, MaxLicenseCharacters)
			}
		case LicenseFile:
			c.required("license.file_name", l.FileName)
			if c.required("license.sha256", l.SHA256) && (len(l.SHA256) != 64 || !isHex(l.SHA256)) {
				c.invalid("license.sha256", "must be 64 hex digits")
			}
		case "":
			c.required("license.type", "")
		default:
			c.add(FieldError{"license.type", ProblemUnknown, `must be "CHARACTERS" or "FILE"`})
		}
	}
	return c.errs
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
