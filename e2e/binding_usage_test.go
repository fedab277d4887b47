package e2e

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"koogallery/apptest"
	"koogallery/models/catalog"
	"koogallery/models/sellertools"
)

// Changing a bound key first lists the products whose calls it signs, and changes nothing
// until the seller confirms.
func TestBindingChangeListsAffectedProducts(t *testing.T) {
	srv := apptest.Start(t, apptest.Options{})
	ctx := context.Background()
	store := srv.App.Store
	sellerID := sellerOf(t, srv, "seller@demo.test")
	addr, err := store.AddAddress(ctx, sellerID, "http://127.0.0.1:9")
	dbgCheck(t, err)
	dbgCheck(t, store.RecordCertification(ctx, sellerID, addr.ID, true, "{}"))
	oldKey, err := srv.App.Keys.Create(ctx, sellerID, "old")
	dbgCheck(t, err)
	newKey, err := srv.App.Keys.Create(ctx, sellerID, "new")
	dbgCheck(t, err)
	dbgCheck(t, store.BindKey(ctx, sellerID, addr.ID, sellertools.IfaceBasic, oldKey.ID))
	var crm catalog.Product
	dbgCheck(t, store.DB().Where("code = ?", "00301-100001-0--0").First(&crm).Error)
	dbgCheck(t, store.DB().Model(&crm).Update("address_id", addr.ID).Error)

	c := srv.Client(t)
	c.Login("seller@demo.test")
	path := "/seller/addresses/" + itoa(addr.ID) + "/bindings"
	res := c.PostForm(path, url.Values{"iface": {"basic"}, "key_id": {itoa(newKey.ID)}})
	if res.Status != 200 || !strings.Contains(res.Body, `data-testid="binding-confirm"`) || !strings.Contains(res.Body, crm.Name) {
		t.Fatalf("no confirmation listing %s: %d", crm.Name, res.Status)
	}
	if k, _ := store.AddressKey(ctx, addr.ID, sellertools.IfaceBasic); k.ID != oldKey.ID {
		t.Fatal("the binding changed before confirmation")
	}
	if res := c.PostForm(path, url.Values{"iface": {"basic"}, "key_id": {itoa(newKey.ID)}, "confirm": {"1"}}); res.Status != 303 {
		t.Fatalf("confirm: %d", res.Status)
	}
	if k, _ := store.AddressKey(ctx, addr.ID, sellertools.IfaceBasic); k.ID != newKey.ID {
		t.Fatal("the binding did not change after confirmation")
	}
}
