package finance

import (
	"encoding/json"
	"math"
	"math/big"
	"reflect"
	"strconv"
	"strings"
)

// maxDecimalScale is the most decimal places a Decimal keeps. Rates are
// quoted to two or three places in practice; twelve leaves room for an APR
// pasted from a spreadsheet without letting a request smuggle in a number no
// int64 can hold.
const maxDecimalScale = 12

var pow10 = [...]int64{
	1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000,
	1_000_000_000, 10_000_000_000, 100_000_000_000, 1_000_000_000_000,
}

// Decimal is an exact decimal number, Units × 10^−Scale. Rates travel as
// Decimals so that a rate typed as 6.9 is 69 × 10^−1 exactly, never the
// nearest binary float, and so that the number of decimals someone stated
// (7.40 states two) survives for the APR check.
//
// The zero value is 0. A Decimal decoded from a JSON number that does not fit
// (more than 12 decimal places, or more digits than an int64 holds) is kept as
// invalid so that validation can name the field; see Valid.
type Decimal struct {
	units int64
	scale int32
	bad   string // why the decoded number is unusable; empty when valid
}

// NewDecimal returns units × 10^−scale. A scale outside 0..12 is clamped by
// rounding half up, which never happens for the constants the engine uses.
func NewDecimal(units int64, scale int) Decimal {
	if scale < 0 {
		scale = 0
	}
	for scale > maxDecimalScale {
		units = roundDivHalfUp(units, 10)
		scale--
	}
	return Decimal{units: units, scale: int32(scale)}
}

// ParseDecimal reads a decimal in JSON number syntax ("6.9", "-0.5", "74e-1").
func ParseDecimal(s string) (Decimal, error) {
	d, ok := parseDecimal(s)
	if !ok {
		return Decimal{}, &json.UnmarshalTypeError{Value: "number " + s, Type: reflect.TypeFor[float64]()}
	}
	if d.bad != "" {
		return Decimal{}, &DecimalError{Text: s, Reason: d.bad}
	}
	return d, nil
}

// DecimalError says why a well-formed number cannot be used as a Decimal.
type DecimalError struct {
	Text   string
	Reason string
}

// Error implements error.
func (e *DecimalError) Error() string { return "finance: decimal " + e.Text + ": " + e.Reason }

// mustDecimal parses a constant; it panics on a malformed literal, which is a
// programming error caught by the first test that touches the constant.
func mustDecimal(s string) Decimal {
	d, err := ParseDecimal(s)
	if err != nil {
		panic(err)
	}
	return d
}

// parseDecimal parses JSON number syntax exactly. ok is false when s is not a
// number at all; a number that does not fit comes back with bad set.
func parseDecimal(s string) (d Decimal, ok bool) {
	i := 0
	neg := false
	if i < len(s) && s[i] == '-' {
		neg = true
		i++
	}
	intStart := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	intDigits := s[intStart:i]
	if len(intDigits) == 0 || (len(intDigits) > 1 && intDigits[0] == '0') {
		return Decimal{}, false
	}
	fracDigits := ""
	if i < len(s) && s[i] == '.' {
		i++
		fracStart := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		fracDigits = s[fracStart:i]
		if len(fracDigits) == 0 {
			return Decimal{}, false
		}
	}
	exp := 0
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		expNeg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			expNeg = s[i] == '-'
			i++
		}
		expStart := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if expStart == i {
			return Decimal{}, false
		}
		e, err := strconv.Atoi(s[expStart:i])
		if err != nil || e > 1000 {
			return Decimal{bad: "the exponent is out of range"}, true
		}
		if expNeg {
			e = -e
		}
		exp = e
	}
	if i != len(s) {
		return Decimal{}, false
	}
	digits := strings.TrimLeft(intDigits+fracDigits, "0")
	scale := len(fracDigits) - exp
	for scale < 0 {
		if digits != "" {
			digits += "0"
		}
		scale++
	}
	if digits == "" {
		return Decimal{scale: int32(min(scale, maxDecimalScale))}, true
	}
	if scale > maxDecimalScale {
		// Trailing zeros beyond the limit carry no value: 6.9000000000000000 is 6.9.
		trim := scale - maxDecimalScale
		if len(digits) < trim || strings.TrimRight(digits[len(digits)-trim:], "0") != "" {
			return Decimal{bad: "has more than 12 decimal places"}, true
		}
		digits = digits[:len(digits)-trim]
		scale = maxDecimalScale
	}
	if len(digits) > 18 {
		return Decimal{bad: "has too many digits"}, true
	}
	u, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return Decimal{bad: "has too many digits"}, true
	}
	if neg {
		u = -u
	}
	return Decimal{units: u, scale: int32(scale)}, true
}

// UnmarshalJSON reads a JSON number exactly. Anything but a number is a
// *json.UnmarshalTypeError so the strict decoder names the field.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		return nil
	}
	v, ok := parseDecimal(s)
	if !ok {
		kind := "value"
		if len(s) > 0 {
			switch s[0] {
			case '"':
				kind = "string"
			case '{':
				kind = "object"
			case '[':
				kind = "array"
			case 't', 'f':
				kind = "bool"
			}
		}
		return &json.UnmarshalTypeError{Value: kind, Type: reflect.TypeFor[float64]()}
	}
	*d = v
	return nil
}

// MarshalJSON writes the number with exactly its scale: 12.9, 0.0, 6.69.
func (d Decimal) MarshalJSON() ([]byte, error) {
	if d.bad != "" {
		return nil, &DecimalError{Text: "NaN", Reason: d.bad}
	}
	return []byte(d.String()), nil
}

// Valid reports whether the number fits; Problem says why it does not.
func (d Decimal) Valid() bool { return d.bad == "" }

// Problem is the reason an invalid Decimal cannot be used, or "".
func (d Decimal) Problem() string { return d.bad }

// Scale is the number of decimal places stated.
func (d Decimal) Scale() int { return int(d.scale) }

// Units is the integer Units of Units × 10^−Scale.
func (d Decimal) Units() int64 { return d.units }

// Sign is −1, 0 or +1.
func (d Decimal) Sign() int {
	switch {
	case d.units < 0:
		return -1
	case d.units > 0:
		return 1
	}
	return 0
}

// IsZero reports whether the value is zero.
func (d Decimal) IsZero() bool { return d.units == 0 }

// Float64 is the nearest float64. The division of an exact integer by an
// exact power of ten is correctly rounded, so 6.9 becomes the same float as
// the literal 6.9.
func (d Decimal) Float64() float64 {
	return float64(d.units) / float64(pow10[d.scale])
}

// Rat is the exact value as a rational.
func (d Decimal) Rat() *big.Rat {
	return new(big.Rat).SetFrac(big.NewInt(d.units), big.NewInt(pow10[d.scale]))
}

// Cmp compares exactly: −1 if d < o, 0 if equal, +1 if d > o.
func (d Decimal) Cmp(o Decimal) int {
	return d.Rat().Cmp(o.Rat())
}

// Equal reports whether two Decimals have the same value (7.4 equals 7.40).
func (d Decimal) Equal(o Decimal) bool { return d.Cmp(o) == 0 }

// String formats the number with its scale, e.g. "12.900" for scale 3.
func (d Decimal) String() string {
	if d.bad != "" {
		return "NaN"
	}
	neg := d.units < 0
	u := uint64(d.units)
	if neg {
		u = uint64(-d.units)
	}
	s := strconv.FormatUint(u, 10)
	if d.scale > 0 {
		if len(s) <= int(d.scale) {
			s = strings.Repeat("0", int(d.scale)-len(s)+1) + s
		}
		s = s[:len(s)-int(d.scale)] + "." + s[len(s)-int(d.scale):]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// Round returns d rounded half up (away from zero at the half) to places
// decimals; it never adds places.
func (d Decimal) Round(places int) Decimal {
	if places >= int(d.scale) {
		return d
	}
	div := pow10[int(d.scale)-places]
	return Decimal{units: roundDivHalfUp(d.units, div), scale: int32(places)}
}

// decimalFromFloat rounds a float half up to places decimals. It is for
// display figures (apr_precise, a solved nominal rate); decisions that must be
// exact go through the exact boundary tests instead.
func decimalFromFloat(x float64, places int) Decimal {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return Decimal{bad: "not a finite number"}
	}
	scaled := x * float64(pow10[places])
	if math.Abs(scaled) >= 9e18 {
		return Decimal{bad: "too large"}
	}
	var u int64
	if scaled >= 0 {
		u = int64(math.Floor(scaled + 0.5))
	} else {
		u = -int64(math.Floor(-scaled + 0.5))
	}
	return Decimal{units: u, scale: int32(places)}
}

// roundDivHalfUp divides by a positive divisor, rounding half away from zero.
func roundDivHalfUp(n, div int64) int64 {
	q, r := n/div, n%div
	if r < 0 {
		r = -r
	}
	if 2*r >= div {
		if n < 0 {
			q--
		} else {
			q++
		}
	}
	return q
}

// ratToDecimal rounds an exact rational half up to places decimals.
func ratToDecimal(r *big.Rat, places int) Decimal {
	num := new(big.Int).Mul(r.Num(), big.NewInt(pow10[places]))
	den := r.Denom()
	neg := num.Sign() < 0
	num.Abs(num)
	q, rem := new(big.Int).QuoRem(num, den, new(big.Int))
	if rem.Mul(rem, big.NewInt(2)).Cmp(den) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if neg {
		q.Neg(q)
	}
	if !q.IsInt64() {
		return Decimal{bad: "too large"}
	}
	return Decimal{units: q.Int64(), scale: int32(places)}
}
