package kv

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"
)

// FiberStorage adapts s to fiber.Storage, for Fiber middleware such as the
// limiter, so that with Redis every node counts against the same limits.
// prefix is put in front of every key so that Reset clears only this
// adapter's keys.
//
// Fiber's limiter reads, changes and writes its record without a lock shared
// between nodes, so concurrent requests on different nodes can each count
// once less than they should. Throttles that must be exact (sign-in attempts)
// should call Store.Incr instead.
func FiberStorage(s Store, prefix string) fiber.Storage {
	return &fiberStorage{s: s, prefix: prefix}
}

type fiberStorage struct {
	s      Store
	prefix string
}

// Get returns nil, nil for a missing key, as fiber.Storage requires.
func (f *fiberStorage) Get(key string) ([]byte, error) {
	if key == "" {
		return nil, nil
	}
	// fiber.Storage carries no context; the store's own timeouts (go-redis's
	// read and write timeouts) bound the call.
	b, err := f.s.Get(context.Background(), f.prefix+key)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("kv: fiber storage: %w", err)
	}
	return b, nil
}

// Set ignores an empty key or value, as fiber.Storage specifies; exp 0 means
// no expiry.
func (f *fiberStorage) Set(key string, val []byte, exp time.Duration) error {
	if key == "" || len(val) == 0 {
		return nil
	}
	if err := f.s.Set(context.Background(), f.prefix+key, val, exp); err != nil {
		return fmt.Errorf("kv: fiber storage: %w", err)
	}
	return nil
}

// Delete removes key; a missing key is not an error.
func (f *fiberStorage) Delete(key string) error {
	if key == "" {
		return nil
	}
	if err := f.s.Delete(context.Background(), f.prefix+key); err != nil {
		return fmt.Errorf("kv: fiber storage: %w", err)
	}
	return nil
}

// Reset deletes every key under the adapter's prefix.
func (f *fiberStorage) Reset() error {
	pd, ok := f.s.(PrefixDeleter)
	if !ok {
		return fmt.Errorf("kv: fiber storage: reset: %T cannot delete by prefix", f.s)
	}
	if err := pd.DeletePrefix(context.Background(), f.prefix); err != nil {
		return fmt.Errorf("kv: fiber storage: reset: %w", err)
	}
	return nil
}

// Close leaves the Store open: it is shared with the rest of the process and
// closed by whoever opened it.
func (f *fiberStorage) Close() error {
	return nil
}
