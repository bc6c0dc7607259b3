package auth

import (
	"log/slog"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/keyturn/keyturn/backend/platform/httpx"
)

// enrolRoutes are what a session that must set up a second factor may use.
var enrolRoutes = []string{"/api/v1/me", "/api/v1/auth/totp/setup", "/api/v1/auth/totp/confirm", "/api/v1/auth/logout"}

// Require returns middleware that admits a request only with a valid access
// token whose role is in roles. The principal is stored for From.
func (s *Service) Require(roles []string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		h := c.Get(fiber.HeaderAuthorization)
		raw, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || raw == "" {
			return httpx.Unauthorized("Sign in to continue.")
		}
		p, err := s.Tokens.Verify(raw)
		if err != nil {
			s.Log.Info("auth.token_refused", slog.String("request_id", httpx.RequestID(c)), slog.String("route", c.Route().Path))
			return httpx.Unauthorized("Your session has ended. Please sign in again.")
		}
		revoked, err := s.IsRevoked(c.UserContext(), p)
		if err != nil {
			return err
		}
		if revoked {
			return httpx.Unauthorized("Your session has ended. Please sign in again.")
		}
		if !slices.Contains(roles, p.Role) {
			s.Log.Info("auth.denied", slog.String("request_id", httpx.RequestID(c)), slog.String("role", p.Role), slog.String("route", c.Route().Path))
			return httpx.Forbidden("Your role does not allow this.")
		}
		if p.EnrolOnly && !slices.Contains(enrolRoutes, c.Route().Path) {
			return httpx.Forbidden("Set up two-step verification first (Security page).")
		}
		c.Locals(principalKey, p)
		return c.Next()
	}
}
