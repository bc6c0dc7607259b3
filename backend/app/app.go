// Package app wires Keyturn together: config → platform (database, kv, jobs,
// mail) → domain services → Fiber routes. Only cmd imports it.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/riverqueue/river"

	"github.com/keyturn/keyturn/backend/agreements"
	"github.com/keyturn/keyturn/backend/auth"
	"github.com/keyturn/keyturn/backend/campaigns"
	"github.com/keyturn/keyturn/backend/config"
	"github.com/keyturn/keyturn/backend/media"
	"github.com/keyturn/keyturn/backend/platform/db"
	"github.com/keyturn/keyturn/backend/platform/httpx"
	"github.com/keyturn/keyturn/backend/platform/jobs"
	"github.com/keyturn/keyturn/backend/platform/kv"
	"github.com/keyturn/keyturn/backend/platform/mail"
	"github.com/keyturn/keyturn/backend/privacy"
	"github.com/keyturn/keyturn/backend/tenants"
)

// App is a wired Keyturn node.
type App struct {
	Config  *config.Config
	Log     *slog.Logger
	DB      *db.DB
	KV      kv.Store
	Jobs    *jobs.Client
	Auth    *auth.Service
	Imports *agreements.Imports
	Media   *media.Service
	Fiber   *fiber.App
	Now     func() time.Time

	routes []httpx.Route
	equity *agreements.Equity
}

// Options adjust wiring, mostly for tests.
type Options struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Mail overrides the mail sender chosen from config.
	Mail mail.Sender
	// RunWorkers starts River workers (serve, worker); CLI tools that only
	// insert jobs leave it false.
	RunWorkers bool
	// Schema is the PostgreSQL schema (tests give each its own).
	Schema string
	// JobPoll shortens River's fetch interval (tests).
	JobPoll time.Duration
	// KVPrefix replaces the Redis key prefix (tests sharing one Redis).
	KVPrefix string
}

// New opens everything cfg names, migrates the database and builds the HTTP
// app. Close releases it.
func New(ctx context.Context, cfg *config.Config, log *slog.Logger, opt Options) (*App, error) {
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("app: create data dir: %w", err)
	}
	database, err := db.Open(ctx, db.Config{DataDir: cfg.DataDir, DatabaseURL: cfg.DatabaseURL, Schema: opt.Schema, Now: now, Logger: log})
	if err != nil {
		return nil, err
	}
	a := &App{Config: cfg, Log: log, DB: database, Now: now}
	ok := false
	defer func() {
		if !ok {
			a.Close()
		}
	}()
	if err := database.Migrate(ctx); err != nil {
		return nil, err
	}
	if opt.KVPrefix != "" && cfg.RedisURL != "" {
		a.KV, err = kv.NewRedis(cfg.RedisURL, opt.KVPrefix)
	} else {
		a.KV, err = kv.Open(cfg.RedisURL)
	}
	if err != nil {
		return nil, err
	}
	keys, err := auth.LoadOrCreateKeys(cfg.JWTKeysFile)
	if err != nil {
		return nil, err
	}
	sender := opt.Mail
	if sender == nil {
		if sender, err = mailSender(cfg); err != nil {
			return nil, err
		}
	}

	tenantStore := tenants.Store{DB: database.Gorm}
	agreementStore := agreements.Store{DB: database.Gorm}
	dir := directory{tenants: tenantStore, agreements: agreementStore}

	a.Auth = &auth.Service{DB: database, Tokens: auth.NewTokens(keys, cfg.BaseURL, now), KV: a.KV, Directory: dir,
		Audit: auditor{audit: privacy.Audit{Now: now}}, BaseURL: cfg.BaseURL, Demo: cfg.Demo, Now: now, Log: log}

	a.Media = &media.Service{DB: database, Store: media.Store{DB: database.Gorm}, Audit: privacy.Audit{Now: now}, Now: now, Log: log,
		Config: media.Config{SpoolDir: filepath.Join(cfg.DataDir, "spool")}}
	camp := &campaigns.Service{DB: database, Store: campaigns.Store{DB: database.Gorm}, KV: a.KV,
		Audit: privacy.Audit{Now: now}, Media: a.Media, Now: now, Log: log,
		Config: campaigns.Config{MediaHosts: cfg.CampaignMediaHosts, SyncInterval: cfg.CampaignSyncInterval}}

	a.Imports = &agreements.Imports{DB: database, KV: a.KV, Financiers: dir, Dealers: dir,
		Audit: privacy.Audit{Now: now}, Now: now, Log: log}
	a.equity = &agreements.Equity{DB: database, Financiers: dir, Now: now}

	workers := river.NewWorkers()
	(&auth.Workers{Service: a.Auth, Mail: sender}).Register(workers)
	camp.Register(workers)
	(&agreements.Workers{Imports: a.Imports, Equity: a.equity}).Register(workers)
	jcfg := jobs.Config{Workers: workers, Logger: log, RunWorkers: opt.RunWorkers, FetchPollInterval: opt.JobPoll}
	if opt.RunWorkers {
		jcfg.Periodic = concat(auth.Periodic(), camp.Periodic(), agreements.Periodic())
		jcfg.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 10}, "mail": {MaxWorkers: 4}}
		for name, q := range agreements.Queues() {
			jcfg.Queues[name] = q
		}
	}
	a.Jobs, err = jobs.New(database, jcfg)
	if err != nil {
		return nil, err
	}
	a.Auth.Jobs = a.Jobs
	camp.Jobs = a.Jobs
	a.Imports.Jobs = a.Jobs

	agreementsHTTP := &agreements.HTTP{Service: &agreements.Service{Store: agreementStore, Financiers: dir, Now: now}}
	a.routes = concat(
		a.Auth.Routes(),
		agreementsHTTP.Routes(),
		(&tenants.HTTP{Store: tenantStore, Network: &tenants.Network{DB: database, Store: tenantStore,
			Audit: auditor{audit: privacy.Audit{Now: now}}, Now: now}}).Routes(),
		financeRoutes(),
		(&campaigns.HTTP{Service: camp}).Routes(),
		(&agreements.ImportsHTTP{Imports: a.Imports}).Routes(),
		(&privacy.AuditHTTP{DB: database.Gorm, Names: dir}).Routes(),
		(&media.HTTP{Service: a.Media}).Routes(),
	)
	a.Fiber = a.newFiber()
	ok = true
	return a, nil
}

func concat[T any](tables ...[]T) []T {
	var all []T
	for _, t := range tables {
		all = append(all, t...)
	}
	return all
}

// Routes returns the API route table (for the OpenAPI test).
func (a *App) Routes() []httpx.Route { return a.routes }

func mailSender(cfg *config.Config) (mail.Sender, error) {
	if cfg.SMTPHost == "" {
		return mail.NewDir(filepath.Join(cfg.DataDir, "mail"), cfg.SMTPFrom), nil
	}
	return mail.NewSMTP(mail.SMTPConfig{Host: cfg.SMTPHost, Port: cfg.SMTPPort, Username: cfg.SMTPUsername,
		Password: cfg.SMTPPassword, From: cfg.SMTPFrom, TLS: cfg.SMTPTLS})
}

// Serve answers HTTP on cfg.Addr and works jobs until ctx ends, then shuts
// down gracefully: in-flight requests and jobs finish within the timeout.
func (a *App) Serve(ctx context.Context, ready func(addr string)) error {
	if err := a.Jobs.Start(ctx); err != nil {
		return fmt.Errorf("app: start jobs: %w", err)
	}
	ln, err := listen(a.Config.Addr)
	if err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() { errc <- a.Fiber.Listener(ln) }()
	a.Log.Info("keyturn.serving", slog.String("addr", ln.Addr().String()), slog.String("database", a.DB.Dialect), slog.Bool("redis", a.Config.RedisURL != ""))
	if ready != nil {
		ready(ln.Addr().String())
	}
	select {
	case err := <-errc:
		return fmt.Errorf("app: http server: %w", err)
	case <-ctx.Done():
	}
	a.Log.Info("keyturn.shutting_down")
	sctx, cancel := context.WithTimeout(context.Background(), a.Config.ShutdownTimeout)
	defer cancel()
	herr := a.Fiber.ShutdownWithContext(sctx)
	jerr := a.Jobs.Stop(sctx)
	return errors.Join(herr, jerr)
}

// Work runs jobs only (the worker command) until ctx ends.
func (a *App) Work(ctx context.Context) error {
	if err := a.Jobs.Start(ctx); err != nil {
		return fmt.Errorf("app: start jobs: %w", err)
	}
	a.Log.Info("keyturn.working", slog.String("database", a.DB.Dialect))
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), a.Config.ShutdownTimeout)
	defer cancel()
	return a.Jobs.Stop(sctx)
}

// Close releases the database and kv connections.
func (a *App) Close() {
	if a.KV != nil {
		_ = a.KV.Close()
	}
	if a.DB != nil {
		_ = a.DB.Close()
	}
}
