package models_test

import (
	"errors"
	"fmt"
	"testing"

	"koogallery/models"
	"koogallery/models/account"
	"koogallery/models/catalog"
	"koogallery/models/orders"
	"koogallery/models/sqldb"
	"koogallery/models/storetest"
)

func TestFavoritesIdempotent(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		p := w.periodic(t)
		for i := 0; i < 3; i++ {
			must(t, s.AddFavorite(ctx, w.buyer.ID, p.ID))
		}
		if n := count(t, s, &catalog.Favorite{}); n != 1 {
			t.Errorf("three adds made %d favorites", n)
		}
		if fav, err := s.IsFavorite(ctx, w.buyer.ID, p.ID); err != nil || !fav {
			t.Errorf("IsFavorite = %v, %v", fav, err)
		}
		if fav, _ := s.IsFavorite(ctx, w.buyer2.ID, p.ID); fav {
			t.Errorf("another buyer's favorites include it")
		}
		// Another buyer's remove does not touch this buyer's favorite.
		must(t, s.RemoveFavorite(ctx, w.buyer2.ID, p.ID))
		if n := count(t, s, &catalog.Favorite{}); n != 1 {
			t.Errorf("another buyer removed the favorite")
		}
		// A delisted favorite stays listed, so it can be removed.
		must(t, s.DB().Model(&catalog.Product{}).Where("id = ?", p.ID).Update("sale_status", catalog.SaleDelisted).Error)
		page, err := s.Favorites(ctx, w.buyer.ID, 1)
		must(t, err)
		if len(page.Items) != 1 || page.Items[0].Product == nil || page.Items[0].Product.ID != p.ID {
			t.Errorf("favorites list %+v", page.Items)
		}
		for i := 0; i < 2; i++ {
			must(t, s.RemoveFavorite(ctx, w.buyer.ID, p.ID))
		}
		if n := count(t, s, &catalog.Favorite{}); n != 0 {
			t.Errorf("%d favorites after removing", n)
		}
		// Only products on sale can be added.
		frozen := w.product(t, func(p *catalog.Product) { p.SaleStatus = catalog.SaleFrozen })
		for name, id := range map[string]uint{"delisted": p.ID, "frozen": frozen.ID, "unknown": 999999} {
			if err := s.AddFavorite(ctx, w.buyer.ID, id); !errors.Is(err, sqldb.ErrNotFound) {
				t.Errorf("favorite a %s product: %v", name, err)
			}
		}
		if n := count(t, s, &catalog.Favorite{}); n != 0 {
			t.Errorf("%d favorites after refused adds", n)
		}
	})
}

func TestPagination(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		var products []catalog.Product
		for i := 0; i < 2*sqldb.PageSize+1; i++ {
			products = append(products, catalog.Product{SellerID: w.seller.ID, Code: fmt.Sprintf("00398-%06d-0--0", i), Name: fmt.Sprintf("分页商品 %02d", i),
				Type: catalog.TypeSaaS, ChargingMode: catalog.ChargePeriod, PriceMonth: 100, SaleStatus: catalog.SaleOnSale})
		}
		must(t, s.DB().Create(&products).Error)
		cases := []struct {
			page, number, items int
			prev, next          bool
		}{
			{-1, 1, sqldb.PageSize, false, true},
			{0, 1, sqldb.PageSize, false, true},
			{1, 1, sqldb.PageSize, false, true},
			{2, 2, sqldb.PageSize, true, true},
			{3, 3, 1, true, false},
			{4, 4, 0, true, false},
			{1 << 30, 100000, 0, true, false},
		}
		for _, tc := range cases {
			page, err := s.Catalog(ctx, catalog.CatalogFilter{Page: tc.page})
			must(t, err)
			if page.Number != tc.number || len(page.Items) != tc.items || page.HasPrev() != tc.prev || page.HasNext != tc.next {
				t.Errorf("page %d: number %d, %d items, prev %v next %v; want %d, %d, %v, %v",
					tc.page, page.Number, len(page.Items), page.HasPrev(), page.HasNext, tc.number, tc.items, tc.prev, tc.next)
			}
		}
		// Newest first, and no row on two pages.
		seen := map[uint]bool{}
		last := ^uint(0)
		for n := 1; n <= 3; n++ {
			page, err := s.Catalog(ctx, catalog.CatalogFilter{Page: n})
			must(t, err)
			for _, p := range page.Items {
				if seen[p.ID] || p.ID >= last {
					t.Fatalf("page %d: product %d out of order or repeated", n, p.ID)
				}
				seen[p.ID], last = true, p.ID
			}
		}
		// Exactly one page's worth has no next page.
		must(t, s.DB().Where("id = ?", products[0].ID).Delete(&catalog.Product{}).Error)
		page, err := s.Catalog(ctx, catalog.CatalogFilter{Page: 2})
		must(t, err)
		if page.HasNext || len(page.Items) != sqldb.PageSize {
			t.Errorf("full last page: %d items, next %v", len(page.Items), page.HasNext)
		}
	})
}

func TestCatalogSearchIsLiteral(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		names := []string{"100% 纯净数据", "a_b 工具", `C:\tools 备份`, "Hello! 表单", "普通商品 abc"}
		for _, n := range names {
			name := n
			w.product(t, func(p *catalog.Product) { p.Name = name })
		}
		w.product(t, func(p *catalog.Product) { p.Name, p.SaleStatus = "100% 下架商品", catalog.SaleDelisted })
		cases := map[string][]string{
			"%":     {"100% 纯净数据"},
			"_":     {"a_b 工具"},
			`\`:     {`C:\tools 备份`},
			`\t`:    {`C:\tools 备份`},
			"!":     {"Hello! 表单"},
			"!!":    nil,
			"a%b":   nil,
			"A_B":   {"a_b 工具"},
			"abc":   {"普通商品 abc"},
			"'":     nil,
			"纯净":    {"100% 纯净数据"},
			"  纯净 ": {"100% 纯净数据"},
		}
		for q, want := range cases {
			page, err := s.Catalog(ctx, catalog.CatalogFilter{Query: q})
			if err != nil {
				t.Errorf("search %q: %v", q, err)
				continue
			}
			var got []string
			for _, p := range page.Items {
				got = append(got, p.Name)
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("search %q found %q, want %q", q, got, want)
			}
		}
		page, err := s.Catalog(ctx, catalog.CatalogFilter{Type: catalog.TypeImage})
		must(t, err)
		if len(page.Items) != 0 {
			t.Errorf("type filter: %d image products", len(page.Items))
		}
	})
}

func TestBuyerScoping(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		p := w.periodic(t)
		mine, myService := bought(t, w, w.buyer.ID, p, buy(catalog.PlanMonth, "1", orders.PayCash))
		theirs, theirService := bought(t, w, w.buyer2.ID, p, buy(catalog.PlanMonth, "1", orders.PayCash))

		if o, err := s.BuyerOrder(ctx, w.buyer.ID, mine.ID); err != nil || o.ID != mine.ID || o.Product == nil {
			t.Errorf("own order: %v", err)
		}
		if _, err := s.BuyerOrder(ctx, w.buyer.ID, theirs.ID); !errors.Is(err, sqldb.ErrNotFound) {
			t.Errorf("another buyer's order: %v, want ErrNotFound", err)
		}
		if _, err := s.BuyerOrder(ctx, w.buyer.ID, 999999); !errors.Is(err, sqldb.ErrNotFound) {
			t.Errorf("unknown order: %v", err)
		}
		if in, err := s.BuyerService(ctx, w.buyer.ID, myService.ID); err != nil || in.Product == nil || in.Order == nil {
			t.Errorf("own service: %v", err)
		}
		if _, err := s.BuyerService(ctx, w.buyer.ID, theirService.ID); !errors.Is(err, sqldb.ErrNotFound) {
			t.Errorf("another buyer's service: %v, want ErrNotFound", err)
		}
		if orderList, err := s.ServiceOrders(ctx, w.buyer.ID, theirService.ID); err != nil || len(orderList) != 0 {
			t.Errorf("another buyer's service orders: %d, %v", len(orderList), err)
		}
		orderList, err := s.BuyerOrders(ctx, w.buyer.ID, orders.OrderFilter{})
		must(t, err)
		if len(orderList.Items) != 1 || orderList.Items[0].ID != mine.ID {
			t.Errorf("BuyerOrders shows %d orders", len(orderList.Items))
		}
		services, err := s.BuyerServices(ctx, w.buyer.ID, orders.ServiceFilter{})
		must(t, err)
		if len(services.Items) != 1 || services.Items[0].ID != myService.ID {
			t.Errorf("BuyerServices shows %d services", len(services.Items))
		}
		// Filters narrow within the buyer's own rows.
		orderList, err = s.BuyerOrders(ctx, w.buyer.ID, orders.OrderFilter{Type: orders.OrderRenew})
		must(t, err)
		if len(orderList.Items) != 0 {
			t.Errorf("RENEW filter shows %d orders", len(orderList.Items))
		}
		services, err = s.BuyerServices(ctx, w.buyer.ID, orders.ServiceFilter{Status: orders.InstanceFrozen})
		must(t, err)
		if len(services.Items) != 0 {
			t.Errorf("frozen filter shows %d services", len(services.Items))
		}
	})
}

func TestSeedDemoIdempotent(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		seeded, err := s.SeedDemo(ctx)
		if err != nil || !seeded {
			t.Fatalf("first seed: %v, %v", seeded, err)
		}
		counts := func() string {
			return fmt.Sprint(count(t, s, &account.User{}), count(t, s, &account.Seller{}), count(t, s, &catalog.Product{}),
				count(t, s, &orders.Order{}), count(t, s, &orders.Instance{}), count(t, s, &catalog.Favorite{}))
		}
		before := counts()
		seeded, err = s.SeedDemo(ctx)
		if err != nil || seeded {
			t.Fatalf("second seed: %v, %v", seeded, err)
		}
		if after := counts(); after != before {
			t.Errorf("second seed changed the data: %s → %s", before, after)
		}
		for _, a := range models.DemoAccounts {
			var u account.User
			must(t, s.DB().Where("email = ?", a.Email).First(&u).Error)
			if u.Role != a.Role || (a.Role == account.RoleSeller) != (u.SellerID != nil) {
				t.Errorf("%s: role %s seller %v", a.Email, u.Role, u.SellerID)
			}
		}
		for _, typ := range catalog.ProductTypes {
			if count(t, s, &catalog.Product{}, "type = ? AND sale_status = ?", typ, catalog.SaleOnSale) == 0 {
				t.Errorf("no demo product of type %s on sale", typ)
			}
		}
		// Every demo order has its own number, and every service an order of its buyer.
		var bad int64
		must(t, s.DB().Model(&orders.Instance{}).Joins("JOIN orders ON orders.id = instances.order_id").
			Where("orders.buyer_id <> instances.buyer_id").Count(&bad).Error)
		if bad != 0 {
			t.Errorf("%d demo services belong to another buyer than their order", bad)
		}
	})
}
