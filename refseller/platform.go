package refseller

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"koogallery/protocol"
)

// OrderQueryPath is the open-API path a seller calls to learn what an order bought.
const OrderQueryPath = "/api/mkp-openapi-public/global/v1/order/query"

// maxPlatformCalls bounds the history PlatformCalls keeps.
const maxPlatformCalls = 100

// PlatformCall records one call the seller made to the platform's open API.
type PlatformCall struct {
	URL        string
	At         time.Time
	StatusCode int
	Body       string // at most 64 KiB
	Err        string // empty on a complete HTTP exchange
}

// PlatformCalls returns the open-API calls made so far (the latest 100), oldest first.
func (s *Seller) PlatformCalls() []PlatformCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]PlatformCall(nil), s.platformCalls...)
}

// queryOrder asks the platform, in the background, what the order bought, when the
// platform's base URL and AK/SK are configured. Failures are logged and recorded only.
func (s *Seller) queryOrder(orderID, orderLineID string) {
	o := s.opts
	if o.PlatformBaseURL == "" || o.PlatformAK == "" || o.PlatformSK == "" {
		return
	}
	address := strings.TrimRight(o.PlatformBaseURL, "/") + OrderQueryPath + "?" +
		url.Values{"orderId": {orderID}, "orderLineId": {orderLineID}}.Encode()
	s.bg.Go(func() {
		call := PlatformCall{URL: address, At: o.Now()}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.getSigned(ctx, &call); err != nil {
			call.Err = err.Error()
			s.log.Warn("refseller order query failed", "url", address, "err", err)
		} else {
			s.log.Info("refseller order query", "url", address, "status", call.StatusCode)
		}
		s.mu.Lock()
		s.platformCalls = append(s.platformCalls, call)
		if n := len(s.platformCalls); n > maxPlatformCalls {
			s.platformCalls = append([]PlatformCall(nil), s.platformCalls[n-maxPlatformCalls:]...)
		}
		s.mu.Unlock()
	})
}

// getSigned sends an AK/SK-signed GET to call.URL and records the answer in call.
func (s *Seller) getSigned(ctx context.Context, call *PlatformCall) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, call.URL, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	signer := protocol.AKSKSigner{AK: s.opts.PlatformAK, SK: s.opts.PlatformSK}
	if err := signer.Sign(req, nil, s.opts.Now()); err != nil {
		return err
	}
	resp, err := s.opts.PlatformClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	call.StatusCode, call.Body = resp.StatusCode, string(body)
	return err
}
