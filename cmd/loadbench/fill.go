package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"koogallery/models/account"
	"koogallery/models/catalog"
	"koogallery/models/orders"

	"github.com/go-sql-driver/mysql"
	"gorm.io/gorm"
)

// benchBuyer is the demo account the load runs as; benchDomain names the extra buyers the fill adds.
const (
	benchBuyer  = "buyer@demo.test"
	benchDomain = "bench.test"
)

// databaseDSNs turns the server DSN into an admin DSN (no database) and one for the bench database.
func databaseDSNs(server, name string) (admin, db string, err error) {
	cfg, err := mysql.ParseDSN(server)
	if err != nil {
		return "", "", fmt.Errorf("-db %q: %w", server, err)
	}
	cfg.DBName = ""
	admin = cfg.FormatDSN()
	cfg.DBName = name
	return admin, cfg.FormatDSN(), nil
}

// prepareDatabase drops and recreates the bench database, or with keep reuses one that already
// holds enough orders for the bench buyer. It reports whether the data must be filled.
func prepareDatabase(ctx context.Context, adminDSN, name string, keep bool, wantOrders int) (fill bool, err error) {
	admin, err := sql.Open("mysql", adminDSN)
	if err != nil {
		return false, err
	}
	defer admin.Close()
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := admin.PingContext(pctx); err != nil {
		return false, fmt.Errorf("MySQL/MariaDB server not reachable (-db): %w", err)
	}
	if keep {
		var n int64
		q := fmt.Sprintf("SELECT COUNT(*) FROM `%s`.orders o JOIN `%s`.users u ON u.id = o.buyer_id WHERE u.email = ?", name, name)
		if err := admin.QueryRowContext(ctx, q, benchBuyer).Scan(&n); err == nil && n >= int64(wantOrders) {
			return false, nil
		}
	}
	if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS `"+name+"`"); err != nil {
		return false, fmt.Errorf("drop database: %w", err)
	}
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE `"+name+"` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		return false, fmt.Errorf("create database: %w", err)
	}
	return true, nil
}

// dropDatabase removes the bench database at the end of a run without -keep.
func dropDatabase(adminDSN, name string) error {
	admin, err := sql.Open("mysql", adminDSN)
	if err != nil {
		return err
	}
	defer admin.Close()
	_, err = admin.Exec("DROP DATABASE IF EXISTS `" + name + "`")
	return err
}

// fillPlan says how much data to add.
type fillPlan struct {
	Orders      int // for buyer@demo.test
	OtherOrders int // spread over OtherBuyers further buyers
	OtherBuyers int
	Workers     int // parallel insert transactions
	Seed        uint64
}

// fillResult counts what was written.
type fillResult struct {
	Orders, Instances           int
	BuyerOrders, BuyerInstances int
	Took                        time.Duration
}

// holding is a service a buyer holds, so later orders (renewals, changes, unsubscriptions)
// can refer to it.
type holding struct {
	orderID, instanceID uint
	product             *catalog.Product
}

// fill writes the orders and services of plan into the store's database. Rows get explicit ids
// past the current maximum, so the interleaving of buyers, the time order (newer rows have
// larger ids, as in production) and the parent links are decided up front, and chunks can be
// inserted by parallel transactions with multi-row INSERTs.
func fill(ctx context.Context, db *gorm.DB, p fillPlan) (fillResult, error) {
	start := time.Now()
	var res fillResult
	db = db.WithContext(ctx)

	var products []*catalog.Product
	if err := db.Order("id").Find(&products).Error; err != nil {
		return res, err
	}
	if len(products) == 0 {
		return res, fmt.Errorf("no products: the demo seed did not run")
	}
	var buyer account.User
	if err := db.Where("email = ?", benchBuyer).First(&buyer).Error; err != nil {
		return res, fmt.Errorf("find %s: %w", benchBuyer, err)
	}
	others, err := ensureOtherBuyers(db, p.OtherBuyers)
	if err != nil {
		return res, err
	}

	var maxOrder, maxInstance uint
	if err := db.Model(&orders.Order{}).Select("COALESCE(MAX(id), 0)").Scan(&maxOrder).Error; err != nil {
		return res, err
	}
	if err := db.Model(&orders.Instance{}).Select("COALESCE(MAX(id), 0)").Scan(&maxInstance).Error; err != nil {
		return res, err
	}

	rng := rand.New(rand.NewPCG(p.Seed, 0x6b67))
	total := p.Orders + p.OtherOrders
	all := make([]orders.Order, 0, total)
	instances := make([]orders.Instance, 0, total*2/3)
	held := map[uint][]holding{}
	now := time.Now().UTC().Truncate(time.Second)
	span := 3 * 365 * 24 * time.Hour
	first := now.Add(-span)
	leftMine, leftAll := p.Orders, total
	seq := 0
	for i := 0; i < total; i++ {
		buyerID := buyer.ID
		if len(others) > 0 && rng.IntN(leftAll) >= leftMine {
			buyerID = others[rng.IntN(len(others))]
		} else {
			leftMine--
		}
		leftAll--
		// Creation times rise with the id, ending a minute ago.
		created := first.Add(time.Duration(int64(span-time.Minute) / int64(total) * int64(i))).Add(time.Duration(rng.IntN(1000)) * time.Millisecond).Truncate(time.Second)
		id := maxOrder + uint(i) + 1
		seq++
		no := orderNo(created, &seq)
		o := orders.Order{ID: id, OrderNo: no, LineNo: orders.LineNo(no), BuyerID: buyerID, CreatedAt: created}
		o.Type = pickType(rng)
		var parent *holding
		if o.Type != orders.OrderNew && o.Type != orders.OrderTrial {
			if hs := held[buyerID]; len(hs) > 0 {
				parent = &hs[rng.IntN(len(hs))]
			} else {
				o.Type = orders.OrderNew
			}
		}
		prod := products[rng.IntN(len(products))]
		if parent != nil {
			prod = parent.product
			o.ParentOrderID, o.InstanceID = &parent.orderID, &parent.instanceID
		}
		if o.Type == orders.OrderTrial && prod.TrialDays == 0 {
			o.Type = orders.OrderNew
		}
		priceOrder(&o, prod, rng)
		o.Status = pickOrderStatus(rng)
		if o.Status != orders.OrderPendingPayment {
			o.PaidAt = &o.CreatedAt
		}
		if o.Type == orders.OrderNew || o.Type == orders.OrderTrial {
			inst := newInstance(&o, prod, uint(len(instances))+maxInstance+1, rng)
			o.InstanceID = &inst.ID
			instances = append(instances, inst)
			held[buyerID] = append(held[buyerID], holding{orderID: o.ID, instanceID: inst.ID, product: prod})
		}
		all = append(all, o)
		if buyerID == buyer.ID {
			res.BuyerOrders++
			if o.Type == orders.OrderNew || o.Type == orders.OrderTrial {
				res.BuyerInstances++
			}
		}
	}

	// Chunks of orders with their instances; each chunk is one transaction of multi-row INSERTs.
	const chunk, batch = 5000, 1000
	type chunkSpan struct{ o0, o1, i0, i1 int }
	var chunks []chunkSpan
	ii := 0
	for o0 := 0; o0 < len(all); o0 += chunk {
		o1 := min(o0+chunk, len(all))
		lastID := all[o1-1].ID
		i0 := ii
		for ii < len(instances) && instances[ii].OrderID <= lastID {
			ii++
		}
		chunks = append(chunks, chunkSpan{o0, o1, i0, ii})
	}
	work := make(chan chunkSpan, len(chunks))
	for _, c := range chunks {
		work <- c
	}
	close(work)
	var (
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
	)
	insert := db.Session(&gorm.Session{SkipHooks: true})
	for w := 0; w < max(1, p.Workers); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range work {
				err := insert.Transaction(func(tx *gorm.DB) error {
					if err := tx.CreateInBatches(all[c.o0:c.o1], batch).Error; err != nil {
						return fmt.Errorf("insert all: %w", err)
					}
					if c.i1 > c.i0 {
						if err := tx.CreateInBatches(instances[c.i0:c.i1], batch).Error; err != nil {
							return fmt.Errorf("insert instances: %w", err)
						}
					}
					return nil
				})
				if err != nil {
					errOnce.Do(func() { firstErr = err })
					return
				}
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return res, firstErr
	}
	// Fresh statistics, as a production table would have.
	for _, t := range []string{"orders", "instances", "users", "products"} {
		if err := db.Exec("ANALYZE TABLE " + t).Error; err != nil {
			return res, fmt.Errorf("analyze %s: %w", t, err)
		}
	}
	res.Orders, res.Instances, res.Took = len(all), len(instances), time.Since(start)
	return res, nil
}

// ensureOtherBuyers adds n buyers who never log in (their password hash is not a valid one).
func ensureOtherBuyers(db *gorm.DB, n int) ([]uint, error) {
	var ids []uint
	if n <= 0 {
		return nil, nil
	}
	if err := db.Model(&account.User{}).Where("email LIKE ?", "%@"+benchDomain).Order("id").Limit(n).Pluck("id", &ids).Error; err != nil {
		return nil, err
	}
	if len(ids) >= n {
		return ids, nil
	}
	now := time.Now().UTC()
	var users []account.User
	for i := len(ids); i < n; i++ {
		users = append(users, account.User{Email: fmt.Sprintf("buyer%04d@%s", i, benchDomain), Name: fmt.Sprintf("买家%04d", i),
			PasswordHash: "!loadbench-no-login", Role: account.RoleBuyer, CreatedAt: now})
	}
	if err := db.CreateInBatches(users, 500).Error; err != nil {
		return nil, fmt.Errorf("create buyers: %w", err)
	}
	for _, u := range users {
		ids = append(ids, u.ID)
	}
	return ids, nil
}

const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// orderNo is shaped like the real ids (CS + yyMMddHHmm + five letters); the letters count
// *seq up in base 26, so every number is unique, and skip the demo seed's "…DEMO" suffix.
func orderNo(t time.Time, seq *int) string {
	for {
		n := *seq
		var b [5]byte
		for i := 4; i >= 0; i-- {
			b[i] = letters[n%26]
			n /= 26
		}
		if string(b[1:]) != "DEMO" {
			return "CS" + t.Format("0601021504") + string(b[:])
		}
		*seq++
	}
}

// pickType draws an order type with a plausible mix: mostly purchases, then renewals.
func pickType(r *rand.Rand) orders.OrderType {
	switch n := r.IntN(100); {
	case n < 60:
		return orders.OrderNew
	case n < 80:
		return orders.OrderRenew
	case n < 85:
		return orders.OrderTrial
	case n < 88:
		return orders.OrderTrialToFormal
	case n < 93:
		return orders.OrderChange
	default:
		return orders.OrderUnsubscribe
	}
}

func pickOrderStatus(r *rand.Rand) orders.OrderStatus {
	switch n := r.IntN(100); {
	case n < 85:
		return orders.OrderCompleted
	case n < 90:
		return orders.OrderProcessing
	case n < 93:
		return orders.OrderPendingPayment
	default:
		return orders.OrderCancelled
	}
}

// priceOrder fills the plan, amounts, payment and validity of o for product p.
func priceOrder(o *orders.Order, p *catalog.Product, r *rand.Rand) {
	o.SellerID, o.ProductID, o.ProductVersion, o.ProductName, o.ChargingMode = p.SellerID, p.ID, p.Version, p.Name, p.ChargingMode
	o.PeriodCount = 1
	switch {
	case o.Type == orders.OrderTrial:
		o.Plan = catalog.PlanTrial
	case p.ChargingMode == catalog.ChargePeriod && p.PriceMonth > 0 && (p.PriceYear == 0 || r.IntN(2) == 0):
		o.Plan, o.PeriodCount = catalog.PlanMonth, 1+r.IntN(9)
		o.AmountFen = p.PriceMonth * int64(o.PeriodCount)
	case p.ChargingMode == catalog.ChargePeriod:
		o.Plan, o.PeriodCount = catalog.PlanYear, 1+r.IntN(3)
		o.AmountFen = p.PriceYear * int64(o.PeriodCount)
	case p.ChargingMode == catalog.ChargeOnDemand:
		o.Plan, o.PeriodCount = catalog.PlanHour, 0
	default:
		o.Plan = catalog.PlanOnce
		o.AmountFen = p.PriceOnce
	}
	if o.Type == orders.OrderUnsubscribe {
		o.AmountFen = 0
	}
	o.PaidFen = o.AmountFen
	o.PayMethod = []orders.PayMethod{orders.PayCash, orders.PayCash, orders.PayCash, orders.PayCoupon, orders.PayCredit}[r.IntN(5)]
	if o.PayMethod == orders.PayCredit {
		o.Repayment = orders.RepaymentRepaid
		if r.IntN(4) == 0 {
			o.Repayment = orders.RepaymentPending
		}
	}
	if o.PayMethod == orders.PayCoupon && o.PaidFen > 0 {
		o.PaidFen = o.AmountFen * 8 / 10
	}
	eff := o.CreatedAt
	o.EffectiveAt = &eff
	if o.Type != orders.OrderUnsubscribe {
		switch o.Plan {
		case catalog.PlanMonth:
			t := eff.AddDate(0, o.PeriodCount, 0)
			o.ExpireAt = &t
		case catalog.PlanYear:
			t := eff.AddDate(o.PeriodCount, 0, 0)
			o.ExpireAt = &t
		case catalog.PlanTrial:
			t := eff.AddDate(0, 0, p.TrialDays)
			o.ExpireAt = &t
		}
	}
}

var appInfoOnce sync.Once
var appInfoJSON string

// newInstance is the purchased service order o created, with a realistic appInfo payload.
func newInstance(o *orders.Order, p *catalog.Product, id uint, r *rand.Rand) orders.Instance {
	appInfoOnce.Do(func() {
		appInfoJSON = `{"frontEndUrl":"https://crm.example.test/login","adminUrl":"https://crm.example.test/admin","userName":"` +
			strings.Repeat("x", 16) + `","password":"` + strings.Repeat("A", 44) + `","memo":"bench"}`
	})
	st := []orders.InstanceStatus{orders.InstanceNormal, orders.InstanceNormal, orders.InstanceNormal, orders.InstanceNormal,
		orders.InstanceNormal, orders.InstanceNormal, orders.InstanceFrozen, orders.InstanceReleased, orders.InstanceReleased,
		orders.InstanceOpening, orders.InstanceFailed}[r.IntN(11)]
	in := orders.Instance{ID: id, BuyerID: o.BuyerID, SellerID: o.SellerID, ProductID: o.ProductID, OrderID: o.ID, Status: st,
		ChargingMode: o.ChargingMode, Trial: o.Type == orders.OrderTrial, EffectiveAt: o.EffectiveAt, ExpireAt: o.ExpireAt,
		CreatedAt: o.CreatedAt, UpdatedAt: o.CreatedAt}
	if st != orders.InstanceOpening && st != orders.InstanceFailed {
		in.SellerInstanceID = fmt.Sprintf("inst-%s", o.OrderNo[len(o.OrderNo)-9:])
		in.EncryptType, in.AppInfo = "1", appInfoJSON
	}
	return in
}
