package secrets

import (
	"bytes"
	"errors"
	"testing"
)

func TestSealOpenRoundTripAndTamper(t *testing.T) {
	key := bytes.Repeat([]byte{7}, 32)
	b, err := NewBox(key)
	if err != nil {
		t.Fatal(err)
	}
	s1, _ := b.Seal([]byte("secret-value"))
	s2, _ := b.Seal([]byte("secret-value"))
	if bytes.Equal(s1, s2) {
		t.Fatal("two seals of one value are equal: nonce reused")
	}
	if bytes.Contains(s1, []byte("secret-value")) {
		t.Fatal("plain text visible in the sealed value")
	}
	got, err := b.Open(s1)
	if err != nil || string(got) != "secret-value" {
		t.Fatalf("open = %q, %v", got, err)
	}
	s1[len(s1)-1] ^= 1
	if _, err := b.Open(s1); !errors.Is(err, ErrOpen) {
		t.Fatalf("tampered value opened: %v", err)
	}
	other, _ := NewBox(bytes.Repeat([]byte{8}, 32))
	if _, err := other.Open(s2); !errors.Is(err, ErrOpen) {
		t.Fatalf("opened under another key: %v", err)
	}
	if _, err := b.Open([]byte("short")); !errors.Is(err, ErrOpen) {
		t.Fatalf("short value: %v", err)
	}
	if _, err := NewBox([]byte("short")); err == nil {
		t.Fatal("short master key accepted")
	}
}
