package finance

import (
	"strconv"
	"strings"
)

// RepresentativeExample is the block every promotion of a quote must show:
// each required item as a structured line, in the order the rules give, and
// the same lines as one paragraph of text. English only.
type RepresentativeExample struct {
	Title     string        `json:"title"`
	Market    Market        `json:"market"`
	Language  string        `json:"language"`
	RateShown string        `json:"rate_shown"`
	Lines     []ExampleLine `json:"lines"`
	Text      string        `json:"text"`
}

// ExampleLine is one item of a representative example. Item is a stable key
// (see the Item constants); Rule cites the provision that requires it.
type ExampleLine struct {
	Item   string `json:"item"`
	Label  string `json:"label"`
	Value  string `json:"value"`
	Amount *int64 `json:"amount,omitempty"`
	Rule   string `json:"rule"`
}

// Item keys of representative example lines.
const (
	ItemRateOfInterest    = "rate_of_interest"
	ItemCharge            = "charge"
	ItemAmountOfCredit    = "total_amount_of_credit"
	ItemRepresentativeAPR = "representative_apr"
	ItemCashPrice         = "cash_price"
	ItemDeposit           = "deposit"
	ItemContribution      = "deposit_contribution"
	ItemTotalDeposit      = "total_deposit"
	ItemDuration          = "duration"
	ItemTotalPayable      = "total_amount_payable"
	ItemTotalCostOfCredit = "total_cost_of_credit"
	ItemRepayment         = "repayment"
	ItemOptionalFinal     = "optional_final_payment"
	ItemAnnualMileage     = "annual_mileage"
	ItemExcessMileage     = "excess_mileage_charge"
	ItemInitialRental     = "initial_rental"
	ItemHireTerms         = "hire_terms"
	ItemSecurity          = "security"
	ItemWarning           = "warning"
)

// Rule citations. UK: CONC 3.5.5R(1) lists the items of a representative
// example, (a) to (h), in this order. IE: Consumer Credit Act 1995 s.21 and
// the Central Bank's Consumer Protection Code (CPC 2025).
const (
	ruleRate       = "CONC 3.5.5R(1)(a)"
	ruleCharges    = "CONC 3.5.5R(1)(b)"
	ruleCredit     = "CONC 3.5.5R(1)(c)"
	ruleAPR        = "CONC 3.5.5R(1)(d)"
	ruleCashPrice  = "CONC 3.5.5R(1)(e)"
	ruleDuration   = "CONC 3.5.5R(1)(f)"
	ruleTotal      = "CONC 3.5.5R(1)(g)"
	ruleRepayments = "CONC 3.5.5R(1)(h)"
	ruleClear      = "CONC 3.3.1R"
	ruleIE21       = "Consumer Credit Act 1995 s.21"
	ruleIECPC      = "Consumer Protection Code 2025 (Central Bank of Ireland)"
)

// Warning statements the Consumer Protection Code requires beside a
// hire-purchase (including PCP) or consumer-hire promotion in Ireland. The
// wording follows lenders' published pages (see docs/finance.md); verify it
// against the Code before launch.
const (
	warningIEEarlySettlement = "Warning: You may have to pay charges if you pay off a hire-purchase agreement early."
	warningIEArrearsHP       = "Warning: If you do not meet the repayments on your hire-purchase agreement, your account will go into arrears. " +
		"This may affect your credit report, which may limit your ability to access credit, a hire-purchase agreement, " +
		"a consumer-hire agreement or a BNPL-agreement in the future."
	warningIEArrearsHire = "Warning: If you do not meet the repayments on your consumer-hire agreement, your account will go into arrears. " +
		"This may affect your credit report, which may limit your ability to access credit, a hire-purchase agreement, " +
		"a consumer-hire agreement or a BNPL-agreement in the future."
)

func productName(p Product, m Market) string {
	switch p {
	case PCP:
		if m == IE {
			return "personal contract plan (PCP), a hire-purchase agreement"
		}
		return "personal contract purchase"
	case HP:
		return "hire purchase"
	default:
		if m == IE {
			return "personal contract hire, a consumer-hire agreement"
		}
		return "personal contract hire"
	}
}

// exampleBuilder accumulates lines.
type exampleBuilder struct {
	currency Currency
	lines    []ExampleLine
}

func (b *exampleBuilder) money(item, label string, amount int64, rule string) {
	b.lines = append(b.lines, ExampleLine{Item: item, Label: label, Value: formatMoney(b.currency, amount), Amount: ptr(amount), Rule: rule})
}

func (b *exampleBuilder) text(item, label, value, rule string) {
	b.lines = append(b.lines, ExampleLine{Item: item, Label: label, Value: value, Rule: rule})
}

// representativeExample writes the example for a priced quote.
func representativeExample(q *QuoteAnswer) RepresentativeExample {
	b := exampleBuilder{currency: q.Currency, lines: make([]ExampleLine, 0, 20)}
	ex := RepresentativeExample{Market: q.Market, Language: "en"}
	if q.HireTerms != nil {
		ex.Title = "Example: " + productName(q.Product, q.Market)
		ex.RateShown = "none"
		hireLines(&b, q)
	} else if q.Market == IE {
		ex.Title = "Representative example: " + productName(q.Product, q.Market)
		ex.RateShown = "apr_only"
		creditLinesIE(&b, q)
	} else {
		ex.Title = "Representative example: " + productName(q.Product, q.Market)
		ex.RateShown = q.RateBasis
		creditLinesUK(&b, q)
	}
	ex.Lines = b.lines
	ex.Text = exampleText(ex.Title, b.lines)
	return ex
}

func exampleText(title string, lines []ExampleLine) string {
	var sb strings.Builder
	sb.Grow(64 * (len(lines) + 1))
	sb.WriteString(title)
	sb.WriteString(".")
	for _, l := range lines {
		sb.WriteByte(' ')
		if l.Item == ItemWarning || l.Item == ItemHireTerms || l.Item == ItemSecurity {
			sb.WriteString(l.Value)
			continue
		}
		sb.WriteString(l.Label)
		if strings.HasSuffix(l.Label, " of") {
			sb.WriteByte(' ')
		} else {
			sb.WriteString(": ")
		}
		sb.WriteString(l.Value)
		sb.WriteByte('.')
	}
	return sb.String()
}

// creditLinesUK follows CONC 3.5.5R(1)(a)–(h) in order, with the mileage
// terms beside the optional final payment (CONC 3.3.1R; RULES C7).
func creditLinesUK(b *exampleBuilder, q *QuoteAnswer) {
	t := q.CreditTerms
	if t.RateBasis == string(Flat) {
		b.text(ItemRateOfInterest, "Fixed rate of interest (flat)", formatPercent(t.FlatRate)+" a year", ruleRate)
	} else {
		b.text(ItemRateOfInterest, "Fixed rate of interest (nominal)", formatPercent(t.NominalRate)+" a year", ruleRate)
	}
	chargeLines(b, q, ruleCharges)
	b.money(ItemAmountOfCredit, "Total amount of credit", t.AmountOfCredit, ruleCredit)
	b.text(ItemRepresentativeAPR, "Representative APR", formatPercent(t.APR)+" APR", ruleAPR)
	b.money(ItemCashPrice, "Cash price", q.CashPrice, ruleCashPrice)
	depositLines(b, t, ruleCashPrice)
	b.text(ItemDuration, "Duration of agreement", months(q.DurationMonths), ruleDuration)
	b.money(ItemTotalPayable, "Total amount payable", t.TotalAmountPayable, ruleTotal)
	repaymentLines(b, q, ruleRepayments)
}

// creditLinesIE states the APR as the only rate, first and most prominent
// (CCA 1995 s.21), with the charges, the security and the Consumer
// Protection Code warnings.
func creditLinesIE(b *exampleBuilder, q *QuoteAnswer) {
	t := q.CreditTerms
	b.text(ItemRepresentativeAPR, "APR", formatPercent(t.APR)+" APR (fixed)", ruleIE21)
	chargeLines(b, q, ruleIE21)
	b.money(ItemAmountOfCredit, "Amount of credit", t.AmountOfCredit, ruleIE21)
	b.money(ItemCashPrice, "Cash price", q.CashPrice, ruleIE21)
	depositLines(b, t, ruleIE21)
	b.text(ItemDuration, "Duration of agreement", months(q.DurationMonths), ruleIE21)
	b.money(ItemTotalCostOfCredit, "Total cost of credit", t.TotalChargeForCredit, ruleIE21)
	b.money(ItemTotalPayable, "Total amount payable (hire-purchase price)", t.TotalAmountPayable, ruleIE21)
	repaymentLines(b, q, ruleIE21)
	security := "Security: you hire the vehicle and do not own it until every payment"
	if q.Product == PCP {
		security += ", including the optional final payment,"
	}
	b.text(ItemSecurity, "Security", security+" has been made; the finance company may repossess it if you do not keep up the payments.", ruleIE21)
	b.text(ItemWarning, "Warning", warningIEEarlySettlement, ruleIECPC)
	b.text(ItemWarning, "Warning", warningIEArrearsHP, ruleIECPC)
}

func chargeLines(b *exampleBuilder, q *QuoteAnswer, rule string) {
	if len(q.Fees) == 0 {
		b.text(ItemCharge, "Other charges", "none", rule)
		return
	}
	for _, f := range q.Fees {
		b.money(ItemCharge, f.Name+timingWords(f.Payable, q.Product), f.Amount, rule)
	}
}

func timingWords(t FeeTiming, p Product) string {
	switch t {
	case Upfront:
		return ", payable on the day of the agreement"
	case WithFirst:
		if p == PCH {
			return ", payable with the initial rental"
		}
		return ", payable with the first monthly payment"
	case WithFinal:
		switch p {
		case PCP:
			return ", payable with the optional final payment"
		case PCH:
			return ", payable with the final rental"
		}
		return ", payable with the final monthly payment"
	}
	return ""
}

func depositLines(b *exampleBuilder, t *CreditTerms, rule string) {
	if t.DepositContribution > 0 {
		b.money(ItemDeposit, "Customer deposit", t.Deposit, rule)
		b.money(ItemContribution, "Deposit contribution", t.DepositContribution, rule)
		b.money(ItemTotalDeposit, "Total deposit", t.TotalDeposit, rule)
		return
	}
	b.money(ItemDeposit, "Deposit", t.Deposit, rule)
}

// repaymentLines states every repayment: the first and last monthly payments
// when they differ, the regular ones, and the PCP optional final payment with
// the mileage terms beside it.
func repaymentLines(b *exampleBuilder, q *QuoteAnswer, rule string) {
	t := q.CreditTerms
	regular := t.MonthlyPayments
	if t.FirstPayment != nil {
		b.money(ItemRepayment, "First monthly payment", *t.FirstPayment, rule)
		regular--
	}
	if t.FinalPayment != nil {
		regular--
	}
	if regular > 0 {
		b.money(ItemRepayment, plural(regular, "monthly payment")+" of", t.MonthlyPayment, rule)
	}
	if t.FinalPayment != nil {
		b.money(ItemRepayment, "Final monthly payment", *t.FinalPayment, rule)
	}
	if q.Product == PCP && t.OptionalFinalPayment != nil {
		fees := int64(0)
		for _, f := range q.Fees {
			if f.Payable == WithFinal {
				fees += f.Amount
			}
		}
		label := "Optional final payment"
		if fees > 0 {
			label += " (including the " + feeNames(q.Fees, WithFinal) + ")"
		}
		b.money(ItemOptionalFinal, label, *t.OptionalFinalPayment+fees, rule)
		mileageLines(b, q, ruleClear)
	}
}

func mileageLines(b *exampleBuilder, q *QuoteAnswer, rule string) {
	m := q.Mileage
	if m == nil {
		return
	}
	b.text(ItemAnnualMileage, "Annual mileage", groupThousands(int64(m.AnnualMileage))+" "+m.Unit, rule)
	unit := "mile"
	if m.Unit == "km" {
		unit = "km"
	}
	b.text(ItemExcessMileage, "Excess mileage charge", formatPerDistance(q.Currency, m.ExcessMileageCharge, unit), rule)
}

// hireLines describes a hire: the initial rental, the rentals, the duration,
// the total and the mileage terms, and says plainly that it is hire, not
// credit (CONC 3.3.1R; RULES C7).
func hireLines(b *exampleBuilder, q *QuoteAnswer) {
	t := q.HireTerms
	rule := ruleClear
	if q.Market == IE {
		rule = ruleIE21
	}
	b.money(ItemInitialRental, "Initial rental ("+plural(t.InitialRentalMonths, "month")+")", t.InitialRental, rule)
	b.money(ItemRepayment, plural(t.MonthlyRentals, "monthly rental")+" of", t.MonthlyRental, rule)
	if len(q.Fees) > 0 {
		chargeLines(b, q, rule)
	}
	b.text(ItemDuration, "Duration of agreement", months(q.DurationMonths), rule)
	b.money(ItemTotalPayable, "Total amount payable", t.TotalCost, rule)
	mileageLines(b, q, rule)
	b.text(ItemHireTerms, "Hire", "This is a hire agreement, not credit: you will not own the vehicle and you hand it back at the end, "+
		"subject to the mileage and fair wear and tear terms.", ruleClear)
	if q.Market == IE {
		b.text(ItemWarning, "Warning", warningIEArrearsHire, ruleIECPC)
	}
}

func months(n int) string { return plural(n, "month") }

func plural(n int, noun string) string {
	s := strconv.Itoa(n) + " " + noun
	if n != 1 {
		s += "s"
	}
	return s
}
