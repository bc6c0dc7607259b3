package kv

import (
	"context"
	"errors"
	"fmt"
	neturl "net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis is the Store shared by every node of a deployment. Every key and
// channel gets the store's prefix, so several deployments (or parallel
// tests) can share one Redis database without seeing each other.
type Redis struct {
	client *redis.Client
	prefix string
	closed atomic.Bool

	mu   sync.Mutex // guards subs and makes Subscribe and Close exclusive
	subs map[*redisSub]struct{}
}

var (
	_ Store         = (*Redis)(nil)
	_ PrefixDeleter = (*Redis)(nil)
)

// incrScript increments a counter and gives it the window's TTL when it has
// none, in one atomic step: with INCR and EXPIRE sent separately, a node
// dying between the two would leave a throttle that never expires.
var incrScript = redis.NewScript(`
local n = redis.call('INCR', KEYS[1])
local ttl = tonumber(ARGV[1])
if ttl > 0 and redis.call('PTTL', KEYS[1]) == -1 then
	redis.call('PEXPIRE', KEYS[1], ttl)
end
return n
`)

// NewRedis returns a Redis store for url (redis:// or rediss://). prefix is
// put in front of every key and channel. It does not contact the server;
// call Ping to check the connection.
func NewRedis(url string, prefix string) (*Redis, error) {
	if url == "" {
		return nil, errors.New("kv: redis: empty URL")
	}
	opts, err := redis.ParseURL(url)
	if err != nil {
		// net/url's error repeats the whole URL, password included; keep
		// only the reason.
		var ue *neturl.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("kv: redis: parse URL: %w", err)
	}
	return &Redis{
		client: redis.NewClient(opts),
		prefix: prefix,
		subs:   make(map[*redisSub]struct{}),
	}, nil
}

// wrap adds the operation to err and reports use after Close as ErrClosed,
// including when Close happens while the call is in flight.
func (r *Redis) wrap(op string, err error) error {
	if r.closed.Load() || errors.Is(err, redis.ErrClosed) {
		return fmt.Errorf("kv: %s: %w", op, ErrClosed)
	}
	return fmt.Errorf("kv: %s: %w", op, err)
}

// check returns ErrClosed after Close, and the context's error when it has
// already ended, so Redis answers these cases the way Memory does.
func (r *Redis) check(ctx context.Context, op string) error {
	if r.closed.Load() {
		return fmt.Errorf("kv: %s: %w", op, ErrClosed)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("kv: %s: %w", op, err)
	}
	return nil
}

// Get implements Store.
func (r *Redis) Get(ctx context.Context, key string) ([]byte, error) {
	if err := r.check(ctx, "get"); err != nil {
		return nil, err
	}
	b, err := r.client.Get(ctx, r.prefix+key).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, r.wrap("get", err)
	}
	return b, nil
}

// Set implements Store.
func (r *Redis) Set(ctx context.Context, key string, val []byte, ttl time.Duration) error {
	if err := r.check(ctx, "set"); err != nil {
		return err
	}
	if err := checkTTL(ttl); err != nil {
		return fmt.Errorf("kv: set: %w", err)
	}
	if err := r.client.Set(ctx, r.prefix+key, val, roundTTL(ttl)).Err(); err != nil {
		return r.wrap("set", err)
	}
	return nil
}

// roundTTL raises a positive TTL below Redis's one-millisecond resolution to
// one millisecond, rather than letting it become "no expiry".
func roundTTL(ttl time.Duration) time.Duration {
	if ttl > 0 && ttl < time.Millisecond {
		return time.Millisecond
	}
	return ttl
}

// Delete implements Store.
func (r *Redis) Delete(ctx context.Context, keys ...string) error {
	if err := r.check(ctx, "delete"); err != nil {
		return err
	}
	if len(keys) == 0 {
		return nil
	}
	full := make([]string, len(keys))
	for i, k := range keys {
		full[i] = r.prefix + k
	}
	if err := r.client.Del(ctx, full...).Err(); err != nil {
		return r.wrap("delete", err)
	}
	return nil
}

// DeletePrefix implements PrefixDeleter. It walks the keyspace with SCAN, so
// it never blocks Redis the way KEYS would, and deletes in batches.
func (r *Redis) DeletePrefix(ctx context.Context, prefix string) error {
	if err := r.check(ctx, "delete prefix"); err != nil {
		return err
	}
	const batch = 500
	iter := r.client.Scan(ctx, 0, escapeGlob(r.prefix+prefix)+"*", batch).Iterator()
	keys := make([]string, 0, batch)
	flush := func() error {
		if len(keys) == 0 {
			return nil
		}
		// UNLINK frees the memory in the background on the server.
		if err := r.client.Unlink(ctx, keys...).Err(); err != nil {
			return r.wrap("delete prefix", err)
		}
		keys = keys[:0]
		return nil
	}
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
		if len(keys) == batch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := iter.Err(); err != nil {
		return r.wrap("delete prefix", err)
	}
	return flush()
}

// escapeGlob quotes the characters that SCAN MATCH treats as a pattern.
func escapeGlob(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch c {
		case '*', '?', '[', ']', '\\':
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Incr implements Store.
func (r *Redis) Incr(ctx context.Context, key string, ttl time.Duration) (int64, error) {
	if err := r.check(ctx, "incr"); err != nil {
		return 0, err
	}
	if err := checkTTL(ttl); err != nil {
		return 0, fmt.Errorf("kv: incr: %w", err)
	}
	n, err := incrScript.Run(ctx, r.client, []string{r.prefix + key}, roundTTL(ttl).Milliseconds()).Int64()
	if err != nil {
		return 0, r.wrap("incr", err)
	}
	return n, nil
}

// Publish implements Store.
func (r *Redis) Publish(ctx context.Context, channel string, msg []byte) error {
	if err := r.check(ctx, "publish"); err != nil {
		return err
	}
	if err := r.client.Publish(ctx, r.prefix+channel, msg).Err(); err != nil {
		return r.wrap("publish", err)
	}
	return nil
}

// Subscribe implements Store. It returns once Redis has confirmed the
// subscription, so a message published afterwards by any node is delivered.
// go-redis reconnects and resubscribes by itself if the connection drops;
// messages published while it is down are lost, as with any Redis pub/sub.
func (r *Redis) Subscribe(ctx context.Context, channel string) (Subscription, error) {
	if err := r.check(ctx, "subscribe"); err != nil {
		return nil, err
	}
	ps := r.client.Subscribe(ctx, r.prefix+channel)
	if _, err := ps.Receive(ctx); err != nil {
		_ = ps.Close()
		return nil, r.wrap("subscribe", err)
	}
	s := &redisSub{
		r:        r,
		ps:       ps,
		out:      make(chan []byte, SubscriptionBuffer),
		quit:     make(chan struct{}),
		finished: make(chan struct{}),
	}
	r.mu.Lock()
	if r.closed.Load() {
		r.mu.Unlock()
		_ = ps.Close()
		return nil, fmt.Errorf("kv: subscribe: %w", ErrClosed)
	}
	r.subs[s] = struct{}{}
	r.mu.Unlock()
	go s.run(ctx)
	return s, nil
}

// Ping implements Store.
func (r *Redis) Ping(ctx context.Context) error {
	if err := r.check(ctx, "ping"); err != nil {
		return err
	}
	if err := r.client.Ping(ctx).Err(); err != nil {
		return r.wrap("ping", err)
	}
	return nil
}

// Close implements Store: it ends every subscription, then closes the
// connection pool.
func (r *Redis) Close() error {
	r.mu.Lock()
	if r.closed.Swap(true) {
		r.mu.Unlock()
		return nil
	}
	subs := make([]*redisSub, 0, len(r.subs))
	for s := range r.subs {
		subs = append(subs, s)
	}
	r.mu.Unlock()
	var errs []error
	for _, s := range subs {
		if err := s.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	if err := r.client.Close(); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("kv: close: %w", err)
	}
	return nil
}

func (r *Redis) forget(s *redisSub) {
	r.mu.Lock()
	delete(r.subs, s)
	r.mu.Unlock()
}

// redisSub copies messages from go-redis's channel into its own buffered one,
// dropping them when the reader is SubscriptionBuffer messages behind, as
// Memory does, and closes it when the subscription ends.
type redisSub struct {
	r        *Redis
	ps       *redis.PubSub
	out      chan []byte
	quit     chan struct{} // closed by shutdown
	finished chan struct{} // closed when run has returned and out is closed
	once     sync.Once
	err      error
}

func (s *redisSub) run(ctx context.Context) {
	defer close(s.finished)
	defer close(s.out)
	in := s.ps.Channel(redis.WithChannelSize(SubscriptionBuffer))
	for {
		select {
		case <-ctx.Done():
			_ = s.shutdown()
			return
		case <-s.quit:
			return
		case m, ok := <-in:
			if !ok {
				_ = s.shutdown()
				return
			}
			select {
			case s.out <- []byte(m.Payload):
			default:
			}
		}
	}
}

// shutdown stops the subscription without waiting for run, so run itself
// may call it.
func (s *redisSub) shutdown() error {
	s.once.Do(func() {
		close(s.quit)
		if err := s.ps.Close(); err != nil {
			s.err = fmt.Errorf("kv: unsubscribe: %w", err)
		}
		s.r.forget(s)
	})
	return s.err
}

func (s *redisSub) C() <-chan []byte { return s.out }

func (s *redisSub) Close() error {
	err := s.shutdown()
	<-s.finished
	return err
}
