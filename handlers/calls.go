package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"koogallery/chinatime"
	"koogallery/models"
	"koogallery/models/catalog"
	"koogallery/models/outbox"
	"koogallery/models/sqldb"
	"koogallery/protocol"
	"koogallery/views/calls"
	"koogallery/views/layouts"
	"koogallery/web"
)

// Calls serves 生产接口消息: every call the platform made to a seller, with its attempts, a
// plain-language explanation, 重新启动 and 重放. The seller center sees its own company's calls;
// operations (admin) see every seller's and may act on any.
type Calls struct {
	store *models.Store
	admin bool
}

// Routes registers /calls under the area's group (/seller or /admin).
func (h *Calls) Routes(g *echo.Group) {
	g.GET("/calls", h.List)
	g.GET("/calls/:id", h.Show)
	g.POST("/calls/:id/restart", h.Restart)
	g.POST("/calls/:id/replay", h.Replay)
}

// scope is the seller company whose calls may be seen: 0 (any) for operations.
func (h *Calls) scope(c echo.Context) uint {
	if h.admin {
		return 0
	}
	return web.SellerID(c)
}

// actor is who acts on a call: the seller company, or for operations the admin (audited).
func (h *Calls) actor(c echo.Context) uint {
	if h.admin {
		return web.UserID(c)
	}
	return web.SellerID(c)
}

func (h *Calls) layout(title string) web.Layout {
	if h.admin {
		return layouts.Admin(title)
	}
	return layouts.Seller(title)
}

func (h *Calls) titleKey() string {
	if h.admin {
		return "nav.admin.calls"
	}
	return "nav.seller.calls"
}

// callQuery is the list filter as the user may set it.
type callQuery struct {
	Status   string `query:"status"`
	Activity string `query:"activity"`
	Product  string `query:"product"`
	OrderNo  string `query:"order_no"`
	From     string `query:"from"`
	To       string `query:"to"`
}

// callFilter reads the filter: unknown values are ignored, an invalid date keeps its text and
// gets a message (the other filters still apply).
func callFilter(c echo.Context) (outbox.CallFilter, calls.FilterVM) {
	var in callQuery
	_ = (&echo.DefaultBinder{}).BindQueryParams(c, &in)
	f := outbox.CallFilter{Page: pageParam(c)}
	vm := calls.FilterVM{Errors: map[string]string{}}
	for _, s := range outbox.CallStatuses {
		if in.Status == string(s) {
			f.Status, vm.Status = s, in.Status
		}
	}
	for _, a := range outbox.CallActivities {
		if in.Activity == string(a) {
			f.Activity, vm.Activity = a, string(a)
		}
	}
	if n, err := strconv.ParseUint(in.Product, 10, 32); err == nil && n > 0 {
		f.ProductID, vm.Product = uint(n), in.Product
	}
	vm.OrderNo = clip(strings.TrimSpace(in.OrderNo), 48)
	f.OrderNo = vm.OrderNo
	vm.From, vm.To = clip(strings.TrimSpace(in.From), 20), clip(strings.TrimSpace(in.To), 20)
	if vm.From != "" {
		if t, ok := chinatime.ParseDate(vm.From); ok {
			f.From = &t
		} else {
			vm.Errors["from"] = web.T(c, "calls.err.date")
		}
	}
	if vm.To != "" {
		if t, ok := chinatime.ParseDate(vm.To); ok {
			end := t.AddDate(0, 0, 1) // the whole day
			f.To = &end
		} else {
			vm.Errors["to"] = web.T(c, "calls.err.date")
		}
	}
	if f.From != nil && f.To != nil && !f.From.Before(*f.To) {
		vm.Errors["to"] = web.T(c, "calls.err.range")
		f.To = nil
	}
	return f, vm
}

// retryRules are the configured retry policies of every activity, for SaaS/API and License.
func retryRules(s *models.Store) []calls.RuleRow {
	acts := []protocol.Activity{protocol.ActivityNewInstance, protocol.ActivityUpgradeInstance, protocol.ActivityOrderNotify,
		protocol.ActivityRefreshInstance, protocol.ActivityUpdateInstanceStatus, protocol.ActivityReleaseInstance, protocol.ActivityGetLicenseAsync}
	rows := make([]calls.RuleRow, len(acts))
	for i, a := range acts {
		rows[i] = calls.RuleRow{Activity: a, SaaS: s.Policy(a, catalog.TypeSaaS), License: s.Policy(a, catalog.TypeLicense)}
	}
	return rows
}

// List shows the calls, newest first, filtered, with the health of each product.
func (h *Calls) List(c echo.Context) error {
	ctx := c.Request().Context()
	f, fvm := callFilter(c)
	var (
		page sqldb.Page[outbox.InterfaceCall]
		err  error
	)
	if h.admin {
		page, err = h.store.AllCalls(ctx, f)
	} else {
		page, err = h.store.SellerCalls(ctx, h.scope(c), f)
	}
	if err != nil {
		return err
	}
	ids := make([]uint, len(page.Items))
	for i, it := range page.Items {
		ids[i] = it.ID
	}
	last, err := h.store.LastAttempts(ctx, ids)
	if err != nil {
		return err
	}
	health, err := h.store.SellerHealth(ctx, h.scope(c))
	if err != nil {
		return err
	}
	vm := calls.ListVM{Admin: h.admin, Page: page, Last: last, Filter: fvm, Rules: retryRules(h.store), Now: h.store.Now(),
		Back: c.Request().URL.RequestURI()}
	if h.admin {
		sellers, err := h.store.SellerCompanies(ctx)
		if err != nil {
			return err
		}
		vm.Sellers = make(map[uint]string, len(sellers))
		for _, s := range sellers {
			vm.Sellers[s.ID] = s.Name
		}
	}
	for _, ph := range health {
		vm.Products = append(vm.Products, ph.Product)
		vm.Health = append(vm.Health, calls.HealthRow{Health: ph, SellerName: vm.Sellers[ph.Product.SellerID]})
	}
	return web.Render(c, http.StatusOK, calls.List(vm), h.layout(web.T(c, h.titleKey())))
}

// Show is one call with its attempts and what went wrong; another seller's call is a 404.
func (h *Calls) Show(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	call, attempts, err := h.store.Call(ctx, h.scope(c), id)
	if err != nil {
		return err
	}
	inst, err := h.store.CallInstance(ctx, call)
	if err != nil && !errors.Is(err, sqldb.ErrNotFound) {
		return err
	}
	vm := calls.DetailVM{Admin: h.admin, Call: call, Instance: inst, Attempts: attempts, Now: h.store.Now()}
	if h.admin {
		s, err := h.store.SellerCompany(ctx, call.SellerID)
		if err != nil {
			return err
		}
		vm.SellerName = s.Name
	}
	return web.Render(c, http.StatusOK, calls.Detail(vm), h.layout(web.T(c, "calls.detail.title", call.ID)))
}

// back is where a row action returns: the list (with its filters) or the call's page, never
// anywhere else.
func (h *Calls) back(c echo.Context, id uint) string {
	b := web.SafeNext(c.FormValue("back"))
	base := calls.Base(h.admin)
	if b == base || strings.HasPrefix(b, base+"?") || strings.HasPrefix(b, base+"/") {
		return b
	}
	return calls.CallURL(h.admin, id)
}

// Restart (重新启动) makes a failed or retrying call due now. A second click, or a call that
// changed meanwhile, is refused with a message; nothing is sent twice.
func (h *Calls) Restart(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	restart := h.store.RestartCall
	if h.admin {
		restart = h.store.OperatorRestartCall
	}
	switch err := restart(c.Request().Context(), h.actor(c), id); {
	case errors.Is(err, sqldb.ErrStale):
		web.Flash(c, web.FlashError, "calls.restart.stale")
	case err != nil:
		return err
	default:
		web.Flash(c, web.FlashSuccess, "calls.restarted")
	}
	return web.SeeOther(c, h.back(c, id))
}

// Replay (重放) sends a fresh copy of the call, freshly signed, recorded as a new call. While an
// earlier copy still waits for its first attempt, a second click opens that copy instead.
func (h *Calls) Replay(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if waiting, err := h.store.PendingReplay(ctx, h.scope(c), id); err == nil {
		web.Flash(c, web.FlashInfo, "calls.replay.pending")
		return web.SeeOther(c, calls.CallURL(h.admin, waiting.ID))
	} else if !errors.Is(err, sqldb.ErrNotFound) {
		return err
	}
	replay := h.store.ReplayCall
	if h.admin {
		replay = h.store.OperatorReplayCall
	}
	r, err := replay(ctx, h.actor(c), id)
	if err != nil {
		return err
	}
	web.Flash(c, web.FlashSuccess, "calls.replayed")
	return web.SeeOther(c, calls.CallURL(h.admin, r.ID))
}
