package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"koogallery/apptest"
	"koogallery/models"
	"koogallery/models/account"
	"koogallery/models/catalog"
	"koogallery/models/orders"
	"koogallery/models/outbox"
	"koogallery/models/sellertools"
	"koogallery/models/sqldb"
	"koogallery/protocol"
	"koogallery/refseller"
	"koogallery/sellerkit"
)

// The call outbox, driven end to end: the whole application (apptest), a reference seller
// endpoint on loopback, purchases over HTTP, and the dispatcher stepped with RunOnce under a
// fake clock.

// fakeClock is a settable clock for the store; it starts on a whole second so that MySQL's
// fractional-second rounding never moves a due time past "now".
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock(start time.Time) *fakeClock {
	return &fakeClock{t: start.UTC().Truncate(time.Second)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// seenRequest is one production-interface request as it reached the seller.
type seenRequest struct {
	Activity, OrderID, InstanceID, Status, Scene, ExpireTime, Nonce, Agent string
}

// sellerTap records every request before the reference seller answers it; Inner is set
// after the listener exists (the seller needs the key, which needs the address URL).
type sellerTap struct {
	Inner   http.Handler
	mu      sync.Mutex
	seen    []seenRequest
	started atomic.Int64
}

func (s *sellerTap) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	r.Body = io.NopCloser(strings.NewReader(string(body)))
	var req seenRequest
	_ = json.Unmarshal(body, &struct {
		Activity   *string `json:"activity"`
		OrderID    *string `json:"orderId"`
		InstanceID *string `json:"instanceId"`
		Status     *string `json:"status"`
		Scene      *string `json:"scene"`
		ExpireTime *string `json:"expireTime"`
	}{&req.Activity, &req.OrderID, &req.InstanceID, &req.Status, &req.Scene, &req.ExpireTime})
	req.Nonce = r.URL.Query().Get(protocol.ParamNonce)
	req.Agent = r.Header.Get("User-Agent")
	s.mu.Lock()
	s.seen = append(s.seen, req)
	s.mu.Unlock()
	s.started.Add(1)
	s.Inner.ServeHTTP(w, r)
}

// Seen returns the requests received so far, in arrival order.
func (s *sellerTap) Seen() []seenRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]seenRequest(nil), s.seen...)
}

// dispatchEnv is seller@demo.test's SaaS product 云启CRM (monthly) wired to a certified
// loopback address served by the reference seller, and buyer@demo.test logged in.
type dispatchEnv struct {
	t        *testing.T
	srv      *apptest.Server
	store    *models.Store
	clock    *fakeClock
	ref      *refseller.Seller
	tap      *sellerTap
	secret   string
	sellerID uint
	product  catalog.Product
	buyer    *apptest.Client
	buyerID  uint
	seq      int
}

const dispatchProductCode = "00301-100001-0--0" // 云启CRM客户管理系统: SaaS, PERIOD, ¥99/month

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// warnLog sends warnings and errors to the test's log, shown when the test fails.
func warnLog(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func newDispatchEnv(t *testing.T, d sqldb.Dialect, start time.Time, opts refseller.Options) *dispatchEnv {
	t.Helper()
	srv := apptest.Start(t, apptest.Options{Dialect: d})
	e := &dispatchEnv{t: t, srv: srv, store: srv.App.Store, clock: newFakeClock(start), tap: &sellerTap{}}
	e.store.SetClock(e.clock.Now)
	e.sellerID = sellerOf(t, srv, "seller@demo.test")
	ep := httptest.NewServer(e.tap)
	t.Cleanup(ep.Close)
	addr, key := certifiedAddress(t, srv, e.sellerID, ep.URL)
	var err error
	e.secret, err = srv.App.Keys.Open(key)
	dbgCheck(t, err)
	opts.AccessKey = e.secret
	if opts.Logger == nil {
		opts.Logger = quietLog()
	}
	e.ref, err = refseller.New(opts)
	dbgCheck(t, err)
	e.tap.Inner = e.ref
	dbgCheck(t, e.store.DB().Where("code = ?", dispatchProductCode).First(&e.product).Error)
	dbgCheck(t, e.store.DB().Model(&catalog.Product{}).Where("id = ?", e.product.ID).
		Updates(map[string]any{"address_id": addr.ID, "path": "/produce"}).Error)
	var buyer account.User
	dbgCheck(t, e.store.DB().Where("email = ?", "buyer@demo.test").First(&buyer).Error)
	e.buyerID = buyer.ID
	e.buyer = srv.Client(t)
	e.buyer.Login("buyer@demo.test")
	// The demo services keep out of the expiry sweep: only this test's services expire.
	dbgCheck(t, e.store.DB().Exec("UPDATE instances SET expire_at = NULL").Error)
	return e
}

// buy purchases one month of the product over HTTP and returns the order.
func (e *dispatchEnv) buy() orders.Order {
	e.t.Helper()
	e.seq++
	form := url.Values{"product_id": {itoa(e.product.ID)}, "plan": {"month"}, "count": {"1"}, "pay_method": {"coupon"},
		"submit_key": {fmt.Sprintf("dispatch-%04d-%d", e.seq, time.Now().UnixNano())}}
	e.buyer.Relogin() // the fake clock may have moved past the session's idle time
	res := e.buyer.PostForm("/console/orders", form)
	loc := res.Header.Get("Location")
	if res.Status != http.StatusSeeOther || !strings.HasPrefix(loc, "/console/orders/") {
		e.t.Fatalf("purchase: status %d, location %q", res.Status, loc)
	}
	id, err := strconv.ParseUint(strings.TrimPrefix(loc, "/console/orders/"), 10, 64)
	dbgCheck(e.t, err)
	return e.order(uint(id))
}

func (e *dispatchEnv) order(id uint) orders.Order {
	e.t.Helper()
	var o orders.Order
	dbgCheck(e.t, e.store.DB().First(&o, id).Error)
	return o
}

func (e *dispatchEnv) instance(id uint) orders.Instance {
	e.t.Helper()
	var in orders.Instance
	dbgCheck(e.t, e.store.DB().First(&in, id).Error)
	return in
}

// calls lists the calls of an instance, oldest first.
func (e *dispatchEnv) calls(instanceID uint) []outbox.InterfaceCall {
	e.t.Helper()
	var out []outbox.InterfaceCall
	dbgCheck(e.t, e.store.DB().Where("instance_id = ?", instanceID).Order("id").Find(&out).Error)
	return out
}

func (e *dispatchEnv) call(id uint) outbox.InterfaceCall {
	e.t.Helper()
	var c outbox.InterfaceCall
	dbgCheck(e.t, e.store.DB().First(&c, id).Error)
	return c
}

// attempts lists a call's attempts in order.
func (e *dispatchEnv) attempts(callID uint) []outbox.CallAttempt {
	e.t.Helper()
	var out []outbox.CallAttempt
	dbgCheck(e.t, e.store.DB().Where("call_id = ?", callID).Order("n").Find(&out).Error)
	return out
}

// runOnce steps the dispatcher once and checks how many calls it claimed.
func (e *dispatchEnv) runOnce(want int) {
	e.t.Helper()
	n, err := e.srv.App.Dispatcher.RunOnce(context.Background())
	dbgCheck(e.t, err)
	if n != want {
		e.t.Fatalf("RunOnce at %s delivered %d calls, want %d", e.clock.Now().Format(time.DateTime), n, want)
	}
}

// lastCall is the newest call of an instance.
func (e *dispatchEnv) lastCall(instanceID uint) outbox.InterfaceCall {
	e.t.Helper()
	cs := e.calls(instanceID)
	if len(cs) == 0 {
		e.t.Fatalf("instance %d has no calls", instanceID)
	}
	return cs[len(cs)-1]
}

func activityOf(body string) protocol.Activity {
	var v struct {
		Activity protocol.Activity `json:"activity"`
	}
	_ = json.Unmarshal([]byte(body), &v)
	return v.Activity
}

// wiredSeller is what wireSeller set up: the seller's company, the product now pointing at
// the endpoint, its buyer, and the secret of the key bound for basic calls.
type wiredSeller struct {
	sellerID, buyerID uint
	product           catalog.Product
	secret            string
}

// wireSeller gives seller@demo.test a key bound for basic calls on a certified address at
// endpoint and points the demo SaaS product at it, through the store alone (for tests that
// share a database with server processes).
func wireSeller(t *testing.T, store *models.Store, keys *sellerkit.Keys, endpoint string) wiredSeller {
	t.Helper()
	ctx := context.Background()
	var w wiredSeller
	var seller, buyer account.User
	dbgCheck(t, store.DB().Where("email = ?", "seller@demo.test").First(&seller).Error)
	dbgCheck(t, store.DB().Where("email = ?", "buyer@demo.test").First(&buyer).Error)
	w.sellerID, w.buyerID = *seller.SellerID, buyer.ID
	key, err := keys.Create(ctx, w.sellerID, "outbox test")
	dbgCheck(t, err)
	a, err := store.AddAddress(ctx, w.sellerID, endpoint)
	dbgCheck(t, err)
	dbgCheck(t, store.RecordCertification(ctx, w.sellerID, a.ID, true, ""))
	dbgCheck(t, store.BindKey(ctx, w.sellerID, a.ID, sellertools.IfaceBasic, key.ID))
	dbgCheck(t, store.DB().Where("code = ?", dispatchProductCode).First(&w.product).Error)
	dbgCheck(t, store.DB().Model(&catalog.Product{}).Where("id = ?", w.product.ID).Updates(map[string]any{"address_id": a.ID, "path": "/produce"}).Error)
	w.secret, err = keys.Open(key)
	dbgCheck(t, err)
	return w
}

// openStore opens and migrates a database (SQLite in dir when dsn is empty), as a second
// server process would.
func openStore(t *testing.T, dsn, dir string) *models.Store {
	t.Helper()
	db, err := sqldb.Open(sqldb.OpenOptions{DSN: dsn, DataDir: dir})
	dbgCheck(t, err)
	dbgCheck(t, models.Migrate(context.Background(), db))
	s := models.NewStore(db)
	t.Cleanup(func() { s.Close() })
	return s
}

// purchaseMany buys n months of the product for the buyer, spread over the stores and a few
// goroutines, and returns the orders.
func purchaseMany(t *testing.T, stores []*models.Store, w wiredSeller, n int, prefix string) []*orders.Order {
	t.Helper()
	out := make([]*orders.Order, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	const parallel = 8
	for g := range parallel {
		wg.Go(func() {
			for i := g; i < n; i += parallel {
				o, err := stores[i%len(stores)].Purchase(context.Background(), w.buyerID, w.product.ID, models.PurchaseInput{Plan: "month", Count: "1",
					PayMethod: "cash", SubmitKey: fmt.Sprintf("%s-submit-%08d", prefix, i)})
				if err != nil {
					errs <- err
					return
				}
				out[i] = o
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	return out
}

// callStats counts the calls of the orders by status.
func callStats(t *testing.T, s *models.Store) map[outbox.CallStatus]int64 {
	t.Helper()
	var rows []struct {
		Status outbox.CallStatus
		N      int64
	}
	dbgCheck(t, s.DB().Model(&outbox.InterfaceCall{}).Select("status, COUNT(*) AS n").Group("status").Scan(&rows).Error)
	out := map[outbox.CallStatus]int64{}
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out
}
