package models

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
)

// Attachments are files users add to what they ask or decide (a refund's communication record,
// later supervision deliveries and appeals): checked by content against an allow-list, kept in
// the database so every server process sees them, and shown only to the parties of what they
// belong to and to operations.

// MaxAttachmentBytes is the largest attachment accepted (the server's body limit is 12M).
const MaxAttachmentBytes = 10 << 20

// MaxAttachmentName bounds a stored file name, in characters.
const MaxAttachmentName = 120

// AttachmentOwner is the kind of object an attachment belongs to.
type AttachmentOwner string

// The attachment owners. Supervision and appeals add theirs, with a case in attachmentParties.
const (
	AttachRefund AttachmentOwner = "refund_request"
)

// Attachment describes an uploaded file; its bytes are in AttachmentBlob.
type Attachment struct {
	ID           uint            `gorm:"primaryKey"`
	OwnerKind    AttachmentOwner `gorm:"size:24;not null;index:idx_attachments_owner,priority:1"`
	OwnerID      uint            `gorm:"not null;index:idx_attachments_owner,priority:2"`
	UploaderID   uint            `gorm:"not null;index"`
	UploaderRole Role            `gorm:"size:16;not null"`
	FileName     string          `gorm:"size:255;not null"` // cleaned: no path, no control characters
	ContentType  string          `gorm:"size:100;not null"` // as detected from the content
	Size         int64           `gorm:"not null"`
	SHA256       string          `gorm:"size:64;not null"`
	BlobID       uint            `gorm:"not null;uniqueIndex"`
	CreatedAt    time.Time       `gorm:"not null"`
}

// AttachmentBlob holds an attachment's bytes, apart from its description so that lists never
// load them.
type AttachmentBlob struct {
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
	MsgAttachmentEmpty    = "attachment.err.empty"
	MsgAttachmentTooLarge = "attachment.err.too_large"
	MsgAttachmentType     = "attachment.err.type"
	MsgAttachmentMismatch = "attachment.err.mismatch"
	MsgAttachmentAgain    = "attachment.err.again"
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

var attachmentExts = map[string]string{
	".pdf": ctPDF, ".png": ctPNG, ".jpg": ctJPEG, ".jpeg": ctJPEG, ".gif": ctGIF, ".webp": ctWebP,
	".txt": ctText, ".log": ctText, ".csv": ctText, ".md": ctText,
	".zip": ctZip, ".docx": ctDOCX, ".xlsx": ctXLSX,
}

// AttachmentExts lists the accepted file extensions, for the form's accept attribute.
func AttachmentExts() string {
	return ".pdf,.png,.jpg,.jpeg,.gif,.webp,.txt,.log,.csv,.md,.zip,.docx,.xlsx"
}

// checkedUpload is an upload that passed CheckUpload.
type checkedUpload struct {
	name, contentType string
	data              []byte
}

// CheckUpload accepts a file whose content is one of the allowed types and agrees with its
// extension: a PDF named .pdf, an image named as its kind, plain UTF-8 text, a zip archive, or
// a Word/Excel document (a zip holding [Content_Types].xml and the document part). A file
// whose content says otherwise (an executable or an HTML page named .pdf) is refused. It
// returns the cleaned name and detected type, or a message key.
func CheckUpload(name string, data []byte) (*checkedUpload, string) {
	return checkUpload(&Upload{Name: name, Data: data})
}

func checkUpload(u *Upload) (*checkedUpload, string) {
	name, data := u.Name, u.Data
	if u.TooLarge {
		return nil, MsgAttachmentTooLarge
	}
	if len(data) == 0 {
		return nil, MsgAttachmentEmpty
	}
	if len(data) > MaxAttachmentBytes {
		return nil, MsgAttachmentTooLarge
	}
	clean := CleanFileName(name)
	ext := strings.ToLower(path.Ext(clean))
	want, ok := attachmentExts[ext]
	if !ok {
		return nil, MsgAttachmentType
	}
	got := http.DetectContentType(data)
	switch want {
	case ctText:
		if got != ctText || !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
			return nil, MsgAttachmentMismatch
		}
	case ctDOCX, ctXLSX:
		part := "word/document.xml"
		if want == ctXLSX {
			part = "xl/workbook.xml"
		}
		if got != ctZip || !zipHas(data, "[Content_Types].xml", part) {
			return nil, MsgAttachmentMismatch
		}
	case ctZip:
		if got != ctZip || !zipHas(data) {
			return nil, MsgAttachmentMismatch
		}
	default:
		if got != want {
			return nil, MsgAttachmentMismatch
		}
	}
	return &checkedUpload{name: clean, contentType: want, data: data}, ""
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
// and leading dots, at most MaxAttachmentName characters keeping the extension; "attachment"
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
	if n := utf8.RuneCountInString(out); n > MaxAttachmentName {
		ext := path.Ext(out)
		if utf8.RuneCountInString(ext) > 10 {
			ext = ""
		}
		runes := []rune(strings.TrimSuffix(out, ext))
		out = string(runes[:MaxAttachmentName-utf8.RuneCountInString(ext)]) + ext
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

// saveAttachment stores a checked upload for an owner inside the caller's transaction.
func (s *Store) saveAttachment(tx *gorm.DB, kind AttachmentOwner, ownerID uint, uploader *User, u *checkedUpload) (*Attachment, error) {
	blob := &AttachmentBlob{Data: u.data}
	if err := tx.Create(blob).Error; err != nil {
		return nil, err
	}
	a := &Attachment{OwnerKind: kind, OwnerID: ownerID, UploaderID: uploader.ID, UploaderRole: uploader.Role, FileName: u.name,
		ContentType: u.contentType, Size: int64(len(u.data)), SHA256: sha256Hex(u.data), BlobID: blob.ID, CreatedAt: s.now()}
	if err := tx.Create(a).Error; err != nil {
		return nil, err
	}
	return a, nil
}
