package agreements

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/keyturn/keyturn/backend/platform/db"
	"github.com/keyturn/keyturn/backend/platform/db/dbtest"
)

// TestGenerateBenchmarkFile writes the benchmark's file: the same bytes as
// `keyturn gen-agreements --rows N --seed 7 --as-of 2026-11-23`. It runs
// only when KEYTURN_IMPORT_BENCH_GENERATE names the file to write
// (KEYTURN_IMPORT_BENCH_ROWS rows, default 1,000,000).
func TestGenerateBenchmarkFile(t *testing.T) {
	path := os.Getenv("KEYTURN_IMPORT_BENCH_GENERATE")
	if path == "" {
		t.Skip("set KEYTURN_IMPORT_BENCH_GENERATE (see .ci/bench-import)")
	}
	rows := 1_000_000
	if s := os.Getenv("KEYTURN_IMPORT_BENCH_ROWS"); s != "" {
		n, err := strconv.Atoi(s)
		require.NoError(t, err)
		rows = n
	}
	out, err := os.Create(path)
	require.NoError(t, err)
	require.NoError(t, Generate(out, GenOptions{Rows: rows, Seed: benchSeed, AsOf: genDay}))
	require.NoError(t, out.Close())
}

// benchSeed is the benchmark file's seed.
const benchSeed = 7

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

// TestMigrateBenchmarkDatabase leaves a migrated database with the
// fixture's financiers (the first has id 1) for .ci/bench-import's FLOOR
// step, which loads the benchmark file into it with set-based SQL:
// KEYTURN_IMPORT_BENCH_MIGRATE is sqlite:DIR or postgres:SCHEMA (on
// KEYTURN_TEST_DATABASE_URL; the script drops it).
func TestMigrateBenchmarkDatabase(t *testing.T) {
	target := os.Getenv("KEYTURN_IMPORT_BENCH_MIGRATE")
	if target == "" {
		t.Skip("set KEYTURN_IMPORT_BENCH_MIGRATE (see .ci/bench-import)")
	}
	kind, where, _ := strings.Cut(target, ":")
	cfg := db.Config{DataDir: where, Logger: dbtest.Logger(t)}
	if kind == "postgres" {
		cfg = db.Config{DatabaseURL: os.Getenv("KEYTURN_TEST_DATABASE_URL"), Schema: where, Logger: dbtest.Logger(t)}
	}
	ctx := context.Background()
	d, err := db.Open(ctx, cfg)
	require.NoError(t, err)
	defer d.Close()
	require.NoError(t, d.Migrate(ctx))
	f := newFixture(t, d)
	require.Equal(t, int64(1), f.uk)
}
