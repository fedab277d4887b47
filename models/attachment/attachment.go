// Package attachment keeps the files users add to what they ask or decide (a refund's
// communication record, supervision deliveries and appeals, a seller application's business
// licence): checked by content against an allow-list and kept in the database so every server
// process sees them. Who may download one is decided by the domain it belongs to.
package attachment

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gorm.io/gorm"

	"koogallery/models/account"
)

// MaxBytes is the largest attachment accepted (the server's body limit is 12M).
const MaxBytes = 10 << 20

// MaxName bounds a stored file name, in characters.
const MaxName = 120

// Owner is the kind of object an attachment belongs to; each domain names its own, and its
// party rule says who may download them.
type Owner string

// Attachment describes an uploaded file; its bytes are in AttachmentBlob.
type Attachment struct {
	ID           uint         `gorm:"primaryKey"`
	OwnerKind    Owner        `gorm:"size:24;not null;index:idx_attachments_owner,priority:1"`
	OwnerID      uint         `gorm:"not null;index:idx_attachments_owner,priority:2"`
	UploaderID   uint         `gorm:"not null;index"`
	UploaderRole account.Role `gorm:"size:16;not null"`
	FileName     string       `gorm:"size:255;not null"` // cleaned: no path, no control characters
	ContentType  string       `gorm:"size:100;not null"` // as detected from the content
	Size         int64        `gorm:"not null"`
	SHA256       string       `gorm:"size:64;not null"`
	BlobID       uint         `gorm:"not null;uniqueIndex"`
	CreatedAt    time.Time    `gorm:"not null"`
}

// Blob holds an attachment's bytes, apart from its description so that lists never
// load them.
type Blob struct {
	ID   uint   `gorm:"primaryKey"`
	Data []byte `gorm:"size:16777215;not null"` // MEDIUMBLOB on MySQL
}

// Upload is a file as a form carried it. TooLarge marks a file the server stopped reading at
// the size limit (Data is then empty), so that it is refused with the other fields' messages.
type Upload struct {
	Name     string
	Data     []byte
	TooLarge bool
}

// Attachment messages (translated by the web layer).
const (
	MsgEmpty    = "attachment.err.empty"
	MsgTooLarge = "attachment.err.too_large"
	MsgType     = "attachment.err.type"
	MsgMismatch = "attachment.err.mismatch"
	MsgAgain    = "attachment.err.again"
)

// Content types an attachment may have, detected from its bytes (http.DetectContentType,
// which follows the WHATWG sniffing rules), and the file extensions each may carry.
const (
	ctPDF  = "application/pdf"
	ctPNG  = "image/png"
	ctJPEG = "image/jpeg"
	ctGIF  = "image/gif"
	ctWebP = "image/webp"
	ctText = "text/plain; charset=utf-8"
	ctZip  = "application/zip"
	ctDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	ctXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

var exts = map[string]string{
	".pdf": ctPDF, ".png": ctPNG, ".jpg": ctJPEG, ".jpeg": ctJPEG, ".gif": ctGIF, ".webp": ctWebP,
	".txt": ctText, ".log": ctText, ".csv": ctText, ".md": ctText,
	".zip": ctZip, ".docx": ctDOCX, ".xlsx": ctXLSX,
}

// Exts lists the accepted file extensions, for the form's accept attribute.
func Exts() string {
	return ".pdf,.png,.jpg,.jpeg,.gif,.webp,.txt,.log,.csv,.md,.zip,.docx,.xlsx"
}

// Checked is an upload that passed Check.
type Checked struct {
	name, contentType string
	data              []byte
}

// CheckUpload accepts a file whose content is one of the allowed types and agrees with its
// extension: a PDF named .pdf, an image named as its kind, plain UTF-8 text, a zip archive, or
// a Word/Excel document (a zip holding [Content_Types].xml and the document part). A file
// whose content says otherwise (an executable or an HTML page named .pdf) is refused. It
// returns the cleaned name and detected type, or a message key.
func CheckUpload(name string, data []byte) (*Checked, string) {
	return Check(&Upload{Name: name, Data: data})
}

// Check is CheckUpload for an upload as a form carried it (one the server stopped reading at
// the limit is too large).
func Check(u *Upload) (*Checked, string) {
	name, data := u.Name, u.Data
	if u.TooLarge {
		return nil, MsgTooLarge
	}
	if len(data) == 0 {
		return nil, MsgEmpty
	}
	if len(data) > MaxBytes {
		return nil, MsgTooLarge
	}
	clean := CleanFileName(name)
	ext := strings.ToLower(path.Ext(clean))
	want, ok := exts[ext]
	if !ok {
		return nil, MsgType
	}
	got := http.DetectContentType(data)
	switch want {
	case ctText:
		if got != ctText || !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
			return nil, MsgMismatch
		}
	case ctDOCX, ctXLSX:
		part := "word/document.xml"
		if want == ctXLSX {
			part = "xl/workbook.xml"
		}
		if got != ctZip || !zipHas(data, "[Content_Types].xml", part) {
			return nil, MsgMismatch
		}
	case ctZip:
		if got != ctZip || !zipHas(data) {
			return nil, MsgMismatch
		}
	default:
		if got != want {
			return nil, MsgMismatch
		}
	}
	return &Checked{name: clean, contentType: want, data: data}, ""
}

// zipHas reports whether data is a readable zip archive holding the named entries.
func zipHas(data []byte, names ...string) bool {
	r, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return false
	}
	have := map[string]bool{}
	for _, f := range r.File {
		have[f.Name] = true
	}
	for _, n := range names {
		if !have[n] {
			return false
		}
	}
	return true
}

// CleanFileName keeps the last element of a file name as a browser sent it (both / and \
// separate), without control or format characters, quotes or separators, trimmed of blanks
// and leading dots, at most MaxName characters keeping the extension; "attachment"
// when nothing is left.
func CleanFileName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	var b strings.Builder
	for _, r := range name {
		switch {
		case r == utf8.RuneError, unicode.IsControl(r), unicode.Is(unicode.Cf, r), strings.ContainsRune(`"*:<>?|`, r):
			b.WriteRune('_')
		case unicode.IsSpace(r):
			b.WriteRune(' ')
		default:
			b.WriteRune(r)
		}
	}
	out := strings.TrimLeft(strings.TrimSpace(b.String()), ". ")
	if n := utf8.RuneCountInString(out); n > MaxName {
		ext := path.Ext(out)
		if utf8.RuneCountInString(ext) > 10 {
			ext = ""
		}
		runes := []rune(strings.TrimSuffix(out, ext))
		out = string(runes[:MaxName-utf8.RuneCountInString(ext)]) + ext
	}
	if strings.Trim(out, "._- ") == "" {
		return "attachment"
	}
	return out
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Image reports whether the file is a picture a browser shows inline (PNG, JPEG, GIF, WebP).
func (c *Checked) Image() bool {
	return c.contentType == ctPNG || c.contentType == ctJPEG || c.contentType == ctGIF || c.contentType == ctWebP
}

// PDF reports whether the file is a PDF document.
func (c *Checked) PDF() bool { return c.contentType == ctPDF }

// Save stores a checked upload for an owner inside the caller's transaction.
func Save(tx *gorm.DB, now time.Time, kind Owner, ownerID uint, uploader *account.User, u *Checked) (*Attachment, error) {
	blob := &Blob{Data: u.data}
	if err := tx.Create(blob).Error; err != nil {
		return nil, err
	}
	a := &Attachment{OwnerKind: kind, OwnerID: ownerID, UploaderID: uploader.ID, UploaderRole: uploader.Role, FileName: u.name,
		ContentType: u.contentType, Size: int64(len(u.data)), SHA256: sha256Hex(u.data), BlobID: blob.ID, CreatedAt: now}
	if err := tx.Create(a).Error; err != nil {
		return nil, err
	}
	return a, nil
}
