package auth

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"gorm.io/gorm"
)

// totpPeriod is RFC 6238's default step.
const totpPeriod = 30

// TOTPSetup is a new, not yet confirmed, second-factor secret.
type TOTPSetup struct {
	Secret     string `json:"secret"`
	OTPAuthURI string `json:"otpauth_uri"`
}

// SetupTOTP creates a secret for the signed-in staff member. It takes effect
// only once ConfirmTOTP proves the authenticator app has it.
func (s *Service) SetupTOTP(ctx context.Context, p Principal) (TOTPSetup, error) {
	u, err := s.store.staffByID(ctx, s.DB.Gorm, p.SubjectID)
	if err != nil {
		return TOTPSetup{}, err
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "Keyturn", AccountName: u.Email, Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return TOTPSetup{}, fmt.Errorf("auth: generate totp: %w", err)
	}
	err = s.DB.Gorm.WithContext(ctx).Model(&StaffUser{}).Where("id = ?", u.ID).
		Updates(map[string]any{"totp_secret": key.Secret(), "totp_enabled": false, "updated_at": s.now()}).Error
	if err != nil {
		return TOTPSetup{}, fmt.Errorf("auth: store totp secret: %w", err)
	}
	return TOTPSetup{Secret: key.Secret(), OTPAuthURI: key.URL()}, nil
}

// ConfirmTOTP turns the second factor on once a code from it checks out.
func (s *Service) ConfirmTOTP(ctx context.Context, p Principal, code string, r Request) error {
	u, err := s.store.staffByID(ctx, s.DB.Gorm, p.SubjectID)
	if err != nil {
		return err
	}
	if u.TOTPSecret == "" {
		return ErrMFAInvalid
	}
	if err := s.checkTOTP(ctx, &u, code); err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Model(&StaffUser{}).Where("id = ?", u.ID).Updates(map[string]any{"totp_enabled": true, "updated_at": s.now()}).Error; err != nil {
			return fmt.Errorf("auth: enable totp: %w", err)
		}
		return s.Audit.Record(ctx, tx, AuditEvent{FinancierID: u.FinancierID, ActorKind: KindStaff, ActorID: &u.ID,
			Action: "staff.totp_enabled", ObjectType: "staff_user", ObjectID: id(u.ID), Fields: []string{"totp_enabled"},
			Changes: map[string][2]any{"totp_enabled": {false, true}}, IP: r.IP, RequestID: r.RequestID})
	})
}

// checkTOTP accepts a code from the current step or one either side, and
// never the same step twice (a code seen once cannot be replayed).
func (s *Service) checkTOTP(ctx context.Context, u *StaffUser, code string) error {
	code = strings.TrimSpace(code)
	now := s.now()
	for _, skew := range []int64{0, -1, 1} {
		step := now.Unix()/totpPeriod + skew
		at := time.Unix(step*totpPeriod, 0)
		want, err := totp.GenerateCodeCustom(u.TOTPSecret, at, totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err != nil {
			return ErrMFAInvalid
		}
		if want != code {
			continue
		}
		if step <= u.TOTPLastStep {
			return ErrMFAInvalid
		}
		res := s.DB.Gorm.WithContext(ctx).Model(&StaffUser{}).Where("id = ? AND totp_last_step < ?", u.ID, step).Update("totp_last_step", step)
		if res.Error != nil {
			return fmt.Errorf("auth: record totp step: %w", res.Error)
		}
		if res.RowsAffected != 1 {
			return ErrMFAInvalid
		}
		u.TOTPLastStep = step
		return nil
	}
	return ErrMFAInvalid
}
