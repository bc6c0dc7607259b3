package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"github.com/keyturn/keyturn/backend/platform/db"
	"github.com/keyturn/keyturn/backend/platform/mail"
)

// StaffEmailArgs sends a staff member a one-time link (invitation or
// password reset). The link is made when the job runs, so no token is ever
// stored in the job table.
type StaffEmailArgs struct {
	StaffUserID int64  `json:"staff_user_id"`
	Purpose     string `json:"purpose"`
}

// Kind implements river.JobArgs.
func (StaffEmailArgs) Kind() string { return "auth.staff_email" }

// InsertOpts: one pending email per person and purpose; a second request
// while one waits is the same request.
func (StaffEmailArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: "mail", MaxAttempts: 5, UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: 5 * time.Minute}}
}

// CustomerLinkArgs emails a fresh sign-in link to a customer who asked for
// one. Only the id is in the job table, never the address.
type CustomerLinkArgs struct {
	CustomerID int64 `json:"customer_id"`
}

// Kind implements river.JobArgs.
func (CustomerLinkArgs) Kind() string { return "auth.customer_link" }

// InsertOpts: at most one link email per address every 5 minutes, so the
// public form cannot be used to flood someone's inbox.
func (CustomerLinkArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: "mail", MaxAttempts: 5, UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: 5 * time.Minute}}
}

// ExpireTokensArgs is the periodic purge of expired sign-in tokens.
type ExpireTokensArgs struct{}

// Kind implements river.JobArgs.
func (ExpireTokensArgs) Kind() string { return "auth.expire_tokens" }

// InsertOpts: one purge per hour however many nodes schedule it.
func (ExpireTokensArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: time.Hour}}
}

// Workers holds auth's job workers and what they need.
type Workers struct {
	Service *Service
	Mail    mail.Sender
}

// Register adds auth's workers to a River worker set.
func (w *Workers) Register(ws *river.Workers) {
	river.AddWorker(ws, &staffEmailWorker{w: w})
	river.AddWorker(ws, &customerLinkWorker{w: w})
	river.AddWorker(ws, &expireTokensWorker{w: w})
}

// Periodic lists auth's periodic jobs.
func Periodic() []*river.PeriodicJob {
	return []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
			func() (river.JobArgs, *river.InsertOpts) { return ExpireTokensArgs{}, nil },
			&river.PeriodicJobOpts{RunOnStart: true}),
	}
}

type staffEmailWorker struct {
	river.WorkerDefaults[StaffEmailArgs]
	w *Workers
}

func (k *staffEmailWorker) Work(ctx context.Context, job *river.Job[StaffEmailArgs]) error {
	s := k.w.Service
	u, err := s.store.staffByID(ctx, s.DB.Gorm, job.Args.StaffUserID)
	if err != nil {
		return fmt.Errorf("staff email: %w", err)
	}
	if u.DisabledAt != nil {
		return nil
	}
	var url string
	if err := s.DB.Tx(ctx, func(tx *gorm.DB) error {
		url, err = s.IssueStaffLink(ctx, tx, u, job.Args.Purpose)
		return err
	}); err != nil {
		return err
	}
	msg, err := staffEmail(job.Args.Purpose, u.Name, url)
	if err != nil {
		return err
	}
	msg.To = u.Email
	if err := k.w.Mail.Send(ctx, msg); err != nil {
		return fmt.Errorf("staff email: send: %w", err)
	}
	s.Log.Info("auth.staff_email_sent", slog.String("purpose", job.Args.Purpose), slog.Int64("staff_id", u.ID))
	return nil
}

type customerLinkWorker struct {
	river.WorkerDefaults[CustomerLinkArgs]
	w *Workers
}

func (k *customerLinkWorker) Work(ctx context.Context, job *river.Job[CustomerLinkArgs]) error {
	s := k.w.Service
	c, err := s.Directory.CustomerByID(ctx, job.Args.CustomerID)
	if errors.Is(err, db.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("customer link: %w", err)
	}
	if c.Erased {
		return nil
	}
	{
		var url string
		if err := s.DB.Tx(ctx, func(tx *gorm.DB) error {
			url, err = s.IssueInvite(ctx, tx, c.FinancierID, c.ID)
			return err
		}); err != nil {
			return err
		}
		fin, err := s.Directory.Financier(ctx, c.FinancierID)
		if err != nil {
			return err
		}
		msg, err := customerLinkEmail(fin.Name, c.FirstName, url)
		if err != nil {
			return err
		}
		msg.To = c.Email
		if err := k.w.Mail.Send(ctx, msg); err != nil {
			return fmt.Errorf("customer link: send: %w", err)
		}
		s.Log.Info("auth.customer_link_sent", slog.Int64("customer_id", c.ID))
	}
	return nil
}

type expireTokensWorker struct {
	river.WorkerDefaults[ExpireTokensArgs]
	w *Workers
}

func (k *expireTokensWorker) Work(ctx context.Context, _ *river.Job[ExpireTokensArgs]) error {
	s := k.w.Service
	n, err := s.store.purgeExpired(ctx, s.DB.Gorm, s.now())
	if err != nil {
		return err
	}
	s.Log.Info("auth.tokens_expired", slog.Int64("deleted", n))
	return nil
}
