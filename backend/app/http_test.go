package app

import (
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
	"gorm.io/gorm"

	"github.com/keyturn/keyturn/backend/demo"
	"github.com/keyturn/keyturn/backend/platform/httpx"
)

type gormDB = gorm.DB

func totpCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	code, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	require.NoError(t, err)
	return code
}

var fiberParam = regexp.MustCompile(`:([a-zA-Z_]+)`)

// TestOpenAPIMatchesRoutes fails when a route is missing from
// docs/openapi.yaml, the spec names a route that does not exist, or the
// roles differ from the router's.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	h := newHarness(t, "sqlite")
	raw, err := os.ReadFile("../../docs/openapi.yaml")
	require.NoError(t, err)
	var spec struct {
		Paths map[string]map[string]struct {
			Roles    []string         `yaml:"x-keyturn-roles"`
			Security []map[string]any `yaml:"security"`
		} `yaml:"paths"`
	}
	require.NoError(t, yaml.Unmarshal(raw, &spec))

	seen := map[string]bool{}
	for _, r := range h.app.Routes() {
		path := fiberParam.ReplaceAllString(r.Path, "{$1}")
		key := strings.ToLower(r.Method) + " " + path
		seen[key] = true
		op, ok := spec.Paths[path][strings.ToLower(r.Method)]
		if !assertTrue(t, ok, "route %s is not in docs/openapi.yaml", key) {
			continue
		}
		want := slices.Clone(r.Roles)
		got := slices.Clone(op.Roles)
		slices.Sort(want)
		slices.Sort(got)
		require.Equal(t, want, got, "roles of %s differ between router and spec", key)
		if r.Public() {
			require.NotNil(t, op.Security, "public %s must say security: []", key)
			require.Empty(t, op.Security, "public %s must say security: []", key)
		}
	}
	for path, ops := range spec.Paths {
		for method := range ops {
			if method == "parameters" {
				continue
			}
			require.True(t, seen[method+" "+path], "docs/openapi.yaml documents %s %s, which the router does not have", method, path)
		}
	}

	// Every $ref resolves.
	var doc map[string]any
	require.NoError(t, yaml.Unmarshal(raw, &doc))
	for _, m := range regexp.MustCompile(`\$ref: "#/components/([A-Za-z]+)/([A-Za-z0-9_]+)"`).FindAllStringSubmatch(string(raw), -1) {
		section, _ := doc["components"].(map[string]any)[m[1]].(map[string]any)
		_, ok := section[m[2]]
		require.True(t, ok, "unresolved $ref #/components/%s/%s", m[1], m[2])
	}
}

func assertTrue(t *testing.T, ok bool, format string, args ...any) bool {
	t.Helper()
	if !ok {
		t.Errorf(format, args...)
	}
	return ok
}

func TestEveryPrivateRouteNeedsAToken(t *testing.T) {
	h := newHarness(t, "sqlite")
	for _, r := range h.app.Routes() {
		if r.Public() {
			continue
		}
		path := fiberParam.ReplaceAllString(r.Path, "1")
		rep := h.do(call{method: r.Method, path: "/api/v1" + path})
		require.Equal(t, 401, rep.status, "%s %s", r.Method, path)
		require.Equal(t, httpx.ContentType, rep.header.Get("Content-Type"))
		require.Equal(t, "unauthorized", problemCode(rep))
	}
}

func TestHTTPPlatform(t *testing.T) {
	h := newHarness(t, "sqlite")

	t.Run("security headers", func(t *testing.T) {
		r := h.do(call{method: "GET", path: "/healthz"})
		require.Equal(t, 200, r.status)
		require.Equal(t, CSP(nil), r.header.Get("Content-Security-Policy"))
		require.Contains(t, CSP([]string{"media.example.com"}), "media-src 'self' https://media.example.com;")
		require.Equal(t, "no-referrer", r.header.Get("Referrer-Policy"))
		require.Equal(t, "nosniff", r.header.Get("X-Content-Type-Options"))
		api := h.do(call{method: "POST", path: "/api/v1/auth/refresh", body: map[string]string{"kind": "staff"}})
		require.Equal(t, "no-store", api.header.Get("Cache-Control"))
		require.NotEmpty(t, api.header.Get("X-Request-Id"))
	})

	t.Run("readyz", func(t *testing.T) {
		r := h.do(call{method: "GET", path: "/readyz"})
		require.Equal(t, 200, r.status, string(r.raw))
		require.Equal(t, map[string]any{"database": "ok", "kv": "ok", "jobs": "ok"}, r.body["checks"])
	})

	t.Run("metrics", func(t *testing.T) {
		r := h.do(call{method: "GET", path: "/metrics"})
		require.Equal(t, 200, r.status)
		require.Contains(t, string(r.raw), "keyturn_http_requests_total")
	})

	t.Run("unknown field is 422 and changes nothing", func(t *testing.T) {
		r := h.do(call{method: "POST", path: "/api/v1/auth/staff/login", body: `{"email":"a@b.test","password":"x","role":"financier_admin"}`})
		require.Equal(t, 422, r.status)
		require.Equal(t, "validation", problemCode(r))
		errs := r.body["errors"].([]any)
		require.Equal(t, "role", errs[0].(map[string]any)["field"])
	})

	t.Run("malformed JSON and wrong media type", func(t *testing.T) {
		require.Equal(t, 422, h.do(call{method: "POST", path: "/api/v1/auth/staff/login", body: `{"email":`}).status)
		r := h.do(call{method: "POST", path: "/api/v1/auth/staff/login", body: "email=a", header: map[string]string{"Content-Type": "text/plain"}})
		require.Equal(t, 415, r.status)
	})

	t.Run("body over the limit", func(t *testing.T) {
		// fasthttp refuses the body while reading it, so this needs a real
		// connection rather than app.Test.
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		go func() { _ = h.app.Fiber.Listener(ln) }()
		t.Cleanup(func() { _ = h.app.Fiber.Shutdown() })
		big := `{"email":"` + strings.Repeat("a", BodyLimit) + `"}`
		// The server answers 413 and closes as soon as it has read the
		// headers; the client may still be writing the body, and the reset
		// that closing with unread bytes sends can then reach it before the
		// answer. A reply, when one arrives, must be the 413.
		var resp *http.Response
		for attempt := 1; resp == nil; attempt++ {
			resp, err = http.Post("http://"+ln.Addr().String()+"/api/v1/auth/staff/password-reset", "application/json", strings.NewReader(big))
			if err != nil && attempt < 5 && (errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)) {
				continue
			}
			require.NoError(t, err)
		}
		defer resp.Body.Close()
		require.Equal(t, 413, resp.StatusCode)
		require.Equal(t, httpx.ContentType, resp.Header.Get("Content-Type"))

		// A chunked body of unknown length is refused the same way.
		chunked := io.MultiReader(strings.NewReader(`{"email":"`), strings.NewReader(`a@b.test"}`))
		resp2, err := http.Post("http://"+ln.Addr().String()+"/api/v1/auth/staff/password-reset", "application/json", chunked)
		require.NoError(t, err)
		defer resp2.Body.Close()
		require.Equal(t, 413, resp2.StatusCode)
	})

	t.Run("unknown API path is a problem, unknown page is the app", func(t *testing.T) {
		r := h.do(call{method: "GET", path: "/api/v1/nope"})
		require.Equal(t, 404, r.status)
		require.Equal(t, "not-found", problemCode(r))
	})

	t.Run("forged X-Forwarded-For does not dodge the sign-in limit", func(t *testing.T) {
		body := map[string]string{"token": "x"}
		var last int
		for i := 0; i < throttleMax+1; i++ {
			r := h.do(call{method: "POST", path: "/api/v1/auth/customer/invite", body: body, remote: "192.0.2.10:5000",
				header: map[string]string{"X-Forwarded-For": "198.51.100." + string(rune('0'+i%10))}})
			last = r.status
		}
		require.Equal(t, 429, last)
	})

	t.Run("demo links print", func(t *testing.T) {
		var b strings.Builder
		require.NoError(t, h.app.PrintDemoLinks(t.Context(), &b))
		out := b.String()
		dob, pc := demo.DemoCustomer()
		require.Regexp(t, `(?m)^  customer\s+http://localhost:8080/invite#t=\S+  \(date of birth `+dob+`, postcode `+pc+`\)$`, out)
		for _, who := range []string{"financier marketer", "compliance approver", "dealer enquiry manager"} {
			require.Regexp(t, `(?m)^  `+who+`\s+http://localhost:8080/(financier|dealer)/link#t=\S+$`, out)
		}
	})
}
