package finance

import "math"

// PreparedOffer is an offer reduced to what pricing a payment needs, so that
// a campaign can price it against a million agreements without building a
// quote for each. Prepare one with PrepareOffer.
type PreparedOffer struct {
	product      Product
	baseCredit   int64   // cash price − deposit − contribution, before equity
	ofp          int64   // PCP balloon, 0 for HP
	n            int     // monthly payments
	zeroRate     bool    // 0%: payments split evenly
	unitPV       float64 // present value of one unit paid at months 1..n
	balloonPV    float64 // present value of the balloon
	maxEquity    int64   // most equity the offer can take as deposit
	fixedPayment int64   // PCH: the rental does not depend on equity
}

// PrepareOffer validates an offer by quoting it once, then keeps its nominal
// monthly rate: a lender prices an offer at one rate whatever deposit the
// customer brings. An offer given by APR or monthly payment keeps the rate of
// its quote.
func PrepareOffer(req QuoteRequest) (PreparedOffer, error) {
	q, err := Quote(req)
	if err != nil {
		return PreparedOffer{}, err
	}
	if q.HireTerms != nil {
		return PreparedOffer{product: PCH, fixedPayment: q.HireTerms.MonthlyRental}, nil
	}
	t := q.CreditTerms
	po := PreparedOffer{
		product:    req.Product,
		baseCredit: t.AmountOfCredit,
		ofp:        req.OptionalFinalPayment,
		n:          req.MonthlyPayments,
		maxEquity:  usableEquity(req, math.MaxInt64),
	}
	a := Annuity{Principal: t.AmountOfCredit, Balloon: po.ofp, Payments: po.n}
	if req.Product == PCP {
		a.BalloonMonth = po.n + 1
	}
	var i float64
	switch {
	case req.Rate != nil:
		i = req.Rate.Float64() / 1200
	default:
		i, _ = a.MonthlyRate(t.MonthlyPayment)
	}
	if i == 0 {
		po.zeroRate = true
		return po, nil
	}
	unit, df := a.factors(i)
	po.unitPV, po.balloonPV = unit, float64(po.ofp)*df
	return po, nil
}

// Payment is the offer's regular monthly payment when equity (≥ 0) is added
// to its deposit, rounded half up to the minor unit.
func (o *PreparedOffer) Payment(equity int64) int64 {
	if o.product == PCH {
		return o.fixedPayment
	}
	credit := o.baseCredit - min(max(equity, 0), o.maxEquity)
	if o.zeroRate {
		return (credit - o.ofp) / int64(o.n)
	}
	return int64(math.Floor((float64(credit)-o.balloonPV)/o.unitPV + 0.5))
}

// BatchAgreement is one customer's current agreement, reduced to what
// choosing an offer needs: the regular payment still due, how many, the
// balloon after them (0 for HP), the days from the settlement date to the
// next payment, the APR (percent) and the valuation (0 when unknown).
type BatchAgreement struct {
	MonthlyPayment    int64
	RemainingPayments int
	FinalPayment      int64
	DaysToNext        int
	APR               float64
	Valuation         int64
}

// BestOffer is the offer chosen for one agreement: the one with the lowest
// monthly payment once positive equity is added to its deposit (the lower
// index on a tie). Offer is −1 when no offers were given.
type BestOffer struct {
	Offer            int
	MonthlyPayment   int64
	MonthlyChange    int64
	SettlementFigure int64
	Equity           int64
	EquityKnown      bool
}

// BatchSettlementFigure is the settlement figure of a BatchAgreement: its
// remaining payments discounted at the APR to the settlement date, as Settle
// computes it (regulation 4), in closed form so a batch needs three powers
// per agreement.
func BatchSettlementFigure(a BatchAgreement) int64 {
	r := a.APR / 100
	first := math.Pow(1+r, -float64(a.DaysToNext)/365) // discount to the next payment
	k := float64(a.RemainingPayments)
	var pv float64
	if r == 0 {
		pv = float64(a.MonthlyPayment)*k + float64(a.FinalPayment)
	} else {
		v := math.Pow(1+r, -1.0/12)
		vk := math.Pow(v, k)
		pv = first * (float64(a.MonthlyPayment)*(1-vk)/(1-v) + float64(a.FinalPayment)*vk)
	}
	return int64(math.Floor(pv + 0.5))
}

// BestOffers chooses, for each agreement, the best of the offers and writes
// it to out, which must be as long as agreements. It allocates nothing.
func BestOffers(agreements []BatchAgreement, offers []PreparedOffer, out []BestOffer) {
	for i := range agreements {
		a := &agreements[i]
		b := BestOffer{Offer: -1, SettlementFigure: BatchSettlementFigure(*a)}
		equity := int64(0)
		if a.Valuation > 0 {
			b.Equity, b.EquityKnown = a.Valuation-b.SettlementFigure, true
			equity = max(b.Equity, 0)
		}
		for j := range offers {
			m := offers[j].Payment(equity)
			if b.Offer < 0 || m < b.MonthlyPayment {
				b.Offer, b.MonthlyPayment = j, m
			}
		}
		b.MonthlyChange = b.MonthlyPayment - a.MonthlyPayment
		out[i] = b
	}
}
