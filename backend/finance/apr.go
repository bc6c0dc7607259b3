package finance

import (
	"errors"
	"math"
	"math/big"
	"sort"
)

// Flow is one payment the customer makes: Amount minor units due Month whole
// months after the day the credit is advanced (month 0 is that day).
type Flow struct {
	Month  int
	Amount int64
}

// Errors from SolveAPR. The request-level functions turn them into
// ValidationErrors that name the field.
var (
	// ErrNoAdvance means the advance is not positive.
	ErrNoAdvance = errors.New("finance: the advance must be positive")
	// ErrBelowAdvance means the payments add up to less than the advance,
	// so only a negative rate could solve the equation.
	ErrBelowAdvance = errors.New("finance: the payments add up to less than the advance")
	// ErrNoSolution means no positive rate solves the equation, e.g. when
	// payments on the day of the advance already repay all of it.
	ErrNoSolution = errors.New("finance: no annual rate solves the APR equation")
)

// MaxAPR is the highest APR (percent) the engine states; above it the
// schedule is reported as having no usable solution.
const MaxAPR = 100_000_000

// SolveAPR returns the annual rate X, as a fraction (0.129 is 12.9%), that
// solves the equation of CONC App 1.2.1R / Directive 2008/48/EC Annex I for
// one drawdown of advance on day 0:
//
//	advance = Σ amount_k × (1 + X)^(−month_k / 12)
//
// with time in years and one month = 1/12 year (CONC App 1.2.6R(1)). In the
// monthly discount factor v = (1+X)^(−1/12) the right side is a polynomial
// with positive coefficients, increasing and convex on (0, 1]; Newton's
// method started at v = 1 (X = 0) therefore approaches the root from above
// without overshooting. A bisection fallback guarantees an answer should
// Newton stall. The solver allocates nothing, and works for any order of
// flows, though it is fastest when months ascend.
func SolveAPR(advance int64, flows []Flow) (float64, error) {
	if advance <= 0 {
		return 0, ErrNoAdvance
	}
	var total, onDayZero int64
	for _, f := range flows {
		total += f.Amount
		if f.Month == 0 {
			onDayZero += f.Amount
		}
	}
	switch {
	case total < advance:
		return 0, ErrBelowAdvance
	case total == advance:
		return 0, nil
	case onDayZero >= advance:
		return 0, ErrNoSolution
	}
	a := float64(advance)
	v := 1.0
	converged := false
	for iter := 0; iter < 100; iter++ {
		g, dg := presentValue(flows, v)
		g -= a
		if math.IsNaN(g) || dg <= 0 {
			break
		}
		if g <= 0 {
			// From above, g only reaches zero at the root; a value at or
			// below zero is the root to the float's precision.
			converged = true
			break
		}
		next := v - g/dg
		if next <= 0 {
			break
		}
		if v-next <= 1e-16*v {
			v = next
			converged = true
			break
		}
		v = next
	}
	if !converged {
		v = bisectV(flows, a)
	}
	x := math.Pow(v, -12) - 1
	if math.IsInf(x, 0) || math.IsNaN(x) || x*100 > MaxAPR {
		return 0, ErrNoSolution
	}
	if x < 0 {
		// Rounding at the very bottom of the range; the exact root is X ≥ 0
		// because the payments exceed the advance.
		x = 0
	}
	return x, nil
}

// presentValue returns Σ a·v^m and its derivative Σ a·m·v^(m−1).
func presentValue(flows []Flow, v float64) (pv, dpv float64) {
	prevMonth := 0
	p := 1.0 // v^prevMonth
	for _, f := range flows {
		switch {
		case f.Month == prevMonth:
		case f.Month == prevMonth+1:
			p *= v
		default:
			p = math.Pow(v, float64(f.Month))
		}
		prevMonth = f.Month
		amt := float64(f.Amount)
		pv += amt * p
		if f.Month > 0 {
			dpv += amt * float64(f.Month) * p / v
		}
	}
	return pv, dpv
}

// bisectV finds the root of Σ a·v^m = advance on (0, 1) by bisection.
func bisectV(flows []Flow, advance float64) float64 {
	lo, hi := 0.0, 1.0
	for i := 0; i < 200; i++ {
		mid := (lo + hi) / 2
		if mid == lo || mid == hi {
			break
		}
		pv, _ := presentValue(flows, mid)
		if pv > advance {
			hi = mid
		} else {
			lo = mid
		}
	}
	return (lo + hi) / 2
}

// roundAPR rounds the APR (percent) half up to places decimals (RULES A2).
// The float root x decides unless it lies within reach of a rounding
// boundary; then the boundary itself, an exact decimal, is put into the
// equation with 256-bit arithmetic and the sign of the result decides.
func roundAPR(advance int64, flows []Flow, x float64, places int) Decimal {
	p := x * 100 * float64(pow10[places])
	k := math.Floor(p + 0.5)
	guard := 1e-7 * math.Max(1, math.Abs(p))
	switch {
	case math.Abs(p-(k-0.5)) < guard:
		// Just above the lower boundary by the float's reckoning.
		if compareRoot(advance, flows, halfBoundary(int64(k)-1, places)) < 0 {
			k--
		}
	case math.Abs((k+0.5)-p) < guard:
		// Just below the upper boundary.
		if compareRoot(advance, flows, halfBoundary(int64(k), places)) >= 0 {
			k++
		}
	}
	return Decimal{units: int64(k), scale: int32(places)}
}

// halfBoundary is (k + ½) × 10^−places as an exact Decimal: the point where
// half-up rounding to places decimals moves from k to k+1.
func halfBoundary(k int64, places int) Decimal {
	return Decimal{units: k*10 + 5, scale: int32(places + 1)}
}

// aprAbove reports whether the root APR is strictly above limit (percent),
// deciding exactly near the limit.
func aprAbove(advance int64, flows []Flow, x float64, limit Decimal) bool {
	p := x * 100
	l := limit.Float64()
	if math.Abs(p-l) > 1e-7*math.Max(1, l) {
		return p > l
	}
	return compareRoot(advance, flows, limit) > 0
}

// compareRoot returns the sign of (root − b) where root is the exact APR
// (percent) of the schedule and b an exact decimal percentage. Because the
// present value falls as the rate rises, root > b exactly when the present
// value at b exceeds the advance. A difference smaller than 2^−180 of the
// advance is taken as equality: only a root that is itself the decimal b
// comes that close.
func compareRoot(advance int64, flows []Flow, b Decimal) int {
	const prec = 256
	base := new(big.Float).SetPrec(prec).SetRat(new(big.Rat).Add(big.NewRat(1, 1), new(big.Rat).Quo(b.Rat(), big.NewRat(100, 1))))
	w := twelfthRoot(base, prec) // (1+B)^(1/12)
	v := new(big.Float).SetPrec(prec).Quo(big.NewFloat(1).SetPrec(prec), w)
	sorted := make([]Flow, len(flows))
	copy(sorted, flows)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Month < sorted[j].Month })
	pv := new(big.Float).SetPrec(prec)
	p := new(big.Float).SetPrec(prec).SetInt64(1)
	month := 0
	term := new(big.Float).SetPrec(prec)
	for _, f := range sorted {
		for month < f.Month {
			p.Mul(p, v)
			month++
		}
		term.SetInt64(f.Amount)
		term.Mul(term, p)
		pv.Add(pv, term)
	}
	diff := pv.Sub(pv, new(big.Float).SetPrec(prec).SetInt64(advance))
	tol := new(big.Float).SetPrec(prec).SetMantExp(big.NewFloat(float64(advance)), -180)
	if new(big.Float).Abs(diff).Cmp(tol) <= 0 {
		return 0
	}
	return diff.Sign()
}

// twelfthRoot returns x^(1/12) for x > 0: a cube root by Newton's method
// followed by two square roots.
func twelfthRoot(x *big.Float, prec uint) *big.Float {
	f, _ := x.Float64()
	y := new(big.Float).SetPrec(prec).SetFloat64(math.Cbrt(f))
	three := new(big.Float).SetPrec(prec).SetInt64(3)
	y2 := new(big.Float).SetPrec(prec)
	t := new(big.Float).SetPrec(prec)
	for i := 0; i < 8; i++ {
		// y ← y − (y³ − x)/(3y²)
		y2.Mul(y, y)
		t.Mul(y2, y)
		t.Sub(t, x)
		y2.Mul(y2, three)
		t.Quo(t, y2)
		y.Sub(y, t)
	}
	y.Sqrt(y)
	y.Sqrt(y)
	return y
}

// APRRequest asks for the APR of any schedule: an advance on day 0 and the
// payments that repay it, months counted from the day of the advance.
type APRRequest struct {
	Currency Currency     `json:"currency"`
	Advance  int64        `json:"advance"`
	Payments []PaymentRun `json:"payments"`
}

// PaymentRun is Count equal monthly payments of Amount, the first in Month.
// Count defaults to 1.
type PaymentRun struct {
	Month  int   `json:"month"`
	Count  *int  `json:"count,omitempty"`
	Amount int64 `json:"amount"`
}

// APRAnswer is the APR of a schedule: rounded half up to one decimal place
// (RULES A2) and, for display, to six places.
type APRAnswer struct {
	Currency             Currency `json:"currency"`
	Advance              int64    `json:"advance"`
	APR                  Decimal  `json:"apr"`
	APRPrecise           Decimal  `json:"apr_precise"`
	TotalAmountPayable   int64    `json:"total_amount_payable"`
	TotalChargeForCredit int64    `json:"total_charge_for_credit"`
	PaymentsCount        int      `json:"payments_count"`
	DurationMonths       int      `json:"duration_months"`
}

// APR computes the APR of the schedule in req.
func APR(req APRRequest) (APRAnswer, error) {
	var p problems
	switch req.Currency {
	case GBP, EUR:
	case "":
		p.add("currency", CodeRequired, "is required (GBP or EUR)")
	default:
		p.add("currency", CodeInvalid, "must be GBP or EUR")
	}
	validateMoney(&p, "advance", req.Advance, false)
	flows := expandRuns(&p, "payments", req.Payments)
	if err := p.err(); err != nil {
		return APRAnswer{}, err
	}
	x, err := SolveAPR(req.Advance, flows)
	if err != nil {
		return APRAnswer{}, scheduleError("payments", req.Currency, req.Advance, flows, err)
	}
	var total int64
	last := 0
	for _, f := range flows {
		total += f.Amount
		last = max(last, f.Month)
	}
	return APRAnswer{
		Currency:             req.Currency,
		Advance:              req.Advance,
		APR:                  roundAPR(req.Advance, flows, x, 1),
		APRPrecise:           decimalFromFloat(x*100, 6),
		TotalAmountPayable:   total,
		TotalChargeForCredit: total - req.Advance,
		PaymentsCount:        len(flows),
		DurationMonths:       last,
	}, nil
}

// expandRuns validates payment runs and expands them into single flows in
// ascending month order.
func expandRuns(p *problems, field string, runs []PaymentRun) []Flow {
	if len(runs) == 0 {
		p.add(field, CodeRequired, "at least one payment is required")
		return nil
	}
	if len(runs) > MaxPayments {
		p.add(field, CodeTooMany, "at most %d payments are accepted", MaxPayments)
		return nil
	}
	count := 0
	ok := true
	for i, r := range runs {
		f := index(field, i)
		c := 1
		if r.Count != nil {
			c = *r.Count
			if c < 1 || c > MaxPayments {
				p.add(join(f, "count"), CodeOutOfRange, "must be between 1 and %d", MaxPayments)
				ok = false
				continue
			}
		}
		if r.Month < 0 || r.Month > MaxMonths {
			p.add(join(f, "month"), CodeOutOfRange, "must be between 0 and %d", MaxMonths)
			ok = false
			continue
		}
		if r.Month+c-1 > MaxMonths {
			p.add(join(f, "count"), CodeOutOfRange, "the run would end after month %d", MaxMonths)
			ok = false
			continue
		}
		if r.Amount < 0 || r.Amount > MaxTotal {
			p.add(join(f, "amount"), CodeOutOfRange, "must be between 0 and %d minor units", MaxTotal)
			ok = false
			continue
		}
		count += c
	}
	if !ok {
		return nil
	}
	if count > MaxPayments {
		p.add(field, CodeTooMany, "the schedule holds %d payments; at most %d are accepted", count, MaxPayments)
		return nil
	}
	flows := make([]Flow, 0, count)
	for _, r := range runs {
		c := 1
		if r.Count != nil {
			c = *r.Count
		}
		for j := 0; j < c; j++ {
			flows = append(flows, Flow{Month: r.Month + j, Amount: r.Amount})
		}
	}
	sort.SliceStable(flows, func(i, j int) bool { return flows[i].Month < flows[j].Month })
	return flows
}

// scheduleError turns a solver error into a validation error on field.
func scheduleError(field string, c Currency, advance int64, flows []Flow, err error) error {
	var total int64
	for _, f := range flows {
		total += f.Amount
	}
	switch {
	case errors.Is(err, ErrBelowAdvance):
		return ValidationErrors{{Field: field, Code: CodeBelowAdvance, Message: "the payments add up to " + formatMoney(c, total) +
			", less than the advance of " + formatMoney(c, advance) + ": only a negative rate would solve the APR equation"}}
	case errors.Is(err, ErrNoAdvance):
		return ValidationErrors{{Field: "advance", Code: CodeOutOfRange, Message: "must be more than zero"}}
	default:
		return ValidationErrors{{Field: field, Code: CodeNoSolution, Message: "no annual rate up to 100,000,000% solves the APR equation for this schedule " +
			"(payments on the day of the advance repay all of it, or the rate would be higher still)"}}
	}
}
