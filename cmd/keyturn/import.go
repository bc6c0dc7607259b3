package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/keyturn/keyturn/backend/agreements"
	"github.com/keyturn/keyturn/backend/app"
	"github.com/keyturn/keyturn/backend/platform/db"
	"github.com/keyturn/keyturn/backend/platform/tenant"
	"github.com/keyturn/keyturn/backend/tenants"
)

const importUsage = `Usage:
  keyturn import FILE --financier SLUG [--json] [--format csv|jsonl] [--config FILE]

Loads an agreements file (docs/import.md) into the financier's book in this
process: the same importer as POST /api/v1/imports, without the upload.
Customers are matched by customer_ref and agreements by agreement_number, so
loading a file twice changes nothing the second time.

Prints what the file changed; with --json, one JSON object: rows, inserted,
updated, unchanged, and the arrays rejected and warnings of
{"line", "column", "message"} (line 1 is the header).

Exit status: 0 the file was applied (even with rejected rows), 1 the file
was refused as a whole (nothing changed) or the import failed, 2 usage.
`

// runImport is `keyturn import`.
func runImport(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("keyturn import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, importUsage) }
	cfgPath := fs.String("config", os.Getenv("KEYTURN_CONFIG"), "YAML config file")
	slug := fs.String("financier", "", "slug of the financier whose agreements these are")
	asJSON := fs.Bool("json", false, "print the summary as one JSON object")
	format := fs.String("format", "", "csv or jsonl (default: from the file name)")
	// FILE may come before or after the flags.
	var path string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		path, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if path == "" && fs.NArg() > 0 {
		path = fs.Arg(0)
	} else if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "keyturn import: unexpected argument %q\n\n%s", fs.Arg(0), importUsage)
		return 2
	}
	if path == "" || *slug == "" {
		fmt.Fprint(stderr, "keyturn import: FILE and --financier SLUG are required\n\n"+importUsage)
		return 2
	}
	switch *format {
	case "":
		*format = agreements.FormatOf("", path)
	case agreements.FormatCSV, agreements.FormatJSONLines:
	default:
		fmt.Fprintf(stderr, "keyturn import: --format must be csv or jsonl\n")
		return 2
	}
	f, err := os.Open(path)
	if err != nil {
		fmt.Fprintln(stderr, "keyturn import:", err)
		return 1
	}
	defer f.Close()

	ctx, a, done, code := openApp(*cfgPath, stderr, app.Options{})
	if code != 0 {
		return code
	}
	defer done()

	ts := tenants.Store{DB: a.DB.Gorm}
	fin, err := ts.FinancierBySlug(ctx, *slug)
	if errors.Is(err, db.ErrNotFound) {
		fmt.Fprintf(stderr, "keyturn import: no financier has the slug %q\n", *slug)
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, "keyturn import:", err)
		return 1
	}
	// The app's importer: the same one the API's jobs run.
	imports := a.Imports
	sc := tenant.Scope{FinancierID: fin.ID}
	view, err := imports.ImportFile(ctx, sc, agreements.Actor{Kind: "system"}, filepath.Base(path), *format, f)
	var ref *agreements.Refusal
	switch {
	case errors.As(err, &ref):
		if *asJSON {
			writeJSONLine(stdout, map[string]any{"import_id": view.ID, "status": agreements.ImportRefused, "refusal": ref})
		} else {
			fmt.Fprintf(stderr, "keyturn import: the file was refused and nothing changed: %s\n", ref.Message)
		}
		return 1
	case err != nil:
		fmt.Fprintln(stderr, "keyturn import:", err)
		return 1
	}
	if err := printSummary(ctx, stdout, imports, sc, view, *asJSON); err != nil {
		fmt.Fprintln(stderr, "keyturn import:", err)
		return 1
	}
	return 0
}

// printSummary writes the summary, reading the rejected rows and warnings
// from the database a page at a time, so a file with a million bad rows
// still prints in flat memory.
func printSummary(ctx context.Context, w io.Writer, imports *agreements.Imports, sc tenant.Scope, v agreements.ImportView, asJSON bool) error {
	bw := bufio.NewWriter(w)
	if !asJSON {
		fmt.Fprintf(bw, "Import %d of %s: %d rows, %d inserted, %d updated, %d unchanged, %d rejected, %d warnings.\n",
			v.ID, v.FileName, v.Rows, v.Inserted, v.Updated, v.Unchanged, v.RejectedCount, v.WarningsCount)
		err := imports.EachIssue(ctx, sc, v.ID, func(kind string, is agreements.Issue) error {
			label := "rejected"
			if kind != "rejected" {
				label = "warning "
			}
			col := is.Column
			if col == "" {
				col = "-"
			}
			_, err := fmt.Fprintf(bw, "  %s line %d, %s: %s\n", label, is.Line, col, is.Message)
			return err
		})
		if err != nil {
			return err
		}
		return bw.Flush()
	}
	head, err := json.Marshal(struct {
		ImportID  int64  `json:"import_id"`
		Status    string `json:"status"`
		Rows      int    `json:"rows"`
		Inserted  int    `json:"inserted"`
		Updated   int    `json:"updated"`
		Unchanged int    `json:"unchanged"`
	}{v.ID, v.Status, v.Rows, v.Inserted, v.Updated, v.Unchanged})
	if err != nil {
		return err
	}
	bw.Write(head[:len(head)-1])
	bw.WriteString(`,"rejected":[`)
	first, current := true, "rejected"
	err = imports.EachIssue(ctx, sc, v.ID, func(kind string, is agreements.Issue) error {
		if kind != current {
			bw.WriteString(`],"warnings":[`)
			first, current = true, kind
		}
		if !first {
			bw.WriteByte(',')
		}
		first = false
		b, err := json.Marshal(is)
		if err != nil {
			return err
		}
		_, err = bw.Write(b)
		return err
	})
	if err != nil {
		return err
	}
	if current == "rejected" {
		bw.WriteString(`],"warnings":[`)
	}
	bw.WriteString("]}\n")
	return bw.Flush()
}

func writeJSONLine(w io.Writer, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		return
	}
	_, _ = w.Write(append(b, '\n'))
}
