package finance

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func offerPCP(t *testing.T) QuoteRequest {
	return QuoteRequest{Product: PCP, CashPrice: 2800000, Deposit: 200000, MonthlyPayments: 36, OptionalFinalPayment: 1200000,
		AnnualMileage: 10000, ExcessMileageCharge: decp(t, "8"), Rate: decp(t, "6.9")}
}

func TestComparePositiveEquityGoesToDeposit(t *testing.T) {
	current := mgAgreement(t, "2027-06-20")
	current.Valuation = i64(900000)
	hire := QuoteRequest{Product: PCH, MonthlyPayments: 35, InitialRentalMonths: 3, MonthlyRental: i64(27500),
		AnnualMileage: 8000, ExcessMileageCharge: decp(t, "9")}
	hp := QuoteRequest{Product: HP, CashPrice: 2000000, Deposit: 100000, MonthlyPayments: 48, APR: decp(t, "9.9")}
	got, err := Compare(CompareRequest{Current: current, Offers: []QuoteRequest{offerPCP(t), hire, hp}})
	require.NoError(t, err)

	cur := got.Current
	require.True(t, cur.EquityKnown)
	equity := *cur.Equity
	require.Greater(t, equity, int64(0))
	require.Equal(t, int64(22140), cur.MonthlyPayment)

	require.Len(t, got.Offers, 3)
	pcp := got.Offers[0]
	require.Equal(t, equity, pcp.EquityUsedAsDeposit)
	require.Equal(t, int64(200000)+equity, pcp.Quote.CreditTerms.Deposit)
	alone, err := Quote(offerPCP(t))
	require.NoError(t, err)
	require.Less(t, pcp.MonthlyPayment, alone.CreditTerms.MonthlyPayment, "equity lowers the payment")
	require.Equal(t, pcp.MonthlyPayment-22140, pcp.MonthlyChange)
	// Cash over the term: deposit and monthly payments, not the balloon.
	require.Equal(t, int64(200000)+36*pcp.MonthlyPayment, pcp.TotalCostOverTerm)

	h := got.Offers[1]
	require.Zero(t, h.EquityUsedAsDeposit, "hire has no deposit to take equity")
	require.Equal(t, equity, h.EquityNotUsed)
	require.Nil(t, h.APR)
	require.Equal(t, int64(3*27500+35*27500), h.TotalCostOverTerm)

	require.Equal(t, "9.9", got.Offers[2].APR.String())
}

func TestCompareNegativeEquityIsNeverAdded(t *testing.T) {
	current := mgAgreement(t, "2025-02-10")
	current.Valuation = i64(600000)
	got, err := Compare(CompareRequest{Current: current, Offers: []QuoteRequest{offerPCP(t)}})
	require.NoError(t, err)
	require.Less(t, *got.Current.Equity, int64(0))
	require.Zero(t, got.Offers[0].EquityUsedAsDeposit)
	require.Equal(t, int64(200000), got.Offers[0].Quote.CreditTerms.Deposit)
}

func TestCompareBadInput(t *testing.T) {
	current := mgAgreement(t, "2025-02-10")
	five := []QuoteRequest{offerPCP(t), offerPCP(t), offerPCP(t), offerPCP(t), offerPCP(t)}
	_, err := Compare(CompareRequest{Current: current, Offers: five})
	requireFields(t, err, "offers")

	_, err = Compare(CompareRequest{Current: current})
	requireFields(t, err, "offers")

	bad := offerPCP(t)
	bad.MonthlyPayments = 0
	_, err = Compare(CompareRequest{Current: current, Offers: []QuoteRequest{offerPCP(t), bad}})
	requireFields(t, err, "offers[1].monthly_payments")

	current.APR = nil
	_, err = Compare(CompareRequest{Current: current, Offers: []QuoteRequest{offerPCP(t)}})
	requireFields(t, err, "current.apr")
}
