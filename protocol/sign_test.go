package protocol

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	vecKey   = "exampleAccessKey123"
	vecBody  = `{"activity":"newInstance","orderId":"CS1906666688ABCDE","orderLineId":"CS1906666688ABCDE-000001","businessId":"b-1","testFlag":"1"}`
	vecNonce = "4d1e5b1c2a3f4e5d6c7b8a9f0e1d2c3b"
	vecTS    = "1700000000000"
	vecInner = "27174ca037ea18b87c764d3304091cb84d209e4567df331d879dc6877d6d4af7"
	vecSig   = "5ae85f3c69956b305968c77264a5cb0e0aaed8f6030a9c6e6169305046f74a68"
)

var vecTime = time.UnixMilli(1700000000000)

func fixedClock(t time.Time) func() time.Time { return func() time.Time { return t } }

func signedQuery(key string, body []byte, nonce, ts string) url.Values {
	return url.Values{
		ParamSignature: {SignV2(key, body, nonce, ts)},
		ParamTimestamp: {ts},
		ParamNonce:     {nonce},
	}
}

func TestSignV2Vector(t *testing.T) {
	if got := BodyHash(vecKey, []byte(vecBody)); got != vecInner {
		t.Errorf("BodyHash = %s, want %s", got, vecInner)
	}
	if got := SignV2(vecKey, []byte(vecBody), vecNonce, vecTS); got != vecSig {
		t.Errorf("SignV2 = %s, want %s", got, vecSig)
	}
}

func TestVerifierAcceptsVectorInEitherCase(t *testing.T) {
	for _, sig := range []string{vecSig, strings.ToUpper(vecSig)} {
		v := NewVerifier(fixedClock(vecTime))
		q := url.Values{ParamSignature: {sig}, ParamTimestamp: {vecTS}, ParamNonce: {vecNonce}}
		if err := v.Verify(vecKey, q, []byte(vecBody)); err != nil {
			t.Errorf("Verify(%s…) = %v", sig[:8], err)
		}
	}
}

func TestVerifierRoundTripAndReplay(t *testing.T) {
	v := NewVerifier(fixedClock(vecTime))
	body := []byte(`{"activity":"queryInstance","instanceId":"i-1"}`)
	q := signedQuery("k", body, NewNonce(), Timestamp(vecTime))
	if err := v.Verify("k", q, body); err != nil {
		t.Fatalf("first call: %v", err)
	}
	if err := v.Verify("k", q, body); !errors.Is(err, ErrReplayedNonce) {
		t.Fatalf("replay: err = %v, want ErrReplayedNonce", err)
	}
}

func TestVerifierRefusals(t *testing.T) {
	body := []byte(vecBody)
	good := signedQuery(vecKey, body, vecNonce, vecTS)
	with := func(k, v string) url.Values {
		q := url.Values{}
		for name, vs := range good {
			q[name] = vs
		}
		if v == "" {
			q.Del(k)
		} else {
			q.Set(k, v)
		}
		return q
	}
	cases := []struct {
		name  string
		now   time.Time
		key   string
		query url.Values
		body  string
		want  error
	}{
		{"missing signature", vecTime, vecKey, with(ParamSignature, ""), vecBody, ErrMissingSignature},
		{"missing timestamp", vecTime, vecKey, with(ParamTimestamp, ""), vecBody, ErrMissingTimestamp},
		{"missing nonce", vecTime, vecKey, with(ParamNonce, ""), vecBody, ErrMissingNonce},
		{"seconds timestamp", vecTime, vecKey, with(ParamTimestamp, "1700000000"), vecBody, ErrBadTimestamp},
		{"non-digit timestamp", vecTime, vecKey, with(ParamTimestamp, "17000000000x0"), vecBody, ErrBadTimestamp},
		{"stale by 61 s", vecTime.Add(61 * time.Second), vecKey, good, vecBody, ErrStaleTimestamp},
		{"future by 61 s", vecTime.Add(-61 * time.Second), vecKey, good, vecBody, ErrStaleTimestamp},
		{"short nonce", vecTime, vecKey, with(ParamNonce, "abc"), vecBody, ErrBadNonce},
		{"nonce with dash", vecTime, vecKey, with(ParamNonce, "4d1e5b1c-a3f4e5d6c7b8a9f0e1d2c3b"), vecBody, ErrBadNonce},
		{"tampered body", vecTime, vecKey, good, strings.Replace(vecBody, "b-1", "b-2", 1), ErrBadSignature},
		{"wrong key", vecTime, "otherKey", good, vecBody, ErrBadSignature},
		{"truncated signature", vecTime, vecKey, with(ParamSignature, vecSig[:63]), vecBody, ErrBadSignature},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := NewVerifier(fixedClock(tc.now)).Verify(tc.key, tc.query, []byte(tc.body))
			if !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestVerifierWindowEdgesAccepted(t *testing.T) {
	for _, d := range []time.Duration{60 * time.Second, -60 * time.Second} {
		v := NewVerifier(fixedClock(vecTime.Add(d)))
		if err := v.Verify(vecKey, signedQuery(vecKey, []byte(vecBody), vecNonce, vecTS), []byte(vecBody)); err != nil {
			t.Errorf("skew %s: %v", d, err)
		}
	}
}

func TestVerifierForgeryDoesNotBurnNonce(t *testing.T) {
	v := NewVerifier(fixedClock(vecTime))
	forged := signedQuery("wrong", []byte(vecBody), vecNonce, vecTS)
	if err := v.Verify(vecKey, forged, []byte(vecBody)); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("forged: %v", err)
	}
	if err := v.Verify(vecKey, signedQuery(vecKey, []byte(vecBody), vecNonce, vecTS), []byte(vecBody)); err != nil {
		t.Fatalf("genuine call after a forgery with its nonce: %v", err)
	}
}

func TestVerifierConcurrentReplayAcceptsOnce(t *testing.T) {
	v := NewVerifier(fixedClock(vecTime))
	q := signedQuery(vecKey, []byte(vecBody), vecNonce, vecTS)
	var ok atomic.Int32
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if v.Verify(vecKey, q, []byte(vecBody)) == nil {
				ok.Add(1)
			}
		})
	}
	wg.Wait()
	if ok.Load() != 1 {
		t.Fatalf("accepted %d times, want 1", ok.Load())
	}
}

func TestNonceCacheExpiresAndBounds(t *testing.T) {
	c := NewNonceCache(time.Minute, 3)
	t0 := time.Unix(0, 0)
	if !c.Remember("a", t0) || c.Remember("a", t0.Add(59*time.Second)) {
		t.Fatal("a must be fresh once, then refused within the ttl")
	}
	if !c.Remember("a", t0.Add(time.Minute)) {
		t.Fatal("a must be accepted again after the ttl")
	}
	for i := range 10 {
		c.Remember(fmt.Sprint("n", i), t0.Add(time.Minute))
	}
	if c.Len() > 3 {
		t.Fatalf("Len = %d, want ≤ 3", c.Len())
	}
	if c.Remember("n9", t0.Add(time.Minute)) {
		t.Fatal("the newest nonce must still be remembered")
	}
}

func TestNonceCacheCompacts(t *testing.T) {
	c := NewNonceCache(time.Second, 1_000_000)
	t0 := time.Unix(0, 0)
	for i := range 5000 {
		c.Remember(fmt.Sprint(i), t0.Add(time.Duration(i)*time.Millisecond))
	}
	if c.Len() > 1001 {
		t.Fatalf("Len = %d, want the last second only", c.Len())
	}
	if len(c.order)-c.head != c.Len() || len(c.order) > 4096 {
		t.Fatalf("queue not compacted: len %d head %d", len(c.order), c.head)
	}
}

func TestNewNonce(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		n := NewNonce()
		if len(n) != 32 || !isAlnum(n) || seen[n] {
			t.Fatalf("bad or repeated nonce %q", n)
		}
		seen[n] = true
	}
}

func TestTimestamp(t *testing.T) {
	if got := Timestamp(vecTime); got != vecTS {
		t.Fatalf("Timestamp = %s", got)
	}
}

func TestSignedURL(t *testing.T) {
	body := []byte(vecBody)
	cases := []struct{ address, wantPrefix string }{
		{"https://seller.example.com", "https://seller.example.com?"},
		{"https://seller.example.com/produce", "https://seller.example.com/produce?"},
		{"https://seller.example.com/p?x=1&y=a%20b", "https://seller.example.com/p?x=1&y=a%20b&"},
		{"https://seller.example.com/p?nonce=old&x=1#frag", "https://seller.example.com/p?x=1&"},
	}
	for _, tc := range cases {
		got, err := SignedURL(tc.address, vecKey, body, vecNonce, vecTS)
		if err != nil {
			t.Fatalf("%s: %v", tc.address, err)
		}
		want := tc.wantPrefix + "signature=" + vecSig + "&timestamp=" + vecTS + "&nonce=" + vecNonce
		if got != want {
			t.Errorf("SignedURL(%s)\n got %s\nwant %s", tc.address, got, want)
		}
		u, _ := url.Parse(got)
		if err := NewVerifier(fixedClock(vecTime)).Verify(vecKey, u.Query(), body); err != nil {
			t.Errorf("%s: signed URL does not verify: %v", tc.address, err)
		}
	}
	for _, bad := range []string{"seller.example.com", "ftp://x/y", "https://", "://x", "http://[::1"} {
		if _, err := SignedURL(bad, vecKey, body, vecNonce, vecTS); err == nil {
			t.Errorf("SignedURL(%q) succeeded", bad)
		}
	}
}
