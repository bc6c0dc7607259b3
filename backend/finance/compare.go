package finance

// CompareRequest sets the customer's current agreement (a settle request)
// beside up to four offers (quote requests). Positive equity in the current
// car is added to each offer's deposit; negative equity never is.
type CompareRequest struct {
	Current SettleRequest  `json:"current"`
	Offers  []QuoteRequest `json:"offers"`
}

// CompareAnswer is the current position and the offers side by side.
type CompareAnswer struct {
	Current CurrentPosition   `json:"current"`
	Offers  []OfferComparison `json:"offers"`
}

// CurrentPosition is what the customer pays now and what the current car is
// worth to them.
type CurrentPosition struct {
	MonthlyPayment    int64  `json:"monthly_payment"`
	PaymentsRemaining int    `json:"payments_remaining"`
	SettlementFigure  int64  `json:"settlement_figure"`
	GoodUntil         string `json:"good_until"`
	AtEnd             bool   `json:"at_end"`
	Equity            *int64 `json:"equity"`
	EquityKnown       bool   `json:"equity_known"`
	EquityBasis       string `json:"equity_basis"`
}

// OfferComparison is one offer priced for this customer. MonthlyChange is the
// offer's monthly payment less the current one (positive: more a month).
// TotalCostOverTerm is what the customer pays during the offer's term: the
// cash deposit, every monthly payment or rental, and the fees, but not a
// PCP's optional final payment, which they need only pay to keep the car.
type OfferComparison struct {
	Product             Product     `json:"product"`
	MonthlyPayment      int64       `json:"monthly_payment"`
	MonthlyChange       int64       `json:"monthly_change"`
	DurationMonths      int         `json:"duration_months"`
	EquityUsedAsDeposit int64       `json:"equity_used_as_deposit"`
	EquityNotUsed       int64       `json:"equity_not_used"`
	TotalCostOverTerm   int64       `json:"total_cost_over_term"`
	APR                 *Decimal    `json:"apr,omitempty"`
	Quote               QuoteAnswer `json:"quote"`
}

// Compare prices each offer for the customer and sets it beside the current
// agreement.
func Compare(req CompareRequest) (CompareAnswer, error) {
	var p problems
	switch {
	case len(req.Offers) == 0:
		p.add("offers", CodeRequired, "give between 1 and %d offers", MaxOffers)
	case len(req.Offers) > MaxOffers:
		p.add("offers", CodeTooMany, "at most %d offers can be compared", MaxOffers)
	}
	plan, err := validateSettle(req.Current, "current")
	if err != nil {
		if ve, ok := err.(ValidationErrors); ok {
			p.list = append(p.list, ve...)
		}
	}
	if err := p.err(); err != nil {
		return CompareAnswer{}, err
	}
	settled := plan.settle(req.Current.Valuation)
	current := CurrentPosition{
		PaymentsRemaining: settled.PaymentsRemaining,
		SettlementFigure:  settled.SettlementFigure,
		GoodUntil:         settled.GoodUntil,
		AtEnd:             settled.AtEnd,
		Equity:            settled.Equity,
		EquityKnown:       settled.EquityKnown,
		EquityBasis:       settled.EquityBasis,
	}
	if settled.NextPayment != nil && !settled.AtEnd {
		current.MonthlyPayment = settled.NextPayment.Amount
	}
	positive := int64(0)
	if settled.Equity != nil && *settled.Equity > 0 {
		positive = *settled.Equity
	}
	ans := CompareAnswer{Current: current, Offers: make([]OfferComparison, 0, len(req.Offers))}
	var errs ValidationErrors
	for i, offer := range req.Offers {
		prefix := index("offers", i)
		used := usableEquity(offer, positive)
		priced := offer
		priced.Deposit += used
		q, err := quote(priced, prefix)
		if err != nil {
			if ve, ok := err.(ValidationErrors); ok {
				errs = append(errs, ve...)
				continue
			}
			return CompareAnswer{}, err
		}
		ans.Offers = append(ans.Offers, compareOne(q, used, positive, current.MonthlyPayment))
	}
	if len(errs) > 0 {
		return CompareAnswer{}, errs
	}
	return ans, nil
}

// usableEquity is how much positive equity an offer can take as deposit: all
// of it, unless that would leave less than one pound (or euro) of credit a
// month above the optional final payment. Hire takes none: it has no deposit.
func usableEquity(offer QuoteRequest, equity int64) int64 {
	if equity <= 0 || offer.Product == PCH {
		return 0
	}
	room := offer.CashPrice - offer.Deposit - offer.DepositContribution - offer.OptionalFinalPayment - int64(max(offer.MonthlyPayments, 1))*100
	if room <= 0 {
		return 0
	}
	return min(equity, room)
}

func compareOne(q QuoteAnswer, used, equity, currentMonthly int64) OfferComparison {
	c := OfferComparison{
		Product:             q.Product,
		DurationMonths:      q.DurationMonths,
		EquityUsedAsDeposit: used,
		EquityNotUsed:       equity - used,
		Quote:               q,
	}
	if q.HireTerms != nil {
		c.MonthlyPayment = q.HireTerms.MonthlyRental
	} else {
		c.MonthlyPayment = q.CreditTerms.MonthlyPayment
		c.APR = ptr(q.CreditTerms.APR)
	}
	// What the customer pays in cash during the term: the deposit less the
	// equity that funds part of it, fees, and every monthly payment or
	// rental; not the dealer's contribution, and not a PCP's optional final
	// payment (or the fee paid with it), due only to keep the car.
	for _, s := range q.Schedule {
		switch s.Kind {
		case KindDeposit, KindFee, KindMonthly, KindInitialRental, KindRental:
			c.TotalCostOverTerm += s.Amount
		}
	}
	c.TotalCostOverTerm -= used
	c.MonthlyChange = c.MonthlyPayment - currentMonthly
	return c
}
