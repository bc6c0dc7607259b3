package main

import (
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/keyturn/keyturn/backend/agreements"
)

const genUsage = `Usage:
  keyturn gen-agreements --rows N [--seed S] [--as-of YYYY-MM-DD]

Writes a realistic agreements file (the 33 columns of docs/import.md, in
order) to standard output: fictional customers, popular cars, PCP, HP and
PCH agreements priced by the finance engine. The same seed and date give the
same file. For tests and benchmarks:

  keyturn gen-agreements --rows 1000000 --seed 7 > agreements.csv
`

// runGenAgreements is `keyturn gen-agreements`. Exit codes: 0 written,
// 2 usage, 1 when standard output cannot be written.
func runGenAgreements(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("keyturn gen-agreements", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, genUsage) }
	rows := fs.Int("rows", -1, "number of agreements to write")
	seed := fs.Uint64("seed", 1, "random seed")
	asOf := fs.String("as-of", "", "the file's date (default today, UTC)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "keyturn gen-agreements: unexpected argument %q\n\n%s", fs.Arg(0), genUsage)
		return 2
	}
	if *rows < 0 {
		fmt.Fprint(stderr, "keyturn gen-agreements: --rows N is required\n\n"+genUsage)
		return 2
	}
	opt := agreements.GenOptions{Rows: *rows, Seed: *seed, AsOf: time.Now().UTC()}
	if *asOf != "" {
		t, err := time.Parse(time.DateOnly, *asOf)
		if err != nil {
			fmt.Fprintf(stderr, "keyturn gen-agreements: --as-of must be a date written YYYY-MM-DD\n")
			return 2
		}
		opt.AsOf = t
	}
	if err := agreements.Generate(stdout, opt); err != nil {
		fmt.Fprintln(stderr, "keyturn gen-agreements:", err)
		return 1
	}
	return 0
}
