package e2e

import (
	"context"
	"testing"

	"koogallery/apptest"
	"koogallery/models/catalog"
)

// The listing review routes' fixtures for the authorization matrix (authz_test.go).

// reviewFixtures are two never-listed products of seller company 1: one submitted for review,
// one still a draft (deciding a draft is stale: 303 with a message, nothing changed).
type reviewFixtures struct {
	submitted, draft catalog.ProductVersion
}

func loadReviewFixtures(t *testing.T, srv *apptest.Server, f fixtures) reviewFixtures {
	t.Helper()
	ctx := context.Background()
	content := catalog.ProductContent{Name: "authz 审核商品", Summary: "authz", Type: catalog.TypeManualService,
		ChargingMode: catalog.ChargeOneTime, PriceOnce: 10000}
	var out reviewFixtures
	_, out.submitted = reviewSubmitDraft(t, srv, f.sellerID, content)
	content.Name = "authz 草稿商品"
	p, err := srv.App.Store.CreateProductDraft(ctx, f.sellerID, content, "")
	noErr(t, err)
	out.draft = reviewOpenVersion(t, srv, f.sellerID, p.ID)
	return out
}

// reviewPath is a review route of the submitted version (or of the draft).
func reviewPath(draft bool, suffix string) func(fixtures) string {
	return func(f fixtures) string {
		v := f.review.submitted
		if draft {
			v = f.review.draft
		}
		return "/admin/products/reviews/" + itoa(v.ID) + suffix
	}
}
