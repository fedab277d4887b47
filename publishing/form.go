// Package publishing holds the rules of product publishing (商品管理): what a seller may write
// about a product, what a product needs before it can be listed, and the submission that
// re-runs its saved debug cases.
package publishing

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"koogallery/models/catalog"
	"koogallery/models/sqldb"
	"koogallery/money"
	"koogallery/sellerkit"
)

// Form is the product editor's fields exactly as typed, so a refused form comes back as it was.
type Form struct {
	Name, Summary, Description  string
	Type, ChargingMode          string
	Supervised, Deployable      bool
	CodeKind                    string
	DeployPackage, DeployPort   string
	Rules                       string // one security rule per line: direction protocol port remote [description]
	PriceMonth, PriceYear       string
	PriceOnce, PriceHour        string
	TrialDays                   string
	Address, Path               string
	ExtNames, ExtLabels, ExtReq []string
	// The specs' rows, in rank order.
	SpecCodes, SpecNames, SpecMonths, SpecYears []string
}

// Limits of the product editor.
const (
	MaxName        = 120
	MaxSummary     = 500
	MaxDescription = 20000
	MaxTrialDays   = 30
	MaxRules       = 20
	// MaxPriceFen is the highest price of one plan: ¥1,000,000.00.
	MaxPriceFen = 100_000_000
)

// ChargingModesFor lists the charging modes a product type may be sold under.
func ChargingModesFor(t catalog.ProductType) []catalog.ChargingMode {
	switch t {
	case catalog.TypeImage:
		return []catalog.ChargingMode{catalog.ChargeOnDemand, catalog.ChargePeriod}
	case catalog.TypeManualService, catalog.TypeHardware:
		return []catalog.ChargingMode{catalog.ChargeOneTime}
	}
	return []catalog.ChargingMode{catalog.ChargePeriod, catalog.ChargeOneTime}
}

// FormFrom reads the editor's fields from a posted form.
func FormFrom(v url.Values) Form {
	return Form{Name: v.Get("name"), Summary: v.Get("summary"), Description: v.Get("description"), Type: v.Get("type"),
		ChargingMode: v.Get("charging_mode"), Supervised: v.Get("supervised") != "", Deployable: v.Get("deployable") != "",
		CodeKind: v.Get("code_kind"), DeployPackage: v.Get("deploy_package"), DeployPort: v.Get("deploy_port"), Rules: v.Get("rules"),
		PriceMonth: v.Get("price_month"), PriceYear: v.Get("price_year"), PriceOnce: v.Get("price_once"), PriceHour: v.Get("price_hour"),
		TrialDays: v.Get("trial_days"), Address: v.Get("address"), Path: v.Get("path"),
		ExtNames: v["ext_name"], ExtLabels: v["ext_label"], ExtReq: v["ext_required"],
		SpecCodes: v["spec_code"], SpecNames: v["spec_name"], SpecMonths: v["spec_month"], SpecYears: v["spec_year"]}
}

// FormOf fills the editor from saved content.
func FormOf(c catalog.ProductContent) Form {
	f := Form{Name: c.Name, Summary: c.Summary, Description: c.Description, Type: string(c.Type), ChargingMode: string(c.ChargingMode),
		Supervised: c.Supervised, Deployable: c.Deployable, CodeKind: string(c.CodeKind), DeployPackage: c.DeployPackage,
		PriceMonth: amount(c.PriceMonth), PriceYear: amount(c.PriceYear), PriceOnce: amount(c.PriceOnce), PriceHour: amount(c.PriceHour),
		Path: c.Path}
	if c.DeployPort > 0 {
		f.DeployPort = strconv.Itoa(c.DeployPort)
	}
	if c.TrialDays > 0 {
		f.TrialDays = strconv.Itoa(c.TrialDays)
	}
	if c.AddressID != nil {
		f.Address = strconv.FormatUint(uint64(*c.AddressID), 10)
	}
	lines := make([]string, len(c.SecurityRules))
	for i, r := range c.SecurityRules {
		lines[i] = r.String()
	}
	f.Rules = strings.Join(lines, "\n")
	for _, sp := range c.Specs {
		f.SpecCodes, f.SpecNames = append(f.SpecCodes, sp.Code), append(f.SpecNames, sp.Name)
		f.SpecMonths, f.SpecYears = append(f.SpecMonths, amount(sp.PriceMonth)), append(f.SpecYears, amount(sp.PriceYear))
	}
	if len(c.Specs) > 0 { // the product's own prices are the lowest spec's
		f.PriceMonth, f.PriceYear = "", ""
	}
	for i, p := range c.ExtParams {
		f.ExtNames, f.ExtLabels = append(f.ExtNames, p.Name), append(f.ExtLabels, p.Label)
		if p.Required {
			f.ExtReq = append(f.ExtReq, strconv.Itoa(i))
		}
	}
	return f
}

func amount(fen int64) string { return money.Fen(fen).FormValue() }

// SpecRow is one spec row of the editor.
type SpecRow struct{ Code, Name, Month, Year string }

// SpecRows lists the form's spec rows, padded to at least three, or all of them when more
// were posted.
func (f Form) SpecRows() []SpecRow {
	n := max(len(f.SpecCodes), len(f.SpecNames), len(f.SpecMonths), len(f.SpecYears), 3)
	out := make([]SpecRow, n)
	for i := range out {
		out[i] = SpecRow{Code: at(f.SpecCodes, i), Name: at(f.SpecNames, i), Month: at(f.SpecMonths, i), Year: at(f.SpecYears, i)}
	}
	return out
}

// ExtRow is one extension-parameter row of the editor.
type ExtRow struct {
	Name, Label string
	Required    bool
}

// ExtRows lists the form's extension-parameter rows, padded to MaxExtParams empty rows, or
// all of them when more were posted (so a refused form shows what was sent).
func (f Form) ExtRows() []ExtRow {
	n := max(len(f.ExtNames), len(f.ExtLabels), catalog.MaxExtParams)
	out := make([]ExtRow, n)
	for i := range out {
		out[i].Name, out[i].Label, out[i].Required = at(f.ExtNames, i), at(f.ExtLabels, i), f.extRequired(i)
	}
	return out
}

func (f Form) extRequired(i int) bool {
	for _, v := range f.ExtReq {
		if v == strconv.Itoa(i) {
			return true
		}
	}
	return false
}

func at(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return ""
}

var (
	extNameRe  = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,31}$`)
	packageRe  = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,199}\.(tar\.gz|tgz|zip)$`)
	protocols  = map[string]bool{"tcp": true, "udp": true, "icmp": true, "any": true}
	directions = map[string]bool{"ingress": true, "egress": true}
)

// Content checks the form and returns the content it describes, or the fields in error
// (message keys). The seller owning the chosen address is checked by the store.
func (f Form) Content() (catalog.ProductContent, sqldb.FieldErrors) {
	errs := sqldb.FieldErrors{}
	c := catalog.ProductContent{Name: strings.TrimSpace(f.Name), Summary: strings.TrimSpace(f.Summary), Description: strings.TrimSpace(f.Description),
		Type: catalog.ProductType(f.Type), ChargingMode: catalog.ChargingMode(f.ChargingMode), Supervised: f.Supervised}
	text(errs, "name", c.Name, MaxName, true)
	text(errs, "summary", c.Summary, MaxSummary, false)
	text(errs, "description", c.Description, MaxDescription, false)
	if !c.Type.Valid() {
		errs["type"] = "product.err.type"
	} else if !allowed(ChargingModesFor(c.Type), c.ChargingMode) {
		errs["charging_mode"] = "product.err.charging_mode"
	}
	f.specs(errs, &c)
	f.prices(errs, &c)
	f.license(errs, &c)
	f.wiring(errs, &c)
	return c, errs
}

func text(errs sqldb.FieldErrors, field, v string, limit int, required bool) {
	switch {
	case required && v == "":
		errs[field] = "product.err.required"
	case !utf8.ValidString(v) || utf8.RuneCountInString(v) > limit:
		errs[field] = "product.err.too_long"
	}
}

func allowed(modes []catalog.ChargingMode, m catalog.ChargingMode) bool {
	for _, k := range modes {
		if k == m {
			return true
		}
	}
	return false
}

// priceMessages words money's refusals for a price.
var priceMessages = map[error]string{
	money.ErrEmpty:    "product.err.price_required",
	money.ErrFormat:   "product.err.price_format",
	money.ErrDecimals: "product.err.price_decimals",
	money.ErrTooSmall: "product.err.price_positive",
	money.ErrTooLarge: "product.err.price_max",
}

// parsePrice reads one plan's price in fen, or the message key saying why not: not a number,
// not positive, more than two decimals, or above MaxPriceFen.
func parsePrice(typed string) (int64, string) {
	fen, err := money.ParseIn(typed, 1, MaxPriceFen)
	if err != nil {
		return 0, priceMessages[err]
	}
	return int64(fen), ""
}

// prices reads the plans the charging mode offers; the others must be empty.
func (f Form) prices(errs sqldb.FieldErrors, c *catalog.ProductContent) {
	fields := []struct {
		name, typed string
		to          *int64
		used        bool
	}{
		{"price_month", f.PriceMonth, &c.PriceMonth, c.ChargingMode == catalog.ChargePeriod},
		{"price_year", f.PriceYear, &c.PriceYear, c.ChargingMode == catalog.ChargePeriod},
		{"price_once", f.PriceOnce, &c.PriceOnce, c.ChargingMode == catalog.ChargeOneTime},
		{"price_hour", f.PriceHour, &c.PriceHour, c.ChargingMode == catalog.ChargeOnDemand},
	}
	for _, p := range fields {
		typed := strings.TrimSpace(p.typed)
		if typed == "" {
			continue
		}
		if !p.used {
			errs[p.name] = "product.err.price_unused"
			continue
		}
		fen, msg := parsePrice(typed)
		if msg != "" {
			errs[p.name] = msg
		} else {
			*p.to = fen
		}
	}
	if len(c.Specs) > 0 && errs["specs"] == "" { // the product's prices are its lowest spec's
		c.PriceMonth, c.PriceYear = c.Specs[0].PriceMonth, c.Specs[0].PriceYear
	}
	switch c.ChargingMode {
	case catalog.ChargePeriod:
		if c.PriceMonth == 0 && c.PriceYear == 0 && errs["price_month"] == "" && errs["price_year"] == "" && errs["specs"] == "" {
			errs["price_month"] = "product.err.price_period"
		}
		if days := strings.TrimSpace(f.TrialDays); days != "" {
			n, err := strconv.Atoi(days)
			if err != nil || n < 0 || n > MaxTrialDays {
				errs["trial_days"] = "product.err.trial_days"
			}
			c.TrialDays = n
		}
	case catalog.ChargeOneTime:
		if c.PriceOnce == 0 && errs["price_once"] == "" {
			errs["price_once"] = "product.err.price_required"
		}
	case catalog.ChargeOnDemand:
		if c.PriceHour == 0 && errs["price_hour"] == "" {
			errs["price_hour"] = "product.err.price_required"
		}
	}
	if c.ChargingMode != catalog.ChargePeriod && strings.TrimSpace(f.TrialDays) != "" && strings.TrimSpace(f.TrialDays) != "0" {
		errs["trial_days"] = "product.err.trial_periodic"
	}
}

var specCodeRe = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,19}$`)

// specs reads the spec rows of a periodic product: each with a code, a name and prices, all
// offering the same plans, prices not falling from one rank to the next (an upgrade never
// costs less than nothing). With specs, the product-level monthly and yearly prices are the
// lowest spec's, so those fields must be left empty. Errors are keyed "specs".
func (f Form) specs(errs sqldb.FieldErrors, c *catalog.ProductContent) {
	seen := map[string]bool{}
	for _, r := range f.SpecRows() {
		code, name := strings.TrimSpace(r.Code), strings.TrimSpace(r.Name)
		month, year := strings.TrimSpace(r.Month), strings.TrimSpace(r.Year)
		if code == "" && name == "" && month == "" && year == "" {
			continue
		}
		sp := catalog.SpecContent{Code: code, Name: name}
		var msg string
		switch {
		case c.ChargingMode != catalog.ChargePeriod:
			msg = "product.err.spec_periodic"
		case !specCodeRe.MatchString(code):
			msg = "product.err.spec_code"
		case seen[code]:
			msg = "product.err.spec_duplicate"
		case name == "" || utf8.RuneCountInString(name) > 30:
			msg = "product.err.spec_name"
		}
		seen[code] = true
		for _, pr := range []struct {
			typed string
			to    *int64
		}{{month, &sp.PriceMonth}, {year, &sp.PriceYear}} {
			if pr.typed == "" || msg != "" {
				continue
			}
			fen, m := parsePrice(pr.typed)
			msg, *pr.to = m, fen
		}
		if msg == "" && sp.PriceMonth == 0 && sp.PriceYear == 0 {
			msg = "product.err.price_period"
		}
		if msg != "" {
			errs["specs"] = msg
			return
		}
		c.Specs = append(c.Specs, sp)
	}
	switch {
	case len(c.Specs) == 0:
		return
	case len(c.Specs) > catalog.MaxSpecs:
		errs["specs"] = "product.err.spec_many"
	case strings.TrimSpace(f.PriceMonth) != "" || strings.TrimSpace(f.PriceYear) != "":
		errs["specs"] = "product.err.spec_prices"
	}
	for i := 1; i < len(c.Specs) && errs["specs"] == ""; i++ {
		a, b := c.Specs[i-1], c.Specs[i]
		switch {
		case (a.PriceMonth > 0) != (b.PriceMonth > 0) || (a.PriceYear > 0) != (b.PriceYear > 0):
			errs["specs"] = "product.err.spec_plans"
		case b.PriceMonth < a.PriceMonth || b.PriceYear < a.PriceYear:
			errs["specs"] = "product.err.spec_order"
		}
	}
}

// license reads what only License products have: the identification code kind and the
// one-click deployment (package, console port, recommended security group).
func (f Form) license(errs sqldb.FieldErrors, c *catalog.ProductContent) {
	isLicense := c.Type == catalog.TypeLicense
	c.CodeKind = catalog.CodeKind(f.CodeKind)
	switch {
	case c.CodeKind != catalog.CodeNone && c.CodeKind != catalog.CodeSystem && c.CodeKind != catalog.CodeHardware:
		errs["code_kind"] = "product.err.code_kind"
	case c.CodeKind != catalog.CodeNone && !isLicense:
		errs["code_kind"] = "product.err.license_only"
	}
	if !f.Deployable {
		if strings.TrimSpace(f.DeployPackage) != "" || strings.TrimSpace(f.Rules) != "" || strings.TrimSpace(f.DeployPort) != "" {
			errs["deployable"] = "product.err.deploy_unchecked"
		}
		return
	}
	if !isLicense {
		errs["deployable"] = "product.err.license_only"
		return
	}
	c.Deployable = true
	c.DeployPackage = strings.TrimSpace(f.DeployPackage)
	if !packageRe.MatchString(c.DeployPackage) {
		errs["deploy_package"] = "product.err.deploy_package"
	}
	port, err := strconv.Atoi(strings.TrimSpace(f.DeployPort))
	if err != nil || port < 1 || port > 65535 {
		errs["deploy_port"] = "product.err.deploy_port"
	}
	c.DeployPort = port
	rules, msg := ParseRules(f.Rules)
	if msg != "" {
		errs["rules"] = msg
		return
	}
	c.SecurityRules = rules
	if errs["deploy_port"] == "" && !opens(rules, port) {
		errs["rules"] = "product.err.rules_port"
	}
}

// ParseRules reads security rules, one per line: direction protocol port remote [description],
// port a number, a range "8000-8100" or "any".
func ParseRules(s string) ([]catalog.SecurityRule, string) {
	var out []catalog.SecurityRule
	for _, line := range strings.Split(s, "\n") {
		parts := strings.Fields(line)
		if len(parts) == 0 {
			continue
		}
		if len(parts) < 4 {
			return nil, "product.err.rules_format"
		}
		r := catalog.SecurityRule{Direction: strings.ToLower(parts[0]), Protocol: strings.ToLower(parts[1]), Port: parts[2], Remote: parts[3],
			Description: strings.Join(parts[4:], " ")}
		if r.Port == "any" {
			r.Port = ""
		}
		if !directions[r.Direction] || !protocols[r.Protocol] || !validPorts(r.Port) || !validCIDR(r.Remote) ||
			utf8.RuneCountInString(r.Description) > 60 {
			return nil, "product.err.rules_format"
		}
		out = append(out, r)
	}
	switch {
	case len(out) == 0:
		return nil, "product.err.rules_required"
	case len(out) > MaxRules:
		return nil, "product.err.rules_many"
	}
	return out, ""
}

func validPorts(p string) bool {
	if p == "" {
		return true
	}
	lo, hi, isRange := strings.Cut(p, "-")
	a, err1 := strconv.Atoi(lo)
	b := a
	var err2 error
	if isRange {
		b, err2 = strconv.Atoi(hi)
	}
	return err1 == nil && err2 == nil && a >= 1 && b <= 65535 && a <= b
}

func validCIDR(s string) bool {
	ip, bits, ok := strings.Cut(s, "/")
	if !ok {
		return false
	}
	n, err := strconv.Atoi(bits)
	parts := strings.Split(ip, ".")
	if err != nil || n < 0 || n > 32 || len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 || v > 255 || len(p) > 3 {
			return false
		}
	}
	return true
}

// opens reports whether an ingress TCP rule lets buyers reach port.
func opens(rules []catalog.SecurityRule, port int) bool {
	for _, r := range rules {
		if r.Direction != "ingress" || (r.Protocol != "tcp" && r.Protocol != "any") {
			continue
		}
		if r.Port == "" {
			return true
		}
		lo, hi, isRange := strings.Cut(r.Port, "-")
		a, _ := strconv.Atoi(lo)
		b := a
		if isRange {
			b, _ = strconv.Atoi(hi)
		}
		if port >= a && port <= b {
			return true
		}
	}
	return false
}

// wiring reads the production interface a product is opened through and its extension
// parameters. Products not opened through the interface have neither: the editor hides those
// fields for them, and whatever they hold is not part of the product.
func (f Form) wiring(errs sqldb.FieldErrors, c *catalog.ProductContent) {
	if !c.Type.UsesInterface() {
		return
	}
	if addr := strings.TrimSpace(f.Address); addr == "" {
		errs["address"] = "product.err.address_required"
	} else if id, err := strconv.ParseUint(addr, 10, 32); err != nil || id == 0 {
		errs["address"] = catalog.MsgProductAddressNotYours
	} else {
		a := uint(id)
		c.AddressID = &a
	}
	if p, ok := sellerkit.NormalizePath(f.Path); ok {
		c.Path = p
	} else {
		errs["path"] = sellerkit.MsgAddrPath
	}
	seen := map[string]bool{}
	for i, r := range f.ExtRows() {
		name, label := strings.TrimSpace(r.Name), strings.TrimSpace(r.Label)
		if name == "" && label == "" {
			continue
		}
		field := "ext_" + strconv.Itoa(i)
		switch {
		case !extNameRe.MatchString(name):
			errs[field] = "product.err.ext_name"
		case label == "" || utf8.RuneCountInString(label) > 40:
			errs[field] = "product.err.ext_label"
		case seen[strings.ToLower(name)]:
			errs[field] = "product.err.ext_duplicate"
		}
		seen[strings.ToLower(name)] = true
		c.ExtParams = append(c.ExtParams, catalog.ExtParam{Name: name, Label: label, Required: r.Required})
	}
	if len(c.ExtParams) > catalog.MaxExtParams {
		errs["ext"] = "product.err.ext_many"
	}
}
