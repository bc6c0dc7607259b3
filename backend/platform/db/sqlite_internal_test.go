package db

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestVersionAtLeast(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		version string
		want    bool
	}{
		{"3.45.0", true},
		{"3.53.0", true},
		{"3.44.4", false},
		{"3.41.2", false},
		{"4.0.0", true},
		{"2.99.0", false},
		{"3.100", true},
	} {
		got, err := versionAtLeast(tc.version, minSQLite)
		require.NoError(t, err, tc.version)
		require.Equal(t, tc.want, got, tc.version)
	}
	for _, bad := range []string{"", "3", "x.45", "3.y"} {
		_, err := versionAtLeast(bad, minSQLite)
		require.Error(t, err, bad)
	}
}

func TestSQLiteDSN(t *testing.T) {
	t.Parallel()
	dsn := sqliteDSN("/data dir/with?odd#chars/keyturn.db")
	require.True(t, strings.HasPrefix(dsn, "file:"), dsn)

	u, err := url.Parse(dsn)
	require.NoError(t, err)
	require.Equal(t, "/data dir/with?odd#chars/keyturn.db", u.Path, "path survives escaping")
	q := u.Query()
	require.Equal(t, "immediate", q.Get("_txlock"))
	require.Empty(t, q.Get("_time_format"), "go-sqlite ignores _txlock after _time_format")
	require.Equal(t, sqlitePragmas, q["_pragma"])
}
