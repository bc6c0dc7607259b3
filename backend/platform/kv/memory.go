package kv

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// janitorInterval is how often Memory sweeps expired keys. Reads already
// ignore expired entries, so the sweep only bounds memory held by keys that
// are never read again (rate-limit counters of one-off visitors).
const janitorInterval = time.Minute

// Memory is the in-process Store for a single node. It is safe for
// concurrent use. Values are copied in and out, so callers may reuse their
// buffers.
type Memory struct {
	mu     sync.RWMutex
	items  map[string]memItem
	closed bool

	// subMu guards subs separately from items so that publishing never waits
	// for a large Set or the janitor's sweep. Publish holds it for reading
	// while it sends, and a subscription is removed under the write lock
	// before its channel is closed, so a send never meets a closed channel.
	subMu     sync.RWMutex
	subs      map[string]map[*memSub]struct{}
	subClosed bool

	stop chan struct{}
	done chan struct{}
}

type memItem struct {
	val     []byte
	expires time.Time // zero: never
}

func (it memItem) expired(now time.Time) bool {
	return !it.expires.IsZero() && !now.Before(it.expires)
}

var (
	_ Store         = (*Memory)(nil)
	_ PrefixDeleter = (*Memory)(nil)
)

// NewMemory returns an empty Memory store and starts its janitor, which Close
// stops.
func NewMemory() *Memory {
	return newMemory(janitorInterval)
}

func newMemory(interval time.Duration) *Memory {
	m := &Memory{
		items: make(map[string]memItem),
		subs:  make(map[string]map[*memSub]struct{}),
		stop:  make(chan struct{}),
		done:  make(chan struct{}),
	}
	go m.janitor(interval)
	return m
}

func (m *Memory) janitor(interval time.Duration) {
	defer close(m.done)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-m.stop:
			return
		case now := <-t.C:
			m.sweep(now)
		}
	}
}

// sweep removes every key expired at now.
func (m *Memory) sweep(now time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for k, it := range m.items {
		if it.expired(now) {
			delete(m.items, k)
		}
	}
}

// Get implements Store.
func (m *Memory) Get(ctx context.Context, key string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("kv: get: %w", err)
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return nil, fmt.Errorf("kv: get: %w", ErrClosed)
	}
	it, ok := m.items[key]
	if !ok || it.expired(time.Now()) {
		return nil, ErrNotFound
	}
	return clone(it.val), nil
}

// Set implements Store.
func (m *Memory) Set(ctx context.Context, key string, val []byte, ttl time.Duration) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("kv: set: %w", err)
	}
	if err := checkTTL(ttl); err != nil {
		return fmt.Errorf("kv: set: %w", err)
	}
	it := memItem{val: clone(val)}
	if ttl > 0 {
		it.expires = time.Now().Add(ttl)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return fmt.Errorf("kv: set: %w", ErrClosed)
	}
	m.items[key] = it
	return nil
}

// Delete implements Store.
func (m *Memory) Delete(ctx context.Context, keys ...string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("kv: delete: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return fmt.Errorf("kv: delete: %w", ErrClosed)
	}
	for _, k := range keys {
		delete(m.items, k)
	}
	return nil
}

// DeletePrefix implements PrefixDeleter.
func (m *Memory) DeletePrefix(ctx context.Context, prefix string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("kv: delete prefix: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return fmt.Errorf("kv: delete prefix: %w", ErrClosed)
	}
	for k := range m.items {
		if strings.HasPrefix(k, prefix) {
			delete(m.items, k)
		}
	}
	return nil
}

// Incr implements Store.
func (m *Memory) Incr(ctx context.Context, key string, ttl time.Duration) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("kv: incr: %w", err)
	}
	if err := checkTTL(ttl); err != nil {
		return 0, fmt.Errorf("kv: incr: %w", err)
	}
	now := time.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return 0, fmt.Errorf("kv: incr: %w", ErrClosed)
	}
	it, ok := m.items[key]
	if !ok || it.expired(now) {
		it = memItem{}
	}
	var n int64
	if it.val != nil {
		v, err := strconv.ParseInt(string(it.val), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("kv: incr: value is not an integer")
		}
		n = v
	}
	if n == maxInt64 {
		return 0, fmt.Errorf("kv: incr: counter overflow")
	}
	n++
	it.val = strconv.AppendInt(nil, n, 10)
	if it.expires.IsZero() && ttl > 0 {
		it.expires = now.Add(ttl)
	}
	m.items[key] = it
	return n, nil
}

const maxInt64 = 1<<63 - 1

// Publish implements Store. It never blocks on a subscriber: a subscriber
// whose buffer is full misses the message (see SubscriptionBuffer).
func (m *Memory) Publish(ctx context.Context, channel string, msg []byte) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("kv: publish: %w", err)
	}
	m.subMu.RLock()
	defer m.subMu.RUnlock()
	if m.subClosed {
		return fmt.Errorf("kv: publish: %w", ErrClosed)
	}
	for s := range m.subs[channel] {
		// Each subscriber gets its own copy so that one cannot change what
		// another reads.
		select {
		case s.ch <- clone(msg):
		default:
		}
	}
	return nil
}

// Subscribe implements Store.
func (m *Memory) Subscribe(ctx context.Context, channel string) (Subscription, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("kv: subscribe: %w", err)
	}
	s := &memSub{m: m, channel: channel, ch: make(chan []byte, SubscriptionBuffer)}
	m.subMu.Lock()
	if m.subClosed {
		m.subMu.Unlock()
		return nil, fmt.Errorf("kv: subscribe: %w", ErrClosed)
	}
	set := m.subs[channel]
	if set == nil {
		set = make(map[*memSub]struct{})
		m.subs[channel] = set
	}
	set[s] = struct{}{}
	// Registered under subMu, which Close takes first, so Close always sees
	// stopCtx; if ctx is already done the callback waits for the lock.
	s.stopCtx = context.AfterFunc(ctx, func() { _ = s.Close() })
	m.subMu.Unlock()
	return s, nil
}

// Ping implements Store.
func (m *Memory) Ping(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("kv: ping: %w", err)
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return fmt.Errorf("kv: ping: %w", ErrClosed)
	}
	return nil
}

// Close implements Store: it stops the janitor, drops every key and closes
// every subscription.
func (m *Memory) Close() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil
	}
	m.closed = true
	m.items = nil
	m.mu.Unlock()
	close(m.stop)
	<-m.done

	m.subMu.Lock()
	m.subClosed = true
	var subs []*memSub
	for _, set := range m.subs {
		for s := range set {
			subs = append(subs, s)
		}
	}
	m.subMu.Unlock()
	for _, s := range subs {
		_ = s.Close()
	}
	return nil
}

type memSub struct {
	m       *Memory
	channel string
	ch      chan []byte
	once    sync.Once
	stopCtx func() bool // guarded by m.subMu

}

func (s *memSub) C() <-chan []byte { return s.ch }

func (s *memSub) Close() error {
	s.once.Do(func() {
		s.m.subMu.Lock()
		if set := s.m.subs[s.channel]; set != nil {
			delete(set, s)
			if len(set) == 0 {
				delete(s.m.subs, s.channel)
			}
		}
		close(s.ch)
		stop := s.stopCtx
		s.m.subMu.Unlock()
		// When Close runs from the AfterFunc itself, stopping it is a
		// harmless no-op.
		stop()
	})
	return nil
}

func clone(b []byte) []byte {
	out := make([]byte, len(b))
	copy(out, b)
	return out
}
