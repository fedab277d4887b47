package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"koogallery/models/catalog"
	"koogallery/models/notice"
	"koogallery/models/orders"
	"koogallery/models/outbox"
	"koogallery/models/sqldb"

	"gorm.io/gorm"
)

// Changing a periodic service to a higher spec (变更, a CHANGE order). The buyer pays the
// difference between the two specs' prices for the days left until the service expires; the
// expiry does not move. The platform tells the seller with upgradeInstance (and orderNotify
// where the product asks for it); when the seller has applied it the order completes and the
// service holds the new spec. When upgradeInstance exhausts its retries (3 h) the change order
// is cancelled and refunded in full, like a purchase that never opened, and the service keeps
// its old spec (store_calls_dispatch.go).

// Period lengths the proration divides by: a month counts 30 days, a year 365.
const (
	MonthDays = 30
	YearDays  = 365
)

// PeriodDays is how many days one period of a plan counts for proration (0 for other plans).
func PeriodDays(plan catalog.Plan) int {
	switch plan {
	case catalog.PlanMonth:
		return MonthDays
	case catalog.PlanYear:
		return YearDays
	}
	return 0
}

// ProrateUpgrade is what changing from one price to another costs for the days left:
// (next − current) × days ÷ periodDays, in fen, rounded half up to the fen; never negative.
func ProrateUpgrade(current, next int64, days, periodDays int) int64 {
	diff := next - current
	if diff <= 0 || days <= 0 || periodDays <= 0 {
		return 0
	}
	num := diff * int64(days)
	den := int64(periodDays)
	return (2*num + den) / (2 * den)
}

// DaysLeft counts the days from now until expiry, a started day counting in full; 0 when the
// service has expired.
func DaysLeft(now, expire time.Time) int {
	d := expire.Sub(now)
	if d <= 0 {
		return 0
	}
	const day = 24 * time.Hour
	return int((d + day - 1) / day)
}

// Reasons a service cannot change its spec now (message keys, translated by the web layer).
const (
	MsgUpgradeNotPeriodic = "upgrade.why.not_periodic"
	MsgUpgradeStatus      = "upgrade.why.status"
	MsgUpgradeTrial       = "upgrade.why.trial"
	MsgUpgradeExpired     = "upgrade.why.expired"
	MsgUpgradeNoSpecs     = "upgrade.why.no_specs"
	MsgUpgradeTop         = "upgrade.why.top"
	MsgUpgradePending     = "upgrade.why.pending"
)

// Messages of the upgrade form's fields.
const (
	MsgUpgradeSpec      = "upgrade.err.spec"       // no such spec of this product
	MsgUpgradeSame      = "upgrade.err.same"       // the spec the service holds
	MsgUpgradeLower     = "upgrade.err.lower"      // a lower spec: only upgrades
	MsgUpgradeNoPrice   = "upgrade.err.no_price"   // no price to compare on the service's plan
	MsgUpgradePayMethod = "upgrade.err.pay_method" // not a payment method
)

// UpgradeBlocked says why a service cannot change its spec now, whatever its product's specs
// ("" when it can): only a periodic service in use, formal (not a trial) and not expired, with
// no other change waiting for the seller.
func UpgradeBlocked(in *orders.Instance, now time.Time) string {
	switch {
	case in.ChargingMode != catalog.ChargePeriod:
		return MsgUpgradeNotPeriodic
	case in.Status != orders.InstanceNormal:
		return MsgUpgradeStatus
	case in.Trial:
		return MsgUpgradeTrial
	case in.ExpireAt == nil || !in.ExpireAt.After(now):
		return MsgUpgradeExpired
	case in.ChangeOrderID != nil:
		return MsgUpgradePending
	}
	return ""
}

// UpgradeOption is one higher spec the service may change to, with its price now.
type UpgradeOption struct {
	Spec catalog.ProductSpec
	// Plan is the plan both prices are compared on: the service's current plan, or the other
	// one when a spec has no price on it.
	Plan         catalog.Plan
	PeriodDays   int
	CurrentPrice int64 // fen per period of Plan, the spec held now
	NewPrice     int64 // fen per period of Plan, this spec
	AmountFen    int64 // what the buyer pays: ProrateUpgrade(CurrentPrice, NewPrice, Days, PeriodDays)
}

// UpgradeOffer is what 变更规格 shows for one service: the spec it holds, the days left and
// every higher spec with its price; or why it cannot change now.
type UpgradeOffer struct {
	Service *orders.Instance // with product, seller, creating order and spec
	Current *catalog.ProductSpec
	Specs   []catalog.ProductSpec // all of the product's specs, low to high
	Plan    catalog.Plan          // the plan of the service's current period
	Days    int                   // days left until expiry (a started day counts in full)
	Options []UpgradeOption
	// Blocked is why the service cannot change now (a message key), "" when it can.
	Blocked string
	// Pending is the change order waiting for the seller, when there is one.
	Pending *orders.Order
	Now     time.Time
}

// Option finds the offer's option for a spec id.
func (o *UpgradeOffer) Option(specID uint) (UpgradeOption, bool) {
	for _, opt := range o.Options {
		if opt.Spec.ID == specID {
			return opt, true
		}
	}
	return UpgradeOption{}, false
}

// UpgradeOffer prices changing one of the buyer's services to each higher spec of its product.
// Another buyer's service is ErrNotFound.
func (s *Store) UpgradeOffer(ctx context.Context, buyerID, instanceID uint) (*UpgradeOffer, error) {
	in, err := s.BuyerService(ctx, buyerID, instanceID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	off := &UpgradeOffer{Service: in, Current: in.Spec, Now: now}
	if in.ChangeOrderID != nil {
		var o orders.Order
		if err := s.conn(ctx).Preload("Spec").Preload("FromSpec").Where("buyer_id = ?", buyerID).First(&o, *in.ChangeOrderID).Error; err != nil {
			return nil, err
		}
		off.Pending = &o
	}
	if off.Specs, err = s.ProductSpecs(ctx, in.ProductID); err != nil {
		return nil, err
	}
	if off.Blocked = UpgradeBlocked(in, now); off.Blocked != "" {
		return off, nil
	}
	if len(off.Specs) == 0 {
		off.Blocked = MsgUpgradeNoSpecs
		return off, nil
	}
	off.Days = DaysLeft(now, *in.ExpireAt)
	if off.Plan, err = s.currentPlan(ctx, in); err != nil {
		return nil, err
	}
	base := in.Product.WithSpec(in.Spec)
	for _, sp := range off.Specs {
		if in.Spec != nil && sp.Rank <= in.Spec.Rank {
			continue
		}
		next := in.Product.WithSpec(&sp)
		for _, pl := range []catalog.Plan{off.Plan, otherPlan(off.Plan)} {
			cur, nxt := base.Price(pl, 1), next.Price(pl, 1)
			if cur <= 0 || nxt <= 0 {
				continue
			}
			off.Options = append(off.Options, UpgradeOption{Spec: sp, Plan: pl, PeriodDays: PeriodDays(pl), CurrentPrice: cur, NewPrice: nxt,
				AmountFen: ProrateUpgrade(cur, nxt, off.Days, PeriodDays(pl))})
			break
		}
	}
	if len(off.Options) == 0 {
		off.Blocked = MsgUpgradeTop
	}
	return off, nil
}

func otherPlan(p catalog.Plan) catalog.Plan {
	if p == catalog.PlanYear {
		return catalog.PlanMonth
	}
	return catalog.PlanYear
}

// currentPlan is the plan (month or year) of the order that paid for the service's current
// period: the latest purchase, renewal or trial-to-formal order that was not cancelled.
func (s *Store) currentPlan(ctx context.Context, in *orders.Instance) (catalog.Plan, error) {
	var o orders.Order
	err := s.conn(ctx).Select("id, plan").Where("instance_id = ? AND type IN ? AND status IN ? AND plan IN ?", in.ID,
		[]orders.OrderType{orders.OrderNew, orders.OrderRenew, orders.OrderTrialToFormal}, []orders.OrderStatus{orders.OrderCompleted, orders.OrderProcessing}, []catalog.Plan{catalog.PlanMonth, catalog.PlanYear}).
		Order("id DESC").First(&o).Error
	switch {
	case err == nil:
		return o.Plan, nil
	case errors.Is(err, gorm.ErrRecordNotFound):
		if in.Product.WithSpec(in.Spec).PriceMonth > 0 {
			return catalog.PlanMonth, nil
		}
		return catalog.PlanYear, nil
	}
	return "", err
}

// UpgradeInput is what the buyer submits on 变更规格.
type UpgradeInput struct {
	Spec      string // the id of the spec to change to
	PayMethod string
	SubmitKey string // one per rendered form, so a double submit makes one order
}

// pickUpgrade checks the chosen spec against the offer: a spec of the product, above the one
// held, with a price.
func (o *UpgradeOffer) pickUpgrade(value string) (UpgradeOption, string) {
	sp, ok := catalog.PickSpec(o.Specs, value)
	if !ok || strings.TrimSpace(value) == "" {
		return UpgradeOption{}, MsgUpgradeSpec
	}
	switch {
	case o.Current != nil && sp.ID == o.Current.ID:
		return UpgradeOption{}, MsgUpgradeSame
	case o.Current != nil && sp.Rank < o.Current.Rank:
		return UpgradeOption{}, MsgUpgradeLower
	}
	opt, ok := o.Option(sp.ID)
	if !ok {
		return UpgradeOption{}, MsgUpgradeNoPrice
	}
	return opt, ""
}

// Upgrade changes one of the buyer's services to a higher spec: a paid CHANGE order (parent:
// the service's order) and, in the same transaction, upgradeInstance and orderNotify for the
// seller. The order waits (processing) until the seller has applied the change; a product
// not opened through the interface changes at once. Submitting the same form twice returns
// the first order; a second change while one is waiting is refused, and so is a change
// racing a renewal or another change (guarded in SQL on the state the price was computed
// from). Another buyer's service is ErrNotFound.
func (s *Store) Upgrade(ctx context.Context, buyerID, instanceID uint, in UpgradeInput) (*orders.Order, error) {
	// submitted finds the order this very form made, by a double click racing this one.
	submitted := func() (*orders.Order, error) {
		o, ok := s.orderBySubmitKey(ctx, buyerID, in.SubmitKey)
		switch {
		case !ok:
			return nil, nil
		case o.Type != orders.OrderChange || o.InstanceID == nil || *o.InstanceID != instanceID:
			return nil, sqldb.FieldErrors{"form": orders.MsgSubmitKey} // the key of another form
		}
		return o, nil
	}
	if o, err := submitted(); o != nil || err != nil {
		return o, err
	}
	off, err := s.UpgradeOffer(ctx, buyerID, instanceID)
	if err != nil {
		return nil, err
	}
	if off.Blocked != "" {
		if o, err := submitted(); o != nil || err != nil {
			return o, err // the same form went through meanwhile
		}
		return nil, sqldb.FieldErrors{"form": off.Blocked}
	}
	errs := sqldb.FieldErrors{}
	opt, msg := off.pickUpgrade(in.Spec)
	if msg != "" {
		errs["spec"] = msg
	}
	pay := orders.PayMethod(strings.TrimSpace(in.PayMethod))
	if pay != orders.PayCash && pay != orders.PayCoupon && pay != orders.PayCredit {
		errs["pay_method"] = MsgUpgradePayMethod
	}
	key := strings.TrimSpace(in.SubmitKey)
	if len(key) < 16 || len(key) > orders.MaxSubmitKey {
		errs["form"] = orders.MsgSubmitKey
	}
	if errs.Has() {
		return nil, errs
	}
	inst, p := off.Service, off.Service.Product
	var order *orders.Order
	err = s.orderTransaction(ctx, buyerID, key, func(tx *gorm.DB) error {
		now := s.now()
		o := s.newOrder(buyerID, p, orders.OrderChange, quote{plan: opt.Plan, amount: opt.AmountFen, pay: pay, key: key, spec: &opt.Spec})
		o.ParentOrderID, o.InstanceID, o.FromSpecID = &inst.OrderID, &inst.ID, inst.SpecID
		o.EffectiveAt, o.ExpireAt = &now, inst.ExpireAt
		viaSeller := p.Type.UsesInterface() && inst.SellerInstanceID != ""
		o.Status = orders.OrderCompleted
		if viaSeller {
			o.Status = orders.OrderProcessing // complete once the seller has applied it (upgradeInstance)
		}
		if err := tx.Create(o).Error; err != nil {
			return err
		}
		fields := map[string]any{"spec_id": opt.Spec.ID, "updated_at": now}
		if viaSeller {
			fields = map[string]any{"change_order_id": o.ID, "updated_at": now}
		}
		q := tx.Model(&orders.Instance{}).Where("id = ? AND buyer_id = ? AND status = ? AND change_order_id IS NULL AND expire_at = ?",
			inst.ID, buyerID, orders.InstanceNormal, *inst.ExpireAt)
		if inst.SpecID == nil {
			q = q.Where("spec_id IS NULL")
		} else {
			q = q.Where("spec_id = ?", *inst.SpecID)
		}
		res := q.Updates(fields)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return sqldb.ErrStale // changed, renewed or frozen since the price was read
		}
		order = o
		return s.UpgradeCall(tx, p, o, inst)
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) || errors.Is(err, sqldb.ErrStale) {
		if o, serr := submitted(); o != nil || serr != nil {
			return o, serr // the same form went through meanwhile
		}
	}
	if err != nil {
		return nil, err
	}
	s.Signal()
	return order, nil
}

// onUpgraded applies a delivered upgradeInstance: the change order completes and the service
// holds the new spec; the buyer is told. A replay, or a call whose order was already
// cancelled, changes nothing.
func (s *Store) onUpgraded(tx *gorm.DB, c *outbox.InterfaceCall) error {
	if c.OrderID == nil {
		return nil
	}
	res := tx.Model(&orders.Order{}).Where("id = ? AND status = ?", *c.OrderID, orders.OrderProcessing).Update("status", orders.OrderCompleted)
	if res.Error != nil || res.RowsAffected == 0 {
		return res.Error
	}
	var o orders.Order
	if err := tx.Preload("Spec").First(&o, *c.OrderID).Error; err != nil {
		return err
	}
	if o.Type != orders.OrderChange || o.InstanceID == nil || o.SpecID == nil {
		return nil
	}
	now := s.now()
	res = tx.Model(&orders.Instance{}).Where("id = ? AND change_order_id = ?", *o.InstanceID, o.ID).
		Updates(map[string]any{"spec_id": *o.SpecID, "change_order_id": nil, "updated_at": now})
	if res.Error != nil || res.RowsAffected == 0 {
		return res.Error
	}
	buyer := o.BuyerID
	return tx.Create(&notice.Notice{UserID: &buyer, Kind: "upgrade_done", Text: sqldb.ClipText(fmt.Sprintf("%s · %s · %s", o.ProductName, catalog.SpecName(o.Spec), o.OrderNo), 1000),
		Link: fmt.Sprintf("/console/services/%d", *o.InstanceID), CreatedAt: now}).Error
}

// HasHigherSpec reports whether a service's product offers a spec above the one it holds,
// given the products' top ranks (TopSpecRanks) and the service's spec (preloaded). A service
// without a spec on a product with specs holds the product's own prices, below every spec.
func HasHigherSpec(in *orders.Instance, top map[uint]int) bool {
	t, ok := top[in.ProductID]
	if !ok {
		return false
	}
	return in.Spec == nil || t > in.Spec.Rank
}
