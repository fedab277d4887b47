package e2e

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"koogallery/apptest"
	"koogallery/models/account"
	"koogallery/models/catalog"
)

// The product editor refuses bad prices, too many extension parameters, another seller's
// address and edits of another seller's product, each with a message in the user's language,
// the typed values kept and nothing saved.
func TestProductEditorBadInput(t *testing.T) {
	srv := apptest.Start(t, apptest.Options{})
	db := srv.App.Store.DB()
	var s1, s2 account.User
	noErr(t, db.Where("email = ?", "seller@demo.test").First(&s1).Error)
	noErr(t, db.Where("email = ?", "seller2@demo.test").First(&s2).Error)
	other, err := srv.App.Store.AddAddress(t.Context(), *s2.SellerID, "https://seller2-only.example.com")
	noErr(t, err)
	mine, err := srv.App.Store.AddAddress(t.Context(), *s1.SellerID, "https://seller1.example.com")
	noErr(t, err)

	base := func() url.Values {
		return url.Values{"name": {"坏输入测试 " + hostile}, "summary": {"简介"}, "type": {"saas"}, "charging_mode": {"PERIOD"},
			"price_month": {"99"}, "price_year": {""}, "address": {itoa(mine.ID)}, "path": {"/produce"}, "submit_key": {"bad-input-" + randKey()}}
	}
	cases := []struct {
		name, field, key string
		edit             func(v url.Values)
	}{
		{"negative price", "price_month", "product.err.price_positive", func(v url.Values) { v.Set("price_month", "-5") }},
		{"zero price", "price_month", "product.err.price_positive", func(v url.Values) { v.Set("price_month", "0") }},
		{"no periodic price", "price_month", "product.err.price_period", func(v url.Values) { v.Set("price_month", "") }},
		{"too precise", "price_month", "product.err.price_decimals", func(v url.Values) { v.Set("price_month", "9.999") }},
		{"absurd", "price_month", "product.err.price_max", func(v url.Values) { v.Set("price_month", "99999999999") }},
		{"overflow", "price_month", "product.err.price_max", func(v url.Values) { v.Set("price_month", strings.Repeat("9", 40)) }},
		{"not a number", "price_month", "product.err.price_format", func(v url.Values) { v.Set("price_month", "1e9; DROP TABLE products") }},
		{"price of another mode", "price_once", "product.err.price_unused", func(v url.Values) { v.Set("price_once", "10") }},
		{"one-time without price", "price_once", "product.err.price_required", func(v url.Values) { v.Set("charging_mode", "ONE_TIME"); v.Set("price_month", "") }},
		{"mode the type lacks", "charging_mode", "product.err.charging_mode", func(v url.Values) { v.Set("type", "hardware") }},
		{"unknown type", "type", "product.err.type", func(v url.Values) { v.Set("type", "<b>x</b>") }},
		{"trial too long", "trial_days", "product.err.trial_days", func(v url.Values) { v.Set("trial_days", "365") }},
		{"no name", "name", "product.err.required", func(v url.Values) { v.Set("name", "   ") }},
		{"four extension parameters", "ext", "product.err.ext_many", func(v url.Values) {
			v["ext_name"] = []string{"a1", "a2", "a3", "a4"}
			v["ext_label"] = []string{"一", "二", "三", "四"}
		}},
		{"bad extension name", "ext_0", "product.err.ext_name", func(v url.Values) {
			v["ext_name"] = []string{"1 bad"}
			v["ext_label"] = []string{"标签"}
		}},
		{"another seller's address", "address", catalog.MsgProductAddressNotYours, func(v url.Values) { v.Set("address", itoa(other.ID)) }},
		{"unknown address", "address", catalog.MsgProductAddressNotYours, func(v url.Values) { v.Set("address", "99999999") }},
		{"malformed address", "address", catalog.MsgProductAddressNotYours, func(v url.Values) { v.Set("address", "1 OR 1=1") }},
		{"bad path", "path", "address.err.path", func(v url.Values) { v.Set("path", "/a/../b?x=1") }},
	}
	before := countRows(t, srv, &catalog.Product{}) + countRows(t, srv, &catalog.ProductVersion{})
	for _, lang := range langs {
		c := srv.Client(t)
		c.Login("seller@demo.test")
		for _, tc := range cases {
			v := base()
			tc.edit(v)
			res := c.PostForm(withLang("/seller/products", lang), v)
			where := lang + " " + tc.name
			if res.Status != http.StatusUnprocessableEntity {
				t.Errorf("%s: status %d, want 422", where, res.Status)
				continue
			}
			assertEscaped(t, where, res)
			doc := parseHTML(t, res.Body)
			if got := strings.TrimSpace(doc.Find(`[data-testid="` + tc.field + `-error"]`).Text()); got != msgIn(t, lang, tc.key) {
				t.Errorf("%s: %s error %q, want %q", where, tc.field, got, msgIn(t, lang, tc.key))
			}
			if got := doc.Find(`input[name="name"]`).AttrOr("value", ""); got != v.Get("name") {
				t.Errorf("%s: typed name not kept: %q", where, got)
			}
		}
	}
	if after := countRows(t, srv, &catalog.Product{}) + countRows(t, srv, &catalog.ProductVersion{}); after != before {
		t.Fatalf("refused forms saved something: %d rows, then %d", before, after)
	}

	// Another seller cannot open, edit, submit or take off sale seller company 1's product.
	var p catalog.Product
	noErr(t, db.Where("seller_id = ? AND sale_status = ?", *s1.SellerID, catalog.SaleOnSale).Order("id").First(&p).Error)
	c2 := srv.Client(t)
	c2.Login("seller2@demo.test")
	v := base()
	v.Set("address", "")
	for _, path := range []string{"", "/submit", "/unlist", "/withdraw", "/discard"} {
		if res := c2.PostForm("/seller/products/"+itoa(p.ID)+path, v); res.Status != http.StatusNotFound {
			t.Errorf("seller2 POST %s: %d, want 404", path, res.Status)
		}
	}
	var after catalog.Product
	noErr(t, db.First(&after, p.ID).Error)
	if after.Name != p.Name || after.SaleStatus != catalog.SaleOnSale || countRows(t, srv, &catalog.ProductVersion{}) != 0 {
		t.Fatalf("another seller changed the product: %q %s", after.Name, after.SaleStatus)
	}
}
