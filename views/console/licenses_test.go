package console

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"koogallery/models/license"
	"koogallery/views"
)

func renderLicenses(t *testing.T, vm LicensesVM) *goquery.Document {
	t.Helper()
	ctx := views.WithPage(context.Background(), views.Page{CSRF: "tok", Locale: "en"})
	var buf bytes.Buffer
	if err := LicensePanel(vm).Render(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	if testing.Verbose() {
		t.Log(buf.String())
	}
	doc, err := goquery.NewDocumentFromReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestLicensePanelPollsWhilePending(t *testing.T) {
	now := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	items := []license.LicenseApplication{
		{ID: 3, EventID: "evt-3", DeviceFingerprint: "AA|||", Status: license.LicensePending, CreatedAt: now},
		{ID: 2, EventID: "evt-2", DeviceFingerprint: "BB|||", Status: license.LicenseIssued, LicenseType: license.LicenseTypeCharacters, Characters: "<b>LIC</b>", CreatedAt: now},
		{ID: 1, EventID: "evt-1", DeviceFingerprint: "CC|||", Status: license.LicenseIssued, LicenseType: license.LicenseTypeFile, FileName: "a.lic", FileSize: 10, CreatedAt: now},
	}
	doc := renderLicenses(t, LicensesVM{ServiceID: 7, Applicable: true, Form: LicenseForm{SubmitKey: "k", Errors: map[string]string{"fingerprint": "bad"}}, Items: items})
	list := doc.Find(`[data-testid="license-list"]`)
	if v, _ := list.Attr("hx-trigger"); v != "every 3s" {
		t.Errorf("hx-trigger %q", v)
	}
	if v, _ := list.Attr("hx-get"); v != "/console/services/7/licenses" {
		t.Errorf("hx-get %q", v)
	}
	if got := doc.Find(`[data-testid="license-characters"]`).Text(); got != "<b>LIC</b>" {
		t.Errorf("characters %q (escaped as text)", got)
	}
	if href, _ := doc.Find(`[data-testid="license-download"]`).Attr("href"); href != "/console/services/7/licenses/1/file" {
		t.Errorf("download %q", href)
	}
	if doc.Find(`[data-testid="fingerprint-error"]`).Text() != "bad" || doc.Find(`input[name="submit_key"]`).AttrOr("value", "") != "k" {
		t.Error("form state lost")
	}
	// Nothing pending: no polling.
	doc = renderLicenses(t, LicensesVM{ServiceID: 7, Items: items[1:]})
	if _, ok := doc.Find(`[data-testid="license-list"]`).Attr("hx-trigger"); ok {
		t.Error("a settled list still polls")
	}
	if doc.Find(`[data-testid="license-form"]`).Length() != 0 || !strings.Contains(doc.Find(`[data-testid="license-unavailable"]`).Text(), "in use") {
		t.Error("a service not in use offers the form")
	}
}
