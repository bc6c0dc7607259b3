package campaigns

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"time"

	"github.com/keyturn/keyturn/backend/finance"
	"github.com/keyturn/keyturn/backend/platform/kv"
	"github.com/keyturn/keyturn/backend/platform/tenant"
)

// CustomerOffers is what the app shows a signed-in customer: every offer of
// the live campaigns they are enrolled in, priced for them, best (lowest
// monthly payment) first.
type CustomerOffers struct {
	Currency string          `json:"currency"`
	AsOf     string          `json:"as_of"`
	Offers   []PersonalOffer `json:"offers"`
}

// PersonalOffer is one offer priced for one customer. Positive equity in
// their current car is added to the deposit, with the offer's deposit
// contribution; negative equity is never rolled into the new price but shown
// as what would need settling. The offer's own representative example is
// always given beside the personal illustration, which never replaces it
// (RULES C5).
type PersonalOffer struct {
	CampaignID             int64                         `json:"campaign_id"`
	CampaignName           string                        `json:"campaign_name"`
	OfferID                int64                         `json:"offer_id"`
	AgreementID            int64                         `json:"agreement_id"`
	Vehicle                OfferVehicle                  `json:"vehicle"`
	Product                string                        `json:"product"`
	DurationMonths         int                           `json:"duration_months"`
	ValidFrom              string                        `json:"valid_from"`
	ValidTo                string                        `json:"valid_to"`
	SmallPrint             string                        `json:"small_print"`
	MonthlyPayment         int64                         `json:"monthly_payment"`
	CurrentMonthlyPayment  int64                         `json:"current_monthly_payment"`
	MonthlyChange          int64                         `json:"monthly_change"`
	CashDeposit            int64                         `json:"cash_deposit"`
	DepositContribution    int64                         `json:"deposit_contribution"`
	EquityKnown            bool                          `json:"equity_known"`
	Equity                 *int64                        `json:"equity"`
	EquityBasis            string                        `json:"equity_basis"`
	EquityUsedAsDeposit    int64                         `json:"equity_used_as_deposit"`
	NegativeEquityToSettle int64                         `json:"negative_equity_to_settle"`
	APR                    *finance.Decimal              `json:"apr,omitempty"`
	TotalCostOverTerm      int64                         `json:"total_cost_over_term"`
	RepresentativeExample  finance.RepresentativeExample `json:"representative_example"`
	YourIllustration       finance.RepresentativeExample `json:"your_illustration"`
}

// CustomerOffers returns the signed-in customer's personalised offers,
// from the cache when neither the campaign nor the agreement has changed
// since they were worked out.
func (s *Service) CustomerOffers(ctx context.Context, sc tenant.Scope) (CustomerOffers, error) {
	fin, err := s.Store.financier(ctx, sc)
	if err != nil {
		return CustomerOffers{}, err
	}
	cust, err := s.Store.customer(ctx, sc, sc.CustomerID)
	if err != nil {
		return CustomerOffers{}, err
	}
	today := dateIn(s.now(), cust.TimeZone, fin.TimeZone).Format(time.DateOnly)
	out := CustomerOffers{Currency: fin.Currency, AsOf: today, Offers: []PersonalOffer{}}
	// Enrolments close at the next sync when a customer falls into arrears,
	// is flagged vulnerable or withdraws consent; until then the app must not
	// show them offers either (RULES D3, P2).
	ok, err := s.Store.reachableCustomer(ctx, fin, cust.ID, s.now())
	if err != nil {
		return CustomerOffers{}, err
	}
	if !ok {
		return out, nil
	}
	ens, err := s.Store.liveEnrolments(ctx, sc, today)
	if err != nil {
		return CustomerOffers{}, err
	}
	for _, e := range ens {
		offers, err := s.enrolmentOffers(ctx, sc, fin, e, today)
		if err != nil {
			return CustomerOffers{}, err
		}
		out.Offers = append(out.Offers, offers...)
	}
	slices.SortStableFunc(out.Offers, func(a, b PersonalOffer) int {
		return cmp.Or(cmp.Compare(a.MonthlyPayment, b.MonthlyPayment), cmp.Compare(a.CampaignID, b.CampaignID), cmp.Compare(a.OfferID, b.OfferID))
	})
	return out, nil
}

// enrolmentOffers prices one enrolment's offers, through the cache. The key
// holds the campaign's and the agreement's version counters (bumped on
// every change), the agreement's and vehicle's last update, and the day, so
// any change or a new day misses.
func (s *Service) enrolmentOffers(ctx context.Context, sc tenant.Scope, fin financierRow, e liveEnrolment, today string) ([]PersonalOffer, error) {
	a, err := s.Store.agreement(ctx, sc, e.AgreementID)
	if err != nil {
		return nil, err
	}
	cv, err := s.version(ctx, campaignVersionKey(e.CampaignID))
	if err != nil {
		return nil, err
	}
	av, err := s.version(ctx, agreementVersionKey(e.AgreementID))
	if err != nil {
		return nil, err
	}
	key := fmt.Sprintf("campaigns:offers:%d:%d:%s:%d:%s:%d:%d:%s", sc.CustomerID, e.CampaignID, cv, a.ID, av,
		a.UpdatedAt.UnixNano(), a.Vehicle.UpdatedAt.UnixNano(), today)
	if raw, err := s.KV.Get(ctx, key); err == nil {
		var cached []PersonalOffer
		if json.Unmarshal(raw, &cached) == nil {
			return cached, nil
		}
	} else if !errors.Is(err, kv.ErrNotFound) {
		return nil, fmt.Errorf("campaigns: read cached offers: %w", err)
	}
	offers, err := s.personalise(ctx, sc, fin, e.CampaignID, a, today)
	if err != nil {
		return nil, err
	}
	raw, err := json.Marshal(offers)
	if err != nil {
		return nil, fmt.Errorf("campaigns: encode offers: %w", err)
	}
	ttl := s.Config.OffersTTL
	if ttl <= 0 {
		ttl = DefaultOffersTTL
	}
	if err := s.KV.Set(ctx, key, raw, ttl); err != nil {
		// The answer is right; only the next request will work it out again.
		s.Log.Warn("campaigns.offers_cache_write_failed", slog.Int64("campaign_id", e.CampaignID), slog.Any("error", err))
	}
	return offers, nil
}

// personalise prices a campaign's offers valid today for one agreement,
// with the finance engine: Compare when the agreement is credit the engine
// can settle (its equity then comes from the valuation and the settlement
// figure), else a plain Quote of each offer with equity unknown.
func (s *Service) personalise(ctx context.Context, sc tenant.Scope, fin financierRow, campaignID int64, a agreementRow, today string) ([]PersonalOffer, error) {
	c, err := s.Store.campaign(ctx, sc, campaignID)
	if err != nil {
		return nil, err
	}
	rows, err := s.Store.offers(ctx, sc, campaignID)
	if err != nil {
		return nil, err
	}
	m := s.market(fin)
	var (
		ins   []OfferInput
		reqs  []finance.QuoteRequest
		rates []*finance.Decimal
		reps  []finance.RepresentativeExample
		ids   []int64
	)
	for _, r := range rows {
		in, err := decodeOffer(r)
		if err != nil {
			return nil, err
		}
		if !in.validOn(today) {
			continue
		}
		rep, _, err := PriceOffer(in, m)
		if err != nil {
			// An offer that no longer prices is not shown to anyone.
			s.Log.Warn("campaigns.offer_not_priced", slog.Int64("offer_id", r.ID), slog.Any("error", err))
			continue
		}
		req, _ := quoteRequest(in, m)
		var rate *finance.Decimal
		if in.needsAPR() {
			// The lender prices at the representative APR whatever deposit
			// the customer brings; the example's nominal rate is the
			// fallback when a deposit leaves too little credit to hit the
			// APR to the penny.
			req.MonthlyPayment, req.APR = nil, in.Example.APR
			nr := rep.CreditTerms.NominalRate
			rate = &nr
		}
		ins, reqs, rates = append(ins, in), append(reqs, req), append(rates, rate)
		reps, ids = append(reps, rep.RepresentativeExample), append(ids, r.ID)
	}
	out := make([]PersonalOffer, 0, len(ins))
	cur, settles := settleRequest(a, m, today)
	for i, req := range reqs {
		in := ins[i]
		p := PersonalOffer{CampaignID: c.ID, CampaignName: c.Name, OfferID: ids[i], AgreementID: a.ID, Vehicle: in.Vehicle,
			Product: in.Product, DurationMonths: duration(in.Product, in.Example.MonthlyPayments), ValidFrom: in.ValidFrom,
			ValidTo: in.ValidTo, SmallPrint: in.SmallPrint, CurrentMonthlyPayment: a.MonthlyPayment, CashDeposit: in.Example.Deposit,
			DepositContribution: in.DepositContribution, RepresentativeExample: reps[i]}
		priced := false
		if settles {
			priced = s.compareOne(&p, cur, req, rates[i], a)
		}
		if !priced && !s.quoteOne(&p, req, rates[i], a) {
			continue
		}
		out = append(out, p)
	}
	return out, nil
}

// withRate is req priced at a nominal rate instead of its APR.
func withRate(req finance.QuoteRequest, rate *finance.Decimal) finance.QuoteRequest {
	req.APR, req.Rate = nil, rate
	return req
}

// compareOne prices one offer against the current agreement with the
// engine's Compare, which adds positive equity to the deposit and never
// rolls negative equity in. It reports whether the engine could.
func (s *Service) compareOne(p *PersonalOffer, cur finance.SettleRequest, req finance.QuoteRequest, rate *finance.Decimal, a agreementRow) bool {
	ans, err := finance.Compare(finance.CompareRequest{Current: cur, Offers: []finance.QuoteRequest{req}})
	if err != nil && rate != nil {
		ans, err = finance.Compare(finance.CompareRequest{Current: cur, Offers: []finance.QuoteRequest{withRate(req, rate)}})
	}
	if err != nil {
		// The agreement's figures do not settle (a gap in the data loaded):
		// the offer is priced without equity instead.
		s.Log.Info("campaigns.compare_fallback", slog.Int64("agreement_id", a.ID), slog.Any("error", err))
		return false
	}
	oc := ans.Offers[0]
	p.MonthlyPayment, p.MonthlyChange = oc.MonthlyPayment, oc.MonthlyPayment-a.MonthlyPayment
	p.EquityKnown, p.Equity, p.EquityBasis = ans.Current.EquityKnown, ans.Current.Equity, ans.Current.EquityBasis
	p.EquityUsedAsDeposit, p.APR, p.TotalCostOverTerm = oc.EquityUsedAsDeposit, oc.APR, oc.TotalCostOverTerm
	if p.Equity != nil && *p.Equity < 0 {
		p.NegativeEquityToSettle = -*p.Equity
	}
	p.YourIllustration = oc.Quote.RepresentativeExample
	return true
}

// quoteOne prices one offer without equity (hire, or an agreement the
// engine cannot settle). It reports whether the engine could.
func (s *Service) quoteOne(p *PersonalOffer, req finance.QuoteRequest, rate *finance.Decimal, a agreementRow) bool {
	q, err := finance.Quote(req)
	if err != nil && rate != nil {
		q, err = finance.Quote(withRate(req, rate))
	}
	if err != nil {
		s.Log.Warn("campaigns.offer_not_priced", slog.Int64("offer_id", p.OfferID), slog.Any("error", err))
		return false
	}
	if q.HireTerms != nil {
		p.MonthlyPayment = q.HireTerms.MonthlyRental
	} else {
		p.MonthlyPayment = q.CreditTerms.MonthlyPayment
		apr := q.CreditTerms.APR
		p.APR = &apr
	}
	p.MonthlyChange = p.MonthlyPayment - a.MonthlyPayment
	p.EquityBasis = "Equity unknown: no valuation, or an agreement the finance engine cannot settle."
	p.YourIllustration = q.RepresentativeExample
	for _, sp := range q.Schedule {
		switch sp.Kind {
		case finance.KindDeposit, finance.KindFee, finance.KindMonthly, finance.KindInitialRental, finance.KindRental:
			p.TotalCostOverTerm += sp.Amount
		}
	}
	return true
}

// settleRequest describes a credit agreement to the engine's settlement
// (PCP: term−1 monthly payments and the optional final payment in the last
// month; HP: term payments). ok is false for hire or missing figures.
func settleRequest(a agreementRow, m Market, today string) (finance.SettleRequest, bool) {
	if a.Status != "active" || a.AmountOfCredit == nil || a.APR == nil || a.TermMonths < 1 {
		return finance.SettleRequest{}, false
	}
	apr, err := finance.ParseDecimal(strconv.FormatFloat(*a.APR, 'f', -1, 64))
	if err != nil {
		return finance.SettleRequest{}, false
	}
	req := finance.SettleRequest{Market: m.Market, Currency: m.Currency, StartDate: a.StartDate, AmountOfCredit: *a.AmountOfCredit,
		APR: &apr, SettlementDate: today, Valuation: a.Vehicle.Valuation, Deposit: &a.Deposit}
	switch a.Product {
	case "pcp":
		if a.OptionalFinalPayment == nil || a.TermMonths < 2 {
			return finance.SettleRequest{}, false
		}
		n := a.TermMonths - 1
		req.Payments = []finance.PaymentRun{{Month: 1, Count: &n, Amount: a.MonthlyPayment}, {Month: a.TermMonths, Amount: *a.OptionalFinalPayment}}
	case "hp":
		n := a.TermMonths
		req.Payments = []finance.PaymentRun{{Month: 1, Count: &n, Amount: a.MonthlyPayment}}
	default:
		return finance.SettleRequest{}, false
	}
	return req, true
}
