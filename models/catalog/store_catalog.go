package catalog

import (
	"context"
	"strings"

	"koogallery/models/sqldb"

	"gorm.io/gorm/clause"
)

// CatalogFilter narrows the public catalog.
type CatalogFilter struct {
	Query string
	Type  ProductType
	Page  int
}

// likeEscape is the escape character of LIKE patterns built from user text. Not a backslash:
// MySQL reads '\' in a string literal as an escaped quote, so ESCAPE '\' is a syntax error there.
const likeEscape = "!"

// escapeLike makes user text literal inside a LIKE pattern with ESCAPE '!'.
func escapeLike(s string) string {
	return strings.NewReplacer(`!`, `!!`, `%`, `!%`, `_`, `!_`).Replace(s)
}

// Catalog lists the products on sale, newest first, matching the filter.
func (s *Store) Catalog(ctx context.Context, f CatalogFilter) (sqldb.Page[Product], error) {
	q := s.Conn(ctx).Model(&Product{}).Preload("Seller").Where("sale_status = ?", SaleOnSale)
	if f.Type != "" {
		q = q.Where("type = ?", f.Type)
	}
	if t := strings.TrimSpace(f.Query); t != "" {
		like := "%" + escapeLike(t) + "%"
		q = q.Where("(name LIKE ? ESCAPE '"+likeEscape+"' OR summary LIKE ? ESCAPE '"+likeEscape+"')", like, like)
	}
	return sqldb.Paginate[Product](q.Order("id DESC"), f.Page)
}

// CatalogProduct loads a product that is on sale; any other product is ErrNotFound.
func (s *Store) CatalogProduct(ctx context.Context, id uint) (*Product, error) {
	var p Product
	if err := s.Conn(ctx).Preload("Seller").Where("sale_status = ?", SaleOnSale).First(&p, id).Error; err != nil {
		return nil, sqldb.NotFound(err)
	}
	return &p, nil
}

// IsFavorite reports whether the user keeps the product among their favorites.
func (s *Store) IsFavorite(ctx context.Context, userID, productID uint) (bool, error) {
	var n int64
	err := s.Conn(ctx).Model(&Favorite{}).Where("user_id = ? AND product_id = ?", userID, productID).Count(&n).Error
	return n > 0, err
}

// AddFavorite keeps an on-sale product among the user's favorites; adding it twice is harmless.
func (s *Store) AddFavorite(ctx context.Context, userID, productID uint) error {
	if _, err := s.CatalogProduct(ctx, productID); err != nil {
		return err
	}
	return s.Conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).
		Create(&Favorite{UserID: userID, ProductID: productID, CreatedAt: s.Now()}).Error
}

// RemoveFavorite drops a product from the user's favorites; removing it twice is harmless.
func (s *Store) RemoveFavorite(ctx context.Context, userID, productID uint) error {
	return s.Conn(ctx).Where("user_id = ? AND product_id = ?", userID, productID).Delete(&Favorite{}).Error
}

// Favorites lists the user's favorites, newest first, with their products (whatever their
// sale status, so a delisted favorite can be seen and removed).
func (s *Store) Favorites(ctx context.Context, userID uint, page int) (sqldb.Page[Favorite], error) {
	q := s.Conn(ctx).Preload("Product").Preload("Product.Seller").Where("user_id = ?", userID).Order("id DESC")
	return sqldb.Paginate[Favorite](q, page)
}
