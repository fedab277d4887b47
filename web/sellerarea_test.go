package web

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/labstack/echo/v4"

	"koogallery/i18n"
	"koogallery/models/account"
)

// testAreas is a small seller-center table: the root for every member, one area per role,
// the catch-all open, and /seller/members unlisted.
var testAreas = []SellerArea{
	{Prefix: "/seller", Exact: true},
	{Prefix: "/seller/*"},
	{Prefix: "/seller/keys", Role: account.Developer},
	{Prefix: "/seller/debug", Role: account.Developer},
	{Prefix: "/seller/debug/cases/special", Role: account.Finance},
	{Prefix: "/seller/settlement", Role: account.Finance},
}

func TestSellerAreaRole(t *testing.T) {
	cases := map[string]account.MemberRole{
		"/seller":                          "",
		"/seller/*":                        "",
		"/seller/keys":                     account.Developer,
		"/seller/keys/:id/delete":          account.Developer,
		"/seller/keysmith":                 account.Owner, // a prefix is a path, not a string prefix
		"/seller/debug/cases/:id":          account.Developer,
		"/seller/debug/cases/special":      account.Finance, // the longest prefix decides
		"/seller/debug/cases/special/:id":  account.Finance,
		"/seller/settlement/statements/:m": account.Finance,
		"/seller/members":                  account.Owner, // unlisted: owners only
		"/seller/members/:id/remove":       account.Owner, // the root is Exact: nothing below it opens
		"/seller/profile":                  account.Owner,
	}
	for pattern, want := range cases {
		if got := SellerAreaRole(testAreas, pattern); got != want {
			t.Errorf("SellerAreaRole(%q) = %q, want %q", pattern, got, want)
		}
	}
}

func TestRequireSellerArea(t *testing.T) {
	company := uint(1)
	member := func(roles ...account.MemberRole) *account.User {
		return &account.User{ID: 9, Role: account.RoleSeller, SellerID: &company, SellerRoles: account.NewMemberRoles(roles...)}
	}
	e := echo.New()
	ok := func(c echo.Context) error { return c.NoContent(http.StatusNoContent) }
	check := func(u *account.User, pattern, lang string) error {
		c := e.NewContext(httptest.NewRequest(http.MethodGet, "/x", nil), httptest.NewRecorder())
		c.SetPath(pattern)
		c.Set(ctxUser, u)
		c.Set(ctxLocale, lang)
		return RequireSellerArea(testAreas)(ok)(c)
	}
	if err := check(member(account.Finance), "/seller/settlement", i18n.ZH); err != nil {
		t.Errorf("finance on settlement: %v", err)
	}
	if err := check(member(account.Owner), "/seller/keys", i18n.ZH); err != nil {
		t.Errorf("owner on keys: %v", err)
	}
	if err := check(member(account.Finance), "/seller/*", i18n.ZH); err != nil {
		t.Errorf("finance on an unknown page (the catch-all): %v", err)
	}
	var r *Refusal
	err := check(member(account.Finance), "/seller/keys/:id/reveal", i18n.EN)
	if !errors.As(err, &r) || statusOf(err) != http.StatusForbidden || r.Key != "members.denied.role" || len(r.Args) != 1 || r.Args[0] != i18n.T(i18n.EN, "member.role.developer") {
		t.Errorf("finance on keys: %#v (status %d)", err, statusOf(err))
	}
	err = check(member(account.Developer, account.Operations, account.Finance), "/seller/members", i18n.ZH)
	if !errors.As(err, &r) || r.Key != "members.denied.owner" {
		t.Errorf("a member with every role but owner on members: %#v", err)
	}
}

// A refusal's page says why, in the page's language, and is a friendly 403.
func TestRefusalPage(t *testing.T) {
	e, _ := testServer(t)
	e.GET("/t/refusal", func(echo.Context) error {
		return &Refusal{Key: "members.denied.role", Args: []any{"财务"}}
	})
	for _, lang := range []string{i18n.ZH, i18n.EN} {
		rec := serve(e, httptest.NewRequest(http.MethodGet, "/t/refusal?lang="+lang, nil))
		if rec.Code != http.StatusForbidden {
			t.Fatalf("%s: status %d", lang, rec.Code)
		}
		doc, err := goquery.NewDocumentFromReader(rec.Body)
		if err != nil {
			t.Fatal(err)
		}
		page := doc.Find(`[data-testid="error-page"]`)
		if page.AttrOr("data-status", "") != "403" || strings.TrimSpace(page.Find("h1").Text()) != i18n.T(lang, "error.Forbidden.title") {
			t.Errorf("%s: not the friendly 403 page", lang)
		}
		if got, want := strings.TrimSpace(page.Find(`[data-testid="error-text"]`).Text()), i18n.T(lang, "members.denied.role", "财务"); got != want {
			t.Errorf("%s: text %q, want %q", lang, got, want)
		}
	}
}
