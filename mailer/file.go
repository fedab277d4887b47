package mailer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"koogallery/models/notice"
)

// FileSender is the development sender: each mail becomes an .eml file in Dir, which any mail
// client opens and any text editor shows (the body is kept as plain UTF-8, 8bit).
type FileSender struct {
	Dir  string // e.g. DataDir/mail
	From string
}

// String names the sender.
func (s *FileSender) String() string { return "file://" + s.Dir }

// Send writes the mail to Path(m), atomically (a reader never sees half
// a file); sending a mail again overwrites its file. The files hold personal data: only the
// server's user may read them.
func (s *FileSender) Send(ctx context.Context, m *notice.Mail) error {
	now := time.Now()
	msg, err := Build(s.From, m, now, EightBit)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return fmt.Errorf("mail dir: %w", err)
	}
	name := s.Path(m)
	tmp, err := os.CreateTemp(s.Dir, ".mail-*.tmp")
	if err != nil {
		return fmt.Errorf("mail file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(msg.Data); err != nil {
		tmp.Close()
		return fmt.Errorf("mail file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("mail file: %w", err)
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		return fmt.Errorf("mail file: %w", err)
	}
	return nil
}

// Path is where Send writes the mail: Dir/<created date>-<time>-mail-<id>.eml, so a listing
// sorts oldest first.
func (s *FileSender) Path(m *notice.Mail) string {
	return filepath.Join(s.Dir, fmt.Sprintf("%s-mail-%06d.eml", m.CreatedAt.UTC().Format("20060102-150405"), m.ID))
}
