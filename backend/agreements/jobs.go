package agreements

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/keyturn/keyturn/backend/platform/tenant"
)

// QueueImports is the River queue that applies imports. One import at a
// time per node keeps each node's memory flat; more nodes work more files.
const QueueImports = "imports"

// Queues are the queues agreements' jobs need, with their concurrency per
// node, for jobs.Config.Queues.
func Queues() map[string]river.QueueConfig {
	return map[string]river.QueueConfig{QueueImports: {MaxWorkers: 1}}
}

// importJobTimeout bounds one attempt at applying a file. A million rows
// take minutes; an attempt that is cut short resumes where it stopped.
const importJobTimeout = 6 * time.Hour

// ImportArgs asks any node to apply an upload stored in the database.
type ImportArgs struct {
	ImportID int64 `json:"import_id"`
}

// Kind implements river.JobArgs.
func (ImportArgs) Kind() string { return "agreements.import" }

// InsertOpts: one job per upload; a retry resumes after the last committed
// batch.
func (ImportArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueImports, MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// PurgeImportsArgs is the hourly clean-up of uploads that never finished
// arriving.
type PurgeImportsArgs struct{}

// Kind implements river.JobArgs.
func (PurgeImportsArgs) Kind() string { return "agreements.purge_imports" }

// InsertOpts: one purge an hour however many nodes schedule it.
func (PurgeImportsArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: time.Hour}}
}

// RefreshEquityArgs recomputes a financier's stored equity (or, with
// AgreementIDs, that of a few agreements whose valuation changed).
type RefreshEquityArgs struct {
	FinancierID  int64   `json:"financier_id"`
	AgreementIDs []int64 `json:"agreement_ids,omitempty"`
}

// Kind implements river.JobArgs.
func (RefreshEquityArgs) Kind() string { return "agreements.refresh_equity" }

// InsertOpts: a refresh already waiting or running for the same agreements
// makes another one pointless; once it has finished, a new one may run.
func (RefreshEquityArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 5, UniqueOpts: river.UniqueOpts{ByArgs: true,
		ByState: []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
			rivertype.JobStateScheduled}}}
}

// RefreshAllEquityArgs is the daily refresh: it enqueues a RefreshEquity
// job per financier.
type RefreshAllEquityArgs struct{}

// Kind implements river.JobArgs.
func (RefreshAllEquityArgs) Kind() string { return "agreements.refresh_all_equity" }

// InsertOpts: once a day however many nodes schedule it.
func (RefreshAllEquityArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: 24 * time.Hour}}
}

// Workers holds agreements' job workers and what they need.
type Workers struct {
	Imports *Imports
	Equity  *Equity
}

// Register adds agreements' workers to a River worker set.
func (w *Workers) Register(ws *river.Workers) {
	river.AddWorker(ws, &importWorker{w: w})
	river.AddWorker(ws, &purgeImportsWorker{w: w})
	river.AddWorker(ws, &refreshEquityWorker{w: w})
	river.AddWorker(ws, &refreshAllEquityWorker{w: w})
}

// Periodic lists agreements' periodic jobs: the hourly purge of abandoned
// uploads and the daily equity refresh (settlement figures fall as payments
// are made).
func Periodic() []*river.PeriodicJob {
	return []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
			func() (river.JobArgs, *river.InsertOpts) { return PurgeImportsArgs{}, nil },
			&river.PeriodicJobOpts{RunOnStart: true}),
		river.NewPeriodicJob(river.PeriodicInterval(24*time.Hour),
			func() (river.JobArgs, *river.InsertOpts) { return RefreshAllEquityArgs{}, nil },
			&river.PeriodicJobOpts{RunOnStart: true}),
	}
}

type importWorker struct {
	river.WorkerDefaults[ImportArgs]
	w *Workers
}

// Work applies the upload; a retry resumes after the last committed batch.
func (k *importWorker) Work(ctx context.Context, job *river.Job[ImportArgs]) error {
	return k.w.Imports.Run(ctx, job.Args.ImportID, job.Attempt >= job.MaxAttempts)
}

// Timeout replaces River's one-minute default: a large file takes longer.
func (k *importWorker) Timeout(*river.Job[ImportArgs]) time.Duration { return importJobTimeout }

type purgeImportsWorker struct {
	river.WorkerDefaults[PurgeImportsArgs]
	w *Workers
}

// Work purges abandoned imports.
func (k *purgeImportsWorker) Work(ctx context.Context, _ *river.Job[PurgeImportsArgs]) error {
	_, err := k.w.Imports.PurgeAbandoned(ctx)
	return err
}

type refreshEquityWorker struct {
	river.WorkerDefaults[RefreshEquityArgs]
	w *Workers
}

// Work refreshes the financier's (or the named agreements') equity.
func (k *refreshEquityWorker) Work(ctx context.Context, job *river.Job[RefreshEquityArgs]) error {
	_, err := k.w.Equity.Refresh(ctx, tenant.Scope{FinancierID: job.Args.FinancierID}, job.Args.AgreementIDs...)
	return err
}

// Timeout: a whole book of agreements takes more than River's default minute.
func (k *refreshEquityWorker) Timeout(*river.Job[RefreshEquityArgs]) time.Duration { return time.Hour }

type refreshAllEquityWorker struct {
	river.WorkerDefaults[RefreshAllEquityArgs]
	w *Workers
}

// Work enqueues an equity refresh for every financier with agreements.
func (k *refreshAllEquityWorker) Work(ctx context.Context, _ *river.Job[RefreshAllEquityArgs]) error {
	ids, err := k.w.Equity.financierIDs(ctx)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := k.w.Imports.Jobs.Insert(ctx, RefreshEquityArgs{FinancierID: id}, nil); err != nil {
			return fmt.Errorf("agreements: enqueue equity refresh: %w", err)
		}
	}
	return nil
}
