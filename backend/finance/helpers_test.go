package finance

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// dec parses a decimal literal for a test.
func dec(t testing.TB, s string) Decimal {
	t.Helper()
	d, err := ParseDecimal(s)
	require.NoError(t, err, "decimal %q", s)
	return d
}

// decp is dec as a pointer, for optional request fields.
func decp(t testing.TB, s string) *Decimal {
	t.Helper()
	d := dec(t, s)
	return &d
}

func i64(v int64) *int64 { return &v }

func intp(v int) *int { return &v }

// requireFields asserts that err is a ValidationErrors naming exactly the
// given fields (in any order).
func requireFields(t testing.TB, err error, fields ...string) {
	t.Helper()
	require.Error(t, err)
	ve, ok := err.(ValidationErrors)
	require.True(t, ok, "want ValidationErrors, got %T: %v", err, err)
	got := make([]string, 0, len(ve))
	for _, e := range ve {
		got = append(got, e.Field)
	}
	require.ElementsMatch(t, fields, got, "validation errors: %v", err)
}

// problemFields lists the fields of a check's problems.
func problemFields(a CheckAnswer) []string {
	out := make([]string, 0, len(a.Problems))
	for _, p := range a.Problems {
		out = append(out, p.Field)
	}
	return out
}
