// Package dispatch delivers the platform's calls to sellers from the durable outbox: it claims
// due calls (safe to run in every server process), signs each attempt with the key bound at
// that moment, judges the answer, and records it; a scheduler freezes and releases expired
// services.
package dispatch

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"koogallery/models"
	"koogallery/models/outbox"
	"koogallery/models/sqldb"
	"koogallery/protocol"
	"koogallery/sellerkit"
	"koogallery/worker"
)

// Dispatcher sends due calls with a bounded number of concurrent attempts.
type Dispatcher struct {
	Store  *models.Store
	Keys   *sellerkit.Keys
	Client *protocol.Client
	Log    *slog.Logger
	// Workers bounds concurrent attempts; Batch is how many calls one claim takes; Lease is how
	// long a claim holds (past the client timeout, so a live attempt never loses it); Idle is
	// how often an idle dispatcher looks for due calls (it also wakes when a call is queued in
	// this process); Sweep is how often expiries are checked.
	Workers int
	Batch   int
	Lease   time.Duration
	Idle    time.Duration
	Sweep   time.Duration
}

func (d *Dispatcher) defaults() {
	if d.Workers <= 0 {
		d.Workers = 32
	}
	if d.Batch <= 0 {
		d.Batch = 64
	}
	if d.Lease <= 0 {
		d.Lease = 60 * time.Second
	}
	if d.Idle <= 0 {
		// Calls queued by another process (or falling due for a retry) wait for this poll;
		// at 1 s a burst queued elsewhere waited up to a second before its first attempt.
		d.Idle = 250 * time.Millisecond
	}
	if d.Sweep <= 0 {
		d.Sweep = 30 * time.Second
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
}

// Run dispatches until ctx ends, then waits for attempts in flight. Expiries are swept every
// Sweep meanwhile.
func (d *Dispatcher) Run(ctx context.Context) {
	d.defaults()
	var sweeping sync.WaitGroup
	defer sweeping.Wait()
	sweeping.Go(func() { worker.Every(ctx, d.Sweep, d.sweep) })
	d.loop().Run(ctx)
}

// RunOnce claims and delivers one batch of due calls, synchronously; it reports how many it
// delivered. Tests drive the dispatcher with it under a fake clock.
func (d *Dispatcher) RunOnce(ctx context.Context) (int, error) {
	d.defaults()
	return d.loop().Once(ctx)
}

// job is a claimed call and the targets of its batch.
type job struct {
	call *outbox.InterfaceCall
	ts   *targets
}

// loop is the dispatcher's worker loop: it claims calls with a lease and delivers each; an
// attempt started finishes (and is recorded) even when ctx ends.
func (d *Dispatcher) loop() *worker.Loop[job] {
	return &worker.Loop[job]{
		Name: "calls",
		Claim: func(ctx context.Context, n int) ([]job, error) {
			calls, err := d.Store.ClaimDueCalls(ctx, n, d.Lease)
			if err != nil || len(calls) == 0 {
				return nil, err
			}
			ts := d.newTargets()
			jobs := make([]job, len(calls))
			for i := range calls {
				jobs[i] = job{&calls[i], ts}
			}
			return jobs, nil
		},
		Work:    func(ctx context.Context, j job) { d.deliver(context.WithoutCancel(ctx), j.call, j.ts) },
		Workers: d.Workers, Batch: d.Batch, Idle: d.Idle, Wake: d.Store.Wake(), Log: d.Log,
	}
}

// sweep freezes and releases expired services and moves supervision on.
func (d *Dispatcher) sweep(ctx context.Context) {
	if _, err := d.Store.ExpireDue(ctx, 500); err != nil && ctx.Err() == nil {
		d.Log.Error("expiry sweep", "err", err)
	}
	if _, err := d.Store.SweepSupervision(ctx, 500); err != nil && ctx.Err() == nil {
		d.Log.Error("supervision sweep", "err", err)
	}
}

// deliver makes one attempt of a claimed call and records it.
func (d *Dispatcher) deliver(ctx context.Context, c *outbox.InterfaceCall, ts *targets) {
	r := d.attempt(ctx, c, ts)
	if err := d.Store.RecordAttempt(ctx, c, r); err != nil {
		if errors.Is(err, sqldb.ErrLeaseLost) {
			d.Log.Warn("call lease lost; another dispatcher took it", "call", c.ID)
			return
		}
		d.Log.Error("record attempt", "call", c.ID, "err", err)
	}
}

// attempt sends the call (or, while the seller is still processing, its queryInstance poll)
// to the product's production address, signed with the key bound for its interface type.
func (d *Dispatcher) attempt(ctx context.Context, c *outbox.InterfaceCall, ts *targets) outbox.AttemptResult {
	now := d.Store.Now()
	body := c.Body
	activity := protocol.Activity(c.Activity)
	if c.Status == outbox.CallProcessing && c.Poll != "" {
		body, activity = c.Poll, protocol.ActivityQueryInstance
	}
	r := outbox.AttemptResult{RequestBody: body, StartedAt: now, Outcome: outbox.OutcomeFailed}
	address, path := c.Target()
	if address == 0 {
		r.ErrorKind, r.Error = "no_address", "the product has no production address"
		return r
	}
	to := ts.get(ctx, c.SellerID, address, c.Interface)
	if to.kind != "" {
		r.ErrorKind, r.Error = to.kind, to.err
		return r
	}
	r.StartedAt = d.Store.Now() // the store's clock, like every other time the outbox records
	res := d.Client.Call(ctx, to.url+path, to.secret, []byte(body))
	r.URL, r.Latency = res.URL, res.Latency
	if res.Err != nil {
		r.ErrorKind, r.Error = string(res.Kind), res.Err.Error()
		return r
	}
	r.StatusCode, r.ResponseBody = res.StatusCode, string(res.Body)
	judge(&r, activity, res.StatusCode, res.Body)
	return r
}

// judge decides an answer's outcome and extracts what success carries.
func judge(r *outbox.AttemptResult, activity protocol.Activity, status int, body []byte) {
	if status != http.StatusOK {
		r.Error = "HTTP status is not 200"
		return
	}
	var head struct {
		ResultCode string `json:"resultCode"`
	}
	if json.Unmarshal(body, &head) != nil {
		r.ErrorKind, r.Error = "not_json", "the answer is not a JSON object"
		return
	}
	r.ResultCode = head.ResultCode
	waiting := activity == protocol.ActivityNewInstance || activity == protocol.ActivityQueryInstance || activity == protocol.ActivityGetLicenseAsync
	if head.ResultCode == protocol.ResultProcessing && waiting {
		r.Outcome = outbox.OutcomeProcessing
		var ni protocol.NewInstanceResponse
		if json.Unmarshal(body, &ni) == nil {
			r.SellerInstanceID = ni.InstanceID
		}
		return
	}
	if head.ResultCode != protocol.ResultSuccess {
		r.Error = "resultCode is not 000000"
		return
	}
	resp, ferrs := protocol.ParseResponse(activity, body)
	if len(ferrs) > 0 {
		r.ErrorKind, r.Error = "bad_fields", ferrs.Error()
		return
	}
	switch v := resp.(type) {
	case *protocol.NewInstanceResponse:
		r.SellerInstanceID, r.EncryptType = v.InstanceID, v.EncryptType
		r.AppInfo = marshal(v.AppInfo)
	case *protocol.QueryInstanceResponse:
		if len(v.Info) == 0 {
			r.Error = "queryInstance answered no instance"
			return
		}
		r.SellerInstanceID, r.EncryptType = v.Info[0].InstanceID, v.EncryptType
		r.AppInfo = marshal(v.Info[0].AppInfo)
	case *protocol.GetLicenseAsyncResponse:
		r.License = marshal(v.License)
	}
	r.Outcome = outbox.OutcomeSucceeded
}

func marshal(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil || string(b) == "null" {
		return ""
	}
	return string(b)
}
