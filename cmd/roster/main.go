// Command roster is the contact-center user-provisioning service.
//
//	roster serve                  run the HTTP API and the provisioning reconciler
//	roster migrate status|up|down show or move the database schema
//	roster bench [flags] [scenario ...] measure a roster under load
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "roster:", err)
		os.Exit(1)
	}
}

const usage = `usage: roster <command>

commands:
  serve                   run the HTTP API and the provisioning reconciler
  migrate status|up|down  show the schema version, apply new migrations, or undo the latest
                          (serve applies new migrations itself)
  bench [flags] [scenario ...]
                          measure throughput and latency under load (roster bench -h)

configuration: ROSTER_* environment variables, see README.md
`

// run runs one subcommand; it returns when the command is done or ctx ends.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("no command given")
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], getenv, stdout, stderr)
	case "migrate":
		return migrate(ctx, args[1:], getenv, stdout, stderr)
	case "bench":
		return benchCmd(ctx, args[1:], getenv, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}
