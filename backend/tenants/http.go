package tenants

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"github.com/keyturn/keyturn/backend/auth"
	"github.com/keyturn/keyturn/backend/platform/httpx"
	"github.com/keyturn/keyturn/backend/platform/tenant"
)

// HTTP serves the dealer console's overview.
type HTTP struct {
	Store Store
}

// Routes is the tenants route table.
func (h *HTTP) Routes() []httpx.Route {
	return []httpx.Route{
		{Method: "GET", Path: "/dealer/overview", Roles: auth.DealerRoles, Handler: h.dealerOverview},
	}
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
