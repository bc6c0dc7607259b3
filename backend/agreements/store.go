package agreements

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"github.com/keyturn/keyturn/backend/platform/db"
	"github.com/keyturn/keyturn/backend/platform/tenant"
)

// Store holds the agreement queries. Every method takes the caller's scope
// first and filters by it, so a row of another tenant is simply not found.
type Store struct {
	DB *gorm.DB
}

// Customer returns a customer of the scope's financier.
func (s Store) Customer(ctx context.Context, sc tenant.Scope, id int64) (Customer, error) {
	var c Customer
	q := s.DB.WithContext(ctx).Where("financier_id = ? AND id = ?", sc.FinancierID, id)
	if sc.IsCustomer() && sc.CustomerID != id {
		return c, db.ErrNotFound
	}
	err := q.Take(&c).Error
	return c, wrap(err, "customer")
}

// CustomerByRef returns a customer of the scope's financier by reference.
func (s Store) CustomerByRef(ctx context.Context, sc tenant.Scope, ref string) (Customer, error) {
	var c Customer
	err := s.DB.WithContext(ctx).Where("financier_id = ? AND customer_ref = ?", sc.FinancierID, ref).Take(&c).Error
	return c, wrap(err, "customer by ref")
}

// CustomersByEmail finds every customer record with this address, across
// financiers: a person asking for a new link may bank with several. Only the
// auth service calls it, to send each its own link.
func (s Store) CustomersByEmail(ctx context.Context, email string) ([]Customer, error) {
	var cs []Customer
	if err := s.DB.WithContext(ctx).Where("email = ?", email).Limit(20).Find(&cs).Error; err != nil {
		return nil, fmt.Errorf("agreements: customers by email: %w", err)
	}
	return cs, nil
}

// CustomerByID returns a customer by id for system jobs that act on one
// customer (no caller scope: the job was created by a scoped action).
func (s Store) CustomerByID(ctx context.Context, id int64) (Customer, error) {
	var c Customer
	err := s.DB.WithContext(ctx).Where("id = ?", id).Take(&c).Error
	return c, wrap(err, "customer by id")
}

// Agreements lists a customer's agreements with their vehicles, ending first.
func (s Store) Agreements(ctx context.Context, sc tenant.Scope, customerID int64) ([]Agreement, error) {
	var as []Agreement
	err := s.DB.WithContext(ctx).Preload("Vehicle").
		Where("financier_id = ? AND customer_id = ?", sc.FinancierID, customerID).
		Order("end_date, id").Find(&as).Error
	if err != nil {
		return nil, fmt.Errorf("agreements: list for customer: %w", err)
	}
	return as, nil
}

// Counts are the headline numbers of a financier's book.
type Counts struct {
	Customers                    int64 `json:"customers"`
	Agreements                   int64 `json:"agreements"`
	AgreementsEndingWithin90Days int64 `json:"agreements_ending_within_90_days"`
}

// Count returns the scope's financier's headline numbers; today and in90 are
// calendar dates (YYYY-MM-DD).
func (s Store) Count(ctx context.Context, sc tenant.Scope, today, in90 string) (Counts, error) {
	var c Counts
	g := s.DB.WithContext(ctx)
	if err := g.Model(&Customer{}).Where("financier_id = ? AND erased_at IS NULL", sc.FinancierID).Count(&c.Customers).Error; err != nil {
		return c, fmt.Errorf("agreements: count customers: %w", err)
	}
	if err := g.Model(&Agreement{}).Where("financier_id = ? AND status = ?", sc.FinancierID, StatusActive).Count(&c.Agreements).Error; err != nil {
		return c, fmt.Errorf("agreements: count agreements: %w", err)
	}
	if err := g.Model(&Agreement{}).Where("financier_id = ? AND status = ? AND end_date >= ? AND end_date <= ?",
		sc.FinancierID, StatusActive, today, in90).Count(&c.AgreementsEndingWithin90Days).Error; err != nil {
		return c, fmt.Errorf("agreements: count ending: %w", err)
	}
	return c, nil
}

func wrap(err error, what string) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return db.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("agreements: %s: %w", what, err)
	}
	return nil
}
