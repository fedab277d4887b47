package refseller

import (
	"crypto/rand"
	"encoding/hex"
	"strings"

	"koogallery/protocol"
)

// success is the answer of an activity that returns only a result.
func success() protocol.Response {
	return &protocol.StatusResponse{ResultCode: protocol.ResultSuccess, ResultMsg: "success"}
}

// newInstance creates the instance of an order, or returns the one already created for the
// same orderId + orderLineId.
func (s *Seller) newInstance(mode Mode, req *protocol.NewInstanceRequest) protocol.Response {
	key := req.OrderID + "\x00" + req.OrderLineID
	now := s.opts.Now()
	s.mu.Lock()
	in, exists := s.instances[s.byOrder[key]]
	if exists && mode != ModeDifferentInstance {
		if in.State == StateCreating {
			in.State, in.UpdatedAt = StateNormal, now
		}
		snapshot := *in
		s.mu.Unlock()
		return s.instanceAnswer(mode, snapshot, "instance already created for this order")
	}
	in = &Instance{
		ID:          newID("ins-"),
		OrderID:     req.OrderID,
		OrderLineID: req.OrderLineID,
		TestFlag:    req.TestFlag,
		State:       StateNormal,
		UserName:    "user_" + strings.ToLower(protocol.RandomAlnum(8)),
		Password:    protocol.RandomAlnum(16),
		CreatedAt:   now,
		UpdatedAt:   now,
	}
	if s.slowNew {
		in.State = StateCreating
	}
	in.ExtendParams, _ = protocol.DecodeExtendParams(req.SaasExtendParams) // validated by ParseRequest
	s.instances[in.ID] = in
	s.byOrder[key] = in.ID
	snapshot := *in
	s.mu.Unlock()

	s.queryOrder(req.OrderID, req.OrderLineID)
	if snapshot.State == StateCreating {
		return &protocol.NewInstanceResponse{
			ResultCode: protocol.ResultProcessing,
			ResultMsg:  "instance is being created; poll queryInstance",
			InstanceID: snapshot.ID,
		}
	}
	return s.instanceAnswer(mode, snapshot, "instance created")
}

// instanceAnswer is the successful newInstance answer for an instance, as the mode shapes it.
func (s *Seller) instanceAnswer(mode Mode, in Instance, msg string) protocol.Response {
	resp := &protocol.NewInstanceResponse{
		ResultCode:  protocol.ResultSuccess,
		ResultMsg:   msg,
		InstanceID:  in.ID,
		EncryptType: s.opts.EncryptType,
		AppInfo:     s.appInfo(mode, in),
	}
	if mode == ModeMissingFields {
		resp.InstanceID = ""
	}
	return resp
}

// appInfo renders an instance's appInfo with encrypted credentials, as the mode shapes it.
func (s *Seller) appInfo(mode Mode, in Instance) *protocol.AppInfo {
	// New checked the encryptType, the only thing that can make encryption fail.
	user, _ := protocol.EncryptField(s.opts.AccessKey, s.opts.EncryptType, in.UserName)
	pass, _ := protocol.EncryptField(s.opts.AccessKey, s.opts.EncryptType, in.Password)
	a := &protocol.AppInfo{
		FrontEndURL: s.opts.AppBaseURL + "/app/" + in.ID,
		AdminURL:    s.opts.AppBaseURL + "/admin/" + in.ID,
		UserName:    user,
		Password:    pass,
		Memo:        "Reference seller instance for order " + in.OrderID + " / " + in.OrderLineID,
	}
	switch mode {
	case ModeMissingFields:
		a.FrontEndURL = ""
	case ModeLongField:
		a.FrontEndURL += "?pad=" + strings.Repeat("x", protocol.MaxURLLength)
	case ModeBadEncryption:
		a.Password = "plain-text-password"
	}
	return a
}

// queryInstance answers the state of up to 100 instances; an unknown or released id makes
// the whole answer 000003. An instance still being created becomes ready here.
func (s *Seller) queryInstance(mode Mode, req *protocol.QueryInstanceRequest) protocol.Response {
	ids := protocol.SplitInstanceIDs(req.InstanceID)
	now := s.opts.Now()
	s.mu.Lock()
	var found []Instance
	var missing []string
	for _, id := range ids {
		in, ok := s.instanceLocked(id, req.TestFlag)
		if !ok || in.State == StateReleased {
			missing = append(missing, id)
			continue
		}
		if in.State == StateCreating {
			in.State, in.UpdatedAt = StateNormal, now
		}
		found = append(found, *in)
	}
	s.mu.Unlock()
	if len(missing) > 0 {
		return failure(protocol.ResultInstanceNotFound, "instance does not exist: "+strings.Join(missing, ","))
	}
	resp := &protocol.QueryInstanceResponse{
		ResultCode:  protocol.ResultSuccess,
		ResultMsg:   "success",
		EncryptType: s.opts.EncryptType,
	}
	for _, in := range found {
		info := protocol.InstanceInfo{
			InstanceID: in.ID,
			AppInfo:    s.appInfo(mode, in),
			UsageInfo: []protocol.UsageInfo{{
				RelatedInstanceID: in.ID,
				UsageValue:        "0",
				StatisticalTime:   protocol.FormatMillisTime(now),
				DashboardURL:      s.opts.AppBaseURL + "/usage/" + in.ID,
			}},
		}
		if mode == ModeMissingFields {
			info.InstanceID = ""
		}
		resp.Info = append(resp.Info, info)
	}
	return resp
}

// instanceLocked finds an instance (s.mu held). A debug call (testFlag "1") may name a dummy
// instance such as 123456789, and the platform expects it to succeed; with AdoptUnknown any
// unknown id is taken as an instance created before the seller lost its state. Either way an
// unknown id is adopted as a normal instance.
func (s *Seller) instanceLocked(id, testFlag string) (*Instance, bool) {
	if in, ok := s.instances[id]; ok {
		if in.State == StateReleased && testFlag == protocol.TestFlagDebug && in.TestFlag == protocol.TestFlagDebug {
			// Saved debug cases are run again, release last: a debug instance starts over.
			in.State = StateNormal
		}
		return in, true
	}
	if id == "" || (testFlag != protocol.TestFlagDebug && !s.opts.AdoptUnknown) {
		return nil, false
	}
	now := s.opts.Now()
	in := &Instance{ID: id, TestFlag: testFlag, State: StateNormal, UserName: "user_" + strings.ToLower(protocol.RandomAlnum(8)),
		Password: protocol.RandomAlnum(16), CreatedAt: now, UpdatedAt: now}
	s.instances[id] = in
	return in, true
}

// change runs fn on a live (not released) instance under the lock, or answers 000003.
func (s *Seller) change(id, testFlag string, fn func(in *Instance)) protocol.Response {
	s.mu.Lock()
	defer s.mu.Unlock()
	in, ok := s.instanceLocked(id, testFlag)
	if !ok || in.State == StateReleased {
		return failure(protocol.ResultInstanceNotFound, "instance does not exist: "+id)
	}
	fn(in)
	in.UpdatedAt = s.opts.Now()
	return success()
}

// refreshInstance sets the validity of an instance for any of the four scenes.
func (s *Seller) refreshInstance(req *protocol.RefreshInstanceRequest) protocol.Response {
	expire, err := protocol.ParseExpireTime(req.ExpireTime) // validated by ParseRequest
	if err != nil {
		return failure(protocol.ResultInvalidParams, "expireTime: "+err.Error())
	}
	return s.change(req.InstanceID, req.TestFlag, func(in *Instance) {
		in.ExpireTime, in.LastScene = expire, req.Scene
		in.LastOrderID, in.LastOrderLineID = req.OrderID, req.OrderLineID
	})
}

// updateInstanceStatus freezes or unfreezes an instance; repeating it changes nothing.
func (s *Seller) updateInstanceStatus(req *protocol.UpdateInstanceStatusRequest) protocol.Response {
	return s.change(req.InstanceID, req.TestFlag, func(in *Instance) {
		if req.Status == protocol.StatusFreeze {
			in.State = StateFrozen
		} else {
			in.State = StateNormal
		}
	})
}

// releaseInstance releases an instance; releasing it again succeeds too.
func (s *Seller) releaseInstance(req *protocol.ReleaseInstanceRequest) protocol.Response {
	s.mu.Lock()
	defer s.mu.Unlock()
	in, ok := s.instanceLocked(req.InstanceID, req.TestFlag)
	if !ok {
		return failure(protocol.ResultInstanceNotFound, "instance does not exist: "+req.InstanceID)
	}
	if in.State != StateReleased {
		in.State, in.UpdatedAt = StateReleased, s.opts.Now()
		in.LastOrderID, in.LastOrderLineID = req.OrderID, req.OrderLineID
	}
	return success()
}

// upgradeInstance records a specification change.
func (s *Seller) upgradeInstance(req *protocol.UpgradeInstanceRequest) protocol.Response {
	return s.change(req.InstanceID, req.TestFlag, func(in *Instance) {
		if in.LastOrderID != req.OrderID || in.LastOrderLineID != req.OrderLineID {
			in.Upgrades++
		}
		in.LastOrderID, in.LastOrderLineID = req.OrderID, req.OrderLineID
	})
}

// orderNotify records an order notification, counting repeats.
func (s *Seller) orderNotify(req *protocol.OrderNotifyRequest) protocol.Response {
	key := req.OrderID + "\x00" + req.OrderLineID
	s.mu.Lock()
	defer s.mu.Unlock()
	n, ok := s.notices[key]
	if !ok {
		n = &Notice{OrderID: req.OrderID, OrderLineID: req.OrderLineID, TestFlag: req.TestFlag, FirstSeen: s.opts.Now()}
		s.notices[key] = n
	}
	n.Count++
	return success()
}

// getLicenseAsync issues the License of an application. The same instanceId, eventId and
// deviceFingerprint always yield the same License; with SlowLicense the first application
// answers 000004 and the License comes with the next identical one.
func (s *Seller) getLicenseAsync(req *protocol.GetLicenseAsyncRequest) protocol.Response {
	key := req.InstanceID + "\x00" + req.EventID + "\x00" + req.DeviceFingerprint
	s.mu.Lock()
	defer s.mu.Unlock()
	in, ok := s.instanceLocked(req.InstanceID, req.TestFlag)
	if !ok || in.State == StateReleased {
		return failure(protocol.ResultInstanceNotFound, "instance does not exist: "+req.InstanceID)
	}
	lic, ok := s.licenses[key]
	if !ok {
		lic = s.newLicenseLocked(req, key) // pushback.go
		s.licenses[key] = lic
		if !lic.ready {
			return &protocol.GetLicenseAsyncResponse{ResultCode: protocol.ResultProcessing, ResultMsg: "License being issued; apply again for the result"}
		}
	}
	lic.ready = true
	content := lic.content
	return &protocol.GetLicenseAsyncResponse{ResultCode: protocol.ResultSuccess, ResultMsg: "success", License: &content}
}

// newID returns prefix followed by 16 random lower-case hex digits.
func newID(prefix string) string {
	b := make([]byte, 8)
	rand.Read(b)
	return prefix + hex.EncodeToString(b)
}
