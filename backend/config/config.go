// Package config reads Keyturn's settings from an optional YAML file and the
// environment (the environment wins), validates every value at start and
// fails with one line naming the key and the problem. One table lists every
// key with its default, so the docs, the example file and the parser agree.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Config is the validated configuration.
type Config struct {
	Addr            string
	DataDir         string
	BaseURL         string
	Demo            bool
	DatabaseURL     string
	RedisURL        string
	LogLevel        string
	JWTKeysFile     string
	SMTPHost        string
	SMTPPort        int
	SMTPUsername    string
	SMTPPassword    string
	SMTPFrom        string
	SMTPTLS         string
	TrustedProxies  []string
	CORSOrigins     []string
	ShutdownTimeout time.Duration
	VAPIDPublicKey  string
	VAPIDPrivateKey string
	VAPIDSubject    string

	CampaignMediaHosts   []string
	CampaignSyncInterval time.Duration
}

// Option describes one key: its YAML name, environment name, default and how
// it is parsed into Config.
type Option struct {
	Key     string // YAML key
	Env     string // environment variable
	Default string
	Secret  bool // never printed; also read from Env+"_FILE"
	Help    string
	set     func(c *Config, v string) error
}

// Options is the table of every key, in the order the docs list them.
var Options = []Option{
	{Key: "addr", Env: "KEYTURN_ADDR", Default: ":8080", Help: "address the HTTP server listens on", set: func(c *Config, v string) error {
		if _, _, err := net.SplitHostPort(v); err != nil {
			return fmt.Errorf("must be host:port or :port, got %q", v)
		}
		c.Addr = v
		return nil
	}},
	{Key: "data_dir", Env: "KEYTURN_DATA_DIR", Default: "./data", Help: "folder for the SQLite file, signing keys, the demo mailbox and uploads while they arrive", set: func(c *Config, v string) error {
		if strings.TrimSpace(v) == "" {
			return errors.New("must not be empty")
		}
		c.DataDir = filepath.Clean(v)
		return nil
	}},
	{Key: "base_url", Env: "KEYTURN_BASE_URL", Default: "http://localhost:8080", Help: "public URL of this service, used in links sent to people", set: func(c *Config, v string) error {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("must be an absolute http(s) URL, got %q", v)
		}
		if u.Path != "" && u.Path != "/" {
			return fmt.Errorf("must not have a path, got %q", v)
		}
		c.BaseURL = strings.TrimSuffix(v, "/")
		return nil
	}},
	{Key: "demo", Env: "KEYTURN_DEMO", Default: "false", Help: "demo mode: seed demo data and print one-time sign-in links at start", set: func(c *Config, v string) error {
		b, err := parseBool(v)
		c.Demo = b
		return err
	}},
	{Key: "database_url", Env: "DATABASE_URL", Secret: true, Help: "PostgreSQL URL; empty uses SQLite in the data dir", set: func(c *Config, v string) error {
		if v == "" {
			return nil
		}
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			return errors.New("must be a postgres:// URL")
		}
		c.DatabaseURL = v
		return nil
	}},
	{Key: "redis_url", Env: "REDIS_URL", Secret: true, Help: "Redis URL; empty uses an in-process cache (one node only)", set: func(c *Config, v string) error {
		if v == "" {
			return nil
		}
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") {
			return errors.New("must be a redis:// or rediss:// URL")
		}
		c.RedisURL = v
		return nil
	}},
	{Key: "log_level", Env: "KEYTURN_LOG_LEVEL", Default: "info", Help: "debug, info, warn or error", set: func(c *Config, v string) error {
		switch v {
		case "debug", "info", "warn", "error":
			c.LogLevel = v
			return nil
		}
		return fmt.Errorf("must be debug, info, warn or error, got %q", v)
	}},
	{Key: "jwt_keys_file", Env: "KEYTURN_JWT_KEYS_FILE", Help: "JSON file of access-token signing keys by kid; default: jwt-keys.json in the data dir, created on first run", set: func(c *Config, v string) error {
		c.JWTKeysFile = v
		return nil
	}},
	{Key: "smtp_host", Env: "KEYTURN_SMTP_HOST", Help: "SMTP server; empty writes each email as a file under the data dir's mail folder", set: func(c *Config, v string) error {
		c.SMTPHost = v
		return nil
	}},
	{Key: "smtp_port", Env: "KEYTURN_SMTP_PORT", Default: "587", Help: "SMTP port", set: func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("must be a port number, got %q", v)
		}
		c.SMTPPort = n
		return nil
	}},
	{Key: "smtp_username", Env: "KEYTURN_SMTP_USERNAME", Help: "SMTP user name", set: func(c *Config, v string) error {
		c.SMTPUsername = v
		return nil
	}},
	{Key: "smtp_password", Env: "KEYTURN_SMTP_PASSWORD", Secret: true, Help: "SMTP password", set: func(c *Config, v string) error {
		c.SMTPPassword = v
		return nil
	}},
	{Key: "smtp_from", Env: "KEYTURN_SMTP_FROM", Default: "Keyturn <no-reply@localhost>", Help: "sender address of emails", set: func(c *Config, v string) error {
		if !strings.Contains(v, "@") {
			return fmt.Errorf("must be an email address, got %q", v)
		}
		c.SMTPFrom = v
		return nil
	}},
	{Key: "smtp_tls", Env: "KEYTURN_SMTP_TLS", Default: "starttls", Help: "none, starttls or tls", set: func(c *Config, v string) error {
		switch v {
		case "none", "starttls", "tls":
			c.SMTPTLS = v
			return nil
		}
		return fmt.Errorf("must be none, starttls or tls, got %q", v)
	}},
	{Key: "trusted_proxies", Env: "KEYTURN_TRUSTED_PROXIES", Help: "comma-separated proxy IPs or CIDRs whose X-Forwarded-For is believed; empty trusts none", set: func(c *Config, v string) error {
		list := splitList(v)
		for _, p := range list {
			if net.ParseIP(p) == nil {
				if _, _, err := net.ParseCIDR(p); err != nil {
					return fmt.Errorf("%q is neither an IP nor a CIDR", p)
				}
			}
		}
		c.TrustedProxies = list
		return nil
	}},
	{Key: "cors_origins", Env: "KEYTURN_CORS_ORIGINS", Help: "comma-separated origins allowed to call the API cross-origin; empty turns CORS off", set: func(c *Config, v string) error {
		list := splitList(v)
		for _, o := range list {
			if o == "*" {
				return errors.New("a wildcard is not allowed (the API uses credentials)")
			}
			u, err := url.Parse(o)
			if err != nil || u.Scheme == "" || u.Host == "" || u.Path != "" {
				return fmt.Errorf("%q is not an origin like https://example.com", o)
			}
		}
		c.CORSOrigins = list
		return nil
	}},
	{Key: "shutdown_timeout", Env: "KEYTURN_SHUTDOWN_TIMEOUT", Default: "20s", Help: "how long a graceful shutdown waits for requests and jobs", set: func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return fmt.Errorf("must be a positive duration like 20s, got %q", v)
		}
		c.ShutdownTimeout = d
		return nil
	}},
	{Key: "vapid_public_key", Env: "KEYTURN_VAPID_PUBLIC_KEY", Help: "Web Push VAPID public key (keyturn vapid-keys makes a pair)", set: func(c *Config, v string) error {
		c.VAPIDPublicKey = v
		return nil
	}},
	{Key: "vapid_private_key", Env: "KEYTURN_VAPID_PRIVATE_KEY", Secret: true, Help: "Web Push VAPID private key", set: func(c *Config, v string) error {
		c.VAPIDPrivateKey = v
		return nil
	}},
	{Key: "vapid_subject", Env: "KEYTURN_VAPID_SUBJECT", Help: "Web Push contact (mailto: or https: URL)", set: func(c *Config, v string) error {
		if v != "" && !strings.HasPrefix(v, "mailto:") && !strings.HasPrefix(v, "https://") {
			return fmt.Errorf("must start with mailto: or https://, got %q", v)
		}
		c.VAPIDSubject = v
		return nil
	}},
	{Key: "campaign_media_hosts", Env: "KEYTURN_CAMPAIGN_MEDIA_HOSTS", Help: "comma-separated https hosts that offer images, videos and captions may come from (also allowed by the CSP); empty allows only Keyturn's own /assets/", set: func(c *Config, v string) error {
		list := splitList(v)
		for _, h := range list {
			if strings.ContainsAny(h, "/:*@ ") || !strings.Contains(h, ".") {
				return fmt.Errorf("%q is not a host name like media.example.com", h)
			}
		}
		c.CampaignMediaHosts = list
		return nil
	}},
	{Key: "campaign_sync_interval", Env: "KEYTURN_CAMPAIGN_SYNC_INTERVAL", Default: "15m", Help: "how often live campaigns enrol newcomers and let go of customers who no longer match", set: func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Minute {
			return fmt.Errorf("must be a duration of at least 1m, like 15m, got %q", v)
		}
		c.CampaignSyncInterval = d
		return nil
	}},
}

// Error is a configuration problem: one key, one reason.
type Error struct {
	Key    string
	Reason string
}

// Error implements error, in the one-line form printed at start.
func (e *Error) Error() string { return fmt.Sprintf("config: %s: %s", e.Key, e.Reason) }

// Load reads the YAML file at path (if not empty), then the environment
// through getenv, and validates everything.
func Load(path string, getenv func(string) string) (*Config, error) {
	fileValues := map[string]string{}
	if path != "" {
		raw, err := os.ReadFile(path)
		if err != nil {
			return nil, &Error{Key: "config file", Reason: fmt.Sprintf("cannot read %s: %v", path, errors.Unwrap(err))}
		}
		var doc map[string]any
		if err := yaml.Unmarshal(raw, &doc); err != nil {
			return nil, &Error{Key: "config file", Reason: fmt.Sprintf("%s is not valid YAML: %v", path, err)}
		}
		known := map[string]bool{}
		for _, o := range Options {
			known[o.Key] = true
		}
		keys := make([]string, 0, len(doc))
		for k := range doc {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if !known[k] {
				return nil, &Error{Key: k, Reason: "unknown key in " + path}
			}
			switch v := doc[k].(type) {
			case nil:
				fileValues[k] = ""
			case []any:
				parts := make([]string, len(v))
				for i, p := range v {
					parts[i] = fmt.Sprint(p)
				}
				fileValues[k] = strings.Join(parts, ",")
			default:
				fileValues[k] = fmt.Sprint(v)
			}
		}
	}

	c := &Config{}
	for _, o := range Options {
		v, err := o.value(fileValues, getenv)
		if err != nil {
			return nil, err
		}
		if err := o.set(c, v); err != nil {
			return nil, &Error{Key: o.Env, Reason: err.Error()}
		}
	}
	if c.JWTKeysFile == "" {
		c.JWTKeysFile = filepath.Join(c.DataDir, "jwt-keys.json")
	}
	return c, nil
}

func (o Option) value(file map[string]string, getenv func(string) string) (string, error) {
	if v := getenv(o.Env); v != "" {
		return v, nil
	}
	if o.Secret {
		if p := getenv(o.Env + "_FILE"); p != "" {
			raw, err := os.ReadFile(p)
			if err != nil {
				return "", &Error{Key: o.Env + "_FILE", Reason: fmt.Sprintf("cannot read %s", p)}
			}
			return strings.TrimSpace(string(raw)), nil
		}
	}
	if v, ok := file[o.Key]; ok {
		return v, nil
	}
	return o.Default, nil
}

func parseBool(v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes", "on":
		return true, nil
	case "", "0", "false", "no", "off":
		return false, nil
	}
	return false, fmt.Errorf("must be true or false, got %q", v)
}

func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
