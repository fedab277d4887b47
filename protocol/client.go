package protocol

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"
)

// Defaults of the Client.
const (
	// DefaultCallTimeout is how long the platform waits for a seller's answer.
	DefaultCallTimeout = 5 * time.Second
	// DefaultMaxResponseBytes caps the response body the Client reads.
	DefaultMaxResponseBytes = 1 << 20
	// ContentTypeJSON is the Content-Type of every call.
	ContentTypeJSON = "application/json;charset=utf-8"
)

// ErrorKind classifies why a call produced no usable HTTP answer.
type ErrorKind string

// The kinds of call failure; ErrKindNone means an HTTP answer was received in full.
const (
	ErrKindNone        ErrorKind = ""            // a complete HTTP answer (any status)
	ErrKindBadAddress  ErrorKind = "bad_address" // the address is not an absolute http(s) URL
	ErrKindBlocked     ErrorKind = "blocked"     // the dial guard refused the address
	ErrKindUnreachable ErrorKind = "unreachable" // DNS, connection refused or reset, …
	ErrKindTimeout     ErrorKind = "timeout"     // no complete answer within the timeout
	ErrKindTLS         ErrorKind = "tls"         // handshake or certificate failure
	ErrKindRedirect    ErrorKind = "redirect"    // the seller answered 3xx; redirects are not followed
	ErrKindTooLarge    ErrorKind = "too_large"   // the body exceeds the size cap
	ErrKindCanceled    ErrorKind = "canceled"    // the caller's context was canceled
)

// Errors a CallResult's Err may wrap.
var (
	ErrBlockedAddress   = errors.New("protocol: address refused by the dial guard") // ErrKindBlocked
	ErrRedirectRefused  = errors.New("protocol: redirect refused")                  // ErrKindRedirect
	ErrResponseTooLarge = errors.New("protocol: response body too large")           // ErrKindTooLarge
)

// ClientOptions configures a Client; the zero value gives the platform's defaults.
type ClientOptions struct {
	// Timeout bounds a whole call, body included; 0 means DefaultCallTimeout.
	Timeout time.Duration
	// MaxResponseBytes caps the body read; 0 means DefaultMaxResponseBytes.
	MaxResponseBytes int64
	// DialGuard, when set, is asked about every IP address before connecting to it (after
	// DNS resolution, so it cannot be bypassed by a name). See PublicOnly.
	DialGuard func(ip net.IP) error
	// TLSConfig replaces the default TLS settings (system roots); TLS 1.2 is the minimum.
	TLSConfig *tls.Config
	// Now is the clock used for the signature timestamp; nil means time.Now.
	Now func() time.Time
	// UserAgent is sent on every call; empty means "KooGallery-Platform/2".
	UserAgent string
}

// Client calls sellers' production addresses the way the platform does: POST JSON with a
// v2-signed URL, a 5 s timeout, no redirects, no proxy and a capped response size.
// It is safe for concurrent use.
type Client struct {
	http    *http.Client
	maxBody int64
	now     func() time.Time
	agent   string
}

// NewClient returns a Client with the given options.
func NewClient(opts ClientOptions) *Client {
	c := &Client{maxBody: opts.MaxResponseBytes, now: opts.Now, agent: opts.UserAgent}
	if c.maxBody <= 0 {
		c.maxBody = DefaultMaxResponseBytes
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.agent == "" {
		c.agent = "KooGallery-Platform/2"
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultCallTimeout
	}
	dialer := &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}
	if guard := opts.DialGuard; guard != nil {
		dialer.Control = func(_, address string, _ syscall.RawConn) error {
			host, _, _ := net.SplitHostPort(address)
			ip := net.ParseIP(host)
			if err := guard(ip); err != nil {
				return fmt.Errorf("%w: %s: %v", ErrBlockedAddress, host, err)
			}
			return nil
		}
	}
	tlsConfig := &tls.Config{}
	if opts.TLSConfig != nil {
		tlsConfig = opts.TLSConfig.Clone()
	}
	if tlsConfig.MinVersion < tls.VersionTLS12 {
		tlsConfig.MinVersion = tls.VersionTLS12
	}
	c.http = &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			Proxy:               nil, // a proxy would bypass the dial guard
			DialContext:         dialer.DialContext,
			TLSClientConfig:     tlsConfig,
			TLSHandshakeTimeout: timeout,
			ForceAttemptHTTP2:   true,
			MaxIdleConnsPerHost: 4,
			IdleConnTimeout:     90 * time.Second,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return c
}

// CallResult records one call: what was sent, what came back, how long it took and, when
// no usable answer arrived, why (Err and Kind). Status, headers and body are kept even for
// a redirect or an oversized body (truncated to the cap).
type CallResult struct {
	URL           string
	RequestHeader http.Header
	RequestBody   []byte
	Started       time.Time
	StatusCode    int
	Header        http.Header
	Body          []byte
	Latency       time.Duration
	Err           error
	Kind          ErrorKind
}

// Call signs body for address with accessKey, a fresh nonce and the current time, and
// posts it.
func (c *Client) Call(ctx context.Context, address, accessKey string, body []byte) *CallResult {
	signed, err := SignedURL(address, accessKey, body, NewNonce(), Timestamp(c.now()))
	if err != nil {
		return &CallResult{URL: address, RequestBody: body, Started: time.Now(), Err: err, Kind: ErrKindBadAddress}
	}
	return c.Send(ctx, signed, body)
}

// Send posts body to an already signed URL as is (to replay a call, for instance).
func (c *Client) Send(ctx context.Context, signedURL string, body []byte) *CallResult {
	res := &CallResult{URL: signedURL, RequestBody: body, Started: time.Now()}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, signedURL, bytes.NewReader(body))
	if err != nil || (req.URL.Scheme != "http" && req.URL.Scheme != "https") || req.URL.Host == "" {
		res.Err, res.Kind = fmt.Errorf("protocol: bad address %q", signedURL), ErrKindBadAddress
		return res
	}
	req.Header.Set("Content-Type", ContentTypeJSON)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.agent)
	res.RequestHeader = req.Header.Clone()

	resp, err := c.http.Do(req)
	if err != nil {
		res.Latency = time.Since(res.Started)
		res.Err, res.Kind = err, classify(ctx, err)
		return res
	}
	defer resp.Body.Close()
	res.StatusCode, res.Header = resp.StatusCode, resp.Header
	res.Body, err = io.ReadAll(io.LimitReader(resp.Body, c.maxBody+1))
	res.Latency = time.Since(res.Started)
	switch {
	case err != nil:
		res.Err, res.Kind = err, classify(ctx, err)
	case int64(len(res.Body)) > c.maxBody:
		res.Body = res.Body[:c.maxBody]
		res.Err = fmt.Errorf("%w: more than %d bytes", ErrResponseTooLarge, c.maxBody)
		res.Kind = ErrKindTooLarge
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		res.Err = fmt.Errorf("%w: HTTP %d to %q", ErrRedirectRefused, resp.StatusCode, resp.Header.Get("Location"))
		res.Kind = ErrKindRedirect
	}
	return res
}

// classify tells why a request failed.
func classify(ctx context.Context, err error) ErrorKind {
	var netErr net.Error
	var certErr *tls.CertificateVerificationError
	var recErr tls.RecordHeaderError
	var alert tls.AlertError
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	switch {
	case errors.Is(err, ErrBlockedAddress):
		return ErrKindBlocked
	case errors.Is(ctx.Err(), context.Canceled):
		return ErrKindCanceled
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return ErrKindTimeout
	case errors.As(err, &certErr), errors.As(err, &recErr), errors.As(err, &alert),
		errors.As(err, &unknownCA), errors.As(err, &hostErr), errors.As(err, &invalid),
		strings.Contains(err.Error(), "tls: "):
		return ErrKindTLS
	}
	return ErrKindUnreachable
}

// PublicOnly is a DialGuard that refuses addresses a production address must not reach:
// unspecified, loopback, private (RFC 1918, fc00::/7), shared (100.64.0.0/10),
// link-local (which holds the 169.254.169.254 metadata service), multicast and broadcast.
func PublicOnly(ip net.IP) error {
	if ip == nil {
		return errors.New("not an IP address")
	}
	if v4 := ip.To4(); v4 != nil {
		ip = v4
	}
	switch {
	case ip.IsUnspecified():
		return errors.New("unspecified address")
	case ip.IsLoopback():
		return errors.New("loopback address")
	case ip.IsPrivate():
		return errors.New("private address")
	case ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast():
		return errors.New("link-local address (cloud metadata lives here)")
	case ip.IsMulticast(), ip.IsInterfaceLocalMulticast():
		return errors.New("multicast address")
	case len(ip) == net.IPv4len && ip[0] == 0:
		return errors.New(`"this network" address (0.0.0.0/8)`)
	case len(ip) == net.IPv4len && ip[0] == 100 && ip[1]&0xc0 == 64:
		return errors.New("shared address space (100.64.0.0/10, cloud metadata on some clouds)")
	case ip.Equal(net.IPv4bcast):
		return errors.New("broadcast address")
	}
	return nil
}
