package account

import (
	"context"
	"errors"
	"net/url"
	"time"

	"gorm.io/gorm"

	"koogallery/models/sqldb"
)

// Sign-up and verification limits.
const (
	signupPerIP       = 10 // sign-ups from one address an hour
	verifyMailsPerDay = 5  // verification mails for one account a day
	verifyMailGap     = time.Minute
)

// SignUp creates a buyer account and mails its verification link. Whether the address was
// free is not told: for an address already registered nothing is created and its owner is
// mailed instead (at most once an hour), so the answer is the same either way. Field errors
// come back as sqldb.FieldErrors; too many sign-ups from one address as a *ThrottledError.
func (s *Store) SignUp(ctx context.Context, in NewUser, ip string) error {
	in.Role, in.Verified = RoleBuyer, false
	if errs := CheckNewUser(in); errs.Has() {
		return errs
	}
	email := NormalizeEmail(in.Email)
	now := s.db.Now()
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := limit(tx, now, rateSignup, "", ip, signupPerIP, time.Hour); err != nil {
			return err
		}
		var existing User
		err := tx.Where("email = ?", email).Limit(1).Find(&existing).Error
		if err != nil {
			return err
		}
		if existing.ID != 0 {
			// As long as creating the account would have taken: the time says nothing either.
			if _, err := HashPassword(in.Password); err != nil {
				return err
			}
			if err := recordRate(tx, now, rateSignup, email, ip); err != nil {
				return err
			}
			if n, err := countRate(tx, rateSignupTaken, email, "", now.Add(-time.Hour)); err != nil || n > 0 {
				return err
			}
			if err := recordRate(tx, now, rateSignupTaken, email, ip); err != nil {
				return err
			}
			return mailTo(tx, now, existing.Email, existing.Locale, "signup_existing", existing.Name, s.link("/login"), s.link("/password/forgot"))
		}
		if err := recordRate(tx, now, rateSignup, email, ip); err != nil {
			return err
		}
		u, err := s.createUser(tx, in)
		var fe sqldb.FieldErrors
		if errors.As(err, &fe) && fe["email"] == MsgEmailTaken {
			// A sign-up of the same address running at once won (MySQL's snapshot did not show
			// it above): the same answer as for any address already registered.
			return nil
		}
		if err != nil {
			return err
		}
		return s.sendVerification(tx, now, u)
	})
}

// sendVerification issues a verification link for u and mails it.
func (s *Store) sendVerification(tx *gorm.DB, now time.Time, u *User) error {
	raw, err := issueToken(tx, now, &Token{Purpose: PurposeVerify, Email: u.Email, UserID: &u.ID}, VerifyValid)
	if err != nil {
		return err
	}
	if err := recordRate(tx, now, rateVerify, u.Email, ""); err != nil {
		return err
	}
	return mailTo(tx, now, u.Email, u.Locale, "verify", u.Name, s.link("/verify?token="+url.QueryEscape(raw)))
}

// ResendVerification mails a new verification link (the earlier ones stop working): at most
// one a minute and verifyMailsPerDay a day for one account.
func (s *Store) ResendVerification(ctx context.Context, userID uint) error {
	now := s.db.Now()
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		var u User
		if err := tx.First(&u, userID).Error; err != nil {
			return sqldb.NotFound(err)
		}
		if u.Verified() {
			return sqldb.ErrStale
		}
		if err := limit(tx, now, rateVerify, u.Email, "", 1, verifyMailGap); err != nil {
			return err
		}
		if err := limit(tx, now, rateVerify, u.Email, "", verifyMailsPerDay, 24*time.Hour); err != nil {
			return err
		}
		return s.sendVerification(tx, now, &u)
	})
}

// VerifyEmail uses a verification link: the account's address is proven from now on.
func (s *Store) VerifyEmail(ctx context.Context, raw string) (*User, error) {
	now := s.db.Now()
	var u User
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		t, err := consumeToken(tx, now, raw, PurposeVerify)
		if err != nil {
			return err
		}
		if t.UserID == nil {
			return ErrTokenInvalid
		}
		if err := tx.Model(&User{}).Where("id = ? AND email = ? AND email_verified_at IS NULL", *t.UserID, t.Email).
			Update("email_verified_at", now).Error; err != nil {
			return err
		}
		return tx.First(&u, *t.UserID).Error
	})
	if err != nil {
		return nil, err
	}
	s.sessions.dropUser(u.ID)
	return &u, nil
}
