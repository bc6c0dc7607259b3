package agreements

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/keyturn/keyturn/backend/finance"
	"github.com/keyturn/keyturn/backend/platform/db"
	"github.com/keyturn/keyturn/backend/platform/tenant"
)

// Equity bases, stored in agreements.equity_basis: where the stored equity
// (valuation − what the customer still owes) came from, or why it is
// unknown. Audiences filter on equity in SQL; an unknown equity is NULL.
const (
	// EquityFileSettlement: valuation − the settlement figure in the
	// financier's file.
	EquityFileSettlement = "file_settlement_figure"
	// EquityEngineSettlement: valuation − the finance engine's settlement
	// figure (Consumer Credit (Early Settlement) Regulations 2004).
	EquityEngineSettlement = "engine_settlement_figure"
	// EquityEngineFinalPayment: at the end of a PCP (only the optional final
	// payment is left), valuation − that payment.
	EquityEngineFinalPayment = "engine_optional_final_payment"
	// EquityEnginePaid: nothing is left to pay; the equity is the valuation.
	EquityEnginePaid = "engine_paid"
	// EquityUnknownNoValuation: no valuation, and equity is never guessed
	// (the settlement figure, if any, is the engine's).
	EquityUnknownNoValuation = "unknown_no_valuation"
	// EquityUnknownNoValuationFile: no valuation; the settlement figure is
	// the file's.
	EquityUnknownNoValuationFile = "unknown_no_valuation_file_figure"
	// EquityUnknownHire: a PCH car belongs to the lessor.
	EquityUnknownHire = "unknown_hire"
	// EquityUnknownNotActive: the agreement is settled or terminated.
	EquityUnknownNotActive = "unknown_not_active"
	// EquityUnknownNotStarted: the agreement starts after today.
	EquityUnknownNotStarted = "unknown_not_started"
	// EquityUnknownTerms: the finance engine could not work out a
	// settlement figure from the agreement's terms.
	EquityUnknownTerms = "unknown_terms"
)

// settlementFromFile reports whether an agreement stored with this equity
// basis has the settlement figure of a financier's file (or none), rather
// than one the engine worked out: only the file's is the next file's to
// change.
func settlementFromFile(basis string) bool {
	switch basis {
	case EquityFileSettlement, EquityUnknownNoValuationFile, EquityUnknownHire, EquityUnknownNotActive, EquityUnknownNotStarted:
		return true
	}
	return false
}

// equityInput is what equity needs of an agreement and its vehicle.
type equityInput struct {
	Product, Status, StartDate      string
	TermMonths                      int
	MonthlyPayment, Deposit         int64
	AmountOfCredit, OptionalFinal   *int64
	APR                             *float64
	Valuation, FileSettlementFigure *int64
}

// equityResult is what is stored on the agreement.
type equityResult struct {
	SettlementFigure *int64
	Equity           *int64
	Basis            string
}

// equityRules are the financier's market and currency, for the engine.
type equityRules struct {
	market   finance.Market
	currency finance.Currency
}

// computeEquity works out an agreement's settlement figure and equity as of
// asOf (YYYY-MM-DD, the day the figure is asked for). A settlement figure in
// the financier's file wins; otherwise finance.Settle computes it (Consumer
// Credit (Early Settlement) Regulations 2004), and the equity follows the
// engine's rule: valuation − settlement figure, or − the optional final
// payment when only that is left, or the whole valuation when nothing is.
// Without a valuation the equity is unknown (NULL), never guessed.
func computeEquity(in equityInput, asOf string, r equityRules) equityResult {
	res := equityResult{SettlementFigure: in.FileSettlementFigure}
	switch {
	case in.Status != StatusActive:
		res.Basis = EquityUnknownNotActive
		return res
	case in.Product == ProductPCH:
		res.Basis = EquityUnknownHire
		return res
	case in.StartDate > asOf:
		res.Basis = EquityUnknownNotStarted
		return res
	}
	basis := EquityFileSettlement
	if res.SettlementFigure == nil {
		sf, b, ok := engineSettlement(in, asOf, r)
		if !ok {
			res.Basis = EquityUnknownTerms
			return res
		}
		res.SettlementFigure, basis = &sf, b
	}
	if in.Valuation == nil {
		res.Basis = EquityUnknownNoValuation
		if basis == EquityFileSettlement {
			res.Basis = EquityUnknownNoValuationFile
		}
		return res
	}
	e := *in.Valuation
	switch basis {
	case EquityEngineFinalPayment:
		e -= *in.OptionalFinal
	case EquityEnginePaid:
	default:
		e -= *res.SettlementFigure
	}
	res.Equity, res.Basis = &e, basis
	return res
}

// engineSettlement asks finance.Settle for the settlement figure, and says
// which equity rule applies. The payments follow the file's conventions: a
// PCP has term−1 monthly payments and its optional final payment in month
// term; an HP has term monthly payments.
func engineSettlement(in equityInput, asOf string, r equityRules) (int64, string, bool) {
	if in.AmountOfCredit == nil || in.APR == nil || in.TermMonths <= 0 {
		return 0, "", false
	}
	regular := in.TermMonths
	runs := make([]finance.PaymentRun, 1, 2)
	if in.Product == ProductPCP {
		if in.OptionalFinal == nil {
			return 0, "", false
		}
		regular--
		runs = append(runs, finance.PaymentRun{Month: in.TermMonths, Amount: *in.OptionalFinal})
	}
	runs[0] = finance.PaymentRun{Month: 1, Count: &regular, Amount: in.MonthlyPayment}
	apr, err := finance.ParseDecimal(strconv.FormatFloat(*in.APR, 'f', -1, 64))
	if err != nil {
		return 0, "", false
	}
	deposit := in.Deposit
	ans, err := finance.Settle(finance.SettleRequest{Market: r.market, Currency: r.currency, StartDate: in.StartDate,
		AmountOfCredit: *in.AmountOfCredit, APR: &apr, Payments: runs, SettlementDate: asOf, Valuation: in.Valuation, Deposit: &deposit})
	if err != nil {
		return 0, "", false
	}
	switch {
	case ans.PaymentsRemaining == 0:
		return ans.SettlementFigure, EquityEnginePaid, true
	case ans.AtEnd:
		return ans.SettlementFigure, EquityEngineFinalPayment, true
	}
	return ans.SettlementFigure, EquityEngineSettlement, true
}

// Equity refreshes stored equity: after a valuation changes, and daily for
// the whole book, since the settlement figure falls as payments are made.
type Equity struct {
	DB         *db.DB
	Financiers Financiers
	Now        func() time.Time
}

// equityBatch is how many agreements one refresh transaction updates.
const equityBatch = 500

// Refresh recomputes the equity of the scope's financier's active
// agreements; with ids, only of those agreements. It returns how many
// agreements it looked at.
func (e *Equity) Refresh(ctx context.Context, sc tenant.Scope, ids ...int64) (int, error) {
	card, err := e.Financiers.Card(ctx, sc.FinancierID)
	if err != nil {
		return 0, fmt.Errorf("agreements: refresh equity: %w", err)
	}
	now := e.Now().UTC()
	asOf := dateIn(now, card.TimeZone)
	rules := equityRules{market: finance.Market(card.Market), currency: finance.Currency(card.Currency)}
	done := 0
	var after int64
	for {
		var rows []equityRow
		q := e.DB.Gorm.WithContext(ctx).Table("agreements a").
			Select("a.id, a.product, a.status, a.start_date, a.term_months, a.monthly_payment, a.deposit, a.amount_of_credit, "+
				"a.apr, a.optional_final_payment, a.settlement_figure, a.equity_basis, v.valuation").
			Joins("JOIN vehicles v ON v.id = a.vehicle_id").
			Where("a.financier_id = ? AND a.id > ?", sc.FinancierID, after).Order("a.id").Limit(equityBatch)
		if len(ids) > 0 {
			q = q.Where("a.id IN ?", ids)
		}
		if err := q.Scan(&rows).Error; err != nil {
			return done, fmt.Errorf("agreements: refresh equity: read: %w", err)
		}
		if len(rows) == 0 {
			return done, nil
		}
		err := e.DB.Tx(ctx, func(tx *gorm.DB) error {
			for _, r := range rows {
				in := equityInput{Product: r.Product, Status: r.Status, StartDate: r.StartDate, TermMonths: r.TermMonths,
					MonthlyPayment: r.MonthlyPayment, Deposit: r.Deposit, AmountOfCredit: r.AmountOfCredit,
					OptionalFinal: r.OptionalFinalPayment, APR: r.APR, Valuation: r.Valuation}
				if settlementFromFile(r.EquityBasis) {
					// The financier's own figure stands until its next file.
					in.FileSettlementFigure = r.SettlementFigure
				}
				res := computeEquity(in, asOf, rules)
				err := tx.Table("agreements").Where("id = ? AND financier_id = ?", r.ID, sc.FinancierID).
					Updates(map[string]any{"settlement_figure": res.SettlementFigure, "equity": res.Equity,
						"equity_basis": res.Basis, "equity_computed_at": now}).Error
				if err != nil {
					return fmt.Errorf("agreements: refresh equity: update: %w", err)
				}
			}
			return nil
		})
		if err != nil {
			return done, err
		}
		done += len(rows)
		after = rows[len(rows)-1].ID
	}
}

// equityRow is what Refresh reads of an agreement.
type equityRow struct {
	ID                   int64
	Product, Status      string
	StartDate            string
	TermMonths           int
	MonthlyPayment       int64
	Deposit              int64
	AmountOfCredit       *int64
	APR                  *float64
	OptionalFinalPayment *int64
	SettlementFigure     *int64
	EquityBasis          string
	Valuation            *int64
}

// Financiers with agreements, for the daily refresh.
func (e *Equity) financierIDs(ctx context.Context) ([]int64, error) {
	var ids []int64
	if err := e.DB.Gorm.WithContext(ctx).Table("agreements").Distinct("financier_id").Order("financier_id").Pluck("financier_id", &ids).Error; err != nil {
		return nil, fmt.Errorf("agreements: financiers with agreements: %w", err)
	}
	return ids, nil
}
