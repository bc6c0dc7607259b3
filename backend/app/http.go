package app

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/gofiber/fiber/v2/middleware/compress"
	"github.com/gofiber/fiber/v2/middleware/cors"
	"github.com/gofiber/fiber/v2/middleware/etag"
	"github.com/gofiber/fiber/v2/middleware/helmet"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/keyturn/keyturn/backend/media"
	"github.com/keyturn/keyturn/backend/platform/httpx"
	"github.com/keyturn/keyturn/pwa"
)

// BodyLimit is the largest request body read into memory. Bigger bodies are
// streamed (StreamRequestBody) and only upload routes accept a stream, with
// their own size limits; every other route answers 413 without reading it
// (RULES S11).
const BodyLimit = 256 * 1024

// CSP lets the PWA run (its own scripts, styles, workers and manifest) and
// load offer media from the allow-listed hosts, and nothing else (RULES S8).
func CSP(mediaHosts []string) string {
	media := "'self'"
	for _, h := range mediaHosts {
		media += " https://" + h
	}
	return "default-src 'self'; script-src 'self'; style-src 'self'; img-src " + media + " data:; font-src 'self'; " +
		"connect-src 'self'; media-src " + media + "; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; " +
		"form-action 'self'; worker-src 'self'; manifest-src 'self'"
}

// Sign-in rate limit per client IP and route: generous for a person, tight
// for a script guessing dates of birth.
const (
	throttleMax    = 20
	throttleWindow = time.Minute
)

func (a *App) newFiber() *fiber.App {
	cfg := fiber.Config{
		AppName:           "keyturn",
		BodyLimit:         BodyLimit,
		StreamRequestBody: true,
		// Upload routes read multipart bodies as a stream, storing the file
		// as it arrives; fasthttp must not parse (and spill) them first.
		DisablePreParseMultipartForm: true,
		ErrorHandler:                 httpx.ErrorHandler(a.Log),
		DisableStartupMessage:        true,
		// Request values are reused by fasthttp after the handler returns;
		// Immutable copies them so nothing that outlives a handler (jobs,
		// logs, caches) sees another request's bytes (RULES S11).
		Immutable:    true,
		ReadTimeout:  30 * time.Second,
		WriteTimeout: 30 * time.Second,
		IdleTimeout:  120 * time.Second,
	}
	if len(a.Config.TrustedProxies) > 0 {
		// Only then is X-Forwarded-For believed, and only from those
		// proxies; otherwise c.IP() is the socket peer (RULES S11).
		cfg.ProxyHeader = fiber.HeaderXForwardedFor
		cfg.EnableTrustedProxyCheck = true
		cfg.TrustedProxies = a.Config.TrustedProxies
	}
	f := fiber.New(cfg)
	m := newMetrics()

	f.Use(recover.New())
	f.Use(requestid.New())
	f.Use(m.middleware)
	f.Use(a.accessLog)
	f.Use(helmet.New(helmet.Config{
		ContentSecurityPolicy:     CSP(a.Config.CampaignMediaHosts),
		ReferrerPolicy:            "no-referrer",
		HSTSMaxAge:                31536000,
		PermissionPolicy:          "camera=(), microphone=(), geolocation=(), payment=()",
		CrossOriginEmbedderPolicy: "unsafe-none",
	}))
	if len(a.Config.CORSOrigins) > 0 {
		f.Use(cors.New(cors.Config{AllowOrigins: strings.Join(a.Config.CORSOrigins, ","), AllowCredentials: true,
			AllowHeaders: "Authorization, Content-Type"}))
	}
	// Uploaded offer media, public by key; mounted before compression, which
	// would garble byte ranges (see media.HTTP.Serve).
	f.Get(media.ServeRoute, (&media.HTTP{Service: a.Media}).Serve)
	f.Use(compress.New(compress.Config{Level: compress.LevelBestSpeed}))

	f.Get("/healthz", func(c *fiber.Ctx) error { return c.JSON(fiber.Map{"status": "ok"}) })
	f.Get("/readyz", a.readyz)
	f.Get("/metrics", adaptor.HTTPHandler(promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})))

	api := f.Group("/api/v1", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.Next()
	})
	throttle := a.throttle
	for _, r := range a.routes {
		handlers := []fiber.Handler{}
		if r.Throttle {
			handlers = append(handlers, throttle)
		}
		if !r.Public() {
			handlers = append(handlers, a.Auth.Require(r.Roles))
		}
		if !r.Upload {
			handlers = append(handlers, refuseStreamedBody, httpx.JSONOnly)
		}
		handlers = append(handlers, r.Handler)
		api.Add(r.Method, r.Path, handlers...)
	}
	api.Use(func(c *fiber.Ctx) error { return httpx.NotFound("No such API endpoint.") })

	f.Use(etag.New())
	f.Use(pwa.Handler())
	return f
}

// throttle limits sign-in routes per client IP and route with a fixed-window
// counter in kv. kv's Incr is atomic (INCR on Redis), so the limit holds
// across nodes, which Fiber's limiter (read, change, write) does not.
func (a *App) throttle(c *fiber.Ctx) error {
	window := a.Now().Unix() / int64(throttleWindow/time.Second)
	key := "ratelimit:" + c.Route().Path + "|" + c.IP() + "|" + strconv.FormatInt(window, 10)
	n, err := a.KV.Incr(c.UserContext(), key, throttleWindow)
	if err != nil {
		return fmt.Errorf("app: throttle: %w", err)
	}
	if n > throttleMax {
		c.Set(fiber.HeaderRetryAfter, strconv.FormatInt(int64(throttleWindow/time.Second), 10))
		return httpx.KindRateLimited.New("Too many attempts. Please wait a minute and try again.")
	}
	return c.Next()
}

// refuseStreamedBody answers 413 for a body over BodyLimit (or of unknown,
// chunked length) on a route that is not an upload: fasthttp streams such
// bodies instead of refusing them, and c.Body() would read one whole.
func refuseStreamedBody(c *fiber.Ctx) error {
	if n := c.Request().Header.ContentLength(); n > BodyLimit || n == -1 {
		return httpx.KindPayloadTooLarge.New("The request body is larger than this endpoint accepts.")
	}
	return c.Next()
}

// accessLog writes one JSON line per request: ids and route patterns only,
// never names, tokens or addresses (RULES S10).
func (a *App) accessLog(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	status := c.Response().StatusCode()
	if err != nil {
		status = httpx.StatusOf(err)
	}
	if c.Path() == "/healthz" || c.Path() == "/metrics" {
		return err
	}
	a.Log.Info("http.request",
		slog.String("request_id", httpx.RequestID(c)),
		slog.String("method", c.Method()),
		slog.String("route", c.Route().Path),
		slog.Int("status", status),
		slog.Duration("duration", time.Since(start)))
	return err
}

func (a *App) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	checks := fiber.Map{}
	healthy := true
	for name, check := range map[string]func(context.Context) error{
		"database": a.DB.Ping,
		"kv":       a.KV.Ping,
		"jobs":     a.Jobs.Healthy,
	} {
		if err := check(ctx); err != nil {
			healthy = false
			checks[name] = "failing"
			a.Log.Warn("readyz.failing", slog.String("check", name), slog.Any("error", err))
			continue
		}
		checks[name] = "ok"
	}
	if !healthy {
		return httpx.KindUnavailable.New("Not ready: a dependency is failing.").With("checks", checks)
	}
	return c.JSON(fiber.Map{"status": "ok", "checks": checks})
}

type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics() *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "keyturn_http_requests_total",
			Help: "HTTP requests by method, route pattern and status."}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "keyturn_http_request_duration_seconds",
			Help: "HTTP request duration by method and route pattern.", Buckets: prometheus.DefBuckets}, []string{"method", "route"}),
	}
	m.registry.MustRegister(m.requests, m.duration, prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) middleware(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	status := c.Response().StatusCode()
	if err != nil {
		status = httpx.StatusOf(err)
	}
	route := c.Route().Path
	m.requests.WithLabelValues(c.Method(), route, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(c.Method(), route).Observe(time.Since(start).Seconds())
	return err
}

func listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("app: listen on %s: %w", addr, err)
	}
	return ln, nil
}
