package protocol

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// fields returns the "field:problem" pairs of errs, for compact comparisons.
func fields(errs FieldErrors) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Field+":"+string(e.Problem))
	}
	return out
}

func TestParseRequestValid(t *testing.T) {
	ids := strings.TrimSuffix(strings.Repeat("i-1,", 100), ",")
	cases := map[string]Request{
		vecBody: &NewInstanceRequest{ActivityNewInstance, "CS1906666688ABCDE", "CS1906666688ABCDE-000001", "b-1", "", "1"},
		`{"activity":"newInstance","orderId":"o","orderLineId":"o-1","businessId":"b","saasExtendParams":"W3sibmFtZSI6InJlZ2lvbiIsInZhbHVlIjoiY24tbm9ydGgifV0="}`: &NewInstanceRequest{ActivityNewInstance, "o", "o-1", "b",
			"W3sibmFtZSI6InJlZ2lvbiIsInZhbHVlIjoiY24tbm9ydGgifV0=", ""},
		`{"activity":"queryInstance","instanceId":"` + ids + `"}`: &QueryInstanceRequest{ActivityQueryInstance, ids, ""},
		`{"activity":"refreshInstance","orderId":"o","orderLineId":"o-1","instanceId":"i","scene":"RENEWAL","expireTime":"20251231235959","testFlag":"0"}`:             &RefreshInstanceRequest{ActivityRefreshInstance, "o", "o-1", "i", "", SceneRenewal, "20251231235959", "0"},
		`{"activity":"refreshInstance","orderId":"o","orderLineId":"o-1","instanceId":"i","productId":"p","scene":"TRIAL_TO_FORMAL","expireTime":"20251231235959123"}`: &RefreshInstanceRequest{ActivityRefreshInstance, "o", "o-1", "i", "p", SceneTrialToFormal, "20251231235959123", ""},
		`{"activity":"updateInstanceStatus","instanceId":"i","status":"FREEZE"}`:                                                                                       &UpdateInstanceStatusRequest{ActivityUpdateInstanceStatus, "i", StatusFreeze, ""},
		`{"activity":"releaseInstance","instanceId":"i"}`:                                                                                                              &ReleaseInstanceRequest{ActivityReleaseInstance, "i", "", "", ""},
		`{"activity":"upgradeInstance","instanceId":"i","orderId":"o","orderLineId":"l","extra":1}`:                                                                    &UpgradeInstanceRequest{ActivityUpgradeInstance, "i", "o", "l", ""},
		`{"activity":"orderNotify","orderId":"MOCKONETIMENEW","orderLineId":"MOCKONETIMENEW-000001"}`:                                                                  &OrderNotifyRequest{ActivityOrderNotify, "MOCKONETIMENEW", "MOCKONETIMENEW-000001", ""},
		`{"activity":"getLicenseAsync","instanceId":"i","effectiveTime":"2023-10-27 10:30:15 z","eventId":"e"}`:                                                        &GetLicenseAsyncRequest{ActivityGetLicenseAsync, "i", "2023-10-27 10:30:15 z", "", "e", "", ""},
	}
	for body, want := range cases {
		got, errs := ParseRequest([]byte(body))
		if len(errs) != 0 {
			t.Errorf("%s: %v", body, errs)
			continue
		}
		if fmt.Sprint(got) != fmt.Sprint(want) || got.ActivityName() != want.ActivityName() {
			t.Errorf("%s:\n got %+v\nwant %+v", body, got, want)
		}
	}
}

func TestRequestsRoundTripThroughJSON(t *testing.T) {
	reqs := []Request{
		&NewInstanceRequest{Activity: ActivityNewInstance, OrderID: "o", OrderLineID: "o-1", BusinessID: "b", TestFlag: TestFlagDebug},
		&ReleaseInstanceRequest{Activity: ActivityReleaseInstance, InstanceID: "i"},
		&GetLicenseAsyncRequest{Activity: ActivityGetLicenseAsync, InstanceID: "i", EffectiveTime: "2023-10-27 10:30:15 z", ExpireTime: "2024-10-27 10:30:15 z", EventID: "e", DeviceFingerprint: "AA:BB|D1|B1|C1"},
	}
	for _, r := range reqs {
		b, _ := json.Marshal(r)
		got, errs := ParseRequest(b)
		if len(errs) != 0 || fmt.Sprint(got) != fmt.Sprint(r) {
			t.Errorf("%s: %+v, %v", b, got, errs)
		}
	}
}

func TestParseRequestErrors(t *testing.T) {
	long := strings.Repeat("x", 65)
	cases := map[string][]string{
		``:                           {"body:invalid"},
		`[]`:                         {"body:invalid"},
		`{"activity":1}`:             {"activity:invalid"},
		`{}`:                         {"activity:missing"},
		`{"activity":""}`:            {"activity:missing"},
		`{"activity":"create"}`:      {"activity:unknown"},
		`{"activity":"newInstance"}`: {"orderId:missing", "orderLineId:missing", "businessId:missing"},
		`{"activity":"newInstance","orderId":"` + long + `","orderLineId":"l","businessId":"b","testFlag":"2"}`: {"orderId:too_long", "testFlag:invalid"},
		`{"activity":"newInstance","orderId":5,"orderLineId":"l","businessId":"b"}`:                             {"orderId:invalid"},
		`{"activity":"newInstance","orderId":"o","orderLineId":"l","businessId":"b","saasExtendParams":"%%%"}`:  {"saasExtendParams:invalid"},
		`{"activity":"newInstance","orderId":"o","orderLineId":"l","businessId":"b","saasExtendParams":"e30="}`: {"saasExtendParams:invalid"},
		`{"activity":"queryInstance","instanceId":"a,,b"}`:                                                      {"instanceId:invalid"},
		`{"activity":"queryInstance","instanceId":"` + strings.Repeat("i,", 101) + `i"}`:                        {"instanceId:too_long"},
		`{"activity":"queryInstance"}`: {"instanceId:missing"},
		`{"activity":"refreshInstance","orderId":"o","orderLineId":"l","instanceId":"i","scene":"RENEW","expireTime":"2025-12-31"}`: {"scene:unknown", "expireTime:invalid"},
		`{"activity":"refreshInstance"}`:                                       {"orderId:missing", "orderLineId:missing", "instanceId:missing", "scene:missing", "expireTime:missing"},
		`{"activity":"updateInstanceStatus","instanceId":"i","status":"STOP"}`: {"status:unknown"},
		`{"activity":"updateInstanceStatus"}`:                                  {"instanceId:missing", "status:missing"},
		`{"activity":"releaseInstance","orderId":"` + long + `"}`:              {"instanceId:missing", "orderId:too_long"},
		`{"activity":"upgradeInstance","instanceId":"i"}`:                      {"orderId:missing", "orderLineId:missing"},
		`{"activity":"orderNotify","orderId":"o"}`:                             {"orderLineId:missing"},
		`{"activity":"getLicenseAsync","instanceId":"` + long + `","effectiveTime":"yesterday","expireTime":"soon","deviceFingerprint":"` + strings.Repeat("f", 1025) + `"}`: {"instanceId:too_long", "effectiveTime:invalid", "expireTime:invalid", "eventId:missing", "deviceFingerprint:too_long"},
	}
	for body, want := range cases {
		_, errs := ParseRequest([]byte(body))
		if got := fields(errs); !slices.Equal(got, want) {
			t.Errorf("%s:\n got %v\nwant %v", body, got, want)
		}
	}
}

func TestValidateChecksActivityField(t *testing.T) {
	r := &NewInstanceRequest{OrderID: "o", OrderLineID: "l", BusinessID: "b"}
	if got := fields(r.Validate()); !slices.Equal(got, []string{"activity:missing"}) {
		t.Errorf("no activity: %v", got)
	}
	r.Activity = ActivityQueryInstance
	if got := fields(r.Validate()); !slices.Equal(got, []string{"activity:invalid"}) {
		t.Errorf("wrong activity: %v", got)
	}
}

func TestParseResponseValid(t *testing.T) {
	pw, _ := EncryptFieldWithIV(vecKey, EncryptAES256, "P@ssw0rd!", "abcdefghij012345")
	cases := []struct {
		activity Activity
		body     string
	}{
		{ActivityNewInstance, `{"resultCode":"000000","resultMsg":"success.","instanceId":"inst-001","encryptType":"1","appInfo":{"frontEndUrl":"https://app.example.com","adminUrl":"https://app.example.com/admin","userName":"` + pw + `","password":"` + pw + `","memo":"hi"}}`},
		{ActivityNewInstance, `{"resultCode":"000004","resultMsg":"processing"}`},
		{ActivityNewInstance, `{"resultCode":"000100","resultMsg":"no resources"}`},
		{ActivityQueryInstance, `{"resultCode":"000000","resultMsg":"ok","info":[{"instanceId":"i","appInfo":{"frontEndUrl":"http://a.example.com"},"usageInfo":[{"relatedInstanceId":"i","usageValue":12.5,"statisticalTime":"20240101000000000","dashboardUrl":"https://d.example.com"},{"usageValue":"3"}]}]}`},
		{ActivityQueryInstance, `{"resultCode":"000003","resultMsg":"not found"}`},
		{ActivityRefreshInstance, `{"resultCode":"000000","resultMsg":"ok"}`},
		{ActivityUpdateInstanceStatus, `{"resultCode":"000000"}`},
		{ActivityReleaseInstance, `{"resultCode":"000003","resultMsg":"gone"}`},
		{ActivityUpgradeInstance, `{"resultCode":"000005","resultMsg":"oops"}`},
		{ActivityOrderNotify, `{"resultCode":"000000","resultMsg":"ok"}`},
		{ActivityGetLicenseAsync, `{"resultCode":"000000","resultMsg":"ok","license":{"type":"CHARACTERS","characters":"LIC-1"}}`},
		{ActivityGetLicenseAsync, `{"resultCode":"000000","resultMsg":"ok","license":{"type":"FILE","file_name":"a.lic","sha256":"` + strings.Repeat("a", 64) + `"}}`},
		{ActivityGetLicenseAsync, `{"resultCode":"000004","resultMsg":"later"}`},
	}
	for _, tc := range cases {
		resp, errs := ParseResponse(tc.activity, []byte(tc.body))
		if len(errs) != 0 || resp == nil {
			t.Errorf("%s %s: %v", tc.activity, tc.body, errs)
		}
	}
}

func TestParseResponseErrors(t *testing.T) {
	long := "https://a.example.com/" + strings.Repeat("x", 500)
	cases := []struct {
		activity Activity
		body     string
		want     []string
	}{
		{ActivityNewInstance, `<html>`, []string{"body:invalid"}},
		{ActivityNewInstance, `"000000"`, []string{"body:invalid"}},
		{ActivityNewInstance, `{}`, []string{"resultCode:missing"}},
		{ActivityNewInstance, `{"resultCode":0}`, []string{"resultCode:invalid"}},
		{ActivityNewInstance, `{"resultCode":"0"}`, []string{"resultCode:invalid"}},
		{ActivityNewInstance, `{"resultCode":"123456"}`, []string{"resultCode:unknown"}},
		{ActivityNewInstance, `{"resultCode":"000001","resultMsg":"` + strings.Repeat("m", 256) + `"}`, []string{"resultMsg:too_long"}},
		{ActivityNewInstance, `{"resultCode":"000000","resultMsg":"ok"}`, []string{"instanceId:missing", "appInfo:missing"}},
		{ActivityNewInstance, `{"resultCode":"000000","instanceId":"i","appInfo":{"adminUrl":"ftp://x"}}`, []string{"appInfo.frontEndUrl:missing", "appInfo.adminUrl:invalid"}},
		{ActivityNewInstance, `{"resultCode":"000000","instanceId":"i","appInfo":{"frontEndUrl":"` + long + `","adminUrl":"` + long + `","memo":"` + strings.Repeat("m", 1025) + `"}}`, []string{"appInfo.frontEndUrl:too_long", "appInfo.adminUrl:too_long", "appInfo.memo:too_long"}},
		{ActivityNewInstance, `{"resultCode":"000000","instanceId":"i","appInfo":{"frontEndUrl":"/relative","password":"` + strings.Repeat("p", 129) + `"}}`, []string{"appInfo.frontEndUrl:invalid", "appInfo.password:too_long", "encryptType:missing"}},
		{ActivityNewInstance, `{"resultCode":"000000","instanceId":"i","encryptType":"3","appInfo":{"frontEndUrl":"https://a.example.com"}}`, []string{"encryptType:invalid"}},
		{ActivityNewInstance, `{"resultCode":"000000","instanceId":"i","encryptType":1,"appInfo":{"frontEndUrl":"https://a.example.com"}}`, []string{"encryptType:invalid"}},
		{ActivityNewInstance, `{"resultCode":"000000","instanceId":"i","appInfo":"x"}`, []string{"appInfo:invalid"}},
		{ActivityQueryInstance, `{"resultCode":"000000"}`, []string{"info:missing"}},
		{ActivityQueryInstance, `{"resultCode":"000000","info":[{"appInfo":{}},{"instanceId":"j","usageInfo":[{"statisticalTime":"2024","dashboardUrl":"x"}]}]}`, []string{"info[0].instanceId:missing", "info[0].appInfo.frontEndUrl:missing", "info[1].usageInfo[0].statisticalTime:invalid", "info[1].usageInfo[0].dashboardUrl:invalid"}},
		{ActivityQueryInstance, `{"resultCode":"000000","info":[{"instanceId":"i","usageInfo":[{"usageValue":"lots"}]}]}`, []string{"info.usageInfo.usageValue:invalid"}},
		{ActivityGetLicenseAsync, `{"resultCode":"000000"}`, []string{"license:missing"}},
		{ActivityGetLicenseAsync, `{"resultCode":"000000","license":{"type":"CHARACTERS","characters":"` + strings.Repeat("c", 1025) + `"}}`, []string{"license.characters:too_long"}},
		{ActivityGetLicenseAsync, `{"resultCode":"000000","license":{"type":"FILE","sha256":"xyz"}}`, []string{"license.file_name:missing", "license.sha256:invalid"}},
		{ActivityGetLicenseAsync, `{"resultCode":"000000","license":{"type":"ZIP"}}`, []string{"license.type:unknown"}},
		{ActivityGetLicenseAsync, `{"resultCode":"000000","license":{}}`, []string{"license.type:missing"}},
		{"deleteInstance", `{"resultCode":"000000"}`, []string{"activity:unknown"}},
	}
	for _, tc := range cases {
		_, errs := ParseResponse(tc.activity, []byte(tc.body))
		if got := fields(errs); !slices.Equal(got, tc.want) {
			t.Errorf("%s %s:\n got %v\nwant %v", tc.activity, tc.body, got, tc.want)
		}
	}
}

func TestFieldErrorsError(t *testing.T) {
	_, errs := ParseRequest([]byte(`{"activity":"orderNotify"}`))
	if got := errs.Error(); got != "orderId: required; orderLineId: required" {
		t.Errorf("Error() = %q", got)
	}
}

func TestSplitInstanceIDs(t *testing.T) {
	if got := SplitInstanceIDs(" a, b ,,c,"); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("= %v", got)
	}
}

func TestActivitiesAndScenesKnown(t *testing.T) {
	if len(Activities()) != 8 || len(Scenes()) != 4 {
		t.Fatal("counts differ from the specification")
	}
	for _, a := range Activities() {
		if !a.Known() {
			t.Errorf("%s unknown", a)
		}
	}
	if Activity("NewInstance").Known() || Scene("RENEW").Known() {
		t.Error("case or spelling variants must be unknown")
	}
}
