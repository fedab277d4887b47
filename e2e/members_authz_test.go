package e2e

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"koogallery/apptest"
	"koogallery/models"
	"koogallery/models/account"
	"koogallery/models/notice"
)

// The seller center's member roles in the authorization matrix: the three demo members of seller
// company 1 (云启科技) each hold one role. Their expected answers are derived from the policy
// below — written here from the issue, not taken from the handlers' table — so the matrix
// states who may do what: a member allowed a seller-center route gets what the owner (seller)
// gets; a member not allowed it gets 403 before anything is looked up. Everywhere else (public
// pages, the buyer console, operations) a member is a seller-role user and answers like seller.

const (
	dev     actor = "developer"
	ops     actor = "operations"
	finance actor = "finance"
)

// companyMembers are the non-owner members of seller company 1, in the order they run (after
// the owner, so the owner's data is there while they try).
var companyMembers = []actor{dev, ops, finance}

// memberPolicy lists, per member, the seller-center paths (and everything below each) their
// role opens: developers 应用工具, 生产接口消息 and products; operations orders, refunds,
// supervision and their files; finance settlement.
var memberPolicy = map[actor][]string{
	dev:     {"/seller/addresses", "/seller/keys", "/seller/debug", "/seller/notify", "/seller/calls", "/seller/products"},
	ops:     {"/seller/orders", "/seller/refunds", "/seller/supervision", "/seller/attachments"},
	finance: {"/seller/settlement"},
}

// isMember reports whether a is one of company 1's non-owner members.
func isMember(a actor) bool { return len(memberPolicy[a]) > 0 }

// memberAllowed reports whether member a may use the seller-center route: every member the
// home (only /seller itself), in-site messages and the group's not-found catch-all (an unknown
// page is 404, not 403); their role's paths; nothing else — company members and the profile
// are for owners.
func memberAllowed(a actor, route string) bool {
	if !isMember(a) {
		return false
	}
	under := func(p string) bool { return route == p || strings.HasPrefix(route, p+"/") }
	if route == "/seller" || route == "/seller/*" || under("/seller/notices") {
		return true
	}
	for _, p := range memberPolicy[a] {
		if under(p) {
			return true
		}
	}
	return false
}

// inSellerCenter reports whether a route is behind the seller center's role check.
func inSellerCenter(route string) bool {
	switch route {
	case "/seller/apply", "/seller/apply/:id/resubmit", "/seller/agreement":
		return false // onboarding, for accounts that are not sellers yet: outside the seller center
	}
	return route == "/seller" || strings.HasPrefix(route, "/seller/")
}

// withMembers gives every row the members' expected answers (a row that states them keeps
// its own): allowed → the owner's; not allowed → 403; outside the seller center → the owner's.
// A row whose owner request used its object up (consumed) leaves nothing for an allowed member
// after it: 404.
func withMembers(rows []authzRow) []authzRow {
	for i, r := range rows {
		want := make(map[actor]int, len(r.want)+len(companyMembers))
		for a, s := range r.want {
			want[a] = s
		}
		for _, a := range companyMembers {
			if _, set := want[a]; set {
				continue
			}
			switch {
			case !inSellerCenter(r.route):
				want[a] = r.want[seller]
			case !memberAllowed(a, r.route):
				want[a] = http.StatusForbidden
			case r.consumed:
				want[a] = http.StatusNotFound
			default:
				want[a] = r.want[seller]
			}
		}
		rows[i].want = want
	}
	return rows
}

// coOwner reports whether a's answer on a seller-center row may show seller company 1's data
// and change it: the owner, or a member the row's route is allowed to.
func coOwner(a actor, route string) bool {
	return a == seller || (inSellerCenter(route) && memberAllowed(a, route))
}

// membersFixtures are the invitations and the member the 成员管理 and 管理员 rows act on.
type membersFixtures struct {
	memberInvite uint   // an open invitation of seller company 1 (resend, revoke)
	inviteRaw    string // the link of another one, to an address without an account
	adminInvite  uint   // an open operations invitation (revoke)
	member       uint   // a fourth member of company 1 (roles, remove)
}

func loadMembersFixtures(t *testing.T, srv *apptest.Server) membersFixtures {
	t.Helper()
	ctx := context.Background()
	accounts := srv.App.Accounts
	owner, err := accounts.UserByEmail(ctx, "seller@demo.test")
	noErr(t, err)
	adminUser, err := accounts.UserByEmail(ctx, "admin@demo.test")
	noErr(t, err)
	var out membersFixtures
	noErr(t, accounts.InviteMember(ctx, owner, "authz-invitee@example.test", account.NewMemberRoles(account.Finance)))
	out.memberInvite = openInvitationID(t, srv, *owner.SellerID, "authz-invitee@example.test")
	noErr(t, accounts.InviteMember(ctx, owner, "authz-newcomer@example.test", account.NewMemberRoles(account.Developer)))
	out.inviteRaw = inviteLink(t, srv, "authz-newcomer@example.test")
	noErr(t, accounts.InviteAdmin(ctx, adminUser, "authz-admin@example.test"))
	out.adminInvite = openInvitationID(t, srv, 0, "authz-admin@example.test")
	m, err := accounts.CreateUser(ctx, account.NewUser{Email: "authz-member@demo.test", Name: "authz 成员", Password: models.DemoPassword + "-x", Role: account.RoleSeller, Verified: true})
	noErr(t, err)
	noErr(t, srv.App.Store.DB().Model(&account.User{}).Where("id = ?", m.ID).
		Updates(map[string]any{"seller_id": *owner.SellerID, "seller_roles": account.NewMemberRoles(account.Operations)}).Error)
	out.member = m.ID
	return out
}

// openInvitationID is the id of the open invitation to email of a company (0: operations).
func openInvitationID(t *testing.T, srv *apptest.Server, sellerID uint, email string) uint {
	t.Helper()
	list, err := srv.App.Accounts.Invitations(context.Background(), sellerID)
	noErr(t, err)
	for _, inv := range list {
		if inv.Email == email {
			return inv.ID
		}
	}
	t.Fatalf("no open invitation to %s", email)
	return 0
}

var inviteLinkRE = regexp.MustCompile(`/invite\?token=([A-Za-z0-9_%-]+)`)

// inviteLink is the secret of the newest invitation link mailed to email (from the outbox).
func inviteLink(t *testing.T, srv *apptest.Server, email string) string {
	t.Helper()
	var mails []notice.Mail
	noErr(t, srv.App.Store.DB().Where("`to` = ?", email).Order("id DESC").Find(&mails).Error)
	for _, m := range mails {
		if g := inviteLinkRE.FindStringSubmatch(m.Body); g != nil {
			raw, err := url.QueryUnescape(g[1])
			noErr(t, err)
			return raw
		}
	}
	t.Fatalf("no invitation mail to %s", email)
	return ""
}

// membersRows are the rows of 成员管理 (owners only), the invitation page (public: the link is
// the proof) and operations' admins and audit log.
func membersRows() (sellerRows, publicRows, adminRows []authzRow) {
	ok, see, notFound, unproc := http.StatusOK, http.StatusSeeOther, http.StatusNotFound, http.StatusUnprocessableEntity
	empty := func(fixtures) url.Values { return url.Values{} }
	memberSecrets := func(fixtures) []string { return []string{"authz-member@demo.test", "authz-invitee@example.test"} }
	invitePath := func(suffix string) func(fixtures) string {
		return func(f fixtures) string { return "/seller/members/invitations/" + itoa(f.members.memberInvite) + suffix }
	}
	memberPath := func(suffix string) func(fixtures) string {
		return func(f fixtures) string { return "/seller/members/" + itoa(f.members.member) + suffix }
	}
	inviteForm := func(f fixtures) url.Values { return url.Values{"token": {f.members.inviteRaw}} }
	// Signed in as another account, the form leads back to the page that says so.
	loggedIn := everyone(see)
	loggedIn[anon] = unproc
	sellerRows = []authzRow{
		{method: "GET", route: "/seller/members", path: fixed("/seller/members"), want: sellersOnly(ok, ok), secrets: memberSecrets},
		{method: "POST", route: "/seller/members/invite", path: fixed("/seller/members/invite"), form: empty, want: sellersOnly(unproc, unproc)},
		// Sending again replaces the link, so revoking the old one afterwards is stale (a message).
		{method: "POST", route: "/seller/members/invitations/:id/resend", path: invitePath("/resend"), form: empty, want: sellersOnly(see, notFound), secrets: memberSecrets},
		{method: "POST", route: "/seller/members/invitations/:id/revoke", path: invitePath("/revoke"), form: empty, want: sellersOnly(see, notFound), secrets: memberSecrets},
		{method: "POST", route: "/seller/members/:id/roles", name: "no role", path: memberPath("/roles"), form: empty, want: sellersOnly(unproc, notFound), secrets: memberSecrets},
		{method: "POST", route: "/seller/members/:id/roles", path: memberPath("/roles"), form: func(fixtures) url.Values { return url.Values{"roles": {"finance"}} },
			want: sellersOnly(see, notFound), secrets: memberSecrets},
		{method: "POST", route: "/seller/members/:id/remove", path: memberPath("/remove"), form: empty, want: sellersOnly(see, notFound), secrets: memberSecrets},
	}
	publicRows = []authzRow{
		// The link shows whom it invites to anyone holding it; only the invited address accepts.
		{method: "GET", route: "/invite", path: func(f fixtures) string { return "/invite?token=" + url.QueryEscape(f.members.inviteRaw) }, want: everyone(ok)},
		{method: "GET", route: "/invite", name: "invalid link", path: fixed("/invite?token=not-a-link"), want: everyone(notFound)},
		{method: "POST", route: "/invite", path: fixed("/invite"), form: inviteForm, want: loggedIn},
		{method: "POST", route: "/invite", name: "invalid link", path: fixed("/invite"), form: func(fixtures) url.Values { return url.Values{"token": {"not-a-link"}} }, want: everyone(notFound)},
	}
	adminRows = []authzRow{
		{method: "GET", route: "/admin/admins", path: fixed("/admin/admins"), want: adminsOnly(ok)},
		{method: "POST", route: "/admin/admins/invite", path: fixed("/admin/admins/invite"), form: empty, want: adminsOnly(unproc)},
		{method: "POST", route: "/admin/admins/invitations/:id/revoke", path: func(f fixtures) string { return "/admin/admins/invitations/" + itoa(f.members.adminInvite) + "/revoke" },
			form: empty, want: adminsOnly(see)},
		{method: "GET", route: "/admin/audit", path: fixed("/admin/audit"), want: adminsOnly(ok)},
		{method: "GET", route: "/admin/audit", name: "filtered", path: fixed("/admin/audit?role=all&type=product&page=2"), want: adminsOnly(ok)},
	}
	return sellerRows, publicRows, adminRows
}
