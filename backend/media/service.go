package media

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/keyturn/keyturn/backend/platform/db"
	"github.com/keyturn/keyturn/backend/platform/httpx"
	"github.com/keyturn/keyturn/backend/platform/tenant"
	"github.com/keyturn/keyturn/backend/privacy"
)

// ActionUploaded is the audit log's action for an upload.
const ActionUploaded = "media.uploaded"

// Auditor appends to the audit log inside a transaction (privacy.Audit
// does).
type Auditor interface {
	Append(ctx context.Context, tx *gorm.DB, e privacy.Entry) error
}

// Config holds the limits; a zero field takes its default.
type Config struct {
	MaxImageBytes    int64
	MaxVideoBytes    int64
	MaxCaptionsBytes int64
	// ChunkBytes is the size of a stored chunk (tests make it small).
	ChunkBytes int
	// SpoolDir holds an upload while it arrives (see Upload); "" is the
	// system's temporary directory.
	SpoolDir string
}

// Service holds the media use cases.
type Service struct {
	DB     *db.DB
	Store  Store
	Audit  Auditor
	Config Config
	Now    func() time.Time
	Log    *slog.Logger
}

// Limit is the largest file of a kind, in bytes.
func (s *Service) Limit(kind string) int64 {
	pick := func(v, def int64) int64 {
		if v > 0 {
			return v
		}
		return def
	}
	switch kind {
	case KindImage:
		return pick(s.Config.MaxImageBytes, DefaultMaxImageBytes)
	case KindVideo:
		return pick(s.Config.MaxVideoBytes, DefaultMaxVideoBytes)
	default:
		return pick(s.Config.MaxCaptionsBytes, DefaultMaxCaptionsBytes)
	}
}

func (s *Service) chunkBytes() int {
	if s.Config.ChunkBytes > 0 {
		return s.Config.ChunkBytes
	}
	return DefaultChunkBytes
}

// Upload checks a file as it arrives and stores it for the caller's
// financier: its kind from its first bytes, its size against that kind's
// limit and, for captions, that it is UTF-8. A refused file
// (*UnsupportedError, *TooLargeError, ErrEmpty) stores nothing.
//
// The file goes to a spool file first and into the database afterwards, in
// one short transaction: the check needs the whole file (size, UTF-8), and a
// transaction held open while a client sends 100 MiB over a slow link would
// hold SQLite's single write lock all that time, failing every other write
// on the node after the 10 s busy timeout (and on PostgreSQL hold a pooled
// connection). Memory stays flat: the file is copied a buffer at a time.
func (s *Service) Upload(ctx context.Context, sc tenant.Scope, actor Actor, fileName string, body io.Reader) (View, error) {
	if !sc.IsFinancier() {
		return View{}, db.ErrNotFound
	}
	head := make([]byte, sniffLen)
	n, err := io.ReadFull(body, head)
	whole := errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
	if err != nil && !whole {
		return View{}, fmt.Errorf("media: read upload: %w", err)
	}
	head = head[:n]
	if n == 0 {
		return View{}, ErrEmpty
	}
	kind, contentType, ok := sniff(head, whole)
	if !ok {
		return View{}, &UnsupportedError{Reason: "Send " + Accepted + "; this file is none of them (the kind is read from the file's content, not its name)."}
	}
	limit := s.Limit(kind)

	spool, err := s.openSpool()
	if err != nil {
		return View{}, err
	}
	defer spool.close()
	hash := sha256.New()
	var text *utf8Check
	sinks := []io.Writer{spool.f, hash}
	if kind == KindCaptions {
		text = &utf8Check{}
		sinks = append(sinks, text)
	}
	w := io.MultiWriter(sinks...)
	if _, err := w.Write(head); err != nil {
		return View{}, fmt.Errorf("media: spool upload: %w", err)
	}
	size := int64(n)
	if !whole {
		// One byte past the limit tells a file that is too large without
		// reading the rest of it.
		copied, err := io.CopyBuffer(w, io.LimitReader(body, limit+1-size), make([]byte, 256<<10))
		size += copied
		if err != nil {
			return View{}, fmt.Errorf("media: read upload: %w", err)
		}
	}
	if size > limit {
		return View{}, &TooLargeError{Kind: kind, Limit: limit}
	}
	if text != nil && !text.Valid() {
		return View{}, &UnsupportedError{Reason: "WebVTT captions must be UTF-8 text; this file has bytes that are not."}
	}
	if _, err := spool.f.Seek(0, io.SeekStart); err != nil {
		return View{}, fmt.Errorf("media: rewind spool: %w", err)
	}

	key, err := newKey()
	if err != nil {
		return View{}, err
	}
	m := Media{FinancierID: sc.FinancierID, Key: key, Kind: kind, ContentType: contentType, FileName: httpx.FileName(fileName),
		Bytes: size, SHA256: hex.EncodeToString(hash.Sum(nil)), ChunkBytes: s.chunkBytes(), CreatedAt: s.Now().UTC()}
	if actor.ID != 0 {
		id := actor.ID
		m.UploadedBy = &id
	}
	m.Chunks = int((size + int64(m.ChunkBytes) - 1) / int64(m.ChunkBytes))
	err = s.DB.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(&m).Error; err != nil {
			return fmt.Errorf("media: create media: %w", err)
		}
		buf := make([]byte, m.ChunkBytes)
		for seq := 0; seq < m.Chunks; seq++ {
			n, err := io.ReadFull(spool.f, buf)
			if err != nil && !(errors.Is(err, io.ErrUnexpectedEOF) && seq == m.Chunks-1) {
				return fmt.Errorf("media: read spool chunk %d: %w", seq, err)
			}
			if err := tx.Create(&chunk{MediaID: m.ID, Seq: seq, Data: buf[:n]}).Error; err != nil {
				return fmt.Errorf("media: store chunk %d: %w", seq, err)
			}
		}
		fid := sc.FinancierID
		return s.Audit.Append(ctx, tx, privacy.Entry{FinancierID: &fid, ActorKind: "staff", ActorID: m.UploadedBy,
			Action: ActionUploaded, ObjectType: "media", ObjectID: strconv.FormatInt(m.ID, 10),
			Changes: map[string][2]any{"kind": {nil, m.Kind}, "content_type": {nil, m.ContentType},
				"bytes": {nil, m.Bytes}, "file_name": {nil, m.FileName}},
			IP: actor.IP, RequestID: actor.RequestID})
	})
	if err != nil {
		return View{}, err
	}
	s.log().Info("media.uploaded", slog.Int64("media_id", m.ID), slog.Int64("financier_id", m.FinancierID),
		slog.String("kind", m.Kind), slog.Int64("bytes", m.Bytes))
	return ViewOf(m), nil
}

// List returns the caller's financier's files, newest first; kind filters
// when not empty.
func (s *Service) List(ctx context.Context, sc tenant.Scope, kind string) ([]View, error) {
	if !sc.IsFinancier() {
		return nil, db.ErrNotFound
	}
	rows, err := s.Store.List(ctx, sc.FinancierID, kind)
	if err != nil {
		return nil, err
	}
	views := make([]View, len(rows))
	for i, m := range rows {
		views[i] = ViewOf(m)
	}
	return views, nil
}

// Get returns one of the caller's financier's files.
func (s *Service) Get(ctx context.Context, sc tenant.Scope, id int64) (View, error) {
	if !sc.IsFinancier() {
		return View{}, db.ErrNotFound
	}
	m, err := s.Store.Get(ctx, sc.FinancierID, id)
	if err != nil {
		return View{}, err
	}
	return ViewOf(m), nil
}

// KindOf returns the kind of a financier's file with this key; db.ErrNotFound
// when the key is unknown or another financier's.
func (s *Service) KindOf(ctx context.Context, financierID int64, key string) (string, error) {
	return s.Store.KindOf(ctx, financierID, key)
}

func (s *Service) log() *slog.Logger {
	if s.Log == nil {
		return slog.Default()
	}
	return s.Log
}

// keyBytes is the key's randomness: 128 bits, so a key cannot be guessed
// and serves as the file's only credential.
const keyBytes = 16

// KeyLen is the length of an encoded key.
var KeyLen = base64.RawURLEncoding.EncodedLen(keyBytes)

func newKey() (string, error) {
	b := make([]byte, keyBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("media: new key: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// validKey reports whether s could be a key, so a malformed one is
// answered without a query.
func validKey(s string) bool {
	if len(s) != KeyLen {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil
}

// spool is an upload's temporary file.
type spool struct {
	f    *os.File
	name string // "" once removed
}

// openSpool creates the spool file. On Unix it is unlinked at once, so a
// crash leaves nothing behind; where an open file cannot be removed it is
// removed on close.
func (s *Service) openSpool() (*spool, error) {
	dir := s.Config.SpoolDir
	if dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("media: spool dir: %w", err)
		}
	}
	f, err := os.CreateTemp(dir, "media-upload-*")
	if err != nil {
		return nil, fmt.Errorf("media: spool file: %w", err)
	}
	sp := &spool{f: f, name: f.Name()}
	if os.Remove(sp.name) == nil {
		sp.name = ""
	}
	return sp, nil
}

func (sp *spool) close() {
	_ = sp.f.Close()
	if sp.name != "" {
		_ = os.Remove(sp.name)
	}
}
