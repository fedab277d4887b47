package sellerkit

import (
	"context"
	"net"
	"net/url"
	"strings"

	"koogallery/protocol"
)

// Message keys for address validation.
const (
	MsgAddrEmpty    = "address.err.empty"
	MsgAddrTooLong  = "address.err.too_long"
	MsgAddrParse    = "address.err.parse"
	MsgAddrScheme   = "address.err.scheme"
	MsgAddrPath     = "address.err.path"
	MsgAddrIP       = "address.err.ip"
	MsgAddrPort     = "address.err.port"
	MsgAddrUserinfo = "address.err.userinfo"
	MsgAddrResolve  = "address.err.resolve"
	MsgAddrPrivate  = "address.err.private"
)

// Resolver looks host names up; net.DefaultResolver in production, a stub in tests.
type Resolver interface {
	LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error)
}

// AddressRules says what addresses are acceptable.
type AddressRules struct {
	// AllowLoopback accepts http://127.0.0.1:port and http://localhost:port (dev mode), so the
	// built-in sandbox and a local reference seller can be used.
	AllowLoopback bool
	Resolver      Resolver
}

// NormalizeAddress checks a production address — https, a domain name (not an IP), port 443,
// no path, query or credentials — and returns it as scheme://host. In production the host
// must resolve, and only to public addresses; the dial guard checks again at connect time.
// On failure it returns the message key of the first problem.
func NormalizeAddress(ctx context.Context, raw string, rules AddressRules) (string, string) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", MsgAddrEmpty
	}
	if len(raw) > 200 {
		return "", MsgAddrTooLong
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return "", MsgAddrParse
	}
	if u.User != nil {
		return "", MsgAddrUserinfo
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return "", MsgAddrPath
	}
	host, port := strings.ToLower(u.Hostname()), u.Port()
	loopback := rules.AllowLoopback && (host == "127.0.0.1" || host == "localhost" || host == "::1")
	switch {
	case loopback:
		if u.Scheme != "http" && u.Scheme != "https" {
			return "", MsgAddrScheme
		}
	case u.Scheme != "https":
		return "", MsgAddrScheme
	case net.ParseIP(host) != nil:
		return "", MsgAddrIP
	case port != "" && port != "443":
		return "", MsgAddrPort
	case !validHostname(host):
		return "", MsgAddrParse
	}
	if !loopback && rules.Resolver != nil {
		ips, err := rules.Resolver.LookupIPAddr(ctx, host)
		if err != nil || len(ips) == 0 {
			return "", MsgAddrResolve
		}
		for _, ip := range ips {
			if protocol.PublicOnly(ip.IP) != nil {
				return "", MsgAddrPrivate
			}
		}
	}
	out := u.Scheme + "://" + host
	if port != "" && !(u.Scheme == "https" && port == "443") {
		out += ":" + port
	}
	return out, ""
}

// validHostname accepts dotted DNS names of letters, digits and hyphens.
func validHostname(h string) bool {
	if len(h) > 253 || !strings.Contains(h, ".") {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}

// NormalizePath checks an optional path under the address: it starts with / and holds only
// URL path characters.
func NormalizePath(p string) (string, bool) {
	p = strings.TrimSpace(p)
	if p == "" || p == "/" {
		return "", true
	}
	if len(p) > 200 || p[0] != '/' || strings.Contains(p, "//") || strings.Contains(p, "..") {
		return "", false
	}
	for _, r := range p {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/-_.~", r)) {
			return "", false
		}
	}
	return p, true
}
