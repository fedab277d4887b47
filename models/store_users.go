package models

import (
	"context"
	"errors"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"
)

// ErrBadCredentials: unknown email or wrong password (never said which).
var ErrBadCredentials = errors.New("bad credentials")

// ErrThrottled: too many failed logins for this account; try again later.
var ErrThrottled = errors.New("too many failed logins")

// Login throttling within loginWindow: at most loginMaxFailures failures for one email from
// one address (so a stranger elsewhere cannot lock the real user out), and at most
// loginMaxPerIP failures from one address over all emails.
const (
	loginMaxFailures = 5
	loginMaxPerIP    = 30
	loginWindow      = 15 * time.Minute
)

// dummyHash is compared against when the email is unknown, so both paths take as long.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("not-a-real-password"), bcrypt.DefaultCost)

// NormalizeEmail trims and lower-cases an email address.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// CreateUser adds an account with a bcrypt-hashed password.
func (s *Store) CreateUser(ctx context.Context, email, name, password string, role Role, sellerID *uint) (*User, error) {
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return nil, err
	}
	u := &User{Email: NormalizeEmail(email), Name: name, PasswordHash: string(hash), Role: role, SellerID: sellerID}
	if err := s.conn(ctx).Create(u).Error; err != nil {
		return nil, err
	}
	return u, nil
}

// Authenticate checks an email and password. Failures are recorded; past the throttling
// limits logins from that address refuse (ErrThrottled) until the window passes.
func (s *Store) Authenticate(ctx context.Context, email, password, ip string) (*User, error) {
	email = NormalizeEmail(email)
	since := s.now().Add(-loginWindow)
	var forEmail, forIP int64
	if err := s.conn(ctx).Model(&LoginFailure{}).Where("email = ? AND ip = ? AND created_at > ?", email, ip, since).
		Count(&forEmail).Error; err != nil {
		return nil, err
	}
	if err := s.conn(ctx).Model(&LoginFailure{}).Where("ip = ? AND created_at > ?", ip, since).
		Count(&forIP).Error; err != nil {
		return nil, err
	}
	if forEmail >= loginMaxFailures || forIP >= loginMaxPerIP {
		return nil, ErrThrottled
	}
	var u User
	err := s.conn(ctx).Where("email = ?", email).First(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return nil, s.recordLoginFailure(ctx, email, ip)
	}
	if err != nil {
		return nil, err
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil {
		return nil, s.recordLoginFailure(ctx, email, ip)
	}
	if err := s.conn(ctx).Where("email = ? AND ip = ?", email, ip).Delete(&LoginFailure{}).Error; err != nil {
		return nil, err
	}
	return &u, nil
}

func (s *Store) recordLoginFailure(ctx context.Context, email, ip string) error {
	if len(email) > 190 {
		email = email[:190]
	}
	if err := s.conn(ctx).Create(&LoginFailure{Email: email, IP: ip, CreatedAt: s.now()}).Error; err != nil {
		return err
	}
	return ErrBadCredentials
}

// UserByID loads a user with their seller company.
func (s *Store) UserByID(ctx context.Context, id uint) (*User, error) {
	var u User
	if err := s.conn(ctx).Preload("Seller").First(&u, id).Error; err != nil {
		return nil, notFound(err)
	}
	return &u, nil
}

// notFound maps GORM's missing-row error to ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound
	}
	return err
}
