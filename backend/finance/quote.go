package finance

import (
	"math"
	"math/big"
	"strings"
)

// FeeTiming says when a fee is paid.
type FeeTiming string

// Fee timings. Each is a documented convention (docs/finance.md): an
// option-to-purchase fee is paid with the final payment, an admin or
// documentation fee with the first monthly payment, and an upfront fee on the
// day of the agreement with the deposit. All of them are in the APR.
const (
	Upfront   FeeTiming = "upfront"
	WithFirst FeeTiming = "with_first"
	WithFinal FeeTiming = "with_final"
)

// Fee is a charge other than interest: part of the total charge for credit
// (or, for hire, part of the total cost).
type Fee struct {
	Name    string    `json:"name"`
	Amount  int64     `json:"amount"`
	Payable FeeTiming `json:"payable,omitempty"`
}

// RateBasis names the rate a representative example prints.
type RateBasis string

// Rate bases. Nominal is 12 × the monthly rate; flat is the interest divided
// by the credit and the term in years.
const (
	Nominal RateBasis = "nominal"
	Flat    RateBasis = "flat"
)

// QuoteRequest asks for a quote. All money is in minor units. A credit quote
// (pcp, hp) takes exactly one of Rate (nominal, percent), APR or
// MonthlyPayment; a hire quote (pch) takes InitialRentalMonths and either
// MonthlyRental or Rate with ResidualValue.
type QuoteRequest struct {
	Product              Product   `json:"product"`
	Market               Market    `json:"market,omitempty"`
	Currency             Currency  `json:"currency,omitempty"`
	CashPrice            int64     `json:"cash_price"`
	Deposit              int64     `json:"deposit,omitempty"`
	DepositContribution  int64     `json:"deposit_contribution,omitempty"`
	MonthlyPayments      int       `json:"monthly_payments"`
	OptionalFinalPayment int64     `json:"optional_final_payment,omitempty"`
	AnnualMileage        int       `json:"annual_mileage,omitempty"`
	ExcessMileageCharge  *Decimal  `json:"excess_mileage_charge,omitempty"`
	Fees                 []Fee     `json:"fees,omitempty"`
	Rate                 *Decimal  `json:"rate,omitempty"`
	APR                  *Decimal  `json:"apr,omitempty"`
	MonthlyPayment       *int64    `json:"monthly_payment,omitempty"`
	RateBasis            RateBasis `json:"rate_basis,omitempty"`
	InitialRentalMonths  int       `json:"initial_rental_months,omitempty"`
	MonthlyRental        *int64    `json:"monthly_rental,omitempty"`
	ResidualValue        *int64    `json:"residual_value,omitempty"`
}

// QuoteAnswer is a priced agreement with its representative example. Credit
// quotes carry the CreditTerms members, hire quotes the HireTerms members.
type QuoteAnswer struct {
	Product   Product  `json:"product"`
	Market    Market   `json:"market"`
	Currency  Currency `json:"currency"`
	CashPrice int64    `json:"cash_price,omitempty"`
	*CreditTerms
	*HireTerms
	Fees                  []Fee                 `json:"fees"`
	Mileage               *Mileage              `json:"mileage,omitempty"`
	DurationMonths        int                   `json:"duration_months"`
	Schedule              []ScheduledPayment    `json:"schedule"`
	RepresentativeExample RepresentativeExample `json:"representative_example"`
}

// CreditTerms are the figures of a credit quote (PCP, HP).
type CreditTerms struct {
	Deposit              int64   `json:"deposit"`
	DepositContribution  int64   `json:"deposit_contribution"`
	TotalDeposit         int64   `json:"total_deposit"`
	AmountOfCredit       int64   `json:"amount_of_credit"`
	MonthlyPayments      int     `json:"monthly_payments"`
	MonthlyPayment       int64   `json:"monthly_payment"`
	FirstPayment         *int64  `json:"first_payment,omitempty"`
	FinalPayment         *int64  `json:"final_payment,omitempty"`
	OptionalFinalPayment *int64  `json:"optional_final_payment,omitempty"`
	TotalChargeForCredit int64   `json:"total_charge_for_credit"`
	TotalAmountPayable   int64   `json:"total_amount_payable"`
	APR                  Decimal `json:"apr"`
	APRPrecise           Decimal `json:"apr_precise"`
	NominalRate          Decimal `json:"nominal_rate"`
	FlatRate             Decimal `json:"flat_rate"`
	RateBasis            string  `json:"rate_basis"`
}

// HireTerms are the figures of a hire quote (PCH): no APR, no credit.
type HireTerms struct {
	InitialRentalMonths int      `json:"initial_rental_months"`
	InitialRental       int64    `json:"initial_rental"`
	MonthlyRentals      int      `json:"monthly_rentals"`
	MonthlyRental       int64    `json:"monthly_rental"`
	TotalRentals        int64    `json:"total_rentals"`
	TotalCost           int64    `json:"total_cost"`
	ResidualValue       *int64   `json:"residual_value,omitempty"`
	Rate                *Decimal `json:"rate,omitempty"`
}

// Mileage are the distance terms beside a balloon or a hire.
type Mileage struct {
	AnnualMileage       int     `json:"annual_mileage"`
	Unit                string  `json:"unit"`
	ContractMileage     int     `json:"contract_mileage"`
	ExcessMileageCharge Decimal `json:"excess_mileage_charge"`
}

// ScheduledPayment is one payment of a quote's schedule.
type ScheduledPayment struct {
	Month       int    `json:"month"`
	Amount      int64  `json:"amount"`
	Kind        string `json:"kind"`
	Fees        int64  `json:"fees,omitempty"`
	Description string `json:"description"`
}

// Kinds of scheduled payment.
const (
	KindDeposit             = "deposit"
	KindDepositContribution = "deposit_contribution"
	KindFee                 = "fee"
	KindMonthly             = "monthly"
	KindOptionalFinal       = "optional_final"
	KindInitialRental       = "initial_rental"
	KindRental              = "rental"
)

// Limits specific to quotes.
var (
	maxQuoteRate  = mustDecimal("1000")
	irelandAPRCap = mustDecimal("23.0")
)

const (
	maxAnnualMileage      = 200_000
	maxInitialRentals     = 24
	maxFeeNameLength      = 100
	maxExcessMileageMinor = 100_000
)

// Quote prices a PCP, HP or PCH agreement and writes its representative
// example.
func Quote(req QuoteRequest) (QuoteAnswer, error) {
	return quote(req, "")
}

// quote prices req; prefix is the JSON path of req inside a larger request
// (offers[2]) so that errors name the right field.
func quote(req QuoteRequest, prefix string) (QuoteAnswer, error) {
	var p problems
	f := func(name string) string { return join(prefix, name) }
	market, currency := resolveMarketCurrency(&p, prefix, req.Market, req.Currency)
	switch req.Product {
	case PCP, HP, PCH:
	case "":
		p.add(f("product"), CodeRequired, "is required: pcp, hp or pch")
		return QuoteAnswer{}, p.err()
	default:
		p.add(f("product"), CodeInvalid, "must be pcp, hp or pch")
		return QuoteAnswer{}, p.err()
	}
	if req.MonthlyPayments < 1 || req.MonthlyPayments > MaxTermMonths {
		p.add(f("monthly_payments"), CodeOutOfRange, "must be between 1 and %d", MaxTermMonths)
	}
	switch req.RateBasis {
	case "", Nominal, Flat:
	default:
		p.add(f("rate_basis"), CodeInvalid, "must be nominal or flat")
	}
	validateFees(&p, f("fees"), req.Fees, true)
	mileage := validateMileage(&p, prefix, req, market)
	if req.Product == PCH {
		return hireQuote(req, prefix, market, currency, mileage, &p)
	}
	return creditQuote(req, prefix, market, currency, mileage, &p)
}

// validateFees checks the fee list; needTiming requires each fee's payable.
func validateFees(p *problems, field string, fees []Fee, needTiming bool) {
	if len(fees) > MaxFees {
		p.add(field, CodeTooMany, "at most %d fees are accepted", MaxFees)
		return
	}
	for i, fee := range fees {
		ff := index(field, i)
		name := strings.TrimSpace(fee.Name)
		switch {
		case name == "":
			p.add(join(ff, "name"), CodeRequired, "is required, e.g. \"Option to purchase fee\"")
		case len(name) > maxFeeNameLength:
			p.add(join(ff, "name"), CodeOutOfRange, "must be at most %d characters", maxFeeNameLength)
		}
		validateMoney(p, join(ff, "amount"), fee.Amount, false)
		switch fee.Payable {
		case Upfront, WithFirst, WithFinal:
		case "":
			if needTiming {
				p.add(join(ff, "payable"), CodeRequired, "is required: upfront, with_first or with_final")
			}
		default:
			p.add(join(ff, "payable"), CodeInvalid, "must be upfront, with_first or with_final")
		}
	}
}

// validateMileage checks the mileage terms: required for PCP and PCH, where
// they set the balloon or the rentals, and refused for HP.
func validateMileage(p *problems, prefix string, req QuoteRequest, market Market) *Mileage {
	f := func(name string) string { return join(prefix, name) }
	if req.Product == HP {
		if req.AnnualMileage != 0 {
			p.add(f("annual_mileage"), CodeNotAllowed, "hire purchase has no mileage terms")
		}
		if req.ExcessMileageCharge != nil {
			p.add(f("excess_mileage_charge"), CodeNotAllowed, "hire purchase has no mileage terms")
		}
		return nil
	}
	ok := true
	if req.AnnualMileage < 1 || req.AnnualMileage > maxAnnualMileage {
		p.add(f("annual_mileage"), CodeOutOfRange, "is required for %s and must be between 1 and %d", req.Product, maxAnnualMileage)
		ok = false
	}
	switch c := req.ExcessMileageCharge; {
	case c == nil:
		p.add(f("excess_mileage_charge"), CodeRequired, "is required for %s (minor units per mile or km, e.g. 8 or 14.9)", req.Product)
		ok = false
	case !c.Valid():
		p.add(f("excess_mileage_charge"), CodeInvalid, "%s", c.Problem())
		ok = false
	case c.Sign() < 0 || c.Cmp(NewDecimal(maxExcessMileageMinor, 0)) > 0:
		p.add(f("excess_mileage_charge"), CodeOutOfRange, "must be between 0 and %d minor units", maxExcessMileageMinor)
		ok = false
	case c.Scale() > 2:
		p.add(f("excess_mileage_charge"), CodeInvalid, "must have at most 2 decimal places")
		ok = false
	}
	if !ok {
		return nil
	}
	unit := "miles"
	if market == IE {
		unit = "km"
	}
	return &Mileage{AnnualMileage: req.AnnualMileage, Unit: unit, ExcessMileageCharge: *req.ExcessMileageCharge}
}

// validateRate checks a rate or APR field.
func validateRate(p *problems, field string, d *Decimal, limit Decimal) bool {
	switch {
	case !d.Valid():
		p.add(field, CodeInvalid, "%s", d.Problem())
	case d.Sign() < 0:
		p.add(field, CodeOutOfRange, "must not be negative")
	case d.Cmp(limit) > 0:
		p.add(field, CodeOutOfRange, "must be at most %s%%", limit)
	case d.Scale() > 6:
		p.add(field, CodeInvalid, "must have at most 6 decimal places")
	default:
		return true
	}
	return false
}

// feeTotals sums fees by timing.
type feeTotals struct {
	upfront, withFirst, withFinal int64
}

func sumFees(fees []Fee) feeTotals {
	var t feeTotals
	for _, fee := range fees {
		switch fee.Payable {
		case Upfront:
			t.upfront += fee.Amount
		case WithFirst:
			t.withFirst += fee.Amount
		case WithFinal:
			t.withFinal += fee.Amount
		}
	}
	return t
}

func (t feeTotals) total() int64 { return t.upfront + t.withFirst + t.withFinal }

// creditPlan is a credit agreement's cash flows, before presentation.
type creditPlan struct {
	product  Product
	credit   int64
	n        int
	level    int64 // the regular monthly payment
	first    int64 // payment 1 before fees (differs from level only at 0%)
	ofp      int64 // PCP optional final payment, before fees
	fees     feeTotals
	flowsBuf []Flow
}

// balloonMonth is the month of the PCP optional final payment: one month after
// the last monthly payment (docs/finance.md, "Conventions").
func (c *creditPlan) balloonMonth() int {
	if c.product == PCP {
		return c.n + 1
	}
	return 0
}

// duration is the month of the last payment.
func (c *creditPlan) duration() int {
	if c.product == PCP {
		return c.n + 1
	}
	return c.n
}

// flows returns the customer's payments after the deposit: upfront fees on
// day 0, the monthly payments with their fees, and the PCP balloon. It
// reuses one buffer, so a plan priced several times allocates once.
func (c *creditPlan) flows() []Flow {
	fl := c.flowsBuf[:0]
	if c.fees.upfront > 0 {
		fl = append(fl, Flow{Month: 0, Amount: c.fees.upfront})
	}
	for k := 1; k <= c.n; k++ {
		amt := c.level
		if k == 1 {
			amt = c.first + c.fees.withFirst
		}
		if k == c.n && c.product == HP {
			amt += c.fees.withFinal
		}
		fl = append(fl, Flow{Month: k, Amount: amt})
	}
	if c.product == PCP {
		fl = append(fl, Flow{Month: c.n + 1, Amount: c.ofp + c.fees.withFinal})
	}
	c.flowsBuf = fl
	return fl
}

func (c *creditPlan) annuity() Annuity {
	return Annuity{Principal: c.credit, Balloon: c.ofp, BalloonMonth: c.balloonMonth(), Payments: c.n}
}

func creditQuote(req QuoteRequest, prefix string, market Market, currency Currency, mileage *Mileage, p *problems) (QuoteAnswer, error) {
	f := func(name string) string { return join(prefix, name) }
	validateMoney(p, f("cash_price"), req.CashPrice, false)
	validateMoney(p, f("deposit"), req.Deposit, true)
	validateMoney(p, f("deposit_contribution"), req.DepositContribution, true)
	if req.InitialRentalMonths != 0 {
		p.add(f("initial_rental_months"), CodeNotAllowed, "is for pch (hire) only")
	}
	if req.MonthlyRental != nil {
		p.add(f("monthly_rental"), CodeNotAllowed, "is for pch (hire) only; use monthly_payment")
	}
	if req.ResidualValue != nil {
		p.add(f("residual_value"), CodeNotAllowed, "is for pch (hire) only; a PCP has optional_final_payment")
	}
	credit := req.CashPrice - req.Deposit - req.DepositContribution
	if p.ok() && credit <= 0 {
		p.add(f("deposit"), CodeOutOfRange, "the deposit and deposit contribution leave no credit: together they must be less than the cash price")
	}
	switch req.Product {
	case PCP:
		validateMoney(p, f("optional_final_payment"), req.OptionalFinalPayment, false)
		if p.ok() && req.OptionalFinalPayment >= credit {
			p.add(f("optional_final_payment"), CodeOutOfRange, "must be less than the amount of credit (%s)", formatMoney(currency, credit))
		}
	case HP:
		if req.OptionalFinalPayment != 0 {
			p.add(f("optional_final_payment"), CodeNotAllowed, "hire purchase has no optional final payment; use pcp")
		}
	}
	fees := sumFees(req.Fees)
	if p.ok() && fees.total() > credit {
		p.add(f("fees"), CodeOutOfRange, "the fees (%s) are larger than the amount of credit (%s)", formatMoney(currency, fees.total()), formatMoney(currency, credit))
	}
	given := 0
	var rateField string
	if req.Rate != nil {
		given++
		rateField = f("rate")
		validateRate(p, rateField, req.Rate, maxQuoteRate)
	}
	if req.APR != nil {
		given++
		rateField = f("apr")
		validateRate(p, rateField, req.APR, maxQuoteRate)
	}
	if req.MonthlyPayment != nil {
		given++
		rateField = f("monthly_payment")
		validateMoney(p, rateField, *req.MonthlyPayment, false)
	}
	switch given {
	case 0:
		p.add(f("rate"), CodeRequired, "give exactly one of rate, apr or monthly_payment")
	case 1:
	default:
		p.add(rateField, CodeConflict, "give exactly one of rate, apr or monthly_payment")
	}
	if err := p.err(); err != nil {
		return QuoteAnswer{}, err
	}

	plan := &creditPlan{
		product:  req.Product,
		credit:   credit,
		n:        req.MonthlyPayments,
		ofp:      req.OptionalFinalPayment,
		fees:     fees,
		flowsBuf: make([]Flow, 0, req.MonthlyPayments+2),
	}
	var nominal Decimal
	switch {
	case req.Rate != nil:
		if err := plan.priceAtRate(*req.Rate); err != nil {
			return QuoteAnswer{}, ValidationErrors{{Field: rateField, Code: CodeNoSolution, Message: err.Error()}}
		}
		nominal = *req.Rate
	case req.MonthlyPayment != nil:
		plan.level, plan.first = *req.MonthlyPayment, *req.MonthlyPayment
		i, ok := plan.annuity().MonthlyRate(plan.level)
		switch {
		case !ok && plan.level*int64(plan.n)+plan.ofp < credit:
			return QuoteAnswer{}, ValidationErrors{{Field: rateField, Code: CodeBelowAdvance, Message: "the monthly payments" +
				optionalFinalWords(req.Product) + " add up to less than the amount of credit (" + formatMoney(currency, credit) + ")"}}
		case !ok || i*1200 > maxQuoteRate.Float64():
			return QuoteAnswer{}, ValidationErrors{{Field: rateField, Code: CodeNoSolution,
				Message: "this monthly payment carries a nominal rate above " + maxQuoteRate.String() + "% a year"}}
		}
		nominal = decimalFromFloat(i*1200, 2)
	default:
		if msg := plan.priceAtAPR(*req.APR); msg != "" {
			return QuoteAnswer{}, ValidationErrors{{Field: rateField, Code: CodeNoSolution, Message: msg}}
		}
	}
	flows := plan.flows()
	x, err := SolveAPR(credit, flows)
	if err != nil {
		return QuoteAnswer{}, scheduleError(rateField, currency, credit, flows, err)
	}
	apr := roundAPR(credit, flows, x, 1)
	if market == IE && req.APR != nil && aprAbove(credit, flows, x, irelandAPRCap) && req.APR.Cmp(irelandAPRCap) <= 0 {
		// Asked for an APR at or just under the cap, the penny rounding of
		// the payment can lift the exact APR a hair above 23%; a payment a
		// minor unit lower that still states the requested APR keeps to it.
		flows, x, apr = plan.lowerToCap(*req.APR, flows, x, apr)
	}
	if market == IE && aprAbove(credit, flows, x, irelandAPRCap) {
		return QuoteAnswer{}, ValidationErrors{{Field: rateField, Code: CodeAPRCap, Message: "the APR would be " + apr.String() +
			"%: the Consumer Credit Act 1995 s.28B caps the APR of a hire-purchase agreement (which in Ireland includes a PCP) at 23%"}}
	}
	if req.APR != nil {
		nominal = NewDecimal(0, 2)
		if !req.APR.IsZero() {
			i, _ := plan.annuity().MonthlyRate(plan.level)
			nominal = decimalFromFloat(i*1200, 2)
		}
	}
	return plan.answer(req, market, currency, mileage, nominal, apr, decimalFromFloat(x*100, 6)), nil
}

// lowerToCap tries payments up to three minor units lower whose APR still
// rounds to want and is not above the Irish cap; it returns the original
// figures when none is.
func (c *creditPlan) lowerToCap(want Decimal, flows []Flow, x float64, apr Decimal) ([]Flow, float64, Decimal) {
	places := max(1, want.Scale())
	level, first := c.level, c.first
	for step := int64(1); step <= 3 && level-step > 0; step++ {
		c.level, c.first = level-step, first-step
		fl := c.flows()
		nx, err := SolveAPR(c.credit, fl)
		if err != nil {
			break
		}
		if roundAPR(c.credit, fl, nx, places).Equal(want) && !aprAbove(c.credit, fl, nx, irelandAPRCap) {
			return fl, nx, roundAPR(c.credit, fl, nx, 1)
		}
	}
	c.level, c.first = level, first
	return c.flows(), x, apr
}

func optionalFinalWords(p Product) string {
	if p == PCP {
		return " and the optional final payment"
	}
	return ""
}

// priceAtRate sets the level payment at a nominal annual rate.
func (c *creditPlan) priceAtRate(rate Decimal) error {
	a := c.annuity()
	if rate.IsZero() {
		level, first, ok := a.zeroRateLevel()
		if !ok {
			return errString("at 0% the credit left after the optional final payment is less than one minor unit a month")
		}
		c.level, c.first = level, first
		return nil
	}
	m, ok := a.Level(rate)
	if !ok {
		return errString("at this rate the optional final payment alone repays the credit; no monthly payment is left")
	}
	c.level, c.first = m, m
	return nil
}

// errString is a constant error message.
type errString string

// Error implements error.
func (e errString) Error() string { return string(e) }

// priceAtAPR finds the monthly payment, in whole minor units, whose schedule
// has the requested APR: the exact payment at that APR rounded half up, then
// moved a minor unit at a time if the rounding moved the APR across a
// rounding boundary. It returns a message when no payment fits.
func (c *creditPlan) priceAtAPR(want Decimal) string {
	places := max(1, want.Scale())
	if want.IsZero() {
		if c.fees.total() > 0 {
			return "fees are part of the total charge for credit, so no schedule with fees has a 0% APR"
		}
		level, first, ok := c.annuity().zeroRateLevel()
		if !ok {
			return "at 0% the credit left after the optional final payment is less than one minor unit a month"
		}
		c.level, c.first = level, first
		return ""
	}
	x := want.Float64() / 100
	v := math.Pow(1+x, -1.0/12)
	var unitPV float64
	p := 1.0
	for k := 1; k <= c.n; k++ {
		p *= v
		unitPV += p
	}
	last := c.n
	if c.product == PCP {
		last = c.n + 1
	}
	vLast := math.Pow(v, float64(last))
	pv := float64(c.fees.upfront) + float64(c.fees.withFirst)*v + float64(c.fees.withFinal)*vLast
	if c.product == PCP {
		pv += float64(c.ofp) * vLast
	}
	exact := (float64(c.credit) - pv) / unitPV
	if !(exact >= 1) {
		return "at this APR the fees and the optional final payment already cost more than the credit; no positive monthly payment fits"
	}
	m := int64(math.Floor(exact + 0.5))
	// A minor unit moves the APR by far less than the last stated decimal in
	// any realistic quote, so a few steps always suffice; the bound keeps a
	// tiny credit from looping.
	for step := 0; step < 8; step++ {
		c.level, c.first = m, m
		fl := c.flows()
		x, err := SolveAPR(c.credit, fl)
		if err != nil {
			return "no monthly payment gives this APR"
		}
		got := roundAPR(c.credit, fl, x, places)
		switch got.Cmp(want) {
		case 0:
			if m*int64(c.n)+c.ofp < c.credit {
				return "the fees alone make the APR nearly this high: the payments would repay less than the credit, " +
					"a negative rate of interest; ask for a higher APR or lower fees"
			}
			return ""
		case -1:
			m++
		default:
			m--
		}
		if m < 1 {
			break
		}
	}
	return "no monthly payment in whole minor units gives exactly this APR; the credit is too small for this precision"
}

// answer presents a priced credit plan.
func (c *creditPlan) answer(req QuoteRequest, market Market, currency Currency, mileage *Mileage, nominal, apr, aprPrecise Decimal) QuoteAnswer {
	flows := c.flows()
	var paid int64
	for _, fl := range flows {
		paid += fl.Amount
	}
	fees := c.fees.total()
	interest := paid - fees - c.credit
	duration := c.duration()
	terms := &CreditTerms{
		Deposit:              req.Deposit,
		DepositContribution:  req.DepositContribution,
		TotalDeposit:         req.Deposit + req.DepositContribution,
		AmountOfCredit:       c.credit,
		MonthlyPayments:      c.n,
		MonthlyPayment:       c.level,
		TotalChargeForCredit: paid - c.credit,
		TotalAmountPayable:   req.Deposit + req.DepositContribution + paid,
		APR:                  apr,
		APRPrecise:           aprPrecise,
		NominalRate:          nominal,
		FlatRate:             flatRate(interest, c.credit, duration, 2),
		RateBasis:            string(Nominal),
	}
	if req.RateBasis == Flat {
		terms.RateBasis = string(Flat)
	}
	if market == IE {
		terms.RateBasis = "apr_only"
	}
	firstAmt := c.first + c.fees.withFirst
	if c.n == 1 && c.product == HP {
		firstAmt += c.fees.withFinal
	}
	if firstAmt != c.level {
		terms.FirstPayment = ptr(firstAmt)
	}
	if c.n > 1 {
		lastAmt := c.level
		if c.product == HP {
			lastAmt += c.fees.withFinal
		}
		if lastAmt != c.level {
			terms.FinalPayment = ptr(lastAmt)
		}
	}
	if c.product == PCP {
		terms.OptionalFinalPayment = ptr(c.ofp)
	}
	if mileage != nil {
		mileage.ContractMileage = mileage.AnnualMileage * duration / 12
	}
	ans := QuoteAnswer{
		Product:        req.Product,
		Market:         market,
		Currency:       currency,
		CashPrice:      req.CashPrice,
		CreditTerms:    terms,
		Fees:           normaliseFees(req.Fees),
		Mileage:        mileage,
		DurationMonths: duration,
	}
	ans.Schedule = c.schedule(req)
	ans.RepresentativeExample = representativeExample(&ans)
	return ans
}

// flatRate is interest × 1200 / (credit × months), exactly, rounded half up
// to places decimals: the interest as a percentage of the credit for each
// year of the agreement.
func flatRate(interest, credit int64, months, places int) Decimal {
	if credit <= 0 || months <= 0 {
		return NewDecimal(0, places)
	}
	r := new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(interest), big.NewInt(1200)),
		new(big.Int).Mul(big.NewInt(credit), big.NewInt(int64(months))))
	return ratToDecimal(r, places)
}

func normaliseFees(fees []Fee) []Fee {
	out := make([]Fee, len(fees))
	for i, f := range fees {
		out[i] = Fee{Name: strings.TrimSpace(f.Name), Amount: f.Amount, Payable: f.Payable}
	}
	return out
}

func ptr[T any](v T) *T { return &v }

// schedule lists every payment: the deposit and any contribution on day 0,
// upfront fees, each monthly payment and the PCP optional final payment.
func (c *creditPlan) schedule(req QuoteRequest) []ScheduledPayment {
	s := make([]ScheduledPayment, 0, c.n+4)
	if req.Deposit > 0 {
		s = append(s, ScheduledPayment{Month: 0, Amount: req.Deposit, Kind: KindDeposit, Description: "Your deposit"})
	}
	if req.DepositContribution > 0 {
		s = append(s, ScheduledPayment{Month: 0, Amount: req.DepositContribution, Kind: KindDepositContribution,
			Description: "Deposit contribution, paid by the retailer or manufacturer, not by you"})
	}
	if c.fees.upfront > 0 {
		s = append(s, ScheduledPayment{Month: 0, Amount: c.fees.upfront, Kind: KindFee, Fees: c.fees.upfront,
			Description: feeNames(req.Fees, Upfront) + ", paid on the day of the agreement"})
	}
	for k := 1; k <= c.n; k++ {
		sp := ScheduledPayment{Month: k, Amount: c.level, Kind: KindMonthly, Description: "Monthly payment"}
		if k == 1 {
			sp.Amount = c.first + c.fees.withFirst
			sp.Fees = c.fees.withFirst
			switch {
			case c.fees.withFirst > 0:
				sp.Description = "First monthly payment, including the " + feeNames(req.Fees, WithFirst)
			case c.first != c.level:
				sp.Description = "First monthly payment, including the rounding remainder of the 0% payments"
			}
		}
		if k == c.n && c.product == HP && c.fees.withFinal > 0 {
			sp.Amount += c.fees.withFinal
			sp.Fees += c.fees.withFinal
			sp.Description = "Final monthly payment, including the " + feeNames(req.Fees, WithFinal)
		}
		s = append(s, sp)
	}
	if c.product == PCP {
		sp := ScheduledPayment{Month: c.n + 1, Amount: c.ofp + c.fees.withFinal, Kind: KindOptionalFinal, Fees: c.fees.withFinal,
			Description: "Optional final payment, if you choose to own the car"}
		if c.fees.withFinal > 0 {
			sp.Description = "Optional final payment with the " + feeNames(req.Fees, WithFinal) + ", if you choose to own the car"
		}
		s = append(s, sp)
	}
	return s
}

// feeNames joins the names of the fees paid at one time, in lower case:
// "documentation fee and option to purchase fee".
func feeNames(fees []Fee, t FeeTiming) string {
	var names []string
	for _, f := range fees {
		if f.Payable == t {
			names = append(names, lowerFirst(strings.TrimSpace(f.Name)))
		}
	}
	switch len(names) {
	case 0:
		return "fees"
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	// Keep acronyms (APR, GAP) as written.
	if len(r) > 1 && r[1] >= 'A' && r[1] <= 'Z' {
		return s
	}
	return strings.ToLower(string(r[:1])) + string(r[1:])
}
