package kv_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/keyturn/keyturn/backend/platform/kv"
	"github.com/keyturn/keyturn/backend/platform/kv/kvtest"
	"github.com/keyturn/keyturn/backend/platform/testenv"
)

func TestMemory(t *testing.T) {
	t.Parallel()
	kvtest.Run(t, func(t *testing.T) kvtest.Opener {
		m := kv.NewMemory()
		t.Cleanup(func() { require.NoError(t, m.Close()) })
		return func() kv.Store { return m }
	})
}

func TestRedis(t *testing.T) {
	t.Parallel()
	url := testenv.RedisURL(t)
	kvtest.Run(t, func(t *testing.T) kvtest.Opener {
		prefix := uniquePrefix(t)
		cleanupRedis(t, url, prefix)
		return func() kv.Store {
			r, err := kv.NewRedis(url, prefix)
			require.NoError(t, err)
			t.Cleanup(func() { require.NoError(t, r.Close()) })
			return r
		}
	})
}

// uniquePrefix returns a key prefix no other test run uses, so tests can
// share one Redis with other packages' tests running at the same time.
func uniquePrefix(t *testing.T) string {
	t.Helper()
	b := make([]byte, 8)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return "kvtest:" + hex.EncodeToString(b) + ":"
}

// cleanupRedis deletes every key under prefix when the test ends, through a
// client of its own (the test may have closed its stores), and checks that
// none is left.
func cleanupRedis(t *testing.T, url, prefix string) {
	t.Helper()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		r, err := kv.NewRedis(url, prefix)
		require.NoError(t, err)
		defer func() { require.NoError(t, r.Close()) }()
		require.NoError(t, r.DeletePrefix(ctx, ""))

		opts, err := redis.ParseURL(url)
		require.NoError(t, err)
		raw := redis.NewClient(opts)
		defer func() { require.NoError(t, raw.Close()) }()
		left, _, err := raw.Scan(ctx, 0, prefix+"*", 1000).Result()
		require.NoError(t, err)
		require.Empty(t, left, "keys left behind under the test prefix")
	})
}

func TestOpen(t *testing.T) {
	t.Parallel()
	s, err := kv.Open("")
	require.NoError(t, err)
	require.IsType(t, &kv.Memory{}, s)
	require.NoError(t, s.Close())

	// Open does not dial, so an unreachable address still opens; Ping
	// reports it.
	s, err = kv.Open("redis://127.0.0.1:1/0")
	require.NoError(t, err)
	require.IsType(t, &kv.Redis{}, s)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	require.Error(t, s.Ping(ctx))
	require.NoError(t, s.Close())
}

func TestNewRedisBadURL(t *testing.T) {
	t.Parallel()
	for _, url := range []string{
		"",
		"http://127.0.0.1:6379",
		"redis://127.0.0.1:6379/notanumber",
		"redis://user:s3cret@[::1:6379/0",
	} {
		_, err := kv.NewRedis(url, "p:")
		require.Error(t, err, url)
		require.NotContains(t, err.Error(), "s3cret", "the password must not appear in the error")
	}
}

func TestRedisOpenWithPing(t *testing.T) {
	t.Parallel()
	s, err := kv.Open(testenv.RedisURL(t))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	require.NoError(t, s.Ping(t.Context()))
}
