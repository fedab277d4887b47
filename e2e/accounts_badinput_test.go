package e2e

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"koogallery/apptest"
	"koogallery/models/account"
	"koogallery/models/onboarding"
)

// Hostile bytes in every field of the account, onboarding, profile and member forms: invalid
// UTF-8, NUL, markup and huge values. Every answer is a page in the user's language (never a
// 5xx — MariaDB refuses invalid UTF-8 with an error a store must not reach), the markup comes
// back escaped, and nothing is stored.
func TestBadInputAccountForms(t *testing.T) {
	bad := []string{"\xff\xfe", "a\x00b", hostile, strings.Repeat("长", 5000), "  ", "\u200b"}
	for _, d := range apptest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			srv := apptest.Start(t, apptest.Options{Dialect: d})
			anon := srv.Client(t)
			buyer := srv.Client(t)
			buyer.Login("buyer2@demo.test")
			owner := srv.Client(t)
			owner.Login("seller@demo.test")
			admin := srv.Client(t)
			admin.Login("admin@demo.test")
			before := [4]int64{countRows(t, srv, &account.User{}), countRows(t, srv, &onboarding.Application{}), countRows(t, srv, &account.Token{}), countRows(t, srv, &account.MailRoute{})}
			forms := []struct {
				c      *apptest.Client
				path   string
				fields []string
			}{
				{anon, "/signup", []string{"email", "name", "phone", "password", "confirm"}},
				{anon, "/password/forgot", []string{"email"}},
				{anon, "/password/reset", []string{"token", "password", "confirm"}},
				{anon, "/verify", []string{"token"}},
				{anon, "/invite", []string{"token", "name", "phone", "password", "confirm"}},
				{buyer, "/account/profile", []string{"name", "phone", "locale"}},
				{buyer, "/account/password", []string{"current", "password", "confirm"}},
				{owner, "/seller/members/invite", []string{"email", "roles"}},
				{owner, "/seller/profile/support", []string{"email", "phone", "hours"}},
				{owner, "/seller/profile/contact", []string{"name", "phone", "email"}},
				{owner, "/seller/profile/mail", []string{"calls", "refunds", "supervision", "reviews", "settlement", "dial_tests"}},
				{admin, "/admin/admins/invite", []string{"email"}},
			}
			for _, f := range forms {
				for _, v := range bad {
					form := url.Values{}
					for _, k := range f.fields {
						form.Set(k, v)
					}
					for _, lang := range langs {
						res := f.c.PostForm(withLang(f.path, lang), form)
						where := f.path + " with " + strings.ToValidUTF8(v[:min(len(v), 12)], "?") + " (" + lang + ")"
						if res.Status >= 500 || res.Status == http.StatusOK {
							t.Errorf("%s: status %d", where, res.Status)
						}
						assertEscaped(t, where, res)
					}
				}
			}
			// The applications' multipart form: every text field at once, with a licence.
			applicant := srv.Client(t)
			u := newBuyer(t, srv, "hostile@example.com", "对抗")
			loginNew(t, applicant, u.Email)
			for _, v := range bad {
				form := url.Values{}
				for _, k := range []string{"company", "uscc", "contact_name", "contact_phone", "contact_email", "support_email", "support_phone", "support_hours"} {
					form.Set(k, v)
				}
				form.Set("agree", "1")
				res := postMultipart(t, srv, applicant, "/seller/apply?lang=en", form, licence())
				if res.Status != http.StatusUnprocessableEntity {
					t.Errorf("apply with %q: status %d", v[:min(len(v), 12)], res.Status)
				}
				assertEscaped(t, "apply", res)
			}
			after := [4]int64{countRows(t, srv, &account.User{}) - 1, countRows(t, srv, &onboarding.Application{}), countRows(t, srv, &account.Token{}), countRows(t, srv, &account.MailRoute{})}
			if after != before {
				t.Errorf("hostile forms stored something: users, applications, links, routes %v → %v", before, after)
			}
		})
	}
}
