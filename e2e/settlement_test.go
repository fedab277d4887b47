package e2e

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"koogallery/apptest"
	"koogallery/models"
	"koogallery/models/account"
	"koogallery/models/attachment"
	"koogallery/models/orders"
	"koogallery/models/settlement"
	"koogallery/models/sqldb"
	"koogallery/models/supervision"
	"koogallery/money"
	settlementviews "koogallery/views/settlement"
)

// Settlement through the real middleware on SQLite and MariaDB: an order held back by
// supervision becomes eligible once delivery is accepted; operations' repayment switch holds
// a credit order back and lets it go; the statement's CSV holds what its page shows.

// settlementScene buys the supervised 网站迁移上云服务 (¥2,000, cash) for buyer@demo.test.
func settlementScene(t *testing.T, srv *apptest.Server) orders.Order {
	t.Helper()
	var buyerU account.User
	noErr(t, srv.App.Store.DB().Where("email = ?", "buyer@demo.test").First(&buyerU).Error)
	p := productByCode(t, srv, "00301-100006-0--0")
	o, err := srv.App.Store.Purchase(t.Context(), buyerU.ID, p.ID, models.PurchaseInput{Plan: "once", PayMethod: "cash", SubmitKey: "settle-scene-" + randKey()})
	noErr(t, err)
	return *o
}

// acceptDelivery runs the order's supervision to the buyer's acceptance through the
// supervision flow itself: requirements, their confirmation, delivery with proof, acceptance.
func acceptDelivery(t *testing.T, srv *apptest.Server, o orders.Order) {
	t.Helper()
	ctx, store := t.Context(), srv.App.Store
	var sv supervision.Supervision
	noErr(t, store.DB().Where("order_id = ?", o.ID).First(&sv).Error)
	var buyer, seller account.User
	noErr(t, store.DB().Where("email = ?", "buyer@demo.test").First(&buyer).Error)
	noErr(t, store.DB().Where("email = ?", "seller@demo.test").First(&seller).Error)
	proof := &attachment.Upload{Name: "验收单.pdf", Data: []byte("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")}
	steps := []struct {
		who *account.User
		act supervision.SupervisionAction
		in  supervision.SupervisionInput
	}{
		{&buyer, supervision.SvSubmitRequirements, supervision.SupervisionInput{Text: "迁移官网与数据库"}},
		{&seller, supervision.SvConfirmRequirements, supervision.SupervisionInput{}},
		{&seller, supervision.SvDeliver, supervision.SupervisionInput{Text: "已交付", Attachments: []*attachment.Upload{proof}}},
		{&buyer, supervision.SvAccept, supervision.SupervisionInput{Confirm: true}},
	}
	for _, st := range steps {
		_, err := store.Act(ctx, st.who, sv.ID, st.act, st.in)
		noErr(t, err)
	}
	// The order completes 3 hours after acceptance (the platform's scheduled transition).
	store.SetClock(func() time.Time { return time.Now().Add(supervision.SupervisionCompleteDelay + time.Minute) })
	_, err := store.SweepSupervision(ctx, 100)
	store.SetClock(time.Now)
	noErr(t, err)
	var got orders.Order
	noErr(t, store.DB().First(&got, o.ID).Error)
	if got.SupervisionStatus != orders.SupervisionCompleted {
		t.Fatalf("after acceptance the order's supervision is %q", got.SupervisionStatus)
	}
}

// settleRow finds an order's row on a settlement page: its state and reason codes.
func settleRow(t *testing.T, body, orderNo string) (string, []string) {
	t.Helper()
	row := parseHTML(t, body).Find(`[data-testid="settle-row"][data-order="` + orderNo + `"]`)
	if row.Length() != 1 {
		t.Fatalf("order %s: %d rows on the settlement page", orderNo, row.Length())
	}
	var reasons []string
	row.Find("[data-reason]").Each(func(_ int, s *goquery.Selection) { reasons = append(reasons, s.AttrOr("data-reason", "")) })
	return row.AttrOr("data-state", ""), reasons
}

func TestSettlementPages(t *testing.T) {
	for _, d := range apptest.Dialects {
		t.Run(string(d), func(t *testing.T) { runSettlementPages(t, d) })
	}
}

func runSettlementPages(t *testing.T, d sqldb.Dialect) {
	srv := apptest.Start(t, apptest.Options{Dialect: d})
	o := settlementScene(t, srv)
	month := settlement.PeriodOf(*o.PaidAt).String()
	seller1 := srv.Client(t)
	seller1.Login("seller@demo.test")
	page := seller1.Get("/seller/settlement?month=" + month)
	if page.Status != http.StatusOK {
		t.Fatalf("settlement page: %d", page.Status)
	}
	if st, why := settleRow(t, page.Body, o.OrderNo); st != "pending" || !contains(why, "supervision") {
		t.Errorf("before acceptance: %s %v, want pending on supervision", st, why)
	}
	acceptDelivery(t, srv, o)
	page = seller1.Get("/seller/settlement?month=" + month + "&state=eligible")
	if st, why := settleRow(t, page.Body, o.OrderNo); st != "eligible" || len(why) != 0 {
		t.Errorf("after acceptance: %s %v, want eligible", st, why)
	}
	doc := parseHTML(t, page.Body)
	if got := doc.Find(`[data-testid="type-total"][data-type="manual_service"]`).AttrOr("data-reached", ""); got != "true" {
		t.Errorf("manual service type reached = %q", got)
	}

	// Operations hold buyer@demo.test's credit-paid gateway (seller company 2) back, then let it go.
	credit := loadCreditOrder(t, srv)
	cmonth := settlement.PeriodOf(*credit.PaidAt).String()
	admin := srv.Client(t)
	admin.Login("admin@demo.test")
	if res := admin.PostForm("/admin/settlement/orders/"+itoa(credit.ID)+"/repayment", map[string][]string{"to": {"pending"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("mark pending: %d", res.Status)
	}
	seller2 := srv.Client(t)
	seller2.Login("seller2@demo.test")
	if st, why := settleRow(t, seller2.Get("/seller/settlement?month="+cmonth).Body, credit.OrderNo); st != "pending" || !contains(why, "repayment_pending") {
		t.Errorf("unpaid credit order: %s %v", st, why)
	}
	adminPage := admin.Get("/admin/settlement")
	if got := parseHTML(t, adminPage.Body).Find(`[data-testid="credit-row"][data-order="`+credit.OrderNo+`"]`).AttrOr("data-repayment", ""); got != "pending" {
		t.Errorf("admin page shows repayment %q", got)
	}
	admin.PostForm("/admin/settlement/orders/"+itoa(credit.ID)+"/repayment", map[string][]string{"to": {"repaid"}})
	if st, why := settleRow(t, seller2.Get("/seller/settlement?month="+cmonth).Body, credit.OrderNo); contains(why, "repayment_pending") {
		t.Errorf("repaid credit order: %s %v", st, why)
	}
	if res := admin.PostForm("/admin/settlement/orders/"+itoa(credit.ID)+"/repayment", map[string][]string{"to": {"bogus"}}); res.Status != http.StatusBadRequest {
		t.Errorf("bogus repayment state: %d", res.Status)
	}

	// The statement and its CSV, for the seller and for operations.
	stPath := "/seller/settlement/statements/" + month
	for _, c := range []struct {
		client *apptest.Client
		path   string
	}{{seller1, stPath}, {admin, "/admin/settlement/statements/" + itoa(o.SellerID) + "/" + month}} {
		html := c.client.Get(c.path)
		if html.Status != http.StatusOK {
			t.Fatalf("%s: %d", c.path, html.Status)
		}
		file := c.client.Get(c.path + "/export")
		if file.Status != http.StatusOK || !strings.HasPrefix(file.Header.Get("Content-Type"), "text/csv") ||
			!strings.HasPrefix(file.Header.Get("Content-Disposition"), "attachment;") {
			t.Fatalf("%s/export: %d %q %q", c.path, file.Status, file.Header.Get("Content-Type"), file.Header.Get("Content-Disposition"))
		}
		lines := compareStatementCSV(t, html.Body, []byte(file.Body))
		if lines == 0 {
			t.Errorf("%s: the statement has no lines", c.path)
		}
	}
	// In English: no message key left untranslated, and the CSV's header in English too.
	for _, path := range []string{"/seller/settlement?lang=en&month=" + month, stPath + "?lang=en"} {
		if body := seller1.Get(path).Body; strings.Contains(body, "settlement.") || !strings.Contains(body, "Settlement") {
			t.Errorf("%s: untranslated keys or no English", path)
		}
	}
	if file := seller1.Get(stPath + "/export"); !strings.Contains(file.Body, "Net payable") {
		t.Errorf("English CSV header: %q", strings.SplitN(file.Body, "\n", 2)[0])
	}
	if res := seller1.Get("/seller/settlement/statements/2026-1x"); res.Status != http.StatusNotFound {
		t.Errorf("malformed month: %d", res.Status)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// compareStatementCSV checks that a statement's CSV (BOM, header, one row per product, total)
// holds exactly what its page shows, and returns the number of product lines.
func compareStatementCSV(t *testing.T, page string, file []byte) int {
	t.Helper()
	if !bytes.HasPrefix(file, []byte("\xef\xbb\xbf")) {
		t.Fatalf("CSV without a UTF-8 byte-order mark: % x", file[:min(len(file), 8)])
	}
	recs, err := csv.NewReader(bytes.NewReader(file[3:])).ReadAll()
	if err != nil {
		t.Fatalf("CSV: %v", err)
	}
	doc := parseHTML(t, page)
	var rows []*goquery.Selection
	doc.Find(`[data-testid="statement-line"]`).Each(func(_ int, s *goquery.Selection) { rows = append(rows, s) })
	rows = append(rows, doc.Find(`[data-testid="statement-total"]`))
	if len(recs) != len(rows)+1 {
		t.Fatalf("CSV has %d records, the page %d rows (+ header)", len(recs), len(rows))
	}
	if len(recs[0]) != len(settlementviews.CSVColumns) {
		t.Fatalf("CSV header %q", recs[0])
	}
	cell := func(s *goquery.Selection, col string) string {
		return strings.TrimSpace(s.Find(`[data-col="` + col + `"]`).Text())
	}
	plain := func(s *goquery.Selection, col string) string {
		v := s.Find(`[data-col="`+col+`"]`).AttrOr("data-fen", "")
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			t.Fatalf("%s: data-fen %q", col, v)
		}
		return money.Fen(n).Plain()
	}
	for i, r := range rows {
		rec := recs[i+1]
		want := []string{cell(r, "product"), cell(r, "type"), cell(r, "orders"), plain(r, "gross"), cell(r, "rate"), plain(r, "fee"), plain(r, "refunds"), plain(r, "net")}
		got := append([]string{}, rec[2:]...)
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("CSV row %d = %q, page shows %q", i+1, got, want)
		}
	}
	return len(rows) - 1
}
