package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"koogallery/i18n"
	"koogallery/models/catalog"
)

// A visitor signs up, is told to verify, signs in and cannot buy yet, verifies from the mailed
// link, buys, and finds the device on the account page: once in Chinese, once in English.
func TestBrowserSignupVerifyBuy(t *testing.T) {
	for _, lang := range []string{i18n.ZH, i18n.EN} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			srv, b := startBrowser(t)
			var crm catalog.Product
			noErr(t, srv.App.Store.DB().Where("code = ?", "00301-100001-0--0").First(&crm).Error)
			email := "browser-" + lang + "@example.com"
			b.allow("status of 422") // the refused sign-up is a 422 page
			chrome := []string{tid("page-title"), "h1", "h2", "label", "button", ".help", ".notice", ".flash", "thead", ".topnav"}
			checkLang := func(where string, only ...string) {
				t.Helper()
				b.noRawKeys()
				if only == nil {
					only = chrome
				}
				if lang == i18n.EN {
					if bad := b.untranslated(only...); len(bad) > 0 {
						t.Errorf("untranslated on %s: %q", where, bad)
					}
				}
			}

			b.open("/?lang=" + lang)
			if st := b.follow(tid("signup-link")); st != 200 {
				t.Fatalf("sign-up link: %d", st)
			}
			b.wantPath("/signup")
			checkLang("the sign-up page")
			// A weak password first: the message under the field, what was typed kept.
			b.step("fill the sign-up form",
				chromedp.SendKeys(chromedp.CSS("#email"), email, chromedp.NodeVisible),
				chromedp.SendKeys(chromedp.CSS("#name"), "李雷"),
				chromedp.SendKeys(chromedp.CSS("#password"), "1234567890"),
				chromedp.SendKeys(chromedp.CSS("#confirm"), "1234567890"),
			)
			if st := b.follow(tid("signup-submit")); st != 422 {
				t.Fatalf("weak sign-up: %d", st)
			}
			if got := b.text(tid("password-error")); got != i18n.T(lang, "account.err.password_common") {
				t.Errorf("password error %q", got)
			}
			if v := eval[string](b, `document.querySelector("#email").value`); v != email {
				t.Errorf("the email was not kept: %q", v)
			}
			b.shot("signup-error-" + lang)
			b.step("a better password",
				chromedp.SendKeys(chromedp.CSS("#password"), newPassword, chromedp.NodeVisible),
				chromedp.SendKeys(chromedp.CSS("#confirm"), newPassword),
			)
			if st := b.follow(tid("signup-submit")); st != 200 {
				t.Fatalf("sign-up: %d", st)
			}
			b.wantPath("/signup/sent")
			if got := b.text(tid("sent-to")); !strings.Contains(got, email) {
				t.Errorf("sent page: %q", got)
			}
			checkLang("the sent page")
			b.shot("signup-sent-" + lang)

			// Signed in before verifying: the product page asks for the verification first.
			b.open("/login")
			b.step("sign in",
				chromedp.SendKeys(chromedp.CSS("#email"), email, chromedp.NodeVisible),
				chromedp.SendKeys(chromedp.CSS("#password"), newPassword),
			)
			if st := b.follow(tid("login-submit")); st != 200 {
				t.Fatalf("sign in: %d", st)
			}
			b.open("/products/" + itoa(crm.ID))
			if b.count(tid("buy-unverified")) != 1 || b.count(tid("buy-form")) != 0 {
				t.Fatal("the unverified buyer is offered the purchase form")
			}
			checkLang("the product page", tid("buy-panel")) // the product's name and text are data
			b.shot("product-unverified-" + lang)

			// The mailed link opens a confirmation; confirming verifies.
			b.open(mailLink(t, srv, email, "verify"))
			checkLang("the verification page")
			b.shot("verify-" + lang)
			if st := b.follow(tid("verify-submit")); st != 200 {
				t.Fatalf("verify: %d", st)
			}
			if got := b.text(tid("flash-success")); got != i18n.T(lang, "verify.done") {
				t.Errorf("verify flash %q", got)
			}
			b.open("/products/" + itoa(crm.ID))
			b.step("choose a month, pay by coupon",
				chromedp.Click(chromedp.CSS(tid("plan-month")), chromedp.NodeVisible),
				chromedp.Click(chromedp.CSS(tid("pay-coupon")), chromedp.NodeVisible),
			)
			if st := b.follow(tid("buy-submit")); st != 200 {
				t.Fatalf("buy: %d", st)
			}
			if p := b.path(); !strings.HasPrefix(p, "/console/orders/") {
				t.Fatalf("after buying at %s: %q", p, b.texts(".field-error"))
			}

			// The account page: the address verified, this browser listed as the current one.
			if st := b.follow(tid("current-user")); st != 200 {
				t.Fatalf("account page: %d", st)
			}
			b.wantPath("/account")
			if b.count(tid("email-verified")) != 1 || b.count(tid("session-current")) != 1 {
				t.Error("the account page does not show the verified address and this browser")
			}
			if dev := b.text(tid("session-row")); !strings.Contains(dev, "Chrome") && !strings.Contains(dev, "Chromium") {
				t.Errorf("device %q", dev)
			}
			checkLang("the account page")
			b.shot("account-" + lang)
		})
	}
}
