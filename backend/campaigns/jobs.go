package campaigns

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"gorm.io/gorm"

	"github.com/keyturn/keyturn/backend/platform/db"
)

// EnrolArgs runs one campaign's enrolment: newcomers in, customers who no
// longer match out. Launching enqueues it; SyncArgs enqueues it for every
// live campaign.
type EnrolArgs struct {
	CampaignID int64 `json:"campaign_id"`
}

// Kind implements river.JobArgs.
func (EnrolArgs) Kind() string { return "campaigns.enrol" }

// enrolStates are the states in which a second run of the same campaign is
// a duplicate. Completed runs are left out, so a campaign launched again
// (after a pause) or synced again gets a fresh run.
var enrolStates = []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending,
	rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStateScheduled}

// InsertOpts: one waiting run per campaign.
func (EnrolArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 5, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: enrolStates}}
}

// SyncArgs is the periodic job that enqueues an enrolment run for every live
// campaign. River's leader enqueues it; any node works it.
type SyncArgs struct{}

// Kind implements river.JobArgs.
func (SyncArgs) Kind() string { return "campaigns.sync" }

// InsertOpts: one sync per minute however many nodes schedule it.
func (SyncArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: time.Minute}}
}

// Register adds the campaign workers to a River worker set.
func (s *Service) Register(ws *river.Workers) {
	river.AddWorker(ws, &enrolWorker{s: s})
	river.AddWorker(ws, &syncWorker{s: s})
}

// Periodic lists the campaign periodic jobs: the enrolment sync every
// Config.SyncInterval (DefaultSyncInterval when zero).
func (s *Service) Periodic() []*river.PeriodicJob {
	every := s.Config.SyncInterval
	if every <= 0 {
		every = DefaultSyncInterval
	}
	return []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(every),
			func() (river.JobArgs, *river.InsertOpts) { return SyncArgs{}, nil },
			&river.PeriodicJobOpts{ID: "campaigns.sync", RunOnStart: true}),
	}
}

type enrolWorker struct {
	river.WorkerDefaults[EnrolArgs]
	s *Service
}

// Work runs the campaign's enrolment.
func (w *enrolWorker) Work(ctx context.Context, job *river.Job[EnrolArgs]) error {
	_, err := w.s.Sync(ctx, job.Args.CampaignID)
	return err
}

type syncWorker struct {
	river.WorkerDefaults[SyncArgs]
	s *Service
}

// Work enqueues an enrolment run for each live campaign.
func (w *syncWorker) Work(ctx context.Context, _ *river.Job[SyncArgs]) error {
	ids, err := w.s.Store.campaignsToSync(ctx)
	if err != nil {
		return err
	}
	return w.s.DB.Tx(ctx, func(tx *gorm.DB) error {
		for _, id := range ids {
			if err := w.s.Jobs.Enqueue(ctx, tx, EnrolArgs{CampaignID: id}, nil); err != nil {
				return err
			}
		}
		return nil
	})
}

// SyncResult says what one enrolment run did.
type SyncResult struct {
	Status   string `json:"status"`
	Enrolled int64  `json:"enrolled"`
	Left     int64  `json:"left"`
	Ended    bool   `json:"ended"`
}

// Sync runs a campaign's enrolment. A campaign that is not live changes
// nothing; one not yet started waits; one past its end date ends (its
// enrolments close). Otherwise, in one transaction, each matching customer
// not enrolled before is enrolled through the matching agreement that ends
// first, and each enrolment whose agreement no longer matches is closed with
// the reason.
func (s *Service) Sync(ctx context.Context, campaignID int64) (SyncResult, error) {
	sc, err := s.Store.scopeOfCampaign(ctx, campaignID)
	if errors.Is(err, db.ErrNotFound) {
		return SyncResult{}, nil // deleted since the job was enqueued
	}
	if err != nil {
		return SyncResult{}, err
	}
	var res SyncResult
	ended := false
	err = s.DB.Tx(ctx, func(tx *gorm.DB) error {
		if err := s.lockEnrolment(tx, sc.FinancierID); err != nil {
			return err
		}
		st := s.Store.with(tx)
		c, err := st.campaign(ctx, sc, campaignID)
		if err != nil {
			return err
		}
		res.Status = c.Status
		if c.Status != StatusLive {
			return nil
		}
		fin, err := st.financier(ctx, sc)
		if err != nil {
			return err
		}
		today := s.today(fin)
		if today < c.StartDate {
			return nil
		}
		now := s.now()
		if today > c.EndDate {
			ch := newChanges()
			version := c.Version
			if err := s.end(ctx, tx, sc, &c, ch, "end_date_passed"); err != nil {
				return err
			}
			c.Version++
			if err := s.saveCampaign(ctx, tx, &c, version); err != nil {
				return err
			}
			ch.add("status", StatusLive, StatusEnded)
			ended, res.Ended, res.Status = true, true, StatusEnded
			return s.audit(ctx, tx, sc, Actor{}, "campaign.ended", c.ID, ch.fields, ch.changes)
		}
		comp, err := st.compileAudience(ctx, fin, c.ID, audienceOf(c), now)
		if err != nil {
			return err
		}
		leavers, err := st.leavers(ctx, comp, c.ID)
		if err != nil {
			return err
		}
		for _, l := range leavers {
			if err := tx.Model(&Enrolment{}).Where("id = ? AND left_at IS NULL", l.ID).
				Updates(map[string]any{"left_at": now, "left_reason": l.Reason}).Error; err != nil {
				return fmt.Errorf("campaigns: close enrolment: %w", err)
			}
		}
		res.Left = int64(len(leavers))
		if res.Enrolled, err = st.enrolNewcomers(ctx, comp, c.ID, now); err != nil {
			return err
		}
		return tx.Model(&Campaign{}).Where("id = ?", c.ID).UpdateColumn("last_synced_at", now).Error
	})
	if err != nil {
		return SyncResult{}, fmt.Errorf("campaigns: sync campaign %d: %w", campaignID, err)
	}
	if ended {
		s.bumpCampaign(ctx, campaignID)
	}
	s.Log.Info("campaigns.synced", slog.Int64("campaign_id", campaignID), slog.String("status", res.Status),
		slog.Int64("enrolled", res.Enrolled), slog.Int64("left", res.Left))
	return res, nil
}

// lockEnrolment serialises the enrolment runs of one financier's campaigns
// until the transaction ends. "Already in another live campaign" is read
// before the new enrolments are written, so two campaigns syncing at once on
// PostgreSQL (read committed) could each miss the other's uncommitted
// enrolments and both take the same agreement. SQLite needs no lock: every
// write transaction there already holds the database's one write lock from
// its BEGIN. The key includes the schema, so databases sharing a server do
// not wait on each other.
func (s *Service) lockEnrolment(tx *gorm.DB, financierID int64) error {
	if s.DB.Dialect != db.DialectPostgres {
		return nil
	}
	err := tx.Exec("SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':campaigns.enrol'), ?::int4)", financierID).Error
	if err != nil {
		return fmt.Errorf("campaigns: lock enrolment of financier %d: %w", financierID, err)
	}
	return nil
}
