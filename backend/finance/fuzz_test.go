package finance

import (
	"testing"
)

// FuzzQuoteTerms drives the engine with structured terms, which reach the
// pricing code far more often than random JSON does: no terms, however
// wrong, panic, and every quote that is priced keeps its invariants — the
// schedule adds up to the total, the APR endpoint agrees, the example is
// complete and the check reconciles it.
func FuzzQuoteTerms(f *testing.F) {
	f.Add(uint8(0), int64(2500000), int64(300000), int64(50000), 36, int64(1101000), uint8(1), int64(69), uint8(1), false)
	f.Add(uint8(1), int64(1000000), int64(0), int64(0), 60, int64(0), uint8(0), int64(0), uint8(2), true)
	f.Add(uint8(1), int64(100), int64(0), int64(0), 120, int64(0), uint8(2), int64(1), uint8(0), false)
	f.Add(uint8(2), int64(3000000), int64(0), int64(0), 35, int64(1500000), uint8(0), int64(75), uint8(3), true)
	f.Add(uint8(0), int64(MaxMoney), int64(1), int64(0), 1, int64(MaxMoney-2), uint8(1), int64(230), uint8(1), true)
	f.Fuzz(func(t *testing.T, product uint8, cash, deposit, contribution int64, n int, ofp int64, pricing uint8, value int64, fees uint8, ireland bool) {
		req := QuoteRequest{Product: []Product{PCP, HP, PCH}[product%3], CashPrice: cash, Deposit: deposit, DepositContribution: contribution,
			MonthlyPayments: n, OptionalFinalPayment: ofp, AnnualMileage: 10000, ExcessMileageCharge: ptr(NewDecimal(8, 0))}
		if ireland {
			req.Market = IE
		}
		if req.Product == HP {
			req.OptionalFinalPayment, req.AnnualMileage, req.ExcessMileageCharge = 0, 0, nil
		}
		rate := NewDecimal(value%200000, 2)
		switch {
		case req.Product == PCH:
			req.Deposit, req.DepositContribution, req.InitialRentalMonths = 0, 0, 1+int(fees%12)
			if pricing%2 == 0 {
				req.MonthlyRental = ptr(value)
			} else {
				req.Rate, req.ResidualValue = &rate, ptr(ofp)
			}
		case pricing%3 == 0:
			req.Rate = &rate
		case pricing%3 == 1:
			req.APR = &rate
		default:
			req.MonthlyPayment = ptr(value)
		}
		layouts := [][]Fee{nil, {{Name: "Documentation fee", Amount: 7500, Payable: WithFirst}},
			{{Name: "Option to purchase fee", Amount: 1000, Payable: WithFinal}},
			{{Name: "Admin fee", Amount: 29900, Payable: Upfront}, {Name: "Option to purchase fee", Amount: 7500, Payable: WithFinal}}}
		req.Fees = layouts[int(fees)%len(layouts)]

		q, err := Quote(req)
		if err != nil {
			if _, ok := err.(ValidationErrors); !ok {
				t.Fatalf("want ValidationErrors, got %T %v", err, err)
			}
			return
		}
		requireCompleteExample(t, q)
		if q.CreditTerms == nil {
			return
		}
		var sum int64
		for _, s := range q.Schedule {
			sum += s.Amount
		}
		if sum != q.CreditTerms.TotalAmountPayable {
			t.Fatalf("schedule adds up to %d, total amount payable %d", sum, q.CreditTerms.TotalAmountPayable)
		}
		requireScheduleAPR(t, q)
		requireOwnQuoteReconciles(t, q)
	})
}
