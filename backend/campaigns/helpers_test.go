package campaigns

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/stretchr/testify/require"

	"github.com/keyturn/keyturn/backend/auth"
	"github.com/keyturn/keyturn/backend/finance"
	"github.com/keyturn/keyturn/backend/platform/db"
	"github.com/keyturn/keyturn/backend/platform/db/dbtest"
	"github.com/keyturn/keyturn/backend/platform/httpx"
	"github.com/keyturn/keyturn/backend/platform/jobs"
	"github.com/keyturn/keyturn/backend/platform/kv"
	"github.com/keyturn/keyturn/backend/platform/tenant"
	"github.com/keyturn/keyturn/backend/privacy"
)

// testNow is the tests' "now": a Monday at 13:00 UTC.
var testNow = dbtest.FixedTime

// Staff of the test financiers.
const (
	adminEmail     = "admin@campaigns.test"
	marketerEmail  = "marketer@campaigns.test"
	marketer2Email = "marketer2@campaigns.test"
	approverEmail  = "approver@campaigns.test"
	approver2Email = "approver2@campaigns.test"
	analystEmail   = "analyst@campaigns.test"
	ieMarketer     = "marketer@ie.campaigns.test"
)

// bundle is a campaign service on a fresh database holding two financiers
// (UK and IE), a small dealer network and staff in every financier role.
type bundle struct {
	t      *testing.T
	db     *db.DB
	svc    *Service
	clock  *dbtest.Clock
	kv     kv.Store
	tokens *auth.Tokens
	app    *fiber.App

	fin, finIE tenant.Scope
	staff      map[string]auth.StaffUser // by email
	dealers    map[string]testDealer     // by code
}

// Test copies of rows of other packages' tables, so these tests depend on
// the schema only.
type (
	testFinancier struct {
		ID                                             int64 `gorm:"primaryKey"`
		Slug, LegalName, TradingName, Market, Currency string
		PostalAddress, BrandColour, TimeZone           string
		ContactCapPerWeek, ContactCapPerMonth          int
		AckLimitMinutes, ReassignLimitMinutes          int
		CreatedAt, UpdatedAt                           time.Time
	}
	testGroup struct {
		ID                   int64 `gorm:"primaryKey"`
		Name                 string
		CreatedAt, UpdatedAt time.Time
	}
	testDealer struct {
		ID                                               int64 `gorm:"primaryKey"`
		DealerGroupID                                    int64
		Code, Name, AddressLine1, Town, Region, Postcode string
		TimeZone, OpeningHours                           string
		CreatedAt, UpdatedAt                             time.Time
	}
	testNetwork struct {
		FinancierID, DealerLocationID int64
		CreatedAt                     time.Time
	}
	testCustomer struct {
		ID                                                   int64 `gorm:"primaryKey"`
		FinancierID                                          int64
		CustomerRef, FirstName, LastName, Email, DateOfBirth string
		Postcode, TimeZone                                   string
		Vulnerable                                           bool
		ErasedAt                                             *time.Time
		CreatedAt, UpdatedAt                                 time.Time
	}
	testVehicle struct {
		ID                      int64 `gorm:"primaryKey"`
		FinancierID             int64
		Make, Model, Derivative string
		Valuation               *int64
		CreatedAt, UpdatedAt    time.Time
	}
	testAgreement struct {
		ID                   int64 `gorm:"primaryKey"`
		FinancierID          int64
		CustomerID           int64
		VehicleID            int64
		DealerLocationID     *int64
		AgreementNumber      string
		Product              string
		Status               string
		StartDate            string
		EndDate              string
		TermMonths           int
		MonthlyPayment       int64
		Deposit              int64
		AmountOfCredit       *int64
		APR                  *float64 `gorm:"column:apr"`
		OptionalFinalPayment *int64
		InArrears            bool
		Forbearance          bool
		Equity               *int64
		CreatedAt, UpdatedAt time.Time
	}
)

func (testFinancier) TableName() string { return "financiers" }
func (testGroup) TableName() string     { return "dealer_groups" }
func (testDealer) TableName() string    { return "dealer_locations" }
func (testNetwork) TableName() string   { return "financier_dealers" }
func (testCustomer) TableName() string  { return "customers" }
func (testVehicle) TableName() string   { return "vehicles" }
func (testAgreement) TableName() string { return "agreements" }

func setup(t *testing.T, d *db.DB) *bundle {
	t.Helper()
	clock := dbtest.NewClock(testNow)
	jc, err := jobs.New(d, jobs.Config{Logger: dbtest.Logger(t)})
	require.NoError(t, err)
	store := kv.NewMemory()
	t.Cleanup(func() { _ = store.Close() })
	b := &bundle{t: t, db: d, clock: clock, kv: store, staff: map[string]auth.StaffUser{}, dealers: map[string]testDealer{}}
	b.svc = &Service{DB: d, Store: Store{DB: d.Gorm}, Jobs: jc, KV: store, Audit: privacy.Audit{Now: clock.Now},
		Config: Config{MediaHosts: []string{"media.example.com"}}, Now: clock.Now, Log: dbtest.Logger(t)}
	b.seed()

	keys := auth.NewKeys("k1", map[string][]byte{"k1": bytes.Repeat([]byte{7}, 32)})
	b.tokens = auth.NewTokens(keys, "http://keyturn.test", clock.Now)
	authSvc := &auth.Service{Tokens: b.tokens, KV: store, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: clock.Now}
	b.app = fiber.New(fiber.Config{ErrorHandler: httpx.ErrorHandler(dbtest.Logger(t)), Immutable: true})
	api := b.app.Group("/api/v1")
	for _, r := range (&HTTP{Service: b.svc}).Routes() {
		api.Add(r.Method, r.Path, authSvc.Require(r.Roles), httpx.JSONOnly, r.Handler)
	}
	return b
}

func (b *bundle) create(v any) {
	b.t.Helper()
	require.NoError(b.t, b.db.Gorm.Create(v).Error)
}

// seed writes the financiers, dealers and staff.
func (b *bundle) seed() {
	uk := testFinancier{Slug: "demo", LegalName: "Test Finance Ltd", TradingName: "Test Finance", Market: "UK", Currency: "GBP",
		PostalAddress: "1 Test Street, Leeds", BrandColour: "#0B6E4F", TimeZone: "Europe/London", ContactCapPerWeek: 2,
		ContactCapPerMonth: 6, AckLimitMinutes: 60, ReassignLimitMinutes: 180}
	ie := uk
	ie.Slug, ie.Market, ie.Currency, ie.TimeZone, ie.LegalName, ie.TradingName = "demo-ie", "IE", "EUR", "Europe/Dublin", "Test Finance Ireland DAC", "Test Finance Ireland"
	b.create(&uk)
	b.create(&ie)
	b.fin, b.finIE = tenant.Scope{FinancierID: uk.ID}, tenant.Scope{FinancierID: ie.ID}

	g := testGroup{Name: "Kestrel Motor Group"}
	b.create(&g)
	for _, d := range []testDealer{
		{Code: "DLR001", Name: "Kestrel Leeds", Town: "Leeds", Region: "Yorkshire and the Humber"},
		{Code: "DLR002", Name: "Kestrel Sheffield", Town: "Sheffield", Region: "Yorkshire and the Humber"},
		{Code: "DLR003", Name: "Kestrel Nottingham", Town: "Nottingham", Region: "East Midlands"},
		{Code: "DLR101", Name: "Kestrel Dublin", Town: "Dublin", Region: "Leinster"},
	} {
		d.DealerGroupID, d.AddressLine1, d.Postcode, d.TimeZone, d.OpeningHours = g.ID, "1 Road", "LS1 1AA", "Europe/London", "{}"
		b.create(&d)
		fid := uk.ID
		if d.Code == "DLR101" {
			fid = ie.ID
		}
		b.create(&testNetwork{FinancierID: fid, DealerLocationID: d.ID})
		b.dealers[d.Code] = d
	}
	for email, role := range map[string]string{adminEmail: auth.RoleFinancierAdmin, marketerEmail: auth.RoleFinancierMarketer,
		marketer2Email: auth.RoleFinancierMarketer, approverEmail: auth.RoleComplianceApprover,
		approver2Email: auth.RoleComplianceApprover, analystEmail: auth.RoleFinancierAnalyst, ieMarketer: auth.RoleFinancierMarketer} {
		fid := uk.ID
		if email == ieMarketer {
			fid = ie.ID
		}
		u := auth.StaffUser{Email: email, Name: email, Role: role, FinancierID: &fid}
		b.create(&u)
		b.staff[email] = u
	}
}

// actor is a demo staff member as an Actor.
func (b *bundle) actor(email string) Actor {
	b.t.Helper()
	u, ok := b.staff[email]
	require.True(b.t, ok, email)
	return Actor{ID: u.ID, Role: u.Role, IP: "192.0.2.1", RequestID: "req-test"}
}

// token signs an access token for a demo staff member.
func (b *bundle) token(email string) string {
	b.t.Helper()
	u, ok := b.staff[email]
	require.True(b.t, ok, email)
	tok, err := b.tokens.Sign(auth.Principal{Kind: auth.KindStaff, SubjectID: u.ID, Role: u.Role, Scope: tenant.Scope{FinancierID: *u.FinancierID}})
	require.NoError(b.t, err)
	return tok
}

// customerToken signs an access token for a customer.
func (b *bundle) customerToken(sc tenant.Scope) string {
	b.t.Helper()
	tok, err := b.tokens.Sign(auth.Principal{Kind: auth.KindCustomer, SubjectID: sc.CustomerID, Role: auth.RoleCustomer, Scope: sc})
	require.NoError(b.t, err)
	return tok
}

type reply struct {
	status int
	raw    []byte
	body   map[string]any
}

func (b *bundle) do(method, path, token string, body any) reply {
	b.t.Helper()
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		require.NoError(b.t, err)
		rd = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(method, path, rd)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := b.app.Test(req, -1)
	require.NoError(b.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(b.t, err)
	r := reply{status: resp.StatusCode, raw: raw}
	_ = json.Unmarshal(raw, &r.body)
	return r
}

// fixture makes customers and agreements for a test.
type fixture struct {
	b   *bundle
	sc  tenant.Scope
	seq int
}

const testMake = "Zephyr"

func (b *bundle) fixture(sc tenant.Scope) *fixture { return &fixture{b: b, sc: sc} }

// custOpt and agrOpt adjust what the fixture makes.
type (
	custOpt func(*testCustomer, *[]privacy.Consent)
	agrOpt  func(*testAgreement, *testVehicle)
)

func withTZ(tz string) custOpt {
	return func(c *testCustomer, _ *[]privacy.Consent) { c.TimeZone = tz }
}
func vulnerable() custOpt { return func(c *testCustomer, _ *[]privacy.Consent) { c.Vulnerable = true } }
func erased() custOpt {
	return func(c *testCustomer, _ *[]privacy.Consent) { at := testNow.Add(-time.Hour); c.ErasedAt = &at }
}

// consent replaces the default consent (push, consent basis).
func consent(channel, basis string, withdrawn bool) custOpt {
	return func(_ *testCustomer, cs *[]privacy.Consent) {
		c := privacy.Consent{Channel: channel, Purpose: privacy.PurposeFinancierMarketing, Basis: basis, Source: "test",
			WordingVersion: "t1", GivenAt: testNow.AddDate(-1, 0, 0)}
		if withdrawn {
			at := testNow.AddDate(0, -1, 0)
			c.WithdrawnAt = &at
		}
		*cs = []privacy.Consent{c}
	}
}
func noConsent() custOpt { return func(_ *testCustomer, cs *[]privacy.Consent) { *cs = nil } }

func endsOn(d string) agrOpt   { return func(a *testAgreement, _ *testVehicle) { a.EndDate = d } }
func startsOn(d string) agrOpt { return func(a *testAgreement, _ *testVehicle) { a.StartDate = d } }
func product(p string) agrOpt  { return func(a *testAgreement, _ *testVehicle) { a.Product = p } }
func model(m string) agrOpt    { return func(_ *testAgreement, v *testVehicle) { v.Model = m } }
func makeOf(m string) agrOpt   { return func(_ *testAgreement, v *testVehicle) { v.Make = m } }
func equity(e int64) agrOpt    { return func(a *testAgreement, _ *testVehicle) { a.Equity = &e } }
func status(s string) agrOpt   { return func(a *testAgreement, _ *testVehicle) { a.Status = s } }
func arrears() agrOpt          { return func(a *testAgreement, _ *testVehicle) { a.InArrears = true } }
func forbearance() agrOpt      { return func(a *testAgreement, _ *testVehicle) { a.Forbearance = true } }
func dealer(id int64) agrOpt {
	return func(a *testAgreement, _ *testVehicle) { a.DealerLocationID = &id }
}
func valuation(v int64) agrOpt {
	return func(_ *testAgreement, veh *testVehicle) { veh.Valuation = &v }
}

// customer makes a customer with consent to push marketing.
func (f *fixture) customer(ref string, opts ...custOpt) testCustomer {
	f.b.t.Helper()
	c := testCustomer{FinancierID: f.sc.FinancierID, CustomerRef: ref, FirstName: "Alex", LastName: "Test" + ref,
		Email: ref + "@example.com", DateOfBirth: "1980-01-01", Postcode: "LS1 1AA", TimeZone: "Europe/London"}
	cs := []privacy.Consent{{Channel: privacy.ChannelPush, Purpose: privacy.PurposeFinancierMarketing, Basis: privacy.BasisConsent,
		Source: "test", WordingVersion: "t1", GivenAt: testNow.AddDate(-1, 0, 0)}}
	for _, o := range opts {
		o(&c, &cs)
	}
	f.b.create(&c)
	for i := range cs {
		cs[i].FinancierID, cs[i].CustomerID = f.sc.FinancierID, c.ID
		f.b.create(&cs[i])
	}
	return c
}

// agreement gives a customer an active PCP on a Zephyr Aero ending four
// months from now (2027-03-23), started three years before.
func (f *fixture) agreement(c testCustomer, opts ...agrOpt) testAgreement {
	f.b.t.Helper()
	f.seq++
	v := testVehicle{FinancierID: f.sc.FinancierID, Make: testMake, Model: "Aero", Derivative: "1.5 Sport"}
	credit, apr, ofp := int64(18_000_00), 7.9, int64(9_000_00)
	a := testAgreement{FinancierID: f.sc.FinancierID, CustomerID: c.ID, AgreementNumber: fmt.Sprintf("ZT%06d-%d", c.ID, f.seq),
		Product: "pcp", Status: "active", StartDate: "2024-03-23", EndDate: "2027-03-23", TermMonths: 36,
		MonthlyPayment: 299_00, Deposit: 3_000_00, AmountOfCredit: &credit, APR: &apr, OptionalFinalPayment: &ofp}
	for _, o := range opts {
		o(&a, &v)
	}
	f.b.create(&v)
	a.VehicleID = v.ID
	f.b.create(&a)
	return a
}

// zephyrAudience targets the fixture's make only.
func zephyrAudience() Audience {
	return Audience{Vehicles: []VehicleRule{{Make: testMake}}}
}

// pcpOffer is a valid PCP offer: the finance engine's worked example
// (docs/finance.md): £25,000, £3,000 deposit, £500 contribution, 36
// payments, £11,000 future value at 10,000 miles, APR 6.9%.
func pcpOffer() OfferInput {
	apr := finance.NewDecimal(69, 1)
	emc := finance.NewDecimal(8, 0)
	return OfferInput{
		Vehicle:             OfferVehicle{Make: "Zephyr", Model: "Aero", Derivative: "1.5 Sport Hybrid", ImageURL: "https://media.example.com/aero.jpg"},
		CashPrice:           25_000_00,
		Product:             "pcp",
		TermsOffered:        []int{25, 37, 49},
		DepositContribution: 500_00,
		GuaranteedFutureValues: []FutureValue{
			{TermMonths: 37, AnnualMileage: 10_000, Value: 11_000_00},
			{TermMonths: 37, AnnualMileage: 8_000, Value: 11_400_00},
			{TermMonths: 49, AnnualMileage: 10_000, Value: 9_100_00},
		},
		ExcessMileageCharge: &emc,
		ValidFrom:           "2026-11-01",
		ValidTo:             "2027-06-30",
		SmallPrint:          "Subject to status. Over 18s only.",
		Example: ExampleTerms{Deposit: 3_000_00, MonthlyPayments: 36, AnnualMileage: 10_000, APR: &apr,
			APRBasis: &APRBasis{SharePercent: 62, Source: "Q3 2026 book: 62% of PCP agreements at or below 6.9%"}},
	}
}

// hpOffer is a valid HP offer at 9.9% APR.
func hpOffer() OfferInput {
	apr := finance.NewDecimal(99, 1)
	return OfferInput{
		Vehicle:      OfferVehicle{Make: "Zephyr", Model: "City", Derivative: "1.0"},
		CashPrice:    14_000_00,
		Product:      "hp",
		TermsOffered: []int{36, 48},
		ValidFrom:    "2026-11-01",
		ValidTo:      "2027-06-30",
		SmallPrint:   "Subject to status.",
		Example: ExampleTerms{Deposit: 1_400_00, MonthlyPayments: 48, APR: &apr,
			APRBasis: &APRBasis{SharePercent: 55, Source: "Q3 2026 HP book"}},
	}
}

// journey is a four-step journey.
func journey() []StepInput {
	return []StepInput{
		{Anchor: AnchorEndDate, OffsetDays: -120, Channel: ChannelPush, Title: "Your {model} agreement", Body: "Ends in {months_left} months. See what is next for you at {dealer_name}.", DeepLink: "/offers"},
		{Anchor: AnchorEndDate, OffsetDays: -90, Channel: ChannelEmail, Subject: "Your {make} {model}: what next?", Body: "Hi {first_name}, your agreement ends on {end_date}. Your options are in the app.", DeepLink: "/offers?from=email"},
		{Anchor: AnchorEndDate, OffsetDays: -60, Channel: ChannelPush, Title: "New {make} models", Body: "Book a test drive at {dealer_name}.", DeepLink: "/offers"},
		{Anchor: AnchorEnrolment, OffsetDays: 0, Channel: ChannelPush, Title: "Welcome", Body: "Your end-of-agreement options are ready to view.", DeepLink: "/options"},
	}
}

// settings are valid campaign settings over the fixture's make.
func settings() CampaignInput {
	return CampaignInput{Name: "Spring renewals", Description: "PCPs ending next spring", StartDate: "2026-11-23", EndDate: "2027-04-30",
		FrequencyCapPerWeek: 2, Audience: zephyrAudience()}
}

// readyCampaign makes a campaign with two offers and a four-step journey.
func (b *bundle) readyCampaign(author string) CampaignView {
	b.t.Helper()
	ctx := context.Background()
	c, err := b.svc.Create(ctx, b.fin, b.actor(author), settings())
	require.NoError(b.t, err)
	_, err = b.svc.AddOffer(ctx, b.fin, b.actor(author), c.ID, pcpOffer())
	require.NoError(b.t, err)
	_, err = b.svc.AddOffer(ctx, b.fin, b.actor(author), c.ID, hpOffer())
	require.NoError(b.t, err)
	_, err = b.svc.SaveJourney(ctx, b.fin, b.actor(author), c.ID, journey())
	require.NoError(b.t, err)
	return c
}

// live takes a ready campaign live: submit, approve, launch.
func (b *bundle) live(id int64) {
	b.t.Helper()
	ctx := context.Background()
	_, err := b.svc.Submit(ctx, b.fin, b.actor(marketerEmail), id)
	require.NoError(b.t, err)
	_, err = b.svc.Approve(ctx, b.fin, b.actor(approverEmail), id)
	require.NoError(b.t, err)
	_, err = b.svc.Launch(ctx, b.fin, b.actor(marketerEmail), id)
	require.NoError(b.t, err)
}

// fieldsOf lists the fields a 422 names.
func fieldsOf(t *testing.T, err error) []string {
	t.Helper()
	p := httpx.AsProblem(err)
	require.Equal(t, 422, p.Status, "%v", err)
	var out []string
	for _, e := range p.Errors {
		out = append(out, e.Field)
	}
	return out
}

// auditActions lists the audit log's actions for a campaign, oldest first.
func (b *bundle) auditActions(id int64) []privacy.AuditEntry {
	b.t.Helper()
	var rows []privacy.AuditEntry
	require.NoError(b.t, b.db.Gorm.Where("object_type = 'campaign' AND object_id = ?", fmt.Sprint(id)).Order("id").Find(&rows).Error)
	return rows
}
