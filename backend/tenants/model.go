// Package tenants holds the organisations Keyturn serves: financiers (the
// tenants whose customers these are), dealer groups and their locations, and
// each financier's dealer network (a dealer may serve several financiers).
package tenants

import "time"

// Markets a financier can operate in.
const (
	MarketUK = "UK"
	MarketIE = "IE"
)

// Financier is a tenant: a captive finance house or bank.
type Financier struct {
	ID                   int64 `gorm:"primaryKey"`
	Slug                 string
	LegalName            string
	TradingName          string
	Market               string
	Currency             string
	PostalAddress        string
	LogoURL              string
	BrandColour          string
	TimeZone             string
	SupportPhone         string
	SupportEmail         string
	ContactCapPerWeek    int // pushes and emails across all campaigns and dealers
	ContactCapPerMonth   int
	AckLimitMinutes      int // dealer must acknowledge a booking within this, else the principal is alerted
	ReassignLimitMinutes int // not acknowledged within this, another dealer gets it
	CreatedAt, UpdatedAt time.Time
}

// DealerGroup owns one or more showroom locations; its principal is the
// escalation point.
type DealerGroup struct {
	ID                   int64 `gorm:"primaryKey"`
	Name                 string
	CreatedAt, UpdatedAt time.Time
}

// DealerLocation is one showroom.
type DealerLocation struct {
	ID                   int64 `gorm:"primaryKey"`
	DealerGroupID        int64
	Code                 string
	Name                 string
	AddressLine1         string
	Town                 string
	Region               string
	Postcode             string
	Latitude             float64
	Longitude            float64
	TimeZone             string
	OpeningHours         string // JSON object: day → list of [open, close] in local time
	Phone                string
	Email                string
	PrincipalName        string
	PrincipalEmail       string
	PrincipalPhone       string
	CreatedAt, UpdatedAt time.Time
}

// FinancierDealer links a financier to a location in its network.
type FinancierDealer struct {
	FinancierID      int64 `gorm:"primaryKey;autoIncrement:false"`
	DealerLocationID int64 `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt        time.Time
}
