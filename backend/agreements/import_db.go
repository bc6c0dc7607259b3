package agreements

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"

	"github.com/keyturn/keyturn/backend/platform/db"
)

// importCacheKiB is the SQLite page cache of the connection an import
// writes through: 64 MiB instead of SQLite's 2 MB default, which costs about
// a third of a large import's time in page reloads (RULES.md T8). It is set
// on that one connection only and put back when the import ends.
const importCacheKiB = 64 << 10

// sqliteDefaultCache is SQLite's default cache_size (2,000 KiB).
const sqliteDefaultCache = -2000

// sqliteRowsPerInsert is how many rows one multi-row INSERT writes on
// SQLite. More is not better: the driver matches each parameter to its
// argument by a linear search (github.com/glebarez/go-sqlite bind), so a
// statement's binding costs grow with the square of its parameters; ten
// rows of up to 26 columns measured fastest here. A batch's last few rows go
// one at a time, so only two statements per table are ever prepared.
const sqliteRowsPerInsert = 10

// importDB is an import's connection to the database, one batch
// transaction at a time. On SQLite it pins one connection for the whole
// import (so its larger cache and prepared statements last) and runs
// BEGIN IMMEDIATE / COMMIT on it; on PostgreSQL each batch is a db.DB.Tx
// whose pgx transaction takes the reads, the writes and the COPYs.
type importDB struct {
	d  *db.DB
	pg bool

	// SQLite.
	conn  *sql.Conn
	stmts map[string]*sql.Stmt
	raw   *rawSQLite // nil: database/sql only

	// The open transaction.
	g   *gorm.DB
	ptx pgx.Tx

	seqs map[string]string // PostgreSQL: table → its id sequence
}

// openImportDB opens an import's connection; databaseSQLOnly keeps SQLite
// writes on database/sql (tests of the fallback).
func openImportDB(ctx context.Context, d *db.DB, databaseSQLOnly bool) (*importDB, error) {
	s := &importDB{d: d, pg: d.Dialect == db.DialectPostgres, stmts: map[string]*sql.Stmt{}, seqs: map[string]string{}}
	if s.pg {
		return s, nil
	}
	conn, err := d.SQL.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("agreements: import connection: %w", err)
	}
	// synchronous=NORMAL on this connection only: in WAL mode a power cut
	// can then lose the last committed batches but never corrupts the
	// database, and each batch commits the import's progress with its
	// rows, so the job's next attempt redoes exactly what was lost. It
	// saves a sync per batch.
	for _, pragma := range []string{"PRAGMA cache_size = -" + strconv.Itoa(importCacheKiB), "PRAGMA synchronous = NORMAL"} {
		if _, err := conn.ExecContext(ctx, pragma); err != nil {
			_ = conn.Close()
			return nil, fmt.Errorf("agreements: import connection settings: %w", err)
		}
	}
	s.conn = conn
	err = conn.Raw(func(dc any) error {
		if !databaseSQLOnly {
			s.raw, _ = newRawSQLite(dc)
		}
		return nil
	})
	if err != nil {
		s.close(ctx)
		return nil, fmt.Errorf("agreements: import connection: %w", err)
	}
	return s, nil
}

// close puts the connection back as it found it. Closing twice does
// nothing.
func (s *importDB) close(ctx context.Context) {
	for q, st := range s.stmts {
		_ = st.Close()
		delete(s.stmts, q)
	}
	if s.raw != nil {
		s.raw.close()
		s.raw = nil
	}
	if s.conn == nil {
		return
	}
	ctx = context.WithoutCancel(ctx)
	for _, pragma := range []string{"PRAGMA cache_size = " + strconv.Itoa(sqliteDefaultCache), "PRAGMA synchronous = FULL"} {
		if _, err := s.conn.ExecContext(ctx, pragma); err != nil {
			s.discard()
			break
		}
	}
	_ = s.conn.Close()
	s.conn = nil
}

// discard makes database/sql drop the pinned connection instead of pooling
// it: used when it may still be inside a transaction.
func (s *importDB) discard() {
	_ = s.conn.Raw(func(any) error { return driver.ErrBadConn })
}

// inTx runs fn in one transaction; s.g is the GORM handle on it.
func (s *importDB) inTx(ctx context.Context, fn func() error) error {
	if s.pg {
		return s.d.Tx(ctx, func(tx *gorm.DB) error {
			ptx, err := db.PgxTx(tx)
			if err != nil {
				return err
			}
			s.g, s.ptx = tx, ptx
			defer func() { s.g, s.ptx = nil, nil }()
			// As on SQLite (see openImportDB): a crash may lose the last
			// batches' commits, which the next attempt redoes, since the
			// progress commits with the rows; no wait for the WAL flush.
			if _, err := ptx.Exec(ctx, "SET LOCAL synchronous_commit = off"); err != nil {
				return err
			}
			return fn()
		})
	}
	if _, err := s.conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return fmt.Errorf("agreements: begin import batch: %w", err)
	}
	// GORM writes (the audit entries) go through the pinned connection,
	// inside this transaction: no default transaction of GORM's own, and a
	// pool that cannot begin one.
	g := s.d.Gorm.Session(&gorm.Session{NewDB: true, Context: ctx, SkipDefaultTransaction: true})
	g.Statement.ConnPool = connPool{s.conn}
	s.g = g
	defer func() { s.g = nil }()
	committed := false
	defer func() {
		if committed {
			return
		}
		if _, err := s.conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); err != nil {
			s.discard()
		}
	}()
	if err := fn(); err != nil {
		return err
	}
	if _, err := s.conn.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("agreements: commit import batch: %w", err)
	}
	committed = true
	return nil
}

// connPool is the pinned connection as GORM's ConnPool, without BeginTx,
// so GORM never tries to nest a transaction in the batch's.
type connPool struct{ c *sql.Conn }

// PrepareContext implements gorm.ConnPool.
func (p connPool) PrepareContext(ctx context.Context, q string) (*sql.Stmt, error) {
	return p.c.PrepareContext(ctx, q)
}

// ExecContext implements gorm.ConnPool.
func (p connPool) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return p.c.ExecContext(ctx, q, args...)
}

// QueryContext implements gorm.ConnPool.
func (p connPool) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return p.c.QueryContext(ctx, q, args...)
}

// QueryRowContext implements gorm.ConnPool.
func (p connPool) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return p.c.QueryRowContext(ctx, q, args...)
}

// sqliteYield is how long an import leaves SQLite's write lock free after a
// long transaction. SQLite's busy handler retries a waiting writer every
// 100 ms at most, so a gap this long lets any waiting writer (an API
// request, a job) in before the import takes the lock again.
const sqliteYield = 100 * time.Millisecond

// yield lets other writers in after a transaction that held SQLite's write
// lock for long; PostgreSQL needs no pause.
func (s *importDB) yield(ctx context.Context, held time.Duration) {
	if s.pg || held < 2*sqliteYield {
		return
	}
	t := time.NewTimer(sqliteYield)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// rebind turns ? bind markers into PostgreSQL's $n.
func rebind(q string) string {
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// in returns the condition "col is one of a list", with one bind marker
// for the list: = ANY(?) with an array on PostgreSQL, IN over json_each(?)
// with a JSON array on SQLite. The statement's text then never depends on
// the list's length, so it is prepared once per import.
func (s *importDB) in(col string) string {
	if s.pg {
		return col + " = ANY(?)"
	}
	return col + " IN (SELECT value FROM json_each(?))"
}

// list returns in's argument: the values themselves for PostgreSQL, a JSON
// array for SQLite.
func list[T string | int64](s *importDB, vals []T) any {
	if s.pg {
		return vals
	}
	b, err := json.Marshal(vals)
	if err != nil {
		// Strings and integers always marshal.
		panic(err)
	}
	return string(b)
}

// rows is the part of sql.Rows and pgx.Rows the import reads.
type rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

type sqlRows struct{ *sql.Rows }

type pgxRows struct{ pgx.Rows }

// query runs a query and calls each for every row.
func (s *importDB) query(ctx context.Context, q string, args []any, each func(r rows) error) error {
	var (
		r     rows
		close func()
	)
	if s.pg {
		pr, err := s.ptx.Query(ctx, rebind(q), args...)
		if err != nil {
			return err
		}
		r, close = pgxRows{pr}, pr.Close
	} else {
		st, err := s.stmt(ctx, q)
		if err != nil {
			return err
		}
		sr, err := st.QueryContext(ctx, args...)
		if err != nil {
			return err
		}
		r, close = sqlRows{sr}, func() { _ = sr.Close() }
	}
	defer close()
	for r.Next() {
		if err := each(r); err != nil {
			return err
		}
	}
	return r.Err()
}

// exec runs a statement; on SQLite it is prepared once per import.
func (s *importDB) exec(ctx context.Context, q string, args ...any) error {
	if s.pg {
		_, err := s.ptx.Exec(ctx, rebind(q), args...)
		return err
	}
	if s.raw != nil {
		return s.raw.exec(q, args...)
	}
	st, err := s.stmt(ctx, q)
	if err != nil {
		return err
	}
	_, err = st.ExecContext(ctx, args...)
	return err
}

// stmt returns the prepared statement for q, preparing it on first use.
// Every statement the import runs has a fixed text, so the cache stays small.
func (s *importDB) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := s.stmts[q]; ok {
		return st, nil
	}
	st, err := s.conn.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	s.stmts[q] = st
	return st, nil
}

// table is a table that batches insert into, with its columns.
type table struct {
	name string
	cols []string
}

// insert writes n rows; fill puts row i's values into dst (one per column).
// SQLite gets multi-row INSERTs prepared once; PostgreSQL gets COPY.
func (s *importDB) insert(ctx context.Context, t table, n int, fill func(i int, dst []any)) error {
	if n == 0 {
		return nil
	}
	if s.pg {
		src := &copySource{n: n, fill: fill, vals: make([]any, len(t.cols)), i: -1}
		if _, err := s.ptx.CopyFrom(ctx, pgx.Identifier{t.name}, t.cols, src); err != nil {
			return fmt.Errorf("copy into %s: %w", t.name, err)
		}
		return nil
	}
	if s.raw != nil {
		return s.raw.insert(t, n, fill)
	}
	width := len(t.cols)
	args := make([]any, sqliteRowsPerInsert*width)
	for start := 0; start < n; {
		k := sqliteRowsPerInsert
		if n-start < k {
			k = 1
		}
		st, err := s.stmt(ctx, insertSQL(t, k))
		if err != nil {
			return fmt.Errorf("prepare insert into %s: %w", t.name, err)
		}
		for j := range k {
			fill(start+j, args[j*width:(j+1)*width])
		}
		if _, err := st.ExecContext(ctx, args[:k*width]...); err != nil {
			return fmt.Errorf("insert into %s: %w", t.name, err)
		}
		start += k
	}
	return nil
}

func insertSQL(t table, rows int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(t.cols)), ",") + ")"
	return "INSERT INTO " + t.name + " (" + strings.Join(t.cols, ", ") + ") VALUES " +
		strings.TrimSuffix(strings.Repeat(one+",", rows), ",")
}

// copySource feeds pgx's COPY from fill, reusing one slice of values.
type copySource struct {
	n    int
	i    int
	fill func(i int, dst []any)
	vals []any
}

// Next implements pgx.CopyFromSource.
func (c *copySource) Next() bool {
	c.i++
	return c.i < c.n
}

// Values implements pgx.CopyFromSource.
func (c *copySource) Values() ([]any, error) {
	c.fill(c.i, c.vals)
	return c.vals, nil
}

// Err implements pgx.CopyFromSource.
func (c *copySource) Err() error { return nil }

// ids reserves n new primary keys of a table. Rows are inserted with their
// ids, so a batch knows every new row's id without reading it back. On
// SQLite the batch holds the write lock, so the ids after the largest in
// use (or ever used: AUTOINCREMENT) are free; on PostgreSQL they come from
// the table's sequence.
func (s *importDB) ids(ctx context.Context, name string, n int) ([]int64, error) {
	out := make([]int64, 0, n)
	if n == 0 {
		return out, nil
	}
	if s.pg {
		seq, ok := s.seqs[name]
		if !ok {
			if err := s.ptx.QueryRow(ctx, "SELECT pg_get_serial_sequence($1, 'id')", name).Scan(&seq); err != nil {
				return nil, fmt.Errorf("sequence of %s: %w", name, err)
			}
			s.seqs[name] = seq
		}
		r, err := s.ptx.Query(ctx, "SELECT nextval($1::regclass) FROM generate_series(1, $2)", seq, n)
		if err != nil {
			return nil, fmt.Errorf("ids for %s: %w", name, err)
		}
		defer r.Close()
		for r.Next() {
			var id int64
			if err := r.Scan(&id); err != nil {
				return nil, fmt.Errorf("ids for %s: %w", name, err)
			}
			out = append(out, id)
		}
		if err := r.Err(); err != nil {
			return nil, fmt.Errorf("ids for %s: %w", name, err)
		}
		if len(out) != n {
			return nil, errors.New("ids for " + name + ": sequence returned too few")
		}
		return out, nil
	}
	var last int64
	q := "SELECT MAX(COALESCE((SELECT MAX(id) FROM " + name + "), 0), COALESCE((SELECT seq FROM sqlite_sequence WHERE name = '" + name + "'), 0))"
	if err := s.conn.QueryRowContext(ctx, q).Scan(&last); err != nil {
		return nil, fmt.Errorf("ids for %s: %w", name, err)
	}
	for i := range n {
		out = append(out, last+1+int64(i))
	}
	return out, nil
}
