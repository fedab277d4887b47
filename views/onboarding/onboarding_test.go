package onboarding

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"koogallery/models/account"
	"koogallery/models/attachment"
	"koogallery/models/onboarding"
	"koogallery/views"
)

func TestAge(t *testing.T) {
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	ctx := views.WithPage(context.Background(), views.Page{Locale: "zh"})
	for _, tc := range []struct {
		ago  time.Duration
		want string
	}{
		{10 * time.Second, "1 分钟"}, {42 * time.Minute, "42 分钟"}, {3 * time.Hour, "3 小时"}, {49 * time.Hour, "2 天"},
	} {
		if got := Age(ctx, now, now.Add(-tc.ago)); got != tc.want {
			t.Errorf("Age(%v) = %q, want %q", tc.ago, got, tc.want)
		}
	}
	if got := Size(1536); got != "1 KB" {
		t.Errorf("Size(1536) = %q", got)
	}
	if got := Size(3<<20 + 1<<19); got != "3.5 MB" {
		t.Errorf("Size(3.5 MB) = %q", got)
	}
}

// TestReviewDialogStatesConsequence renders the approval dialog of a join and a change.
func TestReviewDialogStatesConsequence(t *testing.T) {
	ctx := views.WithPage(context.Background(), views.Page{Locale: "en", CSRF: "tok", Path: "/admin/sellers/7"})
	usc := "91350100M000100Y43"
	d := &onboarding.Detail{Application: onboarding.Application{ID: 7, Kind: onboarding.KindJoin, CompanyName: "Acme 科技有限公司", USCC: usc,
		Status: onboarding.StatusPending, Applicant: &account.User{Name: "Zhou", Email: "zhou@example.com"}},
		License: &attachment.Attachment{ID: 9, FileName: "licence.pdf", ContentType: "application/pdf", Size: 2048}}
	for _, tc := range []struct {
		vm   DetailVM
		want []string
	}{
		{DetailVM{D: d, Decide: "approve"}, []string{"Acme 科技有限公司", "zhou@example.com", "cannot be undone"}},
		{DetailVM{D: d, Decide: "reject", Note: "kept <b>", Errors: map[string]string{"note": "Say why."}}, []string{"ends this application"}},
	} {
		var buf bytes.Buffer
		if err := Review(tc.vm).Render(ctx, &buf); err != nil {
			t.Fatal(err)
		}
		doc, err := goquery.NewDocumentFromReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		dlg := doc.Find(`[data-testid="decision-dialog"][role], [data-testid="decision-dialog"] [role="dialog"]`)
		if dlg.Length() != 1 {
			t.Fatalf("%s: no dialog", tc.vm.Decide)
		}
		text := doc.Find(`[data-testid="decision-consequence"]`).Text()
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: consequence %q lacks %q", tc.vm.Decide, text, w)
			}
		}
		if action := doc.Find(`[data-testid="decision-form"]`).AttrOr("action", ""); action != "/admin/sellers/7/"+tc.vm.Decide {
			t.Errorf("%s: form posts to %q", tc.vm.Decide, action)
		}
		if tc.vm.Note != "" {
			if got := doc.Find(`[data-testid="decision-note"]`).Text(); got != tc.vm.Note {
				t.Errorf("note kept as %q", got)
			}
			if got := doc.Find(`[data-testid="note-error"]`).Text(); got != "Say why." {
				t.Errorf("note error %q", got)
			}
		}
		if doc.Find(`[data-testid="license-pdf"] a`).AttrOr("href", "") != "/admin/attachments/9" {
			t.Error("a PDF licence is not linked for download")
		}
	}
}
