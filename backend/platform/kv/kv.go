// Package kv is the small key-value interface behind caching, rate-limit
// counters and publish/subscribe. One node uses the in-process Memory store;
// several nodes share one Redis through the Redis store, so that counters,
// cached values and published messages are seen by every node alike.
//
// Errors never name the key: keys may carry personal data (a throttle keyed on
// an email address or an IP address) and errors end up in logs.
package kv

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrNotFound is returned by Get when the key is absent or has expired.
var ErrNotFound = errors.New("kv: not found")

// ErrClosed is returned by every operation on a store after Close.
var ErrClosed = errors.New("kv: store closed")

// SubscriptionBuffer is how many messages a subscription holds for a reader
// that has fallen behind. A publisher never waits for a slow subscriber:
// once this many messages are waiting, newer ones are dropped for that
// subscriber only. Pub/sub is meant for live updates that the reader can
// reload from the database, so losing messages under overload is preferable
// to one stuck reader stalling every publisher.
const SubscriptionBuffer = 256

// Store is the cache, counter and pub/sub interface shared by Memory and Redis.
type Store interface {
	// Get returns the value stored under key, or ErrNotFound when the key is
	// absent or expired.
	Get(ctx context.Context, key string) ([]byte, error)
	// Set stores val under key; ttl 0 keeps it until deleted, and a new Set
	// replaces both the value and the expiry. A negative ttl is an error.
	Set(ctx context.Context, key string, val []byte, ttl time.Duration) error
	// Delete removes the keys; absent keys are not an error.
	Delete(ctx context.Context, keys ...string) error
	// Incr adds one to a counter and returns the new value. The TTL is set
	// when the counter is created (a fixed window, not a sliding one), so a
	// throttle always expires; ttl 0 creates a counter that never expires.
	// A counter found without an expiry gets ttl as well, so a throttle can
	// never be stuck forever. The value is stored as a decimal string, and
	// Incr on a value that is not an integer, or with a negative ttl, is an
	// error.
	Incr(ctx context.Context, key string, ttl time.Duration) (int64, error)
	// Publish sends msg to every current subscriber of channel, on every node.
	Publish(ctx context.Context, channel string, msg []byte) error
	// Subscribe delivers messages published on channel after it returns,
	// until ctx ends or the subscription or the store is closed; then the
	// subscription's channel is closed. See SubscriptionBuffer for slow readers.
	Subscribe(ctx context.Context, channel string) (Subscription, error)
	// Ping reports whether the store can serve requests (for /readyz).
	Ping(ctx context.Context) error
	// Close releases the store and ends its subscriptions. Closing twice is
	// not an error.
	Close() error
}

// Subscription is one subscriber's stream of messages.
type Subscription interface {
	// C returns the messages in publishing order; it is closed when the
	// subscription ends.
	C() <-chan []byte
	// Close ends the subscription. When it returns no further message is
	// added to C, which is then closed. Closing twice is not an error.
	Close() error
}

// PrefixDeleter is implemented by stores that can delete every key starting
// with a prefix. Memory and Redis both do; the Fiber adapter uses it for
// Reset and tests use it to clean up.
type PrefixDeleter interface {
	DeletePrefix(ctx context.Context, prefix string) error
}

// DefaultRedisPrefix is the prefix Open gives every Redis key and channel, so
// that Keyturn can share a Redis database with other software.
const DefaultRedisPrefix = "keyturn:"

// Open returns a Redis store when redisURL is set and an in-process Memory
// store otherwise. It does not contact Redis; call Ping at start to fail fast.
func Open(redisURL string) (Store, error) {
	if redisURL == "" {
		return NewMemory(), nil
	}
	r, err := NewRedis(redisURL, DefaultRedisPrefix)
	if err != nil {
		return nil, err
	}
	return r, nil
}

// checkTTL rejects negative TTLs, which Redis and Memory would otherwise treat
// differently (Redis deletes the key, a map would keep it).
func checkTTL(ttl time.Duration) error {
	if ttl < 0 {
		return fmt.Errorf("negative ttl %s", ttl)
	}
	return nil
}
