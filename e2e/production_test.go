package e2e

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"koogallery/apptest"
	"koogallery/models"
	"koogallery/models/dbtest"
	"koogallery/models/onboarding"
	"koogallery/models/sqldb"
)

// A marketplace from nothing: a fresh MariaDB database, the server binary in prod mode, and
// the first admin made with `server user create` — nothing else. Over HTTP the admin logs in, a
// buyer signs up and verifies, a company applies and is approved, its owner invites a finance
// member who is refused the keys page, and a cookie replayed after logout signs nobody in.
func TestProductionFromAnEmptyDatabase(t *testing.T) {
	dsn := dbtest.NewMySQLDatabase(t)
	bin := buildServer(t)
	data := t.TempDir()
	const adminPassword = "Ops-Lantern-Ridge-41"
	create := exec.Command(bin, "user", "create", "-role", "admin", "-email", "ops@market.example", "-name", "运营一号", "-db", dsn)
	create.Stdin = strings.NewReader(adminPassword + "\n")
	if out, err := create.CombinedOutput(); err != nil {
		t.Fatalf("server user create: %v\n%s", err, out)
	}

	addr := freeAddr(t)
	base := "http://" + addr
	p := &serverProcess{t: t, bin: bin, url: base, log: filepath.Join(data, "server.log"), args: []string{
		"-mode", "prod", "-addr", addr, "-db", dsn, "-data", data, "-base-url", base,
		"-session-key", randomHex(t, 64), "-master-key", randomHex(t, 32), "-metrics-token", randomHex(t, 16)}}
	p.start()
	defer p.stop()
	defer func() {
		if t.Failed() {
			p.dumpLog()
		}
	}()
	// Clients of the server running as its own process.
	ext := &apptest.Server{Server: &httptest.Server{URL: base}}
	db, err := sqldb.Open(sqldb.OpenOptions{DSN: dsn})
	noErr(t, err)
	defer db.Close()
	link := func(to, kind string) string { t.Helper(); return mailLinkIn(t, db.Gorm(), to, kind) }
	signUp := func(email, name string) *apptest.Client {
		t.Helper()
		c := ext.Client(t)
		res := c.PostForm("/signup", url.Values{"email": {email}, "name": {name}, "password": {newPassword}, "confirm": {newPassword}})
		wantStatus(t, "sign up "+email, res, http.StatusSeeOther)
		c.LoginWith(email, newPassword)
		token := strings.TrimPrefix(link(email, "verify"), "/verify?token=")
		wantStatus(t, "verify "+email, c.PostForm("/verify", url.Values{"token": {token}}), http.StatusSeeOther)
		return c
	}

	// The admin, provisioned by the command, logs in; the login page shows no demo text.
	admin := ext.Client(t)
	if page := admin.Get("/login"); strings.Contains(page.Body, models.DemoPassword) || strings.Contains(page.Body, `data-testid="demo-hint"`) {
		t.Error("the prod login page shows the demo accounts")
	}
	admin.LoginWith("ops@market.example", adminPassword)
	wantStatus(t, "the admin's console", admin.Get("/admin"), http.StatusOK)

	// A buyer signs up and verifies.
	buyer := signUp("li.lei@buyer.example", "李雷")
	if page := buyer.Get("/account"); !strings.Contains(page.Body, `data-testid="email-verified"`) {
		t.Error("the buyer's address is not verified")
	}

	// A company applies and operations approve: the applicant owns its seller center.
	owner := signUp("wang@qiming.example", "王启明")
	form := url.Values{"company": {"启明数据科技有限公司"}, "uscc": {"91350100M000100Y43"}, "contact_name": {"王启明"},
		"contact_phone": {"13800001234"}, "contact_email": {"wang@qiming.example"}, "support_email": {"support@qiming.example"},
		"support_phone": {"400-800-1234"}, "support_hours": {"工作日 9:00–18:00"}, "agree": {"1"}}
	wantStatus(t, "apply", postMultipart(t, ext, owner, "/seller/apply", form, licence()), http.StatusSeeOther)
	var app onboarding.Application
	noErr(t, db.Gorm().Where("uscc = ?", "91350100M000100Y43").First(&app).Error)
	wantStatus(t, "the application in the queue", admin.Get("/admin/sellers/"+itoa(app.ID)), http.StatusOK)
	wantStatus(t, "approve", admin.PostForm("/admin/sellers/"+itoa(app.ID)+"/approve", url.Values{"note": {"材料齐全"}}), http.StatusSeeOther)
	wantStatus(t, "the new seller center", owner.Get("/seller"), http.StatusOK)

	// The owner invites a finance member, who sees settlement but not the keys.
	wantStatus(t, "invite", owner.PostForm("/seller/members/invite", url.Values{"email": {"zhao@qiming.example"}, "roles": {"finance"}}), http.StatusSeeOther)
	token := strings.TrimPrefix(link("zhao@qiming.example", "invite"), "/invite?token=")
	finance := ext.Client(t)
	wantStatus(t, "accept by signing up", finance.PostForm("/invite", url.Values{"token": {token}, "name": {"赵财"}, "password": {newPassword}, "confirm": {newPassword}}), http.StatusSeeOther)
	wantStatus(t, "settlement for finance", finance.Get("/seller/settlement"), http.StatusOK)
	wantStatus(t, "keys for finance", finance.Get("/seller/keys"), http.StatusForbidden)

	// After logout the old cookie is refused.
	u, _ := url.Parse(base)
	old := buyer.HTTP.Jar.Cookies(u)
	wantStatus(t, "logout", buyer.PostForm("/logout", nil), http.StatusSeeOther)
	replay := ext.Client(t)
	replay.HTTP.Jar.SetCookies(u, old)
	if res := replay.Get("/console/orders"); res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Errorf("the cookie replayed after logout: %d → %q", res.Status, res.Header.Get("Location"))
	}
}

// randomHex is n random bytes in hex, for keys.
func randomHex(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	_, err := rand.Read(b)
	noErr(t, err)
	return hex.EncodeToString(b)
}
