// Package db opens Keyturn's database — a SQLite file by default, PostgreSQL
// when a URL is configured — runs its versioned migrations (ours through
// gormigrate, River's through rivermigrate) and runs transactions that River's
// job inserts can join, so a job is stored if and only if the change that
// caused it is.
//
// docs/storage.md explains the SQLite settings and the PostgreSQL connector.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	gosqlite "github.com/glebarez/go-sqlite"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"gorm.io/gorm"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/keyturn/keyturn/backend/platform/httpx"
)

// Dialect names, as found in DB.Dialect.
const (
	DialectSQLite   = "sqlite"
	DialectPostgres = "postgres"
)

// ErrNotFound is what stores return when a row does not exist or lies outside
// the caller's scope; they translate gorm.ErrRecordNotFound to it so callers
// never depend on GORM. It wraps httpx.ErrNotFound so that, returned from a
// handler, it is answered with a 404 problem.
var ErrNotFound = fmt.Errorf("db: %w", httpx.ErrNotFound)

// Config says which database to open.
type Config struct {
	// DataDir holds the SQLite file, DataDir/keyturn.db (both created if
	// missing). Unused with PostgreSQL.
	DataDir string
	// DatabaseURL selects PostgreSQL (postgres:// or postgresql://, any
	// pgxpool setting such as pool_max_conns allowed); empty selects SQLite.
	DatabaseURL string
	// Schema is the PostgreSQL schema that holds Keyturn's and River's
	// tables: every pooled connection gets it as its only search_path, and
	// Migrate creates it if missing. Empty keeps the server's search_path.
	// Tests give each test its own.
	Schema string
	// Now is the clock GORM uses for CreatedAt/UpdatedAt; its result is
	// converted to UTC. Nil means time.Now.
	Now func() time.Time
	// Logger receives slow-query and error logs (SQL text only, never bound
	// values, which may be personal data). Nil means slog.Default().
	Logger *slog.Logger
}

// DB is an open database: GORM for the stores, the *sql.DB GORM opened (which
// River's SQLite driver shares), and on PostgreSQL the pgx pool under both.
type DB struct {
	// Gorm is the handle stores query through.
	Gorm *gorm.DB
	// SQL is the pool GORM opened.
	SQL *sql.DB
	// Dialect is DialectSQLite or DialectPostgres.
	Dialect string
	// Pool is the pgx pool under SQL; PostgreSQL only.
	Pool *pgxpool.Pool
	// Schema is the PostgreSQL schema in use ("" = the default search_path).
	Schema string

	logger *slog.Logger
}

// Open connects to the database cfg names and checks that it is usable. It
// does not migrate: call Migrate.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	logger := cfg.Logger
	if logger == nil {
		logger = slog.Default()
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	gcfg := &gorm.Config{
		// Stored times are UTC whatever the clock's location.
		NowFunc: func() time.Time { return now().UTC() },
		// Duplicate keys and foreign key violations come back as GORM's
		// sentinels on both dialects.
		TranslateError: true,
		Logger:         newGormLogger(logger.With(slog.String("component", "db"))),
	}

	var (
		d   *DB
		err error
	)
	switch {
	case cfg.DatabaseURL == "":
		d, err = openSQLite(ctx, cfg, gcfg)
	case strings.HasPrefix(cfg.DatabaseURL, "postgres://"), strings.HasPrefix(cfg.DatabaseURL, "postgresql://"):
		d, err = openPostgres(ctx, cfg, gcfg)
	default:
		// The URL itself is not repeated: it may hold a password.
		return nil, errors.New("db: DatabaseURL must start with postgres:// or postgresql://")
	}
	if err != nil {
		return nil, err
	}
	d.logger = logger
	return d, nil
}

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error {
	if err := d.SQL.PingContext(ctx); err != nil {
		return fmt.Errorf("db: ping %s: %w", d.Dialect, err)
	}
	return nil
}

// Close closes GORM's pool and, on PostgreSQL, the pgx pool under it. Stop
// any River client using the database first.
func (d *DB) Close() error {
	err := d.SQL.Close()
	if d.Pool != nil {
		// pgxpool.Close waits for acquired connections to be released.
		d.Pool.Close()
	}
	if err != nil {
		return fmt.Errorf("db: close %s: %w", d.Dialect, err)
	}
	return nil
}

// IsUniqueViolation reports whether err comes from a unique or primary key
// constraint, on either dialect, translated by GORM or not.
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505" // unique_violation
	}
	var sqliteErr *gosqlite.Error
	if errors.As(err, &sqliteErr) {
		code := sqliteErr.Code()
		return code == sqlite3.SQLITE_CONSTRAINT_UNIQUE || code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}
