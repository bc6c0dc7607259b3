package finance

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// requiredItems lists, per kind of quote, the representative example items
// that must always be there, in the order they must come.
func requiredItems(product Product, market Market) []string {
	switch {
	case product == PCH && market == IE:
		return []string{ItemInitialRental, ItemRepayment, ItemDuration, ItemTotalPayable, ItemAnnualMileage, ItemExcessMileage, ItemHireTerms, ItemWarning}
	case product == PCH:
		return []string{ItemInitialRental, ItemRepayment, ItemDuration, ItemTotalPayable, ItemAnnualMileage, ItemExcessMileage, ItemHireTerms}
	case market == IE:
		items := []string{ItemRepresentativeAPR, ItemCharge, ItemAmountOfCredit, ItemCashPrice, ItemDeposit, ItemDuration,
			ItemTotalCostOfCredit, ItemTotalPayable, ItemRepayment}
		if product == PCP {
			items = append(items, ItemOptionalFinal, ItemAnnualMileage, ItemExcessMileage)
		}
		return append(items, ItemSecurity, ItemWarning)
	default:
		// CONC 3.5.5R(1)(a) to (h), in order.
		items := []string{ItemRateOfInterest, ItemCharge, ItemAmountOfCredit, ItemRepresentativeAPR, ItemCashPrice, ItemDeposit,
			ItemDuration, ItemTotalPayable, ItemRepayment}
		if product == PCP {
			items = append(items, ItemOptionalFinal, ItemAnnualMileage, ItemExcessMileage)
		}
		return items
	}
}

// TestRepresentativeExampleNeverMissesAnItem builds quotes of every product,
// market, rate basis, pricing input and fee layout, and requires every item
// of the example, in order, with every amount equal to the quote's own.
func TestRepresentativeExampleNeverMissesAnItem(t *testing.T) {
	feeLayouts := [][]Fee{
		nil,
		{{Name: "Documentation fee", Amount: 7500, Payable: WithFirst}},
		{{Name: "Option to purchase fee", Amount: 1000, Payable: WithFinal}},
		{{Name: "Arrangement fee", Amount: 19900, Payable: Upfront}, {Name: "Documentation fee", Amount: 7500, Payable: WithFirst},
			{Name: "Option to purchase fee", Amount: 1000, Payable: WithFinal}},
	}
	count := 0
	for _, market := range []Market{UK, IE} {
		for _, product := range []Product{PCP, HP, PCH} {
			for _, fees := range feeLayouts {
				for _, pricing := range []string{"rate", "apr", "payment", "zero"} {
					for _, basis := range []RateBasis{"", Nominal, Flat} {
						req := exampleRequest(t, product, market, fees, pricing, basis)
						q, err := Quote(req)
						require.NoError(t, err, "%s %s %s %v", market, product, pricing, fees)
						requireCompleteExample(t, q)
						count++
					}
				}
			}
		}
	}
	require.Greater(t, count, 100)
}

func exampleRequest(t *testing.T, product Product, market Market, fees []Fee, pricing string, basis RateBasis) QuoteRequest {
	req := QuoteRequest{Product: product, Market: market, CashPrice: 2500000, MonthlyPayments: 36, Fees: fees,
		AnnualMileage: 10000, ExcessMileageCharge: decp(t, "8")}
	switch product {
	case PCH:
		req.InitialRentalMonths = 6
		switch pricing {
		case "rate", "apr":
			req.Rate, req.ResidualValue = decp(t, "6.9"), i64(1200000)
		case "zero":
			req.Rate, req.ResidualValue = decp(t, "0"), i64(1200000)
		default:
			req.MonthlyRental, req.CashPrice = i64(29900), 0
		}
		return req
	case PCP:
		req.OptionalFinalPayment = 1100000
	case HP:
		req.AnnualMileage, req.ExcessMileageCharge = 0, nil
	}
	req.Deposit, req.DepositContribution = 300000, 50000
	req.RateBasis = basis
	switch pricing {
	case "rate":
		req.Rate = decp(t, "5.9")
	case "apr":
		req.APR = decp(t, "6.9")
	case "payment":
		req.MonthlyPayment = i64(45000)
		if product == HP {
			req.MonthlyPayment = i64(70000)
		}
	case "zero":
		req.Rate = decp(t, "0")
	}
	return req
}

// requireCompleteExample checks a quote's example against the rules.
func requireCompleteExample(t *testing.T, q QuoteAnswer) {
	t.Helper()
	ex := q.RepresentativeExample
	require.Equal(t, q.Market, ex.Market)
	require.Equal(t, "en", ex.Language)
	items := make([]string, 0, len(ex.Lines))
	for _, l := range ex.Lines {
		require.NotEmpty(t, l.Label)
		require.NotEmpty(t, l.Value, "item %s", l.Item)
		require.NotEmpty(t, l.Rule, "item %s", l.Item)
		require.Contains(t, ex.Text, l.Value, "the text carries every value")
		items = append(items, l.Item)
	}
	// Every required item, in order.
	pos := 0
	for _, want := range requiredItems(q.Product, q.Market) {
		found := false
		for pos < len(items) {
			if items[pos] == want {
				found = true
				break
			}
			pos++
		}
		require.True(t, found, "%s %s: item %q missing or out of order in %v", q.Market, q.Product, want, items)
	}
	if q.HireTerms != nil {
		require.True(t, strings.HasPrefix(ex.Title, "Example: personal contract hire"))
		require.NotContains(t, items, ItemRepresentativeAPR, "hire shows no APR")
		require.NotContains(t, items, ItemRateOfInterest)
		require.NotContains(t, strings.ToLower(ex.Text), "apr")
		return
	}
	require.True(t, strings.HasPrefix(ex.Title, "Representative example"), "labelled Representative example (RULES C3)")
	c := q.CreditTerms
	if q.Market == IE {
		// CCA 1995 s.21: the APR is the only rate, and it comes first.
		require.Equal(t, ItemRepresentativeAPR, items[0])
		require.NotContains(t, items, ItemRateOfInterest)
		require.Equal(t, "apr_only", ex.RateShown)
		require.NotContains(t, ex.Text, formatPercent(c.NominalRate)+" a year")
	} else {
		require.Equal(t, ItemRateOfInterest, items[0])
		require.Equal(t, c.RateBasis, ex.RateShown)
	}
	// Every amount shown is the quote's own.
	amounts := map[string]int64{
		ItemAmountOfCredit: c.AmountOfCredit, ItemCashPrice: q.CashPrice, ItemTotalPayable: c.TotalAmountPayable,
	}
	for _, l := range ex.Lines {
		if want, ok := amounts[l.Item]; ok {
			require.Equal(t, want, *l.Amount, l.Item)
		}
		if l.Item == ItemRepresentativeAPR {
			require.Contains(t, l.Value, c.APR.String()+"% APR")
		}
	}
	// Each repayment: the regular, first, final and balloon payments all appear.
	text := ex.Text
	regular := c.MonthlyPayments
	if c.FirstPayment != nil {
		regular--
	}
	if c.FinalPayment != nil {
		regular--
	}
	if regular > 0 {
		require.Contains(t, text, plural(regular, "monthly payment")+" of "+formatMoney(q.Currency, c.MonthlyPayment))
	}
	if c.FirstPayment != nil {
		require.Contains(t, text, "First monthly payment: "+formatMoney(q.Currency, *c.FirstPayment))
	}
	if c.FinalPayment != nil {
		require.Contains(t, text, "Final monthly payment: "+formatMoney(q.Currency, *c.FinalPayment))
	}
	if q.Product == PCP {
		// The mileage terms sit right after the balloon (RULES C7).
		i := indexOf(items, ItemOptionalFinal)
		require.Equal(t, ItemAnnualMileage, items[i+1])
		require.Equal(t, ItemExcessMileage, items[i+2])
	}
	// Each fee appears by name with its amount.
	for _, f := range q.Fees {
		require.Contains(t, text, f.Name)
	}
	if len(q.Fees) == 0 {
		require.Contains(t, text, "Other charges: none")
	}
}

func indexOf(items []string, want string) int {
	for i, it := range items {
		if it == want {
			return i
		}
	}
	return -1
}

func TestRepresentativeExampleWordingUK(t *testing.T) {
	q, err := Quote(issueQuote(t))
	require.NoError(t, err)
	text := q.RepresentativeExample.Text
	for _, want := range []string{
		"Representative example: personal contract purchase.",
		"Option to purchase fee, payable with the optional final payment: £10.00.",
		"Total amount of credit: £21,500.00.",
		"Representative APR: 6.9% APR.",
		"Cash price: £25,000.00.",
		"Customer deposit: £3,000.00.",
		"Deposit contribution: £500.00.",
		"Duration of agreement: 37 months.",
		"36 monthly payments of £",
		"Optional final payment (including the option to purchase fee): £11,020.00.",
		"Annual mileage: 10,000 miles.",
		"Excess mileage charge: 8p per mile.",
	} {
		require.Contains(t, text, want)
	}
}

func TestRepresentativeExampleWordingIE(t *testing.T) {
	q, err := Quote(QuoteRequest{Product: PCP, Market: IE, CashPrice: 3500000, Deposit: 700000, MonthlyPayments: 36,
		OptionalFinalPayment: 1400000, AnnualMileage: 20000, ExcessMileageCharge: decp(t, "10"), Rate: decp(t, "5.9"),
		Fees: []Fee{{Name: "Completion fee", Amount: 7500, Payable: WithFinal}}})
	require.NoError(t, err)
	text := q.RepresentativeExample.Text
	require.True(t, strings.HasPrefix(text, "Representative example: personal contract plan (PCP), a hire-purchase agreement. APR: "))
	require.NotContains(t, text, "5.9%", "no rate but the APR (CCA 1995 s.21)")
	require.Contains(t, text, "Annual mileage: 20,000 km.")
	require.Contains(t, text, "Excess mileage charge: 10c per km.")
	require.Contains(t, text, warningIEEarlySettlement)
	require.Contains(t, text, warningIEArrearsHP)
	require.Contains(t, text, "including the optional final payment")
}
