package agreements

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// File formats an import accepts.
const (
	FormatCSV        = "csv"
	FormatJSONLines  = "jsonl"
	maxIssueColumnSz = 40
)

// Refusal is a whole file refused: nothing was changed. Column is "file",
// "header" or the limit that was passed.
type Refusal struct {
	Column  string `json:"column"`
	Message string `json:"message"`
	// TooLarge marks a file over the size or row limit (HTTP 413).
	TooLarge bool `json:"-"`
}

// Error implements error.
func (r *Refusal) Error() string { return "agreements: import refused: " + r.Message }

// recordSource yields an import's data records one at a time.
type recordSource interface {
	// next fills rec with the next data record and returns its line. A
	// record that cannot be read at all comes back as an issue instead. At
	// the end it returns io.EOF.
	next(rec *[numColumns]string) (line int, issue *Issue, err error)
	// consumed is how many bytes of the file the records so far took.
	consumed() int64
}

// csvSource reads records of a CSV file after its header.
type csvSource struct {
	lr     *lineReader
	h      header
	fields []string
}

// newCSVSource reads the header (the first line that is not blank) and
// returns the source of the records after it.
func newCSVSource(r io.Reader) (*csvSource, *Refusal, error) {
	lr := newLineReader(r)
	for {
		line, err := lr.next()
		if errors.Is(err, io.EOF) {
			return nil, &Refusal{Column: "file", Message: "The file is empty."}, nil
		}
		if errors.Is(err, errLineTooLong) {
			return nil, notCSV(), nil
		}
		if err != nil {
			return nil, nil, fmt.Errorf("agreements: read header: %w", err)
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		h, ref := parseHeader(line)
		if ref != nil {
			return nil, ref, nil
		}
		return &csvSource{lr: lr, h: h}, nil, nil
	}
}

func (s *csvSource) consumed() int64 { return s.lr.bytes }

func (s *csvSource) next(rec *[numColumns]string) (int, *Issue, error) {
	for {
		line, err := s.lr.next()
		if errors.Is(err, errLineTooLong) {
			return s.lr.line, &Issue{Line: s.lr.line, Message: fmt.Sprintf("This line is longer than %d KB; a row of this file is a few hundred bytes.", maxLineBytes>>10)}, nil
		}
		if err != nil {
			return s.lr.line, nil, err
		}
		s.fields, err = splitFields(line, s.h.comma, s.fields)
		if err != nil {
			return s.lr.line, &Issue{Line: s.lr.line, Message: "A quoted value is not closed properly on this line (values may not hold line breaks)."}, nil
		}
		if isBlank(s.fields) {
			continue
		}
		if len(s.fields) != len(s.h.pos) {
			return s.lr.line, &Issue{Line: s.lr.line, Message: fmt.Sprintf("This row has %d values; the header has %d columns.", len(s.fields), len(s.h.pos))}, nil
		}
		*rec = [numColumns]string{}
		for i, f := range s.fields {
			rec[s.h.pos[i]] = f
		}
		return s.lr.line, nil, nil
	}
}

// jsonlSource reads JSON lines: one object per line with the CSV's column
// names as keys and money in integer minor units.
type jsonlSource struct {
	lr *lineReader
}

func newJSONLSource(r io.Reader) *jsonlSource { return &jsonlSource{lr: newLineReader(r)} }

func (s *jsonlSource) consumed() int64 { return s.lr.bytes }

func (s *jsonlSource) next(rec *[numColumns]string) (int, *Issue, error) {
	for {
		line, err := s.lr.next()
		if errors.Is(err, errLineTooLong) {
			return s.lr.line, &Issue{Line: s.lr.line, Message: fmt.Sprintf("This line is longer than %d KB.", maxLineBytes>>10)}, nil
		}
		if err != nil {
			return s.lr.line, nil, err
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		return s.lr.line, decodeJSONRecord(s.lr.line, line, rec), nil
	}
}

// decodeJSONRecord turns one JSON object into a record of strings that the
// row checker reads as it reads CSV values (money stays in minor units).
func decodeJSONRecord(line int, b []byte, rec *[numColumns]string) *Issue {
	*rec = [numColumns]string{}
	var m map[string]json.RawMessage
	if len(b) == 0 || b[0] != '{' || json.Unmarshal(b, &m) != nil {
		return &Issue{Line: line, Message: "This line is not a JSON object."}
	}
	for k, raw := range m {
		col, ok := columnIndex[k]
		if !ok {
			return &Issue{Line: line, Column: shortColumn(k), Message: "This field is not part of the agreements format."}
		}
		v, ok := jsonScalar(raw)
		if !ok {
			return &Issue{Line: line, Column: k, Message: "This field must be a string, a number, true, false or null."}
		}
		rec[col] = v
	}
	return nil
}

// jsonScalar renders a JSON scalar as the text a CSV cell would hold: null
// is empty, a string its trimmed content, a number its literal, a boolean
// true or false.
func jsonScalar(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "", false
	}
	switch raw[0] {
	case 'n':
		return "", string(raw) == "null"
	case 't', 'f':
		s := string(raw)
		return s, s == "true" || s == "false"
	case '"':
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return "", false
		}
		return strings.TrimSpace(s), true
	case '{', '[':
		return "", false
	}
	// A number: kept as written ("12345", "6.9").
	return string(raw), true
}

// shortColumn bounds an unknown field name for the issue's column.
func shortColumn(s string) string {
	if !utf8.ValidString(s) {
		return "?"
	}
	if r := []rune(s); len(r) > maxIssueColumnSz {
		return string(r[:maxIssueColumnSz])
	}
	return s
}

// fileCheck refuses whole files before anything is applied: it is written
// the file as it arrives (or in a first pass over it) and checks the size,
// the number of lines, that it is text, and the header or first object.
type fileCheck struct {
	format   string
	maxBytes int64
	maxRows  int

	bytes     int64
	newlines  int
	last      byte
	first     []byte // the first non-blank line, while it is being read
	firstDone bool
	hasData   bool // a non-blank line after the header (CSV) or first object
}

func newFileCheck(format string, maxBytes int64, maxRows int) *fileCheck {
	return &fileCheck{format: format, maxBytes: maxBytes, maxRows: maxRows}
}

// Write checks the next part of the file; a refusal comes back as a
// *Refusal error.
func (c *fileCheck) Write(p []byte) (int, error) {
	c.bytes += int64(len(p))
	if c.bytes > c.maxBytes {
		return 0, &Refusal{Column: "file", TooLarge: true, Message: fmt.Sprintf("The file is larger than %s; split it into smaller files.", sizeText(c.maxBytes))}
	}
	if bytes.IndexByte(p, 0) >= 0 {
		return 0, c.notText()
	}
	c.newlines += bytes.Count(p, []byte{'\n'})
	if len(p) > 0 {
		c.last = p[len(p)-1]
	}
	if rows := c.newlines - 1; c.maxRows > 0 && rows > c.maxRows {
		return 0, &Refusal{Column: "file", TooLarge: true, Message: fmt.Sprintf("The file has more than %d rows; split it into smaller files.", c.maxRows)}
	}
	rest := p
	if !c.firstDone {
		var err error
		rest, err = c.readFirst(p)
		if err != nil {
			return 0, err
		}
	}
	if c.firstDone && !c.hasData && len(bytes.Trim(rest, " \t\r\n,;")) > 0 {
		c.hasData = true
	}
	return len(p), nil
}

// readFirst collects the first non-blank line and checks it once complete.
// It returns what follows it in p.
func (c *fileCheck) readFirst(p []byte) ([]byte, error) {
	for len(p) > 0 && !c.firstDone {
		i := bytes.IndexByte(p, '\n')
		part := p
		if i >= 0 {
			part = p[:i]
		}
		c.first = append(c.first, part...)
		if len(c.first) > maxLineBytes {
			return nil, c.notText()
		}
		if i < 0 {
			return nil, nil
		}
		p = p[i+1:]
		if len(bytes.TrimSpace(bytes.TrimPrefix(c.first, []byte("\ufeff")))) == 0 {
			c.first = c.first[:0]
			continue
		}
		if err := c.checkFirst(); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (c *fileCheck) checkFirst() error {
	c.firstDone = true
	line := bytes.TrimSuffix(bytes.TrimPrefix(c.first, []byte("\ufeff")), []byte{'\r'})
	c.first = nil
	if c.format == FormatJSONLines {
		line = bytes.TrimSpace(line)
		var m map[string]json.RawMessage
		if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &m) != nil {
			return c.notText()
		}
		c.hasData = true
		return nil
	}
	if _, ref := parseHeader(line); ref != nil {
		return ref
	}
	return nil
}

// finish checks the end of the file.
func (c *fileCheck) finish() *Refusal {
	if !c.firstDone && len(bytes.TrimSpace(c.first)) > 0 {
		// The file ends without a line break after its first line.
		if err := c.checkFirst(); err != nil {
			var ref *Refusal
			if errors.As(err, &ref) {
				return ref
			}
			return c.notText()
		}
	}
	if !c.firstDone {
		return &Refusal{Column: "file", Message: "The file is empty."}
	}
	if !c.hasData {
		return &Refusal{Column: "file", Message: "The file has a header but no rows."}
	}
	return nil
}

func (c *fileCheck) notText() *Refusal {
	if c.format == FormatJSONLines {
		return &Refusal{Column: "file", Message: "This is not a JSON lines file: each line must be one JSON object with the template's column names."}
	}
	return notCSV()
}

// sizeText writes a byte count for people: 512 MB.
func sizeText(n int64) string {
	if n >= 1<<20 {
		return strconv.FormatInt(n>>20, 10) + " MB"
	}
	return strconv.FormatInt(n>>10, 10) + " KB"
}
