package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"koogallery/models/catalog"
	"koogallery/models/orders"
	"koogallery/models/sqldb"
	"koogallery/protocol"

	"gorm.io/gorm"
)

// PurchaseInput is what a buyer chooses when buying or renewing.
type PurchaseInput struct {
	Plan      string
	Count     string
	PayMethod string
	SubmitKey string // one per rendered form, so a double submit makes one order
	// Spec is the chosen spec's id, for a product with specs (empty: the lowest spec).
	Spec string
	// Ext holds the values of the product's extension parameters, by name (new purchases).
	Ext map[string]string
}

// Message keys for purchase validation (translated by the web layer).
const (
	MsgPlanInvalid      = "purchase.err.plan"
	MsgCountInvalid     = "purchase.err.count"
	MsgPayMethodInvalid = "purchase.err.pay_method"
	MsgTrialUsed        = "purchase.err.trial_used"
	MsgNotRenewable     = "purchase.err.not_renewable"
	MsgSpecInvalid      = "purchase.err.spec"
	MsgChangePending    = "purchase.err.change_pending"
)

// Most periods one order may buy.
const (
	maxMonths = 9
	maxYears  = 3
)

// quote is a validated purchase: what will be charged and for how long.
type quote struct {
	plan   catalog.Plan
	count  int
	amount int64
	pay    orders.PayMethod
	key    string
	spec   *catalog.ProductSpec // the spec bought, for a product with specs
	ext    []catalog.ExtValue   // the extension parameters' values
}

// validatePurchase checks the input against the product and prices it. A product with specs
// is priced as the chosen spec (WithSpec); a renewal passes the product already priced as
// the service's spec and no specs to choose from.
func validatePurchase(p *catalog.Product, specs []catalog.ProductSpec, in PurchaseInput, allowTrial bool) (quote, sqldb.FieldErrors) {
	errs := sqldb.FieldErrors{}
	q := quote{plan: catalog.Plan(strings.TrimSpace(in.Plan)), key: strings.TrimSpace(in.SubmitKey)}
	if len(specs) > 0 {
		sp, ok := catalog.PickSpec(specs, in.Spec)
		if !ok {
			errs["spec"] = MsgSpecInvalid
		} else {
			q.spec, p = sp, p.WithSpec(sp)
		}
	}
	allowed := p.Plans()
	if allowTrial && p.TrialDays > 0 {
		allowed = append(allowed, catalog.PlanTrial)
	}
	ok := false
	for _, pl := range allowed {
		ok = ok || pl == q.plan
	}
	if !ok {
		errs["plan"] = MsgPlanInvalid
	}
	q.count = 1
	if q.plan == catalog.PlanMonth || q.plan == catalog.PlanYear {
		n, err := strconv.Atoi(strings.TrimSpace(in.Count))
		max := maxMonths
		if q.plan == catalog.PlanYear {
			max = maxYears
		}
		if err != nil || n < 1 || n > max {
			errs["count"] = MsgCountInvalid
		}
		q.count = n
	}
	q.pay = orders.PayMethod(strings.TrimSpace(in.PayMethod))
	if q.plan == catalog.PlanTrial {
		q.pay = orders.PayCash
	} else if q.pay != orders.PayCash && q.pay != orders.PayCoupon && q.pay != orders.PayCredit {
		errs["pay_method"] = MsgPayMethodInvalid
	}
	if len(q.key) < 16 || len(q.key) > orders.MaxSubmitKey {
		errs["form"] = orders.MsgSubmitKey
	}
	if allowTrial { // a new purchase, not a renewal
		q.ext = catalog.ExtValues(p, in.Ext, errs)
	}
	if errs.Has() {
		return q, errs
	}
	q.amount = p.Price(q.plan, q.count)
	return q, nil
}

// newOrder fills the fields every order shares.
func (s *Store) newOrder(buyerID uint, p *catalog.Product, t orders.OrderType, q quote) *orders.Order {
	now := s.now()
	no := orders.NewOrderNo(now)
	o := &orders.Order{
		OrderNo: no, LineNo: orders.LineNo(no), BuyerID: buyerID, SellerID: p.SellerID, ProductID: p.ID,
		ProductVersion: p.Version, ProductName: p.Name, Type: t, ChargingMode: p.ChargingMode,
		Plan: q.plan, PeriodCount: q.count, AmountFen: q.amount, PaidFen: q.amount, PayMethod: q.pay,
		PaidAt: &now, CreatedAt: now, SupervisionStatus: orders.SupervisionAtPurchase(p, t),
	}
	if q.spec != nil {
		o.SpecID = &q.spec.ID
	}
	if len(q.ext) > 0 {
		b, _ := json.Marshal(q.ext)
		o.ExtValues = string(b)
	}
	if q.pay == orders.PayCredit {
		o.Repayment = orders.RepaymentPending
	}
	if q.key != "" {
		key := fmt.Sprintf("%d:%s", buyerID, q.key)
		o.SubmitKey = &key
	}
	return o
}

// orderNoTries bounds how often an order is written again with a freshly drawn number.
const orderNoTries = 4

// orderTransaction runs fn, which creates one order under a freshly drawn order number, in a
// transaction; when the number is already taken (five letters per minute: 11.9 million
// numbers, so a collision is likely within a few thousand orders a minute) it runs again
// with a new number. A duplicate caused by a double submit of the form is returned as is,
// for the caller to show the first order.
func (s *Store) orderTransaction(ctx context.Context, buyerID uint, submitKey string, fn func(tx *gorm.DB) error) error {
	var err error
	for range orderNoTries {
		if err = s.conn(ctx).Transaction(fn); !errors.Is(err, gorm.ErrDuplicatedKey) {
			return err
		}
		if _, ok := s.orderBySubmitKey(ctx, buyerID, submitKey); ok {
			return err
		}
	}
	return err
}

// orderBySubmitKey finds the order a form already created, for double submits.
func (s *Store) orderBySubmitKey(ctx context.Context, buyerID uint, key string) (*orders.Order, bool) {
	k := fmt.Sprintf("%d:%s", buyerID, strings.TrimSpace(key))
	var o orders.Order
	if err := s.conn(ctx).Where("submit_key = ? AND buyer_id = ?", k, buyerID).First(&o).Error; err != nil {
		return nil, false
	}
	return &o, true
}

// Purchase buys a product on sale: the order and the purchased service are created together.
// Products opened through the seller's interface wait in "opening"; supervised products wait
// for delivery; the rest are in use at once. Submitting the same form twice returns the first order.
func (s *Store) Purchase(ctx context.Context, buyerID, productID uint, in PurchaseInput) (*orders.Order, error) {
	if o, ok := s.orderBySubmitKey(ctx, buyerID, in.SubmitKey); ok {
		return o, nil
	}
	p, err := s.CatalogProduct(ctx, productID)
	if err != nil {
		return nil, err
	}
	specs, err := s.ProductSpecs(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	q, errs := validatePurchase(p, specs, in, true)
	if errs.Has() {
		return nil, errs
	}
	var order *orders.Order
	err = s.orderTransaction(ctx, buyerID, in.SubmitKey, func(tx *gorm.DB) error {
		orderType := orders.OrderNew
		if q.plan == catalog.PlanTrial {
			var trials int64
			if err := tx.Model(&orders.Order{}).Where("buyer_id = ? AND product_id = ? AND type = ?", buyerID, p.ID, orders.OrderTrial).Count(&trials).Error; err != nil {
				return err
			}
			if trials > 0 {
				return sqldb.FieldErrors{"plan": MsgTrialUsed}
			}
			orderType = orders.OrderTrial
		}
		now := s.now()
		o := s.newOrder(buyerID, p, orderType, q)
		o.EffectiveAt = &now
		o.ExpireAt = orders.AddPeriod(now, q.plan, q.count, p.TrialDays)
		inst := &orders.Instance{
			BuyerID: buyerID, SellerID: p.SellerID, ProductID: p.ID, ChargingMode: p.ChargingMode,
			Trial: orderType == orders.OrderTrial, EffectiveAt: &now, ExpireAt: o.ExpireAt, CreatedAt: now, SpecID: o.SpecID,
		}
		switch {
		case p.Type.UsesInterface() || p.Supervised:
			o.Status, inst.Status = orders.OrderProcessing, orders.InstanceOpening
		default:
			o.Status, inst.Status = orders.OrderCompleted, orders.InstanceNormal
		}
		if err := tx.Create(o).Error; err != nil {
			return err
		}
		inst.OrderID = o.ID
		if err := tx.Create(inst).Error; err != nil {
			return err
		}
		o.InstanceID = &inst.ID
		order = o
		if err := tx.Model(o).Update("instance_id", inst.ID).Error; err != nil {
			return err
		}
		if o.SupervisionStatus == orders.SupervisionInProgress {
			if _, err := s.CreateSupervision(tx, p, o); err != nil { // store_supervision.go
				return err
			}
		}
		return s.NewInstanceCalls(tx, p, o, inst)
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		// The same form raced itself: the other submit won; show its order.
		if o, ok := s.orderBySubmitKey(ctx, buyerID, in.SubmitKey); ok {
			return o, nil
		}
	}
	if err != nil {
		return nil, err
	}
	s.Signal()
	return order, nil
}

// Renew extends a periodic service the buyer holds. A trial service becomes formal
// (TRIAL_TO_FORMAL); a frozen one comes back into use. The expiry moves on from the current
// expiry, or from now if that has passed. Guarded on the expiry it read, so two renewals
// racing each other cannot both extend from the same point.
func (s *Store) Renew(ctx context.Context, buyerID, instanceID uint, in PurchaseInput) (*orders.Order, error) {
	if o, ok := s.orderBySubmitKey(ctx, buyerID, in.SubmitKey); ok {
		return o, nil
	}
	inst, err := s.BuyerService(ctx, buyerID, instanceID)
	if err != nil {
		return nil, err
	}
	p := inst.Product
	if !p.Periodic() || (inst.Status != orders.InstanceNormal && inst.Status != orders.InstanceFrozen) || inst.ExpireAt == nil {
		return nil, sqldb.FieldErrors{"form": MsgNotRenewable}
	}
	if inst.ChangeOrderID != nil {
		return nil, sqldb.FieldErrors{"form": MsgChangePending} // renew at the new spec's price once the change is done
	}
	// A renewal keeps the service's spec and pays its prices.
	q, errs := validatePurchase(p.WithSpec(inst.Spec), nil, in, false)
	if errs.Has() {
		return nil, errs
	}
	q.spec = inst.Spec
	var order *orders.Order
	err = s.orderTransaction(ctx, buyerID, in.SubmitKey, func(tx *gorm.DB) error {
		now := s.now()
		base := *inst.ExpireAt
		if base.Before(now) {
			base = now
		}
		t := orders.OrderRenew
		if inst.Trial {
			t = orders.OrderTrialToFormal
		}
		o := s.newOrder(buyerID, p, t, q)
		o.ParentOrderID = &inst.OrderID
		o.InstanceID = &inst.ID
		o.EffectiveAt = &base
		o.ExpireAt = orders.AddPeriod(base, q.plan, q.count, 0)
		o.Status = orders.OrderCompleted
		if p.Type.UsesInterface() && inst.SellerInstanceID != "" {
			o.Status = orders.OrderProcessing // complete once the seller has the new expiry (refreshInstance)
		}
		res := tx.Model(&orders.Instance{}).Where("id = ? AND buyer_id = ? AND status IN ? AND expire_at = ? AND change_order_id IS NULL", inst.ID, buyerID,
			[]orders.InstanceStatus{orders.InstanceNormal, orders.InstanceFrozen}, *inst.ExpireAt).
			Updates(map[string]any{"expire_at": *o.ExpireAt, "status": orders.InstanceNormal, "trial": false, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return sqldb.ErrStale
		}
		order = o
		if err := tx.Create(o).Error; err != nil {
			return err
		}
		scene := protocol.SceneRenewal
		if t == orders.OrderTrialToFormal {
			scene = protocol.SceneTrialToFormal
		}
		if err := s.RefreshCall(tx, p, o, inst, scene); err != nil {
			return err
		}
		if inst.Status == orders.InstanceFrozen {
			return s.StatusCall(tx, p, inst, protocol.StatusUnfreeze)
		}
		return nil
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		if o, ok := s.orderBySubmitKey(ctx, buyerID, in.SubmitKey); ok {
			return o, nil
		}
	}
	if err == nil {
		s.Signal()
	}
	return order, err
}
