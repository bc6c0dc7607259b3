package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/keyturn/keyturn/backend/agreements"
	"github.com/keyturn/keyturn/backend/auth"
	"github.com/keyturn/keyturn/backend/config"
	"github.com/keyturn/keyturn/backend/demo"
	"github.com/keyturn/keyturn/backend/platform/testenv"
	"github.com/keyturn/keyturn/backend/tenants"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type harness struct {
	t     *testing.T
	app   *App
	clock *clock
}

// newHarness builds a whole app (demo mode, demo data loaded) on SQLite or
// on a PostgreSQL schema of its own with Redis.
func newHarness(t *testing.T, dialect string) *harness {
	t.Helper()
	return newHarnessWith(t, dialect, Options{})
}

// newHarnessWith is newHarness with wiring options; with opt.RunWorkers the
// job client is started and stopped with the test.
func newHarnessWith(t *testing.T, dialect string, opt Options) *harness {
	t.Helper()
	env := map[string]string{
		"KEYTURN_DATA_DIR": t.TempDir(),
		"KEYTURN_BASE_URL": "http://localhost:8080",
		"KEYTURN_DEMO":     "1",
	}
	schema := ""
	if dialect == "postgres" {
		env["DATABASE_URL"] = testenv.PostgresURL(t)
		env["REDIS_URL"] = testenv.RedisURL(t)
		schema = fmt.Sprintf("apptest_%d", time.Now().UnixNano())
		t.Cleanup(func() { dropSchema(t, env["DATABASE_URL"], schema) })
	}
	cfg, err := config.Load("", func(k string) string { return env[k] })
	require.NoError(t, err)
	clk := &clock{t: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	opt.Now, opt.Schema, opt.KVPrefix = clk.Now, schema, "test:"+schema+":"
	a, err := New(ctx, cfg, log, opt)
	require.NoError(t, err)
	t.Cleanup(a.Close)
	require.NoError(t, a.SeedDemo(ctx))
	if opt.RunWorkers {
		require.NoError(t, a.Jobs.Start(context.Background()))
		t.Cleanup(func() {
			sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			require.NoError(t, a.Jobs.Stop(sctx))
		})
	}
	return &harness{t: t, app: a, clock: clk}
}

func dropSchema(t *testing.T, url, schema string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Logf("drop schema: %v", err)
		return
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+schema+" CASCADE"); err != nil {
		t.Logf("drop schema: %v", err)
	}
}

func eachDialect(t *testing.T, fn func(t *testing.T, h *harness)) {
	for _, d := range []string{"sqlite", "postgres"} {
		t.Run(d, func(t *testing.T) { fn(t, newHarness(t, d)) })
	}
}

type reply struct {
	status int
	header http.Header
	body   map[string]any
	raw    []byte
}

type call struct {
	method, path string
	body         any
	token        string
	cookies      []*http.Cookie
	header       map[string]string
	remote       string
}

func (h *harness) do(c call) reply {
	h.t.Helper()
	var rd io.Reader
	switch b := c.body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		require.NoError(h.t, err)
		rd = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(c.method, c.path, rd)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	for _, ck := range c.cookies {
		req.AddCookie(ck)
	}
	if c.remote != "" {
		req.RemoteAddr = c.remote
	}
	resp, err := h.app.Fiber.Test(req, -1)
	require.NoError(h.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(h.t, err)
	r := reply{status: resp.StatusCode, header: resp.Header, raw: raw}
	_ = json.Unmarshal(raw, &r.body)
	return r
}

func refreshCookie(t *testing.T, r reply) *http.Cookie {
	t.Helper()
	for _, line := range r.header.Values("Set-Cookie") {
		c, err := http.ParseSetCookie(line)
		require.NoError(t, err)
		if strings.HasPrefix(c.Name, "__Host-") && c.Value != "" {
			require.True(t, c.Secure && c.HttpOnly && c.SameSite == http.SameSiteStrictMode && c.Path == "/",
				"refresh cookie must be __Host-, Secure, HttpOnly, SameSite=Strict: %s", line)
			return &http.Cookie{Name: c.Name, Value: c.Value}
		}
	}
	t.Fatalf("no refresh cookie in %v", r.header.Values("Set-Cookie"))
	return nil
}

func tokenFromLink(t *testing.T, link string) string {
	t.Helper()
	_, tok, ok := strings.Cut(link, "#t=")
	require.True(t, ok, link)
	return tok
}

// staffSession signs a demo staff member in through a demo link.
func (h *harness) staffSession(email string) (string, *http.Cookie) {
	h.t.Helper()
	link, err := h.app.Auth.DemoLink(context.Background(), email)
	require.NoError(h.t, err)
	r := h.do(call{method: "POST", path: "/api/v1/auth/staff/link", body: map[string]string{"token": tokenFromLink(h.t, link)}})
	require.Equal(h.t, 200, r.status, string(r.raw))
	return r.body["access_token"].(string), refreshCookie(h.t, r)
}

func (h *harness) customerInvite(slug, ref string) string {
	h.t.Helper()
	link, err := h.app.Auth.InviteByRef(context.Background(), slug, ref)
	require.NoError(h.t, err)
	return tokenFromLink(h.t, link)
}

func problemCode(r reply) string {
	s, _ := r.body["type"].(string)
	return strings.TrimPrefix(s, "urn:keyturn:problem:")
}

func TestDemoStaffSignInAndOverview(t *testing.T) {
	eachDialect(t, func(t *testing.T, h *harness) {
		tok, _ := h.staffSession(demo.MarketerEmail)
		r := h.do(call{method: "GET", path: "/api/v1/financier/overview", token: tok})
		require.Equal(t, 200, r.status, string(r.raw))
		counts := r.body["counts"].(map[string]any)
		require.EqualValues(t, 500, counts["customers"])
		require.EqualValues(t, 15, counts["dealer_locations"])

		dtok, _ := h.staffSession(demo.DealerStaffEmail)
		r = h.do(call{method: "GET", path: "/api/v1/dealer/overview", token: dtok})
		require.Equal(t, 200, r.status, string(r.raw))
		require.NotEmpty(t, r.body["locations"])

		// A dealer may not read the financier's overview, and the reverse.
		require.Equal(t, 403, h.do(call{method: "GET", path: "/api/v1/financier/overview", token: dtok}).status)
		require.Equal(t, 403, h.do(call{method: "GET", path: "/api/v1/dealer/overview", token: tok}).status)
	})
}

func TestTenantIsolation(t *testing.T) {
	eachDialect(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		tok, _ := h.staffSession(demo.MarketerEmail)
		ie, err := tenants.Store{DB: h.app.DB.Gorm}.FinancierBySlug(ctx, demo.IrishFinancierSlug)
		require.NoError(t, err)
		var irish agreements.Customer
		require.NoError(t, h.app.DB.Gorm.Where("financier_id = ?", ie.ID).First(&irish).Error)
		var own agreements.Customer
		require.NoError(t, h.app.DB.Gorm.Where("financier_id <> ?", ie.ID).First(&own).Error)

		r := h.do(call{method: "GET", path: fmt.Sprintf("/api/v1/customers/%d", irish.ID), token: tok})
		require.Equal(t, 404, r.status, "another financier's customer is not found, not forbidden")
		require.Equal(t, "not-found", problemCode(r))
		require.Equal(t, "application/problem+json", r.header.Get("Content-Type"))
		require.NotContains(t, string(r.raw), irish.LastName)

		r = h.do(call{method: "GET", path: fmt.Sprintf("/api/v1/customers/%d", own.ID), token: tok})
		require.Equal(t, 200, r.status, string(r.raw))
		require.Equal(t, own.CustomerRef, r.body["customer_ref"])
	})
}

func TestCustomerIdentityCheckAndLock(t *testing.T) {
	eachDialect(t, func(t *testing.T, h *harness) {
		dob, postcode := demo.DemoCustomer()
		tok := h.customerInvite(demo.FinancierSlug, demo.CustomerRef)

		// Looking at the invite does not use it up.
		for range 2 {
			r := h.do(call{method: "POST", path: "/api/v1/auth/customer/invite", body: map[string]string{"token": tok}})
			require.Equal(t, 200, r.status, string(r.raw))
		}
		wrong := map[string]string{"token": tok, "date_of_birth": "1970-01-01", "postcode": postcode}
		for i := 1; i <= 4; i++ {
			r := h.do(call{method: "POST", path: "/api/v1/auth/customer/verify", body: wrong})
			require.Equal(t, 401, r.status)
			require.Equal(t, "identity-check-failed", problemCode(r))
		}
		r := h.do(call{method: "POST", path: "/api/v1/auth/customer/verify", body: wrong})
		require.Equal(t, 423, r.status, "the fifth failure locks")
		require.Equal(t, "invite-locked", problemCode(r))
		require.NotEmpty(t, r.body["contact"])

		right := map[string]string{"token": tok, "date_of_birth": dob, "postcode": strings.ToLower(postcode)}
		r = h.do(call{method: "POST", path: "/api/v1/auth/customer/verify", body: right})
		require.Equal(t, 423, r.status, "the sixth attempt is refused even with the right details")

		// After 30 minutes the right details work, and use the link up.
		h.clock.Advance(31 * time.Minute)
		r = h.do(call{method: "POST", path: "/api/v1/auth/customer/verify", body: right})
		require.Equal(t, 200, r.status, string(r.raw))
		access := r.body["access_token"].(string)
		ov := h.do(call{method: "GET", path: "/api/v1/customer/overview", token: access})
		require.Equal(t, 200, ov.status, string(ov.raw))
		require.NotEmpty(t, ov.body["agreements"])

		r = h.do(call{method: "POST", path: "/api/v1/auth/customer/verify", body: right})
		require.Equal(t, 410, r.status, "a used link is gone")
	})
}

func TestInviteLocksForeverAfterTenFailures(t *testing.T) {
	eachDialect(t, func(t *testing.T, h *harness) {
		dob, postcode := demo.DemoCustomer()
		tok := h.customerInvite(demo.FinancierSlug, demo.CustomerRef)
		wrong := map[string]string{"token": tok, "date_of_birth": "1970-01-01", "postcode": postcode}
		for i := 1; i <= 10; i++ {
			if i == 6 {
				h.clock.Advance(31 * time.Minute)
			}
			h.do(call{method: "POST", path: "/api/v1/auth/customer/verify", body: wrong})
		}
		h.clock.Advance(24 * time.Hour)
		right := map[string]string{"token": tok, "date_of_birth": dob, "postcode": postcode}
		r := h.do(call{method: "POST", path: "/api/v1/auth/customer/verify", body: right})
		require.Equal(t, 423, r.status)
		require.Nil(t, r.body["locked_until"], "locked until a person unlocks it")

		// The financier admin unlocks it (admins need TOTP: the demo one is exempt in demo mode).
		admin, _ := h.staffSession(demo.AdminEmail)
		var cust agreements.Customer
		require.NoError(t, h.app.DB.Gorm.Where("customer_ref = ?", demo.CustomerRef).First(&cust).Error)
		u := h.do(call{method: "POST", path: fmt.Sprintf("/api/v1/customers/%d/invite/unlock", cust.ID), token: admin})
		require.Equal(t, 204, u.status, string(u.raw))
		r = h.do(call{method: "POST", path: "/api/v1/auth/customer/verify", body: right})
		require.Equal(t, 200, r.status, string(r.raw))
	})
}

func TestRefreshRotationAndReuse(t *testing.T) {
	eachDialect(t, func(t *testing.T, h *harness) {
		_, first := h.staffSession(demo.MarketerEmail)
		kind := map[string]string{"kind": "staff"}
		r := h.do(call{method: "POST", path: "/api/v1/auth/refresh", body: kind, cookies: []*http.Cookie{first}})
		require.Equal(t, 200, r.status, string(r.raw))
		second := refreshCookie(t, r)
		require.NotEqual(t, first.Value, second.Value)

		// Reusing the first token is theft: refused, and the family dies.
		r = h.do(call{method: "POST", path: "/api/v1/auth/refresh", body: kind, cookies: []*http.Cookie{first}})
		require.Equal(t, 401, r.status)
		r = h.do(call{method: "POST", path: "/api/v1/auth/refresh", body: kind, cookies: []*http.Cookie{second}})
		require.Equal(t, 401, r.status, "the newer token of a revoked family is refused too")

		// Logout ends a session.
		_, c := h.staffSession(demo.ApproverEmail)
		r = h.do(call{method: "POST", path: "/api/v1/auth/logout", body: kind, cookies: []*http.Cookie{c}})
		require.Equal(t, 204, r.status)
		require.Equal(t, `"cookies"`, r.header.Get("Clear-Site-Data"))
		r = h.do(call{method: "POST", path: "/api/v1/auth/refresh", body: kind, cookies: []*http.Cookie{c}})
		require.Equal(t, 401, r.status)
	})
}

func TestDemoLinksRefusedOutsideDemoMode(t *testing.T) {
	eachDialect(t, func(t *testing.T, h *harness) {
		link, err := h.app.Auth.DemoLink(context.Background(), demo.MarketerEmail)
		require.NoError(t, err)
		h.app.Auth.Demo = false
		_, err = h.app.Auth.DemoLink(context.Background(), demo.MarketerEmail)
		require.Error(t, err)
		r := h.do(call{method: "POST", path: "/api/v1/auth/staff/link", body: map[string]string{"token": tokenFromLink(t, link)}})
		require.Equal(t, 410, r.status)
		require.Equal(t, "link-invalid", problemCode(r))

		// A demo link works once.
		h.app.Auth.Demo = true
		link, err = h.app.Auth.DemoLink(context.Background(), demo.MarketerEmail)
		require.NoError(t, err)
		body := map[string]string{"token": tokenFromLink(t, link)}
		require.Equal(t, 200, h.do(call{method: "POST", path: "/api/v1/auth/staff/link", body: body}).status)
		require.Equal(t, 410, h.do(call{method: "POST", path: "/api/v1/auth/staff/link", body: body}).status)
	})
}

func TestDisabledStaffLosesSessions(t *testing.T) {
	eachDialect(t, func(t *testing.T, h *harness) {
		admin, _ := h.staffSession(demo.AdminEmail)
		victim, cookie := h.staffSession(demo.AnalystEmail)
		var u auth.StaffUser
		require.NoError(t, h.app.DB.Gorm.Where("email = ?", demo.AnalystEmail).First(&u).Error)

		r := h.do(call{method: "PATCH", path: fmt.Sprintf("/api/v1/staff/%d", u.ID), token: admin, body: map[string]any{"disabled": true}})
		require.Equal(t, 200, r.status, string(r.raw))
		require.Equal(t, true, r.body["disabled"])

		r = h.do(call{method: "POST", path: "/api/v1/auth/refresh", body: map[string]string{"kind": "staff"}, cookies: []*http.Cookie{cookie}})
		require.Equal(t, 401, r.status, "a disabled user's refresh fails")
		r = h.do(call{method: "GET", path: "/api/v1/financier/overview", token: victim})
		require.Equal(t, 401, r.status, "and their unexpired access token is refused at once")

		// The audit log names the fields changed, not personal values.
		var n int64
		require.NoError(t, h.app.DB.Gorm.Table("audit_log").Where("action = ? AND object_id = ?", "staff.updated", fmt.Sprint(u.ID)).Count(&n).Error)
		require.EqualValues(t, 1, n)
	})
}

func TestStaffPasswordAndTOTP(t *testing.T) {
	eachDialect(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		admin, _ := h.staffSession(demo.AdminEmail)
		r := h.do(call{method: "POST", path: "/api/v1/staff/invitations", token: admin,
			body: map[string]string{"email": "new.approver@demo.keyturn.test", "name": "New Approver", "role": auth.RoleComplianceApprover}})
		require.Equal(t, 201, r.status, string(r.raw))
		var u auth.StaffUser
		require.NoError(t, h.app.DB.Gorm.Where("email = ?", "new.approver@demo.keyturn.test").First(&u).Error)

		// What the invitation email carries: a one-time link to set a password.
		var link string
		require.NoError(t, h.app.DB.Tx(ctx, func(tx *gormDB) error {
			var err error
			link, err = h.app.Auth.IssueStaffLink(ctx, tx, u, auth.LinkInvite)
			return err
		}))
		r = h.do(call{method: "POST", path: "/api/v1/auth/staff/accept-invite", body: map[string]string{"token": tokenFromLink(t, link), "password": "short"}})
		require.Equal(t, 422, r.status)
		r = h.do(call{method: "POST", path: "/api/v1/auth/staff/accept-invite", body: map[string]string{"token": tokenFromLink(t, link), "password": "a long enough passphrase"}})
		require.Equal(t, 200, r.status, string(r.raw))
		require.Equal(t, true, r.body["mfa_enrolment_required"], "approvers must enrol a second factor")
		enrol := r.body["access_token"].(string)
		require.Equal(t, 403, h.do(call{method: "GET", path: "/api/v1/financier/overview", token: enrol}).status)

		r = h.do(call{method: "POST", path: "/api/v1/auth/totp/setup", token: enrol})
		require.Equal(t, 200, r.status, string(r.raw))
		secret := r.body["secret"].(string)
		code := totpCode(t, secret, h.clock.Now())
		require.Equal(t, 204, h.do(call{method: "POST", path: "/api/v1/auth/totp/confirm", token: enrol, body: map[string]string{"code": code}}).status)

		login := map[string]string{"email": "New.Approver@demo.keyturn.test", "password": "a long enough passphrase"}
		r = h.do(call{method: "POST", path: "/api/v1/auth/staff/login", body: login})
		require.Equal(t, 401, r.status)
		require.Equal(t, "mfa-required", problemCode(r))
		login["totp_code"] = code
		r = h.do(call{method: "POST", path: "/api/v1/auth/staff/login", body: login})
		require.Equal(t, 401, r.status, "a code already used is not accepted again")
		require.Equal(t, "mfa-invalid", problemCode(r))
		h.clock.Advance(30 * time.Second)
		login["totp_code"] = totpCode(t, secret, h.clock.Now())
		r = h.do(call{method: "POST", path: "/api/v1/auth/staff/login", body: login})
		require.Equal(t, 200, r.status, string(r.raw))
		require.Nil(t, r.body["mfa_enrolment_required"])

		login["password"] = "wrong password entirely"
		r = h.do(call{method: "POST", path: "/api/v1/auth/staff/login", body: login})
		require.Equal(t, 401, r.status)
		require.Equal(t, "invalid-credentials", problemCode(r))
		r = h.do(call{method: "POST", path: "/api/v1/auth/staff/login", body: map[string]string{"email": "nobody@x.test", "password": "whatever it is"}})
		require.Equal(t, "invalid-credentials", problemCode(r), "an unknown email gets the same answer")
	})
}

// eachDialectWith runs fn on both dialects with options (and a value, such
// as a mail server) made fresh for each.
func eachDialectWith[T any](t *testing.T, mk func(t *testing.T) (Options, T), fn func(t *testing.T, h *harness, v T)) {
	for _, d := range []string{"sqlite", "postgres"} {
		t.Run(d, func(t *testing.T) {
			opt, v := mk(t)
			fn(t, newHarnessWith(t, d, opt), v)
		})
	}
}

// nodeBeside starts a second app node on the same PostgreSQL schema, Redis
// prefix and signing keys as h: what a load balancer would send traffic to.
func nodeBeside(t *testing.T, h *harness) *harness {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	b, err := New(ctx, h.app.Config, log, Options{Now: h.clock.Now, Schema: h.app.DB.Schema, KVPrefix: "test:" + h.app.DB.Schema + ":"})
	require.NoError(t, err)
	t.Cleanup(b.Close)
	return &harness{t: t, app: b, clock: h.clock}
}

func itoa(n int64) string { return fmt.Sprint(n) }
