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

// AdminMembers serves operations' admins (管理员: invite and revoke) and the audit log (审计日志).
type AdminMembers struct {
	accounts *account.Store
	store    *models.Store // the shared clock
}

// Routes registers /admin/admins and /admin/audit.
func (h *AdminMembers) Routes(g *echo.Group) {
	g.GET("/admins", h.Admins)
	g.POST("/admins/invite", h.Invite)
	g.POST("/admins/invitations/:id/revoke", h.Revoke)
	g.GET("/audit", h.Audit)
}

const adminsURL = "/admin/admins"

func (h *AdminMembers) render(c echo.Context, status int, vm members.AdminsVM) error {
	ctx := c.Request().Context()
	list, err := h.accounts.Admins(ctx)
	if err != nil {
		return err
	}
	joined, err := h.accounts.JoinedAt(ctx, 0)
	if err != nil {
		return err
	}
	if vm.Invitations, err = h.accounts.Invitations(ctx, 0); err != nil {
		return err
	}
	for _, a := range list {
		at, ok := joined[a.Email]
		if !ok {
			at = a.CreatedAt
		}
		vm.Admins = append(vm.Admins, members.MemberRow{User: a, Joined: at})
	}
	vm.Self, vm.Now = web.UserID(c), h.store.Now()
	return web.Render(c, status, members.Admins(vm), layouts.Admin(web.T(c, "nav.admin.admins")))
}

// Admins lists the admins and their open invitations.
func (h *AdminMembers) Admins(c echo.Context) error {
	return h.render(c, http.StatusOK, members.AdminsVM{})
}

// Invite mails an admin invitation (audited); a bad address shows the form again.
func (h *AdminMembers) Invite(c echo.Context) error {
	email := c.FormValue("email")
	vm := members.AdminsVM{Email: clip(strings.TrimSpace(email), 190)}
	err := h.accounts.InviteAdmin(c.Request().Context(), web.CurrentUser(c), email)
	if fe, ok := asFieldErrors(err); ok {
		vm.EmailError = web.T(c, fe["email"])
		return h.render(c, http.StatusUnprocessableEntity, vm)
	}
	if errors.Is(err, account.ErrThrottled) {
		vm.EmailError = web.T(c, "members.err.throttled", waitText(c, account.WaitOf(err)))
		return h.render(c, http.StatusTooManyRequests, vm)
	}
	if err != nil {
		return err
	}
	web.Flash(c, web.FlashSuccess, "admins.invited")
	return web.SeeOther(c, adminsURL)
}

// Revoke cancels an open admin invitation (audited).
func (h *AdminMembers) Revoke(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	err = h.accounts.RevokeInvitation(c.Request().Context(), web.UserID(c), 0, id)
	switch {
	case errors.Is(err, sqldb.ErrStale):
		web.Flash(c, web.FlashInfo, "members.revoke_stale")
	case err != nil:
		return err
	default:
		web.Flash(c, web.FlashSuccess, "members.revoked")
	}
	return web.SeeOther(c, adminsURL)
}

// Audit shows the audit log: operations' decisions by default, or those of sellers, buyers or
// everyone, of one target type or all.
func (h *AdminMembers) Audit(c echo.Context) error {
	ctx := c.Request().Context()
	types, err := h.accounts.AuditTargetTypes(ctx)
	if err != nil {
		return err
	}
	vm := members.AuditVM{Role: string(account.RoleAdmin), Types: types}
	for _, r := range members.AuditRoles {
		if c.QueryParam("role") == r {
			vm.Role = r
		}
	}
	for _, t := range types {
		if c.QueryParam("type") == t {
			vm.Type = t
		}
	}
	f := account.AuditFilter{TargetType: vm.Type, Page: pageParam(c)}
	if vm.Role != "all" {
		f.ActorRole = account.Role(vm.Role)
	}
	if vm.Page, err = h.accounts.AuditLog(ctx, f); err != nil {
		return err
	}
	return web.Render(c, http.StatusOK, members.Audit(vm), layouts.Admin(web.T(c, "nav.admin.audit")))
}
