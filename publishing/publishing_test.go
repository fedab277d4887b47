package publishing_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"koogallery/models"
	"koogallery/models/account"
	"koogallery/models/catalog"
	"koogallery/models/dbtest"
	"koogallery/models/notice"
	"koogallery/models/outbox"
	"koogallery/models/sellertools"
	"koogallery/models/sqldb"
	"koogallery/models/storetest"
	"koogallery/protocol"
	"koogallery/publishing"
	"koogallery/refseller"
	"koogallery/secrets"
	"koogallery/sellerkit"
)

var ctx = context.Background()

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// world is a seller with a certified address bound to a key, served by the reference seller.
type world struct {
	s        *models.Store
	svc      *publishing.Service
	ref      *refseller.Seller
	sellerID uint
	other    uint // another seller company
	admin    uint
	addr     *sellertools.ProductionAddress
}

func newWorld(t *testing.T, s *models.Store) *world {
	t.Helper()
	w := &world{s: s}
	for i, name := range []string{"发布测试商家", "另一家"} {
		co := account.Seller{Name: name}
		must(t, s.DB().Create(&co).Error)
		if i == 0 {
			w.sellerID = co.ID
		} else {
			w.other = co.ID
		}
	}
	admin := dbtest.User(t, s.Base(), "ops@publish.test", account.RoleAdmin, 0)
	w.admin = admin.ID
	master := make([]byte, 32)
	_, _ = rand.Read(master)
	box, err := secrets.NewBox(master)
	must(t, err)
	keys := &sellerkit.Keys{Store: s, Box: box}
	key, err := keys.Create(ctx, w.sellerID, "publishing")
	must(t, err)
	secret, err := keys.Open(key)
	must(t, err)
	w.ref, err = refseller.New(refseller.Options{AccessKey: secret, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	must(t, err)
	srv := httptest.NewServer(w.ref)
	t.Cleanup(srv.Close)
	w.addr, err = s.AddAddress(ctx, w.sellerID, srv.URL)
	must(t, err)
	w.certify(t, true)
	must(t, s.BindKey(ctx, w.sellerID, w.addr.ID, sellertools.IfaceBasic, key.ID))
	w.certify(t, false) // a certification that fails later keeps the binding
	kit := &sellerkit.Kit{Client: protocol.NewClient(protocol.ClientOptions{Timeout: 2 * time.Second})}
	w.svc = &publishing.Service{Store: s, Rerun: &sellerkit.Rerunner{Store: s, Keys: keys, Kit: kit}, Budget: 20 * time.Second}
	return w
}

func (w *world) certify(t *testing.T, ok bool) {
	t.Helper()
	must(t, w.s.RecordCertification(ctx, w.sellerID, w.addr.ID, ok, ""))
}

// runCase debugs one scenario against the reference seller and saves it, as 调测并保存用例 does.
func (w *world) runCase(t *testing.T, scenario string) sellertools.CaseStatus {
	t.Helper()
	cs := &sellertools.DebugCase{SellerID: w.sellerID, AddressID: w.addr.ID, Path: "/produce", Kind: sellertools.DebugSaaS, Scenario: scenario,
		Params: "{}", Status: sellertools.CaseFailed}
	must(t, w.s.SaveDebugCase(ctx, cs))
	saved, err := w.s.SellerCase(ctx, w.sellerID, cs.ID)
	must(t, err)
	report, problem, err := w.svc.Rerun.Rerun(ctx, w.sellerID, saved)
	must(t, err)
	if problem != "" {
		t.Fatalf("case %s could not run: %s", scenario, problem)
	}
	if report.Passed {
		return sellertools.CasePassed
	}
	return sellertools.CaseFailed
}

var periodicCases = []string{"newInstance", "refreshInstance:RENEWAL", "updateInstanceStatus", "releaseInstance"}

func periodicSaaS(addr uint) publishing.Form {
	return publishing.Form{Name: "发布测试 SaaS", Summary: "按月订阅", Type: "saas", ChargingMode: "PERIOD", PriceMonth: "99", PriceYear: "999.00",
		TrialDays: "7", Address: itoa(addr), Path: "/produce", ExtNames: []string{"region"}, ExtLabels: []string{"部署区域"}, ExtReq: []string{"0"}}
}

func itoa(n uint) string { return strconv.FormatUint(uint64(n), 10) }

func content(t *testing.T, f publishing.Form) catalog.ProductContent {
	t.Helper()
	c, errs := f.Content()
	if errs.Has() {
		t.Fatalf("form refused: %v", errs)
	}
	return c
}

func problems(r publishing.Readiness) string {
	var keys []string
	for _, p := range r.Problems {
		keys = append(keys, p.Key)
	}
	return strings.Join(keys, ",")
}

// The listing rules: an interface product needs a certified address with a bound key and the
// debug cases of its charging mode passed there; the seller is told which are missing.
func TestListingRules(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		c := content(t, periodicSaaS(w.addr.ID))
		p, err := s.CreateProductDraft(ctx, w.sellerID, c, "form-1")
		must(t, err)

		r, err := w.svc.Check(ctx, w.sellerID, c)
		must(t, err)
		if got := problems(r); got != "product.ready.not_certified,product.ready.cases" {
			t.Fatalf("uncertified, no cases: %q", got)
		}
		out, err := w.svc.Submit(ctx, w.sellerID, p.ID, 1)
		must(t, err)
		if out.Submitted {
			t.Fatal("submitted without certification and cases")
		}

		w.certify(t, true)
		for i, sc := range periodicCases[:3] {
			if st := w.runCase(t, sc); st != sellertools.CasePassed {
				t.Fatalf("case %d %s: %s", i, sc, st)
			}
		}
		r, err = w.svc.Check(ctx, w.sellerID, c)
		must(t, err)
		missing := 0
		for _, st := range r.Cases {
			if st.State == sellerkit.CaseMissing {
				missing++
				if st.Scenario != "releaseInstance" {
					t.Fatalf("missing %s, want releaseInstance", st.Scenario)
				}
			}
		}
		if missing != 1 || problems(r) != "product.ready.cases" {
			t.Fatalf("one case missing: %d, %q", missing, problems(r))
		}

		// A failing case is not a passed one.
		must(t, w.ref.SetMode(refseller.ModeErrorCode))
		if st := w.runCase(t, "releaseInstance"); st != sellertools.CaseFailed {
			t.Fatalf("release against error-code seller: %s", st)
		}
		if r, _ = w.svc.Check(ctx, w.sellerID, c); r.Ready() {
			t.Fatal("ready with a failed case")
		}
		must(t, w.ref.SetMode(refseller.ModeOK))
		w.runCase(t, "releaseInstance")
		if r, _ = w.svc.Check(ctx, w.sellerID, c); !r.Ready() {
			t.Fatalf("all cases passed, still: %q", problems(r))
		}

		// One-time products need only create and release; other cases' paths do not count.
		once := c
		once.ChargingMode, once.PriceMonth, once.PriceYear, once.PriceOnce, once.TrialDays = catalog.ChargeOneTime, 0, 0, 5000, 0
		if r, _ = w.svc.Check(ctx, w.sellerID, once); !r.Ready() || len(r.Cases) != 2 {
			t.Fatalf("one-time: %q %v", problems(r), r.Cases)
		}
		other := c
		other.Path = "/elsewhere"
		if r, _ = w.svc.Check(ctx, w.sellerID, other); r.Ready() {
			t.Fatal("cases of another path counted")
		}

		// An address that lost its certification blocks listing again.
		w.certify(t, false)
		if r, _ = w.svc.Check(ctx, w.sellerID, c); problems(r) != "product.ready.not_certified" {
			t.Fatalf("decertified: %q", problems(r))
		}
		w.certify(t, true)

		// Products not opened through the interface need none of it.
		img := catalog.ProductContent{Name: "镜像", Type: catalog.TypeImage, ChargingMode: catalog.ChargeOnDemand, PriceHour: 120}
		if r, _ = w.svc.Check(ctx, w.sellerID, img); !r.Ready() || r.Interface {
			t.Fatalf("image: %q", problems(r))
		}

		out, err = w.svc.Submit(ctx, w.sellerID, p.ID, 1)
		must(t, err)
		if !out.Submitted {
			t.Fatalf("ready product not submitted: %q", problems(out.Readiness))
		}
	})
}

// A submitted product goes to review: withdrawn, rejected with a reason, resubmitted and
// approved, it goes on sale; the seller unlists and relists it; frozen and delisted products
// wait for operations; buyers only ever see what is listed.
func TestReviewAndSaleStates(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		w.certify(t, true)
		for _, sc := range periodicCases {
			w.runCase(t, sc)
		}
		c := content(t, periodicSaaS(w.addr.ID))
		p, err := s.CreateProductDraft(ctx, w.sellerID, c, "form-2")
		must(t, err)
		again, err := s.CreateProductDraft(ctx, w.sellerID, c, "form-2")
		must(t, err)
		if again.ID != p.ID {
			t.Fatal("a resubmitted form created a second product")
		}
		if _, err := s.CatalogProduct(ctx, p.ID); !errors.Is(err, sqldb.ErrNotFound) {
			t.Fatalf("buyers see a draft: %v", err)
		}
		// Another seller cannot see, edit or submit it.
		if _, _, err := s.SellerProduct(ctx, w.other, p.ID); !errors.Is(err, sqldb.ErrNotFound) {
			t.Fatalf("other seller reads: %v", err)
		}
		if _, err := s.SaveProductDraft(ctx, w.other, p.ID, c, 1); !errors.Is(err, sqldb.ErrNotFound) {
			t.Fatalf("other seller edits: %v", err)
		}

		out, err := w.svc.Submit(ctx, w.sellerID, p.ID, 1)
		must(t, err)
		if !out.Submitted {
			t.Fatalf("not submitted: %q", problems(out.Readiness))
		}
		if _, err := s.SaveProductDraft(ctx, w.sellerID, p.ID, c, 1); !errors.Is(err, catalog.ErrUnderReview) {
			t.Fatalf("edit under review: %v", err)
		}
		must(t, s.WithdrawProductVersion(ctx, w.sellerID, p.ID))
		_, open, err := s.SellerProduct(ctx, w.sellerID, p.ID)
		must(t, err)
		if open.Status != catalog.VersionDraft {
			t.Fatalf("withdrawn: %s", open.Status)
		}
		out, err = w.svc.Submit(ctx, w.sellerID, p.ID, open.Rev)
		must(t, err)
		_, open, _ = s.SellerProduct(ctx, w.sellerID, p.ID)

		// Rejection needs a reason; the seller is told; a second decision is stale.
		if err := s.DecideProductVersion(ctx, w.admin, open.ID, false, " "); err == nil {
			t.Fatal("rejected without a reason")
		}
		must(t, s.DecideProductVersion(ctx, w.admin, open.ID, false, "价格说明不清楚"))
		if err := s.DecideProductVersion(ctx, w.admin, open.ID, true, ""); !errors.Is(err, sqldb.ErrStale) {
			t.Fatalf("approve after reject: %v", err)
		}
		var notices int64
		must(t, s.DB().Model(&notice.Notice{}).Where("seller_id = ? AND kind = ?", w.sellerID, "product_rejected").Count(&notices).Error)
		if notices != 1 {
			t.Fatalf("rejection notices: %d", notices)
		}
		_, open, _ = s.SellerProduct(ctx, w.sellerID, p.ID)
		if open.Status != catalog.VersionRejected || open.RejectReason != "价格说明不清楚" {
			t.Fatalf("rejected: %s %q", open.Status, open.RejectReason)
		}
		c.Summary = "按月订阅，价格含税"
		v, err := s.SaveProductDraft(ctx, w.sellerID, p.ID, c, open.Rev)
		must(t, err)
		out, err = w.svc.Submit(ctx, w.sellerID, p.ID, v.Rev)
		must(t, err)
		if !out.Submitted {
			t.Fatal("resubmission refused")
		}
		must(t, s.DecideProductVersion(ctx, w.admin, v.ID, true, ""))
		live, err := s.CatalogProduct(ctx, p.ID)
		must(t, err)
		if live.Version != 1 || live.Summary != c.Summary || live.PriceMonth != 9900 || len(live.Params()) != 1 {
			t.Fatalf("live product: v%d %q %d %v", live.Version, live.Summary, live.PriceMonth, live.Params())
		}

		// The seller unlists and relists; operations' freeze and delist are theirs to lift.
		must(t, s.SetSellerListing(ctx, w.sellerID, p.ID, false))
		if _, err := s.CatalogProduct(ctx, p.ID); !errors.Is(err, sqldb.ErrNotFound) {
			t.Fatal("buyers see an unlisted product")
		}
		if err := s.SetSellerListing(ctx, w.sellerID, p.ID, false); !errors.Is(err, sqldb.ErrStale) {
			t.Fatalf("unlist twice: %v", err)
		}
		must(t, s.SetSellerListing(ctx, w.sellerID, p.ID, true))
		must(t, s.ChangeSaleStatus(ctx, w.admin, p.ID, catalog.SaleFreeze, "拨测连续失败"))
		if err := s.SetSellerListing(ctx, w.sellerID, p.ID, true); !errors.Is(err, sqldb.ErrStale) {
			t.Fatalf("seller relists a frozen product: %v", err)
		}
		if err := s.SetSellerListing(ctx, w.sellerID, p.ID, false); !errors.Is(err, sqldb.ErrStale) {
			t.Fatalf("seller unlists a frozen product: %v", err)
		}
		must(t, s.ChangeSaleStatus(ctx, w.admin, p.ID, catalog.SaleDelist, "接口失败超过阈值"))
		if err := s.SetSellerListing(ctx, w.sellerID, p.ID, true); !errors.Is(err, sqldb.ErrStale) {
			t.Fatalf("seller relists a delisted product: %v", err)
		}
		rows, err := s.SellerProductList(ctx, w.sellerID, "", 1)
		must(t, err)
		if len(rows.Items) != 1 || rows.Items[0].SaleStatus != catalog.SaleDelisted || rows.Items[0].SaleReason != "接口失败超过阈值" {
			t.Fatalf("seller list: %+v", rows.Items)
		}
		if _, err := s.CatalogProduct(ctx, p.ID); !errors.Is(err, sqldb.ErrNotFound) {
			t.Fatal("buyers see a delisted product")
		}
	})
}

// A change to a listed product is a new version: the old one stays live while it is edited
// and reviewed; submitting re-runs the saved cases, and a failure keeps the change a draft.
// Orders keep the version they were bought under.
func TestChangesToListedProduct(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		w.certify(t, true)
		for _, sc := range periodicCases {
			w.runCase(t, sc)
		}
		c := content(t, periodicSaaS(w.addr.ID))
		p, err := s.CreateProductDraft(ctx, w.sellerID, c, "form-3")
		must(t, err)
		_, err = w.svc.Submit(ctx, w.sellerID, p.ID, 1)
		must(t, err)
		_, open, _ := s.SellerProduct(ctx, w.sellerID, p.ID)
		must(t, s.DecideProductVersion(ctx, w.admin, open.ID, true, ""))

		// Type, charging mode and address are fixed once published.
		locked := c
		locked.ChargingMode = catalog.ChargeOneTime
		other, err := s.AddAddress(ctx, w.sellerID, "https://other.example.com")
		must(t, err)
		locked.AddressID = &other.ID
		var fe sqldb.FieldErrors
		if _, err := s.SaveProductDraft(ctx, w.sellerID, p.ID, locked, 0); !errors.As(err, &fe) || fe["charging_mode"] == "" || fe["address"] == "" {
			t.Fatalf("locked fields: %v", err)
		}

		changed := c
		changed.PriceMonth = 12900
		v2, err := s.SaveProductDraft(ctx, w.sellerID, p.ID, changed, 0)
		must(t, err)
		if v2.Number != 2 {
			t.Fatalf("new version number %d", v2.Number)
		}
		// A double click on save is one save.
		if again, err := s.SaveProductDraft(ctx, w.sellerID, p.ID, changed, 0); err != nil || again.ID != v2.ID {
			t.Fatalf("double save: %v", err)
		}
		live, _ := s.CatalogProduct(ctx, p.ID)
		if live.PriceMonth != 9900 {
			t.Fatalf("draft changed the live product: %d", live.PriceMonth)
		}

		// The seller's endpoint now fails: the re-run catches it and nothing is submitted.
		must(t, w.ref.SetMode(refseller.ModeHTTP500))
		out, err := w.svc.Submit(ctx, w.sellerID, p.ID, v2.Rev)
		must(t, err)
		if out.Submitted || len(out.Reran) != 4 || out.Reran[0].Passed {
			t.Fatalf("failing re-run: submitted=%v reran=%+v", out.Submitted, out.Reran)
		}
		_, open, _ = s.SellerProduct(ctx, w.sellerID, p.ID)
		if open.Status != catalog.VersionDraft {
			t.Fatalf("failed re-run left the version %s", open.Status)
		}
		if live, _ = s.CatalogProduct(ctx, p.ID); live.Version != 1 || live.PriceMonth != 9900 {
			t.Fatal("old version no longer listed")
		}

		buyer := dbtest.User(t, s.Base(), "buyer@publish.test", account.RoleBuyer, 0)
		// The product's required extension parameter: the buyer fills it in, newInstance carries it.
		in := models.PurchaseInput{Plan: "month", Count: "1", PayMethod: "cash", SubmitKey: "publish-buy-000000001"}
		for _, bad := range []map[string]string{nil, {"region": "  "}, {"region": strings.Repeat("区", 201)}} {
			in.Ext = bad
			if _, err := s.Purchase(ctx, buyer.ID, p.ID, in); !errors.As(err, &fe) || fe["ext_region"] == "" {
				t.Fatalf("extension value %q: %v", bad["region"], err)
			}
		}
		in.Ext = map[string]string{"region": "华北-北京四", "unknown": "dropped"}
		o1, err := s.Purchase(ctx, buyer.ID, p.ID, in)
		must(t, err)
		var call outbox.InterfaceCall
		must(t, s.DB().Where("order_id = ? AND activity = ?", o1.ID, protocol.ActivityNewInstance).First(&call).Error)
		var body protocol.NewInstanceRequest
		must(t, json.Unmarshal([]byte(call.Body), &body))
		if got, err := protocol.DecodeExtendParams(body.SaasExtendParams); err != nil || len(got) != 1 || got[0] != (protocol.ExtendParam{Name: "region", Value: "华北-北京四"}) {
			t.Fatalf("saasExtendParams %q: %v %v", body.SaasExtendParams, got, err)
		}

		must(t, w.ref.SetMode(refseller.ModeOK))
		out, err = w.svc.Submit(ctx, w.sellerID, p.ID, v2.Rev)
		must(t, err)
		if !out.Submitted {
			t.Fatalf("re-run passed, not submitted: %+v %q", out.Reran, problems(out.Readiness))
		}
		must(t, s.DecideProductVersion(ctx, w.admin, v2.ID, true, ""))
		live, _ = s.CatalogProduct(ctx, p.ID)
		if live.Version != 2 || live.PriceMonth != 12900 {
			t.Fatalf("v2 live: v%d %d", live.Version, live.PriceMonth)
		}
		o2, err := s.Purchase(ctx, buyer.ID, p.ID, models.PurchaseInput{Plan: "month", Count: "1", PayMethod: "cash", SubmitKey: "publish-buy-000000002",
			Ext: map[string]string{"region": "cn-north-4"}})
		must(t, err)
		if o1.ProductVersion != 1 || o1.AmountFen != 9900 || o2.ProductVersion != 2 || o2.AmountFen != 12900 {
			t.Fatalf("orders: v%d %d, v%d %d", o1.ProductVersion, o1.AmountFen, o2.ProductVersion, o2.AmountFen)
		}
		// The version the first order was bought under is kept.
		vs, err := s.ProductVersions(ctx, p.ID)
		must(t, err)
		var v1 *catalog.ProductVersion
		for i := range vs {
			if vs[i].Number == 1 {
				v1 = &vs[i]
			}
		}
		if v1 == nil {
			t.Fatal("version 1 not kept")
		}
		if c1, _ := v1.Decode(); c1.PriceMonth != 9900 {
			t.Fatalf("version 1 content: %d", c1.PriceMonth)
		}
	})
}
