package refseller

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func control(t *testing.T, h http.Handler, method, target, token, remote string) (int, controlState) {
	t.Helper()
	r := httptest.NewRequest(method, target, nil)
	r.RemoteAddr = remote
	if token != "" {
		r.Header.Set(HeaderControlToken, token)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	var st controlState
	if w.Code == http.StatusOK {
		if err := json.Unmarshal(w.Body.Bytes(), &st); err != nil {
			t.Fatal(err)
		}
	}
	return w.Code, st
}

func TestControlHandlerWithToken(t *testing.T) {
	s, _ := New(Options{AccessKey: "k", ControlToken: "secret", Logger: slog.New(slog.DiscardHandler)})
	h := s.ControlHandler()
	if code, _ := control(t, h, "POST", "/_control?mode=http500", "", "127.0.0.1:1"); code != http.StatusForbidden {
		t.Errorf("no token from loopback: %d", code)
	}
	if code, _ := control(t, h, "POST", "/_control?mode=http500", "wrong", "127.0.0.1:1"); code != http.StatusForbidden {
		t.Errorf("wrong token: %d", code)
	}
	code, st := control(t, h, "POST", "/_control?mode=slow&slowNewInstance=true", "secret", "203.0.113.9:1")
	if code != http.StatusOK || st.Mode != ModeSlow || !st.SlowNewInstance || st.SlowLicense || s.Mode() != ModeSlow || len(st.Modes) != len(Modes()) {
		t.Fatalf("%d %+v", code, st)
	}
	if code, _ := control(t, h, "POST", "/_control?mode=chaos&slowLicense=true", "secret", "203.0.113.9:1"); code != http.StatusBadRequest {
		t.Errorf("bad mode: %d", code)
	}
	if code, _ := control(t, h, "POST", "/_control?mode=ok&slowLicense=maybe", "secret", "203.0.113.9:1"); code != http.StatusBadRequest || s.Mode() != ModeSlow {
		t.Errorf("a bad value must change nothing: %d, mode %s", code, s.Mode())
	}
	if code, st := control(t, h, "GET", "/_control", "secret", "203.0.113.9:1"); code != http.StatusOK || st.Mode != ModeSlow || st.SlowLicense {
		t.Errorf("GET: %d %+v", code, st)
	}
	if code, _ := control(t, h, "DELETE", "/_control", "secret", "203.0.113.9:1"); code != http.StatusMethodNotAllowed {
		t.Errorf("DELETE: %d", code)
	}
}

func TestControlHandlerWithoutTokenIsLoopbackOnly(t *testing.T) {
	s, _ := New(Options{AccessKey: "k", Logger: slog.New(slog.DiscardHandler)})
	h := s.ControlHandler()
	if code, _ := control(t, h, "POST", "/_control?mode=http500&signature=ab&timestamp=1&nonce=n", "", "127.0.0.1:5000"); code != http.StatusNotFound || s.Mode() != ModeOK {
		t.Errorf("signed protocol call on the control path: %d, mode %s", code, s.Mode())
	}
	if code, _ := control(t, h, "POST", "/_control?mode=not-json", "", "198.51.100.7:5000"); code != http.StatusForbidden {
		t.Errorf("remote client: %d", code)
	}
	for _, remote := range []string{"127.0.0.1:5000", "[::1]:5000"} {
		if code, _ := control(t, h, "POST", "/_control?mode=not-json", "", remote); code != http.StatusOK || s.Mode() != ModeNotJSON {
			t.Errorf("%s: %d", remote, code)
		}
	}
	// Form bodies work too.
	r := httptest.NewRequest("POST", "/_control", strings.NewReader(url.Values{"mode": {"ok"}}.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.RemoteAddr = "127.0.0.1:5000"
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusOK || s.Mode() != ModeOK {
		t.Errorf("form: %d %s", w.Code, s.Mode())
	}
}
