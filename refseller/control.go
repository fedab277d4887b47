package refseller

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strconv"

	"koogallery/protocol"
)

// HeaderControlToken carries Options.ControlToken on ControlHandler requests.
const HeaderControlToken = "X-Control-Token"

// controlState is what ControlHandler reports.
type controlState struct {
	Mode            Mode          `json:"mode"`
	SlowNewInstance bool          `json:"slowNewInstance"`
	SlowLicense     bool          `json:"slowLicense"`
	Instances       int           `json:"instances"`
	Modes           []modeSummary `json:"modes"`
}

type modeSummary struct {
	Name        Mode   `json:"name"`
	Description string `json:"description"`
}

// ControlHandler returns the admin endpoint: GET reports the mode and switches as JSON;
// POST with query or form values mode, slowNewInstance and/or slowLicense changes them.
// It requires the X-Control-Token header when Options.ControlToken is set and otherwise
// serves loopback clients only; it refuses anything carrying a v2 signature, so a
// production call that strays onto its path changes nothing. Mount it apart from the
// production path (e.g. /_control).
func (s *Seller) ControlHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Has(protocol.ParamSignature) {
			http.Error(w, "production-interface calls are not served here", http.StatusNotFound)
			return
		}
		if !s.controlAllowed(r) {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		switch r.Method {
		case http.MethodGet:
		case http.MethodPost:
			if err := s.applyControl(r); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
		default:
			w.Header().Set("Allow", "GET, POST")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		s.mu.Lock()
		st := controlState{Mode: s.mode, SlowNewInstance: s.slowNew, SlowLicense: s.slowLicense, Instances: len(s.instances)}
		s.mu.Unlock()
		for _, m := range Modes() {
			st.Modes = append(st.Modes, modeSummary{m, m.Description()})
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(st)
	})
}

func (s *Seller) controlAllowed(r *http.Request) bool {
	if s.opts.ControlToken != "" {
		return subtle.ConstantTimeCompare([]byte(r.Header.Get(HeaderControlToken)), []byte(s.opts.ControlToken)) == 1
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	ip := net.ParseIP(host)
	return err == nil && ip != nil && ip.IsLoopback()
}

// applyControl validates every value before changing anything.
func (s *Seller) applyControl(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	var mode *Mode
	if r.Form.Has("mode") {
		m, err := ParseMode(r.Form.Get("mode"))
		if err != nil {
			return err
		}
		mode = &m
	}
	slowNew, err := formBool(r, "slowNewInstance")
	if err != nil {
		return err
	}
	slowLicense, err := formBool(r, "slowLicense")
	if err != nil {
		return err
	}
	if mode != nil {
		s.SetMode(*mode) // already parsed: cannot fail
	}
	if slowNew != nil {
		s.SetSlowNewInstance(*slowNew)
	}
	if slowLicense != nil {
		s.SetSlowLicense(*slowLicense)
	}
	return nil
}

// formBool returns the boolean form value name, or nil when it is absent.
func formBool(r *http.Request, name string) (*bool, error) {
	if !r.Form.Has(name) {
		return nil, nil
	}
	v, err := strconv.ParseBool(r.Form.Get(name))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &v, nil
}
