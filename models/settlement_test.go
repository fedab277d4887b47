package models_test

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"testing"
	"time"

	"koogallery/models"
	"koogallery/models/account"
	"koogallery/models/catalog"
	"koogallery/models/orders"
	"koogallery/models/settlement"
	"koogallery/models/sqldb"
	"koogallery/models/storetest"
	"koogallery/money"
)

// Settlement (结算): the rule for every condition, the fee tiers at their boundaries, and the
// store's SQL (filters, totals, statements) on SQLite and MariaDB, to the fen.

func tp(t time.Time) *time.Time { return &t }

// baseSettleOrder meets every condition on its own (cash, not supervised, in effect).
func baseSettleOrder() orders.Order {
	return orders.Order{Type: orders.OrderNew, Status: orders.OrderCompleted, PaidFen: 100000, PayMethod: orders.PayCash,
		PaidAt: tp(t0.Add(-time.Hour)), EffectiveAt: tp(t0.Add(-time.Hour)), SupervisionStatus: orders.SupervisionNotInvolved}
}

func TestSettlementRule(t *testing.T) {
	met := settlement.SettlementFacts{TypeBilledFen: settlement.SettlementThresholdFen}
	cases := []struct {
		name     string
		fill     func(o *orders.Order)
		facts    settlement.SettlementFacts
		state    settlement.SettleState
		excluded settlement.SettleExclusion
		reasons  []settlement.SettleReason
	}{
		{"every condition met", nil, met, settlement.SettleEligible, "", nil},
		{"unsubscription order", func(o *orders.Order) { o.Type = orders.OrderUnsubscribe }, met, settlement.SettleExcluded, settlement.ExcludedUnsubscribe, nil},
		{"cancelled", func(o *orders.Order) { o.Status = orders.OrderCancelled }, met, settlement.SettleExcluded, settlement.ExcludedCancelled, nil},
		{"refunded (settlement excluded)", func(o *orders.Order) { o.SettlementExcluded = true }, met, settlement.SettleExcluded, settlement.ExcludedRefunded, nil},
		{"free trial", func(o *orders.Order) { o.PaidFen = 0; o.Type = orders.OrderTrial }, met, settlement.SettleExcluded, settlement.ExcludedFree, nil},
		{"pending payment", func(o *orders.Order) { o.Status = orders.OrderPendingPayment }, met, settlement.SettlePending, "", []settlement.SettleReason{settlement.ReasonUnpaid}},
		{"no payment time", func(o *orders.Order) { o.PaidAt = nil }, met, settlement.SettlePending, "", []settlement.SettleReason{settlement.ReasonUnpaid}},
		{"credit, unpaid", func(o *orders.Order) { o.PayMethod, o.Repayment = orders.PayCredit, orders.RepaymentPending }, met, settlement.SettlePending, "", []settlement.SettleReason{settlement.ReasonRepaymentPending}},
		{"credit, no repayment state", func(o *orders.Order) { o.PayMethod = orders.PayCredit }, met, settlement.SettlePending, "", []settlement.SettleReason{settlement.ReasonRepaymentPending}},
		{"credit, repaid", func(o *orders.Order) { o.PayMethod, o.Repayment = orders.PayCredit, orders.RepaymentRepaid }, met, settlement.SettleEligible, "", nil},
		{"credit, repaid, rest of the month's bill unpaid", func(o *orders.Order) { o.PayMethod, o.Repayment = orders.PayCredit, orders.RepaymentRepaid },
			settlement.SettlementFacts{TypeBilledFen: settlement.SettlementThresholdFen, CreditBillOthersPending: 1}, settlement.SettlePending, "", []settlement.SettleReason{settlement.ReasonCreditBillPending}},
		{"cash ignores the credit bill", nil, settlement.SettlementFacts{TypeBilledFen: settlement.SettlementThresholdFen, CreditBillOthersPending: 3}, settlement.SettleEligible, "", nil},
		{"coupon, no post-paid debt", func(o *orders.Order) { o.PayMethod = orders.PayCoupon }, met, settlement.SettleEligible, "", nil},
		{"coupon, marked unpaid", func(o *orders.Order) { o.PayMethod, o.Repayment = orders.PayCoupon, orders.RepaymentPending }, met, settlement.SettlePending, "", []settlement.SettleReason{settlement.ReasonRepaymentPending}},
		{"coupon, repaid", func(o *orders.Order) { o.PayMethod, o.Repayment = orders.PayCoupon, orders.RepaymentRepaid }, met, settlement.SettleEligible, "", nil},
		{"supervision in progress", func(o *orders.Order) { o.SupervisionStatus = orders.SupervisionInProgress }, met, settlement.SettlePending, "", []settlement.SettleReason{settlement.ReasonSupervision}},
		{"supervision closed", func(o *orders.Order) { o.SupervisionStatus = orders.SupervisionClosed }, met, settlement.SettlePending, "", []settlement.SettleReason{settlement.ReasonSupervision}},
		{"supervision unknown", func(o *orders.Order) { o.SupervisionStatus = orders.SupervisionUnknown }, met, settlement.SettlePending, "", []settlement.SettleReason{settlement.ReasonSupervision}},
		{"supervision completed", func(o *orders.Order) { o.SupervisionStatus = orders.SupervisionCompleted }, met, settlement.SettleEligible, "", nil},
		{"renewal effective later", func(o *orders.Order) { o.Type, o.EffectiveAt = orders.OrderRenew, tp(t0.Add(time.Second)) }, met, settlement.SettlePending, "", []settlement.SettleReason{settlement.ReasonNotEffective}},
		{"renewal effective right now", func(o *orders.Order) { o.Type, o.EffectiveAt = orders.OrderRenew, tp(t0) }, met, settlement.SettleEligible, "", nil},
		{"no effective time", func(o *orders.Order) { o.EffectiveAt = nil }, met, settlement.SettlePending, "", []settlement.SettleReason{settlement.ReasonNotEffective}},
		{"type total one fen short", nil, settlement.SettlementFacts{TypeBilledFen: settlement.SettlementThresholdFen - 1}, settlement.SettlePending, "", []settlement.SettleReason{settlement.ReasonThreshold}},
		{"type total exactly ¥1,000", nil, settlement.SettlementFacts{TypeBilledFen: 100000}, settlement.SettleEligible, "", nil},
		{"everything unmet at once", func(o *orders.Order) {
			o.Status, o.PayMethod, o.Repayment = orders.OrderPendingPayment, orders.PayCredit, orders.RepaymentPending
			o.SupervisionStatus, o.EffectiveAt = orders.SupervisionInProgress, tp(t0.Add(time.Hour))
		}, settlement.SettlementFacts{CreditBillOthersPending: 2}, settlement.SettlePending, "", []settlement.SettleReason{settlement.ReasonUnpaid, settlement.ReasonRepaymentPending,
			settlement.ReasonCreditBillPending, settlement.ReasonSupervision, settlement.ReasonNotEffective, settlement.ReasonThreshold}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := baseSettleOrder()
			if c.fill != nil {
				c.fill(&o)
			}
			v := settlement.SettlementOf(&o, c.facts, t0)
			if v.State != c.state || v.Exclusion != c.excluded || !reflect.DeepEqual(v.Reasons, c.reasons) {
				t.Errorf("got %+v, want state=%s excluded=%q reasons=%v", v, c.state, c.excluded, c.reasons)
			}
		})
	}
}

// yuanFen parses "499999.99" into fen exactly (test input only).
func yuanFen(t *testing.T, s string) int64 {
	t.Helper()
	fen, err := money.ParseIn(s, 0, money.Max)
	if err != nil {
		t.Fatal(err)
	}
	return int64(fen)
}

var feeTiers = []struct {
	gmv    string // yuan
	rateBP int64
	fee    int64 // fen
}{
	{"0.00", 500, 0},
	{"0.09", 500, 0},             // 0.45 fen rounds down
	{"0.10", 500, 1},             // 0.5 fen rounds half up
	{"1000.00", 500, 5000},       // ¥50.00
	{"499999.99", 500, 2500000},  // 2,499,999.95 fen → ¥25,000.00
	{"500000.00", 600, 3000000},  // +1% from ¥500,000
	{"999999.99", 600, 6000000},  // 5,999,999.94 fen rounds up to ¥60,000.00
	{"1000000.00", 700, 7000000}, // +2% from ¥1,000,000
	{"1234567.89", 700, 8641975}, // 8,641,975.23 fen
	{"100000000.00", 700, 7e8},   // no overflow at ¥100M
}

func TestPlatformFeeTiers(t *testing.T) {
	for _, c := range feeTiers {
		gmv := yuanFen(t, c.gmv)
		if got := settlement.FeeRateBP(gmv); got != c.rateBP {
			t.Errorf("rate(%s) = %d bp, want %d", c.gmv, got, c.rateBP)
		}
		if got := settlement.PlatformFee(gmv); got != c.fee {
			t.Errorf("fee(%s) = %d fen, want %d", c.gmv, got, c.fee)
		}
	}
	if got := settlement.RatePercent(600); got != "6%" {
		t.Errorf("RatePercent(600) = %q", got)
	}
	if got := settlement.RatePercent(550); got != "5.5%" {
		t.Errorf("RatePercent(550) = %q", got)
	}
}

func TestPeriods(t *testing.T) {
	// 2026-03-31 16:30 UTC is 2026-04-01 00:30 in China.
	if p := settlement.PeriodOf(time.Date(2026, 3, 31, 16, 30, 0, 0, time.UTC)); p.String() != "2026-04" {
		t.Errorf("period %s", p)
	}
	p, ok := settlement.ParsePeriod("2026-01")
	if !ok || p.Start() != time.Date(2025, 12, 31, 16, 0, 0, 0, time.UTC) || p.End() != time.Date(2026, 1, 31, 16, 0, 0, 0, time.UTC) || p.Prev().String() != "2025-12" {
		t.Errorf("2026-01: %v %s %s %s", ok, p.Start(), p.End(), p.Prev())
	}
	for _, bad := range []string{"", "2026-13", "26-01", "2026-1x", "../x"} {
		if _, ok := settlement.ParsePeriod(bad); ok {
			t.Errorf("ParsePeriod(%q) accepted", bad)
		}
	}
}

// settleWorld adds orders straight to the database, so each condition is set exactly.
type settleWorld struct {
	*world
}

func (w settleWorld) order(t *testing.T, p catalog.Product, buyer account.User, fill func(o *orders.Order)) orders.Order {
	t.Helper()
	w.seq++
	no := fmt.Sprintf("CS2603100930S%04d", w.seq)
	o := orders.Order{OrderNo: no, LineNo: orders.LineNo(no), BuyerID: buyer.ID, SellerID: p.SellerID, ProductID: p.ID, ProductName: p.Name,
		Type: orders.OrderNew, ChargingMode: p.ChargingMode, Plan: catalog.PlanOnce, AmountFen: 100000, PaidFen: 100000, PayMethod: orders.PayCash,
		Status: orders.OrderCompleted, PaidAt: tp(t0.Add(-time.Hour)), EffectiveAt: tp(t0.Add(-time.Hour)), CreatedAt: t0.Add(-time.Hour),
		SupervisionStatus: orders.SupervisionNotInvolved}
	if fill != nil {
		fill(&o)
	}
	o.AmountFen = o.PaidFen
	must(t, w.s.DB().Create(&o).Error)
	return o
}

func TestSettlementConditionsOnRealOrders(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := settleWorld{newWorld(t, s)}
		saas := w.product(t, nil)
		lic := w.product(t, func(p *catalog.Product) { p.Type = catalog.TypeLicense })
		// A second seller's credit order still counts in buyer2's bill: the bill is the buyer's.
		other := account.Seller{Name: "别的商家"}
		must(t, s.DB().Create(&other).Error)
		otherP := w.product(t, func(p *catalog.Product) { p.SellerID = other.ID })
		endOfMarch := time.Date(2026, 3, 31, 15, 30, 0, 0, time.UTC) // 23:30 in China: March
		startOfApril := endOfMarch.Add(time.Hour)                    // 00:30 in China: April
		w.clock.Set(time.Date(2026, 4, 2, 0, 0, 0, 0, time.UTC))
		now := w.clock.Now()
		at := func(tm time.Time) func(o *orders.Order) {
			return func(o *orders.Order) { o.PaidAt, o.EffectiveAt, o.CreatedAt = tp(tm), tp(tm), tm }
		}
		and := func(fs ...func(o *orders.Order)) func(o *orders.Order) {
			return func(o *orders.Order) {
				for _, f := range fs {
					f(o)
				}
			}
		}
		credit := func(r orders.Repayment) func(o *orders.Order) {
			return func(o *orders.Order) { o.PayMethod, o.Repayment = orders.PayCredit, r }
		}
		type want struct {
			state   settlement.SettleState
			reasons []settlement.SettleReason
		}
		cases := []struct {
			name  string
			p     catalog.Product
			buyer account.User
			fill  func(o *orders.Order)
			want  want
		}{
			{"cash, ¥1,000 of SaaS on its own", saas, w.buyer, nil, want{settlement.SettleEligible, nil}},
			{"renewal not in effect until May", saas, w.buyer, func(o *orders.Order) { o.Type, o.EffectiveAt = orders.OrderRenew, tp(now.AddDate(0, 1, 0)) }, want{settlement.SettlePending, []settlement.SettleReason{settlement.ReasonNotEffective}}},
			{"supervision in progress", saas, w.buyer, func(o *orders.Order) { o.SupervisionStatus = orders.SupervisionInProgress }, want{settlement.SettlePending, []settlement.SettleReason{settlement.ReasonSupervision}}},
			{"supervision completed", saas, w.buyer, func(o *orders.Order) { o.SupervisionStatus = orders.SupervisionCompleted }, want{settlement.SettleEligible, nil}},
			{"refunded", saas, w.buyer, func(o *orders.Order) { o.SettlementExcluded = true }, want{settlement.SettleExcluded, nil}},
			{"unsubscription", saas, w.buyer, func(o *orders.Order) { o.Type, o.PaidFen = orders.OrderUnsubscribe, 0 }, want{settlement.SettleExcluded, nil}},
			{"cancelled", saas, w.buyer, func(o *orders.Order) { o.Status = orders.OrderCancelled }, want{settlement.SettleExcluded, nil}},
			{"trial", saas, w.buyer, func(o *orders.Order) { o.Type, o.PaidFen = orders.OrderTrial, 0 }, want{settlement.SettleExcluded, nil}},
			{"pending payment", saas, w.buyer, func(o *orders.Order) { o.Status = orders.OrderPendingPayment }, want{settlement.SettlePending, []settlement.SettleReason{settlement.ReasonUnpaid}}},
			{"coupon", saas, w.buyer, func(o *orders.Order) { o.PayMethod = orders.PayCoupon }, want{settlement.SettleEligible, nil}},
			{"coupon marked unpaid", saas, w.buyer, func(o *orders.Order) { o.PayMethod, o.Repayment = orders.PayCoupon, orders.RepaymentPending }, want{settlement.SettlePending, []settlement.SettleReason{settlement.ReasonRepaymentPending}}},
			// buyer2's March bill: one order repaid, one not (at 23:30 on the 31st, China time).
			{"credit repaid, March bill not", saas, w.buyer2, and(credit(orders.RepaymentRepaid), at(endOfMarch.Add(-48*time.Hour))), want{settlement.SettlePending, []settlement.SettleReason{settlement.ReasonCreditBillPending}}},
			{"credit unpaid, end of March", saas, w.buyer2, and(credit(orders.RepaymentPending), at(endOfMarch)), want{settlement.SettlePending, []settlement.SettleReason{settlement.ReasonRepaymentPending}}},
			// April's bill (from 00:30 on April 1st, China time) is paid: March's debt does not hold it.
			{"credit repaid, April bill paid", saas, w.buyer2, and(credit(orders.RepaymentRepaid), at(startOfApril)), want{settlement.SettleEligible, nil}},
			// License: ¥600 + ¥399.99 billed, one fen short; an unaccepted ¥5,000 does not count.
			{"license ¥600", lic, w.buyer, func(o *orders.Order) { o.PaidFen = 60000 }, want{settlement.SettlePending, []settlement.SettleReason{settlement.ReasonThreshold}}},
			{"license ¥399.99", lic, w.buyer, func(o *orders.Order) { o.PaidFen = 39999 }, want{settlement.SettlePending, []settlement.SettleReason{settlement.ReasonThreshold}}},
			{"license ¥5,000 in supervision", lic, w.buyer, func(o *orders.Order) { o.PaidFen, o.SupervisionStatus = 500000, orders.SupervisionInProgress },
				want{settlement.SettlePending, []settlement.SettleReason{settlement.ReasonSupervision, settlement.ReasonThreshold}}},
		}
		ids := make([]uint, len(cases))
		for i, c := range cases {
			ids[i] = w.order(t, c.p, c.buyer, c.fill).ID
		}
		// buyer2 owes for May (another seller): that does not hold the April bill.
		w.order(t, otherP, w.buyer2, and(credit(orders.RepaymentPending), at(startOfApril.AddDate(0, 1, 0))))
		check := func(i int, want want) {
			t.Helper()
			r, err := s.SettlementOrder(ctx, w.seller.ID, ids[i])
			must(t, err)
			if r.Verdict.State != want.state || !reflect.DeepEqual(r.Verdict.Reasons, want.reasons) {
				t.Errorf("%s: got %s %v, want %s %v", cases[i].name, r.Verdict.State, r.Verdict.Reasons, want.state, want.reasons)
			}
		}
		for i, c := range cases {
			check(i, c.want)
		}
		var totals []string
		tt, err := s.SettlementTypeTotals(ctx, w.seller.ID)
		must(t, err)
		for _, x := range tt {
			totals = append(totals, fmt.Sprintf("%s:%d/%d", x.Type, x.Orders, x.BilledFen))
		}
		if got := fmt.Sprint(totals); got != "[saas:4/400000 license:2/99999]" {
			t.Errorf("type totals %s", got)
		}
		// One more fen of License: both License orders become eligible.
		w.order(t, lic, w.buyer, func(o *orders.Order) { o.PaidFen = 1 })
		check(14, want{settlement.SettleEligible, nil})
		check(15, want{settlement.SettleEligible, nil})
		// Operations mark buyer2's March debt repaid: the whole March bill is settled.
		must(t, s.SetRepayment(ctx, &w.buyer, ids[12], orders.RepaymentRepaid))
		if err := s.SetRepayment(ctx, &w.buyer, ids[12], orders.RepaymentRepaid); !errors.Is(err, sqldb.ErrStale) {
			t.Errorf("second repaid: %v, want ErrStale", err)
		}
		if err := s.SetRepayment(ctx, &w.buyer, ids[0], orders.RepaymentRepaid); !errors.Is(err, sqldb.ErrNotFound) {
			t.Errorf("cash order: %v, want ErrNotFound", err)
		}
		if err := s.SetRepayment(ctx, &w.buyer, ids[12], "bogus"); !errors.Is(err, sqldb.ErrNotFound) {
			t.Errorf("bogus state: %v, want ErrNotFound", err)
		}
		check(11, want{settlement.SettleEligible, nil})
		check(12, want{settlement.SettleEligible, nil})
		// The supervision feature accepts delivery: the order moves to eligible.
		must(t, s.DB().Model(&orders.Order{}).Where("id = ?", ids[2]).Update("supervision_status", orders.SupervisionCompleted).Error)
		check(2, want{settlement.SettleEligible, nil})
		// Time passes: the renewal takes effect.
		w.clock.Set(now.AddDate(0, 1, 1))
		check(1, want{settlement.SettleEligible, nil})
		// Another seller cannot read the order.
		if _, err := s.SettlementOrder(ctx, other.ID, ids[0]); !errors.Is(err, sqldb.ErrNotFound) {
			t.Errorf("another seller: %v", err)
		}
		if n := count(t, s, &account.AuditEvent{}, "action = ? AND target_id = ?", settlement.AuditRepaymentSet, ids[12]); n != 1 {
			t.Errorf("audit events %d", n)
		}
	})
}

// The SQL filters and counts agree with the rule, order by order, on a varied set.
func TestSettlementSQLMatchesRule(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := settleWorld{newWorld(t, s)}
		types := []catalog.ProductType{catalog.TypeSaaS, catalog.TypeLicense, catalog.TypeImage}
		var ps []catalog.Product
		for _, ty := range types {
			ps = append(ps, w.product(t, func(p *catalog.Product) { p.Type = ty }))
		}
		w.clock.Set(time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC))
		now := w.clock.Now()
		for i := 0; i < 60; i++ {
			i := i
			buyer := w.buyer
			if i%2 == 1 {
				buyer = w.buyer2
			}
			w.order(t, ps[i%3], buyer, func(o *orders.Order) {
				paid := now.Add(-time.Duration(i*7) * time.Hour)
				o.PaidAt, o.CreatedAt, o.EffectiveAt = tp(paid), paid, tp(paid)
				o.PaidFen = int64(7919 * (i + 1) % 90000)
				switch i % 5 {
				case 1:
					o.PayMethod, o.Repayment = orders.PayCredit, []orders.Repayment{orders.RepaymentRepaid, orders.RepaymentPending}[i%2]
				case 2:
					o.PayMethod = orders.PayCoupon
				}
				switch i % 7 {
				case 1:
					o.SupervisionStatus = orders.SupervisionInProgress
				case 2:
					o.SupervisionStatus = orders.SupervisionCompleted
				case 3:
					o.SettlementExcluded = true
				case 4:
					o.Type, o.EffectiveAt = orders.OrderRenew, tp(now.Add(time.Hour))
				case 5:
					o.Type = orders.OrderUnsubscribe
				}
				if i%11 == 0 {
					o.Status = orders.OrderCancelled
				}
			})
		}
		p := settlement.PeriodOf(now)
		all := map[settlement.SettleState][]uint{}
		for page := 1; ; page++ {
			l, err := s.SettlementOrders(ctx, w.seller.ID, settlement.SettlementFilter{Period: p, Page: page})
			must(t, err)
			for _, r := range l.Page.Items {
				all[r.Verdict.State] = append(all[r.Verdict.State], r.Order.ID)
			}
			if !l.Page.HasNext {
				break
			}
		}
		for _, st := range settlement.SettleStates {
			var got []uint
			var counted int64
			for page := 1; ; page++ {
				l, err := s.SettlementOrders(ctx, w.seller.ID, settlement.SettlementFilter{Period: p, State: st, Page: page})
				must(t, err)
				counted = l.Counts[st]
				for _, r := range l.Page.Items {
					got = append(got, r.Order.ID)
					if r.Verdict.State != st {
						t.Errorf("filter %s listed order %d decided %s %v", st, r.Order.ID, r.Verdict.State, r.Verdict.Reasons)
					}
				}
				if !l.Page.HasNext {
					break
				}
			}
			sort.Slice(got, func(i, j int) bool { return got[i] > got[j] })
			if fmt.Sprint(got) != fmt.Sprint(all[st]) || counted != int64(len(all[st])) {
				t.Errorf("state %s: filter %v (count %d), rule %v", st, got, counted, all[st])
			}
		}
		if len(all[settlement.SettleEligible]) == 0 || len(all[settlement.SettlePending]) == 0 || len(all[settlement.SettleExcluded]) == 0 {
			t.Errorf("the set should hold every state: %v", all)
		}
	})
}

// Statements: the fee tier per product per month at each boundary, refunds in their month,
// months cut in China time, unsubscriptions and cancelled orders not billed.
func TestStatementsFeeTiersAndMonths(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := settleWorld{newWorld(t, s)}
		march := time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC)
		var lines []catalog.Product
		for range feeTiers[4:8] {
			lines = append(lines, w.product(t, nil))
		}
		for i, c := range feeTiers[4:8] {
			gmv := yuanFen(t, c.gmv)
			// Two orders per product: the tier applies to the product's month, not per order.
			half := gmv / 2
			for _, fen := range []int64{half, gmv - half} {
				w.order(t, lines[i], w.buyer, func(o *orders.Order) { o.PaidFen, o.PaidAt, o.CreatedAt = fen, tp(march), march })
			}
		}
		p0 := lines[0]
		// Not billed: an unsubscription, a cancelled order; billed in April (China time): the last hour of March 31 UTC.
		w.order(t, p0, w.buyer, func(o *orders.Order) { o.Type, o.PaidFen, o.PaidAt = orders.OrderUnsubscribe, 0, tp(march) })
		w.order(t, p0, w.buyer, func(o *orders.Order) { o.Status, o.PaidAt = orders.OrderCancelled, tp(march) })
		april := w.order(t, p0, w.buyer, func(o *orders.Order) { o.PaidFen, o.PaidAt = 12345, tp(time.Date(2026, 3, 31, 16, 0, 0, 0, time.UTC)) })
		// Refunds: ¥100.01 on product 0 in March; ¥50 on the April order, made in April.
		must(t, s.DB().Create(&orders.Refund{OrderID: april.ID - 2, Reason: orders.RefundNegotiated, BuyerID: w.buyer.ID, SellerID: w.seller.ID,
			AmountFen: 10001, Method: orders.PayCash, CreatedAt: march.Add(time.Hour)}).Error)
		must(t, s.DB().Create(&orders.Refund{OrderID: april.ID, Reason: orders.RefundNegotiated, BuyerID: w.buyer.ID, SellerID: w.seller.ID,
			AmountFen: 5000, Method: orders.PayCash, CreatedAt: time.Date(2026, 4, 3, 0, 0, 0, 0, time.UTC)}).Error)

		mar, _ := settlement.ParsePeriod("2026-03")
		st, err := s.SellerStatement(ctx, w.seller.ID, mar)
		must(t, err)
		if len(st.Lines) != 4 {
			t.Fatalf("March lines %+v", st.Lines)
		}
		var wantGross, wantFee int64
		for i, c := range feeTiers[4:8] {
			gmv := yuanFen(t, c.gmv)
			var l *settlement.StatementLine
			for j := range st.Lines {
				if st.Lines[j].ProductID == lines[i].ID {
					l = &st.Lines[j]
				}
			}
			if l == nil {
				t.Fatalf("no line for %s", c.gmv)
			}
			var refund int64
			if i == 0 {
				refund = 10001
			}
			if l.GrossFen != gmv || l.RateBP != c.rateBP || l.FeeFen != c.fee || l.RefundFen != refund || l.NetFen != gmv-c.fee-refund || l.Orders != 2 {
				t.Errorf("GMV ¥%s: %+v, want rate %d fee %d", c.gmv, *l, c.rateBP, c.fee)
			}
			if l.ProductName != lines[i].Name || l.ProductType != catalog.TypeSaaS {
				t.Errorf("line names %q %q", l.ProductName, l.ProductType)
			}
			wantGross += gmv
			wantFee += c.fee
		}
		if st.GrossFen != wantGross || st.FeeFen != wantFee || st.RefundFen != 10001 || st.NetFen != wantGross-wantFee-10001 || st.Orders != 8 {
			t.Errorf("March totals %+v", st)
		}
		apr, _ := settlement.ParsePeriod("2026-04")
		st, err = s.SellerStatement(ctx, w.seller.ID, apr)
		must(t, err)
		if st.GrossFen != 12345 || st.FeeFen != 617 || st.RefundFen != 5000 || st.NetFen != 12345-617-5000 || len(st.Lines) != 1 {
			t.Errorf("April %+v", st) // 12345 × 5% = 617.25 → 617
		}
		list, err := s.SellerStatements(ctx, w.seller.ID)
		must(t, err)
		if len(list) != 2 || list[0].Period.String() != "2026-04" || list[1].Period.String() != "2026-03" || list[1].NetFen != wantGross-wantFee-10001 || list[1].Lines != nil {
			t.Errorf("statements %+v", list)
		}
		all, err := s.AllStatements(ctx)
		must(t, err)
		if len(all) != 2 || all[0].SellerName != w.seller.Name {
			t.Errorf("all statements %+v", all)
		}
		empty, err := s.SellerStatement(ctx, w.seller.ID, mar.Prev())
		must(t, err)
		if empty.GrossFen != 0 || len(empty.Lines) != 0 || empty.SellerName != w.seller.Name {
			t.Errorf("February %+v", empty)
		}
	})
}
