package publishing_test

import (
	"errors"
	"testing"

	"koogallery/models"
	"koogallery/models/account"
	"koogallery/models/catalog"
	"koogallery/models/dbtest"
	"koogallery/models/sqldb"
	"koogallery/models/storetest"
	"koogallery/publishing"
)

func specForm(addr uint) publishing.Form {
	f := periodicSaaS(addr)
	f.PriceMonth, f.PriceYear, f.ExtNames, f.ExtLabels, f.ExtReq = "", "", nil, nil, nil
	f.SpecCodes, f.SpecNames = []string{"basic", "pro", ""}, []string{"基础版", "专业版", ""}
	f.SpecMonths, f.SpecYears = []string{"10", "20", ""}, []string{"100", "200", ""}
	return f
}

// The spec rows of the editor: periodic products only, codes unique, the same plans in every
// spec, prices not falling, at most five, and the product-level prices left to the lowest spec.
func TestSpecRows(t *testing.T) {
	ok := specForm(1)
	c, errs := ok.Content()
	if errs.Has() || len(c.Specs) != 2 || c.PriceMonth != 1000 || c.PriceYear != 10000 || c.Specs[1] != (catalog.SpecContent{Code: "pro", Name: "专业版", PriceMonth: 2000, PriceYear: 20000}) {
		t.Fatalf("good specs: %v %+v", errs, c)
	}
	cases := map[string]func(f *publishing.Form){
		"product.err.spec_periodic":  func(f *publishing.Form) { f.ChargingMode, f.PriceOnce = "ONE_TIME", "9" },
		"product.err.spec_code":      func(f *publishing.Form) { f.SpecCodes[1] = "Pro Max" },
		"product.err.spec_duplicate": func(f *publishing.Form) { f.SpecCodes[1] = "basic" },
		"product.err.spec_name":      func(f *publishing.Form) { f.SpecNames[1] = " " },
		"product.err.spec_plans":     func(f *publishing.Form) { f.SpecMonths[1] = "" },
		"product.err.spec_order":     func(f *publishing.Form) { f.SpecYears[1] = "99" },
		"product.err.spec_prices":    func(f *publishing.Form) { f.PriceMonth = "5" },
		"product.err.price_decimals": func(f *publishing.Form) { f.SpecMonths[0] = "9.999" },
		"product.err.price_period":   func(f *publishing.Form) { f.SpecMonths[0], f.SpecYears[0] = "", "" },
		"product.err.spec_many": func(f *publishing.Form) {
			f.SpecCodes, f.SpecNames = []string{"a", "b", "c", "d", "e", "f"}, []string{"1", "2", "3", "4", "5", "6"}
			f.SpecMonths, f.SpecYears = []string{"1", "2", "3", "4", "5", "6"}, nil
		},
	}
	for want, edit := range cases {
		f := specForm(1)
		edit(&f)
		if _, errs := f.Content(); errs["specs"] != want {
			t.Errorf("%s: got %v", want, errs)
		}
	}
}

// Specs go live with their version: ranked in order, updated by code on a later version (ids
// kept for the orders that point at them), and a listed spec cannot be dropped.
func TestSpecsGoLive(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		w.certify(t, true)
		for _, sc := range periodicCases {
			w.runCase(t, sc)
		}
		c := content(t, specForm(w.addr.ID))
		p, err := s.CreateProductDraft(ctx, w.sellerID, c, "form-specs")
		must(t, err)
		_, err = w.svc.Submit(ctx, w.sellerID, p.ID, 1)
		must(t, err)
		_, open, _ := s.SellerProduct(ctx, w.sellerID, p.ID)
		must(t, s.DecideProductVersion(ctx, w.admin, open.ID, true, ""))
		specs, err := s.ProductSpecs(ctx, p.ID)
		must(t, err)
		if len(specs) != 2 || specs[0].Code != "basic" || specs[0].Rank != 1 || specs[1].Rank != 2 {
			t.Fatalf("live specs: %+v", specs)
		}
		buyer := dbtest.User(t, s.Base(), "buyer@specs.test", account.RoleBuyer, 0)
		o, err := s.Purchase(ctx, buyer.ID, p.ID, models.PurchaseInput{Plan: "month", Count: "1", PayMethod: "cash", SubmitKey: "specs-buy-000000001",
			Spec: itoa(specs[1].ID)})
		must(t, err)
		if o.AmountFen != 2000 || o.SpecID == nil || *o.SpecID != specs[1].ID {
			t.Fatalf("bought pro: %d %v", o.AmountFen, o.SpecID)
		}

		// Dropping a listed spec is refused; renaming, repricing and adding a higher one go live.
		drop := c
		drop.Specs = c.Specs[:1]
		var fe sqldb.FieldErrors
		if _, err := s.SaveProductDraft(ctx, w.sellerID, p.ID, drop, 0); !errors.As(err, &fe) || fe["specs"] != catalog.MsgProductSpecRemoved {
			t.Fatalf("dropped a listed spec: %v", err)
		}
		next := c
		next.Specs = []catalog.SpecContent{{Code: "basic", Name: "标准版", PriceMonth: 1200, PriceYear: 12000}, c.Specs[1],
			{Code: "ent", Name: "企业版", PriceMonth: 5000, PriceYear: 50000}}
		next.PriceMonth, next.PriceYear = 1200, 12000
		v2, err := s.SaveProductDraft(ctx, w.sellerID, p.ID, next, 0)
		must(t, err)
		out, err := w.svc.Submit(ctx, w.sellerID, p.ID, v2.Rev)
		must(t, err)
		if !out.Submitted {
			t.Fatalf("v2 not submitted: %+v", out)
		}
		must(t, s.DecideProductVersion(ctx, w.admin, v2.ID, true, ""))
		after, err := s.ProductSpecs(ctx, p.ID)
		must(t, err)
		if len(after) != 3 || after[0].ID != specs[0].ID || after[0].Name != "标准版" || after[1].ID != specs[1].ID || after[2].Code != "ent" || after[2].Rank != 3 {
			t.Fatalf("specs after v2: %+v", after)
		}
		live, err := s.CatalogProduct(ctx, p.ID)
		must(t, err)
		if live.PriceMonth != 1200 {
			t.Fatalf("product price is not the lowest spec's: %d", live.PriceMonth)
		}
	})
}
