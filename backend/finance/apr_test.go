package finance

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestAPRIssueExample(t *testing.T) {
	// The request in the finance issue: the MG PCP of paulrigbygroup.co.uk.
	a, err := APR(APRRequest{Currency: GBP, Advance: 1099500, Payments: []PaymentRun{
		{Month: 1, Count: intp(48), Amount: 22140}, {Month: 49, Amount: 429659},
	}})
	require.NoError(t, err)
	require.Equal(t, "12.9", a.APR.String())
	require.Equal(t, "12.899592", a.APRPrecise.String())
	require.Equal(t, int64(48*22140+429659), a.TotalAmountPayable)
	require.Equal(t, int64(48*22140+429659-1099500), a.TotalChargeForCredit)
	require.Equal(t, 49, a.DurationMonths)
	require.Equal(t, 49, a.PaymentsCount)
}

func TestAPRZeroPercent(t *testing.T) {
	a, err := APR(APRRequest{Currency: GBP, Advance: 1200000, Payments: []PaymentRun{{Month: 1, Count: intp(12), Amount: 100000}}})
	require.NoError(t, err)
	require.Equal(t, "0.0", a.APR.String())
	require.Equal(t, "0.000000", a.APRPrecise.String())
}

func TestAPRSinglePaymentIsExact(t *testing.T) {
	// £100 repaid by £112 after a year is 12% exactly.
	a, err := APR(APRRequest{Currency: GBP, Advance: 10000, Payments: []PaymentRun{{Month: 12, Amount: 11200}}})
	require.NoError(t, err)
	require.Equal(t, "12.0", a.APR.String())
	require.Equal(t, "12.000000", a.APRPrecise.String())
}

// TestAPRRoundsHalfUpOnExactBoundaries puts the exact APR on a rounding
// boundary: a float solver lands a hair either side of it, and printing the
// float would round half to even. The exact test must round half up.
func TestAPRRoundsHalfUpOnExactBoundaries(t *testing.T) {
	for _, tc := range []struct {
		repaid int64
		want   string
	}{
		{11225, "12.3"}, // 12.25% exactly
		{11235, "12.4"}, // 12.35% exactly; 12.35 is 12.3499999… as a float
		{11245, "12.5"}, // 12.45%
		{10005, "0.1"},  // 0.05%
		{11224, "12.2"}, // 12.24%
		{11226, "12.3"}, // 12.26%
	} {
		a, err := APR(APRRequest{Currency: GBP, Advance: 10000, Payments: []PaymentRun{{Month: 12, Amount: tc.repaid}}})
		require.NoError(t, err)
		require.Equal(t, tc.want, a.APR.String(), "repaid %d", tc.repaid)
	}
	// The same boundary at two decimals, through the check's stated precision.
	flows := []Flow{{Month: 12, Amount: 1001225}}
	x, err := SolveAPR(1000000, flows)
	require.NoError(t, err)
	require.Equal(t, "0.123", roundAPR(1000000, flows, x, 3).String()) // 0.1225% → 0.123
	require.Equal(t, 0, compareRoot(1000000, flows, dec(t, "0.1225")))
	require.Equal(t, 1, compareRoot(1000000, flows, dec(t, "0.1224")))
	require.Equal(t, -1, compareRoot(1000000, flows, dec(t, "0.1226")))
}

func TestAPRVeryHighRate(t *testing.T) {
	// Doubling in a month: (2^12 − 1) × 100% = 409,500%.
	a, err := APR(APRRequest{Currency: GBP, Advance: 10000, Payments: []PaymentRun{{Month: 1, Amount: 20000}}})
	require.NoError(t, err)
	require.Equal(t, "409500.0", a.APR.String())

	// A payday-style loan: £100 for a month at £24 of charges.
	a, err = APR(APRRequest{Currency: GBP, Advance: 10000, Payments: []PaymentRun{{Month: 1, Amount: 12400}}})
	require.NoError(t, err)
	want := (math.Pow(1.24, 12) - 1) * 100
	require.InDelta(t, want, a.APRPrecise.Float64(), 1e-6)
	require.Equal(t, "1221.5", a.APR.String())
}

func TestAPRIrregularSchedule(t *testing.T) {
	runs := []PaymentRun{
		{Month: 0, Amount: 5000}, // a fee on the day
		{Month: 3, Count: intp(4), Amount: 60000},
		{Month: 2, Amount: 1000}, // out of order on purpose
		{Month: 20, Amount: 250000},
	}
	a, err := APR(APRRequest{Currency: EUR, Advance: 480000, Payments: runs})
	require.NoError(t, err)
	flows := []Flow{{0, 5000}, {2, 1000}, {3, 60000}, {4, 60000}, {5, 60000}, {6, 60000}, {20, 250000}}
	requireReprices(t, 480000, flows, a.APRPrecise.Float64()/100)
	require.Equal(t, 20, a.DurationMonths)
}

func TestAPRBadSchedules(t *testing.T) {
	for _, tc := range []struct {
		name   string
		req    APRRequest
		fields []string
	}{
		{"payments below advance", APRRequest{Currency: GBP, Advance: 100000, Payments: []PaymentRun{{Month: 1, Count: intp(10), Amount: 9000}}}, []string{"payments"}},
		{"all repaid on day 0", APRRequest{Currency: GBP, Advance: 100000, Payments: []PaymentRun{{Month: 0, Amount: 100000}, {Month: 1, Amount: 5}}}, []string{"payments"}},
		{"no payments", APRRequest{Currency: GBP, Advance: 100000}, []string{"payments"}},
		{"zero count", APRRequest{Currency: GBP, Advance: 100000, Payments: []PaymentRun{{Month: 1, Count: intp(0), Amount: 1}}}, []string{"payments[0].count"}},
		{"1,000 payments", APRRequest{Currency: GBP, Advance: 100000, Payments: []PaymentRun{{Month: 1, Count: intp(1000), Amount: 1}}}, []string{"payments[0].count"}},
		{"month too late", APRRequest{Currency: GBP, Advance: 100000, Payments: []PaymentRun{{Month: 601, Amount: 200000}}}, []string{"payments[0].month"}},
		{"negative amount", APRRequest{Currency: GBP, Advance: 100000, Payments: []PaymentRun{{Month: 1, Amount: -1}}}, []string{"payments[0].amount"}},
		{"negative advance", APRRequest{Currency: GBP, Advance: -5, Payments: []PaymentRun{{Month: 1, Amount: 1}}}, []string{"advance"}},
		{"absurd advance", APRRequest{Currency: GBP, Advance: MaxMoney + 1, Payments: []PaymentRun{{Month: 1, Amount: 1}}}, []string{"advance"}},
		{"no currency", APRRequest{Advance: 100, Payments: []PaymentRun{{Month: 1, Amount: 101}}}, []string{"currency"}},
		{"unknown currency", APRRequest{Currency: "USD", Advance: 100, Payments: []PaymentRun{{Month: 1, Amount: 101}}}, []string{"currency"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := APR(tc.req)
			requireFields(t, err, tc.fields...)
		})
	}
	_, err := APR(APRRequest{Currency: GBP, Advance: 100000, Payments: []PaymentRun{{Month: 1, Amount: 99999}}})
	require.Equal(t, CodeBelowAdvance, err.(ValidationErrors)[0].Code)
}

// requireReprices discounts flows at x and requires the advance back to
// within a minor unit.
func requireReprices(t *testing.T, advance int64, flows []Flow, x float64) {
	t.Helper()
	var pv float64
	for _, f := range flows {
		pv += float64(f.Amount) * math.Pow(1+x, -float64(f.Month)/12)
	}
	require.InDelta(t, float64(advance), pv, 1, "present value at the solved APR")
}

// TestAPRPropertyReprices: for random schedules, the solved APR discounts
// the payments back to the advance within a penny, and the one-decimal APR
// is the half-up rounding of the exact root.
func TestAPRPropertyReprices(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 2000; i++ {
		advance := 1000 + rng.Int64N(10_000_000)
		n := 1 + rng.IntN(84)
		flows := make([]Flow, 0, n+1)
		var total int64
		for k := 1; k <= n; k++ {
			amt := advance/int64(n) + rng.Int64N(advance/int64(n)/2+1)
			flows = append(flows, Flow{Month: k, Amount: amt})
			total += amt
		}
		if rng.IntN(2) == 0 {
			flows = append(flows, Flow{Month: n + 1, Amount: rng.Int64N(advance)})
		}
		if total < advance {
			continue
		}
		x, err := SolveAPR(advance, flows)
		require.NoError(t, err)
		requireReprices(t, advance, flows, x)
		got := roundAPR(advance, flows, x, 1)
		lo := halfBoundary(got.Units()-1, 1)
		hi := halfBoundary(got.Units(), 1)
		require.GreaterOrEqual(t, compareRoot(advance, flows, lo), 0, "root ≥ lower boundary of %s", got)
		require.Less(t, compareRoot(advance, flows, hi), 0, "root < upper boundary of %s", got)
	}
}

// TestAPRRisesWithPayment: a larger monthly payment on the same credit is a
// higher APR.
func TestAPRRisesWithPayment(t *testing.T) {
	prev := -1.0
	for m := int64(20000); m <= 40000; m += 137 {
		flows := make([]Flow, 0, 49)
		for k := 1; k <= 48; k++ {
			flows = append(flows, Flow{Month: k, Amount: m})
		}
		flows = append(flows, Flow{Month: 49, Amount: 429659})
		x, err := SolveAPR(1099500, flows)
		require.NoError(t, err)
		require.Greater(t, x, prev, "payment %d", m)
		prev = x
	}
}

func TestSolveAPRAllocatesNothing(t *testing.T) {
	flows := sixtyPayments()
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := SolveAPR(1792500, flows); err != nil {
			t.Fatal(err)
		}
	})
	require.Zero(t, allocs)
}

// sixtyPayments is the Irish Ford Puma hire purchase: 60 payments with the
// documentation and option to purchase fees.
func sixtyPayments() []Flow {
	flows := make([]Flow, 60)
	for k := range flows {
		flows[k] = Flow{Month: k + 1, Amount: 35409}
	}
	flows[0].Amount += 7500
	flows[59].Amount += 7500
	return flows
}

func TestSolveAPRNewtonMatchesBisection(t *testing.T) {
	flows := sixtyPayments()
	x, err := SolveAPR(1792500, flows)
	require.NoError(t, err)
	v := bisectV(flows, 1792500)
	require.InDelta(t, math.Pow(v, -12)-1, x, 1e-12)
}
