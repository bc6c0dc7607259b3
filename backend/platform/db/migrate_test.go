package db_test

import (
	"context"
	"errors"
	"testing"

	"github.com/go-gormigrate/gormigrate/v2"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/keyturn/keyturn/backend/platform/db"
	"github.com/keyturn/keyturn/backend/platform/db/dbtest"
	"github.com/keyturn/keyturn/backend/platform/db/migrations"
	"github.com/keyturn/keyturn/backend/platform/testenv"
)

func appliedMigrations(t *testing.T, d *db.DB) []string {
	t.Helper()
	var ids []string
	require.NoError(t, d.Gorm.Table(db.MigrationsTable).Order("id").Pluck("id", &ids).Error)
	return ids
}

func allIDs() []string {
	var ids []string
	for _, m := range migrations.All() {
		ids = append(ids, m.ID)
	}
	return ids
}

func TestMigrationsAreOrderedAndUnique(t *testing.T) {
	t.Parallel()
	all := migrations.All()
	require.NotEmpty(t, all)
	seen := map[string]bool{}
	for i, m := range all {
		require.NotEmpty(t, m.ID)
		require.NotNil(t, m.Migrate, m.ID)
		require.False(t, seen[m.ID], "duplicate id %s", m.ID)
		seen[m.ID] = true
		// IDs start with a timestamp (202611231300_core): applied in the
		// order they were written.
		if i > 0 {
			require.Less(t, all[i-1].ID, m.ID, "migrations.All must stay in ID order")
		}
	}
}

func TestMigrate(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		require.Equal(t, allIDs(), appliedMigrations(t, d))
		require.True(t, d.Gorm.Migrator().HasTable("river_job"), "River's tables")
		require.True(t, d.Gorm.Migrator().HasTable("river_queue"))

		// Running again changes nothing.
		require.NoError(t, d.Migrate(ctx))
		require.Equal(t, allIDs(), appliedMigrations(t, d))
	})
}

type extraTable struct {
	ID   int64 `gorm:"primaryKey"`
	Note string
}

func (extraTable) TableName() string { return "migrate_test_extra" }

func TestMigrateIsAllOrNothing(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		createExtra := &gormigrate.Migration{
			ID:      "299901010000_test_extra",
			Migrate: func(tx *gorm.DB) error { return tx.Migrator().CreateTable(&extraTable{}) },
		}
		errBoom := errors.New("boom")
		failing := &gormigrate.Migration{
			ID:      "299901010001_test_fails",
			Migrate: func(*gorm.DB) error { return errBoom },
		}

		err := d.MigrateList(ctx, append(migrations.All(), createExtra, failing))
		require.ErrorIs(t, err, errBoom)
		require.False(t, d.Gorm.Migrator().HasTable(&extraTable{}), "the earlier migration of the failed run is undone")
		require.Equal(t, allIDs(), appliedMigrations(t, d))

		require.NoError(t, d.MigrateList(ctx, append(migrations.All(), createExtra)))
		require.True(t, d.Gorm.Migrator().HasTable(&extraTable{}))
		require.Equal(t, append(allIDs(), createExtra.ID), appliedMigrations(t, d))
	})
}

type fkParent struct {
	ID   int64  `gorm:"primaryKey"`
	Name string `gorm:"size:10"`
}

func (fkParent) TableName() string { return "migrate_test_parent" }

type fkChild struct {
	ID       int64 `gorm:"primaryKey"`
	ParentID int64 `gorm:"not null"`
	Parent   fkParent
}

func (fkChild) TableName() string { return "migrate_test_child" }

// TestMigrateSQLiteRebuildsReferencedTable changes a column of a table other
// rows reference. GORM's SQLite migrator does that by copying the table,
// which only works with foreign keys off; afterwards they must be on again.
func TestMigrateSQLiteRebuildsReferencedTable(t *testing.T) {
	t.Parallel()
	d := dbtest.SQLite(t)
	ctx := context.Background()
	// One connection, so the one the migration pinned is the one checked
	// afterwards.
	d.SQL.SetMaxOpenConns(1)

	tables := &gormigrate.Migration{
		ID: "299901010000_test_tables",
		Migrate: func(tx *gorm.DB) error {
			if err := tx.Migrator().CreateTable(&fkParent{}, &fkChild{}); err != nil {
				return err
			}
			if err := tx.Create(&fkParent{ID: 1, Name: "p"}).Error; err != nil {
				return err
			}
			return tx.Create(&fkChild{ID: 1, ParentID: 1}).Error
		},
	}
	widen := &gormigrate.Migration{
		ID: "299901010001_test_widen",
		Migrate: func(tx *gorm.DB) error {
			type fkParent struct {
				ID   int64  `gorm:"primaryKey"`
				Name string `gorm:"size:200"`
			}
			return tx.Table("migrate_test_parent").Migrator().AlterColumn(&fkParent{}, "Name")
		},
	}
	require.NoError(t, d.MigrateList(ctx, append(migrations.All(), tables, widen)))

	var children int64
	require.NoError(t, d.Gorm.Model(&fkChild{}).Count(&children).Error)
	require.Equal(t, int64(1), children, "rebuilding the parent kept the child")

	err := d.Gorm.Create(&fkChild{ID: 2, ParentID: 99}).Error
	require.Error(t, err, "foreign keys are enforced again after the migration")
	require.ErrorIs(t, err, gorm.ErrForeignKeyViolated)
}

// TestMigrateSQLiteRefusesBrokenForeignKeys: a migration that leaves a row
// pointing nowhere is rolled back, since foreign keys are off while it runs.
func TestMigrateSQLiteRefusesBrokenForeignKeys(t *testing.T) {
	t.Parallel()
	d := dbtest.SQLite(t)
	ctx := context.Background()
	orphan := &gormigrate.Migration{
		ID: "299901010000_test_orphan",
		Migrate: func(tx *gorm.DB) error {
			if err := tx.Migrator().CreateTable(&fkParent{}, &fkChild{}); err != nil {
				return err
			}
			return tx.Create(&fkChild{ID: 1, ParentID: 42}).Error
		},
	}
	err := d.MigrateList(ctx, append(migrations.All(), orphan))
	require.ErrorContains(t, err, "foreign key check")
	require.False(t, d.Gorm.Migrator().HasTable(&fkChild{}))
	require.Equal(t, allIDs(), appliedMigrations(t, d))
}

// TestMigrateConcurrentNodes starts several "nodes" migrating one fresh
// PostgreSQL schema at once: the advisory lock lets one do the work and the
// others find nothing left to do.
func TestMigrateConcurrentNodes(t *testing.T) {
	t.Parallel()
	first := dbtest.Postgres(t)
	ctx := context.Background()
	// A second schema, not yet migrated, opened by three nodes.
	fresh := dbtest.Postgres(t)
	require.NoError(t, fresh.Gorm.Exec("DROP SCHEMA "+fresh.Schema+" CASCADE").Error)

	nodes := make([]*db.DB, 3)
	for i := range nodes {
		n, err := db.Open(ctx, db.Config{DatabaseURL: testenv.PostgresURL(t), Schema: fresh.Schema, Logger: dbtest.Logger(t)})
		require.NoError(t, err)
		t.Cleanup(func() { require.NoError(t, n.Close()) })
		nodes[i] = n
	}
	errs := make(chan error, len(nodes))
	for _, n := range nodes {
		go func() { errs <- n.Migrate(ctx) }()
	}
	for range nodes {
		require.NoError(t, <-errs)
	}
	require.Equal(t, appliedMigrations(t, first), appliedMigrations(t, nodes[0]))
}
