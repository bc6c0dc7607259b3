package migrations

import (
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// Frozen copies of the tables this migration adds (see the note in
// 202611231300_core.go).

// mediaMedia is one uploaded offer image, video or captions file. Key is
// the file's public name: 128 random bits, URL-safe base64.
type mediaMedia struct {
	ID          int64     `gorm:"primaryKey"`
	FinancierID int64     `gorm:"not null;index:ix_media_financier,priority:1"`
	Key         string    `gorm:"size:32;not null;uniqueIndex:ux_media_key"`
	Kind        string    `gorm:"size:10;not null"`
	ContentType string    `gorm:"size:60;not null"`
	FileName    string    `gorm:"size:200;not null;default:''"`
	Bytes       int64     `gorm:"not null"`
	SHA256      string    `gorm:"column:sha256;size:64;not null"`
	Chunks      int       `gorm:"not null"`
	ChunkBytes  int       `gorm:"not null"`
	UploadedBy  *int64    `gorm:"index:ix_media_uploaded_by"`
	CreatedAt   time.Time `gorm:"not null;index:ix_media_financier,priority:2"`

	Financier coreFinancier  `gorm:"foreignKey:FinancierID;constraint:OnDelete:CASCADE"`
	Uploader  *coreStaffUser `gorm:"foreignKey:UploadedBy;constraint:OnDelete:SET NULL"`
}

func (mediaMedia) TableName() string { return "media" }

// mediaChunk is a piece of a file, in order by Seq.
type mediaChunk struct {
	MediaID int64  `gorm:"primaryKey;autoIncrement:false"`
	Seq     int    `gorm:"primaryKey;autoIncrement:false"`
	Data    []byte `gorm:"not null"`

	Media mediaMedia `gorm:"foreignKey:MediaID;constraint:OnDelete:CASCADE"`
}

func (mediaChunk) TableName() string { return "media_chunks" }

// media202612050900 adds uploaded offer media, stored in the database in
// chunks so that any node can serve any file.
var media202612050900 = &gormigrate.Migration{
	ID: "202612050900_media",
	Migrate: func(tx *gorm.DB) error {
		return tx.Migrator().CreateTable(&mediaMedia{}, &mediaChunk{})
	},
	Rollback: func(tx *gorm.DB) error {
		return tx.Migrator().DropTable("media_chunks", "media")
	},
}
