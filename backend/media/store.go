package media

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"github.com/keyturn/keyturn/backend/platform/db"
)

// Store queries media. Every method that lists or looks up a financier's
// files takes the financier's id first; only ByKey, the public door, does
// not.
type Store struct {
	DB *gorm.DB
}

// ListLimit bounds one list of files.
const ListLimit = 200

// List returns a financier's files, newest first, of one kind when kind is
// not empty.
func (s Store) List(ctx context.Context, financierID int64, kind string) ([]Media, error) {
	q := s.DB.WithContext(ctx).Where("financier_id = ?", financierID)
	if kind != "" {
		q = q.Where("kind = ?", kind)
	}
	var rows []Media
	if err := q.Order("created_at DESC, id DESC").Limit(ListLimit).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("media: list financier %d: %w", financierID, err)
	}
	return rows, nil
}

// Get returns one of a financier's files; db.ErrNotFound when it does not
// exist or is another financier's.
func (s Store) Get(ctx context.Context, financierID, id int64) (Media, error) {
	var m Media
	err := s.DB.WithContext(ctx).Where("id = ? AND financier_id = ?", id, financierID).Take(&m).Error
	return m, found(err, "get media")
}

// ByKey returns the file with this key, whoever it belongs to (the key is
// the capability); db.ErrNotFound when there is none.
func (s Store) ByKey(ctx context.Context, key string) (Media, error) {
	var m Media
	err := s.DB.WithContext(ctx).Where("key = ?", key).Take(&m).Error
	return m, found(err, "media by key")
}

// KindOf returns the kind of a financier's file with this key; db.ErrNotFound
// when the key is unknown or another financier's. Offers use it to accept
// a /media/{key} URL of the right kind.
func (s Store) KindOf(ctx context.Context, financierID int64, key string) (string, error) {
	var m Media
	err := s.DB.WithContext(ctx).Select("kind").Where("key = ? AND financier_id = ?", key, financierID).Take(&m).Error
	return m.Kind, found(err, "media kind")
}

// Chunk returns one stored chunk of a file.
func (s Store) Chunk(ctx context.Context, mediaID int64, seq int) ([]byte, error) {
	var c chunk
	err := s.DB.WithContext(ctx).Where("media_id = ? AND seq = ?", mediaID, seq).Take(&c).Error
	if err := found(err, fmt.Sprintf("media %d chunk %d", mediaID, seq)); err != nil {
		return nil, err
	}
	return c.Data, nil
}

// found translates GORM's not-found into db.ErrNotFound and names the
// query that failed.
func found(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, gorm.ErrRecordNotFound):
		return db.ErrNotFound
	default:
		return fmt.Errorf("media: %s: %w", what, err)
	}
}
