package onboarding_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"koogallery/i18n"
	"koogallery/models/account"
	"koogallery/models/attachment"
	"koogallery/models/dbtest"
	"koogallery/models/notice"
	"koogallery/models/onboarding"
	"koogallery/models/sqldb"
)

var ctx = context.Background()

const baseURL = "https://kg.test"

// env is one case's database, stores and clock.
type env struct {
	t     *testing.T
	db    *sqldb.DB
	acc   *account.Store
	s     *onboarding.Store
	clock *dbtest.Clock
}

type tc = dbtest.Case[*env]

// suite runs its cases in order on one fresh database of each dialect, each case with stores
// of its own (dbtest.Suite); cases keep apart by their own accounts and companies.
func suite(t *testing.T, cases ...tc) {
	dbtest.Suite(t, func(t *testing.T, db *sqldb.DB, clock *dbtest.Clock) *env {
		acc := account.NewStore(db, baseURL)
		return &env{t: t, db: db, acc: acc, s: onboarding.NewStore(db, acc, baseURL), clock: clock}
	}, cases...)
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantErr(t testing.TB, err, want error, what string) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: got %v, want %v", what, err, want)
	}
}

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

// uscc is a valid 统一社会信用代码 numbered n.
func uscc(n int) string {
	prefix := fmt.Sprintf("9132050%010d", n)
	for _, c := range "0123456789ABCDEFGHJKLMNPQRTUWXY" {
		if code := prefix + string(c); onboarding.USCCValid(code) {
			return code
		}
	}
	panic("no check character")
}

func png(name string) *attachment.Upload {
	return &attachment.Upload{Name: name, Data: []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00")}
}

func pdf(name string) *attachment.Upload {
	return &attachment.Upload{Name: name, Data: []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")}
}

// good is a complete application for company n.
func good(n int) onboarding.Input {
	return onboarding.Input{CompanyName: fmt.Sprintf("测试科技%02d有限公司", n), USCC: uscc(n), ContactName: "王经理", ContactPhone: "13800000000",
		ContactEmail: "wang@corp.test", SupportEmail: "help@corp.test", SupportPhone: "400-800-0000", SupportHours: "工作日 9:00-18:00",
		Agreed: true, License: png("营业执照.png")}
}

func (e *env) user(id uint) *account.User {
	e.t.Helper()
	u, err := e.acc.UserByID(ctx, id)
	must(e.t, err)
	return u
}

func (e *env) buyer(email string) *account.User {
	e.t.Helper()
	return e.user(dbtest.User(e.t, e.db, email, account.RoleBuyer, 0).ID)
}

func (e *env) admin(email string) *account.User {
	e.t.Helper()
	return e.user(dbtest.User(e.t, e.db, email, account.RoleAdmin, 0).ID)
}

// company registers a seller company with a code and its owner (loaded with the company).
func (e *env) company(name, code, ownerEmail string) (*account.Seller, *account.User) {
	e.t.Helper()
	c := &account.Seller{Name: name, ContactName: "联系人", ContactEmail: "contact@" + ownerEmail[strings.Index(ownerEmail, "@")+1:],
		ContactPhone: "13900000000", SupportEmail: "support@co.test", SupportPhone: "400-100-2000", SupportHours: "7x24", CreatedAt: e.db.Now()}
	if code != "" {
		c.USCC = &code
	}
	must(e.t, e.db.Gorm().Create(c).Error)
	return c, e.user(dbtest.User(e.t, e.db, ownerEmail, account.RoleSeller, c.ID).ID)
}

func (e *env) submit(u *account.User, in onboarding.Input) *onboarding.Application {
	e.t.Helper()
	app, err := e.s.Submit(ctx, u, in)
	must(e.t, err)
	return app
}

func (e *env) detail(id uint) *onboarding.Detail {
	e.t.Helper()
	d, err := e.s.ForAdmin(ctx, id)
	must(e.t, err)
	return d
}

func (e *env) count(model any, where string, args ...any) int64 {
	e.t.Helper()
	var n int64
	must(e.t, e.db.Gorm().Model(model).Where(where, args...).Count(&n).Error)
	return n
}

// mails are the mails of one kind (mail.<key>) to an address, in Chinese.
func (e *env) mails(to, key string) []notice.Mail {
	e.t.Helper()
	var out []notice.Mail
	must(e.t, e.db.Gorm().Where("`to` = ? AND subject = ?", to, "[KooGallery] "+i18n.T("zh", "mail."+key+".subject")).Order("id").Find(&out).Error)
	return out
}

// notices counts a user's in-site messages of a kind.
func (e *env) notices(userID uint, kind string) int64 {
	return e.count(&notice.Notice{}, "user_id = ? AND kind = ?", userID, kind)
}

// told fails unless the user got exactly n in-site messages and n mails of kind.
func (e *env) told(u *account.User, kind string, n int) {
	e.t.Helper()
	if got, mails := e.notices(u.ID, kind), len(e.mails(u.Email, kind)); got != int64(n) || mails != n {
		e.t.Fatalf("%s: %d notices and %d mails of %s, want %d", u.Email, got, mails, kind, n)
	}
}

// events lists an application's event actions.
func (e *env) events(appID uint) []string {
	e.t.Helper()
	var out []string
	must(e.t, e.db.Gorm().Model(&onboarding.Event{}).Where("application_id = ?", appID).Order("id").Pluck("action", &out).Error)
	return out
}

// audits counts audit events of an action on an application.
func (e *env) audits(appID uint, action string) int64 {
	return e.count(&account.AuditEvent{}, "target_type = ? AND target_id = ? AND action = ?", onboarding.AuditApplication, appID, action)
}

// concurrently and tally are dbtest's, named short for the races below.
var (
	concurrently = dbtest.Concurrently
	tally        = dbtest.Tally
)
