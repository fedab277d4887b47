package account_test

import (
	"testing"
	"time"

	"koogallery/models/account"
	"koogallery/models/dbtest"
	"koogallery/models/sqldb"
)

func testSessionStartResume(e *env) {
	u := e.user(dbtest.User(e.t, e.db, "sess@x.test", account.RoleBuyer, 0).ID)
	signedIn := e.db.Now()
	tok, err := e.s.StartSession(ctx, u, "192.0.2.44", "Mozilla/5.0 (X11) Firefox/140")
	must(e.t, err)
	tok2, err := e.s.StartSession(ctx, u, "192.0.2.45", "curl")
	must(e.t, err)
	if tok == "" || tok == tok2 {
		e.t.Fatalf("session ids %q and %q", tok, tok2)
	}
	if n := e.count(&account.Session{}, "token_hash = ? OR token_hash = ?", tok, tok2); n != 0 {
		e.t.Fatal("a session id is stored in clear")
	}
	r, err := e.s.Resume(ctx, tok)
	must(e.t, err)
	if r.User.ID != u.ID || r.User.Email != u.Email || r.NewToken != "" || r.Session.IP != "192.0.2.44" ||
		r.Session.UserAgent != "Mozilla/5.0 (X11) Firefox/140" || !r.Session.ExpiresAt.Equal(signedIn.Add(account.SessionLifetime)) {
		e.t.Fatalf("resumed %+v %+v", r.Session, r.User)
	}
	for _, bad := range []string{"", "x", tok + "x", tok[1:]} {
		_, err := e.s.Resume(ctx, bad)
		wantErr(e.t, err, account.ErrNoSession, "Resume("+bad+")")
	}
	// A second process knows the session too.
	r2, err := e.secondProcess().Resume(ctx, tok2)
	must(e.t, err)
	if r2.User.ID != u.ID || r2.Session.ID == r.Session.ID {
		e.t.Fatalf("second process resumed %+v", r2.Session)
	}
}

// Logout ends a session at once in this process, and within the cache time in another.
func testEndSession(e *env) {
	u := e.user(dbtest.User(e.t, e.db, "out@x.test", account.RoleBuyer, 0).ID)
	other := e.secondProcess()
	tok, _ := e.login(e.s, u)
	keep, _ := e.login(e.s, u)
	_, err := other.Resume(ctx, tok) // the other process has it cached now
	must(e.t, err)
	must(e.t, e.s.EndSession(ctx, tok))
	_, err = e.s.Resume(ctx, tok)
	wantErr(e.t, err, account.ErrNoSession, "the ended session in the same process")
	e.clock.Advance(3 * time.Second)
	_, err = other.Resume(ctx, tok)
	wantErr(e.t, err, account.ErrNoSession, "the ended session in another process after 3 s")
	_, err = e.s.Resume(ctx, keep)
	must(e.t, err)
	// Ended in the other process: this one stops within the cache time too.
	must(e.t, other.EndSession(ctx, keep))
	_, err = other.Resume(ctx, keep)
	wantErr(e.t, err, account.ErrNoSession, "ended by the other process, there")
	e.clock.Advance(3 * time.Second)
	_, err = e.s.Resume(ctx, keep)
	wantErr(e.t, err, account.ErrNoSession, "ended by the other process, here after 3 s")
	must(e.t, e.s.EndSession(ctx, tok)) // twice: nothing to do
	var s account.Session
	must(e.t, e.db.Gorm().Where("user_id = ?", u.ID).Order("id").First(&s).Error)
	if s.EndedAt == nil || s.EndReason != account.EndLogout {
		e.t.Fatalf("ended session %+v", s)
	}
}

// A session lasts 12 hours from sign-in however busy, 2 hours without a request, and writes
// its last-seen time at most once a minute.
func testSessionLifetimeAndIdle(e *env) {
	u := e.user(dbtest.User(e.t, e.db, "life@x.test", account.RoleBuyer, 0).ID)
	busy, _ := e.login(e.s, u)
	// Used every half hour for 11 hours, then every minute (each request writing its last-seen
	// time): the 12 hours still end it.
	for elapsed := 0; ; {
		step := 30
		if elapsed >= 11*60 {
			step = 1
		}
		if elapsed+step >= 12*60 {
			break
		}
		e.clock.Advance(time.Duration(step) * time.Minute)
		elapsed += step
		if _, err := e.s.Resume(ctx, busy); err != nil {
			e.t.Fatalf("minute %d of a busy session: %v", elapsed, err)
		}
	}
	e.clock.Advance(time.Minute)
	_, err := e.s.Resume(ctx, busy)
	wantErr(e.t, err, account.ErrNoSession, "a busy session after 12 hours")

	idle, id := e.login(e.s, u)
	lastSeen := func() time.Time {
		var s account.Session
		must(e.t, e.db.Gorm().First(&s, id).Error)
		return s.LastSeenAt
	}
	signedIn := e.db.Now()
	e.clock.Advance(30 * time.Second)
	_, err = e.s.Resume(ctx, idle)
	must(e.t, err)
	if got := lastSeen(); !got.Equal(signedIn) {
		e.t.Fatalf("last seen written after 30 s: %v", got)
	}
	e.clock.Advance(31 * time.Second)
	r, err := e.s.Resume(ctx, idle)
	must(e.t, err)
	touched := e.db.Now()
	if got := lastSeen(); !got.Equal(touched) || !r.Session.LastSeenAt.Equal(touched) {
		e.t.Fatalf("last seen %v (resumed %v) after 61 s, want %v", got, r.Session.LastSeenAt, touched)
	}
	for range 5 {
		e.clock.Advance(10 * time.Second)
		_, err = e.s.Resume(ctx, idle)
		must(e.t, err)
	}
	if got := lastSeen(); !got.Equal(touched) {
		e.t.Fatalf("last seen rewritten within the minute: %v", got)
	}
	// Two hours without a request end it, in this process and another.
	e.clock.Advance(touched.Add(account.SessionIdle - time.Second).Sub(e.db.Now()))
	other := e.secondProcess()
	_, err = other.Resume(ctx, idle)
	must(e.t, err) // 1 h 59 min 59 s after the last request written
	e.clock.Advance(account.SessionIdle - time.Second)
	_, err = e.s.Resume(ctx, idle)
	must(e.t, err)
	e.clock.Advance(account.SessionIdle)
	_, err = e.s.Resume(ctx, idle)
	wantErr(e.t, err, account.ErrNoSession, "after 2 idle hours")
	_, err = other.Resume(ctx, idle)
	wantErr(e.t, err, account.ErrNoSession, "after 2 idle hours in another process")
}

// A change of what the account may do gives its sessions new ids at their next request; the
// old id serves 30 s more; racing requests rotate once; a logout ends the old id too.
func testSessionRotation(e *env) {
	c := e.company("Rotate")
	e.owner("boss@rotate.test", c)
	m := e.member("dev@rotate.test", c, account.Developer)
	signedIn := e.db.Now()
	tok, oldID := e.login(e.s, m)
	e.clock.Advance(time.Minute)
	must(e.t, e.s.SetMemberRoles(ctx, c.ID, m.ID, account.NewMemberRoles(account.Developer, account.Finance)))
	r, err := e.s.Resume(ctx, tok)
	must(e.t, err)
	if r.NewToken == "" || r.Session.ID == oldID || !r.User.SellerRoles.Has(account.Finance) || r.Session.AuthVersion != r.User.AuthVersion {
		e.t.Fatalf("not rotated: %+v %+v", r.Session, r.User)
	}
	if !r.Session.ExpiresAt.Equal(signedIn.Add(account.SessionLifetime)) || !r.Session.CreatedAt.Equal(signedIn) {
		e.t.Fatalf("the rotated session expires at %v: its lifetime counts from the sign-in", r.Session.ExpiresAt)
	}
	fresh := r.NewToken
	r, err = e.s.Resume(ctx, fresh)
	must(e.t, err)
	if r.NewToken != "" {
		e.t.Fatal("the new id rotated again")
	}
	e.clock.Advance(20 * time.Second)
	for _, s := range []*account.Store{e.s, e.secondProcess()} {
		r, err = s.Resume(ctx, tok)
		must(e.t, err)
		if r.NewToken != "" || r.User.ID != m.ID {
			e.t.Fatalf("the old id within the grace: %+v", r)
		}
	}
	e.clock.Advance(11 * time.Second)
	_, err = e.s.Resume(ctx, tok)
	wantErr(e.t, err, account.ErrNoSession, "the old id after 31 s")
	_, err = e.s.Resume(ctx, fresh)
	must(e.t, err)
	if n := e.count(&account.Session{}, "user_id = ?", m.ID); n != 2 {
		e.t.Fatalf("%d session rows after one rotation", n)
	}

	// Four requests with the old id at once, in two processes, rotate once.
	m = e.user(m.ID)
	tok2, _ := e.login(e.s, m)
	other := e.secondProcess()
	must(e.t, e.s.SetMemberRoles(ctx, c.ID, m.ID, account.NewMemberRoles(account.Operations)))
	before := e.count(&account.Session{}, "user_id = ?", m.ID)
	results := make([]*account.Resumed, 4)
	errs := concurrently(4, func(i int) error {
		s := e.s
		if i%2 == 1 {
			s = other
		}
		var err error
		results[i], err = s.Resume(ctx, tok2)
		return err
	})
	rotated := 0
	for i, err := range errs {
		must(e.t, err)
		if results[i].NewToken != "" {
			rotated++
		}
	}
	if after := e.count(&account.Session{}, "user_id = ?", m.ID); rotated != 1 || after != before+1 {
		e.t.Fatalf("racing requests rotated %d times, %d new session rows", rotated, after-before)
	}

	// Signing out right after a rotation ends the old id as well, everywhere.
	m = e.user(m.ID)
	tok3, _ := e.login(e.s, m)
	_, err = other.Resume(ctx, tok3)
	must(e.t, err)
	must(e.t, e.s.SetMemberRoles(ctx, c.ID, m.ID, account.NewMemberRoles(account.Finance)))
	r, err = e.s.Resume(ctx, tok3)
	must(e.t, err)
	must(e.t, e.s.EndSession(ctx, r.NewToken))
	_, err = e.s.Resume(ctx, tok3)
	wantErr(e.t, err, account.ErrNoSession, "the old id after signing out the new one")
	e.clock.Advance(3 * time.Second)
	_, err = other.Resume(ctx, tok3)
	wantErr(e.t, err, account.ErrNoSession, "the old id after signing out the new one, in another process")
}

func testEndOtherSessions(e *env) {
	u := e.user(dbtest.User(e.t, e.db, "many@x.test", account.RoleBuyer, 0).ID)
	v := e.user(dbtest.User(e.t, e.db, "else@x.test", account.RoleBuyer, 0).ID)
	cur, curID := e.login(e.s, u)
	a, _ := e.login(e.s, u)
	b, _ := e.login(e.s, u)
	theirs, _ := e.login(e.s, v)
	n, err := e.s.EndOtherSessions(ctx, u.ID, curID)
	must(e.t, err)
	if n != 2 {
		e.t.Fatalf("ended %d sessions, want 2", n)
	}
	_, err = e.s.Resume(ctx, cur)
	must(e.t, err)
	for _, tok := range []string{a, b} {
		_, err := e.s.Resume(ctx, tok)
		wantErr(e.t, err, account.ErrNoSession, "another session")
	}
	_, err = e.s.Resume(ctx, theirs)
	must(e.t, err)
	if n, err := e.s.EndOtherSessions(ctx, u.ID, curID); err != nil || n != 0 {
		e.t.Fatalf("again: %d, %v", n, err)
	}
}

func testEndSessionOf(e *env) {
	u := e.user(dbtest.User(e.t, e.db, "mine@x.test", account.RoleBuyer, 0).ID)
	v := e.user(dbtest.User(e.t, e.db, "yours@x.test", account.RoleBuyer, 0).ID)
	a, _ := e.login(e.s, u)
	b, bID := e.login(e.s, u)
	c, cID := e.login(e.s, v)
	wantErr(e.t, e.s.EndSessionOf(ctx, u.ID, cID), sqldb.ErrNotFound, "ending another user's session")
	_, err := e.s.Resume(ctx, c)
	must(e.t, err)
	must(e.t, e.s.EndSessionOf(ctx, u.ID, bID))
	_, err = e.s.Resume(ctx, b)
	wantErr(e.t, err, account.ErrNoSession, "the signed-out session")
	_, err = e.s.Resume(ctx, a)
	must(e.t, err)
	wantErr(e.t, e.s.EndSessionOf(ctx, u.ID, bID), sqldb.ErrNotFound, "ending it twice")
	wantErr(e.t, e.s.EndSessionOf(ctx, u.ID, 999999), sqldb.ErrNotFound, "an unknown session")
}

// The account page lists the sessions that still work: not the ended, expired or idle ones.
func testActiveSessions(e *env) {
	u := e.user(dbtest.User(e.t, e.db, "list@x.test", account.RoleBuyer, 0).ID)
	v := e.user(dbtest.User(e.t, e.db, "notlisted@x.test", account.RoleBuyer, 0).ID)
	expiring, _ := e.login(e.s, u) // kept busy until its 12 hours end
	e.login(e.s, u)                // left idle
	for range 6 {
		e.clock.Advance(110 * time.Minute)
		_, err := e.s.Resume(ctx, expiring)
		must(e.t, err)
	}
	_, first := e.login(e.s, u)
	ended, _ := e.login(e.s, u)
	must(e.t, e.s.EndSession(ctx, ended))
	e.login(e.s, v)
	e.clock.Advance(30 * time.Minute)
	_, second := e.login(e.s, u)
	e.clock.Advance(30 * time.Minute) // 12 hours since the first sign-in
	list, err := e.s.ActiveSessions(ctx, u.ID)
	must(e.t, err)
	var ids []uint
	for _, s := range list {
		ids = append(ids, s.ID)
	}
	if len(ids) != 2 || ids[0] != second || ids[1] != first {
		e.t.Fatalf("active sessions %v, want [%d %d]", ids, second, first)
	}
}

func TestSessions(t *testing.T) {
	suite(t,
		tc{Name: "SessionStartResume", Fn: testSessionStartResume},
		tc{Name: "EndSession", Fn: testEndSession},
		tc{Name: "SessionLifetimeAndIdle", Fn: testSessionLifetimeAndIdle},
		tc{Name: "SessionRotation", Fn: testSessionRotation},
		tc{Name: "EndOtherSessions", Fn: testEndOtherSessions},
		tc{Name: "EndSessionOf", Fn: testEndSessionOf},
		tc{Name: "ActiveSessions", Fn: testActiveSessions},
	)
}
