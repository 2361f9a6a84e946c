package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/roster-cc/roster/internal/app"
)

// serve runs the API and the reconciler until ctx ends, then shuts down
// gracefully: stop accepting, finish in-flight requests and provisioning
// steps, close the database.
func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		return fmt.Errorf("serve takes no arguments; configure it with ROSTER_* variables")
	}
	cfg, err := app.LoadConfig(getenv)
	if err != nil {
		return err
	}
	a, err := app.New(ctx, cfg, stderr, app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.Bootstrap(ctx); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           a.API.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
		WriteTimeout:      time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	where := "sqlite:" + cfg.DataDir
	if cfg.DatabaseURL != "" {
		where = "postgres"
	}
	stopDebug, err := debugListener(cfg.DebugAddr, a.Log)
	if err != nil {
		return err
	}
	defer stopDebug()
	a.Log.Info("roster listening", "addr", ln.Addr().String(), "database", where)
	fmt.Fprintf(stdout, "roster listening on http://%s\n", ln.Addr())

	workCtx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	wg.Go(func() { a.Reconciler.Run(workCtx) })
	wg.Go(func() { a.Store.Listen(workCtx, a.Reconciler.Wake, a.Log) })
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()

	select {
	case err = <-serveErr:
	case <-ctx.Done():
	}
	a.Log.Info("roster shutting down")
	shutCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	shutErr := srv.Shutdown(shutCtx)
	stopWork()
	wg.Wait()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return errors.Join(err, shutErr)
}
