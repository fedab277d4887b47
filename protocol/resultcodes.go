package protocol

import "strings"

// Result codes a seller answers in resultCode.
const (
	ResultSuccess                  = "000000" // success
	ResultAuthFailed               = "000001" // authentication failed
	ResultInvalidParams            = "000002" // invalid request parameters
	ResultInstanceNotFound         = "000003" // instance does not exist
	ResultProcessing               = "000004" // still processing
	ResultInternalError            = "000005" // other internal error
	ResultNoResources              = "000100" // no instance resources available (newInstance)
	ResultMobileInvalid            = "000101" // mobile number empty or duplicated
	ResultEmailInvalid             = "000102" // email empty or duplicated
	ResultNoRepeatPurchase         = "000103" // cannot be purchased twice
	ResultProductServiceError      = "000104" // product internal service error
	ResultAlreadyEntitled          = "000105" // account already holds this entitlement
	ResultSoldOut                  = "000106" // resources sold out
	ResultEmailDomainDuplicated    = "000107" // SaaS email domain duplicated
	ResultLicenseQuotaInsufficient = "000900" // License: quota insufficient
	ResultLicenseOutsideValidity   = "000901" // License: must apply within the order's validity
	ResultLicenseNeedsExpiry       = "000902" // License: periodic License needs an expiry date
	ResultLicenseNeedsFingerprint  = "000903" // License: device fingerprint or hardware ID required
)

type resultMeaning struct{ code, zh, en string }

var resultTable = []resultMeaning{
	{ResultSuccess, "成功", "success"},
	{ResultAuthFailed, "鉴权失败", "authentication failed"},
	{ResultInvalidParams, "请求参数不合法", "invalid request parameters"},
	{ResultInstanceNotFound, "实例ID不存在", "instance does not exist"},
	{ResultProcessing, "请求处理中", "still processing"},
	{ResultInternalError, "其它内部错误", "other internal error"},
	{ResultNoResources, "无可用实例资源分配", "no instance resources available"},
	{ResultMobileInvalid, "手机号为空或重复", "mobile number empty or duplicated"},
	{ResultEmailInvalid, "邮箱为空或重复", "email empty or duplicated"},
	{ResultNoRepeatPurchase, "不允许重复购买", "cannot be purchased twice"},
	{ResultProductServiceError, "产品内部服务异常", "product internal service error"},
	{ResultAlreadyEntitled, "该账号已拥有此权益", "account already holds this entitlement"},
	{ResultSoldOut, "资源已售罄", "resources sold out"},
	{ResultEmailDomainDuplicated, "SaaS邮箱域名重复", "SaaS email domain duplicated"},
	{ResultLicenseQuotaInsufficient, "License配额不足", "License: quota insufficient"},
	{ResultLicenseOutsideValidity, "须在订单有效期内申请License", "License: must apply within the order's validity"},
	{ResultLicenseNeedsExpiry, "包周期License需要有效期", "License: periodic License needs an expiry date"},
	{ResultLicenseNeedsFingerprint, "需要设备指纹或硬件识别码", "License: device fingerprint or hardware ID required"},
}

// ResultCodes returns every specified result code, in the specification's order.
func ResultCodes() []string {
	codes := make([]string, len(resultTable))
	for i, r := range resultTable {
		codes[i] = r.code
	}
	return codes
}

// ResultMeaning returns what a result code means, in Chinese when lang starts with "zh"
// and in English otherwise; ok is false for a code the specification does not list.
func ResultMeaning(code, lang string) (meaning string, ok bool) {
	for _, r := range resultTable {
		if r.code == code {
			if strings.HasPrefix(strings.ToLower(lang), "zh") {
				return r.zh, true
			}
			return r.en, true
		}
	}
	return "", false
}

// KnownResult reports whether code is one of the specified result codes.
func KnownResult(code string) bool {
	_, ok := ResultMeaning(code, "")
	return ok
}
