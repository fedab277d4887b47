// Package mailer sends the mail outbox: it claims due mails (safe to run in every server
// process), hands each to a Sender (SMTP, or .eml files in development), and records the
// result: sent, retried with backoff, or given up after models.MailMaxAttempts attempts.
// Mail bodies and SMTP credentials are never logged.
package mailer

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"time"

	"koogallery/config"
	"koogallery/models"
	"koogallery/models/notice"
	"koogallery/models/sqldb"
	"koogallery/worker"
)

// Sender delivers one mail, or says why it could not.
type Sender interface {
	Send(ctx context.Context, m *notice.Mail) error
}

// Mailer sends due mails from the outbox with a few concurrent deliveries.
type Mailer struct {
	Store  *models.Store
	Sender Sender
	Log    *slog.Logger
	// Idle is how often the mailer looks for due mail (default 5 s); Batch is the most mails
	// one claim takes (default 16; Run claims no more than there are free workers, RunOnce a
	// whole batch); Workers bounds concurrent deliveries (default 4); Lease is how long a claim
	// holds (default 10 min: longer than a batch's deliveries can take, so a live delivery
	// never loses its mail to another mailer); SendTimeout bounds one delivery (default 60 s).
	Idle        time.Duration
	Batch       int
	Workers     int
	Lease       time.Duration
	SendTimeout time.Duration
}

// New builds the mailer for the configuration: SMTP when cfg.SMTPAddr is set, otherwise .eml
// files under dataDir/mail.
func New(store *models.Store, cfg config.Mail, dataDir string, log *slog.Logger) *Mailer {
	var sender Sender
	if cfg.SMTPAddr != "" {
		sender = &SMTPSender{Addr: cfg.SMTPAddr, From: cfg.From, Username: cfg.Username, Password: cfg.Password}
	} else {
		sender = &FileSender{Dir: filepath.Join(dataDir, "mail"), From: cfg.From}
	}
	return &Mailer{Store: store, Sender: sender, Log: log}
}

func (m *Mailer) defaults() {
	if m.Idle <= 0 {
		m.Idle = 5 * time.Second
	}
	if m.Batch <= 0 {
		m.Batch = 16
	}
	if m.Workers <= 0 {
		m.Workers = 4
	}
	if m.SendTimeout <= 0 {
		m.SendTimeout = 60 * time.Second
	}
	if m.Lease <= 0 {
		m.Lease = 10 * time.Minute
	}
	if m.Log == nil {
		m.Log = slog.Default()
	}
}

// Run sends due mail until ctx ends, then waits for deliveries in flight.
func (m *Mailer) Run(ctx context.Context) {
	m.defaults()
	if s, ok := m.Sender.(interface{ String() string }); ok {
		m.Log.Info("mailer started", "sender", s.String())
	}
	m.loop().Run(ctx)
}

// RunOnce claims one batch of due mail and delivers it, returning when every delivery of the
// batch is recorded; it reports how many mails it attempted. Deliveries already started finish
// even when ctx ends, so a sent mail is recorded as sent.
func (m *Mailer) RunOnce(ctx context.Context) (int, error) {
	m.defaults()
	return m.loop().Once(ctx)
}

// loop is the mailer's worker loop: it claims mail with a lease and delivers each; a delivery
// started finishes (and is recorded) even when ctx ends.
func (m *Mailer) loop() *worker.Loop[notice.Mail] {
	return &worker.Loop[notice.Mail]{
		Name:    "mail",
		Claim:   func(ctx context.Context, n int) ([]notice.Mail, error) { return m.Store.ClaimDueMails(ctx, n, m.Lease) },
		Work:    func(ctx context.Context, mail notice.Mail) { m.deliver(context.WithoutCancel(ctx), &mail) },
		Workers: m.Workers, Batch: m.Batch, Idle: m.Idle, Log: m.Log,
	}
}

// deliver makes one attempt of a claimed mail and records the outcome. Logs name the mail by
// id only: no recipient, subject or body.
func (m *Mailer) deliver(ctx context.Context, mail *notice.Mail) {
	timeout := min(m.SendTimeout, m.Lease/2)
	sctx, cancel := context.WithTimeout(ctx, timeout)
	err := m.Sender.Send(sctx, mail)
	cancel()
	if err == nil {
		if err := m.Store.MarkMailSent(ctx, mail); err != nil {
			m.logRecord(mail, err)
			return
		}
		m.Log.Info("mail sent", "mail", mail.ID, "attempt", mail.Attempts)
		return
	}
	gaveUp, rerr := m.Store.RetryMail(ctx, mail, err.Error())
	if rerr != nil {
		m.logRecord(mail, rerr)
		return
	}
	if gaveUp {
		m.Log.Error("mail failed; giving up", "mail", mail.ID, "attempts", mail.Attempts, "err", err)
		return
	}
	m.Log.Warn("mail not sent; will retry", "mail", mail.ID, "attempt", mail.Attempts, "next_attempt_at", mail.NextAttemptAt, "err", err)
}

func (m *Mailer) logRecord(mail *notice.Mail, err error) {
	if errors.Is(err, sqldb.ErrLeaseLost) {
		m.Log.Warn("mail lease lost; another mailer took it", "mail", mail.ID)
		return
	}
	m.Log.Error("record mail", "mail", mail.ID, "err", err)
}
