package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"koogallery/models"
	"koogallery/models/account"
	"koogallery/models/sqldb"
	"koogallery/views/layouts"
	"koogallery/views/members"
	"koogallery/web"
)

// SellerMembers serves 成员管理: the owner invites people by email with roles, changes
// members' roles and removes members. Its routes are the owners' (no seller area lists them).
type SellerMembers struct {
	accounts *account.Store
	store    *models.Store // the shared clock
}

// Routes registers /seller/members.
func (h *SellerMembers) Routes(g *echo.Group) {
	g.GET("/members", h.List)
	g.POST("/members/invite", h.Invite)
	g.POST("/members/invitations/:id/resend", h.Resend)
	g.POST("/members/invitations/:id/revoke", h.Revoke)
	g.POST("/members/:id/roles", h.SetRoles)
	g.POST("/members/:id/remove", h.Remove)
}

// membersURL is the members page.
const membersURL = "/seller/members"

// render shows the page with the company's members and open invitations around vm's forms.
func (h *SellerMembers) render(c echo.Context, status int, vm members.MembersVM) error {
	ctx := c.Request().Context()
	u := web.CurrentUser(c)
	list, err := h.accounts.Members(ctx, *u.SellerID)
	if err != nil {
		return err
	}
	joined, err := h.accounts.JoinedAt(ctx, *u.SellerID)
	if err != nil {
		return err
	}
	vm.Invitations, err = h.accounts.Invitations(ctx, *u.SellerID)
	if err != nil {
		return err
	}
	for _, m := range list {
		at, ok := joined[m.Email]
		if !ok { // the company's first owner, or a seeded member: with the company
			at = m.CreatedAt
			if u.Seller != nil && u.Seller.CreatedAt.After(at) {
				at = u.Seller.CreatedAt
			}
		}
		vm.Members = append(vm.Members, members.MemberRow{User: m, Joined: at})
	}
	vm.Self, vm.Now = u.ID, h.store.Now()
	if u.Seller != nil {
		vm.Company = u.Seller.Name
	}
	return web.Render(c, status, members.Members(vm), layouts.Seller(web.T(c, "nav.seller.members")))
}

// List shows the members page.
func (h *SellerMembers) List(c echo.Context) error {
	return h.render(c, http.StatusOK, members.MembersVM{})
}

type inviteInput struct {
	Email string   `form:"email"`
	Roles []string `form:"roles"`
}

// Invite mails an invitation; bad input shows the form again with what was typed.
func (h *SellerMembers) Invite(c echo.Context) error {
	var in inviteInput
	if err := c.Bind(&in); err != nil {
		return echo.ErrBadRequest
	}
	roles, _ := account.ParseMemberRoles(in.Roles)
	form := members.InviteForm{Email: clip(strings.TrimSpace(in.Email), 190), Roles: roles}
	err := h.accounts.InviteMember(c.Request().Context(), web.CurrentUser(c), in.Email, roles)
	if fe, ok := asFieldErrors(err); ok {
		form.Errors = translate(c, fe)
		return h.render(c, http.StatusUnprocessableEntity, members.MembersVM{Invite: form})
	}
	if errors.Is(err, account.ErrThrottled) {
		form.Errors = map[string]string{"form": web.T(c, "members.err.throttled", waitText(c, account.WaitOf(err)))}
		return h.render(c, http.StatusTooManyRequests, members.MembersVM{Invite: form})
	}
	if err != nil {
		return err
	}
	web.Flash(c, web.FlashSuccess, "members.invited")
	return web.SeeOther(c, membersURL)
}

// openInvitation finds one of the company's open invitations by the id in the path; another
// company's, or one used or cancelled, is not found.
func (h *SellerMembers) openInvitation(c echo.Context) (*account.Token, error) {
	list, err := h.accounts.Invitations(c.Request().Context(), web.SellerID(c))
	return pickByPathID(c, list, err, func(t *account.Token) uint { return t.ID })
}

// Resend invites the same address with the same roles again: a new link (valid for the full
// time again) replaces the old one.
func (h *SellerMembers) Resend(c echo.Context) error {
	t, err := h.openInvitation(c)
	if err != nil {
		return err
	}
	err = h.accounts.InviteMember(c.Request().Context(), web.CurrentUser(c), t.Email, t.Roles)
	if fe, ok := asFieldErrors(err); ok {
		for _, msg := range fe {
			web.Flash(c, web.FlashError, msg)
		}
		return web.SeeOther(c, membersURL)
	}
	if errors.Is(err, account.ErrThrottled) {
		web.Flash(c, web.FlashError, "members.err.throttled_later")
		return web.SeeOther(c, membersURL)
	}
	if err != nil {
		return err
	}
	web.Flash(c, web.FlashSuccess, "members.resent")
	return web.SeeOther(c, membersURL)
}

// Revoke cancels an open invitation: its link stops working. One accepted or cancelled
// meanwhile is said so.
func (h *SellerMembers) Revoke(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	u := web.CurrentUser(c)
	err = h.accounts.RevokeInvitation(c.Request().Context(), u.ID, *u.SellerID, id)
	switch {
	case errors.Is(err, sqldb.ErrStale):
		web.Flash(c, web.FlashInfo, "members.revoke_stale")
	case err != nil:
		return err
	default:
		web.Flash(c, web.FlashSuccess, "members.revoked")
	}
	return web.SeeOther(c, membersURL)
}

// member finds one of the company's members by the id in the path.
func (h *SellerMembers) member(c echo.Context) (*account.User, error) {
	list, err := h.accounts.Members(c.Request().Context(), web.SellerID(c))
	return pickByPathID(c, list, err, func(u *account.User) uint { return u.ID })
}

// SetRoles changes a member's roles. None chosen, or taking the last owner's role away, shows
// the page again with the member's form open and its message.
func (h *SellerMembers) SetRoles(c echo.Context) error {
	m, err := h.member(c)
	if err != nil {
		return err
	}
	var in struct {
		Roles []string `form:"roles"`
	}
	if err := c.Bind(&in); err != nil {
		return echo.ErrBadRequest
	}
	roles, _ := account.ParseMemberRoles(in.Roles)
	edit := members.RolesForm{MemberID: m.ID, Roles: roles}
	u := web.CurrentUser(c)
	err = h.accounts.SetMemberRoles(c.Request().Context(), *u.SellerID, m.ID, roles)
	switch fe, isFields := asFieldErrors(err); {
	case isFields:
		edit.Error = web.T(c, fe["roles"])
		return h.render(c, http.StatusUnprocessableEntity, members.MembersVM{Edit: edit})
	case errors.Is(err, account.ErrLastOwner):
		edit.Error = web.T(c, "members.err.last_owner_roles")
		return h.render(c, http.StatusUnprocessableEntity, members.MembersVM{Edit: edit})
	case err != nil:
		return err
	}
	web.Flash(c, web.FlashSuccess, "members.roles_saved")
	if m.ID == u.ID && !roles.Has(account.Owner) {
		return web.SeeOther(c, "/seller") // no longer an owner: this page is closed to them now
	}
	return web.SeeOther(c, membersURL)
}

// Remove takes a member out of the company (after the dialog that says what it does): their
// account stays, without the seller center from their next request on. The last owner stays.
func (h *SellerMembers) Remove(c echo.Context) error {
	m, err := h.member(c)
	if err != nil {
		return err
	}
	u := web.CurrentUser(c)
	err = h.accounts.RemoveMember(c.Request().Context(), *u.SellerID, m.ID)
	switch {
	case errors.Is(err, account.ErrLastOwner):
		web.Flash(c, web.FlashError, "members.err.last_owner_remove")
		return web.SeeOther(c, membersURL)
	case err != nil:
		return err
	}
	if m.ID == u.ID {
		web.Flash(c, web.FlashInfo, "members.removed_self")
		return web.SeeOther(c, "/")
	}
	web.Flash(c, web.FlashSuccess, "members.removed")
	return web.SeeOther(c, membersURL)
}
