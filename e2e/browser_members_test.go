package e2e

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"koogallery/apptest"
)

// Company members in the browser at 1366 px, in Chinese and English: the owner finds 成员管理,
// invites a finance member, changes a role and removes a member through the dialogs; the
// invitee signs up through the mailed link and sees settlement but not keys; operations see
// their admins and the audit log.
func TestBrowserMembers(t *testing.T) {
	t.Parallel()
	srv, b := startBrowser(t)
	b.step("1366 px", chromedp.EmulateViewport(1366, 900))

	b.login("seller@demo.test")
	if b.count(`[data-testid="home-cards"] .area-card`) != 5 {
		t.Errorf("the owner's home shows %d area cards, want all 5", b.count(`[data-testid="home-cards"] .area-card`))
	}
	b.shot("owner-home")
	b.nav("成员管理")
	b.wantTitle("成员管理")
	b.wantActiveNav("成员管理")
	b.noEnglish()
	if got := b.count(tid("member-row")); got != 4 {
		t.Errorf("%d members listed, want the owner and the three demo members", got)
	}
	b.shot("members-zh")

	// Invite with nothing chosen: messages under the fields, the address kept.
	b.allow("422")
	b.step("type an address", chromedp.SendKeys(chromedp.CSS("#invite-email"), "new.finance@example.test", chromedp.NodeVisible))
	b.follow(tid("invite-submit"))
	if got := b.text(tid("invite-roles-error")); got != "请至少选择一个角色。" {
		t.Errorf("roles error %q", got)
	}
	if got := eval[string](b, `document.querySelector("#invite-email").value`); got != "new.finance@example.test" {
		t.Errorf("address kept as %q", got)
	}
	b.shot("members-invite-error")
	b.step("choose finance", chromedp.Click(chromedp.CSS(tid("invite-role-finance")), chromedp.NodeVisible))
	b.follow(tid("invite-submit"))
	if got := b.text(tid("flash-success")); !strings.Contains(got, "邀请已发送") {
		t.Errorf("flash %q", got)
	}
	if b.count(`[data-testid="invitation-row"][data-email="new.finance@example.test"]`) != 1 {
		t.Fatal("the invitation is not listed")
	}
	b.shot("members-invited")

	// Roles of the operations member: the dialog, a change, saved.
	ops := `[data-testid="member-row"][data-email="ops@demo.test"]`
	b.step("open the roles dialog", chromedp.Click(chromedp.CSS(ops+" "+tid("member-edit")), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(ops+" dialog[open]")))
	b.shot("members-roles-dialog")
	b.step("add finance", chromedp.Click(chromedp.CSS(ops+" dialog[open] "+tid("edit-role-finance")), chromedp.NodeVisible))
	b.follow(ops + " " + tid("member-edit-save"))
	if got := b.text(ops + " " + tid("member-roles")); got != "运营 财务" && got != "运营财务" {
		t.Errorf("roles now %q", got)
	}

	// Removing the developer: the dialog says what happens; cancel, then confirm.
	dev := `[data-testid="member-row"][data-email="dev@demo.test"]`
	b.step("open the remove dialog", chromedp.Click(chromedp.CSS(dev+" "+tid("member-remove")), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(dev+" dialog[open]")))
	if got := b.text(dev + " dialog[open] .dialog-text"); !strings.Contains(got, "陈晨（dev@demo.test）将不能再进入") {
		t.Errorf("consequence %q", got)
	}
	b.shot("members-remove-dialog")
	b.step("cancel", chromedp.Click(chromedp.CSS(dev+` dialog[open] button[command="close"]`), chromedp.NodeVisible))
	if b.count(dev+" dialog[open]") != 0 {
		t.Error("cancel left the dialog open")
	}
	b.step("open it again", chromedp.Click(chromedp.CSS(dev+" "+tid("member-remove")), chromedp.NodeVisible),
		chromedp.WaitVisible(chromedp.CSS(dev+" dialog[open]")))
	b.follow(dev + " " + tid("member-remove-confirm"))
	if b.count(dev) != 0 || !strings.Contains(b.text(tid("flash-success")), "成员已移除") {
		t.Error("the developer is still listed")
	}

	// The same page in English.
	b.open("/seller/members?lang=en")
	b.wantTitle("Members")
	b.englishOnly()
	b.shot("members-en")
	b.open("/seller?lang=zh")
	b.follow(tid("logout"))

	// The invitee opens the mailed link and signs up.
	link := mailedInvite(t, srv, "new.finance@example.test")
	b.open(link)
	if got := b.text(tid("invite-what")); !strings.Contains(got, "王磊 邀请 new.finance@example.test") {
		t.Errorf("invitation says %q", got)
	}
	b.noEnglish()
	b.shot("invite-signup-zh")
	b.step("sign up",
		chromedp.SendKeys(chromedp.CSS("#invite-name"), "孙悦", chromedp.NodeVisible),
		chromedp.SendKeys(chromedp.CSS("#invite-password"), newPassword, chromedp.NodeVisible),
		chromedp.SendKeys(chromedp.CSS("#invite-confirm"), newPassword, chromedp.NodeVisible),
	)
	b.follow(tid("invite-signup"))
	b.wantPath("/seller")
	b.wantTitle("卖家中心")
	nav := b.texts(tid("sidenav") + " a")
	if strings.Join(nav, "|") != "首页|站内信|结算" {
		t.Errorf("finance navigation %q", nav)
	}
	if b.count(tid("home-card-settlement")) != 1 || b.count(tid("home-card-tools")) != 0 {
		t.Error("the finance home shows other areas")
	}
	b.shot("finance-home")
	b.nav("结算")
	b.wantTitle("结算")
	b.allow("403")
	if st := b.open("/seller/keys"); st != 403 {
		t.Errorf("finance on keys: %d", st)
	}
	if got := b.text(tid("error-text")); !strings.Contains(got, "「开发者」") {
		t.Errorf("refusal %q", got)
	}
	b.shot("finance-keys-403")
	b.open("/seller/keys?lang=en")
	if got := b.text(tid("error-text")); !strings.Contains(got, "“Developer”") {
		t.Errorf("English refusal %q", got)
	}
	b.open(link + "&lang=en")
	b.englishOnly()
	b.shot("invite-used-en")
	b.open("/?lang=zh")
	b.follow(tid("logout"))

	// An invitation page in English for someone not signed in.
	c := srv.Client(t)
	c.Login("seller@demo.test")
	c.PostForm("/seller/members/invite", url.Values{"email": {"later@example.test"}, "roles": {"developer", "operations"}})
	b.open(mailedInvite(t, srv, "later@example.test") + "&lang=en")
	b.englishOnly()
	b.shot("invite-signup-en")
	b.open("/?lang=zh")

	// Operations: admins and the audit log.
	b.login("admin@demo.test")
	b.nav("管理员")
	b.wantTitle("管理员")
	b.noEnglish()
	b.step("invite an admin", chromedp.SendKeys(chromedp.CSS("#invite-email"), "ops.lead@example.test", chromedp.NodeVisible))
	b.follow(tid("invite-submit"))
	if b.count(`[data-testid="invitation-row"][data-email="ops.lead@example.test"]`) != 1 {
		t.Error("the admin invitation is not listed")
	}
	b.shot("admins-zh")
	b.nav("审计日志")
	b.wantTitle("审计日志")
	b.wantActiveNav("审计日志")
	if got := b.text(`[data-testid="audit-row"][data-action="admin.invite"] ` + tid("audit-action")); got != "邀请管理员" {
		t.Errorf("audit action %q", got)
	}
	b.noEnglish()
	b.shot("audit-zh")
	b.open("/admin/audit?role=all&lang=en")
	b.wantTitle("Audit log")
	b.englishOnly()
	b.shot("audit-en")
	b.open("/admin/admins")
	b.englishOnly()
	b.shot("admins-en")
}

// mailedInvite is the local path of the newest invitation link mailed to email.
func mailedInvite(t *testing.T, srv *apptest.Server, email string) string {
	t.Helper()
	return "/invite?token=" + url.QueryEscape(inviteLink(t, srv, email))
}

// latin finds English words in a Chinese page's chrome.
var latin = regexp.MustCompile(`[A-Za-z]{3,}`)

// noEnglish fails when the Chinese page's own texts (headings, labels, buttons, table heads,
// navigation, notices) hold English words; data (names, emails, codes) is left out.
func (b *tab) noEnglish() {
	b.t.Helper()
	texts := b.texts(`h1, h2, label, legend, th, button, .sidenav a, .sidenav-group, .notice, .help, .dialog-text, .badge, .crumbs`)
	for _, s := range texts {
		s = regexp.MustCompile(`\S+@\S+`).ReplaceAllString(s, "")
		if latin.MatchString(s) && !strings.Contains(s, "English") {
			b.t.Errorf("English in the Chinese page %s: %q", b.path(), s)
		}
	}
	b.noRawKeys()
}

// englishChrome are an English page's own texts: they must hold no Chinese. Headings and
// dialogs that name people or companies (data) are left out.
var englishChrome = []string{"main h1:not(.invite-card h1)", "section > h2", "label", "legend", "th", "button", ".sidenav", ".notice", ".help",
	".badge", ".crumbs", ".error-page p", ".filter-bar", ".dialog-actions"}

// englishOnly fails when the English page's chrome holds Chinese, or raw keys.
func (b *tab) englishOnly() {
	b.t.Helper()
	if bad := b.untranslated(englishChrome...); len(bad) > 0 {
		b.t.Errorf("untranslated on %s: %q", b.path(), bad)
	}
}
