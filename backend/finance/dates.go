package finance

import "time"

// dateLayout is the only date format the engine reads and writes.
const dateLayout = "2006-01-02"

// parseDate reads a calendar date (YYYY-MM-DD) as midnight UTC.
func parseDate(p *problems, field, s string) (time.Time, bool) {
	if s == "" {
		p.add(field, CodeRequired, "is required (YYYY-MM-DD)")
		return time.Time{}, false
	}
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		p.add(field, CodeInvalid, "must be a date written YYYY-MM-DD")
		return time.Time{}, false
	}
	if t.Year() < 1990 || t.Year() > 2200 {
		p.add(field, CodeOutOfRange, "must be between 1990 and 2200")
		return time.Time{}, false
	}
	return t, true
}

// addMonths moves a date by whole calendar months, keeping the day of the
// month and clamping to the month's last day: 31 January + 1 month is 28 (or
// 29) February, never 3 March as time.AddDate would make it.
func addMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(d, last), 0, 0, 0, 0, time.UTC)
}

// yearsBetween is the time from a to b (b ≥ a) in years as the APR rules
// count it: whole calendar months as twelfths of a year, then the remaining
// days as 365ths (CONC App 1.2.6R).
func yearsBetween(a, b time.Time) float64 {
	months := monthsBetween(a, b)
	rest := b.Sub(addMonths(a, months)).Hours() / 24
	return float64(months)/12 + rest/365
}

// monthsBetween is the largest m with addMonths(a, m) ≤ b.
func monthsBetween(a, b time.Time) int {
	m := (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month())
	for m > 0 && addMonths(a, m).After(b) {
		m--
	}
	for !addMonths(a, m+1).After(b) {
		m++
	}
	return max(m, 0)
}

func formatDate(t time.Time) string { return t.Format(dateLayout) }
