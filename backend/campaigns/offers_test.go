package campaigns

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/keyturn/keyturn/backend/finance"
	"github.com/keyturn/keyturn/backend/platform/db"
	"github.com/keyturn/keyturn/backend/platform/httpx"
)

var ukMarket = Market{Market: finance.UK, Currency: finance.GBP}

func offerFields(t *testing.T, in OfferInput) map[string]string {
	t.Helper()
	var c httpx.Check
	validateOffer(&c, &in, []string{"media.example.com"})
	out := map[string]string{}
	if err := c.Err(); err != nil {
		for _, e := range err.(*httpx.Problem).Errors {
			out[e.Field] = e.Code
		}
	}
	return out
}

func TestPriceOffer(t *testing.T) {
	// The finance engine's worked PCP (docs/finance.md) without its fee:
	// the example prices and reconciles.
	q, ca, err := PriceOffer(pcpOffer(), ukMarket)
	require.NoError(t, err)
	require.True(t, ca.Reconciles)
	require.Equal(t, int64(21_500_00), q.CreditTerms.AmountOfCredit)
	require.Equal(t, "6.9", q.CreditTerms.APR.String())
	require.Equal(t, int64(11_000_00), *q.CreditTerms.OptionalFinalPayment, "the balloon is the future value for 37 months at 10,000 miles")
	require.Contains(t, q.RepresentativeExample.Text, "Representative APR: 6.9% APR")
	require.Equal(t, 37, q.DurationMonths)

	// Stated alongside the APR, the right monthly payment reconciles and a
	// wrong one is refused, naming the problem.
	in := pcpOffer()
	in.Example.MonthlyPayment = &q.CreditTerms.MonthlyPayment
	_, ca, err = PriceOffer(in, ukMarket)
	require.NoError(t, err)
	require.True(t, ca.Reconciles)
	wrong := q.CreditTerms.MonthlyPayment - 25_00
	in.Example.MonthlyPayment = &wrong
	_, ca, err = PriceOffer(in, ukMarket)
	require.Error(t, err)
	require.False(t, ca.Reconciles)
	p := httpx.AsProblem(err)
	require.Equal(t, 422, p.Status)
	require.Contains(t, p.Detail, "does not reconcile")
	require.Equal(t, "does_not_reconcile", p.Errors[0].Code)
	require.Contains(t, []string{"example.apr", "example.monthly_payment", "example"}, p.Errors[0].Field)

	// No future value for the example's term and mileage.
	in = pcpOffer()
	in.Example.AnnualMileage = 12_000
	_, _, err = PriceOffer(in, ukMarket)
	require.Equal(t, []string{"guaranteed_future_values"}, fieldsOf(t, err))

	// The engine's own refusals name the offer's fields.
	in = pcpOffer()
	in.Example.Deposit = 30_000_00
	_, _, err = PriceOffer(in, ukMarket)
	require.Contains(t, fieldsOf(t, err), "example.deposit")

	// HP and PCH.
	q, ca, err = PriceOffer(hpOffer(), ukMarket)
	require.NoError(t, err)
	require.True(t, ca.Reconciles)
	require.Equal(t, 48, q.DurationMonths)
	rental := int64(279_00)
	emc := finance.NewDecimal(9, 0)
	pch := OfferInput{Vehicle: OfferVehicle{Make: "Zephyr", Model: "Aero"}, CashPrice: 25_000_00, Product: "pch", TermsOffered: []int{36},
		ExcessMileageCharge: &emc, ValidFrom: "2026-11-01", ValidTo: "2027-03-31",
		Example: ExampleTerms{MonthlyPayments: 35, AnnualMileage: 8_000, InitialRentalMonths: 6, MonthlyRental: &rental}}
	require.Empty(t, offerFields(t, pch))
	q, ca, err = PriceOffer(pch, ukMarket)
	require.NoError(t, err)
	require.True(t, ca.Reconciles)
	require.Equal(t, int64(6*279_00), q.HireTerms.InitialRental)
}

func TestValidateOffer(t *testing.T) {
	require.Empty(t, offerFields(t, pcpOffer()))
	require.Empty(t, offerFields(t, hpOffer()))

	in := pcpOffer()
	in.Example.APRBasis.SharePercent = 50
	require.Equal(t, map[string]string{"example.apr_basis.share_percent": "out_of_range"}, offerFields(t, in), "RULES C5: at least 51%")
	in = pcpOffer()
	in.Example.APR = nil
	require.Equal(t, map[string]string{"example.apr": "required"}, offerFields(t, in))
	in = pcpOffer()
	in.Example.MonthlyPayments = 30 // a 31-month agreement is not offered
	require.Equal(t, map[string]string{"example.monthly_payments": "invalid"}, offerFields(t, in))
	in = pcpOffer()
	in.GuaranteedFutureValues = append(in.GuaranteedFutureValues, FutureValue{TermMonths: 37, AnnualMileage: 10_000, Value: 1}, FutureValue{TermMonths: 13, AnnualMileage: 5_000, Value: 30_000_00})
	require.Equal(t, map[string]string{"guaranteed_future_values[3]": "duplicate", "guaranteed_future_values[4].term_months": "invalid",
		"guaranteed_future_values[4].value": "out_of_range"}, offerFields(t, in))
	in = hpOffer()
	in.GuaranteedFutureValues = []FutureValue{{TermMonths: 48, AnnualMileage: 1, Value: 1}}
	require.Equal(t, map[string]string{"guaranteed_future_values": "not_allowed"}, offerFields(t, in))
	in = pcpOffer()
	in.ValidFrom, in.ValidTo = "2027-02-01", "2027-01-01"
	require.Equal(t, map[string]string{"valid_to": "out_of_range"}, offerFields(t, in))
	in.ValidFrom, in.ValidTo = "1/2/2027", ""
	require.Equal(t, map[string]string{"valid_from": "format", "valid_to": "format"}, offerFields(t, in))
	in = pcpOffer()
	in.Product, in.CashPrice, in.TermsOffered = "lease", 0, []int{36, 36, 3}
	got := offerFields(t, in)
	for _, f := range []string{"product", "cash_price", "terms_offered[1]", "terms_offered[2]"} {
		require.Contains(t, got, f)
	}

	// Media: allow-listed https hosts or /assets/ paths only; a video needs
	// WebVTT captions.
	media := map[string]string{
		"https://media.example.com/a.jpg":      "",
		"/assets/demo/puma.jpg":                "",
		"http://media.example.com/a.jpg":       "invalid",
		"https://evil.example.net/a.jpg":       "host_not_allowed",
		"https://user@media.example.com/a.jpg": "invalid",
		"https://media.example.com:8443/a.jpg": "invalid",
		"/assets/../secrets":                   "invalid",
		"/etc/passwd":                          "invalid",
		"javascript:alert(1)":                  "invalid",
	}
	for url, code := range media {
		in = pcpOffer()
		in.Vehicle.ImageURL = url
		got := offerFields(t, in)
		if code == "" {
			require.Empty(t, got, url)
		} else {
			require.Equal(t, map[string]string{"vehicle.image_url": code}, got, url)
		}
	}
	in = pcpOffer()
	in.Vehicle.VideoURL = "https://media.example.com/aero.mp4"
	require.Equal(t, map[string]string{"vehicle.captions_url": "required"}, offerFields(t, in))
	in.Vehicle.CaptionsURL = "https://media.example.com/aero.srt"
	require.Equal(t, map[string]string{"vehicle.captions_url": "invalid"}, offerFields(t, in))
	in.Vehicle.CaptionsURL = "https://media.example.com/aero.en.vtt"
	require.Empty(t, offerFields(t, in))

	pch := pcpOffer()
	pch.Product, pch.GuaranteedFutureValues, pch.DepositContribution = "pch", nil, 0
	require.Equal(t, map[string]string{"example.apr": "not_allowed", "example.deposit": "not_allowed"}, offerFields(t, pch))
}

// library is a media library of known keys, for checkUploads; the real one
// (backend/media) is exercised end to end in backend/app.
type library map[string]struct {
	financier int64
	kind      string
}

func (l library) KindOf(_ context.Context, financierID int64, key string) (string, error) {
	m, ok := l[key]
	if !ok || m.financier != financierID {
		return "", db.ErrNotFound
	}
	return m.kind, nil
}

func TestOfferUploadedMedia(t *testing.T) {
	const img, vid, vtt, theirs = "img0123456789abcdef", "vid0123456789abcdef", "vtt0123456789abcdef", "oth0123456789abcdef"
	lib := library{img: {1, "image"}, vid: {1, "video"}, vtt: {1, "captions"}, theirs: {2, "image"}}
	check := func(svc *Service, v OfferVehicle) map[string]string {
		t.Helper()
		var c httpx.Check
		require.NoError(t, svc.checkUploads(context.Background(), &c, v, 1))
		out := map[string]string{}
		if err := c.Err(); err != nil {
			for _, e := range err.(*httpx.Problem).Errors {
				out[e.Field] = e.Code
			}
		}
		return out
	}
	svc := &Service{Media: lib}
	require.Empty(t, check(svc, OfferVehicle{ImageURL: "/media/" + img, VideoURL: "/media/" + vid, CaptionsURL: "/media/" + vtt}))
	require.Equal(t, map[string]string{"vehicle.image_url": "wrong_kind", "vehicle.captions_url": "wrong_kind"},
		check(svc, OfferVehicle{ImageURL: "/media/" + vid, VideoURL: "/media/" + vid, CaptionsURL: "/media/" + img}))
	require.Equal(t, map[string]string{"vehicle.image_url": "not_found"}, check(svc, OfferVehicle{ImageURL: "/media/" + theirs}),
		"another financier's upload")
	require.Equal(t, map[string]string{"vehicle.image_url": "invalid"}, check(&Service{}, OfferVehicle{ImageURL: "/media/" + img}),
		"no library: uploads refused")
	require.Empty(t, check(svc, OfferVehicle{ImageURL: "https://media.example.com/a.jpg"}), "URLs are validateOffer's")

	// validateOffer lets /media/ addresses through (their kind is checked
	// above), and nothing else under /media.
	in := pcpOffer()
	in.Vehicle.VideoURL, in.Vehicle.CaptionsURL = "/media/"+vid, "/media/"+vtt
	require.Empty(t, offerFields(t, in))
	in.Vehicle.ImageURL = "/media/../assets/x.jpg"
	require.Equal(t, map[string]string{"vehicle.image_url": "invalid"}, offerFields(t, in))
	in.Vehicle.ImageURL = "/media/short"
	require.Equal(t, map[string]string{"vehicle.image_url": "invalid"}, offerFields(t, in))
}
