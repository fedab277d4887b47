package outbox

import (
	"koogallery/models/catalog"
	"koogallery/models/orders"
	"koogallery/models/sellertools"
	"koogallery/models/sqldb"

	"gorm.io/gorm"
)

// Wake is signalled (without blocking) whenever a call is queued in this process.
func (s *Store) Wake() <-chan struct{} { return s.wake }

func (s *Store) Signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// newBusinessID is the fresh businessId every newInstance call carries.
func newBusinessID() string { return sqldb.RandomID("biz-") }

// interfaceOf is the interface type whose key signs a product's calls.
func interfaceOf(p *catalog.Product, activity string) sellertools.InterfaceType {
	switch {
	case activity == ActOrderNotify:
		return sellertools.IfaceGeneral
	case p.Type == catalog.TypeLicense:
		return sellertools.IfaceLicenseCode
	}
	return sellertools.IfaceBasic
}

// queueCall writes a call into the outbox inside the caller's transaction: it commits (or not)
// with the business change that causes it.
func (s *Store) QueueCall(tx *gorm.DB, p *catalog.Product, order *orders.Order, inst *orders.Instance, activity, scene, body string) error {
	return tx.Create(s.newCall(p, order, inst, activity, scene, body)).Error
}

// newCall is a pending call of a product, due at once, on the activity's retry policy.
func (s *Store) newCall(p *catalog.Product, order *orders.Order, inst *orders.Instance, activity, scene, body string) *InterfaceCall {
	pol := s.Policy(activity, p.Type)
	now := s.Now()
	c := &InterfaceCall{SellerID: p.SellerID, ProductID: p.ID, Activity: activity, Scene: scene, Interface: interfaceOf(p, activity),
		Body: body, Status: CallPending, NextAttemptAt: now, Deadline: now.Add(pol.Window), RetryEvery: int64(pol.Every.Seconds()),
		CreatedAt: now, UpdatedAt: now}
	if order != nil {
		c.OrderID = &order.ID
	}
	if inst != nil {
		c.InstanceID = &inst.ID
	}
	return c
}

// newInstanceCalls queues what a purchase makes the platform send: newInstance for products
// opened through the interface, and orderNotify where the product asks for it.
func (s *Store) NewInstanceCalls(tx *gorm.DB, p *catalog.Product, o *orders.Order, inst *orders.Instance) error {
	if p.Type.UsesInterface() {
		body := CallBody(ActNewInstance, "orderId", o.OrderNo, "orderLineId", o.LineNo, "businessId", newBusinessID(),
			"saasExtendParams", catalog.SaasExtendParams(o.Values()))
		if err := s.QueueCall(tx, p, o, inst, ActNewInstance, "", body); err != nil {
			return err
		}
	}
	return s.notifyCall(tx, p, o, inst)
}

// notifyCall queues orderNotify for a product whose orders are configured for order
// notification (its own configuration, else its type's), to that configuration's address.
func (s *Store) notifyCall(tx *gorm.DB, p *catalog.Product, o *orders.Order, inst *orders.Instance) error {
	cfg, err := notifyConfigFor(tx, p)
	if err != nil || cfg == nil {
		return err
	}
	c := s.newCall(p, o, inst, ActOrderNotify, "", CallBody(ActOrderNotify, "orderId", o.OrderNo, "orderLineId", o.LineNo))
	c.AddressID, c.Path = &cfg.AddressID, cfg.Path
	return tx.Create(c).Error
}

// refreshCall queues refreshInstance for a renewal (or trial-to-formal) order.
func (s *Store) RefreshCall(tx *gorm.DB, p *catalog.Product, o *orders.Order, inst *orders.Instance, scene string) error {
	if !p.Type.UsesInterface() || inst.SellerInstanceID == "" {
		return s.notifyCall(tx, p, o, inst)
	}
	body := CallBody(ActRefresh, "orderId", o.OrderNo, "orderLineId", o.LineNo, "instanceId", inst.SellerInstanceID,
		"productId", p.Code, "scene", scene, "expireTime", o.ExpireAt.UTC().Format("20060102150405"))
	if err := s.QueueCall(tx, p, o, inst, ActRefresh, scene, body); err != nil {
		return err
	}
	return s.notifyCall(tx, p, o, inst)
}

// statusCall queues updateInstanceStatus FREEZE or UNFREEZE.
func (s *Store) StatusCall(tx *gorm.DB, p *catalog.Product, inst *orders.Instance, status string) error {
	if !p.Type.UsesInterface() || inst.SellerInstanceID == "" {
		return nil
	}
	return s.QueueCall(tx, p, nil, inst, ActUpdateStatus, status, CallBody(ActUpdateStatus, "instanceId", inst.SellerInstanceID, "status", status))
}

// releaseCall queues releaseInstance, naming the unsubscribe order when there is one.
func (s *Store) ReleaseCall(tx *gorm.DB, p *catalog.Product, o *orders.Order, inst *orders.Instance) error {
	if !p.Type.UsesInterface() || inst.SellerInstanceID == "" {
		return nil
	}
	fields := []string{"instanceId", inst.SellerInstanceID}
	if o != nil {
		fields = append(fields, "orderId", o.OrderNo, "orderLineId", o.LineNo)
	}
	return s.QueueCall(tx, p, o, inst, ActRelease, "", CallBody(ActRelease, fields...))
}

// upgradeCall queues upgradeInstance for a spec change (a CHANGE order), and orderNotify where
// the product asks for it.
func (s *Store) UpgradeCall(tx *gorm.DB, p *catalog.Product, o *orders.Order, inst *orders.Instance) error {
	if p.Type.UsesInterface() && inst.SellerInstanceID != "" {
		body := CallBody(ActUpgrade, "instanceId", inst.SellerInstanceID, "orderId", o.OrderNo, "orderLineId", o.LineNo)
		if err := s.QueueCall(tx, p, o, inst, ActUpgrade, "", body); err != nil {
			return err
		}
	}
	return s.notifyCall(tx, p, o, inst)
}
