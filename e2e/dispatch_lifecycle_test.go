package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"koogallery/apptest"
	"koogallery/models"
	"koogallery/models/catalog"
	"koogallery/models/orders"
	"koogallery/models/outbox"
	"koogallery/models/sqldb"
	"koogallery/protocol"
	"koogallery/refseller"
)

// TestDispatchLifecycle follows one periodic SaaS service through its whole life on each
// database: purchase → newInstance; renewal → refreshInstance RENEWAL; expiry →
// updateInstanceStatus FREEZE; renewal of the frozen service → refreshInstance then UNFREEZE
// (strictly in that order); expiry again and 15 days of retention → releaseInstance.
func TestDispatchLifecycle(t *testing.T) {
	for _, d := range apptest.Dialects {
		t.Run(string(d), func(t *testing.T) { testDispatchLifecycle(t, d) })
	}
}

func testDispatchLifecycle(t *testing.T, d sqldb.Dialect) {
	ctx := context.Background()
	e := newDispatchEnv(t, d, time.Now(), refseller.Options{})

	// Purchase: the order waits for the seller; newInstance is in the outbox, due now.
	o := e.buy()
	if o.Status != orders.OrderProcessing || o.InstanceID == nil {
		t.Fatalf("new order: status %s, instance %v", o.Status, o.InstanceID)
	}
	instID := *o.InstanceID
	if in := e.instance(instID); in.Status != orders.InstanceOpening {
		t.Fatalf("new service is %s, want opening", in.Status)
	}
	calls := e.calls(instID)
	if len(calls) != 1 || calls[0].Activity != protocol.ActivityNewInstance || calls[0].Status != outbox.CallPending || calls[0].Attempts != 0 {
		t.Fatalf("outbox after purchase: %+v", calls)
	}
	e.runOnce(1)
	e.runOnce(0)

	c := e.call(calls[0].ID)
	if c.Status != outbox.CallSucceeded || c.Attempts != 1 || c.CompletedAt == nil || c.LastResultCode != protocol.ResultSuccess {
		t.Fatalf("newInstance after delivery: status %s, attempts %d, result %q, error %q", c.Status, c.Attempts, c.LastResultCode, c.LastError)
	}
	att := e.attempts(c.ID)
	if len(att) != 1 || att[0].N != 1 || att[0].StatusCode != http.StatusOK || att[0].ResultCode != protocol.ResultSuccess || att[0].ErrorKind != "" ||
		activityOf(att[0].RequestBody) != protocol.ActivityNewInstance || att[0].URL == "" || !att[0].StartedAt.Equal(e.clock.Now()) {
		t.Fatalf("attempt: %+v", att)
	}
	in := e.instance(instID)
	seller, ok := e.ref.Instance(in.SellerInstanceID)
	if in.Status != orders.InstanceNormal || !ok || seller.OrderID != o.OrderNo || seller.OrderLineID != o.LineNo {
		t.Fatalf("service %s with seller instance %q (known to the seller: %v, order %q)", in.Status, in.SellerInstanceID, ok, seller.OrderID)
	}
	var app protocol.AppInfo
	dbgCheck(t, json.Unmarshal([]byte(in.AppInfo), &app))
	pass, err := protocol.DecryptField(e.secret, in.EncryptType, app.Password)
	if err != nil || pass != seller.Password {
		t.Fatalf("appInfo password decrypts to %q (%v), want the seller's %q", pass, err, seller.Password)
	}
	user, err := protocol.DecryptField(e.secret, in.EncryptType, app.UserName)
	if err != nil || user != seller.UserName || app.FrontEndURL == "" {
		t.Fatalf("appInfo user %q (%v), front end %q", user, err, app.FrontEndURL)
	}
	if got := e.order(o.ID); got.Status != orders.OrderCompleted {
		t.Fatalf("order after delivery: %s", got.Status)
	}

	// Renewal: refreshInstance RENEWAL with the new expiry; the renewal order completes on delivery.
	renewal, err := e.store.Renew(ctx, e.buyerID, instID, models.PurchaseInput{Plan: "month", Count: "1", PayMethod: "cash", SubmitKey: "renewal-key-000000001"})
	dbgCheck(t, err)
	if renewal.Status != orders.OrderProcessing || renewal.Type != orders.OrderRenew {
		t.Fatalf("renewal order: %s %s", renewal.Type, renewal.Status)
	}
	refresh := e.lastCall(instID)
	if refresh.Activity != protocol.ActivityRefreshInstance || refresh.Scene != "RENEWAL" || refresh.OrderID == nil || *refresh.OrderID != renewal.ID {
		t.Fatalf("renewal queued %s %s", refresh.Activity, refresh.Scene)
	}
	e.runOnce(1)
	if c := e.call(refresh.ID); c.Status != outbox.CallSucceeded {
		t.Fatalf("refresh: %s %s", c.Status, c.LastError)
	}
	seller, _ = e.ref.Instance(in.SellerInstanceID)
	if seller.LastScene != protocol.Scene("RENEWAL") || !seller.ExpireTime.Equal(renewal.ExpireAt.Truncate(time.Second)) {
		t.Fatalf("seller saw scene %q expiry %s, want RENEWAL %s", seller.LastScene, seller.ExpireTime, renewal.ExpireAt)
	}
	if got := e.order(renewal.ID); got.Status != orders.OrderCompleted {
		t.Fatalf("renewal order after delivery: %s", got.Status)
	}

	// Expiry: the sweep freezes the service and tells the seller.
	in = e.instance(instID)
	e.clock.Set(in.ExpireAt.Add(-time.Second))
	if n, err := e.store.ExpireDue(ctx, 100); err != nil || n != 0 {
		t.Fatalf("sweep before expiry changed %d (%v)", n, err)
	}
	e.clock.Set(in.ExpireAt.Add(time.Second))
	if n, err := e.store.ExpireDue(ctx, 100); err != nil || n != 1 {
		t.Fatalf("sweep at expiry changed %d (%v)", n, err)
	}
	if got := e.instance(instID); got.Status != orders.InstanceFrozen {
		t.Fatalf("expired service is %s", got.Status)
	}
	freeze := e.lastCall(instID)
	if freeze.Activity != protocol.ActivityUpdateInstanceStatus || freeze.Scene != "FREEZE" {
		t.Fatalf("expiry queued %s %s", freeze.Activity, freeze.Scene)
	}
	e.runOnce(1)
	if s, _ := e.ref.Instance(in.SellerInstanceID); s.State != refseller.StateFrozen {
		t.Fatalf("seller's instance is %s after FREEZE", s.State)
	}

	// Renewing the frozen service: refreshInstance first, UNFREEZE only once it is delivered.
	again, err := e.store.Renew(ctx, e.buyerID, instID, models.PurchaseInput{Plan: "month", Count: "1", PayMethod: "cash", SubmitKey: "renewal-key-000000002"})
	dbgCheck(t, err)
	cs := e.calls(instID)
	refresh2, unfreeze := cs[len(cs)-2], cs[len(cs)-1]
	if refresh2.Activity != protocol.ActivityRefreshInstance || unfreeze.Activity != protocol.ActivityUpdateInstanceStatus || unfreeze.Scene != "UNFREEZE" {
		t.Fatalf("renewing a frozen service queued %s then %s %s", refresh2.Activity, unfreeze.Activity, unfreeze.Scene)
	}
	if got := e.instance(instID); got.Status != orders.InstanceNormal {
		t.Fatalf("renewed service is %s", got.Status)
	}
	e.runOnce(1) // the refresh only: UNFREEZE waits for it
	if c := e.call(unfreeze.ID); c.Status != outbox.CallPending || c.Attempts != 0 {
		t.Fatalf("UNFREEZE went before its refresh finished: %s, %d attempts", c.Status, c.Attempts)
	}
	e.runOnce(1)
	if c := e.call(unfreeze.ID); c.Status != outbox.CallSucceeded {
		t.Fatalf("UNFREEZE: %s %s", c.Status, c.LastError)
	}
	if s, _ := e.ref.Instance(in.SellerInstanceID); s.State != refseller.StateNormal || !s.ExpireTime.Equal(again.ExpireAt.Truncate(time.Second)) {
		t.Fatalf("seller's instance %s until %s after renewal of the frozen service", s.State, s.ExpireTime)
	}

	// Expiry again, then 15 days of retention, then release.
	in = e.instance(instID)
	e.clock.Set(in.ExpireAt.Add(time.Second))
	if n, err := e.store.ExpireDue(ctx, 100); err != nil || n != 1 {
		t.Fatalf("second expiry changed %d (%v)", n, err)
	}
	e.runOnce(1)
	e.clock.Set(in.ExpireAt.Add(outbox.Retention - time.Second))
	if n, err := e.store.ExpireDue(ctx, 100); err != nil || n != 0 {
		t.Fatalf("sweep inside the retention period changed %d (%v)", n, err)
	}
	e.clock.Set(in.ExpireAt.Add(outbox.Retention + time.Second))
	if n, err := e.store.ExpireDue(ctx, 100); err != nil || n != 1 {
		t.Fatalf("sweep after retention changed %d (%v)", n, err)
	}
	if got := e.instance(instID); got.Status != orders.InstanceReleased {
		t.Fatalf("service after retention: %s", got.Status)
	}
	release := e.lastCall(instID)
	if release.Activity != protocol.ActivityReleaseInstance {
		t.Fatalf("retention end queued %s", release.Activity)
	}
	e.runOnce(1)
	if s, _ := e.ref.Instance(in.SellerInstanceID); s.State != refseller.StateReleased {
		t.Fatalf("seller's instance is %s after release", s.State)
	}

	// The seller saw the calls of the instance in the order they were made, each once.
	var got []string
	for _, r := range e.tap.Seen() {
		got = append(got, r.Activity+" "+r.Scene+r.Status)
	}
	want := []string{"newInstance ", "refreshInstance RENEWAL", "updateInstanceStatus FREEZE", "refreshInstance RENEWAL",
		"updateInstanceStatus UNFREEZE", "updateInstanceStatus FREEZE", "releaseInstance "}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("seller received\n %q\nwant\n %q", got, want)
	}
	for _, c := range e.calls(instID) {
		if c.Status != outbox.CallSucceeded || c.Attempts != 1 {
			t.Errorf("call %d %s: %s after %d attempts", c.ID, c.Activity, c.Status, c.Attempts)
		}
	}
}

// TestDispatchSlowNewInstance: the seller answers 000004; the call is polled with
// queryInstance on the policy's Poll interval until the instance is ready.
func TestDispatchSlowNewInstance(t *testing.T) {
	e := newDispatchEnv(t, sqldb.SQLite, time.Now(), refseller.Options{SlowNewInstance: true})
	o := e.buy()
	instID := *o.InstanceID
	e.runOnce(1)
	c := e.lastCall(instID)
	if c.Status != outbox.CallProcessing || c.LastResultCode != protocol.ResultProcessing || activityOf(c.Poll) != protocol.ActivityQueryInstance {
		t.Fatalf("after 000004: status %s, result %q, poll %q", c.Status, c.LastResultCode, c.Poll)
	}
	if in := e.instance(instID); in.Status != orders.InstanceOpening {
		t.Fatalf("service while the seller processes: %s", in.Status)
	}
	if got := e.order(o.ID); got.Status != orders.OrderProcessing {
		t.Fatalf("order while the seller processes: %s", got.Status)
	}
	poll := e.store.Policy(protocol.ActivityNewInstance, catalog.TypeSaaS).Poll
	e.clock.Advance(poll - time.Second)
	e.runOnce(0)
	e.clock.Advance(time.Second)
	e.runOnce(1)
	c = e.call(c.ID)
	att := e.attempts(c.ID)
	if c.Status != outbox.CallSucceeded || len(att) != 2 || att[0].ResultCode != protocol.ResultProcessing ||
		activityOf(att[1].RequestBody) != protocol.ActivityQueryInstance || att[1].ResultCode != protocol.ResultSuccess {
		t.Fatalf("after the poll: %s; attempts %+v", c.Status, att)
	}
	in := e.instance(instID)
	seller, ok := e.ref.Instance(in.SellerInstanceID)
	if in.Status != orders.InstanceNormal || !ok || seller.State != refseller.StateNormal || seller.OrderID != o.OrderNo {
		t.Fatalf("service %s, seller instance %q %v %s", in.Status, in.SellerInstanceID, ok, seller.State)
	}
	var app protocol.AppInfo
	dbgCheck(t, json.Unmarshal([]byte(in.AppInfo), &app))
	if pass, err := protocol.DecryptField(e.secret, in.EncryptType, app.Password); err != nil || pass != seller.Password {
		t.Fatalf("polled appInfo password: %q %v", pass, err)
	}
	if got := e.order(o.ID); got.Status != orders.OrderCompleted {
		t.Fatalf("order after the poll: %s", got.Status)
	}
	if n := len(e.ref.Instances()); n != 1 {
		t.Fatalf("the seller created %d instances", n)
	}
}
