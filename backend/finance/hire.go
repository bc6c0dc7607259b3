package finance

// hireQuote prices personal contract hire: an initial rental of
// InitialRentalMonths rentals on day 0, MonthlyPayments rentals at months
// 1..n, and the car handed back at month n+1. Hire is not credit: there is no
// APR, no amount of credit and no total charge for credit.
func hireQuote(req QuoteRequest, prefix string, market Market, currency Currency, mileage *Mileage, p *problems) (QuoteAnswer, error) {
	f := func(name string) string { return join(prefix, name) }
	if req.Deposit != 0 {
		p.add(f("deposit"), CodeNotAllowed, "hire has no deposit; its advance payment is the initial rental")
	}
	if req.DepositContribution != 0 {
		p.add(f("deposit_contribution"), CodeNotAllowed, "hire has no deposit contribution")
	}
	if req.OptionalFinalPayment != 0 {
		p.add(f("optional_final_payment"), CodeNotAllowed, "hire has no optional final payment; the car is handed back")
	}
	if req.APR != nil {
		p.add(f("apr"), CodeNotAllowed, "hire is not credit and has no APR")
	}
	if req.MonthlyPayment != nil {
		p.add(f("monthly_payment"), CodeNotAllowed, "use monthly_rental for hire")
	}
	if req.RateBasis != "" {
		p.add(f("rate_basis"), CodeNotAllowed, "a hire example prints no rate")
	}
	if req.InitialRentalMonths < 1 || req.InitialRentalMonths > maxInitialRentals {
		p.add(f("initial_rental_months"), CodeOutOfRange, "is required for pch and must be between 1 and %d", maxInitialRentals)
	}
	switch {
	case req.MonthlyRental != nil && req.Rate != nil:
		p.add(f("monthly_rental"), CodeConflict, "give either monthly_rental, or rate with residual_value")
	case req.MonthlyRental != nil:
		validateMoney(p, f("monthly_rental"), *req.MonthlyRental, false)
		if req.ResidualValue != nil {
			p.add(f("residual_value"), CodeNotAllowed, "is only used with rate")
		}
		if req.CashPrice != 0 {
			validateMoney(p, f("cash_price"), req.CashPrice, false)
		}
	case req.Rate != nil:
		validateRate(p, f("rate"), req.Rate, maxQuoteRate)
		validateMoney(p, f("cash_price"), req.CashPrice, false)
		if req.ResidualValue == nil {
			p.add(f("residual_value"), CodeRequired, "is required with rate")
		} else {
			validateMoney(p, f("residual_value"), *req.ResidualValue, true)
			if p.ok() && *req.ResidualValue >= req.CashPrice {
				p.add(f("residual_value"), CodeOutOfRange, "must be less than the cash price")
			}
		}
	default:
		p.add(f("monthly_rental"), CodeRequired, "give either monthly_rental, or rate with residual_value")
	}
	if err := p.err(); err != nil {
		return QuoteAnswer{}, err
	}
	k, n := req.InitialRentalMonths, req.MonthlyPayments
	var rental, initial int64
	if req.MonthlyRental != nil {
		rental = *req.MonthlyRental
		initial = int64(k) * rental
	} else {
		a := Annuity{Principal: req.CashPrice, Balloon: *req.ResidualValue, BalloonMonth: n + 1, Advance: k, Payments: n}
		if req.Rate.IsZero() {
			level, first, ok := a.zeroRateLevel()
			if !ok {
				return QuoteAnswer{}, ValidationErrors{{Field: f("residual_value"), Code: CodeNoSolution,
					Message: "the cash price less the residual value is less than one minor unit a rental"}}
			}
			rental, initial = level, int64(k-1)*level+first
		} else {
			m, ok := a.Level(*req.Rate)
			if !ok {
				return QuoteAnswer{}, ValidationErrors{{Field: f("residual_value"), Code: CodeNoSolution,
					Message: "at this rate the residual value alone covers the cash price; no rental is left"}}
			}
			rental, initial = m, int64(k)*m
		}
	}
	fees := sumFees(req.Fees)
	totalRentals := initial + int64(n)*rental
	terms := &HireTerms{
		InitialRentalMonths: k,
		InitialRental:       initial,
		MonthlyRentals:      n,
		MonthlyRental:       rental,
		TotalRentals:        totalRentals,
		TotalCost:           totalRentals + fees.total(),
		ResidualValue:       req.ResidualValue,
		Rate:                req.Rate,
	}
	duration := n + 1
	if mileage != nil {
		mileage.ContractMileage = mileage.AnnualMileage * duration / 12
	}
	ans := QuoteAnswer{
		Product:        PCH,
		Market:         market,
		Currency:       currency,
		CashPrice:      req.CashPrice,
		HireTerms:      terms,
		Fees:           normaliseFees(req.Fees),
		Mileage:        mileage,
		DurationMonths: duration,
	}
	ans.Schedule = hireSchedule(req, initial, rental, fees)
	ans.RepresentativeExample = representativeExample(&ans)
	return ans, nil
}

// hireSchedule lists the rentals and any fees.
func hireSchedule(req QuoteRequest, initial, rental int64, fees feeTotals) []ScheduledPayment {
	n := req.MonthlyPayments
	s := make([]ScheduledPayment, 0, n+2)
	if fees.upfront > 0 {
		s = append(s, ScheduledPayment{Month: 0, Amount: fees.upfront, Kind: KindFee, Fees: fees.upfront,
			Description: feeNames(req.Fees, Upfront) + ", paid on the day of the agreement"})
	}
	first := ScheduledPayment{Month: 0, Amount: initial + fees.withFirst, Kind: KindInitialRental, Fees: fees.withFirst,
		Description: "Initial rental"}
	if fees.withFirst > 0 {
		first.Description = "Initial rental, including the " + feeNames(req.Fees, WithFirst)
	}
	s = append(s, first)
	for k := 1; k <= n; k++ {
		sp := ScheduledPayment{Month: k, Amount: rental, Kind: KindRental, Description: "Monthly rental"}
		if k == n && fees.withFinal > 0 {
			sp.Amount += fees.withFinal
			sp.Fees = fees.withFinal
			sp.Description = "Final monthly rental, including the " + feeNames(req.Fees, WithFinal)
		}
		s = append(s, sp)
	}
	return s
}
