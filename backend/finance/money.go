package finance

import (
	"strconv"
	"strings"
)

// Currency is an ISO 4217 code. Money is always int64 minor units (pence or
// cents) of one currency.
type Currency string

// The currencies of the two markets.
const (
	GBP Currency = "GBP"
	EUR Currency = "EUR"
)

// Market is the jurisdiction whose rules a quote follows.
type Market string

// The markets. UK follows CONC (FCA Handbook); IE follows the Consumer Credit
// Act 1995 and the Central Bank's Consumer Protection Code.
const (
	UK Market = "UK"
	IE Market = "IE"
)

// Product is a kind of car finance agreement.
type Product string

// The products. PCP and HP are credit (in Ireland both are hire-purchase
// agreements); PCH is consumer hire, which has no APR and no credit.
const (
	PCP Product = "pcp"
	HP  Product = "hp"
	PCH Product = "pch"
)

// Limits on input. They keep every computation far from int64 overflow and
// turn absurd requests into clear 422s.
const (
	// MaxMoney is the largest amount accepted anywhere: 10,000,000.00.
	MaxMoney int64 = 1_000_000_000
	// MaxTotal bounds stated totals (a total amount payable, an initial
	// rental of many months), which add up many amounts of up to MaxMoney.
	MaxTotal int64 = 200 * MaxMoney
	// MaxMonths is the latest month a payment may fall in (50 years).
	MaxMonths = 600
	// MaxPayments is the most payments one schedule may hold.
	MaxPayments = 600
	// MaxTermMonths is the most regular monthly payments a quote may have.
	MaxTermMonths = 120
	// MaxFees is the most fees one quote may carry.
	MaxFees = 8
	// MaxOffers is the most offers one comparison may hold.
	MaxOffers = 4
)

// currencyFor is the currency of a market.
func currencyFor(m Market) Currency {
	if m == IE {
		return EUR
	}
	return GBP
}

func symbol(c Currency) string {
	if c == EUR {
		return "€"
	}
	return "£"
}

// formatMoney writes minor units as people read them: £1,234.56, −€3.00.
func formatMoney(c Currency, minor int64) string {
	var b strings.Builder
	b.Grow(16)
	if minor < 0 {
		b.WriteString("−")
		minor = -minor
	}
	b.WriteString(symbol(c))
	b.WriteString(groupThousands(minor / 100))
	b.WriteByte('.')
	cents := minor % 100
	if cents < 10 {
		b.WriteByte('0')
	}
	b.WriteString(strconv.FormatInt(cents, 10))
	return b.String()
}

func groupThousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + len(s)/3)
	head := len(s) % 3
	if head > 0 {
		b.WriteString(s[:head])
	}
	for i := head; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

// formatPercent writes a rate with its stated decimals: "6.9%".
func formatPercent(d Decimal) string { return d.String() + "%" }

// formatPerMile writes an excess mileage charge given in minor units per mile
// (or km): 8p, 14.9p, 10c.
func formatPerDistance(c Currency, charge Decimal, unit string) string {
	if c == EUR {
		return charge.String() + "c per " + unit
	}
	return charge.String() + "p per " + unit
}

// validateMoney checks one amount of minor units.
func validateMoney(p *problems, field string, v int64, allowZero bool) {
	validateAmount(p, field, v, allowZero, MaxMoney)
}

// validateAmount checks minor units against a limit.
func validateAmount(p *problems, field string, v int64, allowZero bool, limit int64) {
	switch {
	case v < 0:
		p.add(field, CodeOutOfRange, "must not be negative")
	case v == 0 && !allowZero:
		p.add(field, CodeOutOfRange, "must be more than zero")
	case v > limit:
		p.add(field, CodeOutOfRange, "must be at most %d minor units", limit)
	}
}

// resolveMarketCurrency applies the defaults (UK; the market's currency) and
// refuses a currency that is not the market's.
func resolveMarketCurrency(p *problems, prefix string, market Market, currency Currency) (Market, Currency) {
	switch market {
	case "":
		market = UK
	case UK, IE:
	default:
		p.add(join(prefix, "market"), CodeInvalid, "must be UK or IE")
		return UK, GBP
	}
	want := currencyFor(market)
	switch currency {
	case "":
		currency = want
	case want:
	case GBP, EUR:
		p.add(join(prefix, "currency"), CodeConflict, "the %s market uses %s", market, want)
	default:
		p.add(join(prefix, "currency"), CodeInvalid, "must be GBP or EUR")
	}
	return market, want
}
