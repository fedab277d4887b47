package onboarding_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"koogallery/models/account"
	"koogallery/models/attachment"
	"koogallery/models/onboarding"
	"koogallery/models/sqldb"
)

func testSubmit(e *env) {
	b := e.buyer("applicant@apply.test")
	in := good(1)
	in.ContactEmail = " Wang@Corp.TEST "
	app := e.submit(b, in)
	if app.Kind != onboarding.KindJoin || app.Status != onboarding.StatusPending || app.ApplicantID != b.ID || app.CompanyName != in.CompanyName ||
		app.USCC != in.USCC || app.ContactEmail != "wang@corp.test" || app.AgreementVersion != onboarding.AgreementVersion ||
		!app.SubmittedAt.Equal(e.db.Now()) || !app.AgreedAt.Equal(e.db.Now()) || app.LicenseID == 0 || app.SellerID != nil {
		e.t.Fatalf("application %+v", app)
	}
	var att attachment.Attachment
	must(e.t, e.db.Gorm().First(&att, app.LicenseID).Error)
	if att.OwnerKind != onboarding.AttachLicense || att.OwnerID != app.ID || att.UploaderID != b.ID || att.ContentType != "image/png" || att.FileName != "营业执照.png" {
		e.t.Fatalf("licence %+v", att)
	}
	if ev := e.events(app.ID); !reflect.DeepEqual(ev, []string{onboarding.EventSubmitted}) {
		e.t.Fatalf("events %v", ev)
	}
	e.told(b, "apply_submitted", 1)
	d := e.detail(app.ID)
	if d.License == nil || d.License.ID != app.LicenseID || len(d.Events) != 1 || d.Events[0].Actor == nil || d.Events[0].Actor.ID != b.ID ||
		d.Applicant == nil || d.Applicant.ID != b.ID {
		e.t.Fatalf("detail %+v", d)
	}
	latest, err := e.s.Latest(ctx, b.ID, onboarding.KindJoin, 0)
	must(e.t, err)
	if latest.ID != app.ID {
		e.t.Fatalf("latest %d", latest.ID)
	}

	// One open application per applicant.
	_, err = e.s.Submit(ctx, b, good(2))
	wantErr(e.t, err, onboarding.ErrOpen, "a second application")
	if n := e.count(&onboarding.Application{}, "applicant_id = ?", b.ID); n != 1 {
		e.t.Fatalf("%d applications", n)
	}
	// Sellers and admins do not apply; bad forms store nothing.
	_, seller := e.company("已入驻科技有限公司", uscc(3), "owner@registered.test")
	for _, u := range []*account.User{seller, e.admin("admin@apply.test")} {
		_, err := e.s.Submit(ctx, u, good(4))
		wantErr(e.t, err, account.ErrNotEligible, u.Email+" applying")
	}
	other := e.buyer("careless@apply.test")
	bad := good(5)
	bad.USCC, bad.Agreed = "91350100M000100Y44", false
	_, err = e.s.Submit(ctx, other, bad)
	fieldErr(e.t, err, "uscc", onboarding.MsgUSCCCheck, "a wrong code")
	fieldErr(e.t, err, "agree", onboarding.MsgAgreeRequired, "not agreed")
	if n := e.count(&onboarding.Application{}, "applicant_id = ?", other.ID); n != 0 || e.notices(other.ID, "apply_submitted") != 0 {
		e.t.Fatal("a refused application was stored")
	}
	_, err = e.s.ForAdmin(ctx, 999999)
	wantErr(e.t, err, sqldb.ErrNotFound, "an unknown application")
	_, err = e.s.Latest(ctx, other.ID, onboarding.KindJoin, 0)
	wantErr(e.t, err, sqldb.ErrNotFound, "the latest of someone who never applied")
}

// Two submissions at once (a double click) file one application.
func testSubmitRace(e *env) {
	b := e.buyer("double@apply.test")
	errs := concurrently(2, func(i int) error {
		_, err := e.s.Submit(ctx, b, good(10+i))
		return err
	})
	if got := tally(errs, onboarding.ErrOpen); got["ok"] != 1 || got[onboarding.ErrOpen.Error()] != 1 {
		e.t.Fatalf("two submissions: %v", got)
	}
	if n := e.count(&onboarding.Application{}, "applicant_id = ?", b.ID); n != 1 {
		e.t.Fatalf("%d applications", n)
	}
	if n := e.count(&attachment.Attachment{}, "owner_kind = ? AND uploader_id = ?", onboarding.AttachLicense, b.ID); n != 1 {
		e.t.Fatalf("%d licences stored", n)
	}
}

// A registered company's name or code, or those of someone else's open application, are refused.
func testSubmitTaken(e *env) {
	admin := e.admin("taken-admin@apply.test")
	reg, _ := e.company("已注册科技有限公司", uscc(20), "owner@taken.test")
	b := e.buyer("late@apply.test")
	in := good(21)
	in.CompanyName = reg.Name
	_, err := e.s.Submit(ctx, b, in)
	fieldErr(e.t, err, "company", onboarding.MsgCompanyTaken, "a registered name")
	// Names compare ignoring case on both databases (MySQL's unique index does).
	latin, _ := e.company("Acme Cloud Ltd", uscc(26), "owner@acme.test")
	in = good(27)
	in.CompanyName = strings.ToUpper(latin.Name)
	_, err = e.s.Submit(ctx, b, in)
	fieldErr(e.t, err, "company", onboarding.MsgCompanyTaken, "a registered name in other case")
	in = good(22)
	in.USCC = *reg.USCC
	_, err = e.s.Submit(ctx, b, in)
	fieldErr(e.t, err, "uscc", onboarding.MsgUSCCTaken, "a registered code")

	first := e.submit(e.buyer("first@apply.test"), good(23))
	in = good(24)
	in.CompanyName = good(23).CompanyName
	_, err = e.s.Submit(ctx, b, in)
	fieldErr(e.t, err, "company", onboarding.MsgCompanyTaken, "the name of an open application")
	in = good(25)
	in.USCC = strings.ToLower(good(23).USCC)
	_, err = e.s.Submit(ctx, b, in)
	fieldErr(e.t, err, "uscc", onboarding.MsgUSCCTaken, "the code of an open application")
	if n := e.count(&onboarding.Application{}, "applicant_id = ?", b.ID); n != 0 {
		e.t.Fatal("a refused application was stored")
	}
	// Once the other application is rejected its name and code are free again.
	must(e.t, e.s.Reject(ctx, admin, first.ID, "材料不实"))
	e.submit(b, good(23))
}

// Operations ask for more information, the applicant answers (with or without a new licence),
// operations approve: the company exists and the applicant owns it. Every step is told.
func testReviewFlow(e *env) {
	admin := e.admin("reviewer@apply.test")
	b := e.buyer("flow@apply.test")
	app := e.submit(b, good(30))
	firstLicence := app.LicenseID

	var err error
	fieldErr(e.t, e.s.RequestInfo(ctx, admin, app.ID, "  "), "note", onboarding.MsgNoteRequired, "asking for nothing")
	fieldErr(e.t, e.s.RequestInfo(ctx, admin, app.ID, strings.Repeat("补", onboarding.MaxNote+1)), "note", onboarding.MsgNoteTooLong, "a long request")
	e.clock.Advance(time.Hour)
	must(e.t, e.s.RequestInfo(ctx, admin, app.ID, " 请上传清晰的营业执照 "))
	d := e.detail(app.ID)
	if d.Status != onboarding.StatusNeedsInfo || d.Note != "请上传清晰的营业执照" || d.DecidedAt != nil {
		e.t.Fatalf("after the request: %+v", d.Application)
	}
	e.told(b, "apply_info_requested", 1)
	if m := e.mails(b.Email, "apply_info_requested"); !strings.Contains(m[0].Body, "请上传清晰的营业执照") {
		e.t.Fatalf("the mail does not say what is needed:\n%s", m[0].Body)
	}
	if n := e.audits(app.ID, "seller."+onboarding.EventInfo); n != 1 {
		e.t.Fatalf("%d audit events of the request", n)
	}
	wantErr(e.t, e.s.Approve(ctx, admin, app.ID, ""), sqldb.ErrStale, "approving while waiting for the applicant")
	wantErr(e.t, e.s.Reject(ctx, admin, app.ID, "不行"), sqldb.ErrStale, "rejecting while waiting for the applicant")

	in := good(30)
	in.ContactName, in.License = "李经理", nil
	wantErr(e.t, e.s.Resubmit(ctx, e.buyer("intruder@apply.test"), app.ID, in), sqldb.ErrNotFound, "someone else resubmitting")
	bad := in
	bad.ContactPhone = ""
	fieldErr(e.t, e.s.Resubmit(ctx, b, app.ID, bad), "contact_phone", onboarding.MsgPhoneRequired, "a resubmission without phone")
	e.clock.Advance(time.Hour)
	must(e.t, e.s.Resubmit(ctx, b, app.ID, in))
	d = e.detail(app.ID)
	if d.Status != onboarding.StatusPending || d.ContactName != "李经理" || d.LicenseID != firstLicence || !d.SubmittedAt.Equal(e.db.Now()) {
		e.t.Fatalf("after resubmitting: %+v", d.Application)
	}
	e.told(b, "apply_resubmitted", 1)
	wantErr(e.t, e.s.Resubmit(ctx, b, app.ID, in), sqldb.ErrStale, "resubmitting a pending application")

	must(e.t, e.s.RequestInfo(ctx, admin, app.ID, "营业执照已过期"))
	in.License = pdf("新执照.pdf")
	must(e.t, e.s.Resubmit(ctx, b, app.ID, in))
	d = e.detail(app.ID)
	if d.LicenseID == firstLicence || d.License == nil || d.License.ContentType != "application/pdf" || d.License.OwnerID != app.ID {
		e.t.Fatalf("the new licence: %+v", d.License)
	}
	e.told(b, "apply_info_requested", 2)
	e.told(b, "apply_resubmitted", 2)

	tok, err := e.acc.StartSession(ctx, b, "192.0.2.1", "test")
	must(e.t, err)
	e.clock.Advance(time.Hour)
	must(e.t, e.s.Approve(ctx, admin, app.ID, ""))
	d = e.detail(app.ID)
	if d.Status != onboarding.StatusApproved || d.ReviewerID == nil || *d.ReviewerID != admin.ID || d.DecidedAt == nil ||
		!d.DecidedAt.Equal(e.db.Now()) || d.SellerID == nil {
		e.t.Fatalf("approved %+v", d.Application)
	}
	want := []string{onboarding.EventSubmitted, onboarding.EventInfo, onboarding.EventResubmitted, onboarding.EventInfo, onboarding.EventResubmitted, onboarding.EventApproved}
	if ev := e.events(app.ID); !reflect.DeepEqual(ev, want) {
		e.t.Fatalf("events %v", ev)
	}
	sel, err := e.acc.SellerByID(ctx, *d.SellerID)
	must(e.t, err)
	if sel.Name != in.CompanyName || sel.USCC == nil || *sel.USCC != in.USCC || sel.ContactName != "李经理" || sel.SupportEmail != "help@corp.test" ||
		sel.SupportPhone != "400-800-0000" || sel.SupportHours != "工作日 9:00-18:00" {
		e.t.Fatalf("seller %+v", sel)
	}
	u := e.user(b.ID)
	if u.Role != account.RoleSeller || u.SellerID == nil || *u.SellerID != sel.ID || u.SellerRoles != account.NewMemberRoles(account.Owner) ||
		u.AuthVersion != b.AuthVersion+1 || !u.Can(account.Finance) {
		e.t.Fatalf("the applicant after approval: %+v", u)
	}
	if n := e.audits(app.ID, "seller."+onboarding.EventApproved); n != 1 {
		e.t.Fatalf("%d audit events of the approval", n)
	}
	e.told(b, "apply_submitted", 1)
	e.told(b, "apply_approved", 1)
	r, err := e.acc.Resume(ctx, tok)
	must(e.t, err)
	if r.NewToken == "" || r.User.Role != account.RoleSeller {
		e.t.Fatalf("the applicant's session after approval: new id %v, role %s", r.NewToken != "", r.User.Role)
	}
	wantErr(e.t, e.s.Approve(ctx, admin, app.ID, ""), sqldb.ErrStale, "approving twice")
	wantErr(e.t, e.s.Reject(ctx, admin, app.ID, "迟了"), sqldb.ErrStale, "rejecting an approved application")
	wantErr(e.t, e.s.Approve(ctx, admin, 999999, ""), sqldb.ErrNotFound, "approving nothing")
	_, err = e.s.Submit(ctx, u, good(31))
	wantErr(e.t, err, account.ErrNotEligible, "applying again as a seller")
}

// Two admins approving at once make one seller; approve and reject at once, one of them.
func testApproveRace(e *env) {
	admins := []*account.User{e.admin("a1@race.test"), e.admin("a2@race.test")}
	b := e.buyer("race@apply.test")
	app := e.submit(b, good(40))
	errs := concurrently(2, func(i int) error { return e.s.Approve(ctx, admins[i], app.ID, "") })
	if got := tally(errs, sqldb.ErrStale); got["ok"] != 1 || got[sqldb.ErrStale.Error()] != 1 {
		e.t.Fatalf("two approvals: %v", got)
	}
	if n := e.count(&account.Seller{}, "name = ?", app.CompanyName); n != 1 {
		e.t.Fatalf("%d sellers", n)
	}
	if n := e.audits(app.ID, "seller."+onboarding.EventApproved); n != 1 {
		e.t.Fatalf("%d approval audit events", n)
	}
	if u := e.user(b.ID); u.AuthVersion != b.AuthVersion+1 {
		e.t.Fatalf("auth version %d, was %d", u.AuthVersion, b.AuthVersion)
	}
	e.told(b, "apply_approved", 1)

	b2 := e.buyer("race2@apply.test")
	app2 := e.submit(b2, good(41))
	errs = concurrently(2, func(i int) error {
		if i == 0 {
			return e.s.Approve(ctx, admins[0], app2.ID, "")
		}
		return e.s.Reject(ctx, admins[1], app2.ID, "不符合要求")
	})
	if got := tally(errs, sqldb.ErrStale); got["ok"] != 1 || got[sqldb.ErrStale.Error()] != 1 {
		e.t.Fatalf("approve and reject at once: %v", got)
	}
	d := e.detail(app2.ID)
	sellers := e.count(&account.Seller{}, "name = ?", app2.CompanyName)
	if (errs[0] == nil) != (d.Status == onboarding.StatusApproved) || (d.Status == onboarding.StatusApproved) != (sellers == 1) {
		e.t.Fatalf("status %s with %d sellers after %v", d.Status, sellers, errs)
	}
}

// A name or code registered while the application waited: the approval applies nothing.
func testApproveTaken(e *env) {
	admin := e.admin("taken@review.test")
	for i, clash := range []string{"uscc", "name"} {
		b := e.buyer(clash + "@late.test")
		in := good(50 + i)
		app := e.submit(b, in)
		code, name := uscc(60+i), "抢先注册"+clash+"有限公司"
		if clash == "uscc" {
			code = in.USCC
		} else {
			name = in.CompanyName
		}
		must(e.t, e.db.Gorm().Create(&account.Seller{Name: name, USCC: &code, CreatedAt: e.db.Now()}).Error)
		wantErr(e.t, e.s.Approve(ctx, admin, app.ID, ""), onboarding.ErrTaken, "approving with the "+clash+" taken")
		d := e.detail(app.ID)
		if d.Status != onboarding.StatusPending || d.ReviewerID != nil || d.DecidedAt != nil || d.SellerID != nil {
			e.t.Fatalf("%s: the application changed: %+v", clash, d.Application)
		}
		if u := e.user(b.ID); u.Role != account.RoleBuyer || u.SellerID != nil || u.AuthVersion != b.AuthVersion {
			e.t.Fatalf("%s: the applicant changed: %+v", clash, u)
		}
		if n := e.count(&account.Seller{}, "name = ? OR uscc = ?", in.CompanyName, in.USCC); n != 1 {
			e.t.Fatalf("%s: %d sellers with the name or code", clash, n)
		}
		if e.audits(app.ID, "seller."+onboarding.EventApproved) != 0 || len(e.events(app.ID)) != 1 {
			e.t.Fatalf("%s: an approval was recorded", clash)
		}
		e.told(b, "apply_approved", 0)
		must(e.t, e.s.Reject(ctx, admin, app.ID, "企业已注册"))
	}
	// An applicant who joined a company meanwhile.
	b := e.buyer("joined@late.test")
	app := e.submit(b, good(55))
	c, _ := e.company("别的公司有限公司", "", "boss@late.test")
	must(e.t, e.db.Gorm().Model(b).Updates(map[string]any{"role": account.RoleSeller, "seller_id": c.ID, "seller_roles": "finance"}).Error)
	wantErr(e.t, e.s.Approve(ctx, admin, app.ID, ""), onboarding.ErrApplicantChanged, "approving for a changed applicant")
	if d := e.detail(app.ID); d.Status != onboarding.StatusPending || e.count(&account.Seller{}, "name = ?", app.CompanyName) != 0 {
		e.t.Fatalf("applied: %+v", d.Application)
	}
}

func testReject(e *env) {
	admin := e.admin("rejecter@review.test")
	b := e.buyer("rejected@apply.test")
	app := e.submit(b, good(70))
	fieldErr(e.t, e.s.Reject(ctx, admin, app.ID, ""), "note", onboarding.MsgNoteRequired, "a rejection without reason")
	fieldErr(e.t, e.s.Reject(ctx, admin, app.ID, strings.Repeat("不", onboarding.MaxNote+1)), "note", onboarding.MsgNoteTooLong, "a long reason")
	must(e.t, e.s.Reject(ctx, admin, app.ID, "营业执照与企业名称不符"))
	d := e.detail(app.ID)
	if d.Status != onboarding.StatusRejected || d.Note != "营业执照与企业名称不符" || d.ReviewerID == nil || *d.ReviewerID != admin.ID || d.DecidedAt == nil {
		e.t.Fatalf("rejected %+v", d.Application)
	}
	e.told(b, "apply_rejected", 1)
	if m := e.mails(b.Email, "apply_rejected"); !strings.Contains(m[0].Body, "营业执照与企业名称不符") {
		e.t.Fatalf("the mail has no reason:\n%s", m[0].Body)
	}
	if n := e.count(&account.AuditEvent{}, "target_type = ? AND target_id = ? AND action = ? AND reason = ? AND actor_id = ?",
		onboarding.AuditApplication, app.ID, "seller.rejected", "营业执照与企业名称不符", admin.ID); n != 1 {
		e.t.Fatalf("%d audit events of the rejection", n)
	}
	wantErr(e.t, e.s.Resubmit(ctx, b, app.ID, good(70)), sqldb.ErrStale, "resubmitting a rejected application")
	again := e.submit(b, good(70)) // a rejected applicant may apply again
	if again.ID == app.ID {
		e.t.Fatal("the rejected application was reused")
	}
}

// A company's change of legal name or code waits for review, and may be asked about.
func testSubmitChange(e *env) {
	admin := e.admin("changes@review.test")
	c, o := e.company("旧名称科技有限公司", uscc(80), "owner@change.test")
	member := e.user(e.buyer("member@change.test").ID)
	must(e.t, e.db.Gorm().Model(member).Updates(map[string]any{"role": account.RoleSeller, "seller_id": c.ID, "seller_roles": "developer"}).Error)
	member = e.user(member.ID)
	e.company("别家科技有限公司", uscc(81), "owner@other-change.test")

	for _, u := range []*account.User{member, e.buyer("buyer@change.test")} {
		_, err := e.s.SubmitChange(ctx, u, "新名称科技有限公司", uscc(80), png("x.png"))
		wantErr(e.t, err, account.ErrNotEligible, u.Email+" changing the company")
	}
	_, err := e.s.SubmitChange(ctx, o, " 旧名称科技有限公司 ", strings.ToLower(uscc(80)), png("x.png"))
	fieldErr(e.t, err, "company", onboarding.MsgNothingChanged, "no change")
	_, err = e.s.SubmitChange(ctx, o, "新名称科技有限公司", uscc(80), nil)
	fieldErr(e.t, err, "license", onboarding.MsgLicenseRequired, "a change without licence")
	_, err = e.s.SubmitChange(ctx, o, "别家科技有限公司", uscc(80), png("x.png"))
	fieldErr(e.t, err, "company", onboarding.MsgCompanyTaken, "another company's name")
	_, err = e.s.SubmitChange(ctx, o, c.Name, uscc(81), png("x.png"))
	fieldErr(e.t, err, "uscc", onboarding.MsgUSCCTaken, "another company's code")

	app, err := e.s.SubmitChange(ctx, o, "新名称科技有限公司", uscc(80), png("变更.png"))
	must(e.t, err)
	if app.Kind != onboarding.KindChange || app.SellerID == nil || *app.SellerID != c.ID || app.Status != onboarding.StatusPending ||
		app.ContactName != c.ContactName || app.SupportHours != c.SupportHours {
		e.t.Fatalf("change %+v", app)
	}
	e.told(o, "change_submitted", 1)
	_, err = e.s.SubmitChange(ctx, o, "又一个名称有限公司", uscc(80), png("x.png"))
	wantErr(e.t, err, onboarding.ErrOpen, "a second change")
	if sel, _ := e.acc.SellerByID(ctx, c.ID); sel.Name != c.Name {
		e.t.Fatalf("renamed before approval: %s", sel.Name)
	}
	must(e.t, e.s.Approve(ctx, admin, app.ID, "已核实"))
	sel, err := e.acc.SellerByID(ctx, c.ID)
	must(e.t, err)
	if sel.Name != "新名称科技有限公司" || *sel.USCC != uscc(80) {
		e.t.Fatalf("after approval %+v", sel)
	}
	e.told(o, "change_approved", 1)
	if u := e.user(o.ID); u.Role != account.RoleSeller || !u.Can(account.Owner) {
		e.t.Fatalf("the owner after the change: %+v", u)
	}
	latest, err := e.s.Latest(ctx, member.ID, onboarding.KindChange, c.ID)
	must(e.t, err)
	if latest.ID != app.ID {
		e.t.Fatalf("the company's latest change %d", latest.ID)
	}

	// Asked for more, the owner answers that change (a new one is refused while it waits).
	o = e.user(o.ID)
	next, err := e.s.SubmitChange(ctx, o, sel.Name, uscc(82), png("变更2.png"))
	must(e.t, err)
	must(e.t, e.s.RequestInfo(ctx, admin, next.ID, "请上传变更通知书"))
	e.told(o, "change_info_requested", 1)
	_, err = e.s.SubmitChange(ctx, o, sel.Name, uscc(82), pdf("变更通知书.pdf"))
	wantErr(e.t, err, onboarding.ErrOpen, "a new change while one waits for the company")
	must(e.t, e.s.ResubmitChange(ctx, o, next.ID, sel.Name, uscc(82), pdf("变更通知书.pdf")))
	d := e.detail(next.ID)
	if d.Status != onboarding.StatusPending || d.License == nil || d.License.ContentType != "application/pdf" {
		e.t.Fatalf("the answer: application %+v", d.Application)
	}
	if ev := e.events(next.ID); !reflect.DeepEqual(ev, []string{onboarding.EventSubmitted, onboarding.EventInfo, onboarding.EventResubmitted}) {
		e.t.Fatalf("events %v", ev)
	}
	e.told(o, "change_resubmitted", 1)
	must(e.t, e.s.Approve(ctx, admin, next.ID, ""))
	if sel, _ := e.acc.SellerByID(ctx, c.ID); *sel.USCC != uscc(82) {
		e.t.Fatalf("code after the second change: %s", *sel.USCC)
	}

	// A name registered meanwhile: the change is not applied.
	o = e.user(o.ID)
	late, err := e.s.SubmitChange(ctx, o, "第三个名称有限公司", uscc(82), png("x.png"))
	must(e.t, err)
	must(e.t, e.db.Gorm().Create(&account.Seller{Name: "第三个名称有限公司", CreatedAt: e.db.Now()}).Error)
	wantErr(e.t, e.s.Approve(ctx, admin, late.ID, ""), onboarding.ErrTaken, "a change to a name registered meanwhile")
	if d := e.detail(late.ID); d.Status != onboarding.StatusPending {
		e.t.Fatalf("status %s", d.Status)
	}
	if sel, _ := e.acc.SellerByID(ctx, c.ID); sel.Name != "新名称科技有限公司" {
		e.t.Fatalf("renamed to %s", sel.Name)
	}
}

func testLicenseParty(e *env) {
	b := e.buyer("party@apply.test")
	app := e.submit(b, good(90))
	other := e.buyer("nosy@apply.test")
	for _, tc := range []struct {
		viewer uint
		admin  bool
		id     uint
		want   bool
	}{
		{b.ID, false, app.ID, true},
		{other.ID, false, app.ID, false},
		{other.ID, true, app.ID, true},
		{b.ID, false, 999999, false},
	} {
		got, err := e.s.LicenseParty(ctx, tc.viewer, tc.admin, tc.id)
		must(e.t, err)
		if got != tc.want {
			e.t.Errorf("LicenseParty(%d, %v, %d) = %v", tc.viewer, tc.admin, tc.id, got)
		}
	}
}

func TestApplications(t *testing.T) {
	suite(t,
		tc{Name: "Submit", Fn: testSubmit},
		tc{Name: "SubmitRace", Fn: testSubmitRace},
		tc{Name: "SubmitTaken", Fn: testSubmitTaken},
		tc{Name: "ReviewFlow", Fn: testReviewFlow},
		tc{Name: "ApproveRace", Fn: testApproveRace},
		tc{Name: "ApproveTaken", Fn: testApproveTaken},
		tc{Name: "Reject", Fn: testReject},
		tc{Name: "SubmitChange", Fn: testSubmitChange},
		tc{Name: "LicenseParty", Fn: testLicenseParty},
	)
}

// The queue: waiting applications oldest first, others newest first, filtered by state and
// kind, 20 a page; counts per state.
func testQueue(e *env) {
	admin := e.admin("queue@review.test")
	var apps []*onboarding.Application
	var applicants []*account.User
	for i := range 23 {
		applicants = append(applicants, e.buyer(fmt.Sprintf("q%02d@queue.test", i)))
		apps = append(apps, e.submit(applicants[i], good(100+i)))
		e.clock.Advance(time.Minute)
	}
	must(e.t, e.s.RequestInfo(ctx, admin, apps[3].ID, "补充材料"))
	must(e.t, e.s.Approve(ctx, admin, apps[5].ID, ""))
	must(e.t, e.s.Reject(ctx, admin, apps[7].ID, "不符合"))
	_, o := e.company("排队变更有限公司", uscc(130), "owner@queue.test")
	change, err := e.s.SubmitChange(ctx, o, "排队变更后有限公司", uscc(130), png("x.png"))
	must(e.t, err)

	ids := func(p sqldb.Page[onboarding.Application]) []uint {
		var out []uint
		for _, a := range p.Items {
			if a.Applicant == nil || a.Applicant.ID != a.ApplicantID {
				e.t.Fatalf("application %d without its applicant", a.ID)
			}
			out = append(out, a.ID)
		}
		return out
	}
	var pending []uint
	for i, a := range apps {
		if i != 3 && i != 5 && i != 7 {
			pending = append(pending, a.ID)
		}
	}
	pending = append(pending, change.ID)
	p1, err := e.s.Queue(ctx, onboarding.Filter{Status: onboarding.StatusPending})
	must(e.t, err)
	p2, err := e.s.Queue(ctx, onboarding.Filter{Status: onboarding.StatusPending, Page: 2})
	must(e.t, err)
	if got := append(ids(p1), ids(p2)...); !reflect.DeepEqual(got, pending) || !p1.HasNext || p2.HasNext || len(p1.Items) != 20 {
		e.t.Fatalf("pending queue %v (next %v), want oldest first %v", got, p1.HasNext, pending)
	}
	if got, _ := e.s.Queue(ctx, onboarding.Filter{Status: onboarding.StatusPending, Kind: onboarding.KindChange}); !reflect.DeepEqual(ids(got), []uint{change.ID}) {
		e.t.Fatalf("pending changes %v", ids(got))
	}
	for status, want := range map[onboarding.Status][]uint{
		onboarding.StatusNeedsInfo: {apps[3].ID}, onboarding.StatusApproved: {apps[5].ID}, onboarding.StatusRejected: {apps[7].ID},
	} {
		if got, _ := e.s.Queue(ctx, onboarding.Filter{Status: status}); !reflect.DeepEqual(ids(got), want) {
			e.t.Fatalf("%s: %v, want %v", status, ids(got), want)
		}
	}
	all, err := e.s.Queue(ctx, onboarding.Filter{})
	must(e.t, err)
	if got := ids(all); got[0] != change.ID || got[1] != apps[22].ID || len(got) != 20 || !all.HasNext {
		e.t.Fatalf("every application, newest first: %v", got)
	}
	counts, err := e.s.Counts(ctx)
	must(e.t, err)
	if want := map[onboarding.Status]int64{"pending": 21, "needs_info": 1, "approved": 1, "rejected": 1}; !reflect.DeepEqual(counts, want) {
		e.t.Fatalf("counts %v", counts)
	}
	// An answered request goes to the end of the queue.
	e.clock.Advance(time.Minute)
	in := good(103)
	in.License = nil
	must(e.t, e.s.Resubmit(ctx, applicants[3], apps[3].ID, in))
	p2, err = e.s.Queue(ctx, onboarding.Filter{Status: onboarding.StatusPending, Page: 2})
	must(e.t, err)
	if got := ids(p2); len(got) != 2 || got[1] != apps[3].ID {
		e.t.Fatalf("second page after the answer: %v", got)
	}
}

func TestQueue(t *testing.T) {
	suite(t, tc{Name: "Queue", Fn: testQueue})
}
