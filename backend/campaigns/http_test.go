package campaigns

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/keyturn/keyturn/backend/platform/db"
	"github.com/keyturn/keyturn/backend/platform/db/dbtest"
	"github.com/keyturn/keyturn/backend/platform/httpx"
	"github.com/keyturn/keyturn/backend/platform/tenant"
)

func problemFields(r reply) []string {
	var out []string
	if errs, ok := r.body["errors"].([]any); ok {
		for _, e := range errs {
			out = append(out, e.(map[string]any)["field"].(string))
		}
	}
	return out
}

// TestHTTPCampaignFlow drives a campaign from draft to live through the
// route table, role by role, with another financier's marketer looking on.
func TestHTTPCampaignFlow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		b := setup(t, d)
		f := b.fixture(b.fin)
		cust := f.customer("A")
		f.agreement(cust, valuation(15_000_00))
		f.agreement(f.customer("B"))
		f.agreement(f.customer("V", vulnerable()))

		marketer, approver, analyst := b.token(marketerEmail), b.token(approverEmail), b.token(analystEmail)
		ie := b.token(ieMarketer)
		const api = "/api/v1"

		// Draft rules preview as the marketer edits.
		r := b.do("POST", api+"/campaigns/audience/preview", analyst, map[string]any{"audience": zephyrAudience(), "exclusions": true})
		require.Equal(t, 200, r.status, string(r.raw))
		require.Equal(t, float64(2), r.body["count"])
		require.Len(t, r.body["sample"], 2)
		require.Equal(t, float64(3), r.body["matched_by_rules"])
		require.Len(t, r.body["exclusions"], len(Exclusions))
		r = b.do("POST", api+"/campaigns/audience/preview", analyst, map[string]any{"audience": zephyrAudience()})
		require.Equal(t, 200, r.status, string(r.raw))
		require.Equal(t, float64(2), r.body["count"])
		require.NotContains(t, r.body, "exclusions", "exclusions only when asked for")
		r = b.do("POST", api+"/campaigns/audience/preview", marketer, map[string]any{"audience": map[string]any{"products": []string{"lease"}}})
		require.Equal(t, 422, r.status)
		require.Equal(t, []string{"audience.products"}, problemFields(r))

		// Create: analysts and approvers may not; unknown fields are refused.
		require.Equal(t, 403, b.do("POST", api+"/campaigns", analyst, settings()).status)
		require.Equal(t, 403, b.do("POST", api+"/campaigns", approver, settings()).status)
		r = b.do("POST", api+"/campaigns", marketer, map[string]any{"name": "x", "status": "live"})
		require.Equal(t, 422, r.status)
		require.Equal(t, []string{"status"}, problemFields(r), "mass assignment is refused (RULES S5)")
		r = b.do("POST", api+"/campaigns", marketer, settings())
		require.Equal(t, 201, r.status, string(r.raw))
		id := int64(r.body["id"].(float64))
		base := fmt.Sprintf("%s/campaigns/%d", api, id)

		// Offers: the representative example comes back computed; one that
		// does not reconcile is refused and changes nothing.
		r = b.do("POST", api+"/campaigns/offers/preview", analyst, pcpOffer())
		require.Equal(t, 200, r.status, string(r.raw))
		require.Contains(t, r.body["representative_example"].(map[string]any)["text"], "Representative APR: 6.9% APR")
		bad := pcpOffer()
		wrong := int64(100_00)
		bad.Example.MonthlyPayment = &wrong
		r = b.do("POST", base+"/offers", marketer, bad)
		require.Equal(t, 422, r.status, string(r.raw))
		require.Equal(t, httpx.TypePrefix+"validation", r.body["type"])
		require.NotEmpty(t, problemFields(r))
		for _, o := range []OfferInput{pcpOffer(), hpOffer()} {
			r = b.do("POST", base+"/offers", marketer, o)
			require.Equal(t, 201, r.status, string(r.raw))
			require.Equal(t, true, r.body["check"].(map[string]any)["reconciles"])
		}
		offerID := int64(r.body["id"].(float64))

		r = b.do("PUT", base+"/journey", marketer, map[string]any{"steps": journey()})
		require.Equal(t, 200, r.status, string(r.raw))
		steps := r.body["steps"].([]any)
		require.Len(t, steps, 4)
		stepID := steps[0].(map[string]any)["id"].(string)
		r = b.do("PUT", base+"/journey", marketer, map[string]any{"steps": []any{map[string]any{"anchor": "end_date", "offset_days": -30,
			"channel": "push", "title": "0% APR on the {model}", "body": "Tap to see", "deep_link": "/offers"}}})
		require.Equal(t, 422, r.status)
		require.NotEmpty(t, problemFields(r))
		for _, field := range problemFields(r) {
			require.Equal(t, "steps[0].title", field, "the C6 lint refuses the title")
		}

		r = b.do("POST", base+"/journey/preview", analyst, map[string]any{"step_id": stepID})
		require.Equal(t, 200, r.status, string(r.raw))
		require.Len(t, r.body["samples"], 2)
		r = b.do("POST", base+"/journey/preview", marketer, map[string]any{"step": map[string]any{"anchor": "enrolment", "offset_days": 0,
			"channel": "email", "subject": "Hello", "body": "Hi {first_name}", "deep_link": "/offers"}})
		require.Equal(t, 200, r.status, string(r.raw))
		sample := r.body["samples"].([]any)[0].(map[string]any)
		require.Equal(t, "Hi Alex", sample["message"].(map[string]any)["body"])

		r = b.do("GET", base+"/audience", analyst, nil)
		require.Equal(t, 200, r.status)
		require.Equal(t, float64(2), r.body["count"])
		r = b.do("GET", base+"/audience/explain?customer_ref=V", analyst, nil)
		require.Equal(t, 200, r.status, string(r.raw))
		require.Equal(t, false, r.body["in"])
		require.Contains(t, r.body["reasons"].([]any)[0], "vulnerable")
		require.Equal(t, 422, b.do("GET", base+"/audience/explain", analyst, nil).status)
		r = b.do("GET", base+fmt.Sprintf("/audience/explain?customer_id=%d", cust.ID), analyst, nil)
		require.Equal(t, true, r.body["in"])

		r = b.do("GET", base+"/checklist", approver, nil)
		require.Equal(t, 200, r.status)
		require.Equal(t, true, r.body["ready"], string(r.raw))

		// Another financier's marketer sees none of it.
		for _, c := range []struct{ method, path string }{
			{"GET", base}, {"PUT", base}, {"GET", base + "/checklist"}, {"GET", base + "/audience"},
			{"GET", base + "/audience/explain?customer_ref=A"}, {"POST", base + "/submit"}, {"GET", base + "/enrolments"},
			{"DELETE", fmt.Sprintf("%s/offers/%d", base, offerID)}, {"POST", base + "/journey/preview"},
		} {
			var body any
			switch c.path {
			case base:
				body = settings()
			case base + "/journey/preview":
				body = map[string]any{"step_id": stepID}
			}
			r = b.do(c.method, c.path, ie, body)
			require.Equal(t, 404, r.status, "%s %s: %s", c.method, c.path, r.raw)
		}
		r = b.do("GET", api+"/campaigns", ie, nil)
		require.Empty(t, r.body["campaigns"])

		// Submit; the author (a marketer) cannot approve; an approver does.
		require.Equal(t, 200, b.do("POST", base+"/submit", marketer, nil).status)
		require.Equal(t, 403, b.do("POST", base+"/approve", marketer, nil).status)
		r = b.do("POST", base+"/approve", approver, nil)
		require.Equal(t, 200, r.status, string(r.raw))
		require.Equal(t, StatusApproved, r.body["status"])
		require.Equal(t, 403, b.do("POST", base+"/launch", approver, nil).status)
		require.Equal(t, 403, b.do("POST", base+"/launch", analyst, nil).status)
		r = b.do("POST", base+"/launch", marketer, nil)
		require.Equal(t, 200, r.status, string(r.raw))
		require.Equal(t, StatusLive, r.body["status"])
		require.Equal(t, 409, b.do("PUT", base, marketer, settings()).status)

		_, err := b.svc.Sync(context.Background(), id)
		require.NoError(t, err)
		r = b.do("GET", base+"/enrolments", analyst, nil)
		require.Equal(t, 200, r.status)
		require.Len(t, r.body["enrolments"], 2)
		r = b.do("GET", base+"/audience/explain?customer_ref=A", analyst, nil)
		require.Equal(t, 200, r.status)
		require.NotNil(t, r.body["enrolment"])
		require.Equal(t, r.body["agreement_id"], r.body["enrolment"].(map[string]any)["agreement_id"])
		require.Equal(t, 422, b.do("GET", base+"/enrolments?limit=0", analyst, nil).status)

		// The customer sees their offers; staff may not call the customer
		// route, nor the customer the console.
		custTok := b.customerToken(tenant.Scope{FinancierID: b.fin.FinancierID, CustomerID: cust.ID})
		r = b.do("GET", api+"/customer/offers", custTok, nil)
		require.Equal(t, 200, r.status, string(r.raw))
		require.Len(t, r.body["offers"], 2)
		require.Equal(t, 403, b.do("GET", api+"/customer/offers", marketer, nil).status)
		require.Equal(t, 403, b.do("GET", base, custTok, nil).status)
		require.Equal(t, 401, b.do("GET", base, "", nil).status)

		require.Equal(t, 403, b.do("POST", base+"/pause", analyst, nil).status)
		require.Equal(t, 200, b.do("POST", base+"/pause", approver, nil).status)
		require.Equal(t, 403, b.do("POST", base+"/end", approver, nil).status)
		require.Equal(t, 200, b.do("POST", base+"/end", marketer, nil).status)
		require.Equal(t, 404, b.do("GET", api+"/campaigns/abc", marketer, nil).status)

		r = b.do("GET", api+"/campaigns", analyst, nil)
		require.Equal(t, 200, r.status)
		list := r.body["campaigns"].([]any)
		require.Len(t, list, 1)
		require.Equal(t, StatusEnded, list[0].(map[string]any)["status"])
	})
}

// TestRouteRoles checks the route table's roles: builders build, approvers
// approve, anyone of the financier reads.
func TestRouteRoles(t *testing.T) {
	want := map[string][]string{
		"POST /campaigns":                  builders,
		"PUT /campaigns/:id":               builders,
		"POST /campaigns/:id/offers":       builders,
		"PUT /campaigns/:id/journey":       builders,
		"POST /campaigns/:id/submit":       builders,
		"POST /campaigns/:id/approve":      {"compliance_approver"},
		"POST /campaigns/:id/reject":       {"compliance_approver"},
		"POST /campaigns/:id/launch":       {"financier_admin", "financier_marketer"},
		"POST /campaigns/:id/pause":        {"financier_admin", "financier_marketer", "compliance_approver"},
		"GET /campaigns/:id":               {"financier_admin", "financier_marketer", "compliance_approver", "financier_analyst"},
		"POST /campaigns/audience/preview": {"financier_admin", "financier_marketer", "compliance_approver", "financier_analyst"},
		"GET /customer/offers":             {"customer"},
	}
	seen := map[string]bool{}
	for _, r := range (&HTTP{}).Routes() {
		key := r.Method + " " + r.Path
		require.False(t, seen[key], "duplicate route %s", key)
		seen[key] = true
		if roles, ok := want[key]; ok {
			require.ElementsMatch(t, roles, r.Roles, key)
		}
		require.NotContains(t, r.Roles, httpx.Anyone, key)
		require.False(t, r.Upload, key)
	}
	for key := range want {
		require.True(t, seen[key], key)
	}
}
