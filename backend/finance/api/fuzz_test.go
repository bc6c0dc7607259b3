package api

import (
	"encoding/json"
	"net/http"
	"testing"
)

// fuzzHandle is the property every fuzz target checks: whatever the body,
// Handle does not panic, gives exactly one of an answer or a problem, never
// a server error, and an answer always encodes.
func fuzzHandle(t *testing.T, kind string, body []byte) {
	answer, problem := Handle(kind, body)
	if (answer == nil) == (problem == nil) {
		t.Fatalf("want exactly one of answer and problem, got %v and %v", answer, problem)
	}
	if problem != nil {
		if problem.Status != http.StatusUnprocessableEntity && problem.Status != http.StatusBadRequest {
			t.Fatalf("status %d for %q: %v", problem.Status, body, problem)
		}
		if _, err := MarshalProblem(problem); err != nil {
			t.Fatalf("problem does not encode: %v", err)
		}
		return
	}
	out, err := Marshal(answer)
	if err != nil {
		t.Fatalf("answer does not encode: %v", err)
	}
	if !json.Valid(out) {
		t.Fatalf("answer is not valid JSON: %s", out)
	}
}

// addSeeds gives each target the valid sample and some wrong bodies.
func addSeeds(f *testing.F, sample string, extra ...string) {
	f.Add([]byte(sample))
	for _, s := range []string{``, `null`, `{}`, `[]`, `{"product":"pcp"}`, `{"currency":"GBP"}`, `{"a":1}`, `{"apr":1e400}`, `{`} {
		f.Add([]byte(s))
	}
	for _, s := range extra {
		f.Add([]byte(s))
	}
}

func FuzzAPR(f *testing.F) {
	addSeeds(f, sampleAPR,
		`{"currency":"EUR","advance":1,"payments":[{"month":0,"amount":1},{"month":600,"amount":1000000000}]}`,
		`{"currency":"GBP","advance":10000,"payments":[{"month":1,"amount":20000}]}`,
		`{"currency":"GBP","advance":1000000000,"payments":[{"month":1,"count":600,"amount":1000000000}]}`,
		`{"currency":"GBP","advance":5,"payments":[{"month":1,"count":-3,"amount":1}]}`)
	f.Fuzz(func(t *testing.T, body []byte) { fuzzHandle(t, KindAPR, body) })
}

func FuzzQuote(f *testing.F) {
	addSeeds(f, sampleQuote,
		`{"product":"hp","market":"IE","cash_price":1000000,"monthly_payments":120,"apr":23.0}`,
		`{"product":"hp","cash_price":1000000000,"deposit":999999999,"monthly_payments":120,"rate":1000}`,
		`{"product":"pcp","cash_price":1000000,"monthly_payments":1,"optional_final_payment":999999,"annual_mileage":1,"excess_mileage_charge":0,"apr":0}`,
		`{"product":"pch","cash_price":3000000,"monthly_payments":35,"initial_rental_months":24,"rate":0.000001,"residual_value":2999999,"annual_mileage":1,"excess_mileage_charge":99.99}`,
		`{"product":"hp","cash_price":100,"monthly_payments":120,"monthly_payment":1}`)
	f.Fuzz(func(t *testing.T, body []byte) { fuzzHandle(t, KindQuote, body) })
}

func FuzzCheck(f *testing.F) {
	addSeeds(f, sampleCheck,
		`{"product":"pch","initial_rental_months":9,"initial_rental":284386,"monthly_rental":31598,"monthly_payments":23,"total_amount_payable":1011140}`,
		`{"product":"pcp","amount_of_credit":1,"monthly_payments":120,"monthly_payment":1000000000,"optional_final_payment":1,"apr":99999999.999999}`,
		`{"product":"hp","monthly_payments":3,"monthly_payment":1,"amount_of_credit":1000000000,"fees":[{"name":"a","amount":1},{"name":"b","amount":1},{"name":"c","amount":1},{"name":"d","amount":1},{"name":"e","amount":1},{"name":"f","amount":1},{"name":"g","amount":1},{"name":"h","amount":1}]}`)
	f.Fuzz(func(t *testing.T, body []byte) { fuzzHandle(t, KindCheck, body) })
}

func FuzzSettle(f *testing.F) {
	addSeeds(f, sampleSettle,
		`{"start_date":"2024-01-31","amount_of_credit":100,"apr":1000,"payments":[{"month":600,"amount":1000000000}],"settlement_date":"2200-12-31"}`,
		`{"start_date":"2009-02-28","amount_of_credit":100000,"apr":0,"payments":[{"month":1,"count":24,"amount":5000}],"settlement_date":"2010-02-28","valuation":0}`)
	f.Fuzz(func(t *testing.T, body []byte) { fuzzHandle(t, KindSettle, body) })
}

func FuzzCompare(f *testing.F) {
	addSeeds(f, sampleCompare,
		`{"current":`+sampleSettle+`,"offers":[{"product":"hp","cash_price":1000,"monthly_payments":120,"rate":1}]}`,
		`{"current":{},"offers":[{}]}`)
	f.Fuzz(func(t *testing.T, body []byte) { fuzzHandle(t, KindCompare, body) })
}
