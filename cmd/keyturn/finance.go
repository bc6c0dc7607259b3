package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/keyturn/keyturn/backend/finance/api"
	"github.com/keyturn/keyturn/backend/platform/httpx"
)

const financeUsage = `Usage:
  keyturn finance apr|quote|check|settle|compare [--in FILE]

Reads one JSON request on standard input (or from FILE) and writes one JSON
answer on standard output: the same JSON as POST /api/v1/finance/<operation>.
Bad input writes the problem+json on standard error and exits 2.
docs/finance.md describes every request and answer.

  apr      the APR of any schedule
  quote    price a PCP, HP or PCH agreement with its representative example
  check    reconcile the figures of an advertised example
  settle   early settlement figure, voluntary termination and equity
  compare  the current agreement beside up to four offers
`

// runFinance is `keyturn finance`. Exit codes: 0 when an answer was computed
// (a check that does not reconcile is an answer), 2 for bad input or usage,
// 1 when the input cannot be read or the answer written.
func runFinance(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, financeUsage)
		return 2
	}
	kind := args[0]
	switch kind {
	case "help", "-h", "--help":
		fmt.Fprint(stdout, financeUsage)
		return 0
	}
	known := false
	for _, k := range api.Kinds {
		known = known || k == kind
	}
	if !known {
		fmt.Fprintf(stderr, "keyturn finance: unknown operation %q\n\n%s", kind, financeUsage)
		return 2
	}
	fs := flag.NewFlagSet("keyturn finance "+kind, flag.ContinueOnError)
	fs.SetOutput(stderr)
	in := fs.String("in", "", "read the JSON request from this file instead of standard input (- is standard input)")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "keyturn finance %s: unexpected argument %q\n\n%s", kind, fs.Arg(0), financeUsage)
		return 2
	}

	body, err := readRequest(*in, stdin)
	if errors.Is(err, errTooLarge) {
		return writeProblem(stderr, httpx.KindPayloadTooLarge.New(fmt.Sprintf("A finance request is at most %d bytes.", api.MaxBodyBytes)))
	}
	if err != nil {
		fmt.Fprintf(stderr, "keyturn finance %s: %v\n", kind, err)
		return 1
	}
	answer, problem := api.Handle(kind, body)
	if problem != nil {
		return writeProblem(stderr, problem)
	}
	out, err := api.Marshal(answer)
	if err != nil {
		fmt.Fprintf(stderr, "keyturn finance %s: encode answer: %v\n", kind, err)
		return 1
	}
	if _, err := stdout.Write(append(out, '\n')); err != nil {
		fmt.Fprintf(stderr, "keyturn finance %s: write answer: %v\n", kind, err)
		return 1
	}
	return 0
}

var errTooLarge = errors.New("request too large")

// readRequest reads the whole request from the file, or from standard input
// when path is empty or "-", refusing more than api.MaxBodyBytes.
func readRequest(path string, stdin io.Reader) ([]byte, error) {
	r := stdin
	if path != "" && path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("open request: %w", err)
		}
		defer f.Close()
		r = f
	}
	body, err := io.ReadAll(io.LimitReader(r, api.MaxBodyBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read request: %w", err)
	}
	if len(body) > api.MaxBodyBytes {
		return nil, errTooLarge
	}
	return body, nil
}

// writeProblem writes the problem+json on standard error, as the HTTP route
// would send it, and returns exit status 2.
func writeProblem(stderr io.Writer, p *httpx.Problem) int {
	out, err := api.MarshalProblem(p)
	if err != nil {
		fmt.Fprintf(stderr, "keyturn finance: %s\n", strings.TrimSpace(p.Error()))
		return 2
	}
	_, _ = stderr.Write(append(out, '\n'))
	return 2
}
