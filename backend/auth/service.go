package auth

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"gorm.io/gorm"

	"github.com/keyturn/keyturn/backend/platform/db"
	"github.com/keyturn/keyturn/backend/platform/httpx"
	"github.com/keyturn/keyturn/backend/platform/kv"
)

// Lifetimes of the opaque tokens.
const (
	InviteTTL        = 30 * 24 * time.Hour
	DemoLinkTTL      = 30 * time.Minute
	StaffInviteTTL   = 7 * 24 * time.Hour
	ResetTTL         = time.Hour
	StaffSessionTTL  = 12 * time.Hour      // absolute life of a staff refresh family
	CustomerSession  = 30 * 24 * time.Hour // absolute life of a customer refresh family
	shortLockAfter   = 5
	foreverLockAfter = 10
	shortLock        = 30 * time.Minute
)

// FinancierInfo is what a sign-in screen shows of the customer's financier.
type FinancierInfo struct {
	ID           int64  `json:"-"`
	Slug         string `json:"slug"`
	Name         string `json:"name"`
	BrandColour  string `json:"brand_colour"`
	LogoURL      string `json:"logo_url"`
	SupportPhone string `json:"support_phone"`
	SupportEmail string `json:"support_email"`
}

// CustomerIdentity is what the identity check compares against.
type CustomerIdentity struct {
	ID          int64
	FinancierID int64
	FirstName   string
	LastName    string
	Email       string
	DateOfBirth string // YYYY-MM-DD
	Postcode    string
	Erased      bool
}

// Directory is what auth needs to know about financiers, dealer groups and
// customers; the app wires in the tenants and agreements stores.
type Directory interface {
	Financier(ctx context.Context, id int64) (FinancierInfo, error)
	FinancierBySlug(ctx context.Context, slug string) (FinancierInfo, error)
	DealerGroupName(ctx context.Context, id int64) (string, error)
	Customer(ctx context.Context, financierID, customerID int64) (CustomerIdentity, error)
	CustomerByRef(ctx context.Context, financierID int64, ref string) (CustomerIdentity, error)
	CustomerByID(ctx context.Context, customerID int64) (CustomerIdentity, error)
	CustomersByEmail(ctx context.Context, email string) ([]CustomerIdentity, error)
}

// Enqueuer inserts a River job inside a GORM transaction.
type Enqueuer interface {
	Enqueue(ctx context.Context, tx *gorm.DB, args river.JobArgs, opts *river.InsertOpts) error
}

// Auditor records staff and customer actions in the audit log.
type Auditor interface {
	Record(ctx context.Context, tx *gorm.DB, e AuditEvent) error
}

// AuditEvent is one audit log line as auth sees it.
type AuditEvent struct {
	FinancierID *int64
	ActorKind   string
	ActorID     *int64
	Action      string
	ObjectType  string
	ObjectID    string
	Fields      []string
	Changes     map[string][2]any
	IP          string
	RequestID   string
}

// Service holds the sign-in use cases.
type Service struct {
	DB        *db.DB
	Tokens    *Tokens
	Jobs      Enqueuer
	KV        kv.Store
	Directory Directory
	Audit     Auditor
	BaseURL   string
	Demo      bool
	Now       func() time.Time
	Log       *slog.Logger
	store     store
}

// Session is the answer to every successful sign-in or refresh. Refresh is
// the raw refresh token for the cookie; it never goes into the JSON body.
type Session struct {
	AccessToken string  `json:"access_token"`
	TokenType   string  `json:"token_type"`
	ExpiresIn   int     `json:"expires_in"`
	Subject     Subject `json:"subject"`
	// MFAEnrolmentRequired says the session may only set up a second factor.
	MFAEnrolmentRequired bool      `json:"mfa_enrolment_required,omitempty"`
	Refresh              string    `json:"-"`
	RefreshExpires       time.Time `json:"-"`
}

// Subject describes who is signed in, for the front ends.
type Subject struct {
	Kind        string         `json:"kind"`
	ID          int64          `json:"id"`
	Name        string         `json:"name"`
	Role        string         `json:"role"`
	Financier   *FinancierInfo `json:"financier"`
	DealerGroup *DealerGroup   `json:"dealer_group"`
}

// DealerGroup names the dealer group of a dealer's staff member.
type DealerGroup struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Request carries where a request came from, for the audit log.
type Request struct {
	IP        string
	RequestID string
}

// Errors the service returns; the HTTP layer maps them to the catalogue.
var (
	ErrInvalidCredentials = httpx.KindInvalidCredentials.New("The email or password is not right.")
	ErrMFARequired        = httpx.KindMFARequired.New("Enter the 6-digit code from your authenticator app.")
	ErrMFAInvalid         = httpx.KindMFAInvalid.New("That code is not right or has expired. Try the newest code.")
	ErrLinkInvalid        = httpx.KindLinkInvalid.New("This link has expired or has already been used. Ask for a new one.")
	ErrIdentityFailed     = httpx.KindIdentityCheckFailed.New("Those details do not match our records. Check them and try again.")
	ErrSessionEnded       = httpx.Unauthorized("Your session has ended. Please sign in again.")
)

func (s *Service) now() time.Time { return s.Now().UTC() }

// ---- staff ----

// Login signs a staff member in with email, password and, where enrolled or
// required, a TOTP code.
func (s *Service) Login(ctx context.Context, email, password, code string, r Request) (Session, error) {
	u, err := s.store.staffByEmail(ctx, s.DB.Gorm, email)
	if errors.Is(err, db.ErrNotFound) {
		CheckPassword("", password) // same cost as a real check
		s.Log.Info("auth.staff_login", slog.String("result", "denied"), slog.String("reason", "unknown_user"), slog.String("request_id", r.RequestID))
		return Session{}, ErrInvalidCredentials
	}
	if err != nil {
		return Session{}, err
	}
	if !CheckPassword(u.PasswordHash, password) || u.DisabledAt != nil {
		s.Log.Info("auth.staff_login", slog.String("result", "denied"), slog.Int64("staff_id", u.ID), slog.String("request_id", r.RequestID))
		return Session{}, ErrInvalidCredentials
	}
	enrolOnly := false
	if u.TOTPEnabled {
		if strings.TrimSpace(code) == "" {
			return Session{}, ErrMFARequired
		}
		if err := s.checkTOTP(ctx, &u, code); err != nil {
			s.Log.Info("auth.staff_login", slog.String("result", "denied"), slog.String("reason", "totp"), slog.Int64("staff_id", u.ID), slog.String("request_id", r.RequestID))
			return Session{}, err
		}
	} else if RequiresTOTP(u.Role) && !(u.Demo && s.Demo) {
		enrolOnly = true
	}
	return s.startStaffSession(ctx, u, enrolOnly, "password", r)
}

// ExchangeLink signs a staff member in with a one-time demo link. Demo links
// exist only in demo mode and are refused otherwise.
func (s *Service) ExchangeLink(ctx context.Context, token string, r Request) (Session, error) {
	if !s.Demo {
		return Session{}, ErrLinkInvalid
	}
	var u StaffUser
	err := s.DB.Tx(ctx, func(tx *gorm.DB) error {
		l, err := s.store.useLink(ctx, tx, HashToken(token), LinkDemo, s.now())
		if err != nil {
			return err
		}
		u, err = s.store.staffByID(ctx, tx, l.StaffUserID)
		return err
	})
	if errors.Is(err, db.ErrNotFound) || (err == nil && (!u.Demo || u.DisabledAt != nil)) {
		return Session{}, ErrLinkInvalid
	}
	if err != nil {
		return Session{}, err
	}
	return s.startStaffSession(ctx, u, false, "demo_link", r)
}

// AcceptInvite sets an invited staff member's password and signs them in.
func (s *Service) AcceptInvite(ctx context.Context, token, password string, r Request) (Session, error) {
	if err := checkPasswordRules(password); err != nil {
		return Session{}, err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return Session{}, err
	}
	var u StaffUser
	err = s.DB.Tx(ctx, func(tx *gorm.DB) error {
		l, err := s.store.useLink(ctx, tx, HashToken(token), LinkInvite, s.now())
		if err != nil {
			return err
		}
		if u, err = s.store.staffByID(ctx, tx, l.StaffUserID); err != nil {
			return err
		}
		if u.DisabledAt != nil {
			return db.ErrNotFound
		}
		if err := tx.Model(&u).Update("password_hash", hash).Error; err != nil {
			return fmt.Errorf("auth: set password: %w", err)
		}
		return s.Audit.Record(ctx, tx, AuditEvent{FinancierID: u.FinancierID, ActorKind: KindStaff, ActorID: &u.ID,
			Action: "staff.invite_accepted", ObjectType: "staff_user", ObjectID: id(u.ID), Fields: []string{"password"}, IP: r.IP, RequestID: r.RequestID})
	})
	if errors.Is(err, db.ErrNotFound) {
		return Session{}, ErrLinkInvalid
	}
	if err != nil {
		return Session{}, err
	}
	return s.startStaffSession(ctx, u, RequiresTOTP(u.Role) && !u.TOTPEnabled, "invite", r)
}

// RequestPasswordReset emails a reset link when the address belongs to an
// active staff member. The answer is the same either way.
func (s *Service) RequestPasswordReset(ctx context.Context, email string, r Request) error {
	u, err := s.store.staffByEmail(ctx, s.DB.Gorm, email)
	if errors.Is(err, db.ErrNotFound) || (err == nil && u.DisabledAt != nil) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *gorm.DB) error {
		return s.Jobs.Enqueue(ctx, tx, StaffEmailArgs{StaffUserID: u.ID, Purpose: LinkReset}, nil)
	})
}

// ConfirmPasswordReset sets a new password with a reset link and ends every
// session of that user.
func (s *Service) ConfirmPasswordReset(ctx context.Context, token, password string, r Request) error {
	if err := checkPasswordRules(password); err != nil {
		return err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	err = s.DB.Tx(ctx, func(tx *gorm.DB) error {
		l, err := s.store.useLink(ctx, tx, HashToken(token), LinkReset, s.now())
		if err != nil {
			return err
		}
		u, err := s.store.staffByID(ctx, tx, l.StaffUserID)
		if err != nil {
			return err
		}
		if err := tx.Model(&u).Update("password_hash", hash).Error; err != nil {
			return fmt.Errorf("auth: reset password: %w", err)
		}
		if err := s.store.revokeSubject(ctx, tx, KindStaff, u.ID, s.now()); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, AuditEvent{FinancierID: u.FinancierID, ActorKind: KindStaff, ActorID: &u.ID,
			Action: "staff.password_reset", ObjectType: "staff_user", ObjectID: id(u.ID), Fields: []string{"password"}, IP: r.IP, RequestID: r.RequestID})
	})
	if errors.Is(err, db.ErrNotFound) {
		return ErrLinkInvalid
	}
	return err
}

func checkPasswordRules(p string) error {
	if len([]rune(p)) < MinPasswordLength {
		return httpx.Validation("The password is too short.", httpx.FieldError{Field: "password", Code: "too_short",
			Message: fmt.Sprintf("Use at least %d characters; a few words together work well.", MinPasswordLength)})
	}
	if len(p) > 256 {
		return httpx.Validation("The password is too long.", httpx.FieldError{Field: "password", Code: "too_long", Message: "Use at most 256 characters."})
	}
	return nil
}

func (s *Service) startStaffSession(ctx context.Context, u StaffUser, enrolOnly bool, method string, r Request) (Session, error) {
	p := Principal{Kind: KindStaff, SubjectID: u.ID, Role: u.Role, EnrolOnly: enrolOnly}
	if u.FinancierID != nil {
		p.Scope.FinancierID = *u.FinancierID
	}
	if u.DealerGroupID != nil {
		p.Scope.DealerGroupID = *u.DealerGroupID
		p.Scope.AllLocations = u.Role == RoleDealerPrincipal
		if u.Role == RoleDealerStaff {
			locs, err := s.store.staffLocations(ctx, s.DB.Gorm, u.ID)
			if err != nil {
				return Session{}, err
			}
			p.Scope.LocationIDs = locs
		}
	}
	var sess Session
	err := s.DB.Tx(ctx, func(tx *gorm.DB) error {
		var err error
		sess, err = s.newSession(ctx, tx, p, StaffSessionTTL, "")
		if err != nil {
			return err
		}
		if err := tx.Model(&StaffUser{}).Where("id = ?", u.ID).Update("last_login_at", s.now()).Error; err != nil {
			return fmt.Errorf("auth: record login: %w", err)
		}
		return s.Audit.Record(ctx, tx, AuditEvent{FinancierID: u.FinancierID, ActorKind: KindStaff, ActorID: &u.ID,
			Action: "auth.signed_in", ObjectType: "staff_user", ObjectID: id(u.ID), Fields: []string{method}, IP: r.IP, RequestID: r.RequestID})
	})
	if err != nil {
		return Session{}, err
	}
	s.Log.Info("auth.staff_login", slog.String("result", "ok"), slog.String("method", method), slog.Int64("staff_id", u.ID), slog.String("request_id", r.RequestID))
	sess.MFAEnrolmentRequired = enrolOnly
	return sess, s.describe(ctx, &sess, p, u.Name)
}

// ---- customers ----

// InviteInfo tells the welcome screen whose link this is, without using it up.
func (s *Service) InviteInfo(ctx context.Context, token string) (FinancierInfo, error) {
	inv, err := s.store.inviteByHash(ctx, s.DB.Gorm, HashToken(token), false)
	if errors.Is(err, db.ErrNotFound) {
		return FinancierInfo{}, ErrLinkInvalid
	}
	if err != nil {
		return FinancierInfo{}, err
	}
	fin, err := s.Directory.Financier(ctx, inv.FinancierID)
	if err != nil {
		return FinancierInfo{}, err
	}
	if err := s.inviteUsable(inv, fin); err != nil {
		return FinancierInfo{}, err
	}
	return fin, nil
}

func (s *Service) inviteUsable(inv CustomerInvite, fin FinancierInfo) error {
	now := s.now()
	if inv.UsedAt != nil || !now.Before(inv.ExpiresAt) {
		return ErrLinkInvalid
	}
	if inv.LockedForever || (inv.LockedUntil != nil && now.Before(*inv.LockedUntil)) {
		return lockedProblem(inv, fin)
	}
	return nil
}

func lockedProblem(inv CustomerInvite, fin FinancierInfo) *httpx.Problem {
	contact := map[string]string{"phone": fin.SupportPhone, "email": fin.SupportEmail}
	if inv.LockedForever {
		return httpx.KindInviteLocked.New("This link is locked after too many attempts. Please contact us and we will help you sign in.").
			With("locked_until", nil).With("contact", contact)
	}
	return httpx.KindInviteLocked.New("Too many attempts. This link is locked for 30 minutes; you can also contact us.").
		With("locked_until", inv.LockedUntil.UTC().Format(time.RFC3339)).With("contact", contact)
}

// VerifyCustomer checks the date of birth and postcode against the customer
// behind the invite. Success uses the link up and starts a session; failure
// counts towards the lock (5: 30 minutes; 10: until a financier admin
// unlocks it). While locked even the right details are refused.
func (s *Service) VerifyCustomer(ctx context.Context, token, dob, postcode string, r Request) (Session, error) {
	var sess Session
	var verr error
	var cust CustomerIdentity
	err := s.DB.Tx(ctx, func(tx *gorm.DB) error {
		inv, err := s.store.inviteByHash(ctx, tx, HashToken(token), true)
		if errors.Is(err, db.ErrNotFound) {
			verr = ErrLinkInvalid
			return nil
		}
		if err != nil {
			return err
		}
		fin, err := s.Directory.Financier(ctx, inv.FinancierID)
		if err != nil {
			return err
		}
		if err := s.inviteUsable(inv, fin); err != nil {
			verr = err
			return nil
		}
		cust, err = s.Directory.Customer(ctx, inv.FinancierID, inv.CustomerID)
		if errors.Is(err, db.ErrNotFound) || (err == nil && cust.Erased) {
			verr = ErrLinkInvalid
			return nil
		}
		if err != nil {
			return err
		}
		dobOK := subtle.ConstantTimeCompare([]byte(dob), []byte(cust.DateOfBirth)) == 1
		pcOK := subtle.ConstantTimeCompare([]byte(NormalisePostcode(postcode)), []byte(NormalisePostcode(cust.Postcode))) == 1
		if !dobOK || !pcOK {
			inv.FailedAttempts++
			switch {
			case inv.FailedAttempts >= foreverLockAfter:
				inv.LockedForever = true
			case inv.FailedAttempts == shortLockAfter:
				until := s.now().Add(shortLock)
				inv.LockedUntil = &until
			}
			if err := s.store.saveInvite(ctx, tx, &inv); err != nil {
				return err
			}
			s.Log.Info("auth.customer_check", slog.String("result", "denied"), slog.Int64("invite_id", inv.ID),
				slog.Int("failures", inv.FailedAttempts), slog.String("request_id", r.RequestID))
			verr = ErrIdentityFailed
			if inv.LockedForever || inv.FailedAttempts == shortLockAfter {
				verr = lockedProblem(inv, fin)
			}
			return nil
		}
		now := s.now()
		inv.UsedAt = &now
		if err := s.store.saveInvite(ctx, tx, &inv); err != nil {
			return err
		}
		p := Principal{Kind: KindCustomer, SubjectID: cust.ID, Role: RoleCustomer}
		p.Scope.FinancierID = cust.FinancierID
		p.Scope.CustomerID = cust.ID
		sess, err = s.newSession(ctx, tx, p, CustomerSession, "")
		if err != nil {
			return err
		}
		fid := cust.FinancierID
		return s.Audit.Record(ctx, tx, AuditEvent{FinancierID: &fid, ActorKind: KindCustomer, ActorID: &cust.ID,
			Action: "auth.signed_in", ObjectType: "customer", ObjectID: id(cust.ID), Fields: []string{"invite"}, IP: r.IP, RequestID: r.RequestID})
	})
	if err != nil {
		return Session{}, err
	}
	if verr != nil {
		return Session{}, verr
	}
	s.Log.Info("auth.customer_check", slog.String("result", "ok"), slog.Int64("customer_id", cust.ID), slog.String("request_id", r.RequestID))
	p := Principal{Kind: KindCustomer, SubjectID: cust.ID, Role: RoleCustomer}
	p.Scope.FinancierID = cust.FinancierID
	p.Scope.CustomerID = cust.ID
	return sess, s.describe(ctx, &sess, p, strings.TrimSpace(cust.FirstName+" "+cust.LastName))
}

// IssueInvite makes a new sign-in link for a customer and returns the URL.
// The raw token exists only in the returned URL.
func (s *Service) IssueInvite(ctx context.Context, tx *gorm.DB, financierID, customerID int64) (string, error) {
	token := RandomToken()
	inv := CustomerInvite{FinancierID: financierID, CustomerID: customerID, TokenHash: HashToken(token),
		ExpiresAt: s.now().Add(InviteTTL), CreatedAt: s.now()}
	if err := tx.WithContext(ctx).Create(&inv).Error; err != nil {
		return "", fmt.Errorf("auth: create invite: %w", err)
	}
	return s.BaseURL + "/invite#t=" + token, nil
}

// InviteByRef makes a sign-in link for the customer with this reference at
// the financier with this slug (the `keyturn invite` command).
func (s *Service) InviteByRef(ctx context.Context, financierSlug, ref string) (string, error) {
	fin, err := s.Directory.FinancierBySlug(ctx, financierSlug)
	if err != nil {
		return "", fmt.Errorf("financier %q: %w", financierSlug, err)
	}
	c, err := s.Directory.CustomerByRef(ctx, fin.ID, ref)
	if err != nil {
		return "", fmt.Errorf("customer %q: %w", ref, err)
	}
	if c.Erased {
		return "", fmt.Errorf("customer %q has been erased", ref)
	}
	var url string
	err = s.DB.Tx(ctx, func(tx *gorm.DB) error {
		url, err = s.IssueInvite(ctx, tx, fin.ID, c.ID)
		return err
	})
	return url, err
}

// RequestCustomerLink emails a fresh sign-in link to every customer record
// with this address (one per financier). The caller answers the same whether
// or not the address is known; the sending happens in a job, so the response
// time hardly differs either.
func (s *Service) RequestCustomerLink(ctx context.Context, email string) error {
	email = normaliseEmail(email)
	if !strings.Contains(email, "@") || len(email) > 200 {
		return httpx.Validation("Enter the email address we have for you.",
			httpx.FieldError{Field: "email", Code: "format", Message: "Enter an email address like name@example.com."})
	}
	cs, err := s.Directory.CustomersByEmail(ctx, email)
	if err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *gorm.DB) error {
		for _, c := range cs {
			if c.Erased {
				continue
			}
			if err := s.Jobs.Enqueue(ctx, tx, CustomerLinkArgs{CustomerID: c.ID}, nil); err != nil {
				return err
			}
		}
		return nil
	})
}

// UnlockInvite lets a financier admin unlock a customer's locked invites.
func (s *Service) UnlockInvite(ctx context.Context, p Principal, customerID int64, r Request) error {
	if _, err := s.Directory.Customer(ctx, p.Scope.FinancierID, customerID); err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *gorm.DB) error {
		res := tx.WithContext(ctx).Model(&CustomerInvite{}).
			Where("financier_id = ? AND customer_id = ? AND used_at IS NULL", p.Scope.FinancierID, customerID).
			Updates(map[string]any{"failed_attempts": 0, "locked_until": nil, "locked_forever": false})
		if res.Error != nil {
			return fmt.Errorf("auth: unlock invites: %w", res.Error)
		}
		fid := p.Scope.FinancierID
		return s.Audit.Record(ctx, tx, AuditEvent{FinancierID: &fid, ActorKind: KindStaff, ActorID: &p.SubjectID,
			Action: "customer.invite_unlocked", ObjectType: "customer", ObjectID: id(customerID),
			Fields: []string{"failed_attempts", "locked_until", "locked_forever"}, IP: r.IP, RequestID: r.RequestID})
	})
}

// NormalisePostcode upper-cases a UK postcode or Irish Eircode and removes
// spaces, so "ls1 4ap" and "LS14AP" compare equal.
func NormalisePostcode(pc string) string {
	return strings.ToUpper(strings.Join(strings.Fields(pc), ""))
}

// ---- sessions ----

func (s *Service) newSession(ctx context.Context, tx *gorm.DB, p Principal, ttl time.Duration, family string) (Session, error) {
	now := s.now()
	expires := now.Add(ttl)
	if family == "" {
		family = RandomToken()[:32]
	}
	return s.issue(ctx, tx, p, family, expires)
}

func (s *Service) issue(ctx context.Context, tx *gorm.DB, p Principal, family string, expires time.Time) (Session, error) {
	raw := RandomToken()
	rt := RefreshToken{FamilyID: family, SubjectKind: p.Kind, SubjectID: p.SubjectID, TokenHash: HashToken(raw),
		ExpiresAt: expires, CreatedAt: s.now()}
	if err := s.store.insertRefresh(ctx, tx, &rt); err != nil {
		return Session{}, err
	}
	access, err := s.Tokens.Sign(p)
	if err != nil {
		return Session{}, err
	}
	return Session{AccessToken: access, TokenType: "Bearer", ExpiresIn: int(AccessTTL / time.Second),
		Refresh: raw, RefreshExpires: expires}, nil
}

// Refresh rotates a refresh token: the presented one is used up and a new
// one in the same family is issued. Presenting a used token again is taken
// as theft and revokes the whole family (RULES S2).
func (s *Service) Refresh(ctx context.Context, kind, raw string, r Request) (Session, error) {
	if raw == "" {
		return Session{}, ErrSessionEnded
	}
	var sess Session
	var p Principal
	var name string
	var ended bool
	err := s.DB.Tx(ctx, func(tx *gorm.DB) error {
		rt, err := s.store.refreshByHash(ctx, tx, HashToken(raw))
		if errors.Is(err, db.ErrNotFound) {
			ended = true
			return nil
		}
		if err != nil {
			return err
		}
		now := s.now()
		if rt.SubjectKind != kind || rt.RevokedAt != nil || !now.Before(rt.ExpiresAt) {
			ended = true
			return nil
		}
		ok, err := s.store.markRefreshUsed(ctx, tx, rt.ID, now)
		if err != nil {
			return err
		}
		if !ok || rt.UsedAt != nil {
			s.Log.Warn("auth.refresh_reuse", slog.String("subject_kind", rt.SubjectKind), slog.Int64("subject_id", rt.SubjectID), slog.String("request_id", r.RequestID))
			ended = true
			return s.store.revokeFamily(ctx, tx, rt.FamilyID, now)
		}
		p, name, err = s.principalFor(ctx, tx, rt.SubjectKind, rt.SubjectID)
		if errors.Is(err, errSubjectGone) {
			ended = true
			return s.store.revokeFamily(ctx, tx, rt.FamilyID, now)
		}
		if err != nil {
			return err
		}
		sess, err = s.issue(ctx, tx, p, rt.FamilyID, rt.ExpiresAt)
		return err
	})
	if err != nil {
		return Session{}, err
	}
	if ended {
		return Session{}, ErrSessionEnded
	}
	sess.MFAEnrolmentRequired = p.EnrolOnly
	return sess, s.describe(ctx, &sess, p, name)
}

var errSubjectGone = errors.New("auth: subject disabled or erased")

// principalFor rebuilds a principal from the database at refresh time, so
// role, scope and disabled state are always current.
func (s *Service) principalFor(ctx context.Context, tx *gorm.DB, kind string, subjectID int64) (Principal, string, error) {
	if kind == KindCustomer {
		var row struct {
			FinancierID int64
			FirstName   string
			LastName    string
			ErasedAt    *time.Time
		}
		err := tx.WithContext(ctx).Table("customers").Select("financier_id, first_name, last_name, erased_at").
			Where("id = ?", subjectID).Take(&row).Error
		if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && row.ErasedAt != nil) {
			return Principal{}, "", errSubjectGone
		}
		if err != nil {
			return Principal{}, "", fmt.Errorf("auth: customer for refresh: %w", err)
		}
		p := Principal{Kind: KindCustomer, SubjectID: subjectID, Role: RoleCustomer}
		p.Scope.FinancierID = row.FinancierID
		p.Scope.CustomerID = subjectID
		return p, strings.TrimSpace(row.FirstName + " " + row.LastName), nil
	}
	u, err := s.store.staffByID(ctx, tx, subjectID)
	if errors.Is(err, db.ErrNotFound) || (err == nil && u.DisabledAt != nil) {
		return Principal{}, "", errSubjectGone
	}
	if err != nil {
		return Principal{}, "", err
	}
	p := Principal{Kind: KindStaff, SubjectID: u.ID, Role: u.Role,
		EnrolOnly: RequiresTOTP(u.Role) && !u.TOTPEnabled && !(u.Demo && s.Demo)}
	if u.FinancierID != nil {
		p.Scope.FinancierID = *u.FinancierID
	}
	if u.DealerGroupID != nil {
		p.Scope.DealerGroupID = *u.DealerGroupID
		p.Scope.AllLocations = u.Role == RoleDealerPrincipal
		if u.Role == RoleDealerStaff {
			if p.Scope.LocationIDs, err = s.store.staffLocations(ctx, tx, u.ID); err != nil {
				return Principal{}, "", err
			}
		}
	}
	return p, u.Name, nil
}

// Logout revokes the refresh token's family.
func (s *Service) Logout(ctx context.Context, raw string) error {
	if raw == "" {
		return nil
	}
	return s.DB.Tx(ctx, func(tx *gorm.DB) error {
		rt, err := s.store.refreshByHash(ctx, tx, HashToken(raw))
		if errors.Is(err, db.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return s.store.revokeFamily(ctx, tx, rt.FamilyID, s.now())
	})
}

// Describe fills the subject part of a session for p.
func (s *Service) Describe(ctx context.Context, p Principal) (Subject, error) {
	name := ""
	if p.Kind == KindStaff {
		u, err := s.store.staffByID(ctx, s.DB.Gorm, p.SubjectID)
		if err != nil {
			return Subject{}, err
		}
		name = u.Name
	} else {
		c, err := s.Directory.Customer(ctx, p.Scope.FinancierID, p.Scope.CustomerID)
		if err != nil {
			return Subject{}, err
		}
		name = strings.TrimSpace(c.FirstName + " " + c.LastName)
	}
	var sess Session
	if err := s.describe(ctx, &sess, p, name); err != nil {
		return Subject{}, err
	}
	return sess.Subject, nil
}

func (s *Service) describe(ctx context.Context, sess *Session, p Principal, name string) error {
	sess.Subject = Subject{Kind: p.Kind, ID: p.SubjectID, Name: name, Role: p.Role}
	if p.Scope.FinancierID != 0 {
		fin, err := s.Directory.Financier(ctx, p.Scope.FinancierID)
		if err != nil {
			return err
		}
		sess.Subject.Financier = &fin
	}
	if p.Scope.DealerGroupID != 0 {
		n, err := s.Directory.DealerGroupName(ctx, p.Scope.DealerGroupID)
		if err != nil {
			return err
		}
		sess.Subject.DealerGroup = &DealerGroup{ID: p.Scope.DealerGroupID, Name: n}
	}
	return nil
}

// revokedKey marks a staff member whose sessions ended before their access
// tokens expire (disabled accounts), checked on every request.
func revokedKey(staffID int64) string { return "auth:revoked:staff:" + strconv.FormatInt(staffID, 10) }

// IsRevoked reports whether a staff member's access tokens were revoked.
func (s *Service) IsRevoked(ctx context.Context, p Principal) (bool, error) {
	if p.Kind != KindStaff {
		return false, nil
	}
	_, err := s.KV.Get(ctx, revokedKey(p.SubjectID))
	if errors.Is(err, kv.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("auth: revocation check: %w", err)
	}
	return true, nil
}

func id(n int64) string { return strconv.FormatInt(n, 10) }
