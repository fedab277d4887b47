package protocol

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// sellerStub answers like a seller after checking the call's method, headers and signature.
func sellerStub(t *testing.T, key string) http.HandlerFunc {
	v := NewVerifier(nil)
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != ContentTypeJSON {
			t.Errorf("got %s with Content-Type %q", r.Method, r.Header.Get("Content-Type"))
		}
		if err := v.Verify(key, r.URL.Query(), body); err != nil {
			t.Errorf("seller could not verify the call: %v", err)
		}
		if r.URL.Query().Get("keep") != "me" {
			t.Errorf("query on the address lost: %s", r.URL.RawQuery)
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"resultCode":"000000","resultMsg":"ok"}`)
	}
}

func TestClientCallSignsAndRecords(t *testing.T) {
	srv := httptest.NewServer(sellerStub(t, "k"))
	defer srv.Close()
	res := NewClient(ClientOptions{}).Call(context.Background(), srv.URL+"/p?keep=me", "k", []byte(`{"activity":"orderNotify"}`))
	if res.Err != nil || res.Kind != ErrKindNone {
		t.Fatalf("err = %v (%s)", res.Err, res.Kind)
	}
	if res.StatusCode != 200 || string(res.Body) != `{"resultCode":"000000","resultMsg":"ok"}` || res.Header.Get("Content-Type") != "application/json" {
		t.Errorf("result = %d %q %v", res.StatusCode, res.Body, res.Header)
	}
	if res.Latency <= 0 || res.Started.IsZero() || !strings.Contains(res.URL, "signature=") || res.RequestHeader.Get("Content-Type") != ContentTypeJSON {
		t.Errorf("request record incomplete: %+v", res)
	}
}

func TestClientSendReplaysExactURL(t *testing.T) {
	var seen []error
	v := NewVerifier(nil)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		seen = append(seen, v.Verify("k", r.URL.Query(), body))
	}))
	defer srv.Close()
	c := NewClient(ClientOptions{})
	body := []byte(`{}`)
	first := c.Call(context.Background(), srv.URL, "k", body)
	c.Send(context.Background(), first.URL, body)
	if len(seen) != 2 || seen[0] != nil || !errors.Is(seen[1], ErrReplayedNonce) {
		t.Fatalf("verifications = %v", seen)
	}
}

func TestClientTimeout(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(5 * time.Second):
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	start := time.Now()
	res := NewClient(ClientOptions{Timeout: 150 * time.Millisecond}).Call(context.Background(), srv.URL, "k", nil)
	if res.Kind != ErrKindTimeout || res.Err == nil {
		t.Fatalf("kind = %q, err = %v", res.Kind, res.Err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("took %s", d)
	}
}

func TestClientTimeoutWhileReadingBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"resultCode":`)
		w.(http.Flusher).Flush()
		select {
		case <-time.After(5 * time.Second):
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	res := NewClient(ClientOptions{Timeout: 150 * time.Millisecond}).Call(context.Background(), srv.URL, "k", nil)
	if res.Kind != ErrKindTimeout || res.StatusCode != 200 {
		t.Fatalf("kind = %q, status %d, err = %v", res.Kind, res.StatusCode, res.Err)
	}
}

func TestClientRefusesRedirect(t *testing.T) {
	followed := false
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/elsewhere", http.StatusFound) })
	mux.HandleFunc("/elsewhere", func(http.ResponseWriter, *http.Request) { followed = true })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	res := NewClient(ClientOptions{}).Call(context.Background(), srv.URL, "k", nil)
	if res.Kind != ErrKindRedirect || !errors.Is(res.Err, ErrRedirectRefused) || res.StatusCode != http.StatusFound || followed {
		t.Fatalf("kind = %q, err = %v, status %d, followed %v", res.Kind, res.Err, res.StatusCode, followed)
	}
	if !strings.Contains(res.Err.Error(), "/elsewhere") {
		t.Errorf("error should name the target: %v", res.Err)
	}
}

func TestClientCapsBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, strings.Repeat("x", 5000))
	}))
	defer srv.Close()
	res := NewClient(ClientOptions{MaxResponseBytes: 1024}).Call(context.Background(), srv.URL, "k", nil)
	if res.Kind != ErrKindTooLarge || !errors.Is(res.Err, ErrResponseTooLarge) || len(res.Body) != 1024 {
		t.Fatalf("kind = %q, err = %v, body %d bytes", res.Kind, res.Err, len(res.Body))
	}
	exact := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, strings.Repeat("x", 1024))
	}))
	defer exact.Close()
	if res := NewClient(ClientOptions{MaxResponseBytes: 1024}).Call(context.Background(), exact.URL, "k", nil); res.Err != nil {
		t.Fatalf("a body of exactly the cap: %v", res.Err)
	}
}

func TestClientUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	res := NewClient(ClientOptions{}).Call(context.Background(), "http://"+addr, "k", nil)
	if res.Kind != ErrKindUnreachable {
		t.Fatalf("kind = %q, err = %v", res.Kind, res.Err)
	}
}

func TestClientDialGuard(t *testing.T) {
	called := false
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { called = true }))
	defer srv.Close()
	res := NewClient(ClientOptions{DialGuard: PublicOnly}).Call(context.Background(), srv.URL, "k", nil)
	if res.Kind != ErrKindBlocked || !errors.Is(res.Err, ErrBlockedAddress) || called {
		t.Fatalf("kind = %q, err = %v, reached %v", res.Kind, res.Err, called)
	}
	// A name that resolves to loopback is refused too: the guard sees the resolved IP.
	res = NewClient(ClientOptions{DialGuard: PublicOnly}).Call(context.Background(), strings.Replace(srv.URL, "127.0.0.1", "localhost", 1), "k", nil)
	if res.Kind != ErrKindBlocked || called {
		t.Fatalf("localhost: kind = %q, err = %v", res.Kind, res.Err)
	}
}

func TestClientTLS(t *testing.T) {
	srv := httptest.NewUnstartedServer(sellerStub(t, "k"))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	srv.StartTLS()
	defer srv.Close()
	res := NewClient(ClientOptions{}).Call(context.Background(), srv.URL+"?keep=me", "k", nil)
	if res.Kind != ErrKindTLS {
		t.Fatalf("untrusted certificate: kind = %q, err = %v", res.Kind, res.Err)
	}
	roots := srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	res = NewClient(ClientOptions{TLSConfig: &tls.Config{RootCAs: roots}}).Call(context.Background(), srv.URL+"?keep=me", "k", nil)
	if res.Err != nil || res.StatusCode != 200 {
		t.Fatalf("trusted certificate: %v", res.Err)
	}
}

func TestClientBadAddressAndCancel(t *testing.T) {
	c := NewClient(ClientOptions{})
	for _, a := range []string{"", "seller.example.com", "ftp://seller.example.com"} {
		if res := c.Call(context.Background(), a, "k", nil); res.Kind != ErrKindBadAddress {
			t.Errorf("%q: kind = %q", a, res.Kind)
		}
	}
	if res := c.Send(context.Background(), "::bad", nil); res.Kind != ErrKindBadAddress {
		t.Errorf("Send: kind = %q", res.Kind)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if res := c.Call(ctx, srv.URL, "k", nil); res.Kind != ErrKindCanceled {
		t.Errorf("canceled: kind = %q, err = %v", res.Kind, res.Err)
	}
}

func TestClientUsesInjectedClock(t *testing.T) {
	c := NewClient(ClientOptions{Now: fixedClock(vecTime)})
	res := c.Call(context.Background(), "http://127.0.0.1:1", "k", nil)
	if !strings.Contains(res.URL, "timestamp="+vecTS) {
		t.Fatalf("URL = %s", res.URL)
	}
}

func TestPublicOnly(t *testing.T) {
	refused := []string{"127.0.0.1", "127.8.8.8", "::1", "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1",
		"169.254.169.254", "fe80::1", "fc00::1", "fd00:ec2::254", "0.0.0.0", "0.1.2.3", "::", "100.100.100.200",
		"100.64.0.1", "224.0.0.1", "ff02::1", "255.255.255.255", "::ffff:127.0.0.1", "::ffff:169.254.169.254"}
	for _, s := range refused {
		if PublicOnly(net.ParseIP(s)) == nil {
			t.Errorf("%s allowed", s)
		}
	}
	if PublicOnly(nil) == nil {
		t.Error("nil allowed")
	}
	for _, s := range []string{"8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2001:4860:4860::8888"} {
		if err := PublicOnly(net.ParseIP(s)); err != nil {
			t.Errorf("%s refused: %v", s, err)
		}
	}
}
