package account_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"koogallery/models/account"
	"koogallery/models/dbtest"
	"koogallery/models/sqldb"
)

// The reset request answers the same whether or not the address has an account.
func testRequestReset(e *env) {
	u := dbtest.User(e.t, e.db, "forgot@reset.test", account.RoleBuyer, 0)
	mailsBefore := e.allMails()
	must(e.t, e.s.RequestReset(ctx, " Forgot@Reset.TEST ", "100.65.1.1"))
	ms := e.mailsOf(u.Email, "reset")
	if len(ms) != 1 || !strings.Contains(ms[0].Body, "30") {
		e.t.Fatalf("reset mails %+v", ms)
	}
	raw := e.linkToken(u.Email, "reset", "/password/reset")
	tok, err := e.s.Link(ctx, raw, account.PurposeReset)
	must(e.t, err)
	if !tok.ExpiresAt.Equal(e.db.Now().Add(account.ResetValid)) {
		e.t.Fatalf("the link expires at %v", tok.ExpiresAt)
	}
	must(e.t, e.s.RequestReset(ctx, "nobody@reset.test", "100.65.1.1"))
	must(e.t, e.s.RequestReset(ctx, "not an address", "100.65.1.1"))
	if n := e.allMails() - mailsBefore; n != 1 {
		e.t.Fatalf("%d mails, want only the existing account's", n)
	}
	if n := e.count(&account.Token{}, "email = ?", "nobody@reset.test"); n != 0 {
		e.t.Fatal("a link was made for an address without account")
	}
}

// Five requests from one client in 15 minutes, whatever the addresses; the sixth waits, for an
// existing account too.
func testRequestResetPerIP(e *env) {
	u := dbtest.User(e.t, e.db, "ip@reset.test", account.RoleBuyer, 0)
	const ip = "100.65.2.2"
	for i := range 5 {
		must(e.t, e.s.RequestReset(ctx, fmt.Sprintf("unknown%d@reset.test", i), ip))
	}
	err := e.s.RequestReset(ctx, u.Email, ip)
	wantErr(e.t, err, account.ErrThrottled, "the sixth request from one client")
	if w := account.WaitOf(err); w <= 0 || w > account.LoginWindow {
		e.t.Fatalf("wait %v", w)
	}
	if n := len(e.mails(u.Email)); n != 0 {
		e.t.Fatal("a throttled request mailed")
	}
	must(e.t, e.s.RequestReset(ctx, u.Email, "100.65.2.3"))
	e.clock.Advance(account.LoginWindow)
	must(e.t, e.s.RequestReset(ctx, u.Email, ip))
	if n := len(e.mailsOf(u.Email, "reset")); n != 2 {
		e.t.Fatalf("%d reset mails, want 2", n)
	}
}

// An account gets at most three reset mails an hour, silently; the newest link ends the older.
func testRequestResetPerAccount(e *env) {
	u := dbtest.User(e.t, e.db, "often@reset.test", account.RoleBuyer, 0)
	var links []string
	for i := range 5 {
		must(e.t, e.s.RequestReset(ctx, u.Email, fmt.Sprintf("100.65.3.%d", i)))
		if i < 3 {
			links = append(links, e.linkToken(u.Email, "reset", "/password/reset"))
		}
		e.clock.Advance(time.Minute)
	}
	if n := len(e.mailsOf(u.Email, "reset")); n != 3 {
		e.t.Fatalf("%d reset mails in an hour, want 3", n)
	}
	for _, old := range links[:2] {
		_, err := e.s.Link(ctx, old, account.PurposeReset)
		wantErr(e.t, err, account.ErrTokenUsed, "an older reset link")
	}
	_, err := e.s.Link(ctx, links[2], account.PurposeReset)
	must(e.t, err)
	e.clock.Advance(time.Hour)
	must(e.t, e.s.RequestReset(ctx, u.Email, "100.65.3.9"))
	if n := len(e.mailsOf(u.Email, "reset")); n != 4 {
		e.t.Fatalf("%d reset mails after the hour, want 4", n)
	}
}

// A reset link sets a password once within 30 minutes; every session ends; of two uses at
// once one wins.
func testResetPassword(e *env) {
	must(e.t, e.s.SignUp(ctx, newBuyer("reset@reset.test"), "100.65.4.1"))
	u, err := e.s.UserByEmail(ctx, "reset@reset.test")
	must(e.t, err)
	a, _ := e.login(e.s, u)
	other := e.secondProcess()
	b, _ := e.login(other, u)
	must(e.t, e.s.RequestReset(ctx, u.Email, "100.65.4.1"))
	raw := e.linkToken(u.Email, "reset", "/password/reset")
	e.clock.Advance(account.ResetValid - time.Minute)

	_, err = e.s.ResetPassword(ctx, raw, "password1234")
	fieldErr(e.t, err, "password", account.MsgPasswordCommon, "a common password")
	_, err = e.s.ResetPassword(ctx, raw, "RESET@reset.test")
	fieldErr(e.t, err, "password", account.MsgPasswordEmail, "the address as password")
	_, err = e.s.ResetPassword(ctx, raw, "short")
	fieldErr(e.t, err, "password", account.MsgPasswordShort, "a short password")

	passwords := []string{"first-new-pass-2026", "second-new-pass-2026"}
	users := make([]*account.User, 2)
	errs := concurrently(2, func(i int) error {
		var err error
		users[i], err = e.s.ResetPassword(ctx, raw, passwords[i])
		return err
	})
	got := tally(errs, account.ErrTokenUsed)
	if got["ok"] != 1 || got[account.ErrTokenUsed.Error()] != 1 {
		e.t.Fatalf("two resets with one link: %v", got)
	}
	winner, loser := passwords[0], passwords[1]
	if errs[0] != nil {
		winner, loser = loser, winner
	}
	_, err = e.s.Authenticate(ctx, u.Email, winner, "100.65.4.2")
	must(e.t, err)
	for _, p := range []string{loser, "a-strong-pass-2026"} {
		_, err = e.s.Authenticate(ctx, u.Email, p, "100.65.4.2")
		wantErr(e.t, err, account.ErrBadCredentials, "signing in with "+p)
	}
	after := e.user(u.ID)
	if !after.Verified() || after.AuthVersion != u.AuthVersion+1 {
		e.t.Fatalf("after the reset: verified %v, auth version %d (was %d)", after.Verified(), after.AuthVersion, u.AuthVersion)
	}
	_, err = e.s.Resume(ctx, a)
	wantErr(e.t, err, account.ErrNoSession, "a session after the reset")
	e.clock.Advance(3 * time.Second)
	_, err = other.Resume(ctx, b)
	wantErr(e.t, err, account.ErrNoSession, "another process's session after the reset")
	if n := len(e.mailsOf(u.Email, "password_changed")); n != 1 {
		e.t.Fatalf("%d password-changed mails", n)
	}
	_, err = e.s.ResetPassword(ctx, raw, "third-new-pass-2026")
	wantErr(e.t, err, account.ErrTokenUsed, "the link again")

	// 30 minutes.
	e.clock.Advance(time.Hour)
	must(e.t, e.s.RequestReset(ctx, u.Email, "100.65.4.3"))
	late := e.linkToken(u.Email, "reset", "/password/reset")
	e.clock.Advance(account.ResetValid)
	_, err = e.s.ResetPassword(ctx, late, "fourth-new-pass-2026")
	wantErr(e.t, err, account.ErrTokenExpired, "after 30 minutes")
	_, err = e.s.ResetPassword(ctx, "made-up-link", "fourth-new-pass-2026")
	wantErr(e.t, err, account.ErrTokenInvalid, "a made-up link")
	must(e.t, e.s.SignUp(ctx, newBuyer("verifyonly@reset.test"), "100.65.4.4"))
	_, err = e.s.ResetPassword(ctx, e.linkToken("verifyonly@reset.test", "verify", "/verify"), "fourth-new-pass-2026")
	wantErr(e.t, err, account.ErrTokenInvalid, "a verification link used to reset")
}

// Changing the password needs the current one and a good new one; other sessions end, this
// one gets a new id at its next request; open reset links stop working.
func testChangePassword(e *env) {
	u := e.user(dbtest.User(e.t, e.db, "change@reset.test", account.RoleBuyer, 0).ID)
	cur, curID := e.login(e.s, u)
	second, _ := e.login(e.s, u)
	must(e.t, e.s.RequestReset(ctx, u.Email, "100.65.5.1"))
	pending := e.linkToken(u.Email, "reset", "/password/reset")

	fieldErr(e.t, e.s.ChangePassword(ctx, u.ID, curID, "wrong-current-pass", "brand-new-pass-2026"), "current", account.MsgPasswordWrong, "a wrong current password")
	fieldErr(e.t, e.s.ChangePassword(ctx, u.ID, curID, dbtest.Password, dbtest.Password), "password", account.MsgPasswordSame, "the same password")
	fieldErr(e.t, e.s.ChangePassword(ctx, u.ID, curID, dbtest.Password, "tooshort"), "password", account.MsgPasswordShort, "a short password")
	fieldErr(e.t, e.s.ChangePassword(ctx, u.ID, curID, dbtest.Password, "iloveyou123"), "password", account.MsgPasswordCommon, "a common password")
	fieldErr(e.t, e.s.ChangePassword(ctx, u.ID, curID, dbtest.Password, "Change@Reset.test"), "password", account.MsgPasswordEmail, "the address")
	_, err := e.s.Resume(ctx, second)
	must(e.t, err) // refused changes end nothing

	must(e.t, e.s.ChangePassword(ctx, u.ID, curID, dbtest.Password, "brand-new-pass-2026"))
	_, err = e.s.Resume(ctx, second)
	wantErr(e.t, err, account.ErrNoSession, "another session after the change")
	r, err := e.s.Resume(ctx, cur)
	must(e.t, err)
	if r.NewToken == "" {
		e.t.Fatal("the current session kept its id after the password changed")
	}
	_, err = e.s.Resume(ctx, r.NewToken)
	must(e.t, err)
	_, err = e.s.Authenticate(ctx, u.Email, "brand-new-pass-2026", "100.65.5.2")
	must(e.t, err)
	_, err = e.s.Authenticate(ctx, u.Email, dbtest.Password, "100.65.5.2")
	wantErr(e.t, err, account.ErrBadCredentials, "the old password")
	_, err = e.s.ResetPassword(ctx, pending, "reset-after-change-2026")
	wantErr(e.t, err, account.ErrTokenUsed, "a reset link from before the change")
	if n := len(e.mailsOf(u.Email, "password_changed")); n != 1 {
		e.t.Fatalf("%d password-changed mails", n)
	}
}

// A stolen session cannot guess the current password: after five wrong ones in a quarter of
// an hour even the right one waits, then works again.
func testChangePasswordGuessing(e *env) {
	u := e.user(dbtest.User(e.t, e.db, "guess@reset.test", account.RoleBuyer, 0).ID)
	_, curID := e.login(e.s, u)
	for i := range 5 {
		fieldErr(e.t, e.s.ChangePassword(ctx, u.ID, curID, fmt.Sprintf("guess-number-%d", i), "brand-new-pass-2026"), "current", account.MsgPasswordWrong, "a wrong guess")
	}
	err := e.s.ChangePassword(ctx, u.ID, curID, dbtest.Password, "brand-new-pass-2026")
	wantErr(e.t, err, account.ErrThrottled, "the sixth try")
	if w := account.WaitOf(err); w <= 0 || w > account.LoginWindow {
		e.t.Fatalf("wait %s", w)
	}
	e.clock.Advance(account.LoginWindow + time.Second)
	must(e.t, e.s.ChangePassword(ctx, u.ID, curID, dbtest.Password, "brand-new-pass-2026"))
}

// The operator's command sets a password without the old one and signs the account out.
func testSetPassword(e *env) {
	u := e.user(dbtest.User(e.t, e.db, "operator@reset.test", account.RoleAdmin, 0).ID)
	tok, _ := e.login(e.s, u)
	_, err := e.s.SetPassword(ctx, u.Email, "qwertyuiop123")
	fieldErr(e.t, err, "password", account.MsgPasswordCommon, "a common password")
	_, err = e.s.SetPassword(ctx, "nobody@reset.test", "operator-pass-2026")
	wantErr(e.t, err, sqldb.ErrNotFound, "an unknown address")
	got, err := e.s.SetPassword(ctx, " Operator@Reset.test ", "operator-pass-2026")
	must(e.t, err)
	if got.ID != u.ID {
		e.t.Fatalf("set the password of %d", got.ID)
	}
	_, err = e.s.Resume(ctx, tok)
	wantErr(e.t, err, account.ErrNoSession, "a session after the operator set the password")
	_, err = e.s.Authenticate(ctx, u.Email, "operator-pass-2026", "100.65.6.1")
	must(e.t, err)
}

func TestPasswords(t *testing.T) {
	suite(t,
		tc{Name: "RequestReset", Fn: testRequestReset},
		tc{Name: "RequestResetPerIP", Fn: testRequestResetPerIP},
		tc{Name: "RequestResetPerAccount", Fn: testRequestResetPerAccount},
		tc{Name: "ResetPassword", Fn: testResetPassword},
		tc{Name: "ChangePassword", Fn: testChangePassword},
		tc{Name: "ChangePasswordGuessing", Fn: testChangePasswordGuessing},
		tc{Name: "SetPassword", Fn: testSetPassword},
	)
}
