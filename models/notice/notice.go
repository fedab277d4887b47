// Package notice holds what the marketplace tells people: the mail outbox (sent by the mailer
// with leases and retries) and in-site messages (站内信). Features write both in the
// transaction of the change they report.
package notice

import (
	"strings"
	"time"

	"gorm.io/gorm"

	"koogallery/models/sqldb"
)

// MailStatus is where an outgoing mail stands in the mail outbox.
type MailStatus string

// The mail states.
const (
	MailPending MailStatus = "pending"
	MailSent    MailStatus = "sent"
	MailFailed  MailStatus = "failed" // gave up after retries
)

// Mail is an outgoing email in the mail outbox, written with the change it reports and sent by
// the mailer (SMTP, or files in dev).
type Mail struct {
	ID            uint       `gorm:"primaryKey"`
	To            string     `gorm:"size:190;not null"`
	Subject       string     `gorm:"size:200;not null"`
	Body          string     `gorm:"type:text;not null"`
	Status        MailStatus `gorm:"size:10;not null;index:idx_mails_due,priority:1"`
	Attempts      int        `gorm:"not null;default:0"`
	NextAttemptAt time.Time  `gorm:"not null;index:idx_mails_due,priority:2"`
	LastError     string     `gorm:"size:500"`
	SentAt        *time.Time
	CreatedAt     time.Time
}

// Notice is an in-site message (站内信) for a user, or for every user of a seller company.
type Notice struct {
	ID        uint   `gorm:"primaryKey"`
	UserID    *uint  `gorm:"index"`
	SellerID  *uint  `gorm:"index"`
	Kind      string `gorm:"size:40;not null"` // i18n key of the title: notice.<kind>
	Text      string `gorm:"size:1000;not null"`
	Link      string `gorm:"size:200"`
	Read      bool   `gorm:"not null;default:false"`
	CreatedAt time.Time
}

// QueueMail adds a mail to the outbox inside tx, due at now; an empty address sends nothing.
func QueueMail(tx *gorm.DB, now time.Time, to, subject, body string) error {
	to = strings.TrimSpace(to)
	if to == "" {
		return nil
	}
	return tx.Create(&Mail{To: sqldb.ClipText(to, 190), Subject: sqldb.ClipText(subject, 200), Body: body,
		Status: MailPending, NextAttemptAt: now, CreatedAt: now}).Error
}

// TellUser adds an in-site message for one user inside tx.
func TellUser(tx *gorm.DB, now time.Time, userID uint, kind, text, link string) error {
	return tx.Create(&Notice{UserID: &userID, Kind: kind, Text: sqldb.ClipText(text, 1000), Link: link, CreatedAt: now}).Error
}

// TellSeller adds an in-site message for every user of a seller company inside tx.
func TellSeller(tx *gorm.DB, now time.Time, sellerID uint, kind, text, link string) error {
	return tx.Create(&Notice{SellerID: &sellerID, Kind: kind, Text: sqldb.ClipText(text, 1000), Link: link, CreatedAt: now}).Error
}
