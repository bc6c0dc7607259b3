package agreements

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/keyturn/keyturn/backend/auth"
	"github.com/keyturn/keyturn/backend/platform/db"
	"github.com/keyturn/keyturn/backend/platform/db/dbtest"
	"github.com/keyturn/keyturn/backend/platform/httpx"
	"github.com/keyturn/keyturn/backend/platform/jobs"
	"github.com/keyturn/keyturn/backend/platform/kv"
	"github.com/keyturn/keyturn/backend/platform/tenant"
	"github.com/keyturn/keyturn/backend/platform/testenv"
)

// node is one Keyturn node's importer, job client and HTTP app.
type node struct {
	imports *Imports
	jobs    *jobs.Client
	app     *fiber.App
}

// httpBundle is two nodes on one database: on PostgreSQL they share a
// Redis for progress, on SQLite one node serves both roles.
type httpBundle struct {
	*fixture
	web, worker *node
	tokens      *auth.Tokens
	release     chan struct{}
}

func newHTTPBundle(t *testing.T, d *db.DB) *httpBundle {
	t.Helper()
	f := newFixture(t, d)
	b := &httpBundle{fixture: f, release: make(chan struct{})}
	b.tokens = auth.NewTokens(auth.NewKeys("k1", map[string][]byte{"k1": make([]byte, 32)}), "http://keyturn.test", func() time.Time { return testNow })

	newKV := func() kv.Store { return kv.NewMemory() }
	if d.Dialect == db.DialectPostgres {
		prefix := "test:imports:" + randomHex(t) + ":"
		url := testenv.RedisURL(t)
		newKV = func() kv.Store {
			s, err := kv.NewRedis(url, prefix)
			require.NoError(t, err)
			t.Cleanup(func() {
				_ = s.DeletePrefix(context.Background(), "")
				_ = s.Close()
			})
			return s
		}
	}
	b.worker = b.newNode(t, newKV(), true)
	b.web = b.worker
	if d.Dialect == db.DialectPostgres {
		b.web = b.newNode(t, newKV(), false)
	}
	return b
}

func randomHex(t *testing.T) string {
	t.Helper()
	buf := make([]byte, 6)
	_, err := rand.Read(buf)
	require.NoError(t, err)
	return hex.EncodeToString(buf)
}

// newNode builds a node. A worker node runs the import queue; its imports
// wait at the first batch until the test releases them.
func (b *httpBundle) newNode(t *testing.T, store kv.Store, worker bool) *node {
	t.Helper()
	base := b.imports
	n := &node{imports: &Imports{DB: base.DB, KV: store, Financiers: base.Financiers, Dealers: base.Dealers, Audit: base.Audit,
		Now: base.Now, Log: base.Log, BatchRows: 4, CommitRows: 4}}
	cfg := jobs.Config{TestOnly: true, Logger: dbtest.Logger(t)}
	if worker {
		ws := river.NewWorkers()
		(&Workers{Imports: n.imports, Equity: &Equity{DB: base.DB, Financiers: base.Financiers, Now: base.Now}}).Register(ws)
		cfg = jobs.Config{Workers: ws, RunWorkers: true, Queues: Queues(), FetchPollInterval: 50 * time.Millisecond, TestOnly: true,
			Logger: dbtest.Logger(t)}
		n.imports.afterBatch = func(int) error {
			<-b.release
			return nil
		}
	}
	jc, err := jobs.New(base.DB, cfg)
	require.NoError(t, err)
	n.jobs, n.imports.Jobs = jc, jc
	if worker {
		require.NoError(t, jc.Start(context.Background()))
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			require.NoError(t, jc.Stop(ctx))
		})
	}
	// As the app would be configured for uploads: bodies streamed, and a
	// body limit far below the file's size.
	n.app = b.appWith(n, store, fiber.Config{StreamRequestBody: true, BodyLimit: 1024, DisablePreParseMultipartForm: true})
	return n
}

// appWith serves a node's import routes behind the auth middleware, with a
// Fiber configuration of the test's choosing.
func (b *httpBundle) appWith(n *node, store kv.Store, cfg fiber.Config) *fiber.App {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	authSvc := &auth.Service{Tokens: b.tokens, KV: store, Log: log, Now: func() time.Time { return testNow }}
	cfg.ErrorHandler, cfg.Immutable = httpx.ErrorHandler(log), true
	app := fiber.New(cfg)
	// A long poll: on PostgreSQL, progress must reach the web node over kv.
	h := &ImportsHTTP{Imports: n.imports, Poll: time.Minute}
	for _, r := range h.Routes() {
		app.Add(r.Method, "/api/v1"+r.Path, authSvc.Require(r.Roles), r.Handler)
	}
	return app
}

func (b *httpBundle) token(role string, fid int64) string {
	b.t.Helper()
	tok, err := b.tokens.Sign(auth.Principal{Kind: auth.KindStaff, SubjectID: b.staffID, Role: role, Scope: tenant.Scope{FinancierID: fid}})
	require.NoError(b.t, err)
	return tok
}

type httpReply struct {
	status int
	header http.Header
	body   []byte
}

func (r httpReply) json(t *testing.T, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(r.body, v), string(r.body))
}

func (b *httpBundle) do(n *node, method, path, token, contentType string, body io.Reader) httpReply {
	b.t.Helper()
	req := httptest.NewRequest(method, path, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := n.app.Test(req, 60_000)
	require.NoError(b.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(b.t, err)
	return httpReply{resp.StatusCode, resp.Header, raw}
}

func multipartFile(t *testing.T, field, name, content string) (string, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	part, err := w.CreateFormFile(field, name)
	require.NoError(t, err)
	_, err = io.WriteString(part, content)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return w.FormDataContentType(), &buf
}

func problemField(t *testing.T, r httpReply) (string, string) {
	t.Helper()
	var p struct {
		Type   string             `json:"type"`
		Errors []httpx.FieldError `json:"errors"`
	}
	r.json(t, &p)
	if len(p.Errors) == 0 {
		return p.Type, ""
	}
	return p.Type, p.Errors[0].Field
}

type sseEvent struct {
	id, event string
	data      ProgressEvent
}

func parseSSE(t *testing.T, raw []byte) []sseEvent {
	t.Helper()
	var out []sseEvent
	var cur sseEvent
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if cur.event != "" {
				out = append(out, cur)
			}
			cur = sseEvent{}
		case strings.HasPrefix(line, "id: "):
			cur.id = strings.TrimPrefix(line, "id: ")
		case strings.HasPrefix(line, "event: "):
			cur.event = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			require.NoError(t, json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &cur.data))
		}
	}
	return out
}

// TestImportThroughTheAPI: a marketer uploads the sample file (streamed past
// the body limit); a job on a worker node applies it; the web node's event
// stream follows it to the end (over Redis on PostgreSQL); the summary
// names each planted bad row by line; other financiers' staff get 404s.
func TestImportThroughTheAPI(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		b := newHTTPBundle(t, d)
		marketer := b.token(auth.RoleFinancierMarketer, b.uk)
		ct, body := multipartFile(t, "file", "agreements.sample.csv", readSample(t))
		r := b.do(b.web, "POST", "/api/v1/imports", marketer, ct, body)
		require.Equal(t, http.StatusAccepted, r.status, string(r.body))
		var v ImportView
		r.json(t, &v)
		require.Equal(t, ImportQueued, v.Status)
		require.Equal(t, "agreements.sample.csv", v.FileName)
		require.Equal(t, "/api/v1/imports/"+itoa(v.ID), r.header.Get("Location"))

		events := make(chan httpReply, 1)
		go func() { events <- b.do(b.web, "GET", "/api/v1/imports/"+itoa(v.ID)+"/events", marketer, "", nil) }()
		time.Sleep(300 * time.Millisecond)
		close(b.release)
		var stream httpReply
		select {
		case stream = <-events:
		case <-time.After(45 * time.Second):
			t.Fatal("the event stream did not end with the import")
		}
		require.Equal(t, 200, stream.status)
		require.Equal(t, "text/event-stream", stream.header.Get("Content-Type"))
		evs := parseSSE(t, stream.body)
		require.GreaterOrEqual(t, len(evs), 2, string(stream.body))
		require.Contains(t, []string{ImportQueued, ImportRunning}, evs[0].data.Status)
		last := evs[len(evs)-1]
		require.Equal(t, "progress", last.event)
		require.Equal(t, ImportDone, last.data.Status)
		require.Equal(t, 18, last.data.Rows)
		require.Equal(t, 11, last.data.Inserted)
		require.Equal(t, 7, last.data.RejectedCount)
		require.Equal(t, last.data.Bytes, last.data.BytesDone)
		require.Equal(t, itoa(int64(len(evs))), last.id)

		r = b.do(b.web, "GET", "/api/v1/imports/"+itoa(v.ID), b.token(auth.RoleFinancierAnalyst, b.uk), "", nil)
		require.Equal(t, 200, r.status)
		var st ImportView
		r.json(t, &st)
		require.Equal(t, ImportDone, st.Status)
		lines := []int{}
		for _, is := range st.Rejected {
			lines = append(lines, is.Line)
		}
		require.Equal(t, []int{4, 6, 8, 10, 12, 14, 19}, lines)
		require.Len(t, st.Warnings, 2)

		// The listing, and the other financier's staff.
		r = b.do(b.web, "GET", "/api/v1/imports", marketer, "", nil)
		require.Equal(t, 200, r.status)
		require.Contains(t, string(r.body), `"file_name":"agreements.sample.csv"`)
		ie := b.token(auth.RoleFinancierMarketer, b.ie)
		for _, path := range []string{"/api/v1/imports/" + itoa(v.ID), "/api/v1/imports/" + itoa(v.ID) + "/events", "/api/v1/imports/999999", "/api/v1/imports/x"} {
			require.Equal(t, 404, b.do(b.web, "GET", path, ie, "", nil).status, path)
		}
		r = b.do(b.web, "GET", "/api/v1/imports", ie, "", nil)
		require.JSONEq(t, `{"imports":[]}`, string(r.body))
		require.Equal(t, int64(11), b.count("agreements", b.uk))
	})
}

// TestImportUploadRules: who may upload, what is accepted, and files
// refused as a whole answer at once with nothing stored.
func TestImportUploadRules(t *testing.T) {
	t.Parallel()
	d := dbtest.SQLite(t)
	b := newHTTPBundle(t, d)
	close(b.release)
	admin := b.token(auth.RoleFinancierAdmin, b.uk)
	sample := readSample(t)

	// Refused before the body is read, so the bodies here stay under the
	// body limit (app.Test would otherwise read their rest as a request).
	small, _, _ := strings.Cut(sample, "\n")
	for _, role := range []string{auth.RoleFinancierAnalyst, auth.RoleComplianceApprover} {
		ct, body := multipartFile(t, "file", "a.csv", small)
		require.Equal(t, 403, b.do(b.web, "POST", "/api/v1/imports", b.token(role, b.uk), ct, body).status, role)
	}
	require.Equal(t, 401, b.do(b.web, "POST", "/api/v1/imports", "", "text/csv", strings.NewReader(small)).status)

	r := b.do(b.web, "POST", "/api/v1/imports", admin, "application/pdf", strings.NewReader("%PDF-1.7"))
	require.Equal(t, 415, r.status)
	r = b.do(b.web, "POST", "/api/v1/imports", admin, "", strings.NewReader(small))
	require.Equal(t, 415, r.status)

	ct, body := multipartFile(t, "attachment", "a.csv", small)
	r = b.do(b.web, "POST", "/api/v1/imports", admin, ct, body)
	require.Equal(t, 422, r.status)
	_, field := problemField(t, r)
	require.Equal(t, "attachment", field)

	r = b.do(b.web, "POST", "/api/v1/imports", admin, "text/csv", strings.NewReader("name,amount\nx,1\n"))
	require.Equal(t, 422, r.status)
	typ, field := problemField(t, r)
	require.Equal(t, "urn:keyturn:problem:validation", typ)
	require.Equal(t, "header", field)
	require.Contains(t, string(r.body), `"import_id"`)

	b.web.imports.MaxBytes = 2048
	r = b.do(b.web, "POST", "/api/v1/imports", admin, "text/csv", strings.NewReader(sample))
	require.Equal(t, 413, r.status)
	typ, _ = problemField(t, r)
	require.Equal(t, "urn:keyturn:problem:payload-too-large", typ)
	b.web.imports.MaxBytes = 0
	require.Zero(t, b.count("agreements", b.uk))
	var chunks int64
	require.NoError(t, d.Gorm.Model(&importChunk{}).Count(&chunks).Error)
	require.Zero(t, chunks)

	// JSON lines as the whole body, with the file's name in the query.
	line := `{"customer_ref":"J-1","first_name":"Ana","last_name":"Byrne","email":"ana@example.com","date_of_birth":"1980-02-01","postcode":"LS6 2QT","agreement_number":"J-A1","product":"hp","start_date":"2025-01-10","term_months":48,"monthly_payment":45210,"amount_of_credit":1800000,"apr":7.9,"annual_mileage":15000,"make":"Skoda","model":"Octavia","in_arrears":false,"vulnerable":false}`
	r = b.do(b.web, "POST", "/api/v1/imports?file_name=book.jsonl", admin, "application/x-ndjson", strings.NewReader(line+"\n"))
	require.Equal(t, 202, r.status, string(r.body))
	var v ImportView
	r.json(t, &v)
	require.Equal(t, FormatJSONLines, v.Format)
	require.Equal(t, "book.jsonl", v.FileName)
	require.Eventually(t, func() bool {
		st, err := b.web.imports.Status(context.Background(), b.scope(b.uk), v.ID)
		return err == nil && st.Status == ImportDone
	}, 20*time.Second, 50*time.Millisecond)
	require.Equal(t, int64(45210), b.agreement(b.uk, "J-A1").MonthlyPayment)

	// A server that lets fasthttp parse multipart forms first (into
	// temporary files past 16 MB), and one that does not stream bodies at
	// all: the file part is read from the parsed form.
	for name, cfg := range map[string]fiber.Config{
		"pre-parsed": {StreamRequestBody: true, BodyLimit: 1024},
		"buffered":   {BodyLimit: 1 << 20},
	} {
		other := &node{imports: b.web.imports}
		other.app = b.appWith(other, b.web.imports.KV, cfg)
		ct, body := multipartFile(t, "file", name+".csv", sample)
		r = b.do(other, "POST", "/api/v1/imports", admin, ct, body)
		require.Equal(t, 202, r.status, "%s: %s", name, r.body)
		var pv ImportView
		r.json(t, &pv)
		require.Equal(t, name+".csv", pv.FileName)
		require.Equal(t, int64(len(sample)), pv.Bytes, name)
		ct, body = multipartFile(t, "attachment", "a.csv", small)
		r = b.do(other, "POST", "/api/v1/imports", admin, ct, body)
		require.Equal(t, 422, r.status, name)
	}

	r = b.do(b.web, "GET", "/api/v1/imports/template.csv", b.token(auth.RoleFinancierAnalyst, b.uk), "", nil)
	require.Equal(t, 200, r.status)
	require.Equal(t, Template(), r.body)
	require.Contains(t, r.header.Get("Content-Disposition"), "agreements-template.csv")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
