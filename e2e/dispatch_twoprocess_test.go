package e2e

import (
	"context"
	"crypto/rand"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"koogallery/apptest"
	"koogallery/dispatch"
	"koogallery/models"
	"koogallery/models/orders"
	"koogallery/models/outbox"
	"koogallery/protocol"
	"koogallery/refseller"
	"koogallery/secrets"
	"koogallery/sellerkit"
)

// TestDispatchTwoProcesses runs two dispatchers, each with its own store (its own connection
// pool, as two server processes have), over one MariaDB database, while 500 purchases are
// made through both. Every call is delivered exactly once: no newInstance reaches the seller
// twice, and every order is opened.
func TestDispatchTwoProcesses(t *testing.T) {
	const n = 500
	ctx := context.Background()
	dsn := apptest.NewMySQLDatabase(t)
	stores := []*models.Store{openStore(t, dsn, t.TempDir()), openStore(t, dsn, t.TempDir())}
	_, err := stores[0].SeedDemo(ctx)
	dbgCheck(t, err)
	master := make([]byte, 32)
	_, _ = rand.Read(master)
	box, err := secrets.NewBox(master)
	dbgCheck(t, err)

	tap := &sellerTap{}
	ep := httptest.NewServer(tap)
	t.Cleanup(ep.Close)
	w := wireSeller(t, stores[0], &sellerkit.Keys{Store: stores[0], Box: box}, ep.URL)
	ref, err := refseller.New(refseller.Options{AccessKey: w.secret, Logger: quietLog()})
	dbgCheck(t, err)
	tap.Inner = ref

	runCtx, stop := context.WithCancel(ctx)
	var running sync.WaitGroup
	agents := []string{"dispatcher-A", "dispatcher-B"}
	for i, s := range stores {
		d := &dispatch.Dispatcher{Store: s, Keys: &sellerkit.Keys{Store: s, Box: box}, Log: warnLog(t),
			Client: protocol.NewClient(protocol.ClientOptions{UserAgent: agents[i]}), Idle: 50 * time.Millisecond}
		running.Go(func() { d.Run(runCtx) })
	}
	defer func() { stop(); running.Wait() }()

	start := time.Now()
	orderList := purchaseMany(t, stores, w, n, "two-proc")
	deadline := time.Now().Add(25 * time.Second)
	for callStats(t, stores[0])[outbox.CallSucceeded] < n {
		if time.Now().After(deadline) {
			t.Fatalf("after 25 s: calls %v", callStats(t, stores[0]))
		}
		time.Sleep(20 * time.Millisecond)
	}
	elapsed := time.Since(start)
	stop()
	running.Wait()

	if st := callStats(t, stores[0]); st[outbox.CallSucceeded] != n || len(st) != 1 {
		t.Fatalf("calls by status: %v", st)
	}
	var attempts int64
	dbgCheck(t, stores[0].DB().Model(&outbox.CallAttempt{}).Count(&attempts).Error)
	var retried int64
	dbgCheck(t, stores[0].DB().Model(&outbox.InterfaceCall{}).Where("attempts <> 1").Count(&retried).Error)
	if attempts != n || retried != 0 {
		t.Fatalf("%d attempts recorded, %d calls attempted other than once", attempts, retried)
	}
	perOrder := map[string]int{}
	nonces := map[string]bool{}
	perAgent := map[string]int{}
	for _, r := range tap.Seen() {
		if r.Activity != string(protocol.ActivityNewInstance) {
			t.Fatalf("unexpected %s", r.Activity)
		}
		perOrder[r.OrderID]++
		if nonces[r.Nonce] {
			t.Fatalf("nonce %s sent twice", r.Nonce)
		}
		nonces[r.Nonce] = true
		perAgent[r.Agent]++
	}
	for _, o := range orderList {
		if perOrder[o.OrderNo] != 1 {
			t.Errorf("order %s: newInstance reached the seller %d times", o.OrderNo, perOrder[o.OrderNo])
		}
	}
	if len(perOrder) != n || len(ref.Instances()) != n {
		t.Fatalf("the seller saw %d orders and created %d instances, want %d", len(perOrder), len(ref.Instances()), n)
	}
	var opened int64
	dbgCheck(t, stores[0].DB().Model(&orders.Instance{}).Where("status = ? AND seller_instance_id <> '' AND order_id IN (SELECT order_id FROM interface_calls)", orders.InstanceNormal).Count(&opened).Error)
	if opened != n {
		t.Fatalf("%d services opened of %d", opened, n)
	}
	if perAgent[agents[0]] == 0 || perAgent[agents[1]] == 0 {
		t.Fatalf("one dispatcher did all the work: %v", perAgent)
	}
	t.Logf("%d calls through two dispatchers in %s (purchases included); per dispatcher %v", n, elapsed.Round(time.Millisecond), perAgent)
}
