package handlers

import (
	"context"
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

// Invitations serves the page an invitation link opens (/invite): to a seller company with
// roles, or to operations. The invited address accepts while signed in, or signs up on the
// page; the link works once.
type Invitations struct {
	accounts *account.Store
	store    *models.Store // buyer orders: an account with any cannot join
}

// Routes registers /invite (public: the link is the proof).
func (h *Invitations) Routes(e *echo.Echo) {
	e.GET("/invite", h.Show)
	e.POST("/invite", h.Accept)
	e.POST("/invite/signout", h.SignOut)
}

type acceptInput struct {
	Token    string `form:"token"`
	Name     string `form:"name"`
	Phone    string `form:"phone"`
	Password string `form:"password"`
	Confirm  string `form:"confirm"`
}

// Show says who invites whom to what and offers the one step the visitor can take.
func (h *Invitations) Show(c echo.Context) error {
	raw := c.QueryParam("token")
	t, err := h.accounts.Invitation(c.Request().Context(), raw)
	if err != nil {
		return h.problem(c, t, err)
	}
	vm, err := h.page(c, raw, t)
	if err != nil {
		return err
	}
	return h.render(c, http.StatusOK, vm)
}

// page works out what the visitor of a working link can do.
func (h *Invitations) page(c echo.Context, raw string, t *account.Token) (members.InviteVM, error) {
	ctx := c.Request().Context()
	vm := members.InviteVM{Raw: raw, Invite: t, Current: web.CurrentUser(c)}
	u := vm.Current
	switch {
	case u == nil:
		_, err := h.accounts.UserByEmail(ctx, t.Email)
		switch {
		case err == nil:
			vm.State = members.InviteSignIn
		case errors.Is(err, sqldb.ErrNotFound):
			vm.State = members.InviteSignUp
		default:
			return vm, err
		}
	case account.NormalizeEmail(u.Email) != t.Email:
		vm.State = members.InviteOther
	default:
		refusal, err := h.refusal(c, ctx, t, u)
		if err != nil {
			return vm, err
		}
		vm.State, vm.Refusal = members.InviteAccept, refusal
		if refusal != "" {
			vm.State = members.InviteRefused
		}
	}
	return vm, nil
}

// refusal says why the invited, signed-in account cannot take the invitation's role ("" when
// it can): only a plain buyer account without orders may (the buyer console closes for seller
// and admin accounts, and their orders would be out of reach).
func (h *Invitations) refusal(c echo.Context, ctx context.Context, t *account.Token, u *account.User) (string, error) {
	admin := t.Purpose == account.PurposeAdminInvite
	switch {
	case u.Role == account.RoleAdmin && admin:
		return web.T(c, "invite.refused.already_admin"), nil
	case u.Role == account.RoleAdmin:
		return web.T(c, "invite.refused.admin"), nil
	case u.Role == account.RoleSeller && u.Seller != nil && t.SellerID != nil && u.Seller.ID == *t.SellerID:
		return web.T(c, "invite.refused.already_member", u.Seller.Name), nil
	case u.Role == account.RoleSeller && u.Seller != nil:
		return web.T(c, "invite.refused.seller", u.Seller.Name), nil
	case u.Role != account.RoleBuyer:
		return web.T(c, "invite.refused.other"), nil
	}
	n, err := h.store.BuyerOrderCount(ctx, u.ID)
	if err != nil || n == 0 {
		return "", err
	}
	if admin {
		return web.T(c, "invite.refused.orders_admin", n), nil
	}
	return web.T(c, "invite.refused.orders", n), nil
}

func (h *Invitations) render(c echo.Context, status int, vm members.InviteVM) error {
	title := web.T(c, "invite.title_admin")
	if !vm.Admin() {
		title = web.T(c, "invite.title", vm.Invite.Seller.Name)
	}
	return web.Render(c, status, members.Invite(vm), layouts.Public(title))
}

// problem shows why a link cannot be used. A used link whose invitation the signed-in visitor
// accepted (another tab, a double click) leads into the area they joined instead.
func (h *Invitations) problem(c echo.Context, t *account.Token, err error) error {
	p := members.InviteProblem{Status: http.StatusGone}
	switch {
	case errors.Is(err, account.ErrTokenInvalid):
		p.Status, p.Kind = http.StatusNotFound, "invalid"
	case errors.Is(err, account.ErrTokenExpired):
		p.Kind = "expired"
	case errors.Is(err, account.ErrTokenUsed):
		p.Kind = "used"
		if u := web.CurrentUser(c); u != nil && joined(t, u) {
			p.Status, p.Area = http.StatusOK, areaOf(t)
		}
	default:
		return err
	}
	if t != nil && t.CreatedBy != nil {
		p.Inviter = t.CreatedBy.Name
	}
	title := web.T(c, "invite.problem."+p.Kind+".title")
	if p.Area != "" {
		title = web.T(c, "invite.problem.joined.title")
	}
	return web.Render(c, p.Status, members.Problem(p), layouts.Public(title))
}

// joined reports whether u holds what invitation t offered.
func joined(t *account.Token, u *account.User) bool {
	if account.NormalizeEmail(u.Email) != t.Email {
		return false
	}
	if t.Purpose == account.PurposeAdminInvite {
		return u.Role == account.RoleAdmin
	}
	return u.Role == account.RoleSeller && u.SellerID != nil && t.SellerID != nil && *u.SellerID == *t.SellerID
}

// areaOf is where an accepted invitation leads.
func areaOf(t *account.Token) string {
	if t.Purpose == account.PurposeAdminInvite {
		return "/admin"
	}
	return "/seller"
}

// Accept uses the link: as the signed-in invited account, or by creating the invited
// address's account from the form. Of two acceptances at once (a double click, two tabs) one
// applies; the other leads to its result.
func (h *Invitations) Accept(c echo.Context) error {
	var in acceptInput
	if err := c.Bind(&in); err != nil {
		return echo.ErrBadRequest
	}
	ctx := c.Request().Context()
	t, err := h.accounts.Invitation(ctx, in.Token)
	if errors.Is(err, account.ErrTokenUsed) {
		return h.lost(c, in, t)
	}
	if err != nil {
		return h.problem(c, t, err)
	}
	vm, err := h.page(c, in.Token, t)
	if err != nil {
		return err
	}
	switch vm.State {
	case members.InviteSignUp:
		return h.signUp(c, in, vm)
	case members.InviteOther, members.InviteRefused, members.InviteSignIn:
		// Nothing to accept from here (another account, one that cannot join, or the address's
		// account not signed in): the invitation's page says why and what to do.
		return web.SeeOther(c, members.InviteHref(in.Token))
	}
	_, err = h.accounts.AcceptInvitation(ctx, in.Token, vm.Current, account.NewUser{})
	switch {
	case errors.Is(err, account.ErrTokenUsed):
		return h.lost(c, in, t)
	case errors.Is(err, account.ErrNotEligible):
		vm.State, vm.Refusal = members.InviteRefused, web.T(c, "invite.refused.other")
		return h.render(c, http.StatusConflict, vm)
	case err != nil:
		return h.problem(c, t, err)
	}
	// The session gets a new id under the new role at the next request (AuthVersion grew).
	web.Flash(c, web.FlashSuccess, welcomeKey(t))
	return web.SeeOther(c, areaOf(t))
}

// signUp creates the invited address's account and joins it, then signs it in.
func (h *Invitations) signUp(c echo.Context, in acceptInput, vm members.InviteVM) error {
	t := vm.Invite
	nu := account.NewUser{Email: t.Email, Name: in.Name, Phone: in.Phone, Password: in.Password, Locale: web.Locale(c)}
	errs := account.CheckNewUser(nu)
	delete(errs, "email")
	if in.Confirm != in.Password && errs["password"] == "" {
		errs["confirm"] = account.MsgPasswordMismatch
	}
	vm.Form = members.SignupForm{Name: clip(strings.TrimSpace(in.Name), 100), Phone: clip(strings.TrimSpace(in.Phone), 40)}
	if errs.Has() {
		vm.Form.Errors = translate(c, errs)
		return h.render(c, http.StatusUnprocessableEntity, vm)
	}
	ctx := c.Request().Context()
	u, err := h.accounts.AcceptInvitation(ctx, in.Token, nil, nu)
	var fe sqldb.FieldErrors
	switch {
	case errors.Is(err, account.ErrTokenUsed):
		return h.lost(c, in, t)
	case errors.Is(err, account.ErrAccountExists):
		vm.State = members.InviteSignIn
		return h.render(c, http.StatusConflict, vm)
	case errors.As(err, &fe):
		vm.Form.Errors = translate(c, fe)
		return h.render(c, http.StatusUnprocessableEntity, vm)
	case err != nil:
		return h.problem(c, t, err)
	}
	return h.signIn(c, u, t)
}

// signIn starts a session for an account that just joined and leads it into its area.
func (h *Invitations) signIn(c echo.Context, u *account.User, t *account.Token) error {
	token, err := h.accounts.StartSession(c.Request().Context(), u, c.RealIP(), c.Request().UserAgent())
	if err != nil {
		return err
	}
	web.LogIn(c, token)
	web.Flash(c, web.FlashSuccess, welcomeKey(t))
	return web.SeeOther(c, areaOf(t))
}

// lost answers the acceptance that came second: when the visitor holds what the invitation
// offered (the first one was theirs) they go where it leads, else the link is used.
func (h *Invitations) lost(c echo.Context, in acceptInput, t *account.Token) error {
	ctx := c.Request().Context()
	if u := web.CurrentUser(c); u != nil {
		fresh, err := h.accounts.UserByID(ctx, u.ID)
		if err != nil {
			return err
		}
		if joined(t, fresh) {
			return web.SeeOther(c, areaOf(t))
		}
	} else if in.Password != "" {
		// The same form sent twice: the first created the account; the second proves the
		// password the first one set, so this browser is signed in too.
		u, err := h.accounts.Authenticate(ctx, t.Email, in.Password, c.RealIP())
		if err == nil && joined(t, u) {
			return h.signIn(c, u, t)
		}
	}
	return h.problem(c, t, account.ErrTokenUsed)
}

// welcomeKey is the message after joining.
func welcomeKey(t *account.Token) string {
	if t.Purpose == account.PurposeAdminInvite {
		return "invite.joined_admin"
	}
	return "invite.joined"
}

// SignOut ends the session of the wrong account and comes back to the invitation.
func (h *Invitations) SignOut(c echo.Context) error {
	if token := web.SessionToken(c); token != "" {
		if err := h.accounts.EndSession(c.Request().Context(), token); err != nil {
			return err
		}
	}
	web.LogOut(c)
	raw := c.FormValue("token")
	if raw == "" || len(raw) > 100 {
		return web.SeeOther(c, "/")
	}
	return web.SeeOther(c, members.InviteHref(raw))
}
