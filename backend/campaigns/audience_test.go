package campaigns

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/keyturn/keyturn/backend/platform/db"
	"github.com/keyturn/keyturn/backend/platform/db/dbtest"
	"github.com/keyturn/keyturn/backend/privacy"
)

func intp(v int) *int       { return &v }
func int64p(v int64) *int64 { return &v }

func refs(sample []SampleCustomer) []string {
	out := make([]string, len(sample))
	for i, s := range sample {
		out[i] = s.CustomerRef
	}
	slices.Sort(out)
	return out
}

func TestAudienceExclusions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		b := setup(t, d)
		ctx := context.Background()
		f := b.fixture(b.fin)

		in := f.customer("IN")
		f.agreement(in)
		soft := f.customer("SOFT", consent(privacy.ChannelEmail, privacy.BasisSoftOptIn, false))
		f.agreement(soft)
		two := f.customer("TWO")
		f.agreement(two, endsOn("2027-05-01"))
		first := f.agreement(two, endsOn("2027-02-10"))
		f.agreement(f.customer("SETTLED"), status("settled"))
		f.agreement(f.customer("ARR"), arrears())
		arr2 := f.customer("ARR2")
		f.agreement(arr2)
		f.agreement(arr2, arrears(), makeOf("Other")) // arrears on another car still excludes the customer (RULES D3)
		f.agreement(f.customer("FORB"), forbearance())
		f.agreement(f.customer("VUL", vulnerable()))
		f.agreement(f.customer("ERA", erased()))
		f.agreement(f.customer("NONE", noConsent()))
		f.agreement(f.customer("WD", consent(privacy.ChannelPush, privacy.BasisConsent, true)))
		f.agreement(f.customer("SMS", consent(privacy.ChannelSMS, privacy.BasisConsent, false)))

		aud := zephyrAudience()
		p, err := b.svc.PreviewAudience(ctx, b.fin, 0, &aud, true)
		require.NoError(t, err)
		require.Equal(t, int64(3), p.Count)
		require.Equal(t, []string{"IN", "SOFT", "TWO"}, refs(p.Sample))
		for _, s := range p.Sample {
			if s.CustomerRef == "TWO" {
				require.Equal(t, first.ID, s.AgreementID, "a customer shows through the matching agreement that ends first")
				require.Equal(t, 2, s.MonthsLeft)
			}
		}
		require.Equal(t, int64(12), *p.MatchedByRules)
		removed := map[string]int64{}
		for _, e := range p.Exclusions {
			removed[e.Name] = e.Removed
			require.Equal(t, e.Name != ExclOtherLive || !aud.IncludeOtherLiveCampaigns, e.Applied)
		}
		require.Equal(t, map[string]int64{ExclNotActive: 1, ExclInArrears: 2, ExclForbearance: 1, ExclVulnerable: 1,
			ExclErased: 1, ExclNoMarketingBasis: 3, ExclOtherLive: 0}, removed)

		// Another financier sees none of these customers.
		pie, err := b.svc.PreviewAudience(ctx, b.finIE, 0, &aud, true)
		require.NoError(t, err)
		require.Zero(t, pie.Count)
	})
}

func TestAudienceRules(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		b := setup(t, d)
		ctx := context.Background()
		f := b.fixture(b.fin)
		dlr001 := b.dealers["DLR001"]
		// Today is 2026-11-23 in London: "3 months" starts on 2027-02-23.
		f.agreement(f.customer("M2"), endsOn("2027-02-22"))
		f.agreement(f.customer("M3"), endsOn("2027-02-23"), product("hp"), equity(150_000))
		f.agreement(f.customer("M5"), endsOn("2027-05-22"), model("City"), equity(-50_000), dealer(dlr001.ID))
		f.agreement(f.customer("M6"), endsOn("2027-05-23"))
		f.agreement(f.customer("NZ", withTZ("Pacific/Auckland")), endsOn("2027-02-23")) // already 24 November there
		f.agreement(f.customer("YOUNG"), endsOn("2027-03-01"), startsOn("2026-06-01"), dealer(dlr001.ID))

		count := func(a Audience) []string {
			t.Helper()
			if len(a.Vehicles) == 0 {
				a.Vehicles = zephyrAudience().Vehicles
			}
			p, err := b.svc.PreviewAudience(ctx, b.fin, 0, &a, true)
			require.NoError(t, err)
			require.Equal(t, int64(len(p.Sample)), p.Count)
			return refs(p.Sample)
		}
		require.Equal(t, []string{"M3", "M5", "YOUNG"}, count(Audience{MonthsToEnd: &IntRange{Min: intp(3), Max: intp(5)}}))
		require.Equal(t, []string{"M2", "NZ"}, count(Audience{MonthsToEnd: &IntRange{Max: intp(2)}}))
		require.Equal(t, []string{"M6"}, count(Audience{MonthsToEnd: &IntRange{Min: intp(6)}}))
		require.Equal(t, []string{"M3"}, count(Audience{Products: []string{"HP"}}))
		require.Equal(t, []string{"M5"}, count(Audience{Vehicles: []VehicleRule{{Make: "zephyr", Model: "city"}}}))
		// Unknown equity never falls in a band, however wide.
		require.Equal(t, []string{"M3", "M5"}, count(Audience{Equity: &MoneyRange{Min: int64p(-1_000_000), Max: int64p(1_000_000)}}))
		require.Equal(t, []string{"M3"}, count(Audience{Equity: &MoneyRange{Min: int64p(0)}}))
		require.Equal(t, []string{"M5", "YOUNG"}, count(Audience{DealerCodes: []string{"dlr001"}}))
		require.Equal(t, []string{"M5", "YOUNG"}, count(Audience{Regions: []string{dlr001.Region}}))
		require.Equal(t, []string{"YOUNG"}, count(Audience{AgreementAgeMonths: &IntRange{Max: intp(11)}}))
		require.Equal(t, []string{"M2", "M3", "M5", "M6", "NZ"}, count(Audience{AgreementAgeMonths: &IntRange{Min: intp(12)}}))

		// A dealer outside the network, or a region without one, is refused.
		bad := Audience{DealerCodes: []string{"NOPE1"}, Regions: []string{"Atlantis"}}
		_, err := b.svc.PreviewAudience(ctx, b.fin, 0, &bad, true)
		require.ElementsMatch(t, []string{"audience.dealer_codes", "audience.regions"}, fieldsOf(t, err))
		bad = Audience{MonthsToEnd: &IntRange{Min: intp(6), Max: intp(3)}, Products: []string{"lease"}, Equity: &MoneyRange{}}
		_, err = b.svc.PreviewAudience(ctx, b.fin, 0, &bad, true)
		require.ElementsMatch(t, []string{"audience.months_to_end", "audience.products", "audience.equity"}, fieldsOf(t, err))
	})
}

func TestAudienceExplain(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		b := setup(t, d)
		ctx := context.Background()
		f := b.fixture(b.fin)
		in := f.customer("IN")
		ag := f.agreement(in)
		out := f.customer("OUT", noConsent())
		f.agreement(out, endsOn("2028-06-01"))
		f.agreement(out, arrears(), makeOf("Other"))

		in2 := settings()
		in2.Audience.MonthsToEnd = &IntRange{Min: intp(1), Max: intp(6)}
		c, err := b.svc.Create(ctx, b.fin, b.actor(marketerEmail), in2)
		require.NoError(t, err)

		ex, err := b.svc.Explain(ctx, b.fin, c.ID, in.ID, "")
		require.NoError(t, err)
		require.True(t, ex.In)
		require.Equal(t, ag.ID, *ex.AgreementID)
		require.Empty(t, ex.Reasons)

		ex, err = b.svc.Explain(ctx, b.fin, c.ID, 0, "OUT")
		require.NoError(t, err)
		require.False(t, ex.In)
		require.Len(t, ex.Agreements, 2)
		failed := map[string]bool{}
		for _, ac := range ex.Agreements {
			require.False(t, ac.Matches)
			for _, r := range ac.Rules {
				if !r.Passed {
					failed[ac.AgreementNumber+" "+r.Rule] = true
				}
			}
			for _, e := range ac.Exclusions {
				if e.Applies {
					failed[ac.AgreementNumber+" "+e.Name] = true
				}
			}
		}
		a1, a2 := ex.Agreements[0].AgreementNumber, ex.Agreements[1].AgreementNumber // soonest ending first
		require.Equal(t, map[string]bool{
			a1 + " vehicles": true, a1 + " in_arrears": true, a1 + " no_marketing_basis": true,
			a2 + " months_to_end": true, a2 + " in_arrears": true, a2 + " no_marketing_basis": true,
		}, failed)
		require.Len(t, ex.Reasons, 2)
		require.Contains(t, ex.Reasons[1], "rule months_to_end does not match")

		// A customer of another financier is not found.
		_, err = b.svc.Explain(ctx, b.finIE, c.ID, in.ID, "")
		require.ErrorIs(t, err, db.ErrNotFound)
		var ieCustomer int64
		require.NoError(t, d.Gorm.Table("customers").Where("financier_id = ?", b.finIE.FinancierID).Limit(1).Pluck("id", &ieCustomer).Error)
		_, err = b.svc.Explain(ctx, b.fin, c.ID, ieCustomer, "")
		require.ErrorIs(t, err, db.ErrNotFound)
	})
}

func TestMonthsLeftAndAddMonths(t *testing.T) {
	d := func(s string) time.Time {
		t.Helper()
		v, err := time.Parse(time.DateOnly, s)
		require.NoError(t, err)
		return v
	}
	require.Equal(t, "2027-02-28", addMonths(d("2027-01-31"), 1).Format(time.DateOnly))
	require.Equal(t, "2028-02-29", addMonths(d("2027-11-30"), 3).Format(time.DateOnly))
	require.Equal(t, "2026-10-31", addMonths(d("2027-01-31"), -3).Format(time.DateOnly))
	cases := []struct {
		today, end string
		want       int
	}{
		{"2026-11-23", "2027-02-22", 2},
		{"2026-11-23", "2027-02-23", 3},
		{"2027-01-31", "2027-02-28", 1},
		{"2027-01-31", "2027-02-27", 0},
		{"2026-11-23", "2026-11-23", 0},
		{"2026-11-23", "2026-11-22", -1},
	}
	for _, c := range cases {
		require.Equal(t, c.want, monthsLeft(d(c.today), c.end), "%s → %s", c.today, c.end)
	}
	require.Equal(t, "2026-11-24", dateIn(testNow, "Pacific/Auckland", "").Format(time.DateOnly))
	require.Equal(t, "2026-11-23", dateIn(testNow, "Not/AZone", "Europe/London").Format(time.DateOnly))
}
