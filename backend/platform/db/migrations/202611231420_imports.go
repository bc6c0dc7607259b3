package migrations

import (
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// Frozen copies of the tables and columns this migration adds (see the note
// in 202611231300_core.go).

type importsImport struct {
	ID            int64  `gorm:"primaryKey"`
	FinancierID   int64  `gorm:"not null;index:ix_imports_financier,priority:1"`
	ActorKind     string `gorm:"size:20;not null"`
	ActorID       *int64
	Source        string    `gorm:"size:10;not null"`
	FileName      string    `gorm:"size:200;not null;default:''"`
	Format        string    `gorm:"size:10;not null"`
	Status        string    `gorm:"size:12;not null;index:ix_imports_status"`
	Bytes         int64     `gorm:"not null;default:0"`
	Chunks        int       `gorm:"not null;default:0"`
	BytesDone     int64     `gorm:"not null;default:0"`
	LinesDone     int       `gorm:"not null;default:0"`
	Rows          int       `gorm:"not null;default:0"`
	Inserted      int       `gorm:"not null;default:0"`
	Updated       int       `gorm:"not null;default:0"`
	Unchanged     int       `gorm:"not null;default:0"`
	Rejected      int       `gorm:"not null;default:0"`
	Warnings      int       `gorm:"not null;default:0"`
	RefusalColumn string    `gorm:"size:40;not null;default:''"`
	Refusal       string    `gorm:"size:500;not null;default:''"`
	IP            string    `gorm:"column:ip;size:64;not null;default:''"`
	RequestID     string    `gorm:"size:64;not null;default:''"`
	CreatedAt     time.Time `gorm:"index:ix_imports_financier,priority:2"`
	StartedAt     *time.Time
	FinishedAt    *time.Time
	UpdatedAt     time.Time

	Financier coreFinancier `gorm:"foreignKey:FinancierID;constraint:OnDelete:CASCADE"`
}

func (importsImport) TableName() string { return "imports" }

// importsChunk holds an upload as it arrives, a megabyte at a time, until the
// import job has applied it.
type importsChunk struct {
	ImportID int64  `gorm:"primaryKey;autoIncrement:false"`
	Seq      int    `gorm:"primaryKey;autoIncrement:false"`
	Data     []byte `gorm:"not null"`

	Import importsImport `gorm:"foreignKey:ImportID;constraint:OnDelete:CASCADE"`
}

func (importsChunk) TableName() string { return "import_chunks" }

// importsIssue is one rejected row or warning of an import.
type importsIssue struct {
	ID       int64  `gorm:"primaryKey"`
	ImportID int64  `gorm:"not null;index:ix_import_issues_import,priority:1"`
	Kind     string `gorm:"size:10;not null;index:ix_import_issues_import,priority:2"`
	Line     int    `gorm:"not null;index:ix_import_issues_import,priority:3"`
	Column   string `gorm:"column:column_name;size:40;not null;default:''"`
	Message  string `gorm:"size:300;not null"`

	Import importsImport `gorm:"foreignKey:ImportID;constraint:OnDelete:CASCADE"`
}

func (importsIssue) TableName() string { return "import_issues" }

// importsAgreement is the column added to agreements (and customers): the
// import that last loaded the row. It also tells an agreement number (or a
// customer) seen earlier in the same file without holding the file's keys
// in memory.
type importsAgreement struct {
	LastImportID *int64
}

func (importsAgreement) TableName() string { return "agreements" }

type importsCustomer struct {
	LastImportID *int64
}

func (importsCustomer) TableName() string { return "customers" }

// importsAuditEntry adds the index the audit log's filtered, newest-first
// pages use.
type importsAuditEntry struct {
	ID          int64     `gorm:"primaryKey;index:ix_audit_financier_at,priority:3"`
	At          time.Time `gorm:"index:ix_audit_financier_at,priority:2"`
	FinancierID *int64    `gorm:"index:ix_audit_financier_at,priority:1"`
}

func (importsAuditEntry) TableName() string { return "audit_log" }

// imports202611231420 adds agreement imports: the uploads, their rows'
// issues, the customers' and agreements' last import, and an index for
// audit log pages.
var imports202611231420 = &gormigrate.Migration{
	ID: "202611231420_imports",
	Migrate: func(tx *gorm.DB) error {
		if err := tx.Migrator().CreateTable(&importsImport{}, &importsChunk{}, &importsIssue{}); err != nil {
			return err
		}
		if err := tx.Migrator().AddColumn(&importsAgreement{}, "LastImportID"); err != nil {
			return err
		}
		if err := tx.Migrator().AddColumn(&importsCustomer{}, "LastImportID"); err != nil {
			return err
		}
		return tx.Migrator().CreateIndex(&importsAuditEntry{}, "ix_audit_financier_at")
	},
	Rollback: func(tx *gorm.DB) error {
		if err := tx.Migrator().DropIndex(&importsAuditEntry{}, "ix_audit_financier_at"); err != nil {
			return err
		}
		if err := tx.Migrator().DropColumn(&importsCustomer{}, "LastImportID"); err != nil {
			return err
		}
		if err := tx.Migrator().DropColumn(&importsAgreement{}, "LastImportID"); err != nil {
			return err
		}
		return tx.Migrator().DropTable("import_issues", "import_chunks", "imports")
	},
}
