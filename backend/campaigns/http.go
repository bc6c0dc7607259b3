package campaigns

import (
	"context"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/keyturn/keyturn/backend/auth"
	"github.com/keyturn/keyturn/backend/platform/httpx"
	"github.com/keyturn/keyturn/backend/platform/tenant"
)

// HTTP serves the campaign console and the customer's offers.
type HTTP struct {
	Service *Service
}

// Route role sets: marketers and admins build campaigns; approvers review
// them; analysts read.
var (
	builders  = []string{auth.RoleFinancierAdmin, auth.RoleFinancierMarketer}
	approvers = []string{auth.RoleComplianceApprover}
	pausers   = []string{auth.RoleFinancierAdmin, auth.RoleFinancierMarketer, auth.RoleComplianceApprover}
	readers   = auth.FinancierRoles
)

// Routes is the campaigns route table. Fixed paths come before the
// ":id" ones that would otherwise match them.
func (h *HTTP) Routes() []httpx.Route {
	return []httpx.Route{
		{Method: "GET", Path: "/campaigns", Roles: readers, Handler: h.list},
		{Method: "POST", Path: "/campaigns", Roles: builders, Handler: h.create},
		{Method: "POST", Path: "/campaigns/audience/preview", Roles: readers, Handler: h.previewAudience},
		{Method: "POST", Path: "/campaigns/offers/preview", Roles: readers, Handler: h.previewOffer},
		{Method: "GET", Path: "/campaigns/:id", Roles: readers, Handler: h.get},
		{Method: "PUT", Path: "/campaigns/:id", Roles: builders, Handler: h.update},
		{Method: "GET", Path: "/campaigns/:id/audience", Roles: readers, Handler: h.savedAudience},
		{Method: "GET", Path: "/campaigns/:id/audience/explain", Roles: readers, Handler: h.explain},
		{Method: "POST", Path: "/campaigns/:id/offers", Roles: builders, Handler: h.addOffer},
		{Method: "PUT", Path: "/campaigns/:id/offers/:offer", Roles: builders, Handler: h.updateOffer},
		{Method: "DELETE", Path: "/campaigns/:id/offers/:offer", Roles: builders, Handler: h.removeOffer},
		{Method: "PUT", Path: "/campaigns/:id/journey", Roles: builders, Handler: h.saveJourney},
		{Method: "POST", Path: "/campaigns/:id/journey/preview", Roles: readers, Handler: h.previewStep},
		{Method: "GET", Path: "/campaigns/:id/checklist", Roles: readers, Handler: h.checklist},
		{Method: "POST", Path: "/campaigns/:id/submit", Roles: builders, Handler: transition(h.Service.Submit)},
		{Method: "POST", Path: "/campaigns/:id/approve", Roles: approvers, Handler: transition(h.Service.Approve)},
		{Method: "POST", Path: "/campaigns/:id/reject", Roles: approvers, Handler: h.reject},
		{Method: "POST", Path: "/campaigns/:id/launch", Roles: builders, Handler: transition(h.Service.Launch)},
		{Method: "POST", Path: "/campaigns/:id/pause", Roles: pausers, Handler: transition(h.Service.Pause)},
		{Method: "POST", Path: "/campaigns/:id/end", Roles: builders, Handler: transition(h.Service.End)},
		{Method: "GET", Path: "/campaigns/:id/enrolments", Roles: readers, Handler: h.enrolments},
		{Method: "GET", Path: "/customer/offers", Roles: []string{auth.RoleCustomer}, Handler: h.customerOffers},
	}
}

func actorOf(c *fiber.Ctx) Actor {
	p, _ := auth.From(c)
	return Actor{ID: p.SubjectID, Role: p.Role, IP: c.IP(), RequestID: httpx.RequestID(c)}
}

func idParam(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, httpx.NotFound("No such campaign or offer.")
	}
	return id, nil
}

func (h *HTTP) list(c *fiber.Ctx) error {
	out, err := h.Service.List(c.UserContext(), auth.ScopeOf(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"campaigns": out})
}

func (h *HTTP) create(c *fiber.Ctx) error {
	var in CampaignInput
	if err := httpx.DecodeStrict(c.Body(), &in); err != nil {
		return err
	}
	v, err := h.Service.Create(c.UserContext(), auth.ScopeOf(c), actorOf(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(v)
}

func (h *HTTP) get(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	v, err := h.Service.Get(c.UserContext(), auth.ScopeOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (h *HTTP) update(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in CampaignInput
	if err := httpx.DecodeStrict(c.Body(), &in); err != nil {
		return err
	}
	v, err := h.Service.Update(c.UserContext(), auth.ScopeOf(c), actorOf(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (h *HTTP) previewAudience(c *fiber.Ctx) error {
	var in struct {
		Audience   Audience `json:"audience"`
		Exclusions bool     `json:"exclusions"`
	}
	if err := httpx.DecodeStrict(c.Body(), &in); err != nil {
		return err
	}
	p, err := h.Service.PreviewAudience(c.UserContext(), auth.ScopeOf(c), 0, &in.Audience, in.Exclusions)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (h *HTTP) savedAudience(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	p, err := h.Service.PreviewAudience(c.UserContext(), auth.ScopeOf(c), id, nil, true)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (h *HTTP) explain(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	ref := c.Query("customer_ref")
	var customerID int64
	if raw := c.Query("customer_id"); raw != "" {
		if customerID, err = strconv.ParseInt(raw, 10, 64); err != nil || customerID <= 0 {
			return httpx.Invalid("customer_id", "invalid", "Give a customer id, or customer_ref.")
		}
	}
	if (ref == "") == (customerID == 0) {
		return httpx.Invalid("customer_id", "required", "Give either customer_id or customer_ref.")
	}
	ex, err := h.Service.Explain(c.UserContext(), auth.ScopeOf(c), id, customerID, ref)
	if err != nil {
		return err
	}
	return c.JSON(ex)
}

func (h *HTTP) previewOffer(c *fiber.Ctx) error {
	var in OfferInput
	if err := httpx.DecodeStrict(c.Body(), &in); err != nil {
		return err
	}
	v, err := h.Service.PreviewOffer(c.UserContext(), auth.ScopeOf(c), in)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (h *HTTP) addOffer(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in OfferInput
	if err := httpx.DecodeStrict(c.Body(), &in); err != nil {
		return err
	}
	v, err := h.Service.AddOffer(c.UserContext(), auth.ScopeOf(c), actorOf(c), id, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(v)
}

func (h *HTTP) updateOffer(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	offerID, err := idParam(c, "offer")
	if err != nil {
		return err
	}
	var in OfferInput
	if err := httpx.DecodeStrict(c.Body(), &in); err != nil {
		return err
	}
	v, err := h.Service.UpdateOffer(c.UserContext(), auth.ScopeOf(c), actorOf(c), id, offerID, in)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (h *HTTP) removeOffer(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	offerID, err := idParam(c, "offer")
	if err != nil {
		return err
	}
	if err := h.Service.RemoveOffer(c.UserContext(), auth.ScopeOf(c), actorOf(c), id, offerID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *HTTP) saveJourney(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		Steps []StepInput `json:"steps"`
	}
	if err := httpx.DecodeStrict(c.Body(), &in); err != nil {
		return err
	}
	steps, err := h.Service.SaveJourney(c.UserContext(), auth.ScopeOf(c), actorOf(c), id, in.Steps)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"steps": steps})
}

func (h *HTTP) previewStep(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		StepID string     `json:"step_id"`
		Step   *StepInput `json:"step"`
	}
	if err := httpx.DecodeStrict(c.Body(), &in); err != nil {
		return err
	}
	if (in.StepID == "") == (in.Step == nil) {
		return httpx.Invalid("step", "required", "Give either step_id (a saved step) or step (a draft).")
	}
	p, err := h.Service.PreviewStep(c.UserContext(), auth.ScopeOf(c), id, in.StepID, in.Step)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (h *HTTP) checklist(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	cl, err := h.Service.Checklist(c.UserContext(), auth.ScopeOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(cl)
}

// transitionFunc is a bodiless status change of the service.
type transitionFunc func(ctx context.Context, sc tenant.Scope, actor Actor, id int64) (CampaignView, error)

// transition serves a bodiless status change.
func transition(fn transitionFunc) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := idParam(c, "id")
		if err != nil {
			return err
		}
		v, err := fn(c.UserContext(), auth.ScopeOf(c), actorOf(c), id)
		if err != nil {
			return err
		}
		return c.JSON(v)
	}
}

func (h *HTTP) reject(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if err := httpx.DecodeStrict(c.Body(), &in); err != nil {
		return err
	}
	v, err := h.Service.Reject(c.UserContext(), auth.ScopeOf(c), actorOf(c), id, in.Reason)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (h *HTTP) enrolments(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	limit, offset := c.QueryInt("limit", 100), c.QueryInt("offset", 0)
	if limit < 1 || limit > 500 {
		return httpx.Invalid("limit", "out_of_range", "Use 1 to 500.")
	}
	if offset < 0 {
		return httpx.Invalid("offset", "out_of_range", "Use 0 or more.")
	}
	out, err := h.Service.Enrolments(c.UserContext(), auth.ScopeOf(c), id, limit, offset)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"enrolments": out, "limit": limit, "offset": offset})
}

func (h *HTTP) customerOffers(c *fiber.Ctx) error {
	out, err := h.Service.CustomerOffers(c.UserContext(), auth.ScopeOf(c))
	if err != nil {
		return err
	}
	return c.JSON(out)
}
