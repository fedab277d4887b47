package settlement

import (
	"context"
	"strconv"
	"time"

	"koogallery/chinatime"
	"koogallery/models/catalog"
	"koogallery/models/orders"
	"koogallery/models/sqldb"

	"gorm.io/gorm"
)

// Settlement in the store: every list and total is aggregated in SQL (GROUP BY) or paginated,
// so a seller with a hundred thousand orders costs a few index scans, never loading them all.

// monthKey is the SQL expression of a time column's settlement month ("2026-03", the
// chinatime.MonthLayout key of Period.String, in chinatime's zone).
func (s *Store) monthKey(col string) string {
	offset := strconv.Itoa(chinatime.OffsetHours)
	if s.Dialect() == sqldb.MySQL {
		return "DATE_FORMAT(DATE_ADD(" + col + ", INTERVAL " + offset + " HOUR), '%Y-%m')"
	}
	return "strftime('%Y-%m', " + col + ", '+" + offset + " hours')"
}

// excludedSQL mirrors SettlementOf's exclusions.
func excludedSQL() (string, []any) {
	return `(orders.type = ? OR orders.status = ? OR orders.settlement_excluded = ? OR orders.paid_fen <= 0)`,
		[]any{orders.OrderUnsubscribe, orders.OrderCancelled, true}
}

// creditBill is a buyer's monthly credit bill with something still unpaid.
type creditBill struct {
	BuyerID uint
	Month   string
}

// unpaidCreditBills lists every (buyer, month) whose credit bill is not fully repaid: one
// GROUP BY over the unpaid credit orders, so the filters below test a short list of time
// ranges instead of a correlated subquery per order.
func (s *Store) unpaidCreditBills(ctx context.Context) ([]creditBill, error) {
	var out []creditBill
	err := s.Conn(ctx).Model(&orders.Order{}).Select("buyer_id, "+s.monthKey("paid_at")+" AS month").
		Where("pay_method = ? AND repayment = ? AND paid_at IS NOT NULL", orders.PayCredit, orders.RepaymentPending).
		Group("buyer_id, " + s.monthKey("paid_at")).Order("buyer_id").Scan(&out).Error
	return out, err
}

// billedSQL mirrors SettlementOf for every condition but the threshold: the orders that count
// toward their product type's billed total (出账), and are eligible once it reaches ¥1,000.
// A credit order in an unpaid bill is held back whether the unpaid order is itself (repayment)
// or another (the month's bill): both are conditions of the rule.
func (s *Store) billedSQL(now time.Time, bills []creditBill) (string, []any) {
	cond := `(orders.type <> ? AND orders.status <> ? AND orders.settlement_excluded = ? AND orders.paid_fen > 0
		AND orders.paid_at IS NOT NULL AND orders.status <> ?
		AND (orders.pay_method NOT IN ? OR (orders.pay_method = ? AND COALESCE(orders.repayment, '') = ?) OR (orders.pay_method = ? AND COALESCE(orders.repayment, '') <> ?))
		AND COALESCE(orders.supervision_status, '') IN ?
		AND orders.effective_at IS NOT NULL AND orders.effective_at <= ?`
	args := []any{orders.OrderUnsubscribe, orders.OrderCancelled, false, orders.OrderPendingPayment,
		[]orders.PayMethod{orders.PayCredit, orders.PayCoupon}, orders.PayCredit, orders.RepaymentRepaid, orders.PayCoupon, orders.RepaymentPending,
		[]orders.SupervisionStatus{orders.SupervisionNotInvolved, orders.SupervisionCompleted}, now}
	if len(bills) > 0 {
		cond += ` AND NOT (orders.pay_method = ? AND (`
		args = append(args, orders.PayCredit)
		for i, b := range bills {
			p, _ := ParsePeriod(b.Month)
			if i > 0 {
				cond += ` OR `
			}
			cond += `(orders.buyer_id = ? AND orders.paid_at >= ? AND orders.paid_at < ?)`
			args = append(args, b.BuyerID, p.Start(), p.End())
		}
		cond += `))`
	}
	return cond + `)`, args
}

// TypeTotal is a product type's billed total for a seller and its progress toward ¥1,000.
type TypeTotal struct {
	Type      catalog.ProductType
	Orders    int64
	BilledFen int64
}

// Reached reports whether the type's orders may be settled.
func (t TypeTotal) Reached() bool { return t.BilledFen >= SettlementThresholdFen }

// Percent is the progress toward the threshold, 0–100.
func (t TypeTotal) Percent() int {
	if t.Reached() {
		return 100
	}
	if t.BilledFen <= 0 {
		return 0
	}
	return int(t.BilledFen * 100 / SettlementThresholdFen)
}

// SettlementTypeTotals is the seller's billed total per product type (every type the seller
// sells or has billed), in display order.
func (s *Store) SettlementTypeTotals(ctx context.Context, sellerID uint) ([]TypeTotal, error) {
	bills, err := s.unpaidCreditBills(ctx)
	if err != nil {
		return nil, err
	}
	return s.typeTotals(ctx, sellerID, s.Now(), bills)
}

// typeTotals sums the billed orders per product type in two GROUP BY queries: every order
// meeting the conditions but the credit bill's, then the repaid credit orders per (type, buyer,
// month), whose groups in an unpaid bill are taken back out. No per-order subquery, and no
// list of bills tested on every row.
func (s *Store) typeTotals(ctx context.Context, sellerID uint, now time.Time, bills []creditBill) ([]TypeTotal, error) {
	// Grouped by product, not joined: the seller's products are few, and the join made
	// MariaDB walk the orders by product index, row by row.
	var products []catalog.Product
	if err := s.Conn(ctx).Select("id", "type").Where("seller_id = ?", sellerID).Find(&products).Error; err != nil {
		return nil, err
	}
	typeOf := map[uint]catalog.ProductType{}
	byType := map[catalog.ProductType]TypeTotal{}
	for _, p := range products {
		typeOf[p.ID] = p.Type
		byType[p.Type] = TypeTotal{Type: p.Type}
	}
	add := func(productID uint, orders, fen int64) {
		t := typeOf[productID]
		v := byType[t]
		v.Type = t
		v.Orders += orders
		v.BilledFen += fen
		byType[t] = v
	}
	cond, args := s.billedSQL(now, nil)
	var rows []struct {
		ProductID uint
		Orders    int64
		Fen       int64
	}
	err := s.Conn(ctx).Table("orders").
		Select("orders.product_id AS product_id, COUNT(*) AS orders, COALESCE(SUM(orders.paid_fen), 0) AS fen").
		Where("orders.seller_id = ?", sellerID).Where(cond, args...).
		Group("orders.product_id").Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		add(r.ProductID, r.Orders, r.Fen)
	}
	if len(bills) > 0 {
		unpaid := map[creditBill]bool{}
		for _, b := range bills {
			unpaid[b] = true
		}
		var credit []struct {
			ProductID uint
			BuyerID   uint
			Month     string
			Orders    int64
			Fen       int64
		}
		err := s.Conn(ctx).Table("orders").
			Select("orders.product_id AS product_id, orders.buyer_id AS buyer_id, "+s.monthKey("orders.paid_at")+" AS month, COUNT(*) AS orders, COALESCE(SUM(orders.paid_fen), 0) AS fen").
			Where("orders.seller_id = ? AND orders.pay_method = ?", sellerID, orders.PayCredit).Where(cond, args...).
			Group("orders.product_id, orders.buyer_id, " + s.monthKey("orders.paid_at")).Scan(&credit).Error
		if err != nil {
			return nil, err
		}
		for _, c := range credit {
			if unpaid[creditBill{c.BuyerID, c.Month}] {
				add(c.ProductID, -c.Orders, -c.Fen)
			}
		}
	}
	out := make([]TypeTotal, 0, len(byType))
	for _, t := range catalog.ProductTypes {
		if v, ok := byType[t]; ok {
			out = append(out, v)
		}
	}
	return out, nil
}

// billsNear keeps the unpaid bills that can concern orders placed in p (a month either side:
// an order's bill is the month it was paid in, normally the month it was placed).
func billsNear(bills []creditBill, p Period) []creditBill {
	from, to := p.Prev().String(), PeriodOf(p.End().Add(time.Hour)).String()
	var out []creditBill
	for _, b := range bills {
		if b.Month >= from && b.Month <= to {
			out = append(out, b)
		}
	}
	return out
}

// SettlementFilter narrows the settlement order list.
type SettlementFilter struct {
	Period Period      // the orders paid in this month; zero: the current month
	State  SettleState // "" for every state
	Page   int
}

// SettlementRow is one order with its product type and the rule's verdict.
type SettlementRow struct {
	Order       orders.Order
	ProductType catalog.ProductType
	Verdict     SettlementVerdict
}

// SettlementList is a page of the settlement order list with the period's counts.
type SettlementList struct {
	Period Period
	Page   sqldb.Page[SettlementRow]
	// Counts and AmountFen per state over the whole period (not just the page).
	Counts    map[SettleState]int64
	AmountFen map[SettleState]int64
	Types     []TypeTotal
}

// SettlementOrders lists the seller's orders paid in a period, newest first, each with its
// verdict and reasons, with the period's counts per state and the product types' totals.
func (s *Store) SettlementOrders(ctx context.Context, sellerID uint, f SettlementFilter) (*SettlementList, error) {
	now := s.Now()
	if f.Period.IsZero() {
		f.Period = PeriodOf(now)
	}
	out := &SettlementList{Period: f.Period, Counts: map[SettleState]int64{}, AmountFen: map[SettleState]int64{}}
	bills, err := s.unpaidCreditBills(ctx)
	if err != nil {
		return nil, err
	}
	if out.Types, err = s.typeTotals(ctx, sellerID, now, bills); err != nil {
		return nil, err
	}
	bills = billsNear(bills, f.Period)
	totals := map[catalog.ProductType]int64{}
	var reached []catalog.ProductType
	for _, t := range out.Types {
		totals[t.Type] = t.BilledFen
		if t.Reached() {
			reached = append(reached, t.Type)
		}
	}
	base := func() *gorm.DB {
		return s.Conn(ctx).Model(&orders.Order{}).Where("orders.seller_id = ? AND orders.created_at >= ? AND orders.created_at < ?",
			sellerID, f.Period.Start(), f.Period.End())
	}
	for _, st := range SettleStates {
		var agg struct {
			N   int64
			Fen int64
		}
		if err := s.settleStateWhere(base(), st, reached, now, bills).Select("COUNT(*) AS n, COALESCE(SUM(orders.paid_fen), 0) AS fen").Scan(&agg).Error; err != nil {
			return nil, err
		}
		out.Counts[st], out.AmountFen[st] = agg.N, agg.Fen
	}
	q := base()
	if f.State != "" {
		q = s.settleStateWhere(q, f.State, reached, now, bills)
	}
	orders, err := sqldb.Paginate[orders.Order](q.Order("orders.id DESC"), f.Page)
	if err != nil {
		return nil, err
	}
	rows, err := s.settlementRows(ctx, orders.Items, totals, now)
	if err != nil {
		return nil, err
	}
	out.Page = sqldb.Page[SettlementRow]{Items: rows, Number: orders.Number, HasNext: orders.HasNext}
	return out, nil
}

// settleStateWhere narrows q (over orders) to one state, as SettlementOf would decide it.
func (s *Store) settleStateWhere(q *gorm.DB, st SettleState, reached []catalog.ProductType, now time.Time, bills []creditBill) *gorm.DB {
	excl, exclArgs := excludedSQL()
	billed, billedArgs := s.billedSQL(now, bills)
	reachedIDs := s.Conn(q.Statement.Context).Model(&catalog.Product{}).Select("id").Where("type IN ?", append([]catalog.ProductType{"-"}, reached...))
	switch st {
	case SettleExcluded:
		return q.Where(excl, exclArgs...)
	case SettleEligible:
		return q.Where(billed, billedArgs...).Where("orders.product_id IN (?)", reachedIDs)
	default:
		// Every part of both conditions is NULL-safe (COALESCE, IS NULL tests, EXISTS), so NOT
		// is the exact complement.
		return q.Where("NOT "+excl, exclArgs...).Where("NOT ("+billed+" AND orders.product_id IN (?))", append(billedArgs, reachedIDs)...)
	}
}

// settlementRows applies the rule to a page of orders, reading the facts it needs for the
// page in two queries.
func (s *Store) settlementRows(ctx context.Context, page []orders.Order, typeTotals map[catalog.ProductType]int64, now time.Time) ([]SettlementRow, error) {
	if len(page) == 0 {
		return nil, nil
	}
	productIDs := make([]uint, 0, len(page))
	buyerIDs := []uint{}
	for _, o := range page {
		productIDs = append(productIDs, o.ProductID)
		if o.PayMethod == orders.PayCredit {
			buyerIDs = append(buyerIDs, o.BuyerID)
		}
	}
	var products []catalog.Product
	if err := s.Conn(ctx).Select("id", "type").Where("id IN ?", productIDs).Find(&products).Error; err != nil {
		return nil, err
	}
	typeOf := map[uint]catalog.ProductType{}
	for _, p := range products {
		typeOf[p.ID] = p.Type
	}
	type billKey struct {
		buyer uint
		month string
	}
	pending := map[billKey]int64{}
	if len(buyerIDs) > 0 {
		var rows []struct {
			BuyerID uint
			Month   string
			N       int64
		}
		err := s.Conn(ctx).Model(&orders.Order{}).Select("buyer_id, "+s.monthKey("paid_at")+" AS month, COUNT(*) AS n").
			Where("buyer_id IN ? AND pay_method = ? AND repayment = ? AND paid_at IS NOT NULL", buyerIDs, orders.PayCredit, orders.RepaymentPending).
			Group("buyer_id, " + s.monthKey("paid_at")).Scan(&rows).Error
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			pending[billKey{r.BuyerID, r.Month}] = r.N
		}
	}
	out := make([]SettlementRow, len(page))
	for i := range page {
		o := page[i]
		var facts SettlementFacts
		facts.TypeBilledFen = typeTotals[typeOf[o.ProductID]]
		if o.PayMethod == orders.PayCredit && o.PaidAt != nil {
			n := pending[billKey{o.BuyerID, PeriodOf(*o.PaidAt).String()}]
			if o.Repayment == orders.RepaymentPending {
				n-- // itself: named by repayment_pending
			}
			facts.CreditBillOthersPending = n
		}
		out[i] = SettlementRow{Order: o, ProductType: typeOf[o.ProductID], Verdict: SettlementOf(&o, facts, now)}
	}
	return out, nil
}

// SettlementOrder decides one of the seller's orders (another seller's is ErrNotFound).
func (s *Store) SettlementOrder(ctx context.Context, sellerID, orderID uint) (*SettlementRow, error) {
	var o orders.Order
	if err := s.Conn(ctx).Where("seller_id = ?", sellerID).First(&o, orderID).Error; err != nil {
		return nil, sqldb.NotFound(err)
	}
	types, err := s.SettlementTypeTotals(ctx, sellerID)
	if err != nil {
		return nil, err
	}
	totals := map[catalog.ProductType]int64{}
	for _, t := range types {
		totals[t.Type] = t.BilledFen
	}
	rows, err := s.settlementRows(ctx, []orders.Order{o}, totals, s.Now())
	if err != nil {
		return nil, err
	}
	return &rows[0], nil
}
