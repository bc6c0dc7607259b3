package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	c, err := Load("", env(nil))
	require.NoError(t, err)
	require.Equal(t, ":8080", c.Addr)
	require.Equal(t, "data", c.DataDir)
	require.Equal(t, "http://localhost:8080", c.BaseURL)
	require.False(t, c.Demo)
	require.Equal(t, filepath.Join("data", "jwt-keys.json"), c.JWTKeysFile)
}

func TestBadValuesNameTheKey(t *testing.T) {
	cases := map[string]string{
		"KEYTURN_ADDR":             "8080",
		"KEYTURN_BASE_URL":         "localhost:8080",
		"KEYTURN_DEMO":             "maybe",
		"DATABASE_URL":             "mysql://x",
		"REDIS_URL":                "http://x",
		"KEYTURN_CORS_ORIGINS":     "*",
		"KEYTURN_TRUSTED_PROXIES":  "not-an-ip",
		"KEYTURN_SHUTDOWN_TIMEOUT": "soon",
		"KEYTURN_SMTP_PORT":        "99999",
	}
	for key, val := range cases {
		t.Run(key, func(t *testing.T) {
			_, err := Load("", env(map[string]string{key: val}))
			require.Error(t, err)
			require.True(t, strings.HasPrefix(err.Error(), "config: "+key+": "), err.Error())
			require.NotContains(t, err.Error(), "\n")
		})
	}
}

func TestSecretsAreNotEchoed(t *testing.T) {
	_, err := Load("", env(map[string]string{"DATABASE_URL": "mysql://user:hunter2@db"}))
	require.Error(t, err)
	require.NotContains(t, err.Error(), "hunter2")
}

func TestYAMLFileAndEnvironmentPrecedence(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "k.yaml")
	require.NoError(t, os.WriteFile(path, []byte("addr: \":9090\"\ndemo: true\ncors_origins: [\"https://a.example\", \"https://b.example\"]\n"), 0o600))
	c, err := Load(path, env(map[string]string{"KEYTURN_ADDR": "127.0.0.1:7070"}))
	require.NoError(t, err)
	require.Equal(t, "127.0.0.1:7070", c.Addr, "the environment wins")
	require.True(t, c.Demo)
	require.Equal(t, []string{"https://a.example", "https://b.example"}, c.CORSOrigins)

	require.NoError(t, os.WriteFile(path, []byte("adress: \":9090\"\n"), 0o600))
	_, err = Load(path, env(nil))
	require.ErrorContains(t, err, "config: adress: unknown key")
}

func TestSecretFromFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pw")
	require.NoError(t, os.WriteFile(path, []byte("s3cret\n"), 0o600))
	c, err := Load("", env(map[string]string{"KEYTURN_SMTP_PASSWORD_FILE": path}))
	require.NoError(t, err)
	require.Equal(t, "s3cret", c.SMTPPassword)
}

// TestExampleFileDocumentsEveryKey keeps config/keyturn.example.yaml whole.
func TestExampleFileDocumentsEveryKey(t *testing.T) {
	raw, err := os.ReadFile("../../config/keyturn.example.yaml")
	require.NoError(t, err)
	for _, o := range Options {
		require.Contains(t, string(raw), "\n# "+o.Key+":", "example file lacks %s", o.Key)
		require.Contains(t, string(raw), o.Env, "example file lacks %s", o.Env)
	}
}
