// Package agreements holds the financier's customers, their vehicles and
// their finance agreements, and answers what a customer or a financier sees
// of them.
package agreements

import "time"

// Products.
const (
	ProductPCP = "pcp"
	ProductHP  = "hp"
	ProductPCH = "pch"
)

// Agreement statuses.
const (
	StatusActive     = "active"
	StatusSettled    = "settled"
	StatusTerminated = "terminated"
)

// Customer is a financier's customer; one may hold several agreements.
type Customer struct {
	ID                   int64 `gorm:"primaryKey"`
	FinancierID          int64
	CustomerRef          string
	FirstName            string
	LastName             string
	Email                string
	Mobile               string
	DateOfBirth          string // YYYY-MM-DD
	Postcode             string // normalised: upper case, one space before the inward code
	TimeZone             string
	Vulnerable           bool
	ErasedAt             *time.Time
	CreatedAt, UpdatedAt time.Time
}

// Vehicle is the car an agreement finances.
type Vehicle struct {
	ID                   int64 `gorm:"primaryKey"`
	FinancierID          int64
	Make                 string
	Model                string
	Derivative           string
	Registration         string
	FirstRegistered      string
	CurrentMileage       *int64
	Valuation            *int64 // pence
	ValuedAt             *time.Time
	CreatedAt, UpdatedAt time.Time
}

// Agreement is one finance agreement. Money is in minor units (pence/cents);
// dates are calendar dates in the customer's time zone.
type Agreement struct {
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
	AnnualMileage        *int64
	InArrears            bool
	Forbearance          bool
	SettlementFigure     *int64
	Equity               *int64
	EquityBasis          string
	EquityComputedAt     *time.Time
	CreatedAt, UpdatedAt time.Time

	Vehicle Vehicle `gorm:"foreignKey:VehicleID"`
}
