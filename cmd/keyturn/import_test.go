package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/keyturn/keyturn/backend/agreements"
)

// importEnv points the CLI at a fresh data directory (SQLite) with the demo
// data loaded, as an operator's machine would be.
func importEnv(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("KEYTURN_DATA_DIR", dir)
	t.Setenv("KEYTURN_BASE_URL", "http://localhost:8080")
	t.Setenv("KEYTURN_LOG_LEVEL", "warn")
	t.Setenv("DATABASE_URL", "")
	t.Setenv("REDIS_URL", "")
	t.Setenv("KEYTURN_CONFIG", "")
	var out, errOut bytes.Buffer
	require.Equal(t, 0, run([]string{"seed-demo"}, strings.NewReader(""), &out, &errOut), errOut.String())
}

func importRun(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := runImport(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

type cliSummary struct {
	ImportID  int64              `json:"import_id"`
	Status    string             `json:"status"`
	Rows      int                `json:"rows"`
	Inserted  int                `json:"inserted"`
	Updated   int                `json:"updated"`
	Unchanged int                `json:"unchanged"`
	Rejected  []agreements.Issue `json:"rejected"`
	Warnings  []agreements.Issue `json:"warnings"`
	Refusal   *agreements.Refusal
}

// TestImportCLI loads the sample file into the demo financier twice: exit 0
// with the rejected rows listed, then every row unchanged.
func TestImportCLI(t *testing.T) {
	importEnv(t)
	sample := filepath.Join("..", "..", "config", "agreements.sample.csv")

	code, out, errOut := importRun(t, sample, "--financier", "demo", "--json")
	require.Equal(t, 0, code, errOut)
	require.Equal(t, 1, strings.Count(out, "\n"), "one JSON object on one line")
	var s cliSummary
	require.NoError(t, json.Unmarshal([]byte(out), &s))
	require.Equal(t, agreements.ImportDone, s.Status)
	require.Equal(t, 18, s.Rows)
	require.Equal(t, 11, s.Inserted)
	lines := []int{}
	for _, is := range s.Rejected {
		lines = append(lines, is.Line)
		require.NotEmpty(t, is.Column)
		require.NotEmpty(t, is.Message)
	}
	require.Equal(t, []int{4, 6, 8, 10, 12, 14, 19}, lines)
	require.Equal(t, agreements.Issue{Line: 3, Column: "dealer_code",
		Message: "No showroom with this dealer code is in your dealer network; the agreement was loaded without a dealer."}, s.Warnings[0])

	// Flags may come first too; the second load changes nothing.
	code, out, errOut = importRun(t, "--json", "--financier", "demo", sample)
	require.Equal(t, 0, code, errOut)
	s = cliSummary{}
	require.NoError(t, json.Unmarshal([]byte(out), &s))
	require.Equal(t, 11, s.Unchanged)
	require.Zero(t, s.Inserted+s.Updated)
	require.Len(t, s.Rejected, 7)

	// Without --json: a line of counts and one line per issue.
	code, out, _ = importRun(t, sample, "--financier", "demo")
	require.Equal(t, 0, code)
	require.Contains(t, out, "18 rows, 0 inserted, 0 updated, 11 unchanged, 7 rejected")
	require.Contains(t, out, "rejected line 4, start_date: This is not a date.")
}

// TestImportCLIRefusesAndUsage: a refused file exits 1 and changes nothing;
// usage mistakes exit 2.
func TestImportCLIRefusesAndUsage(t *testing.T) {
	importEnv(t)
	bad := filepath.Join(t.TempDir(), "letter.csv")
	require.NoError(t, os.WriteFile(bad, []byte("Dear Sir,\nPlease find attached.\n"), 0o600))
	code, out, _ := importRun(t, bad, "--financier", "demo", "--json")
	require.Equal(t, 1, code)
	var s cliSummary
	require.NoError(t, json.Unmarshal([]byte(out), &s))
	require.Equal(t, agreements.ImportRefused, s.Status)
	require.Equal(t, "header", s.Refusal.Column)

	code, _, errOut := importRun(t, bad, "--financier", "demo")
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "the file was refused and nothing changed")

	for _, args := range [][]string{
		{},
		{bad},
		{"--financier", "demo"},
		{bad, "--financier", "nobody"},
		{bad, "--financier", "demo", "--format", "xml"},
		{bad, "extra", "--financier", "demo"},
	} {
		code, _, errOut := importRun(t, args...)
		require.Equal(t, 2, code, "%v: %s", args, errOut)
	}
	code, _, _ = importRun(t, filepath.Join(t.TempDir(), "missing.csv"), "--financier", "demo")
	require.Equal(t, 1, code)
}
