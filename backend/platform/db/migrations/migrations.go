// Package migrations holds Keyturn's versioned schema migrations, one file
// each, named and identified by a timestamp (202611231300_core). They are
// written with GORM's migrator so one migration runs on SQLite and on
// PostgreSQL. A migration that has shipped is never edited: append a new one.
package migrations

import "github.com/go-gormigrate/gormigrate/v2"

// All returns every migration, oldest first. db.Migrate applies the ones a
// database has not had yet, in this order.
func All() []*gormigrate.Migration {
	return []*gormigrate.Migration{
		core202611231300,
		imports202611231420,
		campaigns202611231500,
		media202612050900,
	}
}
