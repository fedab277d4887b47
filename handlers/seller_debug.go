package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"koogallery/models"
	"koogallery/models/sellertools"
	"koogallery/models/sqldb"
	"koogallery/protocol"
	"koogallery/sellerkit"
	"koogallery/views/layouts"
	"koogallery/views/seller"
	"koogallery/web"
)

// SellerDebug serves 应用接入调试: pick a product kind, a certified address and a scenario,
// fill in the parameters, then preview the signed request, run it, or run it and save it as
// a debug case.
type SellerDebug struct {
	store *models.Store
	keys  *sellerkit.Keys
	kit   *sellerkit.Kit
}

// Routes registers /seller/debug.
func (h *SellerDebug) Routes(g *echo.Group) {
	g.GET("/debug", h.Page)
	g.POST("/debug/preview", h.Preview)
	g.POST("/debug/run", h.Run)
	g.POST("/debug/save", h.Save)
}

// maxParamEcho bounds how much of a typed parameter is shown again after an error.
const maxParamEcho = 16 << 10

// debugSelection is what the page is pointed at, as typed (query or form).
type debugSelection struct {
	Kind, Scenario, Address, Path string
}

// load resolves a selection into the page's view model: unknown kinds and scenarios fall back
// to the first one with a notice; another seller's (or a malformed) address id is ErrNotFound.
func (h *SellerDebug) load(c echo.Context, sel debugSelection) (seller.DebugVM, error) {
	ctx := c.Request().Context()
	sellerID := web.SellerID(c)
	vm := seller.DebugVM{Kind: sellertools.DebugKind(sel.Kind), Path: strings.TrimSpace(sel.Path)}
	if vm.Kind == "" {
		vm.Kind = sellertools.DebugKinds[0]
	} else if !vm.Kind.Valid() {
		vm.Problem = web.T(c, "debug.err.kind")
		vm.Kind = sellertools.DebugKinds[0]
	}
	vm.Scenarios = sellerkit.Scenarios(vm.Kind)
	vm.Scenario = vm.Scenarios[0]
	if sel.Scenario != "" {
		if sc, ok := sellerkit.FindScenario(vm.Kind, sel.Scenario); ok {
			vm.Scenario = sc
		} else if vm.Problem == "" {
			vm.Problem = web.T(c, "debug.err.scenario")
		}
	}

	addresses, err := h.store.CertifiedAddresses(ctx, sellerID)
	if err != nil {
		return vm, err
	}
	vm.Addresses = addresses
	switch {
	case strings.TrimSpace(sel.Address) != "":
		id, err := strconv.ParseUint(strings.TrimSpace(sel.Address), 10, 32)
		if err != nil || id == 0 {
			return vm, sqldb.ErrNotFound
		}
		a, err := h.store.SellerAddress(ctx, sellerID, uint(id))
		if err != nil {
			return vm, err // another seller's address is not found, like a missing one
		}
		vm.Address = a
	case len(addresses) > 0:
		vm.Address = &addresses[0]
	}

	if p, ok := sellerkit.NormalizePath(vm.Path); ok {
		vm.Path = p
	} else {
		vm.PathError = web.T(c, "debug.err.path")
	}
	if vm.Address != nil && vm.Address.Status == sellertools.AddressCertified {
		key, err := h.store.AddressKey(ctx, vm.Address.ID, vm.Kind.Interface())
		if err != nil && !errors.Is(err, sqldb.ErrNotFound) {
			return vm, err
		}
		vm.Key = key
		if vm.PathError == "" {
			if vm.InstanceID, err = h.lastInstance(ctx, sellerID, vm.Address.ID, vm.Path, vm.Kind); err != nil {
				return vm, err
			}
		}
	}
	vm.Values = vm.Scenario.Defaults(vm.InstanceID)
	return vm, nil
}

// lastInstance is the instance the address returned to the last passed newInstance case saved
// for the same address, path and kind ("" when there is none).
func (h *SellerDebug) lastInstance(ctx context.Context, sellerID, addressID uint, path string, kind sellertools.DebugKind) (string, error) {
	cases, err := h.store.SellerCases(ctx, sellerID)
	if err != nil {
		return "", err
	}
	for _, cs := range cases {
		if cs.AddressID == addressID && cs.Path == path && cs.Kind == kind &&
			cs.Scenario == string(protocol.ActivityNewInstance) && cs.Status == sellertools.CasePassed {
			return sellerkit.ParseReport(cs.Report).InstanceID, nil
		}
	}
	return "", nil
}

func (h *SellerDebug) render(c echo.Context, status int, vm seller.DebugVM) error {
	if web.IsFragmentRequest(c.Request()) {
		// htmx swaps the output in place (and the parameters, out of band, for their messages).
		// htmx 2 does not swap 4xx answers, so the fragment always comes with 200.
		return web.Render(c, http.StatusOK, seller.DebugResult(vm), nil)
	}
	return web.Render(c, status, seller.Debug(vm), layouts.Seller(web.T(c, "nav.seller.debug")))
}

// Page is the debugging form. With ?case=<id> it starts from a saved case's target and values.
func (h *SellerDebug) Page(c echo.Context) error {
	sel := debugSelection{Kind: c.QueryParam("kind"), Scenario: c.QueryParam("scenario"), Address: c.QueryParam("address"), Path: c.QueryParam("path")}
	var saved map[string]string
	if raw := c.QueryParam("case"); raw != "" {
		id, err := strconv.ParseUint(raw, 10, 32)
		if err != nil || id == 0 {
			return sqldb.ErrNotFound
		}
		cs, err := h.store.SellerCase(c.Request().Context(), web.SellerID(c), uint(id))
		if err != nil {
			return err
		}
		sel = debugSelection{Kind: string(cs.Kind), Scenario: cs.Scenario, Address: strconv.FormatUint(uint64(cs.AddressID), 10), Path: cs.Path}
		_ = json.Unmarshal([]byte(cs.Params), &saved)
	}
	vm, err := h.load(c, sel)
	if err != nil {
		return err
	}
	for _, p := range vm.Scenario.Params {
		if v, ok := saved[p.Name]; ok {
			vm.Values[p.Name] = v
		}
	}
	return web.Render(c, http.StatusOK, seller.Debug(vm), layouts.Seller(web.T(c, "nav.seller.debug")))
}

// Preview signs the request and shows it, with the curl command, without sending it.
func (h *SellerDebug) Preview(c echo.Context) error { return h.post(c, seller.OutputPreview) }

// Run sends the request and shows the report.
func (h *SellerDebug) Run(c echo.Context) error { return h.post(c, seller.OutputRun) }

// Save sends the request and, when every check passed, saves it as a debug case.
func (h *SellerDebug) Save(c echo.Context) error { return h.post(c, seller.OutputSave) }

func (h *SellerDebug) post(c echo.Context, mode string) error {
	ctx := c.Request().Context()
	vm, err := h.load(c, debugSelection{Kind: c.FormValue("kind"), Scenario: c.FormValue("scenario"), Address: c.FormValue("address_id"), Path: c.FormValue("path")})
	if err != nil {
		return err
	}
	vm.Output = &seller.DebugOutput{Mode: mode}
	// A call never falls back to another address than the one posted.
	noAddress := vm.Address == nil || strings.TrimSpace(c.FormValue("address_id")) == ""
	for _, p := range vm.Scenario.Params {
		vm.Values[p.Name] = clip(c.FormValue("p_"+p.Name), maxParamEcho)
	}
	fail := func(msg string) error {
		vm.Output.Error = msg
		return h.render(c, http.StatusUnprocessableEntity, vm)
	}
	switch {
	case vm.Problem != "":
		return fail(vm.Problem)
	case noAddress:
		return fail(web.T(c, "debug.err.no_address"))
	case vm.Address.Status != sellertools.AddressCertified:
		return fail(web.T(c, "debug.err.not_certified"))
	case vm.PathError != "":
		return fail(vm.PathError)
	case vm.Key == nil:
		return fail(web.T(c, "debug.err.no_key", web.T(c, "iface."+string(vm.Kind.Interface()))))
	}
	_, secret, err := h.keys.ForAddress(ctx, vm.Address.ID, vm.Kind.Interface())
	if errors.Is(err, sqldb.ErrNotFound) { // unbound meanwhile
		return fail(web.T(c, "debug.err.no_key", web.T(c, "iface."+string(vm.Kind.Interface()))))
	}
	if err != nil {
		return err
	}
	prepared, perrs := h.kit.Prepare(vm.Address.URL, vm.Path, secret, vm.Scenario, vm.Values)
	if len(perrs) > 0 {
		vm.Errors, vm.Output.General = paramMessages(c, vm.Scenario, perrs)
		return fail(web.T(c, "debug.err.params"))
	}
	if mode == seller.OutputPreview {
		vm.Output.Prepared = &prepared
		vm.Output.Signed, _ = sellerkit.ParseSignedURL(prepared.URL)
		return h.render(c, http.StatusOK, vm)
	}
	report := h.kit.Run(ctx, vm.Address.URL, vm.Path, secret, vm.Scenario, prepared)
	vm.Output.Report = &report
	if mode == seller.OutputSave && report.Passed {
		params, _ := json.Marshal(trimmedValues(vm.Scenario, vm.Values))
		cs := &sellertools.DebugCase{SellerID: web.SellerID(c), AddressID: vm.Address.ID, Path: vm.Path, Kind: vm.Kind,
			Scenario: vm.Scenario.ID, Params: string(params), Status: sellertools.CasePassed, Report: report.JSON(), RunAt: report.RanAt}
		if err := h.store.SaveDebugCase(ctx, cs); err != nil {
			return err
		}
		vm.Output.Saved = true
		if vm.Scenario.Activity == protocol.ActivityNewInstance {
			vm.InstanceID = report.InstanceID
		}
	}
	return h.render(c, http.StatusOK, vm)
}

// trimmedValues are the scenario's parameters as saved in a case.
func trimmedValues(sc sellerkit.Scenario, values map[string]string) map[string]string {
	out := make(map[string]string, len(sc.Params))
	for _, p := range sc.Params {
		out[p.Name] = strings.TrimSpace(values[p.Name])
	}
	return out
}

// paramMessages turns the problems Prepare found into a message per parameter field, and
// messages for problems that belong to no field of the form.
func paramMessages(c echo.Context, sc sellerkit.Scenario, errs sellerkit.ParamErrors) (map[string]string, []string) {
	fields := map[string]string{}
	var general []string
	for name, fe := range errs {
		msg := paramMessage(c, fe)
		if hasParam(sc, name) {
			fields[name] = msg
		} else {
			general = append(general, name+": "+msg)
		}
	}
	return fields, general
}

func hasParam(sc sellerkit.Scenario, name string) bool {
	for _, p := range sc.Params {
		if p.Name == name {
			return true
		}
	}
	return false
}

// paramMessage says what is wrong with one parameter in the user's language.
func paramMessage(c echo.Context, fe protocol.FieldError) string {
	switch fe.Problem {
	case protocol.ProblemTooLong:
		var n int
		if _, err := fmt.Sscanf(fe.Detail, "at most %d", &n); err == nil {
			return web.T(c, "debug.param.err.too_long", n)
		}
	case protocol.ProblemMissing:
		return web.T(c, "debug.param.err.missing")
	}
	return web.T(c, "debug.param.err.invalid", fe.Detail)
}
