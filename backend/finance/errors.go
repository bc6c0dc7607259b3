package finance

import (
	"fmt"
	"strings"
)

// ValidationError is one field of a request that the engine cannot use: its
// JSON path (payments[2].amount), a stable code and a sentence for people.
type ValidationError struct {
	Field   string
	Code    string
	Message string
}

// ValidationErrors is the engine's only kind of error: bad input, every
// problem found at once. The HTTP and CLI adapters turn it into a 422.
type ValidationErrors []ValidationError

// Error implements error.
func (e ValidationErrors) Error() string {
	if len(e) == 0 {
		return "finance: invalid request"
	}
	parts := make([]string, 0, len(e))
	for _, v := range e {
		parts = append(parts, v.Field+": "+v.Message)
	}
	return "finance: invalid request: " + strings.Join(parts, "; ")
}

// Stable error codes. Clients may switch on them.
const (
	CodeRequired     = "required"
	CodeInvalid      = "invalid"
	CodeOutOfRange   = "out_of_range"
	CodeConflict     = "conflict"
	CodeNotAllowed   = "not_allowed"
	CodeBelowAdvance = "below_advance"
	CodeNoSolution   = "no_solution"
	CodeAPRCap       = "apr_cap"
	CodeTooMany      = "too_many"
)

// problems collects validation errors while a request is checked.
type problems struct {
	list ValidationErrors
}

func (p *problems) add(field, code, format string, args ...any) {
	p.list = append(p.list, ValidationError{Field: field, Code: code, Message: fmt.Sprintf(format, args...)})
}

func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	return p.list
}

func (p *problems) ok() bool { return len(p.list) == 0 }

// join builds a JSON path: join("offers[1]", "deposit") = "offers[1].deposit".
func join(prefix, field string) string {
	if prefix == "" {
		return field
	}
	if field == "" {
		return prefix
	}
	return prefix + "." + field
}

func index(prefix string, i int) string {
	return fmt.Sprintf("%s[%d]", prefix, i)
}
