package auth

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/keyturn/keyturn/backend/platform/db"
	"github.com/keyturn/keyturn/backend/platform/httpx"
)

// StaffItem is a staff member as the admin's team page lists them.
type StaffItem struct {
	ID          int64      `json:"id"`
	Email       string     `json:"email"`
	Name        string     `json:"name"`
	Role        string     `json:"role"`
	Disabled    bool       `json:"disabled"`
	TOTPEnabled bool       `json:"totp_enabled"`
	LastLoginAt *time.Time `json:"last_login_at"`
}

func itemOf(u StaffUser) StaffItem {
	return StaffItem{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, Disabled: u.DisabledAt != nil,
		TOTPEnabled: u.TOTPEnabled, LastLoginAt: u.LastLoginAt}
}

// ListStaff lists the admin's financier's staff.
func (s *Service) ListStaff(ctx context.Context, p Principal) ([]StaffItem, error) {
	us, err := s.store.listStaff(ctx, s.DB.Gorm, p.Scope.FinancierID)
	if err != nil {
		return nil, err
	}
	items := make([]StaffItem, len(us))
	for i, u := range us {
		items[i] = itemOf(u)
	}
	return items, nil
}

// InviteStaffInput is the admin's invitation form.
type InviteStaffInput struct {
	Email string `json:"email"`
	Name  string `json:"name"`
	Role  string `json:"role"`
}

// InviteStaff creates a financier staff member and emails them a link to set
// their password.
func (s *Service) InviteStaff(ctx context.Context, p Principal, in InviteStaffInput, r Request) (StaffItem, error) {
	var chk httpx.Check
	email := normaliseEmail(in.Email)
	if !strings.Contains(email, "@") || len(email) > 200 {
		chk.Add("email", "format", "Enter an email address like name@example.com.")
	}
	name := strings.TrimSpace(in.Name)
	if name == "" || len(name) > 200 {
		chk.Add("name", "required", "Enter the person's name.")
	}
	if !IsFinancierRole(in.Role) {
		chk.Add("role", "enum", "Choose one of: "+strings.Join(FinancierRoles, ", ")+".")
	}
	if err := chk.Err(); err != nil {
		return StaffItem{}, err
	}
	fid := p.Scope.FinancierID
	u := StaffUser{Email: email, Name: name, Role: in.Role, FinancierID: &fid, CreatedAt: s.now(), UpdatedAt: s.now()}
	err := s.DB.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.WithContext(ctx).Create(&u).Error; err != nil {
			if db.IsUniqueViolation(err) {
				return httpx.Conflict("Someone with this email address already has an account.")
			}
			return fmt.Errorf("auth: create staff: %w", err)
		}
		if err := s.Jobs.Enqueue(ctx, tx, StaffEmailArgs{StaffUserID: u.ID, Purpose: LinkInvite}, nil); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, AuditEvent{FinancierID: &fid, ActorKind: KindStaff, ActorID: &p.SubjectID,
			Action: "staff.invited", ObjectType: "staff_user", ObjectID: id(u.ID), Fields: []string{"email", "name", "role"},
			Changes: map[string][2]any{"role": {nil, u.Role}}, IP: r.IP, RequestID: r.RequestID})
	})
	return itemOf(u), err
}

// UpdateStaffInput changes a role or disables/enables an account.
type UpdateStaffInput struct {
	Role     *string `json:"role"`
	Disabled *bool   `json:"disabled"`
}

// UpdateStaff changes a staff member of the admin's own financier. Disabling
// ends every session at once: refresh families are revoked and access tokens
// are refused from the next request.
func (s *Service) UpdateStaff(ctx context.Context, p Principal, staffID int64, in UpdateStaffInput, r Request) (StaffItem, error) {
	if in.Role != nil && !IsFinancierRole(*in.Role) {
		return StaffItem{}, httpx.Validation("The role is not one of the financier roles.",
			httpx.FieldError{Field: "role", Code: "enum", Message: "Choose one of: " + strings.Join(FinancierRoles, ", ") + "."})
	}
	if staffID == p.SubjectID && ((in.Disabled != nil && *in.Disabled) || (in.Role != nil && *in.Role != RoleFinancierAdmin)) {
		return StaffItem{}, httpx.Conflict("You cannot disable yourself or remove your own admin role; ask another admin.")
	}
	var u StaffUser
	err := s.DB.Tx(ctx, func(tx *gorm.DB) error {
		var err error
		if u, err = s.store.staffInFinancier(ctx, tx, p.Scope.FinancierID, staffID); err != nil {
			return err
		}
		changes := map[string][2]any{}
		updates := map[string]any{"updated_at": s.now()}
		if in.Role != nil && *in.Role != u.Role {
			changes["role"] = [2]any{u.Role, *in.Role}
			updates["role"] = *in.Role
			u.Role = *in.Role
		}
		if in.Disabled != nil && *in.Disabled != (u.DisabledAt != nil) {
			changes["disabled"] = [2]any{u.DisabledAt != nil, *in.Disabled}
			if *in.Disabled {
				now := s.now()
				updates["disabled_at"] = now
				u.DisabledAt = &now
			} else {
				updates["disabled_at"] = nil
				u.DisabledAt = nil
			}
		}
		if len(changes) == 0 {
			return nil
		}
		if err := tx.WithContext(ctx).Model(&StaffUser{}).Where("id = ?", u.ID).Updates(updates).Error; err != nil {
			return fmt.Errorf("auth: update staff: %w", err)
		}
		// A role change or a disable ends current sessions, so the new
		// scope applies from the next sign-in.
		if err := s.store.revokeSubject(ctx, tx, KindStaff, u.ID, s.now()); err != nil {
			return err
		}
		fields := make([]string, 0, len(changes))
		for k := range changes {
			fields = append(fields, k)
		}
		slices.Sort(fields)
		fid := p.Scope.FinancierID
		return s.Audit.Record(ctx, tx, AuditEvent{FinancierID: &fid, ActorKind: KindStaff, ActorID: &p.SubjectID,
			Action: "staff.updated", ObjectType: "staff_user", ObjectID: id(u.ID), Fields: fields, Changes: changes,
			IP: r.IP, RequestID: r.RequestID})
	})
	if errors.Is(err, db.ErrNotFound) {
		return StaffItem{}, httpx.NotFound("No such staff member.")
	}
	if err != nil {
		return StaffItem{}, err
	}
	if u.DisabledAt != nil || in.Role != nil {
		if err := s.KV.Set(ctx, revokedKey(u.ID), []byte("1"), AccessTTL+clockSkew); err != nil {
			return StaffItem{}, fmt.Errorf("auth: mark sessions revoked: %w", err)
		}
	}
	return itemOf(u), nil
}

// IssueStaffLink makes a one-time staff link and returns its URL. Demo links
// go to the console the role belongs to.
func (s *Service) IssueStaffLink(ctx context.Context, tx *gorm.DB, u StaffUser, purpose string) (string, error) {
	ttl := map[string]time.Duration{LinkDemo: DemoLinkTTL, LinkInvite: StaffInviteTTL, LinkReset: ResetTTL}[purpose]
	if ttl == 0 {
		return "", fmt.Errorf("auth: unknown link purpose %q", purpose)
	}
	token := RandomToken()
	l := StaffLink{StaffUserID: u.ID, Purpose: purpose, TokenHash: HashToken(token), ExpiresAt: s.now().Add(ttl), CreatedAt: s.now()}
	if err := s.store.insertLink(ctx, tx, &l); err != nil {
		return "", err
	}
	console := "/financier/"
	if IsDealerRole(u.Role) {
		console = "/dealer/"
	}
	page := map[string]string{LinkDemo: "link", LinkInvite: "accept", LinkReset: "reset"}[purpose]
	return s.BaseURL + console + page + "#t=" + token, nil
}

// DemoLink issues a fresh demo sign-in link for the demo staff member with
// this email. It fails outside demo mode.
func (s *Service) DemoLink(ctx context.Context, email string) (string, error) {
	if !s.Demo {
		return "", errors.New("auth: demo links exist only in demo mode")
	}
	var url string
	err := s.DB.Tx(ctx, func(tx *gorm.DB) error {
		u, err := s.store.staffByEmail(ctx, tx, email)
		if err != nil {
			return fmt.Errorf("demo staff %s: %w", email, err)
		}
		if !u.Demo {
			return fmt.Errorf("auth: %s is not a demo account", email)
		}
		url, err = s.IssueStaffLink(ctx, tx, u, LinkDemo)
		return err
	})
	return url, err
}
