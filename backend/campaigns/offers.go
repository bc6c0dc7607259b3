package campaigns

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/keyturn/keyturn/backend/finance"
	"github.com/keyturn/keyturn/backend/platform/db"
	"github.com/keyturn/keyturn/backend/platform/httpx"
)

// OfferInput is an offer as the marketer enters it. Money is in minor
// units of the financier's currency.
type OfferInput struct {
	Vehicle   OfferVehicle `json:"vehicle"`
	CashPrice int64        `json:"cash_price"`
	Product   string       `json:"product"`
	// TermsOffered are the agreement lengths offered, in months.
	TermsOffered        []int `json:"terms_offered"`
	DepositContribution int64 `json:"deposit_contribution"`
	// GuaranteedFutureValues are a PCP's optional final payments by term
	// and annual mileage.
	GuaranteedFutureValues []FutureValue `json:"guaranteed_future_values,omitempty"`
	// ExcessMileageCharge is in minor units per mile (km in Ireland), for
	// PCP and PCH.
	ExcessMileageCharge *finance.Decimal `json:"excess_mileage_charge,omitempty"`
	Fees                []finance.Fee    `json:"fees,omitempty"`
	ValidFrom           string           `json:"valid_from"`
	ValidTo             string           `json:"valid_to"`
	SmallPrint          string           `json:"small_print"`
	// Example holds the terms of the representative example, which the
	// finance engine prices and checks.
	Example ExampleTerms `json:"example"`
}

// OfferVehicle is the car on offer and its media. Media are URLs on the
// allow-listed hosts (Config.MediaHosts), paths under /assets/ served by
// Keyturn itself, or the financier's own uploads (/media/<key>, see
// docs/media.md).
type OfferVehicle struct {
	Make        string `json:"make"`
	Model       string `json:"model"`
	Derivative  string `json:"derivative"`
	ImageURL    string `json:"image_url"`
	VideoURL    string `json:"video_url"`
	CaptionsURL string `json:"captions_url"`
}

// FutureValue is a guaranteed future value: the optional final payment of
// a PCP of TermMonths at AnnualMileage.
type FutureValue struct {
	TermMonths    int   `json:"term_months"`
	AnnualMileage int   `json:"annual_mileage"`
	Value         int64 `json:"value"`
}

// ExampleTerms are the terms of an offer's representative example. A credit
// offer (pcp, hp) states the representative APR; it may also state the
// monthly payment it advertises, which must then reconcile with the APR. A
// hire offer (pch) states its initial rental months and monthly rental.
type ExampleTerms struct {
	Deposit         int64 `json:"deposit"`
	MonthlyPayments int   `json:"monthly_payments"`
	AnnualMileage   int   `json:"annual_mileage,omitempty"`
	// MonthlyPayment is the advertised regular payment, if stated.
	MonthlyPayment      *int64           `json:"monthly_payment,omitempty"`
	APR                 *finance.Decimal `json:"apr,omitempty"`
	APRBasis            *APRBasis        `json:"apr_basis,omitempty"`
	InitialRentalMonths int              `json:"initial_rental_months,omitempty"`
	MonthlyRental       *int64           `json:"monthly_rental,omitempty"`
}

// APRBasis is why the representative APR is representative (CONC 3.5.13R,
// RULES C5): the share of agreements from the promotion expected at or
// below it, at least 51%, and where that expectation comes from.
type APRBasis struct {
	SharePercent int    `json:"share_percent"`
	Source       string `json:"source"`
}

// OfferView is an offer with its representative example as the finance
// engine computes it and the engine's check of the stated figures.
type OfferView struct {
	ID       int64 `json:"id"`
	Position int   `json:"position"`
	OfferInput
	DurationMonths        int                            `json:"duration_months"`
	RepresentativeExample *finance.RepresentativeExample `json:"representative_example"`
	Quote                 *finance.QuoteAnswer           `json:"quote"`
	Check                 *finance.CheckAnswer           `json:"check"`
	// Problems is set when a saved offer no longer prices (the engine's
	// rules changed since it was saved).
	Problems []httpx.FieldError `json:"problems,omitempty"`
}

// Market is the financier's market and currency, which every offer uses.
type Market struct {
	Market   finance.Market
	Currency finance.Currency
}

var assetPath = regexp.MustCompile(`^/assets/[A-Za-z0-9_\-][A-Za-z0-9_\-./]*$`)

// uploadPath is the address of an uploaded file: /media/ and its key.
var uploadPath = regexp.MustCompile(`^/media/([A-Za-z0-9_\-]{16,64})$`)

// Limits on offers.
const (
	maxTerms        = 12
	maxFutureValues = 120
	maxSmallPrint   = 4000
	maxMediaURL     = 500
	minAPRShare     = 51
)

// duration is an agreement's length for a number of monthly payments: a PCP
// ends with its optional final payment and a PCH with the hand-back a month
// after the last, an HP with the last payment.
func duration(product string, payments int) int {
	if product == "hp" {
		return payments
	}
	return payments + 1
}

// validateOffer checks an offer's own fields (not its pricing); hosts are
// the allowed media hosts.
func validateOffer(c *httpx.Check, in *OfferInput, hosts []string) {
	v := &in.Vehicle
	v.Make, v.Model, v.Derivative = strings.TrimSpace(v.Make), strings.TrimSpace(v.Model), strings.TrimSpace(v.Derivative)
	if v.Make == "" || len(v.Make) > 60 {
		c.Add("vehicle.make", "required", "Name the make (at most 60 characters).")
	}
	if v.Model == "" || len(v.Model) > 60 {
		c.Add("vehicle.model", "required", "Name the model (at most 60 characters).")
	}
	if len(v.Derivative) > 200 {
		c.Add("vehicle.derivative", "too_long", "At most 200 characters.")
	}
	checkMedia(c, "vehicle.image_url", v.ImageURL, hosts, "")
	checkMedia(c, "vehicle.video_url", v.VideoURL, hosts, "")
	checkMedia(c, "vehicle.captions_url", v.CaptionsURL, hosts, ".vtt")
	switch {
	case v.VideoURL != "" && v.CaptionsURL == "":
		c.Add("vehicle.captions_url", "required", "A video needs WebVTT captions (WCAG 1.2.2).")
	case v.VideoURL == "" && v.CaptionsURL != "":
		c.Add("vehicle.captions_url", "not_allowed", "Captions belong to a video; add the video_url.")
	}

	if !slices.Contains(products, in.Product) {
		c.Add("product", "invalid", "Use pcp, hp or pch.")
	}
	if in.CashPrice <= 0 || in.CashPrice > finance.MaxMoney {
		c.Add("cash_price", "out_of_range", "Give the cash price in minor units, more than zero.")
	}
	if in.DepositContribution < 0 || in.DepositContribution > finance.MaxMoney {
		c.Add("deposit_contribution", "out_of_range", "Give the contribution in minor units, zero or more.")
	}
	if in.Product == "pch" && in.DepositContribution != 0 {
		c.Add("deposit_contribution", "not_allowed", "Hire has no deposit, so no deposit contribution.")
	}
	switch {
	case len(in.TermsOffered) == 0:
		c.Add("terms_offered", "required", "List the terms offered, in months.")
	case len(in.TermsOffered) > maxTerms:
		c.Add("terms_offered", "too_many", fmt.Sprintf("At most %d terms.", maxTerms))
	}
	for i, t := range in.TermsOffered {
		if t < 6 || t > finance.MaxTermMonths+1 {
			c.Add(fmt.Sprintf("terms_offered[%d]", i), "out_of_range", fmt.Sprintf("Terms run from 6 to %d months.", finance.MaxTermMonths+1))
		}
		if slices.Index(in.TermsOffered, t) != i {
			c.Add(fmt.Sprintf("terms_offered[%d]", i), "duplicate", "Each term once.")
		}
	}
	slices.Sort(in.TermsOffered)

	if in.Product == "pcp" {
		if len(in.GuaranteedFutureValues) == 0 {
			c.Add("guaranteed_future_values", "required", "A PCP needs its guaranteed future values by term and annual mileage.")
		}
	} else if len(in.GuaranteedFutureValues) > 0 {
		c.Add("guaranteed_future_values", "not_allowed", "Only a PCP has guaranteed future values.")
	}
	if len(in.GuaranteedFutureValues) > maxFutureValues {
		c.Add("guaranteed_future_values", "too_many", fmt.Sprintf("At most %d values.", maxFutureValues))
	}
	for i, g := range in.GuaranteedFutureValues {
		f := fmt.Sprintf("guaranteed_future_values[%d]", i)
		if !slices.Contains(in.TermsOffered, g.TermMonths) {
			c.Add(f+".term_months", "invalid", "Use one of the terms offered.")
		}
		if g.AnnualMileage < 1 || g.AnnualMileage > 200_000 {
			c.Add(f+".annual_mileage", "out_of_range", "Use 1 to 200,000.")
		}
		if g.Value <= 0 || g.Value >= in.CashPrice {
			c.Add(f+".value", "out_of_range", "A future value is more than zero and less than the cash price.")
		}
		for j := range i {
			if o := in.GuaranteedFutureValues[j]; o.TermMonths == g.TermMonths && o.AnnualMileage == g.AnnualMileage {
				c.Add(f, "duplicate", "This term and mileage already have a value.")
			}
		}
	}

	from, okFrom := validDate(in.ValidFrom)
	to, okTo := validDate(in.ValidTo)
	if !okFrom {
		c.Add("valid_from", "format", "Use a date like 2027-01-01.")
	}
	if !okTo {
		c.Add("valid_to", "format", "Use a date like 2027-03-31.")
	}
	if okFrom && okTo && to.Before(from) {
		c.Add("valid_to", "out_of_range", "The offer must end on or after the day it starts.")
	}
	in.SmallPrint = strings.TrimSpace(in.SmallPrint)
	if len(in.SmallPrint) > maxSmallPrint {
		c.Add("small_print", "too_long", fmt.Sprintf("At most %d characters.", maxSmallPrint))
	}

	ex := &in.Example
	if ex.MonthlyPayments < 1 || ex.MonthlyPayments > finance.MaxTermMonths {
		c.Add("example.monthly_payments", "out_of_range", fmt.Sprintf("Use 1 to %d monthly payments.", finance.MaxTermMonths))
	} else if d := duration(in.Product, ex.MonthlyPayments); len(in.TermsOffered) > 0 && !slices.Contains(in.TermsOffered, d) {
		c.Add("example.monthly_payments", "invalid", fmt.Sprintf("These payments make a %d-month agreement, which is not among the terms offered.", d))
	}
	switch in.Product {
	case "pcp", "hp":
		if ex.APR == nil {
			c.Add("example.apr", "required", "State the representative APR (RULES C5).")
		}
		if ex.InitialRentalMonths != 0 || ex.MonthlyRental != nil {
			c.Add("example.monthly_rental", "not_allowed", "Rentals belong to hire (pch).")
		}
		if b := ex.APRBasis; b != nil {
			b.Source = strings.TrimSpace(b.Source)
			if b.SharePercent < minAPRShare || b.SharePercent > 100 {
				c.Add("example.apr_basis.share_percent", "out_of_range",
					"The representative APR is the rate at or below which at least 51% of agreements are expected (CONC 3.5.13R; RULES C5).")
			}
			if b.Source == "" || len(b.Source) > 500 {
				c.Add("example.apr_basis.source", "required", "Say where the expectation comes from, e.g. the last quarter's book (at most 500 characters).")
			}
		}
	case "pch":
		if ex.APR != nil || ex.APRBasis != nil {
			c.Add("example.apr", "not_allowed", "Hire is not credit and has no APR.")
		}
		if ex.Deposit != 0 || ex.MonthlyPayment != nil {
			c.Add("example.deposit", "not_allowed", "Hire has an initial rental, not a deposit or monthly payments: use monthly_rental.")
		}
	}
}

// checkMedia checks a media URL: empty, a path under /assets/, or https on
// an allowed host with no credentials or port. ext, when set, is the
// required file extension.
func checkMedia(c *httpx.Check, field, raw string, hosts []string, ext string) {
	if raw == "" {
		return
	}
	if len(raw) > maxMediaURL {
		c.Add(field, "too_long", fmt.Sprintf("At most %d characters.", maxMediaURL))
		return
	}
	path := raw
	if uploadPath.MatchString(raw) {
		return // its kind is checked against the library (Service.checkUploads)
	}
	if strings.HasPrefix(raw, "/") {
		if !assetPath.MatchString(raw) || strings.Contains(raw, "..") {
			c.Add(field, "invalid", "Upload the file, or use a path under /assets/ (without ..).")
			return
		}
	} else {
		u, err := url.Parse(raw)
		if err != nil || u.Scheme != "https" || u.User != nil || u.Port() != "" || u.Host == "" {
			c.Add(field, "invalid", "Use an https URL without a user name or port, or a path under /assets/.")
			return
		}
		if !slices.Contains(hosts, strings.ToLower(u.Hostname())) {
			c.Add(field, "host_not_allowed", fmt.Sprintf("%s is not an allowed media host. Allowed: %s. Upload the file instead, or ask an administrator to allow the host (KEYTURN_CAMPAIGN_MEDIA_HOSTS).",
				u.Hostname(), hostList(hosts)))
			return
		}
		path = u.Path
	}
	if ext != "" && !strings.HasSuffix(strings.ToLower(path), ext) {
		c.Add(field, "invalid", "Captions must be a WebVTT file (.vtt).")
	}
}

// checkUploads checks that each /media/ address of an offer is one of the
// financier's own uploads, of the kind its field needs. Only a failure to
// look one up is returned; what is wrong with the offer goes into c.
func (s *Service) checkUploads(ctx context.Context, c *httpx.Check, v OfferVehicle, financierID int64) error {
	fields := []struct{ field, raw, kind string }{
		{"vehicle.image_url", v.ImageURL, "image"},
		{"vehicle.video_url", v.VideoURL, "video"},
		{"vehicle.captions_url", v.CaptionsURL, "captions"},
	}
	for _, f := range fields {
		m := uploadPath.FindStringSubmatch(f.raw)
		if m == nil {
			continue
		}
		if s.Media == nil {
			c.Add(f.field, "invalid", "Uploads are not available here: use an address on an allowed media host.")
			continue
		}
		kind, err := s.Media.KindOf(ctx, financierID, m[1])
		switch {
		case errors.Is(err, db.ErrNotFound):
			c.Add(f.field, "not_found", "No upload of yours has this address: upload the file again.")
		case err != nil:
			return fmt.Errorf("campaigns: check uploaded media: %w", err)
		case kind != f.kind:
			c.Add(f.field, "wrong_kind", fmt.Sprintf("This upload is %s, not %s.", withArticle(kind), withArticle(f.kind)))
		}
	}
	return nil
}

// withArticle names a kind of media in a sentence.
func withArticle(kind string) string {
	switch kind {
	case "image":
		return "an image"
	case "video":
		return "a video"
	}
	return "a captions file"
}

func hostList(hosts []string) string {
	if len(hosts) == 0 {
		return "none configured"
	}
	return strings.Join(hosts, ", ")
}

// quoteRequest builds the finance engine's request for an offer's
// representative example. byPayment prices from the stated monthly payment
// (its APR is then checked against the stated one).
func quoteRequest(in OfferInput, m Market) (finance.QuoteRequest, bool) {
	ex := in.Example
	req := finance.QuoteRequest{
		Product:             finance.Product(in.Product),
		Market:              m.Market,
		Currency:            m.Currency,
		CashPrice:           in.CashPrice,
		Deposit:             ex.Deposit,
		DepositContribution: in.DepositContribution,
		MonthlyPayments:     ex.MonthlyPayments,
		Fees:                in.Fees,
	}
	if in.Product != "hp" {
		req.AnnualMileage = ex.AnnualMileage
		req.ExcessMileageCharge = in.ExcessMileageCharge
	}
	if in.Product == "pcp" {
		d := duration(in.Product, ex.MonthlyPayments)
		for _, g := range in.GuaranteedFutureValues {
			if g.TermMonths == d && g.AnnualMileage == ex.AnnualMileage {
				req.OptionalFinalPayment = g.Value
			}
		}
	}
	if in.Product == "pch" {
		req.InitialRentalMonths = ex.InitialRentalMonths
		req.MonthlyRental = ex.MonthlyRental
		return req, false
	}
	if ex.MonthlyPayment != nil {
		req.MonthlyPayment = ex.MonthlyPayment
		return req, true
	}
	req.APR = ex.APR
	return req, false
}

// engineFields maps the engine's field names to the offer's.
var engineFields = map[string]string{
	"cash_price":             "cash_price",
	"deposit":                "example.deposit",
	"deposit_contribution":   "deposit_contribution",
	"monthly_payments":       "example.monthly_payments",
	"monthly_payment":        "example.monthly_payment",
	"apr":                    "example.apr",
	"rate":                   "example.apr",
	"annual_mileage":         "example.annual_mileage",
	"excess_mileage_charge":  "excess_mileage_charge",
	"optional_final_payment": "guaranteed_future_values",
	"initial_rental_months":  "example.initial_rental_months",
	"monthly_rental":         "example.monthly_rental",
	"initial_rental":         "example.monthly_rental",
	"amount_of_credit":       "example.deposit",
	"total_amount_payable":   "example",
	"first_payment":          "example.monthly_payment",
	"final_payment":          "example.monthly_payment",
	"market":                 "example",
	"currency":               "example",
}

func offerField(engineField string) string {
	if strings.HasPrefix(engineField, "fees") {
		return engineField
	}
	if f, ok := engineFields[engineField]; ok {
		return f
	}
	return "example"
}

// PriceOffer prices an offer's representative example with the finance
// engine and reconciles its stated figures with the engine's check. An
// offer that cannot be priced, or whose figures do not reconcile, is a 422
// naming each problem.
func PriceOffer(in OfferInput, m Market) (finance.QuoteAnswer, finance.CheckAnswer, error) {
	req, byPayment := quoteRequest(in, m)
	if in.Product == "pcp" && req.OptionalFinalPayment == 0 {
		return finance.QuoteAnswer{}, finance.CheckAnswer{}, httpx.Invalid("guaranteed_future_values", "missing",
			fmt.Sprintf("No guaranteed future value for %d months at %d a year, the example's term and mileage.",
				duration(in.Product, in.Example.MonthlyPayments), in.Example.AnnualMileage))
	}
	q, err := finance.Quote(req)
	if err != nil {
		return finance.QuoteAnswer{}, finance.CheckAnswer{}, engineProblem("The finance engine cannot price this offer's representative example.", err)
	}
	cr := checkRequest(in, m, q)
	if byPayment {
		// Priced from the stated payment: the stated APR is what is checked.
		cr.APR = in.Example.APR
	}
	ca, err := finance.Check(cr)
	if err != nil {
		return q, finance.CheckAnswer{}, engineProblem("The finance engine cannot check this offer's representative example.", err)
	}
	if !ca.Reconciles {
		fe := &httpx.FieldErrors{Detail: "The representative example does not reconcile: the figures stated do not follow from each other."}
		for _, p := range ca.Problems {
			fe.Errors = append(fe.Errors, httpx.FieldError{Field: offerField(p.Field), Code: "does_not_reconcile", Message: p.Message + " (" + p.Rule + ")"})
		}
		return q, ca, fe
	}
	return q, ca, nil
}

// checkRequest states the example's figures to the engine's check.
func checkRequest(in OfferInput, m Market, q finance.QuoteAnswer) finance.CheckRequest {
	cr := finance.CheckRequest{
		Product:  finance.Product(in.Product),
		Market:   m.Market,
		Currency: m.Currency,
		Fees:     in.Fees,
	}
	cash := in.CashPrice
	cr.CashPrice = &cash
	if t := q.HireTerms; t != nil {
		k, n := t.InitialRentalMonths, t.MonthlyRentals
		initial, rental, total := t.InitialRental, t.MonthlyRental, t.TotalCost
		cr.InitialRentalMonths, cr.MonthlyPayments = &k, &n
		cr.InitialRental, cr.MonthlyRental, cr.TotalAmountPayable = &initial, &rental, &total
		return cr
	}
	t := q.CreditTerms
	dep, contrib, credit, n, pay, total := t.Deposit, t.DepositContribution, t.AmountOfCredit, t.MonthlyPayments, t.MonthlyPayment, t.TotalAmountPayable
	cr.Deposit, cr.DepositContribution, cr.AmountOfCredit = &dep, &contrib, &credit
	cr.MonthlyPayments, cr.MonthlyPayment, cr.TotalAmountPayable = &n, &pay, &total
	cr.FirstPayment, cr.FinalPayment, cr.OptionalFinalPayment = t.FirstPayment, t.FinalPayment, t.OptionalFinalPayment
	apr := t.APR
	cr.APR = &apr
	if m.Market != finance.IE {
		// A UK example states its rate of interest (CONC 3.5.5R(1)(a)); an
		// Irish one shows the APR as its only rate (CCA 1995 s.21).
		rate := t.NominalRate
		cr.Rate = &rate
	}
	return cr
}

// engineProblem turns the engine's validation errors into a 422 naming the
// offer's fields.
func engineProblem(detail string, err error) error {
	var ve finance.ValidationErrors
	if !errors.As(err, &ve) {
		return fmt.Errorf("campaigns: finance engine: %w", err)
	}
	fe := &httpx.FieldErrors{Detail: detail}
	for _, v := range ve {
		fe.Errors = append(fe.Errors, httpx.FieldError{Field: offerField(v.Field), Code: v.Code, Message: v.Message})
	}
	return fe
}

// offerView prices a saved offer for display. A saved offer that no longer
// prices is shown with its problems instead of failing the whole campaign.
func offerView(row OfferRow, in OfferInput, m Market) OfferView {
	v := OfferView{ID: row.ID, Position: row.Position, OfferInput: in, DurationMonths: duration(in.Product, in.Example.MonthlyPayments)}
	q, ca, err := PriceOffer(in, m)
	if err != nil {
		v.Problems = problemsOf(err)
		if q.Product != "" {
			v.Quote, v.RepresentativeExample = &q, &q.RepresentativeExample
		}
		if ca.Problems != nil || ca.Reconciles {
			v.Check = &ca
		}
		return v
	}
	v.Quote, v.RepresentativeExample, v.Check = &q, &q.RepresentativeExample, &ca
	return v
}

func problemsOf(err error) []httpx.FieldError {
	var fe *httpx.FieldErrors
	if errors.As(err, &fe) {
		return fe.Errors
	}
	var p *httpx.Problem
	if errors.As(err, &p) {
		return p.Errors
	}
	return []httpx.FieldError{{Field: "", Code: "error", Message: "This offer could not be priced."}}
}

// validOn reports whether the offer is valid on day (YYYY-MM-DD).
func (in OfferInput) validOn(day string) bool {
	return in.ValidFrom <= day && day <= in.ValidTo
}

// needsAPR reports whether the offer is credit, which needs a representative
// APR and its basis before it goes live (RULES C5).
func (in OfferInput) needsAPR() bool { return in.Product == "pcp" || in.Product == "hp" }
