package account_test

import (
	"fmt"
	"testing"
	"time"

	"koogallery/models/account"
	"koogallery/models/dbtest"
)

func testAuthenticate(e *env) {
	u := dbtest.User(e.t, e.db, "alice@auth.test", account.RoleBuyer, 0)
	got, err := e.s.Authenticate(ctx, " Alice@Auth.TEST ", dbtest.Password, "198.51.100.1")
	must(e.t, err)
	if got.ID != u.ID || got.Email != "alice@auth.test" {
		e.t.Fatalf("signed in as %+v", got)
	}
	_, err = e.s.Authenticate(ctx, "alice@auth.test", dbtest.Password+"x", "198.51.100.1")
	wantErr(e.t, err, account.ErrBadCredentials, "wrong password")
	_, err2 := e.s.Authenticate(ctx, "nobody@auth.test", dbtest.Password, "198.51.100.1")
	wantErr(e.t, err2, account.ErrBadCredentials, "unknown email")
	if err.Error() != err2.Error() {
		e.t.Fatalf("a wrong password (%v) and an unknown address (%v) answer differently", err, err2)
	}
	if _, err := e.s.Authenticate(ctx, "alice@auth.test", "", "198.51.100.1"); err == nil {
		e.t.Fatal("an empty password signed in")
	}
	if n := len(e.mails(u.Email)); n != 0 {
		e.t.Fatalf("%d mails after a failure", n)
	}
}

// Five failures for one address from one client refuse that pair (even the right password)
// for the window; other clients are not affected.
func testLoginThrottlePerEmailAndIP(e *env) {
	dbtest.User(e.t, e.db, "pair@auth.test", account.RoleBuyer, 0)
	for i := range 5 {
		_, err := e.s.Authenticate(ctx, "pair@auth.test", fmt.Sprintf("wrong-%d-password", i), "198.51.100.7")
		wantErr(e.t, err, account.ErrBadCredentials, fmt.Sprintf("failure %d", i+1))
		e.clock.Advance(time.Minute)
	}
	_, err := e.s.Authenticate(ctx, "PAIR@auth.test", dbtest.Password, "198.51.100.7")
	wantErr(e.t, err, account.ErrThrottled, "the sixth attempt from the same address")
	// The first failure leaves the 15-minute window 10 minutes from now.
	if w := account.WaitOf(err); w != 10*time.Minute {
		e.t.Fatalf("wait %v, want 10m", w)
	}
	_, err = e.s.Authenticate(ctx, "pair@auth.test", dbtest.Password, "198.51.100.8")
	must(e.t, err)
	e.clock.Advance(10*time.Minute - time.Second)
	_, err = e.s.Authenticate(ctx, "pair@auth.test", dbtest.Password, "198.51.100.7")
	wantErr(e.t, err, account.ErrThrottled, "a second before the wait ends")
	e.clock.Advance(time.Second)
	_, err = e.s.Authenticate(ctx, "pair@auth.test", dbtest.Password, "198.51.100.7")
	must(e.t, err)
	// A success forgets the pair's failures.
	for range 4 {
		_, err := e.s.Authenticate(ctx, "pair@auth.test", "wrong-password!", "198.51.100.7")
		wantErr(e.t, err, account.ErrBadCredentials, "failure after the success")
	}
	_, err = e.s.Authenticate(ctx, "pair@auth.test", dbtest.Password, "198.51.100.7")
	must(e.t, err)
}

// Thirty failures from one client over any addresses refuse that client for the window.
func testLoginThrottlePerIP(e *env) {
	dbtest.User(e.t, e.db, "victim@auth.test", account.RoleBuyer, 0)
	const ip = "203.0.113.66"
	// 29 failures for different addresses recorded as Authenticate records them, then a real one.
	for i := range 29 {
		must(e.t, e.db.Gorm().Create(&account.RateEvent{Kind: "login", Subject: fmt.Sprintf("guess%d@auth.test", i), IP: ip,
			CreatedAt: e.db.Now()}).Error)
	}
	_, err := e.s.Authenticate(ctx, "guess-last@auth.test", "whatever-password", ip)
	wantErr(e.t, err, account.ErrBadCredentials, "the thirtieth failure")
	_, err = e.s.Authenticate(ctx, "victim@auth.test", dbtest.Password, ip)
	wantErr(e.t, err, account.ErrThrottled, "the right password from a client with 30 failures")
	if w := account.WaitOf(err); w <= 0 || w > account.LoginWindow {
		e.t.Fatalf("wait %v", w)
	}
	_, err = e.s.Authenticate(ctx, "victim@auth.test", dbtest.Password, "203.0.113.67")
	must(e.t, err)
	e.clock.Advance(account.LoginWindow)
	_, err = e.s.Authenticate(ctx, "victim@auth.test", dbtest.Password, ip)
	must(e.t, err)
}

// Ten failures for one account within 15 minutes from anywhere slow its further attempts
// (even with the right password) and mail its owner once.
func testLoginSlowsAccount(e *env) {
	u := dbtest.User(e.t, e.db, "bob@auth.test", account.RoleBuyer, 0)
	ips := []string{"192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4", "192.0.2.5", "192.0.2.6", "192.0.2.7", "192.0.2.8"}
	for i := range 10 {
		if i == 9 && len(e.mailsOf(u.Email, "login_alert")) != 0 {
			e.t.Fatal("the owner was mailed before the tenth failure")
		}
		_, err := e.s.Authenticate(ctx, u.Email, "not-the-password", ips[i%len(ips)])
		wantErr(e.t, err, account.ErrBadCredentials, fmt.Sprintf("failure %d", i+1))
		e.clock.Advance(10 * time.Second)
	}
	alerts := e.mailsOf(u.Email, "login_alert")
	if len(alerts) != 1 {
		e.t.Fatalf("%d login alerts after 10 failures, want 1", len(alerts))
	}
	// The eleventh attempt, from a new address and with the right password, waits.
	_, err := e.s.Authenticate(ctx, u.Email, dbtest.Password, "192.0.2.99")
	wantErr(e.t, err, account.ErrThrottled, "the eleventh attempt")
	wait := account.WaitOf(err)
	if wait < 5*time.Second || wait > time.Minute {
		e.t.Fatalf("the eleventh attempt waits %v", wait)
	}
	e.clock.Advance(wait - 2*time.Second)
	_, err = e.s.Authenticate(ctx, u.Email, dbtest.Password, "192.0.2.99")
	wantErr(e.t, err, account.ErrThrottled, "before the wait ends")
	e.clock.Advance(2 * time.Second)
	// After the wait the attempt is checked: a wrong one counts and slows the next one more.
	_, err = e.s.Authenticate(ctx, u.Email, "still-not-the-password", "192.0.2.99")
	wantErr(e.t, err, account.ErrBadCredentials, "a wrong password after the wait")
	_, err = e.s.Authenticate(ctx, u.Email, dbtest.Password, "192.0.2.98")
	wantErr(e.t, err, account.ErrThrottled, "right after the eleventh failure")
	if w := account.WaitOf(err); w <= wait {
		e.t.Fatalf("the wait did not grow: %v after %v", w, wait)
	}
	e.clock.Advance(account.WaitOf(err))
	got, err := e.s.Authenticate(ctx, u.Email, dbtest.Password, "192.0.2.98")
	must(e.t, err)
	if got.ID != u.ID {
		e.t.Fatalf("signed in as %d", got.ID)
	}
	if n := len(e.mailsOf(u.Email, "login_alert")); n != 1 {
		e.t.Fatalf("%d login alerts in one window, want 1", n)
	}
	// Past the window everything is normal again.
	e.clock.Advance(account.LoginWindow)
	_, err = e.s.Authenticate(ctx, u.Email, "wrong-once-more", "192.0.2.1")
	wantErr(e.t, err, account.ErrBadCredentials, "a failure after the window")
	_, err = e.s.Authenticate(ctx, u.Email, dbtest.Password, "192.0.2.1")
	must(e.t, err)
}

// Twenty failures racing from twenty addresses mail the owner exactly once; the next window
// mails again; an address without an account is never mailed.
func testLoginAlertOncePerWindow(e *env) {
	u := dbtest.User(e.t, e.db, "carol@auth.test", account.RoleBuyer, 0)
	mailsBefore := e.allMails()
	attack := func(email string, n int) map[string]int {
		errs := concurrently(n, func(i int) error {
			_, err := e.s.Authenticate(ctx, email, fmt.Sprintf("guess-%02d-password", i), fmt.Sprintf("198.18.0.%d", i+1))
			return err
		})
		return tally(errs, account.ErrBadCredentials, account.ErrThrottled)
	}
	got := attack(u.Email, 20)
	if got[account.ErrBadCredentials.Error()] < account.AccountSlowAfter || got["ok"] != 0 ||
		got[account.ErrBadCredentials.Error()]+got[account.ErrThrottled.Error()] != 20 {
		e.t.Fatalf("20 racing failures: %v", got)
	}
	if n := len(e.mailsOf(u.Email, "login_alert")); n != 1 {
		e.t.Fatalf("%d login alerts after 20 racing failures, want 1", n)
	}
	e.clock.Advance(account.LoginWindow + time.Second)
	attack(u.Email, 12)
	if n := len(e.mailsOf(u.Email, "login_alert")); n != 2 {
		e.t.Fatalf("%d login alerts after a second window, want 2", n)
	}
	attack("nobody@auth.test", 15)
	if n := len(e.mails("nobody@auth.test")); n != 0 {
		e.t.Fatalf("an address without account got %d mails", n)
	}
	if n := e.allMails() - mailsBefore; n != 2 {
		e.t.Fatalf("%d mails in all, want the 2 alerts", n)
	}
}

func TestLogin(t *testing.T) {
	suite(t,
		tc{Name: "Authenticate", Fn: testAuthenticate},
		tc{Name: "LoginThrottlePerEmailAndIP", Fn: testLoginThrottlePerEmailAndIP},
		tc{Name: "LoginThrottlePerIP", Fn: testLoginThrottlePerIP},
		tc{Name: "LoginSlowsAccount", Fn: testLoginSlowsAccount},
		tc{Name: "LoginAlertOncePerWindow", Fn: testLoginAlertOncePerWindow},
	)
}
