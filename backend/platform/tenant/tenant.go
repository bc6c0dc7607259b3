// Package tenant carries the caller's scope from the verified token to every
// store call. It holds no rules: the auth package fills it in, stores filter
// by it, and nothing ever takes it from a request body or path.
package tenant

// Scope is what the caller may see. Exactly one of the shapes applies:
// financier staff (FinancierID), dealer staff (DealerGroupID plus the
// LocationIDs they work at; a principal has AllLocations), or a customer
// (FinancierID and CustomerID).
type Scope struct {
	FinancierID   int64
	DealerGroupID int64
	LocationIDs   []int64
	AllLocations  bool
	CustomerID    int64
}

// IsFinancier reports whether the scope is a financier's staff member's.
func (s Scope) IsFinancier() bool { return s.FinancierID != 0 && s.CustomerID == 0 }

// IsDealer reports whether the scope is a dealer's.
func (s Scope) IsDealer() bool { return s.DealerGroupID != 0 }

// IsCustomer reports whether the scope is one customer's own.
func (s Scope) IsCustomer() bool { return s.CustomerID != 0 }

// SeesLocation reports whether a dealer scope covers the location.
func (s Scope) SeesLocation(id int64) bool {
	if !s.IsDealer() {
		return false
	}
	if s.AllLocations {
		return true
	}
	for _, l := range s.LocationIDs {
		if l == id {
			return true
		}
	}
	return false
}
