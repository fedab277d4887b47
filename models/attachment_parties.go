package models

import (
	"context"

	"koogallery/models/account"
	"koogallery/models/attachment"
	"koogallery/models/refund"
	"koogallery/models/sqldb"
	"koogallery/models/supervision"
)

// AttachmentFor loads an attachment and its bytes for a viewer who may see it: a party of what
// it belongs to, or an admin. Anyone else gets ErrNotFound, as for a missing one.
func (s *Store) AttachmentFor(ctx context.Context, viewer *account.User, id uint) (*attachment.Attachment, []byte, error) {
	if viewer == nil {
		return nil, nil, sqldb.ErrNotFound
	}
	var a attachment.Attachment
	if err := s.conn(ctx).First(&a, id).Error; err != nil {
		return nil, nil, sqldb.NotFound(err)
	}
	ok, err := s.attachmentParties(ctx, viewer, &a)
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		return nil, nil, sqldb.ErrNotFound
	}
	var b attachment.Blob
	if err := s.conn(ctx).First(&b, a.BlobID).Error; err != nil {
		return nil, nil, sqldb.NotFound(err)
	}
	return &a, b.Data, nil
}

// attachmentParties reports whether the viewer is an admin or a party of the attachment's owner.
func (s *Store) attachmentParties(ctx context.Context, viewer *account.User, a *attachment.Attachment) (bool, error) {
	if viewer.Role == account.RoleAdmin {
		return true, nil
	}
	switch a.OwnerKind {
	case refund.AttachRefund:
		return s.RefundAttachmentParty(ctx, viewer, a.OwnerID)
	case supervision.AttachSupervisionEvent, supervision.AttachAppeal:
		return s.SupervisionAttachmentParty(ctx, viewer, a)
	}
	if rule, ok := s.parties[a.OwnerKind]; ok {
		return rule(ctx, viewer.ID, false, a.OwnerID)
	}
	return false, nil
}

// AttachmentParty decides whether a viewer may download the attachments of an owner kind that
// another domain store keeps (a seller application's business licence): by the viewer's id,
// whether they are an admin, and the owner's id.
type AttachmentParty func(ctx context.Context, viewerID uint, admin bool, ownerID uint) (bool, error)

// SetAttachmentParty gives an owner kind of another domain its party rule; call it while the
// application is assembled, before serving. Kinds without a rule are for admins only.
func (s *Store) SetAttachmentParty(kind attachment.Owner, rule AttachmentParty) {
	if s.parties == nil {
		s.parties = map[attachment.Owner]AttachmentParty{}
	}
	s.parties[kind] = rule
}
