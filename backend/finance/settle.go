package finance

import (
	"math"
	"time"
)

// SettleRequest describes an agreement part-way through: its start date,
// amount of credit, APR and payments (months from the start, as in
// APRRequest), the date the customer asks for a settlement figure, and
// optionally the vehicle's valuation and the deposit paid at the start (the
// deposit counts towards the total amount payable for voluntary
// termination).
type SettleRequest struct {
	Currency       Currency     `json:"currency,omitempty"`
	Market         Market       `json:"market,omitempty"`
	StartDate      string       `json:"start_date"`
	AmountOfCredit int64        `json:"amount_of_credit"`
	APR            *Decimal     `json:"apr"`
	Payments       []PaymentRun `json:"payments"`
	SettlementDate string       `json:"settlement_date"`
	Valuation      *int64       `json:"valuation,omitempty"`
	Deposit        *int64       `json:"deposit,omitempty"`
}

// SettleAnswer is the early settlement figure, the voluntary termination
// position and the equity.
type SettleAnswer struct {
	Currency                    Currency             `json:"currency"`
	Market                      Market               `json:"market"`
	RequestDate                 string               `json:"request_date"`
	SettlementDate              string               `json:"settlement_date"`
	GoodUntil                   string               `json:"good_until"`
	RebateDate                  string               `json:"rebate_date"`
	Basis                       string               `json:"basis"`
	PaymentsMade                int                  `json:"payments_made"`
	PaymentsRemaining           int                  `json:"payments_remaining"`
	PaymentsDueBeforeSettlement int64                `json:"payments_due_before_settlement"`
	RemainingAfterSettlement    int64                `json:"remaining_after_settlement"`
	Rebate                      int64                `json:"rebate"`
	SettlementFigure            int64                `json:"settlement_figure"`
	NextPayment                 *ScheduledDate       `json:"next_payment,omitempty"`
	AtEnd                       bool                 `json:"at_end"`
	FinalPayment                *ScheduledDate       `json:"final_payment,omitempty"`
	ScheduleAPR                 *Decimal             `json:"schedule_apr,omitempty"`
	VoluntaryTermination        VoluntaryTermination `json:"voluntary_termination"`
	Valuation                   *int64               `json:"valuation"`
	Equity                      *int64               `json:"equity"`
	EquityKnown                 bool                 `json:"equity_known"`
	EquityBasis                 string               `json:"equity_basis"`
}

// ScheduledDate is one payment with its due date.
type ScheduledDate struct {
	Month  int    `json:"month"`
	Date   string `json:"date"`
	Amount int64  `json:"amount"`
}

// VoluntaryTermination is the customer's right to end a hire-purchase (or
// PCP) agreement and hand the car back once half the total amount payable
// has been paid.
type VoluntaryTermination struct {
	TotalAmountPayable int64  `json:"total_amount_payable"`
	HalfTotal          int64  `json:"half_total_amount_payable"`
	PaidToDate         int64  `json:"paid_to_date"`
	Available          bool   `json:"available"`
	StillToPay         int64  `json:"still_to_pay"`
	Rule               string `json:"rule"`
}

// Dates and rules of early settlement.
var (
	// ccdStart is when the Consumer Credit Directive rules began to apply in
	// the UK (1 February 2011); agreements made from then have no deferred
	// settlement date (see docs/finance.md).
	ccdStart = time.Date(2011, time.February, 1, 0, 0, 0, 0, time.UTC)
)

const (
	settlementNoticeDays = 28
	ruleVTUK             = "Consumer Credit Act 1974 ss.99–100: the customer may end the agreement once half the total amount payable has been paid"
	ruleVTIE             = "Consumer Credit Act 1995 Part VI: the hirer may end the hire-purchase agreement once half the hire-purchase price has been paid"
)

// settlePlan is a validated settlement request.
type settlePlan struct {
	market   Market
	currency Currency
	start    time.Time
	asOf     time.Time
	credit   int64
	apr      Decimal
	flows    []Flow
	deposit  int64
}

func validateSettle(req SettleRequest, prefix string) (settlePlan, error) {
	var p problems
	f := func(name string) string { return join(prefix, name) }
	market, currency := resolveMarketCurrency(&p, prefix, req.Market, req.Currency)
	start, okStart := parseDate(&p, f("start_date"), req.StartDate)
	asOf, okAsOf := parseDate(&p, f("settlement_date"), req.SettlementDate)
	if okStart && okAsOf && asOf.Before(start) {
		p.add(f("settlement_date"), CodeOutOfRange, "must not be before the start date")
	}
	validateMoney(&p, f("amount_of_credit"), req.AmountOfCredit, false)
	if req.APR == nil {
		p.add(f("apr"), CodeRequired, "is required: the agreement's APR, e.g. 6.9")
	} else {
		validateRate(&p, f("apr"), req.APR, maxQuoteRate)
	}
	if req.Valuation != nil {
		validateMoney(&p, f("valuation"), *req.Valuation, true)
	}
	if req.Deposit != nil {
		validateMoney(&p, f("deposit"), *req.Deposit, true)
	}
	flows := expandRuns(&p, f("payments"), req.Payments)
	if err := p.err(); err != nil {
		return settlePlan{}, err
	}
	return settlePlan{market: market, currency: currency, start: start, asOf: asOf, credit: req.AmountOfCredit,
		apr: *req.APR, flows: flows, deposit: valueOr(req.Deposit, 0)}, nil
}

// Settle computes the early settlement figure under the Consumer Credit
// (Early Settlement) Regulations 2004, the voluntary termination position and
// the equity.
func Settle(req SettleRequest) (SettleAnswer, error) {
	plan, err := validateSettle(req, "")
	if err != nil {
		return SettleAnswer{}, err
	}
	return plan.settle(req.Valuation), nil
}

func (s settlePlan) settle(valuation *int64) SettleAnswer {
	// Regulation 5(a): the settlement date is 28 days after the creditor
	// receives the customer's request; the figure is good until then.
	settlement := s.asOf.AddDate(0, 0, settlementNoticeDays)
	last := s.flows[len(s.flows)-1]
	endDate := addMonths(s.start, last.Month)
	// Regulation 6 defers the settlement date used for the rebate by one
	// month for agreements longer than a year; agreements made from
	// 1 February 2011 fall under the Consumer Credit Directive rules instead.
	rebateDate := settlement
	basis := "Consumer Credit (Early Settlement) Regulations 2004: the payments due after the settlement date, discounted to it at the APR " +
		"(regulation 4), time counted in months and days (CONC App 1.2.6R); settlement date 28 days after the request (regulation 5(a)); "
	if s.market == IE {
		basis = "Ireland: the payments due after the settlement date, discounted to it at the APR, the rebate of the cost of credit for the " +
			"remaining term; Keyturn uses the UK convention of a settlement date 28 days after the request; "
	}
	if s.start.Before(ccdStart) && last.Month > 12 {
		rebateDate = addMonths(settlement, 1)
		basis += "rebate date deferred by one month (regulation 6), as the agreement was made before 1 February 2011 and runs for more than a year."
	} else {
		basis += "no deferral of the rebate date (regulation 6 is not applied to agreements made from 1 February 2011)."
	}

	r := s.apr.Float64() / 100
	var made, remaining int
	var paidToDate, dueBefore, after int64
	var pv float64
	var next *ScheduledDate
	var total int64
	for _, f := range s.flows {
		total += f.Amount
		due := addMonths(s.start, f.Month)
		switch {
		case !due.After(s.asOf):
			made++
			paidToDate += f.Amount
		case !due.After(rebateDate):
			remaining++
			dueBefore += f.Amount
		default:
			remaining++
			after += f.Amount
			pv += float64(f.Amount) * math.Pow(1+r, -yearsBetween(rebateDate, due))
		}
		if due.After(s.asOf) && next == nil {
			next = &ScheduledDate{Month: f.Month, Date: formatDate(due), Amount: f.Amount}
		}
	}
	discounted := int64(math.Floor(pv + 0.5))
	ans := SettleAnswer{
		Currency:                    s.currency,
		Market:                      s.market,
		RequestDate:                 formatDate(s.asOf),
		SettlementDate:              formatDate(settlement),
		GoodUntil:                   formatDate(settlement),
		RebateDate:                  formatDate(rebateDate),
		Basis:                       basis,
		PaymentsMade:                made,
		PaymentsRemaining:           remaining,
		PaymentsDueBeforeSettlement: dueBefore,
		RemainingAfterSettlement:    after,
		Rebate:                      after - discounted,
		SettlementFigure:            dueBefore + discounted,
		NextPayment:                 next,
		Valuation:                   valuation,
	}
	if x, err := SolveAPR(s.credit, s.flows); err == nil {
		ans.ScheduleAPR = ptr(roundAPR(s.credit, s.flows, x, 1))
	}
	ans.FinalPayment = &ScheduledDate{Month: last.Month, Date: formatDate(endDate), Amount: last.Amount}
	// At the end: only the final payment is left and it is a balloon, larger
	// than every other payment (a PCP's optional final payment).
	ans.AtEnd = remaining == 1 && after+dueBefore == last.Amount && isBalloon(s.flows)

	totalPayable := s.deposit + total
	half := (totalPayable + 1) / 2
	paid := s.deposit + paidToDate
	rule := ruleVTUK
	if s.market == IE {
		rule = ruleVTIE
	}
	ans.VoluntaryTermination = VoluntaryTermination{
		TotalAmountPayable: totalPayable,
		HalfTotal:          half,
		PaidToDate:         paid,
		Available:          paid >= half,
		StillToPay:         max(0, half-paid),
		Rule:               rule,
	}

	switch {
	case valuation == nil:
		ans.EquityBasis = "unknown: no valuation was given, and equity is never guessed"
	case remaining == 0:
		ans.Equity, ans.EquityKnown = ptr(*valuation), true
		ans.EquityBasis = "the agreement is paid: the equity is the whole valuation"
	case ans.AtEnd:
		ans.Equity, ans.EquityKnown = ptr(*valuation-last.Amount), true
		ans.EquityBasis = "valuation − optional final payment (the agreement is at its end)"
	default:
		ans.Equity, ans.EquityKnown = ptr(*valuation-ans.SettlementFigure), true
		ans.EquityBasis = "valuation − settlement figure"
	}
	return ans
}

// isBalloon reports whether the last payment is larger than every other.
func isBalloon(flows []Flow) bool {
	if len(flows) < 2 {
		return false
	}
	last := flows[len(flows)-1].Amount
	for _, f := range flows[:len(flows)-1] {
		if f.Amount >= last {
			return false
		}
	}
	return true
}
