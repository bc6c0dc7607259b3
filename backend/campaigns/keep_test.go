package campaigns

import (
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/keyturn/keyturn/backend/platform/db"
	"github.com/keyturn/keyturn/backend/platform/db/dbtest"
)

func TestKeepBench(t *testing.T) {
	if os.Getenv("KEEP_BENCH") == "" {
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
	require.NoError(t, d.Migrate(ctx))
	b := setup(t, d)
	generateBook(t, b, 1_000_000)
}
