package account

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
)

// TokenPurpose is what a link in a mail does.
type TokenPurpose string

// The purposes and how long each link works.
const (
	PurposeVerify       TokenPurpose = "verify"        // proves an account's email
	PurposeReset        TokenPurpose = "reset"         // sets a forgotten password
	PurposeMemberInvite TokenPurpose = "member_invite" // joins a seller company with roles
	PurposeAdminInvite  TokenPurpose = "admin_invite"  // becomes an operations admin

	VerifyValid = 24 * time.Hour
	ResetValid  = 30 * time.Minute
	InviteValid = 7 * 24 * time.Hour
)

// Token is a single-use link sent by mail. Only the SHA-256 of its secret is stored.
type Token struct {
	ID          uint         `gorm:"primaryKey"`
	Purpose     TokenPurpose `gorm:"size:16;not null;index:idx_tokens_email,priority:1"`
	TokenHash   string       `gorm:"size:64;not null;uniqueIndex"`
	Email       string       `gorm:"size:190;not null;index:idx_tokens_email,priority:2"`
	UserID      *uint        `gorm:"index"`
	SellerID    *uint        `gorm:"index"`
	Seller      *Seller
	Roles       MemberRoles `gorm:"size:64;not null;default:''"`
	CreatedByID *uint
	CreatedBy   *User `gorm:"foreignKey:CreatedByID"`
	ExpiresAt   time.Time
	UsedAt      *time.Time
	RevokedAt   *time.Time // replaced by a newer link, or cancelled
	CreatedAt   time.Time
}

// Open reports whether the link may still be used at now.
func (t *Token) Open(now time.Time) bool {
	return t.UsedAt == nil && t.RevokedAt == nil && now.Before(t.ExpiresAt)
}

// issueToken stores t with a fresh secret inside tx, after revoking the open links of the
// same purpose for the same address (and company), so only the newest works; it returns the
// secret for the mail.
func issueToken(tx *gorm.DB, now time.Time, t *Token, valid time.Duration) (string, error) {
	q := tx.Model(&Token{}).Where("purpose = ? AND email = ? AND used_at IS NULL AND revoked_at IS NULL", t.Purpose, t.Email)
	if t.SellerID != nil {
		q = q.Where("seller_id = ?", *t.SellerID)
	}
	if err := q.Update("revoked_at", now).Error; err != nil {
		return "", err
	}
	raw, hash := newSecret()
	t.TokenHash, t.CreatedAt, t.ExpiresAt = hash, now, now.Add(valid)
	return raw, tx.Create(t).Error
}

// lookupToken finds a link of one of the purposes by its secret and says whether it may be used.
func lookupToken(tx *gorm.DB, now time.Time, raw string, purposes ...TokenPurpose) (*Token, error) {
	if raw == "" || len(raw) > 100 {
		return nil, ErrTokenInvalid
	}
	var t Token
	err := tx.Preload("Seller").Preload("CreatedBy").Where("token_hash = ? AND purpose IN ?", hashSecret(raw), purposes).First(&t).Error
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		return nil, ErrTokenInvalid
	case err != nil:
		return nil, err
	case t.UsedAt != nil || t.RevokedAt != nil:
		return &t, ErrTokenUsed
	case !now.Before(t.ExpiresAt):
		return &t, ErrTokenExpired
	}
	return &t, nil
}

// consumeToken uses a link once inside tx: of two requests with the same link, one gets it
// and the other ErrTokenUsed.
func consumeToken(tx *gorm.DB, now time.Time, raw string, purposes ...TokenPurpose) (*Token, error) {
	t, err := lookupToken(tx, now, raw, purposes...)
	if err != nil {
		return t, err
	}
	res := tx.Model(&Token{}).Where("id = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?", t.ID, now).Update("used_at", now)
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected == 0 {
		return t, ErrTokenUsed
	}
	t.UsedAt = &now
	return t, nil
}

// Link looks up a mailed link of one of the purposes without using it, for the page that
// asks to confirm.
func (s *Store) Link(ctx context.Context, raw string, purposes ...TokenPurpose) (*Token, error) {
	return lookupToken(s.conn(ctx), s.db.Now(), raw, purposes...)
}
