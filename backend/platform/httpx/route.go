package httpx

import "github.com/gofiber/fiber/v2"

// Anyone marks a public route (no token needed). The role names themselves
// belong to the auth package; httpx only carries them.
const Anyone = "anyone"

// Route is one line of a package's route table. The app mounts each under
// /api/v1, puts the role check in front of Handler, and a test compares the
// table with docs/openapi.yaml.
type Route struct {
	Method  string
	Path    string // relative to /api/v1, in Fiber's syntax: "/customers/:id"
	Roles   []string
	Handler fiber.Handler
	// Throttle puts the sign-in rate limit (per client IP) in front.
	Throttle bool
	// Upload lets the route take a body other than JSON (CSV, multipart);
	// every other route refuses non-JSON bodies with 415.
	Upload bool
}

// Public reports whether the route needs no token.
func (r Route) Public() bool {
	return len(r.Roles) == 1 && r.Roles[0] == Anyone
}
