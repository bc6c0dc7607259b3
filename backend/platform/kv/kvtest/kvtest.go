// Package kvtest is the conformance suite every kv.Store implementation
// passes, so Memory (one node) and Redis (many nodes) behave alike. It is run
// from the kv package's tests against both.
package kvtest

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"
	"github.com/stretchr/testify/require"

	"github.com/keyturn/keyturn/backend/platform/kv"
)

// Opener opens another node onto one shared state: for Memory the same
// instance each time, for Redis a new client (its own connection pool) with
// the same prefix, as a second server process would have.
type Opener func() kv.Store

// NewOpener is called once per test and returns an Opener onto a fresh, empty
// state that no other test sees. It registers with t.Cleanup whatever closes
// the stores and removes their keys.
type NewOpener func(t *testing.T) Opener

// wait bounds every wait for a message or an expiry. Expiry TTLs in the suite
// are a few hundred milliseconds; the slack covers a loaded CI machine.
const wait = 3 * time.Second

// Run runs the conformance suite against the implementation behind newOpener.
// Subtests run in parallel.
func Run(t *testing.T, newOpener NewOpener) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, open Opener)
	}{
		{"GetSet", testGetSet},
		{"Expiry", testExpiry},
		{"Delete", testDelete},
		{"DeletePrefix", testDeletePrefix},
		{"Incr", testIncr},
		{"IncrWindow", testIncrWindow},
		{"IncrAcrossNodes", testIncrAcrossNodes},
		{"PubSubTwoSubscribers", testPubSubTwoSubscribers},
		{"PubSubAcrossNodes", testPubSubAcrossNodes},
		{"PubSubOnlyAfterSubscribe", testPubSubOnlyAfterSubscribe},
		{"PubSubOrder", testPubSubOrder},
		{"Unsubscribe", testUnsubscribe},
		{"SubscribeContextEnds", testSubscribeContextEnds},
		{"SlowSubscriber", testSlowSubscriber},
		{"ContextCanceled", testContextCanceled},
		{"Ping", testPing},
		{"Closed", testClosed},
		{"FiberStorage", testFiberStorage},
		{"FiberLimiterAcrossNodes", testFiberLimiterAcrossNodes},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, newOpener(t))
		})
	}
}

func testGetSet(t *testing.T, open Opener) {
	ctx := t.Context()
	s := open()

	_, err := s.Get(ctx, "missing")
	require.ErrorIs(t, err, kv.ErrNotFound)

	require.NoError(t, s.Set(ctx, "k", []byte("one"), 0))
	got, err := s.Get(ctx, "k")
	require.NoError(t, err)
	require.Equal(t, []byte("one"), got)

	// The caller may change what it got without changing the store.
	got[0] = 'X'
	got, err = s.Get(ctx, "k")
	require.NoError(t, err)
	require.Equal(t, []byte("one"), got)

	// Nor may the caller's buffer after Set.
	buf := []byte("two")
	require.NoError(t, s.Set(ctx, "k", buf, 0))
	buf[0] = 'X'
	got, err = s.Get(ctx, "k")
	require.NoError(t, err)
	require.Equal(t, []byte("two"), got)

	bin := []byte{0, 1, 0xfe, 0xff, '\n', 0}
	require.NoError(t, s.Set(ctx, "bin", bin, 0))
	got, err = s.Get(ctx, "bin")
	require.NoError(t, err)
	require.Equal(t, bin, got)

	require.NoError(t, s.Set(ctx, "empty", nil, 0))
	got, err = s.Get(ctx, "empty")
	require.NoError(t, err, "an empty value is stored, not absent")
	require.Empty(t, got)

	require.Error(t, s.Set(ctx, "neg", []byte("x"), -time.Second))
	_, err = s.Get(ctx, "neg")
	require.ErrorIs(t, err, kv.ErrNotFound)
}

func testExpiry(t *testing.T, open Opener) {
	ctx := t.Context()
	s := open()

	require.NoError(t, s.Set(ctx, "short", []byte("v"), 200*time.Millisecond))
	require.NoError(t, s.Set(ctx, "forever", []byte("v"), 0))
	// A new Set replaces the expiry too: this key must outlive "short".
	require.NoError(t, s.Set(ctx, "reset", []byte("v"), 200*time.Millisecond))
	require.NoError(t, s.Set(ctx, "reset", []byte("w"), 0))

	got, err := s.Get(ctx, "short")
	require.NoError(t, err, "a key must be readable before its TTL")
	require.Equal(t, []byte("v"), got)

	requireGone(t, s, "short")

	got, err = s.Get(ctx, "forever")
	require.NoError(t, err)
	require.Equal(t, []byte("v"), got)
	got, err = s.Get(ctx, "reset")
	require.NoError(t, err)
	require.Equal(t, []byte("w"), got)
}

func testDelete(t *testing.T, open Opener) {
	ctx := t.Context()
	s := open()
	for _, k := range []string{"a", "b", "c"} {
		require.NoError(t, s.Set(ctx, k, []byte(k), 0))
	}
	require.NoError(t, s.Delete(ctx, "a", "b", "missing"))
	require.NoError(t, s.Delete(ctx))
	for _, k := range []string{"a", "b"} {
		_, err := s.Get(ctx, k)
		require.ErrorIs(t, err, kv.ErrNotFound, k)
	}
	got, err := s.Get(ctx, "c")
	require.NoError(t, err)
	require.Equal(t, []byte("c"), got)
}

func testDeletePrefix(t *testing.T, open Opener) {
	ctx := t.Context()
	s := open()
	pd, ok := s.(kv.PrefixDeleter)
	require.True(t, ok, "%T must implement kv.PrefixDeleter", s)

	// Enough keys to take several SCAN batches, and a prefix with glob
	// characters that must be matched literally.
	for i := range 1200 {
		require.NoError(t, s.Set(ctx, "p*[x]:"+strconv.Itoa(i), []byte("v"), 0))
	}
	require.NoError(t, s.Set(ctx, "p*[y]:keep", []byte("v"), 0))
	require.NoError(t, s.Set(ctx, "other", []byte("v"), 0))

	require.NoError(t, pd.DeletePrefix(ctx, "p*[x]:"))
	for _, k := range []string{"p*[x]:0", "p*[x]:599", "p*[x]:1199"} {
		_, err := s.Get(ctx, k)
		require.ErrorIs(t, err, kv.ErrNotFound, k)
	}
	for _, k := range []string{"p*[y]:keep", "other"} {
		_, err := s.Get(ctx, k)
		require.NoError(t, err, k)
	}
}

func testIncr(t *testing.T, open Opener) {
	ctx := t.Context()
	s := open()
	for want := int64(1); want <= 3; want++ {
		n, err := s.Incr(ctx, "n", 0)
		require.NoError(t, err)
		require.Equal(t, want, n)
	}
	got, err := s.Get(ctx, "n")
	require.NoError(t, err)
	require.Equal(t, []byte("3"), got, "a counter is stored as a decimal string")

	// A counter created by Set continues from its value.
	require.NoError(t, s.Set(ctx, "set", []byte("41"), 0))
	n, err := s.Incr(ctx, "set", 0)
	require.NoError(t, err)
	require.Equal(t, int64(42), n)

	require.NoError(t, s.Set(ctx, "text", []byte("abc"), 0))
	_, err = s.Incr(ctx, "text", 0)
	require.Error(t, err)

	_, err = s.Incr(ctx, "neg", -time.Second)
	require.Error(t, err)
}

func testIncrWindow(t *testing.T, open Opener) {
	ctx := t.Context()
	s := open()

	// The window is fixed: the TTL starts at the first Incr and later ones
	// do not extend it. With a sliding TTL the key would live until at
	// least start+1.5s.
	const window = time.Second
	start := time.Now()
	n, err := s.Incr(ctx, "w", window)
	require.NoError(t, err)
	require.Equal(t, int64(1), n)
	time.Sleep(window / 2)
	n, err = s.Incr(ctx, "w", window)
	require.NoError(t, err)
	require.Equal(t, int64(2), n)
	requireGone(t, s, "w")
	require.Less(t, time.Since(start), window+window*2/5, "the second Incr must not extend the window")

	// After the window a new one starts at 1.
	n, err = s.Incr(ctx, "w", 200*time.Millisecond)
	require.NoError(t, err)
	require.Equal(t, int64(1), n)
	requireGone(t, s, "w")

	// A counter without an expiry gets the window's, so a throttle can
	// never be stuck.
	require.NoError(t, s.Set(ctx, "stuck", []byte("5"), 0))
	n, err = s.Incr(ctx, "stuck", 200*time.Millisecond)
	require.NoError(t, err)
	require.Equal(t, int64(6), n)
	requireGone(t, s, "stuck")

	// ttl 0 makes a counter that stays.
	_, err = s.Incr(ctx, "keep", 0)
	require.NoError(t, err)
	_, err = s.Incr(ctx, "short", 200*time.Millisecond)
	require.NoError(t, err)
	requireGone(t, s, "short")
	got, err := s.Get(ctx, "keep")
	require.NoError(t, err)
	require.Equal(t, []byte("1"), got)
}

func testIncrAcrossNodes(t *testing.T, open Opener) {
	ctx := t.Context()
	nodes := []kv.Store{open(), open()}
	const perWorker, workersPerNode = 25, 4
	var (
		mu   sync.Mutex
		seen []int64
		wg   sync.WaitGroup
	)
	errs := make(chan error, len(nodes)*workersPerNode)
	for _, s := range nodes {
		for range workersPerNode {
			wg.Go(func() {
				for range perWorker {
					n, err := s.Incr(ctx, "shared", time.Minute)
					if err != nil {
						errs <- err
						return
					}
					mu.Lock()
					seen = append(seen, n)
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	// Every increment got its own value: none was lost or counted twice.
	total := len(nodes) * workersPerNode * perWorker
	slices.Sort(seen)
	want := make([]int64, total)
	for i := range want {
		want[i] = int64(i + 1)
	}
	require.Equal(t, want, seen)
}

func testPubSubTwoSubscribers(t *testing.T, open Opener) {
	ctx := t.Context()
	s := open()
	a := subscribe(t, s, "ch")
	b := subscribe(t, s, "ch")
	other := subscribe(t, s, "other")

	require.NoError(t, s.Publish(ctx, "ch", []byte("hello")))
	require.Equal(t, "hello", receive(t, a))
	require.Equal(t, "hello", receive(t, b))

	// "other" got nothing from "ch": the first message it sees is its own.
	require.NoError(t, s.Publish(ctx, "other", []byte("marker")))
	require.Equal(t, "marker", receive(t, other))
}

func testPubSubAcrossNodes(t *testing.T, open Opener) {
	ctx := t.Context()
	n1, n2 := open(), open()
	a := subscribe(t, n1, "live")
	b := subscribe(t, n2, "live")

	require.NoError(t, n2.Publish(ctx, "live", []byte("from 2")))
	require.Equal(t, "from 2", receive(t, a))
	require.Equal(t, "from 2", receive(t, b))

	require.NoError(t, n1.Publish(ctx, "live", []byte("from 1")))
	require.Equal(t, "from 1", receive(t, a))
	require.Equal(t, "from 1", receive(t, b))
}

func testPubSubOnlyAfterSubscribe(t *testing.T, open Opener) {
	ctx := t.Context()
	n1, n2 := open(), open()
	require.NoError(t, n1.Publish(ctx, "c", []byte("before")))
	sub := subscribe(t, n2, "c")
	// Published right after Subscribe returns, from the other node: it
	// must arrive, so Subscribe may only return once it is active.
	require.NoError(t, n1.Publish(ctx, "c", []byte("after")))
	require.Equal(t, "after", receive(t, sub))
}

func testPubSubOrder(t *testing.T, open Opener) {
	ctx := t.Context()
	s := open()
	sub := subscribe(t, s, "c")
	const n = 100
	for i := range n {
		require.NoError(t, s.Publish(ctx, "c", []byte(strconv.Itoa(i))))
	}
	for i := range n {
		require.Equal(t, strconv.Itoa(i), receive(t, sub))
	}
}

func testUnsubscribe(t *testing.T, open Opener) {
	ctx := t.Context()
	s := open()
	gone := subscribe(t, s, "c")
	stays := subscribe(t, s, "c")

	require.NoError(t, gone.Close())
	require.NoError(t, gone.Close(), "closing twice is not an error")
	require.NoError(t, s.Publish(ctx, "c", []byte("late")))
	require.Equal(t, "late", receive(t, stays))
	require.Empty(t, drain(t, gone), "nothing is delivered after Close")
}

func testSubscribeContextEnds(t *testing.T, open Opener) {
	s := open()
	ctx, cancel := context.WithCancel(t.Context())
	sub, err := s.Subscribe(ctx, "c")
	require.NoError(t, err)
	t.Cleanup(func() { _ = sub.Close() })
	cancel()
	drain(t, sub)
	require.NoError(t, sub.Close())

	// The store itself is unaffected.
	other := subscribe(t, s, "c")
	require.NoError(t, s.Publish(t.Context(), "c", []byte("x")))
	require.Equal(t, "x", receive(t, other))
}

func testSlowSubscriber(t *testing.T, open Opener) {
	ctx := t.Context()
	s := open()
	slow := subscribe(t, s, "c")

	// Nobody reads slow: publishing far more than its buffer must still
	// finish, and promptly.
	n := 2*kv.SubscriptionBuffer + 10
	done := make(chan error, 1)
	go func() {
		for i := range n {
			if err := s.Publish(ctx, "c", []byte(strconv.Itoa(i))); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		require.FailNow(t, "Publish blocked on a subscriber that does not read")
	}

	// A subscriber that reads is served.
	fast := subscribe(t, s, "c")
	require.NoError(t, s.Publish(ctx, "c", []byte("next")))
	require.Equal(t, "next", receive(t, fast))

	// The slow one gets the oldest messages, in order; newer ones were
	// dropped rather than queued without bound.
	require.Equal(t, "0", receive(t, slow))
	require.Equal(t, "1", receive(t, slow))
	require.NoError(t, slow.Close())
	got := drain(t, slow)
	require.Less(t, len(got), n, "messages beyond the buffer are dropped")
}

func testContextCanceled(t *testing.T, open Opener) {
	s := open()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := s.Get(ctx, "k")
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorIs(t, s.Set(ctx, "k", []byte("v"), 0), context.Canceled)
	_, err = s.Incr(ctx, "k", 0)
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorIs(t, s.Publish(ctx, "c", []byte("v")), context.Canceled)
	_, err = s.Subscribe(ctx, "c")
	require.ErrorIs(t, err, context.Canceled)
	_, err = s.Get(t.Context(), "k")
	require.ErrorIs(t, err, kv.ErrNotFound, "a canceled Set must not store")
}

func testPing(t *testing.T, open Opener) {
	require.NoError(t, open().Ping(t.Context()))
}

func testClosed(t *testing.T, open Opener) {
	ctx := t.Context()
	s := open()
	require.NoError(t, s.Set(ctx, "k", []byte("v"), 0))
	sub := subscribe(t, s, "c")

	require.NoError(t, s.Close())
	require.NoError(t, s.Close(), "closing twice is not an error")

	// Open subscriptions end with the store.
	drain(t, sub)

	_, err := s.Get(ctx, "k")
	require.ErrorIs(t, err, kv.ErrClosed)
	require.ErrorIs(t, s.Set(ctx, "k", []byte("v"), 0), kv.ErrClosed)
	require.ErrorIs(t, s.Delete(ctx, "k"), kv.ErrClosed)
	_, err = s.Incr(ctx, "n", 0)
	require.ErrorIs(t, err, kv.ErrClosed)
	require.ErrorIs(t, s.Publish(ctx, "c", []byte("v")), kv.ErrClosed)
	_, err = s.Subscribe(ctx, "c")
	require.ErrorIs(t, err, kv.ErrClosed)
	require.ErrorIs(t, s.Ping(ctx), kv.ErrClosed)
	if pd, ok := s.(kv.PrefixDeleter); ok {
		require.ErrorIs(t, pd.DeletePrefix(ctx, ""), kv.ErrClosed)
	}
}

func testFiberStorage(t *testing.T, open Opener) {
	ctx := t.Context()
	s1, s2 := open(), open()
	f1 := kv.FiberStorage(s1, "limiter:")
	f2 := kv.FiberStorage(s2, "limiter:")

	got, err := f1.Get("missing")
	require.NoError(t, err, "fiber expects nil, nil for a missing key")
	require.Nil(t, got)

	require.NoError(t, f1.Set("a", []byte("1"), 0))
	got, err = f2.Get("a")
	require.NoError(t, err)
	require.Equal(t, []byte("1"), got, "another node sees the value")
	got, err = s1.Get(ctx, "limiter:a")
	require.NoError(t, err, "the adapter's prefix is applied")
	require.Equal(t, []byte("1"), got)

	// Empty keys and values are ignored, as fiber.Storage specifies.
	require.NoError(t, f1.Set("", []byte("x"), 0))
	require.NoError(t, f1.Set("empty", nil, 0))
	got, err = f1.Get("empty")
	require.NoError(t, err)
	require.Nil(t, got)

	require.NoError(t, f1.Set("exp", []byte("v"), 200*time.Millisecond))
	require.Eventually(t, func() bool {
		got, err := f1.Get("exp")
		return err == nil && got == nil
	}, wait, 20*time.Millisecond)

	require.NoError(t, f2.Delete("a"))
	require.NoError(t, f2.Delete("a"), "deleting a missing key is not an error")
	got, err = f1.Get("a")
	require.NoError(t, err)
	require.Nil(t, got)

	// Reset clears the adapter's keys only.
	require.NoError(t, f1.Set("b", []byte("2"), 0))
	require.NoError(t, s1.Set(ctx, "unrelated", []byte("keep"), 0))
	require.NoError(t, f1.Reset())
	got, err = f1.Get("b")
	require.NoError(t, err)
	require.Nil(t, got)
	_, err = s1.Get(ctx, "unrelated")
	require.NoError(t, err)

	// Closing the adapter leaves the shared store open.
	require.NoError(t, f1.Close())
	require.NoError(t, s1.Ping(ctx))
}

func testFiberLimiterAcrossNodes(t *testing.T, open Opener) {
	newApp := func(s kv.Store) *fiber.App {
		app := fiber.New()
		app.Use(limiter.New(limiter.Config{
			Max:          2,
			Expiration:   time.Minute,
			KeyGenerator: func(*fiber.Ctx) string { return "client" },
			Storage:      kv.FiberStorage(s, "limiter:"),
		}))
		app.Get("/", func(c *fiber.Ctx) error { return c.SendString("ok") })
		return app
	}
	apps := []*fiber.App{newApp(open()), newApp(open())}
	// Requests alternate between two nodes; the third is over the limit
	// wherever it lands.
	for i, want := range []int{http.StatusOK, http.StatusOK, http.StatusTooManyRequests} {
		resp, err := apps[i%2].Test(httptest.NewRequest(http.MethodGet, "/", nil))
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		require.Equal(t, want, resp.StatusCode, "request %d", i+1)
	}
}

// subscribe subscribes for the rest of the test.
func subscribe(t *testing.T, s kv.Store, channel string) kv.Subscription {
	t.Helper()
	sub, err := s.Subscribe(t.Context(), channel)
	require.NoError(t, err)
	t.Cleanup(func() { _ = sub.Close() })
	return sub
}

// receive returns the next message, failing the test if none comes in time.
func receive(t *testing.T, sub kv.Subscription) string {
	t.Helper()
	select {
	case m, ok := <-sub.C():
		require.True(t, ok, "subscription closed while waiting for a message")
		return string(m)
	case <-time.After(wait):
		require.FailNow(t, "no message received")
		return ""
	}
}

// drain reads what is left until the subscription's channel is closed,
// failing the test if it does not close in time.
func drain(t *testing.T, sub kv.Subscription) []string {
	t.Helper()
	var got []string
	timeout := time.After(wait)
	for {
		select {
		case m, ok := <-sub.C():
			if !ok {
				return got
			}
			got = append(got, string(m))
		case <-timeout:
			require.FailNow(t, "subscription channel was not closed")
			return nil
		}
	}
}

// requireGone waits for key to expire.
func requireGone(t *testing.T, s kv.Store, key string) {
	t.Helper()
	require.Eventually(t, func() bool {
		_, err := s.Get(t.Context(), key)
		return errors.Is(err, kv.ErrNotFound)
	}, wait, 10*time.Millisecond, "key %q did not expire", key)
}
