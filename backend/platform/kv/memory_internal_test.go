package kv

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The janitor frees expired keys that nobody reads again.
func TestMemoryJanitor(t *testing.T) {
	t.Parallel()
	m := newMemory(10 * time.Millisecond)
	t.Cleanup(func() { require.NoError(t, m.Close()) })
	ctx := t.Context()
	require.NoError(t, m.Set(ctx, "short", []byte("v"), 20*time.Millisecond))
	_, err := m.Incr(ctx, "counter", 20*time.Millisecond)
	require.NoError(t, err)
	require.NoError(t, m.Set(ctx, "keep", []byte("v"), 0))

	require.Eventually(t, func() bool {
		m.mu.RLock()
		defer m.mu.RUnlock()
		return len(m.items) == 1
	}, 3*time.Second, 10*time.Millisecond)
	_, err = m.Get(ctx, "keep")
	require.NoError(t, err)
}

// Close stops the janitor goroutine.
func TestMemoryCloseStopsJanitor(t *testing.T) {
	t.Parallel()
	m := newMemory(time.Millisecond)
	require.NoError(t, m.Close())
	select {
	case <-m.done:
	case <-time.After(3 * time.Second):
		require.FailNow(t, "janitor still running after Close")
	}
}
