package media

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/stretchr/testify/require"

	"github.com/keyturn/keyturn/backend/platform/db/dbtest"
	"github.com/keyturn/keyturn/backend/platform/httpx"
)

// serveApp is Fiber with only the public serving route, as the app mounts
// it.
func serveApp(t *testing.T, b *bundle) *fiber.App {
	t.Helper()
	app := fiber.New(fiber.Config{ErrorHandler: httpx.ErrorHandler(dbtest.Logger(t))})
	app.Get(ServeRoute, (&HTTP{Service: b.svc}).Serve)
	return app
}

type served struct {
	status int
	header http.Header
	body   []byte
}

func get(t *testing.T, app *fiber.App, method, path string, header map[string]string) served {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := app.Test(req, -1)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return served{status: resp.StatusCode, header: resp.Header, body: body}
}

// video is a file of 50 bytes: seven full chunks of 7 and one of 1.
var video = append(append([]byte{}, fileMP4[:12]...), []byte("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKL")...)

func TestServeWholeFileAndHeaders(t *testing.T) {
	each(t, func(t *testing.T, b *bundle) {
		require.Len(t, video, 50)
		v, err := b.upload(b.uk, "drive.mp4", video)
		require.NoError(t, err)
		app := serveApp(t, b)

		r := get(t, app, "GET", v.URL, nil)
		require.Equal(t, 200, r.status, string(r.body))
		require.Equal(t, video, r.body)
		require.Equal(t, "video/mp4", r.header.Get("Content-Type"))
		require.Equal(t, "50", r.header.Get("Content-Length"))
		require.Equal(t, `"`+v.SHA256+`"`, r.header.Get("ETag"))
		require.Equal(t, "public, max-age=31536000, immutable", r.header.Get("Cache-Control"))
		require.Equal(t, "nosniff", r.header.Get("X-Content-Type-Options"))
		require.Equal(t, "inline", r.header.Get("Content-Disposition"))
		require.Equal(t, "bytes", r.header.Get("Accept-Ranges"))

		h := get(t, app, "HEAD", v.URL, nil)
		require.Equal(t, 200, h.status)
		require.Empty(t, h.body)
		require.Equal(t, "50", h.header.Get("Content-Length"))
		require.Equal(t, "video/mp4", h.header.Get("Content-Type"))
		require.Equal(t, `"`+v.SHA256+`"`, h.header.Get("ETag"))

		c, err := b.upload(b.uk, "drive.vtt", fileVTT)
		require.NoError(t, err)
		r = get(t, app, "GET", c.URL, nil)
		require.Equal(t, 200, r.status)
		require.Equal(t, fileVTT, r.body)
		require.Equal(t, "text/vtt; charset=utf-8", r.header.Get("Content-Type"))

		for _, path := range []string{"/media/AAAAAAAAAAAAAAAAAAAAAA", "/media/short", "/media/" + v.Key + "x", "/media/..%2F..%2Fetc"} {
			r := get(t, app, "GET", path, nil)
			require.Equal(t, 404, r.status, path)
			require.Equal(t, httpx.ContentType, r.header.Get("Content-Type"))
			require.Empty(t, r.header.Get("ETag"))
		}
	})
}

func TestServeRanges(t *testing.T) {
	each(t, func(t *testing.T, b *bundle) {
		v, err := b.upload(b.uk, "drive.mp4", video)
		require.NoError(t, err)
		app := serveApp(t, b)
		n := int64(len(video))

		// Every range that starts and ends anywhere, across the 7-byte
		// chunks, comes back byte for byte.
		for a := int64(0); a < n; a += 3 {
			for e := a; e < n+5; e += 4 {
				r := get(t, app, "GET", v.URL, map[string]string{"Range": fmt.Sprintf("bytes=%d-%d", a, e)})
				last := min(e, n-1)
				require.Equal(t, 206, r.status, "%d-%d", a, e)
				require.Equal(t, video[a:last+1], r.body, "%d-%d", a, e)
				require.Equal(t, fmt.Sprintf("bytes %d-%d/%d", a, last, n), r.header.Get("Content-Range"))
				require.Equal(t, strconv.FormatInt(last+1-a, 10), r.header.Get("Content-Length"))
			}
		}
		for _, tc := range []struct {
			rng          string
			from, to     int64
			contentRange string
		}{
			{"bytes=40-", 40, 50, "bytes 40-49/50"},
			{"bytes=0-", 0, 50, "bytes 0-49/50"},
			{"bytes=-5", 45, 50, "bytes 45-49/50"},
			{"bytes=-500", 0, 50, "bytes 0-49/50"},
			{"bytes=49-49", 49, 50, "bytes 49-49/50"},
			{"Bytes= 6 - 7", 6, 8, "bytes 6-7/50"},
		} {
			r := get(t, app, "GET", v.URL, map[string]string{"Range": tc.rng})
			require.Equal(t, 206, r.status, tc.rng)
			require.Equal(t, video[tc.from:tc.to], r.body, tc.rng)
			require.Equal(t, tc.contentRange, r.header.Get("Content-Range"), tc.rng)
		}

		// Past the end: 416 with the size.
		for _, rng := range []string{"bytes=50-", "bytes=50-60", "bytes=-0", "bytes=1000-2000"} {
			r := get(t, app, "GET", v.URL, map[string]string{"Range": rng})
			require.Equal(t, 416, r.status, rng)
			require.Equal(t, "bytes */50", r.header.Get("Content-Range"), rng)
			require.Empty(t, r.body)
		}
		// Several ranges, another unit, nonsense, or an If-Range naming
		// something else: the whole file.
		for _, h := range []map[string]string{
			{"Range": "bytes=0-1,5-6"}, {"Range": "items=0-1"}, {"Range": "bytes=5-1"}, {"Range": "bytes=a-b"}, {"Range": "bytes=5"},
			{"Range": "bytes=0-1", "If-Range": `"other"`}, {"Range": "bytes=0-1", "If-Range": "Wed, 21 Oct 2015 07:28:00 GMT"},
		} {
			r := get(t, app, "GET", v.URL, h)
			require.Equal(t, 200, r.status, "%v", h)
			require.Equal(t, video, r.body, "%v", h)
			require.Empty(t, r.header.Get("Content-Range"))
		}
		r := get(t, app, "GET", v.URL, map[string]string{"Range": "bytes=0-1", "If-Range": `"` + v.SHA256 + `"`})
		require.Equal(t, 206, r.status)
		require.Equal(t, video[0:2], r.body)

		h := get(t, app, "HEAD", v.URL, map[string]string{"Range": "bytes=10-19"})
		require.Equal(t, 206, h.status)
		require.Empty(t, h.body)
		require.Equal(t, "10", h.header.Get("Content-Length"))
		require.Equal(t, "bytes 10-19/50", h.header.Get("Content-Range"))

		// A range reads only the chunks that hold it: with the first three
		// chunks gone, bytes 21-34 (chunks 3 and 4) are still served and
		// the whole file is not.
		m, err := b.svc.Store.ByKey(t.Context(), v.Key)
		require.NoError(t, err)
		require.NoError(t, b.db.Gorm.Exec("DELETE FROM media_chunks WHERE media_id = ? AND seq < 3", m.ID).Error)
		r = get(t, app, "GET", v.URL, map[string]string{"Range": "bytes=21-34"})
		require.Equal(t, 206, r.status)
		require.Equal(t, video[21:35], r.body)
		req := httptest.NewRequest("GET", v.URL, nil)
		resp, err := app.Test(req, -1)
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			require.NotEqual(t, video, body, "the whole file cannot be served without its first chunks")
		}
	})
}

func TestServeNotModified(t *testing.T) {
	each(t, func(t *testing.T, b *bundle) {
		v, err := b.upload(b.uk, "car.png", filePNG)
		require.NoError(t, err)
		app := serveApp(t, b)
		etag := `"` + v.SHA256 + `"`
		for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag, "*"} {
			r := get(t, app, "GET", v.URL, map[string]string{"If-None-Match": inm})
			require.Equal(t, 304, r.status, inm)
			require.Empty(t, r.body)
			require.Equal(t, etag, r.header.Get("ETag"))
			require.Equal(t, "public, max-age=31536000, immutable", r.header.Get("Cache-Control"))
		}
		r := get(t, app, "GET", v.URL, map[string]string{"If-None-Match": `"other"`})
		require.Equal(t, 200, r.status)
		require.Equal(t, filePNG, r.body)
		h := get(t, app, "HEAD", v.URL, map[string]string{"If-None-Match": etag})
		require.Equal(t, 304, h.status)
	})
}

func TestParseRange(t *testing.T) {
	for _, tc := range []struct {
		h               string
		size            int64
		start, end      int64
		ok, satisfiable bool
	}{
		{"bytes=0-0", 10, 0, 0, true, true},
		{"bytes=9-", 10, 9, 9, true, true},
		{"bytes=-1", 10, 9, 9, true, true},
		{"bytes=-10", 10, 0, 9, true, true},
		{"bytes=3-100", 10, 3, 9, true, true},
		{"bytes=10-", 10, 0, 0, true, false},
		{"bytes=-0", 10, 0, 0, true, false},
		{"bytes=--1", 10, 0, 0, false, false},
		{"bytes=-1-2", 10, 0, 0, false, false},
		{"bytes=1-2,3-4", 10, 0, 0, false, false},
		{"bytes=99999999999999999999-", 10, 0, 0, false, false},
		{"", 10, 0, 0, false, false},
		{"bytes", 10, 0, 0, false, false},
	} {
		s, e, ok, sat := parseRange(tc.h, tc.size)
		require.Equal(t, tc.ok, ok, tc.h)
		require.Equal(t, tc.satisfiable, sat, tc.h)
		if sat {
			require.Equal(t, [2]int64{tc.start, tc.end}, [2]int64{s, e}, tc.h)
		}
	}
}
