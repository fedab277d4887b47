package sellerkit

import (
	"context"

	"koogallery/models/account"
	"koogallery/models/catalog"
	"koogallery/models/sellertools"
)

// SeedDemo gives each demo seller company a key per interface type and the dev sandbox as a
// certified production address with those keys bound, wired to its interface products, so
// debugging and buying work out of the box.
func (k *Keys) SeedDemo(ctx context.Context, sandboxURL string) error {
	var sellers []account.Seller
	if err := k.Store.DB().WithContext(ctx).Order("id").Find(&sellers).Error; err != nil {
		return err
	}
	for _, s := range sellers {
		a, err := k.Store.AddAddress(ctx, s.ID, sandboxURL)
		if err != nil {
			return err
		}
		report := Report{Scenario: "certify", Passed: true, RanAt: k.Store.Now(), Checks: []Check{{ID: "sandbox", OK: true}}}
		if err := k.Store.RecordCertification(ctx, s.ID, a.ID, true, report.JSON()); err != nil {
			return err
		}
		// The seller's interface products call the sandbox.
		if err := k.Store.DB().WithContext(ctx).Model(&catalog.Product{}).
			Where("seller_id = ? AND type IN ?", s.ID, []catalog.ProductType{catalog.TypeSaaS, catalog.TypeLicense, catalog.TypeAPI}).
			Update("address_id", a.ID).Error; err != nil {
			return err
		}
		for _, t := range []sellertools.InterfaceType{sellertools.IfaceBasic, sellertools.IfaceLicenseCode, sellertools.IfaceGeneral} {
			key, err := k.Create(ctx, s.ID, "demo-"+string(t))
			if err != nil {
				return err
			}
			if err := k.Store.BindKey(ctx, s.ID, a.ID, t, key.ID); err != nil {
				return err
			}
		}
	}
	return nil
}
