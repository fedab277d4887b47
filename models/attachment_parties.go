package models

import (
	"context"

	"koogallery/models/refund"
	"koogallery/models/supervision"
)

// AttachmentFor loads an attachment and its bytes for a viewer who may see it: a party of what
// it belongs to, or an admin. Anyone else gets ErrNotFound, as for a missing one.
func (s *Store) AttachmentFor(ctx context.Context, viewer *User, id uint) (*Attachment, []byte, error) {
	if viewer == nil {
		return nil, nil, ErrNotFound
	}
	var a Attachment
	if err := s.conn(ctx).First(&a, id).Error; err != nil {
		return nil, nil, notFound(err)
	}
	ok, err := s.attachmentParties(ctx, viewer, &a)
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		return nil, nil, ErrNotFound
	}
	var b AttachmentBlob
	if err := s.conn(ctx).First(&b, a.BlobID).Error; err != nil {
		return nil, nil, notFound(err)
	}
	return &a, b.Data, nil
}

// attachmentParties reports whether the viewer is an admin or a party of the attachment's owner.
func (s *Store) attachmentParties(ctx context.Context, viewer *User, a *Attachment) (bool, error) {
	if viewer.Role == RoleAdmin {
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
func (s *Store) SetAttachmentParty(kind AttachmentOwner, rule AttachmentParty) {
	if s.parties == nil {
		s.parties = map[AttachmentOwner]AttachmentParty{}
	}
	s.parties[kind] = rule
}
