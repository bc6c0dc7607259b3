package migrations

import (
	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// indexes202612050800 drops ix_agreements_end (financier_id, end_date): it is
// a prefix of ix_agreements_audience, which serves every query that filters
// or orders a financier's agreements by end date, so it only cost each
// agreement written an extra index entry (docs/BENCHMARKS.md, "Imports").
var indexes202612050800 = &gormigrate.Migration{
	ID: "202612050800_indexes",
	Migrate: func(tx *gorm.DB) error {
		return tx.Exec("DROP INDEX IF EXISTS ix_agreements_end").Error
	},
	Rollback: func(tx *gorm.DB) error {
		return tx.Exec("CREATE INDEX IF NOT EXISTS ix_agreements_end ON agreements (financier_id, end_date)").Error
	},
}
