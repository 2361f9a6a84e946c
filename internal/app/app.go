package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"

	"github.com/roster-cc/roster/internal/httpapi"
	"github.com/roster-cc/roster/internal/password"
	"github.com/roster-cc/roster/internal/provision"
	"github.com/roster-cc/roster/internal/service"
	"github.com/roster-cc/roster/internal/store"
)

// App is a wired roster: store, service, reconciler and HTTP API.
type App struct {
	Config     Config
	Log        *slog.Logger
	Store      *store.Store
	Service    *service.Service
	Reconciler *provision.Reconciler
	API        *httpapi.API
}

// Options adjust an App for tests.
type Options struct {
	HashCost password.Params // zero: password.Default
}

// New opens the store and wires the parts. Close it when done.
func New(ctx context.Context, c Config, logOut io.Writer, opts Options) (*App, error) {
	log := NewLogger(c, logOut)
	provs, err := provision.ParseSet(c.Provisioners, &http.Client{}, c.WebhookTimeout)
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, c.DatabaseURL, c.DataDir)
	if err != nil {
		return nil, err
	}
	a := &App{Config: c, Log: log, Store: st}
	rec := &provision.Reconciler{
		Store: st, Provisioners: provs, Log: log.With("component", "reconciler"), Owner: ownerName(),
		Lease: c.Lease, CallTimeout: c.WebhookTimeout,
		Retry: provision.Backoff{Base: c.RetryBase, Max: c.RetryMax, Attempts: c.RetryAttempts},
	}
	wake := func() { rec.Wake(); st.Notify() }
	a.Service = service.New(service.Config{Store: st, Log: log, HashCost: opts.HashCost, Wake: wake})
	rec.Propagator = a.Service
	a.Reconciler = rec
	a.API = httpapi.New(a.Service, log)
	a.API.RequestTimeout = c.RequestTimeout
	return a, nil
}

// Close closes the store.
func (a *App) Close() error { return a.Store.Close() }

// NewLogger returns the slog logger the configuration asks for.
func NewLogger(c Config, out io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(out, opts))
	}
	return slog.New(slog.NewTextHandler(out, opts))
}

// ownerName names this process in provisioning leases: host, pid and a
// random part (a restarted process may get its old pid back).
func ownerName() string {
	host, _ := os.Hostname()
	var b [4]byte
	rand.Read(b[:])
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}
