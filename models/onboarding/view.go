package onboarding

import (
	"context"
	"errors"

	"gorm.io/gorm"

	"koogallery/models/account"
	"koogallery/models/attachment"
	"koogallery/models/sqldb"
)

// Filter narrows operations' queue.
type Filter struct {
	Status Status // "" for every state
	Kind   Kind   // "" for both kinds
	Page   int
}

// Queue lists applications for operations: the oldest waiting first when filtered to a
// waiting state, else the newest first.
func (s *Store) Queue(ctx context.Context, f Filter) (sqldb.Page[Application], error) {
	q := s.conn(ctx).Preload("Applicant")
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	if f.Kind != "" {
		q = q.Where("kind = ?", f.Kind)
	}
	if f.Status.Open() {
		q = q.Order("submitted_at, id")
	} else {
		q = q.Order("submitted_at DESC, id DESC")
	}
	return sqldb.Paginate[Application](q, f.Page)
}

// Counts are how many applications wait in each state.
func (s *Store) Counts(ctx context.Context) (map[Status]int64, error) {
	var rows []struct {
		Status Status
		N      int64
	}
	if err := s.conn(ctx).Model(&Application{}).Select("status, COUNT(*) AS n").Group("status").Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := map[Status]int64{}
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out, nil
}

// Detail is an application with its history and licence file.
type Detail struct {
	Application
	Events  []Event // oldest first
	License *attachment.Attachment
}

// ForAdmin loads any application for operations.
func (s *Store) ForAdmin(ctx context.Context, id uint) (*Detail, error) {
	return s.detail(s.conn(ctx).Where("id = ?", id))
}

// Latest is the applicant's newest application of a kind (for a change, of the company), or
// sqldb.ErrNotFound when there is none.
func (s *Store) Latest(ctx context.Context, applicantID uint, kind Kind, sellerID uint) (*Detail, error) {
	q := s.conn(ctx).Where("kind = ?", kind)
	if kind == KindChange {
		q = q.Where("seller_id = ?", sellerID)
	} else {
		q = q.Where("applicant_id = ?", applicantID)
	}
	return s.detail(q.Order("id DESC").Limit(1))
}

func (s *Store) detail(q *gorm.DB) (*Detail, error) {
	var d Detail
	if err := q.Preload("Applicant").First(&d.Application).Error; err != nil {
		return nil, sqldb.NotFound(err)
	}
	db := q.Session(&gorm.Session{NewDB: true})
	if err := db.Preload("Actor").Where("application_id = ?", d.ID).Order("id").Find(&d.Events).Error; err != nil {
		return nil, err
	}
	var att attachment.Attachment
	err := db.Where("id = ? AND owner_kind = ? AND owner_id = ?", d.LicenseID, AttachLicense, d.ID).First(&att).Error
	switch {
	case err == nil:
		d.License = &att
	case !errors.Is(err, gorm.ErrRecordNotFound):
		return nil, err
	}
	return &d, nil
}

// LicenseParty reports whether a viewer may download an application's licence: the applicant,
// for a company's change also the company's other owners, and operations.
func (s *Store) LicenseParty(ctx context.Context, viewerID uint, admin bool, applicationID uint) (bool, error) {
	if admin {
		return true, nil
	}
	var apps []Application
	if err := s.conn(ctx).Select("id, kind, applicant_id, seller_id").Where("id = ?", applicationID).Limit(1).Find(&apps).Error; err != nil || len(apps) == 0 {
		return false, err
	}
	app := apps[0]
	if app.ApplicantID == viewerID {
		return true, nil
	}
	if app.Kind != KindChange || app.SellerID == nil {
		return false, nil
	}
	var viewers []account.User
	if err := s.conn(ctx).Where("id = ?", viewerID).Limit(1).Find(&viewers).Error; err != nil || len(viewers) == 0 {
		return false, err
	}
	v := viewers[0]
	return v.Can(account.Owner) && v.SellerID != nil && *v.SellerID == *app.SellerID, nil
}
