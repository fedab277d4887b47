package refseller

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"koogallery/protocol"
)

// fakePlatform verifies a push-back as the platform does and keeps what it received.
type fakePlatform struct {
	mu       sync.Mutex
	verifier *protocol.AKSKVerifier
	got      []pushed
	status   int
}

type pushed struct {
	path string
	lic  protocol.LicenseContent
	file []byte
}

func (p *fakePlatform) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if !strings.Contains(r.URL.Path, "/market-event/") {
		io.WriteString(w, `{"error_code":"MKT.0000","error_msg":"success"}`) // the order query after newInstance
		return
	}
	if _, err := p.verifier.Verify(r, body); err != nil {
		w.WriteHeader(401)
		io.WriteString(w, `{"error_code":"MKT.0401","error_msg":"`+strings.ReplaceAll(err.Error(), "\n", " ")+`"}`)
		return
	}
	_, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	var got pushed
	got.path = r.URL.Path
	for {
		part, err := mr.NextPart()
		if err != nil {
			break
		}
		b, _ := io.ReadAll(part)
		switch part.FormName() {
		case "json":
			_ = json.Unmarshal(b, &got.lic)
		case "file":
			got.file = b
		}
	}
	p.mu.Lock()
	p.got = append(p.got, got)
	status := p.status
	p.mu.Unlock()
	if status != 0 {
		w.WriteHeader(status)
		io.WriteString(w, `{"error_code":"MKT.0409","error_msg":"a different License was already issued"}`)
		return
	}
	io.WriteString(w, `{"error_code":"MKT.0000","error_msg":"success"}`)
}

func TestPushLicenseFile(t *testing.T) {
	plat := &fakePlatform{}
	ps := httptest.NewServer(plat)
	defer ps.Close()
	h := newHarness(t, Options{SlowLicense: true, PlatformBaseURL: ps.URL, PlatformAK: "AK-TEST", PlatformSK: "sk-secret"})
	plat.verifier = &protocol.AKSKVerifier{Now: h.clock.Now, Lookup: func(_ context.Context, ak string) (string, error) {
		if ak != "AK-TEST" {
			return "", protocol.ErrAKSKUnknownAccessKey
		}
		return "sk-secret", nil
	}}
	h.seller.SetFileLicense(true)
	id := h.create("CS-PUSH-1").InstanceID
	h.seller.Wait()
	if r := h.do(licenseReq(id, "ev-push", "AA|||")); r.Code() != protocol.ResultProcessing {
		t.Fatalf("slow License: %s", r.Code())
	}
	if err := h.seller.PushLicense(context.Background(), "ev-unknown"); err == nil {
		t.Error("pushing an unknown event succeeded")
	}
	if err := h.seller.PushLicense(context.Background(), "ev-push"); err != nil {
		t.Fatal(err)
	}
	lic, file, ok := h.seller.License("ev-push")
	sum := sha256.Sum256(file)
	if !ok || lic.Type != protocol.LicenseFile || lic.SHA256 != hex.EncodeToString(sum[:]) || len(file) == 0 {
		t.Fatalf("issued License: %+v", lic)
	}
	plat.mu.Lock()
	got := append([]pushed(nil), plat.got...)
	plat.mu.Unlock()
	if len(got) != 1 || got[0].path != LicensePushPath("ev-push") || got[0].lic != lic || !bytes.Equal(got[0].file, file) {
		t.Fatalf("platform received %+v", got)
	}
	// Pushed, the License is ready: the same application now gets it in the answer.
	again := h.do(licenseReq(id, "ev-push", "AA|||")).(*protocol.GetLicenseAsyncResponse)
	if again.ResultCode != protocol.ResultSuccess || *again.License != lic {
		t.Fatalf("after the push: %+v", again)
	}
	// A refusal is a *PushError with the platform's code.
	plat.mu.Lock()
	plat.status = http.StatusConflict
	plat.mu.Unlock()
	var pe *PushError
	if err := h.seller.PushLicense(context.Background(), "ev-push"); !errors.As(err, &pe) || pe.Code != "MKT.0409" || pe.StatusCode != 409 {
		t.Fatalf("refused push: %v", err)
	}
	if calls := h.seller.PlatformCalls(); len(calls) == 0 || calls[len(calls)-1].StatusCode != 409 {
		t.Errorf("platform calls: %+v", calls)
	}
}

func TestPushLicenseNeedsPlatform(t *testing.T) {
	h := newHarness(t, Options{})
	id := h.create("CS-PUSH-2").InstanceID
	h.do(licenseReq(id, "ev-x", "AA|||"))
	if err := h.seller.PushLicense(context.Background(), "ev-x"); err == nil || !strings.Contains(err.Error(), "PlatformBaseURL") {
		t.Fatalf("push without a platform: %v", err)
	}
}
