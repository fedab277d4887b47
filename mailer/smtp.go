package mailer

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"time"

	"koogallery/models/notice"
)

// SMTPSender delivers mail through an SMTP server (a relay or submission service).
type SMTPSender struct {
	// Addr is the server's host:port. Port 465 speaks TLS from the first byte (implicit TLS);
	// any other port upgrades with STARTTLS whenever the server offers it.
	Addr string
	// From is the sender, e.g. "KooGallery <noreply@example.com>".
	From string
	// Username and Password, when a username is set, log in with AUTH PLAIN. The password is
	// sent only over TLS (or to a loopback server) and never logged.
	Username, Password string
	// TLS configures the TLS client (nil: system roots, server name from Addr).
	TLS *tls.Config
	// Timeout bounds one delivery, from dialing to QUIT (default 60 s).
	Timeout time.Duration
	// LocalName is the name said in EHLO (default "localhost").
	LocalName string
}

// String names the sender without its credentials.
func (s *SMTPSender) String() string { return "smtp://" + s.Addr }

// Send delivers one mail: connect, EHLO, STARTTLS when offered, AUTH PLAIN when a username is
// set, MAIL FROM, RCPT TO, DATA, QUIT. Any failure is returned for the outbox to retry.
func (s *SMTPSender) Send(ctx context.Context, m *notice.Mail) error {
	msg, err := Build(s.From, m, time.Now(), QuotedPrintable)
	if err != nil {
		return err
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 60 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	host, port, err := net.SplitHostPort(s.Addr)
	if err != nil {
		return fmt.Errorf("smtp address %q: %w", s.Addr, err)
	}
	tlsConfig := s.tlsConfig(host)
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.Addr)
	if err != nil {
		return fmt.Errorf("smtp connect: %w", err)
	}
	// The deadline bounds every read and write; cancelling ctx interrupts them at once.
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	secure := false
	if port == "465" {
		conn = tls.Client(conn, tlsConfig)
		secure = true
	}
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("smtp greeting: %w", err)
	}
	defer c.Close()
	local := s.LocalName
	if local == "" {
		local = "localhost"
	}
	if err := c.Hello(local); err != nil {
		return fmt.Errorf("smtp hello: %w", err)
	}
	if !secure {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(tlsConfig); err != nil {
				return fmt.Errorf("smtp starttls: %w", err)
			}
			secure = true
		}
	}
	if s.Username != "" {
		if !secure && !isLoopback(host) {
			return errors.New("smtp auth: the server offers no TLS; refusing to send the password in clear text")
		}
		if err := c.Auth(plainAuth{username: s.Username, password: s.Password}); err != nil {
			return fmt.Errorf("smtp auth: %w", err)
		}
	}
	if err := c.Mail(msg.From); err != nil {
		return fmt.Errorf("smtp MAIL FROM: %w", err)
	}
	if err := c.Rcpt(msg.To); err != nil {
		return fmt.Errorf("smtp RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("smtp DATA: %w", err)
	}
	if _, err := w.Write(msg.Data); err != nil {
		return fmt.Errorf("smtp DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("smtp DATA: %w", err)
	}
	if err := c.Quit(); err != nil {
		// The message was accepted at the end of DATA; a failing QUIT does not undo that.
		return nil
	}
	return nil
}

func (s *SMTPSender) tlsConfig(host string) *tls.Config {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if s.TLS != nil {
		cfg = s.TLS.Clone()
	}
	if cfg.ServerName == "" {
		cfg.ServerName = host
	}
	return cfg
}

// isLoopback reports a host on this machine, where a clear-text login cannot be overheard.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// plainAuth is AUTH PLAIN (RFC 4616). Send has already checked that the connection is
// encrypted or to a loopback server, so the password never crosses a network in clear text.
type plainAuth struct{ username, password string }

func (a plainAuth) Start(*smtp.ServerInfo) (string, []byte, error) {
	return "PLAIN", []byte("\x00" + a.username + "\x00" + a.password), nil
}

func (a plainAuth) Next(_ []byte, more bool) ([]byte, error) {
	if more {
		return nil, errors.New("smtp auth: unexpected server challenge")
	}
	return nil, nil
}
