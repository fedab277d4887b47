package catalog

import "context"

// ReviewQueueCount is how many submitted versions wait for operations' review (待审核).
func (s *Store) ReviewQueueCount(ctx context.Context) (int64, error) {
	var n int64
	err := s.Conn(ctx).Model(&ProductVersion{}).Where("status = ?", VersionReviewing).Count(&n).Error
	return n, err
}
