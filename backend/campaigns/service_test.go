package campaigns

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/keyturn/keyturn/backend/platform/db"
	"github.com/keyturn/keyturn/backend/platform/db/dbtest"
	"github.com/keyturn/keyturn/backend/platform/httpx"
)

func statusOf(t *testing.T, err error) int {
	t.Helper()
	require.Error(t, err)
	return httpx.AsProblem(err).Status
}

// enrolJobs counts the campaign enrolment jobs River holds for a campaign.
func (b *bundle) enrolJobs(id int64) int {
	b.t.Helper()
	var args []string
	col := "args::text"
	if b.db.Dialect == db.DialectSQLite {
		col = "json(args)" // River stores jsonb on SQLite
	}
	require.NoError(b.t, b.db.Gorm.Table("river_job").Where("kind = ?", EnrolArgs{}.Kind()).Pluck(col, &args).Error)
	n := 0
	for _, a := range args {
		var e EnrolArgs
		require.NoError(b.t, json.Unmarshal([]byte(a), &e))
		if e.CampaignID == id {
			n++
		}
	}
	return n
}

func TestCampaignLifecycle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		b := setup(t, d)
		ctx := context.Background()
		f := b.fixture(b.fin)
		f.agreement(f.customer("A"))
		two := f.customer("B")
		f.agreement(two, endsOn("2027-04-20"))
		first := f.agreement(two, endsOn("2027-01-15"))
		f.agreement(f.customer("C"), arrears())

		c := b.readyCampaign(marketerEmail)
		require.Equal(t, StatusDraft, c.Status)

		v, err := b.svc.Submit(ctx, b.fin, b.actor(marketerEmail), c.ID)
		require.NoError(t, err)
		require.Equal(t, StatusSubmitted, v.Status)

		// The author cannot approve, whatever their role; an analyst's or
		// another financier's staff cannot reach it.
		require.Equal(t, 403, statusOf(t, func() error { _, err := b.svc.Approve(ctx, b.fin, b.actor(marketerEmail), c.ID); return err }()))
		require.ErrorIs(t, func() error { _, err := b.svc.Approve(ctx, b.finIE, b.actor(ieMarketer), c.ID); return err }(), db.ErrNotFound)
		// Only submitted campaigns can be launched or approved.
		require.Equal(t, 409, statusOf(t, func() error { _, err := b.svc.Launch(ctx, b.fin, b.actor(marketerEmail), c.ID); return err }()))

		v, err = b.svc.Approve(ctx, b.fin, b.actor(approverEmail), c.ID)
		require.NoError(t, err)
		require.Equal(t, StatusApproved, v.Status)
		require.Equal(t, b.staff[approverEmail].ID, *v.ApprovedBy)

		// Any edit after approval sends it back to draft.
		in := settings()
		in.Name = "Spring renewals 2027"
		v, err = b.svc.Update(ctx, b.fin, b.actor(marketer2Email), c.ID, in)
		require.NoError(t, err)
		require.Equal(t, StatusDraft, v.Status)
		require.Nil(t, v.ApprovedBy)
		require.Equal(t, 409, statusOf(t, func() error { _, err := b.svc.Launch(ctx, b.fin, b.actor(marketerEmail), c.ID); return err }()))

		_, err = b.svc.Submit(ctx, b.fin, b.actor(marketer2Email), c.ID)
		require.NoError(t, err)
		_, err = b.svc.Approve(ctx, b.fin, b.actor(approverEmail), c.ID)
		require.NoError(t, err)
		require.Zero(t, b.enrolJobs(c.ID))
		v, err = b.svc.Launch(ctx, b.fin, b.actor(marketerEmail), c.ID)
		require.NoError(t, err)
		require.Equal(t, StatusLive, v.Status)
		require.Equal(t, 1, b.enrolJobs(c.ID), "launching enqueues the first enrolment run")

		// A live campaign cannot be edited.
		_, err = b.svc.Update(ctx, b.fin, b.actor(marketerEmail), c.ID, in)
		require.Equal(t, 409, statusOf(t, err))
		_, err = b.svc.AddOffer(ctx, b.fin, b.actor(marketerEmail), c.ID, hpOffer())
		require.Equal(t, 409, statusOf(t, err))

		res, err := b.svc.Sync(ctx, c.ID)
		require.NoError(t, err)
		require.Equal(t, int64(2), res.Enrolled)
		ens, err := b.svc.Enrolments(ctx, b.fin, c.ID, 10, 0)
		require.NoError(t, err)
		require.Len(t, ens, 2)
		for _, e := range ens {
			if e.CustomerRef == "B" {
				require.Equal(t, first.ID, e.AgreementID, "enrolled through the matching agreement that ends first")
			}
		}
		res, err = b.svc.Sync(ctx, c.ID)
		require.NoError(t, err)
		require.Zero(t, res.Enrolled, "enrolled once per campaign")

		// An approver may pause; a paused campaign resumes unchanged.
		v, err = b.svc.Pause(ctx, b.fin, b.actor(approverEmail), c.ID)
		require.NoError(t, err)
		require.Equal(t, StatusPaused, v.Status)
		res, err = b.svc.Sync(ctx, c.ID)
		require.NoError(t, err)
		require.Equal(t, SyncResult{Status: StatusPaused}, res, "a paused campaign changes no enrolment")
		_, err = b.svc.Launch(ctx, b.fin, b.actor(adminEmail), c.ID)
		require.NoError(t, err)

		v, err = b.svc.End(ctx, b.fin, b.actor(marketerEmail), c.ID)
		require.NoError(t, err)
		require.Equal(t, StatusEnded, v.Status)
		ens, err = b.svc.Enrolments(ctx, b.fin, c.ID, 10, 0)
		require.NoError(t, err)
		for _, e := range ens {
			require.NotNil(t, e.LeftAt)
			require.Equal(t, LeftCampaignEnded, e.LeftReason)
		}

		// The audit log tells the story, with before/after of settings.
		var actions []string
		for _, e := range b.auditActions(c.ID) {
			actions = append(actions, e.Action)
			require.Equal(t, b.fin.FinancierID, *e.FinancierID)
			require.Equal(t, "192.0.2.1", e.IP)
			switch e.Action {
			case "campaign.updated":
				var ch map[string][2]any
				require.NoError(t, json.Unmarshal([]byte(e.Changes), &ch))
				require.Equal(t, [2]any{"Spring renewals", "Spring renewals 2027"}, ch["name"])
				require.Equal(t, [2]any{StatusApproved, StatusDraft}, ch["status"])
				require.Equal(t, b.staff[marketer2Email].ID, *e.ActorID)
			case "campaign.approved", "campaign.launched":
				require.Contains(t, e.Changes, `"approver_id":[null,`+jsonInt(b.staff[approverEmail].ID)+`]`)
				require.Contains(t, e.Changes, `"apr":6.9`)
				require.Contains(t, e.Changes, `"share_percent":62`)
			}
		}
		require.Equal(t, []string{"campaign.created", "campaign.offer_added", "campaign.offer_added", "campaign.journey_updated",
			"campaign.submitted", "campaign.approved", "campaign.updated", "campaign.submitted", "campaign.approved",
			"campaign.launched", "campaign.paused", "campaign.launched", "campaign.ended"}, actions)
	})
}

func jsonInt(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestRejectAndReadiness(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		b := setup(t, d)
		ctx := context.Background()

		empty, err := b.svc.Create(ctx, b.fin, b.actor(marketerEmail), settings())
		require.NoError(t, err)
		_, err = b.svc.Submit(ctx, b.fin, b.actor(marketerEmail), empty.ID)
		require.ElementsMatch(t, []string{"offers", "journey"}, fieldsOf(t, err))

		// A credit offer without the APR's basis cannot be submitted.
		offer := pcpOffer()
		offer.Example.APRBasis = nil
		_, err = b.svc.AddOffer(ctx, b.fin, b.actor(marketerEmail), empty.ID, offer)
		require.NoError(t, err)
		_, err = b.svc.SaveJourney(ctx, b.fin, b.actor(marketerEmail), empty.ID, journey()[:1])
		require.NoError(t, err)
		_, err = b.svc.Submit(ctx, b.fin, b.actor(marketerEmail), empty.ID)
		fields := fieldsOf(t, err)
		require.Len(t, fields, 1)
		require.True(t, strings.HasSuffix(fields[0], ".example.apr_basis"), fields[0])

		c := b.readyCampaign(marketerEmail)
		_, err = b.svc.Submit(ctx, b.fin, b.actor(marketerEmail), c.ID)
		require.NoError(t, err)
		_, err = b.svc.Reject(ctx, b.fin, b.actor(approverEmail), c.ID, "  ")
		require.Equal(t, []string{"reason"}, fieldsOf(t, err))
		_, err = b.svc.Reject(ctx, b.fin, b.actor(marketerEmail), c.ID, "mine")
		require.Equal(t, 403, statusOf(t, err))
		v, err := b.svc.Reject(ctx, b.fin, b.actor(approverEmail), c.ID, "Small print must name the lender.")
		require.NoError(t, err)
		require.Equal(t, StatusDraft, v.Status)
		require.Equal(t, "Small print must name the lender.", v.RejectionReason)
		entries := b.auditActions(c.ID)
		last := entries[len(entries)-1]
		require.Equal(t, "campaign.rejected", last.Action)
		require.Contains(t, last.Changes, "Small print must name the lender.")

		// Expired offers keep a campaign from launch; nothing is enqueued.
		c2 := b.readyCampaign(marketerEmail)
		b.live(c2.ID)
		_, err = b.svc.Pause(ctx, b.fin, b.actor(marketerEmail), c2.ID)
		require.NoError(t, err)
		jobs := b.enrolJobs(c2.ID)
		b.clock.Set(testNow.AddDate(0, 8, 0))
		_, err = b.svc.Launch(ctx, b.fin, b.actor(marketerEmail), c2.ID)
		require.Equal(t, 422, statusOf(t, err))
		require.Equal(t, jobs, b.enrolJobs(c2.ID))
	})
}

func TestOffersAndJourneyEdits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		b := setup(t, d)
		ctx := context.Background()
		f := b.fixture(b.fin)
		f.agreement(f.customer("A"))
		c := b.readyCampaign(marketerEmail)
		v, err := b.svc.Get(ctx, b.fin, c.ID)
		require.NoError(t, err)
		require.Len(t, v.Offers, 2)
		require.Len(t, v.Journey, 4)
		for _, o := range v.Offers {
			require.Empty(t, o.Problems)
			require.True(t, o.Check.Reconciles)
			require.NotEmpty(t, o.RepresentativeExample.Text)
		}

		// A bad offer changes nothing.
		bad := pcpOffer()
		bad.Example.AnnualMileage = 99
		_, err = b.svc.AddOffer(ctx, b.fin, b.actor(marketerEmail), c.ID, bad)
		require.Equal(t, []string{"guaranteed_future_values"}, fieldsOf(t, err))
		// At most four offers.
		for range 2 {
			_, err = b.svc.AddOffer(ctx, b.fin, b.actor(marketerEmail), c.ID, hpOffer())
			require.NoError(t, err)
		}
		_, err = b.svc.AddOffer(ctx, b.fin, b.actor(marketerEmail), c.ID, hpOffer())
		require.Equal(t, []string{"offers"}, fieldsOf(t, err))
		upd := pcpOffer()
		upd.CashPrice = 26_000_00
		o, err := b.svc.UpdateOffer(ctx, b.fin, b.actor(marketerEmail), c.ID, v.Offers[0].ID, upd)
		require.NoError(t, err)
		require.Equal(t, int64(26_000_00), o.Quote.CashPrice)
		entries := b.auditActions(c.ID)
		last := entries[len(entries)-1]
		require.Equal(t, "campaign.offer_updated", last.Action)
		require.Contains(t, last.Fields, `cash_price`)
		require.Contains(t, last.Changes, `[2500000,2600000]`)
		require.NoError(t, b.svc.RemoveOffer(ctx, b.fin, b.actor(marketerEmail), c.ID, v.Offers[1].ID))
		entries = b.auditActions(c.ID)
		last = entries[len(entries)-1]
		require.Equal(t, "campaign.offer_removed", last.Action)
		require.Contains(t, last.Changes, `"product":"hp"`, "the removed offer is kept as the before value")
		require.ErrorIs(t, b.svc.RemoveOffer(ctx, b.fin, b.actor(marketerEmail), c.ID, v.Offers[1].ID), db.ErrNotFound)
		_, err = b.svc.UpdateOffer(ctx, b.finIE, b.actor(ieMarketer), c.ID, v.Offers[0].ID, upd)
		require.ErrorIs(t, err, db.ErrNotFound)

		// Steps keep their ids across edits; removed ones go; new ones get
		// new ids.
		ids := []string{v.Journey[0].ID, v.Journey[1].ID, v.Journey[2].ID, v.Journey[3].ID}
		steps := journey()
		steps[2].ID, steps[0].ID = ids[2], ids[0]
		steps[0].OffsetDays = -150
		edited := []StepInput{steps[2], steps[0], steps[1]}
		saved, err := b.svc.SaveJourney(ctx, b.fin, b.actor(marketerEmail), c.ID, edited)
		require.NoError(t, err)
		require.Equal(t, ids[2], saved[0].ID)
		require.Equal(t, ids[0], saved[1].ID)
		require.Equal(t, -150, saved[1].OffsetDays)
		require.NotContains(t, ids, saved[2].ID)
		require.True(t, strings.HasPrefix(saved[2].ID, "st_"))
		v, err = b.svc.Get(ctx, b.fin, c.ID)
		require.NoError(t, err)
		require.Len(t, v.Journey, 3)

		unknown := journey()[:1]
		unknown[0].ID = "st_nope"
		_, err = b.svc.SaveJourney(ctx, b.fin, b.actor(marketerEmail), c.ID, unknown)
		require.Equal(t, []string{"steps[0].id"}, fieldsOf(t, err))

		trig := journey()
		trig[1].Subject = "Lower monthly payments on your {model}"
		trig[2].Body = "0% finance now"
		_, err = b.svc.SaveJourney(ctx, b.fin, b.actor(marketerEmail), c.ID, trig)
		require.Subset(t, []string{"steps[1].subject", "steps[2].body"}, fieldsOf(t, err))
		require.Subset(t, fieldsOf(t, err), []string{"steps[1].subject", "steps[2].body"})
		p := httpx.AsProblem(err)
		require.Contains(t, p.Errors[0].Message, "lock screen")

		// A model name can carry a trigger a template does not: the
		// rendered preview is linted too.
		f.agreement(f.customer("CHEAP"), model("Cheaper"))
		_, err = b.svc.SaveJourney(ctx, b.fin, b.actor(marketerEmail), c.ID, journey())
		require.Contains(t, fieldsOf(t, err), "steps[0].title")
		require.Contains(t, httpx.AsProblem(err).Errors[0].Message, "Rendered for customer CHEAP")

		// The preview renders real customers; push text carries no name.
		pv, err := b.svc.PreviewStep(ctx, b.fin, c.ID, saved[1].ID, nil)
		require.NoError(t, err)
		require.NotEmpty(t, pv.Samples)
		for _, smp := range pv.Samples {
			require.NotContains(t, smp.Message.Title+smp.Message.Body, smp.FirstName)
			if smp.CustomerRef == "A" {
				require.Equal(t, "Your Aero agreement", smp.Message.Title)
				require.Equal(t, "Ends in 4 months. See what is next for you at your dealer.", smp.Message.Body)
				require.Equal(t, "2026-10-24", smp.Message.SendOn)
				require.Empty(t, smp.Problems)
			}
		}
		_, err = b.svc.PreviewStep(ctx, b.fin, c.ID, "st_nope", nil)
		require.ErrorIs(t, err, db.ErrNotFound)
	})
}

func TestChecklist(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		b := setup(t, d)
		ctx := context.Background()
		f := b.fixture(b.fin)
		f.agreement(f.customer("A"))
		f.agreement(f.customer("V", vulnerable()))
		f.agreement(f.customer("N", noConsent()))
		c := b.readyCampaign(marketerEmail)
		in := settings()
		in.FrequencyCapPerWeek = 3
		_, err := b.svc.Update(ctx, b.fin, b.actor(marketerEmail), c.ID, in)
		require.NoError(t, err)

		cl, err := b.svc.Checklist(ctx, b.fin, c.ID)
		require.NoError(t, err)
		require.True(t, cl.Ready, "%+v", cl.Problems)
		require.Len(t, cl.Offers, 2)
		for _, o := range cl.Offers {
			require.True(t, o.Reconciles)
			require.NotNil(t, o.RepresentativeAPR)
			require.NotNil(t, o.APRBasis)
			require.True(t, o.ValidityOK)
			require.Equal(t, "Valid throughout the campaign.", o.ValidityNote)
		}
		require.Equal(t, int64(3), cl.Audience.MatchedByRules)
		require.Equal(t, int64(1), cl.Audience.Count)
		removed := map[string]int64{}
		for _, e := range cl.Audience.Exclusions {
			removed[e.Name] = e.Removed
		}
		require.Equal(t, int64(1), removed[ExclVulnerable])
		require.Equal(t, int64(1), removed[ExclNoMarketingBasis])
		require.Equal(t, FrequencyCheck{CampaignCapPerWeek: 3, FinancierCapPerWeek: 2, FinancierCapPerMonth: 6, EffectivePerWeek: 2,
			Note: "The financier's weekly cap is lower and applies across all campaigns and dealers."}, cl.Frequency)
		require.Len(t, cl.Journey.Steps, 4)

		_, err = b.svc.Checklist(ctx, b.finIE, c.ID)
		require.ErrorIs(t, err, db.ErrNotFound)
	})
}

func TestConcurrentEditIsRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		b := setup(t, d)
		ctx := context.Background()
		c, err := b.svc.Create(ctx, b.fin, b.actor(marketerEmail), settings())
		require.NoError(t, err)
		err = d.Tx(ctx, func(tx *gorm.DB) error {
			row, err := b.svc.Store.with(tx).campaign(ctx, b.fin, c.ID)
			require.NoError(t, err)
			row.Name = "stale"
			return b.svc.saveCampaign(ctx, tx, &row, row.Version-1)
		})
		require.Equal(t, 409, statusOf(t, err))
		var p *httpx.Problem
		require.True(t, errors.As(err, &p))
		v, err := b.svc.Get(ctx, b.fin, c.ID)
		require.NoError(t, err)
		require.Equal(t, "Spring renewals", v.Name)
	})
}
