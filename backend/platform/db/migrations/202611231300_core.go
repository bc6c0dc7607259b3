package migrations

import (
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// The types below are frozen copies of the schema as this migration creates
// it. Domain models may change later; this file must not (append a new
// migration instead), so it never imports them.

type coreFinancier struct {
	ID                   int64  `gorm:"primaryKey"`
	Slug                 string `gorm:"size:64;not null;uniqueIndex:ux_financiers_slug"`
	LegalName            string `gorm:"size:200;not null"`
	TradingName          string `gorm:"size:200;not null"`
	Market               string `gorm:"size:2;not null"`
	Currency             string `gorm:"size:3;not null"`
	PostalAddress        string `gorm:"size:500;not null"`
	LogoURL              string `gorm:"size:500;not null;default:''"`
	BrandColour          string `gorm:"size:7;not null"`
	TimeZone             string `gorm:"size:64;not null"`
	SupportPhone         string `gorm:"size:40;not null;default:''"`
	SupportEmail         string `gorm:"size:200;not null;default:''"`
	ContactCapPerWeek    int    `gorm:"not null"`
	ContactCapPerMonth   int    `gorm:"not null"`
	AckLimitMinutes      int    `gorm:"not null"`
	ReassignLimitMinutes int    `gorm:"not null"`
	CreatedAt, UpdatedAt time.Time
}

func (coreFinancier) TableName() string { return "financiers" }

type coreDealerGroup struct {
	ID                   int64  `gorm:"primaryKey"`
	Name                 string `gorm:"size:200;not null;uniqueIndex:ux_dealer_groups_name"`
	CreatedAt, UpdatedAt time.Time
}

func (coreDealerGroup) TableName() string { return "dealer_groups" }

type coreDealerLocation struct {
	ID                   int64  `gorm:"primaryKey"`
	DealerGroupID        int64  `gorm:"not null;index:ix_dealer_locations_group"`
	Code                 string `gorm:"size:20;not null;uniqueIndex:ux_dealer_locations_code"`
	Name                 string `gorm:"size:200;not null"`
	AddressLine1         string `gorm:"size:200;not null"`
	Town                 string `gorm:"size:100;not null"`
	Region               string `gorm:"size:100;not null"`
	Postcode             string `gorm:"size:10;not null"`
	Latitude             float64
	Longitude            float64
	TimeZone             string `gorm:"size:64;not null"`
	OpeningHours         string `gorm:"size:2000;not null"` // JSON: {"mon":[["09:00","18:00"]],...}
	Phone                string `gorm:"size:40;not null;default:''"`
	Email                string `gorm:"size:200;not null;default:''"`
	PrincipalName        string `gorm:"size:200;not null;default:''"`
	PrincipalEmail       string `gorm:"size:200;not null;default:''"`
	PrincipalPhone       string `gorm:"size:40;not null;default:''"`
	CreatedAt, UpdatedAt time.Time

	DealerGroup coreDealerGroup `gorm:"foreignKey:DealerGroupID;constraint:OnDelete:RESTRICT"`
}

func (coreDealerLocation) TableName() string { return "dealer_locations" }

type coreFinancierDealer struct {
	FinancierID      int64 `gorm:"primaryKey;autoIncrement:false"`
	DealerLocationID int64 `gorm:"primaryKey;autoIncrement:false;index:ix_financier_dealers_location"`
	CreatedAt        time.Time

	Financier      coreFinancier      `gorm:"foreignKey:FinancierID;constraint:OnDelete:CASCADE"`
	DealerLocation coreDealerLocation `gorm:"foreignKey:DealerLocationID;constraint:OnDelete:CASCADE"`
}

func (coreFinancierDealer) TableName() string { return "financier_dealers" }

type coreStaffUser struct {
	ID                   int64  `gorm:"primaryKey"`
	Email                string `gorm:"size:200;not null;uniqueIndex:ux_staff_users_email"`
	Name                 string `gorm:"size:200;not null"`
	PasswordHash         string `gorm:"size:200;not null;default:''"`
	Role                 string `gorm:"size:40;not null"`
	FinancierID          *int64 `gorm:"index:ix_staff_users_financier"`
	DealerGroupID        *int64 `gorm:"index:ix_staff_users_dealer_group"`
	TOTPSecret           string `gorm:"column:totp_secret;size:100;not null;default:''"`
	TOTPEnabled          bool   `gorm:"column:totp_enabled;not null;default:false"`
	TOTPLastStep         int64  `gorm:"column:totp_last_step;not null;default:0"`
	Demo                 bool   `gorm:"not null;default:false"`
	DisabledAt           *time.Time
	LastLoginAt          *time.Time
	CreatedAt, UpdatedAt time.Time

	Financier   *coreFinancier   `gorm:"foreignKey:FinancierID;constraint:OnDelete:RESTRICT"`
	DealerGroup *coreDealerGroup `gorm:"foreignKey:DealerGroupID;constraint:OnDelete:RESTRICT"`
}

func (coreStaffUser) TableName() string { return "staff_users" }

type coreStaffLocation struct {
	StaffUserID      int64 `gorm:"primaryKey;autoIncrement:false"`
	DealerLocationID int64 `gorm:"primaryKey;autoIncrement:false"`

	StaffUser      coreStaffUser      `gorm:"foreignKey:StaffUserID;constraint:OnDelete:CASCADE"`
	DealerLocation coreDealerLocation `gorm:"foreignKey:DealerLocationID;constraint:OnDelete:CASCADE"`
}

func (coreStaffLocation) TableName() string { return "staff_locations" }

type coreCustomer struct {
	ID                   int64  `gorm:"primaryKey"`
	FinancierID          int64  `gorm:"not null;uniqueIndex:ux_customers_ref,priority:1"`
	CustomerRef          string `gorm:"size:64;not null;uniqueIndex:ux_customers_ref,priority:2"`
	FirstName            string `gorm:"size:100;not null"`
	LastName             string `gorm:"size:100;not null"`
	Email                string `gorm:"size:200;not null;index:ix_customers_email"`
	Mobile               string `gorm:"size:40;not null;default:''"`
	DateOfBirth          string `gorm:"size:10;not null"`
	Postcode             string `gorm:"size:10;not null"`
	TimeZone             string `gorm:"size:64;not null"`
	Vulnerable           bool   `gorm:"not null;default:false"`
	ErasedAt             *time.Time
	CreatedAt, UpdatedAt time.Time

	Financier coreFinancier `gorm:"foreignKey:FinancierID;constraint:OnDelete:RESTRICT"`
}

func (coreCustomer) TableName() string { return "customers" }

type coreVehicle struct {
	ID                   int64  `gorm:"primaryKey"`
	FinancierID          int64  `gorm:"not null;index:ix_vehicles_financier"`
	Make                 string `gorm:"size:60;not null"`
	Model                string `gorm:"size:60;not null"`
	Derivative           string `gorm:"size:200;not null;default:''"`
	Registration         string `gorm:"size:20;not null;default:''"`
	FirstRegistered      string `gorm:"size:10;not null;default:''"`
	CurrentMileage       *int64
	Valuation            *int64
	ValuedAt             *time.Time
	CreatedAt, UpdatedAt time.Time

	Financier coreFinancier `gorm:"foreignKey:FinancierID;constraint:OnDelete:RESTRICT"`
}

func (coreVehicle) TableName() string { return "vehicles" }

type coreAgreement struct {
	ID                   int64  `gorm:"primaryKey"`
	FinancierID          int64  `gorm:"not null;uniqueIndex:ux_agreements_number,priority:1;index:ix_agreements_end,priority:1"`
	CustomerID           int64  `gorm:"not null;index:ix_agreements_customer"`
	VehicleID            int64  `gorm:"not null;index:ix_agreements_vehicle"`
	DealerLocationID     *int64 `gorm:"index:ix_agreements_dealer"`
	AgreementNumber      string `gorm:"size:64;not null;uniqueIndex:ux_agreements_number,priority:2"`
	Product              string `gorm:"size:3;not null"`
	Status               string `gorm:"size:12;not null"`
	StartDate            string `gorm:"size:10;not null"`
	EndDate              string `gorm:"size:10;not null;index:ix_agreements_end,priority:2"`
	TermMonths           int    `gorm:"not null"`
	MonthlyPayment       int64  `gorm:"not null"`
	Deposit              int64  `gorm:"not null;default:0"`
	AmountOfCredit       *int64
	APR                  *float64 `gorm:"column:apr"`
	OptionalFinalPayment *int64
	AnnualMileage        *int64
	InArrears            bool `gorm:"not null;default:false"`
	Forbearance          bool `gorm:"not null;default:false"`
	SettlementFigure     *int64
	Equity               *int64
	EquityBasis          string `gorm:"size:40;not null;default:''"`
	EquityComputedAt     *time.Time
	CreatedAt, UpdatedAt time.Time

	Financier      coreFinancier       `gorm:"foreignKey:FinancierID;constraint:OnDelete:RESTRICT"`
	Customer       coreCustomer        `gorm:"foreignKey:CustomerID;constraint:OnDelete:RESTRICT"`
	Vehicle        coreVehicle         `gorm:"foreignKey:VehicleID;constraint:OnDelete:RESTRICT"`
	DealerLocation *coreDealerLocation `gorm:"foreignKey:DealerLocationID;constraint:OnDelete:SET NULL"`
}

func (coreAgreement) TableName() string { return "agreements" }

type coreConsent struct {
	ID             int64  `gorm:"primaryKey"`
	FinancierID    int64  `gorm:"not null;index:ix_consents_customer,priority:1"`
	CustomerID     int64  `gorm:"not null;index:ix_consents_customer,priority:2"`
	Channel        string `gorm:"size:10;not null"`
	Purpose        string `gorm:"size:30;not null"`
	Basis          string `gorm:"size:20;not null"`
	Source         string `gorm:"size:40;not null"`
	WordingVersion string `gorm:"size:40;not null"`
	GivenAt        time.Time
	WithdrawnAt    *time.Time
	CreatedAt      time.Time

	Customer coreCustomer `gorm:"foreignKey:CustomerID;constraint:OnDelete:CASCADE"`
}

func (coreConsent) TableName() string { return "consents" }

type coreAuditEntry struct {
	ID            int64     `gorm:"primaryKey"`
	At            time.Time `gorm:"not null;index:ix_audit_at"`
	FinancierID   *int64    `gorm:"index:ix_audit_financier"`
	DealerGroupID *int64
	ActorKind     string `gorm:"size:20;not null"`
	ActorID       *int64
	Action        string `gorm:"size:60;not null"`
	ObjectType    string `gorm:"size:40;not null"`
	ObjectID      string `gorm:"size:64;not null;default:''"`
	Fields        string `gorm:"size:2000;not null;default:'[]'"` // JSON array of field names
	Changes       string `gorm:"size:8000;not null;default:''"`   // JSON before/after, non-personal fields only
	IP            string `gorm:"column:ip;size:64;not null;default:''"`
	RequestID     string `gorm:"size:64;not null;default:''"`
}

func (coreAuditEntry) TableName() string { return "audit_log" }

type coreCustomerInvite struct {
	ID             int64     `gorm:"primaryKey"`
	FinancierID    int64     `gorm:"not null"`
	CustomerID     int64     `gorm:"not null;index:ix_customer_invites_customer"`
	TokenHash      string    `gorm:"size:64;not null;uniqueIndex:ux_customer_invites_token"`
	ExpiresAt      time.Time `gorm:"index:ix_customer_invites_expires"`
	UsedAt         *time.Time
	FailedAttempts int `gorm:"not null;default:0"`
	LockedUntil    *time.Time
	LockedForever  bool `gorm:"not null;default:false"`
	CreatedAt      time.Time

	Customer coreCustomer `gorm:"foreignKey:CustomerID;constraint:OnDelete:CASCADE"`
}

func (coreCustomerInvite) TableName() string { return "customer_invites" }

type coreStaffLink struct {
	ID          int64     `gorm:"primaryKey"`
	StaffUserID int64     `gorm:"not null;index:ix_staff_links_user"`
	Purpose     string    `gorm:"size:20;not null"`
	TokenHash   string    `gorm:"size:64;not null;uniqueIndex:ux_staff_links_token"`
	ExpiresAt   time.Time `gorm:"index:ix_staff_links_expires"`
	UsedAt      *time.Time
	CreatedAt   time.Time

	StaffUser coreStaffUser `gorm:"foreignKey:StaffUserID;constraint:OnDelete:CASCADE"`
}

func (coreStaffLink) TableName() string { return "staff_links" }

type coreRefreshToken struct {
	ID          int64     `gorm:"primaryKey"`
	FamilyID    string    `gorm:"size:64;not null;index:ix_refresh_tokens_family"`
	SubjectKind string    `gorm:"size:10;not null;index:ix_refresh_tokens_subject,priority:1"`
	SubjectID   int64     `gorm:"not null;index:ix_refresh_tokens_subject,priority:2"`
	TokenHash   string    `gorm:"size:64;not null;uniqueIndex:ux_refresh_tokens_token"`
	ExpiresAt   time.Time `gorm:"index:ix_refresh_tokens_expires"` // the family's absolute end
	UsedAt      *time.Time
	RevokedAt   *time.Time
	CreatedAt   time.Time
}

func (coreRefreshToken) TableName() string { return "refresh_tokens" }

// core202611231300 creates the foundation's tables: tenants, dealers, staff,
// customers, agreements, consents, the audit log and sign-in tokens.
var core202611231300 = &gormigrate.Migration{
	ID: "202611231300_core",
	Migrate: func(tx *gorm.DB) error {
		return tx.Migrator().CreateTable(
			&coreFinancier{}, &coreDealerGroup{}, &coreDealerLocation{}, &coreFinancierDealer{},
			&coreStaffUser{}, &coreStaffLocation{},
			&coreCustomer{}, &coreVehicle{}, &coreAgreement{}, &coreConsent{}, &coreAuditEntry{},
			&coreCustomerInvite{}, &coreStaffLink{}, &coreRefreshToken{},
		)
	},
	Rollback: func(tx *gorm.DB) error {
		return tx.Migrator().DropTable(
			"refresh_tokens", "staff_links", "customer_invites", "audit_log", "consents",
			"agreements", "vehicles", "customers", "staff_locations", "staff_users",
			"financier_dealers", "dealer_locations", "dealer_groups", "financiers",
		)
	},
}
