package refseller

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"

	"koogallery/protocol"
)

// The asynchronous License push-back (spec §3): after answering getLicenseAsync with 000004 (or
// announcing a FILE License whose bytes an answer cannot carry), the seller pushes the License
// to the platform's open API:
//
//	POST /api/mkp-openapi-public/global/v1/market-event/{eventId}/file
//	Authorization: SDK-HMAC-SHA256 … (AK/SK over the raw multipart body)
//	Content-Type: multipart/form-data; boundary=…
//	part "json" (application/json): {"type":"CHARACTERS"|"FILE","file_name":…,"sha256":…,"characters":…}
//	part "file" (FILE only): the License file, whose SHA-256 is "sha256"
//
// and the platform answers {"error_code":"MKT.0000","error_msg":"success"} or an error code.

// LicensePushPath is the open-API path of the License push-back of an eventId.
func LicensePushPath(eventID string) string {
	return "/api/mkp-openapi-public/global/v1/market-event/" + url.PathEscape(eventID) + "/file"
}

// SetFileLicense switches the Licenses issued from now on to FILE (a small generated License
// file: the getLicenseAsync answer names it and gives its SHA-256, PushLicense delivers the
// bytes) or back to CHARACTERS (the default).
func (s *Seller) SetFileLicense(on bool) {
	s.mu.Lock()
	s.fileLicense = on
	s.mu.Unlock()
}

// newLicenseLocked issues the License of a new application (s.mu held). It is derived from the
// access key and the application (instanceId, eventId, fingerprint), so the same application
// always yields the same License.
func (s *Seller) newLicenseLocked(req *protocol.GetLicenseAsyncRequest, key string) *license {
	m := hmac.New(sha256.New, []byte(s.opts.AccessKey))
	m.Write([]byte(key))
	code := "LIC-" + strings.ToUpper(hex.EncodeToString(m.Sum(nil)[:16]))
	lic := &license{
		content: protocol.LicenseContent{Type: protocol.LicenseCharacters, Characters: code},
		eventID: req.EventID,
		ready:   !s.slowLicense,
	}
	if s.fileLicense {
		lic.file = []byte(fmt.Sprintf("# KooGallery reference seller License\nlicense=%s\ninstance=%s\nevent=%s\ndevice=%s\neffective=%s\nexpire=%s\n",
			code, req.InstanceID, req.EventID, req.DeviceFingerprint, req.EffectiveTime, req.ExpireTime))
		sum := sha256.Sum256(lic.file)
		lic.content = protocol.LicenseContent{Type: protocol.LicenseFile, FileName: "license-" + req.EventID + ".lic", SHA256: hex.EncodeToString(sum[:])}
	}
	return lic
}

// License returns the License issued for an eventId and, for a FILE License, its bytes.
func (s *Seller) License(eventID string) (protocol.LicenseContent, []byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if lic := s.licenseLocked(eventID); lic != nil {
		return lic.content, append([]byte(nil), lic.file...), true
	}
	return protocol.LicenseContent{}, nil, false
}

func (s *Seller) licenseLocked(eventID string) *license {
	for _, lic := range s.licenses {
		if lic.eventID == eventID {
			return lic
		}
	}
	return nil
}

// PushError is the platform's refusal of a push-back.
type PushError struct {
	StatusCode int
	Code, Msg  string
}

// Error describes the refusal.
func (e *PushError) Error() string {
	return fmt.Sprintf("refseller: License push refused: HTTP %d %s %s", e.StatusCode, e.Code, e.Msg)
}

// PushLicense pushes the License issued for an application (by its eventId) to the platform's
// open API with AK/SK (Options.PlatformBaseURL, PlatformAK, PlatformSK). The License becomes
// ready, so a repeated getLicenseAsync answers it at once. Pushing it again is harmless: the
// platform answers success for the same License. A refusal is a *PushError.
func (s *Seller) PushLicense(ctx context.Context, eventID string) error {
	o := s.opts
	if o.PlatformBaseURL == "" || o.PlatformAK == "" || o.PlatformSK == "" {
		return errors.New("refseller: PlatformBaseURL, PlatformAK and PlatformSK are required to push a License")
	}
	s.mu.Lock()
	lic := s.licenseLocked(eventID)
	var content protocol.LicenseContent
	var file []byte
	if lic != nil {
		lic.ready = true
		content, file = lic.content, lic.file
	}
	s.mu.Unlock()
	if lic == nil {
		return fmt.Errorf("refseller: no License was issued for eventId %q", eventID)
	}
	req, body, err := NewLicensePushRequest(ctx, o.PlatformBaseURL, eventID, content, file)
	if err != nil {
		return err
	}
	if err := (protocol.AKSKSigner{AK: o.PlatformAK, SK: o.PlatformSK}).Sign(req, body, o.Now()); err != nil {
		return err
	}
	call := PlatformCall{URL: req.URL.String(), At: o.Now()}
	defer func() { s.recordPlatformCall(call) }()
	resp, err := o.PlatformClient.Do(req)
	if err != nil {
		call.Err = err.Error()
		return fmt.Errorf("refseller: License push: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	call.StatusCode, call.Body = resp.StatusCode, string(b)
	if err != nil {
		call.Err = err.Error()
		return fmt.Errorf("refseller: License push: %w", err)
	}
	var answer struct {
		Code string `json:"error_code"`
		Msg  string `json:"error_msg"`
	}
	_ = json.Unmarshal(b, &answer)
	if resp.StatusCode != http.StatusOK || answer.Code != "MKT.0000" {
		return &PushError{StatusCode: resp.StatusCode, Code: answer.Code, Msg: answer.Msg}
	}
	s.log.Info("refseller pushed a License", "event", eventID, "type", content.Type)
	return nil
}

func (s *Seller) recordPlatformCall(call PlatformCall) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.platformCalls = append(s.platformCalls, call)
	if n := len(s.platformCalls); n > maxPlatformCalls {
		s.platformCalls = append([]PlatformCall(nil), s.platformCalls[n-maxPlatformCalls:]...)
	}
}

// NewLicensePushRequest builds an unsigned push-back request: a "json" part with the License's
// description and, when file is not nil, a "file" part. body is exactly what the request sends:
// sign it (protocol.AKSKSigner.Sign) before sending.
func NewLicensePushRequest(ctx context.Context, baseURL, eventID string, lic protocol.LicenseContent, file []byte) (*http.Request, []byte, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="json"`)
	h.Set("Content-Type", "application/json")
	pw, err := w.CreatePart(h)
	if err != nil {
		return nil, nil, err
	}
	if err := json.NewEncoder(pw).Encode(lic); err != nil {
		return nil, nil, err
	}
	if file != nil {
		name := lic.FileName
		if name == "" {
			name = "license"
		}
		fw, err := w.CreateFormFile("file", name)
		if err != nil {
			return nil, nil, err
		}
		if _, err := fw.Write(file); err != nil {
			return nil, nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, nil, err
	}
	body := buf.Bytes()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(baseURL, "/")+LicensePushPath(eventID), bytes.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	return req, body, nil
}
