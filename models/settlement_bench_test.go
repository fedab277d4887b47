package models_test

import (
	"fmt"
	"os"
	"testing"
	"time"

	"koogallery/apptest"
	"koogallery/models"
)

// BenchmarkSettlement100k measures the settlement pages' queries for one seller with 100,000
// orders over a year (20 products of 4 types, 50 buyers, a tenth on credit, some in
// supervision, refunded or renewals not yet in effect). SQLite by default; KG_BENCH_DIALECT=mysql
// runs it on MariaDB. The figures are in the README (Settlement).
func BenchmarkSettlement100k(b *testing.B) {
	d := models.SQLite
	if os.Getenv("KG_BENCH_DIALECT") == "mysql" {
		d = models.MySQL
	}
	s := apptest.NewStore(b, d)
	now := time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC)
	s.SetClock(func() time.Time { return now })
	seller := models.Seller{Name: "压测商家"}
	if err := s.DB().Create(&seller).Error; err != nil {
		b.Fatal(err)
	}
	var buyers []models.User
	for i := 0; i < 50; i++ {
		u := models.User{Email: fmt.Sprintf("bench%d@test.test", i), Name: "b", PasswordHash: "-", Role: models.RoleBuyer}
		if err := s.DB().Create(&u).Error; err != nil {
			b.Fatal(err)
		}
		buyers = append(buyers, u)
	}
	types := []models.ProductType{models.TypeSaaS, models.TypeLicense, models.TypeManualService, models.TypeImage}
	var products []models.Product
	for i := 0; i < 20; i++ {
		p := models.Product{SellerID: seller.ID, Code: fmt.Sprintf("00399-9%05d-0--0", i), Name: fmt.Sprintf("压测商品 %d", i),
			Type: types[i%4], ChargingMode: models.ChargeOneTime, PriceOnce: 100000, SaleStatus: models.SaleOnSale}
		if err := s.DB().Create(&p).Error; err != nil {
			b.Fatal(err)
		}
		products = append(products, p)
	}
	const n = 100_000
	start := time.Now()
	batch := make([]models.Order, 0, 1000)
	for i := 0; i < n; i++ {
		p := products[i%len(products)]
		paid := now.Add(-time.Duration(i) * 5 * time.Minute) // a year back
		o := models.Order{OrderNo: fmt.Sprintf("CSBENCH%010d", i), BuyerID: buyers[i%len(buyers)].ID, SellerID: seller.ID, ProductID: p.ID,
			ProductName: p.Name, Type: models.OrderNew, ChargingMode: p.ChargingMode, Plan: models.PlanOnce, AmountFen: int64(1000 + i%90000),
			PaidFen: int64(1000 + i%90000), PayMethod: models.PayCash, Status: models.OrderCompleted, PaidAt: tp(paid), EffectiveAt: tp(paid),
			CreatedAt: paid, SupervisionStatus: models.SupervisionNotInvolved}
		o.LineNo = models.LineNo(o.OrderNo)
		switch {
		case i%10 == 1:
			o.PayMethod, o.Repayment = models.PayCredit, models.RepaymentRepaid
			if i%70 == 1 {
				o.Repayment = models.RepaymentPending
			}
		case i%20 == 2:
			o.SupervisionStatus = models.SupervisionInProgress
		case i%33 == 3:
			o.SettlementExcluded = true
		case i%50 == 4:
			o.Type, o.EffectiveAt = models.OrderRenew, tp(now.AddDate(0, 1, 0))
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
		if err := s.DB().Create(&models.Refund{OrderID: uint(i*300 + 1), Reason: models.RefundNegotiated, BuyerID: buyers[0].ID, SellerID: seller.ID,
			AmountFen: 500, Method: models.PayCash, CreatedAt: now.Add(-time.Duration(i) * 24 * time.Hour)}).Error; err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("%s: filled %d orders in %s", d, n, time.Since(start).Round(time.Millisecond))
	cur := models.PeriodOf(now)
	// Warm up once (SQLite checkpoints the bulk load's write-ahead log on the first reads).
	if _, err := s.SettlementOrders(ctx, seller.ID, models.SettlementFilter{Period: cur, Page: 1}); err != nil {
		b.Fatal(err)
	}
	if _, err := s.SellerStatements(ctx, seller.ID); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	b.Run("orders-page", func(b *testing.B) {
		for range b.N {
			if _, err := s.SettlementOrders(ctx, seller.ID, models.SettlementFilter{Period: cur, Page: 1}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("orders-page-pending-filter", func(b *testing.B) {
		for range b.N {
			if _, err := s.SettlementOrders(ctx, seller.ID, models.SettlementFilter{Period: cur, State: models.SettlePending, Page: 3}); err != nil {
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
