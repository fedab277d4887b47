package sellerkit

import (
	"context"
	"errors"
	"net"
	"testing"
)

type stubResolver map[string][]string

func (r stubResolver) LookupIPAddr(_ context.Context, host string) ([]net.IPAddr, error) {
	ips, ok := r[host]
	if !ok {
		return nil, errors.New("no such host")
	}
	var out []net.IPAddr
	for _, s := range ips {
		out = append(out, net.IPAddr{IP: net.ParseIP(s)})
	}
	return out, nil
}

func TestNormalizeAddress(t *testing.T) {
	prod := AddressRules{Resolver: stubResolver{"api.example.com": {"93.184.216.34"}, "internal.example.com": {"10.0.0.5"}, "meta.example.com": {"169.254.169.254"}}}
	dev := AddressRules{AllowLoopback: true}
	cases := []struct {
		in    string
		rules AddressRules
		want  string
		msg   string
	}{
		{"https://api.example.com", prod, "https://api.example.com", ""},
		{" https://API.example.com/ ", prod, "https://api.example.com", ""},
		{"https://api.example.com:443", prod, "https://api.example.com", ""},
		{"", prod, "", MsgAddrEmpty},
		{"http://api.example.com", prod, "", MsgAddrScheme},
		{"https://api.example.com/produce", prod, "", MsgAddrPath},
		{"https://api.example.com?x=1", prod, "", MsgAddrPath},
		{"https://93.184.216.34", prod, "", MsgAddrIP},
		{"https://[::1]", prod, "", MsgAddrIP},
		{"https://api.example.com:8443", prod, "", MsgAddrPort},
		{"https://user:pw@api.example.com", prod, "", MsgAddrUserinfo},
		{"https://internal.example.com", prod, "", MsgAddrPrivate},
		{"https://meta.example.com", prod, "", MsgAddrPrivate},
		{"https://nowhere.example.com", prod, "", MsgAddrResolve},
		{"http://127.0.0.1:9090", prod, "", MsgAddrScheme},
		{"http://127.0.0.1:9090", dev, "http://127.0.0.1:9090", ""},
		{"http://localhost:8090", dev, "http://localhost:8090", ""},
		{"javascript:alert(1)", prod, "", MsgAddrParse},
		{"https://<script>.com", prod, "", MsgAddrParse},
		{"https://exa mple.com", prod, "", MsgAddrParse},
		{"https://" + string(make([]byte, 250)), prod, "", MsgAddrTooLong},
	}
	for _, c := range cases {
		got, msg := NormalizeAddress(context.Background(), c.in, c.rules)
		if got != c.want || msg != c.msg {
			t.Errorf("NormalizeAddress(%q) = %q, %q; want %q, %q", c.in, got, msg, c.want, c.msg)
		}
	}
}

func TestNormalizePath(t *testing.T) {
	for in, want := range map[string]string{"": "", "/": "", "/produce": "/produce", "/a/b-c_d.e~": "/a/b-c_d.e~"} {
		if got, ok := NormalizePath(in); !ok || got != want {
			t.Errorf("NormalizePath(%q) = %q, %v", in, got, ok)
		}
	}
	for _, bad := range []string{"produce", "/a//b", "/../etc", "/a?b", "/a b", "/<x>"} {
		if _, ok := NormalizePath(bad); ok {
			t.Errorf("NormalizePath(%q) accepted", bad)
		}
	}
}
