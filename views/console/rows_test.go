package console

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"

	"koogallery/models/catalog"
	"koogallery/models/orders"
	"koogallery/models/sqldb"
	"koogallery/views"
	"koogallery/views/components"
)

// The hand-written rows use the same badge and spec tag markup as the components.
func TestRowBadgesAndSpecTagsMatchComponents(t *testing.T) {
	for _, locale := range []string{"zh", "en"} {
		ctx := views.WithPage(context.Background(), views.Page{Locale: locale})
		check := func(name string, want templ.Component, write func(w *rowWriter)) {
			t.Helper()
			var b bytes.Buffer
			if err := want.Render(ctx, &b); err != nil {
				t.Fatal(err)
			}
			w := rowWriter{locale: locale}
			write(&w)
			if string(w.b) != b.String() {
				t.Errorf("%s (%s): rows write %q, the component %q", name, locale, w.b, b.String())
			}
		}
		for _, s := range orders.InstanceStatuses {
			check("instance badge "+string(s), components.Badge("instance.status.", string(s)), func(w *rowWriter) { w.badge("instance.status.", string(s)) })
		}
		for _, s := range append(orders.OrderStatuses, "<odd & unknown>") {
			check("order badge "+string(s), components.Badge("order.status.", string(s)), func(w *rowWriter) { w.badge("order.status.", string(s)) })
		}
		for _, sp := range []*catalog.ProductSpec{nil, {Name: "专业版"}, {Name: `<b>"x" & 'y'</b>`}} {
			check("spec tag", components.SpecTag(sp), func(w *rowWriter) { w.specTag(sp) })
		}
	}
}

func renderDoc(t *testing.T, locale string, c templ.Component) (*goquery.Document, string) {
	t.Helper()
	ctx := views.WithPage(context.Background(), views.Page{Locale: locale, Path: "/console"})
	var b bytes.Buffer
	if err := c.Render(ctx, &b); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(html))
	if err != nil {
		t.Fatal(err)
	}
	return doc, html
}

func TestServiceRows(t *testing.T) {
	exp := time.Date(2027, 1, 2, 20, 4, 5, 0, time.UTC) // 2027-01-03 in China
	saas := &catalog.Product{ID: 3, Name: `DB <Pro> & "x"`, Type: catalog.TypeSaaS, ChargingMode: catalog.ChargePeriod}
	once := &catalog.Product{ID: 4, Name: "Tool", Type: catalog.TypeLicense, ChargingMode: catalog.ChargeOneTime}
	items := []orders.Instance{
		{ID: 11, Product: saas, Order: &orders.Order{OrderNo: "CS1"}, Status: orders.InstanceNormal, ChargingMode: catalog.ChargePeriod, ExpireAt: &exp,
			Spec: &catalog.ProductSpec{Name: "<Pro>"}},
		{ID: 12, Product: saas, Order: &orders.Order{OrderNo: "CS2"}, Status: orders.InstanceFrozen, ChargingMode: catalog.ChargePeriod, ExpireAt: &exp, Trial: true},
		{ID: 13, Product: once, Order: &orders.Order{OrderNo: "CS3"}, Status: orders.InstanceReleased, ChargingMode: catalog.ChargeOneTime},
		{ID: 14, Status: orders.InstanceOpening, ChargingMode: catalog.ChargeOnDemand},
	}
	doc, html := renderDoc(t, "en", Services(ServicesVM{Page: sqldb.Page[orders.Instance]{Items: items, Number: 1}, Upgradable: map[uint]bool{11: true}}))
	rows := doc.Find(`[data-testid="service-row"]`)
	if rows.Length() != 4 {
		t.Fatalf("%d rows", rows.Length())
	}
	cells := func(i int) []string {
		var out []string
		rows.Eq(i).Find("td").Each(func(_ int, s *goquery.Selection) { out = append(out, s.Text()) })
		return out
	}
	links := func(i int) []string {
		var out []string
		rows.Eq(i).Find("td.actions a").Each(func(_ int, s *goquery.Selection) { out = append(out, s.AttrOr("href", "")+" "+s.Text()) })
		return strings.Split(strings.Join(out, "|"), "|")
	}
	want := [][]string{
		{`DB <Pro> & "x"<Pro>`, "SaaS", "CS1", "Yearly/monthly", " In use", "2027-01-03"},
		{`DB <Pro> & "x"Trial`, "SaaS", "CS2", "Yearly/monthly", " Frozen", "2027-01-03"},
		{"Tool", "License", "CS3", "One-time", " Released", "—"},
		{"", "", "", "On demand", " Opening", "—"},
	}
	wantLinks := [][]string{
		{"/console/services/11 Resource details", "/console/services/11#renew Renew", "/console/services/11/upgrade Upgrade", "/console/services/11/refund Unsubscribe"},
		{"/console/services/12 Resource details", "/console/services/12#renew Renew", "/console/services/12/refund Unsubscribe"},
		{"/console/services/13 Resource details"},
		{"/console/services/14 Resource details", "/console/services/14/refund Unsubscribe"},
	}
	for i := range want {
		if got := cells(i); strings.Join(got[:6], "¦") != strings.Join(want[i], "¦") {
			t.Errorf("row %d cells %q, want %q", i, got[:6], want[i])
		}
		if got := links(i); strings.Join(got, "¦") != strings.Join(wantLinks[i], "¦") {
			t.Errorf("row %d links %q, want %q", i, got, wantLinks[i])
		}
	}
	if strings.Contains(html, "<Pro>") {
		t.Errorf("unescaped text in %s", html)
	}
}

func TestOrderRows(t *testing.T) {
	created := time.Date(2026, 11, 27, 18, 30, 0, 0, time.UTC) // 11-28 02:30 in China
	items := []orders.Order{
		{ID: 21, OrderNo: "CS1", ProductName: `DB <Pro> & "x"`, Type: orders.OrderNew, ChargingMode: catalog.ChargePeriod, PaidFen: 123456,
			Status: orders.OrderCompleted, CreatedAt: created, Spec: &catalog.ProductSpec{Name: "Pro"}},
		{ID: 22, OrderNo: "CS2", ProductName: "Tool", Type: orders.OrderUnsubscribe, ChargingMode: catalog.ChargeOneTime, PaidFen: -5,
			Status: orders.OrderPendingPayment},
	}
	for _, tc := range []struct {
		locale string
		want   [][]string
	}{
		{"zh", [][]string{
			{"CS1", `DB <Pro> & "x"Pro`, "新购", "包周期", "¥1,234.56", " 已完成", "2026-11-28 02:30", "详情"},
			{"CS2", "Tool", "退订", "一次性", "-¥0.05", " 待支付", "—", "详情"},
		}},
		{"en", [][]string{
			{"CS1", `DB <Pro> & "x"Pro`, "New", "Yearly/monthly", "¥1,234.56", " Completed", "2026-11-28 02:30", "Details"},
		}},
	} {
		doc, html := renderDoc(t, tc.locale, Orders(OrdersVM{Page: sqldb.Page[orders.Order]{Items: items, Number: 1}}))
		rows := doc.Find(`[data-testid="order-row"]`)
		if rows.Length() != 2 {
			t.Fatalf("%d rows", rows.Length())
		}
		for i, want := range tc.want {
			var got []string
			rows.Eq(i).Find("td").Each(func(_ int, s *goquery.Selection) { got = append(got, s.Text()) })
			if strings.Join(got, "¦") != strings.Join(want, "¦") {
				t.Errorf("%s row %d: %q, want %q", tc.locale, i, got, want)
			}
			if href := rows.Eq(i).Find("a").AttrOr("href", ""); href != "/console/orders/"+views.Itoa(items[i].ID) {
				t.Errorf("%s row %d links to %q", tc.locale, i, href)
			}
		}
		if strings.Contains(html, "<Pro>") {
			t.Errorf("unescaped text in %s", html)
		}
	}
}

// Rendering a full list page body (20 rows) without the layout.
func BenchmarkListRows(b *testing.B) {
	exp := time.Date(2027, 1, 2, 3, 4, 5, 0, time.UTC)
	p := &catalog.Product{ID: 3, Name: "云数据库 专业版", Type: catalog.TypeSaaS, ChargingMode: catalog.ChargePeriod}
	var services []orders.Instance
	var orderList []orders.Order
	for i := 0; i < sqldb.PageSize; i++ {
		services = append(services, orders.Instance{ID: uint(100000 + i), Product: p, Order: &orders.Order{OrderNo: "CS2611271530ABCDE"},
			Status: orders.InstanceNormal, ChargingMode: catalog.ChargePeriod, ExpireAt: &exp})
		orderList = append(orderList, orders.Order{ID: uint(100000 + i), OrderNo: "CS2611271530ABCDE", ProductName: p.Name, Type: orders.OrderNew,
			ChargingMode: catalog.ChargePeriod, PaidFen: 123456, Status: orders.OrderCompleted, CreatedAt: exp})
	}
	ctx := views.WithPage(context.Background(), views.Page{Locale: "zh", Path: "/console"})
	for name, c := range map[string]templ.Component{
		"services": Services(ServicesVM{Page: sqldb.Page[orders.Instance]{Items: services, Number: 1, HasNext: true}}),
		"orders":   Orders(OrdersVM{Page: sqldb.Page[orders.Order]{Items: orderList, Number: 1, HasNext: true}}),
	} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			var buf bytes.Buffer
			for b.Loop() {
				buf.Reset()
				if err := c.Render(ctx, &buf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
