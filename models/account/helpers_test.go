package account_test

import (
	"context"
	"errors"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"koogallery/i18n"
	"koogallery/models/account"
	"koogallery/models/dbtest"
	"koogallery/models/notice"
	"koogallery/models/sqldb"
)

var ctx = context.Background()

// baseURL is the site address the tests' mails link to.
const baseURL = "https://kg.test"

// env is one test's database, account store and clock.
type env struct {
	t     *testing.T
	db    *sqldb.DB
	s     *account.Store
	clock *dbtest.Clock
}

// tc is one case of a suite.
type tc = dbtest.Case[*env]

// suite runs its cases in order on one fresh database of each dialect, each case with a store
// of its own (dbtest.Suite). Cases keep apart by using their own addresses and client
// addresses; the clock only moves forward.
func suite(t *testing.T, cases ...tc) {
	dbtest.Suite(t, func(t *testing.T, db *sqldb.DB, clock *dbtest.Clock) *env {
		return &env{t: t, db: db, s: account.NewStore(db, baseURL), clock: clock}
	}, cases...)
}

// secondProcess is another server process's store on the same database.
func (e *env) secondProcess() *account.Store { return account.NewStore(e.db, baseURL) }

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// wantErr fails unless errors.Is(err, want).
func wantErr(t testing.TB, err, want error, what string) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: got %v, want %v", what, err, want)
	}
}

// fieldErr fails unless err is a sqldb.FieldErrors with msg on field.
func fieldErr(t testing.TB, err error, field, msg, what string) {
	t.Helper()
	var fe sqldb.FieldErrors
	if !errors.As(err, &fe) {
		t.Fatalf("%s: got %v, want a field error %s=%s", what, err, field, msg)
	}
	if fe[field] != msg {
		t.Fatalf("%s: field errors %v, want %s=%s", what, fe, field, msg)
	}
}

// mails are the mails queued to an address, oldest first.
func (e *env) mails(to string) []notice.Mail {
	e.t.Helper()
	var out []notice.Mail
	must(e.t, e.db.Gorm().Where("`to` = ?", to).Order("id").Find(&out).Error)
	return out
}

// allMails counts every queued mail.
func (e *env) allMails() int64 {
	e.t.Helper()
	var n int64
	must(e.t, e.db.Gorm().Model(&notice.Mail{}).Count(&n).Error)
	return n
}

// subject is the subject of the account mail named key in Chinese (the accounts' language).
func subject(key string) string { return "[KooGallery] " + i18n.T("zh", "mail."+key+".subject") }

// mailsOf are the mails of one kind to an address.
func (e *env) mailsOf(to, key string) []notice.Mail {
	e.t.Helper()
	var out []notice.Mail
	for _, m := range e.mails(to) {
		if m.Subject == subject(key) {
			out = append(out, m)
		}
	}
	return out
}

var tokenRe = regexp.MustCompile(`token=([A-Za-z0-9_%.~-]+)`)

// linkToken is the secret of the link to path that the newest mail of a kind to an address carries.
func (e *env) linkToken(to, key, path string) string {
	e.t.Helper()
	ms := e.mailsOf(to, key)
	if len(ms) == 0 {
		e.t.Fatalf("no %s mail to %s", key, to)
	}
	body := ms[len(ms)-1].Body
	i := strings.Index(body, baseURL+path+"?token=")
	if i < 0 {
		e.t.Fatalf("the %s mail to %s has no link to %s:\n%s", key, to, path, body)
	}
	m := tokenRe.FindStringSubmatch(body[i:])
	raw, err := url.QueryUnescape(m[1])
	must(e.t, err)
	return raw
}

// count counts rows of a model matching a condition.
func (e *env) count(model any, where string, args ...any) int64 {
	e.t.Helper()
	var n int64
	must(e.t, e.db.Gorm().Model(model).Where(where, args...).Count(&n).Error)
	return n
}

// user reloads an account.
func (e *env) user(id uint) *account.User {
	e.t.Helper()
	u, err := e.s.UserByID(ctx, id)
	must(e.t, err)
	return u
}

// company creates a seller company with a support address.
func (e *env) company(name string) *account.Seller {
	e.t.Helper()
	c := &account.Seller{Name: name, SupportEmail: "support@" + strings.ToLower(name) + ".test", CreatedAt: e.db.Now()}
	must(e.t, e.db.Gorm().Create(c).Error)
	return c
}

// owner creates a company's owner, loaded with the company.
func (e *env) owner(email string, c *account.Seller) *account.User {
	e.t.Helper()
	return e.user(dbtest.User(e.t, e.db, email, account.RoleSeller, c.ID).ID)
}

// member creates a member of a company with roles.
func (e *env) member(email string, c *account.Seller, roles ...account.MemberRole) *account.User {
	e.t.Helper()
	u := dbtest.User(e.t, e.db, email, account.RoleSeller, c.ID)
	must(e.t, e.db.Gorm().Model(u).Update("seller_roles", account.NewMemberRoles(roles...)).Error)
	return e.user(u.ID)
}

// login starts a session for u and returns its cookie value and session id.
func (e *env) login(s *account.Store, u *account.User) (string, uint) {
	e.t.Helper()
	tok, err := s.StartSession(ctx, u, "192.0.2.10", "Mozilla/5.0 test")
	must(e.t, err)
	r, err := s.Resume(ctx, tok)
	must(e.t, err)
	return tok, r.Session.ID
}

// concurrently and tally are dbtest's, named short for the many races below.
var (
	concurrently = dbtest.Concurrently
	tally        = dbtest.Tally
)
