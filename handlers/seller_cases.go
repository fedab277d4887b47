package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"koogallery/models"
	"koogallery/models/sellertools"
	"koogallery/models/sqldb"
	"koogallery/sellerkit"
	"koogallery/views/layouts"
	"koogallery/views/seller"
	"koogallery/web"
)

// SellerCases serves 调试用例管理: the saved debug cases, re-running them with the key bound
// now, deleting them, and which cases each target still lacks for listing.
type SellerCases struct {
	store *models.Store
	keys  *sellerkit.Keys
	kit   *sellerkit.Kit
}

// Routes registers /seller/debug/cases.
func (h *SellerCases) Routes(g *echo.Group) {
	g.GET("/debug/cases", h.List)
	g.POST("/debug/cases/rerun", h.RerunAll)
	g.GET("/debug/cases/:id", h.Show)
	g.POST("/debug/cases/:id/rerun", h.Rerun)
	g.POST("/debug/cases/:id/delete", h.Delete)
}

// rerunBudget bounds a 全部重新运行 so it ends well inside the server's write timeout; cases
// left over are reported as not run.
const rerunBudget = 40 * time.Second

// List shows the cases and the listing readiness of every target.
func (h *SellerCases) List(c echo.Context) error {
	cases, err := h.store.SellerCases(c.Request().Context(), web.SellerID(c))
	if err != nil {
		return err
	}
	vm := seller.CasesVM{Cases: cases}
	for _, t := range sellerkit.Targets(cases) {
		g := seller.ReadinessGroup{Target: t}
		for _, cs := range cases {
			if sellerkit.TargetOf(cs) == t {
				g.Address = cs.Address
				break
			}
		}
		if t.Kind == sellertools.DebugNotify {
			states, ready := sellerkit.Readiness(cases, t, false)
			g.Rows = append(g.Rows, seller.ReadinessRow{LabelKey: "cases.ready.notify", States: states, Ready: ready})
		} else {
			for _, periodic := range []bool{true, false} {
				states, ready := sellerkit.Readiness(cases, t, periodic)
				key := "cases.ready.onetime"
				if periodic {
					key = "cases.ready.periodic"
				}
				g.Rows = append(g.Rows, seller.ReadinessRow{LabelKey: key, States: states, Ready: ready})
			}
		}
		vm.Groups = append(vm.Groups, g)
	}
	if q := c.QueryParams(); q.Has("passed") {
		vm.Rerun = &seller.RerunSummary{Passed: queryInt(q, "passed"), Failed: queryInt(q, "failed"), Skipped: queryInt(q, "skipped")}
	}
	return web.Render(c, http.StatusOK, seller.Cases(vm), layouts.Seller(web.T(c, "nav.seller.debug_cases")))
}

func queryInt(q url.Values, name string) int {
	n, err := strconv.Atoi(q.Get(name))
	if err != nil || n < 0 || n > 100000 {
		return 0
	}
	return n
}

func (h *SellerCases) debugCase(c echo.Context) (*sellertools.DebugCase, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return nil, err
	}
	return h.store.SellerCase(c.Request().Context(), web.SellerID(c), id)
}

// Show is one case with its parameters and the report of its last run.
func (h *SellerCases) Show(c echo.Context) error {
	cs, err := h.debugCase(c)
	if err != nil {
		return err
	}
	vm := seller.CaseVM{Case: cs, Report: sellerkit.ParseReport(cs.Report)}
	_ = json.Unmarshal([]byte(cs.Params), &vm.Params)
	return web.Render(c, http.StatusOK, seller.Case(vm), layouts.Seller(web.T(c, "nav.seller.debug_cases")))
}

// Rerun signs the case again with the key bound now, runs it and records the result.
func (h *SellerCases) Rerun(c echo.Context) error {
	cs, err := h.debugCase(c)
	if err != nil {
		return err
	}
	report, problem, err := h.rerun(c.Request().Context(), web.SellerID(c), cs)
	switch {
	case err != nil:
		return err
	case problem != "":
		web.Flash(c, web.FlashError, problem)
		return web.SeeOther(c, "/seller/debug/cases")
	case report.Passed:
		web.Flash(c, web.FlashSuccess, "cases.rerun.passed")
	default:
		web.Flash(c, web.FlashError, "cases.rerun.failed")
	}
	return web.SeeOther(c, "/seller/debug/cases/"+strconv.FormatUint(uint64(cs.ID), 10))
}

// RerunAll re-runs every case of the seller, one after the other, and reports the counts.
func (h *SellerCases) RerunAll(c echo.Context) error {
	ctx := c.Request().Context()
	cases, err := h.store.SellerCases(ctx, web.SellerID(c))
	if err != nil {
		return err
	}
	sellerkit.RunOrder(cases)
	deadline := time.Now().Add(rerunBudget)
	var passed, failed, skipped int
	for i := range cases {
		if time.Now().After(deadline) {
			skipped += len(cases) - i
			break
		}
		report, problem, err := h.rerun(ctx, web.SellerID(c), &cases[i])
		switch {
		case errors.Is(err, sqldb.ErrNotFound): // deleted meanwhile
			skipped++
		case err != nil:
			return err
		case problem != "":
			skipped++
		case report.Passed:
			passed++
		default:
			failed++
		}
	}
	q := url.Values{}
	q.Set("passed", strconv.Itoa(passed))
	q.Set("failed", strconv.Itoa(failed))
	q.Set("skipped", strconv.Itoa(skipped))
	return web.SeeOther(c, "/seller/debug/cases?"+q.Encode())
}

// rerun runs a saved case again (sellerkit.Rerunner).
func (h *SellerCases) rerun(ctx context.Context, sellerID uint, cs *sellertools.DebugCase) (sellerkit.Report, string, error) {
	return (&sellerkit.Rerunner{Store: h.store, Keys: h.keys, Kit: h.kit}).Rerun(ctx, sellerID, cs)
}

// Delete removes a case.
func (h *SellerCases) Delete(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.store.DeleteDebugCase(c.Request().Context(), web.SellerID(c), id); err != nil {
		return err
	}
	web.Flash(c, web.FlashSuccess, "cases.deleted")
	return web.SeeOther(c, "/seller/debug/cases")
}
