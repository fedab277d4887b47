package account

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"koogallery/i18n"
	"koogallery/models/sqldb"
)

// Membership messages (i18n keys).
const (
	MsgAlreadyMember = "member.err.already_member"
	MsgAlreadyAdmin  = "member.err.already_admin"
)

// invitesPerHour bounds the invitations one company (or operations) sends in an hour.
const invitesPerHour = 20

// ErrAccountExists: an invitation was to be accepted by signing up, but the address has an
// account; its owner must sign in to accept.
var ErrAccountExists = errors.New("account exists")

// Members lists a company's users, owners first.
func (s *Store) Members(ctx context.Context, sellerID uint) ([]User, error) {
	var out []User
	err := s.conn(ctx).Where("seller_id = ? AND role = ?", sellerID, RoleSeller).Order("id").Find(&out).Error
	return out, err
}

// Invitations lists the open invitations of a company (sellerID) or, with sellerID 0, of
// operations: not used and not cancelled, the expired ones included so they can be sent again.
func (s *Store) Invitations(ctx context.Context, sellerID uint) ([]Token, error) {
	q := s.conn(ctx).Preload("CreatedBy").Where("used_at IS NULL AND revoked_at IS NULL")
	if sellerID != 0 {
		q = q.Where("purpose = ? AND seller_id = ?", PurposeMemberInvite, sellerID)
	} else {
		q = q.Where("purpose = ?", PurposeAdminInvite)
	}
	var out []Token
	return out, q.Order("id DESC").Limit(100).Find(&out).Error
}

// InviteMember mails an invitation to join the inviter's company with roles; an earlier open
// invitation of the same address stops working. An address that is a member already is an
// error of the email field.
func (s *Store) InviteMember(ctx context.Context, inviter *User, email string, roles MemberRoles) error {
	if inviter.SellerID == nil || inviter.Seller == nil {
		return sqldb.ErrNotFound
	}
	errs := sqldb.FieldErrors{}
	put(errs, "email", CheckEmail(email))
	if roles == "" {
		errs["roles"] = MsgRolesRequired
	}
	if errs.Has() {
		return errs
	}
	email = NormalizeEmail(email)
	now := s.db.Now()
	company := inviter.Seller
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&User{}).Where("email = ? AND seller_id = ?", email, company.ID).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return sqldb.FieldErrors{"email": MsgAlreadyMember}
		}
		link, err := s.issueInvite(tx, now, inviter, &Token{Purpose: PurposeMemberInvite, Email: email, SellerID: &company.ID, Roles: roles})
		if err != nil {
			return err
		}
		return mailTo(tx, now, email, inviter.Locale, "invite_member", inviter.Name, company.Name, rolesText(inviter.Locale, roles), link, inviteDays)
	})
}

// InviteAdmin mails an invitation to become an operations admin, and audits it.
func (s *Store) InviteAdmin(ctx context.Context, inviter *User, email string) error {
	if msg := CheckEmail(email); msg != "" {
		return sqldb.FieldErrors{"email": msg}
	}
	email = NormalizeEmail(email)
	now := s.db.Now()
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&User{}).Where("email = ? AND role = ?", email, RoleAdmin).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return sqldb.FieldErrors{"email": MsgAlreadyAdmin}
		}
		t := &Token{Purpose: PurposeAdminInvite, Email: email}
		link, err := s.issueInvite(tx, now, inviter, t)
		if err != nil {
			return err
		}
		if err := mailTo(tx, now, email, inviter.Locale, "invite_admin", inviter.Name, link, inviteDays); err != nil {
			return err
		}
		return tx.Create(&AuditEvent{ActorID: inviter.ID, Action: AuditAdminInvited, TargetType: AuditInvitation, TargetID: t.ID, Detail: email, CreatedAt: now}).Error
	})
}

// inviteDays is how many days an invitation link works, for its mail.
const inviteDays = int(InviteValid / (24 * time.Hour))

// issueInvite throttles and stores an invitation (t is filled with its id) and returns the
// link its mail carries.
func (s *Store) issueInvite(tx *gorm.DB, now time.Time, inviter *User, t *Token) (string, error) {
	scope := "admin"
	if t.SellerID != nil {
		scope = "seller:" + strconv.FormatUint(uint64(*t.SellerID), 10)
	}
	if err := limit(tx, now, rateInvite, scope, "", invitesPerHour, time.Hour); err != nil {
		return "", err
	}
	if err := recordRate(tx, now, rateInvite, scope, ""); err != nil {
		return "", err
	}
	t.CreatedByID = &inviter.ID
	raw, err := issueToken(tx, now, t, InviteValid)
	if err != nil {
		return "", err
	}
	return s.link("/invite?token=" + url.QueryEscape(raw)), nil
}

// RevokeInvitation cancels an open invitation of a company (sellerID) or, with 0, of
// operations; another company's is sqldb.ErrNotFound, one already used or cancelled ErrStale.
func (s *Store) RevokeInvitation(ctx context.Context, actorID, sellerID, id uint) error {
	now := s.db.Now()
	return s.db.Tx(ctx, func(tx *gorm.DB) error {
		q := tx.Model(&Token{}).Where("id = ?", id)
		if sellerID != 0 {
			q = q.Where("purpose = ? AND seller_id = ?", PurposeMemberInvite, sellerID)
		} else {
			q = q.Where("purpose = ?", PurposeAdminInvite)
		}
		var t Token
		if err := q.First(&t).Error; err != nil {
			return sqldb.NotFound(err)
		}
		res := tx.Model(&Token{}).Where("id = ? AND used_at IS NULL AND revoked_at IS NULL", id).Update("revoked_at", now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return sqldb.ErrStale
		}
		if sellerID == 0 {
			return tx.Create(&AuditEvent{ActorID: actorID, Action: AuditAdminInviteRevoked, TargetType: AuditInvitation, TargetID: id, Detail: t.Email, CreatedAt: now}).Error
		}
		return nil
	})
}

// Invitation looks up an invitation link without using it.
func (s *Store) Invitation(ctx context.Context, raw string) (*Token, error) {
	return s.Link(ctx, raw, PurposeMemberInvite, PurposeAdminInvite)
}

// AcceptInvitation uses an invitation link. A signed-in acceptor must be the invited address
// and a plain buyer account (not an admin, not in a company), else ErrNotEligible; without
// one, signup creates the account for the invited address (its email is ignored), verified
// by the link, or ErrAccountExists when the address has one. Of two acceptances of one link,
// one wins and the other is ErrTokenUsed.
func (s *Store) AcceptInvitation(ctx context.Context, raw string, acceptor *User, signup NewUser) (*User, error) {
	now := s.db.Now()
	var joined *User
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		t, err := consumeToken(tx, now, raw, PurposeMemberInvite, PurposeAdminInvite)
		if err != nil {
			return err
		}
		fields := map[string]any{"role": RoleAdmin}
		if t.Purpose == PurposeMemberInvite {
			if err := lockCompany(tx, *t.SellerID); err != nil {
				return err
			}
			fields = map[string]any{"role": RoleSeller, "seller_id": *t.SellerID, "seller_roles": t.Roles}
		}
		if acceptor == nil {
			joined, err = s.joinBySignup(tx, t, signup)
		} else {
			joined, err = joinExisting(tx, now, t, acceptor, fields)
		}
		if err != nil {
			return err
		}
		if t.Purpose == PurposeAdminInvite {
			return tx.Create(&AuditEvent{ActorID: joined.ID, Action: AuditAdminJoined, TargetType: AuditInvitation, TargetID: t.ID, Detail: joined.Email, CreatedAt: now}).Error
		}
		return s.tellOwners(tx, now, *t.SellerID, joined)
	})
	if err != nil {
		return nil, err
	}
	s.sessions.dropUser(joined.ID)
	return joined, nil
}

// joinBySignup creates the invited account with the invitation's role.
func (s *Store) joinBySignup(tx *gorm.DB, t *Token, in NewUser) (*User, error) {
	in.Email, in.Verified, in.Role = t.Email, true, RoleAdmin
	if t.Purpose == PurposeMemberInvite {
		in.Role = RoleSeller
	}
	u, err := s.createUser(tx, in)
	var fe sqldb.FieldErrors
	if errors.As(err, &fe) && fe["email"] == MsgEmailTaken {
		return nil, ErrAccountExists
	}
	if err != nil {
		return nil, err
	}
	if t.Purpose == PurposeMemberInvite {
		u.SellerID, u.SellerRoles = t.SellerID, t.Roles
		if err := tx.Model(u).Updates(map[string]any{"seller_id": *t.SellerID, "seller_roles": t.Roles}).Error; err != nil {
			return nil, err
		}
	}
	return u, nil
}

// joinExisting gives a signed-in buyer account the invitation's role.
func joinExisting(tx *gorm.DB, now time.Time, t *Token, acceptor *User, fields map[string]any) (*User, error) {
	if NormalizeEmail(acceptor.Email) != t.Email {
		return nil, ErrNotEligible
	}
	fields["email_verified_at"] = gorm.Expr("COALESCE(email_verified_at, ?)", now)
	fields["auth_version"] = gorm.Expr("auth_version + 1")
	res := tx.Model(&User{}).Where("id = ? AND role = ? AND seller_id IS NULL", acceptor.ID, RoleBuyer).Updates(fields)
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected == 0 {
		return nil, ErrNotEligible
	}
	var u User
	return &u, tx.First(&u, acceptor.ID).Error
}

// tellOwners mails a company's owners that someone joined.
func (s *Store) tellOwners(tx *gorm.DB, now time.Time, sellerID uint, joined *User) error {
	var owners []User
	if err := tx.Where("seller_id = ? AND role = ?", sellerID, RoleSeller).Find(&owners).Error; err != nil {
		return err
	}
	for _, o := range owners {
		if o.ID != joined.ID && o.SellerRoles.Has(Owner) {
			if err := mailTo(tx, now, o.Email, o.Locale, "member_joined", joined.Name, joined.Email, rolesText(o.Locale, joined.SellerRoles), s.link("/seller/members")); err != nil {
				return err
			}
		}
	}
	return nil
}

// lockCompany serialises membership changes of one company: on MySQL the company's row is
// locked for the transaction; SQLite's immediate transactions serialise writers anyway.
func lockCompany(tx *gorm.DB, sellerID uint) error { return sqldb.LockRow(tx, &Seller{}, sellerID) }

// lockRow locks one row of a model for the transaction on MySQL (SQLite's immediate

// SetMemberRoles changes a member's roles. The company keeps at least one owner
// (ErrLastOwner); someone not in the company is sqldb.ErrNotFound.
func (s *Store) SetMemberRoles(ctx context.Context, sellerID, memberID uint, roles MemberRoles) error {
	if roles == "" {
		return sqldb.FieldErrors{"roles": MsgRolesRequired}
	}
	return s.changeMember(ctx, sellerID, memberID, !roles.Has(Owner), map[string]any{"seller_roles": roles}, "")
}

// RemoveMember takes a member out of the company: the account stays, as a buyer account
// without the seller center. The last owner cannot be removed (ErrLastOwner).
func (s *Store) RemoveMember(ctx context.Context, sellerID, memberID uint) error {
	return s.changeMember(ctx, sellerID, memberID, true, map[string]any{"role": RoleBuyer, "seller_id": nil, "seller_roles": ""}, "member_removed")
}

// changeMember applies fields to a member under the company's lock, refusing to take away
// the last owner when losesOwner, and mails the member when mail is set.
func (s *Store) changeMember(ctx context.Context, sellerID, memberID uint, losesOwner bool, fields map[string]any, mail string) error {
	now := s.db.Now()
	err := s.db.Tx(ctx, func(tx *gorm.DB) error {
		if err := lockCompany(tx, sellerID); err != nil {
			return err
		}
		var m User
		if err := tx.Preload("Seller").Where("id = ? AND seller_id = ? AND role = ?", memberID, sellerID, RoleSeller).First(&m).Error; err != nil {
			return sqldb.NotFound(err)
		}
		if losesOwner && m.SellerRoles.Has(Owner) {
			var owners int64
			if err := tx.Model(&User{}).Where("seller_id = ? AND role = ? AND id <> ? AND (seller_roles = ? OR seller_roles LIKE ?)",
				sellerID, RoleSeller, memberID, Owner, string(Owner)+",%").Count(&owners).Error; err != nil {
				return err
			}
			if owners == 0 {
				return ErrLastOwner
			}
		}
		if err := bumpAuth(tx, memberID, fields); err != nil {
			return err
		}
		if mail != "" {
			return mailTo(tx, now, m.Email, m.Locale, mail, m.Name, m.Seller.Name)
		}
		return nil
	})
	s.sessions.dropUser(memberID)
	return err
}

// Admins lists the operations admins.
func (s *Store) Admins(ctx context.Context) ([]User, error) {
	var out []User
	return out, s.conn(ctx).Where("role = ?", RoleAdmin).Order("id").Find(&out).Error
}

// rolesText names roles in a language, for mail.
func rolesText(locale string, roles MemberRoles) string {
	var names []string
	for _, r := range roles.List() {
		names = append(names, i18n.T(localeOr(locale), "member.role."+string(r)))
	}
	return strings.Join(names, ", ")
}
