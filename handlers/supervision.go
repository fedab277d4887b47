package handlers

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"koogallery/chinatime"
	"koogallery/models"
	"koogallery/models/attachment"
	"koogallery/models/sqldb"
	"koogallery/models/supervision"
	"koogallery/money"
	"koogallery/views/layouts"
	supervisionviews "koogallery/views/supervision"
	"koogallery/web"
)

// Supervision serves 服务监管: the buyer's and the seller company's lists and detail pages with
// each party's actions and 发起申诉, and operations' appeal queue (申诉处理) with the
// request for more information and the decision.
type Supervision struct{ store *models.Store }

// ConsoleRoutes registers the buyer's supervision pages under /console.
func (h *Supervision) ConsoleRoutes(g *echo.Group) { h.partyRoutes(g, supervisionviews.AreaConsole) }

// SellerRoutes registers the seller's supervision pages under /seller (交付管理 > 服务监管).
func (h *Supervision) SellerRoutes(g *echo.Group) { h.partyRoutes(g, supervisionviews.AreaSeller) }

func (h *Supervision) partyRoutes(g *echo.Group, area string) {
	g.GET("/supervision", h.list(area))
	g.GET("/supervision/:id", h.show(area))
	g.POST("/supervision/:id/act/:action", h.act(area))
	g.POST("/supervision/:id/appeal", h.appeal(area))
	g.POST("/supervision/:id/appeal-info", h.appealInfo(area))
}

// AdminRoutes registers operations' appeal queue under /admin.
func (h *Supervision) AdminRoutes(g *echo.Group) {
	g.GET("/appeals", h.appeals)
	g.GET("/appeals/:id", h.adminShow)
	g.POST("/appeals/:id/info", h.requestInfo)
	g.POST("/appeals/:id/decide", h.decide)
}

func svLayout(area, title string) web.Layout {
	switch area {
	case supervisionviews.AreaConsole:
		return layouts.Console(title)
	case supervisionviews.AreaSeller:
		return layouts.Seller(title)
	}
	return layouts.Admin(title)
}

func (h *Supervision) list(area string) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		f := supervision.SupervisionFilter{Page: pageParam(c)}
		for _, s := range supervision.SupervisionSteps {
			if c.QueryParam("step") == string(s) {
				f.Step = s
			}
		}
		vm := supervisionviews.ListVM{Area: area, Filter: f}
		var err error
		if area == supervisionviews.AreaConsole {
			vm.Page, err = h.store.BuyerSupervisions(ctx, web.UserID(c), f)
		} else {
			vm.Page, err = h.store.SellerSupervisions(ctx, web.SellerID(c), f)
		}
		if err != nil {
			return err
		}
		return web.Render(c, http.StatusOK, supervisionviews.List(vm), svLayout(area, web.T(c, "nav."+area+".supervision")))
	}
}

func (h *Supervision) show(area string) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		return h.renderDetail(c, http.StatusOK, area, id, supervisionviews.FormState{}, nil)
	}
}

func (h *Supervision) renderDetail(c echo.Context, status int, area string, id uint, form supervisionviews.FormState, ap *supervision.Appeal) error {
	d, err := h.store.SupervisionFor(c.Request().Context(), web.CurrentUser(c), id)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "private, no-store")
	vm := supervisionviews.DetailVM{Area: area, D: d, Form: form, Appeal: ap}
	return web.Render(c, status, supervisionviews.Detail(vm), svLayout(area, web.T(c, "supervision.detail.title")))
}

// formUploads reads every file of a multipart field (none for another encoding); a file over
// the size limit is marked TooLarge for the store to refuse with the other fields' messages.
func formUploads(c echo.Context, field string) ([]*attachment.Upload, error) {
	form, err := c.MultipartForm()
	switch {
	case errors.Is(err, http.ErrNotMultipart):
		return nil, nil
	case err != nil && strings.Contains(err.Error(), "too large"):
		return nil, echo.ErrStatusRequestEntityTooLarge
	case err != nil:
		return nil, echo.ErrBadRequest
	}
	files := form.File[field]
	if len(files) > 10 {
		files = files[:10] // the store refuses more than five; do not read a flood
	}
	var out []*attachment.Upload
	for _, fh := range files {
		if fh.Filename == "" && fh.Size == 0 {
			continue
		}
		if fh.Size > attachment.MaxBytes {
			out = append(out, &attachment.Upload{Name: fh.Filename, TooLarge: true})
			continue
		}
		f, err := fh.Open()
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(io.LimitReader(f, attachment.MaxBytes+1))
		f.Close()
		if err != nil {
			return nil, err
		}
		if len(data) > attachment.MaxBytes {
			out = append(out, &attachment.Upload{Name: fh.Filename, TooLarge: true})
			continue
		}
		out = append(out, &attachment.Upload{Name: fh.Filename, Data: data})
	}
	return out, nil
}

// actInput is what a party's step form may set (files are read apart).
type actInput struct {
	Step         string `form:"step"`
	Text         string `form:"text"`
	Logistics    string `form:"logistics"`
	HardwareCode string `form:"hardware_code"`
	ConfirmCode  string `form:"confirm_code"`
	Confirm      string `form:"confirm"`
	ActualStart  string `form:"actual_start"`
}

// outcomeFlash maps the flow's refusals to a flash message; ok is false for other errors.
func outcomeFlash(err error) (string, bool) {
	switch {
	case errors.Is(err, supervision.ErrFrozen):
		return "supervision.flash.frozen", true
	case errors.Is(err, supervision.ErrNotYourTurn):
		return "supervision.flash.not_your_turn", true
	case errors.Is(err, sqldb.ErrStale):
		return "supervision.flash.stale", true
	}
	return "", false
}

// act applies one of the party's actions; refused input re-renders the page with the form's
// values and messages; a refused step (frozen, not their turn, double submit) says so.
func (h *Supervision) act(area string) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		ctx := c.Request().Context()
		if _, err := h.store.SupervisionFor(ctx, web.CurrentUser(c), id); err != nil {
			return err // another party's supervision is a 404 whatever the form says
		}
		action, ok := supervisionviews.PartyAction(c.Param("action"))
		if !ok {
			return echo.ErrNotFound
		}
		var in actInput
		if err := c.Bind(&in); err != nil {
			return echo.ErrBadRequest
		}
		files, err := formUploads(c, "attachment")
		if err != nil {
			return err
		}
		m := supervision.SupervisionInput{Text: clip(in.Text, 8000), Logistics: clip(in.Logistics, 800), HardwareCode: clip(in.HardwareCode, 6000),
			ConfirmCode: in.ConfirmCode != "", Confirm: in.Confirm != "", ExpectedStep: supervision.SupervisionStep(clip(in.Step, 20)), Attachments: files}
		fe := sqldb.FieldErrors{}
		if s := strings.TrimSpace(in.ActualStart); s != "" {
			if t, ok := chinatime.ParseDateTime(s); ok {
				m.ActualStart = &t
			} else {
				fe["actual_start"] = supervision.MsgSvStartInvalid
			}
		}
		if !fe.Has() {
			_, err = h.store.Act(ctx, web.CurrentUser(c), id, action, m)
			fe, _ = asFieldErrors(err)
		}
		if fe.Has() {
			err = fe
		}
		return h.finish(c, area, id, err, files, string(action), map[string]string{
			"text": clip(in.Text, 4000), "logistics": clip(in.Logistics, 400), "hardware_code": clip(in.HardwareCode, 6000), "actual_start": clip(in.ActualStart, 40)})
	}
}

// finish ends a party's form post: per-field messages re-render the page with what was typed
// (asking for chosen files again: browsers never keep them), a refused outcome is a flash, and
// success flashes supervisionviews.flash.<action> — each back on the supervision's page.
func (h *Supervision) finish(c echo.Context, area string, id uint, err error, files []*attachment.Upload, action string, values map[string]string) error {
	if fe, _ := asFieldErrors(err); fe.Has() {
		if len(files) > 0 && fe["attachment"] == "" {
			fe["attachment"] = attachment.MsgAgain
		}
		form := supervisionviews.FormState{Action: action, Errors: translate(c, fe), Values: values}
		return h.renderDetail(c, http.StatusUnprocessableEntity, area, id, form, nil)
	}
	if key, ok := outcomeFlash(err); ok {
		web.Flash(c, web.FlashError, key)
		return web.SeeOther(c, supervisionviews.URL(area, id))
	}
	if err != nil {
		return err
	}
	web.Flash(c, web.FlashSuccess, "supervision.flash."+action)
	return web.SeeOther(c, supervisionviews.URL(area, id))
}

// appealInput is what the appeal form may set.
type appealInput struct {
	Reason string `form:"reason"`
	Demand string `form:"demand"`
	Text   string `form:"text"`
}

// appealForm reads an appeal form posted on a supervision the user is a party of: its id,
// the fields and the attachments.
func (h *Supervision) appealForm(c echo.Context) (uint, appealInput, []*attachment.Upload, error) {
	var in appealInput
	id, err := pathID(c, "id")
	if err != nil {
		return 0, in, nil, err
	}
	if _, err := h.store.SupervisionFor(c.Request().Context(), web.CurrentUser(c), id); err != nil {
		return 0, in, nil, err
	}
	if err := c.Bind(&in); err != nil {
		return 0, in, nil, echo.ErrBadRequest
	}
	files, err := formUploads(c, "attachment")
	return id, in, files, err
}

// appeal is 发起申诉: reason, demand, attachments; the flow freezes for both parties.
func (h *Supervision) appeal(area string) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, in, files, err := h.appealForm(c)
		if err != nil {
			return err
		}
		ctx := c.Request().Context()
		_, err = h.store.OpenAppeal(ctx, web.CurrentUser(c), id, supervision.AppealInput{Reason: clip(in.Reason, 8000), Demand: clip(in.Demand, 8000), Attachments: files})
		return h.finish(c, area, id, err, files, "appeal", map[string]string{"reason": clip(in.Reason, 4000), "demand": clip(in.Demand, 4000)})
	}
}

// appealInfo adds a party's words and evidence to the open appeal.
func (h *Supervision) appealInfo(area string) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, in, files, err := h.appealForm(c)
		if err != nil {
			return err
		}
		ctx := c.Request().Context()
		err = h.store.AddAppealInfo(ctx, web.CurrentUser(c), id, clip(in.Text, 8000), files)
		return h.finish(c, area, id, err, files, "appeal_info", map[string]string{"text": clip(in.Text, 4000)})
	}
}

// appeals is operations' queue (申诉处理).
func (h *Supervision) appeals(c echo.Context) error {
	f := supervision.AppealFilter{Page: pageParam(c)}
	for _, s := range supervision.AppealStatuses {
		if c.QueryParam("status") == string(s) {
			f.Status = s
		}
	}
	page, err := h.store.AdminAppeals(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return web.Render(c, http.StatusOK, supervisionviews.Appeals(supervisionviews.AppealsVM{Filter: f, Page: page}), layouts.Admin(web.T(c, "nav.admin.appeals")))
}

func (h *Supervision) adminShow(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	return h.renderAppeal(c, http.StatusOK, id, supervisionviews.FormState{})
}

func (h *Supervision) renderAppeal(c echo.Context, status int, id uint, form supervisionviews.FormState) error {
	ap, err := h.store.AdminAppeal(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return h.renderDetail(c, status, supervisionviews.AreaAdmin, ap.SupervisionID, form, ap)
}

// requestInfo asks both parties for more information.
func (h *Supervision) requestInfo(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in appealInput
	if err := c.Bind(&in); err != nil {
		return echo.ErrBadRequest
	}
	err = h.store.RequestAppealInfo(c.Request().Context(), web.CurrentUser(c), id, clip(in.Text, 8000))
	if fe, _ := asFieldErrors(err); fe.Has() {
		return h.renderAppeal(c, http.StatusUnprocessableEntity, id, supervisionviews.FormState{Action: "request_info", Errors: translate(c, fe), Values: map[string]string{"text": clip(in.Text, 4000)}})
	}
	if isStale(err) {
		web.Flash(c, web.FlashError, "appeal.flash.stale")
		return web.SeeOther(c, supervisionviews.AppealURL(id))
	}
	if err != nil {
		return err
	}
	web.Flash(c, web.FlashSuccess, "appeal.flash.info_requested")
	return web.SeeOther(c, supervisionviews.AppealURL(id))
}

// decideInput is what the decision form may set.
type decideInput struct {
	Outcome string `form:"outcome"`
	Refund  string `form:"refund"`
	Reason  string `form:"reason"`
}

// decide applies operations' decision with its written reason.
func (h *Supervision) decide(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if _, err := h.store.AdminAppeal(ctx, id); err != nil {
		return err
	}
	var in decideInput
	if err := c.Bind(&in); err != nil {
		return echo.ErrBadRequest
	}
	d := supervision.AppealDecision{Outcome: supervision.AppealOutcome(clip(strings.TrimSpace(in.Outcome), 20)), Reason: clip(in.Reason, 8000)}
	fe := sqldb.FieldErrors{}
	if d.Outcome == supervision.OutcomeRefund {
		fen, bad := money.Parse(clip(in.Refund, 40))
		if bad != nil {
			fe["refund"] = supervision.MsgSvRefundAmount
		}
		d.RefundFen = int64(fen)
	}
	if !fe.Has() {
		_, err = h.store.DecideAppeal(ctx, web.CurrentUser(c), id, d)
		fe, _ = asFieldErrors(err)
	}
	if fe.Has() {
		form := supervisionviews.FormState{Action: "decide", Errors: translate(c, fe), Values: map[string]string{"outcome": string(d.Outcome), "refund": clip(in.Refund, 40), "reason": clip(in.Reason, 4000)}}
		return h.renderAppeal(c, http.StatusUnprocessableEntity, id, form)
	}
	if isStale(err) {
		web.Flash(c, web.FlashError, "appeal.flash.stale")
		return web.SeeOther(c, supervisionviews.AppealURL(id))
	}
	if err != nil {
		return err
	}
	web.Flash(c, web.FlashSuccess, "appeal.flash.decided")
	return web.SeeOther(c, supervisionviews.AppealURL(id))
}
