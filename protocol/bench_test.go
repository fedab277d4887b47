package protocol

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"
	"time"
)

func BenchmarkSignV2(b *testing.B) {
	body := []byte(vecBody)
	b.ReportAllocs()
	for b.Loop() {
		SignV2(vecKey, body, vecNonce, vecTS)
	}
}

func BenchmarkVerifyV2(b *testing.B) {
	body := []byte(vecBody)
	v := NewVerifier(fixedClock(vecTime))
	// Distinct nonces, so every iteration is a full, successful verification.
	queries := make([]url.Values, 1<<14)
	for i := range queries {
		n := strconv.Itoa(1_000_000_000_000_000 + i)
		queries[i] = url.Values{ParamSignature: {SignV2(vecKey, body, n, vecTS)}, ParamTimestamp: {vecTS}, ParamNonce: {n}}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i == len(queries) {
			b.StopTimer()
			v = NewVerifier(fixedClock(vecTime))
			i = 0
			b.StartTimer()
		}
		if err := v.Verify(vecKey, queries[i], body); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkAKSKSign(b *testing.B) {
	v := akskVectors[1]
	now, _ := time.Parse(SdkDateLayout, v.date)
	r := httptest.NewRequest(http.MethodGet, "https://"+v.host+v.url, nil)
	r.Header.Set("Content-Type", v.contentType)
	s := AKSKSigner{AK: v.ak, SK: v.sk}
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Sign(r, nil, now); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAKSKVerify(b *testing.B) {
	v := akskVectors[1]
	now, _ := time.Parse(SdkDateLayout, v.date)
	r := httptest.NewRequest(http.MethodGet, v.url, nil)
	r.Host = v.host
	r.Header.Set("Content-Type", v.contentType)
	r.Header.Set(HeaderSdkDate, v.date)
	r.Header.Set("Authorization", "SDK-HMAC-SHA256 Access="+v.ak+", SignedHeaders=content-type;host;x-sdk-date, Signature="+v.signature)
	ver := &AKSKVerifier{
		Lookup: func(context.Context, string) (string, error) { return v.sk, nil },
		Now:    func() time.Time { return now },
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ver.Verify(r, nil); err != nil {
			b.Fatal(err)
		}
	}
}
