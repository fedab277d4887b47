// Package views holds the templ components of every page, and the page context they read:
// who is looking, in which language, with which CSRF token and flash messages.
package views

import (
	"context"
	"net/url"
	"strings"
	"time"

	"koogallery/chinatime"
	"koogallery/i18n"
	"koogallery/models/account"
)

// Page is what every component may know about the request it renders for.
type Page struct {
	Locale    string
	CSRF      string
	User      *account.User // nil when anonymous
	Path      string
	Query     url.Values
	Flashes   []Flash
	RequestID string
	// Unread is the user's unread in-site message count shown on the top bar's bell (filled
	// for full pages only).
	Unread int
	// NavCounts are numbers shown next to side-navigation links (what waits in a queue), by
	// link (filled for full pages only).
	NavCounts map[string]int
	// Dev is true when the server runs in dev mode: only then may a page show demo accounts
	// and other hints meant for a developer's machine.
	Dev bool
}

// Flash is a one-time message, already translated.
type Flash struct {
	Kind    string // success, error, info
	Message string
}

type pageKey struct{}

// WithPage stores the page context for the components rendered under ctx.
func WithPage(ctx context.Context, p Page) context.Context {
	return context.WithValue(ctx, pageKey{}, p)
}

// PageOf reads the page context; an empty Page in the default language when none is set.
func PageOf(ctx context.Context) Page {
	if p, ok := ctx.Value(pageKey{}).(Page); ok {
		if p.Locale == "" {
			p.Locale = i18n.Default
		}
		return p
	}
	return Page{Locale: i18n.Default}
}

// T translates key into the page's language.
func T(ctx context.Context, key string, args ...any) string {
	return i18n.T(PageOf(ctx).Locale, key, args...)
}

// LangURL is the current page's URL in another language.
func LangURL(ctx context.Context, lang string) string {
	p := PageOf(ctx)
	q := url.Values{}
	for k, v := range p.Query {
		q[k] = v
	}
	q.Set("lang", lang)
	return LocalPath(p.Path) + "?" + q.Encode()
}

// LocalPath makes a request path safe to link to: always a path on this site, never one a
// browser reads as another site's. A path that does not start with exactly one slash and a
// character other than a slash or backslash ("//evil.example/x", `/\evil.example`, "") has its
// leading slashes and backslashes collapsed into one slash, and what is left is
// percent-encoded, so no backslash or control character (which browsers drop) can turn it
// into a link elsewhere.
func LocalPath(path string) string {
	if len(path) < 2 || path[0] != '/' || path[1] == '/' || path[1] == '\\' {
		path = "/" + strings.TrimLeft(path, `/\`)
	}
	u := url.URL{Path: path}
	return u.EscapedPath()
}

// FormatTime shows a stored UTC time in the user's zone (China Standard Time).
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return chinatime.DateTime(t)
}

// FormatTimePtr is FormatTime for optional times.
func FormatTimePtr(t *time.Time) string {
	if t == nil {
		return "—"
	}
	return FormatTime(*t)
}

// FormatDate shows the date part of an optional time in the user's zone.
func FormatDate(t *time.Time) string {
	if t == nil || t.IsZero() {
		return "—"
	}
	return chinatime.Date(*t)
}

// FormatTimeSec shows a stored UTC time in the user's zone with seconds.
func FormatTimeSec(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return chinatime.Seconds(t)
}

// PageURL is the current page's URL showing list page n, keeping the filters.
func PageURL(ctx context.Context, n int) string {
	p := PageOf(ctx)
	q := url.Values{}
	for k, v := range p.Query {
		if k != "lang" {
			q[k] = v
		}
	}
	q.Set("page", strconvItoa(n))
	return LocalPath(p.Path) + "?" + q.Encode()
}
