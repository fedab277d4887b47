package notice

import (
	"context"

	"koogallery/models/sqldb"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// NoticeOwner is whose in-site messages (站内信) are meant: a user's own, and, for a seller
// user, those of their seller company (shared by every user of the company).
type NoticeOwner struct {
	UserID   uint
	SellerID uint // 0: not a seller
}

// readColumn is the notices.read column, quoted by GORM for each dialect (READ is a reserved
// word in MySQL).
var readColumn = clause.Column{Name: "read"}

// scope narrows q to the owner's notices; an owner with neither id matches nothing.
func (o NoticeOwner) scope(q *gorm.DB) *gorm.DB {
	switch {
	case o.UserID != 0 && o.SellerID != 0:
		return q.Where("(user_id = ? OR seller_id = ?)", o.UserID, o.SellerID)
	case o.UserID != 0:
		return q.Where("user_id = ?", o.UserID)
	case o.SellerID != 0:
		return q.Where("seller_id = ?", o.SellerID)
	}
	return q.Where("1 = 0")
}

// Notices lists the owner's in-site messages, newest first.
func (s *Store) Notices(ctx context.Context, o NoticeOwner, page int) (sqldb.Page[Notice], error) {
	return sqldb.Paginate[Notice](o.scope(s.Conn(ctx).Model(&Notice{})).Order("id DESC"), page)
}

// UnreadNotices counts the owner's unread messages: one COUNT over the indexed owner columns.
func (s *Store) UnreadNotices(ctx context.Context, o NoticeOwner) (int64, error) {
	var n int64
	err := o.scope(s.Conn(ctx).Model(&Notice{})).Where(clause.Eq{Column: readColumn, Value: false}).Count(&n).Error
	return n, err
}

// Notice loads one of the owner's messages; anyone else's is ErrNotFound.
func (s *Store) Notice(ctx context.Context, o NoticeOwner, id uint) (*Notice, error) {
	var n Notice
	if err := o.scope(s.Conn(ctx).Where("id = ?", id)).First(&n).Error; err != nil {
		return nil, sqldb.NotFound(err)
	}
	return &n, nil
}

// MarkNoticeRead marks one of the owner's messages read and returns it. Marking a read message
// again changes nothing; anyone else's message is ErrNotFound and stays as it was.
func (s *Store) MarkNoticeRead(ctx context.Context, o NoticeOwner, id uint) (*Notice, error) {
	res := o.scope(s.Conn(ctx).Model(&Notice{}).Where("id = ?", id)).
		Where(clause.Eq{Column: readColumn, Value: false}).Update("read", true)
	if res.Error != nil {
		return nil, res.Error
	}
	n, err := s.Notice(ctx, o, id)
	if err != nil {
		return nil, err
	}
	return n, nil
}

// MarkAllNoticesRead marks every unread message of the owner read; it reports how many.
func (s *Store) MarkAllNoticesRead(ctx context.Context, o NoticeOwner) (int64, error) {
	if o.UserID == 0 && o.SellerID == 0 {
		return 0, nil
	}
	res := o.scope(s.Conn(ctx).Model(&Notice{})).Where(clause.Eq{Column: readColumn, Value: false}).Update("read", true)
	return res.RowsAffected, res.Error
}
