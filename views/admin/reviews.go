package admin

import (
	"context"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"

	"koogallery/i18n"
	"koogallery/models/catalog"
	"koogallery/models/sellertools"
	"koogallery/models/sqldb"
	"koogallery/money"
	"koogallery/publishing"
	"koogallery/views"
)

// ReviewRow is one submission in operations' review queue: the version and what it says.
type ReviewRow struct {
	Version catalog.ProductVersion
	Content catalog.ProductContent
}

// First reports whether the submission is a product's first listing (not a change).
func (r ReviewRow) First() bool { return r.Version.Product == nil || r.Version.Product.Version == 0 }

// ReviewsVM is the review queue (商品审核), oldest submission first.
type ReviewsVM struct {
	Page sqldb.Page[catalog.ProductVersion]
	Rows []ReviewRow
}

// ReviewVM is one submitted version for operations: its content (with the fields a change
// alters highlighted), the listing readiness as the platform sees it now, the case re-run
// report it was submitted with, the product's version history and the decision forms.
type ReviewVM struct {
	Version *catalog.ProductVersion // with Product and its Seller
	Content catalog.ProductContent
	// Live is the listed content a change would replace; nil for a first listing or a version
	// that is no longer open.
	Live        *catalog.ProductContent
	Changed     map[string]bool // content field → differs from Live
	Address     *sellertools.ProductionAddress
	LiveAddress *sellertools.ProductionAddress
	Readiness   publishing.Readiness
	// Reran is the re-run of the seller's saved cases stored with the submission; ReportBad
	// says the stored report could not be read.
	Reran     []publishing.Rerun
	ReportBad bool
	History   []catalog.ProductVersion
	// The reject form as submitted, when it was refused, and its message.
	Reason string
	Error  string
}

// Decidable reports whether the version still waits for a decision.
func (vm ReviewVM) Decidable() bool { return vm.Version.Status == catalog.VersionReviewing }

// Change reports whether the version changes a product that has been listed.
func (vm ReviewVM) Change() bool { return vm.Version.Product != nil && vm.Version.Product.Version > 0 }

// RerunFailed reports whether a case of the stored re-run did not pass.
func (vm ReviewVM) RerunFailed() bool {
	for _, r := range vm.Reran {
		if !r.Passed {
			return true
		}
	}
	return false
}

// Warned reports whether approving goes against what the platform checks: the listing
// readiness is not met now, or the stored re-run had a failure.
func (vm ReviewVM) Warned() bool { return !vm.Readiness.Ready() || vm.RerunFailed() }

// DecodeReport reads a version's stored case re-run report (a JSON array of results); an
// empty report is no re-run.
func DecodeReport(s string) ([]publishing.Rerun, bool) {
	s = strings.TrimSpace(s)
	if s == "" || s == "null" {
		return nil, true
	}
	var out []publishing.Rerun
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil, false
	}
	return out, true
}

// ReviewFields are the content fields a review compares, in display order.
var ReviewFields = []string{"name", "summary", "description", "type", "charging_mode", "price_month", "price_year", "price_once",
	"price_hour", "trial_days", "supervised", "code_kind", "deployable", "deploy_package", "deploy_port", "security_rules",
	"address", "path", "ext_params", "specs"}

// fieldValue is one content field, comparable with reflect.DeepEqual (empty lists as nil).
func fieldValue(c catalog.ProductContent, key string) any {
	switch key {
	case "name":
		return c.Name
	case "summary":
		return c.Summary
	case "description":
		return c.Description
	case "type":
		return c.Type
	case "charging_mode":
		return c.ChargingMode
	case "price_month":
		return c.PriceMonth
	case "price_year":
		return c.PriceYear
	case "price_once":
		return c.PriceOnce
	case "price_hour":
		return c.PriceHour
	case "trial_days":
		return c.TrialDays
	case "supervised":
		return c.Supervised
	case "code_kind":
		return c.CodeKind
	case "deployable":
		return c.Deployable
	case "deploy_package":
		return c.DeployPackage
	case "deploy_port":
		return c.DeployPort
	case "security_rules":
		if len(c.SecurityRules) == 0 {
			return []catalog.SecurityRule(nil)
		}
		return c.SecurityRules
	case "address":
		if c.AddressID == nil {
			return uint(0)
		}
		return *c.AddressID
	case "path":
		return c.Path
	case "ext_params":
		if len(c.ExtParams) == 0 {
			return []catalog.ExtParam(nil)
		}
		return c.ExtParams
	case "specs":
		if len(c.Specs) == 0 {
			return []catalog.SpecContent(nil)
		}
		return c.Specs
	}
	return nil
}

// Changes lists the content fields in which next differs from live.
func Changes(live, next catalog.ProductContent) map[string]bool {
	out := map[string]bool{}
	for _, k := range ReviewFields {
		if !reflect.DeepEqual(fieldValue(live, k), fieldValue(next, k)) {
			out[k] = true
		}
	}
	return out
}

// plansOf lists the price fields a charging mode sells under.
func plansOf(m catalog.ChargingMode) []string {
	switch m {
	case catalog.ChargePeriod:
		return []string{"price_month", "price_year"}
	case catalog.ChargeOnDemand:
		return []string{"price_hour"}
	}
	return []string{"price_once"}
}

// planLabelKey is the i18n key of a price field's plan.
func planLabelKey(field string) string { return "plan." + strings.TrimPrefix(field, "price_") }

// priceText shows one plan's price, or that the plan is not offered.
func priceText(ctx context.Context, fen int64) string {
	if fen <= 0 {
		return views.T(ctx, "review.price.none")
	}
	return money.Fen(fen).String()
}

func yesNo(ctx context.Context, b bool) string {
	if b {
		return views.T(ctx, "review.yes")
	}
	return views.T(ctx, "review.no")
}

func codeKindText(ctx context.Context, k catalog.CodeKind) string {
	if k == catalog.CodeNone {
		return views.T(ctx, "review.code_kind.none")
	}
	return views.T(ctx, "review.code_kind."+string(k))
}

// addressText is a production address's URL with the path, or that none is set.
func addressText(ctx context.Context, a *sellertools.ProductionAddress, id *uint) string {
	switch {
	case a != nil:
		return a.URL
	case id != nil:
		return views.T(ctx, "review.address.unknown", *id)
	}
	return views.T(ctx, "review.none")
}

func paramText(ctx context.Context, p catalog.ExtParam) string {
	s := p.Name + " · " + p.Label
	if p.Required {
		s += " · " + views.T(ctx, "review.ext.required")
	}
	return s
}

// listText joins a list field's items, or says it is empty.
func listText[T any](ctx context.Context, items []T, show func(T) string) string {
	if len(items) == 0 {
		return views.T(ctx, "review.none")
	}
	parts := make([]string, len(items))
	for i, it := range items {
		parts[i] = show(it)
	}
	return strings.Join(parts, "; ")
}

// wasText is the live value of a field, in words, shown under a changed field.
func wasText(ctx context.Context, vm ReviewVM, key string) string {
	if vm.Live == nil {
		return ""
	}
	c := *vm.Live
	switch key {
	case "type":
		return views.T(ctx, "product.type."+string(c.Type))
	case "charging_mode":
		return views.T(ctx, "charging."+string(c.ChargingMode))
	case "price_month", "price_year", "price_once", "price_hour":
		return priceText(ctx, fieldValue(c, key).(int64))
	case "trial_days":
		return trialText(ctx, c.TrialDays)
	case "supervised", "deployable":
		return yesNo(ctx, fieldValue(c, key).(bool))
	case "code_kind":
		return codeKindText(ctx, c.CodeKind)
	case "deploy_port":
		return portText(ctx, c.DeployPort)
	case "security_rules":
		return listText(ctx, c.SecurityRules, catalog.SecurityRule.String)
	case "ext_params":
		return listText(ctx, c.ExtParams, func(p catalog.ExtParam) string { return paramText(ctx, p) })
	case "specs":
		return listText(ctx, c.Specs, func(sp catalog.SpecContent) string { return views.SpecText(ctx, sp) })
	case "address":
		return addressText(ctx, vm.LiveAddress, c.AddressID)
	}
	if s, _ := fieldValue(c, key).(string); s != "" {
		return s
	}
	return views.T(ctx, "review.none")
}

func trialText(ctx context.Context, days int) string {
	if days <= 0 {
		return views.T(ctx, "review.trial.none")
	}
	return views.T(ctx, "review.trial.days", days)
}

func portText(ctx context.Context, port int) string {
	if port <= 0 {
		return views.T(ctx, "review.none")
	}
	return strconv.Itoa(port)
}

// problemText is a listing readiness problem as operations read it (about the seller, not to
// them); a problem this page does not know is shown with the seller's wording.
func problemText(ctx context.Context, key string) string {
	own := "review.ready." + key[strings.LastIndex(key, ".")+1:]
	if i18n.Has(views.PageOf(ctx).Locale, own) {
		return views.T(ctx, own)
	}
	return views.T(ctx, key)
}

// rerunProblemText explains why a saved case could not run again.
func rerunProblemText(ctx context.Context, key string) string {
	if key == "product.rerun.budget" {
		return views.T(ctx, "review.rerun.budget")
	}
	if i18n.Has(views.PageOf(ctx).Locale, key) {
		return views.T(ctx, key)
	}
	return views.T(ctx, "review.rerun.not_run")
}

func boolAttr(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func versionLabel(n int) string { return "v" + strconv.Itoa(n) }
