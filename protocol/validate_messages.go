package protocol

// The checks of each activity's request and answer; the decoding and the shared field checks
// are in validate.go.

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

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
