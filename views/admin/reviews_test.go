package admin

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"koogallery/i18n"
	"koogallery/models/account"
	"koogallery/models/catalog"
	"koogallery/publishing"
	"koogallery/views"
)

func TestChangesComparesEveryField(t *testing.T) {
	addr, other := uint(3), uint(4)
	live := catalog.ProductContent{Name: "CRM", Type: catalog.TypeSaaS, ChargingMode: catalog.ChargePeriod, PriceMonth: 9900, AddressID: &addr,
		SecurityRules: []catalog.SecurityRule{}, ExtParams: nil}
	if got := Changes(live, live); len(got) != 0 {
		t.Errorf("same content: %v", got)
	}
	next := live
	next.SecurityRules = nil // empty and absent lists are the same
	next.AddressID = &addr   // another pointer to the same address
	if got := Changes(live, next); len(got) != 0 {
		t.Errorf("equal content: %v", got)
	}
	next.Name, next.PriceMonth, next.AddressID = "CRM Pro", 19900, &other
	next.ExtParams = []catalog.ExtParam{{Name: "region", Label: "Region"}}
	got := Changes(live, next)
	for _, k := range []string{"name", "price_month", "address", "ext_params"} {
		if !got[k] {
			t.Errorf("%s not reported as changed", k)
		}
	}
	if len(got) != 4 {
		t.Errorf("changes %v, want 4", got)
	}
	for _, k := range ReviewFields {
		if fieldValue(live, k) == nil {
			t.Errorf("field %s is not compared", k)
		}
	}
}

func TestDecodeReport(t *testing.T) {
	for _, s := range []string{"", "null", " "} {
		if r, ok := DecodeReport(s); !ok || r != nil {
			t.Errorf("%q: %v %v", s, r, ok)
		}
	}
	r, ok := DecodeReport(`[{"Scenario":"newInstance","Passed":false,"Problem":"cases.err.no_key"}]`)
	if !ok || len(r) != 1 || r[0].Passed || r[0].Problem != "cases.err.no_key" {
		t.Errorf("report %v %v", r, ok)
	}
	if _, ok := DecodeReport("{"); ok {
		t.Error("a broken report reads as fine")
	}
}

func renderReview(t *testing.T, vm ReviewVM, lang string) *goquery.Document {
	t.Helper()
	ctx := views.WithPage(context.Background(), views.Page{CSRF: "t", Locale: lang})
	var buf bytes.Buffer
	if err := Review(vm).Render(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestReviewWarnsAndKeepsTheReason(t *testing.T) {
	now := time.Now()
	p := &catalog.Product{ID: 7, Code: "00301-500007-0--0", Version: 1, SaleStatus: catalog.SaleOnSale, Seller: &account.Seller{Name: "Acme"}}
	v := &catalog.ProductVersion{ID: 9, ProductID: 7, Product: p, Number: 2, Status: catalog.VersionReviewing, SubmittedAt: &now}
	live := catalog.ProductContent{Name: "CRM", Type: catalog.TypeSaaS, ChargingMode: catalog.ChargePeriod, PriceMonth: 9900}
	next := live
	next.PriceMonth = 12900
	vm := ReviewVM{Version: v, Content: next, Live: &live, Changed: Changes(live, next),
		Readiness: publishing.Readiness{Interface: true, Problems: []publishing.Problem{{Key: "product.ready.no_key"}}},
		Reran:     []publishing.Rerun{{Scenario: "newInstance", Problem: "product.rerun.budget"}},
		Reason:    "<b>fix</b>", Error: "Give a reason."}
	for _, lang := range i18n.Locales {
		doc := renderReview(t, vm, lang)
		if doc.Find(`[data-testid="approve-warning"]`).Length() != 1 || doc.Find(`[data-testid="approve-form"][data-confirm]`).Length() != 1 {
			t.Errorf("%s: no warning before approving a product that is not ready", lang)
		}
		if got := doc.Find(`[data-testid="readiness-problem"]`).Text(); got != i18n.T(lang, "review.ready.no_key") {
			t.Errorf("%s: problem %q", lang, got)
		}
		if got := doc.Find(`[data-testid="was-price_month"]`).Text(); got != i18n.T(lang, "review.was", "¥99.00") {
			t.Errorf("%s: live price %q", lang, got)
		}
		if doc.Find(`[data-testid="field-name"]`).AttrOr("data-changed", "") != "false" {
			t.Errorf("%s: an unchanged name is highlighted", lang)
		}
		if got := doc.Find(`[data-testid="reject-reason"]`).Text(); got != "<b>fix</b>" {
			t.Errorf("%s: kept reason %q", lang, got)
		}
		if got := doc.Find(`[data-testid="reason-error"]`).Text(); got != "Give a reason." {
			t.Errorf("%s: reason error %q", lang, got)
		}
		if got := doc.Find(`[data-testid="rerun-row"]`).AttrOr("data-passed", ""); got != "false" {
			t.Errorf("%s: re-run row passed=%q", lang, got)
		}
	}
	// Decided: no forms, the decision shown instead.
	v.Status, v.RejectReason = catalog.VersionRejected, "too expensive"
	doc := renderReview(t, ReviewVM{Version: v, Content: next, Readiness: publishing.Readiness{}}, i18n.ZH)
	if doc.Find(`form`).Length() != 0 || doc.Find(`[data-testid="review-reject-reason"]`).Text() != "too expensive" {
		t.Error("a decided version offers a decision")
	}
}
