package privacy

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Audit appends to the audit log. It is append-only: nothing in Keyturn
// updates or deletes its rows.
type Audit struct {
	Now func() time.Time
}

// Entry is one action to record. Changes holds before/after pairs and must
// only name non-personal fields (roles, campaign settings); personal fields
// are listed in Fields by name only.
type Entry struct {
	FinancierID   *int64
	DealerGroupID *int64
	ActorKind     string
	ActorID       *int64
	Action        string
	ObjectType    string
	ObjectID      string
	Fields        []string
	Changes       map[string][2]any
	IP            string
	RequestID     string
}

// Append writes e inside tx, so the record commits or rolls back with the
// change it describes.
func (a Audit) Append(ctx context.Context, tx *gorm.DB, e Entry) error {
	fields := e.Fields
	if fields == nil {
		fields = []string{}
	}
	f, err := json.Marshal(fields)
	if err != nil {
		return fmt.Errorf("privacy: audit fields: %w", err)
	}
	changes := ""
	if len(e.Changes) > 0 {
		c, err := json.Marshal(e.Changes)
		if err != nil {
			return fmt.Errorf("privacy: audit changes: %w", err)
		}
		changes = string(c)
	}
	row := AuditEntry{At: a.Now().UTC(), FinancierID: e.FinancierID, DealerGroupID: e.DealerGroupID, ActorKind: e.ActorKind,
		ActorID: e.ActorID, Action: e.Action, ObjectType: e.ObjectType, ObjectID: e.ObjectID, Fields: string(f),
		Changes: changes, IP: e.IP, RequestID: e.RequestID}
	if err := tx.WithContext(ctx).Create(&row).Error; err != nil {
		return fmt.Errorf("privacy: append audit entry: %w", err)
	}
	return nil
}

// List returns a financier's audit entries, newest first.
func (a Audit) List(ctx context.Context, tx *gorm.DB, financierID int64, limit int) ([]AuditEntry, error) {
	var rows []AuditEntry
	if err := tx.WithContext(ctx).Where("financier_id = ?", financierID).Order("at DESC, id DESC").Limit(limit).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("privacy: list audit: %w", err)
	}
	return rows, nil
}
