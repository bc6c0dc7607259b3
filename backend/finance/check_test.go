package finance

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCheckOwnQuotesReconcile(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	for i := 0; i < 300; i++ {
		q, err := Quote(randomCreditQuote(t, rng))
		require.NoError(t, err)
		requireOwnQuoteReconciles(t, q)
	}
}

func TestCheckAPRHasNoTolerance(t *testing.T) {
	q, err := Quote(issueQuote(t))
	require.NoError(t, err)
	req := checkFromQuote(q)

	// One tenth off is wrong.
	req.APR = decp(t, "7.0")
	got, err := Check(req)
	require.NoError(t, err)
	require.False(t, got.Reconciles)
	require.Equal(t, []string{"apr"}, problemFields(got))
	require.Equal(t, "6.9", got.Problems[0].Computed.String())

	// More decimals stated means the APR must be right to those decimals.
	precise := q.CreditTerms.APRPrecise
	req.APR = ptr(precise.Round(2))
	got, err = Check(req)
	require.NoError(t, err)
	require.True(t, got.Reconciles, "%+v", got.Problems)
	wrong := NewDecimal(precise.Round(2).Units()+1, 2)
	req.APR = &wrong
	got, err = Check(req)
	require.NoError(t, err)
	require.Equal(t, []string{"apr"}, problemFields(got))

	// Money is to the penny.
	req = checkFromQuote(q)
	req.TotalAmountPayable = i64(*req.TotalAmountPayable + 1)
	got, err = Check(req)
	require.NoError(t, err)
	require.Equal(t, []string{"total_amount_payable"}, problemFields(got))
}

func TestCheckFindsFeePlacement(t *testing.T) {
	q, err := Quote(QuoteRequest{Product: HP, CashPrice: 1500000, Deposit: 150000, MonthlyPayments: 48, Rate: decp(t, "8.9"),
		Fees: []Fee{{Name: "Acceptance fee", Amount: 19900, Payable: Upfront}, {Name: "Option to purchase fee", Amount: 1000, Payable: WithFinal}}})
	require.NoError(t, err)
	req := checkFromQuote(q)
	for i := range req.Fees {
		req.Fees[i].Payable = "" // as printed: the example does not say when
	}
	got, err := Check(req)
	require.NoError(t, err)
	require.True(t, got.Reconciles, "%+v", got.Problems)
	require.Equal(t, Upfront, got.Convention.Fees[0].Payable)
	require.Equal(t, WithFinal, got.Convention.Fees[1].Payable)
	require.False(t, got.Convention.Fees[0].Stated)
}

func TestCheckIreland(t *testing.T) {
	// A 26.3% APR Irish HP, however correctly stated, breaks the s.28B cap.
	got, err := Check(CheckRequest{Product: HP, Market: IE, CashPrice: i64(1000000), Deposit: i64(0), AmountOfCredit: i64(1000000),
		MonthlyPayments: intp(36), MonthlyPayment: i64(39000), TotalAmountPayable: i64(1404000), APR: decp(t, "26.3")})
	require.NoError(t, err)
	require.False(t, got.Reconciles)
	require.Len(t, got.Problems, 1)
	require.Equal(t, "apr", got.Problems[0].Field)
	require.Equal(t, ruleIECap, got.Problems[0].Rule)

	// A rate beside the APR breaks s.21, however right the rate.
	q, err := Quote(QuoteRequest{Product: HP, Market: IE, CashPrice: 1000000, MonthlyPayments: 36, Rate: decp(t, "6.9")})
	require.NoError(t, err)
	req := checkFromQuote(q)
	require.Nil(t, req.Rate)
	got, err = Check(req)
	require.NoError(t, err)
	require.True(t, got.Reconciles)
	req.Rate = decp(t, "6.9")
	got, err = Check(req)
	require.NoError(t, err)
	require.Equal(t, []string{"rate"}, problemFields(got))
	require.Equal(t, ruleIEOnlyRate, got.Problems[0].Rule)
}

func TestCheckMissingFigures(t *testing.T) {
	got, err := Check(CheckRequest{Product: PCP, MonthlyPayments: intp(36), MonthlyPayment: i64(29900)})
	require.NoError(t, err)
	require.False(t, got.Reconciles)
	require.ElementsMatch(t, []string{"rate", "amount_of_credit", "apr", "cash_price", "deposit", "total_amount_payable", "optional_final_payment"},
		problemFields(got))
	for _, p := range got.Problems {
		require.Nil(t, p.Stated)
	}
}

func TestCheckRateConventions(t *testing.T) {
	q, err := Quote(QuoteRequest{Product: HP, CashPrice: 1000000, MonthlyPayments: 36, Rate: decp(t, "10"), RateBasis: Flat})
	require.NoError(t, err)
	req := checkFromQuote(q)
	require.Equal(t, "5.39", req.Rate.String(), "the flat rate as printed")
	got, err := Check(req)
	require.NoError(t, err)
	require.True(t, got.Reconciles, "%+v", got.Problems)
	require.Contains(t, got.Convention.RateBasis, "flat")

	req.Rate = decp(t, "10")
	got, err = Check(req)
	require.NoError(t, err)
	require.True(t, got.Reconciles)
	require.Contains(t, got.Convention.RateBasis, "annuity at the stated rate")

	req.Rate = decp(t, "9.9")
	got, err = Check(req)
	require.NoError(t, err)
	require.Equal(t, []string{"rate"}, problemFields(got))
}

func TestCheckHire(t *testing.T) {
	got, err := Check(CheckRequest{Product: PCH, InitialRentalMonths: intp(6), InitialRental: i64(120000), MonthlyRental: i64(20000),
		MonthlyPayments: intp(35), TotalAmountPayable: i64(820000)})
	require.NoError(t, err)
	require.True(t, got.Reconciles, "%+v", got.Problems)
	require.Equal(t, 36, *got.Computed.DurationMonths)

	got, err = Check(CheckRequest{Product: PCH, InitialRentalMonths: intp(6), InitialRental: i64(120000), MonthlyRental: i64(20000),
		MonthlyPayments: intp(35), TotalAmountPayable: i64(820000), APR: decp(t, "5.9")})
	require.NoError(t, err)
	require.Equal(t, []string{"apr"}, problemFields(got))
	require.Equal(t, ruleHireNotCredit, got.Problems[0].Rule)
}

func TestCheckBadInput(t *testing.T) {
	for _, tc := range []struct {
		name   string
		req    CheckRequest
		fields []string
	}{
		{"no product", CheckRequest{}, []string{"product"}},
		{"unknown product", CheckRequest{Product: "loan"}, []string{"product"}},
		{"negative cash price", CheckRequest{Product: HP, CashPrice: i64(-1)}, []string{"cash_price"}},
		{"1,000 payments", CheckRequest{Product: HP, MonthlyPayments: intp(1000)}, []string{"monthly_payments"}},
		{"hp balloon", CheckRequest{Product: HP, OptionalFinalPayment: i64(100)}, []string{"optional_final_payment"}},
		{"bad fee timing", CheckRequest{Product: HP, Fees: []Fee{{Name: "Fee", Amount: 100, Payable: "soon"}}}, []string{"fees[0].payable"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Check(tc.req)
			requireFields(t, err, tc.fields...)
		})
	}
}
