// Package campaigns builds, approves and runs a financier's offer campaigns:
// the audience (rules compiled to SQL, with the exclusions no campaign may
// switch off), the offers (each priced and reconciled by the finance engine),
// the journey of messages (linted against credit-promotion triggers), the
// approval workflow with its audit trail, enrolment of matching customers,
// and the personalised prices a customer sees in the app.
//
// docs/campaigns.md describes the lifecycle, the rules and the SQL.
package campaigns

import (
	"time"
)

// Campaign statuses. A campaign moves draft → submitted → approved → live →
// paused → ended; any edit after submission sends it back to draft.
const (
	StatusDraft     = "draft"
	StatusSubmitted = "submitted"
	StatusApproved  = "approved"
	StatusLive      = "live"
	StatusPaused    = "paused"
	StatusEnded     = "ended"
)

// Journey anchors: a step's offset counts from the agreement's end date or
// from the day the customer was enrolled.
const (
	AnchorEndDate   = "end_date"
	AnchorEnrolment = "enrolment"
)

// Journey channels.
const (
	ChannelPush  = "push"
	ChannelEmail = "email"
)

// Reasons an enrolment ends, besides the name of the exclusion that now
// applies (see Exclusions).
const (
	LeftNoLongerMatches = "no_longer_matches"
	LeftCampaignEnded   = "campaign_ended"
	LeftAgreementGone   = "agreement_removed"
)

// Limits.
const (
	// MaxOffers is the most offers a campaign holds: the finance engine
	// compares at most four side by side for a customer.
	MaxOffers = 4
	// MaxSteps is the most steps a journey holds.
	MaxSteps = 12
	// SampleSize is how many matching customers a preview shows.
	SampleSize = 20
)

// Campaign is a campaign's row. Audience holds the rules as JSON.
type Campaign struct {
	ID                  int64 `gorm:"primaryKey"`
	FinancierID         int64
	Name                string
	Description         string
	Status              string
	StartDate           string
	EndDate             string
	Audience            string
	FrequencyCapPerWeek int
	Version             int64
	CreatedBy           int64
	UpdatedBy           int64
	SubmittedBy         *int64
	SubmittedAt         *time.Time
	ApprovedBy          *int64
	ApprovedAt          *time.Time
	RejectedBy          *int64
	RejectedAt          *time.Time
	RejectionReason     string
	LaunchedBy          *int64
	LaunchedAt          *time.Time
	PausedBy            *int64
	PausedAt            *time.Time
	EndedAt             *time.Time
	EndedReason         string
	LastSyncedAt        *time.Time
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

// OfferRow is an offer's row: the marketer's input as JSON (OfferInput),
// priced afresh by the finance engine whenever it is read.
type OfferRow struct {
	ID          int64 `gorm:"primaryKey"`
	CampaignID  int64
	FinancierID int64
	Position    int
	Spec        string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// TableName is the offers table.
func (OfferRow) TableName() string { return "campaign_offers" }

// Step is one message of a journey. Its ID is stable: it survives edits of
// the journey, so what was sent for a step can always be traced to it.
type Step struct {
	ID          string `gorm:"primaryKey"`
	CampaignID  int64
	FinancierID int64
	Position    int
	Anchor      string
	OffsetDays  int
	Channel     string
	Title       string
	Subject     string
	Body        string
	DeepLink    string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// TableName is the journey steps table.
func (Step) TableName() string { return "campaign_steps" }

// Enrolment is a customer in a live campaign, through one agreement (the
// matching one that ends first), which times their journey. A customer is
// enrolled at most once per campaign.
type Enrolment struct {
	ID          int64 `gorm:"primaryKey"`
	FinancierID int64
	CampaignID  int64
	CustomerID  int64
	AgreementID int64
	EnrolledAt  time.Time
	LeftAt      *time.Time
	LeftReason  string
}

// TableName is the enrolments table.
func (Enrolment) TableName() string { return "campaign_enrolments" }

// Actor is the staff member making a change, and where from (for the audit
// log).
type Actor struct {
	ID        int64
	Role      string
	IP        string
	RequestID string
}

// CampaignInput is a campaign's settings as the marketer edits them.
type CampaignInput struct {
	Name                string   `json:"name"`
	Description         string   `json:"description"`
	StartDate           string   `json:"start_date"`
	EndDate             string   `json:"end_date"`
	FrequencyCapPerWeek int      `json:"frequency_cap_per_week"`
	Audience            Audience `json:"audience"`
}

// CampaignView is a campaign as the console shows it.
type CampaignView struct {
	ID                  int64       `json:"id"`
	Name                string      `json:"name"`
	Description         string      `json:"description"`
	Status              string      `json:"status"`
	StartDate           string      `json:"start_date"`
	EndDate             string      `json:"end_date"`
	FrequencyCapPerWeek int         `json:"frequency_cap_per_week"`
	Audience            Audience    `json:"audience"`
	Version             int64       `json:"version"`
	CreatedBy           int64       `json:"created_by"`
	UpdatedBy           int64       `json:"updated_by"`
	SubmittedBy         *int64      `json:"submitted_by"`
	SubmittedAt         *time.Time  `json:"submitted_at"`
	ApprovedBy          *int64      `json:"approved_by"`
	ApprovedAt          *time.Time  `json:"approved_at"`
	RejectedBy          *int64      `json:"rejected_by"`
	RejectedAt          *time.Time  `json:"rejected_at"`
	RejectionReason     string      `json:"rejection_reason"`
	LaunchedBy          *int64      `json:"launched_by"`
	LaunchedAt          *time.Time  `json:"launched_at"`
	PausedBy            *int64      `json:"paused_by"`
	PausedAt            *time.Time  `json:"paused_at"`
	EndedAt             *time.Time  `json:"ended_at"`
	EndedReason         string      `json:"ended_reason"`
	LastSyncedAt        *time.Time  `json:"last_synced_at"`
	CreatedAt           time.Time   `json:"created_at"`
	UpdatedAt           time.Time   `json:"updated_at"`
	Offers              []OfferView `json:"offers"`
	Journey             []StepView  `json:"journey"`
	Enrolled            *int64      `json:"enrolled,omitempty"`
}

// CampaignSummary is one line of the campaign list.
type CampaignSummary struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Status    string    `json:"status"`
	StartDate string    `json:"start_date"`
	EndDate   string    `json:"end_date"`
	Offers    int64     `json:"offers"`
	Steps     int64     `json:"steps"`
	Enrolled  int64     `json:"enrolled"`
	UpdatedAt time.Time `json:"updated_at"`
}

// StepInput is a journey step as the marketer edits it. ID is empty for a
// new step and the step's existing id otherwise.
type StepInput struct {
	ID         string `json:"id,omitempty"`
	Anchor     string `json:"anchor"`
	OffsetDays int    `json:"offset_days"`
	Channel    string `json:"channel"`
	Title      string `json:"title,omitempty"`
	Subject    string `json:"subject,omitempty"`
	Body       string `json:"body"`
	DeepLink   string `json:"deep_link"`
}

// StepView is a saved journey step.
type StepView struct {
	ID         string `json:"id"`
	Position   int    `json:"position"`
	Anchor     string `json:"anchor"`
	OffsetDays int    `json:"offset_days"`
	Channel    string `json:"channel"`
	Title      string `json:"title,omitempty"`
	Subject    string `json:"subject,omitempty"`
	Body       string `json:"body"`
	DeepLink   string `json:"deep_link"`
}

func stepView(s Step) StepView {
	return StepView{ID: s.ID, Position: s.Position, Anchor: s.Anchor, OffsetDays: s.OffsetDays, Channel: s.Channel,
		Title: s.Title, Subject: s.Subject, Body: s.Body, DeepLink: s.DeepLink}
}

// EnrolmentView is one enrolment as the console lists it.
type EnrolmentView struct {
	ID              int64      `json:"id"`
	CustomerID      int64      `json:"customer_id"`
	CustomerRef     string     `json:"customer_ref"`
	AgreementID     int64      `json:"agreement_id"`
	AgreementNumber string     `json:"agreement_number"`
	EndDate         string     `json:"end_date"`
	EnrolledAt      time.Time  `json:"enrolled_at"`
	LeftAt          *time.Time `json:"left_at"`
	LeftReason      string     `json:"left_reason"`
}
