package e2e

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"koogallery/refseller"

	"koogallery/i18n"
	"koogallery/models/attachment"
	"koogallery/models/onboarding"
)

// Seller onboarding in the browser, in both languages at 1366 px: a new buyer reads the
// agreement, applies (a licence over 10 MB is refused before any upload, an empty form says
// what is missing per field), operations approve in the confirmation dialog, and the applicant
// signs in to the seller center, opens 商家信息, and certifies the company's first production
// address with its first key. KG_SHOTS=1 saves every page.
func TestBrowserOnboarding(t *testing.T) {
	t.Parallel()
	srv, b := startBrowser(t)
	b.step("1366 px wide", chromedp.EmulateViewport(1366, 900))
	dir := t.TempDir()
	pngFile := filepath.Join(dir, "营业执照.png")
	noErr(t, os.WriteFile(pngFile, licencePicture(), 0o644))
	bigFile := filepath.Join(dir, "big.png")
	noErr(t, os.WriteFile(bigFile, append(append([]byte{}, testPNG...), make([]byte, attachment.MaxBytes)...), 0o644))
	b.allow("422")

	for _, lang := range langs {
		T := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
		email := "browser-" + lang + "@example.com"
		company := map[string]string{i18n.ZH: "浏览器测试科技有限公司", i18n.EN: "浏览器英文测试有限公司"}[lang]
		newBuyer(t, srv, email, "测试 "+lang)

		b.open("/seller/agreement?lang=" + lang)
		b.wantTitle(T("onboarding.agreement.name"))
		b.shot("onboarding-agreement-" + lang)

		b.loginWith(email, testPassword)
		b.open("/seller/apply")
		b.wantTitle(T("onboarding.apply.title"))
		b.wantActiveNav(T("nav.console.apply"))
		if bad := b.untranslated(tid("apply-intro"), "label", ".help", "h2"); lang == i18n.EN && len(bad) > 0 {
			t.Errorf("Chinese in the English form: %q", bad)
		}
		b.shot("onboarding-apply-" + lang)

		// A licence over the limit is dropped at once, with the field's message.
		b.step("choose a file over 10 MB", chromedp.SetUploadFiles(chromedp.CSS("#apply-license"), []string{bigFile}))
		if got := b.text("#apply-license ~ [data-size-error]"); got != T("onboarding.err.license_too_large_client") {
			t.Errorf("%s: size message %q", lang, got)
		}
		if n := eval[int](b, `document.querySelector("#apply-license").files.length`); n != 0 {
			t.Errorf("%s: the big file stays chosen", lang)
		}

		// The form as it came, submitted: a message per missing field.
		b.step("clear the prefilled contact", chromedp.Evaluate[chromedp.Void](`document.querySelector("#apply-contact_phone").value = ""`))
		if st := b.follow(tid("apply-submit")); st != 422 {
			t.Fatalf("%s: empty form: status %d", lang, st)
		}
		for _, f := range []string{"company", "uscc", "license", "contact_phone", "support_email", "agree"} {
			if b.count(tid(f+"-error")) != 1 {
				t.Errorf("%s: no message for %s", lang, f)
			}
		}
		b.shot("onboarding-apply-errors-" + lang)

		b.step("fill the application",
			chromedp.SetValue(chromedp.CSS("#apply-company"), company),
			chromedp.SetValue(chromedp.CSS("#apply-uscc"), strings.ToLower(newUSCC())),
			chromedp.SetValue(chromedp.CSS("#apply-contact_phone"), "138-0000-5005"),
			chromedp.SetValue(chromedp.CSS("#apply-support_email"), "help-"+lang+"@example.com"),
			chromedp.SetValue(chromedp.CSS("#apply-support_phone"), "400-800-5005"),
			chromedp.SetValue(chromedp.CSS("#apply-support_hours"), "9:00–18:00"),
			chromedp.SetUploadFiles(chromedp.CSS("#apply-license"), []string{pngFile}),
			chromedp.Click(chromedp.CSS(tid("apply-agree"))),
		)
		if st := b.follow(tid("apply-submit")); st != 200 {
			t.Fatalf("%s: apply: status %d", lang, st)
		}
		if got := b.text(tid("flash-success")); got != T("onboarding.flash.submitted") {
			t.Errorf("%s: flash %q", lang, got)
		}
		if got := b.text(tid("application-status")); got != T("onboarding.status.pending") {
			t.Errorf("%s: status %q", lang, got)
		}
		b.shot("onboarding-pending-" + lang)
		b.follow(tid("logout"))

		// Operations: the queue with the count, the application, the dialog.
		b.login("admin@demo.test")
		b.open("/admin/sellers?lang=" + lang)
		b.wantTitle(T("nav.admin.sellers"))
		if got, want := b.text(tid("sidenav")+" "+tid("nav-count")), b.text(tid("queue-count-pending")+" "+tid("queue-count")); got != want || got == "" {
			t.Errorf("%s: nav count %q, queue says %q", lang, got, want)
		}
		b.shot("onboarding-queue-" + lang)
		row := b.mark(tid("queue-row"), company, "app")
		if st := b.follow(row + " " + tid("queue-open")); st != 200 {
			t.Fatalf("%s: review page: %d", lang, st)
		}
		b.wantTitle(company)
		if got := b.texts(tid("sidenav") + ` a[aria-current="page"]`); len(got) != 1 || !strings.HasPrefix(got[0], T("nav.admin.sellers")) {
			t.Errorf("%s: active navigation %q", lang, got)
		}
		if ok := eval[bool](b, `(function(){const i=document.querySelector('[data-testid="license-image"]');return !!i && i.complete && i.naturalWidth === 640})()`); !ok {
			t.Errorf("%s: the licence image does not show", lang)
		}
		b.shot("onboarding-review-" + lang)
		if st := b.follow(tid("decide-reject")); st != 200 {
			t.Fatalf("%s: reject dialog: %d", lang, st)
		}
		b.shot("onboarding-dialog-reject-" + lang)
		b.step("Escape closes the dialog", chromedp.KeyEvent("\u001b"))
		b.step("wait for the page without the dialog", chromedp.WaitNotPresent(chromedp.CSS(tid("decision-dialog"))))
		if st := b.follow(tid("decide-approve")); st != 200 {
			t.Fatalf("%s: approve dialog: %d", lang, st)
		}
		if got := b.text(tid("decision-consequence")); !strings.Contains(got, company) || !strings.Contains(got, email) {
			t.Errorf("%s: approve dialog says %q", lang, got)
		}
		b.shot("onboarding-dialog-approve-" + lang)
		if st := b.follow(tid("decision-confirm")); st != 200 {
			t.Fatalf("%s: approve: %d", lang, st)
		}
		if got := b.text(tid("flash-success")); got != T("onboarding.flash.done.approve") {
			t.Errorf("%s: approve flash %q", lang, got)
		}
		b.shot("onboarding-approved-" + lang)
		b.follow(tid("logout"))

		// The new owner: the seller center, and 商家信息.
		if at := b.loginWith(email, testPassword); at != "/seller" {
			t.Errorf("%s: the new seller lands at %s", lang, at)
		}
		b.open("/seller/profile")
		b.wantTitle(T("nav.seller.profile"))
		b.wantActiveNav(T("nav.seller.profile"))
		if got := b.text(tid("profile-company-name")); got != company {
			t.Errorf("%s: profile company %q", lang, got)
		}
		b.shot("onboarding-profile-" + lang)
		// A change of legal name goes to review; the page shows it next to the current name.
		b.step("fill the change",
			chromedp.Click(chromedp.CSS(tid("profile-change")+" summary")),
			chromedp.SetValue(chromedp.CSS("#change-company"), company+"二部"),
			chromedp.SetUploadFiles(chromedp.CSS("#change-license"), []string{pngFile}),
		)
		if st := b.follow(tid("change-submit")); st != 200 {
			t.Fatalf("%s: change: %d", lang, st)
		}
		if got := b.text(tid("profile-change-name")); got != company+"二部" {
			t.Errorf("%s: pending change %q", lang, got)
		}
		b.shot("onboarding-profile-change-" + lang)

		// The new seller's first steps in the toolkit: a key, the endpoint's address, certified.
		endpoint := &lateSeller{}
		ep := httptest.NewServer(endpoint)
		t.Cleanup(ep.Close)
		b.open("/seller/keys")
		b.step("name the key", chromedp.SendKeys(chromedp.CSS("#key-name"), "first key", chromedp.NodeVisible))
		if st := b.follow(tid("key-create")); st != 200 {
			t.Fatalf("%s: create key: %d", lang, st)
		}
		var err error
		endpoint.s, err = refseller.New(refseller.Options{AccessKey: b.text(tid("key-secret")), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		noErr(t, err)
		b.open("/seller/addresses")
		b.step("type the address", chromedp.SendKeys(chromedp.CSS("#address-url"), ep.URL, chromedp.NodeVisible))
		if st := b.follow(tid("address-add")); st != 200 {
			t.Fatalf("%s: add address: %d", lang, st)
		}
		key := eval[string](b, `document.querySelector('[data-testid="certify-key"] option:not([value=""])').value`)
		b.step("choose the key", chromedp.SetValue(chromedp.CSS(tid("certify-key")), key))
		if st := b.follow(tid("certify-submit")); st != 200 {
			t.Fatalf("%s: certify: %d", lang, st)
		}
		if b.count(`#certify .badge[data-status="certified"]`) != 1 {
			t.Errorf("%s: the new seller's address is not certified: %q", lang, b.text("#certify"))
		}
		b.shot("onboarding-certified-" + lang)
		b.follow(tid("logout"))
	}

	// An application sent back for more, then rejected, as its applicant reads it.
	u := newBuyer(t, srv, "browser-retry@example.com", "补充 测试")
	in := onboarding.Input{CompanyName: "补充材料测试有限公司", USCC: newUSCC(), ContactName: "补充", ContactPhone: "138-0000-6006",
		ContactEmail: u.Email, SupportEmail: "help@example.com", SupportPhone: "400-800-6006", SupportHours: "工作日", Agreed: true,
		License: &attachment.Upload{Name: "营业执照.png", Data: licencePicture()}}
	app, err := srv.App.Onboarding.Submit(t.Context(), u, in)
	noErr(t, err)
	admin, err := srv.App.Accounts.UserByEmail(t.Context(), "admin@demo.test")
	noErr(t, err)
	noErr(t, srv.App.Onboarding.RequestInfo(t.Context(), admin, app.ID, "营业执照照片模糊，请上传清晰的扫描件。"))
	b.loginWith(u.Email, testPassword)
	for _, lang := range langs {
		b.open("/seller/apply?lang=" + lang)
		if b.count(tid("apply-request")) != 1 || b.count("#apply-license") != 1 {
			t.Errorf("%s: no request with the form to answer it", lang)
		}
		b.noRawKeys()
		b.shot("onboarding-needs-info-" + lang)
	}
	b.step("agree again", chromedp.Click(chromedp.CSS(tid("apply-agree"))))
	if st := b.follow(tid("apply-submit")); st != 200 || b.text(tid("flash-success")) != i18n.T(i18n.EN, "onboarding.flash.resubmitted") {
		t.Fatalf("resubmit: %d %q", st, b.text(tid("flash-success")))
	}
	noErr(t, srv.App.Onboarding.Reject(t.Context(), admin, app.ID, "营业执照上的名称与填写的企业名称不一致。"))
	for _, lang := range langs {
		b.open("/seller/apply?lang=" + lang)
		if b.count(tid("apply-rejected")) != 1 {
			t.Errorf("%s: no rejection reason", lang)
		}
		b.noRawKeys()
		b.shot("onboarding-rejected-" + lang)
	}
}

// loginWith signs in through the login form with a password and returns where the browser
// landed.
func (b *tab) loginWith(email, password string) string {
	b.t.Helper()
	b.open("/login")
	b.step("fill the login form",
		chromedp.SendKeys(chromedp.CSS("#email"), email, chromedp.NodeVisible),
		chromedp.SendKeys(chromedp.CSS("#password"), password, chromedp.NodeVisible),
	)
	if st := b.follow(tid("login-submit")); st != 200 {
		b.t.Fatalf("login as %s: status %d", email, st)
	}
	return eval[string](b, `location.pathname`)
}

// licencePicture is a 640×420 PNG that looks a little like a licence: a red frame, a seal and
// lines of "text".
func licencePicture() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 640, 420))
	red, ink := color.RGBA{190, 20, 20, 255}, color.RGBA{60, 60, 70, 255}
	for x := 0; x < 640; x++ {
		for y := 0; y < 420; y++ {
			c := color.RGBA{250, 246, 236, 255}
			switch {
			case x < 14 || x > 625 || y < 14 || y > 405:
				c = red
			case (x-520)*(x-520)+(y-320)*(y-320) < 55*55 && (x-520)*(x-520)+(y-320)*(y-320) > 48*48:
				c = red
			case y > 60 && y < 360 && (y-60)%36 < 8 && x > 60 && x < 60+(y*7)%400+80:
				c = ink
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}
