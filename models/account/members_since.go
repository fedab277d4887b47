package account

import (
	"context"
	"time"
)

// JoinedAt says when each address last joined a company (sellerID) or, with 0, operations by
// accepting an invitation: the time its invitation was used, by address. Members who never
// used one (a company's first owner, seeded accounts) are not in it.
func (s *Store) JoinedAt(ctx context.Context, sellerID uint) (map[string]time.Time, error) {
	q := s.conn(ctx).Model(&Token{}).Select("email", "used_at").Where("used_at IS NOT NULL")
	if sellerID != 0 {
		q = q.Where("purpose = ? AND seller_id = ?", PurposeMemberInvite, sellerID)
	} else {
		q = q.Where("purpose = ?", PurposeAdminInvite)
	}
	var rows []Token
	if err := q.Order("id DESC").Limit(1000).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[string]time.Time, len(rows))
	for _, t := range rows {
		if t.UsedAt != nil && t.UsedAt.After(out[t.Email]) {
			out[t.Email] = *t.UsedAt
		}
	}
	return out, nil
}
