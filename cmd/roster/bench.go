package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/roster-cc/roster/internal/bench"
)

var benchUsage = `usage: roster bench [flags] [scenario ...]

Runs load scenarios (default: all of them, in this order) against a roster it
starts on fresh storage, or against a running one with --target:
  ` + strings.Join(bench.All, " ") + `

baseline (a bare net/http JSON handler) and argon2id (password hashes at
roster's cost, as many at once as the server runs: GOMAXPROCS, one per CPU
by default) run in the bench's own process: what the machine can do at all,
to read the other figures against. With --target they measure the machine
the bench runs on.

flags:
`

// benchCmd runs `roster bench`: flags and scenarios may come in any order,
// e.g. roster bench propagate --users 100000.
func benchCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, benchUsage); fs.PrintDefaults() }
	cfg := bench.Config{}
	fs.IntVar(&cfg.Concurrency, "c", 16, "requests in flight")
	fs.DurationVar(&cfg.Duration, "d", 10*time.Second, "how long each scenario runs")
	fs.StringVar(&cfg.DB, "db", "sqlite", "the database of the server the bench starts: sqlite or postgres")
	fs.StringVar(&cfg.DatabaseURL, "database-url", firstSet(getenv("ROSTER_DATABASE_URL"),
		"postgres://postgres@127.0.0.1:5432/test?sslmode=disable"), "the PostgreSQL server for --db postgres (a fresh schema per run)")
	fs.StringVar(&cfg.Target, "target", "", "a running roster's URL instead of starting one (needs --token)")
	fs.StringVar(&cfg.Token, "token", getenv("ROSTER_BENCH_TOKEN"), "the operator token of --target (or ROSTER_BENCH_TOKEN)")
	fs.IntVar(&cfg.Users, "users", 10000, "propagate: users on the profile")
	fs.IntVar(&cfg.Pool, "pool", 1000, "users created for the read and replace scenarios")
	fs.StringVar(&cfg.JSON, "json", "", "also write the results as JSON to this file")
	for len(args) > 0 {
		if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
			return nil // the usage was asked for, and printed
		} else if err != nil {
			return err
		}
		args = fs.Args()
		if len(args) > 0 {
			cfg.Scenarios = append(cfg.Scenarios, args[0])
			args = args[1:]
		}
	}
	if len(cfg.Scenarios) == 0 {
		cfg.Scenarios = bench.All
	}
	if cfg.DB != "sqlite" && cfg.DB != "postgres" {
		return fmt.Errorf("--db must be sqlite or postgres")
	}
	if cfg.Target != "" && !strings.HasPrefix(cfg.Target, "http://") {
		return fmt.Errorf("--target must be an http:// URL (the bench speaks plain HTTP/1.1)")
	}
	if cfg.Target != "" && cfg.Token == "" {
		return fmt.Errorf("--target needs the operator's token: --token or ROSTER_BENCH_TOKEN")
	}
	if cfg.Concurrency < 1 || cfg.Duration <= 0 || cfg.Users < 1 || cfg.Pool < 1 {
		return fmt.Errorf("-c, -d, --users and --pool must be positive")
	}
	return bench.Run(ctx, cfg, stdout, stderr)
}

func firstSet(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
