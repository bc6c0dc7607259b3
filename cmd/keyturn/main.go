// Command keyturn is the whole Keyturn service in one binary: the API and
// web app, the background jobs, and the operator's tools.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // dates follow customers' time zones even on a machine without zoneinfo

	"github.com/keyturn/keyturn/backend/app"
	"github.com/keyturn/keyturn/backend/config"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `keyturn — customer retention for car finance

Usage:
  keyturn <command> [flags]

Commands:
  serve       serve the API, the web apps and the background jobs
  worker      work background jobs only (add nodes for throughput)
  migrate     bring the database schema up to date and exit
  seed-demo   load the demo data (safe to run again)
  invite      print a customer's sign-in link:
                keyturn invite --financier SLUG --customer REF
  import      load an agreements file: keyturn import FILE --financier SLUG [--json]
  gen-agreements
              write a realistic agreements CSV: keyturn gen-agreements --rows N [--seed S]
  finance     price and check finance: keyturn finance apr|quote|check|settle|compare [--in FILE]
  vapid-keys  print a new Web Push (VAPID) key pair
  version     print the version
  help        show this help

Every command reads its settings from the environment (KEYTURN_ADDR,
KEYTURN_DATA_DIR, KEYTURN_BASE_URL, KEYTURN_DEMO, DATABASE_URL, REDIS_URL, …)
and, with --config FILE or KEYTURN_CONFIG, from a YAML file;
config/keyturn.example.yaml documents every key.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	case "version", "--version":
		fmt.Fprintln(stdout, "keyturn", version)
		return 0
	case "vapid-keys":
		return runVAPIDKeys(stdout, stderr)
	case "finance":
		return runFinance(rest, stdin, stdout, stderr)
	case "import":
		return runImport(rest, stdout, stderr)
	case "gen-agreements":
		return runGenAgreements(rest, stdout, stderr)
	case "serve", "worker", "migrate", "seed-demo", "invite":
		return runWithApp(cmd, rest, stdout, stderr)
	}
	fmt.Fprintf(stderr, "keyturn: unknown command %q\n\n%s", cmd, usage)
	return 2
}

func runWithApp(cmd string, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("keyturn "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", os.Getenv("KEYTURN_CONFIG"), "YAML config file")
	financier := fs.String("financier", "", "financier slug (invite)")
	customer := fs.String("customer", "", "customer reference (invite)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if cmd == "invite" && (*financier == "" || *customer == "") {
		fmt.Fprintln(stderr, "keyturn invite: both --financier SLUG and --customer REF are required")
		return 2
	}
	ctx, a, done, code := openApp(*cfgPath, stderr, app.Options{RunWorkers: cmd == "serve" || cmd == "worker"})
	if code != 0 {
		return code
	}
	defer done()
	cfg, log := a.Config, a.Log

	switch cmd {
	case "migrate":
		fmt.Fprintln(stdout, "database is up to date")
		return 0
	case "seed-demo":
		if err := a.SeedDemo(ctx); err != nil {
			fmt.Fprintln(stderr, "keyturn:", err)
			return 1
		}
		fmt.Fprintln(stdout, "demo data is loaded")
		return 0
	case "invite":
		link, err := a.Auth.InviteByRef(ctx, *financier, *customer)
		if err != nil {
			fmt.Fprintln(stderr, "keyturn invite:", err)
			return 1
		}
		fmt.Fprintln(stdout, link)
		return 0
	case "worker":
		if err := a.Work(ctx); err != nil {
			fmt.Fprintln(stderr, "keyturn:", err)
			return 1
		}
		return 0
	}

	// serve
	if cfg.Demo {
		if err := a.SeedDemo(ctx); err != nil {
			fmt.Fprintln(stderr, "keyturn:", err)
			return 1
		}
	}
	err := a.Serve(ctx, func(addr string) {
		fmt.Fprintf(stdout, "Keyturn is serving on %s\n", cfg.BaseURL)
		if cfg.Demo {
			if err := a.PrintDemoLinks(ctx, stdout); err != nil {
				log.Error("demo.links_failed", slog.Any("error", err))
			}
		}
	})
	if err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintln(stderr, "keyturn:", err)
		return 1
	}
	return 0
}

// openApp loads the configuration and wires the app for one command. done
// closes the app and stops listening for signals; a non-zero code means it
// failed and said why on stderr.
func openApp(cfgPath string, stderr io.Writer, opt app.Options) (context.Context, *app.App, func(), int) {
	cfg, err := config.Load(cfgPath, os.Getenv)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return nil, nil, nil, 2
	}
	log := newLogger(cfg.LogLevel, stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	a, err := app.New(ctx, cfg, log, opt)
	if err != nil {
		stop()
		fmt.Fprintln(stderr, "keyturn:", err)
		return nil, nil, nil, 1
	}
	return ctx, a, func() { a.Close(); stop() }, 0
}

func newLogger(level string, w io.Writer) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}
