package dbtest_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/keyturn/keyturn/backend/platform/db"
	"github.com/keyturn/keyturn/backend/platform/db/dbtest"
	"github.com/keyturn/keyturn/backend/platform/testenv"
)

func TestEachRunsBothDialectsMigrated(t *testing.T) {
	t.Parallel()
	testenv.PostgresURL(t) // this test is about both dialects
	var dialects []string
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dialects = append(dialects, d.Dialect)
		require.True(t, d.Gorm.Migrator().HasTable(db.MigrationsTable))
		require.True(t, d.Gorm.Migrator().HasTable("river_job"))
	})
	require.Equal(t, []string{db.DialectSQLite, db.DialectPostgres}, dialects)
}

func schemaExists(t *testing.T, name string) bool {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, testenv.PostgresURL(t))
	require.NoError(t, err)
	defer func() { _ = conn.Close(ctx) }()
	var exists bool
	require.NoError(t, conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", name).Scan(&exists))
	return exists
}

func TestPostgresSchemaIsOwnAndDropped(t *testing.T) {
	t.Parallel()
	var first, second string
	t.Run("test", func(t *testing.T) {
		first = dbtest.Postgres(t).Schema
		second = dbtest.Postgres(t).Schema
		require.NotEqual(t, first, second, "each call gets its own schema")
		require.Regexp(t, "^"+dbtest.SchemaPrefix, first)
		require.True(t, schemaExists(t, first))
	})
	require.False(t, schemaExists(t, first), "dropped when the test ended")
	require.False(t, schemaExists(t, second))
}

func TestFixedClock(t *testing.T) {
	t.Parallel()
	d := dbtest.SQLite(t, dbtest.WithFixedClock(dbtest.FixedTime))
	require.Equal(t, dbtest.FixedTime, d.Gorm.NowFunc())
}

func TestClock(t *testing.T) {
	t.Parallel()
	c := dbtest.NewClock(dbtest.FixedTime)
	require.Equal(t, dbtest.FixedTime, c.Now())
	require.Equal(t, dbtest.FixedTime.Add(time.Minute), c.Advance(time.Minute))
	require.Equal(t, dbtest.FixedTime.Add(time.Minute), c.Now())
	c.Set(dbtest.FixedTime)
	require.Equal(t, dbtest.FixedTime, c.Now())
}
