package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"

	"gorm.io/gorm"

	"koogallery/models/sqldb"
)

// Store keeps accounts, companies, sessions and tokens.
type Store struct {
	db *sqldb.DB
	// baseURL is the site's public URL, for the links mails carry.
	baseURL  string
	sessions *sessionCache
}

// NewStore wraps the database; baseURL is the public URL links in mail start with.
func NewStore(db *sqldb.DB, baseURL string) *Store {
	return &Store{db: db, baseURL: strings.TrimRight(baseURL, "/"), sessions: newSessionCache()}
}

// Errors of the account store.
var (
	// ErrBadCredentials: unknown email or wrong password (never said which).
	ErrBadCredentials = errors.New("bad credentials")
	// ErrThrottled: too many attempts; a *ThrottledError says how long to wait.
	ErrThrottled = errors.New("too many attempts")
	// ErrTokenInvalid: the link is unknown, damaged or for something else.
	ErrTokenInvalid = errors.New("invalid link")
	// ErrTokenExpired: the link's time ran out.
	ErrTokenExpired = errors.New("expired link")
	// ErrTokenUsed: the link was used (or replaced by a newer one) already.
	ErrTokenUsed = errors.New("used link")
	// ErrNotEligible: the account cannot take the role it is offered (it is an admin, belongs
	// to a company already, or is not the invited address).
	ErrNotEligible = errors.New("account not eligible")
	// ErrLastOwner: the change would leave the company without an owner.
	ErrLastOwner = errors.New("last owner")
)

func (s *Store) conn(ctx context.Context) *gorm.DB { return s.db.Conn(ctx) }

// link is an absolute URL of the site for a mail.
func (s *Store) link(path string) string { return s.baseURL + path }

// newSecret is a random URL-safe secret and the SHA-256 hex digest that is stored instead.
func newSecret() (raw, hash string) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	raw = base64.RawURLEncoding.EncodeToString(b)
	return raw, hashSecret(raw)
}

// hashSecret is the stored form of a secret: tokens and session ids are never kept in clear.
func hashSecret(raw string) string {
	sum := sha256.Sum256([]byte(raw))
	return hex.EncodeToString(sum[:])
}

// UserByID loads a user with their seller company.
func (s *Store) UserByID(ctx context.Context, id uint) (*User, error) {
	var u User
	if err := s.conn(ctx).Preload("Seller").First(&u, id).Error; err != nil {
		return nil, sqldb.NotFound(err)
	}
	return &u, nil
}

// UserByEmail loads a user by address (normalised).
func (s *Store) UserByEmail(ctx context.Context, email string) (*User, error) {
	var u User
	if err := s.conn(ctx).Preload("Seller").Where("email = ?", NormalizeEmail(email)).First(&u).Error; err != nil {
		return nil, sqldb.NotFound(err)
	}
	return &u, nil
}

// bumpAuth records a change of what the user may do: their sessions get new ids.
func bumpAuth(tx *gorm.DB, userID uint, fields map[string]any) error {
	fields["auth_version"] = gorm.Expr("auth_version + 1")
	return tx.Model(&User{}).Where("id = ?", userID).Updates(fields).Error
}
