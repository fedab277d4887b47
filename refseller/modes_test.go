package refseller

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"koogallery/protocol"
)

// answer sends a signed newInstance and returns the raw result with its protocol check.
func (h *harness) answer(req protocol.Request) (*protocol.CallResult, protocol.Response, protocol.FieldErrors) {
	h.t.Helper()
	res := h.call(req)
	if res.Err != nil {
		return res, nil, nil
	}
	resp, errs := protocol.ParseResponse(req.ActivityName(), res.Body)
	return res, resp, errs
}

func fieldNames(errs protocol.FieldErrors) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Field+":"+string(e.Problem))
	}
	return out
}

func TestModeIgnoreSignature(t *testing.T) {
	h := newHarness(t, Options{Mode: ModeIgnoreSignature})
	body, _ := json.Marshal(newInstanceReq("O", "O-1"))
	res := h.client.Send(context.Background(), h.srv.URL+"?signature=deadbeef&timestamp=1&nonce=x", body)
	resp, errs := protocol.ParseResponse(protocol.ActivityNewInstance, res.Body)
	if len(errs) > 0 || resp.Code() != protocol.ResultSuccess {
		t.Fatalf("forged call: %s %v", res.Body, errs)
	}
	if res := h.client.Send(context.Background(), h.srv.URL, body); !strings.Contains(string(res.Body), `"resultCode":"000000"`) {
		t.Fatalf("unsigned call: %s", res.Body)
	}
}

func TestModeBadSignatureCheck(t *testing.T) {
	h := newHarness(t, Options{Mode: ModeBadSignatureCheck})
	_, resp, errs := h.answer(newInstanceReq("O", "O-1"))
	if len(errs) > 0 || resp.Code() != protocol.ResultAuthFailed {
		t.Fatalf("correctly signed call: %+v %v", resp, errs)
	}
}

func TestModesThatBreakAppInfo(t *testing.T) {
	cases := []struct {
		mode Mode
		want []string
	}{
		{ModeMissingFields, []string{"instanceId:missing", "appInfo.frontEndUrl:missing"}},
		{ModeLongField, []string{"appInfo.frontEndUrl:too_long"}},
	}
	for _, tc := range cases {
		h := newHarness(t, Options{Mode: tc.mode})
		res, _, errs := h.answer(newInstanceReq("O", "O-1"))
		if got := fieldNames(errs); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %s\n got %v\nwant %v", tc.mode, res.Body, got, tc.want)
		}
	}
}

func TestModeBadEncryption(t *testing.T) {
	h := newHarness(t, Options{Mode: ModeBadEncryption})
	_, resp, errs := h.answer(newInstanceReq("O", "O-1"))
	if len(errs) > 0 {
		t.Fatalf("the answer itself is well formed: %v", errs)
	}
	r := resp.(*protocol.NewInstanceResponse)
	if _, err := protocol.DecryptField(testKey, r.EncryptType, r.AppInfo.Password); err == nil {
		t.Fatal("password decrypted")
	}
	if _, err := protocol.DecryptField(testKey, r.EncryptType, r.AppInfo.UserName); err != nil {
		t.Fatalf("userName must still decrypt: %v", err)
	}
}

func TestModeErrorCode(t *testing.T) {
	h := newHarness(t, Options{Mode: ModeErrorCode})
	for _, req := range []protocol.Request{
		newInstanceReq("O", "O-1"),
		&protocol.OrderNotifyRequest{Activity: protocol.ActivityOrderNotify, OrderID: "O", OrderLineID: "O-1"},
	} {
		if _, resp, errs := h.answer(req); len(errs) > 0 || resp.Code() != protocol.ResultInternalError {
			t.Errorf("%s: %+v %v", req.ActivityName(), resp, errs)
		}
	}
}

func TestModeSlow(t *testing.T) {
	h := newHarness(t, Options{Mode: ModeSlow, SlowDelay: 300 * time.Millisecond})
	body, _ := json.Marshal(newInstanceReq("O", "O-1"))
	impatient := protocol.NewClient(protocol.ClientOptions{Timeout: 100 * time.Millisecond, Now: h.clock.Now})
	if res := impatient.Call(context.Background(), h.srv.URL, testKey, body); res.Kind != protocol.ErrKindTimeout {
		t.Fatalf("kind = %q, err = %v", res.Kind, res.Err)
	}
	start := time.Now()
	res := h.client.Call(context.Background(), h.srv.URL, testKey, body)
	if res.Err != nil || time.Since(start) < 300*time.Millisecond || !strings.Contains(string(res.Body), `"resultCode":"000000"`) {
		t.Fatalf("patient client: %v after %s: %s", res.Err, time.Since(start), res.Body)
	}
	if d := DefaultSlowDelay; d <= protocol.DefaultCallTimeout {
		t.Errorf("the default slow delay %s must exceed the platform's timeout", d)
	}
}

func TestModeHTTP500(t *testing.T) {
	h := newHarness(t, Options{Mode: ModeHTTP500})
	if res := h.call(newInstanceReq("O", "O-1")); res.StatusCode != http.StatusInternalServerError {
		t.Fatalf("status %d", res.StatusCode)
	}
}

func TestModeNotJSON(t *testing.T) {
	h := newHarness(t, Options{Mode: ModeNotJSON})
	res, _, errs := h.answer(newInstanceReq("O", "O-1"))
	if res.StatusCode != http.StatusOK || !slices.Equal(fieldNames(errs), []string{"body:invalid"}) {
		t.Fatalf("%d %s %v", res.StatusCode, res.Body, errs)
	}
}

func TestModeDifferentInstance(t *testing.T) {
	h := newHarness(t, Options{Mode: ModeDifferentInstance})
	a := h.create("O").InstanceID
	b := h.create("O").InstanceID
	if a == b {
		t.Fatal("different-instance returned the same id twice")
	}
	h.seller.SetMode(ModeOK)
	if c := h.create("O").InstanceID; c != b {
		t.Errorf("back in ok mode the latest instance is kept: %s, want %s", c, b)
	}
}

func TestModesListAndParse(t *testing.T) {
	modes := Modes()
	if len(modes) != 11 || modes[0] != ModeOK {
		t.Fatalf("modes = %v", modes)
	}
	for _, m := range modes {
		if got, err := ParseMode(string(m)); err != nil || got != m || m.Description() == "" {
			t.Errorf("%s: %v", m, err)
		}
	}
	if m, err := ParseMode(""); err != nil || m != ModeOK {
		t.Error("empty mode must be ok")
	}
	if _, err := ParseMode("chaos"); err == nil || !strings.Contains(err.Error(), "different-instance") {
		t.Errorf("unknown mode: %v", err)
	}
}
