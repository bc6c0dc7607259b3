package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"
)

// Tx runs fn in one transaction: committed when fn returns nil, rolled back
// when it returns an error or panics. fn's error is returned unchanged.
// Jobs enqueued with fn's tx (jobs.Client.Enqueue) are part of it, on both
// dialects. Inside fn use only tx: on SQLite another connection's write waits
// for this transaction to end.
func (d *DB) Tx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	// A fresh holder per call. On PostgreSQL the connector records this
	// transaction's pgx.Tx in it (see txConnector); on SQLite it only marks
	// the transaction as DB.Tx's, so code that would fail on PostgreSQL
	// fails on SQLite too (see OpenedByTx).
	ctx = context.WithValue(ctx, txHolderKey{}, &txHolder{})
	return d.Gorm.WithContext(ctx).Transaction(fn)
}

// OpenedByTx reports whether tx is inside a transaction begun by DB.Tx (or
// nested in one). jobs.Client.Enqueue requires it on both dialects, although
// only PostgreSQL needs it, so a misuse shows up in SQLite-only runs as well.
func OpenedByTx(tx *gorm.DB) bool {
	if _, err := SQLTx(tx); err != nil {
		return false
	}
	_, ok := tx.Statement.Context.Value(txHolderKey{}).(*txHolder)
	return ok
}

// SQLTx returns the *sql.Tx under a GORM transaction, for River's SQLite
// driver. tx must be the handle DB.Tx passed to its function (or one derived
// from it, nested transactions included).
func SQLTx(tx *gorm.DB) (*sql.Tx, error) {
	if tx == nil || tx.Statement == nil {
		return nil, errors.New("db: nil transaction")
	}
	sqlTx, ok := tx.Statement.ConnPool.(*sql.Tx)
	if !ok {
		return nil, fmt.Errorf("db: not inside a transaction (connection pool is %T)", tx.Statement.ConnPool)
	}
	return sqlTx, nil
}

// PgxTx returns the pgx.Tx under a GORM transaction on PostgreSQL, for
// River's pgx driver. tx must come from DB.Tx: the pgx.Tx is found through
// the context DB.Tx gave it, so a handle re-bound with WithContext loses it.
func PgxTx(tx *gorm.DB) (pgx.Tx, error) {
	if _, err := SQLTx(tx); err != nil {
		return nil, err
	}
	h, ok := tx.Statement.Context.Value(txHolderKey{}).(*txHolder)
	if !ok {
		return nil, errors.New("db: transaction was not opened by DB.Tx (or its context was replaced)")
	}
	ptx, err := h.get()
	if err != nil {
		return nil, fmt.Errorf("db: find pgx transaction: %w", err)
	}
	return ptx, nil
}
