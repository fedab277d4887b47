package sellerkit

import (
	"sort"

	"koogallery/models/sellertools"
	"koogallery/protocol"
)

// Target is where debug cases run: an address, a path under it and a product kind.
type Target struct {
	AddressID uint
	Path      string
	Kind      sellertools.DebugKind
}

// TargetOf is the target a case runs against.
func TargetOf(c sellertools.DebugCase) Target {
	return Target{AddressID: c.AddressID, Path: c.Path, Kind: c.Kind}
}

// CaseMissing is the state of a required scenario without a saved case.
const CaseMissing sellertools.CaseStatus = "missing"

// RequiredState is where one required scenario stands: passed, failed or missing.
type RequiredState struct {
	Scenario string
	State    sellertools.CaseStatus
}

// Readiness says, for one target's cases, how each scenario a product needs before listing
// stands (periodic or one-time products), and whether all of them passed.
func Readiness(cases []sellertools.DebugCase, t Target, periodic bool) ([]RequiredState, bool) {
	byScenario := map[string]sellertools.CaseStatus{}
	for _, c := range cases {
		if TargetOf(c) == t {
			byScenario[c.Scenario] = c.Status
		}
	}
	ready := true
	var out []RequiredState
	for _, id := range RequiredScenarios(t.Kind, periodic) {
		st, ok := byScenario[id]
		if !ok {
			st = CaseMissing
		}
		ready = ready && st == sellertools.CasePassed
		out = append(out, RequiredState{Scenario: id, State: st})
	}
	return out, ready
}

// Targets lists the distinct targets of cases, in the order they first appear.
func Targets(cases []sellertools.DebugCase) []Target {
	seen := map[Target]bool{}
	var out []Target
	for _, c := range cases {
		if t := TargetOf(c); !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// RunOrder sorts cases the way a re-run should send them: target by target, newInstance first
// and releaseInstance last, so the instance the others use exists until the end.
func RunOrder(cases []sellertools.DebugCase) {
	rank := func(c sellertools.DebugCase) int {
		if c.Scenario == string(protocol.ActivityReleaseInstance) {
			return 1 << 20
		}
		for i, s := range Scenarios(c.Kind) {
			if s.ID == c.Scenario {
				return i
			}
		}
		return 1 << 19
	}
	targetIndex := map[Target]int{}
	for i, t := range Targets(cases) {
		targetIndex[t] = i
	}
	sort.SliceStable(cases, func(i, j int) bool {
		ti, tj := targetIndex[TargetOf(cases[i])], targetIndex[TargetOf(cases[j])]
		if ti != tj {
			return ti < tj
		}
		return rank(cases[i]) < rank(cases[j])
	})
}
