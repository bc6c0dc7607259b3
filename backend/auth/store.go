package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/keyturn/keyturn/backend/platform/db"
)

// store holds auth's queries. Staff rows are global (an email signs in once,
// whatever its tenant); the admin queries take the financier scope first.
type store struct{}

func (store) staffByEmail(ctx context.Context, tx *gorm.DB, email string) (StaffUser, error) {
	var u StaffUser
	err := tx.WithContext(ctx).Where("email = ?", normaliseEmail(email)).Take(&u).Error
	return u, notFound(err, "staff by email")
}

func (store) staffByID(ctx context.Context, tx *gorm.DB, id int64) (StaffUser, error) {
	var u StaffUser
	err := tx.WithContext(ctx).Where("id = ?", id).Take(&u).Error
	return u, notFound(err, "staff by id")
}

func (store) staffInFinancier(ctx context.Context, tx *gorm.DB, financierID, id int64) (StaffUser, error) {
	var u StaffUser
	err := tx.WithContext(ctx).Where("financier_id = ? AND id = ?", financierID, id).Take(&u).Error
	return u, notFound(err, "staff in financier")
}

func (store) listStaff(ctx context.Context, tx *gorm.DB, financierID int64) ([]StaffUser, error) {
	var us []StaffUser
	if err := tx.WithContext(ctx).Where("financier_id = ?", financierID).Order("name, id").Find(&us).Error; err != nil {
		return nil, fmt.Errorf("auth: list staff: %w", err)
	}
	return us, nil
}

func (store) staffLocations(ctx context.Context, tx *gorm.DB, userID int64) ([]int64, error) {
	var ids []int64
	if err := tx.WithContext(ctx).Model(&StaffLocation{}).Where("staff_user_id = ?", userID).
		Order("dealer_location_id").Pluck("dealer_location_id", &ids).Error; err != nil {
		return nil, fmt.Errorf("auth: staff locations: %w", err)
	}
	return ids, nil
}

func (store) insertLink(ctx context.Context, tx *gorm.DB, l *StaffLink) error {
	if err := tx.WithContext(ctx).Create(l).Error; err != nil {
		return fmt.Errorf("auth: insert staff link: %w", err)
	}
	return nil
}

// useLink marks a live link used, atomically, so two requests racing with one
// link cannot both succeed.
func (store) useLink(ctx context.Context, tx *gorm.DB, hash, purpose string, now time.Time) (StaffLink, error) {
	var l StaffLink
	err := tx.WithContext(ctx).Where("token_hash = ? AND purpose = ?", hash, purpose).Take(&l).Error
	if err != nil {
		return l, notFound(err, "staff link")
	}
	if l.UsedAt != nil || !now.Before(l.ExpiresAt) {
		return l, db.ErrNotFound
	}
	res := tx.WithContext(ctx).Model(&StaffLink{}).Where("id = ? AND used_at IS NULL", l.ID).Update("used_at", now)
	if res.Error != nil {
		return l, fmt.Errorf("auth: use staff link: %w", res.Error)
	}
	if res.RowsAffected != 1 {
		return l, db.ErrNotFound
	}
	return l, nil
}

func (store) inviteByHash(ctx context.Context, tx *gorm.DB, hash string, forUpdate bool) (CustomerInvite, error) {
	var inv CustomerInvite
	q := tx.WithContext(ctx).Where("token_hash = ?", hash)
	if forUpdate && tx.Dialector.Name() == "postgres" {
		// Serialise attempts on one invite so the failure count cannot be
		// raced past the lock (SQLite already has a single writer).
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	err := q.Take(&inv).Error
	return inv, notFound(err, "invite")
}

func (store) saveInvite(ctx context.Context, tx *gorm.DB, inv *CustomerInvite) error {
	if err := tx.WithContext(ctx).Save(inv).Error; err != nil {
		return fmt.Errorf("auth: save invite: %w", err)
	}
	return nil
}

func (store) insertRefresh(ctx context.Context, tx *gorm.DB, r *RefreshToken) error {
	if err := tx.WithContext(ctx).Create(r).Error; err != nil {
		return fmt.Errorf("auth: insert refresh token: %w", err)
	}
	return nil
}

func (store) refreshByHash(ctx context.Context, tx *gorm.DB, hash string) (RefreshToken, error) {
	var r RefreshToken
	err := tx.WithContext(ctx).Where("token_hash = ?", hash).Take(&r).Error
	return r, notFound(err, "refresh token")
}

// markRefreshUsed succeeds only for the first caller: a concurrent second use
// of the same token is treated as reuse.
func (store) markRefreshUsed(ctx context.Context, tx *gorm.DB, id int64, now time.Time) (bool, error) {
	res := tx.WithContext(ctx).Model(&RefreshToken{}).
		Where("id = ? AND used_at IS NULL AND revoked_at IS NULL", id).Update("used_at", now)
	if res.Error != nil {
		return false, fmt.Errorf("auth: mark refresh used: %w", res.Error)
	}
	return res.RowsAffected == 1, nil
}

func (store) revokeFamily(ctx context.Context, tx *gorm.DB, family string, now time.Time) error {
	if err := tx.WithContext(ctx).Model(&RefreshToken{}).Where("family_id = ? AND revoked_at IS NULL", family).
		Update("revoked_at", now).Error; err != nil {
		return fmt.Errorf("auth: revoke family: %w", err)
	}
	return nil
}

func (store) revokeSubject(ctx context.Context, tx *gorm.DB, kind string, id int64, now time.Time) error {
	if err := tx.WithContext(ctx).Model(&RefreshToken{}).
		Where("subject_kind = ? AND subject_id = ? AND revoked_at IS NULL", kind, id).
		Update("revoked_at", now).Error; err != nil {
		return fmt.Errorf("auth: revoke sessions: %w", err)
	}
	return nil
}

// purgeExpired deletes sign-in tokens that can no longer be used, keeping a
// day's grace so a late reuse of a refresh token is still recognised.
func (store) purgeExpired(ctx context.Context, tx *gorm.DB, now time.Time) (int64, error) {
	cutoff := now.Add(-24 * time.Hour)
	var total int64
	for _, q := range []struct {
		model any
		where string
	}{
		{&RefreshToken{}, "expires_at < ?"},
		{&StaffLink{}, "expires_at < ?"},
		{&CustomerInvite{}, "expires_at < ? AND locked_forever = false"},
	} {
		res := tx.WithContext(ctx).Where(q.where, cutoff).Delete(q.model)
		if res.Error != nil {
			return total, fmt.Errorf("auth: purge expired tokens: %w", res.Error)
		}
		total += res.RowsAffected
	}
	return total, nil
}

func notFound(err error, what string) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return db.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("auth: %s: %w", what, err)
	}
	return nil
}

func normaliseEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }
