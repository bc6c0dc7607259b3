// Package jobs runs Keyturn's durable background jobs with River on the same
// database as everything else (riversqlite on SQLite, riverpgxv5 on
// PostgreSQL). Its one seam, Client.Enqueue, inserts a job inside the GORM
// transaction that makes the change causing it, so a job exists exactly when
// its cause was committed.
//
// Uniqueness and retries belong to each job's args type (InsertOpts), not to
// call sites; each domain package registers its workers on the
// *river.Workers that app passes in Config.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivertype"
	"gorm.io/gorm"

	"github.com/keyturn/keyturn/backend/platform/db"
)

// DefaultMaxWorkers is how many jobs of the default queue one node works at
// once when Config.Queues is empty.
const DefaultMaxWorkers = 10

// Config configures a Client.
type Config struct {
	// Workers holds every job kind this node can work. Required with
	// RunWorkers; optional for an insert-only client, which then inserts any
	// kind without checking that a worker exists.
	Workers *river.Workers
	// Periodic jobs are enqueued by whichever node River elects leader.
	Periodic []*river.PeriodicJob
	// Queues and their concurrency; empty means the default queue with
	// DefaultMaxWorkers.
	Queues map[string]river.QueueConfig
	// Logger receives River's logs. Nil means slog.Default().
	Logger *slog.Logger
	// RunWorkers makes a client that works jobs after Start; false makes an
	// insert-only client (CLI tools), which takes no Queues or Periodic jobs.
	RunWorkers bool
	// FetchPollInterval is how often a queue looks for new jobs when not told
	// of them; 0 keeps River's default (1 s). Tests lower it.
	FetchPollInterval time.Duration
	// TestOnly turns off River's jittered start-up of its maintenance
	// services, which only slows tests down. Never set it in production.
	TestOnly bool
}

// Client inserts and (when configured to) works jobs. It hides whether River
// runs over pgx (PostgreSQL) or database/sql (SQLite).
type Client struct {
	runWorkers bool
	river      riverClient

	mu      sync.Mutex
	started bool
}

// riverClient is the part of river.Client[TTx] that Client uses, with the
// transaction type resolved from a GORM transaction.
type riverClient interface {
	insertTx(ctx context.Context, tx *gorm.DB, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
	insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
	start(ctx context.Context) error
	stop(ctx context.Context) error
	stopped() <-chan struct{}
	ping(ctx context.Context) error
}

// New makes a client on d, whose River tables db.Migrate created.
func New(d *db.DB, cfg Config) (*Client, error) {
	logger := cfg.Logger
	if logger == nil {
		logger = slog.Default()
	}
	rc := &river.Config{
		Logger:   logger.With(slog.String("component", "jobs")),
		Schema:   d.Schema,
		Workers:  cfg.Workers,
		TestOnly: cfg.TestOnly,
	}
	if cfg.RunWorkers {
		if cfg.Workers == nil {
			return nil, errors.New("jobs: new client: RunWorkers needs Workers")
		}
		rc.Queues = cfg.Queues
		if len(rc.Queues) == 0 {
			rc.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: DefaultMaxWorkers}}
		}
		rc.PeriodicJobs = cfg.Periodic
		if cfg.FetchPollInterval > 0 {
			rc.FetchPollInterval = cfg.FetchPollInterval
			// River refuses a poll interval shorter than the cooldown.
			rc.FetchCooldown = min(river.FetchCooldownDefault, cfg.FetchPollInterval)
		}
	} else if len(cfg.Queues) > 0 || len(cfg.Periodic) > 0 {
		return nil, errors.New("jobs: new client: an insert-only client takes no Queues or Periodic jobs")
	}

	var (
		c   riverClient
		err error
	)
	switch d.Dialect {
	case db.DialectSQLite:
		c, err = newRiverClient(riversqlite.New(d.SQL), rc, sqliteTx)
	case db.DialectPostgres:
		c, err = newRiverClient(riverpgxv5.New(d.Pool), rc, db.PgxTx)
	default:
		err = fmt.Errorf("unknown dialect %q", d.Dialect)
	}
	if err != nil {
		return nil, fmt.Errorf("jobs: new client: %w", err)
	}
	return &Client{runWorkers: cfg.RunWorkers, river: c}, nil
}

// Enqueue inserts a job as part of tx, the transaction db.DB.Tx passed to its
// function: the job is committed or rolled back with the rest of tx. A
// unique job (see river.UniqueOpts) that already exists is skipped without
// error. Inside a transaction always use Enqueue, never Insert: on SQLite
// Insert would wait for tx's write lock and fail (RULES.md T10).
func (c *Client) Enqueue(ctx context.Context, tx *gorm.DB, args river.JobArgs, opts *river.InsertOpts) error {
	if _, err := c.river.insertTx(ctx, tx, args, opts); err != nil {
		return fmt.Errorf("jobs: enqueue %s: %w", args.Kind(), err)
	}
	return nil
}

// Insert inserts a job on its own, outside any transaction (CLI tools, or a
// job that follows no database change). A duplicate unique job is skipped
// without error.
func (c *Client) Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error {
	if _, err := c.river.insert(ctx, args, opts); err != nil {
		return fmt.Errorf("jobs: insert %s: %w", args.Kind(), err)
	}
	return nil
}

// Start begins working jobs and, on the elected leader, enqueuing periodic
// ones. River stops softly when ctx is cancelled, so pass a context that
// lives as long as the process and call Stop to shut down.
func (c *Client) Start(ctx context.Context) error {
	if !c.runWorkers {
		return errors.New("jobs: start: client is insert-only (RunWorkers is false)")
	}
	if err := c.river.start(ctx); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	c.mu.Lock()
	c.started = true
	c.mu.Unlock()
	return nil
}

// Stop stops fetching new jobs and waits for running ones to finish, or for
// ctx to end (then running jobs are left to River's rescuer on another start).
// Stopping a client that never started does nothing.
func (c *Client) Stop(ctx context.Context) error {
	c.mu.Lock()
	started := c.started
	c.mu.Unlock()
	if !started {
		return nil
	}
	if err := c.river.stop(ctx); err != nil {
		return fmt.Errorf("jobs: stop: %w", err)
	}
	return nil
}

// Healthy reports whether River's tables answer and, for a client that works
// jobs, whether it is running. For /readyz.
func (c *Client) Healthy(ctx context.Context) error {
	if c.runWorkers {
		c.mu.Lock()
		started := c.started
		c.mu.Unlock()
		if !started {
			return errors.New("jobs: not started")
		}
		select {
		case <-c.river.stopped():
			return errors.New("jobs: stopped")
		default:
		}
	}
	if err := c.river.ping(ctx); err != nil {
		return fmt.Errorf("jobs: health: %w", err)
	}
	return nil
}

// sqliteTx returns the *sql.Tx River's SQLite driver needs, and like
// db.PgxTx insists on a transaction from db.DB.Tx, so that code passing any
// other transaction fails on SQLite as it would on PostgreSQL.
func sqliteTx(tx *gorm.DB) (*sql.Tx, error) {
	sqlTx, err := db.SQLTx(tx)
	if err != nil {
		return nil, err
	}
	if !db.OpenedByTx(tx) {
		return nil, errors.New("transaction was not opened by db.DB.Tx")
	}
	return sqlTx, nil
}

// riverClientOf adapts a river.Client[TTx] to riverClient.
type riverClientOf[TTx any] struct {
	client *river.Client[TTx]
	txOf   func(*gorm.DB) (TTx, error)
}

func newRiverClient[TTx any](drv riverdriver.Driver[TTx], cfg *river.Config, txOf func(*gorm.DB) (TTx, error)) (riverClient, error) {
	client, err := river.NewClient(drv, cfg)
	if err != nil {
		return nil, err
	}
	return &riverClientOf[TTx]{client: client, txOf: txOf}, nil
}

func (r *riverClientOf[TTx]) insertTx(ctx context.Context, tx *gorm.DB, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error) {
	rtx, err := r.txOf(tx)
	if err != nil {
		return nil, err
	}
	return r.client.InsertTx(ctx, rtx, args, opts)
}

func (r *riverClientOf[TTx]) insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error) {
	return r.client.Insert(ctx, args, opts)
}

func (r *riverClientOf[TTx]) start(ctx context.Context) error { return r.client.Start(ctx) }
func (r *riverClientOf[TTx]) stop(ctx context.Context) error  { return r.client.Stop(ctx) }
func (r *riverClientOf[TTx]) stopped() <-chan struct{}        { return r.client.Stopped() }

// ping lists at most one job: a query on River's own table, through River's
// own connections.
func (r *riverClientOf[TTx]) ping(ctx context.Context) error {
	_, err := r.client.JobList(ctx, river.NewJobListParams().First(1))
	return err
}
