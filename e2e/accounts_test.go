package e2e

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"koogallery/apptest"
	"koogallery/models"
	"koogallery/models/account"
	"koogallery/models/catalog"
	"koogallery/models/notice"
	"koogallery/models/orders"
	"koogallery/web"
)

// Accounts over HTTP: sign-up, verification, buying, logout that ends the session on the
// server, password reset and change, the signed-in devices, and the server's lifetimes.

const newPassword = "Hua-Shan-Pine-2027"

var linkPattern = regexp.MustCompile(`https?://[^\s]+/(verify|password/reset|invite)\?token=[A-Za-z0-9_-]+`)

// mailLink is the path of the newest mailed link of a kind (verify, password/reset, invite)
// sent to an address.
func mailLink(t *testing.T, srv *apptest.Server, to, kind string) string {
	t.Helper()
	return mailLinkIn(t, srv.App.Store.DB(), to, kind)
}

// mailLinkIn is mailLink reading the mail outbox of any database.
func mailLinkIn(t *testing.T, db *gorm.DB, to, kind string) string {
	t.Helper()
	var mails []notice.Mail
	noErr(t, db.Where("`to` = ?", to).Order("id DESC").Find(&mails).Error)
	for _, m := range mails {
		for _, l := range linkPattern.FindAllString(m.Body, -1) {
			if strings.Contains(l, "/"+kind+"?") {
				u, err := url.Parse(l)
				noErr(t, err)
				return u.RequestURI()
			}
		}
	}
	t.Fatalf("no %s link mailed to %s", kind, to)
	return ""
}

func mailsTo(t *testing.T, srv *apptest.Server, to string) []notice.Mail {
	t.Helper()
	var mails []notice.Mail
	noErr(t, srv.App.Store.DB().Where("`to` = ?", to).Order("id").Find(&mails).Error)
	return mails
}

func TestSignupVerifyBuy(t *testing.T) {
	for _, d := range apptest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			srv := apptest.Start(t, apptest.Options{Dialect: d})
			var crm catalog.Product
			noErr(t, srv.App.Store.DB().Where("code = ?", "00301-100001-0--0").First(&crm).Error)
			c := srv.Client(t)
			email := "Wen.Jing@Example.com"

			// Bad input: a message under each field in the page's language, what was typed kept
			// (never the password).
			res := c.PostForm("/signup?lang=en", url.Values{"email": {"wen@"}, "name": {" "}, "phone": {"abc"}, "password": {"pass123"}, "confirm": {"x"}})
			wantStatus(t, "bad sign-up", res, http.StatusUnprocessableEntity)
			doc := parseHTML(t, res.Body)
			for field, key := range map[string]string{"email": account.MsgEmailInvalid, "name": account.MsgNameRequired, "phone": account.MsgPhoneInvalid, "password": account.MsgPasswordShort} {
				if got := strings.TrimSpace(doc.Find(`[data-testid="` + field + `-error"]`).Text()); got != msgIn(t, "en", key) {
					t.Errorf("%s error %q, want %q", field, got, msgIn(t, "en", key))
				}
			}
			if doc.Find(`#email`).AttrOr("value", "") != "wen@" || doc.Find(`#phone`).AttrOr("value", "") != "abc" || strings.Contains(res.Body, "password123") {
				t.Error("the form did not keep what was typed, or echoed the password")
			}
			res = c.PostForm("/signup", url.Values{"email": {email}, "name": {"温静"}, "password": {"qwertyuiop"}, "confirm": {"qwertyuiop"}})
			if got := strings.TrimSpace(parseHTML(t, res.Body).Find(`[data-testid="password-error"]`).Text()); got != msgIn(t, "en", account.MsgPasswordCommon) {
				t.Errorf("common password: %d %q", res.Status, got)
			}
			res = c.PostForm("/signup", url.Values{"email": {email}, "name": {"温静"}, "password": {newPassword}, "confirm": {newPassword + "x"}})
			if got := strings.TrimSpace(parseHTML(t, res.Body).Find(`[data-testid="confirm-error"]`).Text()); got != msgIn(t, "en", account.MsgPasswordMismatch) {
				t.Errorf("mismatch: %d %q", res.Status, got)
			}
			if n := countRows(t, srv, &account.User{}); n != int64(len(models.DemoAccounts)) {
				t.Fatalf("refused sign-ups made accounts: %d users", n)
			}

			// The sign-up: told where the mail went; the account exists, unverified.
			res = c.PostForm("/signup", url.Values{"email": {email}, "name": {"温静"}, "phone": {"138 0000 1234"}, "password": {newPassword}, "confirm": {newPassword}})
			if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/signup/sent" {
				t.Fatalf("sign-up: %d → %q", res.Status, res.Header.Get("Location"))
			}
			sent := parseHTML(t, c.Get("/signup/sent").Body)
			if !strings.Contains(sent.Find(`[data-testid="sent-to"]`).Text(), "wen.jing@example.com") {
				t.Errorf("the sent page does not say where the mail went")
			}
			link := mailLink(t, srv, "wen.jing@example.com", "verify")

			// Signed in but unverified: browsing works, buying does not.
			c.LoginWith(email, newPassword)
			if res := c.Get("/console/services"); res.Status != http.StatusOK {
				t.Fatalf("the unverified buyer cannot open the console: %d", res.Status)
			}
			product := parseHTML(t, c.Get("/products/"+itoa(crm.ID)).Body)
			if product.Find(`[data-testid="buy-unverified"]`).Length() != 1 || product.Find(`[data-testid="buy-form"]`).Length() != 0 {
				t.Error("the product page offers the purchase form to an unverified buyer")
			}
			orderList := countRows(t, srv, &orders.Order{})
			res = c.PostForm("/console/orders", buyForm(fixtures{product: crm}))
			if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/products/"+itoa(crm.ID) || countRows(t, srv, &orders.Order{}) != orderList {
				t.Fatalf("unverified purchase: %d → %q", res.Status, res.Header.Get("Location"))
			}

			// The link opens a confirmation (a mail scanner opening it uses nothing); the button verifies.
			page := parseHTML(t, c.Get(link).Body)
			token := page.Find(`input[name="token"]`).AttrOr("value", "")
			if token == "" {
				t.Fatal("the verification page has no confirm button")
			}
			var wg sync.WaitGroup
			statuses := make([]int, 2)
			for i := range statuses {
				wg.Add(1)
				go func() {
					defer wg.Done()
					statuses[i] = c.PostForm("/verify", url.Values{"token": {token}}).Status
				}()
			}
			wg.Wait()
			if !(statuses[0] == http.StatusSeeOther || statuses[1] == http.StatusSeeOther) {
				t.Fatalf("verifying twice at once: %v, want one 303", statuses)
			}
			if res := c.PostForm("/verify", url.Values{"token": {token}}); res.Status != http.StatusOK || !strings.Contains(res.Body, `data-testid="verify-done"`) {
				t.Errorf("a used link, verified account: %d", res.Status)
			}
			res = c.PostForm("/console/orders", buyForm(fixtures{product: crm}))
			if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/console/orders/") {
				t.Fatalf("verified purchase: %d → %q", res.Status, res.Header.Get("Location"))
			}

			// Signing up again with the address: the same answer, no new account, the owner told.
			other := srv.Client(t)
			res = other.PostForm("/signup", url.Values{"email": {"wen.jing@example.com"}, "name": {"冒名"}, "password": {"Another-Strong-42"}, "confirm": {"Another-Strong-42"}})
			if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/signup/sent" {
				t.Errorf("sign-up with a taken address: %d → %q", res.Status, res.Header.Get("Location"))
			}
			if n := countRows(t, srv, &account.User{}); n != int64(len(models.DemoAccounts))+1 {
				t.Errorf("%d users after signing up twice", n)
			}
			if m := mailsTo(t, srv, "wen.jing@example.com"); len(m) != 2 || !strings.Contains(m[1].Body, "/password/forgot") {
				t.Errorf("mails to the owner: %d", len(m))
			}
		})
	}
}

func TestLogoutEndsTheSessionOnTheServer(t *testing.T) {
	srv := apptest.Start(t, apptest.Options{})
	c := srv.Client(t)
	c.Login("buyer@demo.test")
	u, _ := url.Parse(srv.URL)
	cookies := c.HTTP.Jar.Cookies(u)
	if res := c.PostForm("/logout", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("logout: %d", res.Status)
	}
	replay := srv.Client(t)
	replay.HTTP.Jar.SetCookies(u, cookies)
	res := replay.Get("/console/orders/1")
	if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Fatalf("the cookie replayed after logout: %d → %q", res.Status, res.Header.Get("Location"))
	}
}

func TestPasswordResetOverHTTP(t *testing.T) {
	srv := apptest.Start(t, apptest.Options{})
	signedIn := srv.Client(t)
	signedIn.Login("buyer2@demo.test")
	c := srv.Client(t)
	// The same answer for an address without an account, and no mail.
	for _, email := range []string{"nobody@example.com", "buyer2@demo.test"} {
		res := c.PostForm("/password/forgot", url.Values{"email": {email}})
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/password/forgot/sent" {
			t.Fatalf("forgot %s: %d → %q", email, res.Status, res.Header.Get("Location"))
		}
		if page := c.Get("/password/forgot/sent?lang=en"); !strings.Contains(page.Body, email) {
			t.Errorf("the sent page does not name %s", email)
		}
	}
	if n := len(mailsTo(t, srv, "nobody@example.com")); n != 0 {
		t.Errorf("%d mails to an address without an account", n)
	}
	link := mailLink(t, srv, "buyer2@demo.test", "password/reset")
	if res := c.Get(link); res.Status != http.StatusOK || !strings.Contains(res.Body, `name="password"`) {
		t.Fatalf("reset page: %d", res.Status)
	}
	token := strings.TrimPrefix(link, "/password/reset?token=")
	res := c.PostForm("/password/reset?lang=en", url.Values{"token": {token}, "password": {"short"}, "confirm": {"short"}})
	if got := strings.TrimSpace(parseHTML(t, res.Body).Find(`[data-testid="password-error"]`).Text()); res.Status != http.StatusUnprocessableEntity || got != msgIn(t, "en", account.MsgPasswordShort) {
		t.Errorf("weak reset: %d %q", res.Status, got)
	}
	// Two tabs with the link at once: one sets the password.
	var wg sync.WaitGroup
	statuses := make([]int, 2)
	for i, pw := range []string{newPassword, newPassword + "-b"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = c.PostForm("/password/reset", url.Values{"token": {token}, "password": {pw}, "confirm": {pw}}).Status
		}()
	}
	wg.Wait()
	if (statuses[0] == http.StatusSeeOther) == (statuses[1] == http.StatusSeeOther) {
		t.Fatalf("two resets with one link: %v, want exactly one 303", statuses)
	}
	// Every session of the account ended; the old password no longer works, one new one does.
	if res := signedIn.Get("/console/services"); res.Status != http.StatusSeeOther {
		t.Errorf("a session from before the reset still works: %d", res.Status)
	}
	if res := c.PostForm("/login", url.Values{"email": {"buyer2@demo.test"}, "password": {models.DemoPassword}}); res.Status != http.StatusUnauthorized {
		t.Errorf("the old password after the reset: %d", res.Status)
	}
	ok := 0
	for _, pw := range []string{newPassword, newPassword + "-b"} {
		if res := srv.Client(t).PostForm("/login", url.Values{"email": {"buyer2@demo.test"}, "password": {pw}}); res.Status == http.StatusSeeOther {
			ok++
		}
	}
	if ok != 1 {
		t.Errorf("%d new passwords work, want 1", ok)
	}
	if res := c.Get(link); res.Status != http.StatusGone {
		t.Errorf("the used link: %d, want 410", res.Status)
	}
}

func TestAccountSessionsAndPasswordChange(t *testing.T) {
	srv := apptest.Start(t, apptest.Options{})
	a, b := srv.Client(t), srv.Client(t)
	a.Login("seller@demo.test")
	b.Login("seller@demo.test")
	page := parseHTML(t, a.Get("/account?lang=en").Body)
	if n, cur := page.Find(`[data-testid="session-row"]`).Length(), page.Find(`[data-testid="session-current"]`).Length(); n != 2 || cur != 1 {
		t.Fatalf("sessions listed %d (current %d), want 2 (1)", n, cur)
	}
	// Sign the other browser out from the list.
	form := page.Find(`[data-testid="session-row"]:not([data-current]) form`)
	action := form.AttrOr("action", "")
	if res := a.PostForm(action, nil); res.Status != http.StatusSeeOther {
		t.Fatalf("end the other session: %d", res.Status)
	}
	if res := b.Get("/seller"); res.Status != http.StatusSeeOther {
		t.Errorf("the signed-out browser still works: %d", res.Status)
	}
	b.Login("seller@demo.test")

	// A password change: the current password is required; the other browser is signed out;
	// this one stays signed in under a new session id.
	res := a.PostForm("/account/password?lang=en", url.Values{"current": {"wrong"}, "password": {newPassword}, "confirm": {newPassword}})
	if got := strings.TrimSpace(parseHTML(t, res.Body).Find(`[data-testid="current-error"]`).Text()); res.Status != http.StatusUnprocessableEntity || got != msgIn(t, "en", account.MsgPasswordWrong) {
		t.Errorf("wrong current password: %d %q", res.Status, got)
	}
	before := a.Cookie(web.SessionName)
	if res := a.PostForm("/account/password", url.Values{"current": {models.DemoPassword}, "password": {newPassword}, "confirm": {newPassword}}); res.Status != http.StatusSeeOther {
		t.Fatalf("change password: %d", res.Status)
	}
	if res := a.Get("/seller"); res.Status != http.StatusOK {
		t.Errorf("this browser was signed out by its own password change: %d", res.Status)
	}
	if after := a.Cookie(web.SessionName); after == before {
		t.Error("the session id did not change with the password")
	}
	if res := b.Get("/seller"); res.Status != http.StatusSeeOther {
		t.Errorf("the other browser still works after the password change: %d", res.Status)
	}
	if m := mailsTo(t, srv, "seller@demo.test"); len(m) == 0 || !strings.Contains(m[len(m)-1].Subject, "密码") {
		t.Error("the owner was not told of the password change")
	}
}

func TestSessionLifetimesOverHTTP(t *testing.T) {
	srv := apptest.Start(t, apptest.Options{})
	now := time.Now().UTC()
	var mu sync.Mutex
	srv.App.Store.SetClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	c := srv.Client(t)
	c.Login("buyer@demo.test")
	// Used every 110 minutes, a session lives until 12 hours after sign-in, then ends.
	for i := 0; i < 6; i++ {
		advance(110 * time.Minute)
		if res := c.Get("/console/services"); res.Status != http.StatusOK {
			t.Fatalf("after %d × 110 min: %d", i+1, res.Status)
		}
	}
	advance(110 * time.Minute) // 12 h 50 min after sign-in
	if res := c.Get("/console/services"); res.Status != http.StatusSeeOther {
		t.Fatalf("a 13-hour-old session still works: %d", res.Status)
	}
	// Idle for two hours: ended, and the page says why.
	c.Login("buyer@demo.test")
	advance(2*time.Hour + time.Minute)
	res := c.Get("/console/services")
	if res.Status != http.StatusSeeOther {
		t.Fatalf("an idle session still works: %d", res.Status)
	}
	if login := c.Get(res.Header.Get("Location") + "&lang=en"); !strings.Contains(login.Body, msgIn(t, "en", "auth.session_ended")) {
		t.Error("the login page does not say the session ended")
	}
}
