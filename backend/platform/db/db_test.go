package db_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/keyturn/keyturn/backend/platform/db"
	"github.com/keyturn/keyturn/backend/platform/db/dbtest"
)

// widget is a table the tests create for themselves, so they do not depend
// on the product's schema.
type widget struct {
	ID        int64  `gorm:"primaryKey"`
	Name      string `gorm:"size:100;not null;uniqueIndex:ux_widgets_name"`
	Count     int    `gorm:"not null;default:0"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (widget) TableName() string { return "widgets" }

func createWidgets(t *testing.T, d *db.DB) {
	t.Helper()
	require.NoError(t, d.Gorm.Migrator().CreateTable(&widget{}))
}

func countWidgets(t *testing.T, d *db.DB) int64 {
	t.Helper()
	var n int64
	require.NoError(t, d.Gorm.Model(&widget{}).Count(&n).Error)
	return n
}

func TestOpenSQLite(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "nested", "data")
	ctx := context.Background()
	d, err := db.Open(ctx, db.Config{DataDir: dir, Logger: dbtest.Logger(t)})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, d.Close()) })

	require.Equal(t, db.DialectSQLite, d.Dialect)
	require.Nil(t, d.Pool)
	require.NoError(t, d.Ping(ctx))
	_, err = os.Stat(filepath.Join(dir, db.SQLiteFile))
	require.NoError(t, err, "database file is created inside DataDir")

	var version, journal string
	var fk int
	require.NoError(t, d.SQL.QueryRowContext(ctx, "SELECT sqlite_version()").Scan(&version))
	require.NoError(t, d.SQL.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&journal))
	require.NoError(t, d.SQL.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk))
	require.GreaterOrEqual(t, version, "3.45", "go-sqlite v1.23.0 must stay required (T11)")
	require.Equal(t, "wal", journal)
	require.Equal(t, 1, fk)
}

func TestOpenRejectsBadConfig(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	_, err := db.Open(ctx, db.Config{})
	require.ErrorContains(t, err, "DataDir is empty")

	_, err = db.Open(ctx, db.Config{DatabaseURL: "mysql://user:secret@host/db"})
	require.ErrorContains(t, err, "postgres://")
	require.NotContains(t, err.Error(), "secret", "the URL may carry a password")

	_, err = db.Open(ctx, db.Config{DatabaseURL: "postgres://127.0.0.1:1/x", Schema: `bad"name`})
	require.ErrorContains(t, err, "schema")
}

// TestSQLiteConcurrentReadThenWrite is RULES.md T9: transactions that read
// and then write, from several goroutines at once. With SQLite's default
// deferred transactions most fail with SQLITE_BUSY; with _txlock=immediate
// none may.
func TestSQLiteConcurrentReadThenWrite(t *testing.T) {
	t.Parallel()
	d := dbtest.SQLite(t)
	createWidgets(t, d)
	require.NoError(t, d.Gorm.Create(&widget{Name: "counter"}).Error)

	const workers, perWorker = 8, 25
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, workers*perWorker)
	for range workers {
		wg.Go(func() {
			for range perWorker {
				errs <- d.Tx(ctx, func(tx *gorm.DB) error {
					var w widget
					if err := tx.Where("name = ?", "counter").First(&w).Error; err != nil {
						return err
					}
					return tx.Model(&w).Update("count", w.Count+1).Error
				})
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}

	var w widget
	require.NoError(t, d.Gorm.Where("name = ?", "counter").First(&w).Error)
	require.Equal(t, workers*perWorker, w.Count, "no lost updates")
}

func TestTx(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		createWidgets(t, d)
		ctx := context.Background()

		require.NoError(t, d.Tx(ctx, func(tx *gorm.DB) error {
			return tx.Create(&widget{Name: "kept"}).Error
		}))
		require.Equal(t, int64(1), countWidgets(t, d))

		errBoom := errors.New("boom")
		err := d.Tx(ctx, func(tx *gorm.DB) error {
			require.NoError(t, tx.Create(&widget{Name: "dropped"}).Error)
			return errBoom
		})
		require.ErrorIs(t, err, errBoom, "fn's error comes back")
		require.Equal(t, int64(1), countWidgets(t, d), "an error rolls back")

		require.Panics(t, func() {
			_ = d.Tx(ctx, func(tx *gorm.DB) error {
				require.NoError(t, tx.Create(&widget{Name: "panicked"}).Error)
				panic("boom")
			})
		})
		require.Equal(t, int64(1), countWidgets(t, d), "a panic rolls back")

		// A nested transaction is a savepoint: its failure undoes only its
		// own writes.
		require.NoError(t, d.Tx(ctx, func(tx *gorm.DB) error {
			if err := tx.Create(&widget{Name: "outer"}).Error; err != nil {
				return err
			}
			nestedErr := tx.Transaction(func(tx2 *gorm.DB) error {
				require.NoError(t, tx2.Create(&widget{Name: "inner"}).Error)
				return errBoom
			})
			require.ErrorIs(t, nestedErr, errBoom)
			return nil
		}))
		var names []string
		require.NoError(t, d.Gorm.Model(&widget{}).Order("name").Pluck("name", &names).Error)
		require.Equal(t, []string{"kept", "outer"}, names)
	})
}

func TestIsUniqueViolation(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		createWidgets(t, d)
		ctx := context.Background()
		require.NoError(t, d.Gorm.Create(&widget{Name: "a"}).Error)

		err := d.Gorm.Create(&widget{Name: "a"}).Error
		require.Error(t, err)
		require.True(t, db.IsUniqueViolation(err), "translated by GORM: %v", err)
		require.True(t, db.IsUniqueViolation(fmt.Errorf("store: create: %w", err)), "wrapped")

		// Straight from the driver, as River or raw SQL would see it.
		_, err = d.SQL.ExecContext(ctx, "INSERT INTO widgets (name, count) VALUES ('a', 0)")
		require.Error(t, err)
		require.True(t, db.IsUniqueViolation(err), "untranslated: %v", err)

		// Same primary key.
		var w widget
		require.NoError(t, d.Gorm.First(&w).Error)
		err = d.Gorm.Create(&widget{ID: w.ID, Name: "b"}).Error
		require.True(t, db.IsUniqueViolation(err), "primary key: %v", err)

		// Other failures are not.
		err = d.Gorm.Exec("INSERT INTO widgets (name) VALUES (NULL)").Error
		require.Error(t, err)
		require.False(t, db.IsUniqueViolation(err), "not null: %v", err)
		require.False(t, db.IsUniqueViolation(nil))
		require.False(t, db.IsUniqueViolation(gorm.ErrRecordNotFound))
	})
}

func TestNowIsInjectedAndUTC(t *testing.T) {
	t.Parallel()
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	clock := dbtest.NewClock(dbtest.FixedTime.In(paris))

	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		createWidgets(t, d)
		w := widget{Name: "stamped"}
		require.NoError(t, d.Gorm.Create(&w).Error)
		require.Equal(t, dbtest.FixedTime, w.CreatedAt, "in memory")

		var got widget
		require.NoError(t, d.Gorm.First(&got, w.ID).Error)
		require.True(t, got.CreatedAt.Equal(dbtest.FixedTime), "read back: %v", got.CreatedAt)
		require.Equal(t, time.UTC, got.CreatedAt.Location(), "read back in UTC")

		later := clock.Advance(time.Hour)
		require.NoError(t, d.Gorm.Model(&got).Update("count", 1).Error)
		require.NoError(t, d.Gorm.First(&got, w.ID).Error)
		require.True(t, got.UpdatedAt.Equal(later), "UpdatedAt follows the clock: %v", got.UpdatedAt)
		clock.Set(dbtest.FixedTime)
	}, dbtest.WithClock(clock.Now))
}

func TestPing(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		require.NoError(t, d.Ping(ctx))
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		require.Error(t, d.Ping(cancelled))
	})
}
