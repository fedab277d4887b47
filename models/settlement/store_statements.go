package settlement

import (
	"context"
	"sort"

	"koogallery/models/account"
	"koogallery/models/catalog"
	"koogallery/models/orders"
	"koogallery/models/sqldb"

	"gorm.io/gorm"
)

// StatementLine is one product's part of a monthly statement.
type StatementLine struct {
	ProductID   uint
	ProductName string
	ProductType catalog.ProductType
	Orders      int64
	GrossFen    int64 // the product's GMV of the month: what buyers paid for it
	RateBP      int64 // the fee rate its GMV earns
	FeeFen      int64 // platform fee, rounded half up to the fen on the product's month
	RefundFen   int64 // money returned to buyers in the month for the product's orders
	NetFen      int64 // gross − fee − refunds
}

// Statement is a seller's monthly statement (月度账单).
type Statement struct {
	SellerID   uint
	SellerName string
	Period     Period
	Lines      []StatementLine
	Orders     int64
	GrossFen   int64
	FeeFen     int64
	RefundFen  int64
	NetFen     int64
}

// add counts a line into the totals.
func (st *Statement) add(l StatementLine) {
	st.Orders += l.Orders
	st.GrossFen += l.GrossFen
	st.FeeFen += l.FeeFen
	st.RefundFen += l.RefundFen
	st.NetFen += l.NetFen
}

// billableSQL is what a statement bills: paid orders that are not unsubscriptions, cancelled
// or free. Orders refunded later stay billed in their month; the refund is deducted in the
// month it is made.
func billableSQL() (string, []any) {
	return `orders.type <> ? AND orders.status NOT IN ? AND orders.paid_fen > 0 AND orders.paid_at IS NOT NULL`,
		[]any{orders.OrderUnsubscribe, []orders.OrderStatus{orders.OrderCancelled, orders.OrderPendingPayment}}
}

// statementAgg is one (seller, month, product) group of billed orders or refunds.
type statementAgg struct {
	SellerID  uint
	Month     string
	ProductID uint
	Orders    int64
	Fen       int64
}

// statementAggs groups billed orders and refunds by seller, month and product, for one seller
// (sellerID > 0) or all, optionally one period.
func (s *Store) statementAggs(ctx context.Context, sellerID uint, p *Period) (gross, refunds []statementAgg, err error) {
	bill, billArgs := billableSQL()
	q := s.Conn(ctx).Table("orders").
		Select("orders.seller_id AS seller_id, "+s.monthKey("orders.paid_at")+" AS month, orders.product_id AS product_id, COUNT(*) AS orders, SUM(orders.paid_fen) AS fen").
		Where(bill, billArgs...)
	r := s.Conn(ctx).Table("refunds").Joins("JOIN orders ON orders.id = refunds.order_id").
		Select("refunds.seller_id AS seller_id, " + s.monthKey("refunds.created_at") + " AS month, orders.product_id AS product_id, COUNT(*) AS orders, SUM(refunds.amount_fen) AS fen")
	if sellerID > 0 {
		q = q.Where("orders.seller_id = ?", sellerID)
		r = r.Where("refunds.seller_id = ?", sellerID)
	}
	if p != nil {
		q = q.Where("orders.paid_at >= ? AND orders.paid_at < ?", p.Start(), p.End())
		r = r.Where("refunds.created_at >= ? AND refunds.created_at < ?", p.Start(), p.End())
	}
	if err = q.Group("orders.seller_id, " + s.monthKey("orders.paid_at") + ", orders.product_id").Scan(&gross).Error; err != nil {
		return nil, nil, err
	}
	err = r.Group("refunds.seller_id, " + s.monthKey("refunds.created_at") + ", orders.product_id").Scan(&refunds).Error
	return gross, refunds, err
}

// buildStatements turns the groups into statements, newest period first (then by seller).
func (s *Store) buildStatements(ctx context.Context, gross, refunds []statementAgg, withLines bool) ([]Statement, error) {
	type key struct {
		seller uint
		month  string
	}
	type lineKey struct {
		key
		product uint
	}
	lines := map[lineKey]*StatementLine{}
	var order []lineKey
	get := func(a statementAgg) *StatementLine {
		k := lineKey{key{a.SellerID, a.Month}, a.ProductID}
		if l, ok := lines[k]; ok {
			return l
		}
		l := &StatementLine{ProductID: a.ProductID}
		lines[k] = l
		order = append(order, k)
		return l
	}
	for _, a := range gross {
		l := get(a)
		l.Orders, l.GrossFen = a.Orders, a.Fen
	}
	for _, a := range refunds {
		get(a).RefundFen = a.Fen
	}
	productIDs := map[uint]bool{}
	for _, k := range order {
		productIDs[k.product] = true
	}
	names := map[uint]catalog.Product{}
	if withLines && len(productIDs) > 0 {
		ids := make([]uint, 0, len(productIDs))
		for id := range productIDs {
			ids = append(ids, id)
		}
		var ps []catalog.Product
		if err := s.Conn(ctx).Select("id", "name", "type").Where("id IN ?", ids).Find(&ps).Error; err != nil {
			return nil, err
		}
		for _, p := range ps {
			names[p.ID] = p
		}
	}
	byKey := map[key]*Statement{}
	var keys []key
	for _, k := range order {
		l := lines[k]
		l.RateBP = FeeRateBP(l.GrossFen)
		l.FeeFen = PlatformFee(l.GrossFen)
		l.NetFen = l.GrossFen - l.FeeFen - l.RefundFen
		st, ok := byKey[k.key]
		if !ok {
			p, _ := ParsePeriod(k.month)
			st = &Statement{SellerID: k.seller, Period: p}
			byKey[k.key] = st
			keys = append(keys, k.key)
		}
		st.add(*l)
		if withLines {
			l.ProductName, l.ProductType = names[l.ProductID].Name, names[l.ProductID].Type
			st.Lines = append(st.Lines, *l)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].month != keys[j].month {
			return keys[i].month > keys[j].month
		}
		return keys[i].seller < keys[j].seller
	})
	out := make([]Statement, 0, len(keys))
	for _, k := range keys {
		st := byKey[k]
		sort.Slice(st.Lines, func(i, j int) bool {
			if st.Lines[i].GrossFen != st.Lines[j].GrossFen {
				return st.Lines[i].GrossFen > st.Lines[j].GrossFen
			}
			return st.Lines[i].ProductID < st.Lines[j].ProductID
		})
		out = append(out, *st)
	}
	return out, nil
}

// SellerStatements lists the seller's monthly statements (totals only), newest first.
func (s *Store) SellerStatements(ctx context.Context, sellerID uint) ([]Statement, error) {
	gross, refunds, err := s.statementAggs(ctx, sellerID, nil)
	if err != nil {
		return nil, err
	}
	return s.buildStatements(ctx, gross, refunds, false)
}

// AllStatements lists every seller's monthly statements (totals only), newest first, with
// the company names.
func (s *Store) AllStatements(ctx context.Context) ([]Statement, error) {
	gross, refunds, err := s.statementAggs(ctx, 0, nil)
	if err != nil {
		return nil, err
	}
	out, err := s.buildStatements(ctx, gross, refunds, false)
	if err != nil {
		return nil, err
	}
	var sellers []account.Seller
	if err := s.Conn(ctx).Select("id", "name").Find(&sellers).Error; err != nil {
		return nil, err
	}
	names := map[uint]string{}
	for _, x := range sellers {
		names[x.ID] = x.Name
	}
	for i := range out {
		out[i].SellerName = names[out[i].SellerID]
	}
	return out, nil
}

// SellerStatement is one seller's statement of a period, line by product; a period without
// any billing or refund is an empty statement.
func (s *Store) SellerStatement(ctx context.Context, sellerID uint, p Period) (*Statement, error) {
	var seller account.Seller
	if err := s.Conn(ctx).Select("id", "name").First(&seller, sellerID).Error; err != nil {
		return nil, sqldb.NotFound(err)
	}
	gross, refunds, err := s.statementAggs(ctx, sellerID, &p)
	if err != nil {
		return nil, err
	}
	list, err := s.buildStatements(ctx, gross, refunds, true)
	if err != nil {
		return nil, err
	}
	st := &Statement{SellerID: sellerID, Period: p}
	if len(list) > 0 {
		st = &list[0]
	}
	st.SellerName = seller.Name
	return st, nil
}

// AuditOrder is the audit target type of orders.
const AuditOrder = "order"

// AuditRepaymentSet is the audit action of operations setting a credit order's repayment.
const AuditRepaymentSet = "repayment_set"

// SetRepayment is operations marking a credit (post-paid) order repaid or unpaid in the demo.
// Guarded on the state it changes from: a double click, or two admins at once, apply it once
// (the second gets ErrStale); a non-credit order or an unknown state is ErrNotFound.
func (s *Store) SetRepayment(ctx context.Context, admin *account.User, orderID uint, to orders.Repayment) error {
	var from []orders.Repayment
	switch to {
	case orders.RepaymentRepaid:
		from = []orders.Repayment{orders.RepaymentPending, orders.RepaymentNone}
	case orders.RepaymentPending:
		from = []orders.Repayment{orders.RepaymentRepaid}
	default:
		return sqldb.ErrNotFound
	}
	return s.Conn(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&orders.Order{}).Where("id = ? AND pay_method = ? AND COALESCE(repayment, '') IN ?", orderID, orders.PayCredit, from).Update("repayment", to)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			var n int64
			if err := tx.Model(&orders.Order{}).Where("id = ? AND pay_method = ?", orderID, orders.PayCredit).Count(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				return sqldb.ErrNotFound
			}
			return sqldb.ErrStale
		}
		return tx.Create(&account.AuditEvent{ActorID: admin.ID, Action: AuditRepaymentSet, TargetType: AuditOrder, TargetID: orderID,
			Detail: "→" + string(to), CreatedAt: s.Now()}).Error
	})
}

// CreditOrders lists every credit-paid order for operations, newest first, with the buyer.
func (s *Store) CreditOrders(ctx context.Context, page int) (sqldb.Page[orders.Order], error) {
	return sqldb.Paginate[orders.Order](s.Conn(ctx).Preload("Buyer").Where("pay_method = ?", orders.PayCredit).Order("id DESC"), page)
}
