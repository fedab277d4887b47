package dispatch_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"koogallery/dispatch"
	"koogallery/models"
	"koogallery/models/account"
	"koogallery/models/catalog"
	"koogallery/models/dbtest"
	"koogallery/models/orders"
	"koogallery/models/outbox"
	"koogallery/models/sellertools"
	"koogallery/models/sqldb"
	"koogallery/protocol"
	"koogallery/refseller"
	"koogallery/secrets"
	"koogallery/sellerkit"
)

// fixture is a demo store whose SaaS product 云启CRM is wired to a reference seller on
// loopback: a key bound for basic calls on a certified address.
type fixture struct {
	store    *models.Store
	dsn, dir string
	keys     *sellerkit.Keys
	ref      *refseller.Seller
	product  catalog.Product
	buyerID  uint
	sellerID uint
	addrID   uint
	seq      int
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func check(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// openStore opens (and migrates) the database: SQLite in dir when dsn is empty.
func openStore(t testing.TB, dsn, dir string) *models.Store {
	t.Helper()
	db, err := sqldb.Open(sqldb.OpenOptions{DSN: dsn, DataDir: dir})
	check(t, err)
	check(t, models.Migrate(context.Background(), db))
	s := models.NewStore(db)
	t.Cleanup(func() { s.Close() })
	return s
}

func newFixture(t testing.TB, d sqldb.Dialect, opts refseller.Options) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{dir: t.TempDir()}
	if d == sqldb.MySQL {
		f.dsn = dbtest.NewMySQLDatabase(t)
	}
	f.store = openStore(t, f.dsn, f.dir)
	_, err := f.store.SeedDemo(ctx)
	check(t, err)
	master := make([]byte, 32)
	_, _ = rand.Read(master)
	box, err := secrets.NewBox(master)
	check(t, err)
	f.keys = &sellerkit.Keys{Store: f.store, Box: box}
	var seller, buyer account.User
	check(t, f.store.DB().Where("email = ?", "seller@demo.test").First(&seller).Error)
	check(t, f.store.DB().Where("email = ?", "buyer@demo.test").First(&buyer).Error)
	f.sellerID, f.buyerID = *seller.SellerID, buyer.ID
	check(t, f.store.DB().Where("code = ?", "00301-100001-0--0").First(&f.product).Error)

	late := &lateHandler{}
	ep := httptest.NewServer(late)
	t.Cleanup(ep.Close)
	key, err := f.keys.Create(ctx, f.sellerID, "dispatch test")
	check(t, err)
	addr, err := f.store.AddAddress(ctx, f.sellerID, ep.URL)
	check(t, err)
	check(t, f.store.RecordCertification(ctx, f.sellerID, addr.ID, true, ""))
	check(t, f.store.BindKey(ctx, f.sellerID, addr.ID, sellertools.IfaceBasic, key.ID))
	f.addrID = addr.ID
	check(t, f.store.DB().Model(&catalog.Product{}).Where("id = ?", f.product.ID).Updates(map[string]any{"address_id": addr.ID, "path": "/produce"}).Error)
	secret, err := f.keys.Open(key)
	check(t, err)
	opts.AccessKey, opts.Logger = secret, quiet()
	f.ref, err = refseller.New(opts)
	check(t, err)
	late.h = f.ref
	return f
}

type lateHandler struct{ h *refseller.Seller }

func (l *lateHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) { l.h.ServeHTTP(w, r) }

// buy makes n purchases of one month each.
func (f *fixture) buy(t testing.TB, n int) []*orders.Order {
	t.Helper()
	out := make([]*orders.Order, 0, n)
	for range n {
		f.seq++
		o, err := f.store.Purchase(context.Background(), f.buyerID, f.product.ID, models.PurchaseInput{Plan: "month", Count: "1", PayMethod: "cash",
			SubmitKey: fmt.Sprintf("dispatch-test-%08d", f.seq)})
		check(t, err)
		out = append(out, o)
	}
	return out
}

func (f *fixture) dispatcher(s *models.Store) *dispatch.Dispatcher {
	return &dispatch.Dispatcher{Store: s, Keys: &sellerkit.Keys{Store: s, Box: f.keys.Box}, Client: protocol.NewClient(protocol.ClientOptions{}), Log: quiet()}
}

// count counts the calls in a status.
func count(t testing.TB, s *models.Store, st outbox.CallStatus) int64 {
	t.Helper()
	var n int64
	check(t, s.DB().Model(&outbox.InterfaceCall{}).Where("status = ?", st).Count(&n).Error)
	return n
}

// waitFor polls cond until it holds or the time is up.
func waitFor(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %s", within, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A backlog larger than the worker pool is drained without waiting for idle polls: an
// attempt's end lets the dispatcher claim more.
func TestDispatchRunDrainsBacklog(t *testing.T) {
	for _, d := range dbtest.Dialects {
		t.Run(string(d), func(t *testing.T) { drainBacklog(t, d) })
	}
}

func drainBacklog(t *testing.T, d sqldb.Dialect) {
	{
		f := newFixture(t, d, refseller.Options{})
		const n = 200
		f.buy(t, n)
		disp := f.dispatcher(f.store)
		disp.Workers, disp.Batch, disp.Idle, disp.Sweep = 8, 8, time.Hour, time.Hour
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); disp.Run(ctx) }()
		start := time.Now()
		waitFor(t, 20*time.Second, "the backlog was not drained", func() bool { return count(t, f.store, outbox.CallSucceeded) == n })
		t.Logf("%s: %d calls in %s", d, n, time.Since(start))
		cancel()
		<-done
		if got := len(f.ref.Instances()); got != n {
			t.Fatalf("the seller created %d instances for %d orders", got, n)
		}
	}
}

// A purchase in this process wakes an idle dispatcher at once.
func TestDispatchRunWakesOnPurchase(t *testing.T) {
	f := newFixture(t, sqldb.SQLite, refseller.Options{})
	disp := f.dispatcher(f.store)
	disp.Idle, disp.Sweep = time.Hour, time.Hour
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); disp.Run(ctx) }()
	defer func() { cancel(); <-done }()
	time.Sleep(50 * time.Millisecond) // the first (empty) idle poll
	start := time.Now()
	f.buy(t, 1)
	waitFor(t, 2*time.Second, "the purchase did not wake the dispatcher", func() bool { return count(t, f.store, outbox.CallSucceeded) == 1 })
	t.Logf("delivered %s after the purchase", time.Since(start))
}

// Stopping the dispatcher lets attempts in flight finish and be recorded: no call is left
// claimed.
func TestDispatchRunStopsCleanly(t *testing.T) {
	f := newFixture(t, sqldb.SQLite, refseller.Options{Mode: refseller.ModeSlow, SlowDelay: time.Second})
	f.buy(t, 5)
	disp := f.dispatcher(f.store)
	disp.Idle, disp.Sweep = time.Hour, time.Hour
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); disp.Run(ctx) }()
	waitFor(t, 2*time.Second, "nothing claimed", func() bool {
		var n int64
		check(t, f.store.DB().Model(&outbox.InterfaceCall{}).Where("claim_token <> ''").Count(&n).Error)
		return n == 5
	})
	cancel()
	<-done
	var claimed int64
	check(t, f.store.DB().Model(&outbox.InterfaceCall{}).Where("claim_token <> '' OR claimed_until IS NOT NULL").Count(&claimed).Error)
	if claimed != 0 || count(t, f.store, outbox.CallSucceeded) != 5 {
		t.Fatalf("after stop: %d still claimed, %d succeeded", claimed, count(t, f.store, outbox.CallSucceeded))
	}
}

// Attempts that cannot be sent say why: no production address, no key bound.
func TestDispatchWithoutAddressOrKey(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, sqldb.SQLite, refseller.Options{})
	disp := f.dispatcher(f.store)
	check(t, f.store.DB().Model(&catalog.Product{}).Where("id = ?", f.product.ID).Update("address_id", nil).Error)
	f.buy(t, 1)
	if n, err := disp.RunOnce(ctx); err != nil || n != 1 {
		t.Fatalf("RunOnce: %d %v", n, err)
	}
	check(t, f.store.DB().Model(&catalog.Product{}).Where("id = ?", f.product.ID).Update("address_id", f.addrID).Error)
	check(t, f.store.UnbindKey(ctx, f.sellerID, f.addrID, sellertools.IfaceBasic))
	f.buy(t, 1)
	if n, err := disp.RunOnce(ctx); err != nil || n != 1 {
		t.Fatalf("RunOnce: %d %v", n, err)
	}
	var att []outbox.CallAttempt
	check(t, f.store.DB().Order("id").Find(&att).Error)
	if len(att) != 2 || att[0].ErrorKind != "no_address" || att[1].ErrorKind != "no_key" || att[0].Error == "" || att[1].Error == "" {
		t.Fatalf("attempts: %+v", att)
	}
	if n := len(f.ref.Instances()); n != 0 {
		t.Fatalf("the seller was called %d times", n)
	}
}

// A dispatcher whose lease ended while it worked cannot record its attempt: the call
// belongs to whoever claimed it next, and its attempt is recorded once.
func TestDispatchLeaseLost(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, sqldb.SQLite, refseller.Options{})
	now := time.Now().UTC().Truncate(time.Second)
	f.store.SetClock(func() time.Time { return now })
	f.buy(t, 1)
	first, err := f.store.ClaimDueCalls(ctx, 10, time.Minute)
	check(t, err)
	if len(first) != 1 {
		t.Fatalf("claimed %d", len(first))
	}
	if again, err := f.store.ClaimDueCalls(ctx, 10, time.Minute); err != nil || len(again) != 0 {
		t.Fatalf("a claimed call was claimed again inside its lease: %d %v", len(again), err)
	}
	now = now.Add(time.Minute + time.Second)
	second, err := f.store.ClaimDueCalls(ctx, 10, time.Minute)
	check(t, err)
	if len(second) != 1 || second[0].Attempts != 2 {
		t.Fatalf("after the lease: claimed %d", len(second))
	}
	res := outbox.AttemptResult{StartedAt: now, Outcome: outbox.OutcomeFailed, Error: "late", StatusCode: 500}
	if err := f.store.RecordAttempt(ctx, &first[0], res); !errors.Is(err, sqldb.ErrLeaseLost) {
		t.Fatalf("recording with a lost lease: %v", err)
	}
	check(t, f.store.RecordAttempt(ctx, &second[0], res))
	if err := f.store.RecordAttempt(ctx, &second[0], res); !errors.Is(err, sqldb.ErrLeaseLost) {
		t.Fatalf("recording the same attempt twice: %v", err)
	}
	var att []outbox.CallAttempt
	check(t, f.store.DB().Find(&att).Error)
	if len(att) != 1 || att[0].N != 2 {
		t.Fatalf("attempts: %+v", att)
	}
}

// Claimers in two stores over one MySQL database never take the same call.
func TestDispatchClaimsAreDisjoint(t *testing.T) {
	f := newFixture(t, sqldb.MySQL, refseller.Options{})
	const n = 300
	f.buy(t, n)
	stores := []*models.Store{f.store, openStore(t, f.dsn, f.dir)}
	var mu sync.Mutex
	seen := map[uint]int{}
	var wg sync.WaitGroup
	for i := range 8 {
		s := stores[i%2]
		wg.Go(func() {
			for {
				calls, err := s.ClaimDueCalls(context.Background(), 7, time.Minute)
				if err != nil {
					t.Error(err)
					return
				}
				if len(calls) == 0 {
					return
				}
				mu.Lock()
				for _, c := range calls {
					seen[c.ID]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(seen) != n {
		t.Fatalf("claimed %d distinct calls of %d", len(seen), n)
	}
	for id, k := range seen {
		if k != 1 {
			t.Fatalf("call %d claimed %d times", id, k)
		}
	}
}
