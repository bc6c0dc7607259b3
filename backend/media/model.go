// Package media stores the images, videos and WebVTT captions that financier
// staff upload for offers, in the database, and serves them back at
// /media/{key} to anyone holding the key. docs/media.md describes what is
// accepted and why the files live in the database.
package media

import (
	"errors"
	"strconv"
	"time"
)

// Kinds of media. The kind is decided by the file's first bytes, never by
// its name or the Content-Type the client sent.
const (
	KindImage    = "image"
	KindVideo    = "video"
	KindCaptions = "captions"
)

// Kinds lists every kind, in the order the docs give them.
var Kinds = []string{KindImage, KindVideo, KindCaptions}

// Default limits of one file, by kind, and the size of one stored chunk.
const (
	DefaultMaxImageBytes    = 5 << 20
	DefaultMaxVideoBytes    = 100 << 20
	DefaultMaxCaptionsBytes = 512 << 10
	DefaultChunkBytes       = 1 << 20
)

// ServePrefix starts every file's public URL: ServePrefix + key.
const ServePrefix = "/media/"

// Media is one uploaded file's record; its bytes are in media_chunks.
type Media struct {
	ID          int64 `gorm:"primaryKey"`
	FinancierID int64
	Key         string
	Kind        string
	ContentType string
	FileName    string
	Bytes       int64
	SHA256      string `gorm:"column:sha256"`
	Chunks      int
	// ChunkBytes is the size of every chunk but the last, so a byte range
	// maps to the chunks that hold it without reading the others.
	ChunkBytes int
	UploadedBy *int64
	CreatedAt  time.Time
}

// TableName implements gorm's Tabler.
func (Media) TableName() string { return "media" }

// chunk is one piece of a file, ChunkBytes long (the last may be shorter).
type chunk struct {
	MediaID int64 `gorm:"primaryKey;autoIncrement:false"`
	Seq     int   `gorm:"primaryKey;autoIncrement:false"`
	Data    []byte
}

func (chunk) TableName() string { return "media_chunks" }

// View is a file as the API shows it.
type View struct {
	ID          int64     `json:"id"`
	Key         string    `json:"key"`
	URL         string    `json:"url"`
	Kind        string    `json:"kind"`
	ContentType string    `json:"content_type"`
	FileName    string    `json:"file_name"`
	Bytes       int64     `json:"bytes"`
	SHA256      string    `json:"sha256"`
	CreatedAt   time.Time `json:"created_at"`
}

// ViewOf is m as the API shows it.
func ViewOf(m Media) View {
	return View{ID: m.ID, Key: m.Key, URL: ServePrefix + m.Key, Kind: m.Kind, ContentType: m.ContentType,
		FileName: m.FileName, Bytes: m.Bytes, SHA256: m.SHA256, CreatedAt: m.CreatedAt.UTC()}
}

// Actor is who uploads: a staff member, with the request's IP and id for
// the audit log.
type Actor struct {
	ID        int64
	IP        string
	RequestID string
}

// TooLargeError refuses a file over its kind's limit.
type TooLargeError struct {
	Kind  string
	Limit int64
}

func (e *TooLargeError) Error() string {
	return "media: " + e.Kind + " over " + strconv.FormatInt(e.Limit, 10) + " bytes"
}

// UnsupportedError refuses a file that is none of the accepted kinds (or
// captions that are not UTF-8).
type UnsupportedError struct {
	Reason string
}

func (e *UnsupportedError) Error() string { return "media: unsupported file: " + e.Reason }

// ErrEmpty refuses a file with no bytes.
var ErrEmpty = errors.New("media: empty file")
