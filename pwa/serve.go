package pwa

import (
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// Cache-Control values. Vite puts a content hash in every file name under an
// assets/ folder, so those never change and may be kept for a year. Anything
// else (HTML, service workers, manifests, icons, robots.txt) keeps its name
// across releases and must be revalidated, or a browser would hold on to an
// old shell that points at assets which no longer exist.
const (
	cacheImmutable   = "public, max-age=31536000, immutable"
	cacheRevalidate  = "no-cache"
	cachePlaceholder = "no-store"
)

// contentTypes is our own table rather than mime.TypeByExtension, whose
// answers depend on the host's /etc/mime.types (and which knows no
// .webmanifest at all).
var contentTypes = map[string]string{
	".html":        "text/html; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".json":        "application/json",
	".map":         "application/json",
	".webmanifest": "application/manifest+json",
	".txt":         "text/plain; charset=utf-8",
	".svg":         "image/svg+xml",
	".png":         "image/png",
	".jpg":         "image/jpeg",
	".jpeg":        "image/jpeg",
	".webp":        "image/webp",
	".avif":        "image/avif",
	".ico":         "image/x-icon",
	".woff2":       "font/woff2",
	".woff":        "font/woff",
	".vtt":         "text/vtt; charset=utf-8",
	".mp4":         "video/mp4",
	".webm":        "video/webm",
}

// apps are the front ends that live in a folder of their own, each with its
// own index.html, manifest and service worker. Everything else belongs to
// the customer app at the root.
var apps = []string{"financier", "dealer"}

// placeholderHTML is every page of a binary built without the web app. It
// has no inline style or script so the server's CSP does not block it.
const placeholderHTML = `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Keyturn</title>
</head>
<body>
<main>
<h1>Keyturn</h1>
<p>This Keyturn binary was built without the web app. Build it with: go tool task build</p>
</main>
</body>
</html>
`

// file is one embedded file, ready to send.
type file struct {
	body         []byte
	contentType  string
	cacheControl string
}

// site is the set of files a handler serves, read once at start so that a
// request costs a map look-up and no copy.
type site struct {
	files map[string]file
}

// Handler serves the embedded PWA. Mount it after the API routes, for GET
// and HEAD; it never answers under /api (it passes those on with c.Next), so
// an unknown API route still gets the API's own 404.
//
// Paths without a file extension that match no file are app routes: they
// get the index.html of the front end they belong to (/financier/...,
// /dealer/..., else the customer app). A missing path with an extension is
// a 404. Compression, ETags and security headers come from the server's
// middleware.
func Handler() fiber.Handler {
	return newHandler(files)
}

// newHandler is Handler over any file system, so tests can give it a
// fstest.MapFS whether or not the real app was built.
func newHandler(fsys fs.FS) fiber.Handler {
	s, err := load(fsys)
	if err != nil {
		return func(*fiber.Ctx) error { return err }
	}
	return s.serve
}

// load reads every file of fsys except dot files (dist/.keep).
func load(fsys fs.FS) (*site, error) {
	s := &site{files: map[string]file{}}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if name != "." && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		s.files[name] = file{body: body, contentType: contentType(name), cacheControl: cacheControl(name)}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("pwa: read embedded files: %w", err)
	}
	return s, nil
}

func (s *site) serve(c *fiber.Ctx) error {
	if c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead {
		return c.Next()
	}
	raw := c.Path()
	if raw == "/api" || strings.HasPrefix(raw, "/api/") {
		return c.Next()
	}
	clean := path.Clean("/" + raw)
	name := strings.TrimPrefix(clean, "/")
	for _, seg := range strings.Split(name, "/") {
		if strings.HasPrefix(seg, ".") {
			return fiber.ErrNotFound
		}
	}

	if path.Ext(clean) != "" {
		if f, ok := s.files[name]; ok {
			return send(c, f)
		}
		return fiber.ErrNotFound
	}

	// A page. A front end's folder without its slash is redirected, so the
	// page sits inside its service worker's and manifest's scope.
	if !strings.HasSuffix(raw, "/") && name != "" {
		if _, ok := s.files[name+"/index.html"]; ok {
			return c.Redirect(clean+"/"+queryOf(c), fiber.StatusMovedPermanently)
		}
	}
	if f, ok := s.files[path.Join(name, "index.html")]; ok {
		return send(c, f)
	}
	if f, ok := s.files[fallbackFor(name)]; ok {
		return send(c, f)
	}
	if f, ok := s.files["index.html"]; ok {
		return send(c, f)
	}
	c.Set(fiber.HeaderContentType, contentTypes[".html"])
	c.Set(fiber.HeaderCacheControl, cachePlaceholder)
	return c.SendString(placeholderHTML)
}

// fallbackFor names the index.html of the front end that owns an app route.
func fallbackFor(name string) string {
	for _, app := range apps {
		if name == app || strings.HasPrefix(name, app+"/") {
			return app + "/index.html"
		}
	}
	return "index.html"
}

func queryOf(c *fiber.Ctx) string {
	if q := c.Context().URI().QueryString(); len(q) > 0 {
		return "?" + string(q)
	}
	return ""
}

func send(c *fiber.Ctx, f file) error {
	c.Set(fiber.HeaderContentType, f.contentType)
	c.Set(fiber.HeaderCacheControl, f.cacheControl)
	return c.Send(f.body)
}

func contentType(name string) string {
	if ct, ok := contentTypes[strings.ToLower(path.Ext(name))]; ok {
		return ct
	}
	return fiber.MIMEOctetStream
}

func cacheControl(name string) string {
	if strings.HasPrefix(name, "assets/") || strings.Contains(name, "/assets/") {
		return cacheImmutable
	}
	return cacheRevalidate
}
