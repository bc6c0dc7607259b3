package httpx

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

type sample struct {
	Email string `json:"email"`
	Count int    `json:"count"`
}

func TestDecodeStrict(t *testing.T) {
	cases := []struct {
		body, field, code string
	}{
		{``, "", "required"},
		{`{"email":`, "", "malformed"},
		{`{"email":"a","extra":1}`, "extra", "unknown_field"},
		{`{"count":"three"}`, "count", "type"},
		{`{"email":"a"} {"email":"b"}`, "", "trailing_data"},
		{`[1,2]`, "", "type"},
	}
	for _, c := range cases {
		t.Run(c.body, func(t *testing.T) {
			var s sample
			err := DecodeStrict([]byte(c.body), &s)
			var p *Problem
			require.True(t, errors.As(err, &p), "%v", err)
			require.Equal(t, 422, p.Status)
			require.Equal(t, c.code, p.Errors[0].Code)
			require.Equal(t, c.field, p.Errors[0].Field)
		})
	}
	var s sample
	require.NoError(t, DecodeStrict([]byte(`{"email":"a@b.test","count":2}`), &s))
	require.Equal(t, sample{"a@b.test", 2}, s)
}

func TestAsProblemHidesInternalErrors(t *testing.T) {
	p := AsProblem(errors.New(`pq: relation "customers" does not exist`))
	require.Equal(t, 500, p.Status)
	require.NotContains(t, p.Detail, "customers")
	require.Equal(t, 404, AsProblem(ErrNotFound).Status)
	require.Equal(t, 422, AsProblem(Invalid("postcode", "format", "Enter a postcode.")).Status)
}

func TestProblemExtensionsDoNotOverrideMembers(t *testing.T) {
	p := KindInviteLocked.New("locked").With("status", 200).With("contact", "x")
	b := p.Body()
	require.Equal(t, 423, b["status"])
	require.Equal(t, "x", b["contact"])
}

func FuzzDecodeStrict(f *testing.F) {
	for _, s := range []string{``, `{}`, `{"email":"a"}`, `{"count":1e400}`, `{"email":"\ud800"}`, `null`, `{"a":{"b":[`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var s sample
		err := DecodeStrict(body, &s)
		if err != nil {
			var p *Problem
			if !errors.As(err, &p) || p.Status != 422 {
				t.Fatalf("non-422 error for %q: %v", body, err)
			}
		}
	})
}
