package demo

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/keyturn/keyturn/backend/agreements"
	"github.com/keyturn/keyturn/backend/auth"
	"github.com/keyturn/keyturn/backend/privacy"
	"github.com/keyturn/keyturn/backend/tenants"
)

// batchSize bounds the rows of one INSERT. Far larger batches would still
// fit SQLite's and PostgreSQL's limits on bound parameters (an agreement has
// 24 columns), but each statement would then take long enough on SQLite to
// be logged as a slow query, with its whole text.
const batchSize = 50

// Seed creates or completes the demo data in one transaction: whatever is
// missing by natural key is inserted, whatever exists is left as it is (a
// demo user's changes survive), so running it again changes nothing. now
// fixes "today", from which agreement dates are drawn; tests pass a fixed
// date. gdb may already be a transaction (GORM then uses a savepoint).
func Seed(ctx context.Context, gdb *gorm.DB, now time.Time) (Result, error) {
	p, err := buildPlan(now, quote)
	if err != nil {
		return Result{}, err
	}
	w := &writer{
		financiers: map[string]int64{},
		groups:     map[string]int64{},
		locations:  map[string]int64{},
	}
	err = gdb.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		w.tx = tx
		return w.write(p)
	})
	if err != nil {
		return Result{}, err
	}
	return Result{
		Created:    w.created > 0,
		Financiers: len(p.financiers),
		Locations:  len(p.locations),
		Staff:      len(p.staff),
		Customers:  len(p.customers),
		Agreements: p.agreementCount(),
	}, nil
}

// writer inserts the parts of a plan that are missing, remembering the ids
// of what it found or made so later rows can refer to them.
type writer struct {
	tx      *gorm.DB
	created int // rows inserted

	financiers map[string]int64 // slug → id
	groups     map[string]int64 // name → id
	locations  map[string]int64 // dealer code → id
}

func (w *writer) write(p *plan) error {
	steps := []func(*plan) error{
		w.writeFinanciers, w.writeGroups, w.writeLocations, w.writeNetwork, w.writeStaff,
	}
	for _, step := range steps {
		if err := step(p); err != nil {
			return err
		}
	}
	for _, slug := range []string{FinancierSlug, IrishFinancierSlug} {
		if err := w.writeCustomers(p, slug); err != nil {
			return err
		}
	}
	return nil
}

func (w *writer) writeFinanciers(p *plan) error {
	slugs := make([]string, len(p.financiers))
	for i, f := range p.financiers {
		slugs[i] = f.Slug
	}
	var found []tenants.Financier
	if err := w.tx.Select("id", "slug").Where("slug IN ?", slugs).Find(&found).Error; err != nil {
		return fmt.Errorf("demo: find financiers: %w", err)
	}
	for _, f := range found {
		w.financiers[f.Slug] = f.ID
	}
	for _, f := range p.financiers {
		if _, ok := w.financiers[f.Slug]; ok {
			continue
		}
		if err := w.tx.Create(&f).Error; err != nil {
			return fmt.Errorf("demo: create financier %q: %w", f.Slug, err)
		}
		w.financiers[f.Slug] = f.ID
		w.created++
	}
	return nil
}

func (w *writer) writeGroups(p *plan) error {
	names := make([]string, len(p.groups))
	for i, g := range p.groups {
		names[i] = g.Name
	}
	var found []tenants.DealerGroup
	if err := w.tx.Select("id", "name").Where("name IN ?", names).Find(&found).Error; err != nil {
		return fmt.Errorf("demo: find dealer groups: %w", err)
	}
	for _, g := range found {
		w.groups[g.Name] = g.ID
	}
	for _, g := range p.groups {
		if _, ok := w.groups[g.Name]; ok {
			continue
		}
		if err := w.tx.Create(&g).Error; err != nil {
			return fmt.Errorf("demo: create dealer group %q: %w", g.Name, err)
		}
		w.groups[g.Name] = g.ID
		w.created++
	}
	return nil
}

func (w *writer) writeLocations(p *plan) error {
	codes := make([]string, len(p.locations))
	for i, l := range p.locations {
		codes[i] = l.loc.Code
	}
	var found []tenants.DealerLocation
	if err := w.tx.Select("id", "code").Where("code IN ?", codes).Find(&found).Error; err != nil {
		return fmt.Errorf("demo: find dealer locations: %w", err)
	}
	for _, l := range found {
		w.locations[l.Code] = l.ID
	}
	for _, pl := range p.locations {
		if _, ok := w.locations[pl.loc.Code]; ok {
			continue
		}
		l := pl.loc
		l.DealerGroupID = w.groups[pl.group]
		if err := w.tx.Create(&l).Error; err != nil {
			return fmt.Errorf("demo: create dealer location %s: %w", l.Code, err)
		}
		w.locations[l.Code] = l.ID
		w.created++
	}
	return nil
}

func (w *writer) writeNetwork(p *plan) error {
	ids := make([]int64, 0, len(w.financiers))
	for _, id := range w.financiers {
		ids = append(ids, id)
	}
	var found []tenants.FinancierDealer
	if err := w.tx.Where("financier_id IN ?", ids).Find(&found).Error; err != nil {
		return fmt.Errorf("demo: find financier dealers: %w", err)
	}
	have := map[[2]int64]bool{}
	for _, fd := range found {
		have[[2]int64{fd.FinancierID, fd.DealerLocationID}] = true
	}
	var missing []tenants.FinancierDealer
	for _, link := range p.network {
		key := [2]int64{w.financiers[link.financier], w.locations[link.dealer]}
		if !have[key] {
			missing = append(missing, tenants.FinancierDealer{FinancierID: key[0], DealerLocationID: key[1]})
		}
	}
	if len(missing) == 0 {
		return nil
	}
	if err := w.tx.Create(&missing).Error; err != nil {
		return fmt.Errorf("demo: create financier dealers: %w", err)
	}
	w.created += len(missing)
	return nil
}

func (w *writer) writeStaff(p *plan) error {
	emails := make([]string, len(p.staff))
	for i, s := range p.staff {
		emails[i] = s.user.Email
	}
	var found []auth.StaffUser
	if err := w.tx.Select("id", "email").Where("email IN ?", emails).Find(&found).Error; err != nil {
		return fmt.Errorf("demo: find staff: %w", err)
	}
	ids := map[string]int64{}
	for _, u := range found {
		ids[u.Email] = u.ID
	}
	for _, s := range p.staff {
		if _, ok := ids[s.user.Email]; ok {
			continue
		}
		u := s.user
		if s.financier != "" {
			u.FinancierID = ptr(w.financiers[s.financier])
		}
		if s.group != "" {
			u.DealerGroupID = ptr(w.groups[s.group])
		}
		if err := w.tx.Create(&u).Error; err != nil {
			return fmt.Errorf("demo: create staff user (role %s): %w", u.Role, err)
		}
		ids[u.Email] = u.ID
		w.created++
	}

	for _, s := range p.staff {
		if len(s.locations) == 0 {
			continue
		}
		uid := ids[s.user.Email]
		var have []auth.StaffLocation
		if err := w.tx.Where("staff_user_id = ?", uid).Find(&have).Error; err != nil {
			return fmt.Errorf("demo: find staff locations of user %d: %w", uid, err)
		}
		linked := map[int64]bool{}
		for _, sl := range have {
			linked[sl.DealerLocationID] = true
		}
		for _, code := range s.locations {
			lid := w.locations[code]
			if linked[lid] {
				continue
			}
			if err := w.tx.Create(&auth.StaffLocation{StaffUserID: uid, DealerLocationID: lid}).Error; err != nil {
				return fmt.Errorf("demo: create staff location (user %d, %s): %w", uid, code, err)
			}
			w.created++
		}
	}
	return nil
}

// writeCustomers writes one financier's customers, then their agreements
// (each with its vehicle), then their consents.
func (w *writer) writeCustomers(p *plan, slug string) error {
	fid := w.financiers[slug]
	var mine []*plannedCustomer
	for i := range p.customers {
		if p.customers[i].financier == slug {
			mine = append(mine, &p.customers[i])
		}
	}

	// Customers, by (financier, customer_ref).
	refs := make([]string, len(mine))
	for i, pc := range mine {
		refs[i] = pc.customer.CustomerRef
	}
	var found []agreements.Customer
	if err := w.tx.Select("id", "customer_ref").Where("financier_id = ? AND customer_ref IN ?", fid, refs).Find(&found).Error; err != nil {
		return fmt.Errorf("demo: find customers of %q: %w", slug, err)
	}
	customerIDs := map[string]int64{}
	for _, c := range found {
		customerIDs[c.CustomerRef] = c.ID
	}
	var newCustomers []agreements.Customer
	for _, pc := range mine {
		if _, ok := customerIDs[pc.customer.CustomerRef]; !ok {
			c := pc.customer
			c.FinancierID = fid
			newCustomers = append(newCustomers, c)
		}
	}
	if len(newCustomers) > 0 {
		if err := w.tx.CreateInBatches(&newCustomers, batchSize).Error; err != nil {
			return fmt.Errorf("demo: create customers of %q: %w", slug, err)
		}
		for _, c := range newCustomers {
			customerIDs[c.CustomerRef] = c.ID
		}
		w.created += len(newCustomers)
	}

	if err := w.writeAgreements(mine, slug, fid, customerIDs); err != nil {
		return err
	}
	return w.writeConsents(mine, slug, fid, customerIDs)
}

// writeAgreements inserts the agreements missing by (financier,
// agreement_number), each with a new vehicle.
func (w *writer) writeAgreements(mine []*plannedCustomer, slug string, fid int64, customerIDs map[string]int64) error {
	var numbers []string
	for _, pc := range mine {
		for _, pa := range pc.agreements {
			numbers = append(numbers, pa.agreement.AgreementNumber)
		}
	}
	var existing []string
	if err := w.tx.Model(&agreements.Agreement{}).Where("financier_id = ? AND agreement_number IN ?", fid, numbers).
		Pluck("agreement_number", &existing).Error; err != nil {
		return fmt.Errorf("demo: find agreements of %q: %w", slug, err)
	}
	have := map[string]bool{}
	for _, n := range existing {
		have[n] = true
	}
	var (
		vehicles []agreements.Vehicle
		agrs     []agreements.Agreement
	)
	for _, pc := range mine {
		for _, pa := range pc.agreements {
			if have[pa.agreement.AgreementNumber] {
				continue
			}
			v := pa.vehicle
			v.FinancierID = fid
			vehicles = append(vehicles, v)
			a := pa.agreement
			a.FinancierID = fid
			a.CustomerID = customerIDs[pc.customer.CustomerRef]
			a.DealerLocationID = ptr(w.locations[pa.dealer])
			agrs = append(agrs, a)
		}
	}
	if len(agrs) == 0 {
		return nil
	}
	if err := w.tx.CreateInBatches(&vehicles, batchSize).Error; err != nil {
		return fmt.Errorf("demo: create vehicles of %q: %w", slug, err)
	}
	for i := range agrs {
		agrs[i].VehicleID = vehicles[i].ID
	}
	// The vehicles are written above; Omit keeps GORM from saving the empty
	// Vehicle association again.
	if err := w.tx.Omit(clause.Associations).CreateInBatches(&agrs, batchSize).Error; err != nil {
		return fmt.Errorf("demo: create agreements of %q: %w", slug, err)
	}
	w.created += len(vehicles) + len(agrs)
	return nil
}

// writeConsents inserts a customer's planned marketing consent on a channel
// unless the ledger already holds an entry for that channel and purpose — a
// withdrawn one included, so a demo user's withdrawal is never undone.
func (w *writer) writeConsents(mine []*plannedCustomer, slug string, fid int64, customerIDs map[string]int64) error {
	ids := make([]int64, 0, len(mine))
	for _, pc := range mine {
		if len(pc.consents) > 0 {
			ids = append(ids, customerIDs[pc.customer.CustomerRef])
		}
	}
	if len(ids) == 0 {
		return nil
	}
	var found []privacy.Consent
	if err := w.tx.Select("customer_id", "channel").
		Where("financier_id = ? AND purpose = ? AND customer_id IN ?", fid, privacy.PurposeFinancierMarketing, ids).
		Find(&found).Error; err != nil {
		return fmt.Errorf("demo: find consents of %q: %w", slug, err)
	}
	type key struct {
		customer int64
		channel  string
	}
	have := map[key]bool{}
	for _, c := range found {
		have[key{c.CustomerID, c.Channel}] = true
	}
	var missing []privacy.Consent
	for _, pc := range mine {
		cid := customerIDs[pc.customer.CustomerRef]
		for _, c := range pc.consents {
			if have[key{cid, c.Channel}] {
				continue
			}
			c.FinancierID, c.CustomerID = fid, cid
			missing = append(missing, c)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	if err := w.tx.CreateInBatches(&missing, batchSize).Error; err != nil {
		return fmt.Errorf("demo: create consents of %q: %w", slug, err)
	}
	w.created += len(missing)
	return nil
}
