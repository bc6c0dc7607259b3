package main

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/keyturn/keyturn/backend/agreements"
)

func genRun(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := runGenAgreements(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// TestGenAgreementsCLI: exactly the 33 columns in order, the asked number
// of rows, and the generator's bytes for the same seed and date.
func TestGenAgreementsCLI(t *testing.T) {
	t.Parallel()
	code, out, errOut := genRun(t, "--rows", "250", "--seed", "9", "--as-of", "2026-11-23")
	require.Equal(t, 0, code, errOut)
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 251)
	require.Equal(t, agreements.Columns, rows[0])
	require.Len(t, rows[0], 33)
	for _, r := range rows {
		require.Len(t, r, 33)
	}
	var want bytes.Buffer
	require.NoError(t, agreements.Generate(&want, agreements.GenOptions{Rows: 250, Seed: 9, AsOf: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)}))
	require.Equal(t, want.String(), out)

	code, out, _ = genRun(t, "--rows", "0")
	require.Equal(t, 0, code)
	require.Equal(t, strings.Join(agreements.Columns, ",")+"\n", out)
}

func TestGenAgreementsCLIUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{}, {"--rows", "x"}, {"--rows", "5", "--as-of", "23/11/2026"}, {"--rows", "5", "more"}, {"--seed", "3"}} {
		code, out, errOut := genRun(t, args...)
		require.Equal(t, 2, code, "%v", args)
		require.Empty(t, out)
		require.NotEmpty(t, errOut)
	}
}
