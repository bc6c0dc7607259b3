package campaigns

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/keyturn/keyturn/backend/platform/db"
	"github.com/keyturn/keyturn/backend/platform/db/dbtest"
)

func TestKeepQuery(t *testing.T) {
	q := os.Getenv("KEEP_QUERY")
	if q == "" {
		t.Skip()
	}
	ctx := context.Background()
	var d *db.DB
	var err error
	if os.Getenv("KEEP_BENCH") == "sqlite" {
		d, err = db.Open(ctx, db.Config{DataDir: "/tmp/campbench_sqlite", Logger: dbtest.Logger(t)})
	} else {
		d, err = db.Open(ctx, db.Config{DatabaseURL: os.Getenv("KEYTURN_TEST_DATABASE_URL"), Schema: "campbench", Logger: dbtest.Logger(t)})
	}
	require.NoError(t, err)
	conn, err := d.SQL.Conn(ctx)
	require.NoError(t, err)
	defer conn.Close()
	for _, p := range []string{os.Getenv("KEEP_PRAGMA1"), os.Getenv("KEEP_PRAGMA2")} {
		if p != "" {
			_, err := conn.ExecContext(ctx, p)
			require.NoError(t, err)
		}
	}
	for i := 0; i < 5; i++ {
		var n int64
		start := time.Now()
		require.NoError(t, conn.QueryRowContext(ctx, q).Scan(&n))
		t.Logf("%d in %s", n, time.Since(start))
	}
}
