package agreements

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Columns are the agreements file's 33 columns in the order the template
// and `keyturn gen-agreements` write them. docs/import.md describes each.
var Columns = []string{
	"customer_ref", "first_name", "last_name", "email", "mobile", "date_of_birth", "postcode", "time_zone",
	"agreement_number", "product", "start_date", "term_months", "monthly_payment", "deposit", "amount_of_credit",
	"apr", "optional_final_payment", "annual_mileage", "make", "model", "derivative", "registration",
	"first_registered", "current_mileage", "valuation", "settlement_figure", "dealer_code", "in_arrears",
	"vulnerable", "consent_push", "consent_email", "consent_sms", "consent_date",
}

// OptionalColumns may be added to a file's header; a file without them
// loads every agreement as active and not in forbearance.
var OptionalColumns = []string{"agreement_status", "forbearance"}

// Column positions in a record, Columns then OptionalColumns.
const (
	colCustomerRef = iota
	colFirstName
	colLastName
	colEmail
	colMobile
	colDateOfBirth
	colPostcode
	colTimeZone
	colAgreementNumber
	colProduct
	colStartDate
	colTermMonths
	colMonthlyPayment
	colDeposit
	colAmountOfCredit
	colAPR
	colOptionalFinalPayment
	colAnnualMileage
	colMake
	colModel
	colDerivative
	colRegistration
	colFirstRegistered
	colCurrentMileage
	colValuation
	colSettlementFigure
	colDealerCode
	colInArrears
	colVulnerable
	colConsentPush
	colConsentEmail
	colConsentSMS
	colConsentDate
	colAgreementStatus
	colForbearance
	numColumns
)

// columnName returns the name of a record position.
func columnName(i int) string {
	if i < len(Columns) {
		return Columns[i]
	}
	return OptionalColumns[i-len(Columns)]
}

// columnIndex maps every accepted column name to its record position.
var columnIndex = func() map[string]int {
	m := make(map[string]int, numColumns)
	for i := range numColumns {
		m[columnName(i)] = i
	}
	return m
}()

// maxLineBytes is the longest line a file may have. A real row is a few
// hundred bytes; the limit keeps memory flat when a file holds something
// else (a spreadsheet's binary, a single-line JSON dump).
const maxLineBytes = 64 << 10

// errLineTooLong is returned by lineReader for a line over maxLineBytes; the
// line has been skipped.
var errLineTooLong = errors.New("line too long")

// lineReader reads a file line by line, counting lines and bytes. Values in
// an agreements file never hold a line break, so one line is one record:
// a broken quote spoils one row, never the rest of the file.
type lineReader struct {
	br    *bufio.Reader
	line  int   // number of the last line returned, 1-based
	bytes int64 // bytes consumed up to the end of that line
	first bool
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, maxLineBytes), first: true}
}

// next returns the next line without its line ending. The slice is valid
// until the next call. At the end of input it returns io.EOF.
func (r *lineReader) next() ([]byte, error) {
	b, err := r.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		// Skip the rest of an overlong line, in buffer-sized steps.
		r.line++
		r.bytes += int64(len(b))
		for errors.Is(err, bufio.ErrBufferFull) {
			b, err = r.br.ReadSlice('\n')
			r.bytes += int64(len(b))
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
		return nil, errLineTooLong
	}
	if len(b) == 0 && err != nil {
		return nil, err
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	r.line++
	r.bytes += int64(len(b))
	b = bytes.TrimSuffix(b, []byte{'\n'})
	b = bytes.TrimSuffix(b, []byte{'\r'})
	if r.first {
		r.first = false
		b = bytes.TrimPrefix(b, []byte("\ufeff"))
	}
	return b, nil
}

// errFieldQuote is a quoted value that is not closed, or has text after its
// closing quote, on its line.
var errFieldQuote = errors.New("a quoted value is not closed properly on this line")

// splitFields splits one CSV line into dst (reset first). Quoted values may
// hold the delimiter and doubled quotes; a quote inside an unquoted value is
// kept as it is (spreadsheets write 17" wheels that way). Values are trimmed
// of surrounding spaces. The strings share one copy of the line.
func splitFields(line []byte, comma byte, dst []string) ([]string, error) {
	dst = dst[:0]
	s := string(line)
	for i := 0; ; {
		// Leading spaces before a quote are allowed.
		j := i
		for j < len(s) && (s[j] == ' ' || s[j] == '\t') && s[j] != comma {
			j++
		}
		if j < len(s) && s[j] == '"' {
			v, next, err := quotedField(s, j+1, comma)
			if err != nil {
				return dst, err
			}
			dst = append(dst, strings.TrimSpace(v))
			if next >= len(s) {
				return dst, nil
			}
			i = next + 1
			continue
		}
		k := strings.IndexByte(s[i:], comma)
		if k < 0 {
			dst = append(dst, strings.TrimSpace(s[i:]))
			return dst, nil
		}
		dst = append(dst, strings.TrimSpace(s[i:i+k]))
		i += k + 1
	}
}

// quotedField reads a quoted value starting after its opening quote at
// start. It returns the value and the position of the delimiter after the
// closing quote (or len(s)).
func quotedField(s string, start int, comma byte) (string, int, error) {
	var b *strings.Builder
	i := start
	for {
		k := strings.IndexByte(s[i:], '"')
		if k < 0 {
			return "", 0, errFieldQuote
		}
		end := i + k
		if end+1 < len(s) && s[end+1] == '"' {
			// A doubled quote stands for one.
			if b == nil {
				b = &strings.Builder{}
			}
			b.WriteString(s[i : end+1])
			i = end + 2
			continue
		}
		v := s[i:end]
		if b != nil {
			b.WriteString(v)
			v = b.String()
		}
		// Only spaces may follow the closing quote before the delimiter.
		n := end + 1
		for n < len(s) && s[n] != comma {
			if s[n] != ' ' && s[n] != '\t' {
				return "", 0, errFieldQuote
			}
			n++
		}
		return v, n, nil
	}
}

// header is an agreements file's parsed header row.
type header struct {
	comma byte
	// pos[i] is the record position (col…) of the file's i-th column.
	pos []int
}

// isBlank reports whether a record holds no value at all (an empty line,
// or a spreadsheet's row of commas).
func isBlank(fields []string) bool {
	for _, f := range fields {
		if f != "" {
			return false
		}
	}
	return true
}

// normaliseName turns a header cell into a column name: "Customer Ref" and
// "customer-ref" are customer_ref.
func normaliseName(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return '_'
		}
		return r
	}, s)
}

// parseHeader reads the header row. The delimiter is a comma, or a semicolon
// or tab when the header holds one of those and no comma (spreadsheets in
// some locales save that way). Column order does not matter; every one of
// Columns must be there once, OptionalColumns at most once, and nothing else.
func parseHeader(line []byte) (header, *Refusal) {
	if bytes.IndexByte(line, 0) >= 0 || !utf8.Valid(line) {
		return header{}, notCSV()
	}
	comma := byte(',')
	if bytes.IndexByte(line, ',') < 0 {
		switch {
		case bytes.IndexByte(line, ';') >= 0:
			comma = ';'
		case bytes.IndexByte(line, '\t') >= 0:
			comma = '\t'
		}
	}
	fields, err := splitFields(line, comma, nil)
	if err != nil || isBlank(fields) {
		return header{}, notCSV()
	}
	h := header{comma: comma, pos: make([]int, len(fields))}
	seen := make([]bool, numColumns)
	var unknown, repeated []string
	for i, f := range fields {
		name := normaliseName(f)
		p, ok := columnIndex[name]
		switch {
		case !ok:
			unknown = append(unknown, quoteName(f))
		case seen[p]:
			repeated = append(repeated, name)
		default:
			seen[p] = true
			h.pos[i] = p
		}
	}
	var missing []string
	for i, c := range Columns {
		if !seen[i] {
			missing = append(missing, c)
		}
	}
	var parts []string
	if len(missing) == len(Columns) {
		return header{}, &Refusal{Column: "header", Message: "The first line is not the agreements header. " +
			"Download the template and keep its first line: " + strings.Join(Columns, ",")}
	}
	if len(missing) > 0 {
		parts = append(parts, "missing "+strings.Join(missing, ", "))
	}
	if len(unknown) > 0 {
		parts = append(parts, "not recognised "+strings.Join(unknown, ", "))
	}
	if len(repeated) > 0 {
		parts = append(parts, "given twice "+strings.Join(repeated, ", "))
	}
	if len(parts) > 0 {
		return header{}, &Refusal{Column: "header", Message: "The header row is not the agreements template's (" +
			strings.Join(parts, "; ") + "). Download the template and keep its first line."}
	}
	return h, nil
}

// quoteName shows an unknown header cell, shortened: header cells are
// column names, not customer data.
func quoteName(s string) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > 40 {
		s = string([]rune(s)[:40]) + "…"
	}
	return fmt.Sprintf("%q", s)
}

func notCSV() *Refusal {
	return &Refusal{Column: "file", Message: "This is not a CSV file. Save the spreadsheet as CSV (UTF-8) with the template's header row, or send JSON lines."}
}

// Template is the agreements file template: the header and one example row
// of a fictional customer, for the console's download.
func Template() []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write(Columns)
	_ = w.Write([]string{"CUST-000123", "Alex", "Example", "alex.example@example.com", "07700 900123", "1986-04-12",
		"LS6 2QT", "Europe/London", "AGR-0001234", "pcp", "2024-03-15", "48", "338.51", "3000.00", "20000.00",
		"9.9", "9850.00", "10000", "Ford", "Puma", "1.0 EcoBoost Titanium", "AB24 CDE", "2024-03-15", "27500",
		"16250.00", "", "DLR001", "no", "no", "true", "true", "", "2024-03-20"})
	w.Flush()
	return b.Bytes()
}
