package finance

import (
	"math/rand/v2"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// batchOffers are four offers of the kind a renewal campaign sends.
func batchOffers(t testing.TB) []QuoteRequest {
	return []QuoteRequest{
		{Product: PCP, CashPrice: 2800000, Deposit: 200000, MonthlyPayments: 36, OptionalFinalPayment: 1200000,
			AnnualMileage: 10000, ExcessMileageCharge: decp(t, "8"), Rate: decp(t, "6.9")},
		{Product: PCP, CashPrice: 3200000, Deposit: 0, DepositContribution: 150000, MonthlyPayments: 48, OptionalFinalPayment: 1100000,
			AnnualMileage: 8000, ExcessMileageCharge: decp(t, "10"), APR: decp(t, "4.9"),
			Fees: []Fee{{Name: "Option to purchase fee", Amount: 1000, Payable: WithFinal}}},
		{Product: HP, CashPrice: 1800000, Deposit: 180000, MonthlyPayments: 60, Rate: decp(t, "8.9")},
		{Product: PCH, MonthlyPayments: 35, InitialRentalMonths: 6, MonthlyRental: i64(31900), AnnualMileage: 10000, ExcessMileageCharge: decp(t, "9")},
	}
}

func prepareOffers(t testing.TB) []PreparedOffer {
	t.Helper()
	reqs := batchOffers(t)
	out := make([]PreparedOffer, len(reqs))
	for i, r := range reqs {
		po, err := PrepareOffer(r)
		require.NoError(t, err)
		out[i] = po
	}
	return out
}

func TestPreparedOfferMatchesQuote(t *testing.T) {
	for _, req := range batchOffers(t) {
		po, err := PrepareOffer(req)
		require.NoError(t, err)
		for _, equity := range []int64{0, 50000, 333333} {
			r := req
			want := int64(0)
			if req.Product == PCH {
				q, err := Quote(r)
				require.NoError(t, err)
				want = q.HireTerms.MonthlyRental
			} else {
				r.Deposit += equity
				if req.APR != nil {
					// An APR offer keeps the nominal rate of its quote.
					base, err := Quote(req)
					require.NoError(t, err)
					r.APR, r.Rate = nil, ptr(base.CreditTerms.NominalRate)
				}
				q, err := Quote(r)
				require.NoError(t, err)
				want = q.CreditTerms.MonthlyPayment
			}
			got := po.Payment(equity)
			if req.APR != nil {
				// The quote's rate is rounded to two places; the prepared
				// offer keeps the exact rate of the quoted payment.
				require.InDelta(t, want, got, 20, "%s equity %d", req.Product, equity)
				continue
			}
			require.Equal(t, want, got, "%s equity %d", req.Product, equity)
		}
	}
}

func TestBatchSettlementFigureMatchesSettle(t *testing.T) {
	// Requested 11 January 2025: settlement date 8 February, two days before
	// payment 13; no payment falls due in the 28 days.
	s, err := Settle(mgAgreement(t, "2025-01-11"))
	require.NoError(t, err)
	require.Zero(t, s.PaymentsDueBeforeSettlement)
	b := BatchAgreement{MonthlyPayment: 22140, RemainingPayments: 36, FinalPayment: 429659, DaysToNext: 2, APR: 12.9}
	require.Equal(t, s.SettlementFigure, BatchSettlementFigure(b))
}

func TestBestOffersChoosesLowestPayment(t *testing.T) {
	offers := prepareOffers(t)
	agreements := []BatchAgreement{
		{MonthlyPayment: 22140, RemainingPayments: 2, FinalPayment: 429659, DaysToNext: 10, APR: 12.9, Valuation: 900000},
		{MonthlyPayment: 30000, RemainingPayments: 20, DaysToNext: 3, APR: 7.9},
	}
	out := make([]BestOffer, len(agreements))
	BestOffers(agreements, offers, out)
	for i, a := range agreements {
		b := out[i]
		require.GreaterOrEqual(t, b.Offer, 0)
		equity := int64(0)
		if b.EquityKnown {
			equity = max(b.Equity, 0)
		}
		for j := range offers {
			require.LessOrEqual(t, b.MonthlyPayment, offers[j].Payment(equity))
		}
		require.Equal(t, b.MonthlyPayment-a.MonthlyPayment, b.MonthlyChange)
	}
	require.True(t, out[0].EquityKnown)
	require.Greater(t, out[0].Equity, int64(0))
	require.False(t, out[1].EquityKnown, "no valuation, no equity")
}

// generateAgreements makes n plausible agreements, reproducibly.
func generateAgreements(n int) []BatchAgreement {
	rng := rand.New(rand.NewPCG(42, 4242))
	out := make([]BatchAgreement, n)
	for i := range out {
		a := BatchAgreement{
			MonthlyPayment:    15000 + rng.Int64N(60000),
			RemainingPayments: rng.IntN(48),
			DaysToNext:        rng.IntN(31),
			APR:               float64(rng.IntN(150)) / 10,
		}
		if rng.IntN(3) > 0 {
			a.FinalPayment = 300000 + rng.Int64N(1500000)
		}
		if rng.IntN(4) > 0 {
			a.Valuation = 500000 + rng.Int64N(2500000)
		}
		out[i] = a
	}
	return out
}

// TestBatchMillion prices 1,000,000 agreements against four offers and
// checks the limits: under 20 s and under 500 MB. It takes a few
// seconds with the data generation, so it runs only when
// KEYTURN_FINANCE_BATCH=1 (docs/BENCHMARKS.md records a run).
func TestBatchMillion(t *testing.T) {
	if os.Getenv("KEYTURN_FINANCE_BATCH") != "1" {
		t.Skip("set KEYTURN_FINANCE_BATCH=1 to run the 1,000,000-agreement batch")
	}
	const n = 1_000_000
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	agreements := generateAgreements(n)
	offers := prepareOffers(t)
	out := make([]BestOffer, n)
	start := time.Now()
	BestOffers(agreements, offers, out)
	elapsed := time.Since(start)
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	heap := after.HeapAlloc - before.HeapAlloc
	t.Logf("1,000,000 agreements × 4 offers: %s (%.0f ns/agreement); heap in use %.1f MiB; process memory from the OS %.1f MiB",
		elapsed, float64(elapsed.Nanoseconds())/n, float64(heap)/(1<<20), float64(after.Sys)/(1<<20))
	require.Less(t, elapsed, 20*time.Second)
	require.Less(t, after.Sys, uint64(500<<20))
	chosen := 0
	for _, b := range out {
		if b.Offer >= 0 {
			chosen++
		}
	}
	require.Equal(t, n, chosen)
}
