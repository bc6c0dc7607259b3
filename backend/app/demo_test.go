package app

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/keyturn/keyturn/backend/demo"
)

// TestDemoEquityIsStored: the demo book has its equity worked out when it
// is seeded, as an import would, so equity audiences match demo customers.
func TestDemoEquityIsStored(t *testing.T) {
	eachDialect(t, func(t *testing.T, h *harness) {
		g := h.app.DB.Gorm
		var stats struct{ Active, Known, Positive, Unknown int64 }
		require.NoError(t, g.Raw(`SELECT
  COUNT(*) AS active,
  COUNT(a.equity) AS known,
  COUNT(CASE WHEN a.equity > 0 THEN 1 END) AS positive,
  COUNT(CASE WHEN v.valuation IS NULL OR a.product = 'pch' THEN 1 END) AS unknown
FROM agreements a JOIN vehicles v ON v.id = a.vehicle_id JOIN financiers f ON f.id = a.financier_id
WHERE f.slug = ? AND a.status = 'active'`, demo.FinancierSlug).Scan(&stats).Error)
		require.Positive(t, stats.Unknown, "some demo vehicles have no valuation (and hire has no equity)")
		require.Equal(t, stats.Active-stats.Unknown, stats.Known, "every valued active credit agreement has its equity stored")
		require.Positive(t, stats.Positive)
		require.Less(t, stats.Positive, stats.Known, "and some are in negative equity")

		// The demo customer's PCP: valued above its optional final payment.
		var pcp struct {
			Equity           *int64
			EquityBasis      string
			SettlementFigure *int64
		}
		require.NoError(t, g.Raw(`SELECT a.equity, a.equity_basis, a.settlement_figure FROM agreements a
JOIN customers c ON c.id = a.customer_id JOIN financiers f ON f.id = a.financier_id
WHERE f.slug = ? AND c.customer_ref = ? AND a.product = 'pcp'`, demo.FinancierSlug, demo.CustomerRef).Scan(&pcp).Error)
		require.NotNil(t, pcp.Equity)
		require.Positive(t, *pcp.Equity)
		require.NotEmpty(t, pcp.EquityBasis)
		require.NotNil(t, pcp.SettlementFigure)
	})
}
