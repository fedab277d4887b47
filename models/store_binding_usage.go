package models

import (
	"context"

	"koogallery/models/catalog"
	"koogallery/models/sellertools"
)

// Usage is what depends on a binding: the products whose calls its key signs, and the debug
// cases run with it.
type Usage struct {
	Products []catalog.Product
	Cases    []sellertools.DebugCase
}

// BindingUsage lists what a change to the address's binding of an interface type affects.
func (s *Store) BindingUsage(ctx context.Context, sellerID, addressID uint, t sellertools.InterfaceType) (Usage, error) {
	var u Usage
	kinds := []sellertools.DebugKind{}
	for _, k := range sellertools.DebugKinds {
		if k.Interface() == t {
			kinds = append(kinds, k)
		}
	}
	if err := s.conn(ctx).Where("seller_id = ? AND address_id = ? AND kind IN ?", sellerID, addressID, kinds).Order("id").Limit(200).Find(&u.Cases).Error; err != nil {
		return u, err
	}
	var types []catalog.ProductType
	switch t {
	case sellertools.IfaceBasic:
		types = []catalog.ProductType{catalog.TypeSaaS, catalog.TypeAPI}
	case sellertools.IfaceLicenseCode:
		types = []catalog.ProductType{catalog.TypeLicense}
	}
	q := s.conn(ctx).Where("seller_id = ?", sellerID)
	if t == sellertools.IfaceGeneral {
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
