package publishing

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"koogallery/models"
	"koogallery/models/catalog"
	"koogallery/models/sellertools"
	"koogallery/models/sqldb"
	"koogallery/sellerkit"
)

// Problem is one thing a product still lacks before it can be submitted for listing: a
// message key, with the place to fix it.
type Problem struct {
	Key  string
	Link string
}

// Readiness says whether a product's content can be submitted for listing, and if not why.
type Readiness struct {
	// Interface is false for products not opened through the production interface: they need
	// no address, key or debug cases.
	Interface bool
	Address   *sellertools.ProductionAddress
	Target    sellerkit.Target
	Cases     []sellerkit.RequiredState
	Problems  []Problem
}

// Ready reports whether nothing is missing.
func (r Readiness) Ready() bool { return len(r.Problems) == 0 }

// KindOf is the debug kind a product type's calls are debugged as.
func KindOf(t catalog.ProductType) sellertools.DebugKind {
	if t == catalog.TypeLicense {
		return sellertools.DebugLicense
	}
	return sellertools.DebugSaaS
}

// Service checks listing readiness and submits products, re-running saved debug cases.
type Service struct {
	Store  *models.Store
	Rerun  *sellerkit.Rerunner
	Budget time.Duration // how long re-running cases may take before a submission gives up
}

// Check says what content still needs before listing: a certified address of the seller, a
// key bound to it for the product's interface type, and the debug cases its charging mode
// requires (periodic: new, renew, expire, release; otherwise new, release) passed against
// that address and path.
func (s *Service) Check(ctx context.Context, sellerID uint, c catalog.ProductContent) (Readiness, error) {
	r := Readiness{Interface: c.Interface()}
	if !r.Interface {
		return r, nil
	}
	if c.AddressID == nil {
		r.Problems = append(r.Problems, Problem{Key: "product.ready.no_address", Link: "/seller/addresses"})
		return r, nil
	}
	addr, err := s.Store.SellerAddress(ctx, sellerID, *c.AddressID)
	if errors.Is(err, sqldb.ErrNotFound) {
		r.Problems = append(r.Problems, Problem{Key: "product.ready.no_address", Link: "/seller/addresses"})
		return r, nil
	}
	if err != nil {
		return r, err
	}
	r.Address = addr
	r.Target = sellerkit.Target{AddressID: addr.ID, Path: c.Path, Kind: KindOf(c.Type)}
	if addr.Status != sellertools.AddressCertified {
		r.Problems = append(r.Problems, Problem{Key: "product.ready.not_certified", Link: "/seller/addresses"})
	}
	if _, err := s.Store.AddressKey(ctx, addr.ID, r.Target.Kind.Interface()); errors.Is(err, sqldb.ErrNotFound) {
		r.Problems = append(r.Problems, Problem{Key: "product.ready.no_key", Link: "/seller/addresses"})
	} else if err != nil {
		return r, err
	}
	cases, err := s.Store.SellerCases(ctx, sellerID)
	if err != nil {
		return r, err
	}
	var ready bool
	r.Cases, ready = sellerkit.Readiness(cases, r.Target, c.ChargingMode == catalog.ChargePeriod)
	if !ready {
		r.Problems = append(r.Problems, Problem{Key: "product.ready.cases", Link: "/seller/debug/cases"})
	}
	return r, nil
}

// Outcome is what a submission did.
type Outcome struct {
	Submitted bool
	Readiness Readiness
	// Reran lists the saved cases run again before submitting a change to a listed product,
	// with their results.
	Reran []Rerun
}

// Rerun is one saved case run again for a submission.
type Rerun struct {
	Scenario string
	Passed   bool
	Problem  string // a message key when the case could not run
}

// Submit sends a product's open version (at revision rev) to operations. The listing rules
// must hold; for a product already listed, its saved debug cases are first run again against
// the version's address, and a failure keeps the version a draft (the listed version stays as
// it is). The re-run's results are stored with the submission.
func (s *Service) Submit(ctx context.Context, sellerID, productID uint, rev int) (Outcome, error) {
	var out Outcome
	p, open, err := s.Store.SellerProduct(ctx, sellerID, productID)
	if err != nil {
		return out, err
	}
	if open == nil || open.Rev != rev {
		return out, sqldb.ErrStale
	}
	if open.Status == catalog.VersionReviewing {
		out.Submitted = true // a double click: already submitted
		return out, nil
	}
	c, err := open.Decode()
	if err != nil {
		return out, err
	}
	if p.Version > 0 && c.Interface() && c.AddressID != nil {
		if out.Reran, err = s.rerunCases(ctx, sellerID, c); err != nil {
			return out, err
		}
	}
	if out.Readiness, err = s.Check(ctx, sellerID, c); err != nil || !out.Readiness.Ready() {
		return out, err
	}
	for _, r := range out.Reran {
		if !r.Passed {
			return out, nil
		}
	}
	report, _ := json.Marshal(out.Reran)
	if err := s.Store.SubmitProductVersion(ctx, sellerID, productID, rev, string(report)); err != nil {
		return out, err
	}
	out.Submitted = true
	return out, nil
}

// rerunCases runs the seller's saved cases for the content's target again, in run order, within
// the budget; cases left over count as not passed.
func (s *Service) rerunCases(ctx context.Context, sellerID uint, c catalog.ProductContent) ([]Rerun, error) {
	cases, err := s.Store.SellerCases(ctx, sellerID)
	if err != nil {
		return nil, err
	}
	t := sellerkit.Target{AddressID: *c.AddressID, Path: c.Path, Kind: KindOf(c.Type)}
	var mine []sellertools.DebugCase
	for _, cs := range cases {
		if sellerkit.TargetOf(cs) == t {
			mine = append(mine, cs)
		}
	}
	sellerkit.RunOrder(mine)
	budget := s.Budget
	if budget <= 0 {
		budget = 40 * time.Second
	}
	deadline := time.Now().Add(budget)
	var out []Rerun
	for i := range mine {
		if time.Now().After(deadline) {
			out = append(out, Rerun{Scenario: mine[i].Scenario, Problem: "product.rerun.budget"})
			continue
		}
		report, problem, err := s.Rerun.Rerun(ctx, sellerID, &mine[i])
		if err != nil && !errors.Is(err, sqldb.ErrNotFound) {
			return nil, err
		}
		out = append(out, Rerun{Scenario: mine[i].Scenario, Passed: err == nil && problem == "" && report.Passed, Problem: problem})
	}
	return out, nil
}
