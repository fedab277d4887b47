// Package sandbox is the dev-mode seller endpoint built into the server: a reference seller
// (koogallery/refseller) for every access key in the database, so the demo sellers' production
// addresses — and any key a seller creates — work out of the box. It picks the seller whose
// key signed the call; a call no key signed is answered 000001 like any real endpoint would.
package sandbox

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"sync"

	"koogallery/protocol"
	"koogallery/refseller"
	"koogallery/sellerkit"
)

// Sandbox is an http.Handler serving the reference seller for every key.
type Sandbox struct {
	keys    *sellerkit.Keys
	log     *slog.Logger
	opts    refseller.Options
	mu      sync.Mutex
	sellers map[string]*refseller.Seller // by key id
	nobody  *refseller.Seller
}

// New makes the sandbox; base carries the options every per-key seller shares (platform URL
// for the open API, logger).
func New(keys *sellerkit.Keys, base refseller.Options) (*Sandbox, error) {
	base.AccessKey = "sandbox-" + protocol.RandomAlnum(24)
	nobody, err := refseller.New(base)
	if err != nil {
		return nil, err
	}
	return &Sandbox{keys: keys, log: base.Logger, opts: base, sellers: map[string]*refseller.Seller{}, nobody: nobody}, nil
}

// ServeHTTP routes the call to the seller whose key signed it.
func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, "unreadable body", http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	s.sellerFor(r, body).ServeHTTP(w, r)
}

func (s *Sandbox) sellerFor(r *http.Request, body []byte) *refseller.Seller {
	q := r.URL.Query()
	sig, nonce, ts := q.Get("signature"), q.Get("nonce"), q.Get("timestamp")
	if sig == "" {
		return s.nobody
	}
	keys, err := s.keys.Store.AllAccessKeys(r.Context())
	if err != nil {
		return s.nobody
	}
	for i := range keys {
		secret, err := s.keys.Open(&keys[i])
		if err != nil || !protocol.EqualHex(protocol.SignV2(secret, body, nonce, ts), sig) {
			continue
		}
		return s.seller(keys[i].KeyID, secret)
	}
	return s.nobody
}

// seller returns the reference seller of a key, made on first use. Its AK/SK for the open API
// is the same key: the key id is the AK and the secret the SK.
func (s *Sandbox) seller(keyID, secret string) *refseller.Seller {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sel, ok := s.sellers[keyID]; ok {
		return sel
	}
	opts := s.opts
	opts.AccessKey = secret
	if opts.PlatformBaseURL != "" {
		opts.PlatformAK, opts.PlatformSK = keyID, secret
	}
	sel, err := refseller.New(opts)
	if err != nil {
		s.log.Error("sandbox seller", "err", err)
		return s.nobody
	}
	s.sellers[keyID] = sel
	return sel
}
