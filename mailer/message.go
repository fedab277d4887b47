package mailer

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"time"

	"koogallery/models/notice"
)

// Encoding is how a message's body is written.
type Encoding int

// The body encodings.
const (
	// QuotedPrintable keeps the body 7-bit clean, so any SMTP server relays it.
	QuotedPrintable Encoding = iota
	// EightBit leaves the UTF-8 text as it is: readable in a text editor (dev mail files).
	EightBit
	// Base64 is the compact 7-bit form for mostly non-ASCII text.
	Base64
)

// Message is an outbox mail made ready to send: the envelope and the RFC 5322 text.
type Message struct {
	From string // envelope sender (address only)
	To   string // envelope recipient (address only)
	Data []byte // headers and body, CRLF line ends
}

// Build turns an outbox mail into an RFC 5322 message from the sender from (for example
// "KooGallery <noreply@example.com>"): From, To, a UTF-8 Subject encoded as RFC 2047 words,
// Date, Message-ID, MIME headers and a text/plain body in the given encoding. A malformed
// sender or recipient is an error (retrying will not help, but the error is kept on the mail).
func Build(from string, m *notice.Mail, date time.Time, enc Encoding) (Message, error) {
	fromAddr, err := mail.ParseAddress(from)
	if err != nil {
		return Message{}, fmt.Errorf("mail sender %q: %w", from, err)
	}
	toAddr, err := mail.ParseAddress(m.To)
	if err != nil {
		return Message{}, fmt.Errorf("mail recipient: %w", err)
	}
	var b bytes.Buffer
	header := func(k, v string) { b.WriteString(fold(k, v) + "\r\n") }
	header("From", fromAddr.String())
	header("To", toAddr.String())
	header("Subject", encodeHeader(m.Subject))
	header("Date", date.Format(time.RFC1123Z))
	header("Message-ID", messageID(m.ID, fromAddr.Address))
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	body := strings.ReplaceAll(strings.ReplaceAll(m.Body, "\r\n", "\n"), "\r", "\n")
	switch enc {
	case EightBit:
		header("Content-Transfer-Encoding", "8bit")
		b.WriteString("\r\n")
		b.WriteString(strings.ReplaceAll(body, "\n", "\r\n"))
	case Base64:
		header("Content-Transfer-Encoding", "base64")
		b.WriteString("\r\n")
		s := base64.StdEncoding.EncodeToString([]byte(strings.ReplaceAll(body, "\n", "\r\n")))
		for len(s) > 76 {
			b.WriteString(s[:76] + "\r\n")
			s = s[76:]
		}
		b.WriteString(s)
	default:
		header("Content-Transfer-Encoding", "quoted-printable")
		b.WriteString("\r\n")
		w := quotedprintable.NewWriter(&b)
		if _, err := w.Write([]byte(body)); err != nil {
			return Message{}, err
		}
		if err := w.Close(); err != nil {
			return Message{}, err
		}
	}
	if !bytes.HasSuffix(b.Bytes(), []byte("\r\n")) {
		b.WriteString("\r\n")
	}
	return Message{From: fromAddr.Address, To: toAddr.Address, Data: b.Bytes()}, nil
}

// encodeHeader makes a header value 7-bit clean: non-ASCII text becomes RFC 2047 encoded
// words; line breaks (which could forge headers) and runs of spaces become single spaces.
func encodeHeader(v string) string {
	return mime.QEncoding.Encode("utf-8", strings.Join(strings.Fields(v), " "))
}

// maxLine is the longest header line written: RFC 2047 allows 76 characters on a line that
// holds an encoded word.
const maxLine = 76

// fold writes "name: value", folding at spaces onto continuation lines so that no line is
// longer than maxLine unless one word alone is (encoded words are at most 75 characters).
func fold(name, value string) string {
	var b strings.Builder
	line := name + ":"
	for _, word := range strings.Split(value, " ") {
		if len(line)+1+len(word) > maxLine && strings.TrimSpace(line) != "" {
			b.WriteString(line + "\r\n")
			line = ""
		}
		line += " " + word
	}
	b.WriteString(line)
	return b.String()
}

// messageID is a unique Message-ID in the sender's domain.
func messageID(id uint, fromAddress string) string {
	domain := "koogallery.local"
	if i := strings.LastIndexByte(fromAddress, '@'); i >= 0 && i < len(fromAddress)-1 {
		domain = fromAddress[i+1:]
	}
	r := make([]byte, 8)
	_, _ = rand.Read(r)
	return fmt.Sprintf("<mail.%d.%s@%s>", id, hex.EncodeToString(r), domain)
}
