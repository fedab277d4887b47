// Package config reads the server's settings from flags and the environment and checks them,
// so that bad configuration stops start-up with a clear message.
package config

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Mode is dev (demo data, generated keys, local endpoints allowed) or prod.
type Mode string

// The modes.
const (
	Dev  Mode = "dev"
	Prod Mode = "prod"
)

// Config is everything the server needs to start.
type Config struct {
	Addr        string
	DataDir     string
	DatabaseDSN string // empty: SQLite in DataDir
	Mode        Mode
	BaseURL     string
	// SessionKey signs and encrypts the session cookie (64 bytes: 32 HMAC + 32 AES).
	SessionKey []byte
	// MasterKey encrypts secrets at rest (32 bytes, AES-256-GCM).
	MasterKey []byte
	Mail      Mail
	LogSQL    bool
	// SandboxAddr is where dev mode serves the built-in sandbox seller endpoint; empty: none.
	SandboxAddr string
	// DispatchLease is how long a dispatcher's claim on a call holds; 0 means the dispatcher's
	// default (60 s). Calls claimed by a process that died are retried once their lease ends.
	// It must exceed the 5 s call timeout, or a slow but live attempt could be sent twice.
	DispatchLease time.Duration
	// CallRetry overrides retry policies per activity ("newInstance", or "newInstance:license"
	// for License products): how often, and for how long from the first attempt.
	CallRetry map[string]Retry
	// MetricsToken, when set, is the bearer token /metrics asks for (Authorization: Bearer …);
	// at least MinMetricsToken characters of a bearer token's alphabet.
	MetricsToken string
	// MetricsAddr, when set, is a listener of its own for /metrics, which the main listener
	// then does not serve. In prod mode with neither this nor MetricsToken, /metrics is off.
	MetricsAddr string
	// TrustedProxies are the networks of the load balancers or proxies in front of the
	// server: only a request from one of them may say, in X-Forwarded-For, which client it
	// carries. Empty: the connection's address is the client's (no header is believed).
	TrustedProxies []*net.IPNet
}

// MinMetricsToken is the shortest metrics token accepted.
const MinMetricsToken = 16

// Retry is one activity's retry policy from the configuration.
type Retry struct{ Every, Window time.Duration }

// MinDispatchLease is the shortest lease accepted: longer than the 5 s call timeout.
const MinDispatchLease = 6 * time.Second

// Mail says how notices are sent: through an SMTP server, or written to files in dev.
type Mail struct {
	SMTPAddr string // host:port; empty writes mail to DataDir/mail
	From     string
	Username string
	Password string
}

// Secure reports whether the site is served over https (cookies get the Secure flag).
func (c Config) Secure() bool { return strings.HasPrefix(c.BaseURL, "https://") }

// Load reads flags from args and falls back to the environment for each: ADDR, DATA_DIR,
// DATABASE_URL, APP_MODE, BASE_URL, SESSION_KEY, MASTER_KEY (hex), SMTP_ADDR, MAIL_FROM,
// SMTP_USERNAME, SMTP_PASSWORD, LOG_SQL, DISPATCH_LEASE, METRICS_TOKEN, METRICS_ADDR. In dev mode missing keys are
// generated once and kept in the data dir; in prod mode they are required.
func Load(args []string, getenv func(string) string) (Config, error) {
	env := func(k, def string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return def
	}
	var c Config
	var mode, sessionKey, masterKey string
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	fs.StringVar(&c.Addr, "addr", env("ADDR", ":8080"), "listen address")
	fs.StringVar(&c.DataDir, "data", env("DATA_DIR", "./data"), "data directory (SQLite file, generated dev keys, dev mail)")
	fs.StringVar(&c.DatabaseDSN, "db", env("DATABASE_URL", ""), "MySQL DSN, e.g. root:@tcp(127.0.0.1:3306)/test; empty: embedded SQLite")
	fs.StringVar(&mode, "mode", env("APP_MODE", string(Dev)), "dev or prod")
	fs.StringVar(&c.BaseURL, "base-url", env("BASE_URL", ""), "public URL of the site, e.g. https://market.example.com")
	fs.StringVar(&sessionKey, "session-key", env("SESSION_KEY", ""), "session key, 128 hex characters")
	fs.StringVar(&masterKey, "master-key", env("MASTER_KEY", ""), "master key for secrets at rest, 64 hex characters")
	fs.StringVar(&c.Mail.SMTPAddr, "smtp", env("SMTP_ADDR", ""), "SMTP server host:port; empty: write mail to the data dir")
	fs.StringVar(&c.Mail.From, "mail-from", env("MAIL_FROM", "KooGallery <noreply@koogallery.local>"), "sender of notices")
	fs.StringVar(&c.Mail.Username, "smtp-user", env("SMTP_USERNAME", ""), "SMTP user name")
	fs.StringVar(&c.Mail.Password, "smtp-password", env("SMTP_PASSWORD", ""), "SMTP password")
	fs.StringVar(&c.SandboxAddr, "sandbox-addr", env("SANDBOX_ADDR", "127.0.0.1:8090"), "dev mode: address of the built-in sandbox seller endpoint (empty: none)")
	var lease, retry string
	fs.StringVar(&retry, "call-retry", env("CALL_RETRY", ""), "retry policies per activity, e.g. newInstance=1h/3h,orderNotify=30m/3h,newInstance:license=2m/2h")
	fs.StringVar(&lease, "dispatch-lease", env("DISPATCH_LEASE", ""), "how long a call claimed by a dispatcher stays its own, e.g. 60s (at least 6s; empty: 60s)")
	fs.StringVar(&c.MetricsToken, "metrics-token", env("METRICS_TOKEN", ""), "bearer token /metrics asks for (at least 16 characters; empty: none)")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", env("METRICS_ADDR", ""), "host:port of a listener of its own for /metrics, e.g. 127.0.0.1:9100 (empty: the main listener)")
	var proxies string
	fs.StringVar(&proxies, "trusted-proxies", env("TRUSTED_PROXIES", ""), "comma-separated CIDRs of the proxies in front of the server whose X-Forwarded-For is believed, e.g. 10.0.0.0/8 (empty: none)")
	logSQL := env("LOG_SQL", "")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	c.LogSQL, _ = strconv.ParseBool(logSQL)
	c.Mode = Mode(mode)
	if c.Mode != Dev {
		c.SandboxAddr = ""
	}
	var problems []string
	if c.Mode != Dev && c.Mode != Prod {
		problems = append(problems, fmt.Sprintf("mode %q: use dev or prod", mode))
	}
	if c.BaseURL == "" && c.Mode == Dev {
		c.BaseURL = "http://localhost" + portOf(c.Addr)
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		problems = append(problems, fmt.Sprintf("base URL %q: give an absolute http(s) URL (BASE_URL)", c.BaseURL))
	}
	if c.Mail.SMTPAddr != "" && !strings.Contains(c.Mail.SMTPAddr, ":") {
		problems = append(problems, fmt.Sprintf("SMTP address %q: give host:port", c.Mail.SMTPAddr))
	}
	if _, err := mail.ParseAddress(c.Mail.From); err != nil {
		problems = append(problems, fmt.Sprintf("mail sender %q: %v", c.Mail.From, err))
	}
	var err error
	if lease != "" {
		d, err := time.ParseDuration(lease)
		if err != nil || d < MinDispatchLease {
			problems = append(problems, fmt.Sprintf("dispatch lease %q: give a duration of at least %s (DISPATCH_LEASE)", lease, MinDispatchLease))
		}
		c.DispatchLease = d
	}
	if c.CallRetry, err = parseRetry(retry); err != nil {
		problems = append(problems, err.Error())
	}
	c.MetricsToken = strings.TrimSpace(c.MetricsToken)
	if c.MetricsToken != "" && !validMetricsToken(c.MetricsToken) {
		problems = append(problems, fmt.Sprintf("metrics token: give at least %d characters of letters, digits and -._~+/ (METRICS_TOKEN)", MinMetricsToken))
	}
	if c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			problems = append(problems, fmt.Sprintf("metrics address %q: give host:port, e.g. 127.0.0.1:9100 (METRICS_ADDR)", c.MetricsAddr))
		} else if c.MetricsAddr == c.Addr {
			problems = append(problems, fmt.Sprintf("metrics address %q is the listen address: give another port, or leave METRICS_ADDR empty", c.MetricsAddr))
		}
	}
	for _, p := range strings.Split(proxies, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		_, n, err := net.ParseCIDR(p)
		if err != nil {
			problems = append(problems, fmt.Sprintf("trusted proxy %q: give a network like 10.0.0.0/8 or 192.0.2.10/32 (TRUSTED_PROXIES)", p))
			continue
		}
		c.TrustedProxies = append(c.TrustedProxies, n)
	}
	if c.SessionKey, err = key("session key", sessionKey, 64, c, "session.key"); err != nil {
		problems = append(problems, err.Error())
	}
	if c.MasterKey, err = key("master key", masterKey, 32, c, "master.key"); err != nil {
		problems = append(problems, err.Error())
	}
	if len(problems) > 0 {
		return c, errors.New("configuration: " + strings.Join(problems, "; "))
	}
	return c, nil
}

func portOf(addr string) string {
	if i := strings.LastIndex(addr, ":"); i >= 0 {
		return addr[i:]
	}
	return ""
}

// key decodes a hex key of n bytes; in dev mode a missing one is read from, or generated
// into, the data dir.
func key(name, hexKey string, n int, c Config, file string) ([]byte, error) {
	if hexKey == "" && c.Mode == Dev {
		return devKey(filepath.Join(c.DataDir, file), n)
	}
	if hexKey == "" {
		return nil, fmt.Errorf("%s missing: production mode needs it (%d hex characters)", name, 2*n)
	}
	b, err := hex.DecodeString(strings.TrimSpace(hexKey))
	if err != nil || len(b) != n {
		return nil, fmt.Errorf("%s: want %d hex characters", name, 2*n)
	}
	return b, nil
}

// devKey reads a generated key file, or makes one.
func devKey(path string, n int) ([]byte, error) {
	if b, err := os.ReadFile(path); err == nil {
		k, err := hex.DecodeString(strings.TrimSpace(string(b)))
		if err != nil || len(k) != n {
			return nil, fmt.Errorf("key file %s is damaged: delete it to make a new one", path)
		}
		return k, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	k := make([]byte, n)
	if _, err := rand.Read(k); err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, []byte(hex.EncodeToString(k)+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("write key file: %w", err)
	}
	return k, nil
}

// validMetricsToken: long enough, and only characters of RFC 6750's b64token (letters, digits,
// -._~+/ and trailing =), so it goes into an Authorization header unchanged.
func validMetricsToken(tok string) bool {
	body := strings.TrimRight(tok, "=")
	if len(tok) < MinMetricsToken || body == "" {
		return false
	}
	for _, r := range body {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-._~+/", r)) {
			return false
		}
	}
	return true
}

// parseRetry reads "activity=every/window,…".
func parseRetry(s string) (map[string]Retry, error) {
	out := map[string]Retry{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, spec, ok := strings.Cut(part, "=")
		every, window, ok2 := strings.Cut(spec, "/")
		e, err1 := time.ParseDuration(strings.TrimSpace(every))
		w, err2 := time.ParseDuration(strings.TrimSpace(window))
		if !ok || !ok2 || strings.TrimSpace(name) == "" || err1 != nil || err2 != nil || e <= 0 || w < e {
			return nil, fmt.Errorf("call retry %q: write activity=every/window with every > 0 and window ≥ every, e.g. newInstance=1h/3h (CALL_RETRY)", part)
		}
		out[strings.TrimSpace(name)] = Retry{Every: e, Window: w}
	}
	return out, nil
}
