// Package dbtest gives tests fresh, migrated databases: a SQLite file in the
// test's temporary directory and a PostgreSQL schema of the test's own
// (created for it, dropped after it), so tests of different packages can run
// in parallel against one server. Each runs a test on both.
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/keyturn/keyturn/backend/platform/db"
	"github.com/keyturn/keyturn/backend/platform/testenv"
)

// SchemaPrefix starts the name of every schema this package creates, so a
// leftover from a killed test run is easy to recognise and drop.
const SchemaPrefix = "kt_test_"

// setupTimeout bounds opening, migrating and dropping a test database.
const setupTimeout = time.Minute

// FixedTime is a convenient instant for WithFixedClock: a Monday at 13:00
// UTC.
var FixedTime = time.Date(2026, time.November, 23, 13, 0, 0, 0, time.UTC)

// Option changes how a test database is opened.
type Option func(*db.Config)

// WithClock makes GORM stamp CreatedAt/UpdatedAt with now (for example a
// *Clock's Now).
func WithClock(now func() time.Time) Option {
	return func(c *db.Config) { c.Now = now }
}

// WithFixedClock makes GORM stamp every row with t.
func WithFixedClock(t time.Time) Option {
	return WithClock(func() time.Time { return t })
}

// Clock is a clock a test sets and advances; safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock stopped at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// Advance moves the clock forward by d and returns the new time.
func (c *Clock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	return c.now
}

// Each runs fn as two subtests, "sqlite" and "postgres", each on a fresh
// migrated database. The PostgreSQL subtest skips when no test database is
// configured, or fails when services are required (see testenv).
func Each(t *testing.T, fn func(t *testing.T, d *db.DB), opts ...Option) {
	t.Helper()
	t.Run(db.DialectSQLite, func(t *testing.T) {
		fn(t, SQLite(t, opts...))
	})
	t.Run(db.DialectPostgres, func(t *testing.T) {
		fn(t, Postgres(t, opts...))
	})
}

// SQLite returns a fresh migrated SQLite database in t.TempDir(), closed
// when the test ends.
func SQLite(t testing.TB, opts ...Option) *db.DB {
	t.Helper()
	cfg := db.Config{DataDir: t.TempDir(), Logger: Logger(t)}
	for _, o := range opts {
		o(&cfg)
	}
	return open(t, cfg)
}

// Postgres returns a fresh migrated PostgreSQL database in a schema of its
// own, closed and dropped when the test ends.
func Postgres(t testing.TB, opts ...Option) *db.DB {
	t.Helper()
	url := testenv.PostgresURL(t)
	schema := SchemaPrefix + randomHex(t, 8)

	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	exec(ctx, t, url, "CREATE SCHEMA "+schema)
	// Registered before open's Close, so it runs after it.
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
		defer cancel()
		exec(ctx, t, url, "DROP SCHEMA "+schema+" CASCADE")
	})

	cfg := db.Config{DatabaseURL: url, Schema: schema, Logger: Logger(t)}
	for _, o := range opts {
		o(&cfg)
	}
	return open(t, cfg)
}

func open(t testing.TB, cfg db.Config) *db.DB {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	d, err := db.Open(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, d.Close()) })
	require.NoError(t, d.Migrate(ctx))
	return d
}

// exec runs one statement on a connection of its own, outside any test
// schema.
func exec(ctx context.Context, t testing.TB, url, sql string) {
	t.Helper()
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer func() { _ = conn.Close(context.WithoutCancel(ctx)) }()
	_, err = conn.Exec(ctx, sql)
	require.NoError(t, err, sql)
}

func randomHex(t testing.TB, n int) string {
	t.Helper()
	b := make([]byte, n)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return hex.EncodeToString(b)
}

// Logger returns a logger that writes warnings and errors to the test's
// output, so a failing test shows them beside its own messages.
func Logger(t testing.TB) *slog.Logger {
	t.Helper()
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}
