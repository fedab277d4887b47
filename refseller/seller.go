package refseller

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"koogallery/protocol"
)

// Defaults of Options.
const (
	// DefaultSlowDelay is how long ModeSlow waits: past the platform's 5 s timeout.
	DefaultSlowDelay = 6 * time.Second
	// DefaultAppBaseURL is where the instances' appInfo URLs point.
	DefaultAppBaseURL = "https://refseller.example.com"
	// maxRequestBytes caps a request body.
	maxRequestBytes = 1 << 20
)

// Options configures a Seller.
type Options struct {
	// AccessKey is the key bound to the production address (required).
	AccessKey string
	// EncryptType encrypts appInfo userName and password: "1" (AES-256, default) or "2".
	EncryptType string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Mode is the initial behaviour; empty means ModeOK.
	Mode Mode
	// SlowDelay is how long ModeSlow waits; 0 means DefaultSlowDelay.
	SlowDelay time.Duration
	// SlowNewInstance makes a new newInstance answer 000004 (still processing); the instance
	// is ready at the next queryInstance or repeated newInstance.
	SlowNewInstance bool
	// SlowLicense makes a new getLicenseAsync answer 000004; the License is returned when
	// the same application comes again.
	SlowLicense bool
	// AppBaseURL is the base of appInfo frontEndUrl/adminUrl; empty means DefaultAppBaseURL.
	AppBaseURL string
	// PlatformBaseURL, PlatformAK and PlatformSK, when all set, make the seller query each
	// new order on the platform's open API (best effort, in the background).
	PlatformBaseURL string
	PlatformAK      string
	PlatformSK      string
	// PlatformClient makes the open-API calls; nil means a client with a 5 s timeout.
	PlatformClient *http.Client
	// ControlToken, when set, is required in the X-Control-Token header of ControlHandler
	// requests; when empty ControlHandler only serves loopback clients.
	ControlToken string
	// AdoptUnknown answers calls naming an unknown instance as if the seller had created it
	// earlier (the dev sandbox keeps no state across server restarts). Debug calls (testFlag
	// "1") are always answered so, since the platform may send dummy ids such as 123456789.
	AdoptUnknown bool
	// Logger receives one line per call; nil means slog.Default().
	Logger *slog.Logger
}

// Seller is the reference production endpoint, an http.Handler safe for concurrent use.
type Seller struct {
	opts     Options
	verifier *protocol.Verifier
	log      *slog.Logger
	bg       sync.WaitGroup

	mu            sync.Mutex
	mode          Mode
	slowNew       bool
	slowLicense   bool
	fileLicense   bool              // issue FILE Licenses (see SetFileLicense)
	byOrder       map[string]string // orderId + "\x00" + orderLineId → instanceId
	instances     map[string]*Instance
	notices       map[string]*Notice
	licenses      map[string]*license // instanceId + "\x00" + eventId + "\x00" + fingerprint
	platformCalls []PlatformCall
}

// New returns a Seller, or an error for a missing access key, an unknown encryptType or
// an unknown mode.
func New(opts Options) (*Seller, error) {
	if opts.AccessKey == "" {
		return nil, errors.New("refseller: an access key is required")
	}
	if opts.EncryptType == "" {
		opts.EncryptType = protocol.EncryptAES256
	}
	if _, err := protocol.KeyLength(opts.EncryptType); err != nil {
		return nil, err
	}
	mode, err := ParseMode(string(opts.Mode))
	if err != nil {
		return nil, err
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.SlowDelay <= 0 {
		opts.SlowDelay = DefaultSlowDelay
	}
	opts.AppBaseURL = strings.TrimRight(opts.AppBaseURL, "/")
	if opts.AppBaseURL == "" {
		opts.AppBaseURL = DefaultAppBaseURL
	}
	if opts.PlatformClient == nil {
		opts.PlatformClient = &http.Client{Timeout: 5 * time.Second}
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Seller{
		opts:        opts,
		verifier:    protocol.NewVerifier(opts.Now),
		log:         opts.Logger,
		mode:        mode,
		slowNew:     opts.SlowNewInstance,
		slowLicense: opts.SlowLicense,
		byOrder:     map[string]string{},
		instances:   map[string]*Instance{},
		notices:     map[string]*Notice{},
		licenses:    map[string]*license{},
	}, nil
}

// Mode returns the current behaviour.
func (s *Seller) Mode() Mode {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mode
}

// SetMode changes the behaviour for the calls that arrive from now on.
func (s *Seller) SetMode(m Mode) error {
	m, err := ParseMode(string(m))
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.mode = m
	s.mu.Unlock()
	s.log.Info("refseller mode changed", "mode", m)
	return nil
}

// SetSlowNewInstance switches the "still processing" answer to new newInstance calls.
func (s *Seller) SetSlowNewInstance(on bool) {
	s.mu.Lock()
	s.slowNew = on
	s.mu.Unlock()
}

// SetSlowLicense switches the "still processing" answer to new getLicenseAsync calls.
func (s *Seller) SetSlowLicense(on bool) {
	s.mu.Lock()
	s.slowLicense = on
	s.mu.Unlock()
}

// Instance returns a copy of the instance with the given id.
func (s *Seller) Instance(id string) (Instance, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	in, ok := s.instances[id]
	if !ok {
		return Instance{}, false
	}
	return *in, true
}

// Instances returns copies of every instance, oldest first.
func (s *Seller) Instances() []Instance {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Instance, 0, len(s.instances))
	for _, in := range s.instances {
		out = append(out, *in)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].CreatedAt.Equal(out[j].CreatedAt) {
			return out[i].CreatedAt.Before(out[j].CreatedAt)
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// Notices returns copies of the orderNotify calls received, by order id.
func (s *Seller) Notices() []Notice {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Notice, 0, len(s.notices))
	for _, n := range s.notices {
		out = append(out, *n)
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].OrderID+"\x00"+out[i].OrderLineID < out[j].OrderID+"\x00"+out[j].OrderLineID
	})
	return out
}

// Wait blocks until the background open-API calls have finished.
func (s *Seller) Wait() { s.bg.Wait() }

// ServeHTTP answers one production-interface call.
func (s *Seller) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "the production interface takes POST", http.StatusMethodNotAllowed)
		return
	}
	start := time.Now()
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBytes))
	if err != nil {
		s.reply(w, failure(protocol.ResultInvalidParams, "request body unreadable or larger than 1 MiB"))
		return
	}
	s.mu.Lock()
	mode := s.mode
	s.mu.Unlock()

	switch mode {
	case ModeHTTP500:
		http.Error(w, "internal server error (refseller mode http500)", http.StatusInternalServerError)
		s.log.Info("refseller call", "mode", mode, "status", http.StatusInternalServerError)
		return
	case ModeNotJSON:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, "<html><body>OK</body></html>\n")
		s.log.Info("refseller call", "mode", mode, "status", http.StatusOK)
		return
	case ModeSlow:
		select {
		case <-time.After(s.opts.SlowDelay):
		case <-r.Context().Done():
			s.log.Info("refseller call abandoned by the caller", "mode", mode)
			return
		}
	}
	resp := s.answer(mode, r, body)
	s.reply(w, resp)
	s.log.Info("refseller call", "mode", mode, "resultCode", resp.Code(), "latency", time.Since(start))
}

// answer checks the signature and parameters and runs the activity.
func (s *Seller) answer(mode Mode, r *http.Request, body []byte) protocol.Response {
	switch mode {
	case ModeBadSignatureCheck:
		return failure(protocol.ResultAuthFailed, "signature verification failed (refseller mode bad-signature-check)")
	case ModeIgnoreSignature:
	default:
		if err := s.verifier.Verify(s.opts.AccessKey, r.URL.Query(), body); err != nil {
			s.log.Warn("refseller refused a call", "reason", err)
			return failure(protocol.ResultAuthFailed, "authentication failed: "+strings.TrimPrefix(err.Error(), "protocol: "))
		}
	}
	req, errs := protocol.ParseRequest(body)
	if len(errs) > 0 {
		return failure(protocol.ResultInvalidParams, "invalid parameters: "+errs.Error())
	}
	if mode == ModeErrorCode {
		return failure(protocol.ResultInternalError, "internal error (refseller mode error-code)")
	}
	switch req := req.(type) {
	case *protocol.NewInstanceRequest:
		return s.newInstance(mode, req)
	case *protocol.QueryInstanceRequest:
		return s.queryInstance(mode, req)
	case *protocol.RefreshInstanceRequest:
		return s.refreshInstance(req)
	case *protocol.UpdateInstanceStatusRequest:
		return s.updateInstanceStatus(req)
	case *protocol.ReleaseInstanceRequest:
		return s.releaseInstance(req)
	case *protocol.UpgradeInstanceRequest:
		return s.upgradeInstance(req)
	case *protocol.OrderNotifyRequest:
		return s.orderNotify(req)
	case *protocol.GetLicenseAsyncRequest:
		return s.getLicenseAsync(req)
	}
	return failure(protocol.ResultInternalError, "unknown activity")
}

// reply writes a JSON answer with a Body-Sign header (for legacy v1 checks).
func (s *Seller) reply(w http.ResponseWriter, v protocol.Response) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "cannot encode the answer", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", protocol.ContentTypeJSON)
	w.Header().Set(protocol.HeaderBodySign, protocol.BodySignHeader(s.opts.AccessKey, b))
	w.Write(b)
}

// failure returns a StatusResponse whose message is cut to the 255-character limit.
func failure(code, msg string) *protocol.StatusResponse {
	return &protocol.StatusResponse{ResultCode: code, ResultMsg: truncate(msg, protocol.MaxResultMsgLength)}
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
