package account

import (
	"context"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"

	"koogallery/models/sqldb"
)

// Login throttling within LoginWindow: at most loginMaxPair failures for one email from one
// address and loginMaxPerIP failures from one address over all emails are refused outright.
// Past AccountSlowAfter failures for one account from anywhere, each further attempt must
// wait a growing delay after the last failure (slowed, not locked, so a stranger cannot lock
// the real user out), and the owner is mailed once per window.
const (
	LoginWindow      = 15 * time.Minute
	AccountSlowAfter = 10
	loginMaxPair     = 5
	loginMaxPerIP    = 30
	slowStep         = 30 * time.Second
	slowMax          = 10 * time.Minute
)

// slowDelay is how long after the last failure an account with n failures in the window
// accepts another attempt: 30 s at the 10th, 30 s more for each further one, at most 10 min.
func slowDelay(n int64) time.Duration {
	d := time.Duration(n-AccountSlowAfter+1) * slowStep
	return min(d, slowMax)
}

// Authenticate checks an email and password from a client address. Failures are counted;
// past the limits attempts are refused with a *ThrottledError before the password is checked.
func (s *Store) Authenticate(ctx context.Context, email, password, ip string) (*User, error) {
	email = NormalizeEmail(email)
	now := s.db.Now()
	since := now.Add(-LoginWindow)
	db := s.conn(ctx)
	if err := limit(db, now, rateLogin, email, ip, loginMaxPair, LoginWindow); err != nil {
		return nil, err
	}
	if err := limit(db, now, rateLogin, "", ip, loginMaxPerIP, LoginWindow); err != nil {
		return nil, err
	}
	failures, err := countRate(db, rateLogin, email, "", since)
	if err != nil {
		return nil, err
	}
	if failures >= AccountSlowAfter {
		last, err := lastRate(db, rateLogin, email, since)
		if err != nil {
			return nil, err
		}
		if wait := last.Add(slowDelay(failures)).Sub(now); wait > 0 {
			return nil, &ThrottledError{Wait: wait.Round(time.Second) + time.Second}
		}
	}
	var u User
	err = db.Preload("Seller").Where("email = ?", email).First(&u).Error
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, err
	}
	known := err == nil
	if passwordMatches(u.PasswordHash, password) {
		return &u, db.Where("kind = ? AND subject = ? AND ip = ?", rateLogin, email, ip).Delete(&RateEvent{}).Error
	}
	err = s.db.Tx(ctx, func(tx *gorm.DB) error {
		if known {
			// Racing failures of one account take turns on its row, so each one counts those
			// before it (the count above was read outside and may miss them all).
			if err := sqldb.LockRow(tx, &User{}, u.ID); err != nil {
				return err
			}
		}
		if err := recordRate(tx, now, rateLogin, email, ip); err != nil {
			return err
		}
		if !known {
			return nil
		}
		n, err := countRate(tx, rateLogin, email, "", since)
		if err != nil || n < AccountSlowAfter {
			return err
		}
		// Once per window: the guarded update lets one of several racing failures mail.
		res := tx.Model(&User{}).Where("id = ? AND (login_alert_at IS NULL OR login_alert_at < ?)", u.ID, since).Update("login_alert_at", now)
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		return mailTo(tx, now, u.Email, u.Locale, "login_alert", u.Name, n, ip, s.link("/password/forgot"))
	}, s.db.ReadCommitted()...)
	if err != nil {
		return nil, err
	}
	return nil, ErrBadCredentials
}

// NewUser is an account to create.
type NewUser struct {
	Email, Name, Phone, Password string
	Role                         Role
	Locale                       string
	// Verified marks the email as proven (an account made by an operator or an invitation).
	Verified bool
}

// CheckNewUser says what is wrong with the fields of a new account.
func CheckNewUser(in NewUser) sqldb.FieldErrors {
	errs := sqldb.FieldErrors{}
	put(errs, "email", CheckEmail(in.Email))
	put(errs, "name", CheckName(in.Name))
	put(errs, "phone", CheckPhone(in.Phone))
	put(errs, "password", CheckPassword(in.Password, in.Email))
	return errs
}

// CreateUser adds an account after checking its fields (sqldb.FieldErrors when one is wrong;
// an address already registered is an error of the email field).
func (s *Store) CreateUser(ctx context.Context, in NewUser) (*User, error) {
	var u *User
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		var err error
		u, err = s.createUser(tx, in)
		return err
	})
	return u, err
}

// createUser checks and inserts an account inside tx.
func (s *Store) createUser(tx *gorm.DB, in NewUser) (*User, error) {
	if errs := CheckNewUser(in); errs.Has() {
		return nil, errs
	}
	hash, err := HashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	now := s.db.Now()
	u := &User{Email: NormalizeEmail(in.Email), Name: strings.TrimSpace(in.Name), Phone: strings.TrimSpace(in.Phone),
		PasswordHash: hash, Role: in.Role, Locale: localeOr(in.Locale), AuthVersion: 1, CreatedAt: now}
	if in.Verified {
		u.EmailVerifiedAt = &now
	}
	if err := tx.Create(u).Error; err != nil {
		if sqldb.IsDuplicate(err) {
			return nil, sqldb.FieldErrors{"email": MsgEmailTaken}
		}
		return nil, err
	}
	return u, nil
}

// localeOr is a supported mail language: zh unless en is asked for.
func localeOr(l string) string {
	if l == "en" {
		return "en"
	}
	return "zh"
}
