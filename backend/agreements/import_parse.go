package agreements

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/keyturn/keyturn/backend/finance"
)

// Limits on single values of an agreements file. Money follows the finance
// engine's limit (finance.MaxMoney, 10,000,000.00).
const (
	maxMoney        = 1_000_000_000
	minTermMonths   = 6
	maxTermMonths   = 120
	maxAPR          = 99.9
	maxMileage      = 2_000_000
	maxAnnualMiles  = 200_000
	minCustomerAge  = 16
	maxCustomerAge  = 120
	earliestDate    = "1990-01-01"
	earliestBirth   = "1900-01-01"
	maxRefLength    = 64
	maxNameLength   = 100
	maxEmailLength  = 200
	maxMobileLength = 40
)

// fileRules are what checking a row needs to know about the financier and
// the file.
type fileRules struct {
	market   string // tenants.MarketUK or MarketIE
	currency string // GBP or EUR
	timeZone string // default for an empty time_zone
	today    string // YYYY-MM-DD in the financier's time zone
	// minor: money arrives in integer minor units (JSON lines), not in
	// pounds or euros with two decimals (CSV).
	minor bool
}

// Consent values of a row, per channel.
const (
	consentUnset int8 = iota // empty: change nothing
	consentNo                // false: withdraw any consent
	consentYes               // true: record consent
)

// consentChannels are the consent columns' channels, in column order.
var consentChannels = [3]string{"push", "email", "sms"}

// customerFields are a row's customer.
type customerFields struct {
	Ref, FirstName, LastName, Email, Mobile, DateOfBirth, Postcode, TimeZone string
	Vulnerable                                                               bool
}

// vehicleFields are a row's vehicle.
type vehicleFields struct {
	Make, Model, Derivative, Registration, FirstRegistered string
	CurrentMileage, Valuation                              *int64
}

// agreementFields are a row's agreement.
type agreementFields struct {
	Number, Product, Status, StartDate, EndDate string
	TermMonths                                  int
	MonthlyPayment, Deposit                     int64
	AmountOfCredit                              *int64
	APR                                         *float64
	OptionalFinalPayment, AnnualMileage         *int64
	InArrears, Forbearance                      bool
	SettlementFigure                            *int64
}

// importRow is one valid row, ready to apply.
type importRow struct {
	line        int
	customer    customerFields
	vehicle     vehicleFields
	agreement   agreementFields
	dealerCode  string
	consent     [3]int8
	consentDate string // YYYY-MM-DD, or "" for the day of the import
	// eq is the agreement's settlement figure and equity as of the import,
	// worked out while the row is read (by the reading goroutine, beside
	// the one writing), used when the agreement is new or changed.
	eq equityResult
}

// Issue is a rejected row or a warning about one: the line (1 is a CSV
// file's header), the column and a message for the person who made the file.
// Messages never repeat the value, which may be personal data (RULES S9).
type Issue struct {
	Line    int    `json:"line"`
	Column  string `json:"column"`
	Message string `json:"message"`
}

// rowChecker turns records into importRows, collecting the first problem of
// each bad row.
type rowChecker struct {
	rules fileRules
	// youngest and oldest are the latest and earliest dates of birth
	// accepted.
	youngest, oldest string
	zones            map[string]bool
	line             int
	issue            *Issue
}

func newRowChecker(rules fileRules) *rowChecker {
	return &rowChecker{rules: rules,
		youngest: addMonths(rules.today, -12*minCustomerAge),
		oldest:   addMonths(rules.today, -12*maxCustomerAge),
		zones:    map[string]bool{"Europe/London": true, "Europe/Dublin": true}}
}

func (c *rowChecker) fail(col int, msg string) {
	if c.issue == nil {
		c.issue = &Issue{Line: c.line, Column: columnName(col), Message: msg}
	}
}

// check validates one record (values by column position, "" when absent).
// It returns the row, or the row's first problem in column order.
func (c *rowChecker) check(line int, rec *[numColumns]string) (importRow, *Issue) {
	c.line, c.issue = line, nil
	r := importRow{line: line}
	v := func(col int) string { return rec[col] }

	for col := range numColumns {
		if s := rec[col]; s != "" && (!utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0) {
			c.fail(col, "This value has characters that are not text. Save the file as CSV UTF-8.")
			return r, c.issue
		}
	}

	cu := &r.customer
	cu.Ref = c.text(colCustomerRef, v(colCustomerRef), maxRefLength, true)
	cu.FirstName = c.text(colFirstName, v(colFirstName), maxNameLength, true)
	cu.LastName = c.text(colLastName, v(colLastName), maxNameLength, true)
	cu.Email = c.email(v(colEmail))
	cu.Mobile = c.mobile(v(colMobile))
	cu.DateOfBirth = c.birthDate(v(colDateOfBirth))
	cu.Postcode = c.postcode(v(colPostcode))
	cu.TimeZone = c.timeZone(v(colTimeZone))

	a := &r.agreement
	a.Number = c.text(colAgreementNumber, v(colAgreementNumber), maxRefLength, true)
	a.Product = c.product(v(colProduct))
	a.StartDate = c.date(colStartDate, v(colStartDate), true, earliestDate)
	a.TermMonths = c.term(v(colTermMonths))
	m := c.money(colMonthlyPayment, v(colMonthlyPayment), true)
	if m != nil {
		if *m == 0 {
			c.fail(colMonthlyPayment, "The monthly payment must be more than zero.")
		}
		a.MonthlyPayment = *m
	}
	if d := c.money(colDeposit, v(colDeposit), false); d != nil {
		a.Deposit = *d
	}
	credit := a.Product == ProductPCP || a.Product == ProductHP
	a.AmountOfCredit = c.money(colAmountOfCredit, v(colAmountOfCredit), credit)
	if credit && a.AmountOfCredit != nil && *a.AmountOfCredit == 0 {
		c.fail(colAmountOfCredit, "The amount of credit must be more than zero.")
	}
	a.APR = c.apr(v(colAPR), credit)
	a.OptionalFinalPayment = c.money(colOptionalFinalPayment, v(colOptionalFinalPayment), a.Product == ProductPCP)
	if ofp := a.OptionalFinalPayment; ofp != nil {
		switch {
		case a.Product == ProductPCP && *ofp == 0:
			c.fail(colOptionalFinalPayment, "A PCP's optional final payment must be more than zero.")
		case a.Product != ProductPCP && *ofp == 0:
			a.OptionalFinalPayment = nil
		case a.Product != ProductPCP:
			c.fail(colOptionalFinalPayment, "Only a PCP has an optional final payment: leave this empty for HP and PCH.")
		}
	}
	a.AnnualMileage = c.integer(colAnnualMileage, v(colAnnualMileage), true, 1, maxAnnualMiles,
		fmt.Sprintf("The annual mileage must be a whole number from 1 to %d.", maxAnnualMiles))

	ve := &r.vehicle
	ve.Make = c.text(colMake, v(colMake), 60, true)
	ve.Model = c.text(colModel, v(colModel), 60, true)
	ve.Derivative = c.text(colDerivative, v(colDerivative), 200, false)
	ve.Registration = c.registration(v(colRegistration))
	ve.FirstRegistered = c.date(colFirstRegistered, v(colFirstRegistered), false, earliestDate)
	if ve.FirstRegistered > c.rules.today {
		c.fail(colFirstRegistered, "The first registration date is in the future.")
	}
	ve.CurrentMileage = c.integer(colCurrentMileage, v(colCurrentMileage), false, 0, maxMileage,
		fmt.Sprintf("The current mileage must be a whole number from 0 to %d.", maxMileage))
	ve.Valuation = c.money(colValuation, v(colValuation), false)
	a.SettlementFigure = c.money(colSettlementFigure, v(colSettlementFigure), false)

	r.dealerCode = strings.ToUpper(c.text(colDealerCode, v(colDealerCode), 20, false))
	a.InArrears = c.boolean(colInArrears, v(colInArrears), true) == consentYes
	cu.Vulnerable = c.boolean(colVulnerable, v(colVulnerable), true) == consentYes
	r.consent[0] = c.boolean(colConsentPush, v(colConsentPush), false)
	r.consent[1] = c.boolean(colConsentEmail, v(colConsentEmail), false)
	r.consent[2] = c.boolean(colConsentSMS, v(colConsentSMS), false)
	r.consentDate = c.date(colConsentDate, v(colConsentDate), false, earliestDate)
	if r.consentDate > c.rules.today {
		c.fail(colConsentDate, "The consent date is in the future.")
	}
	a.Status = c.status(v(colAgreementStatus))
	a.Forbearance = c.boolean(colForbearance, v(colForbearance), false) == consentYes

	if a.StartDate != "" && a.TermMonths > 0 {
		a.EndDate = addMonths(a.StartDate, a.TermMonths)
		if ve.FirstRegistered != "" && ve.FirstRegistered > a.StartDate {
			c.fail(colFirstRegistered, "The car was first registered after the agreement started.")
		}
		if a.StartDate > c.rules.today && a.Status != StatusActive {
			c.fail(colAgreementStatus, "An agreement that has not started yet cannot be settled or terminated.")
		}
	}
	if c.issue == nil {
		r.eq = computeEquity(equityInput{Product: a.Product, Status: a.Status, StartDate: a.StartDate, TermMonths: a.TermMonths,
			MonthlyPayment: a.MonthlyPayment, Deposit: a.Deposit, AmountOfCredit: a.AmountOfCredit, OptionalFinal: a.OptionalFinalPayment,
			APR: a.APR, Valuation: ve.Valuation, FileSettlementFigure: a.SettlementFigure}, c.rules.today,
			equityRules{market: finance.Market(c.rules.market), currency: finance.Currency(c.rules.currency)})
	}
	return r, c.issue
}

// text trims and checks a free-text value.
func (c *rowChecker) text(col int, s string, maxLen int, required bool) string {
	if s == "" {
		if required {
			c.fail(col, "This column must not be empty.")
		}
		return ""
	}
	if utf8.RuneCountInString(s) > maxLen {
		c.fail(col, fmt.Sprintf("This value is longer than %d characters.", maxLen))
		return ""
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			c.fail(col, "This value has a control character (such as a tab) in it.")
			return ""
		}
	}
	return s
}

// emailPattern is deliberately simple: one @, a dot in the domain, no
// spaces. Deliverability is the mail server's business.
var emailPattern = regexp.MustCompile(`^[A-Za-z0-9.!#$%&'*+/=?^_{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$`)

func (c *rowChecker) email(s string) string {
	if s == "" {
		c.fail(colEmail, "This column must not be empty.")
		return ""
	}
	if len(s) > maxEmailLength || !emailPattern.MatchString(s) {
		c.fail(colEmail, "This is not an email address like name@example.com.")
		return ""
	}
	return strings.ToLower(s)
}

func (c *rowChecker) mobile(s string) string {
	if s == "" {
		return ""
	}
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == ' ' || r == '+' || r == '(' || r == ')' || r == '-':
		default:
			c.fail(colMobile, "This is not a phone number: use digits, spaces and a leading +.")
			return ""
		}
	}
	if digits < 9 || digits > 15 || len(s) > maxMobileLength {
		c.fail(colMobile, "A phone number has 9 to 15 digits.")
		return ""
	}
	return s
}

var (
	ukPostcode = regexp.MustCompile(`^(GIR|[A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$`)
	eircode    = regexp.MustCompile(`^([AC-FHKNPRTV-Y][0-9]{2}|D6W)([0-9AC-FHKNPRTV-Y]{4})$`)
)

// postcode normalises a UK postcode ("LS6 2QT") or, for an Irish
// financier, an Eircode ("D02 X285") or a Northern Irish postcode.
func (c *rowChecker) postcode(s string) string {
	if s == "" {
		c.fail(colPostcode, "This column must not be empty.")
		return ""
	}
	compact := strings.ToUpper(strings.Join(strings.Fields(s), ""))
	if m := ukPostcode.FindStringSubmatch(compact); m != nil {
		return m[1] + " " + m[2]
	}
	if c.rules.market == "IE" {
		if m := eircode.FindStringSubmatch(compact); m != nil {
			return m[1] + " " + m[2]
		}
		c.fail(colPostcode, "This is not an Eircode like D02 X285.")
		return ""
	}
	c.fail(colPostcode, "This is not a UK postcode like LS6 2QT.")
	return ""
}

func (c *rowChecker) timeZone(s string) string {
	if s == "" {
		return c.rules.timeZone
	}
	ok, seen := c.zones[s]
	if !seen {
		// Loading a zone reads the zone database; a file repeats the same
		// few, so each answer is kept for the rest of the file.
		_, err := time.LoadLocation(s)
		ok = err == nil && s != "Local" && s != "UTC" && strings.Contains(s, "/")
		if len(c.zones) < 1000 {
			c.zones[s] = ok
		}
	}
	if !ok {
		c.fail(colTimeZone, "This is not a time zone name like Europe/London.")
		return ""
	}
	return s
}

func (c *rowChecker) product(s string) string {
	p := strings.ToLower(s)
	switch p {
	case ProductPCP, ProductHP, ProductPCH:
		return p
	case "":
		c.fail(colProduct, "This column must not be empty.")
	default:
		c.fail(colProduct, "Unknown product: use pcp, hp or pch.")
	}
	return ""
}

func (c *rowChecker) status(s string) string {
	st := strings.ToLower(s)
	switch st {
	case "":
		return StatusActive
	case StatusActive, StatusSettled, StatusTerminated:
		return st
	}
	c.fail(colAgreementStatus, "Unknown agreement status: use active, settled or terminated.")
	return ""
}

// boolean reads true/false/yes/no (and y/n, 1/0), any case.
func (c *rowChecker) boolean(col int, s string, required bool) int8 {
	switch strings.ToLower(s) {
	case "true", "yes", "y", "1":
		return consentYes
	case "false", "no", "n", "0":
		return consentNo
	case "":
		if required {
			c.fail(col, "This column must not be empty: use true or false.")
		}
		return consentUnset
	}
	c.fail(col, "Use true or false (or yes or no).")
	return consentUnset
}

func (c *rowChecker) date(col int, s string, required bool, earliest string) string {
	if s == "" {
		if required {
			c.fail(col, "This column must not be empty.")
		}
		return ""
	}
	d, ok := parseDate(s)
	if !ok {
		c.fail(col, "This is not a date. Use 2024-03-31 or 31/03/2024.")
		return ""
	}
	if d < earliest || d > "2200-12-31" {
		c.fail(col, "This date is out of range.")
		return ""
	}
	return d
}

func (c *rowChecker) birthDate(s string) string {
	d := c.date(colDateOfBirth, s, true, earliestBirth)
	if d == "" {
		return ""
	}
	if d > c.youngest || d < c.oldest {
		c.fail(colDateOfBirth, fmt.Sprintf("The date of birth must make the customer %d to %d years old.", minCustomerAge, maxCustomerAge))
		return ""
	}
	return d
}

func (c *rowChecker) term(s string) int {
	n := c.integer(colTermMonths, s, true, minTermMonths, maxTermMonths,
		fmt.Sprintf("The term must be a whole number of months from %d to %d.", minTermMonths, maxTermMonths))
	if n == nil {
		return 0
	}
	return int(*n)
}

// integer reads a whole number, allowing thousands separators.
func (c *rowChecker) integer(col int, s string, required bool, lo, hi int64, rangeMsg string) *int64 {
	if s == "" {
		if required {
			c.fail(col, "This column must not be empty.")
		}
		return nil
	}
	n, ok := parseWhole(s)
	if !ok {
		c.fail(col, "This is not a whole number.")
		return nil
	}
	if n < lo || n > hi {
		c.fail(col, rangeMsg)
		return nil
	}
	return &n
}

func (c *rowChecker) currencyWord() string {
	if c.rules.currency == "EUR" {
		return "euros and cent like 1234.56"
	}
	return "pounds and pence like 1234.56"
}

// money reads an amount: pounds or euros with up to two decimals in CSV
// ("1,234.56", "£1234.5"), integer minor units in JSON lines.
func (c *rowChecker) money(col int, s string, required bool) *int64 {
	if s == "" {
		if required {
			c.fail(col, "This column must not be empty.")
		}
		return nil
	}
	var (
		v   int64
		neg bool
		ok  bool
	)
	if c.rules.minor {
		neg = strings.HasPrefix(s, "-")
		v, ok = parseWhole(strings.TrimPrefix(s, "-"))
		if !ok {
			c.fail(col, "Give money as a whole number of minor units (12345 for 123.45).")
			return nil
		}
	} else {
		v, neg, ok = parseMoney(s)
		if !ok {
			c.fail(col, "This is not an amount. Use "+c.currencyWord()+".")
			return nil
		}
	}
	if neg && v != 0 {
		c.fail(col, "Money cannot be negative.")
		return nil
	}
	if v > maxMoney {
		c.fail(col, "This amount is larger than 10,000,000.00.")
		return nil
	}
	return &v
}

// apr reads a percentage such as 6.9 (a trailing % is allowed).
func (c *rowChecker) apr(s string, required bool) *float64 {
	if s == "" {
		if required {
			c.fail(colAPR, "This column must not be empty for PCP and HP agreements.")
		}
		return nil
	}
	t := strings.TrimSpace(strings.TrimSuffix(s, "%"))
	whole, frac, _ := strings.Cut(t, ".")
	if whole == "" || len(whole) > 3 || len(frac) > 3 || !allDigits(whole) || !allDigits(frac) {
		if strings.HasPrefix(t, "-") {
			c.fail(colAPR, "The APR cannot be negative.")
		} else {
			c.fail(colAPR, "This is not a percentage. Write the APR like 6.9.")
		}
		return nil
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f > maxAPR {
		c.fail(colAPR, "The APR must be from 0 to 99.9.")
		return nil
	}
	return &f
}

// registration normalises a number plate: upper case, single spaces.
func (c *rowChecker) registration(s string) string {
	if s == "" {
		return ""
	}
	r := strings.ToUpper(strings.Join(strings.Fields(s), " "))
	if len(r) > 20 {
		c.fail(colRegistration, "A registration has at most 20 characters.")
		return ""
	}
	for _, ch := range r {
		if !(ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == ' ' || ch == '-') {
			c.fail(colRegistration, "A registration has only letters, digits and spaces.")
			return ""
		}
	}
	return r
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseWhole reads digits with optional thousands separators ("10,000").
func parseWhole(s string) (int64, bool) {
	if s == "" || len(s) > 24 {
		return 0, false
	}
	var n int64
	digits := 0
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch >= '0' && ch <= '9':
			if n > (1<<62)/10 {
				return 0, false
			}
			n = n*10 + int64(ch-'0')
			digits++
		case ch == ',' && digits > 0 && thousandsGroup(s, i):
		default:
			return 0, false
		}
	}
	return n, digits > 0
}

// thousandsGroup reports whether the comma at i is followed by exactly three
// digits and then the end, a dot or another comma.
func thousandsGroup(s string, i int) bool {
	if i+4 > len(s) || !allDigits(s[i+1:i+4]) {
		return false
	}
	return i+4 == len(s) || s[i+4] == ',' || s[i+4] == '.'
}

// parseMoney reads "1234.56", "1,234.5", "£1234", "-12.00" into minor units.
func parseMoney(s string) (v int64, neg bool, ok bool) {
	s = strings.TrimPrefix(s, "£")
	s = strings.TrimPrefix(s, "€")
	if strings.HasPrefix(s, "-") {
		neg, s = true, s[1:]
		s = strings.TrimPrefix(s, "£")
		s = strings.TrimPrefix(s, "€")
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || (hasDot && (frac == "" || len(frac) > 2 || !allDigits(frac))) {
		return 0, neg, false
	}
	w, ok := parseWhole(whole)
	if !ok {
		return 0, neg, false
	}
	if w > maxMoney {
		// Too large either way; reported as such, not as malformed.
		return maxMoney + 1, neg, true
	}
	cents := int64(0)
	if hasDot {
		cents, _ = strconv.ParseInt(frac, 10, 64)
		if len(frac) == 1 {
			cents *= 10
		}
	}
	return w*100 + cents, neg, true
}

// parseDate reads YYYY-MM-DD (optionally followed by a time, as database
// exports write it) or DD/MM/YYYY (D/M/YYYY too) and returns YYYY-MM-DD.
func parseDate(s string) (string, bool) {
	var y, m, d int
	switch {
	case len(s) >= 10 && s[4] == '-' && s[7] == '-' && (len(s) == 10 || s[10] == 'T' || s[10] == ' '):
		var ok1, ok2, ok3 bool
		y, ok1 = atoi(s[0:4])
		m, ok2 = atoi(s[5:7])
		d, ok3 = atoi(s[8:10])
		if !ok1 || !ok2 || !ok3 {
			return "", false
		}
	case strings.Count(s, "/") == 2:
		parts := strings.SplitN(s, "/", 3)
		if len(parts[0]) > 2 || len(parts[1]) > 2 || len(parts[2]) != 4 {
			return "", false
		}
		var ok1, ok2, ok3 bool
		d, ok1 = atoi(parts[0])
		m, ok2 = atoi(parts[1])
		y, ok3 = atoi(parts[2])
		if !ok1 || !ok2 || !ok3 {
			return "", false
		}
	default:
		return "", false
	}
	if m < 1 || m > 12 || d < 1 || d > daysIn(y, m) || y < 1 {
		return "", false
	}
	if len(s) == 10 && s[4] == '-' {
		return s, true
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d), true
}

func atoi(s string) (int, bool) {
	if s == "" || !allDigits(s) {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

func daysIn(y, m int) int {
	return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// addMonths moves a YYYY-MM-DD date by whole calendar months, clamping to
// the month's last day as the finance engine does (31 January + 1 month is
// the end of February). The date must be valid.
func addMonths(date string, n int) string {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return ""
	}
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(d, last), 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}
