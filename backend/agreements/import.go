package agreements

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"time"

	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"github.com/keyturn/keyturn/backend/platform/db"
	"github.com/keyturn/keyturn/backend/platform/httpx"
	"github.com/keyturn/keyturn/backend/platform/kv"
	"github.com/keyturn/keyturn/backend/platform/tenant"
	"github.com/keyturn/keyturn/backend/privacy"
)

// Import statuses. An upload is receiving while it arrives, queued until a
// node's job picks it up, running while its batches are applied, then done,
// or refused (nothing changed) or failed (every attempt ended in an error;
// the batches applied before stay applied).
const (
	ImportReceiving = "receiving"
	ImportQueued    = "queued"
	ImportRunning   = "running"
	ImportDone      = "done"
	ImportRefused   = "refused"
	ImportFailed    = "failed"
)

// Import sources.
const (
	SourceAPI = "api"
	SourceCLI = "cli"
)

// Defaults of the limits on one file (RULES S9: a body limit and a row cap).
const (
	DefaultMaxImportBytes = 512 << 20
	DefaultMaxImportRows  = 2_000_000
)

// sqliteCommitRows and importCommitEvery bound one transaction of an
// import (see apply).
const (
	sqliteCommitRows  = 100_000
	importCommitEvery = 2 * time.Second
)

// importChunkBytes is how much of an upload one stored chunk holds.
const importChunkBytes = 1 << 20

// abandonedAfter is how long an upload may sit half-received before the
// hourly purge deletes what arrived.
const abandonedAfter = 24 * time.Hour

// Import is one load of an agreements file.
type Import struct {
	ID            int64 `gorm:"primaryKey"`
	FinancierID   int64
	ActorKind     string
	ActorID       *int64
	Source        string
	FileName      string
	Format        string
	Status        string
	Bytes         int64
	Chunks        int
	BytesDone     int64
	LinesDone     int
	Rows          int
	Inserted      int
	Updated       int
	Unchanged     int
	Rejected      int
	Warnings      int
	RefusalColumn string
	Refusal       string
	IP            string `gorm:"column:ip"`
	RequestID     string
	CreatedAt     time.Time
	StartedAt     *time.Time
	FinishedAt    *time.Time
	UpdatedAt     time.Time
}

// importChunk is a megabyte of an upload, stored until it is applied.
type importChunk struct {
	ImportID int64 `gorm:"primaryKey;autoIncrement:false"`
	Seq      int   `gorm:"primaryKey;autoIncrement:false"`
	Data     []byte
}

func (importChunk) TableName() string { return "import_chunks" }

// importIssue is a stored rejected row or warning.
type importIssue struct {
	ID       int64 `gorm:"primaryKey"`
	ImportID int64
	Kind     string
	Line     int
	Column   string `gorm:"column:column_name"`
	Message  string
}

func (importIssue) TableName() string { return "import_issues" }

// Actor is who starts an import: a staff member through the API, or the
// system (an operator's CLI).
type Actor struct {
	Kind      string // "staff" or "system"
	ID        *int64
	IP        string
	RequestID string
}

// Jobs inserts River jobs; jobs.Client implements it.
type Jobs interface {
	Enqueue(ctx context.Context, tx *gorm.DB, args river.JobArgs, opts *river.InsertOpts) error
	Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error
}

// DealerCodes finds the showrooms in a financier's dealer network; the app
// wires in the tenants package.
type DealerCodes interface {
	// DealerCodes maps each dealer code in the network to its location id.
	DealerCodes(ctx context.Context, financierID int64) (map[string]int64, error)
}

// Imports loads agreements files: through the API (stored as it arrives,
// then applied by a River job on any node) or the CLI (applied at once).
type Imports struct {
	DB         *db.DB
	Jobs       Jobs
	KV         kv.Store // live progress across nodes; nil sends none
	Financiers Financiers
	Dealers    DealerCodes
	Audit      privacy.Audit
	Now        func() time.Time
	Log        *slog.Logger
	// MaxBytes and MaxRows bound one file; zero means the defaults.
	MaxBytes int64
	MaxRows  int
	// BatchRows overrides importBatchRows and CommitRows the rows one
	// transaction applies (tests).
	BatchRows, CommitRows int

	// afterBatch, when set, is called after each committed batch with the
	// number of batches so far; an error stops the import as a crash would
	// (tests of resuming).
	afterBatch func(batches int) error
	// databaseSQLOnly turns off the direct SQLite writes (tests of the
	// fallback).
	databaseSQLOnly bool
}

func (s *Imports) maxBytes() int64 {
	if s.MaxBytes > 0 {
		return s.MaxBytes
	}
	return DefaultMaxImportBytes
}

func (s *Imports) maxRows() int {
	if s.MaxRows > 0 {
		return s.MaxRows
	}
	return DefaultMaxImportRows
}

func (s *Imports) batchRows() int {
	if s.BatchRows > 0 {
		return s.BatchRows
	}
	return importBatchRows
}

// commitRows is how many rows one transaction applies: several batches on
// SQLite, one on PostgreSQL (whose row locks let others write meanwhile).
func (s *Imports) commitRows(pg bool) int {
	switch {
	case s.CommitRows > 0:
		return s.CommitRows
	case pg:
		return s.batchRows()
	}
	return sqliteCommitRows
}

func (s *Imports) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// FormatOf picks a file's format from its media type or name: JSON lines
// for application/x-ndjson, application/jsonl and .jsonl/.ndjson files, CSV
// otherwise.
func FormatOf(mediaType, fileName string) string {
	switch mediaType {
	case "application/x-ndjson", "application/jsonl", "application/x-jsonlines", "application/jsonlines":
		return FormatJSONLines
	}
	for _, ext := range []string{".jsonl", ".ndjson"} {
		if len(fileName) >= len(ext) && equalFold(fileName[len(fileName)-len(ext):], ext) {
			return FormatJSONLines
		}
	}
	return FormatCSV
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

func (s *Imports) create(ctx context.Context, sc tenant.Scope, actor Actor, source, fileName, format, status string) (*Import, error) {
	if format != FormatCSV && format != FormatJSONLines {
		return nil, fmt.Errorf("agreements: unknown import format %q", format)
	}
	now := s.Now().UTC()
	imp := &Import{FinancierID: sc.FinancierID, ActorKind: actor.Kind, ActorID: actor.ID, Source: source,
		FileName: httpx.FileName(fileName), Format: format, Status: status, IP: actor.IP, RequestID: actor.RequestID,
		CreatedAt: now, UpdatedAt: now}
	if status == ImportRunning {
		imp.StartedAt = &now
	}
	if err := s.DB.Gorm.WithContext(ctx).Create(imp).Error; err != nil {
		return nil, fmt.Errorf("agreements: create import: %w", err)
	}
	return imp, nil
}

// Receive stores an upload as it arrives, a megabyte at a time, checking
// the whole-file rules on the way (size, row count, text, header), then
// queues the job that applies it. A refused file comes back as *Refusal
// with nothing stored but the refused import's record.
func (s *Imports) Receive(ctx context.Context, sc tenant.Scope, actor Actor, fileName, format string, body io.Reader) (ImportView, error) {
	imp, err := s.create(ctx, sc, actor, SourceAPI, fileName, format, ImportReceiving)
	if err != nil {
		return ImportView{}, err
	}
	check := newFileCheck(format, s.maxBytes(), s.maxRows())
	buf := make([]byte, importChunkBytes)
	seq := 0
	for {
		n, rerr := io.ReadFull(body, buf)
		if n > 0 {
			if _, err := check.Write(buf[:n]); err != nil {
				var ref *Refusal
				if errors.As(err, &ref) {
					return s.refuse(ctx, imp, ref)
				}
				return ImportView{}, err
			}
			// Each chunk commits on its own: an upload never holds a write
			// transaction open while the client sends.
			if err := s.DB.Gorm.WithContext(ctx).Create(&importChunk{ImportID: imp.ID, Seq: seq, Data: buf[:n]}).Error; err != nil {
				s.abandon(ctx, imp)
				return ImportView{}, fmt.Errorf("agreements: store upload: %w", err)
			}
			seq++
			imp.Bytes += int64(n)
		}
		if errors.Is(rerr, io.EOF) || errors.Is(rerr, io.ErrUnexpectedEOF) {
			break
		}
		if rerr != nil {
			s.abandon(ctx, imp)
			return ImportView{}, fmt.Errorf("agreements: read upload: %w", rerr)
		}
	}
	if ref := check.finish(); ref != nil {
		return s.refuse(ctx, imp, ref)
	}
	imp.Chunks = seq
	err = s.DB.Tx(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&Import{}).Where("id = ? AND status = ?", imp.ID, ImportReceiving).
			Updates(map[string]any{"status": ImportQueued, "bytes": imp.Bytes, "chunks": imp.Chunks, "updated_at": s.Now().UTC()})
		if res.Error != nil {
			return fmt.Errorf("agreements: queue import: %w", res.Error)
		}
		return s.Jobs.Enqueue(ctx, tx, ImportArgs{ImportID: imp.ID}, nil)
	})
	if err != nil {
		return ImportView{}, err
	}
	imp.Status = ImportQueued
	return viewOf(imp), nil
}

// abandon deletes what arrived of an upload that broke off (or of an import
// that stopped and will not resume); the import is marked failed.
func (s *Imports) abandon(ctx context.Context, imp *Import) {
	reason := "The upload broke off before the whole file arrived."
	if imp.Status == ImportRunning {
		reason = "The import stopped before it finished; the rows counted were applied."
	}
	ctx = context.WithoutCancel(ctx)
	err := s.DB.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Where("import_id = ?", imp.ID).Delete(&importChunk{}).Error; err != nil {
			return err
		}
		return tx.Model(&Import{}).Where("id = ?", imp.ID).Updates(map[string]any{"status": ImportFailed,
			"refusal": reason, "finished_at": s.Now().UTC(), "updated_at": s.Now().UTC()}).Error
	})
	if err != nil {
		s.log().Error("agreements.import_abandon_failed", slog.Int64("import_id", imp.ID), slog.Any("error", err))
	}
}

// refuse records a whole-file refusal: what was stored of the file is
// deleted, and the audit log says who tried.
func (s *Imports) refuse(ctx context.Context, imp *Import, ref *Refusal) (ImportView, error) {
	now := s.Now().UTC()
	err := s.DB.Tx(context.WithoutCancel(ctx), func(tx *gorm.DB) error {
		if err := tx.Where("import_id = ?", imp.ID).Delete(&importChunk{}).Error; err != nil {
			return fmt.Errorf("agreements: delete refused upload: %w", err)
		}
		if err := tx.Model(&Import{}).Where("id = ?", imp.ID).Updates(map[string]any{"status": ImportRefused,
			"refusal_column": ref.Column, "refusal": truncate(ref.Message, 500), "bytes": imp.Bytes, "finished_at": now,
			"updated_at": now}).Error; err != nil {
			return fmt.Errorf("agreements: refuse import: %w", err)
		}
		return s.auditImport(ctx, tx, imp, ActionImportRefused, map[string][2]any{"refusal": {nil, ref.Column}})
	})
	if err != nil {
		return ImportView{}, err
	}
	imp.Status, imp.RefusalColumn, imp.Refusal, imp.FinishedAt = ImportRefused, ref.Column, ref.Message, &now
	s.publish(ctx, imp)
	return viewOf(imp), ref
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

// auditImport writes the import's one audit entry: who, the file's name and
// the counts (none of them personal).
func (s *Imports) auditImport(ctx context.Context, tx *gorm.DB, imp *Import, action string, extra map[string][2]any) error {
	fid := imp.FinancierID
	changes := map[string][2]any{
		"file_name": {nil, imp.FileName}, "format": {nil, imp.Format}, "source": {nil, imp.Source},
		"rows": {nil, imp.Rows}, "inserted": {nil, imp.Inserted}, "updated": {nil, imp.Updated},
		"unchanged": {nil, imp.Unchanged}, "rejected": {nil, imp.Rejected}, "warnings": {nil, imp.Warnings},
	}
	for k, v := range extra {
		changes[k] = v
	}
	return s.Audit.Append(ctx, tx, privacy.Entry{FinancierID: &fid, ActorKind: imp.ActorKind, ActorID: imp.ActorID, Action: action,
		ObjectType: "import", ObjectID: strconv.FormatInt(imp.ID, 10), Changes: changes, IP: imp.IP, RequestID: imp.RequestID})
}

// ImportFile is the CLI's door: it checks the whole file in a first pass,
// then applies it at once in this process. A refused file comes back as
// *Refusal and changes nothing.
func (s *Imports) ImportFile(ctx context.Context, sc tenant.Scope, actor Actor, fileName, format string, f io.ReadSeeker) (ImportView, error) {
	imp, err := s.create(ctx, sc, actor, SourceCLI, fileName, format, ImportRunning)
	if err != nil {
		return ImportView{}, err
	}
	check := newFileCheck(format, s.maxBytes(), s.maxRows())
	n, err := io.CopyBuffer(check, f, make([]byte, importChunkBytes))
	imp.Bytes = n
	if err != nil {
		var ref *Refusal
		if errors.As(err, &ref) {
			return s.refuse(ctx, imp, ref)
		}
		return ImportView{}, fmt.Errorf("agreements: read %s: %w", imp.FileName, err)
	}
	if ref := check.finish(); ref != nil {
		return s.refuse(ctx, imp, ref)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return ImportView{}, fmt.Errorf("agreements: rewind %s: %w", imp.FileName, err)
	}
	if err := s.DB.Gorm.WithContext(ctx).Model(imp).Update("bytes", imp.Bytes).Error; err != nil {
		return ImportView{}, fmt.Errorf("agreements: import size: %w", err)
	}
	if err := s.apply(ctx, imp, f); err != nil {
		var ref *Refusal
		if errors.As(err, &ref) {
			return s.refuse(ctx, imp, ref)
		}
		s.fail(ctx, imp, err)
		return ImportView{}, err
	}
	return viewOf(imp), nil
}

// Run applies a stored upload: the import job's work. An attempt after a
// failed one resumes after the last committed batch. With last set (River's
// final attempt) a failure marks the import failed.
func (s *Imports) Run(ctx context.Context, importID int64, last bool) error {
	var imp Import
	if err := s.DB.Gorm.WithContext(ctx).Take(&imp, importID).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil // deleted with its financier
		}
		return fmt.Errorf("agreements: load import %d: %w", importID, err)
	}
	switch imp.Status {
	case ImportQueued, ImportRunning:
	default:
		return nil
	}
	now := s.Now().UTC()
	if imp.StartedAt == nil {
		imp.StartedAt = &now
	}
	imp.Status = ImportRunning
	if err := s.DB.Gorm.WithContext(ctx).Model(&imp).Updates(map[string]any{"status": ImportRunning, "started_at": imp.StartedAt,
		"updated_at": now}).Error; err != nil {
		return fmt.Errorf("agreements: start import %d: %w", importID, err)
	}
	s.publish(ctx, &imp)
	src := &chunkReader{ctx: ctx, g: s.DB.Gorm, importID: imp.ID, chunks: imp.Chunks}
	err := s.apply(ctx, &imp, src)
	var ref *Refusal
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ref):
		_, _ = s.refuse(ctx, &imp, ref)
		return nil
	case last:
		s.fail(ctx, &imp, err)
	}
	return err
}

// fail marks an import failed after an error nothing will retry.
func (s *Imports) fail(ctx context.Context, imp *Import, cause error) {
	s.log().Error("agreements.import_failed", slog.Int64("import_id", imp.ID), slog.Any("error", cause))
	ctx = context.WithoutCancel(ctx)
	now := s.Now().UTC()
	err := s.DB.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Where("import_id = ?", imp.ID).Delete(&importChunk{}).Error; err != nil {
			return err
		}
		if err := tx.Model(&Import{}).Where("id = ?", imp.ID).Updates(map[string]any{"status": ImportFailed,
			"refusal": "The import stopped on an internal error; the rows counted so far were applied.", "finished_at": now,
			"updated_at": now}).Error; err != nil {
			return err
		}
		var cur Import
		if err := tx.Take(&cur, imp.ID).Error; err != nil {
			return err
		}
		*imp = cur
		return s.auditImport(ctx, tx, imp, ActionImported, map[string][2]any{"status": {nil, ImportFailed}})
	})
	if err != nil {
		s.log().Error("agreements.import_fail_record_failed", slog.Int64("import_id", imp.ID), slog.Any("error", err))
		return
	}
	s.publish(ctx, imp)
}

// apply reads and applies a file's rows in batches, then records the import
// as done. A file whose header is wrong comes back as *Refusal before any
// row is applied.
func (s *Imports) apply(ctx context.Context, imp *Import, r io.Reader) error {
	card, err := s.Financiers.Card(ctx, imp.FinancierID)
	if err != nil {
		return fmt.Errorf("agreements: import financier: %w", err)
	}
	dealers, err := s.Dealers.DealerCodes(ctx, imp.FinancierID)
	if err != nil {
		return fmt.Errorf("agreements: import dealer codes: %w", err)
	}
	now := s.Now().UTC()
	zone := card.TimeZone
	if zone == "" {
		zone = "Europe/London"
	}
	rules := fileRules{market: card.Market, currency: card.Currency, timeZone: zone, today: dateIn(now, zone),
		minor: imp.Format == FormatJSONLines}

	var src recordSource
	if imp.Format == FormatJSONLines {
		src = newJSONLSource(r)
	} else {
		cs, ref, err := newCSVSource(r)
		if err != nil {
			return err
		}
		if ref != nil {
			return ref
		}
		src = cs
	}

	dbx, err := openImportDB(ctx, s.DB, s.databaseSQLOnly)
	if err != nil {
		return err
	}
	// Closed below before the import is recorded as done; this covers
	// every way out before that, a panic included.
	defer dbx.close(ctx)
	ap := &applier{imp: imp, dbx: dbx, dealers: dealers, now: now, audit: s.Audit, zones: map[string]*time.Location{},
		totals: progress{LinesDone: imp.LinesDone, BytesDone: imp.BytesDone, Rows: imp.Rows, Inserted: imp.Inserted,
			Updated: imp.Updated, Unchanged: imp.Unchanged, Rejected: imp.Rejected, Warnings: imp.Warnings}}

	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan *batch, 1)
	readErr := make(chan error, 1)
	go func() {
		defer close(batches)
		readErr <- readBatches(rctx, src, newRowChecker(rules), imp.LinesDone, s.batchRows(), batches)
	}()
	var lastPublish time.Time
	n := 0
	commitRows, commitEvery := s.commitRows(dbx.pg), importCommitEvery
	for b := range batches {
		// One transaction applies batches until it holds commitRows rows or
		// has run for commitEvery: on SQLite every commit rewrites the index
		// pages the batches touched, so fewer, larger commits write far
		// less; the time bound keeps other writers' wait short.
		started, rows, more := time.Now(), 0, true
		err := dbx.inTx(ctx, func() error {
			for {
				if err := ap.writeBatch(ctx, b); err != nil {
					return err
				}
				n++
				rows += b.seen
				if rows >= commitRows || time.Since(started) >= commitEvery {
					return nil
				}
				if b, more = <-batches; !more {
					return nil
				}
			}
		})
		if err == nil && s.afterBatch != nil {
			err = s.afterBatch(n)
		}
		if err != nil {
			cancel()
			for range batches {
			}
			return err
		}
		imp.setProgress(ap.totals)
		if time.Since(lastPublish) > 250*time.Millisecond {
			lastPublish = time.Now()
			s.publish(ctx, imp)
		}
		if !more {
			break
		}
		dbx.yield(ctx, time.Since(started))
	}
	dbx.close(ctx)
	if err := <-readErr; err != nil {
		return err
	}

	finished := s.Now().UTC()
	imp.Status, imp.FinishedAt = ImportDone, &finished
	err = s.DB.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Model(&Import{}).Where("id = ?", imp.ID).Updates(map[string]any{"status": ImportDone, "finished_at": finished,
			"updated_at": finished, "rows": imp.Rows, "inserted": imp.Inserted, "updated": imp.Updated, "unchanged": imp.Unchanged,
			"rejected": imp.Rejected, "warnings": imp.Warnings, "lines_done": imp.LinesDone, "bytes_done": imp.BytesDone}).Error; err != nil {
			return fmt.Errorf("agreements: finish import: %w", err)
		}
		if err := tx.Where("import_id = ?", imp.ID).Delete(&importChunk{}).Error; err != nil {
			return fmt.Errorf("agreements: delete applied upload: %w", err)
		}
		return s.auditImport(ctx, tx, imp, ActionImported, nil)
	})
	if err != nil {
		return err
	}
	s.log().Info("agreements.imported", slog.Int64("import_id", imp.ID), slog.Int64("financier_id", imp.FinancierID),
		slog.Int("rows", imp.Rows), slog.Int("inserted", imp.Inserted), slog.Int("updated", imp.Updated),
		slog.Int("unchanged", imp.Unchanged), slog.Int("rejected", imp.Rejected), slog.Int("warnings", imp.Warnings))
	s.publish(ctx, imp)
	return nil
}

func (imp *Import) setProgress(p progress) {
	imp.LinesDone, imp.BytesDone, imp.Rows, imp.Inserted, imp.Updated = p.LinesDone, p.BytesDone, p.Rows, p.Inserted, p.Updated
	imp.Unchanged, imp.Rejected, imp.Warnings = p.Unchanged, p.Rejected, p.Warnings
}

// chunkReader reads a stored upload back, one chunk at a time.
type chunkReader struct {
	ctx      context.Context
	g        *gorm.DB
	importID int64
	chunks   int
	seq      int
	cur      []byte
}

// Read implements io.Reader, loading the next chunk when one is used up.
func (r *chunkReader) Read(p []byte) (int, error) {
	for len(r.cur) == 0 {
		if r.seq >= r.chunks {
			return 0, io.EOF
		}
		var c importChunk
		if err := r.g.WithContext(r.ctx).Where("import_id = ? AND seq = ?", r.importID, r.seq).Take(&c).Error; err != nil {
			return 0, fmt.Errorf("agreements: read upload chunk %d: %w", r.seq, err)
		}
		r.cur = c.Data
		r.seq++
	}
	n := copy(p, r.cur)
	r.cur = r.cur[n:]
	return n, nil
}

// PurgeAbandoned marks failed the imports that stopped moving more than a
// day ago — an upload that never finished arriving, or an import whose
// process died (a CLI run; a job River gave up on) — and deletes what is
// stored of their files. It returns how many it purged.
func (s *Imports) PurgeAbandoned(ctx context.Context) (int, error) {
	cutoff := s.Now().UTC().Add(-abandonedAfter)
	var stale []Import
	if err := s.DB.Gorm.WithContext(ctx).Where("status IN ? AND updated_at < ?", []string{ImportReceiving, ImportRunning}, cutoff).
		Limit(1000).Find(&stale).Error; err != nil {
		return 0, fmt.Errorf("agreements: find abandoned imports: %w", err)
	}
	for i := range stale {
		s.abandon(ctx, &stale[i])
	}
	return len(stale), nil
}

// ImportView is an import as the API shows it: its status, its counts and
// (the first MaxIssuesShown of) its rejected rows and warnings.
type ImportView struct {
	ID            int64      `json:"id"`
	Status        string     `json:"status"`
	FileName      string     `json:"file_name"`
	Format        string     `json:"format"`
	Source        string     `json:"source"`
	Bytes         int64      `json:"bytes"`
	BytesDone     int64      `json:"bytes_done"`
	Rows          int        `json:"rows"`
	Inserted      int        `json:"inserted"`
	Updated       int        `json:"updated"`
	Unchanged     int        `json:"unchanged"`
	RejectedCount int        `json:"rejected_count"`
	WarningsCount int        `json:"warnings_count"`
	Rejected      []Issue    `json:"rejected"`
	Warnings      []Issue    `json:"warnings"`
	Refusal       *Refusal   `json:"refusal,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
	StartedAt     *time.Time `json:"started_at"`
	FinishedAt    *time.Time `json:"finished_at"`
}

// MaxIssuesShown bounds the rejected rows and warnings an import's status
// lists; the counts are always whole.
const MaxIssuesShown = 1000

func viewOf(imp *Import) ImportView {
	v := ImportView{ID: imp.ID, Status: imp.Status, FileName: imp.FileName, Format: imp.Format, Source: imp.Source,
		Bytes: imp.Bytes, BytesDone: imp.BytesDone, Rows: imp.Rows, Inserted: imp.Inserted, Updated: imp.Updated,
		Unchanged: imp.Unchanged, RejectedCount: imp.Rejected, WarningsCount: imp.Warnings, Rejected: []Issue{}, Warnings: []Issue{},
		CreatedAt: imp.CreatedAt, StartedAt: imp.StartedAt, FinishedAt: imp.FinishedAt}
	if imp.Refusal != "" {
		v.Refusal = &Refusal{Column: imp.RefusalColumn, Message: imp.Refusal}
	}
	return v
}

// Final reports whether an import status is one it stays in.
func Final(status string) bool {
	return status == ImportDone || status == ImportRefused || status == ImportFailed
}

func (s *Imports) load(ctx context.Context, sc tenant.Scope, id int64) (*Import, error) {
	var imp Import
	err := s.DB.Gorm.WithContext(ctx).Where("id = ? AND financier_id = ?", id, sc.FinancierID).Take(&imp).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || !sc.IsFinancier() {
		return nil, db.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("agreements: load import: %w", err)
	}
	return &imp, nil
}

// Status returns an import of the scope's financier with the first
// MaxIssuesShown rejected rows and warnings.
func (s *Imports) Status(ctx context.Context, sc tenant.Scope, id int64) (ImportView, error) {
	imp, err := s.load(ctx, sc, id)
	if err != nil {
		return ImportView{}, err
	}
	v := viewOf(imp)
	for _, kind := range []string{issueRejected, issueWarning} {
		var is []importIssue
		if err := s.DB.Gorm.WithContext(ctx).Where("import_id = ? AND kind = ?", imp.ID, kind).Order("line, id").
			Limit(MaxIssuesShown).Find(&is).Error; err != nil {
			return ImportView{}, fmt.Errorf("agreements: import issues: %w", err)
		}
		for _, i := range is {
			if kind == issueRejected {
				v.Rejected = append(v.Rejected, Issue{Line: i.Line, Column: i.Column, Message: i.Message})
			} else {
				v.Warnings = append(v.Warnings, Issue{Line: i.Line, Column: i.Column, Message: i.Message})
			}
		}
	}
	return v, nil
}

// List returns the scope's financier's latest imports, newest first.
func (s *Imports) List(ctx context.Context, sc tenant.Scope, limit int) ([]ImportView, error) {
	if !sc.IsFinancier() {
		return nil, db.ErrNotFound
	}
	var imps []Import
	if err := s.DB.Gorm.WithContext(ctx).Where("financier_id = ?", sc.FinancierID).Order("id DESC").Limit(limit).Find(&imps).Error; err != nil {
		return nil, fmt.Errorf("agreements: list imports: %w", err)
	}
	out := make([]ImportView, len(imps))
	for i := range imps {
		out[i] = viewOf(&imps[i])
	}
	return out, nil
}

// EachIssue calls fn for every rejected row and warning of an import, in
// line order, reading them a page at a time (a file may have a million).
func (s *Imports) EachIssue(ctx context.Context, sc tenant.Scope, id int64, fn func(kind string, is Issue) error) error {
	imp, err := s.load(ctx, sc, id)
	if err != nil {
		return err
	}
	for _, kind := range []string{issueRejected, issueWarning} {
		var after int64
		for {
			var page []importIssue
			if err := s.DB.Gorm.WithContext(ctx).Where("import_id = ? AND kind = ? AND id > ?", imp.ID, kind, after).
				Order("id").Limit(1000).Find(&page).Error; err != nil {
				return fmt.Errorf("agreements: import issues: %w", err)
			}
			for _, i := range page {
				if err := fn(kind, Issue{Line: i.Line, Column: i.Column, Message: i.Message}); err != nil {
					return err
				}
			}
			if len(page) < 1000 {
				break
			}
			after = page[len(page)-1].ID
		}
	}
	return nil
}

// progressChannel is the kv channel an import's progress is published on.
func progressChannel(id int64) string { return "agreements:import:" + strconv.FormatInt(id, 10) }

// ProgressEvent is what the events stream sends: the import without its
// lists of issues.
type ProgressEvent struct {
	ID            int64    `json:"id"`
	Status        string   `json:"status"`
	Bytes         int64    `json:"bytes"`
	BytesDone     int64    `json:"bytes_done"`
	Rows          int      `json:"rows"`
	Inserted      int      `json:"inserted"`
	Updated       int      `json:"updated"`
	Unchanged     int      `json:"unchanged"`
	RejectedCount int      `json:"rejected_count"`
	WarningsCount int      `json:"warnings_count"`
	Refusal       *Refusal `json:"refusal,omitempty"`
}

func eventOf(imp *Import) ProgressEvent {
	e := ProgressEvent{ID: imp.ID, Status: imp.Status, Bytes: imp.Bytes, BytesDone: imp.BytesDone, Rows: imp.Rows,
		Inserted: imp.Inserted, Updated: imp.Updated, Unchanged: imp.Unchanged, RejectedCount: imp.Rejected, WarningsCount: imp.Warnings}
	if imp.Refusal != "" {
		e.Refusal = &Refusal{Column: imp.RefusalColumn, Message: imp.Refusal}
	}
	return e
}

// publish tells every node's event streams how an import stands. Losing a
// message is harmless: streams also poll the database.
func (s *Imports) publish(ctx context.Context, imp *Import) {
	if s.KV == nil {
		return
	}
	b, err := json.Marshal(eventOf(imp))
	if err != nil {
		return
	}
	if err := s.KV.Publish(context.WithoutCancel(ctx), progressChannel(imp.ID), b); err != nil {
		s.log().Warn("agreements.import_publish_failed", slog.Int64("import_id", imp.ID), slog.Any("error", err))
	}
}

// Follow streams an import's progress: the current state first, then each
// change, until the import reaches a final status or ctx ends. Changes
// arrive over kv pub/sub from whichever node runs the import, and a poll of
// the database every poll interval covers a lost message. idle is called on
// a poll that found nothing new (a stream's keep-alive); its error, like
// send's, ends the stream.
func (s *Imports) Follow(ctx context.Context, sc tenant.Scope, id int64, poll time.Duration, send func(ProgressEvent) error, idle func() error) error {
	if _, err := s.load(ctx, sc, id); err != nil {
		return err
	}
	var msgs <-chan []byte
	if s.KV != nil {
		// Subscribed before the first read, so no change falls between.
		sub, err := s.KV.Subscribe(ctx, progressChannel(id))
		if err != nil {
			return fmt.Errorf("agreements: follow import: %w", err)
		}
		defer func() { _ = sub.Close() }()
		msgs = sub.C()
	}
	ticker := time.NewTicker(poll)
	defer ticker.Stop()
	last := ProgressEvent{ID: -1}
	emit := func(e ProgressEvent) (bool, error) {
		if e != last {
			if err := send(e); err != nil {
				return true, err
			}
			last = e
		}
		return Final(e.Status), nil
	}
	reload := func() (bool, error) {
		imp, err := s.load(ctx, sc, id)
		if err != nil {
			return true, err
		}
		e := eventOf(imp)
		if e == last && idle != nil {
			if err := idle(); err != nil {
				return true, err
			}
		}
		return emit(e)
	}
	if done, err := reload(); done || err != nil {
		return err
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case m, ok := <-msgs:
			if !ok {
				msgs = nil
				continue
			}
			var e ProgressEvent
			if json.Unmarshal(m, &e) != nil || e.ID != id {
				continue
			}
			if e.Refusal != nil {
				// Pointers never compare equal; the final reload sends it.
				if done, err := reload(); done || err != nil {
					return err
				}
				continue
			}
			if done, err := emit(e); done || err != nil {
				return err
			}
		case <-ticker.C:
			if done, err := reload(); done || err != nil {
				return err
			}
		}
	}
}
