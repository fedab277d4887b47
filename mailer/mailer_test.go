package mailer_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"koogallery/config"
	"koogallery/mailer"
	"koogallery/models"
	"koogallery/models/dbtest"
	"koogallery/models/notice"
	"koogallery/models/sqldb"
	"koogallery/models/storetest"
)

var ctx = context.Background()

// t0 is the fake clock's start: whole milliseconds, as MySQL keeps them.
var t0 = time.Date(2026, 3, 10, 9, 30, 0, 0, time.UTC)

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func fakeClock(s *models.Store) *clock {
	c := &clock{now: t0}
	s.SetClock(c.Now)
	return c
}

// safeBuffer collects log output from concurrent deliveries.
type safeBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *safeBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}
func (b *safeBuffer) String() string { b.mu.Lock(); defer b.mu.Unlock(); return b.b.String() }

func newMailer(s *models.Store, sender mailer.Sender, logs io.Writer) *mailer.Mailer {
	if logs == nil {
		logs = io.Discard
	}
	return &mailer.Mailer{Store: s, Sender: sender, Log: slog.New(slog.NewTextHandler(logs, nil)), SendTimeout: 10 * time.Second}
}

const (
	from    = "KooGallery 云商店 <noreply@koogallery.test>"
	subject = "[KooGallery] 生产接口调用失败 / Interface call failed: 云客户管理 CRM"
	body    = "生产接口调用失败 / A production interface call failed\n\n商品 Product: 云客户管理 CRM\n" +
		"A long line that quoted-printable must wrap at seventy-six characters, no matter what the text says = equals.\n"
)

func queue(t *testing.T, s *models.Store, to string) *notice.Mail {
	t.Helper()
	m, err := s.QueueMail(ctx, to, subject, body)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func load(t *testing.T, s *models.Store, id uint) notice.Mail {
	t.Helper()
	var m notice.Mail
	if err := s.DB().First(&m, id).Error; err != nil {
		t.Fatal(err)
	}
	return m
}

func runOnce(t *testing.T, m *mailer.Mailer) int {
	t.Helper()
	n, err := m.RunOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// parsed is a received message, decoded.
type parsed struct {
	msg     *mail.Message
	subject string
	body    string
}

func parse(t *testing.T, data []byte) parsed {
	t.Helper()
	if bytes.Contains(bytes.ReplaceAll(data, []byte("\r\n"), nil), []byte("\n")) {
		t.Errorf("message has bare LF line ends")
	}
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not an RFC 5322 message: %v\n%s", err, data)
	}
	var dec mime.WordDecoder
	subj, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatalf("subject: %v", err)
	}
	raw, _ := io.ReadAll(msg.Body)
	var text []byte
	switch cte := msg.Header.Get("Content-Transfer-Encoding"); cte {
	case "quoted-printable":
		text, err = io.ReadAll(quotedprintable.NewReader(bytes.NewReader(raw)))
		if err != nil {
			t.Fatalf("body: %v", err)
		}
	case "8bit":
		text = raw
	default:
		t.Fatalf("Content-Transfer-Encoding %q", cte)
	}
	return parsed{msg: msg, subject: subj, body: strings.ReplaceAll(string(text), "\r\n", "\n")}
}

func checkHeaders(t *testing.T, p parsed, wantTo string) {
	t.Helper()
	h := p.msg.Header
	if p.subject != subject {
		t.Errorf("Subject = %q, want %q", p.subject, subject)
	}
	if p.body != body {
		t.Errorf("body = %q, want %q", p.body, body)
	}
	if f, err := h.AddressList("From"); err != nil || len(f) != 1 || f[0].Address != "noreply@koogallery.test" || f[0].Name != "KooGallery 云商店" {
		t.Errorf("From = %q (%v)", h.Get("From"), err)
	}
	if to, err := h.AddressList("To"); err != nil || len(to) != 1 || to[0].Address != wantTo {
		t.Errorf("To = %q (%v), want %s", h.Get("To"), err, wantTo)
	}
	if d, err := h.Date(); err != nil || time.Since(d) > time.Minute || time.Until(d) > time.Minute {
		t.Errorf("Date = %q (%v)", h.Get("Date"), err)
	}
	if !regexp.MustCompile(`^<mail\.\d+\.[0-9a-f]+@koogallery\.test>$`).MatchString(h.Get("Message-ID")) {
		t.Errorf("Message-ID = %q", h.Get("Message-ID"))
	}
	if h.Get("MIME-Version") != "1.0" {
		t.Errorf("MIME-Version = %q", h.Get("MIME-Version"))
	}
	if mt, params, err := mime.ParseMediaType(h.Get("Content-Type")); err != nil || mt != "text/plain" || params["charset"] != "utf-8" {
		t.Errorf("Content-Type = %q", h.Get("Content-Type"))
	}
}

func TestSMTPDeliversUTF8Mail(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		fakeClock(s)
		srv := startSMTP(t, nil, "", "")
		m := newMailer(s, &mailer.SMTPSender{Addr: srv.Addr, From: from}, nil)
		queued := queue(t, s, "seller-ops@example.com")
		if n := runOnce(t, m); n != 1 {
			t.Fatalf("RunOnce sent %d, want 1", n)
		}
		msgs := srv.Messages()
		if len(msgs) != 1 {
			t.Fatalf("server got %d messages, want 1", len(msgs))
		}
		got := msgs[0]
		if got.From != "noreply@koogallery.test" || len(got.To) != 1 || got.To[0] != "seller-ops@example.com" {
			t.Errorf("envelope from %q to %v", got.From, got.To)
		}
		for _, line := range strings.Split(string(got.Data), "\r\n") {
			if len(line) > 78 {
				t.Errorf("line longer than 78 characters: %q", line)
			}
			for _, r := range line {
				if r > 127 {
					t.Errorf("quoted-printable message has a non-ASCII line: %q", line)
					break
				}
			}
		}
		p := parse(t, got.Data)
		checkHeaders(t, p, "seller-ops@example.com")
		if !strings.Contains(p.msg.Header.Get("Message-ID"), fmt.Sprintf("mail.%d.", queued.ID)) {
			t.Errorf("Message-ID %q does not name mail %d", p.msg.Header.Get("Message-ID"), queued.ID)
		}
		row := load(t, s, queued.ID)
		if row.Status != notice.MailSent || row.Attempts != 1 || row.SentAt == nil || !row.SentAt.Equal(t0) || row.LastError != "" {
			t.Errorf("after delivery: status %s, attempts %d, sent at %v, error %q", row.Status, row.Attempts, row.SentAt, row.LastError)
		}
		if n := runOnce(t, m); n != 0 || len(srv.Messages()) != 1 {
			t.Errorf("a sent mail went again: RunOnce %d, messages %d", n, len(srv.Messages()))
		}
	})
}

func TestSMTPStartTLSAndAuthPlain(t *testing.T) {
	s := storetest.NewStore(t, sqldb.SQLite)
	cert, pool := selfSigned(t)
	srv := startSMTP(t, cert, "mailer-user", "s3cret-smtp-pass")
	var logs safeBuffer
	sender := &mailer.SMTPSender{Addr: srv.Addr, From: from, Username: "mailer-user", Password: "s3cret-smtp-pass", TLS: &tls.Config{RootCAs: pool}}
	m := newMailer(s, sender, &logs)
	queue(t, s, "a@example.com")
	if n := runOnce(t, m); n != 1 {
		t.Fatalf("RunOnce = %d", n)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("server got %d messages; logs:\n%s", len(msgs), logs.String())
	}
	if !msgs[0].TLS || msgs[0].AuthAs != "mailer-user" {
		t.Errorf("delivered with TLS=%v as %q, want STARTTLS and AUTH PLAIN", msgs[0].TLS, msgs[0].AuthAs)
	}
	checkHeaders(t, parse(t, msgs[0].Data), "a@example.com")

	// A wrong password fails the attempt (retried later); the password is never logged.
	sender.Password = "wrong-pass-never-logged"
	bad := queue(t, s, "b@example.com")
	runOnce(t, m)
	row := load(t, s, bad.ID)
	if row.Status != notice.MailPending || !strings.Contains(row.LastError, "auth") {
		t.Errorf("wrong password: status %s, error %q", row.Status, row.LastError)
	}
	for _, secret := range []string{"s3cret-smtp-pass", "wrong-pass-never-logged", "production interface call failed", "seventy-six", "a@example.com"} {
		if strings.Contains(logs.String(), secret) || strings.Contains(row.LastError, secret) {
			t.Errorf("logs or error show %q:\n%s\n%s", secret, logs.String(), row.LastError)
		}
	}
	if !strings.Contains(logs.String(), "mail sent") {
		t.Errorf("no log line for the delivery:\n%s", logs.String())
	}
}

func TestSMTPFailureRetriesWithBackoffThenGivesUp(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		clk := fakeClock(s)
		// First the server is down: nothing listens on the port.
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		down := l.Addr().String()
		l.Close()
		sender := &mailer.SMTPSender{Addr: down, From: from}
		m := newMailer(s, sender, nil)
		mail := queue(t, s, "ops@example.com")
		if n := runOnce(t, m); n != 1 {
			t.Fatalf("RunOnce = %d", n)
		}
		row := load(t, s, mail.ID)
		if row.Status != notice.MailPending || row.Attempts != 1 || !row.NextAttemptAt.Equal(t0.Add(time.Minute)) || !strings.Contains(row.LastError, "connect") {
			t.Fatalf("server down: status %s, attempts %d, next %v, error %q", row.Status, row.Attempts, row.NextAttemptAt, row.LastError)
		}

		// Then it is up but refuses the recipient.
		srv := startSMTP(t, nil, "", "")
		srv.refuseRcpt.Store(true)
		sender.Addr = srv.Addr
		clk.Advance(59 * time.Second)
		if n := runOnce(t, m); n != 0 {
			t.Fatalf("a mail went before its backoff ended")
		}
		clk.Advance(time.Second)
		for attempt := 2; attempt <= notice.MailMaxAttempts; attempt++ {
			if n := runOnce(t, m); n != 1 {
				t.Fatalf("attempt %d: RunOnce = %d", attempt, n)
			}
			row = load(t, s, mail.ID)
			if row.Attempts != attempt || !strings.Contains(row.LastError, "550") {
				t.Fatalf("attempt %d: attempts %d, error %q", attempt, row.Attempts, row.LastError)
			}
			if attempt == notice.MailMaxAttempts {
				break
			}
			wait := notice.MailBackoff[min(attempt, len(notice.MailBackoff))-1]
			if row.Status != notice.MailPending || !row.NextAttemptAt.Equal(clk.Now().Add(wait)) {
				t.Fatalf("attempt %d: status %s, next %v, want pending at +%v", attempt, row.Status, row.NextAttemptAt, wait)
			}
			clk.Advance(wait)
		}
		if row.Status != notice.MailFailed || row.SentAt != nil {
			t.Fatalf("after %d attempts: status %s", notice.MailMaxAttempts, row.Status)
		}
		if len(srv.Messages()) != 0 {
			t.Fatalf("a refused mail was delivered")
		}
		// Given up means given up, even once the server accepts again.
		srv.refuseRcpt.Store(false)
		clk.Advance(48 * time.Hour)
		if n := runOnce(t, m); n != 0 || len(srv.Messages()) != 0 {
			t.Errorf("a failed mail was sent again")
		}
	})
}

// Mailers in two processes (two stores on one database) share the outbox: every mail goes
// exactly once.
func TestConcurrentMailersNeverSendTwice(t *testing.T) {
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			opts := sqldb.OpenOptions{DataDir: t.TempDir()}
			if d == sqldb.MySQL {
				opts.DSN = dbtest.NewMySQLDatabase(t)
			}
			var stores []*models.Store
			for i := 0; i < 2; i++ {
				db, err := sqldb.Open(opts)
				if err != nil {
					t.Fatal(err)
				}
				if i == 0 {
					if err := models.Migrate(context.Background(), db); err != nil {
						t.Fatal(err)
					}
				}
				s := models.NewStore(db)
				t.Cleanup(func() { s.Close() })
				stores = append(stores, s)
			}
			const total = 120
			for i := 0; i < total; i++ {
				if _, err := stores[0].QueueMail(ctx, fmt.Sprintf("user%d@example.com", i), subject, body); err != nil {
					t.Fatal(err)
				}
			}
			srv := startSMTP(t, nil, "", "")
			var wg sync.WaitGroup
			errs := make(chan error, 8)
			for i := 0; i < 4; i++ {
				m := newMailer(stores[i%2], &mailer.SMTPSender{Addr: srv.Addr, From: from}, nil)
				m.Batch, m.Workers = 7, 3
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						n, err := m.RunOnce(ctx)
						if err != nil {
							errs <- err
							return
						}
						if n == 0 {
							return
						}
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			seen := map[string]int{}
			idRe := regexp.MustCompile(`<mail\.(\d+)\.`)
			for _, msg := range srv.Messages() {
				p, err := mail.ReadMessage(bytes.NewReader(msg.Data))
				if err != nil {
					t.Fatal(err)
				}
				id := idRe.FindStringSubmatch(p.Header.Get("Message-ID"))
				if id == nil {
					t.Fatalf("Message-ID %q", p.Header.Get("Message-ID"))
				}
				seen[id[1]]++
			}
			for id, n := range seen {
				if n != 1 {
					t.Errorf("mail %s was sent %d times", id, n)
				}
			}
			var sent int64
			if err := stores[0].DB().Model(&notice.Mail{}).Where("status = ? AND attempts = 1", notice.MailSent).Count(&sent).Error; err != nil {
				t.Fatal(err)
			}
			if len(seen) != total || sent != total {
				t.Errorf("%d distinct mails delivered, %d marked sent after one attempt; want %d", len(seen), sent, total)
			}
		})
	}
}

func TestDevFileSenderWritesReadableEML(t *testing.T) {
	s := storetest.NewStore(t, sqldb.SQLite)
	dataDir := t.TempDir()
	var logs safeBuffer
	m := mailer.New(s, config.Mail{From: from}, dataDir, slog.New(slog.NewTextHandler(&logs, nil)))
	fs, ok := m.Sender.(*mailer.FileSender)
	if !ok {
		t.Fatalf("without an SMTP address the sender is %T", m.Sender)
	}
	queued := queue(t, s, "张经理 <zhang@example.com>")
	if n := runOnce(t, m); n != 1 {
		t.Fatalf("RunOnce = %d", n)
	}
	files, _ := filepath.Glob(filepath.Join(dataDir, "mail", "*.eml"))
	if len(files) != 1 || files[0] != fs.Path(queued) {
		t.Fatalf("mail files %v, want %s", files, fs.Path(queued))
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(files[0]); fi.Mode().Perm() != 0o600 {
		t.Errorf("mail file mode %v, want 0600", fi.Mode().Perm())
	}
	// Readable as it is: the body is plain UTF-8 text.
	if !strings.Contains(string(data), strings.ReplaceAll(body, "\n", "\r\n")) {
		t.Errorf("the .eml does not show the body as text:\n%s", data)
	}
	p := parse(t, data)
	checkHeaders(t, p, "zhang@example.com")
	if to, _ := p.msg.Header.AddressList("To"); len(to) != 1 || to[0].Name != "张经理" {
		t.Errorf("To = %q", p.msg.Header.Get("To"))
	}
	if row := load(t, s, queued.ID); row.Status != notice.MailSent {
		t.Errorf("status %s after writing the file", row.Status)
	}
	if strings.Contains(logs.String(), "seventy-six") {
		t.Errorf("the log shows the body")
	}
}

func TestBuildKeepsHeadersClean(t *testing.T) {
	m := &notice.Mail{ID: 7, To: "x@example.com", Subject: "Hi\r\nBcc: victim@example.com " + strings.Repeat("很长的主题", 20), Body: "x"}
	msg, err := mailer.Build(from, m, t0, mailer.QuotedPrintable)
	if err != nil {
		t.Fatal(err)
	}
	p, err := mail.ReadMessage(bytes.NewReader(msg.Data))
	if err != nil {
		t.Fatal(err)
	}
	if p.Header.Get("Bcc") != "" {
		t.Errorf("a subject forged a Bcc header")
	}
	var dec mime.WordDecoder
	if got, err := dec.DecodeHeader(p.Header.Get("Subject")); err != nil || got != "Hi Bcc: victim@example.com "+strings.Repeat("很长的主题", 20) {
		t.Errorf("long subject = %q (%v)", got, err)
	}
	for _, line := range strings.Split(string(msg.Data), "\r\n") {
		if len(line) > 78 {
			t.Errorf("header line too long: %q", line)
		}
	}
	if _, err := mailer.Build(from, &notice.Mail{To: "not an address", Subject: "s", Body: "b"}, t0, mailer.QuotedPrintable); err == nil {
		t.Errorf("a malformed recipient built a message")
	}
}
