package finance

import (
	"errors"
	"strings"
)

// CheckRequest holds the figures printed in an existing offer. Every figure
// is optional: the check reconciles what is stated and reports what a
// complete representative example would also need. MonthlyPayments counts
// every regular instalment; FirstPayment and FinalPayment are the first and
// last of them where they differ from MonthlyPayment. A fee's Payable may be
// omitted: the check then tries each documented placement.
type CheckRequest struct {
	Product              Product  `json:"product"`
	Market               Market   `json:"market,omitempty"`
	Currency             Currency `json:"currency,omitempty"`
	CashPrice            *int64   `json:"cash_price,omitempty"`
	Deposit              *int64   `json:"deposit,omitempty"`
	DepositContribution  *int64   `json:"deposit_contribution,omitempty"`
	AmountOfCredit       *int64   `json:"amount_of_credit,omitempty"`
	MonthlyPayments      *int     `json:"monthly_payments,omitempty"`
	MonthlyPayment       *int64   `json:"monthly_payment,omitempty"`
	FirstPayment         *int64   `json:"first_payment,omitempty"`
	FinalPayment         *int64   `json:"final_payment,omitempty"`
	OptionalFinalPayment *int64   `json:"optional_final_payment,omitempty"`
	Fees                 []Fee    `json:"fees,omitempty"`
	TotalAmountPayable   *int64   `json:"total_amount_payable,omitempty"`
	APR                  *Decimal `json:"apr,omitempty"`
	Rate                 *Decimal `json:"rate,omitempty"`
	InitialRentalMonths  *int     `json:"initial_rental_months,omitempty"`
	InitialRental        *int64   `json:"initial_rental,omitempty"`
	MonthlyRental        *int64   `json:"monthly_rental,omitempty"`
}

// CheckAnswer says whether the stated figures reconcile. A check that does
// not reconcile is still an answer: Problems lists each figure that is wrong
// or missing, with the rule it breaks.
type CheckAnswer struct {
	Reconciles bool           `json:"reconciles"`
	Problems   []CheckProblem `json:"problems"`
	Convention Convention     `json:"convention"`
	Computed   CheckFigures   `json:"computed"`
}

// CheckProblem is one figure that does not reconcile, or a required figure
// that is missing (Stated is then null). Unit is "minor" (money), "percent"
// or "count".
type CheckProblem struct {
	Field    string   `json:"field"`
	Stated   *Decimal `json:"stated"`
	Computed *Decimal `json:"computed,omitempty"`
	Unit     string   `json:"unit"`
	Rule     string   `json:"rule"`
	Message  string   `json:"message"`
}

// Convention is the reading of the stated figures under which the check
// judged them: where each fee falls, whether stated payments include the fees
// paid with them, and what the total amount payable includes.
type Convention struct {
	Fees                             []FeePlacement `json:"fees"`
	StatedPaymentsIncludeFees        bool           `json:"stated_payments_include_fees"`
	TotalIncludesDepositContribution bool           `json:"total_includes_deposit_contribution"`
	RateBasis                        string         `json:"rate_basis,omitempty"`
	Description                      string         `json:"description"`
}

// FeePlacement is where the check placed one fee.
type FeePlacement struct {
	Name    string    `json:"name"`
	Payable FeeTiming `json:"payable"`
	Stated  bool      `json:"stated"`
}

// CheckFigures are the figures the check computed from the stated ones.
type CheckFigures struct {
	AmountOfCredit       *int64   `json:"amount_of_credit,omitempty"`
	APR                  *Decimal `json:"apr,omitempty"`
	APRPrecise           *Decimal `json:"apr_precise,omitempty"`
	TotalAmountPayable   *int64   `json:"total_amount_payable,omitempty"`
	TotalChargeForCredit *int64   `json:"total_charge_for_credit,omitempty"`
	NominalRate          *Decimal `json:"nominal_rate,omitempty"`
	FlatRate             *Decimal `json:"flat_rate,omitempty"`
	DurationMonths       *int     `json:"duration_months,omitempty"`
	InitialRental        *int64   `json:"initial_rental,omitempty"`
}

// Rule texts for check problems.
const (
	ruleAPRCheck      = "CONC App 1.2 (RULES A1, A2): the APR of the stated cash flows, rounded half up to the decimals stated"
	ruleCreditCheck   = "CONC 3.5.5R(1)(c): amount of credit = cash price − deposit − deposit contribution"
	ruleTotalCheck    = "CONC 3.5.5R(1)(g): total amount payable = deposit + every payment, fees included"
	ruleRateCheck     = "CONC 3.5.5R(1)(a): the rate of interest must be the rate the payments carry"
	ruleIECap         = "Consumer Credit Act 1995 s.28B: the APR of a hire-purchase agreement may not exceed 23%"
	ruleIEOnlyRate    = "Consumer Credit Act 1995 s.21: an Irish promotion that shows a rate shows the APR as its only rate"
	ruleHireNotCredit = "CONC 3.3.1R: hire is not credit and must not be shown with an APR or a rate of interest"
	ruleHireRental    = "initial rental = initial rental months × monthly rental"
	ruleHireTotal     = "total amount payable = initial rental + every rental + fees"
)

// Check reconciles an advertised example.
func Check(req CheckRequest) (CheckAnswer, error) {
	var p problems
	market, currency := resolveMarketCurrency(&p, "", req.Market, req.Currency)
	switch req.Product {
	case PCP, HP, PCH:
	case "":
		p.add("product", CodeRequired, "is required: pcp, hp or pch")
	default:
		p.add("product", CodeInvalid, "must be pcp, hp or pch")
	}
	// Prices and credit are bounded as a quote's are; stated payments and
	// totals may include fees and so may run above MaxMoney.
	opt := func(field string, v *int64, allowZero bool, limit int64) {
		if v != nil {
			validateAmount(&p, field, *v, allowZero, limit)
		}
	}
	opt("cash_price", req.CashPrice, false, MaxMoney)
	opt("deposit", req.Deposit, true, MaxMoney)
	opt("deposit_contribution", req.DepositContribution, true, MaxMoney)
	opt("amount_of_credit", req.AmountOfCredit, false, MaxMoney)
	opt("monthly_payment", req.MonthlyPayment, false, MaxTotal)
	opt("first_payment", req.FirstPayment, false, MaxTotal)
	opt("final_payment", req.FinalPayment, false, MaxTotal)
	opt("optional_final_payment", req.OptionalFinalPayment, false, MaxTotal)
	opt("total_amount_payable", req.TotalAmountPayable, false, MaxTotal)
	opt("initial_rental", req.InitialRental, false, MaxTotal)
	opt("monthly_rental", req.MonthlyRental, false, MaxTotal)
	if req.MonthlyPayments != nil && (*req.MonthlyPayments < 1 || *req.MonthlyPayments > MaxTermMonths) {
		p.add("monthly_payments", CodeOutOfRange, "must be between 1 and %d", MaxTermMonths)
	}
	if req.InitialRentalMonths != nil && (*req.InitialRentalMonths < 1 || *req.InitialRentalMonths > maxInitialRentals) {
		p.add("initial_rental_months", CodeOutOfRange, "must be between 1 and %d", maxInitialRentals)
	}
	validateFees(&p, "fees", req.Fees, false)
	if req.APR != nil {
		validateRate(&p, "apr", req.APR, NewDecimal(MaxAPR, 0))
	}
	if req.Rate != nil {
		validateRate(&p, "rate", req.Rate, maxQuoteRate)
	}
	if req.Product == HP && req.OptionalFinalPayment != nil {
		p.add("optional_final_payment", CodeNotAllowed, "hire purchase has no optional final payment; use pcp")
	}
	if err := p.err(); err != nil {
		return CheckAnswer{}, err
	}
	if req.Product == PCH {
		return checkHire(req, currency), nil
	}
	return checkCredit(req, market, currency), nil
}

// checkState accumulates problems for one reading of the figures.
type checkState struct {
	problems []CheckProblem
}

func (s *checkState) money(field string, stated *int64, computed int64, rule, msg string) {
	s.problems = append(s.problems, CheckProblem{Field: field, Stated: moneyDecimal(stated), Computed: ptr(NewDecimal(computed, 0)), Unit: "minor", Rule: rule, Message: msg})
}

func (s *checkState) missing(field, unit, rule, msg string) {
	s.problems = append(s.problems, CheckProblem{Field: field, Unit: unit, Rule: rule, Message: msg})
}

func moneyDecimal(v *int64) *Decimal {
	if v == nil {
		return nil
	}
	return ptr(NewDecimal(*v, 0))
}

// creditReading is one convention applied to the stated figures.
type creditReading struct {
	placements []FeeTiming
	inclusive  bool
}

// checkCredit reconciles a PCP or HP example.
func checkCredit(req CheckRequest, market Market, currency Currency) CheckAnswer {
	var base checkState
	var figures CheckFigures
	deposit := valueOr(req.Deposit, 0)
	contribution := valueOr(req.DepositContribution, 0)

	// The amount of credit: stated, or cash price less the deposits.
	var credit int64
	haveCredit := false
	if req.CashPrice != nil && req.Deposit != nil {
		computed := *req.CashPrice - deposit - contribution
		if req.AmountOfCredit != nil && *req.AmountOfCredit != computed {
			base.money("amount_of_credit", req.AmountOfCredit, computed, ruleCreditCheck,
				"the cash price less the deposit and any contribution is "+formatMoney(currency, computed)+
					", not the stated "+formatMoney(currency, *req.AmountOfCredit))
		}
		credit, haveCredit = computed, computed > 0
	}
	if req.AmountOfCredit != nil {
		// The stated credit is what the APR is computed on, as the lender did.
		credit, haveCredit = *req.AmountOfCredit, true
	}
	if haveCredit {
		figures.AmountOfCredit = ptr(credit)
	}
	missingItems(&base, req, market)
	if market == IE && req.Rate != nil {
		base.problems = append(base.problems, CheckProblem{Field: "rate", Stated: req.Rate, Unit: "percent", Rule: ruleIEOnlyRate,
			Message: "remove the " + formatPercent(*req.Rate) + " rate: in Ireland the APR must be the only rate shown"})
	}

	n := valueOr(req.MonthlyPayments, 0)
	havePayments := n > 0 && req.MonthlyPayment != nil && (req.Product != PCP || req.OptionalFinalPayment != nil)
	if !haveCredit || !havePayments {
		return finishCheck(base, figures, Convention{Fees: statedPlacements(req.Fees), Description: "too few figures to compute the APR"})
	}

	// Try every documented reading; keep the one with the fewest problems.
	var best *checkState
	var bestConv Convention
	var bestFigures CheckFigures
	for _, r := range readings(req) {
		st := checkState{problems: append([]CheckProblem(nil), base.problems...)}
		fig := figures
		conv := evaluateReading(&st, &fig, req, r, market, currency, credit, deposit, contribution)
		if best == nil || len(st.problems) < len(best.problems) {
			s := st
			best, bestConv, bestFigures = &s, conv, fig
		}
	}
	return finishCheck(*best, bestFigures, bestConv)
}

func finishCheck(st checkState, figures CheckFigures, conv Convention) CheckAnswer {
	if st.problems == nil {
		st.problems = []CheckProblem{}
	}
	if conv.Fees == nil {
		conv.Fees = []FeePlacement{}
	}
	return CheckAnswer{Reconciles: len(st.problems) == 0, Problems: st.problems, Convention: conv, Computed: figures}
}

func valueOr[T any](v *T, def T) T {
	if v == nil {
		return def
	}
	return *v
}

func statedPlacements(fees []Fee) []FeePlacement {
	out := make([]FeePlacement, len(fees))
	for i, f := range fees {
		out[i] = FeePlacement{Name: f.Name, Payable: f.Payable, Stated: f.Payable != ""}
	}
	return out
}

// missingItems reports the items a complete representative example needs
// but the offer does not state.
func missingItems(s *checkState, req CheckRequest, market Market) {
	type item struct {
		field, unit, rule, what string
		present                 bool
	}
	rule := func(uk string) string {
		if market == IE {
			return ruleIE21
		}
		return uk
	}
	items := []item{
		{"amount_of_credit", "minor", rule(ruleCredit), "the total amount of credit", req.AmountOfCredit != nil},
		{"apr", "percent", rule(ruleAPR), "the representative APR", req.APR != nil},
		{"cash_price", "minor", rule(ruleCashPrice), "the cash price", req.CashPrice != nil},
		{"deposit", "minor", rule(ruleCashPrice), "the deposit (advance payment)", req.Deposit != nil},
		{"total_amount_payable", "minor", rule(ruleTotal), "the total amount payable", req.TotalAmountPayable != nil},
		{"monthly_payments", "count", rule(ruleRepayments), "the number of monthly payments", req.MonthlyPayments != nil},
		{"monthly_payment", "minor", rule(ruleRepayments), "the amount of each repayment", req.MonthlyPayment != nil},
	}
	if market != IE {
		items = append([]item{{"rate", "percent", ruleRate, "the rate of interest", req.Rate != nil}}, items...)
	}
	if req.Product == PCP {
		items = append(items, item{"optional_final_payment", "minor", rule(ruleRepayments), "the optional final payment", req.OptionalFinalPayment != nil})
	}
	for _, it := range items {
		if !it.present {
			s.missing(it.field, it.unit, it.rule, "not stated: a representative example must show "+it.what)
		}
	}
}

// readings lists the documented readings of the figures: each fee whose
// timing is not stated placed upfront, with the first payment or with the
// final payment (the usual placement for its name first), and stated
// payments taken as including, then as excluding, the fees paid with them.
func readings(req CheckRequest) []creditReading {
	options := make([][]FeeTiming, len(req.Fees))
	for i, f := range req.Fees {
		if f.Payable != "" {
			options[i] = []FeeTiming{f.Payable}
			continue
		}
		options[i] = likelyTimings(f.Name)
	}
	var out []creditReading
	combo := make([]FeeTiming, len(req.Fees))
	var walk func(i int)
	walk = func(i int) {
		if i == len(options) {
			for _, inclusive := range []bool{true, false} {
				out = append(out, creditReading{placements: append([]FeeTiming(nil), combo...), inclusive: inclusive})
			}
			return
		}
		for _, t := range options[i] {
			combo[i] = t
			walk(i + 1)
		}
	}
	walk(0)
	return out
}

// likelyTimings orders the placements for a fee by its name: an option to
// purchase (or completion) fee goes with the final payment, an admin,
// documentation, arrangement or acceptance fee with the first.
func likelyTimings(name string) []FeeTiming {
	n := strings.ToLower(name)
	switch {
	case strings.Contains(n, "purchase") || strings.Contains(n, "completion") || strings.Contains(n, "final"):
		return []FeeTiming{WithFinal, WithFirst, Upfront}
	case strings.Contains(n, "admin") || strings.Contains(n, "document") || strings.Contains(n, "arrangement") ||
		strings.Contains(n, "acceptance") || strings.Contains(n, "facility"):
		return []FeeTiming{WithFirst, Upfront, WithFinal}
	}
	return []FeeTiming{Upfront, WithFirst, WithFinal}
}

// evaluateReading builds the cash flows for one reading and records every
// figure that does not reconcile under it.
func evaluateReading(st *checkState, fig *CheckFigures, req CheckRequest, r creditReading, market Market, currency Currency,
	credit, deposit, contribution int64) Convention {
	n := *req.MonthlyPayments
	monthly := *req.MonthlyPayment
	var fees feeTotals
	placements := make([]FeePlacement, len(req.Fees))
	for i, f := range req.Fees {
		placements[i] = FeePlacement{Name: f.Name, Payable: r.placements[i], Stated: f.Payable != ""}
		switch r.placements[i] {
		case Upfront:
			fees.upfront += f.Amount
		case WithFirst:
			fees.withFirst += f.Amount
		case WithFinal:
			fees.withFinal += f.Amount
		}
	}
	// A stated payment is read as the whole amount paid that month when the
	// reading is inclusive; a payment not stated is the monthly payment plus
	// the fees paid with it.
	add := func(stated *int64, fee int64) int64 {
		if stated != nil && r.inclusive {
			return 0
		}
		return fee
	}
	flows := make([]Flow, 0, n+2)
	if fees.upfront > 0 {
		flows = append(flows, Flow{Month: 0, Amount: fees.upfront})
	}
	var regular int64 // the regular payments and balloon without fees, for the rate
	for k := 1; k <= n; k++ {
		amt := monthly
		var fee int64
		if k == 1 {
			if req.FirstPayment != nil {
				amt = *req.FirstPayment
			}
			fee += add(req.FirstPayment, fees.withFirst)
			if req.FirstPayment != nil && r.inclusive {
				regular -= fees.withFirst
			}
		}
		if k == n && k > 1 && req.FinalPayment != nil {
			amt = *req.FinalPayment
		}
		if k == n && req.Product == HP {
			stated := req.FinalPayment
			if n == 1 {
				stated = req.FirstPayment
			}
			fee += add(stated, fees.withFinal)
			if stated != nil && r.inclusive {
				regular -= fees.withFinal
			}
		}
		regular += amt
		flows = append(flows, Flow{Month: k, Amount: amt + fee})
	}
	ofpExFees := int64(0)
	if req.Product == PCP {
		ofp := *req.OptionalFinalPayment
		ofpExFees = ofp
		amt := ofp + add(req.OptionalFinalPayment, fees.withFinal)
		if r.inclusive {
			ofpExFees = ofp - fees.withFinal
		}
		regular += ofpExFees
		flows = append(flows, Flow{Month: n + 1, Amount: amt})
	}
	duration := n
	if req.Product == PCP {
		duration = n + 1
	}
	fig.DurationMonths = ptr(duration)
	var paid int64
	for _, f := range flows {
		paid += f.Amount
	}
	fig.TotalChargeForCredit = ptr(paid - credit)

	conv := Convention{Fees: placements, StatedPaymentsIncludeFees: r.inclusive, TotalIncludesDepositContribution: true}

	// The APR.
	x, err := SolveAPR(credit, flows)
	if err != nil {
		msg := "no APR solves the equation for the stated payments"
		if errors.Is(err, ErrBelowAdvance) {
			msg = "the stated payments add up to less than the amount of credit"
		}
		st.problems = append(st.problems, CheckProblem{Field: "apr", Stated: req.APR, Unit: "percent", Rule: ruleAPRCheck, Message: msg})
	} else {
		apr1 := roundAPR(credit, flows, x, 1)
		fig.APR = ptr(apr1)
		fig.APRPrecise = ptr(decimalFromFloat(x*100, 6))
		if req.APR != nil {
			places := max(1, req.APR.Scale())
			got := roundAPR(credit, flows, x, places)
			if !got.Equal(*req.APR) {
				st.problems = append(st.problems, CheckProblem{Field: "apr", Stated: req.APR, Computed: ptr(got), Unit: "percent", Rule: ruleAPRCheck,
					Message: "the stated cash flows give " + formatPercent(got) + " APR to the " + plural(places, "decimal") + " stated, not " + formatPercent(*req.APR)})
			}
		}
		if market == IE && aprAbove(credit, flows, x, irelandAPRCap) {
			st.problems = append(st.problems, CheckProblem{Field: "apr", Stated: req.APR, Computed: ptr(apr1), Unit: "percent", Rule: ruleIECap,
				Message: "the APR is " + formatPercent(apr1) + ", above the 23% cap for Irish hire-purchase agreements"})
		}
	}

	// The rate of interest: nominal (the payment from the rate, or the rate
	// from the payment to the decimals stated) or flat.
	flat := flatRate(regular-credit, credit, duration, 2)
	fig.FlatRate = ptr(flat)
	a := Annuity{Principal: credit, Balloon: ofpExFees, Payments: n}
	if req.Product == PCP {
		a.BalloonMonth = n + 1
	}
	nominalFromPayment := Decimal{}
	if i, ok := a.MonthlyRate(monthly); ok {
		nominalFromPayment = decimalFromFloat(i*1200, 2)
		fig.NominalRate = ptr(nominalFromPayment)
	}
	if req.Rate != nil && market != IE {
		rate := *req.Rate
		places := max(1, rate.Scale())
		switch {
		case rateGivesPayment(a, rate, monthly):
			conv.RateBasis = "nominal: the monthly payment is the annuity at the stated rate"
		case nominalMatches(a, monthly, rate, places):
			conv.RateBasis = "nominal: the stated rate is the rate of the monthly payment, to the decimals stated"
		case flatRate(regular-credit, credit, duration, places).Equal(rate):
			conv.RateBasis = "flat: interest ÷ credit ÷ years"
		default:
			st.problems = append(st.problems, CheckProblem{Field: "rate", Stated: req.Rate, Computed: ptr(nominalFromPayment), Unit: "percent", Rule: ruleRateCheck,
				Message: "the stated " + formatPercent(rate) + " is neither the nominal rate of the payments (" + formatPercent(nominalFromPayment) +
					") nor their flat rate (" + formatPercent(flat) + ")"})
		}
	}

	// The total amount payable, with or without the deposit contribution.
	withContribution := deposit + contribution + paid
	customerOnly := deposit + paid
	fig.TotalAmountPayable = ptr(withContribution)
	if req.TotalAmountPayable != nil {
		switch *req.TotalAmountPayable {
		case withContribution:
		case customerOnly:
			conv.TotalIncludesDepositContribution = false
			fig.TotalAmountPayable = ptr(customerOnly)
		default:
			st.money("total_amount_payable", req.TotalAmountPayable, withContribution, ruleTotalCheck,
				"the deposit and the stated payments add up to "+formatMoney(currency, withContribution)+", not the stated "+
					formatMoney(currency, *req.TotalAmountPayable))
		}
	}
	conv.Description = describeConvention(req.Product, conv)
	return conv
}

// rateGivesPayment reports whether the annuity at the stated nominal rate is
// the stated monthly payment.
func rateGivesPayment(a Annuity, rate Decimal, monthly int64) bool {
	if rate.IsZero() {
		level, _, ok := a.zeroRateLevel()
		return ok && level == monthly
	}
	m, ok := a.Level(rate)
	return ok && m == monthly
}

// nominalMatches reports whether the nominal rate solved from the payment,
// rounded half up to the stated decimals, is the stated rate.
func nominalMatches(a Annuity, monthly int64, rate Decimal, places int) bool {
	i, ok := a.MonthlyRate(monthly)
	if !ok {
		return false
	}
	return decimalFromFloat(i*1200, places).Equal(rate)
}

func describeConvention(p Product, c Convention) string {
	var sb strings.Builder
	sb.WriteString("Monthly payments at months 1 to n")
	if p == PCP {
		sb.WriteString(", the optional final payment one month after the last of them")
	}
	sb.WriteString("; ")
	if len(c.Fees) == 0 {
		sb.WriteString("no fees")
	} else {
		for i, f := range c.Fees {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString(f.Name)
			sb.WriteString(" ")
			sb.WriteString(strings.ReplaceAll(string(f.Payable), "_", " "))
		}
		if c.StatedPaymentsIncludeFees {
			sb.WriteString(" (stated payments include their fees)")
		} else {
			sb.WriteString(" (fees added to the stated payments)")
		}
	}
	if c.TotalIncludesDepositContribution {
		sb.WriteString("; total amount payable includes any deposit contribution")
	} else {
		sb.WriteString("; total amount payable excludes the deposit contribution")
	}
	sb.WriteString(".")
	return sb.String()
}

// checkHire reconciles a PCH example: the initial rental against the
// rentals, and the total.
func checkHire(req CheckRequest, currency Currency) CheckAnswer {
	var st checkState
	var fig CheckFigures
	conv := Convention{Fees: statedPlacements(req.Fees), Description: "Initial rental on day 0, rentals at months 1 to n, the car handed back at month n+1."}
	if req.APR != nil {
		st.problems = append(st.problems, CheckProblem{Field: "apr", Stated: req.APR, Unit: "percent", Rule: ruleHireNotCredit, Message: "hire has no APR"})
	}
	if req.Rate != nil {
		st.problems = append(st.problems, CheckProblem{Field: "rate", Stated: req.Rate, Unit: "percent", Rule: ruleHireNotCredit, Message: "hire has no rate of interest"})
	}
	for _, f := range []struct {
		field, unit, what string
		present           bool
	}{
		{"initial_rental", "minor", "the initial rental", req.InitialRental != nil},
		{"monthly_payments", "count", "the number of monthly rentals", req.MonthlyPayments != nil},
		{"monthly_rental", "minor", "the monthly rental", req.MonthlyRental != nil},
		{"total_amount_payable", "minor", "the total amount payable", req.TotalAmountPayable != nil},
	} {
		if !f.present {
			st.missing(f.field, f.unit, ruleClear, "not stated: a hire example must show "+f.what)
		}
	}
	if req.MonthlyRental == nil {
		return finishCheck(st, fig, conv)
	}
	rental := *req.MonthlyRental
	initial := req.InitialRental
	if req.InitialRentalMonths != nil {
		want := int64(*req.InitialRentalMonths) * rental
		fig.InitialRental = ptr(want)
		if initial != nil && *initial != want {
			st.money("initial_rental", initial, want, ruleHireRental,
				plural(*req.InitialRentalMonths, "rental")+" of "+formatMoney(currency, rental)+" make "+formatMoney(currency, want)+
					", not the stated "+formatMoney(currency, *initial))
		}
		if initial == nil {
			initial = ptr(want)
		}
	}
	if req.MonthlyPayments != nil && initial != nil {
		fig.DurationMonths = ptr(*req.MonthlyPayments + 1)
		var fees int64
		for _, f := range req.Fees {
			fees += f.Amount
		}
		total := *initial + int64(*req.MonthlyPayments)*rental + fees
		fig.TotalAmountPayable = ptr(total)
		if req.TotalAmountPayable != nil && *req.TotalAmountPayable != total {
			st.money("total_amount_payable", req.TotalAmountPayable, total, ruleHireTotal,
				"the initial rental, the rentals and the fees add up to "+formatMoney(currency, total)+", not the stated "+
					formatMoney(currency, *req.TotalAmountPayable))
		}
	}
	return finishCheck(st, fig, conv)
}
