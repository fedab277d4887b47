package sellerkit

import (
	"encoding/json"
	"strconv"
	"time"
)

// Check is one verdict on the seller's answer. Its message is "check.<ID>.ok" or
// "check.<ID>.fail" (with Args), and a failed check also shows "check.<ID>.fix".
type Check struct {
	ID      string   `json:"id"`
	OK      bool     `json:"ok"`
	Skipped bool     `json:"skipped,omitempty"`
	Args    []string `json:"args,omitempty"`
}

// Exchange is one request as sent and the answer as received.
type Exchange struct {
	Method          string            `json:"method"`
	URL             string            `json:"url"`
	RequestHeaders  map[string]string `json:"requestHeaders"`
	RequestBody     string            `json:"requestBody"`
	Curl            string            `json:"curl"`
	Status          int               `json:"status,omitempty"`
	ResponseHeaders map[string]string `json:"responseHeaders,omitempty"`
	ResponseBody    string            `json:"responseBody,omitempty"`
	LatencyMS       int64             `json:"latencyMs"`
	ErrorKind       string            `json:"errorKind,omitempty"`
}

// Report is the outcome of a debugging call or a certification: what was exchanged and every check.
type Report struct {
	Scenario   string     `json:"scenario,omitempty"`
	Exchanges  []Exchange `json:"exchanges"`
	Checks     []Check    `json:"checks"`
	Passed     bool       `json:"passed"`
	InstanceID string     `json:"instanceId,omitempty"` // what a newInstance returned
	RanAt      time.Time  `json:"ranAt"`
}

// add records a check; every failed check fails the report.
func (r *Report) add(id string, ok bool, args ...string) {
	r.Checks = append(r.Checks, Check{ID: id, OK: ok, Args: args})
	if !ok {
		r.Passed = false
	}
}

// skip records a check that could not run because an earlier one failed (or does not apply).
func (r *Report) skip(id string) { r.Checks = append(r.Checks, Check{ID: id, OK: true, Skipped: true}) }

// JSON encodes the report for storage.
func (r Report) JSON() string {
	b, _ := json.Marshal(r)
	return string(b)
}

// ParseReport decodes a stored report; a damaged one gives an empty report.
func ParseReport(s string) Report {
	var r Report
	_ = json.Unmarshal([]byte(s), &r)
	return r
}

// Failed lists the checks that failed.
func (r Report) Failed() []Check {
	var out []Check
	for _, c := range r.Checks {
		if !c.OK {
			out = append(out, c)
		}
	}
	return out
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
