package account

import (
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// RateEvent is one counted attempt (a failed login, a reset request, a sign-up…), for limits
// that hold across server processes.
type RateEvent struct {
	ID        uint      `gorm:"primaryKey"`
	Kind      string    `gorm:"size:16;not null;index:idx_rate_events_subject,priority:1;index:idx_rate_events_ip,priority:1"`
	Subject   string    `gorm:"size:190;not null;index:idx_rate_events_subject,priority:2"`
	IP        string    `gorm:"size:64;not null;index:idx_rate_events_ip,priority:2"`
	CreatedAt time.Time `gorm:"not null;index:idx_rate_events_subject,priority:3;index:idx_rate_events_ip,priority:3"`
}

// The kinds of counted attempts.
const (
	rateLogin  = "login"  // a failed login: subject = the email tried
	rateReset  = "reset"  // a password-reset request: subject = the email
	rateChange = "change" // a wrong current password when changing it: subject = the email
	rateSignup = "signup" // a sign-up: subject = the email
	// rateSignupTaken: the owner of a registered address was mailed about a sign-up with it.
	rateSignupTaken = "signup_taken"
	rateVerify      = "verify" // a verification mail sent: subject = the email
	rateInvite      = "invite" // an invitation sent: subject = the inviter's company or "admin"
	rateRetained    = 24 * time.Hour
)

// ThrottledError says an attempt was refused for being one too many, and for how long.
type ThrottledError struct{ Wait time.Duration }

func (e *ThrottledError) Error() string { return fmt.Sprintf("too many attempts: wait %s", e.Wait) }

// Is makes errors.Is(err, ErrThrottled) true.
func (e *ThrottledError) Is(target error) bool { return target == ErrThrottled }

// WaitOf is how long a throttled attempt should wait (0 for any other error).
func WaitOf(err error) time.Duration {
	var te *ThrottledError
	if errors.As(err, &te) {
		return te.Wait
	}
	return 0
}

// countRate counts events of kind since a time; an empty subject or ip matches any.
func countRate(tx *gorm.DB, kind, subject, ip string, since time.Time) (int64, error) {
	q := tx.Model(&RateEvent{}).Where("kind = ? AND created_at > ?", kind, since)
	if subject != "" {
		q = q.Where("subject = ?", subject)
	}
	if ip != "" {
		q = q.Where("ip = ?", ip)
	}
	var n int64
	return n, q.Count(&n).Error
}

// lastRate is the time of the newest event of kind for subject (zero when none).
func lastRate(tx *gorm.DB, kind, subject string, since time.Time) (time.Time, error) {
	var e RateEvent
	err := tx.Where("kind = ? AND subject = ? AND created_at > ?", kind, subject, since).Order("created_at DESC").Limit(1).Find(&e).Error
	return e.CreatedAt, err
}

// recordRate counts one event, and drops events older than a day (a few at a time).
func recordRate(tx *gorm.DB, now time.Time, kind, subject, ip string) error {
	if len(subject) > 190 {
		subject = subject[:190]
	}
	if err := tx.Create(&RateEvent{Kind: kind, Subject: subject, IP: ip, CreatedAt: now}).Error; err != nil {
		return err
	}
	var old []uint
	if err := tx.Model(&RateEvent{}).Where("created_at < ?", now.Add(-rateRetained)).Order("id").Limit(50).Pluck("id", &old).Error; err != nil || len(old) == 0 {
		return err
	}
	return tx.Where("id IN ?", old).Delete(&RateEvent{}).Error
}

// limit refuses when n events already happened in the window ending now: the wait is until
// enough of them leave the window for one more (at least a second).
func limit(tx *gorm.DB, now time.Time, kind, subject, ip string, n int64, window time.Duration) error {
	since := now.Add(-window)
	count, err := countRate(tx, kind, subject, ip, since)
	if err != nil || count < n {
		return err
	}
	q := tx.Model(&RateEvent{}).Where("kind = ? AND created_at > ?", kind, since)
	if subject != "" {
		q = q.Where("subject = ?", subject)
	}
	if ip != "" {
		q = q.Where("ip = ?", ip)
	}
	var oldest RateEvent
	if err := q.Order("created_at").Offset(int(count - n)).Limit(1).Find(&oldest).Error; err != nil {
		return err
	}
	wait := oldest.CreatedAt.Add(window).Sub(now)
	if wait < time.Second {
		wait = time.Second
	}
	return &ThrottledError{Wait: wait}
}
