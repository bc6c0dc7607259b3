package demo

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/keyturn/keyturn/backend/agreements"
	"github.com/keyturn/keyturn/backend/auth"
	"github.com/keyturn/keyturn/backend/privacy"
	"github.com/keyturn/keyturn/backend/tenants"
)

// randomSeed fixes the demo data: the same date always gives the same data.
const randomSeed = 20261123

// ukCustomerCount is how many customers the demo financier has.
const ukCustomerCount = 500

// Consent details the seed records (privacy.Consent).
const (
	consentSource  = "demo-seed"
	consentWording = "2026-11"
)

// plan is the whole demo data set, built in memory before anything is
// written. Rows refer to each other by natural key (financier slug, group
// name, dealer code) because database ids exist only once written.
type plan struct {
	financiers []tenants.Financier
	groups     []tenants.DealerGroup
	locations  []plannedLocation
	network    []plannedLink
	staff      []plannedStaff
	customers  []plannedCustomer
}

type plannedLocation struct {
	group string
	loc   tenants.DealerLocation
}

// plannedLink puts a dealer location in a financier's network.
type plannedLink struct{ financier, dealer string }

type plannedStaff struct {
	financier string   // slug, for financier staff
	group     string   // dealer group name, for dealer staff
	locations []string // dealer codes a dealer_staff member works at
	user      auth.StaffUser
}

type plannedCustomer struct {
	financier  string
	customer   agreements.Customer
	agreements []plannedAgreement
	consents   []privacy.Consent
}

type plannedAgreement struct {
	dealer    string // dealer code
	agreement agreements.Agreement
	vehicle   agreements.Vehicle
}

// agreementCount returns how many agreements the plan holds.
func (p *plan) agreementCount() int {
	n := 0
	for _, c := range p.customers {
		n += len(c.agreements)
	}
	return n
}

// market is what differs between the UK and the Irish financier's books.
type market struct {
	code     string // tenants.MarketUK or MarketIE
	currency string
	models   []vehicleSeed
	aprs     []weighted[float64]
	// Distances are in miles in the UK and in km in Ireland; unitsPerMile
	// converts for the depreciation rule, which thinks in miles.
	mileages     []weighted[int64]
	unitsPerMile float64
	plate        func(r *rand.Rand, loc *locationSeed, firstRegistered time.Time, county string) string
}

var (
	ukMarket = market{
		code: tenants.MarketUK, currency: "GBP", models: vehicleModels, plate: ukPlate,
		mileages: []weighted[int64]{{6_000, 2}, {8_000, 4}, {10_000, 5}, {12_000, 3}, {15_000, 2}, {20_000, 1}}, unitsPerMile: 1,
		aprs: []weighted[float64]{{4.9, 1}, {5.9, 2}, {6.9, 4}, {7.9, 4}, {8.9, 4}, {9.9, 4}, {10.9, 2}, {11.9, 1}, {12.9, 1}},
	}
	ieMarket = market{
		code: tenants.MarketIE, currency: "EUR", models: irishModels, plate: irishPlate,
		mileages: []weighted[int64]{{12_000, 2}, {16_000, 4}, {20_000, 4}, {25_000, 2}, {30_000, 1}}, unitsPerMile: 1.609,
		aprs: []weighted[float64]{{4.9, 2}, {5.9, 3}, {6.9, 3}, {7.9, 2}, {8.9, 1}},
	}
)

// miles converts a distance in the market's unit to miles.
func (m market) miles(d int64) int64 { return int64(float64(d) / m.unitsPerMile) }

// excessCharge is the charge per mile (per km in Ireland) over the mileage
// allowance, in minor units: dearer cars cost more per mile.
func (m market) excessCharge(newPrice int64) int64 {
	if m.code == tenants.MarketIE {
		if newPrice < 40_000_00 {
			return 6
		}
		return 8
	}
	switch {
	case newPrice < 25_000_00:
		return 7
	case newPrice < 35_000_00:
		return 9
	default:
		return 12
	}
}

// generator builds the plan. Each customer draws from a random source of its
// own, so a customer's data do not depend on how many numbers the customers
// before it happened to draw.
type generator struct {
	now    time.Time // UTC
	today  time.Time // the calendar date in Europe/London, as midnight UTC
	price  pricer
	plates map[string]bool
	locs   map[string]*locationSeed
}

// buildPlan generates the demo data set for the given moment. It does no I/O
// apart from pricing through the finance engine.
func buildPlan(now time.Time, price pricer) (*plan, error) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		return nil, fmt.Errorf("demo: load time zone Europe/London: %w", err)
	}
	g := &generator{
		now:    now.UTC(),
		today:  dateOf(now.In(london)),
		price:  price,
		plates: map[string]bool{},
		locs:   map[string]*locationSeed{},
	}
	p := &plan{financiers: financiers()}
	for gi := range dealerGroups {
		grp := &dealerGroups[gi]
		p.groups = append(p.groups, tenants.DealerGroup{Name: grp.name})
		for li := range grp.locations {
			ls := &grp.locations[li]
			g.locs[ls.code] = ls
			p.locations = append(p.locations, plannedLocation{group: grp.name, loc: dealerLocation(grp, ls)})
			p.network = append(p.network, plannedLink{financier: FinancierSlug, dealer: ls.code})
		}
	}
	for _, code := range irishNetwork {
		p.network = append(p.network, plannedLink{financier: IrishFinancierSlug, dealer: code})
	}
	p.staff = staff()

	uk, err := g.ukCustomers()
	if err != nil {
		return nil, err
	}
	ie, err := g.irishCustomers()
	if err != nil {
		return nil, err
	}
	p.customers = append(uk, ie...)
	return p, nil
}

func financiers() []tenants.Financier {
	return []tenants.Financier{
		{
			Slug:                 FinancierSlug,
			LegalName:            "Demo Motor Finance Ltd",
			TradingName:          "Demo Motor Finance",
			Market:               tenants.MarketUK,
			Currency:             "GBP",
			PostalAddress:        "Demo Motor Finance Ltd, 40 Wellington Street, Leeds, LS1 2DE, United Kingdom",
			BrandColour:          "#0B6E4F",
			TimeZone:             "Europe/London",
			SupportPhone:         phoneFreephone + "246",
			SupportEmail:         "support@" + demoDomain,
			ContactCapPerWeek:    2,
			ContactCapPerMonth:   6,
			AckLimitMinutes:      60,
			ReassignLimitMinutes: 180,
		},
		{
			Slug:                 IrishFinancierSlug,
			LegalName:            "Demo Motor Finance Ireland DAC",
			TradingName:          "Demo Motor Finance Ireland",
			Market:               tenants.MarketIE,
			Currency:             "EUR",
			PostalAddress:        "Demo Motor Finance Ireland DAC, 12 Grand Canal Quay, Dublin 2, D02 KX97, Ireland",
			BrandColour:          "#1B5E9E",
			TimeZone:             "Europe/Dublin",
			SupportPhone:         phoneIreland + "2460",
			SupportEmail:         "support.ie@" + demoDomain,
			ContactCapPerWeek:    2,
			ContactCapPerMonth:   6,
			AckLimitMinutes:      60,
			ReassignLimitMinutes: 180,
		},
	}
}

// Names of the demo staff.
const (
	adminName           = "Helen Cartwright"
	marketerName        = "Tom Ashworth"
	approverName        = "Priya Raman"
	analystName         = "Daniel Okoro"
	dealerPrincipalName = "Martin Holroyd"
	dealerStaffName     = "Jess Whitaker"
	irishMarketerName   = "Aoife Brennan"
)

// staff are the demo staff. They sign in with one-time demo links, so none
// has a password (PasswordHash stays empty) or a TOTP secret.
func staff() []plannedStaff {
	fin := func(email, name string, role auth.Role, slug string) plannedStaff {
		return plannedStaff{financier: slug, user: auth.StaffUser{Email: email, Name: name, Role: role, Demo: true}}
	}
	kestrel := dealerGroups[0]
	return []plannedStaff{
		fin(AdminEmail, adminName, auth.RoleFinancierAdmin, FinancierSlug),
		fin(MarketerEmail, marketerName, auth.RoleFinancierMarketer, FinancierSlug),
		fin(ApproverEmail, approverName, auth.RoleComplianceApprover, FinancierSlug),
		fin(AnalystEmail, analystName, auth.RoleFinancierAnalyst, FinancierSlug),
		fin(IrishMarketerEmail, irishMarketerName, auth.RoleFinancierMarketer, IrishFinancierSlug),
		{group: kestrel.name, user: auth.StaffUser{Email: DealerPrincipalEmail, Name: dealerPrincipalName, Role: auth.RoleDealerPrincipal, Demo: true}},
		{group: kestrel.name, locations: []string{kestrel.locations[0].code, kestrel.locations[1].code},
			user: auth.StaffUser{Email: DealerStaffEmail, Name: dealerStaffName, Role: auth.RoleDealerStaff, Demo: true}},
	}
}

// openingHours is a showroom's week as stored in DealerLocation.OpeningHours:
// day → list of [open, close] in local time; an empty list means closed.
type openingHours struct {
	Mon [][2]string `json:"mon"`
	Tue [][2]string `json:"tue"`
	Wed [][2]string `json:"wed"`
	Thu [][2]string `json:"thu"`
	Fri [][2]string `json:"fri"`
	Sat [][2]string `json:"sat"`
	Sun [][2]string `json:"sun"`
}

func (h hoursSeed) json() string {
	day := func(span [2]string) [][2]string {
		if span[0] == "" {
			return [][2]string{} // [] rather than null: closed
		}
		return [][2]string{span}
	}
	wd := day(h.weekday)
	b, err := json.Marshal(openingHours{Mon: wd, Tue: wd, Wed: wd, Thu: wd, Fri: wd, Sat: day(h.saturday), Sun: day(h.sunday)})
	if err != nil {
		panic(fmt.Sprintf("demo: marshal opening hours: %v", err)) // a fixed struct of strings always marshals
	}
	return string(b)
}

func dealerLocation(grp *dealerGroupSeed, ls *locationSeed) tenants.DealerLocation {
	principal, principalEmail := ls.principal, ""
	principalPhone := ls.phone[:len(ls.phone)-3] + "9" + ls.phone[len(ls.phone)-2:]
	if principal == "" {
		// The demo dealer principal is the escalation contact of the first
		// group's showrooms, so escalations in a demo reach a demo inbox.
		principal, principalEmail = dealerPrincipalName, DealerPrincipalEmail
	} else {
		principalEmail = emailLocal(principal) + "@" + grp.domain
	}
	return tenants.DealerLocation{
		Code:           ls.code,
		Name:           ls.name,
		AddressLine1:   ls.address,
		Town:           ls.town,
		Region:         ls.region,
		Postcode:       ls.postcode,
		Latitude:       ls.lat,
		Longitude:      ls.lon,
		TimeZone:       "Europe/London",
		OpeningHours:   ls.hours.json(),
		Phone:          ls.phone,
		Email:          emailLocal(ls.town) + "@" + grp.domain,
		PrincipalName:  principal,
		PrincipalEmail: principalEmail,
		PrincipalPhone: principalPhone,
	}
}

// ukCustomers returns the demo financier's customers, DEMO-0001 first.
func (g *generator) ukCustomers() ([]plannedCustomer, error) {
	// Each customer gets a distinct number of the 1,000 in the drama range.
	mobiles := rand.New(rand.NewPCG(randomSeed, 1)).Perm(1000)
	out := make([]plannedCustomer, 0, ukCustomerCount)
	demo, err := g.demoCustomer(fmt.Sprintf("%s%03d", phoneMobile, mobiles[0]))
	if err != nil {
		return nil, err
	}
	out = append(out, demo)
	for i := 1; i < ukCustomerCount; i++ {
		c, err := g.ukCustomer(i, fmt.Sprintf("%s%03d", phoneMobile, mobiles[i]))
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

func ukCustomerRef(i int) string    { return fmt.Sprintf("DEMO-%04d", i+1) }
func ukAgreementNo(i, k int) string { return fmt.Sprintf("DMF%07d", 4_100_000+i*3+k) }

// ukCustomer generates the demo financier's customer number i (from 0).
func (g *generator) ukCustomer(i int, mobile string) (plannedCustomer, error) {
	r := rand.New(rand.NewPCG(randomSeed, 1000+uint64(i)))
	// Which agreements exist is drawn first and from nothing else, so that a
	// run on another day finds the same agreement numbers.
	second := r.Float64() < 0.10
	previous := second && r.Float64() < 0.25 // the second is the car before, settled
	settledEarly := !second && r.Float64() < 0.012
	inArrears := r.Float64() < 0.03
	forbearance := r.Float64() < 0.015
	vulnerable := r.Float64() < 0.03
	consentDraw := r.Float64()

	loc := pickLocation(r)
	first, last := pick(r, firstNames), pick(r, lastNames)
	c := agreements.Customer{
		CustomerRef: ukCustomerRef(i),
		FirstName:   first,
		LastName:    last,
		Email:       fmt.Sprintf("%s.%s.%d@example.com", emailLocal(first), emailLocal(last), i+1),
		Mobile:      mobile,
		DateOfBirth: g.dateOfBirth(r),
		Postcode:    ukPostcode(r, loc),
		TimeZone:    "Europe/London",
		Vulnerable:  vulnerable,
	}

	status := agreements.StatusActive
	if settledEarly {
		status = agreements.StatusSettled
	}
	a, err := g.agreement(r, ukMarket, agreementSpec{
		number: ukAgreementNo(i, 0), product: pickProduct(r), dealer: loc, end: g.endDate(r), status: status,
	})
	if err != nil {
		return plannedCustomer{}, err
	}
	if status == agreements.StatusActive {
		a.agreement.InArrears = inArrears || forbearance
		a.agreement.Forbearance = forbearance
	}
	pc := plannedCustomer{financier: FinancierSlug, customer: c, agreements: []plannedAgreement{a}}

	if second {
		spec := agreementSpec{number: ukAgreementNo(i, 1), product: pickProduct(r), dealer: loc, end: g.endDate(r), status: agreements.StatusActive}
		if previous {
			// The car before: its agreement ended as the current one began.
			spec.end = clampDay(parseDate(a.agreement.StartDate).AddDate(0, 0, -r.IntN(10)))
			spec.status = agreements.StatusSettled
		} else if r.Float64() < 0.3 {
			spec.dealer = pickLocation(r) // a household's second car, bought elsewhere
		}
		b, err := g.agreement(r, ukMarket, spec)
		if err != nil {
			return plannedCustomer{}, err
		}
		pc.agreements = append(pc.agreements, b)
	}

	switch {
	case consentDraw < 0.55:
		pc.consents = g.consents(r, a.agreement.StartDate, privacy.ChannelPush, privacy.ChannelEmail)
	case consentDraw < 0.70:
		pc.consents = g.consents(r, a.agreement.StartDate, privacy.ChannelEmail)
	}
	return pc, nil
}

// demoCustomer is DEMO-0001, the customer the demo sign-in link is for: a
// PCP on a Ford Puma from DLR001 ending about four months from today with
// positive equity, plus an HP agreement on a used Polo.
func (g *generator) demoCustomer(mobile string) (plannedCustomer, error) {
	r := rand.New(rand.NewPCG(randomSeed, 1000))
	loc := g.locs["DLR001"]
	c := agreements.Customer{
		CustomerRef: CustomerRef,
		FirstName:   "Sarah",
		LastName:    "Mitchell",
		Email:       "sarah.mitchell@example.com",
		Mobile:      mobile,
		DateOfBirth: demoCustomerDOB,
		Postcode:    demoCustomerPostcode,
		TimeZone:    "Europe/London",
	}
	puma := vehicleSeed{make: "Ford", model: "Puma", derivatives: []string{"1.0 EcoBoost Hybrid mHEV ST-Line 5dr"}, price: 24_650_00, weight: 1}
	pcp, err := g.agreement(r, ukMarket, agreementSpec{
		number: ukAgreementNo(0, 0), product: agreements.ProductPCP, dealer: loc,
		end: clampDay(g.today.AddDate(0, 4, 0)), status: agreements.StatusActive,
		fixed: &fixedTerms{model: puma, term: 48, deposit: 3_000_00, contribution: 750_00, apr: 7.9, annualMileage: 8_000, ofp: 10_245_00, valuation: 12_850_00, letters: "DMO"},
	})
	if err != nil {
		return plannedCustomer{}, err
	}
	polo := vehicleSeed{make: "Volkswagen", model: "Polo", derivatives: []string{"1.0 TSI Life 5dr"}, price: 20_500_00, weight: 1}
	hp, err := g.agreement(r, ukMarket, agreementSpec{
		number: ukAgreementNo(0, 1), product: agreements.ProductHP, dealer: loc,
		end: clampDay(g.today.AddDate(0, 11, 0)), status: agreements.StatusActive,
		fixed: &fixedTerms{model: polo, term: 36, used: 18, cashPrice: 14_995_00, deposit: 2_000_00, apr: 9.9, valuation: 9_400_00, letters: "KTV"},
	})
	if err != nil {
		return plannedCustomer{}, err
	}
	return plannedCustomer{
		financier:  FinancierSlug,
		customer:   c,
		agreements: []plannedAgreement{pcp, hp},
		consents:   g.consents(r, pcp.agreement.StartDate, privacy.ChannelPush, privacy.ChannelEmail),
	}, nil
}

func irishCustomerRef(i int) string    { return fmt.Sprintf("DEMOIE-%04d", i+1) }
func irishAgreementNo(i, k int) string { return fmt.Sprintf("DMI%07d", 7_300_000+i*3+k) }

// irishCustomers returns demo-ie's customers; the first has two agreements.
func (g *generator) irishCustomers() ([]plannedCustomer, error) {
	out := make([]plannedCustomer, 0, len(irishCustomers))
	for i, ic := range irishCustomers {
		r := rand.New(rand.NewPCG(randomSeed, 5000+uint64(i)))
		consentDraw := r.Float64()
		c := agreements.Customer{
			CustomerRef: irishCustomerRef(i),
			FirstName:   ic.first,
			LastName:    ic.last,
			Email:       fmt.Sprintf("%s.%s.%d@example.com", emailLocal(ic.first), emailLocal(ic.last), i+1),
			Mobile:      fmt.Sprintf("%s%04d", phoneIreland, 3000+i*17),
			DateOfBirth: g.dateOfBirth(r),
			Postcode:    ic.eircode,
			TimeZone:    "Europe/Dublin",
		}
		pc := plannedCustomer{financier: IrishFinancierSlug, customer: c}
		n := 1
		if i == 0 {
			n = 2
		}
		for k := range n {
			product := agreements.ProductPCP
			if r.Float64() < 0.35 {
				product = agreements.ProductHP
			}
			a, err := g.agreement(r, ieMarket, agreementSpec{
				number: irishAgreementNo(i, k), product: product, dealer: g.locs[ic.dealer],
				end: g.endDate(r), status: agreements.StatusActive, county: ic.county,
			})
			if err != nil {
				return nil, err
			}
			pc.agreements = append(pc.agreements, a)
		}
		if consentDraw < 0.6 {
			pc.consents = g.consents(r, pc.agreements[0].agreement.StartDate, privacy.ChannelPush, privacy.ChannelEmail)
		}
		out = append(out, pc)
	}
	return out, nil
}

// agreementSpec is what the caller decides about an agreement; the rest is
// drawn.
type agreementSpec struct {
	number  string
	product string
	dealer  *locationSeed
	end     time.Time // contractual end date
	status  string
	county  string      // Irish registration county
	fixed   *fixedTerms // the demo customer's known agreements
}

// fixedTerms replaces the random draws for the demo customer, whose
// agreements the demo script talks about.
type fixedTerms struct {
	model         vehicleSeed
	term          int
	used          int   // months old at the start; 0 = new
	cashPrice     int64 // 0 = the model's price
	deposit       int64
	contribution  int64
	apr           float64
	annualMileage int64
	ofp           int64
	valuation     int64
	letters       string // registration's last three letters
}

var (
	pcpTerms = []weighted[int]{{24, 10}, {36, 55}, {48, 35}}
	hpTerms  = []weighted[int]{{24, 20}, {36, 40}, {48, 40}}
	pchTerms = []weighted[int]{{24, 25}, {36, 50}, {48, 25}}
	// initialRentals are a PCH's initial rental, in monthly rentals.
	initialRentals = []weighted[int]{{3, 3}, {6, 4}, {9, 2}}
	pchRates       = []weighted[float64]{{4.9, 1}, {5.9, 2}, {6.9, 3}, {7.9, 2}}
)

// agreement draws one agreement and its vehicle, and prices it with the
// finance engine.
func (g *generator) agreement(r *rand.Rand, m market, spec agreementSpec) (plannedAgreement, error) {
	f := spec.fixed
	var (
		model    vehicleSeed
		deriv    int
		term     int
		newPrice int64
		ageStart int // months
	)
	if f != nil {
		model, term, newPrice, ageStart = f.model, f.term, f.model.price, f.used
	} else {
		model = pickModel(r, m.models)
		deriv = r.IntN(len(model.derivatives))
		// Higher derivatives cost more; dealers' prices vary a little.
		newPrice = roundTo(float64(model.price)*(1+0.07*float64(deriv))*(0.94+0.12*r.Float64()), 500)
		switch spec.product {
		case agreements.ProductPCP:
			term = pickWeighted(r, pcpTerms)
		case agreements.ProductHP:
			term = pickWeighted(r, hpTerms)
		default:
			term = pickWeighted(r, pchTerms)
		}
		if spec.product != agreements.ProductPCH && r.Float64() < 0.25 {
			ageStart = 12 + r.IntN(25) // a used car, one to three years old
		}
	}
	start := spec.end.AddDate(0, -term, 0)
	firstReg := start.AddDate(0, -ageStart, 0)
	if ageStart > 0 && f == nil {
		firstReg = clampDay(firstReg.AddDate(0, 0, -r.IntN(60)))
	}

	// Annual mileage: contracted for PCP and PCH; for HP how far the
	// customer drives, never written on the agreement.
	annual := pickWeighted(r, m.mileages)
	if f != nil && f.annualMileage > 0 {
		annual = f.annualMileage
	}
	milesAtStart := int64(0)
	if ageStart > 0 {
		milesAtStart = int64(float64(ageStart) / 12 * float64(annual) * (0.7 + 0.5*r.Float64()))
	} else {
		milesAtStart = int64(5 + r.IntN(40)) // delivery miles
	}

	cash := newPrice
	if ageStart > 0 {
		// A used car's price: its value plus the dealer's margin, ending in 95.
		cash = roundTo(float64(newPrice)*retained(model, ageStart, m.miles(milesAtStart), false)*1.12, 100_00) - 5_00
	}
	if f != nil && f.cashPrice > 0 {
		cash = f.cashPrice
	}

	t := financeTerms{product: spec.product, market: m.code, currency: m.currency, cashPrice: cash, term: term}
	if spec.product != agreements.ProductHP {
		t.annualMileage, t.excessCharge = annual, m.excessCharge(newPrice)
	}
	switch spec.product {
	case agreements.ProductPCP:
		t.deposit = roundTo(float64(cash)*(0.08+0.14*r.Float64()), 50_00)
		if ageStart == 0 && r.Float64() < 0.35 {
			t.contribution = int64(2+r.IntN(7)) * 250_00 // manufacturer's deposit contribution
		}
		t.apr = pickWeighted(r, m.aprs)
		// The guaranteed future value: a cautious share of the car's expected
		// value at the end.
		t.ofp = roundDown(float64(newPrice)*retained(model, ageStart+term, m.miles(milesAtStart+annual*int64(term)/12), true)*0.92, 100)
	case agreements.ProductHP:
		t.deposit = roundTo(float64(cash)*(0.05+0.25*r.Float64()), 100_00)
		t.apr = pickWeighted(r, m.aprs)
	default:
		t.initialRentalMonths = pickWeighted(r, initialRentals)
		t.rate = pickWeighted(r, pchRates)
		t.residual = roundDown(float64(newPrice)*retained(model, term, m.miles(annual*int64(term)/12), true)*0.9, 100)
	}
	if f != nil {
		t.deposit, t.contribution, t.apr, t.ofp = f.deposit, f.contribution, f.apr, f.ofp
	}
	figs, err := g.price(t)
	if err != nil {
		return plannedAgreement{}, fmt.Errorf("demo: price agreement %s: %w", spec.number, err)
	}

	// The vehicle today (or at the end, for an agreement already over).
	asOf := g.today
	if spec.status == agreements.StatusSettled && spec.end.Before(asOf) {
		asOf = spec.end
	}
	usage := float64(annual) * (0.6 + 0.65*r.Float64())
	miles := milesAtStart + int64(usage*float64(monthsBetween(start, asOf))/12)
	v := agreements.Vehicle{
		Make:            model.make,
		Model:           model.model,
		Derivative:      model.derivatives[deriv],
		FirstRegistered: firstReg.Format(dateLayout),
	}
	letters := ""
	if f != nil {
		letters = f.letters
	}
	v.Registration = g.registration(r, m, spec.dealer, firstReg, spec.county, letters)
	if f != nil || r.Float64() >= 0.04 {
		v.CurrentMileage = &miles
	}
	// Most vehicles of live agreements have a recent valuation; some do not,
	// and their equity shows as unknown.
	if spec.status == agreements.StatusActive && (f != nil || r.Float64() < 0.88) {
		val := roundTo(float64(newPrice)*retained(model, monthsBetween(firstReg, g.today), m.miles(miles), false)*(0.86+0.26*r.Float64()), 25_00)
		if f != nil {
			val = f.valuation
		}
		at := g.now.Add(-time.Duration(1+r.IntN(20)) * 24 * time.Hour).Truncate(time.Hour)
		v.Valuation, v.ValuedAt = &val, &at
	}

	a := agreements.Agreement{
		AgreementNumber: spec.number,
		Product:         spec.product,
		Status:          spec.status,
		StartDate:       start.Format(dateLayout),
		EndDate:         spec.end.Format(dateLayout),
		TermMonths:      term,
		MonthlyPayment:  figs.monthly,
		Deposit:         figs.upfront,
		AmountOfCredit:  figs.amountOfCredit,
		APR:             figs.apr,
	}
	if spec.product == agreements.ProductPCP {
		a.OptionalFinalPayment = ptr(t.ofp)
	}
	if spec.product != agreements.ProductHP {
		a.AnnualMileage = ptr(annual)
	}
	return plannedAgreement{dealer: spec.dealer.code, agreement: a, vehicle: v}, nil
}

// consents records marketing consent on each channel, given a few days after
// the agreement started (when the customer first used the app).
func (g *generator) consents(r *rand.Rand, start string, channels ...string) []privacy.Consent {
	given := parseDate(start).AddDate(0, 0, 1+r.IntN(20)).Add(time.Duration(8*60+r.IntN(12*60)) * time.Minute)
	if !given.Before(g.now) {
		given = g.now.Add(-time.Hour)
	}
	out := make([]privacy.Consent, 0, len(channels))
	for _, ch := range channels {
		out = append(out, privacy.Consent{
			Channel:        ch,
			Purpose:        privacy.PurposeFinancierMarketing,
			Basis:          privacy.BasisConsent,
			Source:         consentSource,
			WordingVersion: consentWording,
			GivenAt:        given,
		})
	}
	return out
}

// endDate draws a contractual end date over the next eighteen months (7 to
// 540 days away; eighteen months are at least 546 days).
func (g *generator) endDate(r *rand.Rand) time.Time {
	return clampDay(g.today.AddDate(0, 0, 7+r.IntN(534)))
}

// dateOfBirth draws an adult's date of birth, most often in their forties.
func (g *generator) dateOfBirth(r *rand.Rand) string {
	age := 22 + r.IntN(28) + r.IntN(28)
	return g.today.AddDate(-age, 0, -r.IntN(365)).Format(dateLayout)
}

// registration returns a registration mark not used before in this plan.
func (g *generator) registration(r *rand.Rand, m market, loc *locationSeed, firstReg time.Time, county, letters string) string {
	if letters != "" {
		reg := loc.memoryTags[0] + ageIdentifier(firstReg) + " " + letters
		g.plates[reg] = true
		return reg
	}
	for {
		reg := m.plate(r, loc, firstReg, county)
		if !g.plates[reg] {
			g.plates[reg] = true
			return reg
		}
	}
}

// plateLetters are the letters of a GB registration's random part (never I
// or Q).
const plateLetters = "ABCDEFGHJKLMNOPRSTUVWXYZ"

// ukPlate draws a current-style mark: in Great Britain local memory tag, age
// identifier, three letters ("YH23 DMO"); in Northern Ireland a letter, the
// county code and a number ("KAZ 4821").
func ukPlate(r *rand.Rand, loc *locationSeed, firstReg time.Time, _ string) string {
	tag := pick(r, loc.memoryTags)
	if loc.ni {
		return fmt.Sprintf("%c%s %d", plateLetters[r.IntN(len(plateLetters))], tag, 1+r.IntN(9999))
	}
	var b strings.Builder
	b.WriteString(tag + ageIdentifier(firstReg) + " ")
	for range 3 {
		b.WriteByte(plateLetters[r.IntN(len(plateLetters))])
	}
	return b.String()
}

// irishPlate draws an Irish mark: year, half-year, county, number
// ("232-LH-1487").
func irishPlate(r *rand.Rand, _ *locationSeed, firstReg time.Time, county string) string {
	half := 1
	if firstReg.Month() >= time.July {
		half = 2
	}
	return fmt.Sprintf("%02d%d-%s-%d", firstReg.Year()%100, half, county, 1+r.IntN(9999))
}

// ageIdentifier is a GB mark's two digits: the year from March, the year +
// 50 from September (and in January and February, the year before's + 50).
func ageIdentifier(d time.Time) string {
	y := d.Year() % 100
	switch {
	case d.Month() >= time.March && d.Month() <= time.August:
		return fmt.Sprintf("%02d", y)
	case d.Month() >= time.September:
		return fmt.Sprintf("%02d", y+50)
	default:
		return fmt.Sprintf("%02d", (y+99)%100+50)
	}
}

// inwardLetters are the letters used in a postcode's inward code.
const inwardLetters = "ABDEFGHJLNPQRSTUWXYZ"

// ukPostcode draws a postcode in one of the showroom's districts.
func ukPostcode(r *rand.Rand, loc *locationSeed) string {
	return fmt.Sprintf("%s %d%c%c", pick(r, loc.districts), r.IntN(10),
		inwardLetters[r.IntN(len(inwardLetters))], inwardLetters[r.IntN(len(inwardLetters))])
}

// retained is the share of its new price a car keeps after the given months
// and miles: a first-day drop, then a steady monthly loss (slower for premium
// badges), adjusted for mileage against 10,000 a year. A rough trade rule of
// thumb, enough for plausible figures.
//
// Electric cars lost value much faster than lenders expected when their
// guaranteed future values were set; forecast selects the lenders'
// expectation (used for optional final payments) rather than what happened
// (used for today's valuations), which leaves many of them in negative
// equity, as in the real market.
func retained(m vehicleSeed, months int, miles int64, forecast bool) float64 {
	k := 0.0150
	switch {
	case m.ev && !forecast:
		k = 0.0225
	case m.premium:
		k = 0.0140
	}
	v := 0.84 * math.Exp(-k*float64(months))
	expected := float64(months) / 12 * 10_000
	adj := 1 - 0.035*(float64(miles)-expected)/10_000
	return v * math.Min(1.08, math.Max(0.8, adj))
}

// pickLocation draws a showroom of the UK network, weighted by its size.
func pickLocation(r *rand.Rand) *locationSeed {
	total := 0
	for gi := range dealerGroups {
		for _, l := range dealerGroups[gi].locations {
			total += l.weight
		}
	}
	n := r.IntN(total)
	for gi := range dealerGroups {
		for li := range dealerGroups[gi].locations {
			l := &dealerGroups[gi].locations[li]
			if n < l.weight {
				return l
			}
			n -= l.weight
		}
	}
	panic("demo: location weights") // unreachable: n < total
}

// pickProduct draws a product in the UK market's proportions: PCP about 60%,
// HP 25%, PCH 15%.
func pickProduct(r *rand.Rand) string {
	switch x := r.Float64(); {
	case x < 0.60:
		return agreements.ProductPCP
	case x < 0.85:
		return agreements.ProductHP
	default:
		return agreements.ProductPCH
	}
}

// pickModel draws a car model, weighted by how common it is.
func pickModel(r *rand.Rand, models []vehicleSeed) vehicleSeed {
	total := 0
	for _, m := range models {
		total += m.weight
	}
	n := r.IntN(total)
	for _, m := range models {
		if n < m.weight {
			return m
		}
		n -= m.weight
	}
	panic("demo: model weights") // unreachable: n < total
}

type weighted[T any] struct {
	v T
	w int
}

func pickWeighted[T any](r *rand.Rand, items []weighted[T]) T {
	total := 0
	for _, it := range items {
		total += it.w
	}
	n := r.IntN(total)
	for _, it := range items {
		if n < it.w {
			return it.v
		}
		n -= it.w
	}
	panic("demo: weights") // unreachable: n < total
}

func pick[T any](r *rand.Rand, items []T) T { return items[r.IntN(len(items))] }

// emailLocal turns a name into the local part of an email address:
// lower case ASCII letters and dots.
func emailLocal(name string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(name) {
		switch {
		case c >= 'a' && c <= 'z':
			b.WriteRune(c)
		case c == ' ' || c == '-':
			b.WriteByte('.')
		case strings.ContainsRune("áàâä", c):
			b.WriteByte('a')
		case strings.ContainsRune("éèêë", c):
			b.WriteByte('e')
		case strings.ContainsRune("íìîï", c):
			b.WriteByte('i')
		case strings.ContainsRune("óòôö", c):
			b.WriteByte('o')
		case strings.ContainsRune("úùûü", c):
			b.WriteByte('u')
		}
	}
	return b.String()
}

const dateLayout = "2006-01-02"

// dateOf returns t's calendar date (in t's location) as midnight UTC, so
// date arithmetic never meets a clock change.
func dateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func parseDate(s string) time.Time {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		panic(fmt.Sprintf("demo: parse own date %q: %v", s, err)) // only ever given dates this package formatted
	}
	return t
}

// clampDay moves a date on the 29th–31st back to the 28th, so adding whole
// months to it never spills into the next month.
func clampDay(t time.Time) time.Time {
	if t.Day() > 28 {
		return t.AddDate(0, 0, 28-t.Day())
	}
	return t
}

// monthsBetween counts the whole months from a to b (0 if b is before a).
func monthsBetween(a, b time.Time) int {
	n := (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month())
	if b.Day() < a.Day() {
		n--
	}
	return max(n, 0)
}

// roundTo rounds x to the nearest multiple of unit.
func roundTo(x float64, unit int64) int64 {
	return int64(math.Round(x/float64(unit))) * unit
}

// roundDown rounds x down to a multiple of unit.
func roundDown(x float64, unit int64) int64 {
	return int64(math.Floor(x/float64(unit))) * unit
}

func ptr[T any](v T) *T { return &v }
