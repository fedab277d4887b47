package protocol

import (
	"encoding/json"
	"reflect"
	"strconv"
)

// Request is implemented by the request body of every activity.
type Request interface {
	// ActivityName returns the activity the request belongs to.
	ActivityName() Activity
	// Validate checks required fields, enumerations, time formats and lengths.
	Validate() FieldErrors
}

// NewInstanceRequest is the body of a newInstance call. BusinessID is new on every call;
// a seller keys idempotency on OrderID + OrderLineID.
type NewInstanceRequest struct {
	Activity    Activity `json:"activity"`
	OrderID     string   `json:"orderId"`
	OrderLineID string   `json:"orderLineId"`
	BusinessID  string   `json:"businessId"`
	// SaasExtendParams carries the buyer's values of the product's extension parameters:
	// base64 of a JSON array of {"name","value"} (optional).
	SaasExtendParams string `json:"saasExtendParams,omitempty"`
	TestFlag         string `json:"testFlag,omitempty"`
}

// QueryInstanceRequest is the body of a queryInstance call; InstanceID holds up to 100
// comma-separated ids.
type QueryInstanceRequest struct {
	Activity   Activity `json:"activity"`
	InstanceID string   `json:"instanceId"`
	TestFlag   string   `json:"testFlag,omitempty"`
}

// RefreshInstanceRequest is the body of a refreshInstance call; ExpireTime is
// yyyyMMddHHmmss (or yyyyMMddHHmmssSSS) in UTC.
type RefreshInstanceRequest struct {
	Activity    Activity `json:"activity"`
	OrderID     string   `json:"orderId"`
	OrderLineID string   `json:"orderLineId"`
	InstanceID  string   `json:"instanceId"`
	ProductID   string   `json:"productId,omitempty"`
	Scene       Scene    `json:"scene"`
	ExpireTime  string   `json:"expireTime"`
	TestFlag    string   `json:"testFlag,omitempty"`
}

// UpdateInstanceStatusRequest is the body of an updateInstanceStatus call.
type UpdateInstanceStatusRequest struct {
	Activity   Activity       `json:"activity"`
	InstanceID string         `json:"instanceId"`
	Status     InstanceStatus `json:"status"`
	TestFlag   string         `json:"testFlag,omitempty"`
}

// ReleaseInstanceRequest is the body of a releaseInstance call; OrderID and OrderLineID
// name the unsubscribe order when there is one.
type ReleaseInstanceRequest struct {
	Activity    Activity `json:"activity"`
	InstanceID  string   `json:"instanceId"`
	OrderID     string   `json:"orderId,omitempty"`
	OrderLineID string   `json:"orderLineId,omitempty"`
	TestFlag    string   `json:"testFlag,omitempty"`
}

// UpgradeInstanceRequest is the body of an upgradeInstance call.
type UpgradeInstanceRequest struct {
	Activity    Activity `json:"activity"`
	InstanceID  string   `json:"instanceId"`
	OrderID     string   `json:"orderId"`
	OrderLineID string   `json:"orderLineId"`
	TestFlag    string   `json:"testFlag,omitempty"`
}

// OrderNotifyRequest is the body of an orderNotify call.
type OrderNotifyRequest struct {
	Activity    Activity `json:"activity"`
	OrderID     string   `json:"orderId"`
	OrderLineID string   `json:"orderLineId"`
	TestFlag    string   `json:"testFlag,omitempty"`
}

// GetLicenseAsyncRequest is the body of a getLicenseAsync call. EffectiveTime and ExpireTime
// are UTC, e.g. "2023-10-27 10:30:15 z"; ExpireTime is required for periodic products.
// EventID with DeviceFingerprint identifies a repeated application.
type GetLicenseAsyncRequest struct {
	Activity          Activity `json:"activity"`
	InstanceID        string   `json:"instanceId"`
	EffectiveTime     string   `json:"effectiveTime"`
	ExpireTime        string   `json:"expireTime,omitempty"`
	EventID           string   `json:"eventId"`
	DeviceFingerprint string   `json:"deviceFingerprint,omitempty"`
	TestFlag          string   `json:"testFlag,omitempty"`
}

// ActivityName returns ActivityNewInstance.
func (NewInstanceRequest) ActivityName() Activity { return ActivityNewInstance }

// ActivityName returns ActivityQueryInstance.
func (QueryInstanceRequest) ActivityName() Activity { return ActivityQueryInstance }

// ActivityName returns ActivityRefreshInstance.
func (RefreshInstanceRequest) ActivityName() Activity { return ActivityRefreshInstance }

// ActivityName returns ActivityUpdateInstanceStatus.
func (UpdateInstanceStatusRequest) ActivityName() Activity { return ActivityUpdateInstanceStatus }

// ActivityName returns ActivityReleaseInstance.
func (ReleaseInstanceRequest) ActivityName() Activity { return ActivityReleaseInstance }

// ActivityName returns ActivityUpgradeInstance.
func (UpgradeInstanceRequest) ActivityName() Activity { return ActivityUpgradeInstance }

// ActivityName returns ActivityOrderNotify.
func (OrderNotifyRequest) ActivityName() Activity { return ActivityOrderNotify }

// ActivityName returns ActivityGetLicenseAsync.
func (GetLicenseAsyncRequest) ActivityName() Activity { return ActivityGetLicenseAsync }

// Response is implemented by the response body of every activity.
type Response interface {
	// Code returns the resultCode.
	Code() string
	// Validate checks that the fields the activity needs are present and well formed.
	Validate() FieldErrors
}

// StatusResponse answers the activities that return only a result: refreshInstance,
// updateInstanceStatus, releaseInstance, upgradeInstance and orderNotify; it is also the
// shape of every failure.
type StatusResponse struct {
	ResultCode string `json:"resultCode"`
	ResultMsg  string `json:"resultMsg"`
}

// AppInfo is what the buyer needs to use an instance. UserName and Password are encrypted
// fields (see EncryptField) under the response's encryptType.
type AppInfo struct {
	FrontEndURL string `json:"frontEndUrl"`
	AdminURL    string `json:"adminUrl,omitempty"`
	UserName    string `json:"userName,omitempty"`
	Password    string `json:"password,omitempty"`
	Memo        string `json:"memo,omitempty"`
}

// NewInstanceResponse answers newInstance: on ResultSuccess it carries the instance id and
// its appInfo; ResultProcessing means the platform should poll queryInstance.
type NewInstanceResponse struct {
	ResultCode  string   `json:"resultCode"`
	ResultMsg   string   `json:"resultMsg"`
	InstanceID  string   `json:"instanceId,omitempty"`
	EncryptType string   `json:"encryptType,omitempty"`
	AppInfo     *AppInfo `json:"appInfo,omitempty"`
}

// UsageInfo reports the usage of an instance (on-demand products). StatisticalTime is
// yyyyMMddHHmmssSSS in UTC.
type UsageInfo struct {
	RelatedInstanceID string  `json:"relatedInstanceId,omitempty"`
	UsageValue        Numeric `json:"usageValue,omitempty"`
	StatisticalTime   string  `json:"statisticalTime,omitempty"`
	DashboardURL      string  `json:"dashboardUrl,omitempty"`
}

// Numeric is a number that may travel as a JSON number or as a numeric string; it keeps
// the number's text and is written back as a JSON number.
type Numeric string

// UnmarshalJSON accepts 12, 12.5 or "12.5"; anything else is a *json.UnmarshalTypeError.
func (n *Numeric) UnmarshalJSON(b []byte) error {
	s := string(b)
	if unq, err := strconv.Unquote(s); err == nil && len(s) > 0 && s[0] == '"' {
		s = unq
	}
	if !isJSONNumber(s) {
		return &json.UnmarshalTypeError{Value: "non-numeric " + string(b), Type: reflect.TypeFor[Numeric]()}
	}
	*n = Numeric(s)
	return nil
}

// MarshalJSON writes the number as a JSON number, or 0 when it is empty or not numeric.
func (n Numeric) MarshalJSON() ([]byte, error) {
	if !isJSONNumber(string(n)) {
		return []byte("0"), nil
	}
	return []byte(n), nil
}

// isJSONNumber reports whether s is a JSON number literal.
func isJSONNumber(s string) bool {
	var v json.Number
	return s != "" && json.Unmarshal([]byte(s), &v) == nil && string(v) == s
}

// InstanceInfo is one element of a queryInstance answer.
type InstanceInfo struct {
	InstanceID string      `json:"instanceId"`
	AppInfo    *AppInfo    `json:"appInfo,omitempty"`
	UsageInfo  []UsageInfo `json:"usageInfo,omitempty"`
}

// QueryInstanceResponse answers queryInstance. EncryptType applies to every AppInfo in
// Info; the specification leaves its place unconfirmed, so it is optional here.
type QueryInstanceResponse struct {
	ResultCode  string         `json:"resultCode"`
	ResultMsg   string         `json:"resultMsg"`
	EncryptType string         `json:"encryptType,omitempty"`
	Info        []InstanceInfo `json:"info,omitempty"`
}

// License types of a LicenseContent.
const (
	// LicenseCharacters delivers the License as text in Characters (≤1024).
	LicenseCharacters = "CHARACTERS"
	// LicenseFile delivers the License as a file named FileName with digest SHA256.
	LicenseFile = "FILE"
)

// LicenseContent describes a License. Its fields mirror the JSON part of the
// market-event file push (spec §3); the synchronous answer's exact shape is unconfirmed.
type LicenseContent struct {
	Type       string `json:"type"`
	FileName   string `json:"file_name,omitempty"`
	SHA256     string `json:"sha256,omitempty"`
	Characters string `json:"characters,omitempty"`
}

// GetLicenseAsyncResponse answers getLicenseAsync: License is set with ResultSuccess;
// ResultProcessing means the seller pushes the License later.
type GetLicenseAsyncResponse struct {
	ResultCode string          `json:"resultCode"`
	ResultMsg  string          `json:"resultMsg"`
	License    *LicenseContent `json:"license,omitempty"`
}

// Code returns the resultCode.
func (r StatusResponse) Code() string { return r.ResultCode }

// Code returns the resultCode.
func (r NewInstanceResponse) Code() string { return r.ResultCode }

// Code returns the resultCode.
func (r QueryInstanceResponse) Code() string { return r.ResultCode }

// Code returns the resultCode.
func (r GetLicenseAsyncResponse) Code() string { return r.ResultCode }
