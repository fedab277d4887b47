package worker_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"koogallery/worker"
)

// queue is a fake outbox: Claim takes the first n due items.
type queue struct {
	mu     sync.Mutex
	items  []int
	asks   []int // n of every claim
	claims []time.Time
	err    error // returned by every claim while set
}

func (q *queue) add(items ...int) {
	q.mu.Lock()
	q.items = append(q.items, items...)
	q.mu.Unlock()
}

func (q *queue) claim(_ context.Context, n int) ([]int, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.asks = append(q.asks, n)
	q.claims = append(q.claims, time.Now())
	if q.err != nil {
		return nil, q.err
	}
	n = min(n, len(q.items))
	out := append([]int(nil), q.items[:n]...)
	q.items = q.items[n:]
	return out, nil
}

func (q *queue) setErr(err error) {
	q.mu.Lock()
	q.err = err
	q.mu.Unlock()
}

func (q *queue) snapshot() (asks []int, claims []time.Time) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return append([]int(nil), q.asks...), append([]time.Time(nil), q.claims...)
}

// done records the items worked on.
type done struct {
	mu   sync.Mutex
	seen map[int]int
}

func (d *done) add(item int) {
	d.mu.Lock()
	if d.seen == nil {
		d.seen = map[int]int{}
	}
	d.seen[item]++
	d.mu.Unlock()
}

func (d *done) count() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.seen)
}

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

// start runs the loop; stop cancels it and waits for Run to return.
func start(l *worker.Loop[int]) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	ended := make(chan struct{})
	go func() { defer close(ended); l.Run(ctx) }()
	return func() { cancel(); <-ended }
}

func waitFor(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %s", within, what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func items(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i + 1
	}
	return out
}

// A backlog is claimed in batches no larger than Batch or the free workers, every item once,
// and without waiting for idle polls: an item's end lets the loop claim more.
func TestLoopClaimsBacklogInBatches(t *testing.T) {
	q := &queue{}
	q.add(items(500)...)
	var d done
	l := &worker.Loop[int]{Claim: q.claim, Work: func(_ context.Context, it int) { time.Sleep(time.Millisecond); d.add(it) },
		Workers: 8, Batch: 5, Idle: time.Hour, Log: quiet()}
	stop := start(l)
	defer stop()
	waitFor(t, 10*time.Second, "the backlog was not worked off", func() bool { return d.count() == 500 })
	for it, n := range d.seen {
		if n != 1 {
			t.Fatalf("item %d worked on %d times", it, n)
		}
	}
	asks, _ := q.snapshot()
	for _, n := range asks {
		if n < 1 || n > 5 {
			t.Fatalf("a claim asked for %d items (batch 5): %v", n, asks)
		}
	}
	if len(asks) < 100 {
		t.Fatalf("%d claims for 500 items in batches of 5", len(asks))
	}
}

// No more than Workers items are worked on at once, and the pool is used up to it.
func TestLoopBoundsConcurrency(t *testing.T) {
	q := &queue{}
	q.add(items(60)...)
	var active, peak atomic.Int32
	var d done
	l := &worker.Loop[int]{Claim: q.claim, Work: func(_ context.Context, it int) {
		n := active.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(10 * time.Millisecond)
		active.Add(-1)
		d.add(it)
	}, Workers: 4, Batch: 16, Idle: time.Hour, Log: quiet()}
	stop := start(l)
	defer stop()
	waitFor(t, 10*time.Second, "not every item was worked on", func() bool { return d.count() == 60 })
	if p := peak.Load(); p != 4 {
		t.Fatalf("peak concurrency %d, want 4", p)
	}
	asks, _ := q.snapshot()
	for _, n := range asks {
		if n > 4 {
			t.Fatalf("a claim asked for %d items with 4 workers: %v", n, asks)
		}
	}
}

// An idle loop claims at once when woken, not at its next poll.
func TestLoopWakes(t *testing.T) {
	q := &queue{}
	var d done
	wake := make(chan struct{}, 1)
	l := &worker.Loop[int]{Claim: q.claim, Work: func(_ context.Context, it int) { d.add(it) }, Workers: 2, Idle: time.Hour, Wake: wake, Log: quiet()}
	stop := start(l)
	defer stop()
	waitFor(t, 2*time.Second, "no first claim", func() bool { asks, _ := q.snapshot(); return len(asks) == 1 })
	q.add(1)
	wake <- struct{}{}
	waitFor(t, 2*time.Second, "the wake did not make the loop claim", func() bool { return d.count() == 1 })
	// Without a wake, a new item waits for the (hour-long) poll.
	q.add(2)
	time.Sleep(50 * time.Millisecond)
	if d.count() != 1 {
		t.Fatalf("an item was claimed without a wake or a poll")
	}
}

// An idle loop polls every Idle.
func TestLoopPolls(t *testing.T) {
	q := &queue{}
	var d done
	l := &worker.Loop[int]{Claim: q.claim, Work: func(_ context.Context, it int) { d.add(it) }, Idle: 10 * time.Millisecond, Log: quiet()}
	stop := start(l)
	defer stop()
	waitFor(t, 2*time.Second, "no first claim", func() bool { asks, _ := q.snapshot(); return len(asks) >= 1 })
	q.add(1)
	waitFor(t, 2*time.Second, "the poll did not find the item", func() bool { return d.count() == 1 })
}

// Failing claims back off, doubling up to MaxBackoff, and are logged; the first success goes
// back to polling every Idle.
func TestLoopBacksOffOnClaimErrors(t *testing.T) {
	const idle, maxBackoff = 20 * time.Millisecond, 80 * time.Millisecond
	q := &queue{}
	q.setErr(errors.New("database is down"))
	var logs safeBuffer
	l := &worker.Loop[int]{Name: "things", Claim: q.claim, Work: func(context.Context, int) {}, Idle: idle, MaxBackoff: maxBackoff,
		Log: slog.New(slog.NewTextHandler(&logs, nil))}
	stop := start(l)
	waitFor(t, 5*time.Second, "too few claims", func() bool { _, c := q.snapshot(); return len(c) >= 7 })
	q.setErr(nil)
	_, failing := q.snapshot()
	waitFor(t, 5*time.Second, "too few claims after recovery", func() bool { _, c := q.snapshot(); return len(c) >= len(failing)+5 })
	stop()
	_, claims := q.snapshot()
	// After failure k the loop waits Backoff(k): 20, 40, 80, 80, … ms. Timers never fire
	// early; a loaded machine may make them late, so only the lower bounds are checked.
	for k := 1; k < 7; k++ {
		gap, want := claims[k].Sub(claims[k-1]), worker.Backoff(idle, maxBackoff, k)
		if gap < want-time.Millisecond {
			t.Errorf("after failure %d the loop waited %s, want at least %s", k, gap, want)
		}
	}
	// After the recovery (the claim at index len(failing) succeeded) it polls every Idle.
	if recovered := claims[len(failing):]; len(recovered) > 1 {
		avg := recovered[len(recovered)-1].Sub(recovered[0]) / time.Duration(len(recovered)-1)
		if avg > 3*maxBackoff/2 {
			t.Errorf("after a successful claim the loop polls every %s on average, want about %s", avg, idle)
		}
	}
	if !strings.Contains(logs.String(), "claim things") || !strings.Contains(logs.String(), "database is down") {
		t.Errorf("failed claims were not logged:\n%s", logs.String())
	}
}

func TestBackoff(t *testing.T) {
	for _, c := range []struct {
		idle, max time.Duration
		failures  int
		want      time.Duration
	}{
		{time.Second, 10 * time.Second, 1, time.Second},
		{time.Second, 10 * time.Second, 2, 2 * time.Second},
		{time.Second, 10 * time.Second, 4, 8 * time.Second},
		{time.Second, 10 * time.Second, 5, 10 * time.Second},
		{time.Second, 10 * time.Second, 1000, 10 * time.Second},
		{5 * time.Second, time.Second, 3, 5 * time.Second}, // never below idle
	} {
		if got := worker.Backoff(c.idle, c.max, c.failures); got != c.want {
			t.Errorf("Backoff(%s, %s, %d) = %s, want %s", c.idle, c.max, c.failures, got, c.want)
		}
	}
}

// Items a failing claim returns are worked on all the same.
func TestLoopWorksItemsOfAFailedClaim(t *testing.T) {
	var d done
	var calls atomic.Int32
	l := &worker.Loop[int]{Claim: func(context.Context, int) ([]int, error) {
		if calls.Add(1) == 1 {
			return []int{7}, errors.New("the second row failed")
		}
		return nil, nil
	}, Work: func(_ context.Context, it int) { d.add(it) }, Idle: time.Hour, Log: quiet()}
	stop := start(l)
	defer stop()
	waitFor(t, 2*time.Second, "the claimed item was dropped", func() bool { return d.count() == 1 })
}

// Stopping the loop ends claiming at once and waits for the work in flight, which sees its
// context end.
func TestLoopDrainsOnCancel(t *testing.T) {
	q := &queue{}
	q.add(items(3)...)
	release := make(chan struct{})
	var started, finished, sawCancel atomic.Int32
	l := &worker.Loop[int]{Claim: q.claim, Work: func(ctx context.Context, _ int) {
		started.Add(1)
		<-release
		if ctx.Err() != nil {
			sawCancel.Add(1)
		}
		finished.Add(1)
	}, Workers: 3, Idle: time.Millisecond, Log: quiet()}
	ctx, cancel := context.WithCancel(context.Background())
	ended := make(chan struct{})
	go func() { defer close(ended); l.Run(ctx) }()
	waitFor(t, 2*time.Second, "the items were not started", func() bool { return started.Load() == 3 })
	cancel()
	select {
	case <-ended:
		t.Fatal("Run returned with work in flight")
	case <-time.After(50 * time.Millisecond):
	}
	asks, _ := q.snapshot()
	close(release)
	<-ended
	if finished.Load() != 3 || sawCancel.Load() != 3 {
		t.Fatalf("%d of 3 finished, %d saw the stop", finished.Load(), sawCancel.Load())
	}
	if after, _ := q.snapshot(); len(after) != len(asks) {
		t.Fatalf("the loop claimed after it was stopped: %v then %v", asks, after)
	}
}

// Once claims one batch, works on all of it with at most Workers at a time, and returns when
// it is done.
func TestOnce(t *testing.T) {
	q := &queue{}
	q.add(items(10)...)
	var active, peak atomic.Int32
	var d done
	l := &worker.Loop[int]{Claim: q.claim, Work: func(_ context.Context, it int) {
		n := active.Add(1)
		if n > peak.Load() {
			peak.Store(n)
		}
		time.Sleep(5 * time.Millisecond)
		active.Add(-1)
		d.add(it)
	}, Workers: 2, Batch: 6}
	n, err := l.Once(context.Background())
	if err != nil || n != 6 || d.count() != 6 {
		t.Fatalf("Once: %d %v, %d worked on", n, err, d.count())
	}
	if peak.Load() > 2 {
		t.Fatalf("peak concurrency %d with 2 workers", peak.Load())
	}
	if n, _ := l.Once(context.Background()); n != 4 {
		t.Fatalf("second Once: %d", n)
	}
	if n, _ := l.Once(context.Background()); n != 0 {
		t.Fatalf("third Once: %d", n)
	}
	q.setErr(errors.New("down"))
	if n, err := l.Once(context.Background()); n != 0 || err == nil {
		t.Fatalf("failing Once: %d %v", n, err)
	}
}

// Every calls its function each period until stopped.
func TestEvery(t *testing.T) {
	var n atomic.Int32
	ctx, cancel := context.WithCancel(context.Background())
	ended := make(chan struct{})
	go func() { defer close(ended); worker.Every(ctx, 5*time.Millisecond, func(context.Context) { n.Add(1) }) }()
	waitFor(t, 2*time.Second, "fn was not called repeatedly", func() bool { return n.Load() >= 3 })
	cancel()
	<-ended
	after := n.Load()
	time.Sleep(20 * time.Millisecond)
	if n.Load() != after {
		t.Fatalf("fn was called after the stop")
	}
}

type safeBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *safeBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *safeBuffer) String() string { b.mu.Lock(); defer b.mu.Unlock(); return b.b.String() }
