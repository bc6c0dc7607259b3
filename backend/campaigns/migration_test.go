package campaigns

import (
	"context"
	"testing"

	"github.com/go-gormigrate/gormigrate/v2"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/keyturn/keyturn/backend/platform/db"
	"github.com/keyturn/keyturn/backend/platform/db/dbtest"
	"github.com/keyturn/keyturn/backend/platform/db/migrations"
)

// TestMigrationRollsBack undoes and redoes the campaigns migration on both
// databases: its tables and indexes go, and come back.
func TestMigrationRollsBack(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var m *gormigrate.Migration
		for _, mig := range migrations.All() {
			if mig.ID == "202611231500_campaigns" {
				m = mig
			}
		}
		require.NotNil(t, m, "the campaigns migration is listed")
		tables := []string{"campaigns", "campaign_offers", "campaign_steps", "campaign_enrolments"}
		for _, tb := range tables {
			require.True(t, d.Gorm.Migrator().HasTable(tb), tb)
		}
		require.True(t, d.Gorm.Migrator().HasIndex("agreements", "ix_agreements_audience"))
		require.NoError(t, d.Tx(ctx, func(tx *gorm.DB) error { return m.Rollback(tx) }))
		for _, tb := range tables {
			require.False(t, d.Gorm.Migrator().HasTable(tb), tb)
		}
		require.False(t, d.Gorm.Migrator().HasIndex("agreements", "ix_agreements_audience"))
		require.NoError(t, d.Tx(ctx, func(tx *gorm.DB) error { return m.Migrate(tx) }))
		require.True(t, d.Gorm.Migrator().HasTable("campaign_enrolments"))
		require.True(t, d.Gorm.Migrator().HasIndex("consents", "ix_consents_marketing"))
	})
}
