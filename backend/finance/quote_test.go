package finance

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// issueQuote is the quote request in the finance issue.
func issueQuote(t testing.TB) QuoteRequest {
	t.Helper()
	return QuoteRequest{Product: PCP, Market: UK, Currency: GBP, CashPrice: 2500000, Deposit: 300000, DepositContribution: 50000,
		MonthlyPayments: 36, OptionalFinalPayment: 1101000, AnnualMileage: 10000, ExcessMileageCharge: decp(t, "8"),
		Fees: []Fee{{Name: "Option to purchase fee", Amount: 1000, Payable: WithFinal}}, APR: decp(t, "6.9")}
}

func TestQuoteIssueExample(t *testing.T) {
	q, err := Quote(issueQuote(t))
	require.NoError(t, err)
	c := q.CreditTerms
	require.Equal(t, int64(2150000), c.AmountOfCredit)
	require.Equal(t, "6.9", c.APR.String())
	require.Equal(t, 37, q.DurationMonths)
	require.Nil(t, c.FirstPayment, "no fee with the first payment")
	require.Nil(t, c.FinalPayment, "the fee goes with the optional final payment")
	require.Equal(t, int64(1101000), *c.OptionalFinalPayment)

	// Schedule: deposit, contribution, 36 monthly payments, the balloon with the fee.
	require.Len(t, q.Schedule, 2+36+1)
	last := q.Schedule[len(q.Schedule)-1]
	require.Equal(t, 37, last.Month)
	require.Equal(t, int64(1102000), last.Amount)
	require.Equal(t, int64(1000), last.Fees)
	require.Equal(t, KindOptionalFinal, last.Kind)
	var sum int64
	for _, s := range q.Schedule {
		sum += s.Amount
	}
	require.Equal(t, c.TotalAmountPayable, sum, "the schedule adds up to the total amount payable")
	require.Equal(t, c.TotalAmountPayable, q.CashPrice+c.TotalChargeForCredit, "total = cash price + charges")
	require.Equal(t, c.TotalChargeForCredit, 36*c.MonthlyPayment+1102000-c.AmountOfCredit)

	// The monthly payment is the whole-penny payment whose APR is 6.9%: one
	// penny either side states a different APR or is further from it.
	requireScheduleAPR(t, q)
	requireOwnQuoteReconciles(t, q)
}

func TestQuoteRoundTrips(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for i := 0; i < 300; i++ {
		req := randomCreditQuote(t, rng)
		byRate, err := Quote(req)
		require.NoError(t, err)
		c := byRate.CreditTerms

		// quote → APR: the APR endpoint on the schedule agrees.
		requireScheduleAPR(t, byRate)

		// quote → monthly payment → quote: same APR and schedule.
		byPayment := req
		byPayment.Rate, byPayment.MonthlyPayment = nil, i64(c.MonthlyPayment)
		if c.FirstPayment != nil && req.Fees == nil {
			// At 0% the first payment carries the rounding remainder; a
			// level payment quote has none, so it is a different schedule.
			continue
		}
		q2, err := Quote(byPayment)
		require.NoError(t, err)
		require.Equal(t, c.APR, q2.CreditTerms.APR)
		require.Equal(t, c.APRPrecise, q2.CreditTerms.APRPrecise)
		require.Equal(t, c.TotalAmountPayable, q2.CreditTerms.TotalAmountPayable)
		require.Equal(t, c.NominalRate.Round(1).String(), q2.CreditTerms.NominalRate.Round(1).String())

		// quote → APR → quote: asking for the quoted APR gives a schedule
		// that states that APR, and a payment within a few pence.
		byAPR := req
		apr := c.APR
		byAPR.Rate, byAPR.APR = nil, &apr
		q3, err := Quote(byAPR)
		require.NoError(t, err)
		require.Equal(t, c.APR.String(), q3.CreditTerms.APR.String())
		requireOwnQuoteReconciles(t, q3)
	}
}

// randomCreditQuote makes a plausible PCP or HP request priced by rate.
func randomCreditQuote(t testing.TB, rng *rand.Rand) QuoteRequest {
	cash := 500000 + rng.Int64N(8000000)
	deposit := cash * rng.Int64N(30) / 100
	n := 12 + rng.IntN(61)
	rate := NewDecimal(rng.Int64N(1500), 2)
	req := QuoteRequest{Product: HP, CashPrice: cash, Deposit: deposit, MonthlyPayments: n, Rate: &rate}
	if rng.IntN(2) == 0 {
		req.Product = PCP
		req.OptionalFinalPayment = (cash - deposit) * (20 + rng.Int64N(40)) / 100
		req.AnnualMileage = 5000 + rng.IntN(20000)
		req.ExcessMileageCharge = decp(t, "9.5")
	}
	if rng.IntN(2) == 0 {
		req.Fees = []Fee{{Name: "Documentation fee", Amount: 7500, Payable: WithFirst}, {Name: "Option to purchase fee", Amount: 1000, Payable: WithFinal}}
	}
	if rng.IntN(3) == 0 {
		req.Market, req.Currency = IE, EUR
	}
	if rng.IntN(4) == 0 {
		req.RateBasis = Flat
	}
	return req
}

func TestQuoteZeroPercentPutsRemainderInFirstPayment(t *testing.T) {
	q, err := Quote(QuoteRequest{Product: HP, CashPrice: 1000000, MonthlyPayments: 36, Rate: decp(t, "0")})
	require.NoError(t, err)
	c := q.CreditTerms
	require.Equal(t, int64(27777), c.MonthlyPayment)
	require.Equal(t, int64(27805), *c.FirstPayment, "£10,000 − 36 × £277.77 = 28p more in the first payment")
	require.Equal(t, int64(1000000), c.TotalAmountPayable)
	require.Equal(t, "0.0", c.APR.String())
	require.Equal(t, int64(0), c.TotalChargeForCredit)

	byAPR, err := Quote(QuoteRequest{Product: HP, CashPrice: 1000000, MonthlyPayments: 36, APR: decp(t, "0")})
	require.NoError(t, err)
	require.Equal(t, c.MonthlyPayment, byAPR.CreditTerms.MonthlyPayment)
	require.Equal(t, *c.FirstPayment, *byAPR.CreditTerms.FirstPayment)
}

func TestQuoteRateGivesAnnuity(t *testing.T) {
	// Vauxhall Mokka 136PS: £20,913.24 at 6.69% with an £11,205 balloon in month 48 is £299.00.
	q, err := Quote(QuoteRequest{Product: PCP, CashPrice: 2833500, Deposit: 352176, DepositContribution: 390000, MonthlyPayments: 47,
		OptionalFinalPayment: 1120500, AnnualMileage: 6000, ExcessMileageCharge: decp(t, "10"), Rate: decp(t, "6.69")})
	require.NoError(t, err)
	require.Equal(t, int64(29900), q.CreditTerms.MonthlyPayment)
	require.Equal(t, "6.69", q.CreditTerms.NominalRate.String())
}

func TestQuoteFlatRate(t *testing.T) {
	// HP of £10,000 over 36 months at 10% nominal: interest £1,616.17 is
	// 5.39% of the credit a year.
	q, err := Quote(QuoteRequest{Product: HP, CashPrice: 1000000, MonthlyPayments: 36, Rate: decp(t, "10"), RateBasis: Flat})
	require.NoError(t, err)
	c := q.CreditTerms
	require.Equal(t, int64(32267), c.MonthlyPayment)
	interest := 36*c.MonthlyPayment - 1000000
	require.Equal(t, flatRate(interest, 1000000, 36, 2), c.FlatRate)
	require.Equal(t, "5.39", c.FlatRate.String())
	require.Equal(t, "flat", c.RateBasis)
	require.Equal(t, ItemRateOfInterest, q.RepresentativeExample.Lines[0].Item)
	require.Equal(t, "Fixed rate of interest (flat)", q.RepresentativeExample.Lines[0].Label)
	require.Equal(t, "5.39% a year", q.RepresentativeExample.Lines[0].Value)
}

func TestQuoteHire(t *testing.T) {
	// By rental.
	q, err := Quote(QuoteRequest{Product: PCH, MonthlyPayments: 35, InitialRentalMonths: 3, MonthlyRental: i64(23500),
		AnnualMileage: 10000, ExcessMileageCharge: decp(t, "8"), Fees: []Fee{{Name: "Arrangement fee", Amount: 29900, Payable: Upfront}}})
	require.NoError(t, err)
	h := q.HireTerms
	require.Nil(t, q.CreditTerms, "hire has no APR and no credit figures")
	require.Equal(t, int64(70500), h.InitialRental)
	require.Equal(t, int64(70500+35*23500), h.TotalRentals)
	require.Equal(t, int64(70500+35*23500+29900), h.TotalCost)
	require.Equal(t, 36, q.DurationMonths)
	require.Equal(t, 30000, q.Mileage.ContractMileage)

	// By rate and residual value: the rental is the annuity with the
	// residual, the initial rental paid in advance.
	q, err = Quote(QuoteRequest{Product: PCH, CashPrice: 3000000, MonthlyPayments: 35, InitialRentalMonths: 6,
		Rate: decp(t, "7.5"), ResidualValue: i64(1500000), AnnualMileage: 8000, ExcessMileageCharge: decp(t, "12")})
	require.NoError(t, err)
	h = q.HireTerms
	i := 7.5 / 1200
	v := 1 / (1 + i)
	unit := 6.0
	p := 1.0
	for k := 1; k <= 35; k++ {
		p *= v
		unit += p
	}
	want := (3000000 - 1500000*p*v) / unit
	require.InDelta(t, want, float64(h.MonthlyRental), 0.5)
	require.Equal(t, 6*h.MonthlyRental, h.InitialRental)

	// At 0% the remainder goes in the initial rental.
	q, err = Quote(QuoteRequest{Product: PCH, CashPrice: 1000000, MonthlyPayments: 35, InitialRentalMonths: 3,
		Rate: decp(t, "0"), ResidualValue: i64(0), AnnualMileage: 8000, ExcessMileageCharge: decp(t, "12")})
	require.NoError(t, err)
	require.Equal(t, int64(1000000), q.HireTerms.TotalRentals)
	require.Equal(t, int64(26315), q.HireTerms.MonthlyRental)
	require.Equal(t, int64(1000000-35*26315), q.HireTerms.InitialRental)
}

func TestQuoteIrelandCap(t *testing.T) {
	base := func() QuoteRequest {
		return QuoteRequest{Product: HP, Market: IE, CashPrice: 1000000, MonthlyPayments: 36}
	}
	req := base()
	req.APR = decp(t, "23.1")
	_, err := Quote(req)
	requireFields(t, err, "apr")
	require.Equal(t, CodeAPRCap, err.(ValidationErrors)[0].Code)
	require.Contains(t, err.Error(), "s.28B")

	req = base()
	req.APR = decp(t, "23.0")
	q, err := Quote(req)
	require.NoError(t, err, "an APR of exactly 23%% is within the cap")
	require.Equal(t, "23.0", q.CreditTerms.APR.String())
	require.False(t, aprAbove(q.CreditTerms.AmountOfCredit, scheduleFlows(q), q.CreditTerms.APRPrecise.Float64()/100, irelandAPRCap))

	req = base()
	req.Rate = decp(t, "21")
	_, err = Quote(req)
	requireFields(t, err, "rate")

	// The UK has no such cap.
	req = base()
	req.Market, req.APR = UK, decp(t, "29.9")
	_, err = Quote(req)
	require.NoError(t, err)
}

// scheduleFlows is a credit quote's schedule as APR flows.
func scheduleFlows(q QuoteAnswer) []Flow {
	var fl []Flow
	for _, s := range q.Schedule {
		if s.Kind == KindDeposit || s.Kind == KindDepositContribution {
			continue
		}
		fl = append(fl, Flow{Month: s.Month, Amount: s.Amount})
	}
	return fl
}

func TestQuoteBadInput(t *testing.T) {
	good := func() QuoteRequest { return issueQuote(t) }
	for _, tc := range []struct {
		name   string
		edit   func(r *QuoteRequest)
		fields []string
	}{
		{"negative cash price", func(r *QuoteRequest) { r.CashPrice = -1 }, []string{"cash_price"}},
		{"absurd cash price", func(r *QuoteRequest) { r.CashPrice = MaxMoney + 1 }, []string{"cash_price"}},
		{"negative deposit", func(r *QuoteRequest) { r.Deposit = -100 }, []string{"deposit"}},
		{"no payments", func(r *QuoteRequest) { r.MonthlyPayments = 0 }, []string{"monthly_payments"}},
		{"1,000 payments", func(r *QuoteRequest) { r.MonthlyPayments = 1000 }, []string{"monthly_payments"}},
		{"fees larger than the credit", func(r *QuoteRequest) {
			r.Fees = []Fee{{Name: "Admin fee", Amount: 3000000, Payable: Upfront}}
		}, []string{"fees"}},
		{"unknown product", func(r *QuoteRequest) { r.Product = "lease" }, []string{"product"}},
		{"no product", func(r *QuoteRequest) { r.Product = "" }, []string{"product"}},
		{"rate and apr", func(r *QuoteRequest) { r.Rate = decp(t, "5") }, []string{"apr"}},
		{"apr and monthly payment", func(r *QuoteRequest) { r.MonthlyPayment = i64(30000) }, []string{"monthly_payment"}},
		{"none of rate, apr, payment", func(r *QuoteRequest) { r.APR = nil }, []string{"rate"}},
		{"fee without timing", func(r *QuoteRequest) { r.Fees[0].Payable = "" }, []string{"fees[0].payable"}},
		{"fee with unknown timing", func(r *QuoteRequest) { r.Fees[0].Payable = "later" }, []string{"fees[0].payable"}},
		{"fee without name", func(r *QuoteRequest) { r.Fees[0].Name = " " }, []string{"fees[0].name"}},
		{"pcp without balloon", func(r *QuoteRequest) { r.OptionalFinalPayment = 0 }, []string{"optional_final_payment"}},
		{"balloon above the credit", func(r *QuoteRequest) { r.OptionalFinalPayment = 2200000 }, []string{"optional_final_payment"}},
		{"hp with balloon", func(r *QuoteRequest) { r.Product = HP; r.AnnualMileage = 0; r.ExcessMileageCharge = nil }, []string{"optional_final_payment"}},
		{"hp with mileage", func(r *QuoteRequest) { r.Product = HP; r.OptionalFinalPayment = 0 }, []string{"annual_mileage", "excess_mileage_charge"}},
		{"pcp without mileage", func(r *QuoteRequest) { r.AnnualMileage = 0 }, []string{"annual_mileage"}},
		{"deposit above price", func(r *QuoteRequest) { r.Deposit = 2500000 }, []string{"deposit"}},
		{"negative apr", func(r *QuoteRequest) { r.APR = decp(t, "-1") }, []string{"apr"}},
		{"absurd apr", func(r *QuoteRequest) { r.APR = decp(t, "100000") }, []string{"apr"}},
		{"too precise apr", func(r *QuoteRequest) { r.APR = decp(t, "6.1234567") }, []string{"apr"}},
		{"unknown market", func(r *QuoteRequest) { r.Market = "FR" }, []string{"market"}},
		{"currency of the other market", func(r *QuoteRequest) { r.Currency = EUR }, []string{"currency"}},
		{"unknown rate basis", func(r *QuoteRequest) { r.RateBasis = "annual" }, []string{"rate_basis"}},
		{"hire fields on credit", func(r *QuoteRequest) { r.InitialRentalMonths = 3 }, []string{"initial_rental_months"}},
		{"monthly payment too low", func(r *QuoteRequest) { r.APR = nil; r.MonthlyPayment = i64(100) }, []string{"monthly_payment"}},
		{"0% apr with fees", func(r *QuoteRequest) { r.APR = decp(t, "0") }, []string{"apr"}},
		{"too many fees", func(r *QuoteRequest) {
			for i := 0; i < MaxFees; i++ {
				r.Fees = append(r.Fees, Fee{Name: "Fee", Amount: 1, Payable: Upfront})
			}
		}, []string{"fees"}},
		{"pch with deposit and apr", func(r *QuoteRequest) {
			r.Product, r.OptionalFinalPayment, r.DepositContribution, r.InitialRentalMonths = PCH, 0, 0, 3
		}, []string{"deposit", "apr", "monthly_rental"}},
		{"pch rate without residual", func(r *QuoteRequest) {
			*r = QuoteRequest{Product: PCH, CashPrice: 1000000, MonthlyPayments: 35, InitialRentalMonths: 3, Rate: decp(t, "5"),
				AnnualMileage: 8000, ExcessMileageCharge: decp(t, "8")}
		}, []string{"residual_value"}},
		{"pch without initial rental", func(r *QuoteRequest) {
			*r = QuoteRequest{Product: PCH, MonthlyPayments: 35, MonthlyRental: i64(20000), AnnualMileage: 8000, ExcessMileageCharge: decp(t, "8")}
		}, []string{"initial_rental_months"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := good()
			tc.edit(&r)
			_, err := Quote(r)
			requireFields(t, err, tc.fields...)
		})
	}
}
