package models_test

import (
	"fmt"
	"os"
	"testing"
	"time"

	"koogallery/models/account"
	"koogallery/models/catalog"
	"koogallery/models/orders"
	"koogallery/models/settlement"
	"koogallery/models/sqldb"
	"koogallery/models/storetest"
)

// BenchmarkSettlement100k measures the settlement pages' queries for one seller with 100,000
// orders over a year (20 products of 4 types, 50 buyers, a tenth on credit, some in
// supervision, refunded or renewals not yet in effect). SQLite by default; KG_BENCH_DIALECT=mysql
// runs it on MariaDB. The figures are in the README (Settlement).
func BenchmarkSettlement100k(b *testing.B) {
	d := sqldb.SQLite
	if os.Getenv("KG_BENCH_DIALECT") == "mysql" {
		d = sqldb.MySQL
	}
	s := storetest.NewStore(b, d)
	now := time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC)
	s.SetClock(func() time.Time { return now })
	seller := account.Seller{Name: "压测商家"}
	if err := s.DB().Create(&seller).Error; err != nil {
		b.Fatal(err)
	}
	var buyers []account.User
	for i := 0; i < 50; i++ {
		u := account.User{Email: fmt.Sprintf("bench%d@test.test", i), Name: "b", PasswordHash: "-", Role: account.RoleBuyer}
		if err := s.DB().Create(&u).Error; err != nil {
			b.Fatal(err)
		}
		buyers = append(buyers, u)
	}
	types := []catalog.ProductType{catalog.TypeSaaS, catalog.TypeLicense, catalog.TypeManualService, catalog.TypeImage}
	var products []catalog.Product
	for i := 0; i < 20; i++ {
		p := catalog.Product{SellerID: seller.ID, Code: fmt.Sprintf("00399-9%05d-0--0", i), Name: fmt.Sprintf("压测商品 %d", i),
			Type: types[i%4], ChargingMode: catalog.ChargeOneTime, PriceOnce: 100000, SaleStatus: catalog.SaleOnSale}
		if err := s.DB().Create(&p).Error; err != nil {
			b.Fatal(err)
		}
		products = append(products, p)
	}
	const n = 100_000
	start := time.Now()
	batch := make([]orders.Order, 0, 1000)
	for i := 0; i < n; i++ {
		p := products[i%len(products)]
		paid := now.Add(-time.Duration(i) * 5 * time.Minute) // a year back
		o := orders.Order{OrderNo: fmt.Sprintf("CSBENCH%010d", i), BuyerID: buyers[i%len(buyers)].ID, SellerID: seller.ID, ProductID: p.ID,
			ProductName: p.Name, Type: orders.OrderNew, ChargingMode: p.ChargingMode, Plan: catalog.PlanOnce, AmountFen: int64(1000 + i%90000),
			PaidFen: int64(1000 + i%90000), PayMethod: orders.PayCash, Status: orders.OrderCompleted, PaidAt: tp(paid), EffectiveAt: tp(paid),
			CreatedAt: paid, SupervisionStatus: orders.SupervisionNotInvolved}
		o.LineNo = orders.LineNo(o.OrderNo)
		switch {
		case i%10 == 1:
			o.PayMethod, o.Repayment = orders.PayCredit, orders.RepaymentRepaid
			if i%70 == 1 {
				o.Repayment = orders.RepaymentPending
			}
		case i%20 == 2:
			o.SupervisionStatus = orders.SupervisionInProgress
		case i%33 == 3:
			o.SettlementExcluded = true
		case i%50 == 4:
			o.Type, o.EffectiveAt = orders.OrderRenew, tp(now.AddDate(0, 1, 0))
		}
		batch = append(batch, o)
		if len(batch) == cap(batch) {
			if err := s.DB().CreateInBatches(batch, 250).Error; err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	for i := 0; i < 300; i++ {
		if err := s.DB().Create(&orders.Refund{OrderID: uint(i*300 + 1), Reason: orders.RefundNegotiated, BuyerID: buyers[0].ID, SellerID: seller.ID,
			AmountFen: 500, Method: orders.PayCash, CreatedAt: now.Add(-time.Duration(i) * 24 * time.Hour)}).Error; err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("%s: filled %d orders in %s", d, n, time.Since(start).Round(time.Millisecond))
	cur := settlement.PeriodOf(now)
	// Warm up once (SQLite checkpoints the bulk load's write-ahead log on the first reads).
	if _, err := s.SettlementOrders(ctx, seller.ID, settlement.SettlementFilter{Period: cur, Page: 1}); err != nil {
		b.Fatal(err)
	}
	if _, err := s.SellerStatements(ctx, seller.ID); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	b.Run("orders-page", func(b *testing.B) {
		for range b.N {
			if _, err := s.SettlementOrders(ctx, seller.ID, settlement.SettlementFilter{Period: cur, Page: 1}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("orders-page-pending-filter", func(b *testing.B) {
		for range b.N {
			if _, err := s.SettlementOrders(ctx, seller.ID, settlement.SettlementFilter{Period: cur, State: settlement.SettlePending, Page: 3}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("type-totals", func(b *testing.B) {
		for range b.N {
			if _, err := s.SettlementTypeTotals(ctx, seller.ID); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("statements-list", func(b *testing.B) {
		for range b.N {
			if _, err := s.SellerStatements(ctx, seller.ID); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("statement-detail", func(b *testing.B) {
		for range b.N {
			if _, err := s.SellerStatement(ctx, seller.ID, cur.Prev()); err != nil {
				b.Fatal(err)
			}
		}
	})
}
