package agreements

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/keyturn/keyturn/backend/platform/db"
	"github.com/keyturn/keyturn/backend/platform/db/dbtest"
)

// TestImportBenchmark imports one large file into a fresh database and
// prints rows per second: .ci/bench-import runs it under /usr/bin/time
// beside the database's own bulk loader on the same file. It runs only
// when KEYTURN_IMPORT_BENCH_FILE names the file; KEYTURN_IMPORT_BENCH_DB is
// "sqlite" (a file in a temporary directory) or "postgres" (a schema of its
// own on KEYTURN_TEST_DATABASE_URL); KEYTURN_IMPORT_BENCH_PROFILE writes a
// CPU profile.
func TestImportBenchmark(t *testing.T) {
	path := os.Getenv("KEYTURN_IMPORT_BENCH_FILE")
	if path == "" {
		t.Skip("set KEYTURN_IMPORT_BENCH_FILE (see .ci/bench-import)")
	}
	var d *db.DB
	switch os.Getenv("KEYTURN_IMPORT_BENCH_DB") {
	case "postgres":
		d = dbtest.Postgres(t)
	default:
		d = dbtest.SQLite(t)
	}
	f := newFixture(t, d)
	file, err := os.Open(path)
	require.NoError(t, err)
	defer file.Close()
	if p := os.Getenv("KEYTURN_IMPORT_BENCH_PROFILE"); p != "" {
		out, err := os.Create(p)
		require.NoError(t, err)
		require.NoError(t, pprof.StartCPUProfile(out))
		defer func() {
			pprof.StopCPUProfile()
			_ = out.Close()
		}()
	}
	ctx := context.Background()
	start := time.Now()
	v, err := f.imports.ImportFile(ctx, f.scope(f.uk), f.staff(), "bench.csv", FormatCSV, file)
	elapsed := time.Since(start)
	require.NoError(t, err)
	require.Equal(t, ImportDone, v.Status)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("import %s: %d rows in %.2f s = %.0f rows/s (inserted %d, rejected %d, warnings %d); Go heap obtained from the OS %.0f MiB\n",
		strings.ToUpper(d.Dialect[:1])+d.Dialect[1:], v.Rows, elapsed.Seconds(), float64(v.Rows)/elapsed.Seconds(),
		v.Inserted, v.RejectedCount, v.WarningsCount, float64(ms.Sys)/(1<<20))
	require.Equal(t, v.Rows, v.Inserted+v.RejectedCount)
}
