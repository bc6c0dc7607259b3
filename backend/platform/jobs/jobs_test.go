package jobs_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/keyturn/keyturn/backend/platform/db"
	"github.com/keyturn/keyturn/backend/platform/db/dbtest"
	"github.com/keyturn/keyturn/backend/platform/jobs"
)

// Bounds for waiting on River. Jobs normally run within a fetch poll
// interval; a periodic job's first run waits for leader election (3–5 s,
// RULES.md T10).
const (
	pollInterval = 50 * time.Millisecond
	runTimeout   = 15 * time.Second
	// quietPeriod is how long a test watches for a job that must not run:
	// many fetch polls.
	quietPeriod = 20 * pollInterval
)

// recordArgs is a job that reports its marker when worked.
type recordArgs struct {
	Marker string `json:"marker"`
}

func (recordArgs) Kind() string { return "jobs_test_record" }

type recordWorker struct {
	river.WorkerDefaults[recordArgs]
	ran chan string
}

func (w *recordWorker) Work(_ context.Context, job *river.Job[recordArgs]) error {
	w.ran <- job.Args.Marker
	return nil
}

// uniqueArgs is unique by its arguments, for as long as River keeps the row.
type uniqueArgs struct {
	CustomerID int64 `json:"customer_id"`
}

func (uniqueArgs) Kind() string { return "jobs_test_unique" }

func (uniqueArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

type uniqueWorker struct {
	river.WorkerDefaults[uniqueArgs]
	ran chan int64
}

func (w *uniqueWorker) Work(_ context.Context, job *river.Job[uniqueArgs]) error {
	w.ran <- job.Args.CustomerID
	return nil
}

// testBundle holds one test's database, client and workers.
type testBundle struct {
	d      *db.DB
	client *jobs.Client
	ran    chan string
	unique chan int64
}

// setup makes a client on d with the record and unique workers; cfgFn may
// change the config (periodic jobs, more workers). The client is stopped
// when the test ends, before dbtest closes d.
func setup(t *testing.T, d *db.DB, cfgFn func(*jobs.Config)) *testBundle {
	t.Helper()
	b := &testBundle{d: d, ran: make(chan string, 100), unique: make(chan int64, 100)}
	workers := river.NewWorkers()
	river.AddWorker(workers, &recordWorker{ran: b.ran})
	river.AddWorker(workers, &uniqueWorker{ran: b.unique})
	cfg := jobs.Config{
		Workers:           workers,
		Logger:            dbtest.Logger(t),
		RunWorkers:        true,
		FetchPollInterval: pollInterval,
		TestOnly:          true,
	}
	if cfgFn != nil {
		cfgFn(&cfg)
	}
	client, err := jobs.New(d, cfg)
	require.NoError(t, err)
	b.client = client
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
		defer cancel()
		require.NoError(t, client.Stop(ctx))
	})
	return b
}

func (b *testBundle) start(t *testing.T) {
	t.Helper()
	require.NoError(t, b.client.Start(context.Background()))
}

// waitFor waits, bounded, for want among the markers reported, and returns
// the others seen meanwhile.
func waitFor[T comparable](t *testing.T, ch <-chan T, want T) (others []T) {
	t.Helper()
	deadline := time.After(runTimeout)
	for {
		select {
		case got := <-ch:
			if got == want {
				return others
			}
			others = append(others, got)
		case <-deadline:
			t.Fatalf("job %v did not run within %s (others: %v)", want, runTimeout, others)
		}
	}
}

// requireQuiet fails if anything is reported during quietPeriod.
func requireQuiet[T any](t *testing.T, ch <-chan T, what string) {
	t.Helper()
	select {
	case got := <-ch:
		t.Fatalf("%s ran: %v", what, got)
	case <-time.After(quietPeriod):
	}
}

func jobStates(t *testing.T, d *db.DB, kind string) []string {
	t.Helper()
	var states []string
	require.NoError(t, d.Gorm.Table("river_job").Where("kind = ?", kind).Order("id").Pluck("state", &states).Error)
	return states
}

func TestEnqueueFollowsTransaction(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		b := setup(t, d, nil)
		b.start(t)
		ctx := t.Context()
		errBoom := errors.New("boom")

		// Rolled back first: on SQLite the next insert reuses its id
		// (T10), so the test follows markers, not ids.
		err := d.Tx(ctx, func(tx *gorm.DB) error {
			if err := b.client.Enqueue(ctx, tx, recordArgs{Marker: "rolled-back"}, nil); err != nil {
				return err
			}
			return errBoom
		})
		require.ErrorIs(t, err, errBoom)

		require.NoError(t, d.Tx(ctx, func(tx *gorm.DB) error {
			return b.client.Enqueue(ctx, tx, recordArgs{Marker: "committed"}, nil)
		}))

		others := waitFor(t, b.ran, "committed")
		require.Empty(t, others)
		requireQuiet(t, b.ran, "a job from a rolled-back transaction")
		require.Eventually(t, func() bool {
			states := jobStates(t, d, recordArgs{}.Kind())
			return len(states) == 1 && states[0] == string(rivertype.JobStateCompleted)
		}, runTimeout, pollInterval, "exactly one job row, completed")
	})
}

func TestEnqueueNeedsTransaction(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		b := setup(t, d, nil)
		ctx := t.Context()
		err := b.client.Enqueue(ctx, d.Gorm, recordArgs{Marker: "no-tx"}, nil)
		require.ErrorContains(t, err, "not inside a transaction")

		// A GORM transaction not begun by db.DB.Tx is refused on both
		// dialects, although only PostgreSQL needs DB.Tx's context.
		err = d.Gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			return b.client.Enqueue(ctx, tx, recordArgs{Marker: "plain-gorm-tx"}, nil)
		})
		require.ErrorContains(t, err, "not opened by")
		require.Empty(t, jobStates(t, d, recordArgs{}.Kind()))
	})
}

func TestUniqueJobRunsOnce(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		b := setup(t, d, nil)
		ctx := t.Context()

		// Inserted twice before any worker runs, once in a transaction and
		// once outside one; the second is skipped without error.
		require.NoError(t, d.Tx(ctx, func(tx *gorm.DB) error {
			return b.client.Enqueue(ctx, tx, uniqueArgs{CustomerID: 7}, nil)
		}))
		require.NoError(t, b.client.Insert(ctx, uniqueArgs{CustomerID: 7}, nil))
		// Different arguments are a different job.
		require.NoError(t, b.client.Insert(ctx, uniqueArgs{CustomerID: 8}, nil))
		require.Len(t, jobStates(t, d, uniqueArgs{}.Kind()), 2)

		b.start(t)
		seen := map[int64]int{}
		for range 2 {
			select {
			case id := <-b.unique:
				seen[id]++
			case <-time.After(runTimeout):
				t.Fatalf("unique jobs did not run within %s (seen %v)", runTimeout, seen)
			}
		}
		requireQuiet(t, b.unique, "a duplicate unique job")
		require.Equal(t, map[int64]int{7: 1, 8: 1}, seen)

		// Still unique after the first one completed.
		require.NoError(t, b.client.Insert(ctx, uniqueArgs{CustomerID: 7}, nil))
		requireQuiet(t, b.unique, "a unique job inserted again after completing")
		require.Len(t, jobStates(t, d, uniqueArgs{}.Kind()), 2)
	})
}

func TestPeriodicJobRuns(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		b := setup(t, d, func(cfg *jobs.Config) {
			cfg.Periodic = []*river.PeriodicJob{
				river.NewPeriodicJob(
					river.PeriodicInterval(time.Hour),
					func() (river.JobArgs, *river.InsertOpts) { return recordArgs{Marker: "periodic"}, nil },
					&river.PeriodicJobOpts{RunOnStart: true},
				),
			}
		})
		started := time.Now()
		b.start(t)
		// Bounded wait, not a fixed sleep: the first run waits for leader
		// election.
		waitFor(t, b.ran, "periodic")
		t.Logf("first periodic run %s after Start", time.Since(started).Round(time.Millisecond))
	})
}

// blockArgs is a job that runs until the test releases it.
type blockArgs struct{}

func (blockArgs) Kind() string { return "jobs_test_block" }

type blockWorker struct {
	river.WorkerDefaults[blockArgs]
	started  chan struct{}
	release  chan struct{}
	finished chan error
}

func (w *blockWorker) Work(ctx context.Context, _ *river.Job[blockArgs]) error {
	close(w.started)
	select {
	case <-w.release:
		w.finished <- nil
		return nil
	case <-ctx.Done():
		w.finished <- ctx.Err()
		return ctx.Err()
	}
}

func TestStopWaitsForRunningJob(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := &blockWorker{started: make(chan struct{}), release: make(chan struct{}), finished: make(chan error, 1)}
		b := setup(t, d, func(cfg *jobs.Config) { river.AddWorker(cfg.Workers, w) })
		b.start(t)
		require.NoError(t, b.client.Insert(t.Context(), blockArgs{}, nil))

		select {
		case <-w.started:
		case <-time.After(runTimeout):
			t.Fatalf("blocking job did not start within %s", runTimeout)
		}

		stopped := make(chan error, 1)
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
			defer cancel()
			stopped <- b.client.Stop(ctx)
		}()
		select {
		case err := <-stopped:
			t.Fatalf("Stop returned while a job was running: %v", err)
		case <-time.After(quietPeriod):
		}

		close(w.release)
		select {
		case err := <-stopped:
			require.NoError(t, err)
		case <-time.After(runTimeout):
			t.Fatalf("Stop did not return within %s of the job finishing", runTimeout)
		}
		require.NoError(t, <-w.finished, "the job finished normally, not cancelled")
		require.Equal(t, []string{string(rivertype.JobStateCompleted)}, jobStates(t, d, blockArgs{}.Kind()),
			"its completion was recorded before Stop returned")
		require.Error(t, b.client.Healthy(t.Context()), "a stopped client is not healthy")
	})
}

func TestHealthy(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		b := setup(t, d, nil)
		ctx := t.Context()
		require.ErrorContains(t, b.client.Healthy(ctx), "not started")
		b.start(t)
		require.NoError(t, b.client.Healthy(ctx))
	})
}

func TestInsertOnlyClient(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		client, err := jobs.New(d, jobs.Config{Logger: dbtest.Logger(t)})
		require.NoError(t, err)
		require.ErrorContains(t, client.Start(ctx), "insert-only")
		require.NoError(t, client.Stop(ctx), "stopping a client that never started is a no-op")
		require.NoError(t, client.Healthy(ctx))

		require.NoError(t, client.Insert(ctx, recordArgs{Marker: "from-cli"}, nil))
		require.NoError(t, d.Tx(ctx, func(tx *gorm.DB) error {
			return client.Enqueue(ctx, tx, recordArgs{Marker: "from-cli-tx"}, nil)
		}))
		require.Equal(t, []string{string(rivertype.JobStateAvailable), string(rivertype.JobStateAvailable)},
			jobStates(t, d, recordArgs{}.Kind()))

		_, err = jobs.New(d, jobs.Config{Queues: map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 1}}})
		require.ErrorContains(t, err, "insert-only")
		_, err = jobs.New(d, jobs.Config{RunWorkers: true})
		require.ErrorContains(t, err, "needs Workers")
	})
}
