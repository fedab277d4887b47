package supervision

import (
	"bytes"
	"context"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"

	"koogallery/models/catalog"
	"koogallery/models/orders"
	"koogallery/models/supervision"
	"koogallery/views"
)

func render(t *testing.T, c templ.Component) *goquery.Document {
	t.Helper()
	ctx := views.WithPage(context.Background(), views.Page{CSRF: "tok", Locale: "en"})
	var buf bytes.Buffer
	if err := c.Render(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func detail(step supervision.SupervisionStep, frozen bool, typ catalog.ProductType) *supervision.SupervisionDetail {
	p := &catalog.Product{Name: "迁移服务", Type: typ}
	return &supervision.SupervisionDetail{S: supervision.Supervision{ID: 5, Step: step, Frozen: frozen, ProductType: typ, Product: p,
		Order: &orders.Order{OrderNo: "CS2603010800ABCDE", Status: orders.OrderProcessing}}}
}

// Each party sees exactly the forms of its turn; while an appeal is open, none, but the
// explanation; operations never see a party's forms.
func TestDetailShowsOnlyTheTurnsForms(t *testing.T) {
	cases := []struct {
		area   string
		step   supervision.SupervisionStep
		frozen bool
		typ    catalog.ProductType
		want   []string
	}{
		{AreaConsole, supervision.StepRequirements, false, catalog.TypeManualService, []string{"submit_requirements"}},
		{AreaSeller, supervision.StepRequirements, false, catalog.TypeManualService, nil},
		{AreaSeller, supervision.StepConfirm, false, catalog.TypeManualService, []string{"confirm_requirements", "reject_requirements"}},
		{AreaSeller, supervision.StepImplementing, false, catalog.TypeManualService, []string{"deliver"}},
		{AreaSeller, supervision.StepImplementing, false, catalog.TypeHardware, []string{"ship"}},
		{AreaConsole, supervision.StepShipped, false, catalog.TypeHardware, []string{"sign"}},
		{AreaConsole, supervision.StepAcceptance, false, catalog.TypeManualService, []string{"accept", "reject_delivery"}},
		{AreaConsole, supervision.StepAcceptance, true, catalog.TypeManualService, nil},
		{AreaSeller, supervision.StepAcceptance, true, catalog.TypeManualService, nil},
	}
	for _, tc := range cases {
		doc := render(t, Detail(DetailVM{Area: tc.area, D: detail(tc.step, tc.frozen, tc.typ)}))
		var got []string
		doc.Find(`form.sv-action`).Each(func(_ int, s *goquery.Selection) {
			got = append(got, s.AttrOr("data-testid", "")[len("sv-form-"):])
		})
		if len(got) != len(tc.want) {
			t.Errorf("%s at %s (frozen %v): forms %v, want %v", tc.area, tc.step, tc.frozen, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%s at %s: forms %v, want %v", tc.area, tc.step, got, tc.want)
			}
		}
		frozen := doc.Find(`[data-testid="sv-frozen"]`).Length() == 1
		appeal := doc.Find(`[data-testid="sv-form-appeal"]`).Length() == 1
		if frozen != tc.frozen || appeal == tc.frozen {
			t.Errorf("%s at %s: frozen shown %v, appeal form %v", tc.area, tc.step, frozen, appeal)
		}
	}
	doc := render(t, Detail(DetailVM{Area: AreaAdmin, D: detail(supervision.StepAcceptance, true, catalog.TypeManualService),
		Appeal: &supervision.Appeal{ID: 9, Status: supervision.AppealOpen}}))
	if doc.Find(`form.sv-action, [data-testid="sv-form-appeal"]`).Length() != 0 || doc.Find(`[data-testid="appeal-form-decide"]`).Length() != 1 {
		t.Error("operations see the parties' forms or miss the decision form")
	}
}

func TestWaitingSaysWhoseTurn(t *testing.T) {
	sv := &supervision.Supervision{Step: supervision.StepConfirm}
	if Waiting(AreaSeller, sv) != "supervision.turn.you" || Waiting(AreaConsole, sv) != "supervision.turn.seller" {
		t.Error("confirm step: the seller's turn")
	}
	sv.Frozen = true
	if Waiting(AreaConsole, sv) != "supervision.turn.appeal" {
		t.Error("frozen: operations' turn")
	}
	if got := Waiting(AreaConsole, &supervision.Supervision{Step: supervision.StepAccepted}); got != "supervision.turn.platform" {
		t.Errorf("accepted: %s", got)
	}
}
