// Command callbench measures the call outbox (make callbench): how many production-interface
// calls per second the dispatcher delivers to a fast seller endpoint on loopback, and how soon
// after an order its newInstance is first attempted.
//
// It creates its own database (SQLite in a temporary directory by default, or a fresh MySQL
// database on the server given by -db, dropped afterwards unless -keep), seeds the demo data,
// wires seller@demo.test's SaaS product to a reference seller (internal/refseller) on an
// httptest listener, and runs three phases:
//
//   - backlog: -n purchases are queued first, then one dispatcher drains them; the figure is
//     calls delivered per second (target: at least 1,000/s).
//
//   - live: the dispatcher runs while -live purchases arrive at -rate per second from this
//     process (the purchase wakes the dispatcher); the figures are the p50/p99/max delay from
//     the call's creation (the order's) to its first attempt (target: within 1 s).
//
//   - live, other process: the same, with purchases made through a second store (its own
//     connection pool, as another server process would), so the dispatcher finds them by
//     polling (every -idle).
//
//     go run ./cmd/callbench [-n 5000] [-db 'root:@tcp(127.0.0.1:3306)/'] [-live 2000] [-rate 500]
//     [-workers 0] [-batch 0] [-idle 0] [-cpuprofile cpu.out]
package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	_ "github.com/go-sql-driver/mysql"

	"koogallery/dispatch"
	"koogallery/models"
	"koogallery/models/account"
	"koogallery/models/catalog"
	"koogallery/models/orders"
	"koogallery/models/outbox"
	"koogallery/models/sellertools"
	"koogallery/models/sqldb"
	"koogallery/protocol"
	"koogallery/refseller"
	"koogallery/secrets"
	"koogallery/sellerkit"
)

// Targets from the issue.
const (
	targetRate  = 1000.0      // calls/s
	targetDelay = time.Second // order → first attempt, p99
)

type options struct {
	N          int
	ServerDSN  string
	Keep       bool
	Live       int
	Rate       int
	Workers    int
	Batch      int
	Idle       time.Duration
	Buyers     int
	CPUProfile string
	Phases     string
	Strict     bool
}

func main() {
	var o options
	flag.IntVar(&o.N, "n", 5000, "purchases queued before the backlog phase")
	flag.StringVar(&o.ServerDSN, "db", "", "MySQL/MariaDB server DSN (e.g. root:@tcp(127.0.0.1:3306)/): the bench creates a database there; empty: SQLite in a temporary directory")
	flag.BoolVar(&o.Keep, "keep", false, "keep the database afterwards")
	flag.IntVar(&o.Live, "live", 2000, "purchases made during each live phase")
	flag.IntVar(&o.Rate, "rate", 500, "purchases per second during the live phases")
	flag.IntVar(&o.Workers, "workers", 0, "dispatcher workers (0: the dispatcher's default)")
	flag.IntVar(&o.Batch, "batch", 0, "calls per claim (0: the dispatcher's default)")
	flag.DurationVar(&o.Idle, "idle", 0, "dispatcher idle poll (0: the dispatcher's default)")
	flag.IntVar(&o.Buyers, "purchasers", 8, "concurrent purchasers")
	flag.StringVar(&o.CPUProfile, "cpuprofile", "", "write a CPU profile of the backlog phase to this file")
	flag.StringVar(&o.Phases, "phases", "backlog,live,remote", "phases to run, comma separated: backlog, live, remote (or queue: only queue -n purchases, e.g. with -keep)")
	flag.BoolVar(&o.Strict, "strict", false, "exit with status 2 when a target is missed")
	flag.Parse()
	if err := run(o); errors.Is(err, errMissed) {
		os.Exit(2)
	} else if err != nil {
		fmt.Fprintln(os.Stderr, "callbench:", err)
		os.Exit(1)
	}
}

var errMissed = errors.New("targets missed")

// env is the database, the wired seller and the endpoint.
type env struct {
	o        options
	dsn, dir string
	store    *models.Store
	other    *models.Store // a second store on the same database: "another process"
	box      *secrets.Box
	ref      *refseller.Seller
	product  catalog.Product
	buyerID  uint
	seq      atomic.Int64
	cleanup  []func()
}

func run(o options) error {
	ctx := context.Background()
	e, err := setup(ctx, o)
	defer func() {
		for i := len(e.cleanup) - 1; i >= 0; i-- {
			e.cleanup[i]()
		}
	}()
	if err != nil {
		return err
	}
	fmt.Printf("callbench: %s, GOMAXPROCS %d, %d CPUs\n", e.store.Dialect(), runtime.GOMAXPROCS(0), runtime.NumCPU())
	fmt.Printf("dispatcher: workers %s, batch %s, idle poll %s\n\n", orDefault(o.Workers), orDefault(o.Batch), orDefault(o.Idle))
	ok := true
	for _, phase := range strings.Split(o.Phases, ",") {
		switch strings.TrimSpace(phase) {
		case "backlog":
			r, err := e.backlog(ctx)
			if err != nil {
				return err
			}
			ok = r && ok
		case "live":
			r, err := e.live(ctx, e.store, "live (purchases in the dispatcher's process)")
			if err != nil {
				return err
			}
			ok = r && ok
		case "remote":
			r, err := e.live(ctx, e.other, "live (purchases from another process: found by polling)")
			if err != nil {
				return err
			}
			ok = r && ok
		case "queue": // only queue -n purchases (with -keep: to inspect the outbox)
			if _, err := e.purchaseAll(ctx, e.store, o.N, 0); err != nil {
				return err
			}
		case "":
		default:
			return fmt.Errorf("unknown phase %q", phase)
		}
	}
	if !ok {
		fmt.Println("\nsome targets were missed")
		if o.Strict {
			return errMissed
		}
	}
	return nil
}

func setup(ctx context.Context, o options) (*env, error) {
	e := &env{o: o}
	dir, err := os.MkdirTemp("", "callbench-")
	if err != nil {
		return e, err
	}
	e.dir = dir
	e.cleanup = append(e.cleanup, func() {
		if !o.Keep {
			os.RemoveAll(dir)
		} else {
			fmt.Println("kept", dir)
		}
	})
	if o.ServerDSN != "" {
		name := fmt.Sprintf("kg_callbench_%d", time.Now().Unix())
		admin, err := sql.Open("mysql", o.ServerDSN)
		if err != nil {
			return e, err
		}
		if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name+" CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
			admin.Close()
			return e, fmt.Errorf("create database: %w", err)
		}
		e.cleanup = append(e.cleanup, func() {
			if !o.Keep {
				admin.Exec("DROP DATABASE IF EXISTS " + name)
			} else {
				fmt.Println("kept database", name)
			}
			admin.Close()
		})
		base, params, _ := strings.Cut(o.ServerDSN, "?")
		e.dsn = strings.TrimSuffix(base, "/") + "/" + name
		if params != "" {
			e.dsn += "?" + params
		}
	}
	if e.store, err = open(e.dsn, dir); err != nil {
		return e, err
	}
	e.cleanup = append(e.cleanup, func() { e.store.Close() })
	if e.other, err = open(e.dsn, dir); err != nil {
		return e, err
	}
	e.cleanup = append(e.cleanup, func() { e.other.Close() })
	if _, err := e.store.SeedDemo(ctx); err != nil {
		return e, err
	}
	master := make([]byte, 32)
	_, _ = rand.Read(master)
	if e.box, err = secrets.NewBox(master); err != nil {
		return e, err
	}
	return e, e.wire(ctx)
}

func open(dsn, dir string) (*models.Store, error) {
	db, err := sqldb.Open(sqldb.OpenOptions{DSN: dsn, DataDir: dir})
	if err != nil {
		return nil, err
	}
	if err := models.Migrate(context.Background(), db); err != nil {
		return nil, err
	}
	return models.NewStore(db), nil
}

// lateHandler serves the reference seller made after its listener.
type lateHandler struct{ s *refseller.Seller }

func (l *lateHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) { l.s.ServeHTTP(w, r) }

// wire gives seller@demo.test a key bound on a certified loopback address served by the
// reference seller, and points the demo SaaS product at it.
func (e *env) wire(ctx context.Context) error {
	s := e.store
	var seller, buyer account.User
	if err := s.DB().Where("email = ?", "seller@demo.test").First(&seller).Error; err != nil {
		return err
	}
	if err := s.DB().Where("email = ?", "buyer@demo.test").First(&buyer).Error; err != nil {
		return err
	}
	e.buyerID = buyer.ID
	if err := s.DB().Where("code = ?", "00301-100001-0--0").First(&e.product).Error; err != nil {
		return err
	}
	late := &lateHandler{}
	srv := httptest.NewServer(late)
	e.cleanup = append(e.cleanup, srv.Close)
	keys := &sellerkit.Keys{Store: s, Box: e.box}
	key, err := keys.Create(ctx, *seller.SellerID, "callbench")
	if err != nil {
		return err
	}
	a, err := s.AddAddress(ctx, *seller.SellerID, srv.URL)
	if err != nil {
		return err
	}
	if err := s.RecordCertification(ctx, *seller.SellerID, a.ID, true, ""); err != nil {
		return err
	}
	if err := s.BindKey(ctx, *seller.SellerID, a.ID, sellertools.IfaceBasic, key.ID); err != nil {
		return err
	}
	if err := s.DB().Model(&catalog.Product{}).Where("id = ?", e.product.ID).Updates(map[string]any{"address_id": a.ID, "path": "/produce"}).Error; err != nil {
		return err
	}
	secret, err := keys.Open(key)
	if err != nil {
		return err
	}
	e.ref, err = refseller.New(refseller.Options{AccessKey: secret, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	late.s = e.ref
	return err
}

func (e *env) dispatcher(s *models.Store) *dispatch.Dispatcher {
	d := &dispatch.Dispatcher{Store: s, Keys: &sellerkit.Keys{Store: s, Box: e.box}, Client: protocol.NewClient(protocol.ClientOptions{}),
		Log:     slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		Workers: e.o.Workers, Batch: e.o.Batch, Idle: e.o.Idle, Sweep: time.Hour}
	return d
}

// purchase buys a month of the product through s.
func (e *env) purchase(ctx context.Context, s *models.Store) (*orders.Order, error) {
	k := e.seq.Add(1)
	return s.Purchase(ctx, e.buyerID, e.product.ID, models.PurchaseInput{Plan: "month", Count: "1", PayMethod: "cash",
		SubmitKey: fmt.Sprintf("callbench-submit-%010d", k)})
}

// purchaseAll makes n purchases with the configured number of purchasers, at most rate per
// second (0: as fast as they go).
func (e *env) purchaseAll(ctx context.Context, s *models.Store, n, rate int) (time.Duration, error) {
	var wg sync.WaitGroup
	var firstErr error
	var mu sync.Mutex
	var next atomic.Int64
	start := time.Now()
	for range max(1, e.o.Buyers) {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(n) {
					return
				}
				if rate > 0 {
					if wait := time.Until(start.Add(time.Duration(i) * time.Second / time.Duration(rate))); wait > 0 {
						time.Sleep(wait)
					}
				}
				if _, err := e.purchase(ctx, s); err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	return time.Since(start), firstErr
}

// succeeded counts delivered calls.
func (e *env) succeeded(ctx context.Context) (int64, error) {
	var n int64
	err := e.store.DB().WithContext(ctx).Model(&outbox.InterfaceCall{}).Where("status = ?", outbox.CallSucceeded).Count(&n).Error
	return n, err
}

// waitDelivered waits until want calls have succeeded (or a minute has passed).
func (e *env) waitDelivered(ctx context.Context, want int64) error {
	deadline := time.Now().Add(time.Minute)
	for {
		n, err := e.succeeded(ctx)
		if err != nil {
			return err
		}
		if n >= want {
			return nil
		}
		if time.Now().After(deadline) {
			var rows []struct {
				Status string
				N      int64
			}
			e.store.DB().Model(&outbox.InterfaceCall{}).Select("status, COUNT(*) AS n").Group("status").Scan(&rows)
			return fmt.Errorf("only %d of %d calls delivered after a minute: %v", n, want, rows)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// runDispatcher starts a dispatcher on the store; stop ends it and waits.
func (e *env) runDispatcher(s *models.Store) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	d := e.dispatcher(s)
	go func() { defer close(done); d.Run(ctx) }()
	return func() { cancel(); <-done }
}

func (e *env) backlog(ctx context.Context) (bool, error) {
	before, err := e.succeeded(ctx)
	if err != nil {
		return false, err
	}
	took, err := e.purchaseAll(ctx, e.store, e.o.N, 0)
	if err != nil {
		return false, err
	}
	fmt.Printf("backlog: queued %d purchases in %s (%.0f purchases/s with %d purchasers)\n", e.o.N, took.Round(time.Millisecond),
		float64(e.o.N)/took.Seconds(), e.o.Buyers)
	if e.o.CPUProfile != "" {
		f, err := os.Create(e.o.CPUProfile)
		if err != nil {
			return false, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return false, err
		}
		defer pprof.StopCPUProfile()
	}
	start, cpu0, db0 := time.Now(), cpuTime(), dbServerCPU()
	stop := e.runDispatcher(e.store)
	err = e.waitDelivered(ctx, before+int64(e.o.N))
	elapsed, cpu, dbCPU := time.Since(start), cpuTime()-cpu0, dbServerCPU()-db0
	stop()
	if err != nil {
		return false, err
	}
	rate := float64(e.o.N) / elapsed.Seconds()
	fmt.Printf("backlog: delivered %d calls in %s: %.0f calls/s (target ≥ %.0f) %s\n", e.o.N, elapsed.Round(time.Millisecond), rate, targetRate, verdict(rate >= targetRate))
	fmt.Printf("backlog: this process used %s of CPU (%.0f µs per call, seller endpoint included, and on SQLite the database)\n",
		cpu.Round(time.Millisecond), float64(cpu.Microseconds())/float64(e.o.N))
	if e.store.Dialect() == sqldb.MySQL && dbCPU > 0 {
		fmt.Printf("backlog: the local database server used %s of CPU (%.0f µs per call)\n", dbCPU.Round(time.Millisecond), float64(dbCPU.Microseconds())/float64(e.o.N))
	}
	fmt.Printf("backlog: machine load average during the run: %s\n\n", loadAvg())
	return rate >= targetRate, nil
}

func (e *env) live(ctx context.Context, via *models.Store, title string) (bool, error) {
	var from uint
	if err := e.store.DB().Model(&outbox.InterfaceCall{}).Select("COALESCE(MAX(id), 0)").Scan(&from).Error; err != nil {
		return false, err
	}
	before, err := e.succeeded(ctx)
	if err != nil {
		return false, err
	}
	stop := e.runDispatcher(e.store)
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	took, err := e.purchaseAll(ctx, via, e.o.Live, e.o.Rate)
	if err == nil {
		err = e.waitDelivered(ctx, before+int64(e.o.Live))
	}
	elapsed := time.Since(start)
	stop()
	if err != nil {
		return false, err
	}
	delays, err := e.firstAttemptDelays(ctx, from)
	if err != nil {
		return false, err
	}
	p50, p99, worst := percentile(delays, 0.50), percentile(delays, 0.99), percentile(delays, 1)
	fmt.Printf("%s:\n  %d purchases at %.0f/s (asked %d/s), all delivered %s after the first\n", title, e.o.Live, float64(e.o.Live)/took.Seconds(), e.o.Rate, elapsed.Round(time.Millisecond))
	fmt.Printf("  order → first attempt: p50 %s, p99 %s, max %s (target p99 ≤ %s) %s\n\n", round(p50), round(p99), round(worst), targetDelay, verdict(p99 <= targetDelay))
	return p99 <= targetDelay, nil
}

// firstAttemptDelays is, for each call after id from, the time from its creation to the
// start of its first attempt.
func (e *env) firstAttemptDelays(ctx context.Context, from uint) ([]time.Duration, error) {
	var rows []struct {
		CreatedAt time.Time
		StartedAt time.Time
	}
	err := e.store.DB().WithContext(ctx).Table("interface_calls c").Select("c.created_at, a.started_at").
		Joins("JOIN call_attempts a ON a.call_id = c.id AND a.n = 1").Where("c.id > ?", from).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, errors.New("no attempts recorded")
	}
	out := make([]time.Duration, len(rows))
	for i, r := range rows {
		out[i] = r.StartedAt.Sub(r.CreatedAt)
	}
	slices.Sort(out)
	return out, nil
}

// cpuTime is the CPU time (user + system) this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// dbServerCPU is the CPU time used so far by a local mariadbd or mysqld (Linux; 0 if none).
func dbServerCPU() time.Duration {
	dirs, _ := os.ReadDir("/proc")
	for _, d := range dirs {
		comm, err := os.ReadFile("/proc/" + d.Name() + "/comm")
		if err != nil {
			continue
		}
		if name := strings.TrimSpace(string(comm)); name != "mariadbd" && name != "mysqld" {
			continue
		}
		stat, err := os.ReadFile("/proc/" + d.Name() + "/stat")
		if err != nil {
			return 0
		}
		// Fields after the command name (which may hold spaces): utime and stime are the
		// 14th and 15th fields, in clock ticks (100 per second on Linux).
		rest := string(stat)
		if i := strings.LastIndexByte(rest, ')'); i >= 0 {
			rest = rest[i+1:]
		}
		f := strings.Fields(rest)
		if len(f) < 13 {
			return 0
		}
		var ut, st int64
		fmt.Sscan(f[11], &ut)
		fmt.Sscan(f[12], &st)
		return time.Duration(ut+st) * 10 * time.Millisecond
	}
	return 0
}

// loadAvg is the 1-minute load average (Linux), to tell a busy shared machine apart.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "unknown"
	}
	return f[0] + fmt.Sprintf(" on %d CPUs", runtime.NumCPU())
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	i := int(float64(len(sorted))*p+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func round(d time.Duration) time.Duration {
	if d < 10*time.Millisecond {
		return d.Round(10 * time.Microsecond)
	}
	return d.Round(time.Millisecond)
}

func orDefault[T int | time.Duration](v T) string {
	if v == 0 {
		return "default"
	}
	return fmt.Sprint(v)
}

func verdict(ok bool) string {
	if ok {
		return "✓"
	}
	return "✗ MISSED"
}
