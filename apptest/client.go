package apptest

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"koogallery/models"
)

// Client is a cookie-keeping HTTP client that does not follow redirects, so tests see the 303s.
type Client struct {
	t    testing.TB
	base string
	HTTP *http.Client
	// email and password are whom Login last signed in.
	email, password string
}

// Response is a finished request: status, headers and the whole body.
type Response struct {
	Status int
	Header http.Header
	Body   string
}

// Client makes a fresh anonymous client for the server.
func (s *Server) Client(t testing.TB) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{t: t, base: s.URL, HTTP: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// Do sends a request and reads the whole response.
func (c *Client) Do(req *http.Request) Response {
	c.t.Helper()
	res, err := c.HTTP.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return Response{Status: res.StatusCode, Header: res.Header, Body: string(b)}
}

// Get fetches a path.
func (c *Client) Get(path string) Response {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.base+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.Do(req)
}

// CSRFToken is the token the server issued to this client (fetching a page first if needed).
func (c *Client) CSRFToken() string {
	c.t.Helper()
	u, _ := url.Parse(c.base)
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if ck.Name == "_csrf" {
			return ck.Value
		}
	}
	c.Get("/login")
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if ck.Name == "_csrf" {
			return ck.Value
		}
	}
	c.t.Fatal("no CSRF cookie issued")
	return ""
}

// PostForm posts form values with the CSRF token, as a form in a page would.
func (c *Client) PostForm(path string, form url.Values) Response {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if form.Get("_csrf") == "" {
		form.Set("_csrf", c.CSRFToken())
	}
	return c.PostRaw(path, form)
}

// PostRaw posts form values exactly as given (no CSRF token added).
func (c *Client) PostRaw(path string, form url.Values) Response {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.Do(req)
}

// Login logs in with a demo account's email and the demo password, failing the test otherwise.
func (c *Client) Login(email string) { c.t.Helper(); c.LoginWith(email, models.DemoPassword) }

// LoginWith logs in with an email and password, failing the test otherwise.
func (c *Client) LoginWith(email, password string) {
	c.t.Helper()
	c.email, c.password = email, password
	res := c.PostForm("/login", url.Values{"email": {email}, "password": {password}})
	if res.Status != http.StatusSeeOther {
		c.t.Fatalf("login %s: status %d", email, res.Status)
	}
}

// Relogin signs in again as whom Login last signed in: sessions end after two idle hours, and
// tests moving a fake clock past that sign in anew, as a user would.
func (c *Client) Relogin() {
	c.t.Helper()
	c.LoginWith(c.email, c.password)
}

// Cookie is the value of the client's cookie of that name for the server ("" when none).
func (c *Client) Cookie(name string) string {
	u, _ := url.Parse(c.base)
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}
