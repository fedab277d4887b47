package handlers

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"koogallery/models/license"
	"koogallery/models/sqldb"
	"koogallery/protocol"
)

// The asynchronous License push-back (spec §3):
//
//	POST /api/mkp-openapi-public/global/v1/market-event/{event_id}/file
//
// AK/SK signed over the raw body, multipart/form-data with
//   - the JSON part {type: CHARACTERS|FILE, file_name, sha256, characters}: the part named
//     "json"; when no part has that name, the first part that is not a file. (The real
//     platform's part name is unconfirmed; this accepts both habits.)
//   - for FILE, the file: the part named "file", or any part with a filename (one only).
//
// It answers {"error_code":"MKT.0000","error_msg":"success"}, or 400 (malformed), 401 (signature),
// 404 (no such event for this seller: never another seller's data), 409 (a different License
// for an event already issued: the same application always yields the same License) or 413
// (the file is larger than 1 MiB), each with an error_code and an explanation.

const (
	// maxLicensePushBytes bounds the whole push: the file plus the JSON part and the framing.
	maxLicensePushBytes = license.MaxLicenseFileBytes + 64<<10
	// maxLicenseJSONPart bounds the JSON part (1024 characters of up to 4 bytes, escaped).
	maxLicenseJSONPart = 16 << 10
)

// PushLicense receives a License a seller pushes back for an application.
func (h *OpenAPI) PushLicense(c echo.Context) error {
	body, err := io.ReadAll(io.LimitReader(c.Request().Body, maxLicensePushBytes+1))
	if err != nil {
		return c.JSON(http.StatusBadRequest, apiError{"MKT.0400", "unreadable body"})
	}
	if len(body) > maxLicensePushBytes {
		return c.JSON(http.StatusRequestEntityTooLarge, apiError{"MKT.0413",
			fmt.Sprintf("the push is larger than %d bytes: a License file may be at most 1 MiB", maxLicensePushBytes)})
	}
	key, err := h.authenticateBody(c, body)
	if key == nil {
		return err
	}
	ctx := c.Request().Context()
	eventID := c.Param("event_id")
	notFound := apiError{"MKT.0404", "no License application with this event_id for this seller"}
	if eventID == "" || len(eventID) > protocol.MaxIDLength {
		return c.JSON(http.StatusNotFound, notFound)
	}
	if _, err := h.store.SellerLicense(ctx, key.SellerID, eventID); errors.Is(err, sqldb.ErrNotFound) {
		return c.JSON(http.StatusNotFound, notFound)
	} else if err != nil {
		return err
	}
	push, status, perr := parseLicensePush(c.Request().Header.Get(echo.HeaderContentType), body)
	if perr != nil {
		return c.JSON(status, perr)
	}
	_, err = h.store.PushLicense(ctx, key.SellerID, eventID, push)
	switch {
	case errors.Is(err, sqldb.ErrNotFound):
		return c.JSON(http.StatusNotFound, notFound)
	case errors.Is(err, license.ErrLicenseConflict):
		return c.JSON(http.StatusConflict, apiError{"MKT.0409",
			"a different License was already issued for this event_id: the same application must always yield the same License; push the License issued before"})
	case err != nil:
		return err
	}
	return c.JSON(http.StatusOK, apiError{"MKT.0000", "success"})
}

// parseLicensePush reads the multipart push into a License, or says what is wrong with it.
func parseLicensePush(contentType string, body []byte) (license.LicensePush, int, *apiError) {
	var out license.LicensePush
	bad := func(msg string) (license.LicensePush, int, *apiError) {
		return out, http.StatusBadRequest, &apiError{"MKT.0400", msg}
	}
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return bad("Content-Type must be multipart/form-data with a boundary")
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	var jsonPart, file []byte
	namedJSON, haveFile := false, false
	fileName := ""
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return bad("malformed multipart body")
		}
		name, fname := p.FormName(), p.FileName()
		if fname != "" || name == "file" {
			if haveFile {
				return bad("more than one file part: push one License file")
			}
			data, err := io.ReadAll(io.LimitReader(p, license.MaxLicenseFileBytes+1))
			if err != nil {
				return bad("malformed multipart body")
			}
			if len(data) > license.MaxLicenseFileBytes {
				return out, http.StatusRequestEntityTooLarge, &apiError{"MKT.0413", "the License file is larger than 1 MiB"}
			}
			file, fileName, haveFile = data, fname, true
			continue
		}
		data, err := io.ReadAll(io.LimitReader(p, maxLicenseJSONPart+1))
		if err != nil {
			return bad("malformed multipart body")
		}
		if len(data) > maxLicenseJSONPart {
			return bad("the json part is larger than 16 KiB")
		}
		switch {
		case name == "json" && namedJSON:
			return bad(`more than one part named "json"`)
		case name == "json":
			jsonPart, namedJSON = data, true
		case jsonPart == nil:
			jsonPart = data // the first non-file part, unless a part named "json" follows
		}
	}
	if jsonPart == nil {
		return bad(`the "json" part {type, file_name, sha256, characters} is missing`)
	}
	var lic protocol.LicenseContent
	trimmed := bytes.TrimSpace(jsonPart)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return bad("the json part is not a JSON object")
	}
	if err := json.Unmarshal(trimmed, &lic); err != nil {
		return bad("the json part is not a valid License description: " + strings.TrimPrefix(err.Error(), "json: "))
	}
	switch lic.Type {
	case protocol.LicenseCharacters:
		n := utf8.RuneCountInString(lic.Characters)
		switch {
		case strings.TrimSpace(lic.Characters) == "":
			return bad("characters is required for a CHARACTERS License")
		case !utf8.ValidString(lic.Characters):
			return bad("characters must be UTF-8")
		case n > license.MaxLicenseCharacters:
			return bad(fmt.Sprintf("characters has %d characters; at most %d", n, license.MaxLicenseCharacters))
		}
		out = license.LicensePush{Type: lic.Type, Characters: lic.Characters}
	case protocol.LicenseFile:
		name := strings.TrimSpace(lic.FileName)
		if name == "" {
			name = fileName
		}
		switch {
		case name == "":
			return bad("file_name is required for a FILE License")
		case utf8.RuneCountInString(name) > license.MaxLicenseFileName || !utf8.ValidString(name) || strings.IndexFunc(name, unicode.IsControl) >= 0:
			return bad("file_name must be at most 255 characters without control characters")
		case len(lic.SHA256) != 64 || !isHexString(lic.SHA256):
			return bad("sha256 must be the file's SHA-256 as 64 hex digits")
		case !haveFile:
			return bad(`a FILE License needs the file: a part named "file"`)
		case len(file) == 0:
			return bad("the License file is empty")
		}
		sum := sha256.Sum256(file)
		if got := hex.EncodeToString(sum[:]); !strings.EqualFold(got, lic.SHA256) {
			return bad(fmt.Sprintf("sha256 does not match the file: the file received (%d bytes) has SHA-256 %s", len(file), got))
		}
		out = license.LicensePush{Type: lic.Type, FileName: name, SHA256: strings.ToLower(lic.SHA256), Data: file}
	case "":
		return bad(`type is required: "CHARACTERS" or "FILE"`)
	default:
		return bad(`type must be "CHARACTERS" or "FILE"`)
	}
	return out, http.StatusOK, nil
}

func isHexString(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
