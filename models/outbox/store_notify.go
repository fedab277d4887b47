package outbox

import (
	"context"
	"errors"

	"koogallery/models/catalog"
	"koogallery/models/sellertools"
	"koogallery/models/sqldb"
	"koogallery/protocol"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Messages of order-notification configuration.
const (
	MsgNotifyScope   = "notify.err.scope"
	MsgNotifyTarget  = "notify.err.target"
	MsgNotifyNoCase  = "notify.err.no_case"
	MsgNotifyProduct = "notify.err.product"
)

// NotifyConfigs lists the seller's order-notification configurations, types first.
func (s *Store) NotifyConfigs(ctx context.Context, sellerID uint) ([]NotifyConfig, error) {
	var out []NotifyConfig
	err := s.Conn(ctx).Preload("Address").Preload("Product").Where("seller_id = ?", sellerID).Order("product_id IS NOT NULL, type, product_id").Find(&out).Error
	return out, err
}

// NotifyTargets lists the addresses and paths where the seller's orderNotify debug case passed
// on a certified address: the targets order notification may be configured to.
func (s *Store) NotifyTargets(ctx context.Context, sellerID uint) ([]sellertools.DebugCase, error) {
	var out []sellertools.DebugCase
	err := s.Conn(ctx).Preload("Address").Joins("JOIN production_addresses a ON a.id = debug_cases.address_id").
		Where("debug_cases.seller_id = ? AND debug_cases.kind = ? AND debug_cases.scenario = ? AND debug_cases.status = ? AND a.status = ?",
			sellerID, sellertools.DebugNotify, protocol.ActivityOrderNotify, sellertools.CasePassed, sellertools.AddressCertified).
		Order("debug_cases.address_id, debug_cases.path").Find(&out).Error
	return out, err
}

// checkScope refuses a scope the seller cannot configure: an unknown or image type, or a
// product that is not the seller's or whose type has no order notification.
func checkScope(tx *gorm.DB, sellerID uint, sc NotifyScope) error {
	if sc.ProductID == 0 {
		if !sc.Type.Notifiable() {
			return sqldb.FieldErrors{"scope": MsgNotifyScope}
		}
		return nil
	}
	var p catalog.Product
	if err := tx.Where("seller_id = ?", sellerID).First(&p, sc.ProductID).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return sqldb.FieldErrors{"product": MsgNotifyProduct}
		}
		return err
	}
	if !p.Type.Notifiable() {
		return sqldb.FieldErrors{"product": MsgNotifyProduct}
	}
	return nil
}

// NotifyAffected lists the products a configuration of the scope applies to: the product
// itself, or the seller's products of the type that have no configuration of their own.
func (s *Store) NotifyAffected(ctx context.Context, sellerID uint, sc NotifyScope) ([]catalog.Product, error) {
	q := s.Conn(ctx).Where("seller_id = ?", sellerID)
	if sc.ProductID != 0 {
		q = q.Where("id = ?", sc.ProductID)
	} else {
		q = q.Where("type = ? AND NOT EXISTS (SELECT 1 FROM notify_configs n WHERE n.product_id = products.id)", sc.Type)
	}
	var out []catalog.Product
	err := q.Order("id").Limit(500).Find(&out).Error
	return out, err
}

// NotifyConfigOf is the seller's configuration of a scope, or nil.
func (s *Store) NotifyConfigOf(ctx context.Context, sellerID uint, sc NotifyScope) (*NotifyConfig, error) {
	var c NotifyConfig
	err := s.Conn(ctx).Preload("Address").Where("seller_id = ? AND scope = ?", sellerID, sc.Key()).First(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	return &c, err
}

// SetNotifyConfig points a scope's order notification at a target whose orderNotify debug
// case passed (配置). replaces names the configuration the seller saw and confirmed replacing
// (0: none); a configuration changed meanwhile is ErrStale, so a change is applied only as
// previewed. Setting the same target again is a no-op.
func (s *Store) SetNotifyConfig(ctx context.Context, sellerID uint, sc NotifyScope, addressID uint, path string, replaces uint) error {
	return s.Conn(ctx).Transaction(func(tx *gorm.DB) error {
		if err := checkScope(tx, sellerID, sc); err != nil {
			return err
		}
		var passed int64
		if err := tx.Model(&sellertools.DebugCase{}).Joins("JOIN production_addresses a ON a.id = debug_cases.address_id").
			Where("debug_cases.seller_id = ? AND debug_cases.address_id = ? AND debug_cases.path = ? AND debug_cases.kind = ? AND debug_cases.scenario = ? AND debug_cases.status = ? AND a.status = ?",
				sellerID, addressID, path, sellertools.DebugNotify, protocol.ActivityOrderNotify, sellertools.CasePassed, sellertools.AddressCertified).Count(&passed).Error; err != nil {
			return err
		}
		if passed == 0 {
			return sqldb.FieldErrors{"target": MsgNotifyNoCase}
		}
		q := tx.Where("seller_id = ? AND scope = ?", sellerID, sc.Key())
		if s.Dialect() == sqldb.MySQL {
			q = q.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		now := s.Now()
		var cur NotifyConfig
		err := q.First(&cur).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			if replaces != 0 {
				return sqldb.ErrStale
			}
			c := NotifyConfig{SellerID: sellerID, Scope: sc.Key(), Type: sc.Type, AddressID: addressID, Path: path, CreatedAt: now, UpdatedAt: now}
			if sc.ProductID != 0 {
				c.ProductID, c.Type = &sc.ProductID, ""
			}
			return tx.Create(&c).Error
		case err != nil:
			return err
		case cur.AddressID == addressID && cur.Path == path:
			return nil
		case cur.ID != replaces:
			return sqldb.ErrStale
		}
		return tx.Model(&NotifyConfig{}).Where("id = ?", cur.ID).Updates(map[string]any{"address_id": addressID, "path": path, "updated_at": now}).Error
	})
}

// DeleteNotifyConfig removes one of the seller's configurations: its orders are no longer
// notified (or fall back to their type's configuration).
func (s *Store) DeleteNotifyConfig(ctx context.Context, sellerID, id uint) error {
	res := s.Conn(ctx).Where("id = ? AND seller_id = ?", id, sellerID).Delete(&NotifyConfig{})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return sqldb.ErrNotFound
	}
	return nil
}

// notifyConfigFor is the configuration a product's orders are notified through: the
// product's own, else its type's; nil when none.
func notifyConfigFor(tx *gorm.DB, p *catalog.Product) (*NotifyConfig, error) {
	if !p.Type.Notifiable() {
		return nil, nil
	}
	var cs []NotifyConfig
	if err := tx.Where("seller_id = ? AND scope IN ?", p.SellerID, []string{NotifyScope{ProductID: p.ID}.Key(), NotifyScope{Type: p.Type}.Key()}).
		Find(&cs).Error; err != nil {
		return nil, err
	}
	var out *NotifyConfig
	for i := range cs {
		if cs[i].ProductID != nil || out == nil {
			out = &cs[i]
		}
	}
	return out, nil
}

// NotifiableProducts lists the seller's products whose type can have order notification.
func (s *Store) NotifiableProducts(ctx context.Context, sellerID uint) ([]catalog.Product, error) {
	var out []catalog.Product
	err := s.Conn(ctx).Where("seller_id = ? AND type IN ?", sellerID, catalog.NotifyTypes).Order("id DESC").Limit(500).Find(&out).Error
	return out, err
}
