package e2e

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"koogallery/apptest"
	"koogallery/i18n"
	"koogallery/models"
)

// Production hygiene over the real app: the demo accounts and open metrics are for dev mode
// only; links built from an odd request path stay on this site.

// TestHygieneDevOnly: the login page names the demo accounts and their password in dev mode,
// never in prod mode, in either language; /metrics is open in dev mode and, without a token
// or a listener of its own, not served in prod mode.
func TestHygieneDevOnly(t *testing.T) {
	for _, prod := range []bool{false, true} {
		srv := apptest.Start(t, apptest.Options{NoSeed: prod})
		c := srv.Client(t)
		metrics, want := c.Get("/metrics"), http.StatusOK
		if prod {
			want = http.StatusNotFound
		}
		if metrics.Status != want {
			t.Errorf("prod %v: GET /metrics %d, want %d", prod, metrics.Status, want)
		}
		for _, lang := range langs {
			res := c.Get("/login?lang=" + lang)
			if res.Status != http.StatusOK {
				t.Fatalf("prod %v: GET /login: %d", prod, res.Status)
			}
			shown := strings.Contains(res.Body, `data-testid="demo-hint"`) || strings.Contains(res.Body, models.DemoPassword) ||
				strings.Contains(res.Body, i18n.T(lang, "auth.demo_hint"))
			if shown == prod {
				t.Errorf("prod %v, %s: demo hint shown %v, want %v", prod, lang, shown, !prod)
			}
		}
	}
}

// TestHygieneLinksStayLocal requests paths a browser would read as another site's if they
// were echoed into a link (the 404 page's language switch is built from the path): every
// href on the answer is a path on this site.
func TestHygieneLinksStayLocal(t *testing.T) {
	srv := apptest.Start(t, apptest.Options{})
	c := srv.Client(t)
	cases := []struct {
		name string
		req  func() *http.Request
	}{
		{"double slash", func() *http.Request { return newReq(t, srv.URL+"//evil.example/x?lang=en") }},
		{"slash backslash, encoded", func() *http.Request { return newReq(t, srv.URL+`/\evil.example`) }},
		{"slash backslash, raw", func() *http.Request {
			r := newReq(t, srv.URL+"/")
			r.URL.Opaque = `/\evil.example`
			return r
		}},
		{"slash tab slash", func() *http.Request { return newReq(t, srv.URL+"/%09/evil.example") }},
		{"logged in, double slash", func() *http.Request { return newReq(t, srv.URL+"//evil.example/console?lang=zh") }},
	}
	for _, tc := range cases {
		if tc.name == "logged in, double slash" {
			c.Login("buyer@demo.test")
		}
		res := c.Do(tc.req())
		if res.Status != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", tc.name, res.Status)
		}
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(res.Body))
		if err != nil {
			t.Fatal(err)
		}
		links := doc.Find("[href]")
		if links.Length() == 0 || doc.Find(`[data-testid="lang-switch"]`).Length() != 1 {
			t.Fatalf("%s: the page has %d links and no language switch", tc.name, links.Length())
		}
		links.Each(func(_ int, s *goquery.Selection) {
			href, _ := s.Attr("href")
			if !isLocalPath(href) {
				t.Errorf("%s: href %q is not a local path", tc.name, href)
			}
		})
	}
}

func newReq(t *testing.T, raw string) *http.Request {
	t.Helper()
	r, err := http.NewRequest(http.MethodGet, raw, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// isLocalPath: a path on this site, as a browser reads it (which drops tabs and newlines and
// takes a backslash for a slash), or a fragment of the same page ("#main").
func isLocalPath(href string) bool {
	if strings.HasPrefix(href, "#") && !strings.ContainsAny(href, "\t\n\r") {
		return true
	}
	if strings.ContainsAny(href, "\t\n\r\\") || !strings.HasPrefix(href, "/") || strings.HasPrefix(href, "//") {
		return false
	}
	u, err := url.Parse(href)
	return err == nil && u.Scheme == "" && u.Host == "" && !strings.HasPrefix(u.Path, "//")
}
