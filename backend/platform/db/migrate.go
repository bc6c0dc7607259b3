package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	"github.com/go-gormigrate/gormigrate/v2"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"gorm.io/gorm"

	"github.com/keyturn/keyturn/backend/platform/db/migrations"
)

// MigrationsTable is the table where gormigrate records applied migrations.
const MigrationsTable = "migrations"

// Migrate brings the schema up to date: Keyturn's migrations (migrations.All,
// through gormigrate) in one transaction, so a failed run leaves them as they
// were, then River's tables through rivermigrate, which applies each of its
// versions in a transaction of its own (some cannot share one: an enum value
// added by one is used by a later one). On PostgreSQL an advisory lock makes
// nodes that start together migrate one after another.
func (d *DB) Migrate(ctx context.Context) error {
	return d.migrate(ctx, migrations.All())
}

func (d *DB) migrate(ctx context.Context, list []*gormigrate.Migration) error {
	var err error
	switch d.Dialect {
	case DialectSQLite:
		// SQLite's write lock already lets one migration run at a time.
		err = d.migrateSQLite(ctx, list)
		if err == nil {
			err = runRiverMigrations(ctx, riversqlite.New(d.SQL), &rivermigrate.Config{Logger: d.logger})
		}
	case DialectPostgres:
		err = d.withMigrateLock(ctx, func() error {
			if err := d.Tx(ctx, func(tx *gorm.DB) error { return runGormigrate(tx, list) }); err != nil {
				return err
			}
			return runRiverMigrations(ctx, riverpgxv5.New(d.Pool), &rivermigrate.Config{Logger: d.logger, Schema: d.Schema})
		})
	default:
		err = fmt.Errorf("unknown dialect %q", d.Dialect)
	}
	if err != nil {
		return fmt.Errorf("db: migrate %s: %w", d.Dialect, err)
	}
	return nil
}

func runRiverMigrations[TTx any](ctx context.Context, drv riverdriver.Driver[TTx], cfg *rivermigrate.Config) error {
	m, err := rivermigrate.New(drv, cfg)
	if err != nil {
		return fmt.Errorf("rivermigrate: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("rivermigrate: %w", err)
	}
	return nil
}

// runGormigrate applies list inside tx, which the caller commits.
func runGormigrate(tx *gorm.DB, list []*gormigrate.Migration) error {
	opts := *gormigrate.DefaultOptions
	opts.TableName = MigrationsTable
	// The caller runs it in a transaction of its own making (on SQLite, on a
	// connection prepared first).
	opts.UseTransaction = false
	if err := gormigrate.New(tx, &opts, list).Migrate(); err != nil {
		return fmt.Errorf("gormigrate: %w", err)
	}
	return nil
}

// foreignKeyCheck is SQLite's integrity check for foreign keys; it returns
// one row per violation.
const foreignKeyCheck = "PRAGMA foreign_key_check"

// migrateSQLite follows SQLite's procedure for schema changes: GORM's SQLite
// migrator changes a column by copying the table, which with foreign keys on
// would cascade deletes or fail, and PRAGMA foreign_keys cannot change inside
// a transaction. So foreign keys are turned off on one pinned connection,
// the migrations run in a transaction on it, foreign_key_check must find
// nothing before commit, and foreign keys are turned back on before the
// connection goes back to the pool (or it is discarded).
func (d *DB) migrateSQLite(ctx context.Context, list []*gormigrate.Migration) error {
	return d.Gorm.WithContext(ctx).Connection(func(pinned *gorm.DB) (err error) {
		// NewDB: each call on the pinned handle starts a fresh statement.
		conn := pinned.Session(&gorm.Session{NewDB: true})
		if err := conn.Exec("PRAGMA foreign_keys = OFF").Error; err != nil {
			return fmt.Errorf("foreign keys off: %w", err)
		}
		defer func() {
			// Restored even when ctx is done.
			restore := conn.WithContext(context.WithoutCancel(ctx))
			if onErr := restore.Exec("PRAGMA foreign_keys = ON").Error; onErr != nil {
				// Never let a connection without foreign keys back into the pool.
				if sc, ok := conn.Statement.ConnPool.(*sql.Conn); ok {
					_ = sc.Raw(func(any) error { return driver.ErrBadConn })
				}
				err = errors.Join(err, fmt.Errorf("foreign keys on: %w", onErr))
			}
		}()

		return conn.Transaction(func(tx *gorm.DB) error {
			if err := runGormigrate(tx, list); err != nil {
				return err
			}
			return checkForeignKeys(tx)
		})
	})
}

func checkForeignKeys(tx *gorm.DB) error {
	rows, err := tx.Raw(foreignKeyCheck).Rows()
	if err != nil {
		return fmt.Errorf("foreign key check: %w", err)
	}
	defer rows.Close()
	var (
		violations int
		first      string
	)
	for rows.Next() {
		var (
			table, parent string
			rowid         sql.NullInt64
			fkid          int64
		)
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			return fmt.Errorf("foreign key check: scan: %w", err)
		}
		if violations == 0 {
			first = fmt.Sprintf("%s row %d references missing %s", table, rowid.Int64, parent)
		}
		violations++
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("foreign key check: %w", err)
	}
	if violations > 0 {
		return fmt.Errorf("foreign key check: %d violations, first: %s", violations, first)
	}
	return nil
}

// migrateLockKey names the advisory lock that serialises Migrate per schema
// across nodes. It is a session lock, held on one pooled connection while the
// migrations run on others, because River's migrations commit one by one.
const migrateLockKey = `hashtext('keyturn:migrate:' || $1)`

// withMigrateLock runs fn while holding the migration lock for d's schema.
// The pool needs a second connection meanwhile (pgxpool's default is at
// least 4).
func (d *DB) withMigrateLock(ctx context.Context, fn func() error) (err error) {
	if d.Schema != "" {
		if err := d.ensureSchema(ctx); err != nil {
			return err
		}
	}
	conn, err := d.Pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("advisory lock: acquire connection: %w", err)
	}
	defer conn.Release()
	// The key is the schema's name, whatever search_path resolves it to.
	var schema string
	if err := conn.QueryRow(ctx, `SELECT coalesce(current_schema(), '')`).Scan(&schema); err != nil {
		return fmt.Errorf("advisory lock: current schema: %w", err)
	}
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(`+migrateLockKey+`)`, schema); err != nil {
		return fmt.Errorf("advisory lock: %w", err)
	}
	defer func() {
		// Unlock even when ctx is done; a connection that cannot unlock is
		// closed, which releases the lock with the session.
		unlockCtx := context.WithoutCancel(ctx)
		if _, uerr := conn.Exec(unlockCtx, `SELECT pg_advisory_unlock(`+migrateLockKey+`)`, schema); uerr != nil {
			_ = conn.Conn().Close(unlockCtx)
			err = errors.Join(err, fmt.Errorf("advisory unlock: %w", uerr))
		}
	}()
	return fn()
}

// schemaExists and createSchema are used when Config.Schema names a schema:
// creating it only when missing means a role without CREATE on the database
// can still use a schema an administrator made for it.
const schemaExists = `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)`

func (d *DB) ensureSchema(ctx context.Context) error {
	var exists bool
	if err := d.Pool.QueryRow(ctx, schemaExists, d.Schema).Scan(&exists); err != nil {
		return fmt.Errorf("look up schema %s: %w", d.Schema, err)
	}
	if exists {
		return nil
	}
	// Schema was checked against schemaName at Open, so it needs no quoting.
	_, err := d.Pool.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+d.Schema)
	// Two nodes creating it at the same moment can still collide on the
	// catalogue's unique index; the schema exists either way.
	if err != nil && !IsUniqueViolation(err) {
		return fmt.Errorf("create schema %s: %w", d.Schema, err)
	}
	return nil
}
