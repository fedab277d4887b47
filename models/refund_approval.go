package models

import (
	"errors"

	"gorm.io/gorm"

	"koogallery/models/catalog"
	"koogallery/models/orders"
	"koogallery/models/refund"
	"koogallery/models/sqldb"
	"koogallery/protocol"
)

// refundEffects applies an approved request inside its transaction: the refund record (one per
// order and reason, so money never goes back twice), the unsubscription order, the service
// released with releaseInstance queued (or, for a renewal not yet in effect, the expiry taken
// back with refreshInstance UNSUBSCRIBE_RENEWAL_PERIOD), supervision closed, the order out of
// settlement, and both parties told.
func (s *Store) refundEffects(tx *gorm.DB, r *refund.RefundRequest) error {
	now := s.now()
	var o orders.Order
	if err := tx.First(&o, r.OrderID).Error; err != nil {
		return err
	}
	var p catalog.Product
	if err := tx.First(&p, r.ProductID).Error; err != nil {
		return err
	}
	var inst orders.Instance
	if err := tx.First(&inst, r.InstanceID).Error; err != nil {
		return err
	}
	reason := orders.RefundNegotiated
	if r.Kind == refund.RefundKindNoReason {
		reason = orders.RefundNoReason
	}
	record := &orders.Refund{OrderID: o.ID, Reason: reason, BuyerID: o.BuyerID, SellerID: o.SellerID, AmountFen: r.AmountFen,
		Method: o.PayMethod, RequestID: &r.ID, CreatedAt: now}
	if err := tx.Create(record).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return sqldb.ErrStale // this order's money already went back
		}
		return err
	}
	unsub := &orders.Order{BuyerID: o.BuyerID, SellerID: o.SellerID, ProductID: o.ProductID, ProductVersion: o.ProductVersion,
		ProductName: o.ProductName, InstanceID: &inst.ID, Type: orders.OrderUnsubscribe, ChargingMode: o.ChargingMode, Plan: o.Plan,
		PayMethod: o.PayMethod, Status: orders.OrderCompleted, ParentOrderID: &o.ID, EffectiveAt: &now, PaidAt: &now, CreatedAt: now,
		SupervisionStatus: orders.SupervisionNotInvolved, SettlementExcluded: true}
	live := []orders.InstanceStatus{orders.InstanceOpening, orders.InstanceNormal, orders.InstanceFrozen}
	renewal := o.Type == orders.OrderRenew && o.EffectiveAt != nil && o.ExpireAt != nil && now.Before(*o.EffectiveAt)
	if renewal {
		res := tx.Model(&orders.Instance{}).Where("id = ? AND status IN ? AND expire_at = ?", inst.ID, live, *o.ExpireAt).
			Updates(map[string]any{"expire_at": *o.EffectiveAt, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return sqldb.FieldErrors{"form": refund.MsgServiceChanged}
		}
		inst.ExpireAt = o.EffectiveAt
		unsub.ExpireAt = o.EffectiveAt
	} else {
		res := tx.Model(&orders.Instance{}).Where("id = ? AND status IN ?", inst.ID, live).
			Updates(map[string]any{"status": orders.InstanceReleased, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return sqldb.FieldErrors{"form": refund.MsgServiceChanged}
		}
	}
	if err := s.createOrderNumbered(tx, unsub); err != nil {
		return err
	}
	if renewal {
		if err := s.RefreshCall(tx, &p, unsub, &inst, protocol.SceneUnsubscribeRenewalPeriod); err != nil {
			return err
		}
	} else if err := s.ReleaseCall(tx, &p, unsub, &inst); err != nil {
		return err
	}
	// The refunded order leaves settlement; a processing one (supervision) is over.
	if err := tx.Model(&orders.Order{}).Where("id = ?", o.ID).Update("settlement_excluded", true).Error; err != nil {
		return err
	}
	if err := tx.Model(&orders.Order{}).Where("id = ? AND status = ?", o.ID, orders.OrderProcessing).Update("status", orders.OrderCompleted).Error; err != nil {
		return err
	}
	if !renewal && p.Supervised {
		// Supervision of the service ends with it: its creating order's, and the refunded one's.
		if err := tx.Model(&orders.Order{}).Where("id IN ? AND (supervision_status IS NULL OR supervision_status IN ?)",
			[]uint{o.ID, inst.OrderID}, []orders.SupervisionStatus{orders.SupervisionUnknown, orders.SupervisionInProgress}).
			Update("supervision_status", orders.SupervisionClosed).Error; err != nil {
			return err
		}
	}
	event := refund.RefundEventApproved
	if r.Kind == refund.RefundKindNoReason {
		event = refund.RefundEventAutoApproved
	}
	return s.TellRefund(tx, r, event)
}

// createOrderNumbered writes an order under a freshly drawn order number, drawing again when
// the number is taken.
func (s *Store) createOrderNumbered(tx *gorm.DB, o *orders.Order) error {
	var err error
	for range 4 {
		o.ID = 0
		o.OrderNo = orders.NewOrderNo(s.now())
		o.LineNo = orders.LineNo(o.OrderNo)
		if err = tx.Create(o).Error; !errors.Is(err, gorm.ErrDuplicatedKey) {
			return err
		}
	}
	return err
}
