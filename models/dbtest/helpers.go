package dbtest

import (
	"errors"
	"sync"
	"testing"
	"time"

	"koogallery/models/sqldb"
)

// Start is where a suite's clock starts: whole seconds, so both databases keep it exactly.
var Start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// Clock is a fake clock a test moves by hand; it only moves forward.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock is a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Case is one named case of a suite.
type Case[E any] struct {
	Name string
	Fn   func(e E)
}

// Suite runs its cases in order on one fresh database of each dialect (a MySQL database takes
// most of a second to make) with one clock from Start; env makes each case's environment. The
// suite runs in parallel with others; its cases keep apart by their own data.
func Suite[E any](t *testing.T, env func(t *testing.T, db *sqldb.DB, clock *Clock) E, cases ...Case[E]) {
	t.Parallel()
	ForEachDialect(t, func(t *testing.T, db *sqldb.DB) {
		clock := NewClock(Start)
		db.SetClock(clock.Now)
		for _, c := range cases {
			t.Run(c.Name, func(t *testing.T) { c.Fn(env(t, db, clock)) })
		}
	})
}

// Concurrently runs fn(0..n-1) in goroutines released together and returns their errors.
func Concurrently(n int, fn func(i int) error) []error {
	var wg sync.WaitGroup
	gate := make(chan struct{})
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-gate
			errs[i] = fn(i)
		}()
	}
	close(gate)
	wg.Wait()
	return errs
}

// Tally counts errors: nil under "ok", the others under the sentinel they match or their text.
func Tally(errs []error, sentinels ...error) map[string]int {
	out := map[string]int{}
	for _, err := range errs {
		key := "ok"
		if err != nil {
			key = err.Error()
			for _, s := range sentinels {
				if errors.Is(err, s) {
					key = s.Error()
					break
				}
			}
		}
		out[key]++
	}
	return out
}
