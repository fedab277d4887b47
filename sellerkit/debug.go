package sellerkit

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"koogallery/protocol"
)

// Kit sends the platform's calls to sellers and judges the answers.
type Kit struct {
	Client *protocol.Client
	Now    func() time.Time
}

// Prepared is a signed request ready to send: what 生成请求命令 shows.
type Prepared struct {
	URL     string
	Body    []byte
	Headers map[string]string
	Curl    string
}

// ParamErrors maps a parameter to a problem found before sending.
type ParamErrors map[string]protocol.FieldError

// Prepare builds, checks and signs a scenario's request against address+path.
func (k *Kit) Prepare(address, path, accessKey string, sc Scenario, values map[string]string) (Prepared, ParamErrors) {
	errs := ParamErrors{}
	for _, p := range sc.Params {
		if len(values[p.Name]) > MaxParamLen {
			errs[p.Name] = protocol.FieldError{Field: p.Name, Problem: protocol.ProblemTooLong, Detail: "at most " + strconv.Itoa(MaxParamLen) + " characters"}
		}
	}
	if len(errs) > 0 {
		return Prepared{}, errs
	}
	body := sc.Body(values)
	if _, ferrs := protocol.ParseRequest(body); len(ferrs) > 0 {
		for _, fe := range ferrs {
			errs[fe.Field] = fe
		}
		return Prepared{}, errs
	}
	return k.sign(address+path, accessKey, body), nil
}

func (k *Kit) sign(target, accessKey string, body []byte) Prepared {
	signed, err := protocol.SignedURL(target, accessKey, body, protocol.NewNonce(), protocol.Timestamp(k.now()))
	if err != nil {
		signed = target
	}
	p := Prepared{URL: signed, Body: body, Headers: map[string]string{"Content-Type": protocol.ContentTypeJSON, "Accept": "application/json"}}
	p.Curl = "curl -X POST " + shellQuote(signed) + " \\\n  -H " + shellQuote("Content-Type: "+protocol.ContentTypeJSON) +
		" \\\n  -d " + shellQuote(string(body))
	return p
}

func (k *Kit) now() time.Time {
	if k.Now != nil {
		return k.Now()
	}
	return time.Now()
}

// shellQuote wraps s in single quotes for a POSIX shell.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// Run sends a prepared scenario call and checks the answer: reachable, TLS, HTTP 200, JSON,
// a known resultCode meaning success, the activity's fields, decryptable credentials, and for
// newInstance that a repeated call returns the same instance.
func (k *Kit) Run(ctx context.Context, address, path, accessKey string, sc Scenario, p Prepared) Report {
	r := Report{Scenario: sc.ID, Passed: true, RanAt: k.now().UTC()}
	res := k.Client.Send(ctx, p.URL, p.Body)
	r.Exchanges = append(r.Exchanges, exchange(p, res))
	resp, ok := judgeTransport(&r, res, sc.Activity)
	if !ok {
		return r
	}
	if sc.Activity == protocol.ActivityNewInstance {
		k.judgeNewInstance(ctx, &r, address+path, accessKey, sc, p, resp.(*protocol.NewInstanceResponse))
	}
	return r
}

// judgeTransport runs the checks every answer must pass; ok is false when later checks
// cannot run.
func judgeTransport(r *Report, res *protocol.CallResult, activity protocol.Activity) (protocol.Response, bool) {
	code, ok := probeAnswer(r, res)
	if !ok {
		return nil, false
	}
	processing := code == "000004" && (activity == protocol.ActivityNewInstance || activity == protocol.ActivityGetLicenseAsync)
	if code != "000000" && !processing {
		r.add("success", false, code)
		return nil, false
	}
	r.add("success", true, code)
	resp, ferrs := protocol.ParseResponse(activity, res.Body)
	if processing {
		return resp, true // a "still processing" answer carries no instance yet
	}
	for _, fe := range ferrs {
		r.add("field", false, fe.Field, string(fe.Problem), fe.Detail)
	}
	if len(ferrs) == 0 {
		r.add("fields", true)
	}
	return resp, len(ferrs) == 0
}

// judgeNewInstance checks the credentials decrypt under the declared encryptType and that the
// call is idempotent.
func (k *Kit) judgeNewInstance(ctx context.Context, r *Report, target, accessKey string, sc Scenario, p Prepared, resp *protocol.NewInstanceResponse) {
	if resp == nil || resp.ResultCode != "000000" {
		r.skip("idempotent")
		return
	}
	r.InstanceID = resp.InstanceID
	if a := resp.AppInfo; a != nil && (a.UserName != "" || a.Password != "") {
		for _, f := range [][2]string{{"userName", a.UserName}, {"password", a.Password}} {
			name, v := f[0], f[1]
			if v == "" {
				continue
			}
			if _, err := protocol.DecryptField(accessKey, resp.EncryptType, v); err != nil {
				r.add("decrypt", false, name, resp.EncryptType)
			} else {
				r.add("decrypt", true, name, resp.EncryptType)
			}
		}
	}
	// The platform may send the same order again with a new businessId: the seller must answer
	// with the instance it already created.
	var values map[string]string
	_ = json.Unmarshal(p.Body, &values)
	values["businessId"] = ""
	again := k.sign(target, accessKey, sc.Body(values))
	res := k.Client.Send(ctx, again.URL, again.Body)
	r.Exchanges = append(r.Exchanges, exchange(again, res))
	var second protocol.NewInstanceResponse
	if res.Err != nil || res.StatusCode != http.StatusOK || json.Unmarshal(res.Body, &second) != nil || second.ResultCode != "000000" {
		r.add("idempotent", false, resp.InstanceID, "")
		return
	}
	r.add("idempotent", second.InstanceID == resp.InstanceID, resp.InstanceID, second.InstanceID)
}

// exchange records a request and its answer for display, with bodies pretty-printed.
func exchange(p Prepared, res *protocol.CallResult) Exchange {
	ex := Exchange{Method: http.MethodPost, URL: p.URL, RequestHeaders: p.Headers, RequestBody: pretty(p.Body), Curl: p.Curl,
		LatencyMS: res.Latency.Milliseconds(), ErrorKind: string(res.Kind)}
	if res.Err == nil {
		ex.Status = res.StatusCode
		ex.ResponseHeaders = map[string]string{}
		for name := range res.Header {
			ex.ResponseHeaders[name] = res.Header.Get(name)
		}
		ex.ResponseBody = pretty(res.Body)
	}
	return ex
}

// pretty indents a JSON body; anything else is shown as received (cut at 64 KiB).
func pretty(b []byte) string {
	var out bytes.Buffer
	if json.Indent(&out, b, "", "  ") == nil {
		return out.String()
	}
	if len(b) > 64<<10 {
		b = b[:64<<10]
	}
	return strings.ToValidUTF8(string(b), "�")
}
