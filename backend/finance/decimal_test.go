package finance

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseDecimal(t *testing.T) {
	for _, tc := range []struct {
		in    string
		out   string
		scale int
	}{
		{"6.9", "6.9", 1},
		{"7.40", "7.40", 2},
		{"0", "0", 0},
		{"-0.5", "-0.5", 1},
		{"74e-1", "7.4", 1},
		{"1E2", "100", 0},
		{"12.899592", "12.899592", 6},
		{"6.9000000000000000000", "6.900000000000", 12},
		{"0.000000000000000", "0.000000000000", 12},
	} {
		d, err := ParseDecimal(tc.in)
		require.NoError(t, err, tc.in)
		require.Equal(t, tc.out, d.String(), tc.in)
		require.Equal(t, tc.scale, d.Scale(), tc.in)
	}
	for _, bad := range []string{"", "abc", "01", "1.", ".5", "1e", "--1", "1.2.3", "0x10", "+1"} {
		_, err := ParseDecimal(bad)
		var te *json.UnmarshalTypeError
		require.True(t, errors.As(err, &te), "%q: %v", bad, err)
	}
	for _, unusable := range []string{"0.0000000000001", "12345678901234567890", "1e2000"} {
		_, err := ParseDecimal(unusable)
		var de *DecimalError
		require.True(t, errors.As(err, &de), "%q: %v", unusable, err)
	}
}

func TestDecimalExactness(t *testing.T) {
	// 6.9 is 69/10 exactly, not the float 6.9000000000000003552713678800500929355621337890625.
	d := dec(t, "6.9")
	require.Equal(t, "69/10", d.Rat().RatString())
	require.Equal(t, 6.9, d.Float64())
	require.True(t, dec(t, "7.4").Equal(dec(t, "7.40")))
	require.Equal(t, -1, dec(t, "22.99").Cmp(dec(t, "23")))
	// Half up, away from zero, on the exact digits.
	require.Equal(t, "2.5", dec(t, "2.45").Round(1).String())
	require.Equal(t, "-2.5", dec(t, "-2.45").Round(1).String())
	require.Equal(t, "2.4", dec(t, "2.449").Round(1).String())
	require.Equal(t, "1.005", dec(t, "1.005").Round(3).String())
	require.Equal(t, "1.01", dec(t, "1.005").Round(2).String())
}

func TestDecimalJSON(t *testing.T) {
	var v struct {
		Rate *Decimal `json:"rate"`
	}
	require.NoError(t, json.Unmarshal([]byte(`{"rate": 7.40}`), &v))
	require.Equal(t, 2, v.Rate.Scale())
	out, err := json.Marshal(v)
	require.NoError(t, err)
	require.JSONEq(t, `{"rate":7.40}`, string(out))
	require.Equal(t, `{"rate":7.40}`, string(out), "the stated decimals survive")

	err = json.Unmarshal([]byte(`{"rate": "6.9"}`), &v)
	var te *json.UnmarshalTypeError
	require.True(t, errors.As(err, &te))
	require.Equal(t, "rate", te.Field, "the strict decoder can name the field")

	require.NoError(t, json.Unmarshal([]byte(`{"rate": 0.00000000000001}`), &v))
	require.False(t, v.Rate.Valid(), "too precise a number is kept as invalid for validation to report")
}

func TestFormatMoney(t *testing.T) {
	require.Equal(t, "£0.05", formatMoney(GBP, 5))
	require.Equal(t, "£1,234,567.89", formatMoney(GBP, 123456789))
	require.Equal(t, "€429.09", formatMoney(EUR, 42909))
	require.Equal(t, "−£3.00", formatMoney(GBP, -300))
}
