// Package auth signs people in and says who they are: staff with a password
// and a TOTP second factor, customers with an invite link plus date of birth
// and postcode, short-lived access JWTs, rotating refresh tokens, roles, and
// the tenant scope every handler reads.
package auth

import (
	"slices"
	"time"
)

// Role is a staff role, or RoleCustomer for a customer of a financier.
type Role = string

// The roles. A route lists the roles allowed to call it.
const (
	RoleFinancierAdmin     Role = "financier_admin"
	RoleFinancierMarketer  Role = "financier_marketer"
	RoleComplianceApprover Role = "compliance_approver"
	RoleFinancierAnalyst   Role = "financier_analyst"
	RoleDealerPrincipal    Role = "dealer_principal"
	RoleDealerStaff        Role = "dealer_staff"
	RoleCustomer           Role = "customer"
)

// Role groups for route tables.
var (
	FinancierRoles = []Role{RoleFinancierAdmin, RoleFinancierMarketer, RoleComplianceApprover, RoleFinancierAnalyst}
	DealerRoles    = []Role{RoleDealerPrincipal, RoleDealerStaff}
	StaffRoles     = append(slices.Clone(FinancierRoles), DealerRoles...)
	SignedIn       = append(slices.Clone(StaffRoles), RoleCustomer)
)

// IsFinancierRole reports whether r is one of the financier's staff roles.
func IsFinancierRole(r Role) bool { return slices.Contains(FinancierRoles, r) }

// IsDealerRole reports whether r is one of a dealer's staff roles.
func IsDealerRole(r Role) bool { return slices.Contains(DealerRoles, r) }

// RequiresTOTP reports whether the role must use a second factor to sign in.
func RequiresTOTP(r Role) bool {
	return r == RoleFinancierAdmin || r == RoleComplianceApprover
}

// Subject kinds.
const (
	KindStaff    = "staff"
	KindCustomer = "customer"
)

// StaffUser is a financier's or a dealer's staff member.
type StaffUser struct {
	ID            int64 `gorm:"primaryKey"`
	Email         string
	Name          string
	PasswordHash  string
	Role          Role
	FinancierID   *int64
	DealerGroupID *int64
	TOTPSecret    string `gorm:"column:totp_secret"`
	TOTPEnabled   bool   `gorm:"column:totp_enabled"`
	TOTPLastStep  int64  `gorm:"column:totp_last_step"`
	Demo          bool
	DisabledAt    *time.Time
	LastLoginAt   *time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// StaffLocation says which locations a dealer_staff member works at.
type StaffLocation struct {
	StaffUserID      int64 `gorm:"primaryKey;autoIncrement:false"`
	DealerLocationID int64 `gorm:"primaryKey;autoIncrement:false"`
}

// Link purposes for one-time staff links.
const (
	LinkDemo   = "demo"
	LinkInvite = "invite"
	LinkReset  = "reset"
)

// StaffLink is a single-use link for a staff member: a demo sign-in, an
// invitation to set a password, or a password reset. Only its hash is kept.
type StaffLink struct {
	ID          int64 `gorm:"primaryKey"`
	StaffUserID int64
	Purpose     string
	TokenHash   string
	ExpiresAt   time.Time
	UsedAt      *time.Time
	CreatedAt   time.Time
}

// CustomerInvite is a customer's sign-in link. Opening it does not use it up;
// only a successful identity check does (mail scanners open links).
type CustomerInvite struct {
	ID             int64 `gorm:"primaryKey"`
	FinancierID    int64
	CustomerID     int64
	TokenHash      string
	ExpiresAt      time.Time
	UsedAt         *time.Time
	FailedAttempts int
	LockedUntil    *time.Time
	LockedForever  bool
	CreatedAt      time.Time
}

// RefreshToken is one link in a rotating family. Using a token marks it
// used and issues the next; presenting a used one revokes the family.
type RefreshToken struct {
	ID          int64 `gorm:"primaryKey"`
	FamilyID    string
	SubjectKind string
	SubjectID   int64
	TokenHash   string
	ExpiresAt   time.Time // the family's absolute end
	UsedAt      *time.Time
	RevokedAt   *time.Time
	CreatedAt   time.Time
}
