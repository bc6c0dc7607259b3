package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/keyturn/keyturn/backend/agreements"
	"github.com/keyturn/keyturn/backend/auth"
	"github.com/keyturn/keyturn/backend/platform/db"
	"github.com/keyturn/keyturn/backend/platform/db/dbtest"
	"github.com/keyturn/keyturn/backend/privacy"
	"github.com/keyturn/keyturn/backend/tenants"
)

// seedTime is "now" for the tests: a Monday afternoon in November.
var seedTime = dbtest.FixedTime

// TestSeed seeds each dialect once and checks what a demo needs, then that
// seeding again (the same day or the next) writes nothing and that a missing
// row is put back.
func TestSeed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		t.Parallel()
		ctx := context.Background()
		gdb := d.Gorm.WithContext(ctx)

		res, err := Seed(ctx, gdb, seedTime)
		require.NoError(t, err)
		require.True(t, res.Created)
		require.Equal(t, 2, res.Financiers)
		require.Equal(t, 15, res.Locations)
		require.GreaterOrEqual(t, res.Staff, 6)
		require.Equal(t, ukCustomerCount+len(irishCustomers), res.Customers)

		before := tableCounts(t, gdb)
		require.Equal(t, int64(res.Financiers), before["financiers"])
		require.Equal(t, int64(res.Locations), before["dealer_locations"])
		require.Equal(t, int64(res.Staff), before["staff_users"])
		require.Equal(t, int64(res.Customers), before["customers"])
		require.Equal(t, int64(res.Agreements), before["agreements"])
		require.Equal(t, before["agreements"], before["vehicles"])

		demo := financierBySlug(t, gdb, FinancierSlug)
		irish := financierBySlug(t, gdb, IrishFinancierSlug)
		checkFinanciers(t, demo, irish)
		checkLocations(t, gdb, demo.ID, irish.ID)
		checkStaff(t, gdb, demo.ID, irish.ID)
		checkCustomers(t, gdb, demo.ID, irish.ID)
		checkAgreements(t, gdb, demo.ID)
		checkDemoCustomer(t, gdb, demo.ID)

		// Again, the same day and the next: nothing new.
		for _, now := range []time.Time{seedTime, seedTime.Add(24 * time.Hour)} {
			res, err = Seed(ctx, gdb, now)
			require.NoError(t, err)
			require.False(t, res.Created, "second seed at %s", now)
			require.Equal(t, before, tableCounts(t, gdb))
		}

		// A deleted row comes back, and only it.
		var demoCustomer agreements.Customer
		require.NoError(t, gdb.Where("financier_id = ? AND customer_ref = ?", demo.ID, CustomerRef).Take(&demoCustomer).Error)
		del := gdb.Where("customer_id = ?", demoCustomer.ID).Delete(&privacy.Consent{})
		require.NoError(t, del.Error)
		require.Equal(t, int64(2), del.RowsAffected)
		res, err = Seed(ctx, gdb, seedTime)
		require.NoError(t, err)
		require.True(t, res.Created)
		require.Equal(t, before, tableCounts(t, gdb))
	})
}

func tableCounts(t *testing.T, gdb *gorm.DB) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, table := range []string{
		"financiers", "dealer_groups", "dealer_locations", "financier_dealers", "staff_users",
		"staff_locations", "customers", "vehicles", "agreements", "consents",
	} {
		var n int64
		require.NoError(t, gdb.Table(table).Count(&n).Error, table)
		out[table] = n
	}
	return out
}

func financierBySlug(t *testing.T, gdb *gorm.DB, slug string) tenants.Financier {
	t.Helper()
	var f tenants.Financier
	require.NoError(t, gdb.Where("slug = ?", slug).Take(&f).Error, slug)
	return f
}

func checkFinanciers(t *testing.T, demo, irish tenants.Financier) {
	t.Helper()
	require.Equal(t, tenants.MarketUK, demo.Market)
	require.Equal(t, "GBP", demo.Currency)
	require.Equal(t, "Europe/London", demo.TimeZone)
	require.Equal(t, 60, demo.AckLimitMinutes)
	require.Equal(t, 180, demo.ReassignLimitMinutes)
	require.Positive(t, demo.ContactCapPerWeek)
	require.Greater(t, demo.ContactCapPerMonth, demo.ContactCapPerWeek)
	require.NotEmpty(t, demo.PostalAddress)
	require.NotEmpty(t, demo.SupportEmail)
	require.NotEmpty(t, demo.SupportPhone)
	require.Regexp(t, `^#[0-9A-F]{6}$`, demo.BrandColour)

	require.Equal(t, tenants.MarketIE, irish.Market)
	require.Equal(t, "EUR", irish.Currency)
	require.Equal(t, "Europe/Dublin", irish.TimeZone)
}

func checkLocations(t *testing.T, gdb *gorm.DB, demoID, irishID int64) {
	t.Helper()
	var locs []tenants.DealerLocation
	require.NoError(t, gdb.Order("code").Find(&locs).Error)
	require.Len(t, locs, 15)
	groups := map[int64]bool{}
	for i, l := range locs {
		require.Equal(t, fmt.Sprintf("DLR%03d", i+1), l.Code)
		require.Equal(t, "Europe/London", l.TimeZone)
		require.Regexp(t, ukPostcodeRE, l.Postcode, l.Code)
		require.InDelta(t, 54, l.Latitude, 4, l.Code)
		require.InDelta(t, -3, l.Longitude, 4, l.Code)
		require.NotEmpty(t, l.Town)
		require.NotEmpty(t, l.Region)
		require.NotEmpty(t, l.PrincipalEmail)
		var hours map[string][][2]string
		require.NoError(t, json.Unmarshal([]byte(l.OpeningHours), &hours), l.Code)
		require.Len(t, hours, 7)
		require.NotEmpty(t, hours["mon"])
		require.NotNil(t, hours["sun"]) // [] when closed, never null
		groups[l.DealerGroupID] = true
	}
	require.Len(t, groups, 3)

	countLinks := func(fid int64) int64 {
		var n int64
		require.NoError(t, gdb.Model(&tenants.FinancierDealer{}).Where("financier_id = ?", fid).Count(&n).Error)
		return n
	}
	require.Equal(t, int64(15), countLinks(demoID))
	require.Equal(t, int64(len(irishNetwork)), countLinks(irishID))
}

func checkStaff(t *testing.T, gdb *gorm.DB, demoID, irishID int64) {
	t.Helper()
	var users []auth.StaffUser
	require.NoError(t, gdb.Find(&users).Error)
	byEmail := map[string]auth.StaffUser{}
	for _, u := range users {
		require.True(t, u.Demo, u.Email)
		require.Empty(t, u.PasswordHash, u.Email)
		byEmail[u.Email] = u
	}
	for email, role := range map[string]auth.Role{
		AdminEmail: auth.RoleFinancierAdmin, MarketerEmail: auth.RoleFinancierMarketer,
		ApproverEmail: auth.RoleComplianceApprover, AnalystEmail: auth.RoleFinancierAnalyst,
	} {
		u, ok := byEmail[email]
		require.True(t, ok, email)
		require.Equal(t, role, u.Role)
		require.NotNil(t, u.FinancierID)
		require.Equal(t, demoID, *u.FinancierID)
	}
	ie := byEmail[IrishMarketerEmail]
	require.NotNil(t, ie.FinancierID)
	require.Equal(t, irishID, *ie.FinancierID)

	principal := byEmail[DealerPrincipalEmail]
	require.Equal(t, auth.RoleDealerPrincipal, principal.Role)
	require.NotNil(t, principal.DealerGroupID)
	require.Nil(t, principal.FinancierID)

	staff := byEmail[DealerStaffEmail]
	require.Equal(t, auth.RoleDealerStaff, staff.Role)
	require.Equal(t, principal.DealerGroupID, staff.DealerGroupID)
	var codes []string
	require.NoError(t, gdb.Model(&tenants.DealerLocation{}).
		Joins("JOIN staff_locations ON staff_locations.dealer_location_id = dealer_locations.id").
		Where("staff_locations.staff_user_id = ?", staff.ID).Order("code").Pluck("code", &codes).Error)
	require.Equal(t, []string{"DLR001", "DLR002"}, codes)
}

var (
	ukPostcodeRE = regexp.MustCompile(`^[A-Z]{1,2}[0-9]{1,2} [0-9][A-Z]{2}$`)
	eircodeRE    = regexp.MustCompile(`^([AC-FHKNPRTV-Y][0-9]{2}|D6W) [0-9AC-FHKNPRTV-Y]{4}$`)
	mobileRE     = regexp.MustCompile(`^07700 900[0-9]{3}$`)
)

func checkCustomers(t *testing.T, gdb *gorm.DB, demoID, irishID int64) {
	t.Helper()
	var uk []agreements.Customer
	require.NoError(t, gdb.Where("financier_id = ?", demoID).Find(&uk).Error)
	require.Len(t, uk, 500)
	vulnerable := 0
	for _, c := range uk {
		require.Regexp(t, ukPostcodeRE, c.Postcode, c.CustomerRef)
		require.Regexp(t, mobileRE, c.Mobile, c.CustomerRef)
		require.Regexp(t, `@example\.com$`, c.Email, c.CustomerRef)
		require.Equal(t, "Europe/London", c.TimeZone)
		dob, err := time.Parse(dateLayout, c.DateOfBirth)
		require.NoError(t, err)
		require.True(t, dob.Before(seedTime.AddDate(-18, 0, 0)), "%s born %s", c.CustomerRef, c.DateOfBirth)
		if c.Vulnerable {
			vulnerable++
		}
	}
	require.Positive(t, vulnerable)

	var ie []agreements.Customer
	require.NoError(t, gdb.Where("financier_id = ?", irishID).Find(&ie).Error)
	require.GreaterOrEqual(t, len(ie), 5)
	require.LessOrEqual(t, len(ie), 10)
	for _, c := range ie {
		require.Regexp(t, eircodeRE, c.Postcode, c.CustomerRef)
		require.Equal(t, "Europe/Dublin", c.TimeZone)
	}
	var ieAgreements int64
	require.NoError(t, gdb.Model(&agreements.Agreement{}).Where("financier_id = ?", irishID).Count(&ieAgreements).Error)
	require.GreaterOrEqual(t, ieAgreements, int64(len(ie)))

	// Some customers hold two agreements.
	var two int64
	require.NoError(t, gdb.Raw(`SELECT COUNT(*) FROM (SELECT customer_id FROM agreements WHERE financier_id = ?
		GROUP BY customer_id HAVING COUNT(*) = 2) AS t`, demoID).Scan(&two).Error)
	require.Greater(t, two, int64(20))
	require.Less(t, two, int64(100))
}

func checkAgreements(t *testing.T, gdb *gorm.DB, demoID int64) {
	t.Helper()
	var all []agreements.Agreement
	require.NoError(t, gdb.Preload("Vehicle").Where("financier_id = ?", demoID).Find(&all).Error)
	today := dateOf(seedTime.In(mustLocation(t, "Europe/London")))
	limit := today.AddDate(0, 18, 0)
	products := map[string]int{}
	flags := map[string]int{}
	for _, a := range all {
		require.Positive(t, a.MonthlyPayment, a.AgreementNumber)
		require.NotNil(t, a.DealerLocationID, a.AgreementNumber)
		require.Equal(t, a.Vehicle.FinancierID, demoID)
		require.NotEmpty(t, a.Vehicle.Registration)
		start, end := parseDate(a.StartDate), parseDate(a.EndDate)
		require.Equal(t, end, start.AddDate(0, a.TermMonths, 0), a.AgreementNumber)
		require.GreaterOrEqual(t, a.TermMonths, 24)
		require.LessOrEqual(t, a.TermMonths, 48)
		products[a.Product]++
		if a.Status == agreements.StatusActive {
			require.True(t, end.After(today), "%s ends %s", a.AgreementNumber, a.EndDate)
			require.False(t, end.After(limit), "%s ends %s", a.AgreementNumber, a.EndDate)
		} else {
			require.Equal(t, agreements.StatusSettled, a.Status)
			flags["settled"]++
		}
		if a.InArrears {
			flags["arrears"]++
		}
		if a.Forbearance {
			flags["forbearance"]++
		}
		if a.Vehicle.Valuation == nil {
			flags["no valuation"]++
		}
		switch a.Product {
		case agreements.ProductPCP:
			require.NotNil(t, a.OptionalFinalPayment, a.AgreementNumber)
			require.Positive(t, *a.OptionalFinalPayment)
			require.NotNil(t, a.AnnualMileage)
			fallthrough
		case agreements.ProductHP:
			require.NotNil(t, a.APR, a.AgreementNumber)
			require.GreaterOrEqual(t, *a.APR, 4.9)
			require.LessOrEqual(t, *a.APR, 12.9)
			require.NotNil(t, a.AmountOfCredit)
			require.Positive(t, *a.AmountOfCredit)
			if a.OptionalFinalPayment != nil {
				require.Less(t, *a.OptionalFinalPayment, *a.AmountOfCredit, a.AgreementNumber)
			}
			require.Positive(t, a.Deposit)
		case agreements.ProductPCH:
			require.Nil(t, a.APR, a.AgreementNumber)
			require.Nil(t, a.AmountOfCredit)
			require.Nil(t, a.OptionalFinalPayment)
			require.Positive(t, a.Deposit) // the initial rental
		default:
			t.Fatalf("%s: product %q", a.AgreementNumber, a.Product)
		}
	}
	// The mix is roughly PCP 60%, HP 25%, PCH 15%.
	n := float64(len(all))
	require.InDelta(t, 0.60, float64(products[agreements.ProductPCP])/n, 0.08)
	require.InDelta(t, 0.25, float64(products[agreements.ProductHP])/n, 0.07)
	require.InDelta(t, 0.15, float64(products[agreements.ProductPCH])/n, 0.06)
	for _, f := range []string{"settled", "arrears", "forbearance", "no valuation"} {
		require.Positive(t, flags[f], f)
	}

	// A good share, not all, consent to marketing.
	var consenting int64
	require.NoError(t, gdb.Model(&privacy.Consent{}).Distinct("customer_id").
		Where("financier_id = ? AND purpose = ? AND source = ?", demoID, privacy.PurposeFinancierMarketing, consentSource).
		Count(&consenting).Error)
	require.Greater(t, consenting, int64(250))
	require.Less(t, consenting, int64(450))
}

func checkDemoCustomer(t *testing.T, gdb *gorm.DB, demoID int64) {
	t.Helper()
	var c agreements.Customer
	require.NoError(t, gdb.Where("financier_id = ? AND customer_ref = ?", demoID, CustomerRef).Take(&c).Error)
	dob, postcode := DemoCustomer()
	require.Equal(t, dob, c.DateOfBirth)
	require.Equal(t, postcode, c.Postcode)
	require.False(t, c.Vulnerable)

	var as []agreements.Agreement
	require.NoError(t, gdb.Preload("Vehicle").Where("customer_id = ?", c.ID).Order("agreement_number").Find(&as).Error)
	require.Len(t, as, 2)
	pcp, hp := as[0], as[1]
	require.Equal(t, agreements.ProductPCP, pcp.Product)
	require.Equal(t, agreements.ProductHP, hp.Product)
	for _, a := range as {
		require.Equal(t, agreements.StatusActive, a.Status)
		require.False(t, a.InArrears || a.Forbearance)
	}

	require.Equal(t, "Ford", pcp.Vehicle.Make)
	require.Equal(t, "Puma", pcp.Vehicle.Model)
	today := dateOf(seedTime.In(mustLocation(t, "Europe/London")))
	end := parseDate(pcp.EndDate)
	require.True(t, end.After(today.AddDate(0, 3, 14)) && end.Before(today.AddDate(0, 4, 14)), "PCP ends %s", pcp.EndDate)
	require.NotNil(t, pcp.Vehicle.Valuation)
	require.NotNil(t, pcp.OptionalFinalPayment)
	require.Greater(t, *pcp.Vehicle.Valuation, *pcp.OptionalFinalPayment, "positive equity")

	var dealer tenants.DealerLocation
	require.NoError(t, gdb.Take(&dealer, *pcp.DealerLocationID).Error)
	require.Equal(t, "DLR001", dealer.Code)

	var channels []string
	require.NoError(t, gdb.Model(&privacy.Consent{}).Where("customer_id = ? AND purpose = ? AND withdrawn_at IS NULL",
		c.ID, privacy.PurposeFinancierMarketing).Order("channel").Pluck("channel", &channels).Error)
	require.Equal(t, []string{privacy.ChannelEmail, privacy.ChannelPush}, channels)
}

// TestPlanDeterministic checks that a date always gives the same data and
// that another date keeps every natural key, which is what lets a seed on a
// later day find everything already there.
func TestPlanDeterministic(t *testing.T) {
	t.Parallel()
	a, err := buildPlan(seedTime, quote)
	require.NoError(t, err)
	b, err := buildPlan(seedTime, quote)
	require.NoError(t, err)
	require.Equal(t, a, b)

	later, err := buildPlan(seedTime.AddDate(0, 2, 9), quote)
	require.NoError(t, err)
	require.Equal(t, planKeys(a), planKeys(later))
	require.NotEqual(t, a.customers[7].agreements[0].agreement.EndDate, later.customers[7].agreements[0].agreement.EndDate)

	// Registrations are unique, and customers' contact details distinct.
	regs, mobiles := map[string]bool{}, map[string]bool{}
	for _, c := range a.customers {
		if c.financier == FinancierSlug {
			require.False(t, mobiles[c.customer.Mobile], c.customer.Mobile)
			mobiles[c.customer.Mobile] = true
		}
		for _, pa := range c.agreements {
			require.False(t, regs[pa.vehicle.Registration], pa.vehicle.Registration)
			regs[pa.vehicle.Registration] = true
		}
	}
}

func planKeys(p *plan) []string {
	var keys []string
	for _, f := range p.financiers {
		keys = append(keys, "financier "+f.Slug)
	}
	for _, l := range p.locations {
		keys = append(keys, "location "+l.loc.Code)
	}
	for _, s := range p.staff {
		keys = append(keys, "staff "+s.user.Email)
	}
	for _, c := range p.customers {
		keys = append(keys, "customer "+c.financier+" "+c.customer.CustomerRef)
		for _, a := range c.agreements {
			keys = append(keys, "agreement "+c.financier+" "+a.agreement.AgreementNumber)
		}
		for _, cs := range c.consents {
			keys = append(keys, "consent "+c.customer.CustomerRef+" "+cs.Channel)
		}
	}
	slices.Sort(keys)
	return keys
}

func mustLocation(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}
