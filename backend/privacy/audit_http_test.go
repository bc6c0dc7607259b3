package privacy_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/keyturn/keyturn/backend/auth"
	"github.com/keyturn/keyturn/backend/platform/db"
	"github.com/keyturn/keyturn/backend/platform/db/dbtest"
	"github.com/keyturn/keyturn/backend/platform/httpx"
	"github.com/keyturn/keyturn/backend/platform/kv"
	"github.com/keyturn/keyturn/backend/platform/tenant"
	"github.com/keyturn/keyturn/backend/privacy"
)

// auditBundle is a database with a few financiers' audit entries and a
// Fiber app serving the audit routes behind the auth middleware, as the app
// mounts them.
type auditBundle struct {
	t      *testing.T
	d      *db.DB
	app    *fiber.App
	tokens *auth.Tokens
	clock  *dbtest.Clock
	audit  privacy.Audit
}

type names map[int64]string

func (n names) StaffNames(_ context.Context, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	for _, id := range ids {
		if s, ok := n[id]; ok {
			out[id] = s
		}
	}
	return out, nil
}

func newAuditBundle(t *testing.T, d *db.DB) *auditBundle {
	t.Helper()
	clock := dbtest.NewClock(dbtest.FixedTime)
	tokens := auth.NewTokens(auth.NewKeys("k1", map[string][]byte{"k1": make([]byte, 32)}), "http://keyturn.test", clock.Now)
	store := kv.NewMemory()
	t.Cleanup(func() { _ = store.Close() })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := &auth.Service{Tokens: tokens, KV: store, Log: log, Now: clock.Now}
	app := fiber.New(fiber.Config{ErrorHandler: httpx.ErrorHandler(log)})
	h := &privacy.AuditHTTP{DB: d.Gorm, Names: names{7: "Alex Approver", 8: "Mo Marketer"}}
	for _, r := range h.Routes() {
		app.Add(r.Method, "/api/v1"+r.Path, svc.Require(r.Roles), r.Handler)
	}
	return &auditBundle{t: t, d: d, app: app, tokens: tokens, clock: clock, audit: privacy.Audit{Now: clock.Now}}
}

func (b *auditBundle) token(role string, financierID int64) string {
	b.t.Helper()
	tok, err := b.tokens.Sign(auth.Principal{Kind: auth.KindStaff, SubjectID: 7, Role: role, Scope: tenant.Scope{FinancierID: financierID}})
	require.NoError(b.t, err)
	return tok
}

func (b *auditBundle) add(fid int64, e privacy.Entry) {
	b.t.Helper()
	e.FinancierID = &fid
	require.NoError(b.t, b.d.Tx(context.Background(), func(tx *gorm.DB) error { return b.audit.Append(context.Background(), tx, e) }))
	b.clock.Advance(time.Hour)
}

func (b *auditBundle) get(path, token string) (int, []byte) {
	b.t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := b.app.Test(req, -1)
	require.NoError(b.t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(b.t, err)
	return resp.StatusCode, body
}

type page struct {
	Entries    []privacy.AuditItem `json:"entries"`
	NextCursor *string             `json:"next_cursor"`
}

func (b *auditBundle) page(path, token string) page {
	b.t.Helper()
	status, body := b.get(path, token)
	require.Equal(b.t, 200, status, string(body))
	var p page
	require.NoError(b.t, json.Unmarshal(body, &p))
	return p
}

func ids(p page) []string {
	out := []string{}
	for _, e := range p.Entries {
		out = append(out, e.Action+":"+e.ObjectID)
	}
	return out
}

func seed(b *auditBundle) {
	staff := func(id int64) *int64 { return &id }
	b.add(1, privacy.Entry{ActorKind: auth.KindStaff, ActorID: staff(8), Action: "agreements.imported", ObjectType: "import", ObjectID: "1",
		Changes: map[string][2]any{"file_name": {nil, "book.csv"}, "inserted": {nil, 10}}, IP: "192.0.2.1", RequestID: "r1"})
	b.add(1, privacy.Entry{ActorKind: auth.KindStaff, ActorID: staff(8), Action: "campaign.created", ObjectType: "campaign", ObjectID: "5"})
	b.add(1, privacy.Entry{ActorKind: auth.KindStaff, ActorID: staff(8), Action: "campaign.updated", ObjectType: "campaign", ObjectID: "5",
		Fields: []string{"name", "starts_on"}, Changes: map[string][2]any{"starts_on": {"2026-12-01", "2027-01-01"}}})
	b.add(1, privacy.Entry{ActorKind: auth.KindStaff, ActorID: staff(7), Action: "campaign.approved", ObjectType: "campaign", ObjectID: "5"})
	b.add(1, privacy.Entry{ActorKind: "system", Action: "agreement.updated_by_import", ObjectType: "agreement", ObjectID: "=HYPERLINK(\"http://x\")",
		Fields: []string{"email", "valuation"}})
	b.add(1, privacy.Entry{ActorKind: auth.KindStaff, ActorID: staff(8), Action: "campaign_x", ObjectType: "campaign", ObjectID: "-5"})
	b.add(1, privacy.Entry{ActorKind: auth.KindStaff, ActorID: staff(7), Action: "campaign.launched", ObjectType: "campaign", ObjectID: "5", IP: "@home"})
	b.add(2, privacy.Entry{ActorKind: auth.KindStaff, ActorID: staff(99), Action: "campaign.created", ObjectType: "campaign", ObjectID: "6"})
}

// TestAuditLogPagesNewestFirst: pages follow each other by cursor, newest
// first, and a financier sees only its own entries.
func TestAuditLogPagesNewestFirst(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		b := newAuditBundle(t, d)
		seed(b)
		tok := b.token(auth.RoleComplianceApprover, 1)
		p1 := b.page("/api/v1/audit?limit=3", tok)
		require.Equal(t, []string{"campaign.launched:5", "campaign_x:-5", "agreement.updated_by_import:=HYPERLINK(\"http://x\")"}, ids(p1))
		require.NotNil(t, p1.NextCursor)
		p2 := b.page("/api/v1/audit?limit=3&cursor="+*p1.NextCursor, tok)
		require.Equal(t, []string{"campaign.approved:5", "campaign.updated:5", "campaign.created:5"}, ids(p2))
		p3 := b.page("/api/v1/audit?limit=3&cursor="+*p2.NextCursor, tok)
		require.Equal(t, []string{"agreements.imported:1"}, ids(p3))
		require.Nil(t, p3.NextCursor)

		e := p3.Entries[0]
		require.Equal(t, "staff", e.ActorKind)
		require.Equal(t, int64(8), *e.ActorID)
		require.Equal(t, "Mo Marketer", e.ActorName)
		require.Equal(t, "192.0.2.1", e.IP)
		require.Equal(t, dbtest.FixedTime, e.At)
		require.JSONEq(t, `{"file_name":[null,"book.csv"],"inserted":[null,10]}`, string(e.Changes))
		require.Equal(t, []string{"name", "starts_on"}, p2.Entries[1].Fields)

		other := b.page("/api/v1/audit", b.token(auth.RoleFinancierAdmin, 2))
		require.Equal(t, []string{"campaign.created:6"}, ids(other))
		require.Empty(t, b.page("/api/v1/audit", b.token(auth.RoleFinancierAdmin, 3)).Entries)
	})
}

func TestAuditLogFilters(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		b := newAuditBundle(t, d)
		seed(b)
		tok := b.token(auth.RoleFinancierAdmin, 1)
		cases := []struct {
			query string
			want  []string
		}{
			{"action=campaign.created", []string{"campaign.created:5"}},
			{"action=campaign.*", []string{"campaign.launched:5", "campaign.approved:5", "campaign.updated:5", "campaign.created:5"}},
			{"action=campaign_*", []string{"campaign_x:-5"}},
			{"object_type=campaign&object_id=5&actor_id=7", []string{"campaign.launched:5", "campaign.approved:5"}},
			{"actor_kind=system", []string{"agreement.updated_by_import:=HYPERLINK(\"http://x\")"}},
			// The seed spaces entries an hour apart from 13:00 on 23 November.
			{"from=" + url.QueryEscape("2026-11-23T15:00:00Z") + "&to=" + url.QueryEscape("2026-11-23T17:00:00Z"),
				[]string{"campaign.approved:5", "campaign.updated:5"}},
			{"from=2026-11-24", []string{}},
			{"to=2026-11-23", []string{"campaign.launched:5", "campaign_x:-5", "agreement.updated_by_import:=HYPERLINK(\"http://x\")",
				"campaign.approved:5", "campaign.updated:5", "campaign.created:5", "agreements.imported:1"}},
			{"to=2026-11-22", []string{}},
		}
		for _, c := range cases {
			require.Equal(t, c.want, ids(b.page("/api/v1/audit?"+c.query, tok)), c.query)
		}
	})
}

// TestAuditLogRefusesBadInput: bad filters and other roles.
func TestAuditLogRefusesBadInput(t *testing.T) {
	t.Parallel()
	b := newAuditBundle(t, dbtest.SQLite(t))
	seed(b)
	tok := b.token(auth.RoleComplianceApprover, 1)
	for query, field := range map[string]string{
		"limit=0": "limit", "limit=201": "limit", "limit=x": "limit", "cursor=nonsense": "cursor", "from=yesterday": "from",
		"to=2026-13-01": "to", "from=2026-11-24&to=2026-11-23": "to", "actor_id=-1": "actor_id", "actor_kind=robot": "actor_kind",
		"colour=red": "colour", "action=a*b*": "action",
	} {
		status, body := b.get("/api/v1/audit?"+query, tok)
		require.Equal(t, 422, status, query)
		var p struct {
			Errors []httpx.FieldError `json:"errors"`
		}
		require.NoError(t, json.Unmarshal(body, &p))
		require.Equal(t, field, p.Errors[0].Field, query)
	}
	status, _ := b.get("/api/v1/audit.csv?limit=5", tok)
	require.Equal(t, 422, status, "the export has no pages")

	for _, role := range []string{auth.RoleFinancierMarketer, auth.RoleFinancierAnalyst} {
		status, _ := b.get("/api/v1/audit", b.token(role, 1))
		require.Equal(t, 403, status, role)
		status, _ = b.get("/api/v1/audit.csv", b.token(role, 1))
		require.Equal(t, 403, status, role)
	}
	status, _ = b.get("/api/v1/audit", "")
	require.Equal(t, 401, status)
}

// TestAuditLogCSVExport: the export has the filters' entries and escapes
// every cell that a spreadsheet would read as a formula (RULES S9).
func TestAuditLogCSVExport(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		b := newAuditBundle(t, d)
		seed(b)
		req := httptest.NewRequest(http.MethodGet, "/api/v1/audit.csv?object_type=campaign", nil)
		req.Header.Set("Authorization", "Bearer "+b.token(auth.RoleComplianceApprover, 1))
		resp, err := b.app.Test(req, -1)
		require.NoError(t, err)
		defer resp.Body.Close()
		require.Equal(t, 200, resp.StatusCode)
		require.Equal(t, "text/csv; charset=utf-8", resp.Header.Get("Content-Type"))
		require.Contains(t, resp.Header.Get("Content-Disposition"), "audit-log.csv")
		rows, err := csv.NewReader(resp.Body).ReadAll()
		require.NoError(t, err)
		require.Equal(t, privacy.AuditCSVHeader, rows[0])
		require.Len(t, rows, 6, "five campaign entries")
		require.Equal(t, []string{"2026-11-23T19:00:00Z", "staff", "7", "Alex Approver", "campaign.launched", "campaign", "5", "", "", "'@home", ""}, rows[1])
		require.Equal(t, "'-5", rows[2][6])
		require.Equal(t, "name;starts_on", rows[4][7])
		require.JSONEq(t, `{"starts_on":["2026-12-01","2027-01-01"]}`, rows[4][8])

		all := httptest.NewRequest(http.MethodGet, "/api/v1/audit.csv", nil)
		all.Header.Set("Authorization", "Bearer "+b.token(auth.RoleFinancierAdmin, 1))
		resp2, err := b.app.Test(all, -1)
		require.NoError(t, err)
		defer resp2.Body.Close()
		raw, err := io.ReadAll(resp2.Body)
		require.NoError(t, err)
		require.Contains(t, string(raw), `'=HYPERLINK(""http://x"")`)
		require.NotContains(t, string(raw), "campaign.created,campaign,6", "another financier's entry")
	})
}

func TestCSVCell(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "+44 113": "'+44 113", "-5": "'-5", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx", "\rx": "'\rx",
		"\x00x": "'\x00x", "plain": "plain", "": "", "a=b": "a=b", " =x": " =x",
	} {
		require.Equal(t, want, privacy.CSVCell(in), "%q", in)
	}
}

// TestAuditQueryExportsEveryPage: the export reads past one page.
func TestAuditQueryExportsEveryPage(t *testing.T) {
	t.Parallel()
	d := dbtest.SQLite(t)
	b := newAuditBundle(t, d)
	for i := 0; i < 1205; i++ {
		b.add(1, privacy.Entry{ActorKind: "system", Action: "x.done", ObjectType: "x", ObjectID: strings.Repeat("a", i%3)})
	}
	req := httptest.NewRequest(http.MethodGet, "/api/v1/audit.csv", nil)
	req.Header.Set("Authorization", "Bearer "+b.token(auth.RoleFinancierAdmin, 1))
	resp, err := b.app.Test(req, -1)
	require.NoError(t, err)
	defer resp.Body.Close()
	rows, err := csv.NewReader(resp.Body).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 1206)
}
