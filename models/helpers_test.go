package models_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"koogallery/models"
	"koogallery/models/account"
	"koogallery/models/catalog"
	"koogallery/models/orders"
)

// The store tests run on SQLite and on MariaDB through storetest.ForEachDialect, which gives a
// fresh models.Store without the rest of the application.

var ctx = context.Background()

// t0 is the fake clock's start: whole milliseconds, as MySQL keeps them.
var t0 = time.Date(2026, 3, 10, 9, 30, 0, 0, time.UTC)

// clock is a settable fake time for a store.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

func (c *clock) Advance(d time.Duration) { c.Set(c.Now().Add(d)) }

// world is a store with a seller company, its seller user and two buyers, on a fake clock.
type world struct {
	s             *models.Store
	clock         *clock
	seller        account.Seller
	buyer, buyer2 account.User
	seq           int
}

func newWorld(t *testing.T, s *models.Store) *world {
	t.Helper()
	w := &world{s: s, clock: &clock{now: t0}}
	s.SetClock(w.clock.Now)
	w.seller = account.Seller{Name: "测试商家"}
	must(t, s.DB().Create(&w.seller).Error)
	w.buyer = w.user(t, "b1@test.test", account.RoleBuyer)
	w.buyer2 = w.user(t, "b2@test.test", account.RoleBuyer)
	return w
}

// user adds an account without paying for bcrypt (it cannot log in).
func (w *world) user(t *testing.T, email string, role account.Role) account.User {
	t.Helper()
	u := account.User{Email: email, Name: email, PasswordHash: "-", Role: role}
	must(t, w.s.DB().Create(&u).Error)
	return u
}

// product adds a product of the seller; fill sets what differs from an on-sale SaaS product.
func (w *world) product(t *testing.T, fill func(p *catalog.Product)) catalog.Product {
	t.Helper()
	w.seq++
	p := catalog.Product{
		SellerID: w.seller.ID, Code: fmt.Sprintf("00399-%06d-0--0", w.seq), Name: fmt.Sprintf("测试商品 %d", w.seq),
		Type: catalog.TypeSaaS, ChargingMode: catalog.ChargePeriod, PriceMonth: 1000, PriceYear: 10000, SaleStatus: catalog.SaleOnSale,
	}
	if fill != nil {
		fill(&p)
	}
	must(t, w.s.DB().Create(&p).Error)
	return p
}

// periodic is an on-sale monthly/yearly product in use at once after purchase (no interface,
// not supervised), with a 7-day trial.
func (w *world) periodic(t *testing.T) catalog.Product {
	return w.product(t, func(p *catalog.Product) { p.Type = catalog.TypeImage; p.TrialDays = 7 })
}

var keySeq int

// key is a fresh form key.
func key() string {
	keySeq++
	return fmt.Sprintf("form-key-%08d", keySeq)
}

func buy(plan catalog.Plan, count string, pay orders.PayMethod) models.PurchaseInput {
	return models.PurchaseInput{Plan: string(plan), Count: count, PayMethod: string(pay), SubmitKey: key()}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func count(t *testing.T, s *models.Store, model any, where ...any) int64 {
	t.Helper()
	var n int64
	q := s.DB().Model(model)
	if len(where) > 0 {
		q = q.Where(where[0], where[1:]...)
	}
	must(t, q.Count(&n).Error)
	return n
}

func instanceOf(t *testing.T, s *models.Store, id uint) orders.Instance {
	t.Helper()
	var in orders.Instance
	must(t, s.DB().First(&in, id).Error)
	return in
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(*b)
}

func fmtTime(p *time.Time) string {
	if p == nil {
		return "nil"
	}
	return p.UTC().Format(time.RFC3339Nano)
}
