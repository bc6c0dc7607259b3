package campaigns

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/keyturn/keyturn/backend/platform/db"
	"github.com/keyturn/keyturn/backend/platform/httpx"
	"github.com/keyturn/keyturn/backend/privacy"
)

// Audience is a campaign's targeting rules. Each rule that is set must match
// an agreement; a rule left out matches every agreement. The exclusions (see
// Exclusions) apply whatever the rules say.
type Audience struct {
	// MonthsToEnd is the range of whole months from the customer's today
	// (in their time zone) to the agreement's end date: {"min":3,"max":6}
	// is agreements ending 3 to 6 months from now, the sixth month included.
	MonthsToEnd *IntRange `json:"months_to_end,omitempty"`
	// Products are agreement products: pcp, hp, pch.
	Products []string `json:"products,omitempty"`
	// Vehicles are makes, or makes and models, of the financed car.
	Vehicles []VehicleRule `json:"vehicles,omitempty"`
	// Equity is a band of the agreement's stored equity, in minor units.
	// An agreement whose equity is unknown never falls in a band.
	Equity *MoneyRange `json:"equity,omitempty"`
	// DealerCodes and Regions select agreements by their dealer: the
	// showroom's code, or its region. Given both, either may match.
	DealerCodes []string `json:"dealer_codes,omitempty"`
	Regions     []string `json:"regions,omitempty"`
	// AgreementAgeMonths is the range of whole months since the agreement
	// started, in the customer's calendar.
	AgreementAgeMonths *IntRange `json:"agreement_age_months,omitempty"`
	// IncludeOtherLiveCampaigns switches off the one exclusion that may be
	// switched off: agreements already enrolled in another live campaign.
	IncludeOtherLiveCampaigns bool `json:"include_other_live_campaigns"`
}

// IntRange is an inclusive range; a missing bound is open.
type IntRange struct {
	Min *int `json:"min,omitempty"`
	Max *int `json:"max,omitempty"`
}

// MoneyRange is an inclusive range of minor units; a missing bound is open.
type MoneyRange struct {
	Min *int64 `json:"min,omitempty"`
	Max *int64 `json:"max,omitempty"`
}

// VehicleRule matches a make, or a make and model (case-insensitive).
type VehicleRule struct {
	Make  string `json:"make"`
	Model string `json:"model,omitempty"`
}

// Exclusion names, in the order the approver's checklist applies them.
const (
	ExclNotActive        = "not_active"
	ExclInArrears        = "in_arrears"
	ExclForbearance      = "forbearance"
	ExclVulnerable       = "vulnerable"
	ExclErased           = "erased"
	ExclNoMarketingBasis = "no_marketing_basis"
	ExclOtherLive        = "other_live_campaign"
)

// ExclusionInfo describes one exclusion.
type ExclusionInfo struct {
	Name       string `json:"exclusion"`
	Label      string `json:"label"`
	Switchable bool   `json:"switchable"`
}

// Exclusions lists every exclusion in checklist order. Only the last may be
// switched off by a campaign.
var Exclusions = []ExclusionInfo{
	{ExclNotActive, "Agreement not active (settled or terminated)", false},
	{ExclInArrears, "Customer in arrears on an active agreement (RULES D3)", false},
	{ExclForbearance, "Customer in forbearance on an active agreement (RULES D3)", false},
	{ExclVulnerable, "Customer flagged vulnerable (RULES D3)", false},
	{ExclErased, "Customer's personal data erased", false},
	{ExclNoMarketingBasis, "No marketing consent or soft opt-in on push or email (RULES P2)", false},
	{ExclOtherLive, "Agreement already in another live campaign", true},
}

// Rule names, as explanations report them.
const (
	RuleMonthsToEnd  = "months_to_end"
	RuleProducts     = "products"
	RuleVehicles     = "vehicles"
	RuleEquity       = "equity"
	RuleDealer       = "dealer"
	RuleAgreementAge = "agreement_age_months"
)

// Limits on rules.
const (
	maxMonthsToEnd  = 60
	maxAgeMonths    = 120
	maxRuleItems    = 50
	maxRuleText     = 60
	maxTimeZones    = 50
	sampleScanLimit = 100
)

var products = []string{"pcp", "hp", "pch"}

// marketingChannels are the channels a journey uses; a marketing basis on
// one of them is what RULES P2 asks of an audience.
var marketingChannels = []string{privacy.ChannelPush, privacy.ChannelEmail}

// validate checks the rules that need no database and normalises them;
// prefix is the JSON path of the audience in the request.
func (a *Audience) validate(prefix string, c *httpx.Check) {
	f := func(name string) string { return prefix + name }
	checkRange := func(field string, r *IntRange, hi int) {
		if r == nil {
			return
		}
		if r.Min == nil && r.Max == nil {
			c.Add(field, "required", "Give a minimum, a maximum or both.")
			return
		}
		for _, v := range []*int{r.Min, r.Max} {
			if v != nil && (*v < 0 || *v > hi) {
				c.Add(field, "out_of_range", fmt.Sprintf("Use whole months from 0 to %d.", hi))
				return
			}
		}
		if r.Min != nil && r.Max != nil && *r.Min > *r.Max {
			c.Add(field, "out_of_range", "The minimum is above the maximum.")
		}
	}
	checkRange(f("months_to_end"), a.MonthsToEnd, maxMonthsToEnd)
	checkRange(f("agreement_age_months"), a.AgreementAgeMonths, maxAgeMonths)

	a.Products = normaliseList(a.Products, strings.ToLower)
	if len(a.Products) > len(products) {
		c.Add(f("products"), "too_many", "List each product once.")
	}
	for _, p := range a.Products {
		if !slices.Contains(products, p) {
			c.Add(f("products"), "invalid", fmt.Sprintf("%q is not a product: use pcp, hp or pch.", p))
		}
	}

	if len(a.Vehicles) > maxRuleItems {
		c.Add(f("vehicles"), "too_many", fmt.Sprintf("At most %d makes and models.", maxRuleItems))
	}
	for i := range a.Vehicles {
		v := &a.Vehicles[i]
		v.Make, v.Model = strings.TrimSpace(v.Make), strings.TrimSpace(v.Model)
		if v.Make == "" {
			c.Add(fmt.Sprintf("%svehicles[%d].make", prefix, i), "required", "Name the make.")
		}
		if len(v.Make) > maxRuleText || len(v.Model) > maxRuleText {
			c.Add(fmt.Sprintf("%svehicles[%d]", prefix, i), "too_long", fmt.Sprintf("Makes and models have at most %d characters.", maxRuleText))
		}
	}

	if e := a.Equity; e != nil {
		switch {
		case e.Min == nil && e.Max == nil:
			c.Add(f("equity"), "required", "Give a minimum, a maximum or both, in minor units.")
		case e.Min != nil && e.Max != nil && *e.Min > *e.Max:
			c.Add(f("equity"), "out_of_range", "The minimum is above the maximum.")
		}
		for _, v := range []*int64{e.Min, e.Max} {
			if v != nil && (*v > 1_000_000_000 || *v < -1_000_000_000) {
				c.Add(f("equity"), "out_of_range", "Equity bounds are at most 10,000,000.00 either way.")
				break
			}
		}
	}

	a.DealerCodes = normaliseList(a.DealerCodes, strings.ToUpper)
	a.Regions = normaliseList(a.Regions, func(s string) string { return s })
	if len(a.DealerCodes) > maxRuleItems || len(a.Regions) > maxRuleItems {
		c.Add(f("dealer_codes"), "too_many", fmt.Sprintf("At most %d dealers and %d regions.", maxRuleItems, maxRuleItems))
	}
}

// normaliseList trims, maps, drops empties and duplicates, and sorts.
func normaliseList(in []string, norm func(string) string) []string {
	out := make([]string, 0, len(in))
	for _, s := range in {
		s = norm(strings.TrimSpace(s))
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	if len(out) == 0 {
		return nil
	}
	return out
}

// sqlPart is a fragment of SQL with its ? arguments.
type sqlPart struct {
	name string
	sql  string
	args []any
}

// compiled is an audience ready to run: the rules and the exclusions as SQL
// predicates over agreements a (with customers c and vehicles v when a rule
// needs them).
//
// The exclusions come in two kinds. Agreement-level ones (not active, in
// another live campaign) filter the agreements scanned. Customer-level ones
// (arrears or forbearance on any active agreement, vulnerable, erased, no
// marketing basis) are written over a customer id, "{cid}", and probed once
// per candidate customer after the agreements are grouped by customer:
// small partial indexes, probed in customer order, which keeps a count over
// a million agreements within its budget (docs/campaigns.md).
type compiled struct {
	financierID int64
	// envelope bounds the agreements scanned, so the index on (financier_id,
	// end_date) serves the query; it implies nothing the rules do not.
	envelope []sqlPart
	rules    []sqlPart
	// otherLive is the agreement-level "in another live campaign" test; nil
	// when the campaign switched it off.
	otherLive *sqlPart
	// customer holds the customer-level exclusions in checklist order, each
	// true when it excludes; blocked and unreachable are the combined tests
	// the count uses.
	customer             []sqlPart
	blocked, unreachable sqlPart
	// needCustomer and needVehicle say which joins the rules need.
	needCustomer, needVehicle bool
	// switchedOff lists exclusions the campaign switched off.
	switchedOff []string
}

// notActive is the agreement-level exclusion of agreements not active.
var notActive = sqlPart{name: ExclNotActive, sql: "a.status <> 'active'"}

// on writes a customer-level predicate over a customer id expression.
func (p sqlPart) on(cid string) sqlPart {
	return sqlPart{name: p.name, sql: strings.ReplaceAll(p.sql, "{cid}", cid), args: p.args}
}

// tzBounds is the part of the date rules that depends on "today".
type tzBounds struct {
	endFrom, endTo, startTo, startFrom string // "" when open
}

// compileAudience turns rules into SQL. campaignID is the campaign being
// previewed (0 for unsaved rules), so its own enrolments do not count as
// "another live campaign". It returns a 422 for dealer codes or regions
// that are not in the financier's network.
func (s Store) compileAudience(ctx context.Context, fin financierRow, campaignID int64, a Audience, now time.Time) (*compiled, error) {
	c := &compiled{financierID: fin.ID}
	if a.MonthsToEnd != nil || a.AgreementAgeMonths != nil {
		if err := s.compileDates(ctx, c, fin, a, now); err != nil {
			return nil, err
		}
	}
	if len(a.Products) > 0 {
		c.rules = append(c.rules, sqlPart{name: RuleProducts, sql: "a.product IN ?", args: []any{a.Products}})
	}
	if len(a.Vehicles) > 0 {
		var ors []string
		var args []any
		for _, v := range a.Vehicles {
			if v.Model == "" {
				ors = append(ors, "LOWER(v.make) = ?")
				args = append(args, strings.ToLower(v.Make))
				continue
			}
			ors = append(ors, "(LOWER(v.make) = ? AND LOWER(v.model) = ?)")
			args = append(args, strings.ToLower(v.Make), strings.ToLower(v.Model))
		}
		c.rules = append(c.rules, sqlPart{name: RuleVehicles, sql: "(" + strings.Join(ors, " OR ") + ")", args: args})
		c.needVehicle = true
	}
	if e := a.Equity; e != nil {
		// Unknown equity (NULL) never falls in a band.
		p := sqlPart{name: RuleEquity, sql: "(a.equity IS NOT NULL"}
		if e.Min != nil {
			p.sql += " AND a.equity >= ?"
			p.args = append(p.args, *e.Min)
		}
		if e.Max != nil {
			p.sql += " AND a.equity <= ?"
			p.args = append(p.args, *e.Max)
		}
		p.sql += ")"
		c.rules = append(c.rules, p)
	}
	if len(a.DealerCodes) > 0 || len(a.Regions) > 0 {
		ids, err := s.resolveDealers(ctx, fin.ID, a.DealerCodes, a.Regions)
		if err != nil {
			return nil, err
		}
		c.rules = append(c.rules, sqlPart{name: RuleDealer, sql: "(a.dealer_location_id IS NOT NULL AND a.dealer_location_id IN ?)", args: []any{ids}})
	}

	// The customer-level exclusions probe partial indexes created for them
	// (migration 202611231500_campaigns); their predicates repeat the
	// indexes' so both databases use them.
	channel, customers := "k.channel", "customers y"
	if s.DB.Dialector.Name() == db.DialectSQLite {
		// One seek per customer rather than one per channel: the index
		// holds a customer's few consent rows together.
		channel = "+k.channel"
		// SQLite would seek the customers table by rowid; the partial
		// index holds only the few customers concerned, and answers alone
		// (a fifth of the count's time at a million agreements).
		customers = "customers y INDEXED BY ix_customers_unreachable"
	}
	arrears := "EXISTS (SELECT 1 FROM agreements x WHERE x.customer_id = {cid} AND x.status = 'active' AND (x.in_arrears OR x.forbearance)"
	unreachable := "EXISTS (SELECT 1 FROM " + customers + " WHERE y.id = {cid} AND (y.vulnerable OR y.erased_at IS NOT NULL)"
	c.customer = []sqlPart{
		{name: ExclInArrears, sql: arrears + " AND x.in_arrears)"},
		{name: ExclForbearance, sql: arrears + " AND x.forbearance)"},
		{name: ExclVulnerable, sql: unreachable + " AND y.vulnerable)"},
		{name: ExclErased, sql: unreachable + " AND y.erased_at IS NOT NULL)"},
		{name: ExclNoMarketingBasis, sql: "NOT EXISTS (SELECT 1 FROM consents k WHERE k.customer_id = {cid} AND " + channel + " IN ? " +
			"AND k.purpose = 'financier_marketing' AND k.basis IN ('consent', 'soft_opt_in') AND k.withdrawn_at IS NULL)", args: []any{marketingChannels}},
	}
	c.blocked = sqlPart{sql: arrears + ")"}
	c.unreachable = sqlPart{sql: unreachable + ")"}
	if a.IncludeOtherLiveCampaigns {
		c.switchedOff = append(c.switchedOff, ExclOtherLive)
		return c, nil
	}
	others, err := s.otherLiveCampaigns(ctx, fin.ID, campaignID)
	if err != nil {
		return nil, err
	}
	p := sqlPart{name: ExclOtherLive, sql: "1 = 0"}
	if others {
		p = sqlPart{name: ExclOtherLive, sql: "EXISTS (SELECT 1 FROM campaign_enrolments e JOIN campaigns k ON k.id = e.campaign_id " +
			"WHERE e.agreement_id = a.id AND e.left_at IS NULL AND k.status = 'live' AND k.id <> ?)", args: []any{campaignID}}
	}
	c.otherLive = &p
	return c, nil
}

// compileDates writes the months-to-end and agreement-age rules. "Today"
// is the customer's: customers are grouped by time zone, and each group of
// zones whose today gives the same bounds gets one predicate. When every
// zone agrees (the usual case) no join with customers is needed.
func (s Store) compileDates(ctx context.Context, c *compiled, fin financierRow, a Audience, now time.Time) error {
	zones, err := s.timeZones(ctx, fin.ID)
	if err != nil {
		return err
	}
	boundsFor := func(tz string) tzBounds {
		today := dateIn(now, tz, fin.TimeZone)
		var b tzBounds
		if r := a.MonthsToEnd; r != nil {
			if r.Min != nil {
				b.endFrom = addMonths(today, *r.Min).Format(time.DateOnly)
			}
			if r.Max != nil {
				b.endTo = addMonths(today, *r.Max+1).Format(time.DateOnly)
			}
		}
		if r := a.AgreementAgeMonths; r != nil {
			if r.Min != nil {
				b.startTo = addMonths(today, -*r.Min).Format(time.DateOnly) // start <= this
			}
			if r.Max != nil {
				b.startFrom = addMonths(today, -(*r.Max + 1)).Format(time.DateOnly) // start > this
			}
		}
		return b
	}
	// Zones not seen when the list was read (a customer added since, or
	// beyond maxTimeZones) fall back to the financier's own zone.
	fallback := boundsFor(fin.TimeZone)
	groups := map[tzBounds][]string{}
	var order []tzBounds
	for _, z := range zones {
		b := boundsFor(z)
		if _, ok := groups[b]; !ok {
			order = append(order, b)
		}
		groups[b] = append(groups[b], z)
	}
	uniform := len(order) == 0 || (len(order) == 1 && order[0] == fallback)

	monthsPart := func(b tzBounds) (string, []any) {
		var conds []string
		var args []any
		if b.endFrom != "" {
			conds, args = append(conds, "a.end_date >= ?"), append(args, b.endFrom)
		}
		if b.endTo != "" {
			conds, args = append(conds, "a.end_date < ?"), append(args, b.endTo)
		}
		return strings.Join(conds, " AND "), args
	}
	agePart := func(b tzBounds) (string, []any) {
		var conds []string
		var args []any
		if b.startTo != "" {
			conds, args = append(conds, "a.start_date <= ?"), append(args, b.startTo)
		}
		if b.startFrom != "" {
			conds, args = append(conds, "a.start_date > ?"), append(args, b.startFrom)
		}
		return strings.Join(conds, " AND "), args
	}
	build := func(name string, part func(tzBounds) (string, []any)) {
		if uniform {
			sql, args := part(fallback)
			c.rules = append(c.rules, sqlPart{name: name, sql: "(" + sql + ")", args: args})
			return
		}
		var ors []string
		var args []any
		for _, b := range order {
			sql, a := part(b)
			ors = append(ors, "(c.time_zone IN ? AND "+sql+")")
			args = append(append(args, groups[b]), a...)
		}
		sql, a := part(fallback)
		ors = append(ors, "(c.time_zone NOT IN ? AND "+sql+")")
		args = append(append(args, zones), a...)
		c.rules = append(c.rules, sqlPart{name: name, sql: "(" + strings.Join(ors, " OR ") + ")", args: args})
		c.needCustomer = true
	}
	if a.MonthsToEnd != nil {
		build(RuleMonthsToEnd, monthsPart)
		// The envelope: the widest end-date bounds over all zones, so the
		// scan is an index range whatever the grouping.
		lo, hi := fallback.endFrom, fallback.endTo
		for _, b := range order {
			lo, hi = minDate(lo, b.endFrom), maxDate(hi, b.endTo)
		}
		if lo != "" {
			c.envelope = append(c.envelope, sqlPart{sql: "a.end_date >= ?", args: []any{lo}})
		}
		if hi != "" {
			c.envelope = append(c.envelope, sqlPart{sql: "a.end_date < ?", args: []any{hi}})
		}
	}
	if a.AgreementAgeMonths != nil {
		build(RuleAgreementAge, agePart)
	}
	return nil
}

func minDate(a, b string) string {
	if a == "" || b == "" {
		return ""
	}
	return min(a, b)
}

func maxDate(a, b string) string {
	if a == "" || b == "" {
		return ""
	}
	return max(a, b)
}

// from is the FROM clause: agreements a, with customers c and vehicles v
// joined when asked for.
func (c *compiled) from(customer, vehicle bool) string {
	s := "agreements a"
	if customer || c.needCustomer {
		s += " JOIN customers c ON c.id = a.customer_id"
	}
	if vehicle || c.needVehicle {
		s += " JOIN vehicles v ON v.id = a.vehicle_id"
	}
	return s
}

// where is the WHERE clause of the agreements the rules match; with
// candidates, only those active and in no other live campaign.
func (c *compiled) where(candidates bool) (string, []any) {
	conds := []string{"a.financier_id = ?"}
	args := []any{c.financierID}
	for _, p := range c.envelope {
		conds, args = append(conds, p.sql), append(args, p.args...)
	}
	for _, p := range c.rules {
		conds, args = append(conds, p.sql), append(args, p.args...)
	}
	if candidates {
		conds = append(conds, "a.status = 'active'")
		if c.otherLive != nil {
			conds, args = append(conds, "NOT "+c.otherLive.sql), append(args, c.otherLive.args...)
		}
	}
	return strings.Join(conds, " AND "), args
}

// reachable is the customer-level test of the count: no marketing basis
// first (it removes the most), then arrears or forbearance, then vulnerable
// or erased.
func (c *compiled) reachable(cid string) (string, []any) {
	basis := c.customer[len(c.customer)-1].on(cid)
	hasBasis := strings.TrimPrefix(basis.sql, "NOT ")
	return hasBasis + " AND NOT " + c.blocked.on(cid).sql + " AND NOT " + c.unreachable.on(cid).sql, basis.args
}

// reachableCustomer reports whether no customer-level exclusion applies to
// a customer now: arrears or forbearance, vulnerable, erased, no marketing
// basis.
func (s Store) reachableCustomer(ctx context.Context, fin financierRow, customerID int64, now time.Time) (bool, error) {
	c, err := s.compileAudience(ctx, fin, 0, Audience{IncludeOtherLiveCampaigns: true}, now)
	if err != nil {
		return false, err
	}
	reach, args := c.reachable("r.id")
	var n int64
	q := "SELECT COUNT(*) FROM customers r WHERE r.financier_id = ? AND r.id = ? AND " + reach
	if err := s.DB.WithContext(ctx).Raw(q, append([]any{fin.ID, customerID}, args...)...).Scan(&n).Error; err != nil {
		return false, fmt.Errorf("campaigns: reachable customer: %w", err)
	}
	return n == 1, nil
}

// otherLiveCampaigns reports whether the financier has a live campaign
// other than this one; without one the "other live campaign" test is false
// for every agreement and is left out of the query.
func (s Store) otherLiveCampaigns(ctx context.Context, financierID, campaignID int64) (bool, error) {
	var n int64
	err := s.DB.WithContext(ctx).Model(&Campaign{}).Where("financier_id = ? AND status = ? AND id <> ?", financierID, StatusLive, campaignID).
		Limit(1).Count(&n).Error
	if err != nil {
		return false, fmt.Errorf("campaigns: other live campaigns: %w", err)
	}
	return n > 0, nil
}

// pgAudienceSettings are set, for one transaction, around audience queries
// on PostgreSQL. Measured on a million agreements (docs/BENCHMARKS.md):
//   - jit off: the cost estimates trigger JIT, whose compilation (about
//     400 ms) took longer than the query;
//   - hash joins off: the planner hashes the whole consent table (about
//     200 ms) where merge joins over the customer-ordered candidates and
//     the partial indexes take a third of that;
//   - work_mem 64MB: grouping 100,000 candidates otherwise spills to disk;
//   - custom plans always: the driver prepares statements, and after five
//     runs PostgreSQL may switch to a generic plan that cannot see the
//     date range (measured: 120 ms became 600 ms).
var pgAudienceSettings = []string{"SET LOCAL jit = off", "SET LOCAL enable_hashjoin = off", "SET LOCAL work_mem = '64MB'",
	"SET LOCAL plan_cache_mode = force_custom_plan"}

// read runs audience queries: on PostgreSQL in a transaction with
// pgAudienceSettings (nested in the caller's when there is one); on SQLite
// as they are (a transaction would take the write lock).
func (s Store) read(ctx context.Context, fn func(Store) error) error {
	if s.DB.Dialector.Name() != db.DialectPostgres {
		return fn(s)
	}
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, q := range pgAudienceSettings {
			if err := tx.Exec(q).Error; err != nil {
				return fmt.Errorf("campaigns: %s: %w", q, err)
			}
		}
		return fn(Store{DB: tx})
	})
}

// timeZones lists the distinct time zones of a financier's customers by a
// loose index scan on (financier_id, time_zone): one index probe per zone,
// however many customers there are.
func (s Store) timeZones(ctx context.Context, financierID int64) ([]string, error) {
	const q = `WITH RECURSIVE tz(z, n) AS (
	SELECT MIN(time_zone), 1 FROM customers WHERE financier_id = ?
	UNION ALL
	SELECT (SELECT MIN(time_zone) FROM customers WHERE financier_id = ? AND time_zone > tz.z), n + 1
	FROM tz WHERE tz.z IS NOT NULL AND tz.n < ?
)
SELECT z FROM tz WHERE z IS NOT NULL`
	var zones []string
	if err := s.DB.WithContext(ctx).Raw(q, financierID, financierID, maxTimeZones).Scan(&zones).Error; err != nil {
		return nil, fmt.Errorf("campaigns: customer time zones: %w", err)
	}
	return zones, nil
}

// resolveDealers finds the showrooms in the financier's network with the
// codes or in the regions; any code or region not found is a 422.
func (s Store) resolveDealers(ctx context.Context, financierID int64, codes, regions []string) ([]int64, error) {
	type loc struct {
		ID     int64
		Code   string
		Region string
	}
	var locs []loc
	q := s.DB.WithContext(ctx).Table("dealer_locations dl").Select("dl.id, dl.code, dl.region").
		Joins("JOIN financier_dealers fd ON fd.dealer_location_id = dl.id AND fd.financier_id = ?", financierID)
	switch {
	case len(codes) > 0 && len(regions) > 0:
		q = q.Where("dl.code IN ? OR dl.region IN ?", codes, regions)
	case len(codes) > 0:
		q = q.Where("dl.code IN ?", codes)
	default:
		q = q.Where("dl.region IN ?", regions)
	}
	if err := q.Scan(&locs).Error; err != nil {
		return nil, fmt.Errorf("campaigns: resolve dealers: %w", err)
	}
	var check httpx.Check
	for _, code := range codes {
		if !slices.ContainsFunc(locs, func(l loc) bool { return l.Code == code }) {
			check.Add("audience.dealer_codes", "unknown", fmt.Sprintf("No showroom %s in your dealer network.", code))
		}
	}
	for _, r := range regions {
		if !slices.ContainsFunc(locs, func(l loc) bool { return l.Region == r }) {
			check.Add("audience.regions", "unknown", fmt.Sprintf("No showroom of your dealer network is in the region %q.", r))
		}
	}
	if err := check.Err(); err != nil {
		return nil, err
	}
	ids := make([]int64, len(locs))
	for i, l := range locs {
		ids[i] = l.ID
	}
	return ids, nil
}

// count is the number of customers in the audience: the candidate
// agreements grouped by customer (a sort, which SQLite does far faster than
// COUNT(DISTINCT)), then each customer probed once.
func (s Store) count(ctx context.Context, c *compiled) (int64, error) {
	where, args := c.where(true)
	reach, reachArgs := c.reachable("g.customer_id")
	q := "SELECT COUNT(*) FROM (SELECT a.customer_id FROM " + c.from(false, false) + " WHERE " + where +
		" GROUP BY a.customer_id) g WHERE " + reach
	var n int64
	err := s.read(ctx, func(st Store) error {
		return st.DB.WithContext(ctx).Raw(q, append(args, reachArgs...)...).Scan(&n).Error
	})
	if err != nil {
		return 0, fmt.Errorf("campaigns: count audience: %w", err)
	}
	return n, nil
}

// ExclusionCount is what one exclusion removed from the customers the rules
// matched, the exclusions applied one after another in checklist order.
type ExclusionCount struct {
	ExclusionInfo
	Applied bool  `json:"applied"`
	Removed int64 `json:"removed"`
}

// waterfall counts the customers the rules match and what each exclusion
// removes: each customer is labelled with the first exclusion that applies
// to them (0 for none), in one scan, and the labels are counted.
func (s Store) waterfall(ctx context.Context, c *compiled) (int64, []ExclusionCount, error) {
	free := "MAX(CASE WHEN a.status = 'active' THEN 1 ELSE 0 END)"
	var freeArgs []any
	if c.otherLive != nil {
		free = "MAX(CASE WHEN a.status = 'active' AND NOT " + c.otherLive.sql + " THEN 1 ELSE 0 END)"
		freeArgs = c.otherLive.args
	}
	label := "CASE WHEN g.active = 0 THEN 1"
	var labelArgs []any
	for i, p := range c.customer {
		p = p.on("g.customer_id")
		label += fmt.Sprintf(" WHEN %s THEN %d", p.sql, i+2)
		labelArgs = append(labelArgs, p.args...)
	}
	label += fmt.Sprintf(" WHEN g.free = 0 THEN %d ELSE 0 END", len(c.customer)+2)
	where, whereArgs := c.where(false)
	q := "SELECT w.f, COUNT(*) FROM (SELECT " + label + " AS f FROM (SELECT a.customer_id, " +
		"MAX(CASE WHEN a.status = 'active' THEN 1 ELSE 0 END) AS active, " + free + " AS free FROM " + c.from(false, false) +
		" WHERE " + where + " GROUP BY a.customer_id) g) w GROUP BY w.f"
	args := append(append(append([]any{}, labelArgs...), freeArgs...), whereArgs...)
	type row struct {
		F int
		N int64
	}
	var rows []row
	err := s.read(ctx, func(st Store) error {
		r, err := st.DB.WithContext(ctx).Raw(q, args...).Rows()
		if err != nil {
			return err
		}
		defer r.Close()
		for r.Next() {
			var x row
			if err := r.Scan(&x.F, &x.N); err != nil {
				return err
			}
			rows = append(rows, x)
		}
		return r.Err()
	})
	if err != nil {
		return 0, nil, fmt.Errorf("campaigns: audience exclusions: %w", err)
	}
	byLabel := map[int]int64{}
	var total int64
	for _, r := range rows {
		byLabel[r.F] = r.N
		total += r.N
	}
	// Labels: 1 not active, 2.. the customer-level ones in order, then other
	// live campaign; Exclusions lists them in the same order.
	out := make([]ExclusionCount, 0, len(Exclusions))
	for i, info := range Exclusions {
		applied := !slices.Contains(c.switchedOff, info.Name)
		out = append(out, ExclusionCount{ExclusionInfo: info, Applied: applied, Removed: byLabel[i+1]})
	}
	return total, out, nil
}

// SampleCustomer is one matching customer as a preview shows them, through
// the agreement that would enrol them.
type SampleCustomer struct {
	CustomerID      int64  `json:"customer_id"`
	CustomerRef     string `json:"customer_ref"`
	FirstName       string `json:"first_name"`
	LastName        string `json:"last_name"`
	AgreementID     int64  `json:"agreement_id"`
	AgreementNumber string `json:"agreement_number"`
	Product         string `json:"product"`
	EndDate         string `json:"end_date"`
	MonthsLeft      int    `json:"months_left"`
	Make            string `json:"make"`
	Model           string `json:"model"`
	DealerName      string `json:"dealer_name"`
	TimeZone        string `json:"-"`
}

// sample returns up to n customers of the audience, soonest ending first,
// each through the agreement that ends first. It reads agreements in
// end-date order and stops early, so it costs little whatever the size.
func (s Store) sample(ctx context.Context, c *compiled, n int, now time.Time, fallbackTZ string) ([]SampleCustomer, error) {
	where, args := c.where(true)
	reach, reachArgs := c.reachable("a.customer_id")
	q := `SELECT a.id AS agreement_id, a.customer_id, c.customer_ref, c.first_name, c.last_name, c.time_zone,
	a.agreement_number, a.product, a.end_date, v.make, v.model, COALESCE(dl.name, '') AS dealer_name
FROM ` + c.from(true, true) + ` LEFT JOIN dealer_locations dl ON dl.id = a.dealer_location_id
WHERE ` + where + ` AND ` + reach + ` ORDER BY a.end_date, a.id LIMIT ` + strconv.Itoa(sampleScanLimit)
	var rows []SampleCustomer
	err := s.read(ctx, func(st Store) error {
		// The limit is written into the statement so that PostgreSQL plans
		// for it (a streaming scan in end-date order), as it cannot for a
		// parameter in a generic plan.
		return st.DB.WithContext(ctx).Raw(q, append(args, reachArgs...)...).Scan(&rows).Error
	})
	if err != nil {
		return nil, fmt.Errorf("campaigns: audience sample: %w", err)
	}
	out := make([]SampleCustomer, 0, n)
	seen := map[int64]bool{}
	for _, r := range rows {
		if seen[r.CustomerID] {
			continue
		}
		seen[r.CustomerID] = true
		r.MonthsLeft = monthsLeft(dateIn(now, r.TimeZone, fallbackTZ), r.EndDate)
		out = append(out, r)
		if len(out) == n {
			break
		}
	}
	return out, nil
}

// AgreementCheck is how one of a customer's agreements fares against the
// rules and the exclusions.
type AgreementCheck struct {
	AgreementID     int64          `json:"agreement_id"`
	AgreementNumber string         `json:"agreement_number"`
	Matches         bool           `json:"matches"`
	Rules           []RuleResult   `json:"rules"`
	Exclusions      []ExclusionHit `json:"exclusions"`
}

// RuleResult is one rule tested on one agreement.
type RuleResult struct {
	Rule   string `json:"rule"`
	Passed bool   `json:"passed"`
}

// ExclusionHit is one exclusion tested on one agreement.
type ExclusionHit struct {
	ExclusionInfo
	Applies bool `json:"applies"`
}

// checkAgreements evaluates every rule and exclusion, one by one, on each of
// a customer's agreements, with the same SQL the count uses.
func (s Store) checkAgreements(ctx context.Context, c *compiled, customerID int64) ([]AgreementCheck, error) {
	cols := []string{"a.id", "a.agreement_number"}
	var args []any
	for _, p := range c.rules {
		cols = append(cols, "CASE WHEN "+p.sql+" THEN 1 ELSE 0 END")
		args = append(args, p.args...)
	}
	excl := c.exclusions("a.customer_id")
	for _, p := range excl {
		cols = append(cols, "CASE WHEN "+p.sql+" THEN 1 ELSE 0 END")
		args = append(args, p.args...)
	}
	q := "SELECT " + strings.Join(cols, ", ") + " FROM " + c.from(true, true) +
		" WHERE a.financier_id = ? AND a.customer_id = ? ORDER BY a.end_date, a.id"
	args = append(args, c.financierID, customerID)
	rows, err := s.DB.WithContext(ctx).Raw(q, args...).Rows()
	if err != nil {
		return nil, fmt.Errorf("campaigns: explain audience: %w", err)
	}
	defer rows.Close()
	var out []AgreementCheck
	for rows.Next() {
		var ac AgreementCheck
		flags := make([]int64, len(c.rules)+len(excl))
		ptrs := []any{&ac.AgreementID, &ac.AgreementNumber}
		for i := range flags {
			ptrs = append(ptrs, &flags[i])
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("campaigns: explain audience: scan: %w", err)
		}
		ac.Matches = true
		ac.Rules = []RuleResult{}
		for i, p := range c.rules {
			ok := flags[i] == 1
			ac.Rules = append(ac.Rules, RuleResult{Rule: p.name, Passed: ok})
			ac.Matches = ac.Matches && ok
		}
		ac.Exclusions = []ExclusionHit{}
		for i, p := range excl {
			hit := flags[len(c.rules)+i] == 1
			ac.Exclusions = append(ac.Exclusions, ExclusionHit{ExclusionInfo: exclusionInfo(p.name), Applies: hit})
			ac.Matches = ac.Matches && !hit
		}
		out = append(out, ac)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("campaigns: explain audience: %w", err)
	}
	return out, nil
}

// exclusions lists every exclusion that applies, in checklist order, as
// predicates over agreement a and the customer id expression cid.
func (c *compiled) exclusions(cid string) []sqlPart {
	out := []sqlPart{notActive}
	for _, p := range c.customer {
		out = append(out, p.on(cid))
	}
	if c.otherLive != nil {
		out = append(out, *c.otherLive)
	}
	return out
}

func exclusionInfo(name string) ExclusionInfo {
	for _, e := range Exclusions {
		if e.Name == name {
			return e
		}
	}
	return ExclusionInfo{Name: name, Label: name}
}

// enrolNewcomers enrols every customer of the audience not yet enrolled in
// the campaign (now or before: once per campaign), through their candidate
// agreement that ends first. It returns how many it enrolled.
func (s Store) enrolNewcomers(ctx context.Context, c *compiled, campaignID int64, now time.Time) (int64, error) {
	where, args := c.where(true)
	reach, reachArgs := c.reachable("m.customer_id")
	// The ids are written into the statement: PostgreSQL would type
	// parameters in a SELECT list as text, which a bigint column refuses.
	q := `INSERT INTO campaign_enrolments (financier_id, campaign_id, customer_id, agreement_id, enrolled_at, left_reason)
SELECT ` + strconv.FormatInt(c.financierID, 10) + `, ` + strconv.FormatInt(campaignID, 10) + `, m.customer_id, m.agreement_id, ` + s.timeParam() + `, ''
FROM (SELECT a.customer_id, a.id AS agreement_id,
             ROW_NUMBER() OVER (PARTITION BY a.customer_id ORDER BY a.end_date, a.id) AS rn
      FROM ` + c.from(false, false) + ` WHERE ` + where + `) m
WHERE m.rn = 1 AND ` + reach + `
  AND NOT EXISTS (SELECT 1 FROM campaign_enrolments e WHERE e.campaign_id = ? AND e.customer_id = m.customer_id)`
	all := append(append(append([]any{now.UTC()}, args...), reachArgs...), campaignID)
	res := s.DB.WithContext(ctx).Exec(q, all...)
	if res.Error != nil {
		return 0, fmt.Errorf("campaigns: enrol newcomers: %w", res.Error)
	}
	return res.RowsAffected, nil
}

// leaver is an enrolment whose agreement no longer matches, with why.
type leaver struct {
	ID     int64
	Reason string
}

// leavers finds the campaign's current enrolments whose agreement no longer
// matches, each with the first exclusion that now applies, or
// "no_longer_matches" when a rule fails.
func (s Store) leavers(ctx context.Context, c *compiled, campaignID int64) ([]leaver, error) {
	reason := "CASE WHEN a.id IS NULL THEN '" + LeftAgreementGone + "'"
	var args []any
	for _, p := range c.exclusions("a.customer_id") {
		// Being in another live campaign keeps an agreement out, but does
		// not take one out that is already in.
		if p.name == ExclOtherLive {
			continue
		}
		reason += " WHEN " + p.sql + " THEN '" + p.name + "'"
		args = append(args, p.args...)
	}
	for _, p := range append(append([]sqlPart{}, c.envelope...), c.rules...) {
		reason += " WHEN NOT (CASE WHEN " + p.sql + " THEN 1 ELSE 0 END = 1) THEN '" + LeftNoLongerMatches + "'"
		args = append(args, p.args...)
	}
	reason += " ELSE '' END"
	q := `SELECT e.id, ` + reason + ` AS reason
FROM campaign_enrolments e
LEFT JOIN agreements a ON a.id = e.agreement_id
LEFT JOIN customers c ON c.id = a.customer_id
LEFT JOIN vehicles v ON v.id = a.vehicle_id
WHERE e.campaign_id = ? AND e.left_at IS NULL`
	var all []leaver
	if err := s.DB.WithContext(ctx).Raw(q, append(args, campaignID)...).Scan(&all).Error; err != nil {
		return nil, fmt.Errorf("campaigns: find leavers: %w", err)
	}
	out := all[:0]
	for _, l := range all {
		if l.Reason != "" {
			out = append(out, l)
		}
	}
	return out, nil
}
