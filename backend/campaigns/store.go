package campaigns

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/keyturn/keyturn/backend/platform/db"
	"github.com/keyturn/keyturn/backend/platform/tenant"
)

// Store holds the campaign queries. Every method that reads a financier's
// rows takes the caller's scope first and filters by it, so another
// financier's campaign is simply not found. Inside a transaction use
// s.with(tx).
type Store struct {
	DB *gorm.DB
}

func (s Store) with(tx *gorm.DB) Store { return Store{DB: tx} }

// timeParam is a bind marker for a time in a SELECT list: PostgreSQL types
// such a parameter as text unless told.
func (s Store) timeParam() string {
	if s.DB.Dialector.Name() == db.DialectPostgres {
		return "CAST(? AS timestamptz)"
	}
	return "?"
}

func wrap(err error, what string) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return db.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("campaigns: %s: %w", what, err)
	}
	return nil
}

// customerRow, vehicleRow and agreementRow are what campaigns read of the
// agreements tables; the audience itself is SQL over them.
type customerRow struct {
	ID          int64 `gorm:"primaryKey"`
	FinancierID int64
	CustomerRef string
	FirstName   string
	LastName    string
	TimeZone    string
	Vulnerable  bool
	ErasedAt    *time.Time
}

// TableName is the customers table.
func (customerRow) TableName() string { return "customers" }

type vehicleRow struct {
	ID        int64 `gorm:"primaryKey"`
	Make      string
	Model     string
	Valuation *int64
	UpdatedAt time.Time
}

// TableName is the vehicles table.
func (vehicleRow) TableName() string { return "vehicles" }

type agreementRow struct {
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
	UpdatedAt            time.Time

	Vehicle vehicleRow `gorm:"foreignKey:VehicleID"`
}

// TableName is the agreements table.
func (agreementRow) TableName() string { return "agreements" }

// financierRow is what campaigns read of a financier.
type financierRow struct {
	ID                 int64
	Slug               string
	TradingName        string
	Market             string
	Currency           string
	TimeZone           string
	ContactCapPerWeek  int
	ContactCapPerMonth int
}

// TableName is the financiers table.
func (financierRow) TableName() string { return "financiers" }

// financier returns the scope's financier.
func (s Store) financier(ctx context.Context, sc tenant.Scope) (financierRow, error) {
	var f financierRow
	err := s.DB.WithContext(ctx).Where("id = ?", sc.FinancierID).Take(&f).Error
	return f, wrap(err, "financier")
}

// campaign returns one of the scope's financier's campaigns.
func (s Store) campaign(ctx context.Context, sc tenant.Scope, id int64) (Campaign, error) {
	var c Campaign
	if sc.FinancierID == 0 {
		return c, db.ErrNotFound
	}
	err := s.DB.WithContext(ctx).Where("financier_id = ? AND id = ?", sc.FinancierID, id).Take(&c).Error
	return c, wrap(err, "campaign")
}

// scopeOfCampaign is the scope a system job acts in for a campaign: its
// financier's. Jobs carry only the campaign id, which a scoped action put
// there.
func (s Store) scopeOfCampaign(ctx context.Context, id int64) (tenant.Scope, error) {
	var fid int64
	err := s.DB.WithContext(ctx).Model(&Campaign{}).Where("id = ?", id).Pluck("financier_id", &fid).Error
	if err == nil && fid == 0 {
		err = gorm.ErrRecordNotFound
	}
	return tenant.Scope{FinancierID: fid}, wrap(err, "campaign's financier")
}

// list returns the scope's financier's campaigns, newest first, with their
// counts.
func (s Store) list(ctx context.Context, sc tenant.Scope) ([]CampaignSummary, error) {
	const q = `SELECT k.id, k.name, k.status, k.start_date, k.end_date, k.updated_at,
	(SELECT COUNT(*) FROM campaign_offers o WHERE o.campaign_id = k.id) AS offers,
	(SELECT COUNT(*) FROM campaign_steps st WHERE st.campaign_id = k.id) AS steps,
	(SELECT COUNT(*) FROM campaign_enrolments e WHERE e.campaign_id = k.id AND e.left_at IS NULL) AS enrolled
FROM campaigns k WHERE k.financier_id = ? ORDER BY k.id DESC LIMIT 500`
	out := []CampaignSummary{}
	if err := s.DB.WithContext(ctx).Raw(q, sc.FinancierID).Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("campaigns: list: %w", err)
	}
	return out, nil
}

// offers returns a campaign's offers in order.
func (s Store) offers(ctx context.Context, sc tenant.Scope, campaignID int64) ([]OfferRow, error) {
	var rows []OfferRow
	err := s.DB.WithContext(ctx).Where("financier_id = ? AND campaign_id = ?", sc.FinancierID, campaignID).
		Order("position, id").Find(&rows).Error
	return rows, wrap(err, "offers")
}

// steps returns a campaign's journey in order.
func (s Store) steps(ctx context.Context, sc tenant.Scope, campaignID int64) ([]Step, error) {
	var rows []Step
	err := s.DB.WithContext(ctx).Where("financier_id = ? AND campaign_id = ?", sc.FinancierID, campaignID).
		Order("position, id").Find(&rows).Error
	return rows, wrap(err, "steps")
}

// enrolledCount counts a campaign's current enrolments.
func (s Store) enrolledCount(ctx context.Context, sc tenant.Scope, campaignID int64) (int64, error) {
	var n int64
	err := s.DB.WithContext(ctx).Model(&Enrolment{}).
		Where("financier_id = ? AND campaign_id = ? AND left_at IS NULL", sc.FinancierID, campaignID).Count(&n).Error
	return n, wrap(err, "count enrolments")
}

// enrolment returns a customer's enrolment in a campaign.
func (s Store) enrolment(ctx context.Context, sc tenant.Scope, campaignID, customerID int64) (Enrolment, error) {
	var e Enrolment
	err := s.DB.WithContext(ctx).Where("financier_id = ? AND campaign_id = ? AND customer_id = ?", sc.FinancierID, campaignID, customerID).
		Take(&e).Error
	return e, wrap(err, "enrolment")
}

// enrolments lists a campaign's enrolments, current ones first.
func (s Store) enrolments(ctx context.Context, sc tenant.Scope, campaignID int64, limit, offset int) ([]EnrolmentView, error) {
	const q = `SELECT e.id, e.customer_id, c.customer_ref, e.agreement_id, a.agreement_number, a.end_date,
	e.enrolled_at, e.left_at, e.left_reason
FROM campaign_enrolments e
JOIN customers c ON c.id = e.customer_id
JOIN agreements a ON a.id = e.agreement_id
WHERE e.financier_id = ? AND e.campaign_id = ?
ORDER BY CASE WHEN e.left_at IS NULL THEN 0 ELSE 1 END, a.end_date, e.id
LIMIT ? OFFSET ?`
	out := []EnrolmentView{}
	if err := s.DB.WithContext(ctx).Raw(q, sc.FinancierID, campaignID, limit, offset).Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("campaigns: list enrolments: %w", err)
	}
	return out, nil
}

// campaignsToSync lists the live campaigns of every financier, for the
// periodic enrolment run (a system job, so no scope).
func (s Store) campaignsToSync(ctx context.Context) ([]int64, error) {
	var ids []int64
	err := s.DB.WithContext(ctx).Model(&Campaign{}).Where("status = ?", StatusLive).Order("id").Pluck("id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("campaigns: live campaigns: %w", err)
	}
	return ids, nil
}

// closeEnrolments ends every current enrolment of a campaign.
func (s Store) closeEnrolments(ctx context.Context, sc tenant.Scope, campaignID int64, at time.Time, reason string) (int64, error) {
	res := s.DB.WithContext(ctx).Model(&Enrolment{}).
		Where("financier_id = ? AND campaign_id = ? AND left_at IS NULL", sc.FinancierID, campaignID).
		Updates(map[string]any{"left_at": at.UTC(), "left_reason": reason})
	if res.Error != nil {
		return 0, fmt.Errorf("campaigns: close enrolments: %w", res.Error)
	}
	return res.RowsAffected, nil
}

// customerByRef finds a customer of the scope's financier by reference.
func (s Store) customerByRef(ctx context.Context, sc tenant.Scope, ref string) (customerRow, error) {
	var c customerRow
	err := s.DB.WithContext(ctx).Where("financier_id = ? AND customer_ref = ?", sc.FinancierID, ref).Take(&c).Error
	return c, wrap(err, "customer by ref")
}

// customer finds a customer of the scope's financier by id.
func (s Store) customer(ctx context.Context, sc tenant.Scope, id int64) (customerRow, error) {
	var c customerRow
	if sc.IsCustomer() && sc.CustomerID != id {
		return c, db.ErrNotFound
	}
	err := s.DB.WithContext(ctx).Where("financier_id = ? AND id = ?", sc.FinancierID, id).Take(&c).Error
	return c, wrap(err, "customer")
}

// agreement returns one of the scope's agreements with its vehicle.
func (s Store) agreement(ctx context.Context, sc tenant.Scope, id int64) (agreementRow, error) {
	var a agreementRow
	q := s.DB.WithContext(ctx).Preload("Vehicle").Where("financier_id = ? AND id = ?", sc.FinancierID, id)
	if sc.IsCustomer() {
		q = q.Where("customer_id = ?", sc.CustomerID)
	}
	err := q.Take(&a).Error
	return a, wrap(err, "agreement")
}

// dealerName is a showroom's name ("" when none).
func (s Store) dealerName(ctx context.Context, id *int64) (string, error) {
	if id == nil {
		return "", nil
	}
	var names []string
	if err := s.DB.WithContext(ctx).Table("dealer_locations").Where("id = ?", *id).Limit(1).Pluck("name", &names).Error; err != nil {
		return "", fmt.Errorf("campaigns: dealer name: %w", err)
	}
	if len(names) == 0 {
		return "", nil
	}
	return names[0], nil
}

// liveEnrolment is a customer's current enrolment in a live campaign.
type liveEnrolment struct {
	EnrolmentID int64
	CampaignID  int64
	AgreementID int64
}

// liveEnrolments lists the scope's customer's current enrolments in live
// campaigns running on day (YYYY-MM-DD).
func (s Store) liveEnrolments(ctx context.Context, sc tenant.Scope, day string) ([]liveEnrolment, error) {
	if !sc.IsCustomer() {
		return nil, db.ErrNotFound
	}
	const q = `SELECT e.id AS enrolment_id, e.campaign_id, e.agreement_id
FROM campaign_enrolments e JOIN campaigns k ON k.id = e.campaign_id
WHERE e.financier_id = ? AND e.customer_id = ? AND e.left_at IS NULL
  AND k.status = 'live' AND k.start_date <= ? AND k.end_date >= ?
ORDER BY e.campaign_id`
	var out []liveEnrolment
	if err := s.DB.WithContext(ctx).Raw(q, sc.FinancierID, sc.CustomerID, day, day).Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("campaigns: customer's enrolments: %w", err)
	}
	return out, nil
}
