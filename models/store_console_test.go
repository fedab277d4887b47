package models_test

import (
	"fmt"
	"testing"
	"time"

	"gorm.io/gorm"

	"koogallery/models"
	"koogallery/models/catalog"
	"koogallery/models/orders"
	"koogallery/models/sqldb"
	"koogallery/models/storetest"
)

// The buyer's list pages scan their one statement by hand: every field the pages show must be
// what GORM loads for the same rows, on both databases, page after page, in both shapes of
// the statement (joined directly, and ids first for deep pages), and only the buyer's rows.
func TestBuyerListsMatchEntities(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		withSpecs := w.periodic(t)
		for i, name := range []string{"基础版", "专业版"} {
			must(t, s.DB().Create(&catalog.ProductSpec{ProductID: withSpecs.ID, Code: fmt.Sprint("c", i), Name: name, Rank: i + 1,
				PriceMonth: int64(1000 * (i + 1)), PriceYear: int64(10000 * (i + 1)), CreatedAt: t0}).Error)
		}
		specs, err := s.ProductSpecs(ctx, withSpecs.ID)
		must(t, err)
		plain := w.product(t, func(p *catalog.Product) {
			p.Type = catalog.TypeImage
			p.ChargingMode = catalog.ChargeOneTime
			p.PriceOnce = 500
		})
		for i := 0; i < 2*sqldb.PageSize+3; i++ {
			w.clock.Advance(time.Minute)
			switch i % 3 {
			case 0:
				in := buy(catalog.PlanMonth, "1", orders.PayCash)
				in.Spec = fmt.Sprint(specs[i%2].ID)
				bought(t, w, w.buyer.ID, withSpecs, in)
			case 1:
				bought(t, w, w.buyer.ID, plain, buy(catalog.PlanOnce, "1", orders.PayCash))
			default:
				bought(t, w, w.buyer.ID, withSpecs, buy(catalog.PlanYear, "1", orders.PayCoupon))
			}
		}
		bought(t, w, w.buyer2.ID, withSpecs, buy(catalog.PlanMonth, "1", orders.PayCash)) // not the buyer's
		var firstTwo []uint
		must(t, s.DB().Model(&orders.Instance{}).Where("buyer_id = ?", w.buyer.ID).Order("id").Limit(2).Pluck("id", &firstTwo).Error)
		must(t, s.DB().Model(&orders.Instance{}).Where("id IN ?", firstTwo).Update("status", orders.InstanceFrozen).Error)

		var wantServices []orders.Instance
		must(t, s.DB().Preload("Product").Preload("Order").Preload("Spec").Where("buyer_id = ?", w.buyer.ID).Order("id DESC").Find(&wantServices).Error)
		var productIDs []uint
		for _, in := range wantServices {
			productIDs = append(productIDs, in.ProductID)
		}
		wantTop, err := s.TopSpecRanks(ctx, productIDs)
		must(t, err)
		if len(wantTop) == 0 {
			t.Fatal("no product with specs: the test covers nothing")
		}
		var wantOrders []orders.Order
		must(t, s.DB().Preload("Spec").Where("buyer_id = ?", w.buyer.ID).Order("id DESC").Find(&wantOrders).Error)

		for _, deferFrom := range []int{sqldb.PageSize, 0} { // page 1 joined directly and the rest ids first; all ids first
			undo := models.SetDeferredJoinOffset(deferFrom)
			checkServices(t, s, w.buyer.ID, wantServices, wantTop)
			checkOrders(t, s, w.buyer.ID, wantOrders)
			undo()
		}
		checkServices(t, s, w.buyer.ID, wantServices, wantTop) // the default: every page here joined directly
		checkOrders(t, s, w.buyer.ID, wantOrders)

		list, err := s.BuyerServices(ctx, w.buyer.ID, orders.ServiceFilter{Status: orders.InstanceFrozen})
		must(t, err)
		if len(list.Items) != 2 || list.HasNext || list.Items[0].Status != orders.InstanceFrozen || list.Items[1].Status != orders.InstanceFrozen {
			t.Errorf("frozen filter: %d services", len(list.Items))
		}
		page, err := s.BuyerOrders(ctx, w.buyer.ID, orders.OrderFilter{Mode: catalog.ChargeOneTime, Type: orders.OrderNew, Status: wantOrders[0].Status})
		must(t, err)
		if len(page.Items) == 0 {
			t.Errorf("filtered orders: none")
		}
		for _, o := range page.Items {
			if o.ChargingMode != catalog.ChargeOneTime || o.Type != orders.OrderNew || o.Status != wantOrders[0].Status {
				t.Errorf("filtered orders include %+v", o)
			}
		}
		if page, err := s.BuyerOrders(ctx, w.buyer.ID, orders.OrderFilter{Page: 999}); err != nil || len(page.Items) != 0 || page.HasNext || page.Number != 999 {
			t.Errorf("a page past the end: %d orders, %v", len(page.Items), err)
		}
	})
}

func checkServices(t *testing.T, s *models.Store, buyerID uint, wantServices []orders.Instance, wantTop map[uint]int) {
	t.Helper()
	var got []orders.Instance
	for n := 1; ; n++ {
		list, err := s.BuyerServices(ctx, buyerID, orders.ServiceFilter{Page: n})
		must(t, err)
		if list.Number != n || list.HasPrev() != (n > 1) || len(list.Items) == 0 || len(list.Items) > sqldb.PageSize {
			t.Fatalf("services page %d: number %d, %d rows", n, list.Number, len(list.Items))
		}
		// The list knows which services may change spec as TopSpecRanks would tell.
		for i := range list.Items {
			in := &list.Items[i]
			may := models.UpgradeBlocked(in, s.Now()) == ""
			if got, want := may && models.HasHigherSpec(in, list.TopSpecRanks), may && models.HasHigherSpec(in, wantTop); got != want {
				t.Errorf("page %d: service %d may change spec: %v, want %v", n, in.ID, got, want)
			}
			top, ok := list.TopSpecRanks[in.ProductID]
			if want, wantOK := wantTop[in.ProductID]; top != want || ok != wantOK {
				t.Errorf("page %d: top spec rank of product %d is %d (%v), want %d (%v)", n, in.ProductID, top, ok, want, wantOK)
			}
		}
		got = append(got, list.Items...)
		if !list.HasNext {
			break
		}
	}
	if len(got) != len(wantServices) {
		t.Fatalf("services: %d listed, want %d", len(got), len(wantServices))
	}
	if got[0].ExpireAt == nil {
		t.Errorf("the newest service (monthly) lists no expiry")
	}
	for i, want := range wantServices {
		g := got[i]
		if g.ID != want.ID || g.ProductID != want.ProductID || g.OrderID != want.OrderID || g.Status != want.Status ||
			g.ChargingMode != want.ChargingMode || g.Trial != want.Trial || !sameTime(g.ExpireAt, want.ExpireAt) ||
			deref(g.SpecID) != deref(want.SpecID) || deref(g.ChangeOrderID) != deref(want.ChangeOrderID) {
			t.Errorf("service %d: got %+v, want %+v", want.ID, g, want)
		}
		// The list loads what it shows of the product: name, type, charging mode.
		if g.Product == nil || g.Product.ID != want.Product.ID || g.Product.Name != want.Product.Name || g.Product.Type != want.Product.Type ||
			g.Product.ChargingMode != want.Product.ChargingMode {
			t.Errorf("service %d: product %+v, want %+v", want.ID, g.Product, want.Product)
		}
		if g.Order == nil || g.Order.ID != want.OrderID || g.Order.OrderNo != want.Order.OrderNo {
			t.Errorf("service %d: order %+v, want %s", want.ID, g.Order, want.Order.OrderNo)
		}
		if (g.Spec == nil) != (want.Spec == nil) || g.Spec != nil && (g.Spec.ID != want.Spec.ID || g.Spec.Name != want.Spec.Name ||
			g.Spec.Rank != want.Spec.Rank || g.Spec.ProductID != want.Spec.ProductID) {
			t.Errorf("service %d: spec %+v, want %+v", want.ID, g.Spec, want.Spec)
		}
	}
}

func checkOrders(t *testing.T, s *models.Store, buyerID uint, wantOrders []orders.Order) {
	t.Helper()
	var got []orders.Order
	for n := 1; ; n++ {
		page, err := s.BuyerOrders(ctx, buyerID, orders.OrderFilter{Page: n})
		must(t, err)
		if page.Number != n || len(page.Items) == 0 || len(page.Items) > sqldb.PageSize {
			t.Fatalf("orders page %d: number %d, %d rows", n, page.Number, len(page.Items))
		}
		got = append(got, page.Items...)
		if !page.HasNext {
			break
		}
	}
	if len(got) != len(wantOrders) {
		t.Fatalf("orders: %d listed, want %d", len(got), len(wantOrders))
	}
	for i, want := range wantOrders {
		g := got[i]
		if g.ID != want.ID || g.OrderNo != want.OrderNo || g.ProductName != want.ProductName || g.Type != want.Type ||
			g.ChargingMode != want.ChargingMode || g.PaidFen != want.PaidFen || g.Status != want.Status || !g.CreatedAt.Equal(want.CreatedAt) ||
			g.CreatedAt.IsZero() || deref(g.InstanceID) != deref(want.InstanceID) || deref(g.SpecID) != deref(want.SpecID) {
			t.Errorf("order %d: got %+v, want %+v", want.ID, g, want)
		}
		if (g.Spec == nil) != (want.Spec == nil) || g.Spec != nil && (g.Spec.ID != want.Spec.ID || g.Spec.Name != want.Spec.Name) {
			t.Errorf("order %d: spec %+v, want %+v", want.ID, g.Spec, want.Spec)
		}
	}
}

func deref(p *uint) any {
	if p == nil {
		return nil
	}
	return *p
}

// The service list reuses what it shows of a product for a moment (one statement a page
// instead of two): a change made through this process shows at once, one made elsewhere (here
// a raw UPDATE, as another server process would) once the entry expires.
func TestServiceListProductCache(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		p := w.periodic(t)
		bought(t, w, w.buyer.ID, p, buy(catalog.PlanMonth, "1", orders.PayCash))
		var statements int
		count := func(*gorm.DB) { statements++ }
		cb := s.DB().Callback()
		must(t, cb.Row().After("gorm:row").Register("test:count", count))
		must(t, cb.Query().After("gorm:query").Register("test:count", count))
		list := func() orders.ServiceList {
			t.Helper()
			statements = 0
			l, err := s.BuyerServices(ctx, w.buyer.ID, orders.ServiceFilter{})
			must(t, err)
			if len(l.Items) != 1 || l.Items[0].Product == nil {
				t.Fatalf("list: %+v", l.Items)
			}
			return l
		}
		if l := list(); statements != 2 || l.Items[0].Product.Name != p.Name || len(l.TopSpecRanks) != 0 {
			t.Errorf("first list: %d statements, product %q, top ranks %v", statements, l.Items[0].Product.Name, l.TopSpecRanks)
		}
		if l := list(); statements != 1 || l.Items[0].Product.Name != p.Name {
			t.Errorf("second list: %d statements, product %q", statements, l.Items[0].Product.Name)
		}
		// Through this process: at once.
		must(t, s.DB().Model(&catalog.Product{}).Where("id = ?", p.ID).Update("name", "改名了").Error)
		if l := list(); l.Items[0].Product.Name != "改名了" {
			t.Errorf("after a rename: %q", l.Items[0].Product.Name)
		}
		must(t, s.DB().Create(&catalog.ProductSpec{ProductID: p.ID, Code: "x", Name: "X", Rank: 7, PriceMonth: 1, PriceYear: 1, CreatedAt: t0}).Error)
		if l := list(); l.TopSpecRanks[p.ID] != 7 {
			t.Errorf("after a new spec: top ranks %v", l.TopSpecRanks)
		}
		// From elsewhere: once the entry expires.
		undo := models.SetListProductTTL(time.Second)
		defer undo()
		must(t, s.DB().Model(&catalog.Product{}).Where("id = ?", p.ID).Update("summary", "-").Error) // entries read from now on live 1 s
		list()
		must(t, s.DB().Exec("UPDATE products SET name = ? WHERE id = ?", "别处改名", p.ID).Error)
		if l := list(); l.Items[0].Product.Name != "改名了" {
			t.Errorf("within the TTL: %q", l.Items[0].Product.Name)
		}
		time.Sleep(1100 * time.Millisecond)
		if l := list(); statements != 2 || l.Items[0].Product.Name != "别处改名" {
			t.Errorf("after the TTL: %d statements, %q", statements, l.Items[0].Product.Name)
		}
		// Callers get their own copies.
		l := list()
		l.Items[0].Product.Name = "scribbled"
		if l := list(); l.Items[0].Product.Name != "别处改名" {
			t.Errorf("a caller's change reached the cache: %q", l.Items[0].Product.Name)
		}
	})
}
