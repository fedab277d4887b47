// Package worker is the one leased-worker loop behind the background runners (the call
// dispatcher, the mailer, the deployment runner): claim due rows (each claim leases them in
// the database, so every server process may run a loop), work on each with a bounded pool,
// claim again as soon as enough workers are free, poll when there is nothing, wake early
// when told, back off while claiming fails, and on stop wait for the work in flight.
//
// It is a leaf: it knows nothing of what it claims.
package worker

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Loop claims items of type T and works on them.
type Loop[T any] struct {
	// Name says what the loop claims, in its log lines ("calls", "mail").
	Name string
	// Claim leases up to n due items; fewer than n means nothing more is due now. Items it
	// returns with an error are still worked on (they are leased); the error counts as a
	// failed claim.
	Claim func(ctx context.Context, n int) ([]T, error)
	// Work handles one claimed item. Its ctx is the loop's and ends when the loop is stopped:
	// work that must finish (record its result) detaches with context.WithoutCancel.
	Work func(ctx context.Context, item T)
	// Workers bounds concurrent Work calls (default 1); Batch bounds one claim (default
	// Workers); a claim never asks for more items than there are free workers, so a claimed
	// item does not wait for a worker while its lease runs.
	Workers int
	Batch   int
	// Idle is how often an idle loop claims (default 1 s). After a failed claim the next
	// waits Idle, doubling at each further failure up to MaxBackoff (default the larger of
	// Idle and 10 s); a successful claim goes back to Idle.
	Idle       time.Duration
	MaxBackoff time.Duration
	// Wake, when told, makes an idle loop claim at once (new work was queued in this
	// process). Nil: the loop only polls.
	Wake <-chan struct{}
	// Log receives failed claims (default slog.Default()).
	Log *slog.Logger
}

// settings are a loop's fields with the defaults applied.
type settings struct {
	workers, batch   int
	idle, maxBackoff time.Duration
	log              *slog.Logger
}

func (l *Loop[T]) settings() settings {
	s := settings{workers: l.Workers, batch: l.Batch, idle: l.Idle, maxBackoff: l.MaxBackoff, log: l.Log}
	if s.workers <= 0 {
		s.workers = 1
	}
	if s.batch <= 0 {
		s.batch = s.workers
	}
	if s.idle <= 0 {
		s.idle = time.Second
	}
	if s.maxBackoff <= 0 {
		s.maxBackoff = max(s.idle, 10*time.Second)
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	return s
}

// Backoff is the wait after the given number of consecutive failed claims (1 for the first):
// idle, doubled at each further failure, at most maxBackoff (never less than idle).
func Backoff(idle, maxBackoff time.Duration, failures int) time.Duration {
	d := idle
	for i := 1; i < failures && d < maxBackoff; i++ {
		d *= 2
	}
	return max(idle, min(d, maxBackoff))
}

// Run claims and works until ctx ends, then waits for the work in flight. It claims at once
// when it starts.
func (l *Loop[T]) Run(ctx context.Context) {
	s := l.settings()
	busy := make(chan struct{}, s.workers) // one token per item being worked on
	var wg sync.WaitGroup
	defer wg.Wait()
	// freed is told when an item's work ends, so that a backlog is claimed again as soon as
	// enough workers are free, not only at the next idle poll (which would cap a backlog at
	// Workers items per Idle).
	freed := make(chan struct{}, 1)
	refill := max(1, min(s.workers, s.batch)/2)
	start := func(item T) {
		busy <- struct{}{}
		wg.Go(func() {
			defer func() {
				<-busy
				select {
				case freed <- struct{}{}:
				default:
				}
			}()
			l.Work(ctx, item)
		})
	}
	timer := time.NewTimer(0)
	defer timer.Stop()
	failures := 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-freed:
			if s.workers-len(busy) < refill {
				continue // a later item's end will tell again
			}
		case <-l.Wake:
		case <-timer.C:
		}
		wait := s.idle
		if err := l.claimAll(ctx, s, busy, start); err != nil {
			if ctx.Err() != nil {
				return
			}
			failures++
			wait = Backoff(s.idle, s.maxBackoff, failures)
			s.log.Error("claim "+l.Name, "err", err, "failures", failures, "retry_in", wait)
		} else {
			failures = 0
		}
		timer.Reset(wait)
	}
}

// claimAll claims while workers are free and claims come back full.
func (l *Loop[T]) claimAll(ctx context.Context, s settings, busy chan struct{}, start func(T)) error {
	for ctx.Err() == nil {
		free := s.workers - len(busy)
		if free <= 0 {
			return nil
		}
		n := min(free, s.batch)
		items, err := l.Claim(ctx, n)
		for _, it := range items {
			start(it)
		}
		if err != nil {
			return err
		}
		if len(items) < n {
			return nil
		}
	}
	return nil
}

// Once claims one batch (up to Batch items) and works on it with at most Workers at a time,
// returning when all of it is done; it reports how many items it claimed. Tests step a
// runner with it under a fake clock.
func (l *Loop[T]) Once(ctx context.Context) (int, error) {
	s := l.settings()
	items, err := l.Claim(ctx, s.batch)
	busy := make(chan struct{}, s.workers)
	var wg sync.WaitGroup
	for _, it := range items {
		busy <- struct{}{}
		wg.Go(func() {
			defer func() { <-busy }()
			l.Work(ctx, it)
		})
	}
	wg.Wait()
	return len(items), err
}

// Every calls fn every period until ctx ends (the first call one period after the start);
// a call in progress when ctx ends finishes first.
func Every(ctx context.Context, period time.Duration, fn func(ctx context.Context)) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fn(ctx)
		}
	}
}
