// Package privacy holds what Keyturn records about a customer's choices and
// about who did what: the consent ledger and the audit log.
package privacy

import "time"

// Consent channels.
const (
	ChannelPush  = "push"
	ChannelEmail = "email"
	ChannelSMS   = "sms"
)

// Consent purposes.
const (
	PurposeService            = "service"
	PurposeFinancierMarketing = "financier_marketing"
	PurposeDealerMarketing    = "dealer_marketing"
)

// Lawful bases for marketing (PECR): consent, or soft opt-in.
const (
	BasisConsent   = "consent"
	BasisSoftOptIn = "soft_opt_in"
)

// Consent is one entry of the append-style consent ledger: a grant, and when
// it was withdrawn. A new grant after a withdrawal is a new row, so the
// history is never rewritten.
type Consent struct {
	ID             int64 `gorm:"primaryKey"`
	FinancierID    int64
	CustomerID     int64
	Channel        string
	Purpose        string
	Basis          string
	Source         string // e.g. "import", "app", "demo-seed"
	WordingVersion string
	GivenAt        time.Time
	WithdrawnAt    *time.Time
	CreatedAt      time.Time
}

// AuditEntry records who did what to which object, from where. It holds the
// names of changed fields, never personal values, so erasing a customer never
// needs to rewrite it.
type AuditEntry struct {
	ID            int64 `gorm:"primaryKey"`
	At            time.Time
	FinancierID   *int64
	DealerGroupID *int64
	ActorKind     string // staff, customer, system
	ActorID       *int64
	Action        string
	ObjectType    string
	ObjectID      string
	Fields        string // JSON array of field names
	Changes       string // JSON before/after of non-personal fields only
	IP            string `gorm:"column:ip"`
	RequestID     string
}

// TableName is the audit log's table.
func (AuditEntry) TableName() string { return "audit_log" }
