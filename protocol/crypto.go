package protocol

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"unicode/utf8"
)

// Encryption types announced in a response's encryptType field.
const (
	// EncryptAES256 ("1") encrypts sensitive fields with AES-256-CBC.
	EncryptAES256 = "1"
	// EncryptAES128 ("2") encrypts sensitive fields with AES-128-CBC.
	EncryptAES128 = "2"
)

// IVLength is the length of the initialisation vector that prefixes an encrypted field.
const IVLength = 16

// Errors returned by the field encryption functions.
var (
	// ErrUnknownEncryptType reports an encryptType other than "1" or "2".
	ErrUnknownEncryptType = errors.New("protocol: unknown encryptType")
	// ErrMalformedField reports an encrypted field that cannot be decrypted.
	ErrMalformedField = errors.New("protocol: malformed encrypted field")
)

// KeyLength returns the AES key length in bytes for an encryptType: 32 for "1", 16 for "2".
func KeyLength(encryptType string) (int, error) {
	switch encryptType {
	case EncryptAES256:
		return 32, nil
	case EncryptAES128:
		return 16, nil
	}
	return 0, fmt.Errorf("%w: %q", ErrUnknownEncryptType, encryptType)
}

// DeriveKey returns the AES key for an access key and encryptType: the first 16 or 32 bytes
// of Java's SHA1PRNG stream seeded with the access key's bytes.
func DeriveKey(accessKey, encryptType string) ([]byte, error) {
	n, err := KeyLength(encryptType)
	if err != nil {
		return nil, err
	}
	return SHA1PRNG([]byte(accessKey), n), nil
}

// SHA1PRNG returns the first n bytes that Java's SUN "SHA1PRNG" SecureRandom produces when
// it is seeded with seed before its first use.
func SHA1PRNG(seed []byte, n int) []byte {
	s := sha1.Sum(seed)
	state := s[:]
	out := make([]byte, 0, n+sha1.Size)
	for len(out) < n {
		blk := sha1.Sum(state)
		out = append(out, blk[:]...)
		// Java adds the output block to the state as signed bytes, with a carry.
		carry := 1
		changed := false
		for i := range state {
			v := int(int8(state[i])) + int(int8(blk[i])) + carry
			t := byte(v)
			changed = changed || state[i] != t
			state[i] = t
			carry = v >> 8
		}
		if !changed {
			state[0]++
		}
	}
	return out[:n]
}

// EncryptField encrypts plain for a response field with a fresh random IV:
// the result is the 16-character IV followed by base64(AES-CBC-PKCS5(key, iv, plain)).
func EncryptField(accessKey, encryptType, plain string) (string, error) {
	return EncryptFieldWithIV(accessKey, encryptType, plain, RandomAlnum(IVLength))
}

// EncryptFieldWithIV is EncryptField with a given IV of 16 characters [A-Za-z0-9].
func EncryptFieldWithIV(accessKey, encryptType, plain, iv string) (string, error) {
	if !isAlnum(iv) || len(iv) != IVLength {
		return "", fmt.Errorf("protocol: IV must be %d characters [A-Za-z0-9]", IVLength)
	}
	key, err := DeriveKey(accessKey, encryptType)
	if err != nil {
		return "", err
	}
	block, _ := aes.NewCipher(key) // key length is 16 or 32: never fails
	pad := aes.BlockSize - len(plain)%aes.BlockSize
	data := append([]byte(plain), bytes.Repeat([]byte{byte(pad)}, pad)...)
	cipher.NewCBCEncrypter(block, []byte(iv)).CryptBlocks(data, data)
	return iv + base64.StdEncoding.EncodeToString(data), nil
}

// DecryptField reverses EncryptField. Any malformed input (short, bad IV, bad base64, bad
// block length, bad padding, invalid UTF-8) yields an error wrapping ErrMalformedField.
func DecryptField(accessKey, encryptType, field string) (string, error) {
	key, err := DeriveKey(accessKey, encryptType)
	if err != nil {
		return "", err
	}
	if len(field) <= IVLength {
		return "", fmt.Errorf("%w: shorter than the %d-character IV plus ciphertext", ErrMalformedField, IVLength)
	}
	iv, enc := field[:IVLength], field[IVLength:]
	if !isAlnum(iv) {
		return "", fmt.Errorf("%w: IV is not %d characters [A-Za-z0-9]", ErrMalformedField, IVLength)
	}
	data, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		return "", fmt.Errorf("%w: ciphertext is not base64", ErrMalformedField)
	}
	if len(data) == 0 || len(data)%aes.BlockSize != 0 {
		return "", fmt.Errorf("%w: ciphertext length %d is not a positive multiple of %d", ErrMalformedField, len(data), aes.BlockSize)
	}
	block, _ := aes.NewCipher(key)
	cipher.NewCBCDecrypter(block, []byte(iv)).CryptBlocks(data, data)
	pad := int(data[len(data)-1])
	if pad < 1 || pad > aes.BlockSize || !bytes.Equal(data[len(data)-pad:], bytes.Repeat([]byte{byte(pad)}, pad)) {
		return "", fmt.Errorf("%w: bad padding (wrong key or encryptType?)", ErrMalformedField)
	}
	plain := data[:len(data)-pad]
	if !utf8.Valid(plain) {
		return "", fmt.Errorf("%w: plaintext is not UTF-8 (wrong key or encryptType?)", ErrMalformedField)
	}
	return string(plain), nil
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// RandomAlnum returns n characters drawn uniformly from [A-Za-z0-9] with crypto/rand.
func RandomAlnum(n int) string {
	out := make([]byte, n)
	buf := make([]byte, n+n/2)
	for i := 0; i < n; {
		rand.Read(buf) // never fails (Go 1.24+)
		for _, b := range buf {
			// 62*4 = 248: reject bytes ≥ 248 so every character is equally likely.
			if b < 248 && i < n {
				out[i] = alnum[b%62]
				i++
			}
		}
	}
	return string(out)
}

func isAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}
