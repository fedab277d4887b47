package e2e

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"koogallery/apptest"
	"koogallery/i18n"
	"koogallery/models/account"
	"koogallery/models/notice"
	"koogallery/models/orders"
	"koogallery/models/sqldb"
	"koogallery/models/supervision"
)

// Company members over HTTP: the owner invites, the invitee joins through the mailed link and
// gets only their role's areas; an existing buyer accepts signed in; one link accepted twice at
// once applies once; the last owner stays; a removed member loses the seller center at the next
// request; an admin invites an admin; operations' decisions are in the audit log.

func TestMembersInviteAndSignUp(t *testing.T) {
	for _, d := range apptest.Dialects {
		t.Run(string(d), func(t *testing.T) { runMembersInviteAndSignUp(t, d) })
	}
}

func runMembersInviteAndSignUp(t *testing.T, d sqldb.Dialect) {
	srv := apptest.Start(t, apptest.Options{Dialect: d})
	owner := srv.Client(t)
	owner.Login("seller@demo.test")

	// Bad input: 422, what was typed kept, a message under each field.
	res := owner.PostForm("/seller/members/invite?lang=en", url.Values{"email": {"not-an-address"}})
	wantStatus(t, "bad invite", res, http.StatusUnprocessableEntity)
	doc := parseHTML(t, res.Body)
	if got := doc.Find("#invite-email").AttrOr("value", ""); got != "not-an-address" {
		t.Errorf("email not kept: %q", got)
	}
	if got := strings.TrimSpace(doc.Find(`[data-testid="email-error"]`).Text()); got != msgIn(t, "en", account.MsgEmailInvalid) {
		t.Errorf("email error %q", got)
	}
	if got := strings.TrimSpace(doc.Find(`[data-testid="invite-roles-error"]`).Text()); got != msgIn(t, "en", account.MsgRolesRequired) {
		t.Errorf("roles error %q", got)
	}
	res = owner.PostForm("/seller/members/invite?lang=zh", url.Values{"email": {"dev@demo.test"}, "roles": {"finance"}})
	wantStatus(t, "invite a member", res, http.StatusUnprocessableEntity)
	if got := strings.TrimSpace(parseHTML(t, res.Body).Find(`[data-testid="email-error"]`).Text()); got != msgIn(t, "zh", account.MsgAlreadyMember) {
		t.Errorf("inviting a member: %q", got)
	}
	if doc := parseHTML(t, res.Body); doc.Find(`[data-testid="invite-role-finance"]`).AttrOr("checked", "none") == "none" {
		t.Error("the chosen role is not kept")
	}

	// The invitation: mailed with its link, listed as open.
	email := "new.finance@example.test"
	wantStatus(t, "invite", owner.PostForm("/seller/members/invite?lang=zh", url.Values{"email": {"New.Finance@example.test"}, "roles": {"finance"}}), http.StatusSeeOther)
	var mail notice.Mail
	noErr(t, srv.App.Store.DB().Where("`to` = ?", email).Order("id DESC").First(&mail).Error)
	if !strings.Contains(mail.Subject, i18n.T(i18n.ZH, "mail.invite_member.subject")) || !strings.Contains(mail.Body, srv.App.Config.BaseURL+"/invite?token=") || !strings.Contains(mail.Body, "云启科技") {
		t.Errorf("invitation mail: %q\n%s", mail.Subject, mail.Body)
	}
	raw := inviteLink(t, srv, email)
	page := parseHTML(t, owner.Get("/seller/members").Body)
	row := page.Find(`[data-testid="invitation-row"][data-email="` + email + `"]`)
	if row.Length() != 1 || !strings.Contains(row.Text(), "财务") || row.Find(`[data-testid="invitation-expires"]`).Length() != 1 {
		t.Fatalf("open invitation not listed: %q", page.Find(`[data-testid="invitations"]`).Text())
	}

	// The invitee opens the link: who invites to what, and the sign-up form.
	invitee := srv.Client(t)
	link := "/invite?token=" + url.QueryEscape(raw)
	res = invitee.Get(link)
	wantStatus(t, "open the link", res, http.StatusOK)
	doc = parseHTML(t, res.Body)
	if doc.Find(`[data-testid="invite-page"]`).AttrOr("data-state", "") != "signup" || !strings.Contains(doc.Find(`[data-testid="invite-what"]`).Text(), "王磊") ||
		doc.Find(`[data-testid="invite-roles"] [data-role="finance"]`).Length() != 1 {
		t.Fatalf("invitation page: %s", doc.Find(`[data-testid="invite-page"]`).Text())
	}
	res = invitee.PostForm("/invite?lang=en", url.Values{"token": {raw}, "name": {"孙悦"}, "password": {newPassword}, "confirm": {newPassword + "x"}, "phone": {"abc"}})
	wantStatus(t, "mismatched passwords", res, http.StatusUnprocessableEntity)
	doc = parseHTML(t, res.Body)
	if got := doc.Find("#invite-name").AttrOr("value", ""); got != "孙悦" {
		t.Errorf("name not kept: %q", got)
	}
	if got := strings.TrimSpace(doc.Find(`[data-testid="confirm-error"]`).Text()); got != msgIn(t, "en", account.MsgPasswordMismatch) {
		t.Errorf("confirm error %q", got)
	}
	if got := strings.TrimSpace(doc.Find(`[data-testid="phone-error"]`).Text()); got != msgIn(t, "en", account.MsgPhoneInvalid) {
		t.Errorf("phone error %q", got)
	}
	if doc.Find("#invite-password").AttrOr("value", "") != "" {
		t.Error("the password is shown again")
	}
	res = invitee.PostForm("/invite?lang=zh", url.Values{"token": {raw}, "name": {"孙悦"}, "password": {newPassword}, "confirm": {newPassword}})
	wantStatus(t, "sign up and join", res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/seller" {
		t.Fatalf("joined, sent to %q", loc)
	}

	// Only the finance area: settlement yes, keys no (saying which role it needs).
	wantStatus(t, "home", invitee.Get("/seller"), http.StatusOK)
	home := parseHTML(t, invitee.Get("/seller").Body)
	if home.Find(`[data-testid="home-card-settlement"]`).Length() != 1 || home.Find(`[data-testid="home-card-tools"]`).Length() != 0 || home.Find(`[data-testid="seller-stats"]`).Length() != 0 {
		t.Errorf("finance home shows other areas")
	}
	nav := home.Find(`[data-testid="sidenav"]`).Text()
	if !strings.Contains(nav, "结算") || strings.Contains(nav, "密钥管理") || strings.Contains(nav, "成员管理") {
		t.Errorf("finance nav: %q", nav)
	}
	wantStatus(t, "settlement", invitee.Get("/seller/settlement"), http.StatusOK)
	res = invitee.Get("/seller/keys")
	wantStatus(t, "keys", res, http.StatusForbidden)
	if got := parseHTML(t, res.Body).Find(`[data-testid="error-text"]`).Text(); !strings.Contains(got, "开发者") {
		t.Errorf("the refusal does not name the role: %q", got)
	}
	wantStatus(t, "members", invitee.Get("/seller/members"), http.StatusForbidden)
	wantStatus(t, "an unknown page", invitee.Get("/seller/no-such-page"), http.StatusNotFound)

	// The owner is told and lists the member; the used link says so.
	var joinedMail int64
	noErr(t, srv.App.Store.DB().Model(&notice.Mail{}).Where("`to` = ? AND subject LIKE ?", "seller@demo.test", "%"+i18n.T(i18n.ZH, "mail.member_joined.subject")).Count(&joinedMail).Error)
	if joinedMail != 1 {
		t.Errorf("%d joined mails to the owner", joinedMail)
	}
	mrow := parseHTML(t, owner.Get("/seller/members").Body).Find(`[data-testid="member-row"][data-email="` + email + `"]`)
	if mrow.Length() != 1 || strings.TrimSpace(mrow.Find(`[data-testid="member-roles"]`).Text()) != "财务" {
		t.Errorf("new member row: %q", mrow.Text())
	}
	res = invitee.Get(link)
	if res.Status != http.StatusOK || parseHTML(t, res.Body).Find(`[data-testid="invite-enter"]`).AttrOr("href", "") != "/seller" {
		t.Errorf("the member's used link: %d", res.Status)
	}
	res = srv.Client(t).Get(link)
	wantStatus(t, "used link", res, http.StatusGone)
	if parseHTML(t, res.Body).Find(`[data-testid="invite-problem"]`).AttrOr("data-kind", "") != "used" {
		t.Error("a used link is not explained")
	}
	wantStatus(t, "invalid link", srv.Client(t).Get("/invite?token=nope"), http.StatusNotFound)
}

// An existing buyer account without orders accepts while signed in; its session takes a new id
// under the new role at the next request. One with orders is told why it cannot join.
func TestMembersExistingBuyerAccepts(t *testing.T) {
	srv := apptest.Start(t, apptest.Options{})
	ctx := context.Background()
	accounts := srv.App.Accounts
	u, err := accounts.CreateUser(ctx, account.NewUser{Email: "ops.new@example.test", Name: "周航", Password: newPassword, Role: account.RoleBuyer, Verified: true})
	noErr(t, err)
	owner := srv.Client(t)
	owner.Login("seller@demo.test")
	wantStatus(t, "invite", owner.PostForm("/seller/members/invite", url.Values{"email": {u.Email}, "roles": {"operations", "developer"}}), http.StatusSeeOther)
	link := "/invite?token=" + url.QueryEscape(inviteLink(t, srv, u.Email))

	// Not signed in: sign in to accept, and back.
	c := srv.Client(t)
	doc := parseHTML(t, c.Get(link).Body)
	signin := doc.Find(`[data-testid="invite-signin"]`).AttrOr("href", "")
	if want := "/login?next=" + url.QueryEscape(link); signin != want {
		t.Fatalf("sign-in link %q, want %q", signin, want)
	}
	res := c.PostForm("/login", url.Values{"email": {u.Email}, "password": {newPassword}, "next": {link}})
	if res.Status != http.StatusSeeOther || res.Header.Get("Location") != link {
		t.Fatalf("login back to the invitation: %d %q", res.Status, res.Header.Get("Location"))
	}
	doc = parseHTML(t, c.Get(link).Body)
	if doc.Find(`[data-testid="invite-page"]`).AttrOr("data-state", "") != "accept" {
		t.Fatalf("signed in as the invitee: state %q", doc.Find(`[data-testid="invite-page"]`).AttrOr("data-state", ""))
	}
	before := openSessions(t, srv, u.ID)
	if len(before) != 1 {
		t.Fatalf("%d sessions before", len(before))
	}
	res = c.PostForm("/invite", url.Values{"token": {inviteLink(t, srv, u.Email)}})
	if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/seller" {
		t.Fatalf("accept: %d %q", res.Status, res.Header.Get("Location"))
	}
	wantStatus(t, "orders", c.Get("/seller/orders"), http.StatusOK)
	wantStatus(t, "keys", c.Get("/seller/keys"), http.StatusOK)
	wantStatus(t, "settlement", c.Get("/seller/settlement"), http.StatusForbidden)
	wantStatus(t, "buyer console", c.Get("/console/services"), http.StatusForbidden)
	after := openSessions(t, srv, u.ID)
	if len(after) != 1 || after[0].ID == before[0].ID || after[0].AuthVersion <= before[0].AuthVersion {
		t.Errorf("the session did not rotate: before %+v, after %+v", before, after)
	}
	var old account.Session
	noErr(t, srv.App.Store.DB().First(&old, before[0].ID).Error)
	if old.EndedAt == nil || old.EndReason != account.EndRotated {
		t.Errorf("the old session: ended %v (%q)", old.EndedAt, old.EndReason)
	}

	// buyer@demo.test has orders: refused with the reason, and still a buyer.
	wantStatus(t, "invite a buyer with orders", owner.PostForm("/seller/members/invite", url.Values{"email": {"buyer@demo.test"}, "roles": {"finance"}}), http.StatusSeeOther)
	raw := inviteLink(t, srv, "buyer@demo.test")
	b := srv.Client(t)
	b.Login("buyer@demo.test")
	doc = parseHTML(t, b.Get("/invite?token="+url.QueryEscape(raw)).Body)
	if doc.Find(`[data-testid="invite-page"]`).AttrOr("data-state", "") != "refused" || !strings.Contains(doc.Find(`[data-testid="invite-refused"]`).Text(), "买家订单") {
		t.Errorf("buyer with orders: %q", doc.Find(`[data-testid="invite-page"]`).Text())
	}
	res = b.PostForm("/invite", url.Values{"token": {raw}})
	if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/invite?token=") {
		t.Errorf("accept with orders: %d %q", res.Status, res.Header.Get("Location"))
	}
	wantStatus(t, "still a buyer", b.Get("/console/orders"), http.StatusOK)
	if got := openInvitationID(t, srv, 1, "buyer@demo.test"); got == 0 {
		t.Error("the refused invitation was used up")
	}

	// Signed in as someone else: told so, and signing out comes back to the invitation.
	doc = parseHTML(t, b.Get(link).Body)
	if doc.Find(`[data-testid="invite-page"]`).AttrOr("data-state", "") != "used" && doc.Find(`[data-testid="invite-problem"]`).Length() != 1 {
		t.Errorf("another account on a used link")
	}
	wantStatus(t, "invite another", owner.PostForm("/seller/members/invite", url.Values{"email": {"someone.else@example.test"}, "roles": {"finance"}}), http.StatusSeeOther)
	other := "/invite?token=" + url.QueryEscape(inviteLink(t, srv, "someone.else@example.test"))
	doc = parseHTML(t, b.Get(other).Body)
	if doc.Find(`[data-testid="invite-other"]`).Length() != 1 {
		t.Fatalf("another account: %q", doc.Find(`[data-testid="invite-page"]`).Text())
	}
	res = b.PostForm("/invite/signout", url.Values{"token": {inviteLink(t, srv, "someone.else@example.test")}})
	if res.Status != http.StatusSeeOther || res.Header.Get("Location") != other {
		t.Fatalf("sign out: %d %q", res.Status, res.Header.Get("Location"))
	}
	if parseHTML(t, b.Get(other).Body).Find(`[data-testid="invite-page"]`).AttrOr("data-state", "") != "signup" {
		t.Error("after signing out the page does not offer to sign up")
	}
	wantStatus(t, "signed out", b.Get("/console/orders"), http.StatusSeeOther)
}

// openSessions are a user's sessions that still work.
func openSessions(t *testing.T, srv *apptest.Server, userID uint) []account.Session {
	t.Helper()
	var out []account.Session
	noErr(t, srv.App.Store.DB().Where("user_id = ? AND ended_at IS NULL", userID).Order("id").Find(&out).Error)
	return out
}

// One link accepted twice at once (a double click, two tabs) applies once, and both answers
// lead into the seller center.
func TestMembersAcceptTwiceConcurrently(t *testing.T) {
	for _, d := range apptest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			srv := apptest.Start(t, apptest.Options{Dialect: d})
			ctx := context.Background()
			owner := srv.Client(t)
			owner.Login("seller@demo.test")

			// Signed in: the same session posts twice.
			u, err := srv.App.Accounts.CreateUser(ctx, account.NewUser{Email: "twice@example.test", Name: "双击", Password: newPassword, Role: account.RoleBuyer, Verified: true})
			noErr(t, err)
			wantStatus(t, "invite", owner.PostForm("/seller/members/invite", url.Values{"email": {u.Email}, "roles": {"developer"}}), http.StatusSeeOther)
			c := srv.Client(t)
			if res := c.PostForm("/login", url.Values{"email": {u.Email}, "password": {newPassword}}); res.Status != http.StatusSeeOther {
				t.Fatalf("login: %d", res.Status)
			}
			form := url.Values{"token": {inviteLink(t, srv, u.Email)}, "_csrf": {c.CSRFToken()}}
			for i, r := range postTwice(t, srv, c, form) {
				if r.status != http.StatusSeeOther || r.location != "/seller" {
					t.Errorf("signed-in acceptance %d: %d %q %.300s", i, r.status, r.location, r.body)
				}
			}
			joinedMails(t, srv, u.Email, 1)

			// Not signed in: the same sign-up form sent twice.
			wantStatus(t, "invite", owner.PostForm("/seller/members/invite", url.Values{"email": {"fresh@example.test"}, "roles": {"finance"}}), http.StatusSeeOther)
			anon := srv.Client(t)
			form = url.Values{"token": {inviteLink(t, srv, "fresh@example.test")}, "name": {"新人"}, "password": {newPassword}, "confirm": {newPassword}, "_csrf": {anon.CSRFToken()}}
			for i, r := range postTwice(t, srv, anon, form) {
				if r.status != http.StatusSeeOther || r.location != "/seller" {
					t.Errorf("sign-up acceptance %d: %d %q %.300s", i, r.status, r.location, r.body)
				}
			}
			var n int64
			noErr(t, srv.App.Store.DB().Model(&account.User{}).Where("email = ?", "fresh@example.test").Count(&n).Error)
			if n != 1 {
				t.Errorf("%d accounts for one invitation", n)
			}
			joinedMails(t, srv, "fresh@example.test", 1)
			wantStatus(t, "the new member's settlement", anon.Get("/seller/settlement"), http.StatusOK)
		})
	}
}

type answer struct {
	status         int
	location, body string
}

// postTwice sends the same form to /invite from two goroutines at once, with c's cookies.
func postTwice(t *testing.T, srv *apptest.Server, c *apptest.Client, form url.Values) []answer {
	t.Helper()
	out := make([]answer, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range out {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/invite", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			<-start
			res, err := c.HTTP.Do(req)
			if err != nil {
				errs[i] = err
				return
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			out[i] = answer{res.StatusCode, res.Header.Get("Location"), string(b)}
		}(i)
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		noErr(t, err)
	}
	return out
}

// joinedMails checks how many "joined" mails about email the owner got.
func joinedMails(t *testing.T, srv *apptest.Server, email string, want int64) {
	t.Helper()
	var n int64
	noErr(t, srv.App.Store.DB().Model(&notice.Mail{}).Where("`to` = ? AND subject LIKE ? AND body LIKE ?", "seller@demo.test",
		"%"+i18n.T(i18n.ZH, "mail.member_joined.subject"), "%"+email+"%").Count(&n).Error)
	if n != want {
		t.Errorf("%d joined mails about %s, want %d", n, email, want)
	}
}

// The last owner can neither be removed nor lose the role; a removed member loses the seller
// center at their next request, and a member given a role gains its area at theirs.
func TestMembersOwnersAndRemoval(t *testing.T) {
	for _, d := range apptest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			srv := apptest.Start(t, apptest.Options{Dialect: d})
			ctx := context.Background()
			owner := srv.Client(t)
			owner.Login("seller@demo.test")
			me, err := srv.App.Accounts.UserByEmail(ctx, "seller@demo.test")
			noErr(t, err)
			devUser, err := srv.App.Accounts.UserByEmail(ctx, "dev@demo.test")
			noErr(t, err)
			opsUser, err := srv.App.Accounts.UserByEmail(ctx, "ops@demo.test")
			noErr(t, err)

			res := owner.PostForm("/seller/members/"+itoa(me.ID)+"/remove", nil)
			wantStatus(t, "remove the last owner", res, http.StatusSeeOther)
			page := owner.Get(res.Header.Get("Location"))
			if !strings.Contains(page.Body, msgIn(t, "zh", "members.err.last_owner_remove")) {
				t.Error("removing the last owner is not explained")
			}
			if parseHTML(t, page.Body).Find(`[data-testid="member-row"][data-email="seller@demo.test"] [data-testid="member-remove-disabled"]`).Length() != 1 {
				t.Error("the last owner's remove action is not disabled")
			}
			res = owner.PostForm("/seller/members/"+itoa(me.ID)+"/roles?lang=en", url.Values{"roles": {"developer"}})
			wantStatus(t, "the last owner drops the role", res, http.StatusUnprocessableEntity)
			doc := parseHTML(t, res.Body)
			if got := strings.TrimSpace(doc.Find(`dialog[open] [data-testid="edit-roles-error"]`).Text()); got != msgIn(t, "en", "members.err.last_owner_roles") {
				t.Errorf("last owner roles error %q", got)
			}
			if doc.Find(`dialog[open] [data-testid="edit-role-developer"]`).AttrOr("checked", "none") == "none" {
				t.Error("the chosen roles are not kept")
			}
			wantStatus(t, "another company's member", owner.PostForm("/seller/members/"+itoa(otherCompanyMember(t, srv))+"/remove", nil), http.StatusNotFound)
			if u, _ := srv.App.Accounts.UserByEmail(ctx, "seller@demo.test"); !u.SellerRoles.Has(account.Owner) {
				t.Fatal("the last owner lost the role")
			}

			// The developer works, is removed, and is out at the next request.
			d := srv.Client(t)
			d.Login("dev@demo.test")
			wantStatus(t, "keys before", d.Get("/seller/keys"), http.StatusOK)
			wantStatus(t, "remove", owner.PostForm("/seller/members/"+itoa(devUser.ID)+"/remove", nil), http.StatusSeeOther)
			wantStatus(t, "keys after", d.Get("/seller/keys"), http.StatusForbidden)
			wantStatus(t, "home after", d.Get("/seller"), http.StatusForbidden)
			wantStatus(t, "a buyer now", d.Get("/console/services"), http.StatusOK)
			var removed int64
			noErr(t, srv.App.Store.DB().Model(&notice.Mail{}).Where("`to` = ? AND subject LIKE ?", "dev@demo.test", "%"+i18n.T(i18n.ZH, "mail.member_removed.subject")).Count(&removed).Error)
			if removed != 1 {
				t.Errorf("%d removal mails", removed)
			}
			if parseHTML(t, owner.Get("/seller/members").Body).Find(`[data-testid="member-row"][data-email="dev@demo.test"]`).Length() != 0 {
				t.Error("the removed member is still listed")
			}

			// Operations gains finance at the next request.
			o := srv.Client(t)
			o.Login("ops@demo.test")
			wantStatus(t, "settlement before", o.Get("/seller/settlement"), http.StatusForbidden)
			wantStatus(t, "roles", owner.PostForm("/seller/members/"+itoa(opsUser.ID)+"/roles", url.Values{"roles": {"operations", "finance"}}), http.StatusSeeOther)
			wantStatus(t, "settlement after", o.Get("/seller/settlement"), http.StatusOK)
			wantStatus(t, "refunds still", o.Get("/seller/refunds"), http.StatusOK)

			// A second owner: then the first may step down and leave.
			wantStatus(t, "a second owner", owner.PostForm("/seller/members/"+itoa(opsUser.ID)+"/roles", url.Values{"roles": {"owner"}}), http.StatusSeeOther)
			res = owner.PostForm("/seller/members/"+itoa(me.ID)+"/remove", nil)
			if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/" {
				t.Fatalf("leaving: %d %q", res.Status, res.Header.Get("Location"))
			}
			wantStatus(t, "left", owner.Get("/seller"), http.StatusForbidden)
			wantStatus(t, "the new owner", o.Get("/seller/members"), http.StatusOK)
		})
	}
}

// otherCompanyMember is seller2@demo.test's id (the owner of seller company 2).
func otherCompanyMember(t *testing.T, srv *apptest.Server) uint {
	t.Helper()
	u, err := srv.App.Accounts.UserByEmail(context.Background(), "seller2@demo.test")
	noErr(t, err)
	return u.ID
}

// An admin invites an admin, who signs up through the link; the audit log shows both steps,
// and a revoked invitation.
func TestAdminInvitesAdmin(t *testing.T) {
	for _, d := range apptest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			srv := apptest.Start(t, apptest.Options{Dialect: d})
			admin := srv.Client(t)
			admin.Login("admin@demo.test")
			res := admin.PostForm("/admin/admins/invite?lang=en", url.Values{"email": {"admin@demo.test"}})
			wantStatus(t, "invite an admin", res, http.StatusUnprocessableEntity)
			doc := parseHTML(t, res.Body)
			if got := strings.TrimSpace(doc.Find(`[data-testid="email-error"]`).Text()); got != msgIn(t, "en", account.MsgAlreadyAdmin) || doc.Find("#invite-email").AttrOr("value", "") != "admin@demo.test" {
				t.Errorf("inviting an admin: %q", got)
			}
			wantStatus(t, "invite", admin.PostForm("/admin/admins/invite", url.Values{"email": {"ops.lead@example.test"}}), http.StatusSeeOther)
			wantStatus(t, "invite another", admin.PostForm("/admin/admins/invite", url.Values{"email": {"not.wanted@example.test"}}), http.StatusSeeOther)
			id := openInvitationID(t, srv, 0, "not.wanted@example.test")
			wantStatus(t, "revoke", admin.PostForm("/admin/admins/invitations/"+itoa(id)+"/revoke", nil), http.StatusSeeOther)
			wantStatus(t, "revoke twice", admin.PostForm("/admin/admins/invitations/"+itoa(id)+"/revoke", nil), http.StatusSeeOther)
			rows := parseHTML(t, admin.Get("/admin/admins").Body).Find(`[data-testid="invitation-row"]`)
			if rows.Length() != 1 || rows.AttrOr("data-email", "") != "ops.lead@example.test" {
				t.Errorf("open admin invitations: %q", rows.Text())
			}

			c := srv.Client(t)
			raw := inviteLink(t, srv, "ops.lead@example.test")
			if st := parseHTML(t, c.Get("/invite?token="+url.QueryEscape(raw)).Body).Find(`[data-testid="invite-page"]`).AttrOr("data-state", ""); st != "signup" {
				t.Fatalf("admin invitation page state %q", st)
			}
			res = c.PostForm("/invite", url.Values{"token": {raw}, "name": {"钱进"}, "password": {newPassword}, "confirm": {newPassword}})
			if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/admin" {
				t.Fatalf("join operations: %d %q", res.Status, res.Header.Get("Location"))
			}
			wantStatus(t, "the new admin", c.Get("/admin/audit"), http.StatusOK)
			if parseHTML(t, admin.Get("/admin/admins").Body).Find(`[data-testid="admin-row"][data-email="ops.lead@example.test"]`).Length() != 1 {
				t.Error("the new admin is not listed")
			}

			for _, lang := range langs {
				doc := parseHTML(t, admin.Get("/admin/audit?type=invitation&lang="+lang).Body)
				got := map[string]string{}
				doc.Find(`[data-testid="audit-row"]`).Each(func(_ int, row *goquery.Selection) {
					got[row.AttrOr("data-action", "")] = strings.TrimSpace(row.Text())
				})
				for action, who := range map[string]string{account.AuditAdminInvited: "运营管理员", account.AuditAdminInviteRevoked: "运营管理员", account.AuditAdminJoined: "钱进"} {
					text, ok := got[action]
					if !ok || !strings.Contains(text, who) || !strings.Contains(text, msgIn(t, lang, "audit.action."+action)) {
						t.Errorf("%s: audit row %s = %q", lang, action, text)
					}
				}
			}
		})
	}
}

// Operations' appeal decisions — asking for information, then deciding — are in the audit log
// with the outcome and the reason.
func TestAppealDecisionsAudited(t *testing.T) {
	for _, d := range apptest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			srv := apptest.Start(t, apptest.Options{Dialect: d})
			f := fixtures{}
			for email, id := range map[string]*uint{"buyer@demo.test": &f.buyerID, "buyer2@demo.test": &f.buyer2ID} {
				var u account.User
				noErr(t, srv.App.Store.DB().Where("email = ?", email).First(&u).Error)
				*id = u.ID
			}
			sf := loadSupervisionFixtures(t, srv, f)
			admin := srv.Client(t)
			admin.Login("admin@demo.test")
			base := "/admin/appeals/" + itoa(sf.appeal.ID)
			wantStatus(t, "ask for information", admin.PostForm(base+"/info", url.Values{"text": {"请双方补充验收记录"}}), http.StatusSeeOther)
			wantStatus(t, "decide", admin.PostForm(base+"/decide", url.Values{"outcome": {"resume"}, "reason": {"证据表明服务已部分交付，继续流程"}}), http.StatusSeeOther)
			wantStatus(t, "decide twice", admin.PostForm(base+"/decide", url.Values{"outcome": {"force_accept"}, "reason": {"again"}}), http.StatusSeeOther)

			var order orders.Order
			noErr(t, srv.App.Store.DB().First(&order, sf.appeal.OrderID).Error)
			var events []account.AuditEvent
			noErr(t, srv.App.Store.DB().Where("target_type = ? AND target_id = ?", supervision.AuditAppeal, sf.appeal.ID).Order("id").Find(&events).Error)
			if len(events) != 2 || events[0].Action != supervision.AuditAppealInfoRequested || events[1].Action != "appeal.resume" ||
				events[1].Reason != "证据表明服务已部分交付，继续流程" || events[1].Detail != order.OrderNo || events[0].Reason != "请双方补充验收记录" {
				t.Fatalf("appeal audit events: %+v", events)
			}
			for _, lang := range langs {
				doc := parseHTML(t, admin.Get("/admin/audit?type=appeal&lang="+lang).Body)
				row := doc.Find(`[data-testid="audit-row"][data-action="appeal.resume"]`)
				if row.Length() != 1 || strings.TrimSpace(row.Find(`[data-testid="audit-action"]`).Text()) != msgIn(t, lang, "audit.action.appeal.resume") ||
					row.Find(`[data-testid="audit-reason"]`).Text() != "证据表明服务已部分交付，继续流程" ||
					row.Find(`[data-testid="audit-target"] a`).AttrOr("href", "") != base {
					t.Errorf("%s: appeal decision row %q", lang, row.Text())
				}
			}
			// By default the log shows operations' decisions only: the buyer's refund request
			// of the demo is there under 买家, not by default.
			def := parseHTML(t, admin.Get("/admin/audit").Body)
			if def.Find(`[data-testid="audit-row"][data-action="requested"]`).Length() != 0 || def.Find(`[data-testid="audit-row"][data-action="appeal.resume"]`).Length() != 1 {
				t.Error("the default filter is not operations' decisions")
			}
			if parseHTML(t, admin.Get("/admin/audit?role=buyer").Body).Find(`[data-testid="audit-row"][data-action="requested"]`).Length() == 0 {
				t.Error("the buyers' filter lacks the demo refund request")
			}
		})
	}
}
