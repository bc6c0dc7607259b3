// Package api is the finance engine's thin adapter: one Handle function that
// decodes a JSON request, calls the engine and maps its errors to
// problem+json, shared by the HTTP routes under /api/v1/finance/ and by the
// `keyturn finance` CLI so that both give the same JSON.
package api

import (
	"encoding/json"
	"errors"
	"sort"

	"github.com/gofiber/fiber/v2"

	"github.com/keyturn/keyturn/backend/auth"
	"github.com/keyturn/keyturn/backend/finance"
	"github.com/keyturn/keyturn/backend/platform/httpx"
)

// The operations, as named in the CLI (`keyturn finance apr`) and the route
// paths (/finance/apr).
const (
	KindAPR     = "apr"
	KindQuote   = "quote"
	KindCheck   = "check"
	KindSettle  = "settle"
	KindCompare = "compare"
)

// Kinds lists the operations in the order the CLI usage shows them.
var Kinds = []string{KindAPR, KindQuote, KindCheck, KindSettle, KindCompare}

// MaxBodyBytes bounds a request, for both doors: the largest real one (a
// compare with four offers, each with eight fees) is a few kilobytes.
const MaxBodyBytes = 64 << 10

// Routes is the finance route table, mounted by the app under /api/v1.
func Routes() []httpx.Route {
	routes := make([]httpx.Route, 0, len(Kinds))
	for _, kind := range Kinds {
		routes = append(routes, httpx.Route{
			Method: fiber.MethodPost,
			Path:   "/finance/" + kind,
			// Open to any signed-in user: the calculator touches no
			// tenant's data.
			Roles:   append([]string(nil), auth.SignedIn...),
			Handler: handler(kind),
		})
	}
	return routes
}

// handler answers one operation: the body goes through Handle, the answer is
// written with Marshal so its bytes are the CLI's, and a problem is returned
// for the app's error handler to write.
func handler(kind string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if len(c.Body()) > MaxBodyBytes {
			return httpx.KindPayloadTooLarge.New("A finance request is at most 64 KiB.")
		}
		answer, problem := Handle(kind, c.Body())
		if problem != nil {
			return problem
		}
		body, err := Marshal(answer)
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
		return c.Send(body)
	}
}

// Handle decodes body strictly as the request of kind, runs the engine and
// returns its answer, or the problem+json to send: 422 naming the field for
// bad input (the engine's ValidationErrors, or the strict decoder's), 400 for
// an unknown kind.
func Handle(kind string, body []byte) (answer any, problem *httpx.Problem) {
	switch kind {
	case KindAPR:
		return run(body, finance.APR)
	case KindQuote:
		return run(body, finance.Quote)
	case KindCheck:
		return run(body, finance.Check)
	case KindSettle:
		return run(body, finance.Settle)
	case KindCompare:
		return run(body, finance.Compare)
	}
	return nil, httpx.BadRequest("Unknown finance operation " + quote(kind) + "; use apr, quote, check, settle or compare.")
}

// run decodes the request type Req and calls the engine.
func run[Req, Ans any](body []byte, engine func(Req) (Ans, error)) (any, *httpx.Problem) {
	var req Req
	if err := httpx.DecodeStrict(body, &req); err != nil {
		return nil, httpx.AsProblem(err)
	}
	ans, err := engine(req)
	if err != nil {
		return nil, engineProblem(err)
	}
	return ans, nil
}

// engineProblem maps the engine's errors: its ValidationErrors become a 422
// with one entry per field; anything else (which the engine does not
// return) becomes the catalogue's 500.
func engineProblem(err error) *httpx.Problem {
	var ve finance.ValidationErrors
	if errors.As(err, &ve) {
		fields := make([]httpx.FieldError, 0, len(ve))
		for _, e := range ve {
			fields = append(fields, httpx.FieldError{Field: e.Field, Code: e.Code, Message: e.Message})
		}
		sort.SliceStable(fields, func(i, j int) bool { return fields[i].Field < fields[j].Field })
		return httpx.Validation("The finance request has invalid fields.", fields...)
	}
	return httpx.AsProblem(err)
}

// Marshal writes an answer as both doors send it.
func Marshal(answer any) ([]byte, error) {
	return json.Marshal(answer)
}

// MarshalProblem writes a problem as the app's error handler does: its
// members and extensions as one JSON object.
func MarshalProblem(p *httpx.Problem) ([]byte, error) {
	return json.Marshal(p.Body())
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
