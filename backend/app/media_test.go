package app

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"mime/multipart"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/keyturn/keyturn/backend/demo"
)

// multipartFile is a form with one part named field holding data.
func multipartFile(t *testing.T, field, name string, data []byte) ([]byte, string) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, err := w.CreateFormFile(field, name)
	require.NoError(t, err)
	_, err = part.Write(data)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return body.Bytes(), w.FormDataContentType()
}

func (h *harness) uploadMedia(token, name string, data []byte) reply {
	h.t.Helper()
	body, ctype := multipartFile(h.t, "file", name, data)
	return h.do(call{method: "POST", path: "/api/v1/media", token: token, body: body, header: map[string]string{"Content-Type": ctype}})
}

func (h *harness) mediaRows() int64 {
	h.t.Helper()
	var n int64
	require.NoError(h.t, h.app.DB.Gorm.Table("media").Count(&n).Error)
	var c int64
	require.NoError(h.t, h.app.DB.Gorm.Table("media_chunks").Count(&c).Error)
	return n + c
}

// TestMediaThroughTheApp: the demo marketer uploads an image, a 2.5 MiB video
// (streamed: over the app's body limit, and over 1 MiB chunks) and captions;
// refusals store nothing; roles and tenants are kept apart; the files are
// served publicly, ranges byte for byte even when the client accepts gzip.
func TestMediaThroughTheApp(t *testing.T) {
	eachDialect(t, func(t *testing.T, h *harness) {
		marketer, _ := h.staffSession(demo.MarketerEmail)

		jpeg := append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, bytes.Repeat([]byte("jpeg"), 100)...)
		r := h.uploadMedia(marketer, "../car.jpg", jpeg)
		require.Equal(t, 201, r.status, string(r.raw))
		key := r.body["key"].(string)
		require.Equal(t, "/media/"+key, r.body["url"])
		require.Equal(t, "/media/"+key, r.header.Get("Location"))
		require.Equal(t, "image", r.body["kind"])
		require.Equal(t, "image/jpeg", r.body["content_type"])
		require.Equal(t, "car.jpg", r.body["file_name"])
		require.EqualValues(t, len(jpeg), r.body["bytes"])
		sum := sha256.Sum256(jpeg)
		require.Equal(t, hex.EncodeToString(sum[:]), r.body["sha256"])
		require.Equal(t, "2026-11-23T10:00:00Z", r.body["created_at"])
		imageID := int64(r.body["id"].(float64))

		video := make([]byte, 5<<19) // 2.5 MiB
		copy(video, "\x00\x00\x00\x18ftypisom")
		for i := 16; i < len(video); i++ {
			video[i] = byte(i * 7)
		}
		h.clock.Advance(1)
		r = h.uploadMedia(marketer, "drive.mp4", video)
		require.Equal(t, 201, r.status, string(r.raw))
		videoURL := r.body["url"].(string)
		require.Equal(t, "video/mp4", r.body["content_type"])

		vtt := []byte("WEBVTT\n\n00:00.000 --> 00:02.000\n" + strings.Repeat("Your car, your choice. ", 40) + "\n")
		h.clock.Advance(1)
		r = h.uploadMedia(marketer, "drive.vtt", vtt)
		require.Equal(t, 201, r.status, string(r.raw))
		vttURL := r.body["url"].(string)
		stored := h.mediaRows()

		// Refusals: a PDF, an HTML page named .png, an empty file, a file
		// over its kind's limit, a body that is not a form, a form with
		// another field. None stores anything.
		r = h.uploadMedia(marketer, "offer.pdf", []byte("%PDF-1.7\n1 0 obj\n"))
		require.Equal(t, 415, r.status, string(r.raw))
		require.Equal(t, "unsupported-media-type", problemCode(r))
		require.Contains(t, r.body["detail"], "JPEG, PNG or WebP")
		r = h.uploadMedia(marketer, "car.png", []byte("<!DOCTYPE html><script>alert(1)</script>"))
		require.Equal(t, 415, r.status, string(r.raw))
		r = h.uploadMedia(marketer, "empty.jpg", nil)
		require.Equal(t, 422, r.status, string(r.raw))
		h.app.Media.Config.MaxImageBytes = 300
		r = h.uploadMedia(marketer, "big.jpg", jpeg)
		require.Equal(t, 413, r.status, string(r.raw))
		require.Equal(t, "payload-too-large", problemCode(r))
		require.Contains(t, r.body["detail"], "300 bytes, the limit for images")
		require.EqualValues(t, 300, r.body["limit_bytes"])
		h.app.Media.Config.MaxImageBytes = 0
		r = h.do(call{method: "POST", path: "/api/v1/media", token: marketer, body: jpeg, header: map[string]string{"Content-Type": "image/jpeg"}})
		require.Equal(t, 415, r.status, string(r.raw))
		body, ctype := multipartFile(t, "image", "car.jpg", jpeg)
		r = h.do(call{method: "POST", path: "/api/v1/media", token: marketer, body: body, header: map[string]string{"Content-Type": ctype}})
		require.Equal(t, 422, r.status, string(r.raw))
		require.Equal(t, stored, h.mediaRows(), "refused uploads store nothing")

		// Roles: signed out 401; dealers, customers and analysts 403; the
		// approver may list but not upload.
		r = h.uploadMedia("", "car.jpg", jpeg)
		require.Equal(t, 401, r.status)
		dealer, _ := h.staffSession(demo.DealerStaffEmail)
		analyst, _ := h.staffSession(demo.AnalystEmail)
		approver, _ := h.staffSession(demo.ApproverEmail)
		customer := h.customerAccess()
		for _, tok := range []string{dealer, analyst, approver, customer} {
			require.Equal(t, 403, h.uploadMedia(tok, "car.jpg", jpeg).status)
		}
		for _, tok := range []string{dealer, analyst, customer} {
			require.Equal(t, 403, h.do(call{method: "GET", path: "/api/v1/media", token: tok}).status)
		}
		require.Equal(t, 401, h.do(call{method: "GET", path: "/api/v1/media"}).status)
		require.Equal(t, stored, h.mediaRows())

		// The list, newest first, and by kind.
		r = h.do(call{method: "GET", path: "/api/v1/media", token: approver})
		require.Equal(t, 200, r.status, string(r.raw))
		items := r.body["items"].([]any)
		require.Len(t, items, 3)
		require.Equal(t, []any{"captions", "video", "image"}, []any{items[0].(map[string]any)["kind"],
			items[1].(map[string]any)["kind"], items[2].(map[string]any)["kind"]})
		r = h.do(call{method: "GET", path: "/api/v1/media?kind=image", token: marketer})
		require.Len(t, r.body["items"].([]any), 1)
		require.Equal(t, 422, h.do(call{method: "GET", path: "/api/v1/media?kind=pdf", token: marketer}).status)
		r = h.do(call{method: "GET", path: fmt.Sprintf("/api/v1/media/%d", imageID), token: marketer})
		require.Equal(t, 200, r.status)
		require.Equal(t, key, r.body["key"])

		// Another financier sees none of it.
		ie, _ := h.staffSession(demo.IrishMarketerEmail)
		r = h.do(call{method: "GET", path: "/api/v1/media", token: ie})
		require.Equal(t, 200, r.status)
		require.Empty(t, r.body["items"])
		r = h.do(call{method: "GET", path: fmt.Sprintf("/api/v1/media/%d", imageID), token: ie})
		require.Equal(t, 404, r.status)
		require.Equal(t, "not-found", problemCode(r))

		// The upload is in the audit log, with the file's name and size.
		r = h.do(call{method: "GET", path: "/api/v1/audit?action=media.uploaded", token: approver})
		require.Equal(t, 200, r.status, string(r.raw))
		entries := r.body["entries"].([]any)
		require.Len(t, entries, 3)
		last := entries[2].(map[string]any)
		require.Equal(t, itoa(imageID), last["object_id"])
		require.Equal(t, "car.jpg", last["changes"].(map[string]any)["file_name"].([]any)[1])

		// Served to anyone, whole or by range, across the 1 MiB chunks, and
		// never compressed (a gzipped 206 would not be the bytes named).
		gz := map[string]string{"Accept-Encoding": "gzip, br"}
		r = h.do(call{method: "GET", path: videoURL, header: gz})
		require.Equal(t, 200, r.status)
		require.True(t, bytes.Equal(video, r.raw), "whole video")
		require.Empty(t, r.header.Get("Content-Encoding"))
		require.Equal(t, "bytes", r.header.Get("Accept-Ranges"))
		require.Equal(t, "nosniff", r.header.Get("X-Content-Type-Options"))
		require.Contains(t, r.header.Get("Content-Security-Policy"), "default-src 'self'")
		require.NotEqual(t, "no-store", r.header.Get("Cache-Control"))
		from, to := (1<<20)-10, (2<<20)+10
		r = h.do(call{method: "GET", path: videoURL, header: map[string]string{"Range": fmt.Sprintf("bytes=%d-%d", from, to), "Accept-Encoding": "gzip"}})
		require.Equal(t, 206, r.status)
		require.True(t, bytes.Equal(video[from:to+1], r.raw), "range across two chunk boundaries")
		require.Equal(t, fmt.Sprintf("bytes %d-%d/%d", from, to, len(video)), r.header.Get("Content-Range"))

		r = h.do(call{method: "GET", path: vttURL, header: gz})
		require.Equal(t, 200, r.status)
		require.Equal(t, "text/vtt; charset=utf-8", r.header.Get("Content-Type"))
		require.Empty(t, r.header.Get("Content-Encoding"))
		require.Equal(t, vtt, r.raw)
		r = h.do(call{method: "GET", path: vttURL, header: map[string]string{"Range": "bytes=-30", "Accept-Encoding": "gzip"}})
		require.Equal(t, 206, r.status)
		require.Empty(t, r.header.Get("Content-Encoding"))
		require.Equal(t, vtt[len(vtt)-30:], r.raw)
		r = h.do(call{method: "GET", path: vttURL, header: map[string]string{"Range": fmt.Sprintf("bytes=%d-", len(vtt))}})
		require.Equal(t, 416, r.status)
		require.Equal(t, fmt.Sprintf("bytes */%d", len(vtt)), r.header.Get("Content-Range"))
		etag := `"` + hex.EncodeToString(sum[:]) + `"`
		r = h.do(call{method: "GET", path: "/media/" + key, header: map[string]string{"If-None-Match": etag}})
		require.Equal(t, 304, r.status)
		r = h.do(call{method: "HEAD", path: "/media/" + key})
		require.Equal(t, 200, r.status)
		require.Empty(t, r.raw)
		require.Equal(t, itoa(int64(len(jpeg))), r.header.Get("Content-Length"))
		r = h.do(call{method: "GET", path: "/media/AAAAAAAAAAAAAAAAAAAAAA"})
		require.Equal(t, 404, r.status)
		require.Equal(t, "not-found", problemCode(r))

		// An offer takes the uploads, each in the field of its kind; the
		// Irish marketer cannot use the UK financier's.
		offer := func(image, video, captions string) map[string]any {
			return map[string]any{
				"vehicle":    map[string]any{"make": "Ford", "model": "Puma", "image_url": image, "video_url": video, "captions_url": captions},
				"cash_price": 14_000_00, "product": "hp", "terms_offered": []int{36, 48},
				"valid_from": "2026-11-01", "valid_to": "2027-06-30", "small_print": "Subject to status.",
				"example": map[string]any{"deposit": 1_400_00, "monthly_payments": 48, "apr": 9.9,
					"apr_basis": map[string]any{"share_percent": 55, "source": "Q3 2026 HP book"}},
			}
		}
		preview := func(token string, body any) reply {
			return h.do(call{method: "POST", path: "/api/v1/campaigns/offers/preview", token: token, body: body})
		}
		imageURL := "/media/" + key
		r = preview(marketer, offer(imageURL, videoURL, vttURL))
		require.Equal(t, 200, r.status, string(r.raw))
		r = preview(marketer, offer(videoURL, videoURL, imageURL))
		require.Equal(t, 422, r.status, string(r.raw))
		require.ElementsMatch(t, []string{"vehicle.image_url", "vehicle.captions_url"}, problemFields(r))
		require.Contains(t, string(r.raw), "This upload is a video, not an image.")
		r = preview(ie, offer(imageURL, "", ""))
		require.Equal(t, 422, r.status, string(r.raw))
		require.Equal(t, []string{"vehicle.image_url"}, problemFields(r))
	})
}

// problemFields lists the fields a 422 problem names.
func problemFields(r reply) []string {
	var out []string
	errs, _ := r.body["errors"].([]any)
	for _, e := range errs {
		out = append(out, e.(map[string]any)["field"].(string))
	}
	return out
}

// customerAccess signs the demo customer in and returns an access token.
func (h *harness) customerAccess() string {
	h.t.Helper()
	dob, postcode := demo.DemoCustomer()
	tok := h.customerInvite(demo.FinancierSlug, demo.CustomerRef)
	r := h.do(call{method: "POST", path: "/api/v1/auth/customer/verify",
		body: map[string]string{"token": tok, "date_of_birth": dob, "postcode": postcode}})
	require.Equal(h.t, 200, r.status, string(r.raw))
	return r.body["access_token"].(string)
}
