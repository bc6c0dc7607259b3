package agreements

import (
	"context"
	"time"

	"github.com/keyturn/keyturn/backend/platform/tenant"
)

// FinancierCard is what the customer app shows of their financier.
type FinancierCard struct {
	Slug         string `json:"slug"`
	Name         string `json:"name"`
	Market       string `json:"market,omitempty"`
	Currency     string `json:"currency,omitempty"`
	BrandColour  string `json:"brand_colour"`
	LogoURL      string `json:"logo_url,omitempty"`
	SupportPhone string `json:"support_phone,omitempty"`
	SupportEmail string `json:"support_email,omitempty"`
	TimeZone     string `json:"-"`
}

// Financiers looks up a financier's card; the app wires in tenants.
type Financiers interface {
	Card(ctx context.Context, financierID int64) (FinancierCard, error)
	NetworkSize(ctx context.Context, financierID int64) (int64, error)
}

// Service answers overview questions about agreements.
type Service struct {
	Store      Store
	Financiers Financiers
	Now        func() time.Time
}

// AgreementView is one agreement as its customer sees it.
type AgreementView struct {
	ID                   int64       `json:"id"`
	AgreementNumber      string      `json:"agreement_number"`
	Product              string      `json:"product"`
	Status               string      `json:"status"`
	StartDate            string      `json:"start_date"`
	EndDate              string      `json:"end_date"`
	TermMonths           int         `json:"term_months"`
	MonthlyPayment       int64       `json:"monthly_payment"`
	OptionalFinalPayment *int64      `json:"optional_final_payment"`
	PaymentsLeft         int         `json:"payments_left"`
	Currency             string      `json:"currency"`
	Vehicle              VehicleView `json:"vehicle"`
}

// VehicleView is the car on an agreement.
type VehicleView struct {
	Make         string `json:"make"`
	Model        string `json:"model"`
	Derivative   string `json:"derivative"`
	Registration string `json:"registration"`
}

// CustomerOverview is the customer app's home screen.
type CustomerOverview struct {
	Customer struct {
		FirstName string `json:"first_name"`
		LastName  string `json:"last_name"`
	} `json:"customer"`
	Financier  FinancierCard   `json:"financier"`
	Agreements []AgreementView `json:"agreements"`
}

// CustomerOverview returns the signed-in customer's own agreements.
func (s *Service) CustomerOverview(ctx context.Context, sc tenant.Scope) (CustomerOverview, error) {
	var ov CustomerOverview
	c, err := s.Store.Customer(ctx, sc, sc.CustomerID)
	if err != nil {
		return ov, err
	}
	fin, err := s.Financiers.Card(ctx, sc.FinancierID)
	if err != nil {
		return ov, err
	}
	as, err := s.Store.Agreements(ctx, sc, c.ID)
	if err != nil {
		return ov, err
	}
	ov.Customer.FirstName, ov.Customer.LastName = c.FirstName, c.LastName
	ov.Financier = fin
	today := dateIn(s.Now(), c.TimeZone)
	ov.Agreements = make([]AgreementView, 0, len(as))
	for _, a := range as {
		ov.Agreements = append(ov.Agreements, view(a, fin.Currency, today))
	}
	return ov, nil
}

func view(a Agreement, currency, today string) AgreementView {
	return AgreementView{ID: a.ID, AgreementNumber: a.AgreementNumber, Product: a.Product, Status: a.Status,
		StartDate: a.StartDate, EndDate: a.EndDate, TermMonths: a.TermMonths, MonthlyPayment: a.MonthlyPayment,
		OptionalFinalPayment: a.OptionalFinalPayment, PaymentsLeft: PaymentsLeft(a, today), Currency: currency,
		Vehicle: VehicleView{Make: a.Vehicle.Make, Model: a.Vehicle.Model, Derivative: a.Vehicle.Derivative, Registration: a.Vehicle.Registration}}
}

// PaymentsLeft counts the regular monthly payments due after today. Payment
// k falls k months after the start date; a PCP has term−1 of them (its
// optional final payment is not a regular payment).
func PaymentsLeft(a Agreement, today string) int {
	if a.Status != StatusActive {
		return 0
	}
	start, err := time.Parse(time.DateOnly, a.StartDate)
	if err != nil {
		return 0
	}
	n := a.TermMonths
	if a.Product == ProductPCP {
		n--
	}
	left := 0
	for k := 1; k <= n; k++ {
		if start.AddDate(0, k, 0).Format(time.DateOnly) > today {
			left++
		}
	}
	return left
}

// FinancierOverview is the console's home screen.
type FinancierOverview struct {
	Financier FinancierCard `json:"financier"`
	Counts    struct {
		Counts
		DealerLocations int64 `json:"dealer_locations"`
	} `json:"counts"`
}

// FinancierOverview returns the headline numbers of the caller's financier.
func (s *Service) FinancierOverview(ctx context.Context, sc tenant.Scope) (FinancierOverview, error) {
	var ov FinancierOverview
	fin, err := s.Financiers.Card(ctx, sc.FinancierID)
	if err != nil {
		return ov, err
	}
	now := s.Now()
	counts, err := s.Store.Count(ctx, sc, dateIn(now, fin.TimeZone), dateIn(now.AddDate(0, 0, 90), fin.TimeZone))
	if err != nil {
		return ov, err
	}
	n, err := s.Financiers.NetworkSize(ctx, sc.FinancierID)
	if err != nil {
		return ov, err
	}
	ov.Financier = fin
	ov.Counts.Counts = counts
	ov.Counts.DealerLocations = n
	return ov, nil
}

// CustomerView is a customer as financier staff see them.
type CustomerView struct {
	ID          int64           `json:"id"`
	CustomerRef string          `json:"customer_ref"`
	FirstName   string          `json:"first_name"`
	LastName    string          `json:"last_name"`
	Email       string          `json:"email"`
	Vulnerable  bool            `json:"vulnerable"`
	Agreements  []AgreementView `json:"agreements"`
}

// CustomerView returns one customer of the caller's financier; any other
// financier's customer is not found.
func (s *Service) CustomerView(ctx context.Context, sc tenant.Scope, id int64) (CustomerView, error) {
	c, err := s.Store.Customer(ctx, sc, id)
	if err != nil {
		return CustomerView{}, err
	}
	fin, err := s.Financiers.Card(ctx, sc.FinancierID)
	if err != nil {
		return CustomerView{}, err
	}
	as, err := s.Store.Agreements(ctx, sc, c.ID)
	if err != nil {
		return CustomerView{}, err
	}
	today := dateIn(s.Now(), c.TimeZone)
	cv := CustomerView{ID: c.ID, CustomerRef: c.CustomerRef, FirstName: c.FirstName, LastName: c.LastName, Email: c.Email, Vulnerable: c.Vulnerable}
	cv.Agreements = make([]AgreementView, 0, len(as))
	for _, a := range as {
		cv.Agreements = append(cv.Agreements, view(a, fin.Currency, today))
	}
	return cv, nil
}
