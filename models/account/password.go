package account

import (
	_ "embed"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
)

// Password rules: at least MinPassword characters and at most MaxPasswordBytes bytes (bcrypt
// reads no further), not the account's email or its name part, not a common password.
const (
	MinPassword      = 10
	MaxPasswordBytes = 72
)

// Password messages (i18n keys).
const (
	MsgPasswordShort  = "account.err.password_short"
	MsgPasswordLong   = "account.err.password_long"
	MsgPasswordEmail  = "account.err.password_email"
	MsgPasswordCommon = "account.err.password_common"
)

// commonPasswords are the passwords of at least MinPassword characters from zxcvbn's
// frequency list (MIT, the @zxcvbn-ts/language-common package), lower-cased, plus a few
// common among Chinese users and this product's own demo password.
//
//go:embed common_passwords.txt
var commonPasswordList string

var commonPasswords = func() map[string]bool {
	m := map[string]bool{}
	for _, p := range strings.Split(commonPasswordList, "\n") {
		if p != "" {
			m[p] = true
		}
	}
	return m
}()

// CheckPassword says what is wrong with a new password for the account with this email, as
// a message key; "" when it is acceptable.
func CheckPassword(password, email string) string {
	switch {
	case utf8.RuneCountInString(password) < MinPassword:
		return MsgPasswordShort
	case len(password) > MaxPasswordBytes:
		return MsgPasswordLong
	}
	lower := strings.ToLower(password)
	email = NormalizeEmail(email)
	local, _, _ := strings.Cut(email, "@")
	if email != "" && (lower == email || lower == local) {
		return MsgPasswordEmail
	}
	if commonPasswords[lower] {
		return MsgPasswordCommon
	}
	return ""
}

// hashCost is bcrypt's work factor: about 50 ms a hash on this machine kind.
const hashCost = bcrypt.DefaultCost

// HashPassword hashes a password with bcrypt.
func HashPassword(password string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(password), hashCost)
	return string(h), err
}

// dummyHash is compared against when the email is unknown, so both paths take as long.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("not-a-real-password"), hashCost)

// passwordMatches checks a password against a stored hash (or the dummy one when hash is "").
func passwordMatches(hash, password string) bool {
	if hash == "" {
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil
}
