package finance

import (
	"math"
	"math/big"
)

// Annuity describes a level payment stream: Advance payments due on day 0
// (PCH initial rentals count here), Payments equal payments at months
// 1..Payments, and one Balloon at BalloonMonth (0 when there is none). It is
// the shape of every product the engine prices.
type Annuity struct {
	Principal    int64 // the amount the stream repays: the credit, or for hire the capital cost
	Balloon      int64 // the PCP optional final payment or the PCH residual value
	BalloonMonth int
	Advance      int // payments in advance on day 0, in units of the level payment
	Payments     int // level payments at months 1..Payments
}

// factors returns, at monthly rate i, the present value of one unit paid at
// every level payment and the discount factor of the balloon.
func (a Annuity) factors(i float64) (unitPV, balloonDF float64) {
	if i == 0 {
		return float64(a.Advance + a.Payments), 1
	}
	v := 1 / (1 + i)
	vn := math.Pow(v, float64(a.Payments))
	unitPV = float64(a.Advance) + (1-vn)/i
	balloonDF = 1.0
	if a.BalloonMonth > 0 {
		balloonDF = math.Pow(v, float64(a.BalloonMonth))
	}
	return unitPV, balloonDF
}

// levelFloat is the unrounded level payment at monthly rate i.
func (a Annuity) levelFloat(i float64) float64 {
	unit, df := a.factors(i)
	return (float64(a.Principal) - float64(a.Balloon)*df) / unit
}

// Level returns the level payment at the nominal annual rate (percent; the
// monthly rate is rate/1200), rounded half up to the minor unit. The float
// result decides unless it lies within reach of a half-penny; then the
// payment is computed again as an exact rational, which it is, because the
// rate is an exact decimal and every power is a whole number of months. ok is
// false when the balloon alone would repay the principal.
func (a Annuity) Level(rate Decimal) (payment int64, ok bool) {
	i := rate.Float64() / 1200
	m := a.levelFloat(i)
	if !(m > 0) || math.IsInf(m, 0) {
		return 0, false
	}
	k := math.Floor(m + 0.5)
	guard := 1e-9 * math.Max(1, m)
	if math.Abs(m-(k-0.5)) < guard || math.Abs((k+0.5)-m) < guard {
		return a.levelExact(rate)
	}
	return int64(k), true
}

// levelExact computes the level payment as an exact rational and rounds it.
func (a Annuity) levelExact(rate Decimal) (int64, bool) {
	i := new(big.Rat).Quo(rate.Rat(), big.NewRat(1200, 1))
	var unit, df *big.Rat
	if i.Sign() == 0 {
		unit = big.NewRat(int64(a.Advance+a.Payments), 1)
		df = big.NewRat(1, 1)
	} else {
		q := new(big.Rat).Add(big.NewRat(1, 1), i)
		vn := new(big.Rat).Inv(ratPow(q, a.Payments))
		unit = new(big.Rat).Sub(big.NewRat(1, 1), vn)
		unit.Quo(unit, i)
		unit.Add(unit, big.NewRat(int64(a.Advance), 1))
		df = big.NewRat(1, 1)
		if a.BalloonMonth > 0 {
			df.Inv(ratPow(q, a.BalloonMonth))
		}
	}
	num := new(big.Rat).Mul(big.NewRat(a.Balloon, 1), df)
	num.Sub(big.NewRat(a.Principal, 1), num)
	if num.Sign() <= 0 {
		return 0, false
	}
	m := num.Quo(num, unit)
	d := ratToDecimal(m, 0)
	if !d.Valid() {
		return 0, false
	}
	return d.units, true
}

// ratPow is q^n for n ≥ 0 by repeated squaring.
func ratPow(q *big.Rat, n int) *big.Rat {
	result := big.NewRat(1, 1)
	base := new(big.Rat).Set(q)
	for n > 0 {
		if n&1 == 1 {
			result.Mul(result, base)
		}
		n >>= 1
		if n > 0 {
			base.Mul(base, base)
		}
	}
	return result
}

// MonthlyRate returns the nominal monthly rate i ≥ 0 at which the level
// payment is exactly payment, solved by bisection on the increasing function
// levelFloat. ok is false when the payments and balloon add up to less than
// the principal (a negative rate) or no rate up to 1,000% a month fits.
func (a Annuity) MonthlyRate(payment int64) (float64, bool) {
	sum := payment*int64(a.Advance+a.Payments) + a.Balloon
	switch {
	case sum < a.Principal:
		return 0, false
	case sum == a.Principal:
		return 0, true
	}
	target := float64(payment)
	lo, hi := 0.0, 0.01
	for a.levelFloat(hi) < target {
		hi *= 2
		if hi > 10 {
			return 0, false
		}
	}
	for iter := 0; iter < 200; iter++ {
		mid := (lo + hi) / 2
		if mid == lo || mid == hi {
			break
		}
		if a.levelFloat(mid) < target {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2, true
}

// zeroRateLevel splits principal − balloon into level payments at 0%: every
// payment is the amount rounded down to the minor unit and the remainder is
// added to the first, so the payments repay the credit exactly.
func (a Annuity) zeroRateLevel() (level, first int64, ok bool) {
	units := int64(a.Advance + a.Payments)
	rest := a.Principal - a.Balloon
	if rest <= 0 || units <= 0 {
		return 0, 0, false
	}
	level = rest / units
	if level == 0 {
		return 0, 0, false
	}
	first = level + rest - level*units
	return level, first, true
}
