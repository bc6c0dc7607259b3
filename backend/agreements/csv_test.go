package agreements

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/keyturn/keyturn/backend/platform/db"
	"github.com/keyturn/keyturn/backend/platform/db/dbtest"
	"github.com/keyturn/keyturn/backend/tenants"
)

func TestSplitFields(t *testing.T) {
	t.Parallel()
	cases := []struct {
		line  string
		comma byte
		want  []string
		err   bool
	}{
		{line: "a,b,c", comma: ',', want: []string{"a", "b", "c"}},
		{line: " a , b ,", comma: ',', want: []string{"a", "b", ""}},
		{line: `"Smith, Jo",x`, comma: ',', want: []string{"Smith, Jo", "x"}},
		{line: `"say ""hi""",2`, comma: ',', want: []string{`say "hi"`, "2"}},
		{line: `17" wheels,3`, comma: ',', want: []string{`17" wheels`, "3"}},
		{line: `  "quoted"  ,b`, comma: ',', want: []string{"quoted", "b"}},
		{line: `a;"b;c";d`, comma: ';', want: []string{"a", "b;c", "d"}},
		{line: "a\tb", comma: '\t', want: []string{"a", "b"}},
		{line: ``, comma: ',', want: []string{""}},
		{line: `"open,b`, comma: ',', err: true},
		{line: `"closed"x,b`, comma: ',', err: true},
	}
	for _, c := range cases {
		got, err := splitFields([]byte(c.line), c.comma, nil)
		if c.err {
			require.Error(t, err, c.line)
			continue
		}
		require.NoError(t, err, c.line)
		require.Equal(t, c.want, got, c.line)
	}
}

func TestParseHeaderIsForgiving(t *testing.T) {
	t.Parallel()
	h, ref := parseHeader([]byte(strings.ToUpper(strings.Join(Columns, ";"))))
	require.Nil(t, ref)
	require.Equal(t, byte(';'), h.comma)
	reordered := append([]string{"Forbearance", "agreement-status"}, Columns...)
	reordered[2], reordered[3] = reordered[3], "Customer Ref"
	h, ref = parseHeader([]byte(strings.Join(reordered, ",")))
	require.Nil(t, ref)
	require.Equal(t, colForbearance, h.pos[0])
	require.Equal(t, colAgreementStatus, h.pos[1])
	_, ref = parseHeader([]byte("\x00\x01binary"))
	require.Equal(t, "file", ref.Column)
}

func TestLineReaderSkipsOverlongLines(t *testing.T) {
	t.Parallel()
	input := "\ufeffhead\r\n" + strings.Repeat("x", maxLineBytes+10) + "\nnext\nlast"
	lr := newLineReader(strings.NewReader(input))
	b, err := lr.next()
	require.NoError(t, err)
	require.Equal(t, "head", string(b))
	_, err = lr.next()
	require.ErrorIs(t, err, errLineTooLong)
	b, err = lr.next()
	require.NoError(t, err)
	require.Equal(t, "next", string(b))
	require.Equal(t, 3, lr.line)
	b, err = lr.next()
	require.NoError(t, err)
	require.Equal(t, "last", string(b))
	_, err = lr.next()
	require.ErrorIs(t, err, io.EOF)
	require.Equal(t, int64(len(input)), lr.bytes)
}

func TestRowChecks(t *testing.T) {
	t.Parallel()
	base := strings.Split(strings.TrimSpace(readSample(t)), "\n")[1]
	fields, err := splitFields([]byte(base), ',', nil)
	require.NoError(t, err)
	chk := newRowChecker(fileRules{market: "UK", currency: "GBP", timeZone: "Europe/London", today: "2026-11-23"})
	row := func(col int, value string) *Issue {
		var rec [numColumns]string
		copy(rec[:], fields)
		rec[col] = value
		_, issue := chk.check(2, &rec)
		return issue
	}
	require.Nil(t, row(colMonthlyPayment, "£1,408.49"), "a currency sign and thousands separator")
	require.Nil(t, row(colStartDate, "05/10/2026"))
	require.Nil(t, row(colStartDate, "2026-10-05 00:00:00"))
	require.Nil(t, row(colInArrears, "YES"))
	require.Nil(t, row(colAPR, "7.9%"))
	for _, c := range []struct {
		col   int
		value string
		msg   string
	}{
		{colEmail, "ana.example.com", "This is not an email address"},
		{colPostcode, "D02 X285", "This is not a UK postcode"},
		{colStartDate, "31/02/2026", "This is not a date"},
		{colStartDate, "2026-13-01", "This is not a date"},
		{colProduct, "lease", "Unknown product"},
		{colTermMonths, "5", "The term must be"},
		{colTermMonths, "twelve", "This is not a whole number"},
		{colMonthlyPayment, "-1.00", "Money cannot be negative"},
		{colMonthlyPayment, "12.345", "This is not an amount"},
		{colMonthlyPayment, "0", "more than zero"},
		{colMonthlyPayment, "20000000", "larger than 10,000,000.00"},
		{colAPR, "-3", "The APR cannot be negative"},
		{colAPR, "120", "The APR must be from 0 to 99.9"},
		{colOptionalFinalPayment, "", "This column must not be empty"},
		{colDateOfBirth, "2015-01-01", "The date of birth must make the customer 16 to 120"},
		{colTimeZone, "Mars/Olympus", "This is not a time zone"},
		{colInArrears, "maybe", "Use true or false"},
		{colConsentDate, "2030-01-01", "The consent date is in the future"},
		{colFirstRegistered, "2027-01-01", "in the future"},
		{colAgreementStatus, "paused", "Unknown agreement status"},
		{colMobile, "call me", "This is not a phone number"},
		{colRegistration, "AB12 C*E", "A registration has only letters"},
		{colCustomerRef, "", "This column must not be empty"},
		{colFirstName, "Ann\x01", "control character"},
		{colLastName, string([]byte{0xff, 0xfe}), "not text"},
	} {
		issue := row(c.col, c.value)
		require.NotNil(t, issue, "%s=%q", columnName(c.col), c.value)
		require.Equal(t, columnName(c.col), issue.Column, "%s=%q", columnName(c.col), c.value)
		require.Contains(t, issue.Message, c.msg)
		if len(c.value) > 3 {
			require.NotContains(t, issue.Message, c.value, "messages never repeat the value")
		}
	}
}

// fuzzFinanciers counts financiers made by the fuzz target, so each input
// loads into a book of its own.
var fuzzFinanciers atomic.Int64

// FuzzImportCSV feeds arbitrary files to the CSV importer on SQLite. No
// input may panic; a file is either refused with nothing written, or applied
// with every data row counted once and every written agreement whole (with
// its customer and vehicle, in the financier's book).
//
// Each input is a real import, so give the fuzzer little time to minimise
// the inputs it finds interesting (by default a minute each):
//
//	go test -run '^$' -fuzz '^FuzzImportCSV$' -fuzztime 30s -fuzzminimizetime 1x ./backend/agreements
func FuzzImportCSV(f *testing.F) {
	sample := readSample(f)
	header, rest, _ := strings.Cut(sample, "\n")
	lines := strings.Split(strings.TrimSpace(rest), "\n")
	f.Add([]byte(sample))
	f.Add([]byte(header + "\n" + lines[0] + "\n"))
	f.Add([]byte("\ufeff" + strings.ReplaceAll(header+"\n"+lines[1]+"\n"+lines[14], ",", ";")))
	f.Add([]byte(header + "\r\n" + lines[0] + "\r\n" + lines[0] + "\r\n"))
	f.Add([]byte(header + "\n\"" + lines[2] + "\n" + lines[3] + ",extra\n,,,,\n"))
	f.Add([]byte(header + "\n" + strings.Replace(lines[0], "pcp", "PCP", 1) + "\n" + strings.Replace(lines[0], ",2026-10-05,", ",05/10/2026,", 1)))
	f.Add([]byte(""))
	f.Add([]byte("\x00\x01\x02"))
	f.Add([]byte("customer_ref\n1\n"))

	// Nothing in the target may write to f's output: a fuzzing worker's
	// writes there can block. Slow-query warnings and the importer's logs go
	// nowhere.
	quiet := slog.New(slog.DiscardHandler)
	d := dbtest.SQLite(f, func(c *db.Config) { c.Logger = quiet })
	fx := newFixture(f, d)
	fx.imports.BatchRows, fx.imports.CommitRows, fx.imports.Log = 3, 3, quiet
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, data []byte) {
		count := func(table string, fid int64) int64 {
			var n int64
			require.NoError(t, d.Gorm.Table(table).Where("financier_id = ?", fid).Count(&n).Error)
			return n
		}
		fin := tenants.Financier{Slug: fmt.Sprintf("fuzz-%d", fuzzFinanciers.Add(1)), LegalName: "F", TradingName: "F", Market: tenants.MarketUK,
			Currency: "GBP", PostalAddress: "x", BrandColour: "#000000", TimeZone: "Europe/London", ContactCapPerWeek: 1, ContactCapPerMonth: 1,
			AckLimitMinutes: 1, ReassignLimitMinutes: 1}
		require.NoError(t, d.Gorm.Create(&fin).Error)
		v, err := fx.imports.ImportFile(ctx, fx.scope(fin.ID), fx.staff(), "fuzz.csv", FormatCSV, bytes.NewReader(data))
		var ref *Refusal
		if errors.As(err, &ref) {
			require.NotEmpty(t, ref.Message)
			require.Zero(t, count("agreements", fin.ID), "a refused file writes nothing")
			require.Zero(t, count("customers", fin.ID), "a refused file writes nothing")
			return
		}
		require.NoError(t, err)
		require.Equal(t, ImportDone, v.Status)
		require.Zero(t, v.Updated+v.Unchanged, "a fresh book has nothing to update")
		require.Equal(t, v.Rows, v.Inserted+v.RejectedCount, "every data row counted once")
		require.Equal(t, int64(v.Inserted), count("agreements", fin.ID))
		require.Equal(t, int64(v.Inserted), count("vehicles", fin.ID))
		var whole int64
		require.NoError(t, d.Gorm.Table("agreements a").
			Joins("JOIN customers c ON c.id = a.customer_id AND c.financier_id = a.financier_id").
			Joins("JOIN vehicles v ON v.id = a.vehicle_id AND v.financier_id = a.financier_id").
			Where("a.financier_id = ? AND a.agreement_number <> '' AND a.end_date > a.start_date AND a.monthly_payment > 0", fin.ID).
			Count(&whole).Error)
		require.Equal(t, int64(v.Inserted), whole, "each agreement is written whole")
	})
}

// FuzzCSVRecords fuzzes the reading and checking of rows alone (no
// database), many times faster: no line may panic, and a row that passes
// the checks has what a row needs.
func FuzzCSVRecords(f *testing.F) {
	sample := readSample(f)
	header, rest, _ := strings.Cut(sample, "\n")
	for _, l := range strings.Split(strings.TrimSpace(rest), "\n") {
		f.Add(l, false)
	}
	f.Add(`{"customer_ref":"J-1","monthly_payment":45210,"apr":7.9,"in_arrears":"no"}`, true)
	f.Add(`"a""b",c,"d`, false)
	h, ref := parseHeader([]byte(header))
	require.Nil(f, ref)
	chk := newRowChecker(fileRules{market: "UK", currency: "GBP", timeZone: "Europe/London", today: "2026-11-23"})
	jchk := newRowChecker(fileRules{market: "IE", currency: "EUR", timeZone: "Europe/Dublin", today: "2026-11-23", minor: true})
	f.Fuzz(func(t *testing.T, line string, jsonLine bool) {
		var rec [numColumns]string
		c := chk
		if jsonLine {
			if decodeJSONRecord(2, []byte(line), &rec) != nil {
				return
			}
			c = jchk
		} else {
			fields, err := splitFields([]byte(line), h.comma, nil)
			if err != nil || len(fields) != len(h.pos) {
				return
			}
			for i, v := range fields {
				rec[h.pos[i]] = v
			}
		}
		row, issue := c.check(2, &rec)
		if issue != nil {
			require.NotEmpty(t, issue.Message)
			require.Equal(t, 2, issue.Line)
			return
		}
		a := row.agreement
		require.NotEmpty(t, row.customer.Ref)
		require.NotEmpty(t, a.Number)
		require.Greater(t, a.MonthlyPayment, int64(0))
		require.Greater(t, a.EndDate, a.StartDate)
		require.Contains(t, []string{ProductPCP, ProductHP, ProductPCH}, a.Product)
		if a.Product != ProductPCH {
			require.NotNil(t, a.APR)
			require.NotNil(t, a.AmountOfCredit)
		}
		_ = computeEquity(equityInput{Product: a.Product, Status: a.Status, StartDate: a.StartDate, TermMonths: a.TermMonths,
			MonthlyPayment: a.MonthlyPayment, AmountOfCredit: a.AmountOfCredit, APR: a.APR, OptionalFinal: a.OptionalFinalPayment,
			Valuation: row.vehicle.Valuation, FileSettlementFigure: a.SettlementFigure}, "2026-11-23", equityRules{market: "UK", currency: "GBP"})
	})
}
