package models

import (
	"context"
	"errors"

	"gorm.io/gorm"
)

// AddAddress stores a new, not yet certified production address (already validated).
func (s *Store) AddAddress(ctx context.Context, sellerID uint, url string) (*ProductionAddress, error) {
	a := &ProductionAddress{SellerID: sellerID, URL: url, Status: AddressPending, CreatedAt: s.now(), UpdatedAt: s.now()}
	if err := s.conn(ctx).Create(a).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return nil, ErrDuplicate
		}
		return nil, err
	}
	return a, nil
}

// SellerAddresses lists the seller's production addresses, newest first.
func (s *Store) SellerAddresses(ctx context.Context, sellerID uint) ([]ProductionAddress, error) {
	var out []ProductionAddress
	err := s.conn(ctx).Where("seller_id = ?", sellerID).Order("id DESC").Limit(200).Find(&out).Error
	return out, err
}

// CertifiedAddresses lists the seller's certified addresses, the only ones debugging may use.
func (s *Store) CertifiedAddresses(ctx context.Context, sellerID uint) ([]ProductionAddress, error) {
	var out []ProductionAddress
	err := s.conn(ctx).Where("seller_id = ? AND status = ?", sellerID, AddressCertified).Order("id DESC").Limit(200).Find(&out).Error
	return out, err
}

// SellerAddress loads one of the seller's addresses.
func (s *Store) SellerAddress(ctx context.Context, sellerID, id uint) (*ProductionAddress, error) {
	var a ProductionAddress
	if err := s.conn(ctx).Where("seller_id = ?", sellerID).First(&a, id).Error; err != nil {
		return nil, notFound(err)
	}
	return &a, nil
}

// RecordCertification stores a certification's outcome and report.
func (s *Store) RecordCertification(ctx context.Context, sellerID, id uint, certified bool, report string) error {
	now := s.now()
	fields := map[string]any{"checked_at": now, "report": report, "updated_at": now}
	if certified {
		fields["status"], fields["certified_at"] = AddressCertified, now
	} else {
		fields["status"], fields["certified_at"] = AddressFailed, nil
	}
	res := s.conn(ctx).Model(&ProductionAddress{}).Where("id = ? AND seller_id = ?", id, sellerID).Updates(fields)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}

// DeleteAddress removes one of the seller's addresses with its bindings and debug cases.
func (s *Store) DeleteAddress(ctx context.Context, sellerID, id uint) error {
	return s.conn(ctx).Transaction(func(tx *gorm.DB) error {
		var a ProductionAddress
		if err := tx.Where("seller_id = ?", sellerID).First(&a, id).Error; err != nil {
			return notFound(err)
		}
		if err := tx.Where("address_id = ?", id).Delete(&DebugCase{}).Error; err != nil {
			return err
		}
		if err := tx.Where("address_id = ?", id).Delete(&KeyBinding{}).Error; err != nil {
			return err
		}
		return tx.Delete(&a).Error
	})
}

// Usage is what depends on a binding: the products whose calls its key signs, and the debug
// cases run with it.
type Usage struct {
	Products []Product
	Cases    []DebugCase
}

// BindingUsage lists what a change to the address's binding of an interface type affects.
func (s *Store) BindingUsage(ctx context.Context, sellerID, addressID uint, t InterfaceType) (Usage, error) {
	var u Usage
	kinds := []DebugKind{}
	for _, k := range DebugKinds {
		if k.Interface() == t {
			kinds = append(kinds, k)
		}
	}
	if err := s.conn(ctx).Where("seller_id = ? AND address_id = ? AND kind IN ?", sellerID, addressID, kinds).Order("id").Limit(200).Find(&u.Cases).Error; err != nil {
		return u, err
	}
	var types []ProductType
	switch t {
	case IfaceBasic:
		types = []ProductType{TypeSaaS, TypeAPI}
	case IfaceLicenseCode:
		types = []ProductType{TypeLicense}
	}
	q := s.conn(ctx).Where("seller_id = ?", sellerID)
	if t == IfaceGeneral {
		// The products whose order notifications go to this address: by their own
		// configuration, or by their type's when they have none.
		q = q.Where(`id IN (SELECT product_id FROM notify_configs WHERE seller_id = ? AND address_id = ? AND product_id IS NOT NULL)
			OR (type IN (SELECT type FROM notify_configs WHERE seller_id = ? AND address_id = ? AND product_id IS NULL)
				AND NOT EXISTS (SELECT 1 FROM notify_configs n WHERE n.product_id = products.id))`, sellerID, addressID, sellerID, addressID)
	} else {
		q = q.Where("address_id = ? AND type IN ?", addressID, types)
	}
	err := q.Order("id").Limit(200).Find(&u.Products).Error
	return u, err
}
