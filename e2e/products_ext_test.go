package e2e

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"koogallery/apptest"
	"koogallery/i18n"
	"koogallery/models/catalog"
	"koogallery/models/orders"
	"koogallery/models/outbox"
	"koogallery/protocol"
)

// A product's extension parameters are asked on the buy form: a required one left empty is
// refused with the typed values kept; the values show on the order and newInstance carries
// them as saasExtendParams.
func TestBuyWithExtensionParameters(t *testing.T) {
	srv := apptest.Start(t, apptest.Options{})
	db := srv.App.Store.DB()
	p := productByCode(t, srv, "00301-100001-0--0") // the demo CRM: SaaS, monthly
	params := `[{"name":"region","label":"部署区域","required":true},{"name":"domain","label":"企业域名","required":false}]`
	noErr(t, db.Model(&catalog.Product{}).Where("id = ?", p.ID).Update("ext_params", params).Error)
	specs, err := srv.App.Store.ProductSpecs(t.Context(), p.ID)
	noErr(t, err)

	c := srv.Client(t)
	c.Login("buyer@demo.test")
	page := parseHTML(t, c.Get("/products/"+itoa(p.ID)).Body)
	if page.Find(`[data-testid="buy-ext-region"]`).Length() != 1 || page.Find(`[data-testid="buy-ext-domain"]`).Length() != 1 {
		t.Fatal("the buy form does not ask the extension parameters")
	}
	form := url.Values{"product_id": {itoa(p.ID)}, "plan": {"month"}, "count": {"1"}, "pay_method": {"cash"}, "submit_key": {"ext-" + randKey()},
		"spec": {itoa(specs[0].ID)}, "ext_region": {"  "}, "ext_domain": {"example.com" + hostile}}
	before := countRows(t, srv, &orders.Order{})
	res := c.PostForm("/console/orders?lang=en", form)
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("empty required parameter: %d", res.Status)
	}
	assertEscaped(t, "ext refused", res)
	doc := parseHTML(t, res.Body)
	if got := strings.TrimSpace(doc.Find(`[data-testid="ext_region-error"]`).Text()); got != msgIn(t, i18n.EN, "purchase.err.ext_required") {
		t.Fatalf("message %q", got)
	}
	if got := doc.Find(`[data-testid="buy-ext-domain"]`).AttrOr("value", ""); got != "example.com"+hostile {
		t.Fatalf("typed value not kept: %q", got)
	}
	if countRows(t, srv, &orders.Order{}) != before {
		t.Fatal("a refused purchase made an order")
	}

	form.Set("ext_region", "华北-北京四")
	form.Set("ext_domain", "example.com")
	form.Set("submit_key", "ext-"+randKey())
	res = c.PostForm("/console/orders", form)
	if res.Status != http.StatusSeeOther {
		t.Fatalf("purchase: %d", res.Status)
	}
	var o orders.Order
	noErr(t, db.Where("buyer_id IN (SELECT id FROM users WHERE email = ?) AND product_id = ?", "buyer@demo.test", p.ID).Order("id DESC").First(&o).Error)
	detail := parseHTML(t, c.Get("/console/orders/"+itoa(o.ID)).Body)
	if got := detail.Find(`[data-testid="order-ext-region"]`).Text(); got != "华北-北京四" {
		t.Fatalf("order shows region %q", got)
	}
	var call outbox.InterfaceCall
	noErr(t, db.Where("order_id = ? AND activity = ?", o.ID, protocol.ActivityNewInstance).First(&call).Error)
	var body protocol.NewInstanceRequest
	noErr(t, json.Unmarshal([]byte(call.Body), &body))
	got, err := protocol.DecodeExtendParams(body.SaasExtendParams)
	noErr(t, err)
	if len(got) != 2 || got[0] != (protocol.ExtendParam{Name: "region", Value: "华北-北京四"}) || got[1].Value != "example.com" {
		t.Fatalf("saasExtendParams: %+v", got)
	}
}
