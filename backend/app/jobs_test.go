package app

import (
	"context"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/keyturn/keyturn/backend/agreements"
	"github.com/keyturn/keyturn/backend/auth"
	"github.com/keyturn/keyturn/backend/demo"
	"github.com/keyturn/keyturn/backend/platform/mail"
	"github.com/keyturn/keyturn/backend/platform/mail/mailtest"
)

var linkInMail = regexp.MustCompile(`http://localhost:8080/\S+#t=[A-Za-z0-9_-]+`)

func withMail(t *testing.T) (Options, *mailtest.Server) {
	t.Helper()
	srv := mailtest.NewServer(t)
	sender, err := mail.NewSMTP(mail.SMTPConfig{Host: srv.Host(), Port: srv.Port(), From: "Keyturn <no-reply@keyturn.test>", TLS: "none"})
	require.NoError(t, err)
	return Options{RunWorkers: true, Mail: sender, JobPoll: 50 * time.Millisecond}, srv
}

func TestCustomerAsksForANewLink(t *testing.T) {
	eachDialectWith(t, withMail, func(t *testing.T, h *harness, srv *mailtest.Server) {
		var c agreements.Customer
		require.NoError(t, h.app.DB.Gorm.Where("customer_ref = ?", demo.CustomerRef).First(&c).Error)

		known := h.do(call{method: "POST", path: "/api/v1/auth/customer/request-link", body: map[string]string{"email": "  " + c.Email + " "}})
		unknown := h.do(call{method: "POST", path: "/api/v1/auth/customer/request-link", body: map[string]string{"email": "nobody@example.com"}})
		require.Equal(t, 202, known.status)
		require.Equal(t, known.status, unknown.status)
		require.Equal(t, string(known.raw), string(unknown.raw), "the answer does not tell whether the address is known")

		msg := srv.WaitFor(t, c.Email, 20*time.Second)
		require.Contains(t, msg.Subject, "sign-in link")
		link := linkInMail.FindString(msg.Text)
		require.NotEmpty(t, link, msg.Text)
		dob, pc := demo.DemoCustomer()
		r := h.do(call{method: "POST", path: "/api/v1/auth/customer/verify", body: map[string]string{"token": tokenFromLink(t, link), "date_of_birth": dob, "postcode": pc}})
		require.Equal(t, 200, r.status, string(r.raw))
		for _, m := range srv.Messages() {
			require.NotContains(t, m.To, "nobody@example.com")
		}
	})
}

func TestStaffPasswordReset(t *testing.T) {
	eachDialectWith(t, withMail, func(t *testing.T, h *harness, srv *mailtest.Server) {
		ctx := context.Background()
		hash, err := auth.HashPassword("the old passphrase")
		require.NoError(t, err)
		require.NoError(t, h.app.DB.Gorm.Model(&auth.StaffUser{}).Where("email = ?", demo.MarketerEmail).Update("password_hash", hash).Error)
		_, oldSession := h.staffSession(demo.MarketerEmail)

		r := h.do(call{method: "POST", path: "/api/v1/auth/staff/password-reset", body: map[string]string{"email": demo.MarketerEmail}})
		require.Equal(t, 202, r.status)
		msg := srv.WaitFor(t, demo.MarketerEmail, 20*time.Second)
		link := linkInMail.FindString(msg.Text)
		require.Regexp(t, `/financier/reset#t=`, link)

		body := map[string]string{"token": tokenFromLink(t, link), "password": "a brand new passphrase"}
		require.Equal(t, 204, h.do(call{method: "POST", path: "/api/v1/auth/staff/password-reset/confirm", body: body}).status)
		require.Equal(t, 410, h.do(call{method: "POST", path: "/api/v1/auth/staff/password-reset/confirm", body: body}).status, "single use")

		r = h.do(call{method: "POST", path: "/api/v1/auth/refresh", body: map[string]string{"kind": "staff"}, cookies: []*http.Cookie{oldSession}})
		require.Equal(t, 401, r.status, "a reset ends existing sessions")
		r = h.do(call{method: "POST", path: "/api/v1/auth/staff/login", body: map[string]string{"email": demo.MarketerEmail, "password": "a brand new passphrase"}})
		require.Equal(t, 200, r.status, string(r.raw))
		_ = ctx
	})
}

func TestExpiredTokensArePurged(t *testing.T) {
	eachDialectWith(t, func(t *testing.T) (Options, struct{}) {
		return Options{RunWorkers: true, JobPoll: 50 * time.Millisecond}, struct{}{}
	}, func(t *testing.T, h *harness, _ struct{}) {
		ctx := context.Background()
		_, err := h.app.Auth.InviteByRef(ctx, demo.FinancierSlug, demo.CustomerRef)
		require.NoError(t, err)
		h.staffSession(demo.MarketerEmail)
		count := func(table string) int64 {
			var n int64
			require.NoError(t, h.app.DB.Gorm.Table(table).Count(&n).Error)
			return n
		}
		require.Positive(t, count("customer_invites"))
		require.Positive(t, count("refresh_tokens"))

		// Time travel: everything issued now has expired a day and more ago.
		h.clock.Advance(32 * 24 * time.Hour)
		require.NoError(t, h.app.Jobs.Insert(ctx, auth.ExpireTokensArgs{}, nil))
		require.Eventually(t, func() bool {
			return count("customer_invites") == 0 && count("refresh_tokens") == 0 && count("staff_links") == 0
		}, 20*time.Second, 50*time.Millisecond)
	})
}

// TestTwoNodes runs two app nodes on one PostgreSQL and one Redis: a session
// started on one refreshes on the other, and disabling a user on one ends
// their access on the other at once.
func TestTwoNodes(t *testing.T) {
	a := newHarness(t, "postgres")
	b := nodeBeside(t, a)

	admin, _ := a.staffSession(demo.AdminEmail)
	victim, cookie := a.staffSession(demo.AnalystEmail)
	r := b.do(call{method: "POST", path: "/api/v1/auth/refresh", body: map[string]string{"kind": "staff"}, cookies: []*http.Cookie{cookie}})
	require.Equal(t, 200, r.status, string(r.raw))
	require.Equal(t, 200, b.do(call{method: "GET", path: "/api/v1/financier/overview", token: victim}).status)

	var u auth.StaffUser
	require.NoError(t, a.app.DB.Gorm.Where("email = ?", demo.AnalystEmail).First(&u).Error)
	r = a.do(call{method: "PATCH", path: "/api/v1/staff/" + itoa(u.ID), token: admin, body: map[string]any{"disabled": true}})
	require.Equal(t, 200, r.status, string(r.raw))
	require.Equal(t, 401, b.do(call{method: "GET", path: "/api/v1/financier/overview", token: victim}).status)

	// The sign-in limit is one count across nodes.
	body := map[string]string{"token": "x"}
	for i := 0; i < throttleMax; i++ {
		node := a
		if i%2 == 1 {
			node = b
		}
		require.NotEqual(t, 429, node.do(call{method: "POST", path: "/api/v1/auth/customer/invite", body: body, remote: "192.0.2.20:4000"}).status)
	}
	require.Equal(t, 429, b.do(call{method: "POST", path: "/api/v1/auth/customer/invite", body: body, remote: "192.0.2.20:4000"}).status)
}
