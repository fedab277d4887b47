package sqldb

import (
	"crypto/rand"
	"encoding/hex"
	"errors"

	"gorm.io/gorm"
)

// Errors the stores return; handlers turn them into pages and messages.
var (
	// ErrNotFound: no such object, or not one the caller may see.
	ErrNotFound = errors.New("not found")
	// ErrStale: the object is no longer in the state the change expects (already done, or
	// changed by someone else); nothing was applied.
	ErrStale = errors.New("stale state")
	// ErrLeaseLost: a worker's lease on a claimed row (a call, a mail) ended and another
	// worker took it; the result was dropped.
	ErrLeaseLost = errors.New("lease lost")
)

// NotFound maps GORM's missing-row error to ErrNotFound.
func NotFound(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound
	}
	return err
}

// FieldErrors maps a form field to a message key for the user's language.
type FieldErrors map[string]string

// Error lists the fields in error; it lets FieldErrors travel as an error.
func (f FieldErrors) Error() string {
	s := "invalid input:"
	for k, v := range f {
		s += " " + k + "=" + v
	}
	return s
}

// Has reports whether any field is in error.
func (f FieldErrors) Has() bool { return len(f) > 0 }

// ClipText keeps at most n bytes of s, cut on a rune boundary.
func ClipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

// RandomID is prefix and 24 random hex characters: an id nobody can guess or collide with.
func RandomID(prefix string) string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return prefix + hex.EncodeToString(b)
}
