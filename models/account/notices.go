package account

import "koogallery/models/notice"

// NoticeOwner is whose in-site messages a user reads: their own, and for a seller user those
// of their company (shared by every user of the company).
func NoticeOwner(u *User) notice.NoticeOwner {
	if u == nil {
		return notice.NoticeOwner{}
	}
	o := notice.NoticeOwner{UserID: u.ID}
	if u.Role == RoleSeller && u.SellerID != nil {
		o.SellerID = *u.SellerID
	}
	return o
}
