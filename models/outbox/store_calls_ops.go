package outbox

import (
	"context"
	"time"

	"koogallery/models/orders"
	"koogallery/models/sqldb"
	"koogallery/protocol"
)

// CallActivities lists the activities the platform sends as calls, in display order.
var CallActivities = []protocol.Activity{protocol.ActivityNewInstance, protocol.ActivityRefreshInstance, protocol.ActivityUpdateInstanceStatus,
	protocol.ActivityReleaseInstance, protocol.ActivityUpgradeInstance, protocol.ActivityOrderNotify, protocol.ActivityGetLicenseAsync}

// RestartableAt reports whether 重新启动 would change anything at now: a failed call, or one
// waiting for a later retry. A call already due (just restarted, or never tried) is not: a
// second click on 重新启动 finds nothing to do.
func (c *InterfaceCall) RestartableAt(now time.Time) bool {
	if !c.Restartable() {
		return false
	}
	return c.Status == CallFailed || c.NextAttemptAt.After(now)
}

// PendingReplay is a replay of the call that is still waiting for its first attempt, if any;
// a second click on 重放 finds it instead of queueing another copy. sellerID 0: any seller's.
func (s *Store) PendingReplay(ctx context.Context, sellerID, id uint) (*InterfaceCall, error) {
	q := s.Conn(ctx).Where("replay_of = ? AND status = ? AND attempts = 0", id, CallPending)
	if sellerID != 0 {
		q = q.Where("seller_id = ?", sellerID)
	}
	var c InterfaceCall
	if err := q.Order("id DESC").First(&c).Error; err != nil {
		return nil, sqldb.NotFound(err)
	}
	return &c, nil
}

// CallInstance loads the service instance a call concerns (nil when it concerns none). The
// call must already have been loaded with the caller's scope.
func (s *Store) CallInstance(ctx context.Context, c *InterfaceCall) (*orders.Instance, error) {
	if c.InstanceID == nil {
		return nil, nil
	}
	var inst orders.Instance
	if err := s.Conn(ctx).Where("seller_id = ?", c.SellerID).First(&inst, *c.InstanceID).Error; err != nil {
		return nil, sqldb.NotFound(err)
	}
	return &inst, nil
}

// LastAttempts loads the latest attempt of each call, by call id.
func (s *Store) LastAttempts(ctx context.Context, callIDs []uint) (map[uint]CallAttempt, error) {
	out := make(map[uint]CallAttempt, len(callIDs))
	if len(callIDs) == 0 {
		return out, nil
	}
	var rows []CallAttempt
	if err := s.Conn(ctx).Where("id IN (?)", s.Conn(ctx).Model(&CallAttempt{}).Select("MAX(id)").Where("call_id IN ?", callIDs).Group("call_id")).
		Find(&rows).Error; err != nil {
		return nil, err
	}
	for _, a := range rows {
		out[a.CallID] = a
	}
	return out, nil
}
