package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/glebarez/sqlite"
	"gorm.io/gorm"
)

// SQLiteFile is the database file's name inside Config.DataDir.
const SQLiteFile = "keyturn.db"

// minSQLite is the oldest SQLite that River's SQLite migrations run on: they
// use jsonb(), added in 3.45. github.com/glebarez/go-sqlite v1.23.0 (required
// in go.mod) brings 3.53; an older one brings 3.41 and Migrate would fail
// half-way, so Open refuses it instead.
var minSQLite = [2]int{3, 45}

// sqliteBusyTimeoutMS is how long a statement waits for another connection's
// write lock before failing with SQLITE_BUSY. Write transactions here are
// short; this only has to outlast a burst of them.
const sqliteBusyTimeoutMS = 10_000

// sqlitePragmas run on every new connection, in this order.
var sqlitePragmas = []string{
	// Without it SQLite waits 0 ms for a lock (go-sqlite's own default is 5 s).
	"busy_timeout(" + strconv.Itoa(sqliteBusyTimeoutMS) + ")",
	// WAL lets readers work while one writer writes, and River's authors
	// found that it removes stray SQLITE_BUSY errors under River's load. The
	// mode is stored in the file, so every later connection sees it too.
	"journal_mode(WAL)",
	// Foreign keys are off per connection unless asked for.
	"foreign_keys(1)",
	// FULL (SQLite's default, made explicit): a committed transaction — and
	// the jobs inserted in it — survives a power cut. NORMAL would be faster
	// and could lose the last commits.
	"synchronous(FULL)",
}

// sqliteDSN returns the go-sqlite DSN for the file at path.
//
// _txlock=immediate makes every BEGIN take SQLite's write lock at once. With
// the default (deferred) a transaction that reads and then writes must
// upgrade its lock, and when another connection wrote in between SQLite fails
// it with SQLITE_BUSY at once, without waiting for the busy timeout: 391 of
// 400 such transactions failed in a test here (RULES.md T9). Taking the lock
// up front makes writers queue on the busy timeout instead, while WAL still
// lets plain reads run beside them on other connections. That is why the pool
// may hold several connections rather than River's suggested one: a stray
// second connection used inside a transaction (for example River's Insert
// instead of InsertTx, T10) then fails after the busy timeout instead of
// waiting forever for the only connection.
//
// _time_format must not be added: go-sqlite v1.23.0 returns from its DSN
// parser right after reading it and would silently ignore _txlock.
func sqliteDSN(path string) string {
	q := url.Values{}
	for _, p := range sqlitePragmas {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path), RawQuery: q.Encode()}
	return u.String()
}

func openSQLite(ctx context.Context, cfg Config, gcfg *gorm.Config) (*DB, error) {
	if cfg.DataDir == "" {
		return nil, errors.New("db: open sqlite: DataDir is empty")
	}
	dir, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("db: open sqlite: data dir: %w", err)
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("db: open sqlite: create data dir: %w", err)
	}
	path := filepath.Join(dir, SQLiteFile)

	g, err := gorm.Open(sqlite.Open(sqliteDSN(path)), gcfg)
	if err != nil {
		return nil, fmt.Errorf("db: open sqlite %s: %w", path, err)
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, fmt.Errorf("db: open sqlite: %w", err)
	}
	// A few connections so reads do not queue behind a write (WAL); writes
	// are serialised by SQLite itself, see sqliteDSN.
	conns := max(4, runtime.GOMAXPROCS(0))
	sqlDB.SetMaxOpenConns(conns)
	sqlDB.SetMaxIdleConns(conns)

	d := &DB{Gorm: g, SQL: sqlDB, Dialect: DialectSQLite}
	if err := checkSQLite(ctx, sqlDB); err != nil {
		_ = sqlDB.Close()
		return nil, err
	}
	return d, nil
}

// checkSQLite refuses a SQLite that is too old for River and checks that the
// connection settings took effect (a DSN typo is otherwise silent).
func checkSQLite(ctx context.Context, sqlDB *sql.DB) error {
	var version string
	if err := sqlDB.QueryRowContext(ctx, "SELECT sqlite_version()").Scan(&version); err != nil {
		return fmt.Errorf("db: open sqlite: read version: %w", err)
	}
	ok, err := versionAtLeast(version, minSQLite)
	if err != nil {
		return fmt.Errorf("db: open sqlite: %w", err)
	}
	if !ok {
		return fmt.Errorf("db: open sqlite: SQLite %s is older than %d.%d, which River's migrations need (jsonb); "+
			"require github.com/glebarez/go-sqlite v1.23.0 or newer in go.mod", version, minSQLite[0], minSQLite[1])
	}

	var (
		journal string
		fk      int
		busy    int
	)
	row := sqlDB.QueryRowContext(ctx, "SELECT (SELECT journal_mode FROM pragma_journal_mode), "+
		"(SELECT foreign_keys FROM pragma_foreign_keys), (SELECT timeout FROM pragma_busy_timeout)")
	if err := row.Scan(&journal, &fk, &busy); err != nil {
		return fmt.Errorf("db: open sqlite: read pragmas: %w", err)
	}
	if !strings.EqualFold(journal, "wal") || fk != 1 || busy != sqliteBusyTimeoutMS {
		return fmt.Errorf("db: open sqlite: settings not applied (journal_mode=%s foreign_keys=%d busy_timeout=%d)", journal, fk, busy)
	}
	return nil
}

// versionAtLeast reports whether a dotted version such as "3.53.0" is at
// least major.minor.
func versionAtLeast(version string, want [2]int) (bool, error) {
	parts := strings.SplitN(version, ".", 3)
	if len(parts) < 2 {
		return false, fmt.Errorf("unexpected SQLite version %q", version)
	}
	major, err := strconv.Atoi(parts[0])
	if err != nil {
		return false, fmt.Errorf("unexpected SQLite version %q: %w", version, err)
	}
	minor, err := strconv.Atoi(parts[1])
	if err != nil {
		return false, fmt.Errorf("unexpected SQLite version %q: %w", version, err)
	}
	if major != want[0] {
		return major > want[0], nil
	}
	return minor >= want[1], nil
}
