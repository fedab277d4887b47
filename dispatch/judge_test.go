package dispatch

import (
	"net/http"
	"testing"

	"koogallery/models/outbox"
	"koogallery/protocol"
)

// judge turns every kind of answer into the right outcome, resultCode and error kind.
func TestDispatchJudge(t *testing.T) {
	const appInfo = `"appInfo":{"frontEndUrl":"https://app.example.com/i/1"}`
	cases := []struct {
		name       string
		activity   protocol.Activity
		status     int
		body       string
		outcome    outbox.Outcome
		resultCode string
		kind       string
		instance   string
	}{
		{"created", protocol.ActivityNewInstance, 200, `{"resultCode":"000000","resultMsg":"ok","instanceId":"i-1",` + appInfo + `}`, outbox.OutcomeSucceeded, "000000", "", "i-1"},
		{"created without appInfo", protocol.ActivityNewInstance, 200, `{"resultCode":"000000","resultMsg":"ok","instanceId":"i-1"}`, outbox.OutcomeFailed, "000000", "bad_fields", ""},
		{"created without instanceId", protocol.ActivityNewInstance, 200, `{"resultCode":"000000","resultMsg":"ok",` + appInfo + `}`, outbox.OutcomeFailed, "000000", "bad_fields", ""},
		{"still processing", protocol.ActivityNewInstance, 200, `{"resultCode":"000004","resultMsg":"wait","instanceId":"i-2"}`, outbox.OutcomeProcessing, "000004", "", "i-2"},
		{"still processing, no id", protocol.ActivityNewInstance, 200, `{"resultCode":"000004","resultMsg":"wait"}`, outbox.OutcomeProcessing, "000004", "", ""},
		{"poll still processing", protocol.ActivityQueryInstance, 200, `{"resultCode":"000004","resultMsg":"wait"}`, outbox.OutcomeProcessing, "000004", "", ""},
		{"poll done", protocol.ActivityQueryInstance, 200, `{"resultCode":"000000","resultMsg":"ok","encryptType":"1","info":[{"instanceId":"i-2",` + appInfo + `}]}`, outbox.OutcomeSucceeded, "000000", "", "i-2"},
		{"poll without instances", protocol.ActivityQueryInstance, 200, `{"resultCode":"000000","resultMsg":"ok","info":[]}`, outbox.OutcomeFailed, "000000", "bad_fields", ""},
		{"000004 is no success for a refresh", protocol.ActivityRefreshInstance, 200, `{"resultCode":"000004","resultMsg":"wait"}`, outbox.OutcomeFailed, "000004", "", ""},
		{"refreshed", protocol.ActivityRefreshInstance, 200, `{"resultCode":"000000","resultMsg":"ok"}`, outbox.OutcomeSucceeded, "000000", "", ""},
		{"frozen", protocol.ActivityUpdateInstanceStatus, 200, `{"resultCode":"000000","resultMsg":"ok"}`, outbox.OutcomeSucceeded, "000000", "", ""},
		{"released", protocol.ActivityReleaseInstance, 200, `{"resultCode":"000000","resultMsg":"ok"}`, outbox.OutcomeSucceeded, "000000", "", ""},
		{"refused signature", protocol.ActivityNewInstance, 200, `{"resultCode":"000001","resultMsg":"bad sign"}`, outbox.OutcomeFailed, "000001", "", ""},
		{"internal error", protocol.ActivityReleaseInstance, 200, `{"resultCode":"000005","resultMsg":"oops"}`, outbox.OutcomeFailed, "000005", "", ""},
		{"HTTP 500", protocol.ActivityNewInstance, 500, `{"resultCode":"000000"}`, outbox.OutcomeFailed, "", "", ""},
		{"HTTP 204", protocol.ActivityRefreshInstance, http.StatusNoContent, ``, outbox.OutcomeFailed, "", "", ""},
		{"HTML", protocol.ActivityNewInstance, 200, `<html>OK</html>`, outbox.OutcomeFailed, "", "not_json", ""},
		{"JSON array", protocol.ActivityReleaseInstance, 200, `[]`, outbox.OutcomeFailed, "", "not_json", ""},
		{"empty body", protocol.ActivityReleaseInstance, 200, ``, outbox.OutcomeFailed, "", "not_json", ""},
		{"over-long resultMsg", protocol.ActivityRefreshInstance, 200, `{"resultCode":"000000","resultMsg":"` + long(300) + `"}`, outbox.OutcomeFailed, "000000", "bad_fields", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := outbox.AttemptResult{Outcome: outbox.OutcomeFailed}
			judge(&r, c.activity, c.status, []byte(c.body))
			if r.Outcome != c.outcome || r.ResultCode != c.resultCode || r.ErrorKind != c.kind || r.SellerInstanceID != c.instance {
				t.Fatalf("outcome %s result %q kind %q instance %q (error %q); want %s %q %q %q",
					r.Outcome, r.ResultCode, r.ErrorKind, r.SellerInstanceID, r.Error, c.outcome, c.resultCode, c.kind, c.instance)
			}
			if (r.Outcome == outbox.OutcomeFailed) != (r.Error != "") {
				t.Fatalf("outcome %s with error %q", r.Outcome, r.Error)
			}
			if r.Outcome == outbox.OutcomeSucceeded && (c.activity == protocol.ActivityNewInstance || c.activity == protocol.ActivityQueryInstance) &&
				r.AppInfo == "" {
				t.Fatal("appInfo not kept")
			}
		})
	}
}

func long(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = 'x'
	}
	return string(b)
}
