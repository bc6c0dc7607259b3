package media

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/keyturn/keyturn/backend/platform/db"
	"github.com/keyturn/keyturn/backend/platform/db/dbtest"
	"github.com/keyturn/keyturn/backend/platform/tenant"
	"github.com/keyturn/keyturn/backend/privacy"
)

// Test copies of rows of other packages' tables, so these tests depend on
// the schema only.
type (
	testFinancier struct {
		ID                                             int64 `gorm:"primaryKey"`
		Slug, LegalName, TradingName, Market, Currency string
		PostalAddress, BrandColour, TimeZone           string
		ContactCapPerWeek, ContactCapPerMonth          int
		AckLimitMinutes, ReassignLimitMinutes          int
		CreatedAt, UpdatedAt                           time.Time
	}
	testStaff struct {
		ID                   int64 `gorm:"primaryKey"`
		Email, Name, Role    string
		FinancierID          *int64
		CreatedAt, UpdatedAt time.Time
	}
)

func (testFinancier) TableName() string { return "financiers" }
func (testStaff) TableName() string     { return "staff_users" }

// testChunk is the tests' tiny chunk size, so that small files span many
// chunks and ranges cross their boundaries.
const testChunk = 7

// bundle is a media service on a fresh database with two financiers (UK
// and IE) and a marketer at the first.
type bundle struct {
	t     *testing.T
	db    *db.DB
	svc   *Service
	clock *dbtest.Clock
	uk    tenant.Scope
	ie    tenant.Scope
	actor Actor
}

func newBundle(t *testing.T, d *db.DB, clock *dbtest.Clock) *bundle {
	t.Helper()
	b := &bundle{t: t, db: d, clock: clock}
	for i, slug := range []string{"uk", "ie"} {
		f := &testFinancier{Slug: slug, LegalName: slug + " Finance Ltd", TradingName: slug, Market: "GB", Currency: "GBP",
			PostalAddress: "1 Test Street", BrandColour: "#123456", TimeZone: "Europe/London", ContactCapPerWeek: 2,
			ContactCapPerMonth: 4, AckLimitMinutes: 60, ReassignLimitMinutes: 120}
		require.NoError(t, d.Gorm.Create(f).Error)
		if i == 0 {
			b.uk = tenant.Scope{FinancierID: f.ID}
		} else {
			b.ie = tenant.Scope{FinancierID: f.ID}
		}
	}
	fid := b.uk.FinancierID
	staff := &testStaff{Email: "marketer@media.test", Name: "M", Role: "financier_marketer", FinancierID: &fid}
	require.NoError(t, d.Gorm.Create(staff).Error)
	b.actor = Actor{ID: staff.ID, IP: "192.0.2.1", RequestID: "req-1"}
	b.svc = &Service{DB: d, Store: Store{DB: d.Gorm}, Audit: privacy.Audit{Now: clock.Now}, Now: clock.Now,
		Log: dbtest.Logger(t), Config: Config{ChunkBytes: testChunk, MaxImageBytes: 100, MaxCaptionsBytes: 80,
			MaxVideoBytes: 200, SpoolDir: t.TempDir()}}
	return b
}

// each runs fn on SQLite and PostgreSQL with a fresh bundle.
func each(t *testing.T, fn func(t *testing.T, b *bundle)) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		clock := dbtest.NewClock(dbtest.FixedTime)
		// GORM's clock is not used for media rows (the service stamps
		// them), but keeps other rows consistent.
		fn(t, newBundle(t, d, clock))
	})
}

func (b *bundle) upload(sc tenant.Scope, name string, data []byte) (View, error) {
	b.t.Helper()
	return b.svc.Upload(context.Background(), sc, b.actor, name, bytes.NewReader(data))
}

func (b *bundle) count(table string) int64 {
	b.t.Helper()
	var n int64
	require.NoError(b.t, b.db.Gorm.Table(table).Count(&n).Error)
	return n
}

// Tiny files with each accepted signature. filler makes them span several
// chunks.
var filler = []byte("0123456789abcdefghijklmnopqrstuvwxyz")

func withFiller(head []byte) []byte { return append(append([]byte{}, head...), filler...) }

var (
	fileJPEG = withFiller([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00})
	filePNG  = withFiller([]byte{0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 'I', 'H', 'D', 'R'})
	fileWebP = withFiller([]byte("RIFF\x24\x00\x00\x00WEBPVP8 "))
	fileMP4  = withFiller([]byte("\x00\x00\x00\x18ftypisom\x00\x00\x02\x00"))
	fileWebM = withFiller([]byte{0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01})
	fileVTT  = []byte("WEBVTT\n\n00:00.000 --> 00:02.000\nCafé – 車\n")
)
