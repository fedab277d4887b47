package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"koogallery/models/account"
	"koogallery/models/dbtest"
	"koogallery/models/notice"
	"koogallery/models/sqldb"
)

const (
	adminEmail = "ops@example.com"
	goodPass   = "river-lantern-0417"
	otherPass  = "copper-meadow-9921"
)

// target is one database the command runs against, named the way an operator would.
type target struct {
	dialect sqldb.Dialect
	args    []string          // flags naming the database
	env     map[string]string // environment naming it
	opts    dbtest.Options    // the same database for the test's own store
}

// targets are a fresh SQLite data dir (given with -data) and a fresh MariaDB database (given
// with DATABASE_URL, as in production).
func targets(t *testing.T) []func(t *testing.T) target {
	return []func(t *testing.T) target{
		func(t *testing.T) target {
			dir := t.TempDir()
			return target{dialect: sqldb.SQLite, args: []string{"-data", dir}, opts: dbtest.Options{Dialect: sqldb.SQLite, DataDir: dir}}
		},
		func(t *testing.T) target {
			dsn := dbtest.NewMySQLDatabase(t)
			return target{dialect: sqldb.MySQL, env: map[string]string{"DATABASE_URL": dsn, "DATA_DIR": t.TempDir()},
				opts: dbtest.Options{Dialect: sqldb.MySQL, DSN: dsn}}
		},
	}
}

// forEachDatabase runs fn on a fresh database of every dialect.
func forEachDatabase(t *testing.T, fn func(t *testing.T, db target)) {
	for i, mk := range targets(t) {
		t.Run(string(dbtest.Dialects[i]), func(t *testing.T) { fn(t, mk(t)) })
	}
}

// result is one run of the command.
type result struct {
	status         int
	stdout, stderr string
}

// run runs `server user <args> <database flags>` with stdin (a string is piped input, a
// *fakeTTY a terminal).
func (db target) run(t *testing.T, stdin any, args ...string) result {
	t.Helper()
	var in io.Reader
	switch v := stdin.(type) {
	case string:
		in = strings.NewReader(v)
	case io.Reader:
		in = v
	}
	var out, errOut bytes.Buffer
	getenv := func(k string) string { return db.env[k] }
	status := userMain(append(append([]string{}, args...), db.args...), userIO{Stdin: in, Stdout: &out, Stderr: &errOut, Getenv: getenv})
	return result{status, out.String(), errOut.String()}
}

// store opens the command's database for checking (the test's own process, as the server's).
func (db target) store(t *testing.T) (*account.Store, *sqldb.DB) {
	t.Helper()
	d := dbtest.Open(t, db.opts)
	return account.NewStore(d, "https://market.example.com"), d
}

func (r result) want(t *testing.T, status int, stderrHas ...string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d\nstdout: %s\nstderr: %s", r.status, status, r.stdout, r.stderr)
	}
	for _, s := range stderrHas {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("stderr %q does not say %q", r.stderr, s)
		}
	}
	for _, secret := range []string{goodPass, otherPass} {
		if strings.Contains(r.stdout+r.stderr, secret) {
			t.Errorf("the output shows a password: %q %q", r.stdout, r.stderr)
		}
	}
}

func countUsers(t *testing.T, d *sqldb.DB) int64 {
	t.Helper()
	var n int64
	if err := d.Gorm().Model(&account.User{}).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func createAdmin(t *testing.T, db target) {
	t.Helper()
	r := db.run(t, goodPass+"\n", "create", "-role", "admin", "-email", adminEmail, "-name", "Ops Admin")
	r.want(t, 0)
}

func TestUserCreateAdminOnEmptyDatabase(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, db target) {
		r := db.run(t, goodPass+"\n", "create", "-role", "admin", "-email", " Ops@Example.com ", "-name", "Ops Admin")
		r.want(t, 0)
		if !strings.Contains(r.stdout, "created admin account ops@example.com") || !strings.Contains(r.stdout, "Ops Admin") {
			t.Errorf("stdout %q does not say what was created", r.stdout)
		}
		accounts, d := db.store(t)
		u, err := accounts.Authenticate(context.Background(), adminEmail, goodPass, "127.0.0.1")
		if err != nil {
			t.Fatalf("the new admin cannot sign in: %v", err)
		}
		if u.Role != account.RoleAdmin || !u.Verified() || u.Name != "Ops Admin" || u.SellerID != nil || u.Locale != "zh" {
			t.Errorf("created %+v", u)
		}
		if n := countUsers(t, d); n != 1 {
			t.Errorf("%d users, want the one created (no demo data)", n)
		}
	})
}

func TestUserCreateBuyerInEnglish(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, db target) {
		db.run(t, goodPass, "create", "-role", "buyer", "-email", "b@example.com", "-name", "王芳", "-locale", "en").want(t, 0)
		accounts, _ := db.store(t)
		u, err := accounts.Authenticate(context.Background(), "b@example.com", goodPass, "127.0.0.1")
		if err != nil || u.Role != account.RoleBuyer || u.Locale != "en" || !u.Verified() || u.Name != "王芳" {
			t.Fatalf("buyer %+v, %v", u, err)
		}
	})
}

func TestUserCreateDuplicateRefused(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, db target) {
		createAdmin(t, db)
		r := db.run(t, otherPass+"\n", "create", "-role", "buyer", "-email", "OPS@example.com", "-name", "Someone Else")
		r.want(t, 1, "-email: This email is registered already.")
		accounts, d := db.store(t)
		if n := countUsers(t, d); n != 1 {
			t.Errorf("%d users after a duplicate", n)
		}
		u, err := accounts.Authenticate(context.Background(), adminEmail, goodPass, "127.0.0.1")
		if err != nil || u.Role != account.RoleAdmin || u.Name != "Ops Admin" {
			t.Errorf("the first account changed: %+v, %v", u, err)
		}
	})
}

func TestUserCreateWeakPasswordRefused(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, db target) {
		for _, tc := range []struct{ password, says string }{
			{"short-1", "at least 10 characters"},
			{"password123", "common password"},
			{"ops@example.com", "cannot be your email"},
			{strings.Repeat("x", 73), "at most 72 bytes"},
			{"", "no password on standard input"},
		} {
			r := db.run(t, tc.password+"\n", "create", "-role", "admin", "-email", adminEmail, "-name", "Ops Admin")
			r.want(t, 1, tc.says)
			if tc.password != "" && !strings.Contains(r.stderr, "server user create: password: ") {
				t.Errorf("%q: stderr %q does not name the password", tc.password, r.stderr)
			}
		}
		if _, d := db.store(t); countUsers(t, d) != 0 {
			t.Error("a weak password created an account")
		}
	})
}

func TestUserCreateBadInput(t *testing.T) {
	db := targets(t)[0](t)
	for _, tc := range []struct {
		args []string
		says []string
	}{
		{[]string{"-role", "admin", "-email", "not-an-email", "-name", "A"}, []string{"-email: Enter an email like name@example.com"}},
		{[]string{"-role", "admin", "-name", "A"}, []string{"-email: Enter your email."}},
		{[]string{"-role", "admin", "-email", adminEmail}, []string{"-name: Enter your name."}},
		{[]string{"-role", "admin", "-email", adminEmail, "-name", strings.Repeat("名", 51)}, []string{"-name: A name has at most 50 characters"}},
		{[]string{"-role", "admin", "-email", adminEmail, "-name", "A\x07B"}, []string{"no control characters"}},
		{[]string{"-email", adminEmail, "-name", "A"}, []string{"-role: give admin or buyer"}},
		{[]string{"-role", "root", "-email", adminEmail, "-name", "A"}, []string{`-role "root": give admin or buyer`}},
		{[]string{"-role", "seller", "-email", adminEmail, "-name", "A"}, []string{"a seller belongs to a company", "/seller/apply"}},
		{[]string{"-role", "admin", "-email", adminEmail, "-name", "A", "-locale", "fr"}, []string{`-locale "fr": give zh or en`}},
		// Every problem at once, before any password is asked for.
		{[]string{"-role", "seller", "-email", "x", "-name", ""}, []string{"-role seller", "-email:", "-name:"}},
	} {
		r := db.run(t, goodPass+"\n", append([]string{"create"}, tc.args...)...)
		r.want(t, 1, tc.says...)
	}
	if _, d := db.store(t); countUsers(t, d) != 0 {
		t.Error("bad input created an account")
	}
}

func TestUserResetPassword(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, db target) {
		ctx := context.Background()
		createAdmin(t, db)
		// The running server's store: the admin is signed in twice.
		server, d := db.store(t)
		u, err := server.Authenticate(ctx, adminEmail, goodPass, "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		tok1, err := server.StartSession(ctx, u, "127.0.0.1", "test")
		if err != nil {
			t.Fatal(err)
		}
		tok2, _ := server.StartSession(ctx, u, "10.0.0.2", "test")

		r := db.run(t, otherPass+"\r\n", "reset-password", "-email", "OPS@example.com")
		r.want(t, 0)
		if !strings.Contains(r.stdout, "replaced the password of admin account ops@example.com") || !strings.Contains(r.stdout, "sessions ended") {
			t.Errorf("stdout %q", r.stdout)
		}
		if !strings.Contains(r.stderr, "BASE_URL") {
			t.Errorf("no note that the mail's link lacks the site address without BASE_URL: %q", r.stderr)
		}

		fresh := account.NewStore(d, "") // another process: nothing cached
		for _, tok := range []string{tok1, tok2} {
			if _, err := fresh.Resume(ctx, tok); !errors.Is(err, account.ErrNoSession) {
				t.Errorf("a session survived the reset: %v", err)
			}
		}
		if _, err := fresh.Authenticate(ctx, adminEmail, goodPass, "127.0.0.1"); !errors.Is(err, account.ErrBadCredentials) {
			t.Errorf("the old password still works: %v", err)
		}
		if _, err := fresh.Authenticate(ctx, adminEmail, otherPass, "127.0.0.1"); err != nil {
			t.Errorf("the new password does not work: %v", err)
		}
		var mails []notice.Mail
		d.Gorm().Where("`to` = ?", adminEmail).Find(&mails)
		if len(mails) != 1 || !strings.Contains(mails[0].Subject, "密码") {
			t.Errorf("mail to the owner: %+v", mails)
		}
	})
}

func TestUserResetPasswordRefusals(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, db target) {
		createAdmin(t, db)
		db.run(t, otherPass+"\n", "reset-password", "-email", "nobody@example.com").
			want(t, 1, "-email: no account has the email nobody@example.com")
		db.run(t, otherPass+"\n", "reset-password").want(t, 1, "-email: Enter your email.")
		db.run(t, "password123\n", "reset-password", "-email", adminEmail).want(t, 1, "password: This is a common password")
		accounts, d := db.store(t)
		if _, err := accounts.Authenticate(context.Background(), adminEmail, goodPass, "127.0.0.1"); err != nil {
			t.Errorf("a refused reset changed the password: %v", err)
		}
		var mails int64
		d.Gorm().Model(&notice.Mail{}).Count(&mails)
		if mails != 0 {
			t.Errorf("%d mails after refused resets", mails)
		}
	})
}

// fakeTTY is a terminal: it answers each prompt with the next line.
type fakeTTY struct {
	answers []string
	prompts []string
}

func (f *fakeTTY) Read([]byte) (int, error) {
	return 0, errors.New("a terminal is read with ReadSecret")
}

func (f *fakeTTY) ReadSecret(prompt string) (string, error) {
	f.prompts = append(f.prompts, prompt)
	if len(f.answers) == 0 {
		return "", io.EOF
	}
	a := f.answers[0]
	f.answers = f.answers[1:]
	return a, nil
}

func TestUserPasswordFromTerminal(t *testing.T) {
	db := targets(t)[0](t)
	args := []string{"create", "-role", "admin", "-email", adminEmail, "-name", "Ops Admin"}
	// Two different passwords: refused.
	tty := &fakeTTY{answers: []string{goodPass, otherPass}}
	db.run(t, tty, args...).want(t, 1, "password: The two new passwords differ. Nothing was changed.")
	if len(tty.prompts) != 2 || !strings.Contains(tty.prompts[0], adminEmail) {
		t.Errorf("prompts %q", tty.prompts)
	}
	// A weak one is refused at once, not asked again.
	tty = &fakeTTY{answers: []string{"short"}}
	db.run(t, tty, args...).want(t, 1, "at least 10 characters")
	if len(tty.prompts) != 1 {
		t.Errorf("prompts %q", tty.prompts)
	}
	_, d := db.store(t)
	if countUsers(t, d) != 0 {
		t.Fatal("a refused password created an account")
	}
	// The same twice: created.
	db.run(t, &fakeTTY{answers: []string{goodPass, goodPass}}, args...).want(t, 0)
	// A taken address is refused before the password is asked for.
	tty = &fakeTTY{}
	db.run(t, tty, args...).want(t, 1, "registered already")
	if len(tty.prompts) != 0 {
		t.Errorf("asked for a password for a taken address: %q", tty.prompts)
	}
}

func TestUserPipedPasswordIsTheFirstLine(t *testing.T) {
	db := targets(t)[0](t)
	db.run(t, goodPass+"\nsomething else\n", "create", "-role", "admin", "-email", adminEmail, "-name", "A").want(t, 0)
	accounts, _ := db.store(t)
	if _, err := accounts.Authenticate(context.Background(), adminEmail, goodPass, "127.0.0.1"); err != nil {
		t.Error(err)
	}
	db.run(t, strings.Repeat("y", maxPasswordLine+1), "reset-password", "-email", adminEmail).want(t, 1, "longer than 4096 bytes")
}

func TestUserUsage(t *testing.T) {
	db := target{}
	for _, tc := range []struct {
		args   []string
		status int
		out    string // where the usage goes
	}{
		{nil, 2, "stderr"},
		{[]string{"frobnicate"}, 2, "stderr"},
		{[]string{"-h"}, 0, "stdout"},
		{[]string{"help"}, 0, "stdout"},
		{[]string{"create", "-h"}, 0, "stdout"},
		{[]string{"reset-password", "-help"}, 0, "stdout"},
	} {
		r := db.run(t, "", tc.args...)
		if r.status != tc.status {
			t.Errorf("%q: status %d, want %d", tc.args, r.status, tc.status)
		}
		got := r.stdout
		if tc.out == "stderr" {
			got = r.stderr
		}
		if !strings.Contains(got, "server user create -role admin|buyer") || !strings.Contains(got, "standard input") {
			t.Errorf("%q: no usage on %s: %q / %q", tc.args, tc.out, r.stdout, r.stderr)
		}
	}
	r := db.run(t, "", "frobnicate")
	if !strings.Contains(r.stderr, `unknown subcommand "frobnicate"`) {
		t.Errorf("stderr %q", r.stderr)
	}
	for _, args := range [][]string{{"create", "-colour", "blue"}, {"create", "-email", adminEmail, "extra"}} {
		r := db.run(t, "", args...)
		if r.status != 2 || !strings.Contains(r.stderr, "server user -h") {
			t.Errorf("%q: status %d, stderr %q", args, r.status, r.stderr)
		}
	}
}

func TestUsageHidesTheDatabasePassword(t *testing.T) {
	db := target{env: map[string]string{"DATABASE_URL": "kg:s3cret-db-pass@tcp(db:3306)/kg"}}
	r := db.run(t, "", "create", "-h")
	if strings.Contains(r.stdout+r.stderr, "s3cret") {
		t.Error("the usage shows DATABASE_URL")
	}
}
