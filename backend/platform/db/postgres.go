package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"regexp"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
)

// schemaName is what Config.Schema accepts: a plain lower-case identifier,
// so it never needs quoting in logs or by hand.
var schemaName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

func openPostgres(ctx context.Context, cfg Config, gcfg *gorm.Config) (*DB, error) {
	pcfg, err := pgxpool.ParseConfig(cfg.DatabaseURL)
	if err != nil {
		// pgconn redacts the password in its parse errors.
		return nil, fmt.Errorf("db: open postgres: parse DatabaseURL: %w", err)
	}
	if cfg.Schema != "" {
		if !schemaName.MatchString(cfg.Schema) {
			return nil, fmt.Errorf("db: open postgres: schema %q must match %s", cfg.Schema, schemaName)
		}
		// The schema alone: an unqualified name must never fall through to
		// a table of the same name in public.
		pcfg.ConnConfig.RuntimeParams["search_path"] = pgx.Identifier{cfg.Schema}.Sanitize()
	}
	// now() and friends in SQL agree with the UTC times Go stores.
	pcfg.ConnConfig.RuntimeParams["timezone"] = "UTC"
	pcfg.AfterConnect = scanTimesInUTC

	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return nil, fmt.Errorf("db: open postgres: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("db: open postgres: ping: %w", err)
	}

	sqlDB := sql.OpenDB(txConnector{base: stdlib.GetPoolConnector(pool)})
	// pgx's advice for a *sql.DB over a pool: idle connections belong to the
	// pool, or database/sql would sit on them and starve River, which uses
	// the pool directly.
	sqlDB.SetMaxIdleConns(0)

	g, err := gorm.Open(postgres.New(postgres.Config{Conn: sqlDB}), gcfg)
	if err != nil {
		_ = sqlDB.Close()
		pool.Close()
		return nil, fmt.Errorf("db: open postgres: gorm: %w", err)
	}
	return &DB{Gorm: g, SQL: sqlDB, Dialect: DialectPostgres, Pool: pool, Schema: cfg.Schema}, nil
}

// scanTimesInUTC makes timestamptz values scan as UTC times rather than in
// the process's local zone, matching what SQLite gives back.
func scanTimesInUTC(_ context.Context, conn *pgx.Conn) error {
	conn.TypeMap().RegisterType(&pgtype.Type{
		Name:  "timestamptz",
		OID:   pgtype.TimestamptzOID,
		Codec: &pgtype.TimestamptzCodec{ScanLocation: time.UTC},
	})
	return nil
}

// The connector below is how a GORM transaction on PostgreSQL is shared
// with River. GORM only sees a *sql.Tx, which hides the pgx.Tx that
// riverpgxv5's InsertTx needs. So GORM's *sql.DB is opened over a connector
// whose connections begin transactions through pgx themselves and record the
// pgx.Tx in a holder that DB.Tx puts in the context. Statements GORM runs
// through the *sql.Tx and statements River runs through the pgx.Tx then go to
// the same connection inside the same transaction, and GORM's nested
// transactions (savepoints) still roll back River's rows with its own.

// txHolderKey is the context key of the *txHolder DB.Tx creates.
type txHolderKey struct{}

// txHolder receives the pgx.Tx that one DB.Tx call begins.
type txHolder struct {
	mu     sync.Mutex
	tx     pgx.Tx
	begins int
}

func (h *txHolder) record(tx pgx.Tx) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.tx = tx
	h.begins++
}

func (h *txHolder) get() (pgx.Tx, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch h.begins {
	case 0:
		return nil, errors.New("no transaction was begun with this context")
	case 1:
		return h.tx, nil
	default:
		// Two transactions begun with one DB.Tx context: which one the
		// caller means cannot be told, and guessing could put a job in the
		// wrong transaction.
		return nil, fmt.Errorf("%d transactions were begun with one DB.Tx context", h.begins)
	}
}

// txConnector wraps pgx's pool connector so its connections are txConns.
type txConnector struct {
	base driver.Connector
}

// Connect takes a connection from the pgx pool.
func (c txConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.base.Connect(ctx)
	if err != nil {
		return nil, err
	}
	sc, ok := conn.(*stdlib.Conn)
	if !ok {
		_ = conn.Close()
		return nil, fmt.Errorf("db: pgx connector returned %T, want *stdlib.Conn", conn)
	}
	return &txConn{Conn: sc}, nil
}

// Driver returns pgx's database/sql driver.
func (c txConnector) Driver() driver.Driver { return c.base.Driver() }

// txConn is pgx's database/sql connection with its own BeginTx; everything
// else (queries, resets, named values) is pgx's.
type txConn struct {
	*stdlib.Conn
}

// Begin starts a transaction; database/sql calls BeginTx instead.
func (c *txConn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

// BeginTx begins the transaction through pgx, as stdlib.Conn.BeginTx does,
// and records the pgx.Tx in the context's holder, if any.
func (c *txConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	pc := c.Conn.Conn()
	if pc.IsClosed() {
		return nil, driver.ErrBadConn
	}
	var pgxOpts pgx.TxOptions
	switch sql.IsolationLevel(opts.Isolation) {
	case sql.LevelDefault:
	case sql.LevelReadUncommitted:
		pgxOpts.IsoLevel = pgx.ReadUncommitted
	case sql.LevelReadCommitted:
		pgxOpts.IsoLevel = pgx.ReadCommitted
	case sql.LevelRepeatableRead, sql.LevelSnapshot:
		pgxOpts.IsoLevel = pgx.RepeatableRead
	case sql.LevelSerializable:
		pgxOpts.IsoLevel = pgx.Serializable
	default:
		return nil, fmt.Errorf("db: unsupported isolation level %v", sql.IsolationLevel(opts.Isolation))
	}
	if opts.ReadOnly {
		pgxOpts.AccessMode = pgx.ReadOnly
	}
	tx, err := pc.BeginTx(ctx, pgxOpts)
	if err != nil {
		return nil, err
	}
	if h, ok := ctx.Value(txHolderKey{}).(*txHolder); ok {
		h.record(tx)
	}
	return driverTx{ctx: ctx, tx: tx}, nil
}

// driverTx is the driver.Tx database/sql sees for a pgx.Tx. Like pgx's own, it
// ends the transaction with the context it was begun with.
type driverTx struct {
	ctx context.Context
	tx  pgx.Tx
}

func (t driverTx) Commit() error   { return t.tx.Commit(t.ctx) }
func (t driverTx) Rollback() error { return t.tx.Rollback(t.ctx) }
