package e2e

import (
	"net/http"
	"net/url"
	"testing"

	"koogallery/apptest"
	"koogallery/models/account"
	"koogallery/models/attachment"
	"koogallery/models/onboarding"
)

// onboardingFixtures are the applications the onboarding rows point at (authz_test.go).
type onboardingFixtures struct {
	// join is a stranger's application (none of the actors'), sent back for more information.
	join onboarding.Application
	// change is seller company 1's change of legal name, sent back for more information.
	change onboarding.Application
}

// joinCompany is the stranger's company: nobody but operations sees it.
const joinCompany = "授权矩阵测试有限公司"

func loadOnboardingFixtures(t *testing.T, srv *apptest.Server) onboardingFixtures {
	t.Helper()
	ctx := t.Context()
	var f onboardingFixtures
	u, err := srv.App.Accounts.CreateUser(ctx, account.NewUser{Email: "authz-applicant@example.com", Name: "矩阵", Password: testPassword,
		Role: account.RoleBuyer, Verified: true})
	noErr(t, err)
	lic := func() *attachment.Upload { return &attachment.Upload{Name: "licence.png", Data: testPNG} }
	in := onboarding.Input{CompanyName: joinCompany, USCC: newUSCC(), ContactName: "矩阵", ContactPhone: "138-0000-9999",
		ContactEmail: "authz-applicant@example.com", SupportEmail: "authz-support@example.com", SupportPhone: "400-000-9999",
		SupportHours: "工作日", Agreed: true, License: lic()}
	app, err := srv.App.Onboarding.Submit(ctx, u, in)
	noErr(t, err)
	admin, err := srv.App.Accounts.UserByEmail(ctx, "admin@demo.test")
	noErr(t, err)
	noErr(t, srv.App.Onboarding.RequestInfo(ctx, admin, app.ID, "authz-request-marker"))
	owner, err := srv.App.Accounts.UserByEmail(ctx, "seller@demo.test")
	noErr(t, err)
	ch, err := srv.App.Onboarding.SubmitChange(ctx, owner, "云启矩阵科技有限公司", newUSCC(), lic())
	noErr(t, err)
	noErr(t, srv.App.Onboarding.RequestInfo(ctx, admin, ch.ID, "authz-change-marker"))
	db := srv.App.Store.DB()
	noErr(t, db.First(&f.join, app.ID).Error)
	noErr(t, db.First(&f.change, ch.ID).Error)
	return f
}

// onboardingRows: 入驻 for signed-in accounts that are not sellers (those go to the seller
// center, operations get 403; the demo buyers have orders, so they are told so), the
// merchant profile for each company's owner, operations' review.
func onboardingRows() []authzRow {
	ok, see, notFound, forbidden, refused := http.StatusOK, http.StatusSeeOther, http.StatusNotFound, http.StatusForbidden, http.StatusUnprocessableEntity
	empty := func(fixtures) url.Values { return url.Values{} }
	applyWant := func(buyers int) map[actor]int {
		return map[actor]int{anon: see, buyer: buyers, buyer2: buyers, seller: see, seller2: see, admin: forbidden}
	}
	joinSecrets := func(fixtures) []string { return []string{joinCompany, "authz-request-marker"} }
	changeSecrets := func(fixtures) []string { return []string{"云启矩阵科技有限公司", "authz-change-marker"} }
	adminPath := func(suffix string) func(fixtures) string {
		return func(f fixtures) string { return "/admin/sellers/" + itoa(f.onboarding.join.ID) + suffix }
	}
	return []authzRow{
		{method: "GET", route: "/seller/agreement", path: fixed("/seller/agreement"), want: everyone(ok)},
		{method: "GET", route: "/seller/apply", path: fixed("/seller/apply"), want: applyWant(ok), secrets: joinSecrets},
		{method: "POST", route: "/seller/apply", path: fixed("/seller/apply"), form: empty, want: applyWant(see), secrets: joinSecrets},
		{method: "POST", route: "/seller/apply/:id/resubmit", path: func(f fixtures) string { return "/seller/apply/" + itoa(f.onboarding.join.ID) + "/resubmit" },
			form: empty, want: applyWant(notFound), secrets: joinSecrets},

		{method: "GET", route: "/seller/profile", path: fixed("/seller/profile"), want: sellersOnly(ok, ok), secrets: changeSecrets},
		{method: "POST", route: "/seller/profile/company", path: fixed("/seller/profile/company"), form: empty, want: sellersOnly(refused, refused), secrets: changeSecrets},
		{method: "POST", route: "/seller/profile/company/:id/resubmit", path: func(f fixtures) string {
			return "/seller/profile/company/" + itoa(f.onboarding.change.ID) + "/resubmit"
		},
			form: empty, want: sellersOnly(refused, notFound), secrets: changeSecrets},
		{method: "POST", route: "/seller/profile/contact", path: fixed("/seller/profile/contact"), form: empty, want: sellersOnly(refused, refused)},
		{method: "POST", route: "/seller/profile/support", path: fixed("/seller/profile/support"), form: empty, want: sellersOnly(refused, refused)},
		{method: "POST", route: "/seller/profile/mail", path: fixed("/seller/profile/mail"), form: empty, want: sellersOnly(see, see)},
		// A change's licence is the company owners' (the profile is owner-only): an operations
		// member, who may open seller files, is still not one of its parties.
		{method: "GET", route: "/seller/attachments/:id", name: "a change's licence", path: func(f fixtures) string { return "/seller/attachments/" + itoa(f.onboarding.change.LicenseID) },
			want: func() map[actor]int { m := sellersOnly(ok, notFound); m[ops] = notFound; return m }()},
		{method: "GET", route: "/console/attachments/:id", name: "a stranger's licence", path: func(f fixtures) string { return "/console/attachments/" + itoa(f.onboarding.join.LicenseID) },
			want: buyersOnly(notFound, notFound)},

		// Operations: approving an application that waits for its applicant is stale (303 with
		// a message); rejecting or asking without a text changes nothing (422).
		{method: "GET", route: "/admin/sellers", path: fixed("/admin/sellers?status=needs_info"), want: adminsOnly(ok)},
		{method: "GET", route: "/admin/sellers/:id", path: adminPath(""), want: adminsOnly(ok)},
		{method: "GET", route: "/admin/sellers/:id", name: "dialog", path: adminPath("?decide=reject"), want: adminsOnly(ok)},
		{method: "POST", route: "/admin/sellers/:id/approve", path: adminPath("/approve"), form: empty, want: adminsOnly(see)},
		{method: "POST", route: "/admin/sellers/:id/reject", path: adminPath("/reject"), form: empty, want: adminsOnly(refused)},
		{method: "POST", route: "/admin/sellers/:id/info", path: adminPath("/info"), form: empty, want: adminsOnly(refused)},
		{method: "GET", route: "/admin/attachments/:id", name: "a licence", path: func(f fixtures) string { return "/admin/attachments/" + itoa(f.onboarding.join.LicenseID) },
			want: adminsOnly(ok)},
	}
}
