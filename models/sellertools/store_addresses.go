package sellertools

import (
	"context"
	"errors"

	"koogallery/models/sqldb"

	"gorm.io/gorm"
)

// AddAddress stores a new, not yet certified production address (already validated).
func (s *Store) AddAddress(ctx context.Context, sellerID uint, url string) (*ProductionAddress, error) {
	a := &ProductionAddress{SellerID: sellerID, URL: url, Status: AddressPending, CreatedAt: s.Now(), UpdatedAt: s.Now()}
	if err := s.Conn(ctx).Create(a).Error; err != nil {
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
	err := s.Conn(ctx).Where("seller_id = ?", sellerID).Order("id DESC").Limit(200).Find(&out).Error
	return out, err
}

// CertifiedAddresses lists the seller's certified addresses, the only ones debugging may use.
func (s *Store) CertifiedAddresses(ctx context.Context, sellerID uint) ([]ProductionAddress, error) {
	var out []ProductionAddress
	err := s.Conn(ctx).Where("seller_id = ? AND status = ?", sellerID, AddressCertified).Order("id DESC").Limit(200).Find(&out).Error
	return out, err
}

// SellerAddress loads one of the seller's addresses.
func (s *Store) SellerAddress(ctx context.Context, sellerID, id uint) (*ProductionAddress, error) {
	var a ProductionAddress
	if err := s.Conn(ctx).Where("seller_id = ?", sellerID).First(&a, id).Error; err != nil {
		return nil, sqldb.NotFound(err)
	}
	return &a, nil
}

// RecordCertification stores a certification's outcome and report.
func (s *Store) RecordCertification(ctx context.Context, sellerID, id uint, certified bool, report string) error {
	now := s.Now()
	fields := map[string]any{"checked_at": now, "report": report, "updated_at": now}
	if certified {
		fields["status"], fields["certified_at"] = AddressCertified, now
	} else {
		fields["status"], fields["certified_at"] = AddressFailed, nil
	}
	res := s.Conn(ctx).Model(&ProductionAddress{}).Where("id = ? AND seller_id = ?", id, sellerID).Updates(fields)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return sqldb.ErrNotFound
	}
	return nil
}

// DeleteAddress removes one of the seller's addresses with its bindings and debug cases.
func (s *Store) DeleteAddress(ctx context.Context, sellerID, id uint) error {
	return s.Conn(ctx).Transaction(func(tx *gorm.DB) error {
		var a ProductionAddress
		if err := tx.Where("seller_id = ?", sellerID).First(&a, id).Error; err != nil {
			return sqldb.NotFound(err)
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
