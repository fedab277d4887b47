package account_test

import (
	"fmt"
	"testing"
	"time"

	"koogallery/models/account"
	"koogallery/models/dbtest"
	"koogallery/models/sqldb"
)

var (
	dev     = account.NewMemberRoles(account.Developer)
	finance = account.NewMemberRoles(account.Finance)
	ops     = account.NewMemberRoles(account.Operations)
)

// invite has the owner invite an address and returns the mailed link's secret.
func (e *env) invite(owner *account.User, email string, roles account.MemberRoles) string {
	e.t.Helper()
	must(e.t, e.s.InviteMember(ctx, owner, email, roles))
	return e.linkToken(account.NormalizeEmail(email), "invite_member", "/invite")
}

func (e *env) buyer(email string) *account.User {
	e.t.Helper()
	return e.user(dbtest.User(e.t, e.db, email, account.RoleBuyer, 0).ID)
}

// owners counts a company's owners.
func (e *env) owners(c *account.Seller) int64 {
	e.t.Helper()
	return e.count(&account.User{}, "seller_id = ? AND role = ? AND seller_roles LIKE ?", c.ID, account.RoleSeller, "owner%")
}

func testInviteMember(e *env) {
	c := e.company("Acme")
	o := e.owner("owner@acme.test", c)
	fieldErr(e.t, e.s.InviteMember(ctx, o, "bad", dev), "email", account.MsgEmailInvalid, "a bad address")
	fieldErr(e.t, e.s.InviteMember(ctx, o, "x@invite.test", ""), "roles", account.MsgRolesRequired, "no roles")
	fieldErr(e.t, e.s.InviteMember(ctx, o, " OWNER@acme.test", dev), "email", account.MsgAlreadyMember, "a member")
	first := e.invite(o, "Dev@Invite.test", dev)
	tok, err := e.s.Invitation(ctx, first)
	must(e.t, err)
	if tok.Email != "dev@invite.test" || tok.Roles != dev || tok.SellerID == nil || *tok.SellerID != c.ID || tok.Seller == nil ||
		tok.Seller.Name != "Acme" || tok.CreatedBy == nil || tok.CreatedBy.ID != o.ID || !tok.ExpiresAt.Equal(e.db.Now().Add(account.InviteValid)) {
		e.t.Fatalf("invitation %+v", tok)
	}
	second := e.invite(o, "dev@invite.test", finance)
	_, err = e.s.Invitation(ctx, first)
	wantErr(e.t, err, account.ErrTokenUsed, "the invitation replaced by a newer one")
	list, err := e.s.Invitations(ctx, c.ID)
	must(e.t, err)
	if len(list) != 1 || list[0].Roles != finance || list[0].CreatedBy == nil {
		e.t.Fatalf("open invitations %+v", list)
	}
	// Another company's invitation of the same address leaves this one alone.
	c2 := e.company("Beta")
	e.invite(e.owner("owner@beta.test", c2), "dev@invite.test", ops)
	_, err = e.s.Invitation(ctx, second)
	must(e.t, err)
	if l, _ := e.s.Invitations(ctx, c2.ID); len(l) != 1 {
		e.t.Fatalf("%d invitations of the other company", len(l))
	}
	wantErr(e.t, e.s.InviteMember(ctx, e.buyer("nocompany@invite.test"), "x@invite.test", dev), sqldb.ErrNotFound, "an inviter without a company")

	// A link works for 7 days; an expired invitation stays listed, to be sent again.
	late := e.invite(o, "late@invite.test", dev)
	e.clock.Advance(account.InviteValid)
	_, err = e.s.AcceptInvitation(ctx, late, nil, account.NewUser{Name: "late", Password: "late-pass-2026-x"})
	wantErr(e.t, err, account.ErrTokenExpired, "an invitation after 7 days")
	if n := e.count(&account.User{}, "email = ?", "late@invite.test"); n != 0 {
		e.t.Fatal("an expired invitation made an account")
	}
	if l, _ := e.s.Invitations(ctx, c.ID); len(l) != 2 {
		e.t.Fatalf("%d open invitations, want the expired one listed too", len(l))
	}
}

func testAcceptBySignup(e *env) {
	c := e.company("Gamma")
	o := e.owner("owner@gamma.test", c)
	raw := e.invite(o, "new@invite.test", account.NewMemberRoles(account.Developer, account.Finance))
	_, err := e.s.AcceptInvitation(ctx, raw, nil, account.NewUser{Name: "新成员", Password: "short"})
	fieldErr(e.t, err, "password", account.MsgPasswordShort, "signing up with a short password")
	_, err = e.s.Invitation(ctx, raw)
	must(e.t, err) // the refused form did not use the link
	joined, err := e.s.AcceptInvitation(ctx, raw, nil, account.NewUser{Email: "ignored@invite.test", Name: "新成员", Password: "member-pass-2026"})
	must(e.t, err)
	if joined.Email != "new@invite.test" || joined.Role != account.RoleSeller || joined.SellerID == nil || *joined.SellerID != c.ID ||
		joined.SellerRoles != "developer,finance" || !joined.Verified() {
		e.t.Fatalf("joined %+v", joined)
	}
	if u := e.user(joined.ID); u.Role != account.RoleSeller || u.SellerRoles != joined.SellerRoles || !u.Verified() {
		e.t.Fatalf("stored %+v", u)
	}
	if n := e.count(&account.User{}, "email = ?", "ignored@invite.test"); n != 0 {
		e.t.Fatal("the typed address made an account")
	}
	_, err = e.s.Authenticate(ctx, "new@invite.test", "member-pass-2026", "100.66.1.1")
	must(e.t, err)
	if n := len(e.mailsOf(o.Email, "member_joined")); n != 1 {
		e.t.Fatalf("%d mails to the owner", n)
	}
	_, err = e.s.AcceptInvitation(ctx, raw, nil, account.NewUser{Name: "again", Password: "member-pass-2026"})
	wantErr(e.t, err, account.ErrTokenUsed, "the link again")
	if l, _ := e.s.Invitations(ctx, c.ID); len(l) != 0 {
		e.t.Fatalf("%d open invitations after acceptance", len(l))
	}
	if m, _ := e.s.Members(ctx, c.ID); len(m) != 2 || m[0].ID != o.ID || m[1].ID != joined.ID {
		e.t.Fatalf("members %+v", m)
	}
}

func testAcceptSignedIn(e *env) {
	c := e.company("Delta")
	o := e.owner("owner@delta.test", c)
	b := e.buyer("buyer@invite.test")
	must(e.t, e.db.Gorm().Model(b).Update("email_verified_at", nil).Error)
	b = e.user(b.ID)
	tok, _ := e.login(e.s, b)
	raw := e.invite(o, b.Email, ops)
	_, err := e.s.AcceptInvitation(ctx, raw, e.buyer("stranger@invite.test"), account.NewUser{})
	wantErr(e.t, err, account.ErrNotEligible, "another account accepting")
	_, err = e.s.Invitation(ctx, raw)
	must(e.t, err)
	joined, err := e.s.AcceptInvitation(ctx, raw, b, account.NewUser{})
	must(e.t, err)
	if joined.ID != b.ID || joined.Role != account.RoleSeller || joined.SellerID == nil || *joined.SellerID != c.ID ||
		joined.SellerRoles != ops || joined.AuthVersion != b.AuthVersion+1 || !joined.Verified() {
		e.t.Fatalf("joined %+v (was %+v)", joined, b)
	}
	r, err := e.s.Resume(ctx, tok)
	must(e.t, err)
	if r.NewToken == "" || r.User.Role != account.RoleSeller || !r.User.Can(account.Operations) || r.User.Can(account.Finance) {
		e.t.Fatalf("the session after joining: new id %v, %+v", r.NewToken != "", r.User)
	}
	if n := len(e.mailsOf(o.Email, "member_joined")); n != 1 {
		e.t.Fatalf("%d mails to the owner", n)
	}
}

// Only a plain buyer account of the invited address may accept.
func testAcceptNotEligible(e *env) {
	c := e.company("Epsilon")
	o := e.owner("owner@epsilon.test", c)
	admin := e.user(dbtest.User(e.t, e.db, "admin@invite.test", account.RoleAdmin, 0).ID)
	elsewhere := e.member("member@invite.test", e.company("Zeta"), account.Developer)
	for _, u := range []*account.User{admin, elsewhere} {
		raw := e.invite(o, u.Email, dev)
		_, err := e.s.AcceptInvitation(ctx, raw, u, account.NewUser{})
		wantErr(e.t, err, account.ErrNotEligible, u.Email+" accepting")
		_, err = e.s.Invitation(ctx, raw)
		must(e.t, err)
		if after := e.user(u.ID); after.Role != u.Role || after.AuthVersion != u.AuthVersion ||
			(u.SellerID != nil && *after.SellerID != *u.SellerID) {
			e.t.Fatalf("%s changed: %+v", u.Email, after)
		}
	}
}

// One link accepted twice at once (two sign-ups, or two tabs of a signed-in buyer) joins once.
func testAcceptRace(e *env) {
	c := e.company("Eta")
	o := e.owner("owner@eta.test", c)
	raw := e.invite(o, "race@invite.test", dev)
	errs := concurrently(2, func(i int) error {
		_, err := e.s.AcceptInvitation(ctx, raw, nil, account.NewUser{Name: fmt.Sprintf("racer %d", i), Password: "race-pass-2026-x"})
		return err
	})
	if got := tally(errs, account.ErrTokenUsed); got["ok"] != 1 || got[account.ErrTokenUsed.Error()] != 1 {
		e.t.Fatalf("two sign-ups with one invitation: %v", got)
	}
	b := e.buyer("tabs@invite.test")
	raw = e.invite(o, b.Email, finance)
	errs = concurrently(2, func(int) error {
		_, err := e.s.AcceptInvitation(ctx, raw, b, account.NewUser{})
		return err
	})
	if got := tally(errs, account.ErrTokenUsed); got["ok"] != 1 || got[account.ErrTokenUsed.Error()] != 1 {
		e.t.Fatalf("two tabs accepting one invitation: %v", got)
	}
	if u := e.user(b.ID); u.AuthVersion != b.AuthVersion+1 || u.SellerRoles != finance {
		e.t.Fatalf("after two acceptances: %+v", u)
	}
	if n := len(e.mailsOf(o.Email, "member_joined")); n != 2 {
		e.t.Fatalf("%d mails to the owner for two joins", n)
	}
}

// An invited address that has an account must sign in to accept; the link keeps working.
func testAcceptAccountExists(e *env) {
	c := e.company("Theta")
	o := e.owner("owner@theta.test", c)
	existing := e.buyer("taken@invite.test")
	raw := e.invite(o, existing.Email, dev)
	_, err := e.s.AcceptInvitation(ctx, raw, nil, account.NewUser{Name: "someone", Password: "taken-pass-2026-x"})
	wantErr(e.t, err, account.ErrAccountExists, "signing up for an address with an account")
	_, err = e.s.Invitation(ctx, raw)
	must(e.t, err)
	_, err = e.s.Authenticate(ctx, existing.Email, dbtest.Password, "100.66.2.1")
	must(e.t, err) // its password is untouched
	joined, err := e.s.AcceptInvitation(ctx, raw, existing, account.NewUser{})
	must(e.t, err)
	if joined.Role != account.RoleSeller || *joined.SellerID != c.ID {
		e.t.Fatalf("joined %+v", joined)
	}
}

func testRevokeInvitation(e *env) {
	c := e.company("Iota")
	o := e.owner("owner@iota.test", c)
	c2 := e.company("Kappa")
	o2 := e.owner("owner@kappa.test", c2)
	raw := e.invite(o, "revoke@invite.test", dev)
	tok, err := e.s.Invitation(ctx, raw)
	must(e.t, err)
	wantErr(e.t, e.s.RevokeInvitation(ctx, o2.ID, c2.ID, tok.ID), sqldb.ErrNotFound, "another company revoking")
	wantErr(e.t, e.s.RevokeInvitation(ctx, o.ID, 0, tok.ID), sqldb.ErrNotFound, "revoking a member invitation as operations")
	must(e.t, e.s.RevokeInvitation(ctx, o.ID, c.ID, tok.ID))
	_, err = e.s.Invitation(ctx, raw)
	wantErr(e.t, err, account.ErrTokenUsed, "a revoked invitation")
	_, err = e.s.AcceptInvitation(ctx, raw, nil, account.NewUser{Name: "late", Password: "revoked-pass-2026"})
	wantErr(e.t, err, account.ErrTokenUsed, "accepting a revoked invitation")
	wantErr(e.t, e.s.RevokeInvitation(ctx, o.ID, c.ID, tok.ID), sqldb.ErrStale, "revoking twice")
	if l, _ := e.s.Invitations(ctx, c.ID); len(l) != 0 {
		e.t.Fatalf("%d open invitations", len(l))
	}
}

// A company sends at most 20 invitations an hour.
func testInviteThrottle(e *env) {
	c := e.company("Lambda")
	o := e.owner("owner@lambda.test", c)
	for i := range 20 {
		must(e.t, e.s.InviteMember(ctx, o, fmt.Sprintf("t%d@invite.test", i), dev))
		e.clock.Advance(time.Minute)
	}
	err := e.s.InviteMember(ctx, o, "t20@invite.test", dev)
	wantErr(e.t, err, account.ErrThrottled, "the 21st invitation within the hour")
	if w := account.WaitOf(err); w != 40*time.Minute {
		e.t.Fatalf("wait %v, want 40m", w)
	}
	if n := len(e.mails("t20@invite.test")); n != 0 {
		e.t.Fatal("the throttled invitation was mailed")
	}
	must(e.t, e.s.InviteMember(ctx, e.owner("owner@mu.test", e.company("Mu")), "t20@invite.test", dev))
	e.clock.Advance(40 * time.Minute)
	must(e.t, e.s.InviteMember(ctx, o, "t20@invite.test", dev))
}

func testInviteAdmin(e *env) {
	root := e.user(dbtest.User(e.t, e.db, "root@ops.test", account.RoleAdmin, 0).ID)
	fieldErr(e.t, e.s.InviteAdmin(ctx, root, "ROOT@ops.test"), "email", account.MsgAlreadyAdmin, "an admin")
	fieldErr(e.t, e.s.InviteAdmin(ctx, root, "bad"), "email", account.MsgEmailInvalid, "a bad address")
	must(e.t, e.s.InviteAdmin(ctx, root, "New-Admin@ops.test"))
	raw := e.linkToken("new-admin@ops.test", "invite_admin", "/invite")
	tok, err := e.s.Invitation(ctx, raw)
	must(e.t, err)
	if tok.Purpose != account.PurposeAdminInvite || tok.SellerID != nil || tok.CreatedBy == nil || tok.CreatedBy.ID != root.ID {
		e.t.Fatalf("admin invitation %+v", tok)
	}
	if l, _ := e.s.Invitations(ctx, 0); len(l) != 1 || l[0].ID != tok.ID {
		e.t.Fatalf("operations' invitations %+v", l)
	}
	joined, err := e.s.AcceptInvitation(ctx, raw, nil, account.NewUser{Name: "新管理员", Password: "admin-pass-2026-x"})
	must(e.t, err)
	if joined.Role != account.RoleAdmin || joined.SellerID != nil || !joined.Verified() || joined.Email != "new-admin@ops.test" {
		e.t.Fatalf("joined %+v", joined)
	}
	log, err := e.s.AuditLog(ctx, account.AuditFilter{TargetType: account.AuditInvitation})
	must(e.t, err)
	var invited, came bool
	for _, ev := range log.Items {
		switch {
		case ev.Action == account.AuditAdminInvited && ev.ActorID == root.ID && ev.TargetID == tok.ID && ev.Detail == "new-admin@ops.test":
			invited = true
		case ev.Action == account.AuditAdminJoined && ev.ActorID == joined.ID && ev.TargetID == tok.ID:
			came = true
		}
	}
	if !invited || !came {
		e.t.Fatalf("audit log %+v", log.Items)
	}

	// A seller cannot become an admin by the link; a buyer can.
	seller := e.member("seller@ops.test", e.company("Nu"), account.Finance)
	must(e.t, e.s.InviteAdmin(ctx, root, seller.Email))
	_, err = e.s.AcceptInvitation(ctx, e.linkToken(seller.Email, "invite_admin", "/invite"), seller, account.NewUser{})
	wantErr(e.t, err, account.ErrNotEligible, "a seller accepting an admin invitation")
	b := e.buyer("buyer@ops.test")
	must(e.t, e.s.InviteAdmin(ctx, root, b.Email))
	got, err := e.s.AcceptInvitation(ctx, e.linkToken(b.Email, "invite_admin", "/invite"), b, account.NewUser{})
	must(e.t, err)
	if got.Role != account.RoleAdmin || got.AuthVersion != b.AuthVersion+1 {
		e.t.Fatalf("the buyer after accepting: %+v", got)
	}
	admins, err := e.s.Admins(ctx)
	must(e.t, err)
	listed := map[uint]bool{}
	for _, a := range admins {
		if a.Role != account.RoleAdmin {
			e.t.Fatalf("Admins lists %+v", a)
		}
		listed[a.ID] = true
	}
	if !listed[root.ID] || !listed[joined.ID] || !listed[got.ID] || listed[seller.ID] {
		e.t.Fatalf("admins %+v", admins)
	}

	must(e.t, e.s.InviteAdmin(ctx, root, "later@ops.test"))
	later, err := e.s.Invitation(ctx, e.linkToken("later@ops.test", "invite_admin", "/invite"))
	must(e.t, err)
	wantErr(e.t, e.s.RevokeInvitation(ctx, root.ID, *seller.SellerID, later.ID), sqldb.ErrNotFound, "revoking an admin invitation as a company")
	must(e.t, e.s.RevokeInvitation(ctx, root.ID, 0, later.ID))
	if n := e.count(&account.AuditEvent{}, "action = ? AND target_id = ? AND actor_id = ?", account.AuditAdminInviteRevoked, later.ID, root.ID); n != 1 {
		e.t.Fatalf("%d audit events of the revocation", n)
	}
}

// Roles change and members leave, but a company always keeps an owner.
func testMemberRoles(e *env) {
	c := e.company("Omicron")
	a := e.owner("a@omicron.test", c)
	d := e.member("d@omicron.test", c, account.Developer)
	x := e.member("x@omicron.test", c, account.Finance)
	y := e.member("y@pi.test", e.company("Pi"), account.Developer)
	b := e.buyer("b@omicron.test")
	wantErr(e.t, e.s.SetMemberRoles(ctx, c.ID, a.ID, dev), account.ErrLastOwner, "demoting the only owner")
	wantErr(e.t, e.s.RemoveMember(ctx, c.ID, a.ID), account.ErrLastOwner, "removing the only owner")
	fieldErr(e.t, e.s.SetMemberRoles(ctx, c.ID, d.ID, ""), "roles", account.MsgRolesRequired, "no roles")
	for _, id := range []uint{y.ID, b.ID, 999999} {
		wantErr(e.t, e.s.SetMemberRoles(ctx, c.ID, id, ops), sqldb.ErrNotFound, fmt.Sprintf("roles of %d", id))
		wantErr(e.t, e.s.RemoveMember(ctx, c.ID, id), sqldb.ErrNotFound, fmt.Sprintf("removing %d", id))
	}
	if u := e.user(y.ID); u.SellerRoles != dev || u.AuthVersion != y.AuthVersion {
		e.t.Fatalf("another company's member changed: %+v", u)
	}
	must(e.t, e.s.SetMemberRoles(ctx, c.ID, d.ID, account.NewMemberRoles(account.Owner, account.Developer)))
	if u := e.user(d.ID); u.SellerRoles != "owner,developer" || u.AuthVersion != d.AuthVersion+1 {
		e.t.Fatalf("after the change: %+v", u)
	}
	must(e.t, e.s.SetMemberRoles(ctx, c.ID, a.ID, finance)) // d is an owner now
	wantErr(e.t, e.s.RemoveMember(ctx, c.ID, d.ID), account.ErrLastOwner, "removing the owner left")

	tok, _ := e.login(e.s, x)
	must(e.t, e.s.RemoveMember(ctx, c.ID, x.ID))
	u := e.user(x.ID)
	if u.Role != account.RoleBuyer || u.SellerID != nil || u.SellerRoles != "" || u.AuthVersion != x.AuthVersion+1 {
		e.t.Fatalf("the removed member: %+v", u)
	}
	if n := len(e.mailsOf(x.Email, "member_removed")); n != 1 {
		e.t.Fatalf("%d removal mails", n)
	}
	r, err := e.s.Resume(ctx, tok)
	must(e.t, err)
	if r.NewToken == "" || r.User.Role != account.RoleBuyer || r.User.Can(account.Finance) {
		e.t.Fatalf("the removed member's session: new id %v, %+v", r.NewToken != "", r.User)
	}
	members, err := e.s.Members(ctx, c.ID)
	must(e.t, err)
	if len(members) != 2 || members[0].ID != a.ID || members[1].ID != d.ID {
		e.t.Fatalf("members %+v", members)
	}
	wantErr(e.t, e.s.RemoveMember(ctx, c.ID, x.ID), sqldb.ErrNotFound, "removing again")
}

// Two owners taking each other's ownership at once: one of them must fail.
func testOwnersRaceEachOther(e *env) {
	for round := range 4 {
		c := e.company(fmt.Sprintf("Pair%d", round))
		a := e.owner(fmt.Sprintf("a%d@pair.test", round), c)
		b := e.owner(fmt.Sprintf("b%d@pair.test", round), c)
		errs := concurrently(2, func(i int) error {
			other := b // a takes b's ownership, b takes a's
			if i == 1 {
				other = a
			}
			if round%2 == 0 {
				return e.s.RemoveMember(ctx, c.ID, other.ID)
			}
			return e.s.SetMemberRoles(ctx, c.ID, other.ID, dev)
		})
		if got := tally(errs, account.ErrLastOwner); got["ok"] != 1 || got[account.ErrLastOwner.Error()] != 1 {
			e.t.Fatalf("round %d: %v", round, got)
		}
		if n := e.owners(c); n != 1 {
			e.t.Fatalf("round %d: %d owners left", round, n)
		}
	}
}

func TestMembers(t *testing.T) {
	suite(t,
		tc{Name: "InviteMember", Fn: testInviteMember},
		tc{Name: "AcceptBySignup", Fn: testAcceptBySignup},
		tc{Name: "AcceptSignedIn", Fn: testAcceptSignedIn},
		tc{Name: "AcceptNotEligible", Fn: testAcceptNotEligible},
		tc{Name: "AcceptRace", Fn: testAcceptRace},
		tc{Name: "AcceptAccountExists", Fn: testAcceptAccountExists},
		tc{Name: "RevokeInvitation", Fn: testRevokeInvitation},
		tc{Name: "InviteThrottle", Fn: testInviteThrottle},
		tc{Name: "InviteAdmin", Fn: testInviteAdmin},
		tc{Name: "MemberRoles", Fn: testMemberRoles},
		tc{Name: "OwnersRaceEachOther", Fn: testOwnersRaceEachOther},
	)
}
