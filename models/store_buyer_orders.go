package models

import "context"

// BuyerHasOrders reports whether an account has bought anything (an order in any state): such
// an account cannot become a seller, since the buyer console closes for seller accounts and
// its purchases would be out of reach.
func (s *Store) BuyerHasOrders(ctx context.Context, buyerID uint) (bool, error) {
	var ids []uint
	err := s.conn(ctx).Model(&Order{}).Where("buyer_id = ?", buyerID).Limit(1).Pluck("id", &ids).Error
	return len(ids) > 0, err
}
