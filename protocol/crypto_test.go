package protocol

import (
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func TestDeriveKeyVectors(t *testing.T) {
	for typ, want := range map[string]string{
		EncryptAES128: "b3a787658e73754884fe45d7a5125d44",
		EncryptAES256: "b3a787658e73754884fe45d7a5125d44cf96823aaebc89874b91dfa1a1552d64",
	} {
		key, err := DeriveKey(vecKey, typ)
		if err != nil || hex.EncodeToString(key) != want {
			t.Errorf("DeriveKey(type %s) = %x, %v; want %s", typ, key, err, want)
		}
	}
	if _, err := DeriveKey(vecKey, "3"); !errors.Is(err, ErrUnknownEncryptType) {
		t.Errorf("type 3: err = %v", err)
	}
}

// TestSHA1PRNGLongStream covers several blocks, so the state update (signed bytes, carry)
// runs more than once.
func TestSHA1PRNGLongStream(t *testing.T) {
	out := SHA1PRNG([]byte(vecKey), 100)
	if len(out) != 100 || hex.EncodeToString(out[:32]) != "b3a787658e73754884fe45d7a5125d44cf96823aaebc89874b91dfa1a1552d64" {
		t.Fatalf("prefix differs: %x", out[:32])
	}
	if got := SHA1PRNG([]byte(vecKey), 60); string(got) != string(out[:60]) {
		t.Fatal("stream must not depend on the requested length")
	}
}

func TestEncryptFieldVectors(t *testing.T) {
	for typ, want := range map[string]string{
		EncryptAES256: "abcdefghij0123452H2jABc2gGkcxvY3WycArg==",
		EncryptAES128: "abcdefghij012345Vs0mDvYoKRVhC9ciUGc7/Q==",
	} {
		got, err := EncryptFieldWithIV(vecKey, typ, "P@ssw0rd!", "abcdefghij012345")
		if err != nil || got != want {
			t.Errorf("type %s: %q, %v; want %q", typ, got, err, want)
		}
		plain, err := DecryptField(vecKey, typ, want)
		if err != nil || plain != "P@ssw0rd!" {
			t.Errorf("decrypt type %s: %q, %v", typ, plain, err)
		}
	}
}

func TestEncryptFieldRoundTrip(t *testing.T) {
	for _, typ := range []string{EncryptAES256, EncryptAES128} {
		for _, plain := range []string{"", "a", "exactly16bytes!!", "用户名-ユーザー", strings.Repeat("x", 100)} {
			f, err := EncryptField("k", typ, plain)
			if err != nil {
				t.Fatal(err)
			}
			if !isAlnum(f[:IVLength]) {
				t.Errorf("IV %q is not alphanumeric", f[:IVLength])
			}
			if got, err := DecryptField("k", typ, f); err != nil || got != plain {
				t.Errorf("round trip %q (type %s) = %q, %v", plain, typ, got, err)
			}
		}
	}
	a, _ := EncryptField("k", EncryptAES256, "same")
	b, _ := EncryptField("k", EncryptAES256, "same")
	if a == b {
		t.Error("two encryptions share an IV")
	}
}

func TestEncryptFieldRejectsBadIV(t *testing.T) {
	for _, iv := range []string{"short", "abcdefghij01234!", "abcdefghij0123456"} {
		if _, err := EncryptFieldWithIV(vecKey, EncryptAES256, "x", iv); err == nil {
			t.Errorf("IV %q accepted", iv)
		}
	}
}

func TestDecryptFieldMalformed(t *testing.T) {
	good := "abcdefghij0123452H2jABc2gGkcxvY3WycArg=="
	cases := map[string]string{
		"empty":        "",
		"iv only":      "abcdefghij012345",
		"short":        "abc",
		"iv not alnum": "abcdefghij01234-2H2jABc2gGkcxvY3WycArg==",
		"not base64":   "abcdefghij012345%%%%",
		"not a block":  "abcdefghij012345AAAA",
		"plain text":   "plain-text-password",
		"truncated":    good[:len(good)-4],
	}
	for name, f := range cases {
		if got, err := DecryptField(vecKey, EncryptAES256, f); err == nil {
			t.Errorf("%s: decrypted to %q", name, got)
		} else if !errors.Is(err, ErrMalformedField) {
			t.Errorf("%s: err = %v, want ErrMalformedField", name, err)
		}
	}
	if _, err := DecryptField(vecKey, EncryptAES128, good); err == nil {
		t.Error("AES-256 field decrypted with the AES-128 key")
	}
	if _, err := DecryptField(vecKey, "", good); !errors.Is(err, ErrUnknownEncryptType) {
		t.Errorf("no encryptType: %v", err)
	}
}
