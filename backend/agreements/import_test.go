package agreements

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/keyturn/keyturn/backend/platform/db"
	"github.com/keyturn/keyturn/backend/platform/db/dbtest"
	"github.com/keyturn/keyturn/backend/platform/jobs"
	"github.com/keyturn/keyturn/backend/platform/kv"
	"github.com/keyturn/keyturn/backend/platform/tenant"
	"github.com/keyturn/keyturn/backend/privacy"
	"github.com/keyturn/keyturn/backend/tenants"
)

// testNow is the fixtures' clock: the day the sample file was made.
var testNow = time.Date(2026, time.November, 23, 13, 0, 0, 0, time.UTC)

const samplePath = "../../config/agreements.sample.csv"

// fixture is a database with two financiers (UK and Irish), a dealer
// network of fifteen showrooms for the UK one, and an importer.
type fixture struct {
	t       testing.TB
	d       *db.DB
	imports *Imports
	uk, ie  int64
	dealers map[string]int64
	staffID int64
}

func newFixture(t testing.TB, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{t: t, d: d, dealers: map[string]int64{}, staffID: 42}
	for _, fin := range []tenants.Financier{
		{Slug: "uk", LegalName: "UK Finance plc", TradingName: "UK Finance", Market: tenants.MarketUK, Currency: "GBP",
			PostalAddress: "1 Test Street, Leeds LS1 1AA", BrandColour: "#123456", TimeZone: "Europe/London", ContactCapPerWeek: 2, ContactCapPerMonth: 6, AckLimitMinutes: 60, ReassignLimitMinutes: 240},
		{Slug: "ie", LegalName: "IE Finance DAC", TradingName: "IE Finance", Market: tenants.MarketIE, Currency: "EUR",
			PostalAddress: "1 Test Street, Dublin D02 X285", BrandColour: "#654321", TimeZone: "Europe/Dublin", ContactCapPerWeek: 2, ContactCapPerMonth: 6, AckLimitMinutes: 60, ReassignLimitMinutes: 240},
	} {
		require.NoError(t, d.Gorm.Create(&fin).Error)
		if fin.Slug == "uk" {
			f.uk = fin.ID
		} else {
			f.ie = fin.ID
		}
	}
	g := tenants.DealerGroup{Name: "Test Motor Group"}
	require.NoError(t, d.Gorm.Create(&g).Error)
	for i := 1; i <= 15; i++ {
		l := tenants.DealerLocation{DealerGroupID: g.ID, Code: fmt.Sprintf("DLR%03d", i), Name: fmt.Sprintf("Showroom %d", i),
			AddressLine1: "1 Road", Town: "Leeds", Region: "Yorkshire", Postcode: "LS1 1AA", Latitude: 53.8, Longitude: -1.5,
			TimeZone: "Europe/London", OpeningHours: "{}"}
		require.NoError(t, d.Gorm.Create(&l).Error)
		require.NoError(t, d.Gorm.Create(&tenants.FinancierDealer{FinancierID: f.uk, DealerLocationID: l.ID}).Error)
		f.dealers[l.Code] = l.ID
	}
	jc, err := jobs.New(d, jobs.Config{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	now := func() time.Time { return testNow }
	ts := tenants.Store{DB: d.Gorm}
	f.imports = &Imports{DB: d, Jobs: jc, KV: kv.NewMemory(), Financiers: testFinanciers{ts},
		Dealers: testDealers{&tenants.Network{DB: d, Store: ts, Now: now}}, Audit: privacy.Audit{Now: now}, Now: now,
		Log: dbtest.Logger(t)}
	t.Cleanup(func() { _ = f.imports.KV.Close() })
	_ = ctx
	return f
}

type testFinanciers struct{ s tenants.Store }

func (c testFinanciers) Card(ctx context.Context, id int64) (FinancierCard, error) {
	f, err := c.s.Financier(ctx, id)
	return FinancierCard{Slug: f.Slug, Name: f.TradingName, Market: f.Market, Currency: f.Currency, TimeZone: f.TimeZone}, err
}

func (c testFinanciers) NetworkSize(ctx context.Context, id int64) (int64, error) {
	return c.s.NetworkSize(ctx, id)
}

type testDealers struct{ n *tenants.Network }

func (c testDealers) DealerCodes(ctx context.Context, financierID int64) (map[string]int64, error) {
	groups, err := c.n.List(ctx, tenant.Scope{FinancierID: financierID})
	out := map[string]int64{}
	for _, g := range groups {
		for _, l := range g.Locations {
			out[l.Code] = l.ID
		}
	}
	return out, err
}

func (f *fixture) scope(fid int64) tenant.Scope { return tenant.Scope{FinancierID: fid} }

func (f *fixture) staff() Actor {
	id := f.staffID
	return Actor{Kind: "staff", ID: &id, IP: "192.0.2.10", RequestID: "req-1"}
}

// load runs the CLI's door on content and returns the import's status.
func (f *fixture) load(fid int64, name, format, content string) (ImportView, error) {
	f.t.Helper()
	v, err := f.imports.ImportFile(context.Background(), f.scope(fid), f.staff(), name, format, strings.NewReader(content))
	if err != nil {
		return v, err
	}
	st, err := f.imports.Status(context.Background(), f.scope(fid), v.ID)
	require.NoError(f.t, err)
	return st, nil
}

func (f *fixture) mustLoad(fid int64, content string) ImportView {
	f.t.Helper()
	v, err := f.load(fid, "file.csv", FormatCSV, content)
	require.NoError(f.t, err)
	require.Equal(f.t, ImportDone, v.Status)
	return v
}

func (f *fixture) count(table string, fid int64) int64 {
	f.t.Helper()
	var n int64
	require.NoError(f.t, f.d.Gorm.Table(table).Where("financier_id = ?", fid).Count(&n).Error)
	return n
}

func (f *fixture) agreement(fid int64, number string) Agreement {
	f.t.Helper()
	var a Agreement
	require.NoError(f.t, f.d.Gorm.Preload("Vehicle").Where("financier_id = ? AND agreement_number = ?", fid, number).Take(&a).Error)
	return a
}

func (f *fixture) customer(fid int64, ref string) Customer {
	f.t.Helper()
	var c Customer
	require.NoError(f.t, f.d.Gorm.Where("financier_id = ? AND customer_ref = ?", fid, ref).Take(&c).Error)
	return c
}

func (f *fixture) activeConsents(customerID int64) []string {
	f.t.Helper()
	var cs []privacy.Consent
	require.NoError(f.t, f.d.Gorm.Where("customer_id = ? AND withdrawn_at IS NULL", customerID).Order("channel").Find(&cs).Error)
	out := []string{}
	for _, c := range cs {
		require.Equal(f.t, privacy.PurposeFinancierMarketing, c.Purpose)
		require.Equal(f.t, privacy.BasisConsent, c.Basis)
		require.Equal(f.t, "import", c.Source)
		out = append(out, c.Channel)
	}
	return out
}

func (f *fixture) auditEntries(fid int64, action string) []privacy.AuditEntry {
	f.t.Helper()
	var es []privacy.AuditEntry
	require.NoError(f.t, f.d.Gorm.Where("financier_id = ? AND action = ?", fid, action).Order("id").Find(&es).Error)
	return es
}

func readSample(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile(samplePath)
	require.NoError(t, err)
	return string(b)
}

// TestImportSampleFile loads config/agreements.sample.csv: each planted bad
// row is reported with its line and column, the good rows load, and a second
// load reports every row unchanged and changes nothing.
func TestImportSampleFile(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		sample := readSample(t)
		v := f.mustLoad(f.uk, sample)
		require.Equal(t, 18, v.Rows)
		require.Equal(t, 11, v.Inserted)
		require.Zero(t, v.Updated)
		require.Zero(t, v.Unchanged)
		require.Equal(t, []Issue{
			{4, "start_date", "This is not a date. Use 2024-03-31 or 31/03/2024."},
			{6, "product", "Unknown product: use pcp, hp or pch."},
			{8, "monthly_payment", "Money cannot be negative."},
			{10, "term_months", "The term must be a whole number of months from 6 to 120."},
			{12, "email", "This is not an email address like name@example.com."},
			{14, "postcode", "This is not a UK postcode like LS6 2QT."},
			{19, "agreement_number", "This agreement number is already on line 2; each agreement may appear once in a file."},
		}, v.Rejected)
		require.Equal(t, []Issue{
			{3, "dealer_code", "No showroom with this dealer code is in your dealer network; the agreement was loaded without a dealer."},
			{18, "consent_date", "No consent date: the consent is recorded as given on the day of this import."},
		}, v.Warnings)
		require.Equal(t, 7, v.RejectedCount)
		require.Equal(t, 2, v.WarningsCount)
		require.Equal(t, int64(11), f.count("agreements", f.uk))
		require.Equal(t, int64(11), f.count("vehicles", f.uk))
		require.Equal(t, int64(10), f.count("customers", f.uk), "SAMPLE-0027 has two agreements; SAMPLE-0009 is loaded by line 18")
		require.Zero(t, f.count("agreements", f.ie))

		// A row in detail: line 2's PCP.
		a := f.agreement(f.uk, "SMP-00002")
		require.Equal(t, ProductPCP, a.Product)
		require.Equal(t, StatusActive, a.Status)
		require.Equal(t, "2026-10-05", a.StartDate)
		require.Equal(t, "2028-10-05", a.EndDate)
		require.Equal(t, int64(408_49), a.MonthlyPayment)
		require.Equal(t, int64(6270_00), a.Deposit)
		require.Equal(t, int64(17318_00), *a.OptionalFinalPayment)
		require.InDelta(t, 7.9, *a.APR, 1e-9)
		require.Equal(t, f.dealers["DLR006"], *a.DealerLocationID)
		require.Equal(t, "FE76 EUD", a.Vehicle.Registration)
		require.Equal(t, int64(26225_00), *a.Vehicle.Valuation)
		require.Equal(t, EquityEngineSettlement, a.EquityBasis)
		require.NotNil(t, a.Equity)
		require.Equal(t, *a.Vehicle.Valuation-*a.SettlementFigure, *a.Equity)
		require.NotNil(t, a.EquityComputedAt)
		c := f.customer(f.uk, "SAMPLE-0001")
		require.Equal(t, "NG12 1NQ", c.Postcode)
		require.Equal(t, "Europe/London", c.TimeZone, "an empty time_zone is the financier's")
		require.Equal(t, []string{"email"}, f.activeConsents(c.ID), "push empty, email true, sms false")

		// Line 3 loads without a dealer; line 18's date was dd/mm/yyyy.
		require.Nil(t, f.agreement(f.uk, "SMP-00004").DealerLocationID)
		require.Equal(t, EquityUnknownHire, f.agreement(f.uk, "SMP-00004").EquityBasis)
		require.Equal(t, "2025-06-01", f.agreement(f.uk, "SMP-00032").StartDate)

		again := f.mustLoad(f.uk, sample)
		require.Equal(t, 18, again.Rows)
		require.Zero(t, again.Inserted)
		require.Zero(t, again.Updated)
		require.Equal(t, 11, again.Unchanged, "a second load of the same file changes nothing")
		require.Equal(t, v.Rejected, again.Rejected)
		require.Len(t, again.Warnings, 1, "the consent recorded last time is in force: no warning for it now")
		require.Equal(t, int64(11), f.count("agreements", f.uk))
		require.Equal(t, int64(10), f.count("customers", f.uk))
		require.Empty(t, f.auditEntries(f.uk, ActionAgreementByImp))

		// One audit entry per import: who, the file name and the counts.
		es := f.auditEntries(f.uk, ActionImported)
		require.Len(t, es, 2)
		require.Equal(t, "staff", es[0].ActorKind)
		require.Equal(t, f.staffID, *es[0].ActorID)
		require.Equal(t, "import", es[0].ObjectType)
		require.Equal(t, fmt.Sprint(v.ID), es[0].ObjectID)
		var changes map[string][2]any
		require.NoError(t, json.Unmarshal([]byte(es[0].Changes), &changes))
		require.Equal(t, "file.csv", changes["file_name"][1])
		require.EqualValues(t, 11, changes["inserted"][1])
		require.EqualValues(t, 7, changes["rejected"][1])
		require.NotContains(t, es[0].Changes, "Muhammad", "no personal data in the audit log")
	})
}

// TestImportUpdatesOnlyWhatChanged: a changed file updates only the rows it
// changes, records the names of the changed fields, and handles consent.
func TestImportUpdatesOnlyWhatChanged(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		sample := readSample(t)
		f.mustLoad(f.uk, sample)
		before := f.agreement(f.uk, "SMP-00016")
		require.Equal(t, EquityEnginePaid, before.EquityBasis, "its last payment fell due in October")
		require.Equal(t, *before.Vehicle.Valuation, *before.Equity)
		cust := f.customer(f.uk, "SAMPLE-0015")
		require.Equal(t, []string{"email", "push"}, f.activeConsents(cust.ID))

		changed := strings.Replace(sample,
			"SAMPLE-0015,Callum,MacLeod,callum.macleod15@example.com,07700 900734,1975-12-28,BT19 1WB,,SMP-00016,pcp,2024-10-04,24,536.17,2423.00,24507.00,8.9,15619.00,15000,MG,MG4,SE Long Range,BT72 JUY,2022-12-19,41733,12875.00,,DLR013,false,false,true,true,false,2024-10-24",
			"SAMPLE-0015,Callum,MacLeod,callum.m@example.com,07700 900734,1975-12-28,BT19 1WB,,SMP-00016,pcp,2024-10-04,24,536.17,2423.00,24507.00,8.9,15619.00,15000,MG,MG4,SE Long Range,BT72 JUY,2022-12-19,45012,13500.00,9100.00,DLR013,true,false,false,true,true,2024-10-24", 1)
		require.NotEqual(t, sample, changed)
		v := f.mustLoad(f.uk, changed)
		require.Equal(t, 1, v.Updated)
		require.Equal(t, 10, v.Unchanged)
		require.Zero(t, v.Inserted)

		after := f.agreement(f.uk, "SMP-00016")
		require.True(t, after.InArrears)
		require.Equal(t, int64(13500_00), *after.Vehicle.Valuation)
		require.Equal(t, int64(9100_00), *after.SettlementFigure)
		require.Equal(t, EquityFileSettlement, after.EquityBasis)
		require.Equal(t, int64(13500_00-9100_00), *after.Equity)
		require.Equal(t, before.ID, after.ID)
		require.Equal(t, before.VehicleID, after.VehicleID)
		require.Equal(t, "callum.m@example.com", f.customer(f.uk, "SAMPLE-0015").Email)
		require.Equal(t, []string{"email", "sms"}, f.activeConsents(cust.ID), "push withdrawn, sms recorded")
		var withdrawn int64
		require.NoError(t, d.Gorm.Model(&privacy.Consent{}).Where("customer_id = ? AND withdrawn_at IS NOT NULL", cust.ID).Count(&withdrawn).Error)
		require.Equal(t, int64(1), withdrawn, "the ledger keeps the withdrawn consent")

		es := f.auditEntries(f.uk, ActionAgreementByImp)
		require.Len(t, es, 1)
		require.Equal(t, fmt.Sprint(after.ID), es[0].ObjectID)
		var fields []string
		require.NoError(t, json.Unmarshal([]byte(es[0].Fields), &fields))
		require.Equal(t, []string{"consent_push", "consent_sms", "current_mileage", "email", "in_arrears", "settlement_figure", "valuation"}, fields)
		require.Empty(t, es[0].Changes, "field names only: the values are personal")

		// Loading the changed file again changes nothing more.
		again := f.mustLoad(f.uk, changed)
		require.Equal(t, 11, again.Unchanged)
		require.Len(t, f.auditEntries(f.uk, ActionAgreementByImp), 1)
	})
}

// TestImportRefusesWholeFiles: a file that is empty, not CSV, has the wrong
// header or passes a limit is refused with a clear message and nothing
// changes.
func TestImportRefusesWholeFiles(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		sample := readSample(t)
		header, _, _ := strings.Cut(sample, "\n")
		cases := []struct {
			name, content, format, column, message string
			tooLarge                               bool
			maxBytes                               int64
			maxRows                                int
		}{
			{name: "empty", content: "", column: "file", message: "The file is empty."},
			{name: "blank lines", content: "\n \r\n\n", column: "file", message: "The file is empty."},
			{name: "binary", content: "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", column: "file", message: "This is not a CSV file"},
			{name: "a letter", content: "Dear Sir,\nPlease find attached.\n", column: "header", message: "The first line is not the agreements header"},
			{name: "missing column", content: strings.Replace(sample, ",vulnerable,", ",", 1), column: "header", message: "missing vulnerable"},
			{name: "unknown column", content: strings.Replace(sample, "consent_date", "consent_date,notes", 1), column: "header", message: `not recognised "notes"`},
			{name: "twice", content: strings.Replace(sample, "time_zone,", "time_zone,email,", 1), column: "header", message: "given twice email"},
			{name: "header only", content: header + "\n", column: "file", message: "The file has a header but no rows."},
			{name: "too large", content: sample, column: "file", message: "The file is larger than 1 KB", tooLarge: true, maxBytes: 1024},
			{name: "too many rows", content: sample, column: "file", message: "The file has more than 5 rows", tooLarge: true, maxRows: 5},
			{name: "json lines that are not", content: "customer_ref,first_name\n", format: FormatJSONLines, column: "file", message: "This is not a JSON lines file"},
		}
		for _, c := range cases {
			f.imports.MaxBytes, f.imports.MaxRows = c.maxBytes, c.maxRows
			format := c.format
			if format == "" {
				format = FormatCSV
			}
			v, err := f.load(f.uk, c.name+".csv", format, c.content)
			var ref *Refusal
			require.True(t, errors.As(err, &ref), "%s: %v", c.name, err)
			require.Equal(t, c.column, ref.Column, c.name)
			require.Contains(t, ref.Message, c.message, c.name)
			require.Equal(t, c.tooLarge, ref.TooLarge, c.name)
			st, err := f.imports.Status(context.Background(), f.scope(f.uk), v.ID)
			require.NoError(t, err)
			require.Equal(t, ImportRefused, st.Status, c.name)
			require.Equal(t, ref.Message, st.Refusal.Message)
			require.Zero(t, f.count("agreements", f.uk), c.name)
			require.Zero(t, f.count("customers", f.uk), c.name)
		}
		f.imports.MaxBytes, f.imports.MaxRows = 0, 0
		require.Len(t, f.auditEntries(f.uk, ActionImportRefused), len(cases))
		var chunks int64
		require.NoError(t, d.Gorm.Model(&importChunk{}).Count(&chunks).Error)
		require.Zero(t, chunks)
	})
}

// TestImportDuplicatesAcrossBatches: an agreement number repeated in a file
// is rejected wherever the repeat falls, with memory per batch only.
func TestImportDuplicatesAcrossBatches(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.imports.BatchRows, f.imports.CommitRows = 2, 2
		sample := readSample(t)
		lines := strings.Split(strings.TrimSpace(sample), "\n")
		// Line 2's row again at the end (line 20), in another batch.
		file := strings.Join(append(lines, lines[1]), "\n") + "\n"
		v := f.mustLoad(f.uk, file)
		require.Equal(t, 19, v.Rows)
		require.Equal(t, 11, v.Inserted, "%+v", v.Rejected)
		last := v.Rejected[len(v.Rejected)-1]
		require.Equal(t, Issue{20, "agreement_number", "This agreement number appears earlier in the file; each agreement may appear once in a file."}, last)
		require.Equal(t, "This agreement number appears earlier in the file; each agreement may appear once in a file.",
			v.Rejected[len(v.Rejected)-2].Message, "line 19 repeats line 2 from another batch too")

		// The next load of the same file sees the numbers afresh.
		again := f.mustLoad(f.uk, file)
		for _, e := range f.auditEntries(f.uk, ActionAgreementByImp) {
			t.Logf("%s %s", e.ObjectID, e.Fields)
		}
		require.Equal(t, 11, again.Unchanged, "%+v", again)
		require.Equal(t, v.Rejected, again.Rejected)
	})
}

// TestImportJSONLines: the same rows as JSON lines, money in minor units.
func TestImportJSONLines(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		lines := []string{
			`{"customer_ref":"J-1","first_name":"Ana","last_name":"Byrne","email":"ana@example.ie","date_of_birth":"1980-02-01","postcode":"d02x285","agreement_number":"J-A1","product":"hp","start_date":"2025-01-10","term_months":48,"monthly_payment":45210,"deposit":300000,"amount_of_credit":1800000,"apr":7.9,"annual_mileage":15000,"make":"Skoda","model":"Octavia","valuation":1650000,"in_arrears":false,"vulnerable":false,"consent_email":true,"consent_date":"2025-01-12"}`,
			``,
			`{"customer_ref":"J-2","first_name":"Cian","last_name":"Walsh","email":"cian@example.ie","date_of_birth":"1975-06-30","postcode":"T12 AC34","agreement_number":"J-A2","product":"pcp","start_date":"2025-03-01","term_months":36,"monthly_payment":"39990","amount_of_credit":2100000,"apr":6.9,"optional_final_payment":1100000,"annual_mileage":12000,"make":"Kia","model":"Niro","in_arrears":"no","vulnerable":"no"}`,
			`{"customer_ref":"J-3","first_name":"Aoife","last_name":"Kelly","email":"aoife@example.ie","date_of_birth":"1990-01-01","postcode":"D02 X285","agreement_number":"J-A3","product":"hp","start_date":"2025-03-01","term_months":36,"monthly_payment":399.90,"amount_of_credit":2100000,"apr":6.9,"annual_mileage":12000,"make":"Kia","model":"Niro","in_arrears":false,"vulnerable":false}`,
			`{"customer_ref":"J-4","colour":"red"}`,
			`[1,2,3]`,
			`{"customer_ref":{"nested":true}}`,
		}
		v, err := f.load(f.ie, "file.jsonl", FormatJSONLines, strings.Join(lines, "\n"))
		require.NoError(t, err)
		require.Equal(t, ImportDone, v.Status)
		require.Equal(t, 6, v.Rows)
		require.Equal(t, 2, v.Inserted)
		require.Equal(t, []Issue{
			{4, "monthly_payment", "Give money as a whole number of minor units (12345 for 123.45)."},
			{5, "colour", "This field is not part of the agreements format."},
			{6, "", "This line is not a JSON object."},
			{7, "customer_ref", "This field must be a string, a number, true, false or null."},
		}, v.Rejected)
		a := f.agreement(f.ie, "J-A1")
		require.Equal(t, int64(45210), a.MonthlyPayment)
		require.Equal(t, int64(300000), a.Deposit)
		require.Equal(t, "2029-01-10", a.EndDate)
		c := f.customer(f.ie, "J-1")
		require.Equal(t, "D02 X285", c.Postcode, "an Eircode, normalised")
		require.Equal(t, "Europe/Dublin", c.TimeZone, "the Irish financier's zone")
		require.Equal(t, []string{"email"}, f.activeConsents(c.ID))
		require.Equal(t, int64(399_90), f.agreement(f.ie, "J-A2").MonthlyPayment)
	})
}

// TestImportResumesAfterAFailedAttempt: a job attempt that stops after some
// batches leaves them applied; the next attempt carries on from the next
// line and the totals come out as if it had run once.
func TestImportResumesAfterAFailedAttempt(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.imports.BatchRows, f.imports.CommitRows = 3, 3
		ctx := context.Background()
		v, err := f.imports.Receive(ctx, f.scope(f.uk), f.staff(), "sample.csv", FormatCSV, strings.NewReader(readSample(t)))
		require.NoError(t, err)
		require.Equal(t, ImportQueued, v.Status)

		errStop := errors.New("node stopped")
		f.imports.afterBatch = func(n int) error {
			if n == 2 {
				return errStop
			}
			return nil
		}
		require.ErrorIs(t, f.imports.Run(ctx, v.ID, false), errStop)
		mid, err := f.imports.Status(ctx, f.scope(f.uk), v.ID)
		require.NoError(t, err)
		require.Equal(t, ImportRunning, mid.Status)
		require.Positive(t, mid.Inserted)
		require.Less(t, mid.Rows, 18)

		f.imports.afterBatch = nil
		require.NoError(t, f.imports.Run(ctx, v.ID, false))
		done, err := f.imports.Status(ctx, f.scope(f.uk), v.ID)
		require.NoError(t, err)
		require.Equal(t, ImportDone, done.Status)
		require.Equal(t, 18, done.Rows)
		require.Equal(t, 11, done.Inserted)
		require.Equal(t, 7, done.RejectedCount)
		require.Equal(t, int64(11), f.count("agreements", f.uk))
		var chunks int64
		require.NoError(t, d.Gorm.Model(&importChunk{}).Where("import_id = ?", v.ID).Count(&chunks).Error)
		require.Zero(t, chunks, "an applied upload is deleted")

		// A job for a finished import does nothing.
		require.NoError(t, f.imports.Run(ctx, v.ID, false))
	})
}

// TestImportTenantScope: an import is found only by its own financier.
func TestImportTenantScope(t *testing.T) {
	t.Parallel()
	d := dbtest.SQLite(t)
	f := newFixture(t, d)
	v := f.mustLoad(f.uk, readSample(t))
	_, err := f.imports.Status(context.Background(), f.scope(f.ie), v.ID)
	require.ErrorIs(t, err, db.ErrNotFound)
	_, err = f.imports.Status(context.Background(), tenant.Scope{FinancierID: f.uk, CustomerID: 5}, v.ID)
	require.ErrorIs(t, err, db.ErrNotFound, "a customer of the financier sees no imports")
	list, err := f.imports.List(context.Background(), f.scope(f.ie), 10)
	require.NoError(t, err)
	require.Empty(t, list)
	require.Error(t, f.imports.EachIssue(context.Background(), f.scope(f.ie), v.ID, func(string, Issue) error { return nil }))
}

// TestImportErasedCustomerIsNotReloaded: a customer erased at their request
// is not brought back by the next file.
func TestImportErasedCustomerIsNotReloaded(t *testing.T) {
	t.Parallel()
	d := dbtest.SQLite(t)
	f := newFixture(t, d)
	sample := readSample(t)
	f.mustLoad(f.uk, sample)
	require.NoError(t, d.Gorm.Model(&Customer{}).Where("customer_ref = ?", "SAMPLE-0001").Update("erased_at", testNow).Error)
	v := f.mustLoad(f.uk, sample)
	require.Contains(t, v.Rejected, Issue{2, "customer_ref", "This customer's data was erased at their request, so Keyturn does not load it again."})
}

func TestTemplateMatchesColumns(t *testing.T) {
	t.Parallel()
	first, rest, _ := bytes.Cut(Template(), []byte("\n"))
	require.Equal(t, strings.Join(Columns, ","), string(first))
	src, ref, err := newCSVSource(bytes.NewReader(Template()))
	require.NoError(t, err)
	require.Nil(t, ref)
	var rec [numColumns]string
	line, issue, err := src.next(&rec)
	require.NoError(t, err)
	require.Nil(t, issue)
	_, issue = newRowChecker(fileRules{market: "UK", currency: "GBP", timeZone: "Europe/London", today: "2026-11-23"}).check(line, &rec)
	require.Nil(t, issue, "the template's example row is valid")
	require.NotEmpty(t, rest)
}

// TestImportOnSQLiteWritesDirectly: imports write through SQLite's C API,
// and fall back to database/sql with the same results if the driver's shape
// ever changes.
func TestImportOnSQLiteWritesDirectly(t *testing.T) {
	t.Parallel()
	d := dbtest.SQLite(t)
	dbx, err := openImportDB(context.Background(), d, false)
	require.NoError(t, err)
	require.NotNil(t, dbx.raw, "github.com/glebarez/go-sqlite changed: see import_sqlite.go")
	dbx.close(context.Background())
	_, ok := newRawSQLite(struct{}{})
	require.False(t, ok)

	f := newFixture(t, d)
	f.imports.databaseSQLOnly = true
	sample := readSample(t)
	v := f.mustLoad(f.uk, sample)
	require.Equal(t, 11, v.Inserted)
	require.Len(t, v.Rejected, 7)
	f.imports.databaseSQLOnly = false
	again := f.mustLoad(f.uk, sample)
	require.Equal(t, 11, again.Unchanged, "rows written through database/sql read back the same")
	var cacheSize, sync int
	require.NoError(t, d.SQL.QueryRow("SELECT (SELECT cache_size FROM pragma_cache_size), (SELECT synchronous FROM pragma_synchronous)").Scan(&cacheSize, &sync))
	require.Equal(t, sqliteDefaultCache, cacheSize, "the pooled connection is as it was")
	require.Equal(t, 2, sync, "synchronous FULL")
}

// TestPurgeAbandonedImports: uploads that stopped arriving and imports that
// stopped running are marked failed after a day, and their files deleted.
func TestPurgeAbandonedImports(t *testing.T) {
	t.Parallel()
	d := dbtest.SQLite(t)
	f := newFixture(t, d)
	ctx := context.Background()
	v, err := f.imports.Receive(ctx, f.scope(f.uk), f.staff(), "a.csv", FormatCSV, strings.NewReader(readSample(t)))
	require.NoError(t, err)
	old := testNow.Add(-25 * time.Hour)
	require.NoError(t, d.Gorm.Model(&Import{}).Where("id = ?", v.ID).Updates(map[string]any{"status": ImportReceiving, "updated_at": old}).Error)
	running := Import{FinancierID: f.uk, ActorKind: "system", Source: SourceCLI, Format: FormatCSV, Status: ImportRunning, UpdatedAt: old, CreatedAt: old}
	require.NoError(t, d.Gorm.Create(&running).Error)
	fresh := Import{FinancierID: f.uk, ActorKind: "system", Source: SourceCLI, Format: FormatCSV, Status: ImportRunning, UpdatedAt: testNow, CreatedAt: testNow}
	require.NoError(t, d.Gorm.Create(&fresh).Error)

	n, err := f.imports.PurgeAbandoned(ctx)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	for id, want := range map[int64]string{v.ID: "The upload broke off", running.ID: "The import stopped before it finished", fresh.ID: ""} {
		st, err := f.imports.Status(ctx, f.scope(f.uk), id)
		require.NoError(t, err)
		if want == "" {
			require.Equal(t, ImportRunning, st.Status)
			continue
		}
		require.Equal(t, ImportFailed, st.Status)
		require.Contains(t, st.Refusal.Message, want)
	}
	var chunks int64
	require.NoError(t, d.Gorm.Model(&importChunk{}).Count(&chunks).Error)
	require.Zero(t, chunks)
}
