package sellerkit

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"

	"koogallery/models/sellertools"
	"koogallery/protocol"
)

// Param is one request parameter of a scenario, with the value the form starts with.
type Param struct {
	Name     string
	Default  string
	Required bool
	Options  []string // a fixed set of values, shown as a select
	// Auto: left empty, a fresh value is generated for every call (businessId).
	Auto bool
	// Instance: defaults to the instance the address returned to the last debug newInstance.
	Instance bool
}

// Scenario is one debuggable call: an activity (and refresh scene) of a product kind.
type Scenario struct {
	ID       string // activity, or activity:scene
	Kind     sellertools.DebugKind
	Activity protocol.Activity
	Scene    protocol.Scene
	Params   []Param
}

// LabelKey is the i18n key of the scenario's name (创建实例, 更新实例 …).
func (s Scenario) LabelKey() string { return "scenario." + strings.ReplaceAll(s.ID, ":", ".") }

// Mock order ids the platform uses while debugging (spec §1); sellers may look them up.
const (
	MockPeriodNew = "MOCKPERIODYEARNEW"
	MockRenew     = "MOCKMONTYRENEW"
	MockTrialToF  = "MOCKMONTYTRIALTOFORMAL"
	MockUnsub     = "MOCKMONTYUNSUBSCRIBE"
	MockChange    = "MOCKMONTYCHANGE"
)

// MockOrderIDs lists every mock order id of the spec.
var MockOrderIDs = []string{"MOCKPERIODYEARNEW", "MOCKONETIMENEW", "MOCKONDEMAND", "MOCKONDEMANDPKG", "MOCKPERIODDAYTRIAL",
	"MOCKMONTYTRIALTOFORMAL", "MOCKMONTYUNSUBSCRIBE", "MOCKMONTYRENEW", "MOCKMONTYCHANGE"}

// DummyInstanceID is the placeholder instance id before any newInstance has been debugged.
const DummyInstanceID = "123456789"

func orderParams(orderID string) []Param {
	return []Param{{Name: "orderId", Default: orderID, Required: true}, {Name: "orderLineId", Default: orderID + "-000001", Required: true}}
}

func instanceParam() Param {
	return Param{Name: "instanceId", Default: DummyInstanceID, Required: true, Instance: true}
}

func refresh(kind sellertools.DebugKind, scene protocol.Scene, orderID string) Scenario {
	ps := append(orderParams(orderID), instanceParam(), Param{Name: "productId", Default: "00301-100001-0--0"},
		Param{Name: "expireTime", Default: time.Now().UTC().AddDate(1, 0, 0).Format("20060102150405"), Required: true})
	return Scenario{ID: string(protocol.ActivityRefreshInstance) + ":" + string(scene), Kind: kind, Activity: protocol.ActivityRefreshInstance, Scene: scene, Params: ps}
}

func newInstance(kind sellertools.DebugKind) Scenario {
	return Scenario{ID: string(protocol.ActivityNewInstance), Kind: kind, Activity: protocol.ActivityNewInstance,
		Params: append(orderParams(MockPeriodNew), Param{Name: "businessId", Auto: true}, Param{Name: "saasExtendParams"})}
}

func statusChange(kind sellertools.DebugKind) Scenario {
	return Scenario{ID: string(protocol.ActivityUpdateInstanceStatus), Kind: kind, Activity: protocol.ActivityUpdateInstanceStatus,
		Params: []Param{instanceParam(), {Name: "status", Default: string(protocol.StatusFreeze), Required: true, Options: statusOptions()}}}
}

// statusOptions are the updateInstanceStatus states, as the debug form offers them.
func statusOptions() []string {
	var out []string
	for _, s := range protocol.InstanceStatuses() {
		out = append(out, string(s))
	}
	return out
}

func release(kind sellertools.DebugKind) Scenario {
	return Scenario{ID: string(protocol.ActivityReleaseInstance), Kind: kind, Activity: protocol.ActivityReleaseInstance,
		Params: append([]Param{instanceParam()}, Param{Name: "orderId", Default: MockUnsub}, Param{Name: "orderLineId", Default: MockUnsub + "-000001"})}
}

// scenarios lists every scenario of every kind, in the order the debug page shows them.
var scenarios = []Scenario{
	newInstance(sellertools.DebugSaaS),
	{ID: string(protocol.ActivityQueryInstance), Kind: sellertools.DebugSaaS, Activity: protocol.ActivityQueryInstance, Params: []Param{instanceParam()}},
	refresh(sellertools.DebugSaaS, protocol.SceneRenewal, MockRenew),
	refresh(sellertools.DebugSaaS, protocol.SceneTrialToFormal, MockTrialToF),
	refresh(sellertools.DebugSaaS, protocol.SceneUnsubscribeRenewalPeriod, MockUnsub),
	refresh(sellertools.DebugSaaS, protocol.SceneRenewalChange, MockChange),
	statusChange(sellertools.DebugSaaS),
	{ID: string(protocol.ActivityUpgradeInstance), Kind: sellertools.DebugSaaS, Activity: protocol.ActivityUpgradeInstance,
		Params: append([]Param{instanceParam()}, orderParams(MockChange)...)},
	release(sellertools.DebugSaaS),

	newInstance(sellertools.DebugLicense),
	refresh(sellertools.DebugLicense, protocol.SceneRenewal, MockRenew),
	statusChange(sellertools.DebugLicense),
	release(sellertools.DebugLicense),
	{ID: string(protocol.ActivityGetLicenseAsync), Kind: sellertools.DebugLicense, Activity: protocol.ActivityGetLicenseAsync, Params: []Param{
		instanceParam(),
		{Name: "effectiveTime", Default: protocol.FormatLicenseTime(time.Now().UTC()), Required: true},
		{Name: "expireTime", Default: protocol.FormatLicenseTime(time.Now().UTC().AddDate(1, 0, 0))},
		{Name: "eventId", Default: "evt-123456789", Required: true},
		{Name: "deviceFingerprint", Default: "00:16:3E:2A:4B:5C|SN-DISK-0001|SN-BOARD-0001|CPU-0001"},
	}},

	{ID: string(protocol.ActivityOrderNotify), Kind: sellertools.DebugNotify, Activity: protocol.ActivityOrderNotify, Params: orderParams(MockPeriodNew)},
}

// Scenarios lists the scenarios of a product kind.
func Scenarios(kind sellertools.DebugKind) []Scenario {
	var out []Scenario
	for _, s := range scenarios {
		if s.Kind == kind {
			out = append(out, s)
		}
	}
	return out
}

// FindScenario looks a scenario of a kind up by id.
func FindScenario(kind sellertools.DebugKind, id string) (Scenario, bool) {
	for _, s := range scenarios {
		if s.Kind == kind && s.ID == id {
			return s, true
		}
	}
	return Scenario{}, false
}

// RequiredScenarios are the cases a product of the kind must have passed before listing:
// periodic products need new, renew, expire (status change) and release; others new and release.
func RequiredScenarios(kind sellertools.DebugKind, periodic bool) []string {
	if kind == sellertools.DebugNotify {
		return []string{string(protocol.ActivityOrderNotify)}
	}
	if periodic {
		return []string{string(protocol.ActivityNewInstance), string(protocol.ActivityRefreshInstance) + ":" + string(protocol.SceneRenewal),
			string(protocol.ActivityUpdateInstanceStatus), string(protocol.ActivityReleaseInstance)}
	}
	return []string{string(protocol.ActivityNewInstance), string(protocol.ActivityReleaseInstance)}
}

// Defaults are a scenario's starting parameter values; instanceID (if known) replaces the dummy.
func (s Scenario) Defaults(instanceID string) map[string]string {
	out := map[string]string{}
	for _, p := range s.Params {
		v := p.Default
		if p.Instance && instanceID != "" {
			v = instanceID
		}
		out[p.Name] = v
	}
	return out
}

// MaxParamLen bounds one parameter's value (the longest protocol field is the 1024-character
// device fingerprint; anything longer is refused before sending).
const MaxParamLen = 1024

// Body builds the JSON request body: activity first, then the parameters in order (empty
// optional ones left out), the scene, and testFlag "1" — debugging calls are always test calls.
func (s Scenario) Body(values map[string]string) []byte {
	var b bytes.Buffer
	b.WriteString(`{"activity":`)
	writeJSON(&b, string(s.Activity))
	for _, p := range s.Params {
		v := strings.TrimSpace(values[p.Name])
		if v == "" && p.Auto {
			v = "biz-" + protocol.RandomAlnum(20)
		}
		if v == "" && !p.Required {
			continue
		}
		b.WriteString(`,`)
		writeJSON(&b, p.Name)
		b.WriteString(`:`)
		writeJSON(&b, v)
	}
	if s.Scene != "" {
		b.WriteString(`,"scene":`)
		writeJSON(&b, string(s.Scene))
	}
	b.WriteString(`,"testFlag":"1"}`)
	return b.Bytes()
}

func writeJSON(b *bytes.Buffer, v string) {
	out, _ := json.Marshal(v)
	b.Write(out)
}
