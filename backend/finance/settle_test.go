package finance

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// mgAgreement is the MG PCP of the issue, started on 10 January 2024.
func mgAgreement(t *testing.T, requestDate string) SettleRequest {
	return SettleRequest{Currency: GBP, Market: UK, StartDate: "2024-01-10", AmountOfCredit: 1099500, APR: decp(t, "12.9"),
		Payments:       []PaymentRun{{Month: 1, Count: intp(48), Amount: 22140}, {Month: 49, Amount: 429659}},
		SettlementDate: requestDate, Deposit: i64(300000)}
}

// TestSettleWorkedExample is the worked example of docs/finance.md: the
// request on 10 February 2025 puts the settlement date 28 days later on
// 10 March 2025, the day payment 14 falls due, so every later payment is a
// whole number of months after it and the figure has a closed form.
func TestSettleWorkedExample(t *testing.T) {
	s, err := Settle(mgAgreement(t, "2025-02-10"))
	require.NoError(t, err)
	require.Equal(t, "2025-03-10", s.SettlementDate)
	require.Equal(t, "2025-03-10", s.GoodUntil)
	require.Equal(t, "2025-03-10", s.RebateDate, "no deferral for an agreement made after 1 February 2011")
	require.Equal(t, 13, s.PaymentsMade, "payments 1–13, the 13th due on the request date")
	require.Equal(t, int64(22140), s.PaymentsDueBeforeSettlement, "payment 14 falls due on the settlement date")

	v := math.Pow(1.129, -1.0/12)
	var pv float64
	for j := 1; j <= 34; j++ {
		pv += 22140 * math.Pow(v, float64(j))
	}
	pv += 429659 * math.Pow(v, 35)
	want := int64(math.Floor(pv+0.5)) + 22140
	require.Equal(t, want, s.SettlementFigure)
	require.Equal(t, int64(34*22140+429659), s.RemainingAfterSettlement)
	require.Equal(t, s.RemainingAfterSettlement-(s.SettlementFigure-22140), s.Rebate)
	require.Equal(t, "12.9", s.ScheduleAPR.String())
	require.Contains(t, s.Basis, "regulation 5(a)")

	// Voluntary termination: total payable £17,923.79, half £8,961.90 (rounded up).
	vt := s.VoluntaryTermination
	require.Equal(t, int64(1792379), vt.TotalAmountPayable)
	require.Equal(t, int64(896190), vt.HalfTotal)
	require.Equal(t, int64(300000+13*22140), vt.PaidToDate)
	require.False(t, vt.Available)
	require.Equal(t, vt.HalfTotal-vt.PaidToDate, vt.StillToPay)

	// Without a valuation the equity is unknown, never guessed.
	require.Nil(t, s.Equity)
	require.False(t, s.EquityKnown)
}

func TestSettleEquity(t *testing.T) {
	req := mgAgreement(t, "2025-02-10")
	req.Valuation = i64(800000)
	s, err := Settle(req)
	require.NoError(t, err)
	require.True(t, s.EquityKnown)
	require.Equal(t, int64(800000)-s.SettlementFigure, *s.Equity)
	require.Less(t, *s.Equity, int64(0), "negative equity is reported as it is")

	// At the end only the optional final payment is left: equity is the
	// valuation less that payment.
	req = mgAgreement(t, "2028-01-20")
	req.Valuation = i64(520000)
	s, err = Settle(req)
	require.NoError(t, err)
	require.True(t, s.AtEnd)
	require.Equal(t, int64(520000-429659), *s.Equity)
	require.True(t, s.VoluntaryTermination.Available)
	require.Zero(t, s.VoluntaryTermination.StillToPay)

	// Paid off: the equity is the valuation.
	req = mgAgreement(t, "2028-03-01")
	req.Valuation = i64(520000)
	s, err = Settle(req)
	require.NoError(t, err)
	require.Equal(t, 0, s.PaymentsRemaining)
	require.Zero(t, s.SettlementFigure)
	require.Equal(t, int64(520000), *s.Equity)
}

func TestSettleDeferralBeforeCCD(t *testing.T) {
	req := mgAgreement(t, "2011-05-03")
	req.StartDate = "2010-06-15"
	s, err := Settle(req)
	require.NoError(t, err)
	require.Equal(t, "2011-05-31", s.SettlementDate)
	require.Equal(t, "2011-06-30", s.RebateDate, "deferred a month under regulation 6")
	require.Contains(t, s.Basis, "regulation 6")
	// The payments due 15 May (before the settlement date) and 15 June
	// (before the deferred rebate date) are due in full.
	require.Equal(t, int64(2*22140), s.PaymentsDueBeforeSettlement)
}

func TestSettlementFigureIsBelowRemainingPayments(t *testing.T) {
	for day := 0; day < 400; day += 17 {
		asOf := time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, day)
		s, err := Settle(mgAgreement(t, formatDate(asOf)))
		require.NoError(t, err)
		require.LessOrEqual(t, s.SettlementFigure, s.PaymentsDueBeforeSettlement+s.RemainingAfterSettlement)
		require.GreaterOrEqual(t, s.Rebate, int64(0))
	}
}

func TestAddMonthsClampsToMonthEnd(t *testing.T) {
	start := time.Date(2024, 1, 31, 0, 0, 0, 0, time.UTC)
	require.Equal(t, "2024-02-29", formatDate(addMonths(start, 1)))
	require.Equal(t, "2024-03-31", formatDate(addMonths(start, 2)))
	require.Equal(t, "2025-02-28", formatDate(addMonths(start, 13)))
	require.Equal(t, 1, monthsBetween(start, time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)))
	require.InDelta(t, 1.0/12+1.0/365, yearsBetween(start, time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)), 1e-12)
}

func TestSettleBadInput(t *testing.T) {
	for _, tc := range []struct {
		name   string
		edit   func(r *SettleRequest)
		fields []string
	}{
		{"request before start", func(r *SettleRequest) { r.SettlementDate = "2023-12-01" }, []string{"settlement_date"}},
		{"bad date", func(r *SettleRequest) { r.StartDate = "10/01/2024" }, []string{"start_date"}},
		{"missing date", func(r *SettleRequest) { r.SettlementDate = "" }, []string{"settlement_date"}},
		{"no apr", func(r *SettleRequest) { r.APR = nil }, []string{"apr"}},
		{"negative valuation", func(r *SettleRequest) { r.Valuation = i64(-1) }, []string{"valuation"}},
		{"no payments", func(r *SettleRequest) { r.Payments = nil }, []string{"payments"}},
		{"no credit", func(r *SettleRequest) { r.AmountOfCredit = 0 }, []string{"amount_of_credit"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := mgAgreement(t, "2025-02-10")
			tc.edit(&r)
			_, err := Settle(r)
			requireFields(t, err, tc.fields...)
		})
	}
}
