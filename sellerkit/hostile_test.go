package sellerkit

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"koogallery/models/sellertools"
	"koogallery/protocol"
)

// Hostile endpoints end with a clear failed check, never a hang or a followed redirect.
func TestHostileEndpoints(t *testing.T) {
	endless := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(200)
		chunk := []byte(strings.Repeat("x", 64<<10))
		for i := 0; i < 64; i++ { // 4 MiB, past the 1 MiB cap
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer endless.Close()
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
	}))
	defer redirect.Close()
	for _, c := range []struct {
		url, kind string
	}{{endless.URL, string(protocol.ErrKindTooLarge)}, {redirect.URL, string(protocol.ErrKindRedirect)}} {
		r := runScenario(t, testKit(), c.url, sellertools.DebugSaaS, "newInstance", nil)
		if f := r.Failed(); len(f) != 1 || f[0].ID != "reachable" || f[0].Args[0] != c.kind {
			t.Errorf("%s: %+v", c.kind, r.Checks)
		}
		if r := testKit().Certify(context.Background(), c.url, testKey); r.Passed {
			t.Errorf("%s certified", c.kind)
		}
	}
	// With the production dial guard, a loopback endpoint is refused at connect time.
	guarded := &Kit{Client: protocol.NewClient(protocol.ClientOptions{DialGuard: protocol.PublicOnly})}
	if r := guarded.Certify(context.Background(), redirect.URL, testKey); r.Passed || r.Checks[0].Args[0] != string(protocol.ErrKindBlocked) {
		t.Errorf("guarded: %+v", r.Checks)
	}
}
