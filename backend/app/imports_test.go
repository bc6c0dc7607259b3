package app

import (
	"bytes"
	"mime/multipart"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/keyturn/keyturn/backend/demo"
)

// TestImportAndAuditThroughTheApp: the demo marketer uploads the sample
// agreements file through the whole app; a job applies it; the status names
// each planted bad row by line; the approver finds the import in the audit
// log and its CSV export; the Irish financier's marketer gets 404s.
func TestImportAndAuditThroughTheApp(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			h := newHarnessWith(t, dialect, Options{RunWorkers: true, JobPoll: 50 * time.Millisecond})
			marketer, _ := h.staffSession(demo.MarketerEmail)
			sample, err := os.ReadFile("../../config/agreements.sample.csv")
			require.NoError(t, err)
			var body bytes.Buffer
			w := multipart.NewWriter(&body)
			part, err := w.CreateFormFile("file", "agreements.sample.csv")
			require.NoError(t, err)
			_, err = part.Write(sample)
			require.NoError(t, err)
			require.NoError(t, w.Close())

			r := h.do(call{method: "POST", path: "/api/v1/imports", token: marketer, body: body.Bytes(),
				header: map[string]string{"Content-Type": w.FormDataContentType()}})
			require.Equal(t, 202, r.status, string(r.raw))
			id := int64(r.body["id"].(float64))
			path := "/api/v1/imports/" + itoa(id)

			require.Eventually(t, func() bool {
				r = h.do(call{method: "GET", path: path, token: marketer})
				return r.status == 200 && r.body["status"] == "done"
			}, 60*time.Second, 100*time.Millisecond, "the import job did not finish")
			require.EqualValues(t, 18, r.body["rows"])
			require.EqualValues(t, 11, r.body["inserted"])
			lines := []float64{}
			for _, is := range r.body["rejected"].([]any) {
				lines = append(lines, is.(map[string]any)["line"].(float64))
			}
			require.Equal(t, []float64{4, 6, 8, 10, 12, 14, 19}, lines)

			// The stream of a finished import sends its state and ends.
			ev := h.do(call{method: "GET", path: path + "/events", token: marketer})
			require.Equal(t, 200, ev.status)
			require.Contains(t, string(ev.raw), `"status":"done"`)

			ie, _ := h.staffSession(demo.IrishMarketerEmail)
			for _, p := range []string{path, path + "/events"} {
				require.Equal(t, 404, h.do(call{method: "GET", path: p, token: ie}).status, p)
			}

			approver, _ := h.staffSession(demo.ApproverEmail)
			r = h.do(call{method: "GET", path: "/api/v1/audit?action=agreements.imported", token: approver})
			require.Equal(t, 200, r.status, string(r.raw))
			entries := r.body["entries"].([]any)
			require.Len(t, entries, 1)
			e := entries[0].(map[string]any)
			require.Equal(t, itoa(id), e["object_id"])
			require.Equal(t, "staff", e["actor_kind"])
			require.NotEmpty(t, e["actor_name"])
			require.Equal(t, "agreements.sample.csv", e["changes"].(map[string]any)["file_name"].([]any)[1])

			r = h.do(call{method: "GET", path: "/api/v1/audit.csv?object_type=import", token: approver})
			require.Equal(t, 200, r.status)
			require.Contains(t, string(r.raw), "agreements.imported")
			require.Equal(t, 403, h.do(call{method: "GET", path: "/api/v1/audit", token: marketer}).status)
			require.Equal(t, 403, h.do(call{method: "GET", path: "/api/v1/audit", token: ie}).status)
		})
	}
}
