package e2e

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"koogallery/apptest"
	"koogallery/models/catalog"
)

// A buyer buys a periodic product; a double submit of the same form makes one order.
func TestPurchaseOnEachDatabase(t *testing.T) {
	for _, d := range apptest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			srv := apptest.Start(t, apptest.Options{Dialect: d})
			c := srv.Client(t)
			c.Login("buyer@demo.test")
			var p catalog.Product
			if err := srv.App.Store.DB().Where("code = ?", "00301-100001-0--0").First(&p).Error; err != nil {
				t.Fatal(err)
			}
			form := url.Values{"product_id": {itoa(p.ID)}, "plan": {"month"}, "count": {"2"}, "pay_method": {"coupon"}, "submit_key": {"0123456789abcdef0123"}}
			first := c.PostForm("/console/orders", form)
			second := c.PostForm("/console/orders", form)
			if first.Status != http.StatusSeeOther || second.Status != http.StatusSeeOther {
				t.Fatalf("statuses %d, %d", first.Status, second.Status)
			}
			if a, b := first.Header.Get("Location"), second.Header.Get("Location"); a != b || !strings.HasPrefix(a, "/console/orders/") {
				t.Fatalf("double submit went to %q and %q", a, b)
			}
			page := c.Get(first.Header.Get("Location"))
			if page.Status != 200 || !strings.Contains(page.Body, "¥198.00") {
				t.Fatalf("order page %d lacks the amount", page.Status)
			}
		})
	}
}

func itoa(n uint) string { return strconv.FormatUint(uint64(n), 10) }
