package sellertools

import (
	"context"
	"errors"
	"strings"

	"koogallery/models/sqldb"

	"gorm.io/gorm"
)

// Errors of the seller toolkit.
var (
	ErrKeyBound        = errors.New("key is bound to an address")
	ErrKeyOtherType    = errors.New("key serves another interface type")
	ErrNotCertified    = errors.New("address is not certified")
	ErrDuplicate       = errors.New("already exists")
	ErrAddressHasCases = errors.New("address has debug cases")
)

// KeyRow is a key with the bindings that use it, for the key list.
type KeyRow struct {
	AccessKey
	Bindings int64
}

// CreateAccessKey stores a new key; the secret arrives sealed.
func (s *Store) CreateAccessKey(ctx context.Context, sellerID uint, keyID, name string, sealed []byte, hint string) (*AccessKey, error) {
	k := &AccessKey{SellerID: sellerID, KeyID: keyID, Name: strings.TrimSpace(name), Sealed: sealed, Hint: hint, CreatedAt: s.Now()}
	if err := s.Conn(ctx).Create(k).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return nil, ErrDuplicate
		}
		return nil, err
	}
	return k, nil
}

// SellerKeys lists the seller's keys, newest first, with how many bindings use each.
func (s *Store) SellerKeys(ctx context.Context, sellerID uint) ([]KeyRow, error) {
	var out []KeyRow
	err := s.Conn(ctx).Model(&AccessKey{}).
		Select("access_keys.*, (SELECT COUNT(*) FROM key_bindings kb WHERE kb.access_key_id = access_keys.id) AS bindings").
		Where("seller_id = ?", sellerID).Order("id DESC").Limit(500).Scan(&out).Error
	return out, err
}

// SellerKey loads one of the seller's keys.
func (s *Store) SellerKey(ctx context.Context, sellerID, id uint) (*AccessKey, error) {
	var k AccessKey
	if err := s.Conn(ctx).Where("seller_id = ?", sellerID).First(&k, id).Error; err != nil {
		return nil, sqldb.NotFound(err)
	}
	return &k, nil
}

// DeleteAccessKey removes an unbound key. A bound key is refused (ErrKeyBound), in the same
// statement that deletes, so a binding made meanwhile cannot be orphaned.
func (s *Store) DeleteAccessKey(ctx context.Context, sellerID, id uint) error {
	res := s.Conn(ctx).Exec(`DELETE FROM access_keys WHERE id = ? AND seller_id = ?
		AND NOT EXISTS (SELECT 1 FROM key_bindings WHERE access_key_id = ?)`, id, sellerID, id)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 1 {
		return nil
	}
	if _, err := s.SellerKey(ctx, sellerID, id); err != nil {
		return err
	}
	return ErrKeyBound
}

// AddressKey is the key bound to an address for an interface type, or ErrNotFound.
func (s *Store) AddressKey(ctx context.Context, addressID uint, t InterfaceType) (*AccessKey, error) {
	var b KeyBinding
	if err := s.Conn(ctx).Preload("AccessKey").Where("address_id = ? AND interface_type = ?", addressID, t).First(&b).Error; err != nil {
		return nil, sqldb.NotFound(err)
	}
	return b.AccessKey, nil
}

// AddressBindings lists the bindings of the seller's addresses, with their keys.
func (s *Store) AddressBindings(ctx context.Context, sellerID uint) ([]KeyBinding, error) {
	var out []KeyBinding
	err := s.Conn(ctx).Preload("AccessKey").
		Joins("JOIN production_addresses pa ON pa.id = key_bindings.address_id AND pa.seller_id = ?", sellerID).
		Order("key_bindings.address_id, key_bindings.interface_type").Find(&out).Error
	return out, err
}

// BindKey binds one of the seller's keys to one of their certified addresses for an interface
// type, replacing an earlier binding of that type. A key that already serves another type is
// refused (ErrKeyOtherType); the key takes the type with its first binding.
func (s *Store) BindKey(ctx context.Context, sellerID, addressID uint, t InterfaceType, keyID uint) error {
	return s.Conn(ctx).Transaction(func(tx *gorm.DB) error {
		var a ProductionAddress
		if err := tx.Where("seller_id = ?", sellerID).First(&a, addressID).Error; err != nil {
			return sqldb.NotFound(err)
		}
		if a.Status != AddressCertified {
			return ErrNotCertified
		}
		res := tx.Model(&AccessKey{}).Where("id = ? AND seller_id = ? AND (interface_type = '' OR interface_type = ?)", keyID, sellerID, t).
			Update("interface_type", t)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			var k AccessKey
			if err := tx.Where("seller_id = ?", sellerID).First(&k, keyID).Error; err != nil {
				return sqldb.NotFound(err)
			}
			return ErrKeyOtherType
		}
		now := s.Now()
		res = tx.Model(&KeyBinding{}).Where("address_id = ? AND interface_type = ?", addressID, t).
			Updates(map[string]any{"access_key_id": keyID, "updated_at": now})
		if res.Error != nil || res.RowsAffected > 0 {
			return res.Error
		}
		return tx.Create(&KeyBinding{AddressID: addressID, InterfaceType: t, AccessKeyID: keyID, CreatedAt: now, UpdatedAt: now}).Error
	})
}

// UnbindKey removes the binding of an interface type from one of the seller's addresses.
func (s *Store) UnbindKey(ctx context.Context, sellerID, addressID uint, t InterfaceType) error {
	res := s.Conn(ctx).Exec(`DELETE FROM key_bindings WHERE address_id = ? AND interface_type = ?
		AND address_id IN (SELECT id FROM production_addresses WHERE seller_id = ?)`, addressID, t, sellerID)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return sqldb.ErrNotFound
	}
	return nil
}

// AccessKeyByKeyID finds a key by its public id, whichever seller owns it (the open API's AK).
func (s *Store) AccessKeyByKeyID(ctx context.Context, keyID string) (*AccessKey, error) {
	var k AccessKey
	if err := s.Conn(ctx).Where("key_id = ?", keyID).First(&k).Error; err != nil {
		return nil, sqldb.NotFound(err)
	}
	return &k, nil
}

// AllAccessKeys lists every seller's keys (the dev sandbox answers for all of them).
func (s *Store) AllAccessKeys(ctx context.Context) ([]AccessKey, error) {
	var out []AccessKey
	err := s.Conn(ctx).Order("id").Limit(10000).Find(&out).Error
	return out, err
}
