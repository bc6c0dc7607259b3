package campaigns

import (
	"sync"
	"time"
)

// locations caches loaded time zones: audiences look up the same few
// zones on every query.
var locations sync.Map // string → *time.Location

func location(tz string) (*time.Location, bool) {
	if l, ok := locations.Load(tz); ok {
		return l.(*time.Location), true
	}
	l, err := time.LoadLocation(tz)
	if err != nil || tz == "" {
		return nil, false
	}
	locations.Store(tz, l)
	return l, true
}

// dateIn is the calendar day it is at now in the zone tz (or fallback when
// tz is not a zone, or UTC), as midnight UTC of that day.
func dateIn(now time.Time, tz, fallback string) time.Time {
	loc, ok := location(tz)
	if !ok {
		if loc, ok = location(fallback); !ok {
			loc = time.UTC
		}
	}
	y, m, d := now.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// addMonths adds n calendar months, keeping the day of the month where the
// target month has it and using its last day otherwise (31 January + 1
// month = 28 or 29 February), as agreement dates run.
func addMonths(d time.Time, n int) time.Time {
	y, m, day := d.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(day, last), 0, 0, 0, 0, time.UTC)
}

// monthsLeft is the number of whole months from today to the end date
// (YYYY-MM-DD): m such that today + m months ≤ end < today + m+1 months.
// It is negative once the end date has passed, and 0 for an unreadable
// date.
func monthsLeft(today time.Time, end string) int {
	e, err := time.Parse(time.DateOnly, end)
	if err != nil {
		return 0
	}
	m := (e.Year()-today.Year())*12 + int(e.Month()-today.Month())
	for addMonths(today, m).After(e) {
		m--
	}
	for !addMonths(today, m+1).After(e) {
		m++
	}
	return m
}

// validDate parses a YYYY-MM-DD date.
func validDate(s string) (time.Time, bool) {
	t, err := time.Parse(time.DateOnly, s)
	return t, err == nil
}
