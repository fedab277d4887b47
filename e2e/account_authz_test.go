package e2e

import (
	"net/http"
	"net/url"
	"testing"

	"koogallery/apptest"
)

// loadSessionFixture signs buyer@demo.test in once more (another browser), so the matrix can
// try to sign that browser out as everyone.
func loadSessionFixture(t *testing.T, srv *apptest.Server, f fixtures) uint {
	t.Helper()
	u, err := srv.App.Accounts.UserByID(t.Context(), f.buyerID)
	noErr(t, err)
	_, err = srv.App.Accounts.StartSession(t.Context(), u, "192.0.2.44", "authz-other-browser")
	noErr(t, err)
	sessions, err := srv.App.Accounts.ActiveSessions(t.Context(), f.buyerID)
	noErr(t, err)
	for _, s := range sessions {
		if s.UserAgent == "authz-other-browser" {
			return s.ID
		}
	}
	t.Fatal("the fixture session is not active")
	return 0
}

// accountRows are the sign-up, verification, password and account-settings routes. Links
// without a token are 404 for everyone; every signed-in actor has an account page.
func accountRows() []authzRow {
	ok, see, notFound, unproc := http.StatusOK, http.StatusSeeOther, http.StatusNotFound, http.StatusUnprocessableEntity
	empty := func(fixtures) url.Values { return url.Values{} }
	signedIn := func(status int) map[actor]int {
		m := everyone(status)
		m[anon] = see
		return m
	}
	anonOnly := func(status int) map[actor]int {
		m := everyone(see)
		m[anon] = status
		return m
	}
	return []authzRow{
		{method: "GET", route: "/signup", path: fixed("/signup"), want: anonOnly(ok)},
		{method: "POST", route: "/signup", name: "empty form", path: fixed("/signup"), form: empty, want: anonOnly(unproc)},
		{method: "GET", route: "/signup/sent", path: fixed("/signup/sent"), want: everyone(ok)},
		{method: "GET", route: "/verify", name: "no token", path: fixed("/verify"), want: everyone(notFound)},
		{method: "POST", route: "/verify", name: "no token", path: fixed("/verify"), form: empty, want: everyone(notFound)},
		{method: "GET", route: "/password/forgot", path: fixed("/password/forgot"), want: everyone(ok)},
		{method: "POST", route: "/password/forgot", name: "empty form", path: fixed("/password/forgot"), form: empty, want: everyone(unproc)},
		{method: "GET", route: "/password/forgot/sent", path: fixed("/password/forgot/sent"), want: everyone(ok)},
		{method: "GET", route: "/password/reset", name: "no token", path: fixed("/password/reset"), want: everyone(notFound)},
		{method: "POST", route: "/password/reset", name: "no token", path: fixed("/password/reset"), form: empty, want: everyone(notFound)},
		{method: "GET", route: "/account", path: fixed("/account"), want: signedIn(ok)},
		{method: "POST", route: "/account/profile", name: "empty form", path: fixed("/account/profile"), form: empty, want: signedIn(unproc)},
		{method: "POST", route: "/account/password", name: "empty form", path: fixed("/account/password"), form: empty, want: signedIn(unproc)},
		// The demo accounts are verified: nothing to send, told so.
		{method: "POST", route: "/account/verify/resend", path: fixed("/account/verify/resend"), form: empty, want: signedIn(see)},
		// buyer@demo.test's other browser: only its owner signs it out.
		{method: "POST", route: "/account/sessions/:id/end", path: func(f fixtures) string { return "/account/sessions/" + itoa(f.buyerSession) + "/end" },
			form: empty, want: func() map[actor]int { m := signedIn(notFound); m[buyer] = see; return m }(),
			secrets: func(fixtures) []string { return []string{"192.0.2.44", "authz-other-browser"} }},
		// Then each actor has one browser: no others to sign out.
		{method: "POST", route: "/account/sessions/end-others", path: fixed("/account/sessions/end-others"), form: empty, want: signedIn(see)},
		{method: routeNotFound, route: "/account", path: fixed("/account"), want: signedIn(ok)},
		{method: routeNotFound, route: "/account/*", path: fixed("/account/no-such-page"), want: signedIn(notFound)},
	}
}
