package campaigns

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/keyturn/keyturn/backend/platform/db"
	"github.com/keyturn/keyturn/backend/platform/db/dbtest"
	"github.com/keyturn/keyturn/backend/platform/tenant"
)

func TestCustomerOffers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		b := setup(t, d)
		ctx := context.Background()
		f := b.fixture(b.fin)
		pos := f.customer("POS")
		posAgr := f.agreement(pos, valuation(16_000_00))
		neg := f.customer("NEG")
		f.agreement(neg, valuation(6_000_00))
		unk := f.customer("UNK")
		f.agreement(unk)
		hire := f.customer("HIRE")
		f.agreement(hire, product("pch"), func(a *testAgreement, _ *testVehicle) {
			a.AmountOfCredit, a.APR, a.OptionalFinalPayment = nil, nil, nil
		})
		outsider := f.customer("OUT", noConsent())
		f.agreement(outsider, valuation(16_000_00))

		c := b.readyCampaign(marketerEmail)
		b.live(c.ID)
		_, err := b.svc.Sync(ctx, c.ID)
		require.NoError(t, err)
		view, err := b.svc.Get(ctx, b.fin, c.ID)
		require.NoError(t, err)
		repMonthly := map[int64]int64{}
		for _, o := range view.Offers {
			repMonthly[o.ID] = o.Quote.CreditTerms.MonthlyPayment
		}

		offersOf := func(id int64) CustomerOffers {
			t.Helper()
			out, err := b.svc.CustomerOffers(ctx, tenant.Scope{FinancierID: b.fin.FinancierID, CustomerID: id})
			require.NoError(t, err)
			return out
		}

		p := offersOf(pos.ID)
		require.Equal(t, "GBP", p.Currency)
		require.Equal(t, "2026-11-23", p.AsOf)
		require.Len(t, p.Offers, 2)
		require.LessOrEqual(t, p.Offers[0].MonthlyPayment, p.Offers[1].MonthlyPayment, "best offer first")
		for _, o := range p.Offers {
			require.True(t, o.EquityKnown)
			require.Positive(t, *o.Equity)
			require.Positive(t, o.EquityUsedAsDeposit)
			require.Zero(t, o.NegativeEquityToSettle)
			require.Less(t, o.MonthlyPayment, repMonthly[o.OfferID], "positive equity lowers the payment")
			require.Equal(t, o.MonthlyPayment-299_00, o.MonthlyChange)
			require.Equal(t, int64(299_00), o.CurrentMonthlyPayment)
			require.Equal(t, posAgr.ID, o.AgreementID)
			require.Contains(t, o.RepresentativeExample.Text, "Representative example", "the offer's own example is always given")
			require.NotEqual(t, o.RepresentativeExample.Text, o.YourIllustration.Text)
			require.NotNil(t, o.APR)
		}
		require.Equal(t, int64(500_00), p.Offers[0].DepositContribution+p.Offers[1].DepositContribution)

		n := offersOf(neg.ID)
		require.Len(t, n.Offers, 2)
		for _, o := range n.Offers {
			require.True(t, o.EquityKnown)
			require.Negative(t, *o.Equity)
			require.Equal(t, -*o.Equity, o.NegativeEquityToSettle, "negative equity is shown as what needs settling")
			require.Zero(t, o.EquityUsedAsDeposit)
			require.Equal(t, repMonthly[o.OfferID], o.MonthlyPayment, "never rolled into the new price")
		}
		u := offersOf(unk.ID)
		for _, o := range u.Offers {
			require.False(t, o.EquityKnown)
			require.Nil(t, o.Equity)
			require.Equal(t, repMonthly[o.OfferID], o.MonthlyPayment)
		}
		h := offersOf(hire.ID)
		require.Len(t, h.Offers, 2)
		for _, o := range h.Offers {
			require.False(t, o.EquityKnown)
			require.Equal(t, repMonthly[o.OfferID], o.MonthlyPayment)
			require.Positive(t, o.TotalCostOverTerm)
		}
		require.Empty(t, offersOf(outsider.ID).Offers, "not enrolled, no offers")

		// The answer is cached: a change the cache is not told of (no
		// updated_at, no version bump) is not seen...
		require.NoError(t, d.Gorm.Table("vehicles").Where("id = ?", posAgr.VehicleID).UpdateColumn("valuation", 30_000_00).Error)
		require.Equal(t, p, offersOf(pos.ID))
		// ...until the agreement's version moves.
		require.NoError(t, b.svc.AgreementsChanged(ctx, posAgr.ID))
		p2 := offersOf(pos.ID)
		require.Greater(t, *p2.Offers[0].Equity, *p.Offers[0].Equity)
		require.Less(t, p2.Offers[0].MonthlyPayment, p.Offers[0].MonthlyPayment)

		// A campaign change invalidates too; a paused campaign shows nothing.
		require.NoError(t, d.Gorm.Table("vehicles").Where("id = ?", posAgr.VehicleID).UpdateColumn("valuation", 16_000_00).Error)
		_, err = b.svc.Pause(ctx, b.fin, b.actor(marketerEmail), c.ID)
		require.NoError(t, err)
		require.Empty(t, offersOf(pos.ID).Offers)
		_, err = b.svc.Launch(ctx, b.fin, b.actor(marketerEmail), c.ID)
		require.NoError(t, err)
		require.Equal(t, p, offersOf(pos.ID))

		// A customer who withdraws consent (or falls into arrears) sees no
		// offers, even before the next enrolment run lets them go.
		require.NoError(t, d.Gorm.Table("consents").Where("customer_id = ?", neg.ID).Update("withdrawn_at", testNow).Error)
		require.Empty(t, offersOf(neg.ID).Offers)
		require.NoError(t, d.Gorm.Table("agreements").Where("customer_id = ?", unk.ID).Update("in_arrears", true).Error)
		require.Empty(t, offersOf(unk.ID).Offers)

		// Offers not valid today are not shown.
		b.clock.Set(testNow.AddDate(0, 7, 10)) // 2027-07-03: both offers expired
		require.Empty(t, offersOf(pos.ID).Offers)

		// Another financier's scope finds no such customer.
		_, err = b.svc.CustomerOffers(ctx, tenant.Scope{FinancierID: b.finIE.FinancierID, CustomerID: pos.ID})
		require.ErrorIs(t, err, db.ErrNotFound)
	})
}
