package agreements

import (
	"context"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/keyturn/keyturn/backend/finance"
	"github.com/keyturn/keyturn/backend/platform/db"
	"github.com/keyturn/keyturn/backend/platform/db/dbtest"
)

var ukRules = equityRules{market: finance.UK, currency: finance.GBP}

func p64(v int64) *int64    { return &v }
func pf(v float64) *float64 { return &v }
func settleOf(t *testing.T, in equityInput, asOf string) finance.SettleAnswer {
	t.Helper()
	regular := in.TermMonths
	runs := []finance.PaymentRun{}
	if in.Product == ProductPCP {
		regular--
	}
	runs = append(runs, finance.PaymentRun{Month: 1, Count: &regular, Amount: in.MonthlyPayment})
	if in.Product == ProductPCP {
		runs = append(runs, finance.PaymentRun{Month: in.TermMonths, Amount: *in.OptionalFinal})
	}
	apr, err := finance.ParseDecimal(strconv.FormatFloat(*in.APR, 'f', -1, 64))
	require.NoError(t, err)
	ans, err := finance.Settle(finance.SettleRequest{Market: finance.UK, Currency: finance.GBP, StartDate: in.StartDate,
		AmountOfCredit: *in.AmountOfCredit, APR: &apr, Payments: runs, SettlementDate: asOf, Valuation: in.Valuation})
	require.NoError(t, err)
	return ans
}

// TestEquityMatchesSettle: the stored settlement figure and equity are
// finance.Settle's, for the payments the file's terms describe (PCP:
// term−1 monthly payments and the optional final payment in month term;
// HP: term monthly payments), on random agreements.
func TestEquityMatchesSettle(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(5, 6))
	asOf := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	bases := map[string]int{}
	for range 2000 {
		term := []int{24, 36, 48, 60}[r.IntN(4)]
		product := []string{ProductPCP, ProductHP}[r.IntN(2)]
		start := asOf.AddDate(0, -r.IntN(term+3), -r.IntN(31))
		in := equityInput{Product: product, Status: StatusActive, StartDate: start.Format(time.DateOnly), TermMonths: term,
			MonthlyPayment: 15000 + r.Int64N(60000), AmountOfCredit: p64(1_000_000 + r.Int64N(3_000_000)),
			APR: pf(float64(r.IntN(200)) / 10), Valuation: p64(500_000 + r.Int64N(2_500_000))}
		if product == ProductPCP {
			in.OptionalFinal = p64(500_000 + r.Int64N(1_000_000))
		}
		got := computeEquity(in, asOf.Format(time.DateOnly), ukRules)
		want := settleOf(t, in, asOf.Format(time.DateOnly))
		require.Equal(t, want.SettlementFigure, *got.SettlementFigure, "start %s", in.StartDate)
		require.Equal(t, *want.Equity, *got.Equity, "start %s: %s", in.StartDate, got.Basis)
		bases[got.Basis]++
	}
	require.Positive(t, bases[EquityEngineSettlement])
	require.Positive(t, bases[EquityEngineFinalPayment])
	require.Positive(t, bases[EquityEnginePaid])
}

func TestEquityBases(t *testing.T) {
	t.Parallel()
	base := equityInput{Product: ProductPCP, Status: StatusActive, StartDate: "2024-01-10", TermMonths: 49, MonthlyPayment: 22140,
		AmountOfCredit: p64(1_099_500), APR: pf(12.9), OptionalFinal: p64(429_659), Valuation: p64(900_000)}
	asOf := "2026-11-23"
	cases := []struct {
		name   string
		change func(*equityInput)
		basis  string
		equity *int64
		sf     *int64
	}{
		{name: "engine", change: func(*equityInput) {}, basis: EquityEngineSettlement},
		{name: "file", change: func(in *equityInput) { in.FileSettlementFigure = p64(500_000) }, basis: EquityFileSettlement,
			equity: p64(400_000), sf: p64(500_000)},
		{name: "no valuation", change: func(in *equityInput) { in.Valuation = nil }, basis: EquityUnknownNoValuation},
		{name: "no valuation, file figure", change: func(in *equityInput) { in.Valuation, in.FileSettlementFigure = nil, p64(1) },
			basis: EquityUnknownNoValuationFile, sf: p64(1)},
		{name: "hire", change: func(in *equityInput) { in.Product = ProductPCH }, basis: EquityUnknownHire},
		{name: "settled", change: func(in *equityInput) { in.Status = StatusSettled }, basis: EquityUnknownNotActive},
		{name: "not started", change: func(in *equityInput) { in.StartDate = "2027-01-01" }, basis: EquityUnknownNotStarted},
		{name: "no APR", change: func(in *equityInput) { in.APR = nil }, basis: EquityUnknownTerms},
		{name: "at the end", change: func(in *equityInput) { in.StartDate = "2022-11-10" }, basis: EquityEngineFinalPayment,
			equity: p64(900_000 - 429_659)},
		{name: "paid", change: func(in *equityInput) { in.StartDate = "2020-01-10" }, basis: EquityEnginePaid, equity: p64(900_000)},
		{name: "before 2011", change: func(in *equityInput) { in.StartDate, in.TermMonths = "2010-12-01", 240 }, basis: EquityEngineSettlement},
	}
	for _, c := range cases {
		in := base
		c.change(&in)
		got := computeEquity(in, asOf, ukRules)
		require.Equal(t, c.basis, got.Basis, c.name)
		require.LessOrEqual(t, len(got.Basis), 40, "fits the column")
		if c.equity != nil {
			require.Equal(t, *c.equity, *got.Equity, c.name)
		}
		if c.sf != nil {
			require.Equal(t, *c.sf, *got.SettlementFigure, c.name)
		}
		if c.basis[:8] == "unknown_" {
			require.Nil(t, got.Equity, "%s: unknown equity is never guessed", c.name)
		}
	}
	require.True(t, settlementFromFile(EquityFileSettlement))
	require.False(t, settlementFromFile(EquityEngineSettlement))
}

// TestEquityRefresh recomputes stored equity: after a valuation changes,
// and for agreements loaded without it.
func TestEquityRefresh(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.mustLoad(f.uk, readSample(t))
		a := f.agreement(f.uk, "SMP-00002")
		require.NoError(t, d.Gorm.Model(&Vehicle{}).Where("id = ?", a.VehicleID).Update("valuation", 30_000_00).Error)
		require.NoError(t, d.Gorm.Model(&Agreement{}).Where("id = ?", f.agreement(f.uk, "SMP-00031").ID).
			Updates(map[string]any{"equity": nil, "equity_basis": "", "settlement_figure": nil}).Error)
		later := testNow.Add(24 * time.Hour)
		eq := &Equity{DB: d, Financiers: f.imports.Financiers, Now: func() time.Time { return later }}
		n, err := eq.Refresh(context.Background(), f.scope(f.uk))
		require.NoError(t, err)
		require.Equal(t, 11, n)
		b := f.agreement(f.uk, "SMP-00002")
		require.Equal(t, int64(30_000_00)-*b.SettlementFigure, *b.Equity)
		require.True(t, b.EquityComputedAt.Equal(later))
		c := f.agreement(f.uk, "SMP-00031")
		require.Equal(t, EquityEngineSettlement, c.EquityBasis, "worked out for an agreement stored without equity")
		require.Equal(t, *c.Vehicle.Valuation-*c.SettlementFigure, *c.Equity)
		w := f.agreement(f.uk, "SMP-00020")
		require.Equal(t, EquityFileSettlement, w.EquityBasis, "the file's figure stands until the next file")
		require.Equal(t, int64(15803_90), *w.SettlementFigure)
		require.Equal(t, int64(18600_00-15803_90), *w.Equity)

		n, err = eq.Refresh(context.Background(), f.scope(f.uk), a.ID)
		require.NoError(t, err)
		require.Equal(t, 1, n)
		n, err = eq.Refresh(context.Background(), f.scope(f.ie), a.ID)
		require.NoError(t, err)
		require.Zero(t, n, "another financier's agreement is not touched")
		ids, err := eq.financierIDs(context.Background())
		require.NoError(t, err)
		require.Equal(t, []int64{f.uk}, ids)
	})
}
