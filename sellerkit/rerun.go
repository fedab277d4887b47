package sellerkit

import (
	"context"
	"encoding/json"
	"errors"

	"koogallery/models"
	"koogallery/models/sellertools"
	"koogallery/models/sqldb"
)

// Rerunner runs saved debug cases again, signed with the key bound now, and records results.
type Rerunner struct {
	Store *models.Store
	Keys  *Keys
	Kit   *Kit
}

// Rerun runs a saved case again. A case that cannot run (address no longer certified, no key
// bound, parameters no longer valid) is left as it was and named by a message key.
func (r *Rerunner) Rerun(ctx context.Context, sellerID uint, cs *sellertools.DebugCase) (Report, string, error) {
	if cs.Address == nil || cs.Address.Status != sellertools.AddressCertified {
		return Report{}, "cases.err.not_certified", nil
	}
	sc, ok := FindScenario(cs.Kind, cs.Scenario)
	if !ok {
		return Report{}, "cases.err.scenario", nil
	}
	_, secret, err := r.Keys.ForAddress(ctx, cs.AddressID, cs.Kind.Interface())
	if errors.Is(err, sqldb.ErrNotFound) {
		return Report{}, "cases.err.no_key", nil
	}
	if err != nil {
		return Report{}, "", err
	}
	values := sc.Defaults("")
	var saved map[string]string
	if json.Unmarshal([]byte(cs.Params), &saved) == nil {
		for k, v := range saved {
			values[k] = v
		}
	}
	prepared, perrs := r.Kit.Prepare(cs.Address.URL, cs.Path, secret, sc, values)
	if len(perrs) > 0 {
		return Report{}, "cases.err.params", nil
	}
	report := r.Kit.Run(ctx, cs.Address.URL, cs.Path, secret, sc, prepared)
	status := sellertools.CaseFailed
	if report.Passed {
		status = sellertools.CasePassed
	}
	if err := r.Store.UpdateCaseResult(ctx, sellerID, cs.ID, status, report.JSON()); err != nil {
		return report, "", err
	}
	return report, "", nil
}
