package db

import (
	"context"

	"github.com/go-gormigrate/gormigrate/v2"
)

// MigrateList runs the migration runner over list instead of
// migrations.All(), so tests can add migrations of their own.
func (d *DB) MigrateList(ctx context.Context, list []*gormigrate.Migration) error {
	return d.migrate(ctx, list)
}
