package publishing_test

import (
	"errors"
	"testing"

	"koogallery/models"
	"koogallery/models/account"
	"koogallery/models/catalog"
	"koogallery/models/dbtest"
	"koogallery/models/outbox"
	"koogallery/models/sellertools"
	"koogallery/models/sqldb"
	"koogallery/models/storetest"
	"koogallery/protocol"
)

// Order notification is configured per access type or per product, only to an address where
// the orderNotify debug case passed; a product's own configuration wins; a change applies only
// as previewed; purchases queue orderNotify to the configured address.
func TestNotifyConfiguration(t *testing.T) {
	storetest.ForEachDialect(t, func(t *testing.T, s *models.Store) {
		w := newWorld(t, s)
		w.certify(t, true)
		saas := outbox.NotifyScope{Type: catalog.TypeSaaS}
		var fe sqldb.FieldErrors
		if err := s.SetNotifyConfig(ctx, w.sellerID, saas, w.addr.ID, "/notify", 0); !errors.As(err, &fe) || fe["target"] == "" {
			t.Fatalf("configured without a passed case: %v", err)
		}
		for _, path := range []string{"/notify", "/notify2"} {
			must(t, s.SaveDebugCase(ctx, &sellertools.DebugCase{SellerID: w.sellerID, AddressID: w.addr.ID, Path: path, Kind: sellertools.DebugNotify,
				Scenario: string(protocol.ActivityOrderNotify), Params: "{}", Status: sellertools.CasePassed}))
		}
		if err := s.SetNotifyConfig(ctx, w.sellerID, outbox.NotifyScope{Type: catalog.TypeImage}, w.addr.ID, "/notify", 0); !errors.As(err, &fe) || fe["scope"] == "" {
			t.Fatalf("images configured: %v", err)
		}
		must(t, s.SetNotifyConfig(ctx, w.sellerID, saas, w.addr.ID, "/notify", 0))
		must(t, s.SetNotifyConfig(ctx, w.sellerID, saas, w.addr.ID, "/notify", 0)) // the same again: a no-op

		// Two on-sale SaaS products of the seller; one gets its own configuration.
		var ps [2]catalog.Product
		for i := range ps {
			ps[i] = catalog.Product{SellerID: w.sellerID, Code: "00399-90000" + itoa(uint(i)) + "-0--0", Name: "通知测试 " + itoa(uint(i)), Type: catalog.TypeSaaS,
				ChargingMode: catalog.ChargePeriod, PriceMonth: 1000, SaleStatus: catalog.SaleOnSale, AddressID: &w.addr.ID, Path: "/produce"}
			must(t, s.DB().Create(&ps[i]).Error)
		}
		own := outbox.NotifyScope{ProductID: ps[1].ID}
		must(t, s.SetNotifyConfig(ctx, w.sellerID, own, w.addr.ID, "/notify2", 0))
		affected, err := s.NotifyAffected(ctx, w.sellerID, saas)
		must(t, err)
		if len(affected) != 1 || affected[0].ID != ps[0].ID {
			t.Fatalf("the type's configuration affects %v", affected)
		}
		if err := s.SetNotifyConfig(ctx, w.other, outbox.NotifyScope{ProductID: ps[0].ID}, w.addr.ID, "/notify", 0); !errors.As(err, &fe) {
			t.Fatalf("another seller configured the product: %v", err)
		}

		// A change names the configuration it replaces, as previewed.
		cur, err := s.NotifyConfigOf(ctx, w.sellerID, saas)
		must(t, err)
		if err := s.SetNotifyConfig(ctx, w.sellerID, saas, w.addr.ID, "/notify2", 0); !errors.Is(err, sqldb.ErrStale) {
			t.Fatalf("unconfirmed change: %v", err)
		}
		must(t, s.SetNotifyConfig(ctx, w.sellerID, saas, w.addr.ID, "/notify2", cur.ID))
		must(t, s.SetNotifyConfig(ctx, w.sellerID, saas, w.addr.ID, "/notify", cur.ID))

		// Changing the key bound for order notification at the address affects both products.
		usage, err := s.BindingUsage(ctx, w.sellerID, w.addr.ID, sellertools.IfaceGeneral)
		must(t, err)
		if len(usage.Products) != 2 {
			t.Fatalf("binding usage of the general interface: %d products", len(usage.Products))
		}

		buyer := dbtest.User(t, s.Base(), "buyer@notify.test", account.RoleBuyer, 0)
		for i, p := range ps {
			o, err := s.Purchase(ctx, buyer.ID, p.ID, models.PurchaseInput{Plan: "month", Count: "1", PayMethod: "cash", SubmitKey: "notify-buy-00000000" + itoa(uint(i))})
			must(t, err)
			var c outbox.InterfaceCall
			must(t, s.DB().Where("order_id = ? AND activity = ?", o.ID, protocol.ActivityOrderNotify).First(&c).Error)
			want := []string{"/notify", "/notify2"}[i]
			if c.AddressID == nil || *c.AddressID != w.addr.ID || c.Path != want {
				t.Fatalf("product %d notified at %v %q, want %q", i, c.AddressID, c.Path, want)
			}
		}

		// Without any configuration, orders are not notified.
		configs, err := s.NotifyConfigs(ctx, w.sellerID)
		must(t, err)
		for _, c := range configs {
			must(t, s.DeleteNotifyConfig(ctx, w.sellerID, c.ID))
		}
		o, err := s.Purchase(ctx, buyer.ID, ps[0].ID, models.PurchaseInput{Plan: "month", Count: "1", PayMethod: "cash", SubmitKey: "notify-buy-000000009"})
		must(t, err)
		var n int64
		must(t, s.DB().Model(&outbox.InterfaceCall{}).Where("order_id = ? AND activity = ?", o.ID, protocol.ActivityOrderNotify).Count(&n).Error)
		if n != 0 {
			t.Fatalf("notified without configuration: %d", n)
		}
	})
}
