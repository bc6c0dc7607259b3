package app

import (
	"context"
	"fmt"

	"github.com/keyturn/keyturn/backend/agreements"
	"github.com/keyturn/keyturn/backend/auth"
	"github.com/keyturn/keyturn/backend/platform/tenant"
	"github.com/keyturn/keyturn/backend/privacy"
	"github.com/keyturn/keyturn/backend/tenants"

	"gorm.io/gorm"
)

// directory gives auth and agreements what they need of other domains,
// through the small interfaces those packages declare.
type directory struct {
	tenants    tenants.Store
	agreements agreements.Store
}

func (d directory) Financier(ctx context.Context, id int64) (auth.FinancierInfo, error) {
	f, err := d.tenants.Financier(ctx, id)
	return infoOf(f), err
}

func (d directory) FinancierBySlug(ctx context.Context, slug string) (auth.FinancierInfo, error) {
	f, err := d.tenants.FinancierBySlug(ctx, slug)
	return infoOf(f), err
}

func infoOf(f tenants.Financier) auth.FinancierInfo {
	return auth.FinancierInfo{ID: f.ID, Slug: f.Slug, Name: f.TradingName, BrandColour: f.BrandColour, LogoURL: f.LogoURL,
		SupportPhone: f.SupportPhone, SupportEmail: f.SupportEmail}
}

func (d directory) DealerGroupName(ctx context.Context, id int64) (string, error) {
	g, err := d.tenants.DealerGroup(ctx, id)
	return g.Name, err
}

func identityOf(c agreements.Customer) auth.CustomerIdentity {
	return auth.CustomerIdentity{ID: c.ID, FinancierID: c.FinancierID, FirstName: c.FirstName, LastName: c.LastName,
		Email: c.Email, DateOfBirth: c.DateOfBirth, Postcode: c.Postcode, Erased: c.ErasedAt != nil}
}

func (d directory) Customer(ctx context.Context, financierID, customerID int64) (auth.CustomerIdentity, error) {
	c, err := d.agreements.Customer(ctx, tenant.Scope{FinancierID: financierID}, customerID)
	return identityOf(c), err
}

func (d directory) CustomerByRef(ctx context.Context, financierID int64, ref string) (auth.CustomerIdentity, error) {
	c, err := d.agreements.CustomerByRef(ctx, tenant.Scope{FinancierID: financierID}, ref)
	return identityOf(c), err
}

func (d directory) CustomerByID(ctx context.Context, id int64) (auth.CustomerIdentity, error) {
	c, err := d.agreements.CustomerByID(ctx, id)
	return identityOf(c), err
}

func (d directory) CustomersByEmail(ctx context.Context, email string) ([]auth.CustomerIdentity, error) {
	cs, err := d.agreements.CustomersByEmail(ctx, email)
	if err != nil {
		return nil, err
	}
	out := make([]auth.CustomerIdentity, len(cs))
	for i, c := range cs {
		out[i] = identityOf(c)
	}
	return out, nil
}

// Card implements agreements.Financiers.
func (d directory) Card(ctx context.Context, id int64) (agreements.FinancierCard, error) {
	f, err := d.tenants.Financier(ctx, id)
	if err != nil {
		return agreements.FinancierCard{}, err
	}
	return agreements.FinancierCard{Slug: f.Slug, Name: f.TradingName, Market: f.Market, Currency: f.Currency,
		BrandColour: f.BrandColour, LogoURL: f.LogoURL, SupportPhone: f.SupportPhone, SupportEmail: f.SupportEmail, TimeZone: f.TimeZone}, nil
}

// NetworkSize implements agreements.Financiers.
func (d directory) NetworkSize(ctx context.Context, id int64) (int64, error) {
	return d.tenants.NetworkSize(ctx, id)
}

// auditor adapts privacy's audit log to auth's Auditor.
type auditor struct{ audit privacy.Audit }

func (a auditor) Record(ctx context.Context, tx *gorm.DB, e auth.AuditEvent) error {
	return a.audit.Append(ctx, tx, privacy.Entry{FinancierID: e.FinancierID, ActorKind: e.ActorKind, ActorID: e.ActorID,
		Action: e.Action, ObjectType: e.ObjectType, ObjectID: e.ObjectID, Fields: e.Fields, Changes: e.Changes, IP: e.IP, RequestID: e.RequestID})
}

// RecordStaff implements tenants.Auditor.
func (a auditor) RecordStaff(ctx context.Context, tx *gorm.DB, financierID, actorID int64, action, objectType, objectID string, fields []string, ip, requestID string) error {
	return a.audit.Append(ctx, tx, privacy.Entry{FinancierID: &financierID, ActorKind: auth.KindStaff, ActorID: &actorID,
		Action: action, ObjectType: objectType, ObjectID: objectID, Fields: fields, IP: ip, RequestID: requestID})
}

// DealerCodes implements agreements.DealerCodes: the codes of the showrooms
// in a financier's network, with their location ids.
func (d directory) DealerCodes(ctx context.Context, financierID int64) (map[string]int64, error) {
	var rows []struct {
		Code string
		ID   int64
	}
	err := d.tenants.DB.WithContext(ctx).Table("dealer_locations").Select("dealer_locations.code, dealer_locations.id").
		Joins("JOIN financier_dealers fd ON fd.dealer_location_id = dealer_locations.id").
		Where("fd.financier_id = ?", financierID).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("app: dealer codes: %w", err)
	}
	out := make(map[string]int64, len(rows))
	for _, r := range rows {
		out[r.Code] = r.ID
	}
	return out, nil
}

// StaffNames implements privacy.StaffNames for the audit log's actor column.
func (d directory) StaffNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	var us []auth.StaffUser
	if err := d.tenants.DB.WithContext(ctx).Select("id, name").Where("id IN ?", ids).Find(&us).Error; err != nil {
		return nil, fmt.Errorf("app: staff names: %w", err)
	}
	out := make(map[int64]string, len(us))
	for _, u := range us {
		out[u.ID] = u.Name
	}
	return out, nil
}
