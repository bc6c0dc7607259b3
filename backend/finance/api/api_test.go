package api

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/stretchr/testify/require"

	"github.com/keyturn/keyturn/backend/platform/httpx"
)

// Sample requests, one per operation; the fuzz targets start from them.
const (
	sampleAPR = `{"currency":"GBP","advance":1099500,"payments":[{"month":1,"count":48,"amount":22140},{"month":49,"amount":429659}]}`

	sampleQuote = `{"product":"pcp","market":"UK","currency":"GBP","cash_price":2500000,"deposit":300000,
		"deposit_contribution":50000,"monthly_payments":36,"optional_final_payment":1101000,"annual_mileage":10000,
		"excess_mileage_charge":8,"fees":[{"name":"Option to purchase fee","amount":1000,"payable":"with_final"}],"apr":6.9}`

	sampleCheck = `{"product":"hp","market":"IE","currency":"EUR","cash_price":2390000,"deposit":597500,"amount_of_credit":1792500,
		"monthly_payments":60,"monthly_payment":35409,"final_payment":42909,
		"fees":[{"name":"Documentation fee","amount":7500},{"name":"Option to purchase fee","amount":7500}],
		"total_amount_payable":2737040,"apr":7.40,"rate":6.90}`

	sampleSettle = `{"currency":"GBP","market":"UK","start_date":"2024-01-10","amount_of_credit":1099500,"apr":12.9,
		"payments":[{"month":1,"count":48,"amount":22140},{"month":49,"amount":429659}],"settlement_date":"2025-02-10",
		"valuation":800000,"deposit":300000}`

	sampleCompare = `{"current":` + sampleSettle + `,"offers":[` + sampleQuote + `,
		{"product":"pch","monthly_payments":35,"initial_rental_months":3,"monthly_rental":23500,"annual_mileage":10000,"excess_mileage_charge":8}]}`
)

var samples = map[string]string{
	KindAPR: sampleAPR, KindQuote: sampleQuote, KindCheck: sampleCheck, KindSettle: sampleSettle, KindCompare: sampleCompare,
}

// newApp mounts the routes the way the app does: under /api/v1, with the
// platform's error handler writing every problem.
func newApp(t *testing.T) *fiber.App {
	t.Helper()
	app := fiber.New(fiber.Config{ErrorHandler: httpx.ErrorHandler(slog.New(slog.NewTextHandler(io.Discard, nil)))})
	for _, r := range Routes() {
		app.Add(r.Method, "/api/v1"+r.Path, r.Handler)
	}
	return app
}

func post(t *testing.T, app *fiber.App, path, body string) (int, string, []byte) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, bytes.NewBufferString(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := app.Test(req, -1)
	require.NoError(t, err)
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header.Get("Content-Type"), out
}

func TestRoutesTable(t *testing.T) {
	routes := Routes()
	require.Len(t, routes, 5)
	for i, r := range routes {
		require.Equal(t, fiber.MethodPost, r.Method)
		require.Equal(t, "/finance/"+Kinds[i], r.Path)
		require.ElementsMatch(t, []string{"customer", "financier_admin", "financier_marketer", "compliance_approver",
			"financier_analyst", "dealer_principal", "dealer_staff"}, r.Roles)
		require.False(t, r.Public(), "any signed-in user, never anonymous")
	}
}

func TestRoutesAnswer(t *testing.T) {
	app := newApp(t)
	for kind, body := range samples {
		t.Run(kind, func(t *testing.T) {
			status, ctype, out := post(t, app, "/api/v1/finance/"+kind, body)
			require.Equal(t, http.StatusOK, status, string(out))
			require.Contains(t, ctype, "application/json")
			// The HTTP body is byte for byte the answer Handle gives the CLI.
			answer, problem := Handle(kind, []byte(body))
			require.Nil(t, problem)
			want, err := Marshal(answer)
			require.NoError(t, err)
			require.Equal(t, string(want), string(out))
		})
	}
}

func TestRouteFigures(t *testing.T) {
	app := newApp(t)
	_, _, out := post(t, app, "/api/v1/finance/apr", sampleAPR)
	require.JSONEq(t, `{"currency":"GBP","advance":1099500,"apr":12.9,"apr_precise":12.899592,"total_amount_payable":1492379,
		"total_charge_for_credit":392879,"payments_count":49,"duration_months":49}`, string(out))

	_, _, out = post(t, app, "/api/v1/finance/check", sampleCheck)
	var check struct {
		Reconciles bool `json:"reconciles"`
		Problems   []struct {
			Field string `json:"field"`
			Rule  string `json:"rule"`
		} `json:"problems"`
	}
	require.NoError(t, json.Unmarshal(out, &check))
	require.False(t, check.Reconciles)
	require.Len(t, check.Problems, 2)

	_, _, out = post(t, app, "/api/v1/finance/quote", sampleQuote)
	var q map[string]any
	require.NoError(t, json.Unmarshal(out, &q))
	for _, key := range []string{"amount_of_credit", "schedule", "monthly_payment", "total_charge_for_credit", "total_amount_payable",
		"apr", "nominal_rate", "flat_rate", "duration_months", "representative_example"} {
		require.Contains(t, q, key)
	}
	require.NotContains(t, q, "initial_rental", "credit quotes carry no hire figures")
}

func TestRoutesRefuseBadInput(t *testing.T) {
	app := newApp(t)
	for _, tc := range []struct {
		name, kind, body, field string
	}{
		{"unknown field", KindQuote, `{"product":"hp","cash_price":1000000,"monthly_payments":36,"rate":5,"colour":"red"}`, "colour"},
		{"unknown product", KindQuote, `{"product":"lease","cash_price":1000000,"monthly_payments":36,"rate":5}`, "product"},
		{"two of rate/apr/payment", KindQuote, `{"product":"hp","cash_price":1000000,"monthly_payments":36,"rate":5,"apr":5.1}`, "apr"},
		{"1,000 payments", KindQuote, `{"product":"hp","cash_price":1000000,"monthly_payments":1000,"rate":5}`, "monthly_payments"},
		{"0 payments", KindQuote, `{"product":"hp","cash_price":1000000,"monthly_payments":0,"rate":5}`, "monthly_payments"},
		{"negative amount", KindQuote, `{"product":"hp","cash_price":-1,"monthly_payments":36,"rate":5}`, "cash_price"},
		{"fees larger than credit", KindQuote, `{"product":"hp","cash_price":100000,"monthly_payments":36,"rate":5,
			"fees":[{"name":"Admin fee","amount":200000,"payable":"upfront"}]}`, "fees"},
		{"rate as a string", KindQuote, `{"product":"hp","cash_price":100000,"monthly_payments":36,"rate":"5"}`, "rate"},
		{"money with pence as decimals", KindQuote, `{"product":"hp","cash_price":1000.50,"monthly_payments":36,"rate":5}`, "cash_price"},
		{"payments below advance", KindAPR, `{"currency":"GBP","advance":100000,"payments":[{"month":1,"count":10,"amount":100}]}`, "payments"},
		{"bad date", KindSettle, `{"start_date":"yesterday","amount_of_credit":100,"apr":5,"payments":[{"month":1,"amount":105}],"settlement_date":"2025-01-01"}`, "start_date"},
		{"too many offers", KindCompare, `{"current":` + sampleSettle + `,"offers":[{},{},{},{},{}]}`, "offers"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, ctype, out := post(t, app, "/api/v1/finance/"+tc.kind, tc.body)
			require.Equal(t, http.StatusUnprocessableEntity, status, string(out))
			require.Equal(t, httpx.ContentType, ctype)
			var p httpx.Problem
			require.NoError(t, json.Unmarshal(out, &p))
			require.Equal(t, httpx.TypePrefix+"validation", p.Type)
			fields := make([]string, 0, len(p.Errors))
			for _, e := range p.Errors {
				fields = append(fields, e.Field)
			}
			require.Contains(t, fields, tc.field)
		})
	}
}

func TestHandleUnknownKind(t *testing.T) {
	answer, problem := Handle("loan", []byte(`{}`))
	require.Nil(t, answer)
	require.Equal(t, http.StatusBadRequest, problem.Status)
}
