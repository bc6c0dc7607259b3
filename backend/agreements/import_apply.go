package agreements

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/keyturn/keyturn/backend/privacy"
)

// importBatchRows is how many rows a batch holds. A batch is the unit of
// memory (an import holds at most three: one being read, one waiting, one
// being written) and is applied inside one transaction (on SQLite with the
// batches after it, see Imports.apply): a row is written whole or not at
// all, and a retried job resumes after the last committed batch.
const importBatchRows = 10000

// Issue kinds, as stored.
const (
	issueRejected = "rejected"
	issueWarning  = "warning"
)

// Audit actions written by imports.
const (
	ActionImported       = "agreements.imported"
	ActionImportRefused  = "agreements.import_refused"
	ActionAgreementByImp = "agreement.updated_by_import"
)

// Wording version of consents recorded from a file: the financier's own
// record of what the customer agreed to.
const importConsentWording = "financier-file"

type batchIssue struct {
	kind string
	Issue
}

// batch is a run of consecutive records: the valid rows and the issues of
// the others, up to the line it ends on.
type batch struct {
	rows      []importRow
	issues    []batchIssue
	seen      int // data records, valid or not
	lastLine  int
	bytesDone int64
}

// progress is an import's running totals, saved with each batch so that a
// retried job carries on from them.
type progress struct {
	LinesDone                                              int
	BytesDone                                              int64
	Rows, Inserted, Updated, Unchanged, Rejected, Warnings int
}

// readBatches checks records into batches of size rows and sends them on
// out, skipping records up to line skipTo (already applied by an earlier
// attempt).
func readBatches(ctx context.Context, src recordSource, chk *rowChecker, skipTo, size int, out chan<- *batch) error {
	var rec [numColumns]string
	b := &batch{}
	send := func() error {
		select {
		case out <- b:
			b = &batch{}
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	for {
		line, issue, err := src.next(&rec)
		if errors.Is(err, io.EOF) {
			if b.seen > 0 {
				return send()
			}
			return nil
		}
		if err != nil {
			return fmt.Errorf("agreements: read import: %w", err)
		}
		if line <= skipTo {
			continue
		}
		b.seen++
		b.lastLine = line
		if issue == nil {
			var row importRow
			row, issue = chk.check(line, &rec)
			if issue == nil {
				b.rows = append(b.rows, row)
			}
		}
		if issue != nil {
			b.issues = append(b.issues, batchIssue{kind: issueRejected, Issue: *issue})
		}
		b.bytesDone = src.consumed()
		if len(b.rows)+len(b.issues) >= size {
			if err := send(); err != nil {
				return err
			}
		}
	}
}

// applier writes batches of one import.
type applier struct {
	imp     *Import
	dbx     *importDB
	dealers map[string]int64
	now     time.Time
	audit   privacy.Audit
	zones   map[string]*time.Location
	totals  progress
}

// custState is a customer as the batch goes: as stored, then as each row
// leaves it.
type custState struct {
	id     int64
	isNew  bool
	erased bool
	// seen: a row of this file has already loaded the customer (in this
	// batch, or in an earlier one: the stored last import is this one).
	seen bool
	// dirty: to update (or insert); touch: first seen in this batch and
	// unchanged, so only stamped with the import.
	dirty, touch bool
	cur          customerFields
	consents     [3]consentState
}

// consentState is one channel's marketing consent of a customer.
type consentState struct {
	active  []int64 // ids of consents in force before the batch
	now     bool
	givenAt time.Time
}

// storedAgreement is an agreement and its vehicle as stored.
type storedAgreement struct {
	id, customerID, vehicleID int64
	dealerID                  *int64
	a                         agreementFields
	v                         vehicleFields
	valuedAt                  *time.Time
	basis                     string
	lastImport                *int64
}

// agreementPlan is what a batch does with one row's agreement.
type agreementPlan struct {
	row       *importRow
	cust      *custState
	stored    *storedAgreement
	id        int64
	vehicleID int64
	dealerID  *int64
	valuedAt  *time.Time
	eq        equityResult
	// What to write: a new agreement and vehicle, or updates of them, or
	// only the equity, or nothing (the agreement is stamped as seen).
	writeAgreement, writeVehicle, writeEquity bool
	changed                                   []string
}

var (
	customersTable = table{"customers", []string{"id", "financier_id", "customer_ref", "first_name", "last_name", "email", "mobile",
		"date_of_birth", "postcode", "time_zone", "vulnerable", "last_import_id", "created_at", "updated_at"}}
	vehiclesTable = table{"vehicles", []string{"id", "financier_id", "make", "model", "derivative", "registration", "first_registered",
		"current_mileage", "valuation", "valued_at", "created_at", "updated_at"}}
	agreementsTable = table{"agreements", []string{"id", "financier_id", "customer_id", "vehicle_id", "dealer_location_id",
		"agreement_number", "product", "status", "start_date", "end_date", "term_months", "monthly_payment", "deposit",
		"amount_of_credit", "apr", "optional_final_payment", "annual_mileage", "in_arrears", "forbearance", "settlement_figure",
		"equity", "equity_basis", "equity_computed_at", "last_import_id", "created_at", "updated_at"}}
	consentsTable = table{"consents", []string{"financier_id", "customer_id", "channel", "purpose", "basis", "source",
		"wording_version", "given_at", "created_at"}}
	issuesTable = table{"import_issues", []string{"import_id", "kind", "line", "column_name", "message"}}
)

const (
	updateCustomerSQL = "UPDATE customers SET first_name = ?, last_name = ?, email = ?, mobile = ?, date_of_birth = ?, postcode = ?, " +
		"time_zone = ?, vulnerable = ?, last_import_id = ?, updated_at = ? WHERE id = ? AND financier_id = ?"
	updateVehicleSQL = "UPDATE vehicles SET make = ?, model = ?, derivative = ?, registration = ?, first_registered = ?, " +
		"current_mileage = ?, valuation = ?, valued_at = ?, updated_at = ? WHERE id = ? AND financier_id = ?"
	updateAgreementSQL = "UPDATE agreements SET customer_id = ?, dealer_location_id = ?, product = ?, status = ?, start_date = ?, " +
		"end_date = ?, term_months = ?, monthly_payment = ?, deposit = ?, amount_of_credit = ?, apr = ?, optional_final_payment = ?, " +
		"annual_mileage = ?, in_arrears = ?, forbearance = ?, settlement_figure = ?, equity = ?, equity_basis = ?, " +
		"equity_computed_at = ?, last_import_id = ?, updated_at = ? WHERE id = ? AND financier_id = ?"
	updateEquitySQL = "UPDATE agreements SET settlement_figure = ?, equity = ?, equity_basis = ?, equity_computed_at = ?, " +
		"last_import_id = ? WHERE id = ? AND financier_id = ?"
	saveProgressSQL = "UPDATE imports SET lines_done = ?, bytes_done = ?, rows = ?, inserted = ?, updated = ?, unchanged = ?, " +
		"rejected = ?, warnings = ?, updated_at = ? WHERE id = ?"
)

func (ap *applier) issue(b *batch, kind string, line, col int, msg string) {
	b.issues = append(b.issues, batchIssue{kind: kind, Issue: Issue{Line: line, Column: columnName(col), Message: msg}})
}

// writeBatch applies one batch inside the current transaction.
func (ap *applier) writeBatch(ctx context.Context, b *batch) error {
	fid := ap.imp.FinancierID
	// An agreement number twice in one batch: the first row stands.
	first := make(map[string]int, len(b.rows))
	rows := make([]*importRow, 0, len(b.rows))
	refs := make([]string, 0, len(b.rows))
	nums := make([]string, 0, len(b.rows))
	seenRef := make(map[string]bool, len(b.rows))
	for i := range b.rows {
		r := &b.rows[i]
		if l, dup := first[r.agreement.Number]; dup {
			ap.issue(b, issueRejected, r.line, colAgreementNumber, "This agreement number is already on line "+strconv.Itoa(l)+"; each agreement may appear once in a file.")
			continue
		}
		first[r.agreement.Number] = r.line
		rows = append(rows, r)
		nums = append(nums, r.agreement.Number)
		if !seenRef[r.customer.Ref] {
			seenRef[r.customer.Ref] = true
			refs = append(refs, r.customer.Ref)
		}
	}

	custs, err := ap.loadCustomers(ctx, fid, refs)
	if err != nil {
		return err
	}
	stored, err := ap.loadAgreements(ctx, fid, nums)
	if err != nil {
		return err
	}
	if err := ap.loadConsents(ctx, fid, custs); err != nil {
		return err
	}

	var (
		newCusts []*custState
		plans    = make([]agreementPlan, 0, len(rows))
	)
	for _, r := range rows {
		st := stored[r.agreement.Number]
		cs := custs[r.customer.Ref]
		switch {
		case st != nil && st.lastImport != nil && *st.lastImport == ap.imp.ID:
			ap.issue(b, issueRejected, r.line, colAgreementNumber, "This agreement number appears earlier in the file; each agreement may appear once in a file.")
			continue
		case cs != nil && cs.erased:
			ap.issue(b, issueRejected, r.line, colCustomerRef, "This customer's data was erased at their request, so Keyturn does not load it again.")
			continue
		}
		p := agreementPlan{row: r, stored: st, cust: cs}
		switch {
		case cs == nil:
			cs = &custState{isNew: true, dirty: true, seen: true, cur: r.customer}
			custs[r.customer.Ref] = cs
			newCusts = append(newCusts, cs)
			p.cust = cs
			ap.consents(b, r, cs, &p)
		case !cs.seen:
			cs.seen = true
			if diff := customerDiff(cs.cur, r.customer); len(diff) > 0 {
				cs.cur, cs.dirty = r.customer, true
				p.changed = append(p.changed, diff...)
			} else {
				cs.touch = true
			}
			ap.consents(b, r, cs, &p)
		case len(customerDiff(cs.cur, r.customer)) > 0 || consentsDiffer(r, cs):
			// The customer's first row in the file decides their details
			// and consents, so that loading the file again changes nothing.
			ap.issue(b, issueWarning, r.line, colCustomerRef, "This customer's details or consents differ from their first row in this file; the first row's are kept.")
		}

		if r.dealerCode != "" {
			if id, ok := ap.dealers[r.dealerCode]; ok {
				p.dealerID = &id
			} else {
				ap.issue(b, issueWarning, r.line, colDealerCode, "No showroom with this dealer code is in your dealer network; the agreement was loaded without a dealer.")
			}
		}
		ap.planAgreement(&p)
		plans = append(plans, p)
	}

	// New rows get their ids now, so every row knows its neighbours' ids.
	if err := ap.assignIDs(ctx, newCusts, plans); err != nil {
		return err
	}
	if err := ap.writeCustomers(ctx, fid, custs, newCusts); err != nil {
		return err
	}
	if err := ap.writeAgreements(ctx, fid, plans); err != nil {
		return err
	}
	if err := ap.writeConsents(ctx, fid, custs); err != nil {
		return err
	}
	if err := ap.writeIssues(ctx, b); err != nil {
		return err
	}
	if err := ap.writeAudit(ctx, plans); err != nil {
		return err
	}
	ap.count(b, plans)
	t := ap.totals
	if err := ap.dbx.exec(ctx, saveProgressSQL, t.LinesDone, t.BytesDone, t.Rows, t.Inserted, t.Updated, t.Unchanged,
		t.Rejected, t.Warnings, ap.now, ap.imp.ID); err != nil {
		return fmt.Errorf("agreements: save import progress: %w", err)
	}
	return nil
}

// consents applies a row's consent columns to its customer: true records
// consent unless one is in force, false withdraws the one in force, empty
// changes nothing.
func (ap *applier) consents(b *batch, r *importRow, cs *custState, p *agreementPlan) {
	for ch, v := range r.consent {
		st := &cs.consents[ch]
		switch {
		case v == consentYes && !st.now:
			st.now = true
			st.givenAt = ap.now
			if r.consentDate != "" {
				st.givenAt = ap.startOfDay(r.consentDate, cs.cur.TimeZone)
			} else {
				ap.issue(b, issueWarning, r.line, colConsentDate, "No consent date: the consent is recorded as given on the day of this import.")
			}
			p.changed = append(p.changed, "consent_"+consentChannels[ch])
		case v == consentNo && st.now:
			st.now = false
			p.changed = append(p.changed, "consent_"+consentChannels[ch])
		}
	}
}

// consentsDiffer reports whether a row's consent columns say otherwise than
// the customer's consents as they stand.
func consentsDiffer(r *importRow, cs *custState) bool {
	for ch, v := range r.consent {
		if (v == consentYes && !cs.consents[ch].now) || (v == consentNo && cs.consents[ch].now) {
			return true
		}
	}
	return false
}

// startOfDay is midnight of a date in a time zone, in UTC.
func (ap *applier) startOfDay(date, zone string) time.Time {
	loc, ok := ap.zones[zone]
	if !ok {
		var err error
		if loc, err = time.LoadLocation(zone); err != nil {
			loc = time.UTC
		}
		ap.zones[zone] = loc
	}
	t, err := time.ParseInLocation(time.DateOnly, date, loc)
	if err != nil {
		return ap.now
	}
	return t.UTC()
}

// planAgreement decides what to write for a row's agreement and vehicle.
func (ap *applier) planAgreement(p *agreementPlan) {
	r := p.row
	st := p.stored
	if st == nil {
		p.writeAgreement, p.writeVehicle, p.writeEquity = true, true, true
		if r.vehicle.Valuation != nil {
			p.valuedAt = &ap.now
		}
		p.eq = r.eq
		return
	}
	p.id, p.vehicleID, p.valuedAt = st.id, st.vehicleID, st.valuedAt
	aDiff := agreementDiff(st, r)
	if p.cust.isNew || p.cust.id != st.customerID {
		aDiff = append(aDiff, "customer_ref")
	}
	if !sameInt(st.dealerID, p.dealerID) {
		aDiff = append(aDiff, "dealer_code")
	}
	vDiff := vehicleDiff(st.v, r.vehicle)
	if slices.Contains(vDiff, "valuation") {
		p.valuedAt = nil
		if r.vehicle.Valuation != nil {
			p.valuedAt = &ap.now
		}
	}
	p.changed = append(p.changed, aDiff...)
	p.changed = append(p.changed, vDiff...)
	switch {
	case len(aDiff) > 0 || len(vDiff) > 0:
		p.writeAgreement, p.writeVehicle = true, len(vDiff) > 0
		p.eq = r.eq
	case st.basis == "":
		// Stored without equity (loaded before imports computed it):
		// computed now, which does not count as a change of the row.
		p.writeEquity = true
		p.eq = r.eq
	}
}

func (ap *applier) assignIDs(ctx context.Context, newCusts []*custState, plans []agreementPlan) error {
	ids, err := ap.dbx.ids(ctx, "customers", len(newCusts))
	if err != nil {
		return fmt.Errorf("agreements: %w", err)
	}
	for i, cs := range newCusts {
		cs.id = ids[i]
	}
	n := 0
	for i := range plans {
		if plans[i].stored == nil {
			n++
		}
	}
	vids, err := ap.dbx.ids(ctx, "vehicles", n)
	if err != nil {
		return fmt.Errorf("agreements: %w", err)
	}
	aids, err := ap.dbx.ids(ctx, "agreements", n)
	if err != nil {
		return fmt.Errorf("agreements: %w", err)
	}
	k := 0
	for i := range plans {
		if plans[i].stored == nil {
			plans[i].vehicleID, plans[i].id = vids[k], aids[k]
			k++
		}
	}
	return nil
}

func (ap *applier) writeCustomers(ctx context.Context, fid int64, custs map[string]*custState, newCusts []*custState) error {
	now := any(ap.now)
	fidV := any(fid)
	impID := any(ap.imp.ID)
	err := ap.dbx.insert(ctx, customersTable, len(newCusts), func(i int, dst []any) {
		c := newCusts[i]
		f := &c.cur
		dst[0], dst[1], dst[2], dst[3], dst[4], dst[5], dst[6] = c.id, fidV, f.Ref, f.FirstName, f.LastName, f.Email, f.Mobile
		dst[7], dst[8], dst[9], dst[10], dst[11], dst[12], dst[13] = f.DateOfBirth, f.Postcode, f.TimeZone, f.Vulnerable, impID, now, now
	})
	if err != nil {
		return fmt.Errorf("agreements: %w", err)
	}
	var touched []int64
	for _, c := range custs {
		switch {
		case c.isNew:
		case c.dirty:
			f := &c.cur
			if err := ap.dbx.exec(ctx, updateCustomerSQL, f.FirstName, f.LastName, f.Email, f.Mobile, f.DateOfBirth, f.Postcode,
				f.TimeZone, f.Vulnerable, ap.imp.ID, ap.now, c.id, fid); err != nil {
				return fmt.Errorf("agreements: update customer: %w", err)
			}
		case c.touch:
			touched = append(touched, c.id)
		}
	}
	if len(touched) > 0 {
		slices.Sort(touched)
		if err := ap.dbx.exec(ctx, "UPDATE customers SET last_import_id = ? WHERE financier_id = ? AND "+ap.dbx.in("id"),
			ap.imp.ID, fid, list(ap.dbx, touched)); err != nil {
			return fmt.Errorf("agreements: stamp customers: %w", err)
		}
	}
	return nil
}

func (ap *applier) writeAgreements(ctx context.Context, fid int64, plans []agreementPlan) error {
	var fresh []*agreementPlan
	for i := range plans {
		if plans[i].stored == nil {
			fresh = append(fresh, &plans[i])
		}
	}
	now := any(ap.now)
	fidV := any(fid)
	err := ap.dbx.insert(ctx, vehiclesTable, len(fresh), func(i int, dst []any) {
		p := fresh[i]
		v := &p.row.vehicle
		dst[0], dst[1], dst[2], dst[3], dst[4], dst[5] = p.vehicleID, fidV, v.Make, v.Model, v.Derivative, v.Registration
		dst[6], dst[7], dst[8], dst[9], dst[10], dst[11] = v.FirstRegistered, v.CurrentMileage, v.Valuation, p.valuedAt, now, now
	})
	if err != nil {
		return fmt.Errorf("agreements: %w", err)
	}
	impID := any(ap.imp.ID)
	err = ap.dbx.insert(ctx, agreementsTable, len(fresh), func(i int, dst []any) {
		p := fresh[i]
		a := &p.row.agreement
		dst[0], dst[1], dst[2], dst[3], dst[4], dst[5] = p.id, fidV, p.cust.id, p.vehicleID, p.dealerID, a.Number
		dst[6], dst[7], dst[8], dst[9], dst[10], dst[11] = a.Product, a.Status, a.StartDate, a.EndDate, a.TermMonths, a.MonthlyPayment
		dst[12], dst[13], dst[14], dst[15], dst[16] = a.Deposit, a.AmountOfCredit, a.APR, a.OptionalFinalPayment, a.AnnualMileage
		dst[17], dst[18], dst[19], dst[20], dst[21] = a.InArrears, a.Forbearance, p.eq.SettlementFigure, p.eq.Equity, p.eq.Basis
		dst[22], dst[23], dst[24], dst[25] = now, impID, now, now
	})
	if err != nil {
		return fmt.Errorf("agreements: %w", err)
	}

	var seen []int64
	for i := range plans {
		p := &plans[i]
		if p.stored == nil {
			continue
		}
		a, v := &p.row.agreement, &p.row.vehicle
		if p.writeVehicle {
			if err := ap.dbx.exec(ctx, updateVehicleSQL, v.Make, v.Model, v.Derivative, v.Registration, v.FirstRegistered,
				v.CurrentMileage, v.Valuation, p.valuedAt, ap.now, p.vehicleID, fid); err != nil {
				return fmt.Errorf("agreements: update vehicle: %w", err)
			}
		}
		switch {
		case p.writeAgreement:
			if err := ap.dbx.exec(ctx, updateAgreementSQL, p.cust.id, p.dealerID, a.Product, a.Status, a.StartDate, a.EndDate,
				a.TermMonths, a.MonthlyPayment, a.Deposit, a.AmountOfCredit, a.APR, a.OptionalFinalPayment, a.AnnualMileage,
				a.InArrears, a.Forbearance, p.eq.SettlementFigure, p.eq.Equity, p.eq.Basis, ap.now, ap.imp.ID, ap.now,
				p.id, fid); err != nil {
				return fmt.Errorf("agreements: update agreement: %w", err)
			}
		case p.writeEquity:
			if err := ap.dbx.exec(ctx, updateEquitySQL, p.eq.SettlementFigure, p.eq.Equity, p.eq.Basis, ap.now, ap.imp.ID,
				p.id, fid); err != nil {
				return fmt.Errorf("agreements: update equity: %w", err)
			}
		default:
			seen = append(seen, p.id)
		}
	}
	if len(seen) > 0 {
		// Unchanged agreements are stamped with this import, so that the same
		// number later in the file is recognised as a repeat.
		if err := ap.dbx.exec(ctx, "UPDATE agreements SET last_import_id = ? WHERE financier_id = ? AND "+ap.dbx.in("id"),
			ap.imp.ID, fid, list(ap.dbx, seen)); err != nil {
			return fmt.Errorf("agreements: stamp agreements: %w", err)
		}
	}
	return nil
}

func (ap *applier) writeConsents(ctx context.Context, fid int64, custs map[string]*custState) error {
	type grant struct {
		customerID int64
		channel    string
		givenAt    time.Time
	}
	var grants []grant
	var withdrawn []int64
	for _, c := range custs {
		for ch := range c.consents {
			st := &c.consents[ch]
			was := len(st.active) > 0
			switch {
			case st.now && !was:
				grants = append(grants, grant{c.id, consentChannels[ch], st.givenAt})
			case !st.now && was:
				withdrawn = append(withdrawn, st.active...)
			}
		}
	}
	// Map order must not decide the ledger's order.
	slices.SortFunc(grants, func(a, b grant) int {
		if a.customerID != b.customerID {
			return int(a.customerID - b.customerID)
		}
		return cmpString(a.channel, b.channel)
	})
	now := any(ap.now)
	fidV := any(fid)
	err := ap.dbx.insert(ctx, consentsTable, len(grants), func(i int, dst []any) {
		g := grants[i]
		dst[0], dst[1], dst[2], dst[3], dst[4] = fidV, g.customerID, g.channel, privacy.PurposeFinancierMarketing, privacy.BasisConsent
		dst[5], dst[6], dst[7], dst[8] = "import", importConsentWording, g.givenAt, now
	})
	if err != nil {
		return fmt.Errorf("agreements: %w", err)
	}
	if len(withdrawn) > 0 {
		if err := ap.dbx.exec(ctx, "UPDATE consents SET withdrawn_at = ? WHERE financier_id = ? AND withdrawn_at IS NULL AND "+
			ap.dbx.in("id"), ap.now, fid, list(ap.dbx, withdrawn)); err != nil {
			return fmt.Errorf("agreements: withdraw consents: %w", err)
		}
	}
	return nil
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (ap *applier) writeIssues(ctx context.Context, b *batch) error {
	slices.SortStableFunc(b.issues, func(x, y batchIssue) int { return x.Line - y.Line })
	impID := any(ap.imp.ID)
	err := ap.dbx.insert(ctx, issuesTable, len(b.issues), func(i int, dst []any) {
		is := &b.issues[i]
		dst[0], dst[1], dst[2], dst[3], dst[4] = impID, is.kind, is.Line, is.Column, is.Message
	})
	if err != nil {
		return fmt.Errorf("agreements: %w", err)
	}
	return nil
}

// writeAudit records, for each agreement the file changed, the names of the
// fields that changed (never their values: most are personal).
func (ap *applier) writeAudit(ctx context.Context, plans []agreementPlan) error {
	for i := range plans {
		p := &plans[i]
		if p.stored == nil || len(p.changed) == 0 {
			continue
		}
		fields := slices.Clone(p.changed)
		slices.Sort(fields)
		fields = slices.Compact(fields)
		fid := ap.imp.FinancierID
		e := privacy.Entry{FinancierID: &fid, ActorKind: ap.imp.ActorKind, ActorID: ap.imp.ActorID, Action: ActionAgreementByImp,
			ObjectType: "agreement", ObjectID: strconv.FormatInt(p.id, 10), Fields: fields, IP: ap.imp.IP, RequestID: ap.imp.RequestID}
		if err := ap.audit.Append(ctx, ap.dbx.g, e); err != nil {
			return err
		}
	}
	return nil
}

func (ap *applier) count(b *batch, plans []agreementPlan) {
	t := &ap.totals
	t.LinesDone, t.BytesDone = b.lastLine, b.bytesDone
	t.Rows += b.seen
	for _, is := range b.issues {
		if is.kind == issueRejected {
			t.Rejected++
		} else {
			t.Warnings++
		}
	}
	for i := range plans {
		switch p := &plans[i]; {
		case p.stored == nil:
			t.Inserted++
		case len(p.changed) > 0:
			t.Updated++
		default:
			t.Unchanged++
		}
	}
}

func (ap *applier) loadCustomers(ctx context.Context, fid int64, refs []string) (map[string]*custState, error) {
	out := make(map[string]*custState, len(refs))
	if len(refs) == 0 {
		return out, nil
	}
	q := "SELECT id, customer_ref, first_name, last_name, email, mobile, date_of_birth, postcode, time_zone, vulnerable, " +
		"erased_at IS NOT NULL, last_import_id FROM customers WHERE financier_id = ? AND " + ap.dbx.in("customer_ref")
	err := ap.dbx.query(ctx, q, []any{fid, list(ap.dbx, refs)}, func(r rows) error {
		c := &custState{}
		f := &c.cur
		var last *int64
		if err := r.Scan(&c.id, &f.Ref, &f.FirstName, &f.LastName, &f.Email, &f.Mobile, &f.DateOfBirth, &f.Postcode,
			&f.TimeZone, &f.Vulnerable, &c.erased, &last); err != nil {
			return err
		}
		c.seen = last != nil && *last == ap.imp.ID
		out[f.Ref] = c
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("agreements: customers of import batch: %w", err)
	}
	return out, nil
}

func (ap *applier) loadAgreements(ctx context.Context, fid int64, nums []string) (map[string]*storedAgreement, error) {
	out := make(map[string]*storedAgreement, len(nums))
	if len(nums) == 0 {
		return out, nil
	}
	q := "SELECT a.id, a.agreement_number, a.customer_id, a.vehicle_id, a.dealer_location_id, a.product, a.status, a.start_date, " +
		"a.term_months, a.monthly_payment, a.deposit, a.amount_of_credit, a.apr, a.optional_final_payment, a.annual_mileage, " +
		"a.in_arrears, a.forbearance, a.settlement_figure, a.equity_basis, a.last_import_id, v.make, v.model, v.derivative, " +
		"v.registration, v.first_registered, v.current_mileage, v.valuation, v.valued_at " +
		"FROM agreements a JOIN vehicles v ON v.id = a.vehicle_id WHERE a.financier_id = ? AND " + ap.dbx.in("a.agreement_number")
	err := ap.dbx.query(ctx, q, []any{fid, list(ap.dbx, nums)}, func(r rows) error {
		s := &storedAgreement{}
		a, v := &s.a, &s.v
		if err := r.Scan(&s.id, &a.Number, &s.customerID, &s.vehicleID, &s.dealerID, &a.Product, &a.Status, &a.StartDate,
			&a.TermMonths, &a.MonthlyPayment, &a.Deposit, &a.AmountOfCredit, &a.APR, &a.OptionalFinalPayment, &a.AnnualMileage,
			&a.InArrears, &a.Forbearance, &a.SettlementFigure, &s.basis, &s.lastImport, &v.Make, &v.Model, &v.Derivative,
			&v.Registration, &v.FirstRegistered, &v.CurrentMileage, &v.Valuation, &s.valuedAt); err != nil {
			return err
		}
		if !settlementFromFile(s.basis) {
			// Only a figure that came from a file is the file's to change.
			a.SettlementFigure = nil
		}
		out[a.Number] = s
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("agreements: agreements of import batch: %w", err)
	}
	return out, nil
}

func (ap *applier) loadConsents(ctx context.Context, fid int64, custs map[string]*custState) error {
	byID := make(map[int64]*custState, len(custs))
	ids := make([]int64, 0, len(custs))
	for _, c := range custs {
		byID[c.id] = c
		ids = append(ids, c.id)
	}
	if len(ids) == 0 {
		return nil
	}
	slices.Sort(ids)
	q := "SELECT id, customer_id, channel FROM consents WHERE financier_id = ? AND purpose = ? AND withdrawn_at IS NULL AND " +
		ap.dbx.in("customer_id") + " ORDER BY id"
	args := []any{fid, privacy.PurposeFinancierMarketing, list(ap.dbx, ids)}
	err := ap.dbx.query(ctx, q, args, func(r rows) error {
		var id, cid int64
		var ch string
		if err := r.Scan(&id, &cid, &ch); err != nil {
			return err
		}
		i := slices.Index(consentChannels[:], ch)
		if c := byID[cid]; c != nil && i >= 0 {
			c.consents[i].active = append(c.consents[i].active, id)
			c.consents[i].now = true
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("agreements: consents of import batch: %w", err)
	}
	return nil
}

func customerDiff(a, b customerFields) []string {
	var d []string
	add := func(name string, same bool) {
		if !same {
			d = append(d, name)
		}
	}
	add("first_name", a.FirstName == b.FirstName)
	add("last_name", a.LastName == b.LastName)
	add("email", a.Email == b.Email)
	add("mobile", a.Mobile == b.Mobile)
	add("date_of_birth", a.DateOfBirth == b.DateOfBirth)
	add("postcode", a.Postcode == b.Postcode)
	add("time_zone", a.TimeZone == b.TimeZone)
	add("vulnerable", a.Vulnerable == b.Vulnerable)
	return d
}

func agreementDiff(st *storedAgreement, r *importRow) []string {
	a, b := &st.a, &r.agreement
	var d []string
	add := func(name string, same bool) {
		if !same {
			d = append(d, name)
		}
	}
	add("product", a.Product == b.Product)
	add("agreement_status", a.Status == b.Status)
	add("start_date", a.StartDate == b.StartDate)
	add("term_months", a.TermMonths == b.TermMonths)
	add("monthly_payment", a.MonthlyPayment == b.MonthlyPayment)
	add("deposit", a.Deposit == b.Deposit)
	add("amount_of_credit", sameInt(a.AmountOfCredit, b.AmountOfCredit))
	add("apr", sameRate(a.APR, b.APR))
	add("optional_final_payment", sameInt(a.OptionalFinalPayment, b.OptionalFinalPayment))
	add("annual_mileage", sameInt(a.AnnualMileage, b.AnnualMileage))
	add("in_arrears", a.InArrears == b.InArrears)
	add("forbearance", a.Forbearance == b.Forbearance)
	add("settlement_figure", sameInt(a.SettlementFigure, b.SettlementFigure))
	return d
}

func vehicleDiff(a, b vehicleFields) []string {
	var d []string
	add := func(name string, same bool) {
		if !same {
			d = append(d, name)
		}
	}
	add("make", a.Make == b.Make)
	add("model", a.Model == b.Model)
	add("derivative", a.Derivative == b.Derivative)
	add("registration", a.Registration == b.Registration)
	add("first_registered", a.FirstRegistered == b.FirstRegistered)
	add("current_mileage", sameInt(a.CurrentMileage, b.CurrentMileage))
	add("valuation", sameInt(a.Valuation, b.Valuation))
	return d
}

func sameInt(a, b *int64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// sameRate compares APRs as stored (a float column) and as read (six
// significant digits at most).
func sameRate(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return math.Abs(*a-*b) < 1e-9
}
