package models

// SetDeferredJoinOffset makes the buyer's list pages pick their ids first (listSQL) from
// OFFSET n on, until the returned undo runs.
func SetDeferredJoinOffset(n int) (undo func()) {
	old := deferredJoinOffset.Swap(int64(n))
	return func() { deferredJoinOffset.Store(old) }
}
