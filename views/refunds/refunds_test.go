package refunds

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"

	"koogallery/models/account"
	"koogallery/models/attachment"
	"koogallery/models/catalog"
	"koogallery/models/orders"
	"koogallery/models/refund"
	"koogallery/money"
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

func target(d refund.RefundDecision, typ catalog.ProductType) *refund.RefundTarget {
	paid := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	p := &catalog.Product{Name: "迁移服务", Type: typ}
	return &refund.RefundTarget{
		Service:  &orders.Instance{ID: 7, Status: orders.InstanceOpening, Product: p},
		Order:    &orders.Order{ID: 3, OrderNo: "CS2603010800ABCDE", Type: orders.OrderNew, PaidFen: 12000, PayMethod: orders.PayCash, PaidAt: &paid},
		Decision: d,
	}
}

func TestFormShowsAmountErrorAndKeepsInput(t *testing.T) {
	vm := FormVM{Target: target(refund.RefundDecision{Kind: refund.RefundKindNegotiated, Allowed: true, Why: refund.RuleNegotiated, MinFen: 1, MaxFen: 12000}, catalog.TypeHardware),
		Amount: "120.01", Cause: "quality", Text: "<b>x</b>", Goods: refund.GoodsReceived, SubmitKey: "key-1",
		Errors: map[string]string{"amount": "At most ¥120.00"}}
	doc := render(t, Form(vm))
	if got := doc.Find(`[data-testid="amount-error"]`).Text(); got != "At most ¥120.00" {
		t.Errorf("amount error = %q", got)
	}
	if got := doc.Find(`[data-testid="refund-amount"]`).AttrOr("value", ""); got != "120.01" {
		t.Errorf("amount kept as %q", got)
	}
	if got := doc.Find(`[data-testid="refund-text"]`).Text(); got != "<b>x</b>" {
		t.Errorf("text kept as %q", got)
	}
	if doc.Find(`select[name="cause"] option[value="quality"][selected]`).Length() != 1 {
		t.Errorf("cause not kept")
	}
	if doc.Find(`input[name="goods"][value="received"][checked]`).Length() != 1 {
		t.Errorf("hardware goods not kept")
	}
	if got := doc.Find(`form[data-testid="refund-form"]`).AttrOr("enctype", ""); got != "multipart/form-data" {
		t.Errorf("form enctype %q", got)
	}
	if got := doc.Find(`[data-testid="refund-max"]`).Text(); got != "¥120.00" {
		t.Errorf("max %q", got)
	}
}

func TestFormRefusedSaysWhyWithoutForm(t *testing.T) {
	doc := render(t, Form(FormVM{Target: target(refund.RefundDecision{Kind: refund.RefundKindNegotiated, Why: refund.WhySupervisionCompleted}, catalog.TypeLicense)}))
	if got := doc.Find(`[data-testid="refund-why"]`).AttrOr("data-why", ""); got != refund.WhySupervisionCompleted {
		t.Errorf("why = %q", got)
	}
	if !strings.Contains(doc.Find(`[data-testid="refund-why"]`).Text(), "supervision is completed") {
		t.Errorf("why text = %q", doc.Find(`[data-testid="refund-why"]`).Text())
	}
	if doc.Find(`[data-testid="refund-form"]`).Length() != 0 {
		t.Errorf("a refused refund shows the form")
	}
}

func TestFullRefundAmountIsFixed(t *testing.T) {
	vm := FormVM{Target: target(refund.RefundDecision{Kind: refund.RefundKindNoReason, Allowed: true, Auto: true, Why: refund.RuleNoReason, MinFen: 12000, MaxFen: 12000}, catalog.TypeImage),
		Amount: money.Fen(12000).FormValue()}
	doc := render(t, Form(vm))
	in := doc.Find(`[data-testid="refund-amount"]`)
	if _, ro := in.Attr("readonly"); !ro || in.AttrOr("value", "") != "120.00" {
		t.Errorf("full amount input: readonly=%v value=%q", ro, in.AttrOr("value", ""))
	}
}

func TestDetailOffersActionsByAreaAndStatus(t *testing.T) {
	now := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	detail := func(st refund.RefundStatus) *refund.RefundDetail {
		return &refund.RefundDetail{Request: refund.RefundRequest{ID: 9, Status: st, AmountFen: 100, MaxFen: 200, Kind: refund.RefundKindNegotiated,
			Cause: refund.CauseOther, Text: "<script>x</script>", Buyer: &account.User{Name: "张伟", Email: "b@x.test"}, CreatedAt: now},
			Attachments: []attachment.Attachment{{ID: 4, FileName: "a.pdf", Size: 2048, UploaderRole: account.RoleBuyer, CreatedAt: now}}}
	}
	cases := []struct {
		area     string
		st       refund.RefundStatus
		decide   string
		approve  int
		withdraw int
		review   int
		contact  int
	}{
		{AreaSeller, refund.RefundPending, "", 1, 0, 0, 0},
		{AreaSeller, refund.RefundPending, "approve", 0, 0, 1, 0},
		{AreaSeller, refund.RefundApproved, "approve", 0, 0, 0, 0},
		{AreaConsole, refund.RefundPending, "", 0, 1, 0, 0},
		{AreaConsole, refund.RefundRejected, "", 0, 0, 0, 0},
		{AreaAdmin, refund.RefundPending, "", 0, 0, 0, 1},
	}
	for _, tc := range cases {
		doc := render(t, Detail(DetailVM{Area: tc.area, D: detail(tc.st), Review: ReviewForm{Decide: tc.decide}}))
		got := []int{doc.Find(`[data-testid="refund-approve"]`).Length(), doc.Find(`[data-testid="refund-withdraw"]`).Length(),
			doc.Find(`[data-testid="refund-review-form"]`).Length(), doc.Find(`[data-testid="refund-contact"]`).Length()}
		want := []int{tc.approve, tc.withdraw, tc.review, tc.contact}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%s %s decide=%q: approve/withdraw/review/contact = %v, want %v", tc.area, tc.st, tc.decide, got, want)
				break
			}
		}
		if href := doc.Find(`[data-testid="attachment-link"]`).AttrOr("href", ""); href != "/"+tc.area+"/attachments/4" {
			t.Errorf("%s: attachment link %q", tc.area, href)
		}
	}
}
