package sellerkit

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"koogallery/protocol"
)

// Certify proves that an address is a working production endpoint that checks signatures. It
// sends two signed probes (queryInstance for an instance that does not exist, testFlag "1"):
// one correctly signed with the seller's key, which must get a well-formed protocol answer in
// time (any known resultCode but 000001), and one signed with a wrong key, which must be
// refused with 000001. Only an endpoint that passes both is certified.
func (k *Kit) Certify(ctx context.Context, address, accessKey string) Report {
	r := Report{Scenario: "certify", Passed: true, RanAt: k.now().UTC()}
	// A request of strings only: marshalling cannot fail.
	body, _ := json.Marshal(&protocol.QueryInstanceRequest{Activity: protocol.ActivityQueryInstance,
		InstanceID: "kg-certify-" + protocol.RandomAlnum(12), TestFlag: protocol.TestFlagDebug})

	good := k.sign(address, accessKey, body)
	res := k.Client.Send(ctx, good.URL, good.Body)
	r.Exchanges = append(r.Exchanges, exchange(good, res))
	code, ok := probeAnswer(&r, res)
	if !ok {
		r.skip("signature_checked")
		return r
	}
	r.add("signature_accepted", code != "000001", code)

	bad := k.sign(address, "wrong-"+protocol.RandomAlnum(24), body)
	res = k.Client.Send(ctx, bad.URL, bad.Body)
	r.Exchanges = append(r.Exchanges, exchange(bad, res))
	var head struct {
		ResultCode string `json:"resultCode"`
	}
	if res.Err != nil || json.Unmarshal(res.Body, &head) != nil {
		r.add("signature_checked", false, "")
		return r
	}
	r.add("signature_checked", head.ResultCode == "000001", head.ResultCode)
	return r
}

// probeAnswer checks that a call got a timely, well-formed protocol answer over the right
// transport, and returns its resultCode.
func probeAnswer(r *Report, res *protocol.CallResult) (string, bool) {
	if res.Err != nil {
		r.add("reachable", false, string(res.Kind))
		return "", false
	}
	r.add("reachable", true, itoa64(res.Latency.Milliseconds()))
	if strings.HasPrefix(res.URL, "https://") {
		r.add("tls", true)
	} else {
		r.skip("tls")
	}
	if res.StatusCode != http.StatusOK {
		r.add("http_status", false, itoa64(int64(res.StatusCode)))
		return "", false
	}
	r.add("http_status", true)
	var head struct {
		ResultCode string `json:"resultCode"`
	}
	if json.Unmarshal(res.Body, &head) != nil {
		r.add("json", false, res.Header.Get("Content-Type"))
		return "", false
	}
	r.add("json", true)
	if !protocol.KnownResult(head.ResultCode) {
		r.add("result_code", false, head.ResultCode)
		return "", false
	}
	r.add("result_code", true, head.ResultCode)
	return head.ResultCode, true
}
