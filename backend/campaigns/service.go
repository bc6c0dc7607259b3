package campaigns

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"github.com/keyturn/keyturn/backend/finance"
	"github.com/keyturn/keyturn/backend/platform/db"
	"github.com/keyturn/keyturn/backend/platform/httpx"
	"github.com/keyturn/keyturn/backend/platform/kv"
	"github.com/keyturn/keyturn/backend/platform/tenant"
	"github.com/keyturn/keyturn/backend/privacy"
)

// Enqueuer inserts a job inside a transaction (jobs.Client does).
type Enqueuer interface {
	Enqueue(ctx context.Context, tx *gorm.DB, args river.JobArgs, opts *river.InsertOpts) error
}

// Auditor appends to the audit log inside a transaction (privacy.Audit
// does).
type Auditor interface {
	Append(ctx context.Context, tx *gorm.DB, e privacy.Entry) error
}

// MediaLibrary tells the kind (image, video or captions) of a financier's
// uploaded file by its key; db.ErrNotFound when the key is not one of the
// financier's uploads (media.Service does).
type MediaLibrary interface {
	KindOf(ctx context.Context, financierID int64, key string) (string, error)
}

// Config holds the campaign settings an operator chooses.
type Config struct {
	// MediaHosts are the hosts offer images, videos and captions may be
	// loaded from (https only). Paths under /assets/ are always allowed.
	MediaHosts []string
	// SyncInterval is how often live campaigns enrol newcomers and let go
	// of customers who no longer match. Zero means DefaultSyncInterval.
	SyncInterval time.Duration
	// OffersTTL bounds how long a customer's personalised offers are
	// cached; edits invalidate them sooner. Zero means DefaultOffersTTL.
	OffersTTL time.Duration
}

// Defaults of Config.
const (
	DefaultSyncInterval = 15 * time.Minute
	DefaultOffersTTL    = 6 * time.Hour
)

// Service holds the campaign use cases.
type Service struct {
	DB    *db.DB
	Store Store
	Jobs  Enqueuer
	KV    kv.Store
	Audit Auditor
	// Media checks offers' uploaded media (/media/ addresses); nil refuses
	// them.
	Media  MediaLibrary
	Config Config
	Now    func() time.Time
	Log    *slog.Logger
}

func (s *Service) now() time.Time { return s.Now().UTC() }

func (s *Service) market(f financierRow) Market {
	return Market{Market: finance.Market(f.Market), Currency: finance.Currency(f.Currency)}
}

// ---- settings ----

// validateInput checks a campaign's settings.
func validateInput(c *httpx.Check, in *CampaignInput, fin financierRow) {
	in.Name = strings.TrimSpace(in.Name)
	in.Description = strings.TrimSpace(in.Description)
	if in.Name == "" || len(in.Name) > 120 {
		c.Add("name", "required", "Name the campaign (at most 120 characters).")
	}
	if len(in.Description) > 1000 {
		c.Add("description", "too_long", "At most 1,000 characters.")
	}
	start, okStart := validDate(in.StartDate)
	end, okEnd := validDate(in.EndDate)
	if !okStart {
		c.Add("start_date", "format", "Use a date like 2027-01-05.")
	}
	if !okEnd {
		c.Add("end_date", "format", "Use a date like 2027-04-30.")
	}
	if okStart && okEnd {
		if end.Before(start) {
			c.Add("end_date", "out_of_range", "The campaign must end on or after its start.")
		}
		if end.Sub(start) > 2*366*24*time.Hour {
			c.Add("end_date", "out_of_range", "A campaign runs for at most two years.")
		}
	}
	if in.FrequencyCapPerWeek == 0 {
		in.FrequencyCapPerWeek = 2
	}
	if in.FrequencyCapPerWeek < 1 || in.FrequencyCapPerWeek > 7 {
		c.Add("frequency_cap_per_week", "out_of_range", "Allow 1 to 7 messages a week from this campaign.")
	}
	in.Audience.validate("audience.", c)
}

func audienceJSON(a Audience) string {
	b, _ := json.Marshal(a) // a struct of plain fields: cannot fail
	return string(b)
}

func audienceOf(c Campaign) Audience {
	var a Audience
	_ = json.Unmarshal([]byte(c.Audience), &a) // written by audienceJSON
	return a
}

// Create makes a draft campaign.
func (s *Service) Create(ctx context.Context, sc tenant.Scope, actor Actor, in CampaignInput) (CampaignView, error) {
	fin, err := s.Store.financier(ctx, sc)
	if err != nil {
		return CampaignView{}, err
	}
	var check httpx.Check
	validateInput(&check, &in, fin)
	if err := check.Err(); err != nil {
		return CampaignView{}, err
	}
	if _, err := s.Store.compileAudience(ctx, fin, 0, in.Audience, s.now()); err != nil {
		return CampaignView{}, err
	}
	c := Campaign{FinancierID: sc.FinancierID, Name: in.Name, Description: in.Description, Status: StatusDraft,
		StartDate: in.StartDate, EndDate: in.EndDate, Audience: audienceJSON(in.Audience),
		FrequencyCapPerWeek: in.FrequencyCapPerWeek, Version: 1, CreatedBy: actor.ID, UpdatedBy: actor.ID}
	err = s.DB.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(&c).Error; err != nil {
			return fmt.Errorf("campaigns: create: %w", err)
		}
		_, changes := diffSettings(Campaign{}, c)
		return s.audit(ctx, tx, sc, actor, "campaign.created", c.ID, []string{"name", "description", "start_date", "end_date",
			"frequency_cap_per_week", "audience", "status"}, changes)
	})
	if err != nil {
		return CampaignView{}, err
	}
	return s.Get(ctx, sc, c.ID)
}

// Get returns a campaign with its offers (priced) and journey.
func (s *Service) Get(ctx context.Context, sc tenant.Scope, id int64) (CampaignView, error) {
	c, err := s.Store.campaign(ctx, sc, id)
	if err != nil {
		return CampaignView{}, err
	}
	fin, err := s.Store.financier(ctx, sc)
	if err != nil {
		return CampaignView{}, err
	}
	offers, err := s.offerViews(ctx, sc, fin, id)
	if err != nil {
		return CampaignView{}, err
	}
	steps, err := s.Store.steps(ctx, sc, id)
	if err != nil {
		return CampaignView{}, err
	}
	n, err := s.Store.enrolledCount(ctx, sc, id)
	if err != nil {
		return CampaignView{}, err
	}
	v := view(c)
	v.Offers = offers
	v.Journey = make([]StepView, len(steps))
	for i, st := range steps {
		v.Journey[i] = stepView(st)
	}
	v.Enrolled = &n
	return v, nil
}

func view(c Campaign) CampaignView {
	return CampaignView{ID: c.ID, Name: c.Name, Description: c.Description, Status: c.Status, StartDate: c.StartDate,
		EndDate: c.EndDate, FrequencyCapPerWeek: c.FrequencyCapPerWeek, Audience: audienceOf(c), Version: c.Version,
		CreatedBy: c.CreatedBy, UpdatedBy: c.UpdatedBy, SubmittedBy: c.SubmittedBy, SubmittedAt: c.SubmittedAt,
		ApprovedBy: c.ApprovedBy, ApprovedAt: c.ApprovedAt, RejectedBy: c.RejectedBy, RejectedAt: c.RejectedAt,
		RejectionReason: c.RejectionReason, LaunchedBy: c.LaunchedBy, LaunchedAt: c.LaunchedAt, PausedBy: c.PausedBy,
		PausedAt: c.PausedAt, EndedAt: c.EndedAt, EndedReason: c.EndedReason, LastSyncedAt: c.LastSyncedAt,
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, Offers: []OfferView{}, Journey: []StepView{}}
}

func (s *Service) offerViews(ctx context.Context, sc tenant.Scope, fin financierRow, id int64) ([]OfferView, error) {
	rows, err := s.Store.offers(ctx, sc, id)
	if err != nil {
		return nil, err
	}
	out := make([]OfferView, 0, len(rows))
	for _, r := range rows {
		in, err := decodeOffer(r)
		if err != nil {
			return nil, err
		}
		out = append(out, offerView(r, in, s.market(fin)))
	}
	return out, nil
}

func decodeOffer(r OfferRow) (OfferInput, error) {
	var in OfferInput
	if err := json.Unmarshal([]byte(r.Spec), &in); err != nil {
		return in, fmt.Errorf("campaigns: decode offer %d: %w", r.ID, err)
	}
	return in, nil
}

// List returns the scope's campaigns.
func (s *Service) List(ctx context.Context, sc tenant.Scope) ([]CampaignSummary, error) {
	return s.Store.list(ctx, sc)
}

// Update changes a campaign's settings and audience. Like every edit, it
// sends a submitted, approved or paused campaign back to draft.
func (s *Service) Update(ctx context.Context, sc tenant.Scope, actor Actor, id int64, in CampaignInput) (CampaignView, error) {
	fin, err := s.Store.financier(ctx, sc)
	if err != nil {
		return CampaignView{}, err
	}
	var check httpx.Check
	validateInput(&check, &in, fin)
	if err := check.Err(); err != nil {
		return CampaignView{}, err
	}
	if _, err := s.Store.compileAudience(ctx, fin, id, in.Audience, s.now()); err != nil {
		return CampaignView{}, err
	}
	err = s.edit(ctx, sc, actor, id, "campaign.updated", func(tx *gorm.DB, c *Campaign) ([]string, map[string][2]any, error) {
		before := *c
		c.Name, c.Description, c.StartDate, c.EndDate = in.Name, in.Description, in.StartDate, in.EndDate
		c.FrequencyCapPerWeek, c.Audience = in.FrequencyCapPerWeek, audienceJSON(in.Audience)
		fields, changes := diffSettings(before, *c)
		return fields, changes, nil
	})
	if err != nil {
		return CampaignView{}, err
	}
	return s.Get(ctx, sc, id)
}

// diffSettings lists the settings that differ, with before and after (all
// campaign settings are non-personal).
func diffSettings(a, b Campaign) ([]string, map[string][2]any) {
	ch := newChanges()
	pairs := []struct {
		name   string
		before any
		after  any
	}{
		{"name", a.Name, b.Name},
		{"description", a.Description, b.Description},
		{"start_date", a.StartDate, b.StartDate},
		{"end_date", a.EndDate, b.EndDate},
		{"frequency_cap_per_week", a.FrequencyCapPerWeek, b.FrequencyCapPerWeek},
		{"audience", rawJSON(a.Audience), rawJSON(b.Audience)},
		{"status", a.Status, b.Status},
	}
	for _, p := range pairs {
		if fmt.Sprint(p.before) != fmt.Sprint(p.after) {
			ch.add(p.name, p.before, p.after)
		}
	}
	return ch.fields, ch.changes
}

// rawJSON keeps stored JSON as JSON in the audit record.
func rawJSON(s string) any {
	if s == "" {
		return nil
	}
	return json.RawMessage(s)
}

// changes collects audit before/after pairs within the audit log's room:
// a value too big to keep is recorded by name only.
type changes struct {
	fields  []string
	changes map[string][2]any
	size    int
}

const auditChangesBudget = 6000

func newChanges() *changes { return &changes{changes: map[string][2]any{}} }

func (c *changes) add(field string, before, after any) {
	c.fields = append(c.fields, field)
	b, err := json.Marshal([2]any{before, after})
	if err != nil || c.size+len(b)+len(field)+4 > auditChangesBudget {
		return
	}
	c.size += len(b) + len(field) + 4
	c.changes[field] = [2]any{before, after}
}

// edit runs one change to a campaign in a transaction: it refuses live and
// ended campaigns, sends any other back to draft (approval no longer
// holds), bumps the version (refusing a concurrent edit), writes the audit
// entry, and invalidates the campaign's cached offers.
func (s *Service) edit(ctx context.Context, sc tenant.Scope, actor Actor, id int64, action string,
	fn func(tx *gorm.DB, c *Campaign) ([]string, map[string][2]any, error)) error {
	err := s.DB.Tx(ctx, func(tx *gorm.DB) error {
		c, err := s.Store.with(tx).campaign(ctx, sc, id)
		if err != nil {
			return err
		}
		switch c.Status {
		case StatusLive:
			return httpx.Conflict("A live campaign cannot be changed: pause it first (the change then needs approval again).")
		case StatusEnded:
			return httpx.Conflict("An ended campaign cannot be changed.")
		}
		oldStatus, version := c.Status, c.Version
		fields, changes, err := fn(tx, &c)
		if err != nil {
			return err
		}
		if oldStatus != StatusDraft {
			// Any edit after submission or approval needs a fresh review.
			c.Status = StatusDraft
			c.SubmittedBy, c.SubmittedAt, c.ApprovedBy, c.ApprovedAt = nil, nil, nil, nil
			fields = append(fields, "status")
			if changes == nil {
				changes = map[string][2]any{}
			}
			changes["status"] = [2]any{oldStatus, StatusDraft}
		}
		c.Version++
		c.UpdatedBy = actor.ID
		if err := s.saveCampaign(ctx, tx, &c, version); err != nil {
			return err
		}
		return s.audit(ctx, tx, sc, actor, action, id, fields, changes)
	})
	if err != nil {
		return err
	}
	s.bumpCampaign(ctx, id)
	return nil
}

// saveCampaign writes c if its version is still the one read, so two staff
// editing at once cannot overwrite each other's change unseen.
func (s *Service) saveCampaign(ctx context.Context, tx *gorm.DB, c *Campaign, readVersion int64) error {
	res := tx.WithContext(ctx).Model(&Campaign{}).Where("id = ? AND financier_id = ? AND version = ?", c.ID, c.FinancierID, readVersion).
		Select("*").Omit("id", "created_at", "financier_id", "created_by").Updates(c)
	if res.Error != nil {
		return fmt.Errorf("campaigns: save campaign: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return httpx.Conflict("Someone else changed this campaign at the same time. Reload it and try again.")
	}
	return nil
}

func (s *Service) audit(ctx context.Context, tx *gorm.DB, sc tenant.Scope, actor Actor, action string, id int64, fields []string, changes map[string][2]any) error {
	fid := sc.FinancierID
	e := privacy.Entry{FinancierID: &fid, ActorKind: "staff", Action: action, ObjectType: "campaign",
		ObjectID: strconv.FormatInt(id, 10), Fields: fields, Changes: changes, IP: actor.IP, RequestID: actor.RequestID}
	if actor.ID != 0 {
		aid := actor.ID
		e.ActorID = &aid
	} else {
		e.ActorKind = "system"
	}
	return s.Audit.Append(ctx, tx, e)
}

// ---- offers ----

// PreviewOffer prices an offer without saving it: the console shows the
// representative example beside the offer as the marketer types.
func (s *Service) PreviewOffer(ctx context.Context, sc tenant.Scope, in OfferInput) (OfferView, error) {
	fin, err := s.Store.financier(ctx, sc)
	if err != nil {
		return OfferView{}, err
	}
	if err := s.checkOffer(ctx, &in, fin); err != nil {
		return OfferView{}, err
	}
	return offerView(OfferRow{}, in, s.market(fin)), nil
}

// checkOffer validates an offer and refuses one whose representative
// example the engine cannot price or reconcile.
func (s *Service) checkOffer(ctx context.Context, in *OfferInput, fin financierRow) error {
	var check httpx.Check
	validateOffer(&check, in, s.Config.MediaHosts)
	if err := s.checkUploads(ctx, &check, in.Vehicle, fin.ID); err != nil {
		return err
	}
	if err := check.Err(); err != nil {
		return err
	}
	_, _, err := PriceOffer(*in, s.market(fin))
	return err
}

// AddOffer adds an offer to a campaign.
func (s *Service) AddOffer(ctx context.Context, sc tenant.Scope, actor Actor, campaignID int64, in OfferInput) (OfferView, error) {
	fin, err := s.Store.financier(ctx, sc)
	if err != nil {
		return OfferView{}, err
	}
	if err := s.checkOffer(ctx, &in, fin); err != nil {
		return OfferView{}, err
	}
	spec, err := json.Marshal(in)
	if err != nil {
		return OfferView{}, fmt.Errorf("campaigns: encode offer: %w", err)
	}
	var row OfferRow
	err = s.edit(ctx, sc, actor, campaignID, "campaign.offer_added", func(tx *gorm.DB, c *Campaign) ([]string, map[string][2]any, error) {
		rows, err := s.Store.with(tx).offers(ctx, sc, campaignID)
		if err != nil {
			return nil, nil, err
		}
		if len(rows) >= MaxOffers {
			return nil, nil, httpx.Invalid("offers", "too_many", fmt.Sprintf("A campaign has at most %d offers: the app compares them side by side.", MaxOffers))
		}
		pos := 1
		if len(rows) > 0 {
			pos = rows[len(rows)-1].Position + 1
		}
		row = OfferRow{CampaignID: campaignID, FinancierID: sc.FinancierID, Position: pos, Spec: string(spec)}
		if err := tx.Create(&row).Error; err != nil {
			return nil, nil, fmt.Errorf("campaigns: create offer: %w", err)
		}
		ch := newChanges()
		ch.add("offers."+strconv.FormatInt(row.ID, 10), nil, json.RawMessage(spec))
		return ch.fields, ch.changes, nil
	})
	if err != nil {
		return OfferView{}, err
	}
	return offerView(row, in, s.market(fin)), nil
}

// UpdateOffer replaces an offer of a campaign.
func (s *Service) UpdateOffer(ctx context.Context, sc tenant.Scope, actor Actor, campaignID, offerID int64, in OfferInput) (OfferView, error) {
	fin, err := s.Store.financier(ctx, sc)
	if err != nil {
		return OfferView{}, err
	}
	if err := s.checkOffer(ctx, &in, fin); err != nil {
		return OfferView{}, err
	}
	spec, err := json.Marshal(in)
	if err != nil {
		return OfferView{}, fmt.Errorf("campaigns: encode offer: %w", err)
	}
	var row OfferRow
	err = s.edit(ctx, sc, actor, campaignID, "campaign.offer_updated", func(tx *gorm.DB, c *Campaign) ([]string, map[string][2]any, error) {
		err := tx.Where("financier_id = ? AND campaign_id = ? AND id = ?", sc.FinancierID, campaignID, offerID).Take(&row).Error
		if err != nil {
			return nil, nil, wrap(err, "offer")
		}
		before, err := decodeOffer(row)
		if err != nil {
			return nil, nil, err
		}
		row.Spec = string(spec)
		if err := tx.Model(&row).Update("spec", row.Spec).Error; err != nil {
			return nil, nil, fmt.Errorf("campaigns: update offer: %w", err)
		}
		fields, changes := diffOffer(offerID, before, in)
		return fields, changes, nil
	})
	if err != nil {
		return OfferView{}, err
	}
	return offerView(row, in, s.market(fin)), nil
}

// diffOffer lists an offer's changed top-level fields with before/after.
func diffOffer(id int64, a, b OfferInput) ([]string, map[string][2]any) {
	am, bm := toMap(a), toMap(b)
	keys := make([]string, 0, len(bm))
	for k := range bm {
		keys = append(keys, k)
	}
	for k := range am {
		if _, ok := bm[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	ch := newChanges()
	prefix := "offers." + strconv.FormatInt(id, 10) + "."
	for _, k := range keys {
		if string(am[k]) != string(bm[k]) {
			ch.add(prefix+k, rawOrNil(am[k]), rawOrNil(bm[k]))
		}
	}
	return ch.fields, ch.changes
}

func toMap(v any) map[string]json.RawMessage {
	b, _ := json.Marshal(v)
	m := map[string]json.RawMessage{}
	_ = json.Unmarshal(b, &m)
	return m
}

func rawOrNil(r json.RawMessage) any {
	if r == nil {
		return nil
	}
	return r
}

// RemoveOffer deletes an offer from a campaign.
func (s *Service) RemoveOffer(ctx context.Context, sc tenant.Scope, actor Actor, campaignID, offerID int64) error {
	return s.edit(ctx, sc, actor, campaignID, "campaign.offer_removed", func(tx *gorm.DB, c *Campaign) ([]string, map[string][2]any, error) {
		var row OfferRow
		err := tx.Where("financier_id = ? AND campaign_id = ? AND id = ?", sc.FinancierID, campaignID, offerID).Take(&row).Error
		if err != nil {
			return nil, nil, wrap(err, "offer")
		}
		if err := tx.Delete(&row).Error; err != nil {
			return nil, nil, fmt.Errorf("campaigns: remove offer: %w", err)
		}
		ch := newChanges()
		ch.add("offers."+strconv.FormatInt(offerID, 10), json.RawMessage(row.Spec), nil)
		return ch.fields, ch.changes, nil
	})
}

// ---- journey ----

// SaveJourney replaces a campaign's journey. Steps that carry the id of an
// existing step keep it; new steps get a new id; steps left out are
// removed.
func (s *Service) SaveJourney(ctx context.Context, sc tenant.Scope, actor Actor, campaignID int64, steps []StepInput) ([]StepView, error) {
	var check httpx.Check
	if len(steps) > MaxSteps {
		check.Add("steps", "too_many", fmt.Sprintf("A journey has at most %d steps.", MaxSteps))
	}
	for i := range steps {
		validateStep(&check, fmt.Sprintf("steps[%d].", i), &steps[i])
	}
	if err := check.Err(); err != nil {
		return nil, err
	}
	if err := s.lintRendered(ctx, sc, campaignID, steps); err != nil {
		return nil, err
	}
	var saved []Step
	err := s.edit(ctx, sc, actor, campaignID, "campaign.journey_updated", func(tx *gorm.DB, c *Campaign) ([]string, map[string][2]any, error) {
		existing, err := s.Store.with(tx).steps(ctx, sc, campaignID)
		if err != nil {
			return nil, nil, err
		}
		byID := map[string]Step{}
		for _, st := range existing {
			byID[st.ID] = st
		}
		var check httpx.Check
		seen := map[string]bool{}
		for i, in := range steps {
			if in.ID == "" {
				continue
			}
			if _, ok := byID[in.ID]; !ok {
				check.Add(fmt.Sprintf("steps[%d].id", i), "unknown", "No such step in this journey: leave the id out for a new step.")
			}
			if seen[in.ID] {
				check.Add(fmt.Sprintf("steps[%d].id", i), "duplicate", "Each step once.")
			}
			seen[in.ID] = true
		}
		if err := check.Err(); err != nil {
			return nil, nil, err
		}
		ch := newChanges()
		for _, st := range existing {
			if !seen[st.ID] {
				if err := tx.Delete(&Step{}, "id = ? AND campaign_id = ?", st.ID, campaignID).Error; err != nil {
					return nil, nil, fmt.Errorf("campaigns: remove step: %w", err)
				}
				ch.add("journey."+st.ID, stepView(st), nil)
			}
		}
		saved = make([]Step, len(steps))
		for i, in := range steps {
			st := Step{ID: in.ID, CampaignID: campaignID, FinancierID: sc.FinancierID, Position: i + 1, Anchor: in.Anchor,
				OffsetDays: in.OffsetDays, Channel: in.Channel, Title: in.Title, Subject: in.Subject, Body: in.Body, DeepLink: in.DeepLink}
			if st.ID == "" {
				st.ID = newStepID()
				if err := tx.Create(&st).Error; err != nil {
					return nil, nil, fmt.Errorf("campaigns: create step: %w", err)
				}
				ch.add("journey."+st.ID, nil, stepView(st))
			} else {
				old := byID[st.ID]
				st.CreatedAt = old.CreatedAt
				if err := tx.Model(&Step{}).Where("id = ? AND campaign_id = ?", st.ID, campaignID).
					Select("position", "anchor", "offset_days", "channel", "title", "subject", "body", "deep_link", "updated_at").
					Updates(&st).Error; err != nil {
					return nil, nil, fmt.Errorf("campaigns: update step: %w", err)
				}
				if ov, nv := stepView(old), stepView(st); ov != nv {
					ch.add("journey."+st.ID, ov, nv)
				}
			}
			saved[i] = st
		}
		return ch.fields, ch.changes, nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]StepView, len(saved))
	for i, st := range saved {
		out[i] = stepView(st)
	}
	return out, nil
}

// newStepID is a step's stable id: random, so ids never collide across
// campaigns or nodes.
func newStepID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return "st_" + hex.EncodeToString(b)
}

// lintRendered renders each step for the campaign's sample customers and
// refuses the journey when a rendering trips a RULES C6 trigger (a model
// or dealer name can carry one a template does not).
func (s *Service) lintRendered(ctx context.Context, sc tenant.Scope, campaignID int64, steps []StepInput) error {
	samples, err := s.samplesFor(ctx, sc, campaignID, SampleSize)
	if err != nil {
		return err
	}
	var check httpx.Check
	for i, st := range steps {
		for _, smp := range samples {
			r := renderStep(st, valuesOf(smp), s.now())
			for field, text := range map[string]string{"title": r.Title, "subject": r.Subject, "body": r.Body} {
				for _, msg := range LintTriggers(text) {
					check.Add(fmt.Sprintf("steps[%d].%s", i, field), "trigger", "Rendered for customer "+smp.CustomerRef+": "+msg)
				}
			}
		}
	}
	return check.Err()
}

// samplesFor returns sample customers of a saved campaign's audience.
func (s *Service) samplesFor(ctx context.Context, sc tenant.Scope, campaignID int64, n int) ([]SampleCustomer, error) {
	c, err := s.Store.campaign(ctx, sc, campaignID)
	if err != nil {
		return nil, err
	}
	fin, err := s.Store.financier(ctx, sc)
	if err != nil {
		return nil, err
	}
	comp, err := s.Store.compileAudience(ctx, fin, c.ID, audienceOf(c), s.now())
	if err != nil {
		return nil, err
	}
	return s.Store.sample(ctx, comp, n, s.now(), fin.TimeZone)
}

func valuesOf(smp SampleCustomer) TemplateValues {
	return TemplateValues{FirstName: smp.FirstName, Make: smp.Make, Model: smp.Model, MonthsLeft: smp.MonthsLeft,
		DealerName: smp.DealerName, EndDate: smp.EndDate}
}

// StepPreview is a step rendered for real sample customers of the audience.
type StepPreview struct {
	Step    StepInput        `json:"step"`
	Samples []RenderedSample `json:"samples"`
}

// RenderedSample is one customer's rendering. The customer's name is for
// the console's in-app mock-up only: push text never carries it.
type RenderedSample struct {
	CustomerRef string       `json:"customer_ref"`
	FirstName   string       `json:"first_name"`
	Message     RenderedStep `json:"message"`
	Problems    []string     `json:"problems"`
}

// PreviewStep renders a step (a draft one, or a saved one by id) for up to
// five customers of the campaign's audience.
func (s *Service) PreviewStep(ctx context.Context, sc tenant.Scope, campaignID int64, stepID string, step *StepInput) (StepPreview, error) {
	if step == nil {
		steps, err := s.Store.steps(ctx, sc, campaignID)
		if err != nil {
			return StepPreview{}, err
		}
		i := slices.IndexFunc(steps, func(st Step) bool { return st.ID == stepID })
		if i < 0 {
			return StepPreview{}, db.ErrNotFound
		}
		st := steps[i]
		step = &StepInput{ID: st.ID, Anchor: st.Anchor, OffsetDays: st.OffsetDays, Channel: st.Channel, Title: st.Title,
			Subject: st.Subject, Body: st.Body, DeepLink: st.DeepLink}
	} else {
		var check httpx.Check
		validateStep(&check, "step.", step)
		if err := check.Err(); err != nil {
			return StepPreview{}, err
		}
	}
	samples, err := s.samplesFor(ctx, sc, campaignID, 5)
	if err != nil {
		return StepPreview{}, err
	}
	p := StepPreview{Step: *step, Samples: make([]RenderedSample, 0, len(samples))}
	for _, smp := range samples {
		r := renderStep(*step, valuesOf(smp), s.now())
		problems := []string{}
		for _, text := range []string{r.Title, r.Subject, r.Body} {
			problems = append(problems, LintTriggers(text)...)
		}
		p.Samples = append(p.Samples, RenderedSample{CustomerRef: smp.CustomerRef, FirstName: smp.FirstName, Message: r, Problems: problems})
	}
	return p, nil
}

// ---- audience ----

// AudiencePreview is the live count and a sample and, when asked for, what
// each exclusion removed from the customers the rules match.
type AudiencePreview struct {
	Count          int64            `json:"count"`
	MatchedByRules *int64           `json:"matched_by_rules,omitempty"`
	Exclusions     []ExclusionCount `json:"exclusions,omitempty"`
	Sample         []SampleCustomer `json:"sample"`
}

// PreviewAudience counts draft rules (campaignID 0) or a saved campaign's
// rules (a nil audience). withExclusions adds what each exclusion removed,
// which takes a second scan.
func (s *Service) PreviewAudience(ctx context.Context, sc tenant.Scope, campaignID int64, a *Audience, withExclusions bool) (AudiencePreview, error) {
	fin, err := s.Store.financier(ctx, sc)
	if err != nil {
		return AudiencePreview{}, err
	}
	if a == nil {
		c, err := s.Store.campaign(ctx, sc, campaignID)
		if err != nil {
			return AudiencePreview{}, err
		}
		aud := audienceOf(c)
		a = &aud
	} else {
		var check httpx.Check
		a.validate("audience.", &check)
		if err := check.Err(); err != nil {
			return AudiencePreview{}, err
		}
	}
	comp, err := s.Store.compileAudience(ctx, fin, campaignID, *a, s.now())
	if err != nil {
		return AudiencePreview{}, err
	}
	var p AudiencePreview
	if p.Count, err = s.Store.count(ctx, comp); err != nil {
		return p, err
	}
	if withExclusions {
		matched, excl, err := s.Store.waterfall(ctx, comp)
		if err != nil {
			return p, err
		}
		p.MatchedByRules, p.Exclusions = &matched, excl
	}
	if p.Sample, err = s.Store.sample(ctx, comp, SampleSize, s.now(), fin.TimeZone); err != nil {
		return p, err
	}
	return p, nil
}

// CountAudience counts a saved campaign's audience (the benchmark's
// query).
func (s *Service) CountAudience(ctx context.Context, sc tenant.Scope, campaignID int64) (int64, error) {
	fin, err := s.Store.financier(ctx, sc)
	if err != nil {
		return 0, err
	}
	c, err := s.Store.campaign(ctx, sc, campaignID)
	if err != nil {
		return 0, err
	}
	comp, err := s.Store.compileAudience(ctx, fin, c.ID, audienceOf(c), s.now())
	if err != nil {
		return 0, err
	}
	return s.Store.count(ctx, comp)
}

// Explanation says whether a customer is in a campaign's audience and, if
// not, which rule or exclusion keeps each of their agreements out.
type Explanation struct {
	CustomerID  int64            `json:"customer_id"`
	CustomerRef string           `json:"customer_ref"`
	In          bool             `json:"in"`
	AgreementID *int64           `json:"agreement_id"`
	Reasons     []string         `json:"reasons"`
	Agreements  []AgreementCheck `json:"agreements"`
	Enrolment   *EnrolmentView   `json:"enrolment"`
}

// Explain answers "is this customer in, and if not, why not" by customer id
// or reference.
func (s *Service) Explain(ctx context.Context, sc tenant.Scope, campaignID, customerID int64, ref string) (Explanation, error) {
	fin, err := s.Store.financier(ctx, sc)
	if err != nil {
		return Explanation{}, err
	}
	c, err := s.Store.campaign(ctx, sc, campaignID)
	if err != nil {
		return Explanation{}, err
	}
	var cust customerRow
	if ref != "" {
		cust, err = s.Store.customerByRef(ctx, sc, ref)
	} else {
		cust, err = s.Store.customer(ctx, sc, customerID)
	}
	if err != nil {
		return Explanation{}, err
	}
	comp, err := s.Store.compileAudience(ctx, fin, c.ID, audienceOf(c), s.now())
	if err != nil {
		return Explanation{}, err
	}
	checks, err := s.Store.checkAgreements(ctx, comp, cust.ID)
	if err != nil {
		return Explanation{}, err
	}
	ex := Explanation{CustomerID: cust.ID, CustomerRef: cust.CustomerRef, Agreements: checks, Reasons: []string{}}
	if ex.Agreements == nil {
		ex.Agreements = []AgreementCheck{}
	}
	for _, ac := range checks {
		if ac.Matches {
			ex.In = true
			id := ac.AgreementID
			ex.AgreementID = &id
			break // agreements come soonest ending first: this one enrols
		}
	}
	if len(checks) == 0 {
		ex.Reasons = append(ex.Reasons, "The customer has no agreements.")
	}
	if !ex.In {
		for _, ac := range checks {
			var why []string
			for _, r := range ac.Rules {
				if !r.Passed {
					why = append(why, "rule "+r.Rule+" does not match")
				}
			}
			for _, e := range ac.Exclusions {
				if e.Applies {
					why = append(why, "excluded: "+e.Label)
				}
			}
			ex.Reasons = append(ex.Reasons, "Agreement "+ac.AgreementNumber+": "+strings.Join(why, "; ")+".")
		}
	}
	e, err := s.Store.enrolment(ctx, sc, c.ID, cust.ID)
	switch {
	case err == nil:
		ex.Enrolment = &EnrolmentView{ID: e.ID, CustomerID: e.CustomerID, CustomerRef: cust.CustomerRef, AgreementID: e.AgreementID,
			EnrolledAt: e.EnrolledAt, LeftAt: e.LeftAt, LeftReason: e.LeftReason}
	case !errors.Is(err, db.ErrNotFound):
		return Explanation{}, err
	}
	return ex, nil
}

// Enrolments lists a campaign's enrolments.
func (s *Service) Enrolments(ctx context.Context, sc tenant.Scope, campaignID int64, limit, offset int) ([]EnrolmentView, error) {
	if _, err := s.Store.campaign(ctx, sc, campaignID); err != nil {
		return nil, err
	}
	return s.Store.enrolments(ctx, sc, campaignID, limit, offset)
}

// ---- kv versions ----

func campaignVersionKey(id int64) string {
	return "campaigns:version:campaign:" + strconv.FormatInt(id, 10)
}
func agreementVersionKey(id int64) string {
	return "campaigns:version:agreement:" + strconv.FormatInt(id, 10)
}

// bumpCampaign invalidates every cached personalisation of a campaign.
// The change it follows is committed already; a failure here is logged, and
// the cache's TTL bounds how long a stale price can be shown.
func (s *Service) bumpCampaign(ctx context.Context, id int64) {
	if _, err := s.KV.Incr(ctx, campaignVersionKey(id), 0); err != nil {
		s.Log.Warn("campaigns.cache_invalidation_failed", slog.Int64("campaign_id", id), slog.Any("error", err))
	}
}

// AgreementsChanged invalidates the cached personalised offers of these
// agreements. The importer (or anything that changes an agreement, its
// vehicle or its valuation) calls it after committing.
func (s *Service) AgreementsChanged(ctx context.Context, ids ...int64) error {
	for _, id := range ids {
		if _, err := s.KV.Incr(ctx, agreementVersionKey(id), 0); err != nil {
			return fmt.Errorf("campaigns: invalidate agreement %d: %w", id, err)
		}
	}
	return nil
}

func (s *Service) version(ctx context.Context, key string) (string, error) {
	v, err := s.KV.Get(ctx, key)
	if errors.Is(err, kv.ErrNotFound) {
		return "0", nil
	}
	if err != nil {
		return "", fmt.Errorf("campaigns: read cache version: %w", err)
	}
	return string(v), nil
}
