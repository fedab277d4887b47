package outbox

import (
	"encoding/json"

	"koogallery/models/catalog"
	"koogallery/models/orders"
	"koogallery/models/sellertools"
	"koogallery/models/sqldb"
	"koogallery/protocol"

	"gorm.io/gorm"
)

// Wake is signalled (without blocking) whenever a call is queued in this process.
func (s *Store) Wake() <-chan struct{} { return s.wake }

// Signal wakes a dispatcher of this process (without blocking) to send what was just queued.
func (s *Store) Signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// newBusinessID is the fresh businessId every newInstance call carries.
func newBusinessID() string { return sqldb.RandomID("biz-") }

// interfaceOf is the interface type whose key signs a product's calls.
func interfaceOf(p *catalog.Product, activity protocol.Activity) sellertools.InterfaceType {
	switch {
	case activity == protocol.ActivityOrderNotify:
		return sellertools.IfaceGeneral
	case p.Type == catalog.TypeLicense:
		return sellertools.IfaceLicenseCode
	}
	return sellertools.IfaceBasic
}

// encode is the JSON body of a request as the outbox stores it and every attempt signs it: the
// request's fields in the order protocol declares them (activity first, testFlag last), empty
// optional fields left out.
func encode(req protocol.Request) (string, error) {
	b, err := json.Marshal(req)
	return string(b), err
}

// sceneOf is what the call list shows beside a request's activity: the refreshInstance scene
// or the updateInstanceStatus state.
func sceneOf(req protocol.Request) string {
	switch r := req.(type) {
	case *protocol.RefreshInstanceRequest:
		return string(r.Scene)
	case *protocol.UpdateInstanceStatusRequest:
		return string(r.Status)
	}
	return ""
}

// newCall is a pending call of a product carrying req, due at once, on the activity's retry
// policy.
func (s *Store) newCall(p *catalog.Product, order *orders.Order, inst *orders.Instance, req protocol.Request) (*InterfaceCall, error) {
	body, err := encode(req)
	if err != nil {
		return nil, err
	}
	activity := req.ActivityName()
	pol := s.Policy(activity, p.Type)
	now := s.Now()
	c := &InterfaceCall{SellerID: p.SellerID, ProductID: p.ID, Activity: activity, Scene: sceneOf(req), Interface: interfaceOf(p, activity),
		Body: body, Status: CallPending, NextAttemptAt: now, Deadline: now.Add(pol.Window), RetryEvery: int64(pol.Every.Seconds()),
		CreatedAt: now, UpdatedAt: now}
	if order != nil {
		c.OrderID = &order.ID
	}
	if inst != nil {
		c.InstanceID = &inst.ID
	}
	return c, nil
}

// queue writes a call carrying req into the outbox inside the caller's transaction: it commits
// (or not) with the business change that causes it.
func (s *Store) queue(tx *gorm.DB, p *catalog.Product, order *orders.Order, inst *orders.Instance, req protocol.Request) (*InterfaceCall, error) {
	c, err := s.newCall(p, order, inst, req)
	if err != nil {
		return nil, err
	}
	return c, tx.Create(c).Error
}

// The requests the outbox sends, built from the business objects; every one is a real call
// (testFlag "0").

// newInstanceRequest opens the service of a purchase; businessID is fresh for every call.
func newInstanceRequest(o *orders.Order, businessID string) *protocol.NewInstanceRequest {
	return &protocol.NewInstanceRequest{Activity: protocol.ActivityNewInstance, OrderID: o.OrderNo, OrderLineID: o.LineNo,
		BusinessID: businessID, SaasExtendParams: catalog.SaasExtendParams(o.Values()), TestFlag: protocol.TestFlagReal}
}

// orderNotifyRequest notifies the seller of an order.
func orderNotifyRequest(o *orders.Order) *protocol.OrderNotifyRequest {
	return &protocol.OrderNotifyRequest{Activity: protocol.ActivityOrderNotify, OrderID: o.OrderNo, OrderLineID: o.LineNo,
		TestFlag: protocol.TestFlagReal}
}

// refreshRequest sets an instance's validity to the order's expiry, for a scene.
func refreshRequest(p *catalog.Product, o *orders.Order, inst *orders.Instance, scene protocol.Scene) *protocol.RefreshInstanceRequest {
	return &protocol.RefreshInstanceRequest{Activity: protocol.ActivityRefreshInstance, OrderID: o.OrderNo, OrderLineID: o.LineNo,
		InstanceID: inst.SellerInstanceID, ProductID: p.Code, Scene: scene, ExpireTime: protocol.FormatExpireTime(*o.ExpireAt),
		TestFlag: protocol.TestFlagReal}
}

// statusRequest freezes or unfreezes an instance.
func statusRequest(inst *orders.Instance, status protocol.InstanceStatus) *protocol.UpdateInstanceStatusRequest {
	return &protocol.UpdateInstanceStatusRequest{Activity: protocol.ActivityUpdateInstanceStatus, InstanceID: inst.SellerInstanceID,
		Status: status, TestFlag: protocol.TestFlagReal}
}

// releaseRequest releases an instance, naming the unsubscribe order o when there is one.
func releaseRequest(o *orders.Order, inst *orders.Instance) *protocol.ReleaseInstanceRequest {
	r := &protocol.ReleaseInstanceRequest{Activity: protocol.ActivityReleaseInstance, InstanceID: inst.SellerInstanceID,
		TestFlag: protocol.TestFlagReal}
	if o != nil {
		r.OrderID, r.OrderLineID = o.OrderNo, o.LineNo
	}
	return r
}

// upgradeRequest applies the spec change of a CHANGE order.
func upgradeRequest(o *orders.Order, inst *orders.Instance) *protocol.UpgradeInstanceRequest {
	return &protocol.UpgradeInstanceRequest{Activity: protocol.ActivityUpgradeInstance, InstanceID: inst.SellerInstanceID,
		OrderID: o.OrderNo, OrderLineID: o.LineNo, TestFlag: protocol.TestFlagReal}
}

// pollRequest asks for an instance the seller is still creating (it answered 000004).
func pollRequest(sellerInstanceID string) *protocol.QueryInstanceRequest {
	return &protocol.QueryInstanceRequest{Activity: protocol.ActivityQueryInstance, InstanceID: sellerInstanceID,
		TestFlag: protocol.TestFlagReal}
}

// licenseRequest is a License application's getLicenseAsync with its activity and testFlag set.
func licenseRequest(r protocol.GetLicenseAsyncRequest) *protocol.GetLicenseAsyncRequest {
	r.Activity, r.TestFlag = protocol.ActivityGetLicenseAsync, protocol.TestFlagReal
	return &r
}

// NewInstanceCalls queues what a purchase makes the platform send: newInstance for products
// opened through the interface, and orderNotify where the product asks for it.
func (s *Store) NewInstanceCalls(tx *gorm.DB, p *catalog.Product, o *orders.Order, inst *orders.Instance) error {
	if p.Type.UsesInterface() {
		if _, err := s.queue(tx, p, o, inst, newInstanceRequest(o, newBusinessID())); err != nil {
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
	c, err := s.newCall(p, o, inst, orderNotifyRequest(o))
	if err != nil {
		return err
	}
	c.AddressID, c.Path = &cfg.AddressID, cfg.Path
	return tx.Create(c).Error
}

// RefreshCall queues refreshInstance for a renewal (or trial-to-formal, or a renewal taken
// back) order, and orderNotify where the product asks for it.
func (s *Store) RefreshCall(tx *gorm.DB, p *catalog.Product, o *orders.Order, inst *orders.Instance, scene protocol.Scene) error {
	if !p.Type.UsesInterface() || inst.SellerInstanceID == "" {
		return s.notifyCall(tx, p, o, inst)
	}
	if _, err := s.queue(tx, p, o, inst, refreshRequest(p, o, inst, scene)); err != nil {
		return err
	}
	return s.notifyCall(tx, p, o, inst)
}

// StatusCall queues updateInstanceStatus FREEZE or UNFREEZE.
func (s *Store) StatusCall(tx *gorm.DB, p *catalog.Product, inst *orders.Instance, status protocol.InstanceStatus) error {
	if !p.Type.UsesInterface() || inst.SellerInstanceID == "" {
		return nil
	}
	_, err := s.queue(tx, p, nil, inst, statusRequest(inst, status))
	return err
}

// ReleaseCall queues releaseInstance, naming the unsubscribe order when there is one.
func (s *Store) ReleaseCall(tx *gorm.DB, p *catalog.Product, o *orders.Order, inst *orders.Instance) error {
	if !p.Type.UsesInterface() || inst.SellerInstanceID == "" {
		return nil
	}
	_, err := s.queue(tx, p, o, inst, releaseRequest(o, inst))
	return err
}

// UpgradeCall queues upgradeInstance for a spec change (a CHANGE order), and orderNotify where
// the product asks for it.
func (s *Store) UpgradeCall(tx *gorm.DB, p *catalog.Product, o *orders.Order, inst *orders.Instance) error {
	if p.Type.UsesInterface() && inst.SellerInstanceID != "" {
		if _, err := s.queue(tx, p, o, inst, upgradeRequest(o, inst)); err != nil {
			return err
		}
	}
	return s.notifyCall(tx, p, o, inst)
}

// LicenseCall queues getLicenseAsync for a License application and returns the call. The
// outbox sets the request's activity and testFlag; the caller fills in the rest.
func (s *Store) LicenseCall(tx *gorm.DB, p *catalog.Product, o *orders.Order, inst *orders.Instance, req protocol.GetLicenseAsyncRequest) (*InterfaceCall, error) {
	return s.queue(tx, p, o, inst, licenseRequest(req))
}
