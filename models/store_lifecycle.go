package models

import (
	"context"

	"koogallery/models/catalog"
	"koogallery/models/orders"
	"koogallery/models/outbox"
	"koogallery/protocol"

	"gorm.io/gorm"
)

// ExpireDue freezes periodic services whose validity has ended (queuing updateInstanceStatus
// FREEZE for the seller) and releases frozen ones whose 15-day retention has ended (queuing
// releaseInstance). Each transition is guarded on the state it read, so schedulers in several
// processes never apply one twice. It handles at most limit of each per run and reports how
// many it changed.
func (s *Store) ExpireDue(ctx context.Context, limit int) (int, error) {
	now := s.now()
	changed := 0
	var expiring []orders.Instance
	if err := s.conn(ctx).Preload("Product").Where("status = ? AND charging_mode = ? AND expire_at <= ?", orders.InstanceNormal, catalog.ChargePeriod, now).
		Order("expire_at").Limit(limit).Find(&expiring).Error; err != nil {
		return 0, err
	}
	for i := range expiring {
		inst := &expiring[i]
		err := s.conn(ctx).Transaction(func(tx *gorm.DB) error {
			res := tx.Model(&orders.Instance{}).Where("id = ? AND status = ? AND expire_at <= ?", inst.ID, orders.InstanceNormal, now).
				Updates(map[string]any{"status": orders.InstanceFrozen, "updated_at": now})
			if res.Error != nil || res.RowsAffected == 0 {
				return res.Error
			}
			changed++
			return s.StatusCall(tx, inst.Product, inst, protocol.StatusFreeze)
		})
		if err != nil {
			return changed, err
		}
	}
	var ending []orders.Instance
	if err := s.conn(ctx).Preload("Product").Where("status = ? AND expire_at <= ?", orders.InstanceFrozen, now.Add(-outbox.Retention)).
		Order("expire_at").Limit(limit).Find(&ending).Error; err != nil {
		return changed, err
	}
	for i := range ending {
		inst := &ending[i]
		err := s.conn(ctx).Transaction(func(tx *gorm.DB) error {
			res := tx.Model(&orders.Instance{}).Where("id = ? AND status = ? AND expire_at <= ?", inst.ID, orders.InstanceFrozen, now.Add(-outbox.Retention)).
				Updates(map[string]any{"status": orders.InstanceReleased, "updated_at": now})
			if res.Error != nil || res.RowsAffected == 0 {
				return res.Error
			}
			changed++
			return s.ReleaseCall(tx, inst.Product, nil, inst)
		})
		if err != nil {
			return changed, err
		}
	}
	if changed > 0 {
		s.Signal()
	}
	return changed, nil
}
