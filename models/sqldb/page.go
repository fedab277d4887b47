package sqldb

import "gorm.io/gorm"

// PageSize is the default number of rows on a list page.
const PageSize = 20

// Page is one page of a list, fetched with one row more than shown so that "next" needs no
// COUNT over a large table.
type Page[T any] struct {
	Items   []T
	Number  int // 1-based
	HasNext bool
}

// HasPrev reports whether a previous page exists.
func (p Page[T]) HasPrev() bool { return p.Number > 1 }

// Paginate runs q for page n (1-based) and trims the look-ahead row.
func Paginate[T any](q *gorm.DB, n int) (Page[T], error) {
	if n < 1 {
		n = 1
	}
	if n > 100000 {
		n = 100000
	}
	var items []T
	if err := q.Limit(PageSize + 1).Offset((n - 1) * PageSize).Find(&items).Error; err != nil {
		return Page[T]{}, err
	}
	p := Page[T]{Number: n}
	if len(items) > PageSize {
		p.HasNext = true
		items = items[:PageSize]
	}
	p.Items = items
	return p, nil
}
