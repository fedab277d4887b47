package e2e

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"koogallery/apptest"
	"koogallery/models/account"
	"koogallery/models/orders"
	"koogallery/models/supervision"
)

// The supervision routes' fixtures for the authorization matrix (authz_test.go): the demo's
// supervision of buyer@demo.test's 网站迁移上云服务 (seller company 1, the seller implementing),
// and an open appeal on buyer2's 高可用 WordPress 应用编排 (seller company 2) for operations.

type supervisionFixtures struct {
	sv      supervision.Supervision
	orderNo string
	appeal  supervision.Appeal
}

func loadSupervisionFixtures(t *testing.T, srv *apptest.Server, f fixtures) supervisionFixtures {
	t.Helper()
	db := srv.App.Store.DB()
	var out supervisionFixtures
	noErr(t, db.Where("buyer_id = ? AND step = ?", f.buyerID, supervision.StepImplementing).Order("id").First(&out.sv).Error)
	var o orders.Order
	noErr(t, db.First(&o, out.sv.OrderID).Error)
	out.orderNo = o.OrderNo
	var other supervision.Supervision
	noErr(t, db.Where("buyer_id = ? AND step NOT IN ?", f.buyer2ID, []supervision.SupervisionStep{supervision.StepCompleted, supervision.StepClosed}).Order("id DESC").First(&other).Error)
	now := time.Now().UTC()
	noErr(t, db.Model(&other).Update("frozen", true).Error)
	out.appeal = supervision.Appeal{SupervisionID: other.ID, OrderID: other.OrderID, BuyerID: other.BuyerID, SellerID: other.SellerID, ByID: other.BuyerID,
		ByRole: account.RoleBuyer, Step: other.Step, Reason: "authz-appeal-marker-5521", Status: supervision.AppealOpen, OpenKey: &other.ID, CreatedAt: now, UpdatedAt: now}
	noErr(t, db.Create(&out.appeal).Error)
	return out
}

// supervisionSecrets are what only the supervision's parties may read: its order number and
// the buyer's requirements.
func supervisionSecrets(f fixtures) []string {
	return []string{f.supervision.orderNo, f.supervision.sv.Requirements}
}

func supervisionPath(area, suffix string) func(fixtures) string {
	return func(f fixtures) string { return area + "/supervision/" + itoa(f.supervision.sv.ID) + suffix }
}

func appealPath(suffix string) func(fixtures) string {
	return func(f fixtures) string { return "/admin/appeals/" + itoa(f.supervision.appeal.ID) + suffix }
}

// supervisionRows are the matrix rows of 服务监管 and 申诉处理: a party acting out of turn is
// told so (303 with a message), refused input is 422, another party's supervision 404.
func supervisionRows(area string) []authzRow {
	ok, see, notFound, unproc := http.StatusOK, http.StatusSeeOther, http.StatusNotFound, http.StatusUnprocessableEntity
	empty := func(fixtures) url.Values { return url.Values{} }
	switch area {
	case "/console":
		return []authzRow{
			{method: "GET", route: "/console/supervision", path: fixed("/console/supervision"), want: buyersOnly(ok, ok), secrets: supervisionSecrets},
			{method: "GET", route: "/console/supervision/:id", path: supervisionPath(area, ""), want: buyersOnly(ok, notFound), secrets: supervisionSecrets},
			{method: "POST", route: "/console/supervision/:id/act/:action", path: supervisionPath(area, "/act/accept"), form: empty, want: buyersOnly(see, notFound), secrets: supervisionSecrets},
			{method: "POST", route: "/console/supervision/:id/appeal", path: supervisionPath(area, "/appeal"), form: empty, want: buyersOnly(unproc, notFound), secrets: supervisionSecrets},
			{method: "POST", route: "/console/supervision/:id/appeal-info", path: supervisionPath(area, "/appeal-info"), form: empty, want: buyersOnly(unproc, notFound), secrets: supervisionSecrets},
		}
	case "/seller":
		return []authzRow{
			{method: "GET", route: "/seller/supervision", path: fixed("/seller/supervision"), want: sellersOnly(ok, ok), secrets: supervisionSecrets},
			{method: "GET", route: "/seller/supervision/:id", path: supervisionPath(area, ""), want: sellersOnly(ok, notFound), secrets: supervisionSecrets},
			{method: "POST", route: "/seller/supervision/:id/act/:action", path: supervisionPath(area, "/act/deliver"), form: empty, want: sellersOnly(unproc, notFound), secrets: supervisionSecrets},
			{method: "POST", route: "/seller/supervision/:id/appeal", path: supervisionPath(area, "/appeal"), form: empty, want: sellersOnly(unproc, notFound), secrets: supervisionSecrets},
			{method: "POST", route: "/seller/supervision/:id/appeal-info", path: supervisionPath(area, "/appeal-info"), form: empty, want: sellersOnly(unproc, notFound), secrets: supervisionSecrets},
		}
	}
	return []authzRow{
		{method: "GET", route: "/admin/appeals", path: fixed("/admin/appeals"), want: adminsOnly(ok)},
		{method: "GET", route: "/admin/appeals/:id", path: appealPath(""), want: adminsOnly(ok)},
		{method: "POST", route: "/admin/appeals/:id/info", path: appealPath("/info"), form: empty, want: adminsOnly(unproc)},
		{method: "POST", route: "/admin/appeals/:id/decide", path: appealPath("/decide"), form: empty, want: adminsOnly(unproc)},
	}
}
