package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"koogallery/apptest"
	"koogallery/models/account"
	"koogallery/models/catalog"
	"koogallery/models/deployment"
	"koogallery/models/license"
	"koogallery/models/notice"
	"koogallery/models/orders"
	"koogallery/models/outbox"
	"koogallery/models/sellertools"
	"koogallery/models/sqldb"
	"koogallery/protocol"
)

// The authorization matrix: every registered route × every kind of visitor → the status they
// get. Object routes use ids that belong to buyer@demo.test (orders, services, favorites) or to
// seller@demo.test's company (products), so "another buyer" and "another seller" are real
// strangers to that data. TestAuthzMatrixCoversEveryRoute fails when a route has no row: a new
// route must say here who may use it.

// actor is one kind of visitor.
type actor string

const (
	anon    actor = "anonymous"
	buyer   actor = "buyer"
	buyer2  actor = "buyer2"
	seller  actor = "seller"
	seller2 actor = "seller2"
	admin   actor = "admin"
)

// actors is the order the matrix runs in: the owners of the data (seller, buyer) last, so
// everyone else's attempts happen while the owners' data is there to be leaked or damaged;
// seller company 1's members (members_authz_test.go) right after their owner.
var actors = []actor{anon, buyer2, seller2, admin, seller, dev, ops, finance, buyer}

var actorEmail = map[actor]string{
	buyer:   "buyer@demo.test",
	buyer2:  "buyer2@demo.test",
	seller:  "seller@demo.test",
	seller2: "seller2@demo.test",
	admin:   "admin@demo.test",
	dev:     "dev@demo.test",
	ops:     "ops@demo.test",
	finance: "finance@demo.test",
}

// actorHome is where each logged-in actor lands.
var actorHome = map[actor]string{
	buyer: "/console/services", buyer2: "/console/services", seller: "/seller", seller2: "/seller", admin: "/admin",
	dev: "/seller", ops: "/seller", finance: "/seller",
}

// fixtures are the demo objects the object routes point at.
type fixtures struct {
	buyerID, buyer2ID   uint
	sellerID, seller2ID uint // seller companies
	key                 *sellertools.AccessKey
	keySecret           string
	address             *sellertools.ProductionAddress
	debugCase           *sellertools.DebugCase
	order               orders.Order               // buyer's first CRM order
	service             orders.Instance            // the renewable CRM service that order created
	product             catalog.Product            // on sale, seller company 1
	delisted            catalog.Product            // seller company 2, delisted
	favorite            catalog.Product            // in buyer's favorites
	buyerNotice         notice.Notice              // buyer's in-site message
	sellerNotice        notice.Notice              // seller company 1's in-site message
	call                outbox.InterfaceCall       // a failed call to seller company 1
	licenseService      orders.Instance            // buyer's one-time License service (数据库备份工具), in use
	licenseApp          license.LicenseApplication // an issued FILE License on it
	refund              refundFixtures             // the demo's pending refund request (refunds_authz_test.go)
	deployment          deployment.Deployment      // a failed deployment of licenseService (deploy_test.go)
	notifyConfig        outbox.NotifyConfig        // seller company 1's order notification for API products
	creditOrder         orders.Order               // a credit-paid demo order, already repaid (settlement_authz_test.go)
	supervision         supervisionFixtures        // a supervision and an open appeal (supervision_authz_test.go)
	review              reviewFixtures             // a submitted product version and a draft (admin_reviews_authz_test.go)
	buyerSession        uint                       // a second signed-in session of buyer@demo.test (account_authz_test.go)
	members             membersFixtures            // invitations and a member (members_authz_test.go)
	onboarding          onboardingFixtures         // applications sent back for more information (onboarding_authz_test.go)
}

func loadFixtures(t *testing.T, srv *apptest.Server) fixtures {
	t.Helper()
	db := srv.App.Store.DB()
	var f fixtures
	var u account.User
	noErr(t, db.Where("email = ?", "buyer@demo.test").First(&u).Error)
	f.buyerID = u.ID
	u = account.User{}
	noErr(t, db.Where("email = ?", "buyer2@demo.test").First(&u).Error)
	f.buyer2ID = u.ID
	for email, id := range map[string]*uint{"seller@demo.test": &f.sellerID, "seller2@demo.test": &f.seller2ID} {
		u = account.User{}
		noErr(t, db.Where("email = ?", email).First(&u).Error)
		*id = *u.SellerID
	}
	var err error
	ctx := context.Background()
	f.key, err = srv.App.Keys.Create(ctx, f.sellerID, "authz key")
	noErr(t, err)
	f.keySecret, err = srv.App.Keys.Open(f.key)
	noErr(t, err)
	// Port 9 (discard) on loopback: certification fails fast, nothing listens.
	f.address, err = srv.App.Store.AddAddress(ctx, f.sellerID, "http://127.0.0.1:9")
	noErr(t, err)
	f.debugCase = &sellertools.DebugCase{SellerID: f.sellerID, AddressID: f.address.ID, Kind: sellertools.DebugSaaS, Scenario: "newInstance",
		Params: `{"customerName":"authz-case-marker-7731"}`, Status: sellertools.CasePassed, RunAt: time.Now()}
	noErr(t, srv.App.Store.SaveDebugCase(ctx, f.debugCase))
	f.notifyConfig = outbox.NotifyConfig{SellerID: f.sellerID, Scope: "type:api", Type: catalog.TypeAPI, AddressID: f.address.ID}
	noErr(t, db.Create(&f.notifyConfig).Error)
	noErr(t, db.Where("code = ?", "00301-100001-0--0").First(&f.product).Error)
	noErr(t, db.Where("code = ?", "00302-200005-0--0").First(&f.delisted).Error)
	noErr(t, db.Where("buyer_id = ? AND product_id = ? AND type = ?", f.buyerID, f.product.ID, orders.OrderNew).First(&f.order).Error)
	noErr(t, db.Where("order_id = ?", f.order.ID).First(&f.service).Error)
	var fav catalog.Favorite
	noErr(t, db.Where("user_id = ?", f.buyerID).First(&fav).Error)
	noErr(t, db.First(&f.favorite, fav.ProductID).Error)
	f.buyerNotice = notice.Notice{UserID: &f.buyerID, Kind: "open_failed", Text: "authz-notice-buyer-5521",
		Link: "/console/orders/" + itoa(f.order.ID), CreatedAt: time.Now()}
	noErr(t, db.Create(&f.buyerNotice).Error)
	f.sellerNotice = notice.Notice{SellerID: &f.sellerID, Kind: "call_failed", Text: "authz-notice-seller-5522", Link: "/seller", CreatedAt: time.Now()}
	noErr(t, db.Create(&f.sellerNotice).Error)
	callAt := time.Now().UTC().Truncate(time.Second)
	f.call = outbox.InterfaceCall{SellerID: f.sellerID, ProductID: f.product.ID, Activity: protocol.ActivityReleaseInstance, Interface: sellertools.IfaceBasic,
		Body: `{"activity":"releaseInstance","instanceId":"authz-call-marker-6631","testFlag":"0"}`, Status: outbox.CallFailed, Attempts: 4,
		NextAttemptAt: callAt, Deadline: callAt, RetryEvery: 900, CompletedAt: &callAt, CreatedAt: callAt, UpdatedAt: callAt}
	noErr(t, db.Create(&f.call).Error)
	if f.service.Status != orders.InstanceNormal || f.service.ExpireAt == nil {
		t.Fatalf("demo CRM service is %s, want a renewable one", f.service.Status)
	}
	var lp catalog.Product
	noErr(t, db.Where("code = ?", "00301-100003-0--0").First(&lp).Error)
	noErr(t, db.Where("buyer_id = ? AND product_id = ? AND status = ?", f.buyerID, lp.ID, orders.InstanceNormal).First(&f.licenseService).Error)
	issued := time.Now()
	f.licenseApp = license.LicenseApplication{InstanceID: f.licenseService.ID, BuyerID: f.buyerID, SellerID: f.sellerID, ProductID: lp.ID,
		EventID: "evt-authz-license-7741", DeviceFingerprint: "AA|||", EffectiveTime: issued, Status: license.LicenseIssued,
		LicenseType: license.LicenseTypeFile, FileName: "authz.lic", FileSHA256: strings.Repeat("0", 64), FileSize: 26,
		FileData: []byte("authz-license-file-marker\n"), CreatedAt: issued, IssuedAt: &issued}
	noErr(t, db.Create(&f.licenseApp).Error)
	f.refund = loadRefundFixtures(t, srv)
	f.deployment = loadDeployFixtures(t, srv, f)
	f.creditOrder = loadCreditOrder(t, srv)
	f.supervision = loadSupervisionFixtures(t, srv, f)
	f.review = loadReviewFixtures(t, srv, f)
	f.buyerSession = loadSessionFixture(t, srv, f)
	f.members = loadMembersFixtures(t, srv)
	f.onboarding = loadOnboardingFixtures(t, srv)
	return f
}

func noErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// routeNotFound is the method Echo lists for a group's catch-all (unknown paths under a guarded
// prefix still pass the group's guard).
const routeNotFound = "echo_route_not_found"

// authzRow is one route (or one variant of it) and what every actor gets.
type authzRow struct {
	method string // as registered: GET, POST, or echo_route_not_found
	route  string // the pattern as registered, e.g. /console/orders/:id
	name   string // a variant's name when a route has several rows
	path   func(f fixtures) string
	form   func(f fixtures) url.Values
	want   map[actor]int
	// secrets must never appear in the body of a non-2xx answer (another buyer's order number…).
	secrets func(f fixtures) []string
	// consumed: the owner's request uses the object up (a delete), so a member allowed the
	// route, who runs after the owner, finds nothing (members_authz_test.go).
	consumed bool
}

func (r authzRow) label() string {
	s := r.method + " " + r.route
	if r.name != "" {
		s += " (" + r.name + ")"
	}
	return s
}

func fixed(p string) func(fixtures) string { return func(fixtures) string { return p } }

// everyone answers the same to all actors.
func everyone(status int) map[actor]int {
	m := map[actor]int{}
	for _, a := range actors {
		m[a] = status
	}
	return m
}

// buyersOnly: anonymous → login, the two buyers → ok / other, everyone else → 403.
func buyersOnly(ok, other int) map[actor]int {
	return map[actor]int{anon: http.StatusSeeOther, buyer: ok, buyer2: other, seller: http.StatusForbidden, seller2: http.StatusForbidden, admin: http.StatusForbidden}
}

// sellersOnly: anonymous → login, seller → ok, the other seller company → other, rest → 403.
func sellersOnly(ok, other int) map[actor]int {
	return map[actor]int{anon: http.StatusSeeOther, buyer: http.StatusForbidden, buyer2: http.StatusForbidden, seller: ok, seller2: other, admin: http.StatusForbidden}
}

// adminsOnly: anonymous → login, admin → ok, rest → 403.
func adminsOnly(ok int) map[actor]int {
	return map[actor]int{anon: http.StatusSeeOther, buyer: http.StatusForbidden, buyer2: http.StatusForbidden, seller: http.StatusForbidden, seller2: http.StatusForbidden, admin: ok}
}

func buyForm(f fixtures) url.Values {
	return url.Values{"product_id": {itoa(f.product.ID)}, "plan": {"month"}, "count": {"1"}, "pay_method": {"cash"}, "submit_key": {"buy-" + randKey()}}
}

func renewForm(f fixtures) url.Values {
	return url.Values{"plan": {"month"}, "count": {"1"}, "pay_method": {"cash"}, "submit_key": {"renew-" + randKey()}}
}

var keySeq int

// randKey is a fresh form key (unique within the test binary).
func randKey() string {
	keySeq++
	return fmt.Sprintf("k%015d", keySeq)
}

// authzRows is the matrix. Keep a row for every route; the coverage test enforces it.
func authzRows() []authzRow {
	ok, see, notFound := http.StatusOK, http.StatusSeeOther, http.StatusNotFound
	orderSecrets := func(f fixtures) []string { return []string{f.order.OrderNo} }
	serviceSecrets := func(f fixtures) []string {
		return []string{f.order.OrderNo, f.service.SellerInstanceID}
	}
	keySecrets := func(f fixtures) []string { return []string{f.keySecret, f.key.KeyID} }
	addressSecrets := func(f fixtures) []string { return []string{f.address.URL} }
	addressPath := func(suffix string) func(fixtures) string {
		return func(f fixtures) string { return "/seller/addresses/" + itoa(f.address.ID) + suffix }
	}
	empty := func(fixtures) url.Values { return url.Values{} }
	productSecrets := func(f fixtures) []string { return []string{f.product.Code} }
	sellerProductPath := func(suffix string) func(fixtures) string {
		return func(f fixtures) string { return "/seller/products/" + itoa(f.product.ID) + suffix }
	}
	caseSecrets := func(f fixtures) []string { return []string{"authz-case-marker-7731", f.address.URL} }
	casePath := func(suffix string) func(fixtures) string {
		return func(f fixtures) string { return "/seller/debug/cases/" + itoa(f.debugCase.ID) + suffix }
	}
	debugForm := func(f fixtures) url.Values {
		return url.Values{"kind": {"saas"}, "scenario": {"newInstance"}, "address_id": {itoa(f.address.ID)}, "path": {""}}
	}
	buyerNoticeSecrets := func(f fixtures) []string { return []string{f.buyerNotice.Text} }
	sellerNoticeSecrets := func(f fixtures) []string { return []string{f.sellerNotice.Text} }
	licensePath := func(suffix string) func(fixtures) string {
		return func(f fixtures) string {
			return "/console/services/" + itoa(f.licenseService.ID) + "/licenses" + suffix
		}
	}
	licenseSecrets := func(f fixtures) []string {
		return []string{f.licenseApp.EventID, "authz-license-file-marker", f.licenseService.SellerInstanceID}
	}
	licenseForm := func(fixtures) url.Values {
		return url.Values{"fingerprint": {"AB:" + randKey() + "|||"}, "confirm": {"1"}, "submit_key": {"lic-" + randKey()}}
	}
	callPath := func(area, suffix string) func(fixtures) string {
		return func(f fixtures) string { return area + "/calls/" + itoa(f.call.ID) + suffix }
	}
	callSecrets := func(fixtures) []string { return []string{"authz-call-marker-6631"} }
	loggedInLogin := everyone(see)
	loggedInLogin[anon] = ok
	// 服务监管 and 申诉处理 first (supervision_authz_test.go): their rows change nothing.
	rows := append(supervisionRows("/console"), append(supervisionRows("/seller"), supervisionRows("/admin")...)...)
	rows = append(rows, accountRows()...)
	rows = append(rows, onboardingRows()...) // 入驻, 商家信息 and 入驻审核 (onboarding_authz_test.go)
	// 成员管理, invitations, admins and the audit log (members_authz_test.go).
	memberRows, inviteRows, adminMemberRows := membersRows()
	rows = append(rows, inviteRows...)
	rows = append(rows, memberRows...)
	rows = append(rows, adminMemberRows...)
	return withMembers(append(rows, []authzRow{
		// Public pages.
		{method: "GET", route: "/", path: fixed("/"), want: everyone(ok)},
		{method: "GET", route: "/products/:id", path: func(f fixtures) string { return "/products/" + itoa(f.product.ID) }, want: everyone(ok)},
		{method: "GET", route: "/products/:id", name: "delisted", path: func(f fixtures) string { return "/products/" + itoa(f.delisted.ID) }, want: everyone(notFound),
			secrets: func(f fixtures) []string { return []string{f.delisted.Name, f.delisted.Code} }},
		{method: "GET", route: "/products/:id", name: "malformed id", path: fixed("/products/abc"), want: everyone(notFound)},
		{method: "GET", route: "/login", path: fixed("/login"), want: loggedInLogin},
		{method: "POST", route: "/login", name: "empty form", path: fixed("/login"), form: func(fixtures) url.Values { return url.Values{} }, want: everyone(http.StatusUnprocessableEntity)},

		// Buyer console.
		{method: "GET", route: "/console/services", path: fixed("/console/services"), want: buyersOnly(ok, ok)},
		{method: "GET", route: "/console/services/:id", path: func(f fixtures) string { return "/console/services/" + itoa(f.service.ID) },
			want: buyersOnly(ok, notFound), secrets: serviceSecrets},
		{method: "POST", route: "/console/services/:id/renew", path: func(f fixtures) string { return "/console/services/" + itoa(f.service.ID) + "/renew" },
			form: renewForm, want: buyersOnly(see, notFound), secrets: serviceSecrets},
		// 变更规格 (upgrade_test.go): the page for its owner; an empty form is refused in place.
		{method: "GET", route: "/console/services/:id/upgrade", path: func(f fixtures) string { return "/console/services/" + itoa(f.service.ID) + "/upgrade" },
			want: buyersOnly(ok, notFound), secrets: serviceSecrets},
		{method: "POST", route: "/console/services/:id/upgrade", path: func(f fixtures) string { return "/console/services/" + itoa(f.service.ID) + "/upgrade" },
			form: empty, want: buyersOnly(http.StatusUnprocessableEntity, notFound), secrets: serviceSecrets},
		// The demo service has no login information yet: 404 for its owner too, never another's.
		{method: "POST", route: "/console/services/:id/credential", path: func(f fixtures) string { return "/console/services/" + itoa(f.service.ID) + "/credential" },
			form: func(fixtures) url.Values { return url.Values{} }, want: buyersOnly(notFound, notFound), secrets: serviceSecrets},
		// 在线开通License on buyer's License service: the list, applying, the issued file.
		{method: "GET", route: "/console/services/:id/licenses", path: licensePath(""), want: buyersOnly(ok, notFound), secrets: licenseSecrets},
		{method: "POST", route: "/console/services/:id/licenses", path: licensePath(""), form: licenseForm, want: buyersOnly(see, notFound), secrets: licenseSecrets},
		{method: "GET", route: "/console/services/:id/licenses/:lid/file", path: func(f fixtures) string { return licensePath("/" + itoa(f.licenseApp.ID) + "/file")(f) },
			want: buyersOnly(ok, notFound), secrets: licenseSecrets},
		// 启动部署 (deploy_test.go): the owner delegates first, revokes last.
		{method: "POST", route: "/console/services/:id/deploy/delegation", path: deployPath("/deploy/delegation"), form: empty, want: buyersOnly(see, notFound), secrets: deploySecrets},
		{method: "GET", route: "/console/services/:id/deploy", path: deployPath("/deploy"), want: buyersOnly(ok, notFound), secrets: deploySecrets},
		{method: "GET", route: "/console/services/:id/deploy", name: "not deployable", path: func(f fixtures) string { return "/console/services/" + itoa(f.service.ID) + "/deploy" },
			want: buyersOnly(notFound, notFound), secrets: serviceSecrets},
		{method: "GET", route: "/console/services/:id/deploy/resources", path: deployPath("/deploy/resources?region=cn-east-3"), want: buyersOnly(ok, notFound), secrets: deploySecrets},
		{method: "POST", route: "/console/services/:id/deploy/review", path: deployPath("/deploy/review"), form: empty, want: buyersOnly(ok, notFound), secrets: deploySecrets},
		{method: "POST", route: "/console/services/:id/deploy", path: deployPath("/deploy"), form: empty, want: buyersOnly(http.StatusUnprocessableEntity, notFound), secrets: deploySecrets},
		{method: "GET", route: "/console/services/:id/deployments/:did", path: deploymentPath(""), want: buyersOnly(ok, notFound), secrets: deploySecrets},
		{method: "GET", route: "/console/services/:id/deployments/:did/progress", path: deploymentPath("/progress"), want: buyersOnly(ok, notFound), secrets: deploySecrets},
		{method: "POST", route: "/console/services/:id/deployments/:did/retry", path: deploymentPath("/retry"), form: empty, want: buyersOnly(see, notFound), secrets: deploySecrets},
		{method: "POST", route: "/console/services/:id/deploy/delegation/revoke", path: deployPath("/deploy/delegation/revoke"), form: empty, want: buyersOnly(see, notFound), secrets: deploySecrets},
		{method: "GET", route: "/console/orders", path: fixed("/console/orders"), want: buyersOnly(ok, ok), secrets: orderSecrets},
		{method: "GET", route: "/console/orders/:id", path: func(f fixtures) string { return "/console/orders/" + itoa(f.order.ID) },
			want: buyersOnly(ok, notFound), secrets: orderSecrets},
		{method: "POST", route: "/console/orders", path: fixed("/console/orders"), form: buyForm, want: buyersOnly(see, see)},
		// 退订 (refunds_authz_test.go): the CRM service is not refundable (a renewal of a no-reason
		// product): 422 for its owner. The withdrawal comes after every other buyer row on it.
		{method: "GET", route: "/console/services/:id/refund", path: refundServicePath, want: buyersOnly(ok, notFound), secrets: serviceSecrets},
		{method: "POST", route: "/console/services/:id/refund", path: refundServicePath, form: empty, want: buyersOnly(http.StatusUnprocessableEntity, notFound), secrets: serviceSecrets},
		{method: "GET", route: "/console/refunds", path: fixed("/console/refunds"), want: buyersOnly(ok, ok), secrets: refundSecrets},
		{method: "GET", route: "/console/refunds/:id", path: refundPath("/console", ""), want: buyersOnly(ok, notFound), secrets: refundSecrets},
		{method: "GET", route: "/console/attachments/:id", path: refundFilePath("/console"), want: buyersOnly(ok, notFound), secrets: refundSecrets},
		{method: "POST", route: "/console/refunds/:id/withdraw", path: refundPath("/console", "/withdraw"), form: empty, want: buyersOnly(see, notFound), secrets: refundSecrets},
		{method: "GET", route: "/console/favorites", path: fixed("/console/favorites"), want: buyersOnly(ok, ok),
			secrets: func(f fixtures) []string { return []string{f.favorite.Name} }},
		{method: "POST", route: "/console/favorites", path: fixed("/console/favorites"),
			form: func(f fixtures) url.Values { return url.Values{"product_id": {itoa(f.product.ID)}} }, want: buyersOnly(see, see)},
		{method: "POST", route: "/console/favorites/:id/delete", path: func(f fixtures) string { return "/console/favorites/" + itoa(f.favorite.ID) + "/delete" },
			form: func(fixtures) url.Values { return url.Values{} }, want: buyersOnly(see, see)},
		// Buyer console: in-site messages of buyer@demo.test.
		{method: "GET", route: "/console/notices", path: fixed("/console/notices"), want: buyersOnly(ok, ok), secrets: buyerNoticeSecrets},
		{method: "POST", route: "/console/notices/:id/read", path: func(f fixtures) string { return "/console/notices/" + itoa(f.buyerNotice.ID) + "/read" },
			form: empty, want: buyersOnly(see, notFound), secrets: buyerNoticeSecrets},
		{method: "POST", route: "/console/notices/:id/read", name: "open the link", path: func(f fixtures) string { return "/console/notices/" + itoa(f.buyerNotice.ID) + "/read?open=1" },
			form: empty, want: buyersOnly(see, notFound), secrets: buyerNoticeSecrets},
		{method: "POST", route: "/console/notices/read-all", path: fixed("/console/notices/read-all"), form: empty, want: buyersOnly(see, see)},
		{method: routeNotFound, route: "/console", path: fixed("/console"), want: buyersOnly(notFound, notFound)},
		{method: routeNotFound, route: "/console/*", path: fixed("/console/no-such-page"), want: buyersOnly(notFound, notFound)},

		// Seller center.
		{method: "GET", route: "/seller", path: fixed("/seller"), want: sellersOnly(ok, ok)},
		{method: "GET", route: "/seller/products", path: fixed("/seller/products"), want: sellersOnly(ok, ok)},
		// 我的商品: seller company 1's on-sale product; refused or stale changes alter nothing.
		{method: "GET", route: "/seller/products/new", path: fixed("/seller/products/new"), want: sellersOnly(ok, ok)},
		{method: "GET", route: "/seller/products/new", name: "copy", path: func(f fixtures) string { return "/seller/products/new?from=" + itoa(f.product.ID) },
			want: sellersOnly(ok, notFound), secrets: productSecrets},
		{method: "POST", route: "/seller/products", path: fixed("/seller/products"), form: empty, want: sellersOnly(http.StatusUnprocessableEntity, http.StatusUnprocessableEntity)},
		{method: "GET", route: "/seller/products/:id", path: sellerProductPath(""), want: sellersOnly(ok, notFound), secrets: productSecrets},
		{method: "GET", route: "/seller/products/:id/edit", path: sellerProductPath("/edit"), want: sellersOnly(ok, notFound), secrets: productSecrets},
		{method: "POST", route: "/seller/products/:id", path: sellerProductPath(""), form: empty, want: sellersOnly(http.StatusUnprocessableEntity, notFound)},
		{method: "POST", route: "/seller/products/:id/submit", path: sellerProductPath("/submit"), form: empty, want: sellersOnly(see, notFound)},
		{method: "POST", route: "/seller/products/:id/withdraw", path: sellerProductPath("/withdraw"), form: empty, want: sellersOnly(see, notFound)},
		{method: "POST", route: "/seller/products/:id/discard", path: sellerProductPath("/discard"), form: empty, want: sellersOnly(see, notFound)},
		{method: "POST", route: "/seller/products/:id/relist", path: sellerProductPath("/relist"), form: empty, want: sellersOnly(see, notFound)},
		// 订单通知配置: an empty form is refused; seller company 1's configuration is its own.
		{method: "GET", route: "/seller/notify", path: fixed("/seller/notify"), want: sellersOnly(ok, ok),
			secrets: func(f fixtures) []string { return []string{f.address.URL} }},
		{method: "POST", route: "/seller/notify", path: fixed("/seller/notify"), form: empty, want: sellersOnly(http.StatusUnprocessableEntity, http.StatusUnprocessableEntity)},
		{method: "POST", route: "/seller/notify/:id/delete", path: func(f fixtures) string { return "/seller/notify/" + itoa(f.notifyConfig.ID) + "/delete" },
			form: empty, want: sellersOnly(see, notFound), consumed: true},
		// Unlisting is tried on seller company 2's delisted product: only operations lift that.
		{method: "POST", route: "/seller/products/:id/unlist", path: func(f fixtures) string { return "/seller/products/" + itoa(f.delisted.ID) + "/unlist" },
			form: empty, want: map[actor]int{anon: see, buyer: http.StatusForbidden, buyer2: http.StatusForbidden, seller: notFound, seller2: see, admin: http.StatusForbidden}},
		{method: "GET", route: "/seller/orders", path: fixed("/seller/orders"), want: sellersOnly(ok, ok), secrets: orderSecrets},
		// Seller center: in-site messages of seller company 1.
		{method: "GET", route: "/seller/notices", path: fixed("/seller/notices"), want: sellersOnly(ok, ok), secrets: sellerNoticeSecrets},
		{method: "POST", route: "/seller/notices/:id/read", path: func(f fixtures) string { return "/seller/notices/" + itoa(f.sellerNotice.ID) + "/read" },
			form: empty, want: sellersOnly(see, notFound), secrets: sellerNoticeSecrets},
		{method: "POST", route: "/seller/notices/read-all", path: fixed("/seller/notices/read-all"), form: empty, want: sellersOnly(see, see)},
		{method: routeNotFound, route: "/seller", path: fixed("/seller"), want: sellersOnly(ok, ok)},
		{method: routeNotFound, route: "/seller/*", path: fixed("/seller/no-such-page"), want: sellersOnly(notFound, notFound)},

		// Seller center: keys and production addresses of seller company 1.
		{method: "GET", route: "/seller/keys", path: fixed("/seller/keys"), want: sellersOnly(ok, ok), secrets: keySecrets},
		{method: "POST", route: "/seller/keys", path: fixed("/seller/keys"), form: func(fixtures) url.Values { return url.Values{"name": {"authz " + randKey()}} },
			want: sellersOnly(ok, ok), secrets: keySecrets},
		{method: "POST", route: "/seller/keys/:id/reveal", path: func(f fixtures) string { return "/seller/keys/" + itoa(f.key.ID) + "/reveal" },
			form: empty, want: sellersOnly(ok, notFound), secrets: keySecrets},
		{method: "POST", route: "/seller/keys/:id/hide", path: func(f fixtures) string { return "/seller/keys/" + itoa(f.key.ID) + "/hide" },
			form: empty, want: sellersOnly(ok, notFound), secrets: keySecrets},
		{method: "GET", route: "/seller/addresses", path: fixed("/seller/addresses"), want: sellersOnly(ok, ok), secrets: addressSecrets},
		{method: "POST", route: "/seller/addresses", path: fixed("/seller/addresses"),
			form: func(fixtures) url.Values {
				keySeq++
				return url.Values{"url": {fmt.Sprintf("http://127.0.0.1:%d", 20000+keySeq)}}
			}, want: sellersOnly(see, see), secrets: addressSecrets},
		{method: "GET", route: "/seller/addresses/:id", path: addressPath(""), want: sellersOnly(ok, notFound), secrets: addressSecrets},
		{method: "POST", route: "/seller/addresses/:id/certify", path: addressPath("/certify"),
			form: func(f fixtures) url.Values { return url.Values{"key_id": {itoa(f.key.ID)}} }, want: sellersOnly(see, notFound), secrets: addressSecrets},
		{method: "POST", route: "/seller/addresses/:id/bindings", path: addressPath("/bindings"),
			form: func(f fixtures) url.Values { return url.Values{"iface": {"basic"}, "key_id": {itoa(f.key.ID)}} }, want: sellersOnly(see, notFound), secrets: addressSecrets},
		// Debugging and debug cases against seller company 1's address, key and case.
		{method: "GET", route: "/seller/debug", path: fixed("/seller/debug"), want: sellersOnly(ok, ok), secrets: addressSecrets},
		{method: "GET", route: "/seller/debug", name: "another seller's address", path: func(f fixtures) string { return "/seller/debug?address=" + itoa(f.address.ID) },
			want: sellersOnly(ok, notFound), secrets: addressSecrets},
		{method: "GET", route: "/seller/debug", name: "another seller's case", path: func(f fixtures) string { return "/seller/debug?case=" + itoa(f.debugCase.ID) },
			want: sellersOnly(ok, notFound), secrets: caseSecrets},
		{method: "POST", route: "/seller/debug/preview", path: fixed("/seller/debug/preview"), form: debugForm,
			want: sellersOnly(http.StatusUnprocessableEntity, notFound), secrets: addressSecrets}, // not certified: nothing to sign
		{method: "POST", route: "/seller/debug/run", path: fixed("/seller/debug/run"), form: debugForm,
			want: sellersOnly(http.StatusUnprocessableEntity, notFound), secrets: addressSecrets},
		{method: "POST", route: "/seller/debug/save", path: fixed("/seller/debug/save"), form: debugForm,
			want: sellersOnly(http.StatusUnprocessableEntity, notFound), secrets: addressSecrets},
		{method: "GET", route: "/seller/debug/signature", path: fixed("/seller/debug/signature"), want: sellersOnly(ok, ok), secrets: keySecrets},
		{method: "POST", route: "/seller/debug/signature", path: fixed("/seller/debug/signature"),
			form: func(f fixtures) url.Values { return url.Values{"key_id": {itoa(f.key.ID)}, "url": {""}, "body": {""}} },
			want: sellersOnly(http.StatusUnprocessableEntity, http.StatusUnprocessableEntity), secrets: keySecrets},
		{method: "GET", route: "/seller/debug/cases", path: fixed("/seller/debug/cases"), want: sellersOnly(ok, ok), secrets: caseSecrets},
		{method: "GET", route: "/seller/debug/cases/:id", path: casePath(""), want: sellersOnly(ok, notFound), secrets: caseSecrets},
		{method: "POST", route: "/seller/debug/cases/:id/rerun", path: casePath("/rerun"), form: empty, want: sellersOnly(see, notFound), secrets: caseSecrets},
		{method: "POST", route: "/seller/debug/cases/rerun", path: fixed("/seller/debug/cases/rerun"), form: empty, want: sellersOnly(see, see)},
		{method: "POST", route: "/seller/debug/cases/:id/delete", path: casePath("/delete"), form: empty, want: sellersOnly(see, notFound), secrets: caseSecrets, consumed: true},

		// 生产接口消息: seller company 1's calls.
		{method: "GET", route: "/seller/calls", path: fixed("/seller/calls"), want: sellersOnly(ok, ok),
			secrets: func(f fixtures) []string { return []string{f.product.Name, "authz-call-marker-6631"} }},
		{method: "GET", route: "/seller/calls/:id", path: callPath("/seller", ""), want: sellersOnly(ok, notFound), secrets: callSecrets},
		{method: "POST", route: "/seller/calls/:id/restart", path: callPath("/seller", "/restart"), form: empty, want: sellersOnly(see, notFound), secrets: callSecrets},
		{method: "POST", route: "/seller/calls/:id/replay", path: callPath("/seller", "/replay"), form: empty, want: sellersOnly(see, notFound), secrets: callSecrets},
		// 退订管理: seller company 1's queue; a decision without a review opinion changes nothing (422).
		{method: "GET", route: "/seller/refunds", path: fixed("/seller/refunds"), want: sellersOnly(ok, ok), secrets: refundSecrets},
		{method: "GET", route: "/seller/refunds/:id", path: refundPath("/seller", ""), want: sellersOnly(ok, notFound), secrets: refundSecrets},
		{method: "POST", route: "/seller/refunds/:id/approve", path: refundPath("/seller", "/approve"), form: empty, want: sellersOnly(http.StatusUnprocessableEntity, notFound), secrets: refundSecrets},
		{method: "POST", route: "/seller/refunds/:id/reject", path: refundPath("/seller", "/reject"), form: empty, want: sellersOnly(http.StatusUnprocessableEntity, notFound), secrets: refundSecrets},
		{method: "GET", route: "/seller/attachments/:id", path: refundFilePath("/seller"), want: sellersOnly(ok, notFound), secrets: refundSecrets},

		// 结算: each seller company sees its own orders and statements (settlement_authz_test.go).
		{method: "GET", route: "/seller/settlement", path: fixed("/seller/settlement"), want: sellersOnly(ok, ok)},
		{method: "GET", route: "/seller/settlement/statements/:month", path: sellerStatementPath(""), want: sellersOnly(ok, ok)},
		{method: "GET", route: "/seller/settlement/statements/:month", name: "malformed month", path: fixed("/seller/settlement/statements/2026-13"), want: sellersOnly(notFound, notFound)},
		{method: "GET", route: "/seller/settlement/statements/:month/export", path: sellerStatementPath("/export"), want: sellersOnly(ok, ok)},

		// Deleting comes after every other use of the key and the address.
		{method: "POST", route: "/seller/keys/:id/delete", path: func(f fixtures) string { return "/seller/keys/" + itoa(f.key.ID) + "/delete" },
			form: empty, want: sellersOnly(see, notFound), secrets: keySecrets, consumed: true},
		{method: "POST", route: "/seller/addresses/:id/delete", path: addressPath("/delete"), form: empty, want: sellersOnly(see, notFound), secrets: addressSecrets, consumed: true},

		// The open API authenticates by AK/SK signature, never by session.
		{method: "GET", route: "/api/mkp-openapi-public/global/v1/order/query", path: fixed("/api/mkp-openapi-public/global/v1/order/query?orderId=CS0000000000AAAAA"),
			want: everyone(http.StatusUnauthorized)},
		{method: "POST", route: "/api/mkp-openapi-public/global/v1/market-event/:event_id/file",
			path: func(f fixtures) string {
				return "/api/mkp-openapi-public/global/v1/market-event/" + f.licenseApp.EventID + "/file"
			},
			form: func(fixtures) url.Values { return url.Values{"json": {`{"type":"CHARACTERS","characters":"x"}`}} }, want: everyone(http.StatusUnauthorized)},

		// Operations.
		{method: "GET", route: "/admin", path: fixed("/admin"), want: adminsOnly(ok)},
		{method: routeNotFound, route: "/admin", path: fixed("/admin"), want: adminsOnly(ok)},
		{method: routeNotFound, route: "/admin/*", path: fixed("/admin/no-such-page"), want: adminsOnly(notFound)},
		// Operations: every seller's calls, and the products (a sale action without a reason
		// changes nothing: 422).
		{method: "GET", route: "/admin/calls", path: fixed("/admin/calls"), want: adminsOnly(ok)},
		{method: "GET", route: "/admin/calls/:id", path: callPath("/admin", ""), want: adminsOnly(ok)},
		{method: "POST", route: "/admin/calls/:id/restart", path: callPath("/admin", "/restart"), form: empty, want: adminsOnly(see)},
		{method: "POST", route: "/admin/calls/:id/replay", path: callPath("/admin", "/replay"), form: empty, want: adminsOnly(see)},
		{method: "GET", route: "/admin/products", path: fixed("/admin/products"), want: adminsOnly(ok)},
		{method: "GET", route: "/admin/products/:id", path: func(f fixtures) string { return "/admin/products/" + itoa(f.product.ID) }, want: adminsOnly(ok)},
		{method: "POST", route: "/admin/products/:id/freeze", path: func(f fixtures) string { return "/admin/products/" + itoa(f.product.ID) + "/freeze" },
			form: empty, want: adminsOnly(http.StatusUnprocessableEntity)},
		{method: "POST", route: "/admin/products/:id/delist", path: func(f fixtures) string { return "/admin/products/" + itoa(f.product.ID) + "/delist" },
			form: empty, want: adminsOnly(http.StatusUnprocessableEntity)},
		{method: "POST", route: "/admin/products/:id/relist", path: func(f fixtures) string { return "/admin/products/" + itoa(f.delisted.ID) + "/relist" },
			form: empty, want: adminsOnly(http.StatusUnprocessableEntity)},
		// 商品审核 (admin_reviews_test.go): a rejection without a reason changes nothing (422);
		// approving a draft that was never submitted is stale (303 with a message).
		{method: "GET", route: "/admin/products/reviews", path: fixed("/admin/products/reviews"), want: adminsOnly(ok)},
		{method: "GET", route: "/admin/products/reviews/:id", path: reviewPath(false, ""), want: adminsOnly(ok)},
		{method: "POST", route: "/admin/products/reviews/:id/reject", path: reviewPath(false, "/reject"), form: empty, want: adminsOnly(http.StatusUnprocessableEntity)},
		{method: "POST", route: "/admin/products/reviews/:id/approve", path: reviewPath(true, "/approve"), form: empty, want: adminsOnly(see)},
		// Operations read every refund request, record and attachment.
		{method: "GET", route: "/admin/refunds", path: fixed("/admin/refunds"), want: adminsOnly(ok)},
		{method: "GET", route: "/admin/refunds", name: "records", path: fixed("/admin/refunds?view=records"), want: adminsOnly(ok)},
		{method: "GET", route: "/admin/refunds/:id", path: refundPath("/admin", ""), want: adminsOnly(ok)},
		{method: "GET", route: "/admin/attachments/:id", path: refundFilePath("/admin"), want: adminsOnly(ok)},
		// Operations read every seller's statements; the repayment switch on an already repaid order
		// changes nothing (a stale change: 303 with a message).
		{method: "GET", route: "/admin/settlement", path: fixed("/admin/settlement"), want: adminsOnly(ok)},
		{method: "GET", route: "/admin/settlement/statements/:seller/:month", path: adminStatementPath(""), want: adminsOnly(ok)},
		{method: "GET", route: "/admin/settlement/statements/:seller/:month/export", path: adminStatementPath("/export"), want: adminsOnly(ok)},
		{method: "POST", route: "/admin/settlement/orders/:id/repayment", path: creditRepaymentPath, form: func(fixtures) url.Values { return url.Values{"to": {"repaid"}} }, want: adminsOnly(see)},

		// Last: they end every actor's session (signing out from an invitation comes back to it).
		{method: "POST", route: "/invite/signout", path: fixed("/invite/signout"), form: func(f fixtures) url.Values { return url.Values{"token": {f.members.inviteRaw}} }, want: everyone(see)},
		{method: "POST", route: "/logout", path: fixed("/logout"), form: func(fixtures) url.Values { return url.Values{} }, want: everyone(see)},
	}...))
}

// ignoredRoute is infrastructure outside the matrix.
func ignoredRoute(path string) bool {
	return path == "/healthz" || path == "/metrics" || path == "/static" || strings.HasPrefix(path, "/static/")
}

// TestAuthzMatrixCoversEveryRoute fails when a registered route has no row in the matrix.
func TestAuthzMatrixCoversEveryRoute(t *testing.T) {
	srv := apptest.Start(t, apptest.Options{})
	have := map[string]bool{}
	for _, r := range authzRows() {
		have[r.method+" "+r.route] = true
	}
	var missing []string
	for _, r := range srv.App.Echo.Routes() {
		if ignoredRoute(r.Path) {
			continue
		}
		if !have[r.Method+" "+r.Path] {
			missing = append(missing, r.Method+" "+r.Path)
		}
		delete(have, r.Method+" "+r.Path)
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("route %s has no row in authzRows (e2e/authz_test.go): say who may use it", m)
	}
	for k := range have {
		t.Errorf("authzRows has a row for %s, which is no longer registered", k)
	}
}

// fingerprint sums up the data the matrix could damage: every table's row count and the
// owners' data, so "nothing changed" is one comparison (and one query).
type fingerprint struct {
	Orders, Instances, Favorites, Keys, Addresses, Bindings int64
	BuyerOrders, BuyerFavorites                             int64
	ServiceExpire                                           string
	ServiceStatus                                           string
	SellerKeys, SellerAddresses, SellerCases                int64
	AddressStatus                                           string
	BuyerUnread, SellerUnread                               int64 // in-site messages
}

func takeFingerprint(t *testing.T, srv *apptest.Server, f fixtures) fingerprint {
	t.Helper()
	var fp fingerprint
	noErr(t, srv.App.Store.DB().Raw(`SELECT
		(SELECT COUNT(*) FROM orders) AS orders,
		(SELECT COUNT(*) FROM instances) AS instances,
		(SELECT COUNT(*) FROM favorites) AS favorites,
		(SELECT COUNT(*) FROM access_keys) AS `+"`keys`"+`,
		(SELECT COUNT(*) FROM production_addresses) AS addresses,
		(SELECT COUNT(*) FROM key_bindings) AS bindings,
		(SELECT COUNT(*) FROM orders WHERE buyer_id = ?) AS buyer_orders,
		(SELECT COUNT(*) FROM favorites WHERE user_id = ?) AS buyer_favorites,
		(SELECT expire_at FROM instances WHERE id = ?) AS service_expire,
		(SELECT status FROM instances WHERE id = ?) AS service_status,
		(SELECT COUNT(*) FROM access_keys WHERE seller_id = ?) AS seller_keys,
		(SELECT COUNT(*) FROM production_addresses WHERE seller_id = ?) AS seller_addresses,
		(SELECT COUNT(*) FROM debug_cases WHERE seller_id = ?) AS seller_cases,
		(SELECT COALESCE(MAX(status), '') FROM production_addresses WHERE id = ?) AS address_status,
		(SELECT COUNT(*) FROM notices WHERE user_id = ? AND `+"`read`"+` = ?) AS buyer_unread,
		(SELECT COUNT(*) FROM notices WHERE seller_id = ? AND `+"`read`"+` = ?) AS seller_unread`,
		f.buyerID, f.buyerID, f.service.ID, f.service.ID, f.sellerID, f.sellerID, f.sellerID, f.address.ID,
		f.buyerID, false, f.sellerID, false).Scan(&fp).Error)
	if fp.ServiceExpire == "" || fp.Orders == 0 {
		t.Fatalf("fingerprint query found nothing: %+v", fp)
	}
	return fp
}

// buyerPart is what must never change through anyone but buyer@demo.test.
func (fp fingerprint) buyerPart() string {
	return fmt.Sprintf("orders=%d favorites=%d expire=%s status=%s unread notices=%d", fp.BuyerOrders, fp.BuyerFavorites, fp.ServiceExpire, fp.ServiceStatus, fp.BuyerUnread)
}

// sellerPart is what must never change through anyone but seller@demo.test.
func (fp fingerprint) sellerPart() string {
	return fmt.Sprintf("keys=%d addresses=%d cases=%d address status=%q unread notices=%d", fp.SellerKeys, fp.SellerAddresses, fp.SellerCases, fp.AddressStatus, fp.SellerUnread)
}

// loginClients logs in one client per actor (the anonymous one fetches a page for its token).
func loginClients(t *testing.T, srv *apptest.Server) map[actor]*apptest.Client {
	clients := map[actor]*apptest.Client{}
	for _, a := range actors {
		c := srv.Client(t)
		if a == anon {
			c.Get("/login")
		} else {
			c.Login(actorEmail[a])
		}
		clients[a] = c
	}
	return clients
}

func TestAuthzMatrix(t *testing.T) {
	for _, d := range apptest.Dialects {
		t.Run(string(d), func(t *testing.T) { runAuthzMatrix(t, d) })
	}
}

func runAuthzMatrix(t *testing.T, d sqldb.Dialect) {
	srv := apptest.Start(t, apptest.Options{Dialect: d})
	f := loadFixtures(t, srv)
	clients := loginClients(t, srv)

	// First every POST without a CSRF token, and with a forged one: 403 for everyone, nothing
	// changed, the session intact (logout without a token does not log out).
	before := takeFingerprint(t, srv, f)
	for _, r := range authzRows() {
		if r.method != http.MethodPost || strings.HasPrefix(r.route, "/api/") {
			continue // the open API has no session and no CSRF token: its signature guards it
		}
		for _, a := range actors {
			c := clients[a]
			form := r.form(f)
			for _, variant := range []string{"missing", "forged"} {
				form.Del("_csrf")
				if variant == "forged" {
					form.Set("_csrf", "forged-token-forged-token-forged")
				}
				res := c.PostRaw(r.path(f), form)
				if res.Status != http.StatusForbidden {
					t.Errorf("%s as %s with %s CSRF token: status %d, want 403", r.label(), a, variant, res.Status)
				}
				assertNoLeak(t, r.label()+" as "+string(a), res)
			}
		}
	}
	if after := takeFingerprint(t, srv, f); after != before {
		t.Fatalf("POSTs without a valid CSRF token changed data: %+v → %+v", before, after)
	}
	for a, c := range clients {
		if a == anon {
			continue
		}
		if res := c.Get(actorHome[a]); res.Status != http.StatusOK {
			t.Fatalf("%s lost their session after token-less POSTs: GET %s = %d", a, actorHome[a], res.Status)
		}
	}

	// A cross-site browser request is refused even with the token.
	{
		c := clients[buyer]
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/console/favorites", strings.NewReader(url.Values{"product_id": {itoa(f.product.ID)}, "_csrf": {c.CSRFToken()}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		if res := c.Do(req); res.Status != http.StatusForbidden {
			t.Errorf("cross-site POST: status %d, want 403", res.Status)
		}
	}

	// Then the matrix proper.
	for _, r := range authzRows() {
		for _, a := range actors {
			c := clients[a]
			want := r.want[a]
			path := r.path(f)
			fpBefore := takeFingerprint(t, srv, f)
			var res apptest.Response
			if r.method == http.MethodPost {
				res = c.PostForm(path, r.form(f))
			} else {
				res = c.Get(path)
			}
			where := fmt.Sprintf("%s %s as %s", r.label(), path, a)
			if cc := res.Header.Get("Cache-Control"); a != anon && !strings.Contains(cc, "no-store") {
				t.Errorf("%s: Cache-Control %q, want no-store on every answer to a logged-in user", where, cc)
			}
			if res.Status != want {
				t.Errorf("%s: status %d, want %d", where, res.Status, want)
				continue
			}
			assertNoLeak(t, where, res)
			switch {
			case res.Status == http.StatusSeeOther && a == anon && r.route != "/logout" && r.route != "/invite/signout":
				wantLoc := "/login?next=" + url.QueryEscape(path)
				if r.method == http.MethodPost {
					wantLoc = "/login" // a form cannot be replayed after login
				}
				if loc := res.Header.Get("Location"); loc != wantLoc {
					t.Errorf("%s: Location %q, want %q", where, loc, wantLoc)
				}
			case res.Status == http.StatusSeeOther && r.route == "/login":
				if loc := res.Header.Get("Location"); loc != actorHome[a] {
					t.Errorf("%s: Location %q, want %q", where, loc, actorHome[a])
				}
			case res.Status == http.StatusForbidden || res.Status == http.StatusNotFound:
				if !strings.Contains(res.Body, `data-testid="error-page"`) || !strings.Contains(res.Body, fmt.Sprintf(`data-status="%d"`, res.Status)) {
					t.Errorf("%s: %d without the friendly error page", where, res.Status)
				}
			}
			// The owner's data (buyer@demo.test's orders and services, seller company 1's keys,
			// addresses and cases) is shown to its owner only, in no answer to anyone else.
			owner := buyer
			if strings.HasPrefix(r.route, "/seller") {
				owner = seller
			}
			if a != owner && !(owner == seller && coOwner(a, r.route)) && r.secrets != nil {
				for _, s := range r.secrets(f) {
					if s != "" && strings.Contains(res.Body, s) {
						t.Errorf("%s: the %d answer shows %s's %q", where, res.Status, owner, s)
					}
				}
			}
			fpAfter := takeFingerprint(t, srv, f)
			if a != buyer && fpAfter.buyerPart() != fpBefore.buyerPart() {
				t.Errorf("%s changed buyer@demo.test's data: %s → %s", where, fpBefore.buyerPart(), fpAfter.buyerPart())
			}
			if !coOwner(a, r.route) && fpAfter.sellerPart() != fpBefore.sellerPart() {
				t.Errorf("%s changed seller@demo.test's data: %s → %s", where, fpBefore.sellerPart(), fpAfter.sellerPart())
			}
			if (a == anon || a == admin || res.Status >= 400) && fpAfter != fpBefore {
				t.Errorf("%s changed data: %+v → %+v", where, fpBefore, fpAfter)
			}
		}
	}

	// htmx requests from anonymous visitors are sent to the login page with HX-Redirect.
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/console/orders", nil)
	req.Header.Set("HX-Request", "true")
	res := srv.Client(t).Do(req)
	if res.Status != http.StatusNoContent || !strings.HasPrefix(res.Header.Get("HX-Redirect"), "/login?next=") {
		t.Errorf("anonymous htmx GET: status %d, HX-Redirect %q", res.Status, res.Header.Get("HX-Redirect"))
	}
}

// leakMarkers are internals that must never reach a user: SQL, Go errors, stack traces.
var leakMarkers = []string{
	"SELECT ", "INSERT ", "UPDATE `", "no such table", "Error 1", "sql:", "gorm", "goroutine ", ".go:", "panic",
	"runtime error", "record not found", "stale state", "invalid input:", "csrf token", "code=", "message=",
	"strconv.", "invalid syntax", "out of range", "Duplicate entry", "UNIQUE constraint", "database is locked",
}

// randomTokens are the request id and CSRF token a page carries: random letters that may
// spell a marker by chance ("…gorm…"), so they are taken out before looking for leaks.
var randomTokens = regexp.MustCompile(`[A-Za-z0-9]{32}`)

// scrubTokens removes the page's random tokens.
func scrubTokens(body string) string { return randomTokens.ReplaceAllString(body, "") }

// assertNoLeak fails when an answer other than 2xx/3xx shows internals.
func assertNoLeak(t *testing.T, where string, res apptest.Response) {
	t.Helper()
	if res.Status < 400 {
		return
	}
	body := scrubTokens(res.Body)
	for _, m := range leakMarkers {
		if strings.Contains(body, m) {
			t.Errorf("%s: the %d page shows internals (%q)", where, res.Status, m)
		}
	}
}
