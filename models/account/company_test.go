package account_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"koogallery/models/account"
	"koogallery/models/dbtest"
	"koogallery/models/notice"
	"koogallery/models/sqldb"
)

func TestParseRouteAddresses(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string
		msg  string
	}{
		{"", nil, ""},
		{" \n ", nil, ""},
		{"a@x.test", []string{"a@x.test"}, ""},
		{"A@X.test, b@x.test；c@x.test\nd@x.test e@x.test", []string{"a@x.test", "b@x.test", "c@x.test", "d@x.test", "e@x.test"}, ""},
		{"a@x.test,A@X.TEST; a@x.test", []string{"a@x.test"}, ""}, // repeats count once
		{"a@x.test，b@x.test;c@x.test\r\nd@x.test\te@x.test,a@x.test", []string{"a@x.test", "b@x.test", "c@x.test", "d@x.test", "e@x.test"}, ""},
		{"a@x.test b@x.test c@x.test d@x.test e@x.test f@x.test", nil, account.MsgRouteTooMany},
		{"a@x.test, not-an-address", nil, account.MsgRouteInvalid},
		{"a@x.test, Boss <boss@x.test>", nil, account.MsgRouteInvalid},
		{"a@localhost", nil, account.MsgRouteInvalid},
	} {
		got, msg := account.ParseRouteAddresses(tc.text)
		if msg != tc.msg || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseRouteAddresses(%q) = %q, %q; want %q, %q", tc.text, got, msg, tc.want, tc.msg)
		}
	}
}

// recipients reads a category's recipients in a transaction, as features do.
func (e *env) recipients(sellerID uint, cat account.MailCategory) []string {
	e.t.Helper()
	var out []string
	must(e.t, e.db.Gorm().Transaction(func(tx *gorm.DB) error {
		var err error
		out, err = account.Recipients(tx, sellerID, cat)
		return err
	}))
	return out
}

// A company's mail goes to its support address and owners, unless the category has its own
// addresses; call failures always reach the default recipients too.
func testRecipients(e *env) {
	c := e.company("Route")
	o1 := e.owner("o1@route.test", c)
	e.member("dev@route.test", c, account.Developer)
	o2 := e.member("o2@route.test", c, account.Owner, account.Finance)
	other := e.company("Elsewhere")
	must(e.t, e.s.SetMailRoutes(ctx, other.ID, map[account.MailCategory][]string{account.MailRefunds: {"theirs@elsewhere.test"}}))
	def := []string{"support@route.test", o1.Email, o2.Email}
	for _, cat := range account.MailCategories {
		if got := e.recipients(c.ID, cat); !reflect.DeepEqual(got, def) {
			e.t.Fatalf("default recipients of %s: %q, want %q", cat, got, def)
		}
	}
	routes := map[account.MailCategory][]string{
		account.MailRefunds: {"refunds@route.test", "boss@route.test"},
		account.MailCalls:   {"oncall@route.test", "o1@route.test"},
	}
	must(e.t, e.s.SetMailRoutes(ctx, c.ID, routes))
	got, err := e.s.MailRoutes(ctx, c.ID)
	must(e.t, err)
	if !reflect.DeepEqual(got, routes) {
		e.t.Fatalf("routes %v, want %v", got, routes)
	}
	if got := e.recipients(c.ID, account.MailRefunds); !reflect.DeepEqual(got, routes[account.MailRefunds]) {
		e.t.Fatalf("configured refunds recipients %q", got)
	}
	if got, want := e.recipients(c.ID, account.MailCalls), append(def, "oncall@route.test"); !reflect.DeepEqual(got, want) {
		e.t.Fatalf("call-failure recipients %q, want %q", got, want)
	}
	if got := e.recipients(c.ID, account.MailReviews); !reflect.DeepEqual(got, def) {
		e.t.Fatalf("an unconfigured category goes to %q", got)
	}

	// MailSeller queues one mail per recipient.
	before := e.allMails()
	must(e.t, e.db.Gorm().Transaction(func(tx *gorm.DB) error {
		return account.MailSeller(tx, e.db.Now(), c.ID, account.MailCalls, "调用失败", "body")
	}))
	var queued []notice.Mail
	must(e.t, e.db.Gorm().Where("subject = ?", "调用失败").Order("id").Find(&queued).Error)
	var to []string
	for _, m := range queued {
		to = append(to, m.To)
	}
	if want := append(def, "oncall@route.test"); !reflect.DeepEqual(to, want) || e.allMails()-before != int64(len(want)) {
		e.t.Fatalf("call-failure mail to %q, want %q", to, want)
	}

	too := map[account.MailCategory][]string{account.MailSettlement: {"1@r.test", "2@r.test", "3@r.test", "4@r.test", "5@r.test", "6@r.test"}}
	fieldErr(e.t, e.s.SetMailRoutes(ctx, c.ID, too), string(account.MailSettlement), account.MsgRouteTooMany, "six addresses")
	if got, _ := e.s.MailRoutes(ctx, c.ID); !reflect.DeepEqual(got, routes) {
		e.t.Fatalf("a refused change changed the routes: %v", got)
	}
	must(e.t, e.s.SetMailRoutes(ctx, c.ID, nil))
	if got := e.recipients(c.ID, account.MailRefunds); !reflect.DeepEqual(got, def) {
		e.t.Fatalf("after clearing, refunds go to %q", got)
	}
	// Without a support address the owners still get it.
	bare := &account.Seller{Name: "Bare", CreatedAt: e.db.Now()}
	must(e.t, e.db.Gorm().Create(bare).Error)
	o := e.owner("o@bare.test", bare)
	if got := e.recipients(bare.ID, account.MailSupervision); !reflect.DeepEqual(got, []string{o.Email}) {
		e.t.Fatalf("a company without support address: %q", got)
	}
}

func testUpdateSupport(e *env) {
	c := e.company("Support")
	err := e.s.UpdateSupport(ctx, c.ID, account.Support{Email: "bad", Phone: "", Hours: "a\u202eb"})
	for field, msg := range map[string]string{"email": account.MsgEmailInvalid, "phone": account.MsgPhoneRequired, "hours": account.MsgHoursInvalid} {
		fieldErr(e.t, err, field, msg, "bad support details")
	}
	fieldErr(e.t, e.s.UpdateSupport(ctx, c.ID, account.Support{Email: "s@x.test", Phone: "12345", Hours: " "}), "hours", account.MsgHoursRequired, "no hours")
	fieldErr(e.t, e.s.UpdateSupport(ctx, c.ID, account.Support{Email: "s@x.test", Phone: "12345", Hours: strings.Repeat("时", account.MaxSupportHours+1)}),
		"hours", account.MsgHoursInvalid, "long hours")
	must(e.t, e.s.UpdateSupport(ctx, c.ID, account.Support{Email: " Help@Support.TEST ", Phone: " 400-800-1234 ", Hours: " 工作日 9:00-18:00 "}))
	got, err := e.s.SellerByID(ctx, c.ID)
	must(e.t, err)
	if got.SupportEmail != "help@support.test" || got.SupportPhone != "400-800-1234" || got.SupportHours != "工作日 9:00-18:00" {
		e.t.Fatalf("support %+v", got)
	}
	_, err = e.s.SellerByID(ctx, 999999)
	wantErr(e.t, err, sqldb.ErrNotFound, "an unknown company")
}

// The audit log filters by the actor's role and the target type, newest first, 20 a page.
func testAuditLog(e *env) {
	a1 := dbtest.User(e.t, e.db, "a1@audit.test", account.RoleAdmin, 0)
	a2 := dbtest.User(e.t, e.db, "a2@audit.test", account.RoleAdmin, 0)
	s := dbtest.User(e.t, e.db, "s@audit.test", account.RoleSeller, e.company("Audited").ID)
	add := func(actor *account.User, target string, i int) {
		must(e.t, e.db.Gorm().Create(&account.AuditEvent{ActorID: actor.ID, Action: "test.action", TargetType: target, TargetID: uint(i),
			Detail: fmt.Sprintf("%s %d", target, i), Reason: "because", CreatedAt: e.db.Now()}).Error)
		e.clock.Advance(time.Second)
	}
	for i := range 15 {
		add(a1, "test_product", i)
		add(a2, "test_refund", i)
	}
	for i := range 3 {
		add(s, "test_product", 100+i)
	}
	page, err := e.s.AuditLog(ctx, account.AuditFilter{ActorRole: account.RoleAdmin, TargetType: "test_product"})
	must(e.t, err)
	if len(page.Items) != 15 || page.HasNext || page.Items[0].TargetID != 14 || page.Items[14].TargetID != 0 {
		e.t.Fatalf("admins' product decisions: %d items, next %v", len(page.Items), page.HasNext)
	}
	for _, ev := range page.Items {
		if ev.Actor == nil || ev.Actor.ID != a1.ID || ev.TargetType != "test_product" || ev.Reason != "because" {
			e.t.Fatalf("event %+v (actor %+v)", ev, ev.Actor)
		}
	}
	page, err = e.s.AuditLog(ctx, account.AuditFilter{ActorRole: account.RoleSeller})
	must(e.t, err)
	if len(page.Items) != 3 || page.Items[0].TargetID != 102 || page.Items[0].Actor.ID != s.ID {
		e.t.Fatalf("sellers' decisions: %+v", page.Items)
	}
	page, err = e.s.AuditLog(ctx, account.AuditFilter{TargetType: "test_refund"})
	must(e.t, err)
	if len(page.Items) != 15 || page.Items[0].ActorID != a2.ID {
		e.t.Fatalf("refund decisions: %d", len(page.Items))
	}
	// Paging over every test event: 33 of them, newest first.
	var seen []uint
	for n := 1; ; n++ {
		page, err := e.s.AuditLog(ctx, account.AuditFilter{ActorRole: account.RoleAdmin, Page: n})
		must(e.t, err)
		if page.Number != n || page.HasPrev() != (n > 1) {
			e.t.Fatalf("page %d: number %d, prev %v", n, page.Number, page.HasPrev())
		}
		if n == 1 && len(page.Items) != sqldb.PageSize {
			e.t.Fatalf("first page of %d", len(page.Items))
		}
		for i, ev := range page.Items {
			if i > 0 && ev.CreatedAt.After(page.Items[i-1].CreatedAt) {
				e.t.Fatal("not newest first")
			}
			if strings.HasPrefix(ev.TargetType, "test_") {
				seen = append(seen, ev.ID)
			}
		}
		if !page.HasNext {
			break
		}
	}
	if len(seen) != 30 {
		e.t.Fatalf("paged through %d admin test events, want 30", len(seen))
	}
	types, err := e.s.AuditTargetTypes(ctx)
	must(e.t, err)
	var mine []string
	for _, tt := range types {
		if strings.HasPrefix(tt, "test_") {
			mine = append(mine, tt)
		}
	}
	if !reflect.DeepEqual(mine, []string{"test_product", "test_refund"}) {
		e.t.Fatalf("target types %q", types)
	}
}

func TestCompanies(t *testing.T) {
	suite(t,
		tc{Name: "Recipients", Fn: testRecipients},
		tc{Name: "UpdateSupport", Fn: testUpdateSupport},
		tc{Name: "AuditLog", Fn: testAuditLog},
	)
}
