package handlers

import (
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"koogallery/models"
	"koogallery/models/attachment"
	"koogallery/web"
)

// Attachments serves uploaded files (a refund's communication record, a review's proof, later
// supervision and appeal documents) to the parties of what they belong to and to operations,
// as downloads that a browser never renders in the site's origin.
type Attachments struct{ store *models.Store }

// Routes registers GET /attachments/:id under an area's group (the group's role guard applies;
// the store checks that the user is a party).
func (h *Attachments) Routes(g *echo.Group) {
	g.GET("/attachments/:id", h.Download)
}

// Download sends an attachment: Content-Disposition attachment with a sanitized name (an ASCII
// fallback and the UTF-8 name per RFC 6266/8187), the detected type, nosniff, and a sandboxing
// CSP in case a browser renders it anyway. Anyone but a party or an admin gets a 404.
func (h *Attachments) Download(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a, data, err := h.store.AttachmentFor(c.Request().Context(), web.CurrentUser(c), id)
	if err != nil {
		return err
	}
	hdr := c.Response().Header()
	hdr.Set(echo.HeaderContentDisposition, ContentDisposition(a.FileName))
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Content-Security-Policy", "sandbox")
	hdr.Set("Cache-Control", "private, no-store")
	hdr.Set(echo.HeaderContentLength, strconv.Itoa(len(data)))
	return c.Blob(http.StatusOK, a.ContentType, data)
}

// ContentDisposition is an attachment disposition for a file name: filename= holds an ASCII
// fallback (other characters, quotes and backslashes become '_'), filename*= the UTF-8 name
// percent-encoded (RFC 8187: only attr-chars stay literal).
func ContentDisposition(name string) string {
	name = attachment.CleanFileName(name)
	var ascii strings.Builder
	for _, r := range name {
		if r < 0x20 || r >= 0x7f || r == '"' || r == '\\' || r == '%' {
			ascii.WriteByte('_')
		} else {
			ascii.WriteRune(r)
		}
	}
	return `attachment; filename="` + ascii.String() + `"; filename*=UTF-8''` + encodeRFC8187(name)
}

// encodeRFC8187 percent-encodes every byte that is not an attr-char.
func encodeRFC8187(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "_")
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case 'a' <= ch && ch <= 'z', 'A' <= ch && ch <= 'Z', '0' <= ch && ch <= '9', strings.IndexByte("!#$&+-.^_`|~", ch) >= 0:
			b.WriteByte(ch)
		default:
			const hex = "0123456789ABCDEF"
			b.WriteByte('%')
			b.WriteByte(hex[ch>>4])
			b.WriteByte(hex[ch&15])
		}
	}
	return b.String()
}
