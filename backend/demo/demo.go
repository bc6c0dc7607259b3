// Package demo writes Keyturn's demo data (`keyturn seed-demo`, and `keyturn
// serve` in demo mode): a UK financier with staff in every role, an Irish
// financier for tenant-isolation checks, three dealer groups with fifteen
// showrooms, and 500 customers whose agreements end over the next eighteen
// months, so every screen has something true to show.
//
// The data are generated from a fixed random seed and the date passed in, so
// the same date always gives the same data, and they are written by natural
// key (financier slug, dealer code, staff email, customer reference,
// agreement number): running Seed again inserts nothing. Every person,
// business, telephone number and email address is fictional and taken from
// ranges reserved for that purpose.
package demo

// Slugs of the two demo financiers.
const (
	// FinancierSlug is the UK demo financier, where the demo staff and the
	// demo customer belong.
	FinancierSlug = "demo"
	// IrishFinancierSlug is the Irish demo financier: a second tenant with a
	// few customers of its own, for tenant-isolation tests.
	IrishFinancierSlug = "demo-ie"
)

// CustomerRef is the demo customer's reference at the demo financier: a PCP
// on a Ford Puma ending about four months after the seed date, with positive
// equity, plus an HP agreement. The demo customer signs in with
// DemoCustomer's date of birth and postcode.
const CustomerRef = "DEMO-0001"

// DemoCustomer returns the demo customer's date of birth (YYYY-MM-DD) and
// postcode, the answers to the identity check behind the demo invite link.
func DemoCustomer() (dateOfBirth, postcode string) {
	return demoCustomerDOB, demoCustomerPostcode
}

const (
	demoCustomerDOB      = "1986-04-12"
	demoCustomerPostcode = "LS6 2QT"
)

// Email addresses of the demo staff, on a reserved domain (RFC 6761 .test).
// They sign in with one-time demo links and have no password.
const (
	// AdminEmail is the demo financier's administrator.
	AdminEmail = "admin@" + demoDomain
	// MarketerEmail is the demo financier's marketer.
	MarketerEmail = "marketer@" + demoDomain
	// ApproverEmail is the demo financier's compliance approver.
	ApproverEmail = "approver@" + demoDomain
	// AnalystEmail is the demo financier's analyst.
	AnalystEmail = "analyst@" + demoDomain
	// DealerPrincipalEmail is the principal of the first dealer group
	// (Kestrel Motor Group), and the escalation contact of its showrooms.
	DealerPrincipalEmail = "principal@" + demoDomain
	// DealerStaffEmail is the enquiry manager at DLR001 and DLR002.
	DealerStaffEmail = "enquiries@" + demoDomain
	// IrishMarketerEmail is the Irish demo financier's marketer.
	IrishMarketerEmail = "marketer.ie@" + demoDomain
)

// Result says what Seed found or wrote. The counts are the demo data set's
// totals across both demo financiers, which all exist once Seed returns,
// whether this run created them or an earlier one did.
type Result struct {
	// Created is false when everything already existed and nothing was
	// written.
	Created bool
	// Financiers, Locations, Staff, Customers and Agreements count the demo
	// financiers, dealer locations, staff users, customers and agreements.
	Financiers, Locations, Staff, Customers, Agreements int
}
