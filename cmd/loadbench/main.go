// Command loadbench is KooGallery's load benchmark (make loadtest). It creates its own MySQL
// database, starts the real application on it (migrations and demo data through app.New),
// fills it with at least 100,000 orders for buyer@demo.test plus orders of other buyers, serves
// the app on a loopback listener in this process, logs in once over HTTP and then loads
// /console/services and /console/orders with concurrent clients sharing that session, next to
// plain-text baselines measured in the same run: a bare net/http handler on its own listener
// and GET /bench/plain added to the app's Echo (so it passes the whole middleware stack),
// anonymous and logged in. It prints requests/s and latency percentiles, the SQL statements one
// request of each page runs on page 1, page 50 and the last page (they must match: no N+1) with
// the database's plan for them, the server's allocations per request, and finally the figures
// as a Markdown table for the README.
//
// Client, server and database share the machine, so the run also records how much CPU other
// processes and other database clients took while each endpoint was measured, waits for a
// quiet moment before each endpoint and measures again when it was disturbed (-wait-quiet,
// -retries).
//
//	go run ./cmd/loadbench [-db 'root:@tcp(127.0.0.1:3306)/'] [-orders 100000] [-clients 32]
//	    [-duration 10s] [-warmup 2s] [-keep] [-only orders] [-cpuprofile cpu.out] [-memprofile mem.out]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"gorm.io/gorm"

	"koogallery/app"
	"koogallery/config"
)

// Targets the issue sets for the console pages.
const (
	targetP99   = 50 * time.Millisecond
	targetShare = 0.15
)

type options struct {
	ServerDSN    string
	Name         string
	Orders       int
	OtherOrders  int
	OtherBuyers  int
	FillWorkers  int
	Keep         bool
	Load         loadOptions
	CPUProfile   string
	MemProfile   string
	ProfilePath  string
	LogMode      string
	Seed         uint64
	WaitQuiet    time.Duration
	QuietShare   float64
	Only         string
	Retries      int
	QuietSelects float64
}

func main() {
	var o options
	flag.StringVar(&o.ServerDSN, "db", "root:@tcp(127.0.0.1:3306)/", "MySQL/MariaDB server DSN; the bench creates its own database there")
	flag.StringVar(&o.Name, "name", "kg_loadbench", "name of the database the bench creates (dropped and recreated each run unless -keep)")
	flag.IntVar(&o.Orders, "orders", 100000, "orders of buyer@demo.test to fill (NEW and TRIAL ones get a purchased service)")
	flag.IntVar(&o.OtherOrders, "other-orders", -1, "orders of other buyers to fill (default: half of -orders)")
	flag.IntVar(&o.OtherBuyers, "other-buyers", 200, "further buyers the other orders are spread over")
	flag.IntVar(&o.FillWorkers, "fill-workers", 4, "parallel insert transactions during the fill")
	flag.BoolVar(&o.Keep, "keep", false, "reuse a filled database from an earlier -keep run, and keep it afterwards")
	flag.IntVar(&o.Load.Clients, "clients", 32, "concurrent clients")
	flag.DurationVar(&o.Load.Duration, "duration", 10*time.Second, "measured time per endpoint")
	flag.DurationVar(&o.Load.Warmup, "warmup", 2*time.Second, "unmeasured warm-up per endpoint")
	flag.IntVar(&o.Load.MaxRequests, "max-requests", 2_000_000, "stop an endpoint's run after this many requests even before -duration")
	flag.StringVar(&o.CPUProfile, "cpuprofile", "", "write a CPU profile of the measured run of -profile-path to this file")
	flag.StringVar(&o.MemProfile, "memprofile", "", "write allocation profiles taken before (FILE.base) and after (FILE) the measured run of -profile-path; compare with go tool pprof -sample_index=alloc_space -base FILE.base FILE")
	flag.StringVar(&o.ProfilePath, "profile-path", "/console/orders", "endpoint whose measured run -cpuprofile covers")
	flag.StringVar(&o.LogMode, "log", "discard", "request log: discard (JSON formatted like production, written to io.Discard), stderr (JSON), off (level above every record)")
	flag.Uint64Var(&o.Seed, "seed", 1, "random seed of the fill")
	flag.DurationVar(&o.WaitQuiet, "wait-quiet", 15*time.Second, "before each endpoint, wait up to this long for a second in which other processes use less than -quiet-share of the CPUs (for shared machines)")
	flag.StringVar(&o.Only, "only", "", "load only the endpoints whose name contains one of these comma-separated words (e.g. orders,plain); default all")
	flag.Float64Var(&o.QuietShare, "quiet-share", 0.10, "share of all CPUs other processes may use before -wait-quiet waits and -retries measures again")
	flag.Float64Var(&o.QuietSelects, "quiet-selects", 200, "SELECTs per second other clients of the database server may run before -retries measures again")
	flag.IntVar(&o.Retries, "retries", 2, "measure an endpoint again, up to this many times, when other processes took more than -quiet-share of the CPUs meanwhile; the quietest attempt is reported (a -cpuprofile covers the last attempt)")
	flag.Parse()
	if o.OtherOrders < 0 {
		o.OtherOrders = o.Orders / 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := bench(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "loadbench:", err)
		os.Exit(1)
	}
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s  "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

func bench(ctx context.Context, o options) error {
	if o.Orders < 1 || o.Load.Clients < 1 || o.Load.Duration <= 0 {
		return errors.New("-orders, -clients and -duration must be positive")
	}
	adminDSN, dbDSN, err := databaseDSNs(o.ServerDSN, o.Name)
	if err != nil {
		return err
	}
	mustFill, err := prepareDatabase(ctx, adminDSN, o.Name, o.Keep, o.Orders)
	if err != nil {
		return err
	}
	if !o.Keep {
		defer func() {
			if err := dropDatabase(adminDSN, o.Name); err != nil {
				logf("drop database %s: %v", o.Name, err)
			}
		}()
	}
	dataDir, err := os.MkdirTemp("", "loadbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dataDir)

	// The app exactly as the server binary builds it, in dev mode (demo data) on the bench database.
	cfg, err := config.Load([]string{"-data", dataDir, "-db", dbDSN, "-mode", "dev", "-addr", "127.0.0.1:0"}, func(string) string { return "" })
	if err != nil {
		return err
	}
	log, err := requestLogger(o.LogMode)
	if err != nil {
		return err
	}
	t0 := time.Now()
	a, err := app.New(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	logf("app started on database %s (migrations + demo seed) in %v", o.Name, time.Since(t0).Round(time.Millisecond))

	var filled fillResult
	if mustFill {
		logf("filling %d orders for %s and %d for %d other buyers…", o.Orders, benchBuyer, o.OtherOrders, o.OtherBuyers)
		filled, err = fill(ctx, a.Store.DB(), fillPlan{Orders: o.Orders, OtherOrders: o.OtherOrders, OtherBuyers: o.OtherBuyers, Workers: o.FillWorkers, Seed: o.Seed})
		if err != nil {
			return fmt.Errorf("fill: %w", err)
		}
		logf("filled %d orders and %d services in %v", filled.Orders, filled.Instances, filled.Took.Round(time.Millisecond))
	} else {
		logf("-keep: reusing the filled database %s", o.Name)
	}
	counts, err := tableCounts(a)
	if err != nil {
		return err
	}

	qc, err := installQueryCounter(a.Store.DB())
	if err != nil {
		return err
	}
	// The plain-text route joins the app's Echo, behind every middleware the pages pass.
	a.Echo.GET("/bench/plain", func(c echo.Context) error { return c.String(http.StatusOK, "ok") })

	appURL, stopApp, err := serve(a.Echo)
	if err != nil {
		return err
	}
	defer stopApp()
	plainURL, stopPlain, err := serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "ok")
	}))
	if err != nil {
		return err
	}
	defer stopPlain()

	cookie, err := login(appURL, benchBuyer, demoPassword)
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	logf("logged in as %s over HTTP; %d clients share the session", benchBuyer, o.Load.Clients)

	// One request of each page alone: its statements on page 1, page 50 and the last full page
	// (they must not differ: no N+1), and how long the page takes when the server is idle.
	pages := []struct {
		path, marker string
		rows         int64
	}{
		{"/console/services", `data-testid="service-row"`, counts["buyer_instances"]},
		{"/console/orders", `data-testid="order-row"`, counts["buyer_orders"]},
	}
	var probes [][]probe
	for _, p := range pages {
		var list []probe
		nums := []int64{1}
		for _, n := range []int64{50, p.rows / 20} { // page 50 and the last full page, where they exist
			if n > nums[len(nums)-1] && n <= p.rows/20 {
				nums = append(nums, n)
			}
		}
		for _, n := range nums {
			path := fmt.Sprintf("%s?page=%d", p.path, n)
			pr, err := qc.count(appURL, path, cookie, p.marker)
			if err != nil {
				return err
			}
			if pr.Status != http.StatusOK || pr.Rows != 20 {
				return fmt.Errorf("GET %s: status %d with %d rows; want 200 with 20 (is the session working and the data filled?)", path, pr.Status, pr.Rows)
			}
			pr.Page = int(n)
			if pr.Alone, err = alone(appURL+path, cookie, 7); err != nil {
				return err
			}
			list = append(list, pr)
		}
		probes = append(probes, list)
	}
	plainProbe, err := qc.count(appURL, "/bench/plain", cookie, "ok")
	if err != nil {
		return err
	}

	csrfOnly := cookieSubset(cookie, "_csrf")
	targets := []target{
		{Name: "net/http plain text", URL: plainURL + "/plain", Note: "bare net/http handler on its own listener"},
		{Name: "echo /bench/plain", URL: appURL + "/bench/plain", Cookie: csrfOnly, Note: "the app's full middleware stack, anonymous (CSRF cookie only)"},
		{Name: "echo /bench/plain (logged in)", URL: appURL + "/bench/plain", Cookie: cookie, Note: "full stack with the session: cookie decode + user query"},
		{Name: "/console/services", URL: appURL + "/console/services", Cookie: cookie, Note: "page 1, 20 rows"},
		{Name: "/console/orders", URL: appURL + "/console/orders", Cookie: cookie, Note: "page 1, 20 rows"},
	}

	// Server-only cost per request, measured in process before the load.
	type allocStat struct{ allocs, bytes float64 }
	allocStats := map[string]allocStat{}
	for _, t := range targets[1:] {
		path := strings.TrimPrefix(t.URL, appURL)
		n, b, err := allocs(a.Echo, path, t.Cookie, 300)
		if err != nil {
			return fmt.Errorf("allocations: %w", err)
		}
		allocStats[t.Name] = allocStat{n, b}
	}

	var results []result
	for _, t := range targets {
		if !selected(o.Only, t.Name) {
			continue
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		runtime.GC()
		logf("loading %-30s %d clients, %v warm-up + %v", t.Name, o.Load.Clients, o.Load.Warmup, o.Load.Duration)
		var best result
		for attempt := 0; attempt <= o.Retries; attempt++ {
			if attempt > 0 {
				logf("  other processes took %.0f%% of the CPUs and ran %.0f SELECTs/s on the database while measuring: measuring again (%d of %d)", 100*best.CPU.Foreign, best.ForeignSelects, attempt, o.Retries)
			}
			r := measure(ctx, o, t, appURL, qc, a.Store.DB())
			if attempt == 0 || !r.CPU.OK || r.noise() < best.noise() {
				best = r
			}
			if !best.CPU.OK || (best.CPU.Foreign < o.QuietShare && best.ForeignSelects < o.QuietSelects) || ctx.Err() != nil {
				break
			}
		}
		results = append(results, best)
	}

	env := environment(a)
	rep := report{Opts: o, Env: env, Counts: counts, Filled: filled, Results: results, Probes: probes, PlainProbe: plainProbe, Explains: map[string][]string{}}
	for _, list := range probes {
		for _, pr := range list[1:] {
			var plans []string
			for _, st := range pr.Queries {
				x, err := explain(a.Store.DB(), strings.Contains(env.DB, "MariaDB"), st)
				if err != nil {
					x = "explain failed: " + err.Error()
				}
				plans = append(plans, x)
			}
			rep.Explains[pr.Path] = plans
		}
	}
	for _, r := range results {
		if s, ok := allocStats[r.Name]; ok {
			rep.Allocs = append(rep.Allocs, [3]string{r.Name, fmt.Sprintf("%.0f", s.allocs), fmt.Sprintf("%.1f", s.bytes/1024)})
		}
	}
	rep.print(os.Stdout)
	if o.CPUProfile != "" {
		fmt.Printf("\nCPU profile of the measured %s run: %s\n  go tool pprof -top -nodecount=40 %s\n", o.ProfilePath, o.CPUProfile, o.CPUProfile)
	}
	if o.MemProfile != "" {
		fmt.Printf("\nAllocations during the measured %s run:\n  go tool pprof -sample_index=alloc_space -top -base %s.base %s\n", o.ProfilePath, o.MemProfile, o.MemProfile)
	}
	return nil
}

// measure waits for a quiet machine (-wait-quiet), then loads t once, profiling it if asked.
func measure(ctx context.Context, o options, t target, appURL string, qc *queryCounter, db *gorm.DB) result {
	if o.WaitQuiet > 0 {
		if sh, ok := waitQuiet(o.WaitQuiet, o.QuietShare, runtime.NumCPU()); !ok {
			logf("  the machine did not get quiet within %v (other processes at %.0f%% of the CPUs); measuring anyway", o.WaitQuiet, 100*sh.Foreign)
		}
	}
	profile := func(bool) {}
	if strings.TrimPrefix(t.URL, appURL) == o.ProfilePath {
		cpu, mem := cpuProfiler(o.CPUProfile), memProfiler(o.MemProfile)
		profile = func(start bool) { cpu(start); mem(start) }
	}
	var before, after cpuSample
	var sel0, sel1, own0, own1 int64
	var selOK0, selOK1 bool
	r := run(ctx, t, o.Load, func(start bool) {
		if start {
			profile(true)
			sel0, selOK0 = comSelect(db)
			own0 = qc.total.Load()
			before = sampleCPU()
			return
		}
		after = sampleCPU()
		own1 = qc.total.Load()
		sel1, selOK1 = comSelect(db)
		profile(false)
	})
	r.CPU = shareBetween(before, after, runtime.NumCPU())
	if selOK0 && selOK1 {
		r.ForeignSelects = max(0, float64((sel1-sel0)-(own1-own0))) / r.Elapsed.Seconds()
	} else {
		r.ForeignSelects = -1
	}
	logf("  %d requests, %.0f req/s, p50 %v p99 %v, %d errors; CPU: bench %.0f%%, database %.0f%%, other processes %.0f%%; other clients' SELECTs %.0f/s", r.Requests, r.RPS(),
		r.Pct(0.5).Round(time.Microsecond), r.Pct(0.99).Round(time.Microsecond), r.Errors, 100*r.CPU.Bench, 100*r.CPU.DB, 100*r.CPU.Foreign, r.ForeignSelects)
	if r.FirstErr != "" {
		logf("  first error: %s", r.FirstErr)
	}
	return r
}

// selected reports whether the endpoint name matches -only.
func selected(only, name string) bool {
	if only == "" {
		return true
	}
	for _, w := range strings.Split(only, ",") {
		if w = strings.TrimSpace(w); w != "" && strings.Contains(name, w) {
			return true
		}
	}
	return false
}

// requestLogger is the app's logger: by default production's JSON format, formatted for every
// request but written nowhere, so the cost of logging is measured without terminal I/O.
func requestLogger(mode string) (*slog.Logger, error) {
	switch mode {
	case "discard":
		return slog.New(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo})), nil
	case "stderr":
		return slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo})), nil
	case "off":
		return slog.New(slog.DiscardHandler), nil
	}
	return nil, fmt.Errorf("-log %q: use discard, stderr or off", mode)
}

// serve answers HTTP with h on a fresh loopback port through a real http.Server.
func serve(h http.Handler) (string, func(), error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second}
	go srv.Serve(l)
	return "http://" + l.Addr().String(), func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}, nil
}

// memProfiler writes the allocation profile at the start (path.base) and at the end (path) of
// the measured phase, so that go tool pprof -base shows what the phase allocated.
func memProfiler(path string) func(bool) {
	if path == "" {
		return func(bool) {}
	}
	return func(start bool) {
		name := path
		if start {
			name += ".base"
		}
		runtime.GC() // the profile is as of the last GC
		f, err := os.Create(name)
		if err != nil {
			logf("memory profile: %v", err)
			return
		}
		defer f.Close()
		if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
			logf("memory profile: %v", err)
		}
	}
}

// cpuProfiler starts a CPU profile at the start of the measured phase and writes it at the end.
func cpuProfiler(path string) func(bool) {
	if path == "" {
		return func(bool) {}
	}
	var f *os.File
	return func(start bool) {
		if start {
			var err error
			if f, err = os.Create(path); err != nil {
				logf("cpu profile: %v", err)
				return
			}
			if err := pprof.StartCPUProfile(f); err != nil {
				logf("cpu profile: %v", err)
				f.Close()
				f = nil
			}
			return
		}
		if f != nil {
			pprof.StopCPUProfile()
			f.Close()
		}
	}
}

// tableCounts reports the sizes the pages work over.
func tableCounts(a *app.App) (map[string]int64, error) {
	out := map[string]int64{}
	db := a.Store.DB()
	qs := map[string]string{
		"orders":          "SELECT COUNT(*) FROM orders",
		"instances":       "SELECT COUNT(*) FROM instances",
		"buyers":          "SELECT COUNT(*) FROM users WHERE role = 'buyer'",
		"buyer_orders":    "SELECT COUNT(*) FROM orders o JOIN users u ON u.id = o.buyer_id WHERE u.email = '" + benchBuyer + "'",
		"buyer_instances": "SELECT COUNT(*) FROM instances i JOIN users u ON u.id = i.buyer_id WHERE u.email = '" + benchBuyer + "'",
	}
	for k, q := range qs {
		var n int64
		if err := db.Raw(q).Scan(&n).Error; err != nil {
			return nil, fmt.Errorf("count %s: %w", k, err)
		}
		out[k] = n
	}
	return out, nil
}

// env describes the machine the figures come from.
type env struct {
	CPU, Go, DB string
	NumCPU      int
	MaxProcs    int
}

func environment(a *app.App) env {
	e := env{Go: runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH, NumCPU: runtime.NumCPU(), MaxProcs: runtime.GOMAXPROCS(0)}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				e.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	a.Store.DB().Raw("SELECT VERSION()").Scan(&e.DB)
	return e
}
