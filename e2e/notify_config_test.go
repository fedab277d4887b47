package e2e

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"koogallery/apptest"
	"koogallery/i18n"
	"koogallery/models/account"
	"koogallery/models/catalog"
	"koogallery/models/outbox"
	"koogallery/models/sellertools"
	"koogallery/protocol"
)

// 订单通知配置 over HTTP: a configuration per access type is saved at once; replacing its
// address first shows the products it affects and applies only once confirmed; bad scopes and
// someone else's targets are refused with a message.
func TestNotifyConfigOverHTTP(t *testing.T) {
	srv := apptest.Start(t, apptest.Options{})
	store, db := srv.App.Store, srv.App.Store.DB()
	var s1, s2 account.User
	noErr(t, db.Where("email = ?", "seller@demo.test").First(&s1).Error)
	noErr(t, db.Where("email = ?", "seller2@demo.test").First(&s2).Error)
	target := func(sellerID uint, url, path string) sellertools.DebugCase {
		a, err := store.AddAddress(t.Context(), sellerID, url)
		noErr(t, err)
		noErr(t, store.RecordCertification(t.Context(), sellerID, a.ID, true, ""))
		c := sellertools.DebugCase{SellerID: sellerID, AddressID: a.ID, Path: path, Kind: sellertools.DebugNotify, Scenario: string(protocol.ActivityOrderNotify),
			Params: "{}", Status: sellertools.CasePassed}
		noErr(t, store.SaveDebugCase(t.Context(), &c))
		return c
	}
	first, second := target(*s1.SellerID, "https://notify-a.example.com", "/notify"), target(*s1.SellerID, "https://notify-b.example.com", "")
	foreign := target(*s2.SellerID, "https://seller2-notify.example.com", "/n")

	c := srv.Client(t)
	c.Login("seller@demo.test")
	post := func(v url.Values) apptest.Response { return c.PostForm("/seller/notify?lang=en", v) }
	form := func(targetID uint, extra ...string) url.Values {
		v := url.Values{"scope_kind": {"type"}, "type": {"saas"}, "target": {itoa(targetID)}}
		for i := 0; i+1 < len(extra); i += 2 {
			v.Set(extra[i], extra[i+1])
		}
		return v
	}
	for name, tc := range map[string]struct {
		v     url.Values
		field string
		key   string
	}{
		"image type":     {form(first.ID, "type", "image"), "scope", outbox.MsgNotifyScope},
		"foreign target": {form(foreign.ID), "target", outbox.MsgNotifyTarget},
		"hostile target": {form(first.ID, "target", hostile), "target", outbox.MsgNotifyTarget},
		"no product":     {form(first.ID, "scope_kind", "product", "product", "1 OR 1=1"), "product", outbox.MsgNotifyProduct},
	} {
		res := post(tc.v)
		if res.Status != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d", name, res.Status)
			continue
		}
		assertEscaped(t, name, res)
		if got := strings.TrimSpace(parseHTML(t, res.Body).Find(`[data-testid="` + tc.field + `-error"]`).Text()); got != msgIn(t, i18n.EN, tc.key) {
			t.Errorf("%s: %s error %q", name, tc.field, got)
		}
	}
	if n := countRows(t, srv, &outbox.NotifyConfig{}); n != 0 {
		t.Fatalf("refused forms saved %d configurations", n)
	}

	if res := post(form(first.ID)); res.Status != http.StatusSeeOther {
		t.Fatalf("first configuration: %d", res.Status)
	}
	cfg, err := store.NotifyConfigOf(t.Context(), *s1.SellerID, outbox.NotifyScope{Type: catalog.TypeSaaS})
	noErr(t, err)
	// Replacing the address: a preview naming the affected SaaS products, nothing changed yet.
	res := post(form(second.ID))
	doc := parseHTML(t, res.Body)
	if res.Status != http.StatusOK || doc.Find(`[data-testid="notify-preview"]`).Length() != 1 {
		t.Fatalf("change without preview: %d", res.Status)
	}
	if !strings.Contains(doc.Find(`[data-testid="notify-affected"]`).Text(), "云启CRM客户管理系统") {
		t.Errorf("the preview does not list the CRM: %q", doc.Find(`[data-testid="notify-affected"]`).Text())
	}
	if got, _ := store.NotifyConfigOf(t.Context(), *s1.SellerID, outbox.NotifyScope{Type: catalog.TypeSaaS}); got.AddressID != first.AddressID {
		t.Fatal("the preview applied the change")
	}
	if res := post(form(second.ID, "replaces", itoa(cfg.ID))); res.Status != http.StatusSeeOther {
		t.Fatalf("confirmed change: %d", res.Status)
	}
	if got, _ := store.NotifyConfigOf(t.Context(), *s1.SellerID, outbox.NotifyScope{Type: catalog.TypeSaaS}); got.AddressID != second.AddressID || got.Path != "" {
		t.Fatalf("after the change: %d %q", got.AddressID, got.Path)
	}
	// Another seller cannot delete it.
	c2 := srv.Client(t)
	c2.Login("seller2@demo.test")
	if res := c2.PostForm("/seller/notify/"+itoa(cfg.ID)+"/delete", url.Values{}); res.Status != http.StatusNotFound {
		t.Fatalf("seller2 deletes: %d", res.Status)
	}
}
