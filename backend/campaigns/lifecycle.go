package campaigns

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/keyturn/keyturn/backend/finance"
	"github.com/keyturn/keyturn/backend/platform/httpx"
	"github.com/keyturn/keyturn/backend/platform/tenant"
)

// Checklist is what the compliance approver reviews: each offer's
// representative example and its basis, the validity dates, the audience
// with what each exclusion removed, the frequency settings and the journey.
// Problems lists what stops the campaign going further.
type Checklist struct {
	CampaignID int64              `json:"campaign_id"`
	Status     string             `json:"status"`
	Ready      bool               `json:"ready"`
	Problems   []httpx.FieldError `json:"problems"`
	Dates      DatesCheck         `json:"dates"`
	Offers     []OfferCheck       `json:"offers"`
	Audience   AudienceCheck      `json:"audience"`
	Frequency  FrequencyCheck     `json:"frequency"`
	Journey    JourneyCheck       `json:"journey"`
	Approval   ApprovalCheck      `json:"approval"`
}

// DatesCheck is the campaign's period.
type DatesCheck struct {
	StartDate string `json:"start_date"`
	EndDate   string `json:"end_date"`
	Today     string `json:"today"`
	OK        bool   `json:"ok"`
}

// OfferCheck is one offer on the checklist.
type OfferCheck struct {
	OfferID               int64                          `json:"offer_id"`
	Vehicle               string                         `json:"vehicle"`
	Product               string                         `json:"product"`
	Reconciles            bool                           `json:"reconciles"`
	Problems              []httpx.FieldError             `json:"problems"`
	RepresentativeAPR     *finance.Decimal               `json:"representative_apr"`
	APRBasis              *APRBasis                      `json:"apr_basis"`
	RepresentativeExample *finance.RepresentativeExample `json:"representative_example"`
	ValidFrom             string                         `json:"valid_from"`
	ValidTo               string                         `json:"valid_to"`
	ValidityOK            bool                           `json:"validity_ok"`
	ValidityNote          string                         `json:"validity_note"`
}

// AudienceCheck is the audience with what each exclusion removed.
type AudienceCheck struct {
	Rules          Audience         `json:"rules"`
	MatchedByRules int64            `json:"matched_by_rules"`
	Exclusions     []ExclusionCount `json:"exclusions"`
	Count          int64            `json:"count"`
}

// FrequencyCheck sets the campaign's own cap beside the financier's,
// which applies across all campaigns and dealers.
type FrequencyCheck struct {
	CampaignCapPerWeek   int    `json:"campaign_cap_per_week"`
	FinancierCapPerWeek  int    `json:"financier_cap_per_week"`
	FinancierCapPerMonth int    `json:"financier_cap_per_month"`
	EffectivePerWeek     int    `json:"effective_per_week"`
	Note                 string `json:"note"`
}

// JourneyCheck is the journey on the checklist.
type JourneyCheck struct {
	Steps []StepView `json:"steps"`
}

// ApprovalCheck says who wrote the campaign and who may approve it.
type ApprovalCheck struct {
	CreatedBy   int64  `json:"created_by"`
	UpdatedBy   int64  `json:"updated_by"`
	SubmittedBy *int64 `json:"submitted_by"`
	ApprovedBy  *int64 `json:"approved_by"`
	Rule        string `json:"rule"`
}

// today is the financier's calendar day.
func (s *Service) today(fin financierRow) string {
	return dateIn(s.now(), fin.TimeZone, "Europe/London").Format(time.DateOnly)
}

// checklist builds the checklist of a campaign read inside tx. counts
// adds the audience counts, which scan the audience: the approver reviews
// them, while submit and launch need only that the rules still compile, and
// on SQLite they hold the write lock meanwhile.
func (s *Service) checklist(ctx context.Context, st Store, sc tenant.Scope, c Campaign, counts bool) (Checklist, error) {
	fin, err := st.financier(ctx, sc)
	if err != nil {
		return Checklist{}, err
	}
	today := s.today(fin)
	cl := Checklist{CampaignID: c.ID, Status: c.Status, Problems: []httpx.FieldError{}, Offers: []OfferCheck{}}
	add := func(field, code, msg string) {
		cl.Problems = append(cl.Problems, httpx.FieldError{Field: field, Code: code, Message: msg})
	}

	cl.Dates = DatesCheck{StartDate: c.StartDate, EndDate: c.EndDate, Today: today, OK: c.StartDate <= c.EndDate && c.EndDate >= today}
	if !cl.Dates.OK {
		add("end_date", "past", "The campaign's end date has passed: set new dates.")
	}

	rows, err := st.offers(ctx, sc, c.ID)
	if err != nil {
		return Checklist{}, err
	}
	if len(rows) == 0 {
		add("offers", "required", "Add at least one offer.")
	}
	for _, r := range rows {
		in, err := decodeOffer(r)
		if err != nil {
			return Checklist{}, err
		}
		v := offerView(r, in, s.market(fin))
		oc := OfferCheck{OfferID: r.ID, Vehicle: strings.TrimSpace(in.Vehicle.Make + " " + in.Vehicle.Model + " " + in.Vehicle.Derivative),
			Product: in.Product, Problems: v.Problems, RepresentativeAPR: in.Example.APR, APRBasis: in.Example.APRBasis,
			RepresentativeExample: v.RepresentativeExample, ValidFrom: in.ValidFrom, ValidTo: in.ValidTo}
		if oc.Problems == nil {
			oc.Problems = []httpx.FieldError{}
		}
		oc.Reconciles = len(v.Problems) == 0 && v.Check != nil && v.Check.Reconciles
		field := "offers." + strconv.FormatInt(r.ID, 10)
		if !oc.Reconciles {
			add(field, "does_not_reconcile", "The representative example does not reconcile.")
		}
		if in.needsAPR() && (in.Example.APR == nil || in.Example.APRBasis == nil) {
			add(field+".example.apr_basis", "required", "A credit offer needs its representative APR and the basis for it (RULES C5).")
		}
		switch {
		case in.ValidTo < today:
			oc.ValidityNote = "The offer has expired."
			add(field+".valid_to", "expired", "The offer has expired.")
		case in.ValidTo < c.StartDate || in.ValidFrom > c.EndDate:
			oc.ValidityNote = "The offer is not valid at any time during the campaign."
			add(field+".valid_from", "outside_campaign", oc.ValidityNote)
		case in.ValidFrom > c.StartDate || in.ValidTo < c.EndDate:
			oc.ValidityOK = true
			oc.ValidityNote = "Valid for part of the campaign only: customers see it only while it is valid."
		default:
			oc.ValidityOK = true
			oc.ValidityNote = "Valid throughout the campaign."
		}
		cl.Offers = append(cl.Offers, oc)
	}

	aud := audienceOf(c)
	cl.Audience.Rules = aud
	comp, err := st.compileAudience(ctx, fin, c.ID, aud, s.now())
	if err != nil {
		for _, fe := range problemsOf(err) {
			add(fe.Field, fe.Code, fe.Message)
		}
	} else if counts {
		if cl.Audience.MatchedByRules, cl.Audience.Exclusions, err = st.waterfall(ctx, comp); err != nil {
			return Checklist{}, err
		}
		if cl.Audience.Count, err = st.count(ctx, comp); err != nil {
			return Checklist{}, err
		}
	}

	cl.Frequency = FrequencyCheck{CampaignCapPerWeek: c.FrequencyCapPerWeek, FinancierCapPerWeek: fin.ContactCapPerWeek,
		FinancierCapPerMonth: fin.ContactCapPerMonth, EffectivePerWeek: c.FrequencyCapPerWeek}
	if fin.ContactCapPerWeek > 0 && fin.ContactCapPerWeek < c.FrequencyCapPerWeek {
		cl.Frequency.EffectivePerWeek = fin.ContactCapPerWeek
		cl.Frequency.Note = "The financier's weekly cap is lower and applies across all campaigns and dealers."
	} else {
		cl.Frequency.Note = "The financier's caps apply on top, across all campaigns and dealers."
	}

	steps, err := st.steps(ctx, sc, c.ID)
	if err != nil {
		return Checklist{}, err
	}
	cl.Journey.Steps = make([]StepView, len(steps))
	var check httpx.Check
	for i, stp := range steps {
		cl.Journey.Steps[i] = stepView(stp)
		in := StepInput{Anchor: stp.Anchor, OffsetDays: stp.OffsetDays, Channel: stp.Channel, Title: stp.Title,
			Subject: stp.Subject, Body: stp.Body, DeepLink: stp.DeepLink}
		validateStep(&check, "journey."+stp.ID+".", &in)
	}
	if err := check.Err(); err != nil {
		cl.Problems = append(cl.Problems, problemsOf(err)...)
	}
	if len(steps) == 0 {
		add("journey", "required", "Add at least one journey step.")
	}

	cl.Approval = ApprovalCheck{CreatedBy: c.CreatedBy, UpdatedBy: c.UpdatedBy, SubmittedBy: c.SubmittedBy, ApprovedBy: c.ApprovedBy,
		Rule: "A compliance approver who neither wrote, changed nor submitted the campaign approves it."}
	cl.Ready = len(cl.Problems) == 0
	return cl, nil
}

// Checklist returns a campaign's approval checklist.
func (s *Service) Checklist(ctx context.Context, sc tenant.Scope, id int64) (Checklist, error) {
	c, err := s.Store.campaign(ctx, sc, id)
	if err != nil {
		return Checklist{}, err
	}
	return s.checklist(ctx, s.Store, sc, c, true)
}

// notReady is the 422 for a campaign whose checklist has problems.
func notReady(detail string, cl Checklist) error {
	return &httpx.FieldErrors{Detail: detail, Errors: cl.Problems}
}

// transition runs one status change in a transaction: it loads the
// campaign, checks the status it must be in, lets fn check and change it,
// saves it (refusing a concurrent change) and writes the audit entry with
// the status change and fn's changes.
func (s *Service) transition(ctx context.Context, sc tenant.Scope, actor Actor, id int64, action string, from []string,
	fn func(tx *gorm.DB, c *Campaign, ch *changes) error) (CampaignView, error) {
	err := s.DB.Tx(ctx, func(tx *gorm.DB) error {
		st := s.Store.with(tx)
		c, err := st.campaign(ctx, sc, id)
		if err != nil {
			return err
		}
		if !slices.Contains(from, c.Status) {
			return httpx.Conflict(fmt.Sprintf("The campaign is %s; this needs it to be %s.", c.Status, strings.Join(from, " or ")))
		}
		before, version := c.Status, c.Version
		ch := newChanges()
		if err := fn(tx, &c, ch); err != nil {
			return err
		}
		c.Version++
		if err := s.saveCampaign(ctx, tx, &c, version); err != nil {
			return err
		}
		fields := append([]string{"status"}, ch.fields...)
		changes := ch.changes
		changes["status"] = [2]any{before, c.Status}
		return s.audit(ctx, tx, sc, actor, action, id, fields, changes)
	})
	if err != nil {
		return CampaignView{}, err
	}
	s.bumpCampaign(ctx, id)
	return s.Get(ctx, sc, id)
}

// Submit sends a draft for approval; the checklist must have no problems.
func (s *Service) Submit(ctx context.Context, sc tenant.Scope, actor Actor, id int64) (CampaignView, error) {
	return s.transition(ctx, sc, actor, id, "campaign.submitted", []string{StatusDraft}, func(tx *gorm.DB, c *Campaign, ch *changes) error {
		cl, err := s.checklist(ctx, s.Store.with(tx), sc, *c, false)
		if err != nil {
			return err
		}
		if !cl.Ready {
			return notReady("The campaign is not ready to submit.", cl)
		}
		now := s.now()
		c.Status, c.SubmittedBy, c.SubmittedAt = StatusSubmitted, &actor.ID, &now
		c.RejectedBy, c.RejectedAt, c.RejectionReason = nil, nil, ""
		return nil
	})
}

// authoredBy reports whether the actor wrote, changed or submitted c: such a
// person may not approve or reject it.
func authoredBy(c Campaign, actorID int64) bool {
	return c.CreatedBy == actorID || c.UpdatedBy == actorID || (c.SubmittedBy != nil && *c.SubmittedBy == actorID)
}

// Approve approves a submitted campaign. The approver must not be its
// author; the audit entry records each offer's representative APR and basis
// with the approver (RULES C5).
func (s *Service) Approve(ctx context.Context, sc tenant.Scope, actor Actor, id int64) (CampaignView, error) {
	return s.transition(ctx, sc, actor, id, "campaign.approved", []string{StatusSubmitted}, func(tx *gorm.DB, c *Campaign, ch *changes) error {
		if authoredBy(*c, actor.ID) {
			return httpx.Forbidden("You wrote, changed or submitted this campaign: another compliance approver must approve it.")
		}
		cl, err := s.checklist(ctx, s.Store.with(tx), sc, *c, true)
		if err != nil {
			return err
		}
		if !cl.Ready {
			return notReady("The campaign cannot be approved as it stands.", cl)
		}
		now := s.now()
		c.Status, c.ApprovedBy, c.ApprovedAt = StatusApproved, &actor.ID, &now
		recordAPRs(ch, cl, actor.ID)
		ch.add("audience_count", nil, cl.Audience.Count)
		return nil
	})
}

// recordAPRs writes each offer's representative APR, its basis and the
// approver into the audit entry.
func recordAPRs(ch *changes, cl Checklist, approverID int64) {
	ch.add("approver_id", nil, approverID)
	for _, o := range cl.Offers {
		ch.add("offers."+strconv.FormatInt(o.OfferID, 10)+".representative_apr", nil, map[string]any{
			"apr": o.RepresentativeAPR, "basis": o.APRBasis, "product": o.Product})
	}
}

// Reject returns a submitted campaign to draft with the approver's reason.
func (s *Service) Reject(ctx context.Context, sc tenant.Scope, actor Actor, id int64, reason string) (CampaignView, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || len(reason) > 1000 {
		return CampaignView{}, httpx.Invalid("reason", "required", "Say what must change (at most 1,000 characters).")
	}
	return s.transition(ctx, sc, actor, id, "campaign.rejected", []string{StatusSubmitted}, func(tx *gorm.DB, c *Campaign, ch *changes) error {
		if authoredBy(*c, actor.ID) {
			return httpx.Forbidden("You wrote, changed or submitted this campaign: another compliance approver must review it.")
		}
		now := s.now()
		c.Status, c.RejectedBy, c.RejectedAt, c.RejectionReason = StatusDraft, &actor.ID, &now, reason
		c.SubmittedBy, c.SubmittedAt = nil, nil
		ch.add("reason", nil, reason)
		return nil
	})
}

// Launch puts an approved (or paused, unchanged since approval) campaign
// live and enqueues its first enrolment run in the same transaction. It
// re-checks that every credit offer has a representative APR and basis and
// that an approver is recorded (RULES C5).
func (s *Service) Launch(ctx context.Context, sc tenant.Scope, actor Actor, id int64) (CampaignView, error) {
	return s.transition(ctx, sc, actor, id, "campaign.launched", []string{StatusApproved, StatusPaused}, func(tx *gorm.DB, c *Campaign, ch *changes) error {
		if c.ApprovedBy == nil {
			return httpx.Conflict("The campaign has no recorded approval: submit it for approval.")
		}
		cl, err := s.checklist(ctx, s.Store.with(tx), sc, *c, false)
		if err != nil {
			return err
		}
		if !cl.Ready {
			return notReady("The campaign cannot go live as it stands.", cl)
		}
		now := s.now()
		c.Status, c.LaunchedBy, c.LaunchedAt, c.PausedBy, c.PausedAt = StatusLive, &actor.ID, &now, nil, nil
		recordAPRs(ch, cl, *c.ApprovedBy)
		return s.Jobs.Enqueue(ctx, tx, EnrolArgs{CampaignID: c.ID}, nil)
	})
}

// Pause stops a live campaign's journey; its enrolments stay.
func (s *Service) Pause(ctx context.Context, sc tenant.Scope, actor Actor, id int64) (CampaignView, error) {
	return s.transition(ctx, sc, actor, id, "campaign.paused", []string{StatusLive}, func(tx *gorm.DB, c *Campaign, ch *changes) error {
		now := s.now()
		c.Status, c.PausedBy, c.PausedAt = StatusPaused, &actor.ID, &now
		return nil
	})
}

// End ends a live or paused campaign and closes its enrolments.
func (s *Service) End(ctx context.Context, sc tenant.Scope, actor Actor, id int64) (CampaignView, error) {
	return s.transition(ctx, sc, actor, id, "campaign.ended", []string{StatusLive, StatusPaused}, func(tx *gorm.DB, c *Campaign, ch *changes) error {
		return s.end(ctx, tx, sc, c, ch, "ended_by_staff")
	})
}

func (s *Service) end(ctx context.Context, tx *gorm.DB, sc tenant.Scope, c *Campaign, ch *changes, reason string) error {
	now := s.now()
	c.Status, c.EndedAt, c.EndedReason = StatusEnded, &now, reason
	n, err := s.Store.with(tx).closeEnrolments(ctx, sc, c.ID, now, LeftCampaignEnded)
	if err != nil {
		return err
	}
	ch.add("enrolments_closed", nil, n)
	ch.add("ended_reason", nil, reason)
	return nil
}
