package migrations

import (
	"fmt"
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// Frozen copies of the campaign tables as this migration creates them (see
// the note in 202611231300_core.go).

type campaignsCampaign struct {
	ID                  int64  `gorm:"primaryKey"`
	FinancierID         int64  `gorm:"not null;index:ix_campaigns_financier_status,priority:1"`
	Name                string `gorm:"size:120;not null"`
	Description         string `gorm:"size:1000;not null;default:''"`
	Status              string `gorm:"size:12;not null;index:ix_campaigns_financier_status,priority:2;index:ix_campaigns_status"`
	StartDate           string `gorm:"size:10;not null"`
	EndDate             string `gorm:"size:10;not null"`
	Audience            string `gorm:"type:text;not null"` // JSON audience rules
	FrequencyCapPerWeek int    `gorm:"not null;default:2"`
	Version             int64  `gorm:"not null;default:1"`
	CreatedBy           int64  `gorm:"not null"`
	UpdatedBy           int64  `gorm:"not null"`
	SubmittedBy         *int64
	SubmittedAt         *time.Time
	ApprovedBy          *int64
	ApprovedAt          *time.Time
	RejectedBy          *int64
	RejectedAt          *time.Time
	RejectionReason     string `gorm:"size:1000;not null;default:''"`
	LaunchedBy          *int64
	LaunchedAt          *time.Time
	PausedBy            *int64
	PausedAt            *time.Time
	EndedAt             *time.Time
	EndedReason         string `gorm:"size:40;not null;default:''"`
	LastSyncedAt        *time.Time
	CreatedAt           time.Time
	UpdatedAt           time.Time

	Financier coreFinancier `gorm:"foreignKey:FinancierID;constraint:OnDelete:RESTRICT"`
}

func (campaignsCampaign) TableName() string { return "campaigns" }

type campaignsOffer struct {
	ID          int64  `gorm:"primaryKey"`
	CampaignID  int64  `gorm:"not null;index:ix_campaign_offers_campaign"`
	FinancierID int64  `gorm:"not null"`
	Position    int    `gorm:"not null"`
	Spec        string `gorm:"type:text;not null"` // JSON offer as the marketer entered it
	CreatedAt   time.Time
	UpdatedAt   time.Time

	Campaign campaignsCampaign `gorm:"foreignKey:CampaignID;constraint:OnDelete:CASCADE"`
}

func (campaignsOffer) TableName() string { return "campaign_offers" }

type campaignsStep struct {
	ID          string `gorm:"primaryKey;size:24"`
	CampaignID  int64  `gorm:"not null;index:ix_campaign_steps_campaign"`
	FinancierID int64  `gorm:"not null"`
	Position    int    `gorm:"not null"`
	Anchor      string `gorm:"size:12;not null"`
	OffsetDays  int    `gorm:"not null"`
	Channel     string `gorm:"size:10;not null"`
	Title       string `gorm:"size:200;not null;default:''"`
	Subject     string `gorm:"size:200;not null;default:''"`
	Body        string `gorm:"size:4000;not null;default:''"`
	DeepLink    string `gorm:"size:300;not null;default:''"`
	CreatedAt   time.Time
	UpdatedAt   time.Time

	Campaign campaignsCampaign `gorm:"foreignKey:CampaignID;constraint:OnDelete:CASCADE"`
}

func (campaignsStep) TableName() string { return "campaign_steps" }

type campaignsEnrolment struct {
	ID          int64      `gorm:"primaryKey"`
	FinancierID int64      `gorm:"not null"`
	CampaignID  int64      `gorm:"not null;uniqueIndex:ux_campaign_enrolments_customer,priority:1;index:ix_campaign_enrolments_campaign_left,priority:1"`
	CustomerID  int64      `gorm:"not null;uniqueIndex:ux_campaign_enrolments_customer,priority:2;index:ix_campaign_enrolments_customer"`
	AgreementID int64      `gorm:"not null;index:ix_campaign_enrolments_agreement,priority:1"`
	EnrolledAt  time.Time  `gorm:"not null"`
	LeftAt      *time.Time `gorm:"index:ix_campaign_enrolments_campaign_left,priority:2;index:ix_campaign_enrolments_agreement,priority:2"`
	LeftReason  string     `gorm:"size:40;not null;default:''"`

	Campaign  campaignsCampaign `gorm:"foreignKey:CampaignID;constraint:OnDelete:CASCADE"`
	Customer  coreCustomer      `gorm:"foreignKey:CustomerID;constraint:OnDelete:CASCADE"`
	Agreement coreAgreement     `gorm:"foreignKey:AgreementID;constraint:OnDelete:CASCADE"`
}

func (campaignsEnrolment) TableName() string { return "campaign_enrolments" }

// campaignsIndexes serve the audience queries (docs/campaigns.md, "Audience
// SQL and indexes"). Partial indexes are written in SQL, the same on both
// dialects, because GORM's tags cannot express their predicates portably.
var campaignsIndexes = []struct{ name, sql string }{
	// The distinct time zones of a financier's customers, read by a loose
	// index scan, so "months until the end" follows each customer's calendar.
	{"ix_customers_financier_tz", "CREATE INDEX ix_customers_financier_tz ON customers (financier_id, time_zone)"},
	// A live marketing basis (RULES D3, P2), probed once per candidate
	// customer; every column the probe reads is in it.
	{"ix_consents_marketing", "CREATE INDEX ix_consents_marketing ON consents (customer_id, channel, purpose, basis, withdrawn_at) " +
		"WHERE purpose = 'financier_marketing' AND basis IN ('consent', 'soft_opt_in') AND withdrawn_at IS NULL"},
	// Customers in arrears or forbearance on an active agreement: a few per
	// cent of the book, probed once per candidate customer.
	{"ix_agreements_blocked", "CREATE INDEX ix_agreements_blocked ON agreements (customer_id) " +
		"WHERE status = 'active' AND (in_arrears OR forbearance)"},
	// Customers flagged vulnerable or erased.
	{"ix_customers_unreachable", "CREATE INDEX ix_customers_unreachable ON customers (id) WHERE vulnerable OR erased_at IS NOT NULL"},
	// Makes and models as the vehicle rule compares them (case-insensitive):
	// lets a rule on a few makes be driven from the vehicles, and gives the
	// PostgreSQL planner statistics on the expressions.
	{"ix_vehicles_make_model", "CREATE INDEX ix_vehicles_make_model ON vehicles (LOWER(make), LOWER(model))"},
	// The audience scan: a financier's agreements by end date, carrying every
	// column the rules test, so the range is read from the index alone.
	{"ix_agreements_audience", "CREATE INDEX ix_agreements_audience ON agreements " +
		"(financier_id, end_date, status, product, customer_id, start_date, dealer_location_id, equity, vehicle_id, id)"},
}

// campaigns202611231500 creates the campaign tables (campaigns, offers,
// journey steps, enrolments) and the indexes audiences need.
var campaigns202611231500 = &gormigrate.Migration{
	ID: "202611231500_campaigns",
	Migrate: func(tx *gorm.DB) error {
		if err := tx.Migrator().CreateTable(&campaignsCampaign{}, &campaignsOffer{}, &campaignsStep{}, &campaignsEnrolment{}); err != nil {
			return err
		}
		for _, ix := range campaignsIndexes {
			if err := tx.Exec(ix.sql).Error; err != nil {
				return fmt.Errorf("create index %s: %w", ix.name, err)
			}
		}
		return nil
	},
	Rollback: func(tx *gorm.DB) error {
		for _, ix := range campaignsIndexes {
			if err := tx.Exec("DROP INDEX IF EXISTS " + ix.name).Error; err != nil {
				return fmt.Errorf("drop index %s: %w", ix.name, err)
			}
		}
		return tx.Migrator().DropTable("campaign_enrolments", "campaign_steps", "campaign_offers", "campaigns")
	},
}
