package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// specPath is the API description; its /finance/ paths are checked here
// against real requests and answers.
const specPath = "../../../docs/openapi.yaml"

type spec struct {
	Paths map[string]map[string]struct {
		Roles       []string         `yaml:"x-keyturn-roles"`
		Security    []map[string]any `yaml:"security"`
		RequestBody struct {
			Content map[string]struct {
				Schema map[string]any `yaml:"schema"`
			} `yaml:"content"`
		} `yaml:"requestBody"`
		Responses map[string]struct {
			Content map[string]struct {
				Schema map[string]any `yaml:"schema"`
			} `yaml:"content"`
		} `yaml:"responses"`
	} `yaml:"paths"`
	Components struct {
		Schemas map[string]map[string]any `yaml:"schemas"`
	} `yaml:"components"`
}

func loadSpec(t *testing.T) spec {
	t.Helper()
	raw, err := os.ReadFile(specPath)
	require.NoError(t, err)
	var s spec
	require.NoError(t, yaml.Unmarshal(raw, &s))
	return s
}

func TestOpenAPIDocumentsEveryFinanceRoute(t *testing.T) {
	s := loadSpec(t)
	finance := 0
	for p := range s.Paths {
		if strings.HasPrefix(p, "/finance/") {
			finance++
		}
	}
	require.Equal(t, len(Routes()), finance, "every /finance/ path in the spec is a route")
	for _, r := range Routes() {
		op, ok := s.Paths[r.Path][strings.ToLower(r.Method)]
		require.True(t, ok, "%s %s is not documented", r.Method, r.Path)
		want, got := slices.Clone(r.Roles), slices.Clone(op.Roles)
		slices.Sort(want)
		slices.Sort(got)
		require.Equal(t, want, got, "roles of %s", r.Path)
		require.Equal(t, []map[string]any{{"bearer": []any{}}}, op.Security)
	}
}

// TestOpenAPIFragmentMatchesAnswers validates real requests and answers
// against the fragment's schemas: every member must be declared, every
// required member present, every type and enum right.
func TestOpenAPIFragmentMatchesAnswers(t *testing.T) {
	s := loadSpec(t)
	cases := map[string][]string{
		KindAPR: {sampleAPR},
		KindQuote: {sampleQuote,
			`{"product":"pch","cash_price":3000000,"monthly_payments":35,"initial_rental_months":6,"rate":7.5,"residual_value":1500000,
			  "annual_mileage":8000,"excess_mileage_charge":12,"fees":[{"name":"Arrangement fee","amount":29900,"payable":"upfront"}]}`,
			`{"product":"hp","market":"IE","cash_price":2390000,"deposit":597500,"monthly_payments":60,
			  "fees":[{"name":"Documentation fee","amount":7500,"payable":"with_first"},{"name":"Option to purchase fee","amount":7500,"payable":"with_final"}],"rate":6.90}`,
			`{"product":"hp","cash_price":1000000,"monthly_payments":36,"rate":0,"rate_basis":"flat"}`},
		KindCheck: {sampleCheck,
			`{"product":"pcp","monthly_payments":36,"monthly_payment":29900}`,
			`{"product":"pch","initial_rental_months":9,"initial_rental":284386,"monthly_rental":31598,"monthly_payments":23,"total_amount_payable":1011140}`},
		KindSettle: {sampleSettle,
			`{"start_date":"2024-01-10","amount_of_credit":1099500,"apr":12.9,"payments":[{"month":1,"count":48,"amount":22140},{"month":49,"amount":429659}],"settlement_date":"2028-01-20","valuation":520000}`,
			`{"start_date":"2024-01-10","amount_of_credit":1099500,"apr":12.9,"payments":[{"month":1,"count":48,"amount":22140},{"month":49,"amount":429659}],"settlement_date":"2025-01-20"}`},
		KindCompare: {sampleCompare},
	}
	for kind, bodies := range cases {
		op := s.Paths["/finance/"+kind]["post"]
		reqSchema := op.RequestBody.Content["application/json"].Schema
		ansSchema := op.Responses["200"].Content["application/json"].Schema
		for i, body := range bodies {
			t.Run(fmt.Sprintf("%s/%d", kind, i), func(t *testing.T) {
				requireMatches(t, s, reqSchema, decodeJSON(t, []byte(body)), "request")
				answer, problem := Handle(kind, []byte(body))
				require.Nil(t, problem)
				out, err := Marshal(answer)
				require.NoError(t, err)
				requireMatches(t, s, ansSchema, decodeJSON(t, out), "answer")
			})
		}
	}
}

func decodeJSON(t *testing.T, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	require.NoError(t, dec.Decode(&v))
	return v
}

func requireMatches(t *testing.T, s spec, schema map[string]any, v any, path string) {
	t.Helper()
	if errs := validate(s, schema, v, path); len(errs) > 0 {
		t.Fatalf("does not match the OpenAPI fragment:\n%s", strings.Join(errs, "\n"))
	}
}

// validate is the subset of JSON Schema the fragment uses: $ref, type
// (with "null"), properties, required, additionalProperties: false, items
// and enum.
func validate(s spec, schema map[string]any, v any, path string) []string {
	if ref, ok := schema["$ref"].(string); ok {
		name := strings.TrimPrefix(ref, "#/components/schemas/")
		target, ok := s.Components.Schemas[name]
		if !ok {
			return []string{path + ": unknown $ref " + ref}
		}
		return validate(s, target, v, path)
	}
	var errs []string
	if types := schemaTypes(schema); len(types) > 0 && !slices.Contains(types, jsonType(v)) &&
		!(jsonType(v) == "integer" && slices.Contains(types, "number")) {
		return []string{fmt.Sprintf("%s: %v is %s, want %v", path, v, jsonType(v), types)}
	}
	if enum, ok := schema["enum"].([]any); ok {
		if str, isStr := v.(string); isStr && !slices.Contains(enum, any(str)) {
			errs = append(errs, fmt.Sprintf("%s: %q is not in %v", path, str, enum))
		}
	}
	switch val := v.(type) {
	case map[string]any:
		props, _ := schema["properties"].(map[string]any)
		for _, r := range asStrings(schema["required"]) {
			if _, ok := val[r]; !ok {
				errs = append(errs, path+": missing required "+r)
			}
		}
		for k, member := range val {
			p, ok := props[k].(map[string]any)
			if !ok {
				if schema["additionalProperties"] == false {
					errs = append(errs, path+": undocumented member "+k)
				}
				continue
			}
			errs = append(errs, validate(s, p, member, path+"."+k)...)
		}
	case []any:
		if items, ok := schema["items"].(map[string]any); ok {
			for i, item := range val {
				errs = append(errs, validate(s, items, item, fmt.Sprintf("%s[%d]", path, i))...)
			}
		}
	}
	return errs
}

func schemaTypes(schema map[string]any) []string {
	switch t := schema["type"].(type) {
	case string:
		return []string{t}
	case []any:
		return asStrings(t)
	}
	return nil
}

func asStrings(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func jsonType(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case json.Number:
		if strings.ContainsAny(x.String(), ".eE") {
			return "number"
		}
		return "integer"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "unknown"
}
