package notice

import (
	"context"
	"strings"
	"time"

	"koogallery/models/sqldb"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// MailBackoff is how long a mail waits after its n-th failed attempt (n = 1, 2, …) before the
// next one; past the end the last delay repeats.
var MailBackoff = []time.Duration{time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour}

// MailMaxAttempts is how many attempts a mail gets before it is given up (status failed).
const MailMaxAttempts = 8

// mailBackoff is the wait after the n-th failed attempt.
func mailBackoff(n int) time.Duration {
	if n < 1 {
		n = 1
	}
	if n > len(MailBackoff) {
		n = len(MailBackoff)
	}
	return MailBackoff[n-1]
}

// QueueMail adds a mail to the outbox, due at once. Features that report a change by mail
// should rather create the Mail row in the transaction of that change.
func (s *Store) QueueMail(ctx context.Context, to, subject, body string) (*Mail, error) {
	now := s.Now()
	m := &Mail{To: sqldb.ClipText(strings.TrimSpace(to), 190), Subject: sqldb.ClipText(subject, 200), Body: body, Status: MailPending, NextAttemptAt: now, CreatedAt: now}
	if err := s.Conn(ctx).Create(m).Error; err != nil {
		return nil, err
	}
	return m, nil
}

// ClaimDueMails leases up to limit pending mails whose next attempt is due, so that this
// mailer alone sends them until the lease ends. Claiming counts the attempt and moves the
// mail's next attempt to the end of the lease: other mailers skip it meanwhile, and a mailer
// that dies mid-send leaves it to be retried when the lease runs out. The attempt count is
// the lease's fencing token: MarkMailSent and RetryMail apply only while it is unchanged. On
// MySQL candidates are locked with FOR UPDATE SKIP LOCKED, so mailers in other processes skip
// them instead of waiting, at READ COMMITTED: with gap locks two claimers moving their mails'
// index entries into each other's locked ranges deadlocked (error 1213). On SQLite the
// immediate transaction serializes claimers. A claim chosen as a deadlock victim runs again.
func (s *Store) ClaimDueMails(ctx context.Context, limit int, lease time.Duration) ([]Mail, error) {
	now := s.Now()
	until := now.Add(lease)
	var mails []Mail
	err := s.Tx(ctx, func(tx *gorm.DB) error {
		q := tx.Where("status = ? AND next_attempt_at <= ?", MailPending, now).Order("next_attempt_at, id").Limit(limit)
		if s.Dialect() == sqldb.MySQL {
			q = q.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"})
		}
		if err := q.Find(&mails).Error; err != nil {
			return err
		}
		if len(mails) == 0 {
			return nil
		}
		ids := make([]uint, len(mails))
		for i := range mails {
			ids[i] = mails[i].ID
		}
		return tx.Model(&Mail{}).Where("id IN ? AND status = ?", ids, MailPending).
			Updates(map[string]any{"attempts": gorm.Expr("attempts + 1"), "next_attempt_at": until}).Error
	}, s.ReadCommitted()...)
	if err != nil {
		return nil, err
	}
	for i := range mails {
		mails[i].Attempts++
		mails[i].NextAttemptAt = until
	}
	return mails, nil
}

// MarkMailSent records that a claimed mail was delivered. ErrLeaseLost: the lease ended and
// another mailer claimed the mail again.
func (s *Store) MarkMailSent(ctx context.Context, m *Mail) error {
	now := s.Now()
	res := s.Conn(ctx).Model(&Mail{}).Where("id = ? AND status = ? AND attempts = ?", m.ID, MailPending, m.Attempts).
		Updates(map[string]any{"status": MailSent, "sent_at": now, "last_error": ""})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return sqldb.ErrLeaseLost
	}
	m.Status, m.SentAt, m.LastError = MailSent, &now, ""
	return nil
}

// RetryMail records a failed attempt of a claimed mail: it is due again after the backoff
// (1 min, 5 min, 30 min, 2 h, …), or failed for good after MailMaxAttempts attempts, keeping
// the last error. It reports whether the mail was given up. ErrLeaseLost: another mailer has
// claimed the mail since.
func (s *Store) RetryMail(ctx context.Context, m *Mail, sendErr string) (gaveUp bool, err error) {
	now := s.Now()
	sendErr = sqldb.ClipText(sendErr, 500)
	fields := map[string]any{"last_error": sendErr}
	if m.Attempts >= MailMaxAttempts {
		fields["status"] = MailFailed
		gaveUp = true
	} else {
		fields["next_attempt_at"] = now.Add(mailBackoff(m.Attempts))
	}
	res := s.Conn(ctx).Model(&Mail{}).Where("id = ? AND status = ? AND attempts = ?", m.ID, MailPending, m.Attempts).Updates(fields)
	if res.Error != nil {
		return false, res.Error
	}
	if res.RowsAffected == 0 {
		return false, sqldb.ErrLeaseLost
	}
	m.LastError = sendErr
	if gaveUp {
		m.Status = MailFailed
	} else {
		m.NextAttemptAt = fields["next_attempt_at"].(time.Time)
	}
	return gaveUp, nil
}
