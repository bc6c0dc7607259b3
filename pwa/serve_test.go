package pwa

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gofiber/fiber/v2"
	"github.com/stretchr/testify/require"
)

// builtFS looks like the output of `npm run build`: three front ends, each
// with its shell, hashed assets, manifest and service worker.
func builtFS() fstest.MapFS {
	return fstest.MapFS{
		".keep":                                   {Data: nil},
		"index.html":                              {Data: []byte("customer shell")},
		"sw.js":                                   {Data: []byte("customer worker")},
		"manifest.webmanifest":                    {Data: []byte(`{"name":"Keyturn"}`)},
		"robots.txt":                              {Data: []byte("User-agent: *\n")},
		"icons/icon-192.png":                      {Data: []byte("png")},
		"assets/index-AbC123.js":                  {Data: []byte("js")},
		"assets/index-AbC123.css":                 {Data: []byte("css")},
		"financier/index.html":                    {Data: []byte("financier shell")},
		"financier/sw.js":                         {Data: []byte("financier worker")},
		"financier/manifest.webmanifest":          {Data: []byte(`{"name":"Keyturn Financier"}`)},
		"financier/assets/index-Fin456.js":        {Data: []byte("financier js")},
		"dealer/index.html":                       {Data: []byte("dealer shell")},
		"dealer/manifest.webmanifest":             {Data: []byte(`{"name":"Keyturn Dealer"}`)},
		"dealer/assets/index-Dea789.js":           {Data: []byte("dealer js")},
		"dealer/.hidden/secret.txt":               {Data: []byte("never served")},
		"financier/assets/nested/font-1a2b.woff2": {Data: []byte("font")},
	}
}

// newTestApp mounts the handler the way the server does: API routes first,
// then the PWA for every other GET and HEAD.
func newTestApp(t *testing.T, h fiber.Handler) *fiber.App {
	t.Helper()
	app := fiber.New()
	app.Get("/api/v1/ping", func(c *fiber.Ctx) error { return c.SendString("pong") })
	app.Use(h)
	return app
}

type reply struct {
	status       int
	body         string
	contentType  string
	cacheControl string
	location     string
}

func do(t *testing.T, app *fiber.App, method, target string) reply {
	t.Helper()
	resp, err := app.Test(httptest.NewRequest(method, target, nil), -1)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return reply{
		status:       resp.StatusCode,
		body:         string(body),
		contentType:  resp.Header.Get(fiber.HeaderContentType),
		cacheControl: resp.Header.Get(fiber.HeaderCacheControl),
		location:     resp.Header.Get(fiber.HeaderLocation),
	}
}

func TestHandlerServesBuiltApp(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, newHandler(builtFS()))

	const (
		html     = "text/html; charset=utf-8"
		js       = "text/javascript; charset=utf-8"
		manifest = "application/manifest+json"
	)
	tests := []struct {
		name, target                 string
		status                       int
		body, contentType, cacheCtrl string
	}{
		{"root shell", "/", 200, "customer shell", html, cacheRevalidate},
		{"index by name", "/index.html", 200, "customer shell", html, cacheRevalidate},
		{"customer route", "/invite", 200, "customer shell", html, cacheRevalidate},
		{"deep customer route", "/agreements/12", 200, "customer shell", html, cacheRevalidate},
		{"route with query", "/invite?from=email", 200, "customer shell", html, cacheRevalidate},
		{"customer worker", "/sw.js", 200, "customer worker", js, cacheRevalidate},
		{"customer manifest", "/manifest.webmanifest", 200, `{"name":"Keyturn"}`, manifest, cacheRevalidate},
		{"robots", "/robots.txt", 200, "User-agent: *\n", "text/plain; charset=utf-8", cacheRevalidate},
		{"icon", "/icons/icon-192.png", 200, "png", "image/png", cacheRevalidate},
		{"hashed script", "/assets/index-AbC123.js", 200, "js", js, cacheImmutable},
		{"hashed style", "/assets/index-AbC123.css", 200, "css", "text/css; charset=utf-8", cacheImmutable},
		{"financier shell", "/financier/", 200, "financier shell", html, cacheRevalidate},
		{"financier route", "/financier/team", 200, "financier shell", html, cacheRevalidate},
		{"financier link", "/financier/link", 200, "financier shell", html, cacheRevalidate},
		{"financier worker", "/financier/sw.js", 200, "financier worker", js, cacheRevalidate},
		{"financier manifest", "/financier/manifest.webmanifest", 200, `{"name":"Keyturn Financier"}`, manifest, cacheRevalidate},
		{"financier asset", "/financier/assets/index-Fin456.js", 200, "financier js", js, cacheImmutable},
		{"nested asset", "/financier/assets/nested/font-1a2b.woff2", 200, "font", "font/woff2", cacheImmutable},
		{"dealer shell", "/dealer/", 200, "dealer shell", html, cacheRevalidate},
		{"dealer route", "/dealer/link", 200, "dealer shell", html, cacheRevalidate},
		{"dealer asset", "/dealer/assets/index-Dea789.js", 200, "dealer js", js, cacheImmutable},
		{"dot-dot stays inside", "/financier/../dealer/link", 200, "dealer shell", html, cacheRevalidate},
		{"prefix is not a folder", "/financiers", 200, "customer shell", html, cacheRevalidate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := do(t, app, http.MethodGet, tt.target)
			require.Equal(t, tt.status, got.status)
			require.Equal(t, tt.body, got.body)
			require.Equal(t, tt.contentType, got.contentType)
			require.Equal(t, tt.cacheCtrl, got.cacheControl)
		})
	}
}

func TestHandlerNotFoundAndPassThrough(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, newHandler(builtFS()))

	for _, target := range []string{
		"/assets/index-gone.js", // an old hash after a release
		"/financier/assets/missing.css",
		"/favicon.ico",
		"/.keep",                     // the build placeholder
		"/dealer/.hidden/secret.txt", // dot folders are never served
		"/api/v1/unknown",            // the API's own 404, not the shell
		"/api",
	} {
		t.Run(target, func(t *testing.T) {
			got := do(t, app, http.MethodGet, target)
			require.Equal(t, http.StatusNotFound, got.status)
			require.NotContains(t, got.body, "shell")
		})
	}

	// Known API routes still reach their handler.
	got := do(t, app, http.MethodGet, "/api/v1/ping")
	require.Equal(t, http.StatusOK, got.status)
	require.Equal(t, "pong", got.body)

	// Other methods are not the PWA's business.
	got = do(t, app, http.MethodPost, "/invite")
	require.Equal(t, http.StatusNotFound, got.status)
}

func TestHandlerRedirectsAppFolderToItsScope(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, newHandler(builtFS()))

	got := do(t, app, http.MethodGet, "/financier")
	require.Equal(t, http.StatusMovedPermanently, got.status)
	require.Equal(t, "/financier/", got.location)

	got = do(t, app, http.MethodGet, "/dealer?x=1")
	require.Equal(t, http.StatusMovedPermanently, got.status)
	require.Equal(t, "/dealer/?x=1", got.location)
}

func TestHandlerHead(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, newHandler(builtFS()))

	got := do(t, app, http.MethodHead, "/assets/index-AbC123.js")
	require.Equal(t, http.StatusOK, got.status)
	require.Empty(t, got.body)
	require.Equal(t, cacheImmutable, got.cacheControl)
}

func TestHandlerWithoutBuildServesPlaceholder(t *testing.T) {
	t.Parallel()
	unbuilt := fstest.MapFS{".keep": {Data: nil}}
	require.False(t, built(unbuilt))
	app := newTestApp(t, newHandler(unbuilt))

	for _, target := range []string{"/", "/invite", "/financier/", "/financier/link", "/dealer/"} {
		t.Run(target, func(t *testing.T) {
			got := do(t, app, http.MethodGet, target)
			require.Equal(t, http.StatusOK, got.status)
			require.Contains(t, got.body, "This Keyturn binary was built without the web app. Build it with: go tool task build")
			require.Equal(t, "text/html; charset=utf-8", got.contentType)
			require.Equal(t, cachePlaceholder, got.cacheControl)
		})
	}
	for _, target := range []string{"/.keep", "/sw.js", "/assets/index-AbC123.js", "/api/v1/me"} {
		got := do(t, app, http.MethodGet, target)
		require.Equal(t, http.StatusNotFound, got.status, target)
	}
}

func TestBuilt(t *testing.T) {
	t.Parallel()
	require.True(t, built(builtFS()))
	require.False(t, built(fstest.MapFS{"index.html/x": {Data: nil}}), "a folder named index.html is not a build")
}

// TestEmbeddedApp checks the real embedded files, whichever state the
// checkout is in: before `npm run build` every page is the placeholder;
// after it the shells, workers and manifests are there with the right types.
func TestEmbeddedApp(t *testing.T) {
	t.Parallel()
	app := newTestApp(t, Handler())

	if !Built() {
		got := do(t, app, http.MethodGet, "/")
		require.Equal(t, http.StatusOK, got.status)
		require.Contains(t, got.body, "built without the web app")
		return
	}
	for _, prefix := range []string{"/", "/financier/", "/dealer/"} {
		got := do(t, app, http.MethodGet, prefix)
		require.Equal(t, http.StatusOK, got.status, prefix)
		require.Contains(t, got.body, `rel="manifest"`, prefix)
		require.Equal(t, cacheRevalidate, got.cacheControl, prefix)

		got = do(t, app, http.MethodGet, prefix+"manifest.webmanifest")
		require.Equal(t, http.StatusOK, got.status, prefix)
		require.Equal(t, "application/manifest+json", got.contentType, prefix)
		require.Contains(t, got.body, `"scope":"`+prefix+`"`, prefix)

		got = do(t, app, http.MethodGet, prefix+"sw.js")
		require.Equal(t, http.StatusOK, got.status, prefix)
		require.Equal(t, cacheRevalidate, got.cacheControl, prefix)
		require.True(t, strings.HasPrefix(got.contentType, "text/javascript"), prefix)
	}
	got := do(t, app, http.MethodGet, "/robots.txt")
	require.Equal(t, http.StatusOK, got.status)
	require.Equal(t, "text/plain; charset=utf-8", got.contentType)
}
