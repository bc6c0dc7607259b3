package auth

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/keyturn/keyturn/backend/platform/httpx"
)

// Cookie names: one per kind, so a person can be signed in to a console and
// the customer app in one browser. The __Host- prefix pins them to this
// origin, path / and Secure (RULES S2).
const (
	staffCookie    = "__Host-kt_staff"
	customerCookie = "__Host-kt_customer"
)

// Routes is auth's route table.
func (s *Service) Routes() []httpx.Route {
	anyone := []string{httpx.Anyone}
	admin := []string{RoleFinancierAdmin}
	return []httpx.Route{
		{Method: "POST", Path: "/auth/staff/login", Roles: anyone, Handler: s.handleLogin, Throttle: true},
		{Method: "POST", Path: "/auth/staff/link", Roles: anyone, Handler: s.handleLink, Throttle: true},
		{Method: "POST", Path: "/auth/staff/accept-invite", Roles: anyone, Handler: s.handleAcceptInvite, Throttle: true},
		{Method: "POST", Path: "/auth/staff/password-reset", Roles: anyone, Handler: s.handleResetRequest, Throttle: true},
		{Method: "POST", Path: "/auth/staff/password-reset/confirm", Roles: anyone, Handler: s.handleResetConfirm, Throttle: true},
		{Method: "POST", Path: "/auth/totp/setup", Roles: StaffRoles, Handler: s.handleTOTPSetup},
		{Method: "POST", Path: "/auth/totp/confirm", Roles: StaffRoles, Handler: s.handleTOTPConfirm},
		{Method: "POST", Path: "/auth/customer/invite", Roles: anyone, Handler: s.handleInviteInfo, Throttle: true},
		{Method: "POST", Path: "/auth/customer/verify", Roles: anyone, Handler: s.handleVerify, Throttle: true},
		{Method: "POST", Path: "/auth/customer/request-link", Roles: anyone, Handler: s.handleRequestLink, Throttle: true},
		{Method: "POST", Path: "/auth/refresh", Roles: anyone, Handler: s.handleRefresh, Throttle: true},
		{Method: "POST", Path: "/auth/logout", Roles: anyone, Handler: s.handleLogout},
		{Method: "GET", Path: "/me", Roles: SignedIn, Handler: s.handleMe},
		{Method: "GET", Path: "/staff", Roles: admin, Handler: s.handleListStaff},
		{Method: "POST", Path: "/staff/invitations", Roles: admin, Handler: s.handleInviteStaff},
		{Method: "PATCH", Path: "/staff/:id", Roles: admin, Handler: s.handleUpdateStaff},
		{Method: "POST", Path: "/customers/:id/invite/unlock", Roles: admin, Handler: s.handleUnlock},
	}
}

func requestOf(c *fiber.Ctx) Request {
	return Request{IP: c.IP(), RequestID: httpx.RequestID(c)}
}

func (s *Service) reply(c *fiber.Ctx, sess Session) error {
	name := staffCookie
	if sess.Subject.Kind == KindCustomer {
		name = customerCookie
	}
	c.Cookie(&fiber.Cookie{Name: name, Value: sess.Refresh, Path: "/", Expires: sess.RefreshExpires,
		Secure: true, HTTPOnly: true, SameSite: fiber.CookieSameSiteStrictMode})
	return c.JSON(sess)
}

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	TOTPCode string `json:"totp_code"`
}

func (s *Service) handleLogin(c *fiber.Ctx) error {
	var req loginRequest
	if err := httpx.DecodeStrict(c.Body(), &req); err != nil {
		return err
	}
	var chk httpx.Check
	chk.Require("email", req.Email)
	chk.Require("password", req.Password)
	if err := chk.Err(); err != nil {
		return err
	}
	sess, err := s.Login(c.UserContext(), req.Email, req.Password, req.TOTPCode, requestOf(c))
	if err != nil {
		return err
	}
	return s.reply(c, sess)
}

type tokenRequest struct {
	Token string `json:"token"`
}

func (s *Service) handleLink(c *fiber.Ctx) error {
	var req tokenRequest
	if err := decodeToken(c, &req); err != nil {
		return err
	}
	sess, err := s.ExchangeLink(c.UserContext(), req.Token, requestOf(c))
	if err != nil {
		return err
	}
	return s.reply(c, sess)
}

func decodeToken(c *fiber.Ctx, req *tokenRequest) error {
	if err := httpx.DecodeStrict(c.Body(), req); err != nil {
		return err
	}
	if req.Token == "" || len(req.Token) > 100 {
		return httpx.Validation("The link is incomplete.", httpx.FieldError{Field: "token", Code: "required", Message: "Open the whole link from your email."})
	}
	return nil
}

type passwordRequest struct {
	Token    string `json:"token"`
	Password string `json:"password"`
}

func (s *Service) handleAcceptInvite(c *fiber.Ctx) error {
	var req passwordRequest
	if err := httpx.DecodeStrict(c.Body(), &req); err != nil {
		return err
	}
	sess, err := s.AcceptInvite(c.UserContext(), req.Token, req.Password, requestOf(c))
	if err != nil {
		return err
	}
	return s.reply(c, sess)
}

type emailRequest struct {
	Email string `json:"email"`
}

func (s *Service) handleResetRequest(c *fiber.Ctx) error {
	var req emailRequest
	if err := httpx.DecodeStrict(c.Body(), &req); err != nil {
		return err
	}
	if err := s.RequestPasswordReset(c.UserContext(), req.Email, requestOf(c)); err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(fiber.Map{"detail": "If this address has an account, we have emailed a link to reset the password."})
}

func (s *Service) handleResetConfirm(c *fiber.Ctx) error {
	var req passwordRequest
	if err := httpx.DecodeStrict(c.Body(), &req); err != nil {
		return err
	}
	if err := s.ConfirmPasswordReset(c.UserContext(), req.Token, req.Password, requestOf(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Service) handleTOTPSetup(c *fiber.Ctx) error {
	p, _ := From(c)
	if p.Kind != KindStaff {
		return httpx.Forbidden("Only staff accounts use two-step verification.")
	}
	setup, err := s.SetupTOTP(c.UserContext(), p)
	if err != nil {
		return err
	}
	return c.JSON(setup)
}

type codeRequest struct {
	Code string `json:"code"`
}

func (s *Service) handleTOTPConfirm(c *fiber.Ctx) error {
	p, _ := From(c)
	var req codeRequest
	if err := httpx.DecodeStrict(c.Body(), &req); err != nil {
		return err
	}
	if err := s.ConfirmTOTP(c.UserContext(), p, req.Code, requestOf(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Service) handleInviteInfo(c *fiber.Ctx) error {
	var req tokenRequest
	if err := decodeToken(c, &req); err != nil {
		return err
	}
	fin, err := s.InviteInfo(c.UserContext(), req.Token)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"financier": fin})
}

type verifyRequest struct {
	Token       string `json:"token"`
	DateOfBirth string `json:"date_of_birth"`
	Postcode    string `json:"postcode"`
}

func (s *Service) handleVerify(c *fiber.Ctx) error {
	var req verifyRequest
	if err := httpx.DecodeStrict(c.Body(), &req); err != nil {
		return err
	}
	var chk httpx.Check
	if _, err := time.Parse(time.DateOnly, req.DateOfBirth); err != nil {
		chk.Add("date_of_birth", "format", "Enter your date of birth as day, month and year.")
	}
	if n := len(NormalisePostcode(req.Postcode)); n < 5 || n > 8 {
		chk.Add("postcode", "format", "Enter your postcode, for example LS1 4AP.")
	}
	if req.Token == "" {
		chk.Add("token", "required", "Open the whole link from your email.")
	}
	if err := chk.Err(); err != nil {
		return err
	}
	sess, err := s.VerifyCustomer(c.UserContext(), req.Token, req.DateOfBirth, req.Postcode, requestOf(c))
	if err != nil {
		return err
	}
	return s.reply(c, sess)
}

func (s *Service) handleRequestLink(c *fiber.Ctx) error {
	var req emailRequest
	if err := httpx.DecodeStrict(c.Body(), &req); err != nil {
		return err
	}
	if err := s.RequestCustomerLink(c.UserContext(), req.Email); err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(fiber.Map{"detail": "If we know this address, we have emailed you a new link."})
}

type kindRequest struct {
	Kind string `json:"kind"`
}

func cookieFor(c *fiber.Ctx) (string, string, error) {
	var req kindRequest
	if err := httpx.DecodeStrict(c.Body(), &req); err != nil {
		return "", "", err
	}
	switch req.Kind {
	case KindStaff:
		return KindStaff, staffCookie, nil
	case KindCustomer:
		return KindCustomer, customerCookie, nil
	}
	return "", "", httpx.Validation("Say which session.", httpx.FieldError{Field: "kind", Code: "enum", Message: "Use staff or customer."})
}

func (s *Service) handleRefresh(c *fiber.Ctx) error {
	kind, name, err := cookieFor(c)
	if err != nil {
		return err
	}
	sess, err := s.Refresh(c.UserContext(), kind, c.Cookies(name), requestOf(c))
	if err != nil {
		c.ClearCookie(name)
		return err
	}
	return s.reply(c, sess)
}

func (s *Service) handleLogout(c *fiber.Ctx) error {
	_, name, err := cookieFor(c)
	if err != nil {
		return err
	}
	if err := s.Logout(c.UserContext(), c.Cookies(name)); err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{Name: name, Value: "", Path: "/", Expires: time.Unix(0, 0), MaxAge: -1,
		Secure: true, HTTPOnly: true, SameSite: fiber.CookieSameSiteStrictMode})
	// Only cookies: the app clears its own IndexedDB, and "storage" would
	// also drop the other console's data and service workers.
	c.Set("Clear-Site-Data", `"cookies"`)
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Service) handleMe(c *fiber.Ctx) error {
	p, _ := From(c)
	sub, err := s.Describe(c.UserContext(), p)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"subject": sub, "mfa_enrolment_required": p.EnrolOnly})
}

func (s *Service) handleListStaff(c *fiber.Ctx) error {
	p, _ := From(c)
	items, err := s.ListStaff(c.UserContext(), p)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": items})
}

func (s *Service) handleInviteStaff(c *fiber.Ctx) error {
	p, _ := From(c)
	var in InviteStaffInput
	if err := httpx.DecodeStrict(c.Body(), &in); err != nil {
		return err
	}
	item, err := s.InviteStaff(c.UserContext(), p, in, requestOf(c))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(item)
}

func (s *Service) handleUpdateStaff(c *fiber.Ctx) error {
	p, _ := From(c)
	staffID, err := pathID(c)
	if err != nil {
		return err
	}
	var in UpdateStaffInput
	if err := httpx.DecodeStrict(c.Body(), &in); err != nil {
		return err
	}
	item, err := s.UpdateStaff(c.UserContext(), p, staffID, in, requestOf(c))
	if err != nil {
		return err
	}
	return c.JSON(item)
}

func (s *Service) handleUnlock(c *fiber.Ctx) error {
	p, _ := From(c)
	customerID, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.UnlockInvite(c.UserContext(), p, customerID, requestOf(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func pathID(c *fiber.Ctx) (int64, error) {
	n, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || n <= 0 {
		return 0, httpx.NotFound("No such item.")
	}
	return n, nil
}
