package campaigns

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/keyturn/keyturn/backend/platform/db"
	"github.com/keyturn/keyturn/backend/platform/db/dbtest"
	"github.com/keyturn/keyturn/backend/platform/jobs"
	"github.com/keyturn/keyturn/backend/privacy"
)

// enrolled maps customer refs to their enrolment's left reason ("" while
// enrolled).
func (b *bundle) enrolled(id int64) map[string]string {
	b.t.Helper()
	ens, err := b.svc.Enrolments(context.Background(), b.fin, id, 500, 0)
	require.NoError(b.t, err)
	out := map[string]string{}
	for _, e := range ens {
		out[e.CustomerRef] = e.LeftReason
		if e.LeftAt == nil {
			require.Empty(b.t, e.LeftReason)
		}
	}
	return out
}

func TestSyncEnrolsAndLetsGo(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		b := setup(t, d)
		ctx := context.Background()
		f := b.fixture(b.fin)
		a := f.customer("A")
		aAgr := f.agreement(a)
		bc := f.customer("B")
		f.agreement(bc)
		cc := f.customer("C")
		cAgr := f.agreement(cc)

		camp := b.readyCampaign(marketerEmail)
		b.live(camp.ID)
		res, err := b.svc.Sync(ctx, camp.ID)
		require.NoError(t, err)
		require.Equal(t, SyncResult{Status: StatusLive, Enrolled: 3}, res)

		// A falls into arrears, B withdraws consent, C's car no longer
		// matches; D arrives.
		require.NoError(t, d.Gorm.Table("agreements").Where("id = ?", aAgr.ID).Update("in_arrears", true).Error)
		require.NoError(t, d.Gorm.Table("consents").Where("customer_id = ?", bc.ID).Update("withdrawn_at", testNow).Error)
		require.NoError(t, d.Gorm.Table("vehicles").Where("id = ?", cAgr.VehicleID).Update("make", "Other").Error)
		f.agreement(f.customer("D"))
		res, err = b.svc.Sync(ctx, camp.ID)
		require.NoError(t, err)
		require.Equal(t, SyncResult{Status: StatusLive, Enrolled: 1, Left: 3}, res)
		require.Equal(t, map[string]string{"A": ExclInArrears, "B": ExclNoMarketingBasis, "C": LeftNoLongerMatches, "D": ""}, b.enrolled(camp.ID))

		// Once per campaign: A, out of arrears again, is not enrolled twice.
		require.NoError(t, d.Gorm.Table("agreements").Where("id = ?", aAgr.ID).Update("in_arrears", false).Error)
		res, err = b.svc.Sync(ctx, camp.ID)
		require.NoError(t, err)
		require.Zero(t, res.Enrolled)

		// A second live campaign leaves out agreements already in one,
		// unless it switches that exclusion off; and being in the second
		// never takes an agreement out of the first.
		second := b.readyCampaign(marketer2Email)
		b.live(second.ID)
		res, err = b.svc.Sync(ctx, second.ID)
		require.NoError(t, err)
		require.Equal(t, int64(1), res.Enrolled, "only A, whose enrolment in the first has ended")
		third := b.readyCampaign(marketer2Email)
		in := settings()
		in.Audience.IncludeOtherLiveCampaigns = true
		_, err = b.svc.Update(ctx, b.fin, b.actor(marketer2Email), third.ID, in)
		require.NoError(t, err)
		b.live(third.ID)
		res, err = b.svc.Sync(ctx, third.ID)
		require.NoError(t, err)
		require.Equal(t, int64(2), res.Enrolled, "A and D")
		res, err = b.svc.Sync(ctx, camp.ID)
		require.NoError(t, err)
		require.Zero(t, res.Left)

		// Past its end date a campaign ends and lets everyone go.
		b.clock.Set(time.Date(2027, 5, 1, 9, 0, 0, 0, time.UTC))
		res, err = b.svc.Sync(ctx, camp.ID)
		require.NoError(t, err)
		require.True(t, res.Ended)
		require.Equal(t, map[string]string{"A": ExclInArrears, "B": ExclNoMarketingBasis, "C": LeftNoLongerMatches, "D": LeftCampaignEnded}, b.enrolled(camp.ID))
		entries := b.auditActions(camp.ID)
		last := entries[len(entries)-1]
		require.Equal(t, "campaign.ended", last.Action)
		require.Equal(t, "system", last.ActorKind)
		require.Nil(t, last.ActorID)
	})
}

func TestSyncWaitsForStartDate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		b := setup(t, d)
		ctx := context.Background()
		f := b.fixture(b.fin)
		f.agreement(f.customer("A"))
		c := b.readyCampaign(marketerEmail)
		in := settings()
		in.StartDate = "2026-12-01"
		_, err := b.svc.Update(ctx, b.fin, b.actor(marketerEmail), c.ID, in)
		require.NoError(t, err)
		b.live(c.ID)
		res, err := b.svc.Sync(ctx, c.ID)
		require.NoError(t, err)
		require.Zero(t, res.Enrolled)
		b.clock.Set(time.Date(2026, 12, 1, 0, 30, 0, 0, time.UTC))
		res, err = b.svc.Sync(ctx, c.ID)
		require.NoError(t, err)
		require.Equal(t, int64(1), res.Enrolled)

		res, err = b.svc.Sync(ctx, 999_999)
		require.NoError(t, err, "a campaign deleted since its job was enqueued")
		require.Equal(t, SyncResult{}, res)
	})
}

// TestEnrolmentThroughRiver launches a campaign with River working jobs:
// the enrolment run enqueued by the launch enrols the audience.
func TestEnrolmentThroughRiver(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		b := setup(t, d)
		ctx := context.Background()
		f := b.fixture(b.fin)
		f.agreement(f.customer("A"))
		f.agreement(f.customer("B", consent(privacy.ChannelEmail, privacy.BasisSoftOptIn, false)))

		workers := river.NewWorkers()
		b.svc.Register(workers)
		jc, err := jobs.New(d, jobs.Config{Workers: workers, RunWorkers: true, FetchPollInterval: 50 * time.Millisecond,
			TestOnly: true, Logger: dbtest.Logger(t), Periodic: b.svc.Periodic()})
		require.NoError(t, err)
		b.svc.Jobs = jc
		runCtx, cancel := context.WithCancel(ctx)
		defer cancel()
		require.NoError(t, jc.Start(runCtx))
		t.Cleanup(func() {
			sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			require.NoError(t, jc.Stop(sctx))
		})

		c := b.readyCampaign(marketerEmail)
		b.live(c.ID)
		require.Eventually(t, func() bool {
			n, err := b.svc.Store.enrolledCount(ctx, b.fin, c.ID)
			return err == nil && n == 2
		}, 20*time.Second, 50*time.Millisecond)
	})
}

// TestConcurrentSyncsEnrolAnAgreementOnce: campaigns of one financier that
// sync at the same moment still enrol each agreement in one of them only
// (on PostgreSQL each would otherwise miss the others' uncommitted
// enrolments).
func TestConcurrentSyncsEnrolAnAgreementOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		b := setup(t, d)
		ctx := context.Background()
		f := b.fixture(b.fin)
		const customers = 25
		for i := range customers {
			f.agreement(f.customer(fmt.Sprintf("R%02d", i)))
		}
		var ids []int64
		for range 4 {
			c := b.readyCampaign(marketerEmail)
			b.live(c.ID)
			ids = append(ids, c.ID)
		}
		start := make(chan struct{})
		errs := make(chan error, len(ids))
		var total atomic.Int64
		for _, id := range ids {
			go func() {
				<-start
				res, err := b.svc.Sync(ctx, id)
				total.Add(res.Enrolled)
				errs <- err
			}()
		}
		close(start)
		for range ids {
			require.NoError(t, <-errs)
		}
		require.Equal(t, int64(customers), total.Load(), "each agreement enrolled once across the campaigns")
		var most int64
		require.NoError(t, d.Gorm.Raw(`SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM campaign_enrolments
WHERE left_at IS NULL GROUP BY agreement_id) per`).Scan(&most).Error)
		require.Equal(t, int64(1), most)
	})
}
