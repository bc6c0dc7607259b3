package db_test

import (
	"context"
	"errors"
	"testing"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/keyturn/keyturn/backend/platform/db"
	"github.com/keyturn/keyturn/backend/platform/db/dbtest"
)

type noteArgs struct {
	Note string `json:"note"`
}

func (noteArgs) Kind() string { return "db_test_note" }

// TestPostgresTxSharesPgxTx proves the connector trick: what GORM runs in a
// DB.Tx and what River runs through PgxTx use one backend and one
// transaction, so a rollback removes both.
func TestPostgresTxSharesPgxTx(t *testing.T) {
	t.Parallel()
	d := dbtest.Postgres(t)
	createWidgets(t, d)
	ctx := context.Background()

	// An insert-only River client on the same pool and schema.
	rc, err := river.NewClient(riverpgxv5.New(d.Pool), &river.Config{Schema: d.Schema, Logger: dbtest.Logger(t)})
	require.NoError(t, err)

	type ids struct{ PID, XID int64 }
	errBoom := errors.New("boom")
	err = d.Tx(ctx, func(tx *gorm.DB) error {
		var viaGorm ids
		if err := tx.Raw("SELECT pg_backend_pid(), txid_current()").Row().Scan(&viaGorm.PID, &viaGorm.XID); err != nil {
			return err
		}
		ptx, err := db.PgxTx(tx)
		if err != nil {
			return err
		}
		var viaPgx ids
		if err := ptx.QueryRow(ctx, "SELECT pg_backend_pid(), txid_current()").Scan(&viaPgx.PID, &viaPgx.XID); err != nil {
			return err
		}
		require.NotZero(t, viaGorm.PID)
		require.Equal(t, viaGorm, viaPgx, "same backend, same transaction")

		if err := tx.Create(&widget{Name: "with-job"}).Error; err != nil {
			return err
		}
		if _, err := rc.InsertTx(ctx, ptx, noteArgs{Note: "rolled back"}, nil); err != nil {
			return err
		}
		// Both rows are visible inside the transaction.
		var jobs int64
		if err := tx.Table("river_job").Count(&jobs).Error; err != nil {
			return err
		}
		require.Equal(t, int64(1), jobs)
		return errBoom
	})
	require.ErrorIs(t, err, errBoom)
	require.Equal(t, int64(0), countWidgets(t, d), "GORM's row rolled back")
	var jobs int64
	require.NoError(t, d.Gorm.Table("river_job").Count(&jobs).Error)
	require.Equal(t, int64(0), jobs, "River's row rolled back with it")

	// Committed, both stay.
	require.NoError(t, d.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(&widget{Name: "with-job"}).Error; err != nil {
			return err
		}
		ptx, err := db.PgxTx(tx)
		if err != nil {
			return err
		}
		_, err = rc.InsertTx(ctx, ptx, noteArgs{Note: "committed"}, nil)
		return err
	}))
	require.Equal(t, int64(1), countWidgets(t, d))
	require.NoError(t, d.Gorm.Table("river_job").Count(&jobs).Error)
	require.Equal(t, int64(1), jobs)

	// A nested GORM transaction (a savepoint) that fails takes River's row
	// inserted inside it along.
	require.NoError(t, d.Tx(ctx, func(tx *gorm.DB) error {
		nestedErr := tx.Transaction(func(tx2 *gorm.DB) error {
			ptx, err := db.PgxTx(tx2)
			if err != nil {
				return err
			}
			if _, err := rc.InsertTx(ctx, ptx, noteArgs{Note: "savepoint"}, nil); err != nil {
				return err
			}
			return errBoom
		})
		require.ErrorIs(t, nestedErr, errBoom)
		return nil
	}))
	require.NoError(t, d.Gorm.Table("river_job").Count(&jobs).Error)
	require.Equal(t, int64(1), jobs, "the savepoint's job is gone, the committed one stays")
}

func TestPgxTxNeedsDBTx(t *testing.T) {
	t.Parallel()
	d := dbtest.Postgres(t)
	ctx := context.Background()

	_, err := db.PgxTx(d.Gorm.WithContext(ctx))
	require.ErrorContains(t, err, "not inside a transaction")

	err = d.Gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		_, err := db.PgxTx(tx)
		return err
	})
	require.ErrorContains(t, err, "not opened by DB.Tx")

	require.NoError(t, d.Tx(ctx, func(tx *gorm.DB) error {
		_, err := db.SQLTx(tx)
		return err
	}))
}

func TestPostgresSchema(t *testing.T) {
	t.Parallel()
	d := dbtest.Postgres(t)
	ctx := context.Background()
	require.Equal(t, db.DialectPostgres, d.Dialect)
	require.NotNil(t, d.Pool)

	var schema string
	require.NoError(t, d.Gorm.WithContext(ctx).Raw("SELECT current_schema()").Scan(&schema).Error)
	require.Equal(t, d.Schema, schema, "GORM's connections use the test's schema")
	require.NoError(t, d.Pool.QueryRow(ctx, "SELECT current_schema()").Scan(&schema))
	require.Equal(t, d.Schema, schema, "so do the pool's, which River uses")

	var tables []string
	require.NoError(t, d.Gorm.Raw(`SELECT table_name FROM information_schema.tables
		WHERE table_schema = ? AND table_name IN ('migrations', 'river_job', 'river_migration')
		ORDER BY table_name`, d.Schema).Scan(&tables).Error)
	require.Equal(t, []string{"migrations", "river_job", "river_migration"}, tables)

	var tz string
	require.NoError(t, d.Pool.QueryRow(ctx, "SHOW timezone").Scan(&tz))
	require.Equal(t, "UTC", tz)
}

// TestSQLTxOnSQLite checks the other half of the seam: on SQLite the
// *sql.Tx is GORM's own.
func TestSQLTxOnSQLite(t *testing.T) {
	t.Parallel()
	d := dbtest.SQLite(t)
	ctx := context.Background()
	_, err := db.SQLTx(d.Gorm)
	require.ErrorContains(t, err, "not inside a transaction")
	require.NoError(t, d.Tx(ctx, func(tx *gorm.DB) error {
		sqlTx, err := db.SQLTx(tx)
		if err != nil {
			return err
		}
		var one int
		return sqlTx.QueryRowContext(ctx, "SELECT 1").Scan(&one)
	}))
	_, err = db.PgxTx(d.Gorm)
	require.Error(t, err)
}

func TestOpenedByTx(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		require.False(t, db.OpenedByTx(d.Gorm))
		require.NoError(t, d.Gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			require.False(t, db.OpenedByTx(tx), "plain GORM transaction")
			return nil
		}))
		require.NoError(t, d.Tx(ctx, func(tx *gorm.DB) error {
			require.True(t, db.OpenedByTx(tx))
			return tx.Transaction(func(tx2 *gorm.DB) error {
				require.True(t, db.OpenedByTx(tx2), "nested")
				return nil
			})
		}))
	})
}
