package catalog

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"unicode/utf8"

	"koogallery/models/sqldb"
)

// ExtValue is a buyer's value of a product's extension parameter, with the label it was asked
// under.
type ExtValue struct {
	Name  string `json:"name"`
	Label string `json:"label,omitempty"`
	Value string `json:"value"`
}

// MaxExtValue is the longest value (in characters) of one extension parameter.
const MaxExtValue = 200

// Messages of extension parameter values.
const (
	MsgExtRequired = "purchase.err.ext_required"
	MsgExtTooLong  = "purchase.err.ext_too_long"
)

// extValues checks the buyer's values (by parameter name) against the product's extension
// parameters: required ones filled in, none too long; names the product lacks are dropped.
// Errors are keyed "ext_<name>".
func ExtValues(p *Product, in map[string]string, errs sqldb.FieldErrors) []ExtValue {
	var out []ExtValue
	for _, prm := range p.Params() {
		v := strings.TrimSpace(in[prm.Name])
		switch {
		case v == "" && prm.Required:
			errs["ext_"+prm.Name] = MsgExtRequired
		case !utf8.ValidString(v) || utf8.RuneCountInString(v) > MaxExtValue:
			errs["ext_"+prm.Name] = MsgExtTooLong
		case v != "":
			out = append(out, ExtValue{Name: prm.Name, Label: prm.Label, Value: v})
		}
	}
	return out
}

// SaasExtendParams encodes values as newInstance's saasExtendParams: base64 of the JSON array
// [{"name":…,"value":…}]; empty when there are none.
func SaasExtendParams(vs []ExtValue) string {
	if len(vs) == 0 {
		return ""
	}
	type pair struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	ps := make([]pair, len(vs))
	for i, v := range vs {
		ps[i] = pair{v.Name, v.Value}
	}
	b, _ := json.Marshal(ps)
	return base64.StdEncoding.EncodeToString(b)
}
