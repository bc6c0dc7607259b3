package demo

import (
	"fmt"
	"math"

	"github.com/keyturn/keyturn/backend/agreements"
	"github.com/keyturn/keyturn/backend/finance"
)

// financeTerms are an agreement's terms as the seed decides them; the
// finance engine turns them into payments.
type financeTerms struct {
	product      string
	market       string // tenants.MarketUK or MarketIE
	currency     string
	cashPrice    int64
	deposit      int64 // the customer's own deposit (PCP, HP)
	contribution int64 // a manufacturer's deposit contribution (PCP)
	term         int   // months from the start to the last payment or the hand-back
	apr          float64
	ofp          int64 // PCP optional final payment
	// Mileage terms (PCP, PCH): a year's allowance, and the charge per mile
	// (per km in Ireland) over it, in minor units.
	annualMileage int64
	excessCharge  int64
	// PCH
	initialRentalMonths int
	rate                float64 // nominal annual rate of the lessor's rental
	residual            int64   // the lessor's residual value
}

// financeFigures are the engine's answer, in the agreement's minor units.
type financeFigures struct {
	monthly        int64
	upfront        int64 // deposit, or a PCH's initial rental
	amountOfCredit *int64
	apr            *float64
}

// pricer prices one agreement.
type pricer func(financeTerms) (financeFigures, error)

// optionToPurchaseFee is the usual fee a PCP or HP customer pays with the
// last payment to take ownership; it is part of the APR.
var optionToPurchaseFee = finance.Fee{Name: "Option to purchase fee", Amount: 10_00, Payable: finance.WithFinal}

// quote prices an agreement with the finance engine, the only place that
// does arithmetic on rates. The payment schedules follow the engine's
// conventions and agree with TermMonths: a PCP has term−1 monthly payments
// and its optional final payment in month term; an HP has term monthly
// payments; a PCH has an initial rental on day 0 and term−1 monthly rentals,
// the car going back in month term.
func quote(t financeTerms) (financeFigures, error) {
	req := finance.QuoteRequest{
		Product:   finance.Product(t.product),
		Market:    finance.Market(t.market),
		Currency:  finance.Currency(t.currency),
		CashPrice: t.cashPrice,
	}
	if t.product != agreements.ProductHP {
		req.AnnualMileage = int(t.annualMileage)
		req.ExcessMileageCharge = ptr(finance.NewDecimal(t.excessCharge, 0))
	}
	switch t.product {
	case agreements.ProductPCP, agreements.ProductHP:
		req.Deposit = t.deposit
		req.DepositContribution = t.contribution
		req.APR = ptr(tenths(t.apr))
		req.Fees = []finance.Fee{optionToPurchaseFee}
		req.MonthlyPayments = t.term
		if t.product == agreements.ProductPCP {
			req.MonthlyPayments = t.term - 1
			req.OptionalFinalPayment = t.ofp
		}
	case agreements.ProductPCH:
		req.MonthlyPayments = t.term - 1
		req.InitialRentalMonths = t.initialRentalMonths
		req.Rate = ptr(tenths(t.rate))
		req.ResidualValue = ptr(t.residual)
	default:
		return financeFigures{}, fmt.Errorf("unknown product %q", t.product)
	}

	ans, err := finance.Quote(req)
	if err != nil {
		return financeFigures{}, fmt.Errorf("finance quote: %w", err)
	}
	if ans.DurationMonths != t.term {
		return financeFigures{}, fmt.Errorf("finance quote lasts %d months, want %d", ans.DurationMonths, t.term)
	}
	if ans.HireTerms != nil {
		return financeFigures{monthly: ans.MonthlyRental, upfront: ans.InitialRental}, nil
	}
	if ans.CreditTerms == nil {
		return financeFigures{}, fmt.Errorf("finance quote for %s has no credit terms", t.product)
	}
	return financeFigures{
		monthly:        ans.MonthlyPayment,
		upfront:        ans.CreditTerms.Deposit,
		amountOfCredit: ptr(ans.AmountOfCredit),
		apr:            ptr(ans.APR.Float64()),
	}, nil
}

// tenths turns a rate with one decimal place (6.9) into the engine's exact
// decimal.
func tenths(x float64) finance.Decimal {
	return finance.NewDecimal(int64(math.Round(x*10)), 1)
}
