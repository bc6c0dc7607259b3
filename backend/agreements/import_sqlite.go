package agreements

import (
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"time"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// rawSQLite writes an import's rows through SQLite's C API (as transpiled
// to Go by modernc.org/sqlite/lib) on the import's pinned connection.
//
// Why: the database/sql driver (github.com/glebarez/go-sqlite v1.23.0)
// prepares a statement's SQL again on every Exec and finalizes it after, so
// a *sql.Stmt saves nothing; it matches each parameter to its argument by a
// linear search, so binding a statement costs the square of its
// parameters; and it mallocs a C copy of every text argument. Profiling a
// million-row import showed those three at about half of its time. Here a
// statement is prepared once per import, bound with SQLITE_STATIC pointers
// into one reused buffer, stepped and reset: a 26-column insert runs about
// four times faster than the best multi-row INSERT through database/sql.
//
// The handle is the driver connection's own (its sqlite3* and its libc
// thread state), reached by reflection because the driver does not export
// it. newRawSQLite checks the driver's shape and the import falls back to
// database/sql if it ever changes; tests run both. The connection is pinned
// (a *sql.Conn the import alone uses, with nothing else running on it), so
// nothing else touches the handle while the import holds it, and every
// statement is finalized before the connection goes back to the pool.
type rawSQLite struct {
	tls   *libc.TLS
	db    uintptr
	stmts map[string]uintptr
	buf   uintptr // C memory holding one execution's text values
	size  int
	out   uintptr // 8 bytes for prepare's out parameter
}

// sqliteTimeLayout is how the driver writes times (its first format), so
// rows written here read back through GORM like any other.
const sqliteTimeLayout = "2006-01-02 15:04:05.999999999-07:00"

var tlsType = reflect.TypeOf((*libc.TLS)(nil))

// newRawSQLite takes the handle of a github.com/glebarez/go-sqlite
// connection (from sql.Conn.Raw), or reports that the driver is not the
// expected one.
func newRawSQLite(driverConn any) (*rawSQLite, bool) {
	v := reflect.ValueOf(driverConn)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return nil, false
	}
	t := v.Elem().Type()
	if t.PkgPath() != "github.com/glebarez/go-sqlite" || t.Name() != "conn" {
		return nil, false
	}
	dbf, tlsf := v.Elem().FieldByName("db"), v.Elem().FieldByName("tls")
	if !dbf.IsValid() || dbf.Kind() != reflect.Uintptr || !tlsf.IsValid() || tlsf.Type() != tlsType || tlsf.IsNil() {
		return nil, false
	}
	r := &rawSQLite{tls: (*libc.TLS)(tlsf.UnsafePointer()), db: uintptr(dbf.Uint()), stmts: map[string]uintptr{}}
	if r.db == 0 || sqlite3.Xsqlite3_get_autocommit(r.tls, r.db) < 0 {
		return nil, false
	}
	r.out = libc.Xmalloc(r.tls, 8)
	if r.out == 0 {
		return nil, false
	}
	return r, true
}

// close finalizes the statements and frees the buffers.
func (r *rawSQLite) close() {
	for _, st := range r.stmts {
		sqlite3.Xsqlite3_finalize(r.tls, st)
	}
	r.stmts = nil
	if r.buf != 0 {
		libc.Xfree(r.tls, r.buf)
		r.buf = 0
	}
	if r.out != 0 {
		libc.Xfree(r.tls, r.out)
		r.out = 0
	}
}

func (r *rawSQLite) errorf(what string, rc int32) error {
	msg := libc.GoString(sqlite3.Xsqlite3_errmsg(r.tls, r.db))
	return &rawError{Code: int(rc), Msg: fmt.Sprintf("sqlite: %s: %s (%d)", what, msg, rc)}
}

// rawError is an error SQLite returned, with its extended result code.
type rawError struct {
	Code int
	Msg  string
}

// Error implements error.
func (e *rawError) Error() string { return e.Msg }

func (r *rawSQLite) prepare(q string) (uintptr, error) {
	if st, ok := r.stmts[q]; ok {
		return st, nil
	}
	cq, err := libc.CString(q)
	if err != nil {
		return 0, err
	}
	defer libc.Xfree(r.tls, cq)
	if rc := sqlite3.Xsqlite3_prepare_v2(r.tls, r.db, cq, -1, r.out, 0); rc != sqlite3.SQLITE_OK {
		return 0, r.errorf("prepare", rc)
	}
	st := uintptr(binary.NativeEndian.Uint64(libc.GoBytes(r.out, 8)))
	if st == 0 {
		return 0, errors.New("sqlite: prepare: empty statement")
	}
	r.stmts[q] = st
	return st, nil
}

// reserve makes the text buffer at least n bytes long.
func (r *rawSQLite) reserve(n int) error {
	if n <= r.size {
		return nil
	}
	size := max(n, 2*r.size, 64<<10)
	p := libc.Xrealloc(r.tls, r.buf, libc.Tsize_t(size))
	if p == 0 {
		return errors.New("sqlite: out of memory for bound values")
	}
	r.buf, r.size = p, size
	return nil
}

// textBytes is how much buffer the text values among args need.
func textBytes(args []any) int {
	n := 0
	for _, a := range args {
		switch v := a.(type) {
		case string:
			n += len(v)
		case time.Time, *time.Time:
			n += len(sqliteTimeLayout) + 2
		}
	}
	return n
}

// bind binds args to st's parameters 1…len(args); text goes into the
// buffer, which must stay as it is until the statement is reset.
func (r *rawSQLite) bind(st uintptr, args []any) error {
	if err := r.reserve(textBytes(args)); err != nil {
		return err
	}
	off := 0
	text := func(i int32, s string) int32 {
		if len(s) == 0 {
			// A zero-length text, not NULL: point at the buffer.
			return sqlite3.Xsqlite3_bind_text(r.tls, st, i, r.buf, 0, 0)
		}
		copy(libc.GoBytes(r.buf+uintptr(off), len(s)), s)
		rc := sqlite3.Xsqlite3_bind_text(r.tls, st, i, r.buf+uintptr(off), int32(len(s)), 0)
		off += len(s)
		return rc
	}
	for k, a := range args {
		i := int32(k + 1)
		var rc int32
		switch v := a.(type) {
		case nil:
			rc = sqlite3.Xsqlite3_bind_null(r.tls, st, i)
		case int64:
			rc = sqlite3.Xsqlite3_bind_int64(r.tls, st, i, v)
		case int:
			rc = sqlite3.Xsqlite3_bind_int64(r.tls, st, i, int64(v))
		case *int64:
			if v == nil {
				rc = sqlite3.Xsqlite3_bind_null(r.tls, st, i)
			} else {
				rc = sqlite3.Xsqlite3_bind_int64(r.tls, st, i, *v)
			}
		case bool:
			b := int64(0)
			if v {
				b = 1
			}
			rc = sqlite3.Xsqlite3_bind_int64(r.tls, st, i, b)
		case float64:
			rc = sqlite3.Xsqlite3_bind_double(r.tls, st, i, v)
		case *float64:
			if v == nil {
				rc = sqlite3.Xsqlite3_bind_null(r.tls, st, i)
			} else {
				rc = sqlite3.Xsqlite3_bind_double(r.tls, st, i, *v)
			}
		case string:
			rc = text(i, v)
		case time.Time:
			rc = text(i, v.Format(sqliteTimeLayout))
		case *time.Time:
			if v == nil {
				rc = sqlite3.Xsqlite3_bind_null(r.tls, st, i)
			} else {
				rc = text(i, v.Format(sqliteTimeLayout))
			}
		default:
			return fmt.Errorf("sqlite: cannot bind %T", a)
		}
		if rc != sqlite3.SQLITE_OK {
			return r.errorf("bind", rc)
		}
	}
	return nil
}

// exec runs q (prepared once) with args.
func (r *rawSQLite) exec(q string, args ...any) error {
	st, err := r.prepare(q)
	if err != nil {
		return err
	}
	return r.run(st, args)
}

func (r *rawSQLite) run(st uintptr, args []any) error {
	if err := r.bind(st, args); err != nil {
		sqlite3.Xsqlite3_reset(r.tls, st)
		return err
	}
	rc := sqlite3.Xsqlite3_step(r.tls, st)
	if rc != sqlite3.SQLITE_DONE && rc != sqlite3.SQLITE_ROW {
		ext := sqlite3.Xsqlite3_extended_errcode(r.tls, r.db)
		sqlite3.Xsqlite3_reset(r.tls, st)
		return r.errorf("step", ext)
	}
	sqlite3.Xsqlite3_reset(r.tls, st)
	return nil
}

// insert writes n rows through one prepared single-row INSERT.
func (r *rawSQLite) insert(t table, n int, fill func(i int, dst []any)) error {
	st, err := r.prepare(insertSQL(t, 1))
	if err != nil {
		return fmt.Errorf("prepare insert into %s: %w", t.name, err)
	}
	vals := make([]any, len(t.cols))
	for i := range n {
		fill(i, vals)
		if err := r.run(st, vals); err != nil {
			return fmt.Errorf("insert into %s: %w", t.name, err)
		}
	}
	return nil
}
