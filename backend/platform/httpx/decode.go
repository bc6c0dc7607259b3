package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// DecodeStrict decodes exactly one JSON value from body into dst. Unknown
// fields, wrong types, trailing data and malformed JSON are all a 422 naming
// the field, so mass assignment (RULES S5) cannot slip through a lenient
// decoder.
func DecodeStrict(body []byte, dst any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return Validation("The request body is empty; a JSON object is expected.",
			FieldError{Field: "", Code: "required", Message: "A JSON object is required."})
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeProblem(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Validation("The request body must hold one JSON value.",
			FieldError{Field: "", Code: "trailing_data", Message: "Remove the data after the JSON value."})
	}
	return nil
}

func decodeProblem(err error) *Problem {
	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntaxErr):
		return Validation("The request body is not valid JSON.",
			FieldError{Field: "", Code: "malformed", Message: fmt.Sprintf("Malformed JSON at byte %d.", syntaxErr.Offset)})
	case errors.Is(err, io.ErrUnexpectedEOF):
		return Validation("The request body is not valid JSON.",
			FieldError{Field: "", Code: "malformed", Message: "The JSON ends too early."})
	case errors.As(err, &typeErr):
		field := typeErr.Field
		return Validation("A field has the wrong type.",
			FieldError{Field: field, Code: "type", Message: fmt.Sprintf("Expected %s.", jsonKind(typeErr.Type.Kind().String()))})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return Validation("The request has a field this operation does not accept.",
			FieldError{Field: field, Code: "unknown_field", Message: "This field is not accepted here."})
	}
	return Validation("The request body could not be read.",
		FieldError{Field: "", Code: "malformed", Message: "The request body could not be read as JSON."})
}

func jsonKind(goKind string) string {
	switch goKind {
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		return "a whole number"
	case "float32", "float64":
		return "a number"
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "an array"
	case "map", "struct":
		return "an object"
	}
	return "another type"
}

// Check collects field errors while validating a request, so a handler can
// report every problem at once.
type Check struct {
	errs []FieldError
}

// Add records a failed field.
func (c *Check) Add(field, code, message string) {
	c.errs = append(c.errs, FieldError{Field: field, Code: code, Message: message})
}

// Require records a missing value when s is blank.
func (c *Check) Require(field, s string) {
	if strings.TrimSpace(s) == "" {
		c.Add(field, "required", "This field is required.")
	}
}

// Err returns a 422 problem when any field failed, else nil.
func (c *Check) Err() error {
	if len(c.errs) == 0 {
		return nil
	}
	return Validation("The request has invalid fields.", c.errs...)
}
