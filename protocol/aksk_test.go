package protocol

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

type akskVector struct {
	ak, sk, url, host, contentType, date, signature string
}

var akskVectors = []akskVector{
	{ // Huawei's signing-guide example
		"QTWAOYTTINDUT2QVKYUC", "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc",
		"/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0",
		"service.region.example.com", "application/json", "20191115T033655Z",
		"7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe",
	},
	{ // querying an order on the open API
		"HPUAEXAMPLEAK0000001", "ExampleSecretKey0123456789abcdefghijklmnop",
		"/api/mkp-openapi-public/global/v1/order/query?orderId=MOCKPERIODYEARNEW&orderLineId=MOCKPERIODYEARNEW-000001",
		"mkt-intl.myhuaweicloud.com", "application/json;charset=UTF-8", "20240416T095341Z",
		"6cc9a16cd21b36814b68c91be55bec3ddfdede9a3d4d933265a3409643b40b01",
	},
}

func sdkTime(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(SdkDateLayout, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

func lookup(ak, sk string) func(context.Context, string) (string, error) {
	return func(_ context.Context, got string) (string, error) {
		if got != ak {
			return "", fmt.Errorf("%w: %s", ErrAKSKUnknownAccessKey, got)
		}
		return sk, nil
	}
}

func TestAKSKVectors(t *testing.T) {
	for _, v := range akskVectors {
		r := httptest.NewRequest(http.MethodGet, "https://"+v.host+v.url, nil)
		r.Header.Set("Content-Type", v.contentType)
		if err := (AKSKSigner{AK: v.ak, SK: v.sk}).Sign(r, nil, sdkTime(t, v.date)); err != nil {
			t.Fatal(err)
		}
		want := "SDK-HMAC-SHA256 Access=" + v.ak + ", SignedHeaders=content-type;host;x-sdk-date, Signature=" + v.signature
		if got := r.Header.Get("Authorization"); got != want {
			t.Errorf("Authorization\n got %s\nwant %s", got, want)
		}
		if got := r.Header.Get(HeaderSdkDate); got != v.date {
			t.Errorf("X-Sdk-Date = %s", got)
		}
		// A server sees the same request with Host in r.Host and a path-only URL.
		srv := httptest.NewRequest(http.MethodGet, v.url, nil)
		srv.Host = v.host
		srv.Header = r.Header.Clone()
		ver := AKSKVerifier{Lookup: lookup(v.ak, v.sk), Now: fixedClock(sdkTime(t, v.date).Add(14 * time.Minute))}
		if ak, err := ver.Verify(srv, nil); err != nil || ak != v.ak {
			t.Errorf("Verify = %q, %v", ak, err)
		}
	}
}

// TestAKSKVerifyOverHTTP signs a POST with a body and a non-default header set, sends it
// over real HTTP and verifies it on the server.
func TestAKSKVerifyOverHTTP(t *testing.T) {
	const ak, sk = "AK123", "SK456"
	now := time.Date(2024, 4, 16, 9, 53, 41, 0, time.UTC)
	ver := &AKSKVerifier{Lookup: lookup(ak, sk), Now: fixedClock(now)}
	var gotAK string
	var gotErr error
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		gotAK, gotErr = ver.Verify(r, body)
	}))
	defer srv.Close()
	for _, signed := range [][]string{nil, {"x-sdk-date"}, {"X-Custom", "Host", "content-type"}} {
		body := []byte(`{"event":"done","name":"a b/c?"}`)
		r, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/mkp-openapi-public/global/v1/market-event/ev%2F1/file?b=2&a=1&a=0&e=&sp=a+b", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("X-Custom", "  spaced value ")
		if err := (AKSKSigner{AK: ak, SK: sk, SignedHeaders: signed}).Sign(r, body, now); err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if gotErr != nil || gotAK != ak {
			t.Errorf("signed %v: Verify = %q, %v", signed, gotAK, gotErr)
		}
	}
}

func TestAKSKUnsignedPayload(t *testing.T) {
	now := time.Unix(1700000000, 0)
	r := httptest.NewRequest(http.MethodPost, "https://h.example.com/x", strings.NewReader("anything"))
	r.Header.Set(HeaderSdkContentSHA256, "UNSIGNED-PAYLOAD")
	if err := (AKSKSigner{AK: "a", SK: "s"}).Sign(r, nil, now); err != nil {
		t.Fatal(err)
	}
	ver := AKSKVerifier{Lookup: lookup("a", "s"), Now: fixedClock(now)}
	if _, err := ver.Verify(r, []byte("a different body")); err != nil {
		t.Fatalf("UNSIGNED-PAYLOAD: %v", err)
	}
}

func TestAKSKRefusals(t *testing.T) {
	now := time.Date(2024, 4, 16, 9, 53, 41, 0, time.UTC)
	body := []byte(`{"x":1}`)
	newReq := func() *http.Request {
		r := httptest.NewRequest(http.MethodPost, "https://h.example.com/v1/x?q=1", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		if err := (AKSKSigner{AK: "AK", SK: "SK"}).Sign(r, body, now); err != nil {
			t.Fatal(err)
		}
		return r
	}
	cases := []struct {
		name   string
		mutate func(r *http.Request) []byte
		clock  time.Time
		want   error
	}{
		{"no header", func(r *http.Request) []byte { r.Header.Del("Authorization"); return body }, now, ErrAKSKMissing},
		{"other scheme", func(r *http.Request) []byte { r.Header.Set("Authorization", "Bearer x"); return body }, now, ErrAKSKMalformed},
		{"skew +16 min", func(*http.Request) []byte { return body }, now.Add(16 * time.Minute), ErrAKSKSkew},
		{"skew -16 min", func(*http.Request) []byte { return body }, now.Add(-16 * time.Minute), ErrAKSKSkew},
		{"bad date", func(r *http.Request) []byte { r.Header.Set(HeaderSdkDate, "2024-04-16"); return body }, now, ErrAKSKBadDate},
		{"date not signed", func(r *http.Request) []byte {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), ";x-sdk-date", "", 1))
			return body
		}, now, ErrAKSKBadDate},
		{"unknown AK", func(r *http.Request) []byte {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "Access=AK", "Access=NOPE", 1))
			return body
		}, now, ErrAKSKUnknownAccessKey},
		{"tampered body", func(*http.Request) []byte { return []byte(`{"x":2}`) }, now, ErrAKSKSignature},
		{"tampered query", func(r *http.Request) []byte { r.URL.RawQuery = "q=2"; return body }, now, ErrAKSKSignature},
		{"tampered host", func(r *http.Request) []byte { r.Host = "evil.example.com"; return body }, now, ErrAKSKSignature},
		{"tampered content-type", func(r *http.Request) []byte { r.Header.Set("Content-Type", "text/plain"); return body }, now, ErrAKSKSignature},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := newReq()
			b := tc.mutate(r)
			ver := AKSKVerifier{Lookup: lookup("AK", "SK"), Now: fixedClock(tc.clock)}
			if _, err := ver.Verify(r, b); !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
	var mm *AKSKMismatchError
	r := newReq()
	_, err := (&AKSKVerifier{Lookup: lookup("AK", "SK"), Now: fixedClock(now)}).Verify(r, nil)
	if !errors.As(err, &mm) || !strings.HasPrefix(mm.CanonicalRequest, "POST\n/v1/x/\nq=1\ncontent-type:application/json\n") {
		t.Errorf("mismatch error = %#v", err)
	}
}

func TestParseAKSKAuthorization(t *testing.T) {
	sig := strings.Repeat("ab", 32)
	a, err := ParseAKSKAuthorization("SDK-HMAC-SHA256 Access=AK1,SignedHeaders=Host;X-Sdk-Date, Signature=" + sig)
	if err != nil || a.AccessKey != "AK1" || strings.Join(a.SignedHeaders, ";") != "host;x-sdk-date" || a.Signature != sig {
		t.Fatalf("= %+v, %v", a, err)
	}
	for _, h := range []string{
		"",
		"SDK-HMAC-SHA256",
		"SDK-HMAC-SHA1 Access=a, SignedHeaders=x-sdk-date, Signature=" + sig,
		"SDK-HMAC-SHA256 Access=, SignedHeaders=x-sdk-date, Signature=" + sig,
		"SDK-HMAC-SHA256 Access=a, SignedHeaders=, Signature=" + sig,
		"SDK-HMAC-SHA256 Access=a, SignedHeaders=a;;b, Signature=" + sig,
		"SDK-HMAC-SHA256 Access=a, SignedHeaders=x-sdk-date, Signature=xyz",
		"SDK-HMAC-SHA256 Access=a, Access=b, SignedHeaders=x-sdk-date, Signature=" + sig,
		"SDK-HMAC-SHA256 Access=a, SignedHeaders=x-sdk-date, Signature=" + sig + ", Extra=1",
		"SDK-HMAC-SHA256 Access=a SignedHeaders=x-sdk-date Signature=" + sig,
	} {
		if _, err := ParseAKSKAuthorization(h); !errors.Is(err, ErrAKSKMalformed) {
			t.Errorf("ParseAKSKAuthorization(%q) err = %v", h, err)
		}
	}
}

func TestAKSKCanonicalPieces(t *testing.T) {
	uris := map[string]string{
		"":                "/",
		"/":               "/",
		"/a/b":            "/a/b/",
		"/a/b/":           "/a/b/",
		"/a%20b/c%2Fd":    "/a%20b/c%2Fd/",
		"/ä/~x":           "/%C3%A4/~x/",
		"/bad%zzescape":   "/bad%25zzescape/",
		"/v1/id+plus/x:y": "/v1/id%2Bplus/x%3Ay/",
	}
	for in, want := range uris {
		if got := akskCanonicalURI(in); got != want {
			t.Errorf("canonical URI of %q = %q, want %q", in, got, want)
		}
	}
	queries := map[string]string{
		"":                  "",
		"b=2&a=1":           "a=1&b=2",
		"a=2&a=1&a=10":      "a=1&a=10&a=2",
		"e=&f":              "e=&f=",
		"sp=a+b&q=%2F%7E":   "q=%2F~&sp=a%20b",
		"B=1&a=1":           "B=1&a=1",
		"k%C3%A4=%E4%B8%AD": "k%C3%A4=%E4%B8%AD",
	}
	for in, want := range queries {
		if got := akskCanonicalQuery(in); got != want {
			t.Errorf("canonical query of %q = %q, want %q", in, got, want)
		}
	}
}

func TestAKSKSignerNeedsKeys(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "https://h/x", nil)
	if err := (AKSKSigner{AK: "a"}).Sign(r, nil, time.Now()); err == nil {
		t.Fatal("signed without SK")
	}
}
