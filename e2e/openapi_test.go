package e2e

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"koogallery/apptest"
	"koogallery/models/account"
	"koogallery/models/orders"
	"koogallery/models/sellertools"
	"koogallery/protocol"
	"koogallery/refseller"
	"koogallery/sellerkit"
)

// sellerKey creates an access key for a demo seller and returns its id (the AK) and secret (the SK).
func sellerKey(t *testing.T, srv *apptest.Server, email string) (*sellertools.AccessKey, string) {
	t.Helper()
	var u account.User
	if err := srv.App.Store.DB().Where("email = ?", email).First(&u).Error; err != nil {
		t.Fatal(err)
	}
	k, err := srv.App.Keys.Create(context.Background(), *u.SellerID, "open api test")
	if err != nil {
		t.Fatal(err)
	}
	secret, err := srv.App.Keys.Open(k)
	if err != nil {
		t.Fatal(err)
	}
	return k, secret
}

// queryOrder calls 查询订单 signed with AK/SK at the given time.
func queryOrder(t *testing.T, base, ak, sk, query string, at time.Time) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/api/mkp-openapi-public/global/v1/order/query?"+query, nil)
	req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	if err := (protocol.AKSKSigner{AK: ak, SK: sk}).Sign(req, nil, at); err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	return res.StatusCode, body
}

func TestOpenAPIOrderQuery(t *testing.T) {
	srv := apptest.Start(t, apptest.Options{})
	key, secret := sellerKey(t, srv, "seller@demo.test")
	var own, other orders.Order
	db := srv.App.Store.DB()
	if err := db.Where("seller_id = ?", key.SellerID).First(&own).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Where("seller_id <> ?", key.SellerID).First(&other).Error; err != nil {
		t.Fatal(err)
	}
	now := time.Now()

	status, body := queryOrder(t, srv.URL, key.KeyID, secret, "orderId="+own.OrderNo+"&orderLineId="+own.LineNo, now)
	info, _ := body["orderInfo"].(map[string]any)
	if status != 200 || body["error_code"] != "MKT.0000" || info["orderId"] != own.OrderNo || info["productId"] == "" {
		t.Fatalf("own order: %d %v", status, body)
	}
	status, body = queryOrder(t, srv.URL, key.KeyID, secret, "orderId=MOCKPERIODYEARNEW&orderLineId=MOCKPERIODYEARNEW-000001", now)
	if info, _ := body["orderInfo"].(map[string]any); status != 200 || info["chargingMode"] != "PERIOD" {
		t.Fatalf("mock order: %d %v", status, body)
	}
	refusals := []struct {
		name       string
		ak, sk, q  string
		at         time.Time
		wantStatus int
	}{
		{"another seller's order", key.KeyID, secret, "orderId=" + other.OrderNo, now, 404},
		{"unknown order", key.KeyID, secret, "orderId=CS0000000000NOPE", now, 404},
		{"wrong SK", key.KeyID, secret + "x", "orderId=" + own.OrderNo, now, 401},
		{"unknown AK", "KGNOSUCHKEY", secret, "orderId=" + own.OrderNo, now, 401},
		{"stale date", key.KeyID, secret, "orderId=" + own.OrderNo, now.Add(-20 * time.Minute), 401},
		{"missing orderId", key.KeyID, secret, "orderLineId=x", now, 400},
	}
	for _, r := range refusals {
		status, body := queryOrder(t, srv.URL, r.ak, r.sk, r.q, r.at)
		if status != r.wantStatus || body["error_code"] == "MKT.0000" || body["error_msg"] == "" {
			t.Errorf("%s: %d %v", r.name, status, body)
		}
		if strings.Contains(body["error_msg"].(string), own.OrderNo) || body["orderInfo"] != nil {
			t.Errorf("%s leaked order data: %v", r.name, body)
		}
	}
	// No signature at all.
	res, err := http.Get(srv.URL + "/api/mkp-openapi-public/global/v1/order/query?orderId=" + own.OrderNo)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 401 {
		t.Errorf("unsigned: %d", res.StatusCode)
	}
}

// The reference seller, like a real one, asks the platform what was bought after a
// newInstance, and gets the answer.
func TestReferenceSellerQueriesOrderAfterNewInstance(t *testing.T) {
	srv := apptest.Start(t, apptest.Options{})
	key, secret := sellerKey(t, srv, "seller@demo.test")
	sel, err := refseller.New(refseller.Options{AccessKey: secret, PlatformBaseURL: srv.URL, PlatformAK: key.KeyID, PlatformSK: secret,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	endpoint := httptest.NewServer(sel)
	defer endpoint.Close()
	sc, _ := sellerkit.FindScenario(sellertools.DebugSaaS, "newInstance")
	p, errs := srv.App.Kit.Prepare(endpoint.URL, "", secret, sc, sc.Defaults(""))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if r := srv.App.Kit.Run(context.Background(), endpoint.URL, "", secret, sc, p); !r.Passed {
		t.Fatalf("newInstance: %+v", r.Failed())
	}
	sel.Wait()
	calls := sel.PlatformCalls()
	if len(calls) == 0 || calls[0].StatusCode != 200 || !strings.Contains(calls[0].Body, "MOCKPERIODYEARNEW") {
		t.Fatalf("open API calls: %+v", calls)
	}
}
