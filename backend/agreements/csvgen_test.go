package agreements

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/keyturn/keyturn/backend/platform/db/dbtest"
)

var genDay = time.Date(2026, time.November, 23, 0, 0, 0, 0, time.UTC)

// TestGenerateWritesValidRows: the generator's file has exactly the 33
// columns in order, and every row passes the importer's checks.
func TestGenerateWritesValidRows(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	require.NoError(t, Generate(&buf, GenOptions{Rows: 3000, Seed: 7, AsOf: genDay}))

	r := csv.NewReader(bytes.NewReader(buf.Bytes()))
	head, err := r.Read()
	require.NoError(t, err)
	require.Equal(t, Columns, head)
	require.Len(t, head, 33)

	src, ref, err := newCSVSource(bytes.NewReader(buf.Bytes()))
	require.NoError(t, err)
	require.Nil(t, ref)
	chk := newRowChecker(fileRules{market: "UK", currency: "GBP", timeZone: "Europe/London", today: "2026-11-23"})
	var rec [numColumns]string
	rows, products, withSF, withVal := 0, map[string]int{}, 0, 0
	customers := map[string]int{}
	for {
		line, issue, err := src.next(&rec)
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		require.Nil(t, issue)
		row, issue := chk.check(line, &rec)
		require.Nil(t, issue, "line %d: %+v", line, issue)
		rows++
		products[row.agreement.Product]++
		customers[row.customer.Ref]++
		if row.agreement.SettlementFigure != nil {
			withSF++
		}
		if row.vehicle.Valuation != nil {
			withVal++
		}
		require.LessOrEqual(t, row.agreement.StartDate, "2026-11-23", "agreements have started")
	}
	require.Equal(t, 3000, rows)
	require.Greater(t, products[ProductPCP], products[ProductHP]/2)
	require.Positive(t, products[ProductPCH])
	require.Greater(t, withSF, 500, "about half the credit agreements carry a settlement figure")
	require.Greater(t, withVal, 2000, "most cars are valued")
	require.Less(t, len(customers), rows, "some customers have two agreements")

	// Loaded, the file raises no issue at all: its customers' rows agree.
	f := newFixture(t, dbtest.SQLite(t))
	v := f.mustLoad(f.uk, buf.String())
	require.Equal(t, 3000, v.Inserted)
	require.Empty(t, v.Warnings)
	require.Empty(t, v.Rejected)
}

func TestGenerateIsReproducible(t *testing.T) {
	t.Parallel()
	var a, b, c bytes.Buffer
	require.NoError(t, Generate(&a, GenOptions{Rows: 200, Seed: 3, AsOf: genDay}))
	require.NoError(t, Generate(&b, GenOptions{Rows: 200, Seed: 3, AsOf: genDay}))
	require.NoError(t, Generate(&c, GenOptions{Rows: 200, Seed: 4, AsOf: genDay}))
	require.Equal(t, a.Bytes(), b.Bytes())
	require.NotEqual(t, a.Bytes(), c.Bytes())
	require.Error(t, Generate(io.Discard, GenOptions{Rows: -1}))
}
