package media

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/keyturn/keyturn/backend/platform/db"
	"github.com/keyturn/keyturn/backend/privacy"
)

func TestSniff(t *testing.T) {
	for _, tc := range []struct {
		name  string
		head  string
		whole bool
		kind  string
		ctype string
	}{
		{"jpeg", "\xFF\xD8\xFF\xDB", false, KindImage, "image/jpeg"},
		{"png", "\x89PNG\r\n\x1a\n\x00", false, KindImage, "image/png"},
		{"webp", "RIFF\x00\x00\x00\x00WEBPVP8L", false, KindImage, "image/webp"},
		{"mp4", "\x00\x00\x00\x20ftypmp42", false, KindVideo, "video/mp4"},
		{"webm", "\x1A\x45\xDF\xA3\x01", false, KindVideo, "video/webm"},
		{"vtt newline", "WEBVTT\n\n", false, KindCaptions, "text/vtt; charset=utf-8"},
		{"vtt crlf", "WEBVTT\r\n", false, KindCaptions, "text/vtt; charset=utf-8"},
		{"vtt title", "WEBVTT - Demo\n", false, KindCaptions, "text/vtt; charset=utf-8"},
		{"vtt tab", "WEBVTT\tx", false, KindCaptions, "text/vtt; charset=utf-8"},
		{"vtt bom", "\xEF\xBB\xBFWEBVTT\n", false, KindCaptions, "text/vtt; charset=utf-8"},
		{"vtt alone", "WEBVTT", true, KindCaptions, "text/vtt; charset=utf-8"},
		{"vtt bom alone", "\xEF\xBB\xBFWEBVTT", true, KindCaptions, "text/vtt; charset=utf-8"},
		{"vtt then more unseen", "WEBVTT", false, "", ""},
		{"vtt glued", "WEBVTTX\n", false, "", ""},
		{"vtt lower case", "webvtt\n", false, "", ""},
		{"pdf", "%PDF-1.7\n%\xE2\xE3", false, "", ""},
		{"html", "<!doctype html><script>", false, "", ""},
		{"gif", "GIF89a\x01\x00", false, "", ""},
		{"svg", "<svg xmlns=", false, "", ""},
		{"riff wave", "RIFF\x00\x00\x00\x00WAVEfmt ", false, "", ""},
		{"short jpeg", "\xFF\xD8", true, "", ""},
		{"short mp4", "\x00\x00\x00\x20fty", true, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kind, ctype, ok := sniff([]byte(tc.head), tc.whole)
			require.Equal(t, tc.kind != "", ok)
			require.Equal(t, tc.kind, kind)
			require.Equal(t, tc.ctype, ctype)
		})
	}
}

// TestUTF8CheckAcrossPieces splits text at every byte: a character cut in
// two is still valid, a broken one anywhere is not.
func TestUTF8CheckAcrossPieces(t *testing.T) {
	text := []byte("WEBVTT\n\nCafé – 車 🚗 ok")
	for cut := 0; cut <= len(text); cut++ {
		for cut2 := cut; cut2 <= len(text); cut2++ {
			u := &utf8Check{}
			_, _ = u.Write(text[:cut])
			_, _ = u.Write(text[cut:cut2])
			_, _ = u.Write(text[cut2:])
			require.True(t, u.Valid(), "cuts at %d, %d", cut, cut2)
		}
	}
	for _, bad := range []string{"ok\xff", "\xc3", "caf\xc3(", "\xe8\xbb", "\xed\xa0\x80", "\x80abc"} {
		for cut := 0; cut <= len(bad); cut++ {
			u := &utf8Check{}
			_, _ = u.Write([]byte(bad[:cut]))
			_, _ = u.Write([]byte(bad[cut:]))
			require.False(t, u.Valid(), "%q cut at %d", bad, cut)
		}
	}
}

func TestUploadEachKind(t *testing.T) {
	each(t, func(t *testing.T, b *bundle) {
		for _, tc := range []struct {
			name, kind, ctype string
			data              []byte
		}{
			{"car.jpg", KindImage, "image/jpeg", fileJPEG},
			{"car.png", KindImage, "image/png", filePNG},
			{"car.webp", KindImage, "image/webp", fileWebP},
			{"drive.mp4", KindVideo, "video/mp4", fileMP4},
			{"drive.webm", KindVideo, "video/webm", fileWebM},
			{"drive.vtt", KindCaptions, "text/vtt; charset=utf-8", fileVTT},
			{"bom.vtt", KindCaptions, "text/vtt; charset=utf-8", append([]byte("\xEF\xBB\xBF"), fileVTT...)},
			{"bare.vtt", KindCaptions, "text/vtt; charset=utf-8", []byte("WEBVTT")},
			// The name says nothing: a PNG named .mp4 is an image.
			{"misnamed.mp4", KindImage, "image/png", filePNG},
		} {
			v, err := b.upload(b.uk, tc.name, tc.data)
			require.NoError(t, err, tc.name)
			require.Equal(t, tc.kind, v.Kind, tc.name)
			require.Equal(t, tc.ctype, v.ContentType, tc.name)
			require.Equal(t, tc.name, v.FileName)
			require.EqualValues(t, len(tc.data), v.Bytes)
			sum := sha256.Sum256(tc.data)
			require.Equal(t, hex.EncodeToString(sum[:]), v.SHA256)
			require.Len(t, v.Key, KeyLen)
			require.True(t, validKey(v.Key))
			require.Equal(t, "/media/"+v.Key, v.URL)
			require.Equal(t, b.clock.Now().UTC(), v.CreatedAt)

			// Stored in chunks of ChunkBytes that put back together give
			// the file.
			m, err := b.svc.Store.ByKey(context.Background(), v.Key)
			require.NoError(t, err)
			require.Equal(t, (len(tc.data)+testChunk-1)/testChunk, m.Chunks)
			require.Equal(t, testChunk, m.ChunkBytes)
			require.Equal(t, b.actor.ID, *m.UploadedBy)
			var got []byte
			for seq := 0; seq < m.Chunks; seq++ {
				c, err := b.svc.Store.Chunk(context.Background(), m.ID, seq)
				require.NoError(t, err)
				got = append(got, c...)
			}
			require.Equal(t, tc.data, got)
			b.clock.Advance(time.Minute)
		}

		// One audit entry per upload, with what was stored and nothing
		// personal.
		var entries []privacy.AuditEntry
		require.NoError(t, b.db.Gorm.Where("action = ?", ActionUploaded).Order("id").Find(&entries).Error)
		require.Len(t, entries, 9)
		e := entries[0]
		require.Equal(t, b.uk.FinancierID, *e.FinancierID)
		require.Equal(t, "staff", e.ActorKind)
		require.Equal(t, b.actor.ID, *e.ActorID)
		require.Equal(t, "media", e.ObjectType)
		require.Equal(t, "192.0.2.1", e.IP)
		require.Equal(t, "req-1", e.RequestID)
		var changes map[string][2]any
		require.NoError(t, json.Unmarshal([]byte(e.Changes), &changes))
		require.Equal(t, "image", changes["kind"][1])
		require.Equal(t, "car.jpg", changes["file_name"][1])
		require.EqualValues(t, len(fileJPEG), changes["bytes"][1])
	})
}

func TestUploadRefusalsStoreNothing(t *testing.T) {
	each(t, func(t *testing.T, b *bundle) {
		bigImage := append(append([]byte{}, fileJPEG...), make([]byte, 100-len(fileJPEG)+1)...)
		exactImage := bigImage[:100]
		bigVTT := []byte("WEBVTT\n\n" + strings.Repeat("x", 80))
		for _, tc := range []struct {
			name  string
			data  []byte
			check func(err error)
		}{
			{"doc.pdf", []byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"), unsupported(t)},
			{"page.png", []byte("<!doctype html><html><script>alert(1)</script></html>"), unsupported(t)},
			{"tiny.jpg", []byte{0xFF, 0xD8}, unsupported(t)},
			{"latin1.vtt", []byte("WEBVTT\n\nCaf\xe9\n"), unsupported(t)},
			{"cut.vtt", []byte("WEBVTT\n\n\xe8\xbb"), unsupported(t)},
			{"big.jpg", bigImage, tooLarge(t, KindImage, 100)},
			{"big.vtt", bigVTT, tooLarge(t, KindCaptions, 80)},
			{"empty.png", nil, func(err error) { require.ErrorIs(t, err, ErrEmpty) }},
		} {
			_, err := b.upload(b.uk, tc.name, tc.data)
			require.Error(t, err, tc.name)
			tc.check(err)
		}
		require.Zero(t, b.count("media"))
		require.Zero(t, b.count("media_chunks"))
		require.Zero(t, b.count("audit_log"))

		// Exactly at the limit is accepted.
		v, err := b.upload(b.uk, "exact.jpg", exactImage)
		require.NoError(t, err)
		require.EqualValues(t, 100, v.Bytes)
	})
}

func unsupported(t *testing.T) func(error) {
	return func(err error) {
		t.Helper()
		var u *UnsupportedError
		require.True(t, errors.As(err, &u), "%v", err)
	}
}

func tooLarge(t *testing.T, kind string, limit int64) func(error) {
	return func(err error) {
		t.Helper()
		var tl *TooLargeError
		require.True(t, errors.As(err, &tl), "%v", err)
		require.Equal(t, kind, tl.Kind)
		require.Equal(t, limit, tl.Limit)
	}
}

func TestListGetKindOfAreTenantScoped(t *testing.T) {
	each(t, func(t *testing.T, b *bundle) {
		ctx := context.Background()
		img, err := b.upload(b.uk, "a.jpg", fileJPEG)
		require.NoError(t, err)
		b.clock.Advance(time.Minute)
		vid, err := b.upload(b.uk, "b.mp4", fileMP4)
		require.NoError(t, err)
		b.clock.Advance(time.Minute)
		vtt, err := b.upload(b.uk, "c.vtt", fileVTT)
		require.NoError(t, err)
		b.clock.Advance(time.Minute)
		ieImg, err := b.upload(b.ie, "ie.png", filePNG)
		require.NoError(t, err)

		all, err := b.svc.List(ctx, b.uk, "")
		require.NoError(t, err)
		require.Equal(t, []string{vtt.Key, vid.Key, img.Key}, keys(all), "newest first, own files only")
		videos, err := b.svc.List(ctx, b.uk, KindVideo)
		require.NoError(t, err)
		require.Equal(t, []string{vid.Key}, keys(videos))
		ie, err := b.svc.List(ctx, b.ie, "")
		require.NoError(t, err)
		require.Equal(t, []string{ieImg.Key}, keys(ie))

		got, err := b.svc.Get(ctx, b.uk, img.ID)
		require.NoError(t, err)
		require.Equal(t, img, got)
		_, err = b.svc.Get(ctx, b.ie, img.ID)
		require.ErrorIs(t, err, db.ErrNotFound, "another financier's file is not found")

		kind, err := b.svc.KindOf(ctx, b.uk.FinancierID, vtt.Key)
		require.NoError(t, err)
		require.Equal(t, KindCaptions, kind)
		kind, err = b.svc.KindOf(ctx, b.uk.FinancierID, vid.Key)
		require.NoError(t, err)
		require.Equal(t, KindVideo, kind)
		_, err = b.svc.KindOf(ctx, b.ie.FinancierID, vid.Key)
		require.ErrorIs(t, err, db.ErrNotFound)
		_, err = b.svc.KindOf(ctx, b.uk.FinancierID, ieImg.Key)
		require.ErrorIs(t, err, db.ErrNotFound)
		_, err = b.svc.KindOf(ctx, b.uk.FinancierID, "AAAAAAAAAAAAAAAAAAAAAA")
		require.ErrorIs(t, err, db.ErrNotFound)

		// Deleting the financier deletes its files and their chunks.
		require.NoError(t, b.db.Gorm.Exec("DELETE FROM audit_log").Error)
		require.NoError(t, b.db.Gorm.Exec("DELETE FROM financiers WHERE id = ?", b.ie.FinancierID).Error)
		_, err = b.svc.Store.ByKey(ctx, ieImg.Key)
		require.ErrorIs(t, err, db.ErrNotFound)
		var n int64
		require.NoError(t, b.db.Gorm.Table("media_chunks").Where("media_id = ?", ieImg.ID).Count(&n).Error)
		require.Zero(t, n)
	})
}

func keys(vs []View) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Key
	}
	return out
}
