package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/keyturn/keyturn/backend/finance/api"
)

// financeRun runs `keyturn finance args…` with stdin and returns the exit
// code and both outputs.
func financeRun(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := runFinance(args, strings.NewReader(stdin), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

const cliAPR = `{"currency":"GBP","advance":1099500,"payments":[{"month":1,"count":48,"amount":22140},{"month":49,"amount":429659}]}`

func TestFinanceCLIAnswers(t *testing.T) {
	code, out, errOut := financeRun(t, cliAPR, "apr")
	require.Equal(t, 0, code, errOut)
	require.Empty(t, errOut)
	var a struct {
		APR        json.Number `json:"apr"`
		APRPrecise json.Number `json:"apr_precise"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &a))
	require.Equal(t, "12.9", a.APR.String())
	require.Equal(t, "12.899592", a.APRPrecise.String())

	// Exactly the JSON the HTTP route sends: Handle's answer, marshalled once.
	answer, problem := api.Handle(api.KindAPR, []byte(cliAPR))
	require.Nil(t, problem)
	want, err := api.Marshal(answer)
	require.NoError(t, err)
	require.Equal(t, string(want)+"\n", out)
}

func TestFinanceCLIReadsFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "quote.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"product":"hp","market":"IE","cash_price":2390000,"deposit":597500,"monthly_payments":60,
		"fees":[{"name":"Documentation fee","amount":7500,"payable":"with_first"},{"name":"Option to purchase fee","amount":7500,"payable":"with_final"}],
		"rate":6.90}`), 0o600))
	code, out, errOut := financeRun(t, "", "quote", "--in", path)
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, `"monthly_payment":35409`)
	require.Contains(t, out, `"apr":7.4`)

	code, _, errOut = financeRun(t, "", "quote", "--in", filepath.Join(t.TempDir(), "missing.json"))
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "open request")
}

func TestFinanceCLICheckThatDoesNotReconcileIsAnAnswer(t *testing.T) {
	code, out, errOut := financeRun(t, `{"product":"hp","amount_of_credit":500000,"cash_price":500000,"deposit":0,"monthly_payments":60,
		"monthly_payment":12038,"fees":[{"name":"Admin charges","amount":30000}],"total_amount_payable":752280,"apr":16.70,"rate":7.00}`, "check")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, `"reconciles":false`)
}

func TestFinanceCLIBadInput(t *testing.T) {
	for _, tc := range []struct {
		name, kind, body, field string
	}{
		{"unknown field", "quote", `{"product":"hp","cash_price":1000000,"monthly_payments":36,"rate":5,"colour":"red"}`, "colour"},
		{"negative amount", "quote", `{"product":"hp","cash_price":-5,"monthly_payments":36,"rate":5}`, "cash_price"},
		{"absurd amount", "quote", `{"product":"hp","cash_price":100000000000000,"monthly_payments":36,"rate":5}`, "cash_price"},
		{"0 payments", "quote", `{"product":"hp","cash_price":1000000,"monthly_payments":0,"rate":5}`, "monthly_payments"},
		{"1,000 payments", "quote", `{"product":"hp","cash_price":1000000,"monthly_payments":1000,"rate":5}`, "monthly_payments"},
		{"two rates", "quote", `{"product":"hp","cash_price":1000000,"monthly_payments":36,"rate":5,"monthly_payment":30000}`, "monthly_payment"},
		{"unknown product", "quote", `{"product":"loan","cash_price":1000000,"monthly_payments":36,"rate":5}`, "product"},
		{"fees above credit", "quote", `{"product":"hp","cash_price":1000,"monthly_payments":36,"rate":5,"fees":[{"name":"Fee","amount":5000,"payable":"upfront"}]}`, "fees"},
		{"not JSON", "apr", `apr please`, ""},
		{"empty", "settle", ``, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := financeRun(t, tc.body, tc.kind)
			require.Equal(t, 2, code)
			require.Empty(t, out)
			var p struct {
				Type   string `json:"type"`
				Status int    `json:"status"`
				Errors []struct {
					Field string `json:"field"`
				} `json:"errors"`
			}
			require.NoError(t, json.Unmarshal([]byte(errOut), &p), errOut)
			require.Equal(t, 422, p.Status)
			require.Equal(t, "urn:keyturn:problem:validation", p.Type)
			fields := []string{}
			for _, e := range p.Errors {
				fields = append(fields, e.Field)
			}
			require.Contains(t, fields, tc.field)

			// The same problem+json as the HTTP route.
			_, problem := api.Handle(tc.kind, []byte(tc.body))
			want, err := api.MarshalProblem(problem)
			require.NoError(t, err)
			require.Equal(t, string(want)+"\n", errOut)
		})
	}
}

func TestFinanceCLIUsage(t *testing.T) {
	code, _, errOut := financeRun(t, "")
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "apr|quote|check|settle|compare")

	code, out, _ := financeRun(t, "", "help")
	require.Equal(t, 0, code)
	require.Contains(t, out, "--in FILE")

	code, _, errOut = financeRun(t, "{}", "loan")
	require.Equal(t, 2, code)
	require.Contains(t, errOut, `unknown operation "loan"`)

	code, _, _ = financeRun(t, "{}", "apr", "--bogus")
	require.Equal(t, 2, code)

	code, _, errOut = financeRun(t, strings.Repeat(" ", api.MaxBodyBytes+1), "apr")
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "payload-too-large")
}
