package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/keyturn/keyturn/backend/demo"
	"github.com/keyturn/keyturn/backend/platform/tenant"
	"github.com/keyturn/keyturn/backend/tenants"
)

// SeedDemo loads the demo data when it is not there yet.
func (a *App) SeedDemo(ctx context.Context) error {
	res, err := demo.Seed(ctx, a.DB.Gorm, a.Now())
	if err != nil {
		return fmt.Errorf("app: seed demo data: %w", err)
	}
	a.Log.Info("demo.seeded", slog.Bool("created", res.Created), slog.Int("customers", res.Customers), slog.Int("agreements", res.Agreements))
	if !res.Created {
		return nil
	}
	return a.refreshDemoEquity(ctx)
}

// refreshDemoEquity stores the equity of the demo agreements as an import
// would, so audiences that filter on equity match demo customers from the
// first run rather than after the first daily refresh.
func (a *App) refreshDemoEquity(ctx context.Context) error {
	tenantStore := tenants.Store{DB: a.DB.Gorm}
	for _, slug := range []string{demo.FinancierSlug, demo.IrishFinancierSlug} {
		f, err := tenantStore.FinancierBySlug(ctx, slug)
		if err != nil {
			return fmt.Errorf("app: demo equity: %w", err)
		}
		n, err := a.equity.Refresh(ctx, tenant.Scope{FinancierID: f.ID})
		if err != nil {
			return fmt.Errorf("app: demo equity of %s: %w", slug, err)
		}
		a.Log.Info("demo.equity", slog.String("financier", slug), slog.Int("agreements", n))
	}
	return nil
}

// PrintDemoLinks writes fresh one-time sign-in links for the demo people.
// The e2e tests read these lines, so keep their shape.
func (a *App) PrintDemoLinks(ctx context.Context, w io.Writer) error {
	customer, err := a.Auth.InviteByRef(ctx, demo.FinancierSlug, demo.CustomerRef)
	if err != nil {
		return err
	}
	dob, postcode := demo.DemoCustomer()
	staff := []struct{ label, email string }{
		{"financier marketer", demo.MarketerEmail},
		{"compliance approver", demo.ApproverEmail},
		{"dealer enquiry manager", demo.DealerStaffEmail},
	}
	fmt.Fprintln(w, "Demo sign-in links (each works once, for 30 minutes):")
	fmt.Fprintf(w, "  %-23s %s  (date of birth %s, postcode %s)\n", "customer", customer, dob, postcode)
	for _, s := range staff {
		link, err := a.Auth.DemoLink(ctx, s.email)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  %-23s %s\n", s.label, link)
	}
	return nil
}
