package dispatch

import (
	"context"
	"sync"

	"koogallery/models/sellertools"
)

// target is where a call goes and the secret that signs it, or why it cannot be sent.
type target struct {
	url, secret string
	kind, err   string // set when the call cannot be sent
}

// targets looks up each (seller, address, interface type) once per claimed batch: the calls
// of a batch are signed with the key bound when the batch was claimed (a rebinding applies
// from the next batch, milliseconds later), and a batch of calls for one product costs one
// address and one key lookup instead of one each per call (those lookups were a sixth of the
// dispatcher's CPU time in cmd/callbench).
type targets struct {
	d  *Dispatcher
	mu sync.Mutex
	m  map[targetKey]*targetEntry
}

type targetKey struct {
	seller, address uint
	iface           sellertools.InterfaceType
}

type targetEntry struct {
	once sync.Once
	t    target
}

func (d *Dispatcher) newTargets() *targets { return &targets{d: d, m: map[targetKey]*targetEntry{}} }

// get resolves a target, once per batch.
func (ts *targets) get(ctx context.Context, seller, address uint, iface sellertools.InterfaceType) target {
	k := targetKey{seller, address, iface}
	ts.mu.Lock()
	e := ts.m[k]
	if e == nil {
		e = &targetEntry{}
		ts.m[k] = e
	}
	ts.mu.Unlock()
	e.once.Do(func() { e.t = ts.d.resolve(ctx, seller, address, iface) })
	return e.t
}

// resolve reads the seller's address and opens the key bound to it for the interface type.
func (d *Dispatcher) resolve(ctx context.Context, seller, address uint, iface sellertools.InterfaceType) target {
	addr, err := d.Store.SellerAddress(ctx, seller, address)
	if err != nil {
		return target{kind: "no_address", err: "the product's production address no longer exists"}
	}
	_, secret, err := d.Keys.ForAddress(ctx, addr.ID, iface)
	if err != nil {
		return target{kind: "no_key", err: "no key is bound to the address for interface type " + string(iface)}
	}
	return target{url: addr.URL, secret: secret}
}
