package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/keyturn/keyturn/backend/platform/tenant"
)

// Principal is the verified caller of a request.
type Principal struct {
	Kind      string // KindStaff or KindCustomer
	SubjectID int64
	Role      Role
	Scope     tenant.Scope
	// EnrolOnly marks a staff session that must set up a second factor
	// before it may do anything else.
	EnrolOnly bool
}

const principalKey = "keyturn.principal"

// From returns the principal the auth middleware stored on the request. It
// is only called behind that middleware; a public route gets ok=false.
func From(c *fiber.Ctx) (Principal, bool) {
	p, ok := c.Locals(principalKey).(Principal)
	return p, ok
}

// ScopeOf returns the caller's tenant scope (zero for public routes).
func ScopeOf(c *fiber.Ctx) tenant.Scope {
	p, _ := From(c)
	return p.Scope
}
