package account_test

import (
	"fmt"
	"testing"
	"time"

	"koogallery/i18n"
	"koogallery/models/account"
	"koogallery/models/dbtest"
	"koogallery/models/sqldb"
)

func newBuyer(email string) account.NewUser {
	return account.NewUser{Email: email, Name: " 新买家 ", Password: "a-strong-pass-2026", Phone: "+86 138-0000-0000"}
}

func testSignUp(e *env) {
	in := newBuyer(" New@Signup.TEST ")
	in.Role, in.Verified, in.Locale = account.RoleAdmin, true, "en" // role and proof are not the caller's to choose
	must(e.t, e.s.SignUp(ctx, in, "100.64.1.1"))
	u, err := e.s.UserByEmail(ctx, "new@signup.test")
	must(e.t, err)
	if u.Role != account.RoleBuyer || u.Verified() || u.SellerID != nil || u.Name != "新买家" || u.Locale != "en" || u.Phone != "+86 138-0000-0000" {
		e.t.Fatalf("signed up %+v", u)
	}
	if ms := e.mails("new@signup.test"); len(ms) != 1 || ms[0].Subject != "[KooGallery] "+i18n.T("en", "mail.verify.subject") {
		e.t.Fatalf("mails after sign-up: %+v", ms)
	}
	// The same address again: nothing new, the same answer; the owner is told it has an account.
	again := newBuyer("NEW@signup.test")
	again.Password = "another-pass-2026"
	must(e.t, e.s.SignUp(ctx, again, "100.64.1.2"))
	if n := e.count(&account.User{}, "email = ?", "new@signup.test"); n != 1 {
		e.t.Fatalf("%d accounts for one address", n)
	}
	if ms := e.mails("new@signup.test"); len(ms) != 2 || ms[1].Subject != "[KooGallery] "+i18n.T("en", "mail.signup_existing.subject") {
		e.t.Fatalf("%d mails after signing up twice, want the verification and one saying the address has an account", len(ms))
	}
	_, err = e.s.Authenticate(ctx, "new@signup.test", "another-pass-2026", "100.64.1.2")
	wantErr(e.t, err, account.ErrBadCredentials, "the second sign-up's password")
	_, err = e.s.Authenticate(ctx, "new@signup.test", "a-strong-pass-2026", "100.64.1.2")
	must(e.t, err)
}

// Signing up with the address of an existing account mails its owner, at most once an hour,
// and answers as a sign-up would.
func testSignUpExisting(e *env) {
	old := dbtest.User(e.t, e.db, "old@signup.test", account.RoleSeller, e.company("Existing").ID)
	for i := range 3 {
		must(e.t, e.s.SignUp(ctx, newBuyer("Old@Signup.test"), fmt.Sprintf("100.64.2.%d", i)))
	}
	if got := e.mailsOf(old.Email, "signup_existing"); len(got) != 1 || len(e.mails(old.Email)) != 1 {
		e.t.Fatalf("the owner got %d mails after three sign-ups with the address", len(e.mails(old.Email)))
	}
	if n := e.count(&account.Token{}, "email = ?", old.Email); n != 0 {
		e.t.Fatal("a verification link was made for an existing account")
	}
	u := e.user(old.ID)
	if u.Role != account.RoleSeller || u.Name != "old" {
		e.t.Fatalf("the existing account changed: %+v", u)
	}
	e.clock.Advance(time.Hour)
	must(e.t, e.s.SignUp(ctx, newBuyer("old@signup.test"), "100.64.2.9"))
	if got := e.mailsOf(old.Email, "signup_existing"); len(got) != 2 {
		e.t.Fatalf("%d mails after an hour, want 2", len(got))
	}
}

func testSignUpFieldErrors(e *env) {
	for _, tc := range []struct {
		in           account.NewUser
		field, msg   string
		nothingAfter string
	}{
		{account.NewUser{Email: "bad", Name: "x", Password: "a-strong-pass-2026"}, "email", account.MsgEmailInvalid, ""},
		{account.NewUser{Email: "", Name: "x", Password: "a-strong-pass-2026"}, "email", account.MsgEmailRequired, ""},
		{account.NewUser{Email: "f1@signup.test", Name: "", Password: "a-strong-pass-2026"}, "name", account.MsgNameRequired, "f1@signup.test"},
		{account.NewUser{Email: "f2@signup.test", Name: "x", Phone: "call me", Password: "a-strong-pass-2026"}, "phone", account.MsgPhoneInvalid, "f2@signup.test"},
		{account.NewUser{Email: "f3@signup.test", Name: "x", Password: "short"}, "password", account.MsgPasswordShort, "f3@signup.test"},
		{account.NewUser{Email: "f4@signup.test", Name: "x", Password: "password1234"}, "password", account.MsgPasswordCommon, "f4@signup.test"},
		{account.NewUser{Email: "longaddress4@signup.test", Name: "x", Password: "LongAddress4"}, "password", account.MsgPasswordEmail, "longaddress4@signup.test"},
	} {
		fieldErr(e.t, e.s.SignUp(ctx, tc.in, "100.64.3.1"), tc.field, tc.msg, fmt.Sprintf("sign-up %+v", tc.in))
		if tc.nothingAfter != "" && (e.count(&account.User{}, "email = ?", tc.nothingAfter) != 0 || len(e.mails(tc.nothingAfter)) != 0) {
			e.t.Fatalf("a refused sign-up left an account or a mail for %s", tc.nothingAfter)
		}
	}
	// Refused forms do not count toward the client's limit.
	for i := range 10 {
		must(e.t, e.s.SignUp(ctx, newBuyer(fmt.Sprintf("after-errors%d@signup.test", i)), "100.64.3.1"))
	}
}

// Ten sign-ups an hour from one client address; the eleventh waits.
func testSignUpPerIPLimit(e *env) {
	const ip = "100.64.4.4"
	for i := range 10 {
		must(e.t, e.s.SignUp(ctx, newBuyer(fmt.Sprintf("many%d@signup.test", i)), ip))
		e.clock.Advance(time.Minute)
	}
	err := e.s.SignUp(ctx, newBuyer("many10@signup.test"), ip)
	wantErr(e.t, err, account.ErrThrottled, "the eleventh sign-up from one address")
	if w := account.WaitOf(err); w != 50*time.Minute {
		e.t.Fatalf("wait %v, want 50m (until the first leaves the hour)", w)
	}
	if n := e.count(&account.User{}, "email = ?", "many10@signup.test"); n != 0 {
		e.t.Fatal("the throttled sign-up made an account")
	}
	must(e.t, e.s.SignUp(ctx, newBuyer("many10@signup.test"), "100.64.4.5"))
	e.clock.Advance(50 * time.Minute)
	must(e.t, e.s.SignUp(ctx, newBuyer("many11@signup.test"), ip))
}

// Two sign-ups of one new address at once make one account and answer the same.
func testSignUpRace(e *env) {
	errs := concurrently(2, func(i int) error {
		return e.s.SignUp(ctx, newBuyer("race@signup.test"), fmt.Sprintf("100.64.5.%d", i))
	})
	for _, err := range errs {
		must(e.t, err)
	}
	if n := e.count(&account.User{}, "email = ?", "race@signup.test"); n != 1 {
		e.t.Fatalf("%d accounts", n)
	}
	if n := len(e.mailsOf("race@signup.test", "verify")); n != 1 {
		e.t.Fatalf("%d verification mails", n)
	}
}

func testVerifyEmail(e *env) {
	must(e.t, e.s.SignUp(ctx, newBuyer("verify@signup.test"), "100.64.6.1"))
	raw := e.linkToken("verify@signup.test", "verify", "/verify")
	tok, err := e.s.Link(ctx, raw, account.PurposeVerify)
	must(e.t, err)
	if tok.Email != "verify@signup.test" || tok.UserID == nil {
		e.t.Fatalf("link %+v", tok)
	}
	_, err = e.s.Link(ctx, raw, account.PurposeReset)
	wantErr(e.t, err, account.ErrTokenInvalid, "a verification link as a reset link")
	// Two clicks at once: one verifies, the other finds the link used.
	users := make([]*account.User, 2)
	errs := concurrently(2, func(i int) error {
		var err error
		users[i], err = e.s.VerifyEmail(ctx, raw)
		return err
	})
	got := tally(errs, account.ErrTokenUsed)
	if got["ok"] != 1 || got[account.ErrTokenUsed.Error()] != 1 {
		e.t.Fatalf("two verifications of one link: %v", got)
	}
	for _, u := range users {
		if u != nil && (!u.Verified() || u.Email != "verify@signup.test") {
			e.t.Fatalf("verified %+v", u)
		}
	}
	u, err := e.s.UserByEmail(ctx, "verify@signup.test")
	must(e.t, err)
	if !u.Verified() {
		e.t.Fatal("not verified")
	}
	_, err = e.s.VerifyEmail(ctx, raw)
	wantErr(e.t, err, account.ErrTokenUsed, "a third use")
	for _, bad := range []string{"", "nonsense", raw + "x"} {
		_, err = e.s.VerifyEmail(ctx, bad)
		wantErr(e.t, err, account.ErrTokenInvalid, "VerifyEmail("+bad+")")
	}

	// A link works for 24 hours.
	must(e.t, e.s.SignUp(ctx, newBuyer("late@signup.test"), "100.64.6.2"))
	must(e.t, e.s.SignUp(ctx, newBuyer("intime@signup.test"), "100.64.6.2"))
	late, intime := e.linkToken("late@signup.test", "verify", "/verify"), e.linkToken("intime@signup.test", "verify", "/verify")
	e.clock.Advance(account.VerifyValid - time.Second)
	_, err = e.s.VerifyEmail(ctx, intime)
	must(e.t, err)
	e.clock.Advance(time.Second)
	_, err = e.s.VerifyEmail(ctx, late)
	wantErr(e.t, err, account.ErrTokenExpired, "after 24 hours")
	if u, _ := e.s.UserByEmail(ctx, "late@signup.test"); u.Verified() {
		e.t.Fatal("an expired link verified")
	}
}

// A new verification mail at most once a minute and five times a day (the sign-up's counts);
// each new link ends the older ones.
func testResendVerification(e *env) {
	must(e.t, e.s.SignUp(ctx, newBuyer("resend@signup.test"), "100.64.7.1"))
	u, err := e.s.UserByEmail(ctx, "resend@signup.test")
	must(e.t, err)
	links := []string{e.linkToken(u.Email, "verify", "/verify")}
	err = e.s.ResendVerification(ctx, u.ID)
	wantErr(e.t, err, account.ErrThrottled, "a resend right after the sign-up")
	if w := account.WaitOf(err); w <= 0 || w > time.Minute {
		e.t.Fatalf("wait %v", w)
	}
	for i := 2; i <= 5; i++ {
		e.clock.Advance(time.Minute)
		must(e.t, e.s.ResendVerification(ctx, u.ID))
		links = append(links, e.linkToken(u.Email, "verify", "/verify"))
		if links[len(links)-1] == links[len(links)-2] {
			e.t.Fatal("the same link was sent again")
		}
		if n := len(e.mailsOf(u.Email, "verify")); n != i {
			e.t.Fatalf("%d verification mails, want %d", n, i)
		}
	}
	e.clock.Advance(time.Minute)
	err = e.s.ResendVerification(ctx, u.ID)
	wantErr(e.t, err, account.ErrThrottled, "a sixth mail within the day")
	if w := account.WaitOf(err); w < 23*time.Hour || w > 24*time.Hour {
		e.t.Fatalf("the sixth mail waits %v", w)
	}
	e.clock.Advance(account.WaitOf(err))
	must(e.t, e.s.ResendVerification(ctx, u.ID))
	links = append(links, e.linkToken(u.Email, "verify", "/verify"))
	for _, old := range links[:len(links)-1] {
		_, err := e.s.VerifyEmail(ctx, old)
		if err == nil {
			e.t.Fatal("an older verification link still works")
		}
	}
	_, err = e.s.VerifyEmail(ctx, links[len(links)-1])
	must(e.t, err)
	e.clock.Advance(time.Minute)
	wantErr(e.t, e.s.ResendVerification(ctx, u.ID), sqldb.ErrStale, "a resend for a verified account")
	wantErr(e.t, e.s.ResendVerification(ctx, 999999), sqldb.ErrNotFound, "a resend for no account")
}

func TestSignUp(t *testing.T) {
	suite(t,
		tc{Name: "SignUp", Fn: testSignUp},
		tc{Name: "SignUpExisting", Fn: testSignUpExisting},
		tc{Name: "SignUpFieldErrors", Fn: testSignUpFieldErrors},
		tc{Name: "SignUpPerIPLimit", Fn: testSignUpPerIPLimit},
		tc{Name: "SignUpRace", Fn: testSignUpRace},
		tc{Name: "VerifyEmail", Fn: testVerifyEmail},
		tc{Name: "ResendVerification", Fn: testResendVerification},
	)
}
