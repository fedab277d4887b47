package supervision

import (
	"context"

	"koogallery/models/account"
	"koogallery/models/attachment"
	"koogallery/models/sqldb"

	"gorm.io/gorm"
)

// SupervisionFilter narrows a supervision list.
type SupervisionFilter struct {
	Step SupervisionStep
	Page int
}

func (s *Store) supervisionList(ctx context.Context, scope func(*gorm.DB) *gorm.DB, f SupervisionFilter) (sqldb.Page[Supervision], error) {
	q := scope(s.Conn(ctx).Model(&Supervision{}).Preload("Product").Preload("Order"))
	if f.Step != "" {
		q = q.Where("step = ?", f.Step)
	}
	return sqldb.Paginate[Supervision](q.Order("id DESC"), f.Page)
}

// BuyerSupervisions lists the buyer's supervised orders (服务监管), newest first.
func (s *Store) BuyerSupervisions(ctx context.Context, buyerID uint, f SupervisionFilter) (sqldb.Page[Supervision], error) {
	return s.supervisionList(ctx, func(q *gorm.DB) *gorm.DB { return q.Where("buyer_id = ?", buyerID) }, f)
}

// SellerSupervisions lists the seller company's supervised orders, newest first.
func (s *Store) SellerSupervisions(ctx context.Context, sellerID uint, f SupervisionFilter) (sqldb.Page[Supervision], error) {
	return s.supervisionList(ctx, func(q *gorm.DB) *gorm.DB { return q.Where("seller_id = ?", sellerID) }, f)
}

// SupervisionDetail is a supervision with its timeline, attachments and appeals.
type SupervisionDetail struct {
	S      Supervision // with Product and Order
	Events []SupervisionEvent
	// EventFiles maps an event to its attachments.
	EventFiles map[uint][]attachment.Attachment
	Appeals    []Appeal // newest first
	// AppealFiles maps an appeal to its attachments (both parties' evidence).
	AppealFiles map[uint][]attachment.Attachment
	Buyer       account.User
	Seller      account.Seller
}

// OpenAppeal is the supervision's undecided appeal, if any.
func (d *SupervisionDetail) OpenAppeal() *Appeal {
	for i := range d.Appeals {
		if d.Appeals[i].Pending() {
			return &d.Appeals[i]
		}
	}
	return nil
}

// SupervisionFor loads one supervision the user is a party of (any, for an admin) with
// everything its page shows; anyone else's is ErrNotFound.
func (s *Store) SupervisionFor(ctx context.Context, u *account.User, id uint) (*SupervisionDetail, error) {
	sv, _, err := s.supervisionFor(ctx, u, id)
	if err != nil {
		return nil, err
	}
	db := s.Conn(ctx)
	d := &SupervisionDetail{S: *sv, EventFiles: map[uint][]attachment.Attachment{}, AppealFiles: map[uint][]attachment.Attachment{}}
	if err := db.Preload("Actor").Where("supervision_id = ?", sv.ID).Order("id").Limit(500).Find(&d.Events).Error; err != nil {
		return nil, err
	}
	if err := db.Preload("By").Where("supervision_id = ?", sv.ID).Order("id DESC").Limit(50).Find(&d.Appeals).Error; err != nil {
		return nil, err
	}
	ids := make([]uint, len(d.Events))
	for i, e := range d.Events {
		ids[i] = e.ID
	}
	var files []attachment.Attachment
	if len(ids) > 0 {
		if err := db.Where("owner_kind = ? AND owner_id IN ?", AttachSupervisionEvent, ids).Order("id").Find(&files).Error; err != nil {
			return nil, err
		}
	}
	for _, f := range files {
		d.EventFiles[f.OwnerID] = append(d.EventFiles[f.OwnerID], f)
	}
	aids := make([]uint, len(d.Appeals))
	for i, a := range d.Appeals {
		aids[i] = a.ID
	}
	files = nil
	if len(aids) > 0 {
		if err := db.Where("owner_kind = ? AND owner_id IN ?", AttachAppeal, aids).Order("id").Find(&files).Error; err != nil {
			return nil, err
		}
	}
	for _, f := range files {
		d.AppealFiles[f.OwnerID] = append(d.AppealFiles[f.OwnerID], f)
	}
	if err := db.First(&d.Buyer, sv.BuyerID).Error; err != nil {
		return nil, err
	}
	if err := db.First(&d.Seller, sv.SellerID).Error; err != nil {
		return nil, err
	}
	return d, nil
}

// AppealFilter narrows operations' appeal queue.
type AppealFilter struct {
	Status AppealStatus // "" : undecided first, then all
	Page   int
}

// AdminAppeals is operations' queue (申诉处理): by default the undecided appeals, oldest first.
func (s *Store) AdminAppeals(ctx context.Context, f AppealFilter) (sqldb.Page[Appeal], error) {
	q := s.Conn(ctx).Model(&Appeal{}).Preload("By").Preload("Supervision").Preload("Supervision.Order")
	switch f.Status {
	case "":
		q = q.Where("status <> ?", AppealDecided).Order("id")
	default:
		q = q.Where("status = ?", f.Status).Order("id DESC")
	}
	return sqldb.Paginate[Appeal](q, f.Page)
}

// AdminAppeal loads one appeal for operations.
func (s *Store) AdminAppeal(ctx context.Context, id uint) (*Appeal, error) {
	var ap Appeal
	if err := s.Conn(ctx).Preload("By").First(&ap, id).Error; err != nil {
		return nil, sqldb.NotFound(err)
	}
	return &ap, nil
}

// supervisionAttachmentParty reports whether the viewer is a party of the supervision an
// attachment (of an event or an appeal) belongs to.
func (s *Store) SupervisionAttachmentParty(ctx context.Context, viewer *account.User, a *attachment.Attachment) (bool, error) {
	var svID uint
	switch a.OwnerKind {
	case AttachSupervisionEvent:
		var ev SupervisionEvent
		if err := s.Conn(ctx).First(&ev, a.OwnerID).Error; err != nil {
			return false, nil
		}
		svID = ev.SupervisionID
	case AttachAppeal:
		var ap Appeal
		if err := s.Conn(ctx).First(&ap, a.OwnerID).Error; err != nil {
			return false, nil
		}
		svID = ap.SupervisionID
	default:
		return false, nil
	}
	q, role := partyScope(s.Conn(ctx).Model(&Supervision{}).Where("id = ?", svID), viewer)
	if role == "" {
		return false, nil
	}
	var n int64
	err := q.Count(&n).Error
	return n > 0, err
}
