package protocol

import (
	"encoding/json"
	"strings"
	"testing"
)

func FuzzDecryptField(f *testing.F) {
	f.Add("1", "abcdefghij0123452H2jABc2gGkcxvY3WycArg==")
	f.Add("2", "abcdefghij012345Vs0mDvYoKRVhC9ciUGc7/Q==")
	f.Add("1", "abcdefghij012345")
	f.Add("2", "abcdefghij012345AAAAAAAAAAAAAAAAAAAAAA==")
	f.Add("1", "plain-text-password")
	f.Add("3", "")
	f.Fuzz(func(t *testing.T, typ, field string) {
		plain, err := DecryptField(vecKey, typ, field)
		if err != nil {
			return
		}
		again, err := EncryptFieldWithIV(vecKey, typ, plain, field[:IVLength])
		if err != nil {
			t.Fatalf("re-encrypt: %v", err)
		}
		if back, err := DecryptField(vecKey, typ, again); err != nil || back != plain {
			t.Fatalf("round trip of %q = %q, %v", plain, back, err)
		}
	})
}

func FuzzParseBodySignHeader(f *testing.F) {
	f.Add(BodySignHeader(vecKey, []byte(bodySignBody)))
	f.Add(`sign_type=HMAC-SHA256,signature=83RYNHUwWLqGwsbQ/IYZdqlBzyzflnjcoTEk5+wCc+0=`)
	f.Add(`sign_type="HMAC-SHA256", signature= ""`)
	f.Add(`,,=`)
	f.Add(`"`)
	f.Fuzz(func(t *testing.T, h string) {
		sig, err := ParseBodySignHeader(h)
		if err != nil {
			return
		}
		canonical := `sign_type="HMAC-SHA256", signature= "` + sig + `"`
		if again, err := ParseBodySignHeader(canonical); err != nil || again != sig {
			t.Fatalf("canonical form of %q does not parse back: %q, %v", h, again, err)
		}
	})
}

func FuzzParseAKSKAuthorization(f *testing.F) {
	sig := strings.Repeat("0f", 32)
	f.Add("SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, Signature=" + sig)
	f.Add("SDK-HMAC-SHA256 Access=a,SignedHeaders=x-sdk-date,Signature=" + sig)
	f.Add("SDK-HMAC-SHA256 ,,,")
	f.Add("SDK-HMAC-SHA256 Access==, SignedHeaders=;, Signature=")
	f.Fuzz(func(t *testing.T, h string) {
		a, err := ParseAKSKAuthorization(h)
		if err != nil {
			return
		}
		formatted := "SDK-HMAC-SHA256 Access=" + a.AccessKey + ", SignedHeaders=" + strings.Join(a.SignedHeaders, ";") + ", Signature=" + a.Signature
		b, err := ParseAKSKAuthorization(formatted)
		if err != nil || b.AccessKey != a.AccessKey || b.Signature != a.Signature || strings.Join(b.SignedHeaders, ";") != strings.Join(a.SignedHeaders, ";") {
			t.Fatalf("%q formats as %q, which parses to %+v, %v", h, formatted, b, err)
		}
	})
}

func FuzzParseExpireTime(f *testing.F) {
	for _, s := range []string{"20251231235959", "20251231235959123", "20240229000000", "99999999999999", "2025-12-31", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tm, err := ParseExpireTime(s)
		if err != nil {
			return
		}
		back := FormatExpireTime(tm)
		if len(s) == 17 {
			back = FormatMillisTime(tm)
		}
		if back != s {
			t.Fatalf("%q parses to %v, which formats as %q", s, tm, back)
		}
	})
}

func FuzzParseResponse(f *testing.F) {
	f.Add(uint8(0), `{"resultCode":"000000","resultMsg":"ok","instanceId":"i","encryptType":"1","appInfo":{"frontEndUrl":"https://a.example.com","password":"abcdefghij0123452H2jABc2gGkcxvY3WycArg=="}}`)
	f.Add(uint8(1), `{"resultCode":"000000","info":[{"instanceId":"i","usageInfo":[{"usageValue":"1.5","statisticalTime":"20240101000000000"}]}]}`)
	f.Add(uint8(7), `{"resultCode":"000000","license":{"type":"CHARACTERS","characters":"x"}}`)
	f.Add(uint8(3), `{"resultCode":"000004"}`)
	f.Add(uint8(0), `{"resultCode":0}`)
	f.Add(uint8(1), `[]`)
	f.Fuzz(func(t *testing.T, which uint8, body string) {
		activity := Activities()[int(which)%len(Activities())]
		resp, errs := ParseResponse(activity, []byte(body))
		if len(errs) != 0 {
			return
		}
		again, err := json.Marshal(resp)
		if err != nil {
			t.Fatalf("marshal a valid %s response: %v", activity, err)
		}
		if _, errs := ParseResponse(activity, again); len(errs) != 0 {
			t.Fatalf("valid %s response %q re-encodes as %s, which is invalid: %v", activity, body, again, errs)
		}
	})
}

func FuzzParseRequest(f *testing.F) {
	f.Add(vecBody)
	f.Add(`{"activity":"queryInstance","instanceId":"a,b"}`)
	f.Add(`{"activity":"refreshInstance","orderId":"o","orderLineId":"l","instanceId":"i","scene":"RENEWAL","expireTime":"20251231235959"}`)
	f.Add(`{"activity":"getLicenseAsync","instanceId":"i","effectiveTime":"2023-10-27 10:30:15 z","eventId":"e"}`)
	f.Add(`{"activity":null}`)
	f.Fuzz(func(t *testing.T, body string) {
		req, errs := ParseRequest([]byte(body))
		if len(errs) != 0 {
			return
		}
		again, _ := json.Marshal(req)
		if back, errs := ParseRequest(again); len(errs) != 0 || back.ActivityName() != req.ActivityName() {
			t.Fatalf("valid request %q re-encodes as %s, which is invalid: %v", body, again, errs)
		}
	})
}
