package tenants

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"github.com/keyturn/keyturn/backend/platform/db"
)

// Store reads financiers and dealers.
type Store struct {
	DB *gorm.DB
}

// Financier returns one financier by id.
func (s Store) Financier(ctx context.Context, id int64) (Financier, error) {
	var f Financier
	err := s.DB.WithContext(ctx).Where("id = ?", id).Take(&f).Error
	return f, wrap(err, "financier")
}

// FinancierBySlug returns one financier by its slug.
func (s Store) FinancierBySlug(ctx context.Context, slug string) (Financier, error) {
	var f Financier
	err := s.DB.WithContext(ctx).Where("slug = ?", slug).Take(&f).Error
	return f, wrap(err, "financier by slug")
}

// DealerGroup returns one dealer group.
func (s Store) DealerGroup(ctx context.Context, id int64) (DealerGroup, error) {
	var g DealerGroup
	err := s.DB.WithContext(ctx).Where("id = ?", id).Take(&g).Error
	return g, wrap(err, "dealer group")
}

// Locations returns a dealer group's locations, limited to ids when not nil.
func (s Store) Locations(ctx context.Context, groupID int64, ids []int64) ([]DealerLocation, error) {
	q := s.DB.WithContext(ctx).Where("dealer_group_id = ?", groupID)
	if ids != nil {
		q = q.Where("id IN ?", ids)
	}
	var ls []DealerLocation
	if err := q.Order("code").Find(&ls).Error; err != nil {
		return nil, fmt.Errorf("tenants: locations of group %d: %w", groupID, err)
	}
	return ls, nil
}

// NetworkSize counts the dealer locations in a financier's network.
func (s Store) NetworkSize(ctx context.Context, financierID int64) (int64, error) {
	var n int64
	if err := s.DB.WithContext(ctx).Model(&FinancierDealer{}).Where("financier_id = ?", financierID).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("tenants: network size: %w", err)
	}
	return n, nil
}

func wrap(err error, what string) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return db.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("tenants: %s: %w", what, err)
	}
	return nil
}
