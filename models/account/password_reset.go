package account

import (
	"context"
	"net/url"
	"time"

	"gorm.io/gorm"

	"koogallery/models/sqldb"
)

// Reset limits: requests from one client address, and reset mails for one account.
const (
	resetPerIP      = 5 // in LoginWindow
	resetPerAccount = 3 // an hour
	changeTries     = 5 // wrong current passwords of one account in LoginWindow
)

// Password messages of the change and reset forms (i18n keys).
const (
	MsgPasswordWrong    = "account.err.password_wrong"
	MsgPasswordMismatch = "account.err.password_mismatch"
	MsgPasswordSame     = "account.err.password_same"
)

// RequestReset mails a password-reset link valid ResetValid to the account with this email,
// if there is one. The answer is the same either way: nil, or a *ThrottledError when the
// client address asked too often (which says nothing about the account). An account asked
// for too often gets no further mail for an hour, silently.
func (s *Store) RequestReset(ctx context.Context, email, ip string) error {
	email = NormalizeEmail(email)
	if CheckEmail(email) != "" {
		return nil
	}
	now := s.db.Now()
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := limit(tx, now, rateReset, "", ip, resetPerIP, LoginWindow); err != nil {
			return err
		}
		n, err := countRate(tx, rateReset, email, "", now.Add(-time.Hour))
		if err != nil {
			return err
		}
		if err := recordRate(tx, now, rateReset, email, ip); err != nil {
			return err
		}
		var u User
		if err := tx.Where("email = ?", email).Limit(1).Find(&u).Error; err != nil || u.ID == 0 || n >= resetPerAccount {
			return err
		}
		raw, err := issueToken(tx, now, &Token{Purpose: PurposeReset, Email: u.Email, UserID: &u.ID}, ResetValid)
		if err != nil {
			return err
		}
		return mailTo(tx, now, u.Email, u.Locale, "reset", u.Name, s.link("/password/reset?token="+url.QueryEscape(raw)), int(ResetValid/time.Minute))
	})
}

// ResetPassword sets a new password with a reset link: the link and any other open reset
// links stop working, every session of the account ends, the address counts as proven, and
// the owner is told by mail. Of two uses of one link, one wins and the other is ErrTokenUsed.
// A password that breaks the rules is sqldb.FieldErrors on "password".
func (s *Store) ResetPassword(ctx context.Context, raw, password string) (*User, error) {
	now := s.db.Now()
	t, err := lookupToken(s.conn(ctx), now, raw, PurposeReset)
	if err != nil {
		return nil, err
	}
	if msg := CheckPassword(password, t.Email); msg != "" {
		return nil, sqldb.FieldErrors{"password": msg}
	}
	hash, err := HashPassword(password)
	if err != nil {
		return nil, err
	}
	var u User
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		t, err := consumeToken(tx, now, raw, PurposeReset)
		if err != nil {
			return err
		}
		if t.UserID == nil {
			return ErrTokenInvalid
		}
		return s.setPassword(tx, now, *t.UserID, hash, 0, &u)
	})
	if err != nil {
		return nil, err
	}
	s.sessions.dropUser(u.ID)
	return &u, nil
}

// ChangePassword replaces a signed-in user's password after checking the current one: the
// account's other sessions end, and this one gets a new id at its next request.
func (s *Store) ChangePassword(ctx context.Context, userID, sessionID uint, current, password string) error {
	u, err := s.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	now := s.db.Now()
	// A stolen session must not guess the current password: a few wrong tries, then a wait.
	if err := limit(s.conn(ctx), now, rateChange, u.Email, "", changeTries, LoginWindow); err != nil {
		return err
	}
	errs := sqldb.FieldErrors{}
	switch {
	case !passwordMatches(u.PasswordHash, current):
		if err := recordRate(s.conn(ctx), now, rateChange, u.Email, ""); err != nil {
			return err
		}
		errs["current"] = MsgPasswordWrong
	case current == password:
		errs["password"] = MsgPasswordSame
	default:
		put(errs, "password", CheckPassword(password, u.Email))
	}
	if errs.Has() {
		return errs
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	err = s.db.Tx(ctx, func(tx *gorm.DB) error { return s.setPassword(tx, now, userID, hash, sessionID, u) })
	s.sessions.dropUser(userID)
	return err
}

// SetPassword replaces a password from the operator's command line, without the old one:
// every session of the account ends and the owner is told by mail.
func (s *Store) SetPassword(ctx context.Context, email, password string) (*User, error) {
	u, err := s.UserByEmail(ctx, email)
	if err != nil {
		return nil, err
	}
	if msg := CheckPassword(password, u.Email); msg != "" {
		return nil, sqldb.FieldErrors{"password": msg}
	}
	hash, err := HashPassword(password)
	if err != nil {
		return nil, err
	}
	now := s.db.Now()
	err = s.db.Tx(ctx, func(tx *gorm.DB) error { return s.setPassword(tx, now, u.ID, hash, 0, u) })
	s.sessions.dropUser(u.ID)
	return u, err
}

// setPassword stores a new hash inside tx, proves the address, ends every session but keep
// (0: all), revokes open reset links, mails the owner, and loads the user into out.
func (s *Store) setPassword(tx *gorm.DB, now time.Time, userID uint, hash string, keep uint, out *User) error {
	if err := bumpAuth(tx, userID, map[string]any{"password_hash": hash}); err != nil {
		return err
	}
	if err := tx.Model(&User{}).Where("id = ? AND email_verified_at IS NULL", userID).Update("email_verified_at", now).Error; err != nil {
		return err
	}
	if err := endSessions(tx, now, userID, keep, EndPassword).Error; err != nil {
		return err
	}
	if err := tx.Model(&Token{}).Where("purpose = ? AND user_id = ? AND used_at IS NULL AND revoked_at IS NULL", PurposeReset, userID).
		Update("revoked_at", now).Error; err != nil {
		return err
	}
	if err := tx.First(out, userID).Error; err != nil {
		return err
	}
	return mailTo(tx, now, out.Email, out.Locale, "password_changed", out.Name, s.link("/password/forgot"))
}
