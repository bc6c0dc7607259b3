package campaigns

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/keyturn/keyturn/backend/platform/db"
	"github.com/keyturn/keyturn/backend/platform/db/dbtest"
)

// benchEnv turns on the million-agreement audience benchmark, which takes
// a minute or two per database to generate its rows.
const benchEnv = "KEYTURN_AUDIENCE_BENCH"

// benchAgreements is the size of the book the audience benchmark counts.
const benchAgreements = 1_000_000

// audienceBudget is the goal for counting an audience.
const audienceBudget = 300 * time.Millisecond

// series is a subquery yielding g = 1..n on either dialect.
func series(d *db.DB, n int) string {
	if d.Dialect == db.DialectPostgres {
		return fmt.Sprintf("(SELECT generate_series(1, %d) AS g) s", n)
	}
	return fmt.Sprintf("(WITH RECURSIVE seq(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM seq WHERE g < %d) SELECT g FROM seq) s", n)
}

// dayPlus is the date `days` after base, as YYYY-MM-DD, less `months`.
func dayPlus(d *db.DB, base, days string, months int) string {
	if d.Dialect == db.DialectPostgres {
		return fmt.Sprintf("to_char(DATE '%s' + (%s) - INTERVAL '%d months', 'YYYY-MM-DD')", base, days, months)
	}
	return fmt.Sprintf("date('%s', '+' || (%s) || ' days', '-%d months')", base, days, months)
}

// generateBook writes n agreements (on n·4/5 customers, with their
// vehicles and consents) for the financier, in SQL: end dates spread over
// four years, a product mix, 3% in arrears, 1.5% in forbearance, 3%
// vulnerable, 70% with push consent, equity unknown for one in seven.
func generateBook(t testing.TB, b *bundle, n int) {
	t.Helper()
	ctx := context.Background()
	g := b.db.Gorm.WithContext(ctx)
	fid := b.fin.FinancierID
	nc := n * 4 / 5
	exec := func(what, q string) {
		t.Helper()
		start := time.Now()
		require.NoError(t, g.Exec(q).Error, what)
		t.Logf("generated %s in %s", what, time.Since(start).Round(time.Millisecond))
	}
	exec("customers", fmt.Sprintf(`INSERT INTO customers (financier_id, customer_ref, first_name, last_name, email, mobile,
	date_of_birth, postcode, time_zone, vulnerable, created_at, updated_at)
SELECT %d, 'BENCH' || g, 'First', 'Last', 'bench' || g || '@example.com', '', '1980-01-01', 'LS1 1AA', 'Europe/London',
	(g %% 33 = 0), CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM %s`, fid, series(b.db, nc)))
	var minC int64
	require.NoError(t, g.Table("customers").Where("financier_id = ? AND customer_ref = ?", fid, "BENCH1").Pluck("id", &minC).Error)
	exec("consents", fmt.Sprintf(`INSERT INTO consents (financier_id, customer_id, channel, purpose, basis, source, wording_version, given_at, created_at)
SELECT %d, %d + g - 1, 'push', 'financier_marketing', 'consent', 'bench', 'b1', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
FROM %s WHERE g %% 10 < 7`, fid, minC, series(b.db, nc)))
	exec("vehicles", fmt.Sprintf(`INSERT INTO vehicles (financier_id, make, model, derivative, registration, first_registered,
	valuation, created_at, updated_at)
SELECT %d, 'Make' || (g %% 10), 'Model' || (g %% 7), '', '', '',
	CASE WHEN g %% 8 = 0 THEN NULL ELSE 1000000 + (g * 37 %% 1500000) END, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM %s`, fid, series(b.db, n)))
	var minV int64
	require.NoError(t, g.Table("vehicles").Where("financier_id = ?", fid).Select("MIN(id)").Scan(&minV).Error)
	d1, d2, d3 := b.dealers["DLR001"].ID, b.dealers["DLR002"].ID, b.dealers["DLR003"].ID
	days := "(g * 7) % 1460"
	exec("agreements", fmt.Sprintf(`INSERT INTO agreements (financier_id, customer_id, vehicle_id, dealer_location_id,
	agreement_number, product, status, start_date, end_date, term_months, monthly_payment, deposit, amount_of_credit, apr,
	optional_final_payment, in_arrears, forbearance, equity, equity_basis, created_at, updated_at)
SELECT %d, %d + (g - 1) %% %d, %d + g - 1, CASE g %% 3 WHEN 0 THEN %d WHEN 1 THEN %d ELSE %d END,
	'BA' || g, CASE WHEN g %% 10 < 6 THEN 'pcp' WHEN g %% 10 < 9 THEN 'hp' ELSE 'pch' END,
	CASE WHEN g %% 80 = 0 THEN 'settled' ELSE 'active' END, %s, %s, 36, 30000, 300000, 2000000, 7.9,
	CASE WHEN g %% 10 < 6 THEN 900000 END, (g %% 33 = 1), (g %% 67 = 2),
	CASE WHEN g %% 7 = 0 THEN NULL ELSE (g * 13 %% 1000000) - 300000 END, '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
FROM %s`, fid, minC, nc, minV, d1, d2, d3, dayPlus(b.db, "2026-11-23", days, 36), dayPlus(b.db, "2026-11-23", days, 0), series(b.db, n)))
	// Statistics, and on PostgreSQL the visibility map that index-only scans
	// rely on: what autovacuum would have done to a book loaded a while ago.
	if b.db.Dialect == db.DialectPostgres {
		exec("statistics", "VACUUM ANALYZE")
	} else {
		exec("statistics", "ANALYZE")
		// Move the load out of the write-ahead log into the database file,
		// as SQLite's automatic checkpoints do once the writing stops.
		exec("checkpoint", "PRAGMA wal_checkpoint(TRUNCATE)")
	}
}

// typicalAudience is what a campaign usually targets: agreements ending in
// a window of a few months, by product.
const typicalAudience = "ending in 3-8 months, pcp or hp"

// benchAudiences are the audiences the benchmark counts: a typical one, and
// one with every rule set.
func benchAudiences() map[string]Audience {
	return map[string]Audience{
		typicalAudience: {MonthsToEnd: &IntRange{Min: intp(3), Max: intp(8)}, Products: []string{"pcp", "hp"}},
		"every rule": {MonthsToEnd: &IntRange{Min: intp(1), Max: intp(12)}, Products: []string{"pcp"},
			Vehicles: []VehicleRule{{Make: "Make1"}, {Make: "Make2", Model: "Model3"}}, Equity: &MoneyRange{Min: int64p(0)},
			Regions: []string{"Yorkshire and the Humber"}, AgreementAgeMonths: &IntRange{Min: intp(12)}},
		"whole book": {},
	}
}

func rounded(ds []time.Duration) []time.Duration {
	out := make([]time.Duration, len(ds))
	for i, d := range ds {
		out[i] = d.Round(time.Millisecond)
	}
	return out
}

// median times fn over runs calls.
func median(runs int, fn func()) (time.Duration, []time.Duration) {
	all := make([]time.Duration, runs)
	for i := range all {
		start := time.Now()
		fn()
		all[i] = time.Since(start)
	}
	sorted := slices.Clone(all)
	slices.Sort(sorted)
	return sorted[runs/2], all
}

// TestAudienceMillion counts audiences over a million agreements on each
// database and holds the count to the 300 ms. Run it with
// KEYTURN_AUDIENCE_BENCH=1 (docs/BENCHMARKS.md, "Campaigns").
func TestAudienceMillion(t *testing.T) {
	if os.Getenv(benchEnv) != "1" {
		t.Skipf("set %s=1 to generate %d agreements and time audience counts", benchEnv, benchAgreements)
	}
	n := benchAgreements
	if v, err := strconv.Atoi(os.Getenv(benchEnv + "_ROWS")); err == nil && v > 0 {
		n = v
	}
	only := os.Getenv(benchEnv + "_ONLY") // sqlite or postgres: run on that one only
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		if only != "" && only != d.Dialect {
			t.Skipf("%s_ONLY=%s", benchEnv, only)
		}
		b := setup(t, d)
		ctx := context.Background()
		generateBook(t, b, n)
		var total int64
		require.NoError(t, d.Gorm.Table("agreements").Where("financier_id = ?", b.fin.FinancierID).Count(&total).Error)
		require.Equal(t, int64(n), total)

		names := []string{typicalAudience, "every rule", "whole book"}
		for _, name := range names {
			aud := benchAudiences()[name]
			in := settings()
			in.Audience = aud
			c, err := b.svc.Create(ctx, b.fin, b.actor(marketerEmail), in)
			require.NoError(t, err)
			var count int64
			med, all := median(5, func() {
				count, err = b.svc.CountAudience(ctx, b.fin, c.ID)
				require.NoError(t, err)
			})
			prev, allPrev := median(3, func() {
				_, err := b.svc.PreviewAudience(ctx, b.fin, c.ID, nil, false)
				require.NoError(t, err)
			})
			full, allFull := median(3, func() {
				_, err := b.svc.PreviewAudience(ctx, b.fin, c.ID, nil, true)
				require.NoError(t, err)
			})
			t.Logf("BENCH %s | %s | count %d | count median %s %v | preview (count + sample) median %s %v | with exclusion counts median %s %v",
				d.Dialect, name, count, med.Round(time.Millisecond), rounded(all), prev.Round(time.Millisecond), rounded(allPrev),
				full.Round(time.Millisecond), rounded(allFull))
			require.Positive(t, count)
			// The budget holds for a campaign's usual audience; the others are
			// reported (docs/BENCHMARKS.md).
			if name == typicalAudience {
				require.Less(t, med, audienceBudget, "%s: %s", d.Dialect, name)
			}
		}
	})
}
