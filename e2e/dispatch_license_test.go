package e2e

import (
	"context"
	"net/http"
	"testing"
	"time"

	"koogallery/models"
	"koogallery/models/catalog"
	"koogallery/models/orders"
	"koogallery/models/outbox"
	"koogallery/models/sellertools"
	"koogallery/models/sqldb"
	"koogallery/protocol"
	"koogallery/refseller"
)

// TestDispatchLicenseProduct: a License product's calls are signed with the key bound for
// License授权码交付接口 (not the basic one) and follow the License policy (every 2 min for
// 2 h); a supervised purchase stays processing after its instance is created.
func TestDispatchLicenseProduct(t *testing.T) {
	ctx := context.Background()
	e := newDispatchEnv(t, sqldb.SQLite, time.Now(), refseller.Options{})
	var addr sellertools.ProductionAddress
	dbgCheck(t, e.store.DB().Where("seller_id = ?", e.sellerID).Order("id DESC").First(&addr).Error)
	key, err := e.srv.App.Keys.Create(ctx, e.sellerID, "license")
	dbgCheck(t, err)
	dbgCheck(t, e.store.BindKey(ctx, e.sellerID, addr.ID, sellertools.IfaceLicenseCode, key.ID))
	licenseSecret, err := e.srv.App.Keys.Open(key)
	dbgCheck(t, err)
	licenseRef, err := refseller.New(refseller.Options{AccessKey: licenseSecret, Logger: quietLog()})
	dbgCheck(t, err)
	mux := http.NewServeMux()
	mux.Handle("/produce", e.ref)
	mux.Handle("/license", licenseRef)
	e.tap.Inner = mux

	var p catalog.Product
	dbgCheck(t, e.store.DB().Where("code = ?", "00301-100003-0--0").First(&p).Error) // 数据库备份工具 License版: ONE_TIME, supervised
	if p.Type != catalog.TypeLicense || !p.Supervised {
		t.Fatalf("demo product changed: %s supervised=%v", p.Type, p.Supervised)
	}
	dbgCheck(t, e.store.DB().Model(&catalog.Product{}).Where("id = ?", p.ID).Updates(map[string]any{"address_id": addr.ID, "path": "/license"}).Error)
	buy := func(key string) orders.Order {
		o, err := e.store.Purchase(ctx, e.buyerID, p.ID, models.PurchaseInput{Plan: "once", PayMethod: "cash", SubmitKey: key})
		dbgCheck(t, err)
		return *o
	}

	o := buy("license-purchase-0000001")
	c := e.lastCall(*o.InstanceID)
	pol := e.store.Policy(protocol.ActivityNewInstance, catalog.TypeLicense)
	if c.Interface != sellertools.IfaceLicenseCode || c.RetryEvery != int64(pol.Every.Seconds()) || !c.Deadline.Equal(c.CreatedAt.Add(pol.Window)) ||
		pol.Every != 2*time.Minute || pol.Window != 2*time.Hour {
		t.Fatalf("License call: interface %s, every %ds, window %s (policy %+v)", c.Interface, c.RetryEvery, c.Deadline.Sub(c.CreatedAt), pol)
	}
	e.runOnce(1)
	c = e.call(c.ID)
	if c.Status != outbox.CallSucceeded || c.LastResultCode != protocol.ResultSuccess {
		t.Fatalf("License newInstance: %s %q %s", c.Status, c.LastResultCode, c.LastError)
	}
	if n := len(licenseRef.Instances()); n != 1 || len(e.ref.Instances()) != 0 {
		t.Fatalf("the License endpoint created %d instances, the basic one %d", n, len(e.ref.Instances()))
	}
	if in := e.instance(*o.InstanceID); in.Status != orders.InstanceNormal {
		t.Fatalf("License service: %s", in.Status)
	}
	if got := e.order(o.ID); got.Status != orders.OrderProcessing {
		t.Fatalf("a supervised order completed on instance creation: %s", got.Status)
	}

	// Failing: retried every 2 minutes, not before.
	dbgCheck(t, licenseRef.SetMode(refseller.ModeHTTP500))
	o = buy("license-purchase-0000002")
	e.runOnce(1)
	e.clock.Advance(pol.Every - time.Second)
	e.runOnce(0)
	e.clock.Advance(time.Second)
	e.runOnce(1)
	if c := e.lastCall(*o.InstanceID); c.Attempts != 2 || c.Status != outbox.CallPending || c.LastStatusCode != http.StatusInternalServerError {
		t.Fatalf("failing License call: %s after %d attempts (HTTP %d)", c.Status, c.Attempts, c.LastStatusCode)
	}
}
