package handlers

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"koogallery/chinatime"
	"koogallery/models"
	"koogallery/models/attachment"
	"koogallery/models/refund"
	"koogallery/money"
	"koogallery/views/layouts"
	"koogallery/views/refunds"
	"koogallery/web"
)

// Refunds serves 退订管理: the buyer's request form (on each purchased service), list and
// withdrawal; the seller company's queue and review (同意 / 驳回, each confirmed); operations'
// read-only view of every request and refund record.
type Refunds struct{ store *models.Store }

// ConsoleRoutes registers the buyer's refund pages under /console.
func (h *Refunds) ConsoleRoutes(g *echo.Group) {
	g.GET("/services/:id/refund", h.Form)
	g.POST("/services/:id/refund", h.Create)
	g.GET("/refunds", h.list(refunds.AreaConsole))
	g.GET("/refunds/:id", h.show(refunds.AreaConsole))
	g.POST("/refunds/:id/withdraw", h.Withdraw)
}

// SellerRoutes registers the seller's refund pages under /seller (订单管理 > 退订管理).
func (h *Refunds) SellerRoutes(g *echo.Group) {
	g.GET("/refunds", h.list(refunds.AreaSeller))
	g.GET("/refunds/:id", h.show(refunds.AreaSeller))
	g.POST("/refunds/:id/approve", h.decide(refund.RefundApproved))
	g.POST("/refunds/:id/reject", h.decide(refund.RefundRejected))
}

// AdminRoutes registers operations' refund pages under /admin.
func (h *Refunds) AdminRoutes(g *echo.Group) {
	g.GET("/refunds", h.list(refunds.AreaAdmin))
	g.GET("/refunds/:id", h.show(refunds.AreaAdmin))
}

// refundInput is what the buyer's form may set (the file is read apart).
type refundInput struct {
	Amount       string `form:"amount"`
	Cause        string `form:"cause"`
	Text         string `form:"text"`
	Goods        string `form:"goods"`
	ShareContact string `form:"share_contact"`
	Confirm      string `form:"confirm"`
	SubmitKey    string `form:"submit_key"`
}

func (in refundInput) model() refund.RefundInput {
	return refund.RefundInput{Amount: clip(in.Amount, 40), Cause: clip(in.Cause, 40), Text: clip(in.Text, 4000), Goods: clip(in.Goods, 20),
		ShareContact: in.ShareContact != "", Confirm: in.Confirm != "", SubmitKey: clip(in.SubmitKey, 64)}
}

// Form is 申请退订 for one of the buyer's services: whether and why a refund is possible, how
// much at most, and the form.
func (h *Refunds) Form(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	t, err := h.store.RefundCheck(c.Request().Context(), web.UserID(c), id)
	if err != nil {
		return err
	}
	vm := refunds.FormVM{Target: t, SubmitKey: web.NewFormKey(), ShareContact: false}
	if t.Decision.Full() {
		vm.Amount = money.Fen(t.Decision.MaxFen).FormValue()
	}
	return h.renderForm(c, http.StatusOK, vm)
}

func (h *Refunds) renderForm(c echo.Context, status int, vm refunds.FormVM) error {
	return web.Render(c, status, refunds.Form(vm), layouts.Console(web.T(c, "refund.form.title")))
}

// Create requests a refund; the rules' refusal or bad input re-render the form with what was
// typed kept and a message per field. A double submit shows the first request.
func (h *Refunds) Create(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in refundInput
	if err := c.Bind(&in); err != nil {
		return echo.ErrBadRequest
	}
	m := in.model()
	up, err := formUpload(c, "attachment")
	if err != nil {
		return err
	}
	m.Attachment = up
	ctx := c.Request().Context()
	r, err := h.store.RequestRefund(ctx, web.CurrentUser(c), id, m)
	fe, _ := asFieldErrors(err)
	if fe.Has() {
		err = nil
	}
	if err != nil {
		return err
	}
	if fe.Has() {
		t, err := h.store.RefundCheck(ctx, web.UserID(c), id)
		if err != nil {
			return err
		}
		if up != nil && fe["attachment"] == "" {
			fe["attachment"] = attachment.MsgAgain // browsers never keep a chosen file
		}
		vm := refunds.FormVM{Target: t, Amount: m.Amount, Cause: m.Cause, Text: clip(in.Text, 2000), Goods: m.Goods,
			ShareContact: m.ShareContact, Confirm: m.Confirm, SubmitKey: strings.TrimSpace(m.SubmitKey), Errors: translate(c, fe)}
		if fe["form"] != "" || vm.SubmitKey == "" {
			vm.SubmitKey = web.NewFormKey()
		}
		return h.renderForm(c, http.StatusUnprocessableEntity, vm)
	}
	if r.Status == refund.RefundApproved {
		web.Flash(c, web.FlashSuccess, "refund.flash.auto_approved")
	} else {
		web.Flash(c, web.FlashSuccess, "refund.flash.requested")
	}
	return web.SeeOther(c, refunds.URL(refunds.AreaConsole, r.ID))
}

// formUpload reads an optional file field in full; nil when no file was chosen. A file over
// the size limit is read no further and marked TooLarge, for the store to refuse with the
// other fields' messages.
func formUpload(c echo.Context, field string) (*attachment.Upload, error) {
	fh, err := c.FormFile(field)
	switch {
	case errors.Is(err, http.ErrMissingFile), errors.Is(err, http.ErrNotMultipart):
		return nil, nil
	case err != nil && strings.Contains(err.Error(), "too large"):
		return nil, echo.ErrStatusRequestEntityTooLarge
	case err != nil:
		return nil, echo.ErrBadRequest
	}
	if fh.Size > attachment.MaxBytes {
		return &attachment.Upload{Name: fh.Filename, TooLarge: true}, nil
	}
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, attachment.MaxBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > attachment.MaxBytes {
		return &attachment.Upload{Name: fh.Filename, TooLarge: true}, nil
	}
	if fh.Filename == "" && len(data) == 0 {
		return nil, nil
	}
	return &attachment.Upload{Name: fh.Filename, Data: data}, nil
}

// refundFilter reads the list filters; anything malformed is ignored.
func refundFilter(c echo.Context) (refund.RefundFilter, string, string) {
	f := refund.RefundFilter{Page: pageParam(c)}
	for _, s := range refund.RefundStatuses {
		if c.QueryParam("status") == string(s) {
			f.Status = s
		}
	}
	if n, err := strconv.ParseUint(c.QueryParam("product"), 10, 32); err == nil {
		f.ProductID = uint(n)
	}
	var from, to string
	if t, ok := chinatime.ParseDate(c.QueryParam("from")); ok {
		f.From, from = t, strings.TrimSpace(c.QueryParam("from"))
	}
	if t, ok := chinatime.ParseDate(c.QueryParam("to")); ok {
		f.To, to = t.AddDate(0, 0, 1), strings.TrimSpace(c.QueryParam("to")) // the whole day
	}
	return f, from, to
}

// list is 退订管理 in an area, with counts per status.
func (h *Refunds) list(area string) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		if area == refunds.AreaAdmin && c.QueryParam("view") == "records" {
			return h.records(c)
		}
		f, from, to := refundFilter(c)
		vm := refunds.ListVM{Area: area, Filter: f, From: from, To: to}
		var err error
		switch area {
		case refunds.AreaConsole:
			f.ProductID = 0 // a buyer filters by status only
			vm.Page, err = h.store.BuyerRefunds(ctx, web.UserID(c), f)
			if err == nil {
				vm.Counts, err = h.store.BuyerRefundCounts(ctx, web.UserID(c))
			}
		case refunds.AreaSeller:
			vm.Page, err = h.store.SellerRefunds(ctx, web.SellerID(c), f)
			if err == nil {
				vm.Counts, err = h.store.RefundCounts(ctx, web.SellerID(c), f)
			}
			if err == nil {
				vm.Products, err = h.store.RefundProducts(ctx, web.SellerID(c))
			}
		default:
			vm.Page, err = h.store.AdminRefunds(ctx, f)
			if err == nil {
				vm.Counts, err = h.store.RefundCounts(ctx, 0, f)
			}
			if err == nil {
				vm.Products, err = h.store.RefundProducts(ctx, 0)
			}
			if err == nil {
				vm.Sellers, err = h.sellerNames(c)
			}
		}
		if err != nil {
			return err
		}
		return web.Render(c, http.StatusOK, refunds.List(vm), areaLayout(area, web.T(c, "nav."+area+".refunds")))
	}
}

func (h *Refunds) sellerNames(c echo.Context) (map[uint]string, error) {
	list, err := h.store.SellerCompanies(c.Request().Context())
	if err != nil {
		return nil, err
	}
	out := make(map[uint]string, len(list))
	for _, s := range list {
		out[s.ID] = s.Name
	}
	return out, nil
}

// records is operations' list of refund records (money returned, for any reason).
func (h *Refunds) records(c echo.Context) error {
	ctx := c.Request().Context()
	page, err := h.store.RefundRecords(ctx, pageParam(c))
	if err != nil {
		return err
	}
	ids := make([]uint, len(page.Items))
	for i, f := range page.Items {
		ids[i] = f.OrderID
	}
	vm := refunds.RecordsVM{Page: page}
	if vm.Orders, err = h.store.OrdersByID(ctx, ids); err != nil {
		return err
	}
	if vm.Sellers, err = h.sellerNames(c); err != nil {
		return err
	}
	return web.Render(c, http.StatusOK, refunds.Records(vm), layouts.Admin(web.T(c, "refund.records")))
}

// areaLayout frames a page in its area.
func areaLayout(area, title string) web.Layout {
	switch area {
	case refunds.AreaConsole:
		return layouts.Console(title)
	case refunds.AreaSeller:
		return layouts.Seller(title)
	}
	return layouts.Admin(title)
}

// detail loads a request as the area's user may see it.
func (h *Refunds) detail(c echo.Context, area string, id uint) (*refund.RefundDetail, error) {
	ctx := c.Request().Context()
	switch area {
	case refunds.AreaConsole:
		return h.store.BuyerRefund(ctx, web.UserID(c), id)
	case refunds.AreaSeller:
		return h.store.SellerRefund(ctx, web.SellerID(c), id)
	}
	return h.store.AdminRefund(ctx, id)
}

// show is 退订详情; for a seller, ?decide=approve|reject opens the confirmation step.
func (h *Refunds) show(area string) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		var review refunds.ReviewForm
		if d := c.QueryParam("decide"); area == refunds.AreaSeller && (d == "approve" || d == "reject") {
			review.Decide = d
		}
		return h.renderDetail(c, http.StatusOK, area, id, review)
	}
}

func (h *Refunds) renderDetail(c echo.Context, status int, area string, id uint, review refunds.ReviewForm) error {
	d, err := h.detail(c, area, id)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "private, no-store")
	return web.Render(c, status, refunds.Detail(refunds.DetailVM{Area: area, D: d, Review: review}), areaLayout(area, web.T(c, "refund.detail.title")))
}

// Withdraw (撤回退订) takes back one of the buyer's pending requests.
func (h *Refunds) Withdraw(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	err = h.store.WithdrawRefund(c.Request().Context(), web.CurrentUser(c), id)
	switch {
	case isStale(err):
		web.Flash(c, web.FlashError, "refund.flash.stale")
	case err != nil:
		return err
	default:
		web.Flash(c, web.FlashSuccess, "refund.flash.withdrawn")
	}
	return web.SeeOther(c, refunds.URL(refunds.AreaConsole, id))
}

// reviewInput is what the seller's review form may set (the file is read apart).
type reviewInput struct {
	Opinion string `form:"opinion"`
}

// decide is the seller's confirmed 同意 or 驳回; a missing opinion or a refused attachment
// re-renders the confirmation with the opinion kept; a request already decided or withdrawn
// says so.
func (h *Refunds) decide(to refund.RefundStatus) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c, "id")
		if err != nil {
			return err
		}
		ctx := c.Request().Context()
		if _, err := h.store.SellerRefund(ctx, web.SellerID(c), id); err != nil {
			return err // another company's request is a 404 whatever the form says
		}
		var in reviewInput
		if err := c.Bind(&in); err != nil {
			return echo.ErrBadRequest
		}
		up, err := formUpload(c, "attachment")
		if err != nil {
			return err
		}
		dec := refund.RefundDecisionInput{Opinion: clip(in.Opinion, 4000), Attachment: up}
		if to == refund.RefundApproved {
			_, err = h.store.ApproveRefund(ctx, web.CurrentUser(c), id, dec)
		} else {
			_, err = h.store.RejectRefund(ctx, web.CurrentUser(c), id, dec)
		}
		fe, _ := asFieldErrors(err)
		switch {
		case fe.Has():
			if up != nil && fe["attachment"] == "" {
				fe["attachment"] = attachment.MsgAgain // browsers never keep a chosen file
			}
			decideName := "approve"
			if to == refund.RefundRejected {
				decideName = "reject"
			}
			review := refunds.ReviewForm{Decide: decideName, Opinion: clip(in.Opinion, 2000), Errors: translate(c, fe)}
			return h.renderDetail(c, http.StatusUnprocessableEntity, refunds.AreaSeller, id, review)
		case isStale(err):
			web.Flash(c, web.FlashError, "refund.flash.stale")
			return web.SeeOther(c, refunds.URL(refunds.AreaSeller, id))
		case err != nil:
			return err
		}
		if to == refund.RefundApproved {
			web.Flash(c, web.FlashSuccess, "refund.flash.approved")
		} else {
			web.Flash(c, web.FlashSuccess, "refund.flash.rejected")
		}
		return web.SeeOther(c, refunds.URL(refunds.AreaSeller, id))
	}
}
