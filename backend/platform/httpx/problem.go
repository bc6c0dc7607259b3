// Package httpx holds the HTTP conventions every handler shares: RFC 9457
// problem+json errors from one catalogue, strict JSON decoding, and the route
// table type that domain packages hand to the app. It has no business rules.
package httpx

import (
	"errors"
	"fmt"
	"net/http"
)

// TypePrefix starts every problem type URI. The codes after it are stable:
// clients (the PWA's API client) switch on them.
const TypePrefix = "urn:keyturn:problem:"

// Problem is an RFC 9457 problem details object. Handlers return it as their
// error and the app's error handler writes it.
type Problem struct {
	Type   string       `json:"type"`
	Title  string       `json:"title"`
	Status int          `json:"status"`
	Detail string       `json:"detail,omitempty"`
	Errors []FieldError `json:"errors,omitempty"`
	// Extensions are extra top-level members (RFC 9457 §3.2), e.g. when an
	// invite unlocks. Their keys must not clash with the members above.
	Extensions map[string]any `json:"-"`
}

// FieldError says what is wrong with one input field.
type FieldError struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Error implements error.
func (p *Problem) Error() string {
	if p.Detail != "" {
		return fmt.Sprintf("%s: %s", p.Code(), p.Detail)
	}
	return p.Code()
}

// Code is the catalogue code at the end of Type.
func (p *Problem) Code() string {
	if len(p.Type) > len(TypePrefix) {
		return p.Type[len(TypePrefix):]
	}
	return p.Type
}

// With returns a copy of p carrying one more extension member.
func (p *Problem) With(key string, value any) *Problem {
	cp := *p
	cp.Extensions = make(map[string]any, len(p.Extensions)+1)
	for k, v := range p.Extensions {
		cp.Extensions[k] = v
	}
	cp.Extensions[key] = value
	return &cp
}

// Body is the JSON object written on the wire: the members plus extensions.
func (p *Problem) Body() map[string]any {
	m := make(map[string]any, 5+len(p.Extensions))
	for k, v := range p.Extensions {
		m[k] = v
	}
	m["type"] = p.Type
	m["title"] = p.Title
	m["status"] = p.Status
	if p.Detail != "" {
		m["detail"] = p.Detail
	}
	if len(p.Errors) > 0 {
		m["errors"] = p.Errors
	}
	return m
}

// Kind is one entry of the catalogue: a code with its status and title.
type Kind struct {
	Code   string
	Status int
	Title  string
}

// New makes a problem of this kind with a human detail.
func (k Kind) New(detail string) *Problem {
	return &Problem{Type: TypePrefix + k.Code, Title: k.Title, Status: k.Status, Detail: detail}
}

// The catalogue. Add entries here, and mirror them in pwa/src/app/errors.ts.
var (
	KindBadRequest          = Kind{"bad-request", http.StatusBadRequest, "Bad request"}
	KindUnauthorized        = Kind{"unauthorized", http.StatusUnauthorized, "Sign-in required"}
	KindInvalidCredentials  = Kind{"invalid-credentials", http.StatusUnauthorized, "Email or password not recognised"}
	KindMFARequired         = Kind{"mfa-required", http.StatusUnauthorized, "Authentication code required"}
	KindMFAInvalid          = Kind{"mfa-invalid", http.StatusUnauthorized, "Authentication code not accepted"}
	KindIdentityCheckFailed = Kind{"identity-check-failed", http.StatusUnauthorized, "Details did not match"}
	KindForbidden           = Kind{"forbidden", http.StatusForbidden, "Not allowed"}
	KindNotFound            = Kind{"not-found", http.StatusNotFound, "Not found"}
	KindMethodNotAllowed    = Kind{"method-not-allowed", http.StatusMethodNotAllowed, "Method not allowed"}
	KindConflict            = Kind{"conflict", http.StatusConflict, "Conflict"}
	KindLinkInvalid         = Kind{"link-invalid", http.StatusGone, "Link no longer valid"}
	KindPayloadTooLarge     = Kind{"payload-too-large", http.StatusRequestEntityTooLarge, "Request too large"}
	KindUnsupportedMedia    = Kind{"unsupported-media-type", http.StatusUnsupportedMediaType, "Unsupported content type"}
	KindValidation          = Kind{"validation", http.StatusUnprocessableEntity, "Invalid input"}
	KindInviteLocked        = Kind{"invite-locked", http.StatusLocked, "Sign-in link locked"}
	KindRateLimited         = Kind{"rate-limited", http.StatusTooManyRequests, "Too many requests"}
	KindInternal            = Kind{"internal", http.StatusInternalServerError, "Something went wrong"}
	KindUnavailable         = Kind{"unavailable", http.StatusServiceUnavailable, "Service unavailable"}
)

// Catalogue lists every kind, for documentation and the TypeScript mirror test.
var Catalogue = []Kind{
	KindBadRequest, KindUnauthorized, KindInvalidCredentials, KindMFARequired, KindMFAInvalid,
	KindIdentityCheckFailed, KindForbidden, KindNotFound, KindMethodNotAllowed, KindConflict,
	KindLinkInvalid, KindPayloadTooLarge, KindUnsupportedMedia, KindValidation, KindInviteLocked,
	KindRateLimited, KindInternal, KindUnavailable,
}

// Validation is a 422 with per-field errors.
func Validation(detail string, errs ...FieldError) *Problem {
	p := KindValidation.New(detail)
	p.Errors = errs
	return p
}

// BadRequest is a 400.
func BadRequest(detail string) *Problem { return KindBadRequest.New(detail) }

// NotFound is a 404. Rows outside the caller's scope are answered with it too.
func NotFound(detail string) *Problem { return KindNotFound.New(detail) }

// Unauthorized is a 401 asking the client to sign in.
func Unauthorized(detail string) *Problem { return KindUnauthorized.New(detail) }

// Forbidden is a 403: signed in, but the role may not do this.
func Forbidden(detail string) *Problem { return KindForbidden.New(detail) }

// Conflict is a 409.
func Conflict(detail string) *Problem { return KindConflict.New(detail) }

// Sentinel errors that domain services return; AsProblem maps them, the way
// pkgsite's derrors.ToStatus does, so services never speak HTTP.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
)

// AsProblem turns any error into the problem to send. Unknown errors become a
// 500 whose detail never carries the error text (it may hold SQL).
func AsProblem(err error) *Problem {
	var p *Problem
	if errors.As(err, &p) {
		return p
	}
	var fe *FieldErrors
	if errors.As(err, &fe) {
		return Validation(fe.Detail, fe.Errors...)
	}
	switch {
	case errors.Is(err, ErrNotFound):
		return NotFound("The requested item does not exist.")
	case errors.Is(err, ErrConflict):
		return Conflict("The request conflicts with the current state.")
	}
	return KindInternal.New("An unexpected error occurred. Please try again; if it persists, contact support with the request id.")
}

// FieldErrors is a domain validation failure: services return it so that they
// need not import Problem's HTTP vocabulary.
type FieldErrors struct {
	Detail string
	Errors []FieldError
}

// Error implements error.
func (e *FieldErrors) Error() string {
	if len(e.Errors) == 0 {
		return e.Detail
	}
	return fmt.Sprintf("%s (%s: %s)", e.Detail, e.Errors[0].Field, e.Errors[0].Message)
}

// Invalid builds a FieldErrors for one field.
func Invalid(field, code, message string) *FieldErrors {
	return &FieldErrors{Detail: "The request has invalid fields.", Errors: []FieldError{{Field: field, Code: code, Message: message}}}
}
