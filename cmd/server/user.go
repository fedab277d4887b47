package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"koogallery/i18n"
	"koogallery/models"
	"koogallery/models/account"
	"koogallery/models/sqldb"
)

// userUsage is the help of `server user`.
const userUsage = `Usage:
  server user create -role admin|buyer -email EMAIL -name NAME [-locale zh|en] [database flags]
  server user reset-password -email EMAIL [database flags]

create adds an account whose email counts as verified; reset-password replaces an account's
password, ends all its sessions and mails its owner. A seller belongs to a company: sign up as a
buyer and apply at /seller/apply, or be invited by the company's owner at /seller/members.

The password is read from standard input: typed twice without echo on a terminal, otherwise one
line (printf '%s\n' "$PASSWORD" | server user create ...). At least 10 characters, not the email
or its name part, not a common password.

Database flags (the server's, read from the same environment):
  -db DSN        MySQL DSN, e.g. user:pass@tcp(127.0.0.1:3306)/koogallery (DATABASE_URL);
                 empty: the SQLite file under -data
  -data DIR      data directory of the SQLite file (DATA_DIR; default ./data)
  -base-url URL  public URL of the site, for the link in the mail reset-password sends
                 (BASE_URL; optional)

The schema is created or migrated first, so this works on an empty database. Session and master
keys are not needed.
`

// Exit statuses of the command.
const (
	exitOK    = 0
	exitFail  = 1 // refused or failed: the message says why
	exitUsage = 2 // the command line is wrong
)

// userIO is what the command reads and writes: its standard streams and environment. When
// Stdin is a terminal it implements secretReader.
type userIO struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
}

// userMain runs `server user <args>` and returns the exit status.
func userMain(args []string, std userIO) int {
	if len(args) == 0 {
		io.WriteString(std.Stderr, userUsage)
		return exitUsage
	}
	switch args[0] {
	case "create":
		return userCreate(args[1:], std)
	case "reset-password":
		return userResetPassword(args[1:], std)
	case "-h", "-help", "--help", "help":
		io.WriteString(std.Stdout, userUsage)
		return exitOK
	}
	fmt.Fprintf(std.Stderr, "server user: unknown subcommand %q\n\n%s", args[0], userUsage)
	return exitUsage
}

// dbFlags are the database settings, with the server's flag names and environment variables.
type dbFlags struct {
	dsn, dataDir, baseURL string
}

// userFlags makes a flag set for a subcommand with the database flags. Defaults come from the
// environment after parsing (so usage never prints a DSN with its password).
func userFlags(name string, db *dbFlags) *flag.FlagSet {
	fs := flag.NewFlagSet("server user "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&db.dsn, "db", "", "")
	fs.StringVar(&db.dataDir, "data", "", "")
	fs.StringVar(&db.baseURL, "base-url", "", "")
	return fs
}

// parseUserFlags reads a subcommand's flags; ok is false with the exit status when it should stop.
func parseUserFlags(fs *flag.FlagSet, db *dbFlags, args []string, std userIO) (status int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			io.WriteString(std.Stdout, userUsage)
			return exitOK, false
		}
		fmt.Fprintf(std.Stderr, "%s: %v (server user -h shows the usage)\n", fs.Name(), err)
		return exitUsage, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(std.Stderr, "%s: unexpected argument %q: give values with flags (server user -h shows the usage)\n", fs.Name(), fs.Arg(0))
		return exitUsage, false
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	env := func(flagName, key, def string, v *string) {
		if !set[flagName] {
			*v = std.Getenv(key)
			if *v == "" {
				*v = def
			}
		}
	}
	env("db", "DATABASE_URL", "", &db.dsn)
	env("data", "DATA_DIR", "./data", &db.dataDir)
	env("base-url", "BASE_URL", "", &db.baseURL)
	return 0, true
}

// openAccounts opens and migrates the database the way the server does.
func openAccounts(ctx context.Context, f dbFlags) (*account.Store, func(), error) {
	db, err := sqldb.Open(sqldb.OpenOptions{DSN: f.dsn, DataDir: f.dataDir})
	if err != nil {
		return nil, nil, err
	}
	if err := models.Migrate(ctx, db); err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("migrate: %w", err)
	}
	return account.NewStore(db, f.baseURL), func() { db.Close() }, nil
}

// fieldFlags names the flag (or input) each account field comes from.
var fieldFlags = map[string]string{"email": "-email", "name": "-name", "password": "password"}

// report writes one line per problem: field errors in plain English, anything else as it is.
func report(w io.Writer, cmd string, err error) {
	var fe sqldb.FieldErrors
	if !errors.As(err, &fe) {
		fmt.Fprintf(w, "%s: %v\n", cmd, err)
		return
	}
	fields := make([]string, 0, len(fe))
	for f := range fe {
		fields = append(fields, f)
	}
	sort.Slice(fields, func(i, j int) bool { return fieldOrder(fields[i]) < fieldOrder(fields[j]) })
	for _, f := range fields {
		name := fieldFlags[f]
		if name == "" {
			name = f
		}
		fmt.Fprintf(w, "%s: %s: %s\n", cmd, name, i18n.T(i18n.EN, fe[f]))
	}
}

// fieldOrder lists problems in the order of the command line.
func fieldOrder(f string) int {
	for i, g := range []string{"email", "name", "password"} {
		if f == g {
			return i
		}
	}
	return 99
}

// roles the command creates; a seller needs a company, which only onboarding makes.
var creatableRoles = map[string]account.Role{"admin": account.RoleAdmin, "buyer": account.RoleBuyer}

func userCreate(args []string, std userIO) int {
	const cmd = "server user create"
	var db dbFlags
	var role, email, name, locale string
	fs := userFlags("create", &db)
	fs.StringVar(&role, "role", "", "")
	fs.StringVar(&email, "email", "", "")
	fs.StringVar(&name, "name", "", "")
	fs.StringVar(&locale, "locale", "zh", "")
	if status, ok := parseUserFlags(fs, &db, args, std); !ok {
		return status
	}
	email = strings.TrimSpace(email)
	problems := sqldb.FieldErrors{}
	var plain []string
	r, known := creatableRoles[role]
	switch {
	case role == "":
		plain = append(plain, "-role: give admin or buyer")
	case role == string(account.RoleSeller):
		plain = append(plain, "-role seller: a seller belongs to a company, which only seller onboarding creates; "+
			"create a buyer (or let them sign up) and have them apply at /seller/apply, "+
			"or have the company's owner invite them at /seller/members")
	case !known:
		plain = append(plain, fmt.Sprintf("-role %q: give admin or buyer", role))
	}
	if msg := account.CheckEmail(email); msg != "" {
		problems["email"] = msg
	}
	if msg := account.CheckName(name); msg != "" {
		problems["name"] = msg
	}
	if locale != "zh" && locale != "en" {
		plain = append(plain, fmt.Sprintf("-locale %q: give zh or en (the language of the account's mail)", locale))
	}
	if len(plain) > 0 || problems.Has() {
		for _, p := range plain {
			fmt.Fprintf(std.Stderr, "%s: %s\n", cmd, p)
		}
		if problems.Has() {
			report(std.Stderr, cmd, problems)
		}
		return exitFail
	}

	ctx := context.Background()
	accounts, closeDB, err := openAccounts(ctx, db)
	if err != nil {
		report(std.Stderr, cmd, err)
		return exitFail
	}
	defer closeDB()
	// Refuse a taken address before asking for a password; CreateUser checks again.
	if _, err := accounts.UserByEmail(ctx, email); err == nil {
		report(std.Stderr, cmd, sqldb.FieldErrors{"email": account.MsgEmailTaken})
		return exitFail
	} else if !errors.Is(err, sqldb.ErrNotFound) {
		report(std.Stderr, cmd, err)
		return exitFail
	}
	password, err := readPassword(std, email)
	if err != nil {
		report(std.Stderr, cmd, err)
		return exitFail
	}
	u, err := accounts.CreateUser(ctx, account.NewUser{Email: email, Name: name, Password: password, Role: r, Locale: locale, Verified: true})
	if err != nil {
		report(std.Stderr, cmd, err)
		return exitFail
	}
	fmt.Fprintf(std.Stdout, "created %s account %s (%s, user id %d); its email counts as verified\n", u.Role, u.Email, u.Name, u.ID)
	if db.baseURL != "" {
		fmt.Fprintf(std.Stdout, "sign in at %s/login\n", strings.TrimRight(db.baseURL, "/"))
	}
	return exitOK
}

func userResetPassword(args []string, std userIO) int {
	const cmd = "server user reset-password"
	var db dbFlags
	var email string
	fs := userFlags("reset-password", &db)
	fs.StringVar(&email, "email", "", "")
	if status, ok := parseUserFlags(fs, &db, args, std); !ok {
		return status
	}
	email = strings.TrimSpace(email)
	if email == "" {
		report(std.Stderr, cmd, sqldb.FieldErrors{"email": account.MsgEmailRequired})
		return exitFail
	}
	ctx := context.Background()
	accounts, closeDB, err := openAccounts(ctx, db)
	if err != nil {
		report(std.Stderr, cmd, err)
		return exitFail
	}
	defer closeDB()
	// Refuse an unknown address before asking for a password.
	u, err := accounts.UserByEmail(ctx, email)
	if errors.Is(err, sqldb.ErrNotFound) {
		fmt.Fprintf(std.Stderr, "%s: -email: no account has the email %s\n", cmd, account.NormalizeEmail(email))
		return exitFail
	} else if err != nil {
		report(std.Stderr, cmd, err)
		return exitFail
	}
	password, err := readPassword(std, u.Email)
	if err != nil {
		report(std.Stderr, cmd, err)
		return exitFail
	}
	if u, err = accounts.SetPassword(ctx, u.Email, password); err != nil {
		report(std.Stderr, cmd, err)
		return exitFail
	}
	fmt.Fprintf(std.Stdout, "replaced the password of %s account %s (user id %d); all its sessions ended, "+
		"and a mail telling its owner is in the outbox (a running server sends it)\n", u.Role, u.Email, u.ID)
	if db.baseURL == "" {
		fmt.Fprintln(std.Stderr, "note: BASE_URL (-base-url) is not set, so the mail's link to /password/forgot has no site address")
	}
	return exitOK
}
