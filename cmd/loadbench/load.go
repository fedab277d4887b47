package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// target is one endpoint under load.
type target struct {
	Name   string // as shown in the report
	URL    string
	Cookie string // the Cookie header every request carries; empty: anonymous
	Note   string
}

// result is what one measured run of a target gave.
type result struct {
	target
	Requests  int
	Errors    int64
	Elapsed   time.Duration
	Latencies []time.Duration // sorted, one per finished request (errors included)
	FirstErr  string
	BodyBytes int64
	CPU       cpuShare // the machine's CPUs during the measured phase
	// ForeignSelects is SELECTs per second other clients ran on the database server meanwhile
	// (its Com_select less the statements this process ran); -1 when unknown.
	ForeignSelects float64
}

// noise orders attempts by how much other work disturbed them.
func (r result) noise() float64 { return r.CPU.Foreign + max(0, r.ForeignSelects)/1000 }

// RPS is finished requests per second of wall time.
func (r result) RPS() float64 { return float64(r.Requests) / r.Elapsed.Seconds() }

// Pct is the nearest-rank percentile p (0..1] of the latencies.
func (r result) Pct(p float64) time.Duration {
	n := len(r.Latencies)
	if n == 0 {
		return 0
	}
	i := int(float64(n)*p+0.999999999) - 1
	return r.Latencies[min(max(i, 0), n-1)]
}

// Max is the slowest request.
func (r result) Max() time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	return r.Latencies[len(r.Latencies)-1]
}

// loadOptions shape a run.
type loadOptions struct {
	Clients     int
	Duration    time.Duration
	Warmup      time.Duration
	MaxRequests int // per target and run, a bound on memory and time besides Duration
}

// newClient is an HTTP client with a keep-alive connection per load client and no redirects
// (a 303 to /login must count as an error, not be followed).
func newClient(clients int) *http.Client {
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        clients * 2,
		MaxIdleConnsPerHost: clients * 2,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
		ForceAttemptHTTP2:   false,
	}
	return &http.Client{
		Transport:     tr,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// run loads t with o.Clients concurrent clients: first for o.Warmup (discarded), then for
// o.Duration or o.MaxRequests requests, whichever comes first. Every latency is recorded.
// onMeasure, if set, is called just before and after the measured phase (for profiling).
func run(ctx context.Context, t target, o loadOptions, onMeasure func(start bool)) result {
	client := newClient(o.Clients)
	defer client.CloseIdleConnections()
	if o.Warmup > 0 {
		phase(ctx, client, t, o.Clients, o.Warmup, 1<<62)
	}
	if onMeasure != nil {
		onMeasure(true)
	}
	r := phase(ctx, client, t, o.Clients, o.Duration, o.MaxRequests)
	if onMeasure != nil {
		onMeasure(false)
	}
	return r
}

// phase runs the clients once and gathers their latencies.
func phase(ctx context.Context, client *http.Client, t target, clients int, d time.Duration, maxRequests int) result {
	perClient := max(1, maxRequests/clients)
	lat := make([][]time.Duration, clients)
	var errs, bytes atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(d)
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, t.URL, nil)
			if err != nil {
				panic(err)
			}
			if t.Cookie != "" {
				req.Header.Set("Cookie", t.Cookie)
			}
			own := make([]time.Duration, 0, min(perClient, 1<<16))
			for len(own) < perClient && ctx.Err() == nil {
				t0 := time.Now()
				if !t0.Before(deadline) {
					break
				}
				res, err := client.Do(req)
				var n int64
				if err == nil {
					n, err = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if err == nil && res.StatusCode != http.StatusOK {
						err = fmt.Errorf("status %d (Location %q)", res.StatusCode, res.Header.Get("Location"))
					}
				}
				own = append(own, time.Since(t0))
				bytes.Add(n)
				if err != nil {
					if errs.Add(1) == 1 {
						firstErr.Store(err.Error())
					}
				}
			}
			lat[i] = own
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	slices.Sort(all)
	r := result{target: t, Requests: len(all), Errors: errs.Load(), Elapsed: elapsed, Latencies: all, BodyBytes: bytes.Load()}
	if s, ok := firstErr.Load().(string); ok {
		r.FirstErr = s
	}
	return r
}
