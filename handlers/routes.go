// Package handlers holds one file (or small group) per feature: bind the input, call the
// domain, render a view.
package handlers

import (
	"github.com/labstack/echo/v4"

	"koogallery/deploy"
	"koogallery/models"
	"koogallery/models/account"
	"koogallery/models/onboarding"
	"koogallery/publishing"
	"koogallery/sellerkit"
	"koogallery/views/layouts"
	"koogallery/web"
)

// Deps are what the handlers need.
type Deps struct {
	// Unread counts the top bar's unread messages; "mark read" refreshes it.
	Unread *UnreadCounter
	Store  *models.Store
	// Accounts keeps users, companies, sessions and mailed links.
	Accounts *account.Store
	// Onboarding keeps seller applications (入驻).
	Onboarding *onboarding.Store
	Keys       *sellerkit.Keys
	Kit        *sellerkit.Kit
	// Rules decide which production addresses are acceptable (loopback only in dev mode).
	Rules sellerkit.AddressRules
	// Deployer starts one-click License deployments and lists the buyer's cloud resources.
	Deployer *deploy.Runner
}

// publishing is the product publishing service: listing rules and submissions.
func (d Deps) publishing() *publishing.Service {
	return &publishing.Service{Store: d.Store, Rerun: &sellerkit.Rerunner{Store: d.Store, Keys: d.Keys, Kit: d.Kit}}
}

// SellerAreas says which member role each part of the seller center needs (owners may use
// all of it). A route no area covers is for owners only: the company's members and profile
// (/seller/members, /seller/profile), and any new page until it is given an area here.
var SellerAreas = []web.SellerArea{
	// Every member: the home (only the group's root, not all below it), in-site messages, and
	// the group's not-found catch-all, so an unknown page is 404 rather than 403.
	{Prefix: "/seller", Exact: true},
	{Prefix: "/seller/notices"},
	{Prefix: "/seller/*"},
	// Developers: 应用工具, 生产接口消息, products.
	{Prefix: "/seller/addresses", Role: account.Developer},
	{Prefix: "/seller/keys", Role: account.Developer},
	{Prefix: "/seller/debug", Role: account.Developer},
	{Prefix: "/seller/notify", Role: account.Developer},
	{Prefix: "/seller/calls", Role: account.Developer},
	{Prefix: "/seller/products", Role: account.Developer},
	// Operations: orders, refunds, supervision, and their files.
	{Prefix: "/seller/orders", Role: account.Operations},
	{Prefix: "/seller/refunds", Role: account.Operations},
	{Prefix: "/seller/supervision", Role: account.Operations},
	{Prefix: "/seller/attachments", Role: account.Operations},
	// Finance: settlement.
	{Prefix: "/seller/settlement", Role: account.Finance},
}

// Register adds every feature's routes: the public site, and the buyer, seller and
// operations areas, each guarded by its role.
func Register(e *echo.Echo, d Deps) {
	(&Auth{accounts: d.Accounts}).Routes(e)
	(&Signup{accounts: d.Accounts}).Routes(e)
	(&Account{accounts: d.Accounts}).Routes(e)
	(&Catalog{store: d.Store}).Routes(e)
	(&OpenAPI{store: d.Store, keys: d.Keys}).Routes(e)
	(&Invitations{accounts: d.Accounts, store: d.Store}).Routes(e)
	(&SellerApply{store: d.Store, onboarding: d.Onboarding}).Routes(e)

	console := e.Group("/console", web.RequireRole(account.RoleBuyer))
	(&Favorites{store: d.Store}).Routes(console)
	(&Orders{store: d.Store}).Routes(console)
	(&Notices{store: d.Store, base: "/console/notices", areaKey: "nav.console", areaURL: "/console/services", layout: layouts.Console, unread: d.Unread}).Routes(console)
	(&Services{store: d.Store, keys: d.Keys}).Routes(console)
	(&Deploy{store: d.Store, runner: d.Deployer}).Routes(console)
	(&Refunds{store: d.Store}).ConsoleRoutes(console)
	(&Supervision{store: d.Store}).ConsoleRoutes(console)
	(&Attachments{store: d.Store}).Routes(console)

	seller := e.Group("/seller", web.RequireRole(account.RoleSeller), web.RequireSellerArea(SellerAreas))
	(&SellerHome{store: d.Store}).Routes(seller)
	(&SellerProducts{store: d.Store, pub: d.publishing()}).Routes(seller)
	(&SellerNotify{store: d.Store}).Routes(seller)
	(&Notices{store: d.Store, base: "/seller/notices", areaKey: "nav.seller", areaURL: "/seller", layout: layouts.Seller, unread: d.Unread}).Routes(seller)
	(&SellerKeys{store: d.Store, keys: d.Keys}).Routes(seller)
	(&SellerAddresses{store: d.Store, keys: d.Keys, kit: d.Kit, rules: d.Rules}).Routes(seller)
	(&SellerDebug{store: d.Store, keys: d.Keys, kit: d.Kit}).Routes(seller)
	(&SellerCases{store: d.Store, keys: d.Keys, kit: d.Kit}).Routes(seller)
	(&SellerSignature{store: d.Store, keys: d.Keys, kit: d.Kit}).Routes(seller)
	(&Calls{store: d.Store}).Routes(seller)
	(&Refunds{store: d.Store}).SellerRoutes(seller)
	(&Supervision{store: d.Store}).SellerRoutes(seller)
	(&Settlement{store: d.Store}).SellerRoutes(seller)
	(&Attachments{store: d.Store}).Routes(seller)
	(&SellerMembers{accounts: d.Accounts, store: d.Store}).Routes(seller)
	(&SellerProfile{store: d.Store, accounts: d.Accounts, onboarding: d.Onboarding}).Routes(seller)

	sellers := &AdminSellers{store: d.Store, accounts: d.Accounts, onboarding: d.Onboarding}
	admin := e.Group("/admin", web.RequireRole(account.RoleAdmin), web.NavCounts(sellers.NavCounts))
	sellers.Routes(admin)
	(&AdminHome{store: d.Store}).Routes(admin)
	(&Calls{store: d.Store, admin: true}).Routes(admin)
	(&AdminProducts{store: d.Store}).Routes(admin)
	(&AdminReviews{store: d.Store, publishing: d.publishing()}).Routes(admin)
	(&Refunds{store: d.Store}).AdminRoutes(admin)
	(&Supervision{store: d.Store}).AdminRoutes(admin)
	(&Settlement{store: d.Store}).AdminRoutes(admin)
	(&Attachments{store: d.Store}).Routes(admin)
	(&AdminMembers{accounts: d.Accounts, store: d.Store}).Routes(admin)
}
