// Package layouts holds the page frames: the public site, the buyer console, the seller center
// and the operations console, with their navigation.
package layouts

import (
	"strconv"
	"strings"

	"koogallery/models/account"
)

// NavItem is one link of a side navigation.
type NavItem struct {
	Key  string // i18n key of the label
	Href string
	// Exact: active only on this very path, not its sub-pages.
	Exact bool
	// Except are sub-pages that have their own item, so this one is not active on them.
	Except []string
	// Role is the member role a seller-center item needs (the same as its pages' area in the
	// seller-center route table); "" shows it to everyone who sees the navigation.
	Role account.MemberRole
}

// NavGroup is a titled group of links; an empty title shows the links ungrouped.
type NavGroup struct {
	Key   string
	Items []NavItem
}

// Active reports whether the item is the page at path.
func (i NavItem) Active(path string) bool {
	if i.Exact {
		return path == i.Href
	}
	for _, e := range i.Except {
		if path == e || strings.HasPrefix(path, e+"/") {
			return false
		}
	}
	return path == i.Href || strings.HasPrefix(path, i.Href+"/")
}

// ConsoleNav is the buyer console's (我的云商店) navigation.
var ConsoleNav = []NavGroup{
	{"", []NavItem{
		{Key: "nav.console.services", Href: "/console/services"},
		{Key: "nav.console.orders", Href: "/console/orders"},
		{Key: "nav.console.supervision", Href: "/console/supervision"},
		{Key: "nav.console.refunds", Href: "/console/refunds"},
		{Key: "nav.console.favorites", Href: "/console/favorites"},
		{Key: "nav.console.notices", Href: "/console/notices"},
	}},
	{"", []NavItem{{Key: "nav.console.apply", Href: "/seller/apply"}}},
}

// SellerNav is the seller center's (卖家中心) navigation: only the sections that exist, each
// item shown to the members whose roles may use it (owners see everything).
var SellerNav = []NavGroup{
	{"", []NavItem{{Key: "nav.seller.home", Href: "/seller", Exact: true}, {Key: "nav.seller.notices", Href: "/seller/notices"}}},
	{"nav.seller.group.tools", []NavItem{
		{Key: "nav.seller.addresses", Href: "/seller/addresses", Role: account.Developer},
		{Key: "nav.seller.keys", Href: "/seller/keys", Role: account.Developer},
		{Key: "nav.seller.debug", Href: "/seller/debug", Exact: true, Role: account.Developer},
		{Key: "nav.seller.debug_cases", Href: "/seller/debug/cases", Role: account.Developer},
		{Key: "nav.seller.notify", Href: "/seller/notify", Role: account.Developer},
	}},
	{"nav.seller.group.orders", []NavItem{{Key: "nav.seller.orders", Href: "/seller/orders", Role: account.Operations}, {Key: "nav.seller.refunds", Href: "/seller/refunds", Role: account.Operations}}},
	{"nav.seller.group.delivery", []NavItem{{Key: "nav.seller.supervision", Href: "/seller/supervision", Role: account.Operations}}},
	{"", []NavItem{{Key: "nav.seller.calls", Href: "/seller/calls", Role: account.Developer}}},
	{"nav.seller.group.products", []NavItem{{Key: "nav.seller.products", Href: "/seller/products", Role: account.Developer}}},
	{"nav.seller.group.settlement", []NavItem{{Key: "nav.seller.settlement", Href: "/seller/settlement", Role: account.Finance}}},
	{"nav.seller.group.account", []NavItem{
		{Key: "nav.seller.profile", Href: "/seller/profile", Role: account.Owner},
		{Key: "nav.seller.members", Href: "/seller/members", Role: account.Owner},
	}},
}

// AdminNav is the operations console's navigation.
var AdminNav = []NavGroup{
	{"", []NavItem{
		{Key: "nav.admin.home", Href: "/admin", Exact: true},
		{Key: "nav.admin.products", Href: "/admin/products", Except: []string{"/admin/products/reviews"}},
		{Key: "nav.admin.reviews", Href: "/admin/products/reviews"},
		{Key: "nav.admin.calls", Href: "/admin/calls"},
		{Key: "nav.admin.refunds", Href: "/admin/refunds"},
		{Key: "nav.admin.appeals", Href: "/admin/appeals"},
		{Key: "nav.admin.settlement", Href: "/admin/settlement"},
		{Key: "nav.admin.sellers", Href: "/admin/sellers"},
	}},
	{"nav.admin.group.accounts", []NavItem{
		{Key: "nav.admin.admins", Href: "/admin/admins"},
		{Key: "nav.admin.audit", Href: "/admin/audit"},
	}},
}

// Visible is the part of a navigation u may use: items whose role u lacks are left out, and
// so are groups left empty.
func Visible(nav []NavGroup, u *account.User) []NavGroup {
	out := make([]NavGroup, 0, len(nav))
	for _, g := range nav {
		items := make([]NavItem, 0, len(g.Items))
		for _, it := range g.Items {
			if it.Role == "" || u.Can(it.Role) {
				items = append(items, it)
			}
		}
		if len(items) > 0 {
			out = append(out, NavGroup{Key: g.Key, Items: items})
		}
	}
	return out
}

// NoticesHref is where a user reads their in-site messages (站内信): the buyer console or the
// seller center; "" for anyone who has none (anonymous visitors, admins).
func NoticesHref(u *account.User) string {
	switch {
	case u == nil:
		return ""
	case u.Role == account.RoleBuyer:
		return "/console/notices"
	case u.Role == account.RoleSeller && u.SellerID != nil:
		return "/seller/notices"
	}
	return ""
}

// AreaHome is where a user's own area starts: the seller center, the operations console or
// the buyer console.
func AreaHome(u *account.User) string {
	switch u.Role {
	case account.RoleSeller:
		return "/seller"
	case account.RoleAdmin:
		return "/admin"
	}
	return "/console/services"
}

// AreaKey is the i18n key of the name of a user's own area.
func AreaKey(u *account.User) string {
	switch u.Role {
	case account.RoleSeller:
		return "nav.seller"
	case account.RoleAdmin:
		return "nav.admin"
	}
	return "nav.console"
}

// unreadLabel is the bell's badge: the count, capped at 99+.
func unreadLabel(n int) string {
	if n > 99 {
		return "99+"
	}
	return strconv.Itoa(n)
}
