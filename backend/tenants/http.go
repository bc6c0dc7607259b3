package tenants

import (
	"bytes"
	"context"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/keyturn/keyturn/backend/auth"
	"github.com/keyturn/keyturn/backend/platform/httpx"
	"github.com/keyturn/keyturn/backend/platform/tenant"
)

// HTTP serves the dealer console's overview and the financier's dealer
// network.
type HTTP struct {
	Store   Store
	Network *Network
}

// Routes is the tenants route table.
func (h *HTTP) Routes() []httpx.Route {
	admin := []string{auth.RoleFinancierAdmin}
	return []httpx.Route{
		{Method: "GET", Path: "/dealer/overview", Roles: auth.DealerRoles, Handler: h.dealerOverview},
		{Method: "GET", Path: "/dealer-network", Roles: auth.FinancierRoles, Handler: h.listNetwork},
		{Method: "GET", Path: "/dealer-network/template.csv", Roles: auth.FinancierRoles, Handler: h.template},
		{Method: "POST", Path: "/dealer-network/locations", Roles: admin, Handler: h.saveLocation},
		{Method: "PUT", Path: "/dealer-network/locations/:id", Roles: admin, Handler: h.updateLocation},
		{Method: "DELETE", Path: "/dealer-network/locations/:id", Roles: admin, Handler: h.removeLocation},
		{Method: "POST", Path: "/dealer-network/import", Roles: admin, Handler: h.importCSV, Upload: true},
	}
}

func (h *HTTP) listNetwork(c *fiber.Ctx) error {
	groups, err := h.Network.List(c.UserContext(), auth.ScopeOf(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"groups": groups})
}

func (h *HTTP) template(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="dealer-network-template.csv"`)
	return c.Send(Template())
}

func (h *HTTP) saveLocation(c *fiber.Ctx) error {
	p, _ := auth.From(c)
	var in LocationInput
	if err := httpx.DecodeStrict(c.Body(), &in); err != nil {
		return err
	}
	l, err := h.Network.Save(c.UserContext(), p.Scope, p.SubjectID, in, c.IP(), httpx.RequestID(c))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(l)
}

func (h *HTTP) updateLocation(c *fiber.Ctx) error {
	p, _ := auth.From(c)
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return httpx.NotFound("No such showroom.")
	}
	var in LocationInput
	if err := httpx.DecodeStrict(c.Body(), &in); err != nil {
		return err
	}
	l, err := h.Network.Update(c.UserContext(), p.Scope, p.SubjectID, id, in, c.IP(), httpx.RequestID(c))
	if err != nil {
		return err
	}
	return c.JSON(l)
}

func (h *HTTP) removeLocation(c *fiber.Ctx) error {
	p, _ := auth.From(c)
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return httpx.NotFound("No such showroom.")
	}
	if err := h.Network.Remove(c.UserContext(), p.Scope, p.SubjectID, id, c.IP(), httpx.RequestID(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *HTTP) importCSV(c *fiber.Ctx) error {
	p, _ := auth.From(c)
	if !c.Is("csv") && !strings.HasPrefix(c.Get(fiber.HeaderContentType), "text/csv") {
		return httpx.KindUnsupportedMedia.New("Send the dealer network file as text/csv.")
	}
	sum, err := h.Network.Import(c.UserContext(), p.Scope, p.SubjectID, bytes.NewReader(c.Body()), c.IP(), httpx.RequestID(c))
	if err != nil {
		return err
	}
	return c.JSON(sum)
}

// LocationView is a showroom as the dealer console lists it.
type LocationView struct {
	ID       int64  `json:"id"`
	Code     string `json:"code"`
	Name     string `json:"name"`
	Town     string `json:"town"`
	Postcode string `json:"postcode"`
}

// DealerOverview is the dealer console's home.
type DealerOverview struct {
	DealerGroup struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	} `json:"dealer_group"`
	Locations []LocationView `json:"locations"`
}

// Overview returns the caller's dealer group and the locations they see: a
// principal all of the group's, other staff their own.
func (s Store) Overview(ctx context.Context, sc tenant.Scope) (DealerOverview, error) {
	var ov DealerOverview
	g, err := s.DealerGroup(ctx, sc.DealerGroupID)
	if err != nil {
		return ov, err
	}
	var ids []int64
	if !sc.AllLocations {
		ids = append([]int64{}, sc.LocationIDs...)
	}
	ls, err := s.Locations(ctx, sc.DealerGroupID, ids)
	if err != nil {
		return ov, err
	}
	ov.DealerGroup.ID, ov.DealerGroup.Name = g.ID, g.Name
	ov.Locations = make([]LocationView, len(ls))
	for i, l := range ls {
		ov.Locations[i] = LocationView{ID: l.ID, Code: l.Code, Name: l.Name, Town: l.Town, Postcode: l.Postcode}
	}
	return ov, nil
}

func (h *HTTP) dealerOverview(c *fiber.Ctx) error {
	ov, err := h.Store.Overview(c.UserContext(), auth.ScopeOf(c))
	if err != nil {
		return err
	}
	return c.JSON(ov)
}
