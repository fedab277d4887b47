package outbox

import (
	"encoding/json"
	"testing"
	"time"

	"koogallery/models/catalog"
	"koogallery/models/orders"
	"koogallery/protocol"
)

// handBuilt is how the outbox wrote bodies before it marshalled protocol's requests: activity
// first, then the fields in order (empty ones left out), then "testFlag":"0". The typed
// requests must give the same bytes, since sellers may read the fields in order and every
// attempt signs the stored body.
func handBuilt(activity protocol.Activity, fields ...string) string {
	quote := func(v string) string { b, _ := json.Marshal(v); return string(b) }
	out := `{"activity":` + quote(string(activity))
	for i := 0; i+1 < len(fields); i += 2 {
		if fields[i+1] != "" {
			out += "," + quote(fields[i]) + ":" + quote(fields[i+1])
		}
	}
	return out + `,"testFlag":"0"}`
}

func TestBodiesKeepTheirFieldOrder(t *testing.T) {
	expire := time.Date(2027, 3, 4, 5, 6, 7, 0, time.FixedZone("UTC+8", 8*3600))
	// Values that JSON escapes (HTML characters, quotes, non-ASCII) keep their escaping too.
	o := &orders.Order{OrderNo: `CS2611271530ABCDE`, LineNo: `CS2611271530ABCDE-000001`, ExpireAt: &expire,
		ExtValues: `[{"name":"region","label":"地域","value":"<cn-north-4> & \"华北\""}]`}
	plain := &orders.Order{OrderNo: "CS1", LineNo: "CS1-000001", ExpireAt: &expire}
	inst := &orders.Instance{SellerInstanceID: "ins-<1>&\u2028"}
	p := &catalog.Product{Code: "00301-100001-0--0"}
	ext := catalog.SaasExtendParams(o.Values())
	if ext == "" {
		t.Fatal("the order's extension values did not decode")
	}
	lic := licenseRequest(protocol.GetLicenseAsyncRequest{InstanceID: "ins-lic", EffectiveTime: "2026-01-02 03:04:05 z",
		EventID: "evt-1", DeviceFingerprint: "00:16:3E|SN-1"})
	periodicLic := licenseRequest(protocol.GetLicenseAsyncRequest{InstanceID: "ins-lic", EffectiveTime: "2026-01-02 03:04:05 z",
		ExpireTime: "2027-01-02 03:04:05 z", EventID: "evt-2", DeviceFingerprint: "fp"})

	for _, tc := range []struct {
		name  string
		req   protocol.Request
		scene string
		want  string
	}{
		{"newInstance", newInstanceRequest(o, "biz-1"), "", handBuilt(protocol.ActivityNewInstance,
			"orderId", o.OrderNo, "orderLineId", o.LineNo, "businessId", "biz-1", "saasExtendParams", ext)},
		{"newInstance without extension values", newInstanceRequest(plain, "biz-2"), "", handBuilt(protocol.ActivityNewInstance,
			"orderId", plain.OrderNo, "orderLineId", plain.LineNo, "businessId", "biz-2")},
		{"orderNotify", orderNotifyRequest(o), "", handBuilt(protocol.ActivityOrderNotify, "orderId", o.OrderNo, "orderLineId", o.LineNo)},
		{"refreshInstance", refreshRequest(p, o, inst, protocol.SceneRenewal), "RENEWAL", handBuilt(protocol.ActivityRefreshInstance,
			"orderId", o.OrderNo, "orderLineId", o.LineNo, "instanceId", inst.SellerInstanceID, "productId", p.Code,
			"scene", "RENEWAL", "expireTime", "20270303210607")},
		{"refreshInstance without product code", refreshRequest(&catalog.Product{}, plain, inst, protocol.SceneUnsubscribeRenewalPeriod),
			"UNSUBSCRIBE_RENEWAL_PERIOD", handBuilt(protocol.ActivityRefreshInstance, "orderId", plain.OrderNo, "orderLineId", plain.LineNo,
				"instanceId", inst.SellerInstanceID, "scene", "UNSUBSCRIBE_RENEWAL_PERIOD", "expireTime", "20270303210607")},
		{"updateInstanceStatus", statusRequest(inst, protocol.StatusFreeze), "FREEZE", handBuilt(protocol.ActivityUpdateInstanceStatus,
			"instanceId", inst.SellerInstanceID, "status", "FREEZE")},
		{"releaseInstance", releaseRequest(nil, inst), "", handBuilt(protocol.ActivityReleaseInstance, "instanceId", inst.SellerInstanceID)},
		{"releaseInstance with its order", releaseRequest(o, inst), "", handBuilt(protocol.ActivityReleaseInstance,
			"instanceId", inst.SellerInstanceID, "orderId", o.OrderNo, "orderLineId", o.LineNo)},
		{"upgradeInstance", upgradeRequest(o, inst), "", handBuilt(protocol.ActivityUpgradeInstance,
			"instanceId", inst.SellerInstanceID, "orderId", o.OrderNo, "orderLineId", o.LineNo)},
		{"queryInstance poll", pollRequest("ins-9"), "", handBuilt(protocol.ActivityQueryInstance, "instanceId", "ins-9")},
		{"getLicenseAsync", lic, "", handBuilt(protocol.ActivityGetLicenseAsync, "instanceId", "ins-lic",
			"effectiveTime", "2026-01-02 03:04:05 z", "eventId", "evt-1", "deviceFingerprint", "00:16:3E|SN-1")},
		{"getLicenseAsync periodic", periodicLic, "", handBuilt(protocol.ActivityGetLicenseAsync, "instanceId", "ins-lic",
			"effectiveTime", "2026-01-02 03:04:05 z", "expireTime", "2027-01-02 03:04:05 z", "eventId", "evt-2", "deviceFingerprint", "fp")},
	} {
		got, err := encode(tc.req)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
		}
		if s := sceneOf(tc.req); s != tc.scene {
			t.Errorf("%s: scene %q, want %q", tc.name, s, tc.scene)
		}
		// The body names the activity the call is filed under, and is a valid request of it.
		parsed, ferrs := protocol.ParseRequest([]byte(got))
		if len(ferrs) > 0 || parsed.ActivityName() != tc.req.ActivityName() {
			t.Errorf("%s: body %s parses as %v with %v", tc.name, got, parsed, ferrs)
		}
	}
}
