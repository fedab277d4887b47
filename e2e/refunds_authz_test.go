package e2e

import (
	"testing"

	"koogallery/apptest"
	"koogallery/models/attachment"
	"koogallery/models/orders"
	"koogallery/models/refund"
)

// The refund routes' fixtures for the authorization matrix (authz_test.go): the demo's
// pending refund request of buyer@demo.test on seller company 1's 网站迁移上云服务, with its
// communication record.

type refundFixtures struct {
	request refund.RefundRequest
	orderNo string
	file    attachment.Attachment
}

func loadRefundFixtures(t *testing.T, srv *apptest.Server) refundFixtures {
	t.Helper()
	db := srv.App.Store.DB()
	var f refundFixtures
	noErr(t, db.Where("status = ?", refund.RefundPending).Order("id").First(&f.request).Error)
	var o orders.Order
	noErr(t, db.First(&o, f.request.OrderID).Error)
	f.orderNo = o.OrderNo
	noErr(t, db.Where("owner_kind = ? AND owner_id = ?", refund.AttachRefund, f.request.ID).First(&f.file).Error)
	return f
}

// refundSecrets are what only the request's parties may read: its order number, the buyer's
// words, and the attachment's content.
func refundSecrets(f fixtures) []string {
	return []string{f.refund.orderNo, f.refund.request.Text, "割接取消了"}
}

func refundPath(area, suffix string) func(fixtures) string {
	return func(f fixtures) string { return area + "/refunds/" + itoa(f.refund.request.ID) + suffix }
}

func refundFilePath(area string) func(fixtures) string {
	return func(f fixtures) string { return area + "/attachments/" + itoa(f.refund.file.ID) }
}

// refundServicePath is the refund form of buyer@demo.test's CRM service.
func refundServicePath(f fixtures) string {
	return "/console/services/" + itoa(f.service.ID) + "/refund"
}
