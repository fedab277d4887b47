package views

import (
	"context"
	"net/url"
	"strings"
	"testing"
)

func TestLocalPath(t *testing.T) {
	cases := map[string]string{
		"":                       "/",
		"/":                      "/",
		"/console/services":      "/console/services",
		"/console/services/12":   "/console/services/12",
		"/products/1/":           "/products/1/",
		"//evil.example/x":       "/evil.example/x",
		"///evil.example":        "/evil.example",
		`/\evil.example`:         "/evil.example",
		`\\evil.example`:         "/evil.example",
		`/\/\evil.example/a`:     "/evil.example/a",
		"//":                     "/",
		`\`:                      "/",
		"evil.example":           "/evil.example",
		"/a\\b":                  "/a%5Cb",
		"/\t/evil.example":       "/%09/evil.example",
		"/\n//evil.example":      "/%0A//evil.example",
		"/a b/商品":                "/a%20b/%E5%95%86%E5%93%81",
		"/a?b#c":                 "/a%3Fb%23c",
		"/100%":                  "/100%25",
		"/x/javascript:alert(1)": "/x/javascript:alert%281%29",
	}
	for in, want := range cases {
		if got := LocalPath(in); got != want {
			t.Errorf("LocalPath(%q) = %q, want %q", in, got, want)
		}
	}
}

// The links built from the request path stay on this site whatever the path.
func TestLinksFromPathStayLocal(t *testing.T) {
	for _, path := range []string{"//evil.example/x", `/\evil.example`, `\/evil.example`, "/\t/evil.example", "", "/console/orders"} {
		ctx := WithPage(context.Background(), Page{Path: path, Query: url.Values{"status": {"open"}}})
		for name, link := range map[string]string{"LangURL": LangURL(ctx, "en"), "PageURL": PageURL(ctx, 2)} {
			u, err := url.Parse(link)
			if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(link, "/") || strings.HasPrefix(link, "//") ||
				strings.ContainsAny(link, "\\\t\n\r") {
				t.Errorf("%s for path %q = %q: not a local path", name, path, link)
			}
		}
	}
	ctx := WithPage(context.Background(), Page{Path: "//evil.example/x", Query: url.Values{"status": {"open"}}})
	if got, want := LangURL(ctx, "en"), "/evil.example/x?lang=en&status=open"; got != want {
		t.Errorf("LangURL = %q, want %q", got, want)
	}
	if got, want := PageURL(ctx, 2), "/evil.example/x?page=2&status=open"; got != want {
		t.Errorf("PageURL = %q, want %q", got, want)
	}
}
