package protocol

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

const v1String = "activity=newInstance&businessId=61e834ba-7b97-4418-b8f7-e5345137278c&customerId=68cbc86abc2018ab880d92f36422fa0e&orderId=CS1906666688ABCDE&productId=00301-666688-0--0&testFlag=1&timeStamp=20170621185532100"

const v1Token = "P1K8PAOaYTMr7glNv0ColhjTjbj4rWBRUV+Q/yiupkU="

func TestAuthTokenVector(t *testing.T) {
	params, err := url.ParseQuery(v1String)
	if err != nil {
		t.Fatal(err)
	}
	if got := V1CanonicalString(params); got != v1String {
		t.Errorf("canonical string = %s", got)
	}
	if got := AuthToken(vecKey, params); got != v1Token {
		t.Errorf("AuthToken = %s, want %s", got, v1Token)
	}
	params.Set(ParamAuthToken, v1Token)
	if got := V1CanonicalString(params); got != v1String {
		t.Errorf("authToken must not be signed: %s", got)
	}
	if err := VerifyAuthToken(vecKey, params); err != nil {
		t.Errorf("VerifyAuthToken: %v", err)
	}
}

func TestAuthTokenDecodesAndSorts(t *testing.T) {
	// The same parameters, shuffled and URL-encoded, sign the same.
	shuffled := "timeStamp=20170621185532100&testFlag=1&productId=00301-666688-0--0&orderId=CS1906666688ABCDE&customerId=68cbc86abc2018ab880d92f36422fa0e&businessId=61e834ba%2D7b97-4418-b8f7-e5345137278c&activity=newInstance&authToken=" + url.QueryEscape(v1Token)
	params, _ := url.ParseQuery(shuffled)
	if err := VerifyAuthToken(vecKey, params); err != nil {
		t.Fatal(err)
	}
	params.Set("orderId", "OTHER")
	if err := VerifyAuthToken(vecKey, params); !errors.Is(err, ErrBadSignature) {
		t.Errorf("tampered: %v", err)
	}
	params.Del(ParamAuthToken)
	if err := VerifyAuthToken(vecKey, params); !errors.Is(err, ErrMissingSignature) {
		t.Errorf("no authToken: %v", err)
	}
	params.Set(ParamAuthToken, v1Token)
	params.Del(ParamTimeStamp)
	if err := VerifyAuthToken(vecKey, params); !errors.Is(err, ErrMissingTimestamp) {
		t.Errorf("no timeStamp: %v", err)
	}
}

const bodySignBody = `{"resultCode":"000000","resultMsg":"success.","instanceId":"inst-001"}`

func TestBodySignVector(t *testing.T) {
	const want = "83RYNHUwWLqGwsbQ/IYZdqlBzyzflnjcoTEk5+wCc+0="
	if got := BodySign(vecKey, []byte(bodySignBody)); got != want {
		t.Errorf("BodySign = %s, want %s", got, want)
	}
	h := BodySignHeader(vecKey, []byte(bodySignBody))
	if h != `sign_type="HMAC-SHA256", signature= "`+want+`"` {
		t.Errorf("header = %s", h)
	}
	if err := VerifyBodySign(vecKey, h, []byte(bodySignBody)); err != nil {
		t.Errorf("VerifyBodySign: %v", err)
	}
}

func TestParseBodySignHeaderVariants(t *testing.T) {
	sig := BodySign(vecKey, []byte(bodySignBody))
	for _, h := range []string{
		`sign_type="HMAC-SHA256", signature= "` + sig + `"`,
		`sign_type="HMAC-SHA256",signature="` + sig + `"`,
		` sign_type = HMAC-SHA256 , signature = ` + sig,
		`signature= "` + sig + `", sign_type="hmac-sha256"`,
	} {
		got, err := ParseBodySignHeader(h)
		if err != nil || got != sig {
			t.Errorf("ParseBodySignHeader(%s) = %q, %v", h, got, err)
		}
	}
	bad := map[string]error{
		"":    ErrMissingBodySign,
		"   ": ErrMissingBodySign,
		`sign_type="HMAC-SHA1", signature= "` + sig + `"`:                             ErrMalformedBodySign,
		`signature= "` + sig + `"`:                                                    ErrMalformedBodySign,
		`sign_type="HMAC-SHA256"`:                                                     ErrMalformedBodySign,
		`sign_type="HMAC-SHA256", signature= "abc"`:                                   ErrMalformedBodySign,
		`sign_type="HMAC-SHA256" signature= "` + sig + `"`:                            ErrMalformedBodySign,
		`sign_type="HMAC-SHA256", signature= "` + sig + `", signature= "` + sig + `"`: ErrMalformedBodySign,
		`garbage`: ErrMalformedBodySign,
	}
	for h, want := range bad {
		if _, err := ParseBodySignHeader(h); !errors.Is(err, want) {
			t.Errorf("ParseBodySignHeader(%q) err = %v, want %v", h, err, want)
		}
	}
}

func TestVerifyBodySignMismatchNamesExpected(t *testing.T) {
	h := BodySignHeader("otherKey", []byte(bodySignBody))
	err := VerifyBodySign(vecKey, h, []byte(bodySignBody))
	if !errors.Is(err, ErrBodySignMismatch) || !strings.Contains(err.Error(), BodySign(vecKey, []byte(bodySignBody))) {
		t.Fatalf("err = %v", err)
	}
	if err := VerifyBodySign(vecKey, "", nil); err == nil || err.Error() != "protocol: http header->bodySign is empty" {
		t.Fatalf("empty header: %v", err)
	}
}
