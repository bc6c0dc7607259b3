package privacy

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"gorm.io/gorm"

	"github.com/keyturn/keyturn/backend/auth"
	"github.com/keyturn/keyturn/backend/platform/httpx"
	"github.com/keyturn/keyturn/backend/platform/tenant"
)

// Page sizes of the audit log's API.
const (
	DefaultAuditPage = 50
	MaxAuditPage     = 200
	// auditExportPage is how many entries the CSV export reads at a time.
	auditExportPage = 1000
)

// AuditRoles may read the audit log: the financier's administrator and its
// compliance approver.
var AuditRoles = []string{auth.RoleFinancierAdmin, auth.RoleComplianceApprover}

// StaffNames names staff members for the log's actor column; the app wires
// in auth's staff store. Optional: without it entries carry ids only.
type StaffNames interface {
	StaffNames(ctx context.Context, ids []int64) (map[int64]string, error)
}

// AuditHTTP serves a financier's audit log: filtered pages, newest first,
// and the same filters as a CSV export.
type AuditHTTP struct {
	DB    *gorm.DB
	Names StaffNames
}

// Routes is the audit log's route table.
func (h *AuditHTTP) Routes() []httpx.Route {
	return []httpx.Route{
		{Method: "GET", Path: "/audit", Roles: AuditRoles, Handler: h.list},
		{Method: "GET", Path: "/audit.csv", Roles: AuditRoles, Handler: h.export},
	}
}

// AuditFilter selects audit entries. Zero fields select everything.
type AuditFilter struct {
	// Action is an action name ("campaign.approved"), or a prefix ending in
	// "*" ("campaign.*").
	Action     string
	ObjectType string
	ObjectID   string
	ActorKind  string
	ActorID    *int64
	// From and To bound the time of the entries: From ≤ at < To.
	From, To *time.Time
	// After continues a listing after the entry at that position.
	After *AuditCursor
	Limit int
}

// AuditCursor is a position in the newest-first order.
type AuditCursor struct {
	At time.Time
	ID int64
}

// String encodes the cursor for a next_cursor link.
func (c AuditCursor) String() string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(c.At.UnixNano(), 10) + "." + strconv.FormatInt(c.ID, 10)))
}

// parseCursor reads a cursor made by String.
func parseCursor(s string) (*AuditCursor, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, false
	}
	at, id, ok := strings.Cut(string(raw), ".")
	if !ok {
		return nil, false
	}
	ns, err1 := strconv.ParseInt(at, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if err1 != nil || err2 != nil || n <= 0 {
		return nil, false
	}
	return &AuditCursor{At: time.Unix(0, ns).UTC(), ID: n}, true
}

// Query returns one page of the financier's audit log, newest first, and
// the cursor of the next page (nil on the last).
func (a Audit) Query(ctx context.Context, tx *gorm.DB, financierID int64, f AuditFilter) ([]AuditEntry, *AuditCursor, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultAuditPage
	}
	q := tx.WithContext(ctx).Where("financier_id = ?", financierID)
	switch {
	case strings.HasSuffix(f.Action, "*"):
		q = q.Where("action LIKE ? ESCAPE '\\'", likePrefix(strings.TrimSuffix(f.Action, "*")))
	case f.Action != "":
		q = q.Where("action = ?", f.Action)
	}
	if f.ObjectType != "" {
		q = q.Where("object_type = ?", f.ObjectType)
	}
	if f.ObjectID != "" {
		q = q.Where("object_id = ?", f.ObjectID)
	}
	if f.ActorKind != "" {
		q = q.Where("actor_kind = ?", f.ActorKind)
	}
	if f.ActorID != nil {
		q = q.Where("actor_id = ?", *f.ActorID)
	}
	// Times are compared as stored: UTC on both dialects (docs/storage.md).
	if f.From != nil {
		q = q.Where("at >= ?", f.From.UTC())
	}
	if f.To != nil {
		q = q.Where("at < ?", f.To.UTC())
	}
	if f.After != nil {
		at := f.After.At.UTC()
		q = q.Where("(at < ? OR (at = ? AND id < ?))", at, at, f.After.ID)
	}
	var rows []AuditEntry
	if err := q.Order("at DESC, id DESC").Limit(limit + 1).Find(&rows).Error; err != nil {
		return nil, nil, fmt.Errorf("privacy: query audit: %w", err)
	}
	if len(rows) <= limit {
		return rows, nil, nil
	}
	rows = rows[:limit]
	last := rows[len(rows)-1]
	return rows, &AuditCursor{At: last.At, ID: last.ID}, nil
}

// likePrefix escapes LIKE's wildcards in a prefix and appends %.
func likePrefix(p string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(p) + "%"
}

// AuditItem is one entry as the API shows it.
type AuditItem struct {
	ID         int64           `json:"id"`
	At         time.Time       `json:"at"`
	ActorKind  string          `json:"actor_kind"`
	ActorID    *int64          `json:"actor_id"`
	ActorName  string          `json:"actor_name,omitempty"`
	Action     string          `json:"action"`
	ObjectType string          `json:"object_type"`
	ObjectID   string          `json:"object_id"`
	Fields     []string        `json:"fields"`
	Changes    json.RawMessage `json:"changes,omitempty"`
	IP         string          `json:"ip"`
	RequestID  string          `json:"request_id"`
}

func itemOf(e AuditEntry, names map[int64]string) AuditItem {
	it := AuditItem{ID: e.ID, At: e.At.UTC(), ActorKind: e.ActorKind, ActorID: e.ActorID, Action: e.Action, ObjectType: e.ObjectType,
		ObjectID: e.ObjectID, Fields: []string{}, IP: e.IP, RequestID: e.RequestID}
	if e.ActorID != nil && e.ActorKind == auth.KindStaff {
		it.ActorName = names[*e.ActorID]
	}
	_ = json.Unmarshal([]byte(e.Fields), &it.Fields)
	if it.Fields == nil {
		it.Fields = []string{}
	}
	if e.Changes != "" && json.Valid([]byte(e.Changes)) {
		it.Changes = json.RawMessage(e.Changes)
	}
	return it
}

// auditQueryParams are the query parameters the audit routes accept.
var auditQueryParams = map[string]bool{"action": true, "object_type": true, "object_id": true, "actor_kind": true,
	"actor_id": true, "from": true, "to": true, "limit": true, "cursor": true}

// filterOf reads the filter from the query string; anything it cannot use
// is a 422 naming the parameter.
func filterOf(c *fiber.Ctx, withPaging bool) (AuditFilter, error) {
	var f AuditFilter
	var chk httpx.Check
	c.Context().QueryArgs().VisitAll(func(k, _ []byte) {
		name := string(k)
		if !auditQueryParams[name] || (!withPaging && (name == "limit" || name == "cursor")) {
			chk.Add(name, "unknown_field", "This filter is not accepted here.")
		}
	})
	f.Action = strings.TrimSpace(c.Query("action"))
	if len(f.Action) > 60 || strings.Contains(strings.TrimSuffix(f.Action, "*"), "*") {
		chk.Add("action", "format", "Give an action name, or a prefix ending in * (campaign.*).")
	}
	f.ObjectType = strings.TrimSpace(c.Query("object_type"))
	f.ObjectID = strings.TrimSpace(c.Query("object_id"))
	if len(f.ObjectType) > 40 || len(f.ObjectID) > 64 {
		chk.Add("object_id", "format", "The object type or id is too long.")
	}
	switch k := c.Query("actor_kind"); k {
	case "", auth.KindStaff, auth.KindCustomer, "system":
		f.ActorKind = k
	default:
		chk.Add("actor_kind", "format", "Use staff, customer or system.")
	}
	if s := c.Query("actor_id"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			chk.Add("actor_id", "format", "Give a staff member's id (a whole number).")
		} else {
			f.ActorID = &id
		}
	}
	var ok bool
	if f.From, ok = timeParam(c.Query("from"), false); !ok {
		chk.Add("from", "format", "Give a date (2026-11-23) or a time (2026-11-23T09:00:00Z).")
	}
	if f.To, ok = timeParam(c.Query("to"), true); !ok {
		chk.Add("to", "format", "Give a date (2026-11-23) or a time (2026-11-23T09:00:00Z).")
	}
	if f.From != nil && f.To != nil && !f.From.Before(*f.To) {
		chk.Add("to", "range", "The end of the range must be after its start.")
	}
	if withPaging {
		f.Limit = DefaultAuditPage
		if s := c.Query("limit"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 || n > MaxAuditPage {
				chk.Add("limit", "range", fmt.Sprintf("Give a page size from 1 to %d.", MaxAuditPage))
			} else {
				f.Limit = n
			}
		}
		if s := c.Query("cursor"); s != "" {
			if f.After, ok = parseCursor(s); !ok {
				chk.Add("cursor", "format", "Use the next_cursor of the previous page.")
			}
		}
	}
	return f, chk.Err()
}

// timeParam reads a date (the whole UTC day: its start, or with end the
// start of the next day, as the bound is exclusive) or an RFC 3339 time.
func timeParam(s string, end bool) (*time.Time, bool) {
	if s == "" {
		return nil, true
	}
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		if end {
			d = d.AddDate(0, 0, 1)
		}
		return &d, true
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return nil, false
	}
	t = t.UTC()
	return &t, true
}

func financierScope(c *fiber.Ctx) (tenant.Scope, error) {
	sc := auth.ScopeOf(c)
	if !sc.IsFinancier() {
		return sc, httpx.NotFound("No audit log here.")
	}
	return sc, nil
}

func (h *AuditHTTP) names(ctx context.Context, rows []AuditEntry) (map[int64]string, error) {
	if h.Names == nil {
		return nil, nil
	}
	seen := map[int64]bool{}
	var ids []int64
	for _, r := range rows {
		if r.ActorID != nil && r.ActorKind == auth.KindStaff && !seen[*r.ActorID] {
			seen[*r.ActorID] = true
			ids = append(ids, *r.ActorID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return h.Names.StaffNames(ctx, ids)
}

// list is GET /audit: a page of entries, newest first, and the cursor of
// the next page.
func (h *AuditHTTP) list(c *fiber.Ctx) error {
	sc, err := financierScope(c)
	if err != nil {
		return err
	}
	f, err := filterOf(c, true)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	rows, next, err := Audit{}.Query(ctx, h.DB, sc.FinancierID, f)
	if err != nil {
		return err
	}
	names, err := h.names(ctx, rows)
	if err != nil {
		return err
	}
	items := make([]AuditItem, len(rows))
	for i, r := range rows {
		items[i] = itemOf(r, names)
	}
	var cursor *string
	if next != nil {
		s := next.String()
		cursor = &s
	}
	return c.JSON(fiber.Map{"entries": items, "next_cursor": cursor})
}

// AuditCSVHeader is the export's header row.
var AuditCSVHeader = []string{"at", "actor_kind", "actor_id", "actor_name", "action", "object_type", "object_id", "fields", "changes", "ip", "request_id"}

// CSVCell makes a value safe to open in a spreadsheet (RULES S9, ASVS
// 1.2.10): a cell that starts with = + - @, a tab, a carriage return or a
// NUL is prefixed with ' so it is read as text, never as a formula.
func CSVCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r\x00", rune(s[0])) {
		return "'" + s
	}
	return s
}

// auditRecord is one export row.
func auditRecord(it AuditItem) []string {
	actor := ""
	if it.ActorID != nil {
		actor = strconv.FormatInt(*it.ActorID, 10)
	}
	rec := []string{it.At.Format(time.RFC3339Nano), it.ActorKind, actor, it.ActorName, it.Action, it.ObjectType, it.ObjectID,
		strings.Join(it.Fields, ";"), string(it.Changes), it.IP, it.RequestID}
	for i := range rec {
		rec[i] = CSVCell(rec[i])
	}
	return rec
}

// export is GET /audit.csv: every entry the filters select, newest first,
// streamed a page at a time.
func (h *AuditHTTP) export(c *fiber.Ctx) error {
	sc, err := financierScope(c)
	if err != nil {
		return err
	}
	f, err := filterOf(c, false)
	if err != nil {
		return err
	}
	// Read the first page now, so a failing query is still an error reply.
	f.Limit = auditExportPage
	ctx := context.WithoutCancel(c.UserContext())
	first, next, err := Audit{}.Query(ctx, h.DB, sc.FinancierID, f)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="audit-log.csv"`)
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		cw := csv.NewWriter(w)
		_ = cw.Write(AuditCSVHeader)
		rows := first
		for {
			names, err := h.names(ctx, rows)
			if err != nil {
				return
			}
			for _, r := range rows {
				_ = cw.Write(auditRecord(itemOf(r, names)))
			}
			cw.Flush()
			if cw.Error() != nil || w.Flush() != nil || next == nil {
				return
			}
			f.After = next
			if rows, next, err = (Audit{}).Query(ctx, h.DB, sc.FinancierID, f); err != nil {
				// The reply has begun; a cut-off file is all that can be said.
				return
			}
		}
	})
	return nil
}
