package agreements

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/keyturn/keyturn/backend/auth"
	"github.com/keyturn/keyturn/backend/platform/httpx"
)

// HTTP serves what customers and financier staff see of agreements.
type HTTP struct {
	Service *Service
}

// Routes is the agreements route table.
func (h *HTTP) Routes() []httpx.Route {
	return []httpx.Route{
		{Method: "GET", Path: "/customer/overview", Roles: []string{auth.RoleCustomer}, Handler: h.customerOverview},
		{Method: "GET", Path: "/financier/overview", Roles: auth.FinancierRoles, Handler: h.financierOverview},
		{Method: "GET", Path: "/customers/:id", Roles: auth.FinancierRoles, Handler: h.customer},
	}
}

func (h *HTTP) customerOverview(c *fiber.Ctx) error {
	ov, err := h.Service.CustomerOverview(c.UserContext(), auth.ScopeOf(c))
	if err != nil {
		return err
	}
	return c.JSON(ov)
}

func (h *HTTP) financierOverview(c *fiber.Ctx) error {
	ov, err := h.Service.FinancierOverview(c.UserContext(), auth.ScopeOf(c))
	if err != nil {
		return err
	}
	return c.JSON(ov)
}

func (h *HTTP) customer(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return httpx.NotFound("No such customer.")
	}
	cv, err := h.Service.CustomerView(c.UserContext(), auth.ScopeOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(cv)
}

func dateIn(t time.Time, tz string) string {
	loc, err := time.LoadLocation(tz)
	if err != nil {
		loc = time.UTC
	}
	return t.In(loc).Format(time.DateOnly)
}
