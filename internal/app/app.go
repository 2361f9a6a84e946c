package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/roster-cc/roster/internal/httpapi"
	"github.com/roster-cc/roster/internal/password"
	"github.com/roster-cc/roster/internal/provision"
	"github.com/roster-cc/roster/internal/roster"
	"github.com/roster-cc/roster/internal/service"
	"github.com/roster-cc/roster/internal/store"
)

// App is a wired roster: store, service, reconciler and HTTP API.
type App struct {
	Config     Config
	Options    Options
	Log        *slog.Logger
	Store      *store.Store
	Service    *service.Service
	Reconciler *provision.Reconciler
	API        *httpapi.API
}

// Options adjust an App for tests.
type Options struct {
	HashCost password.Params  // zero: password.Default
	Lockout  service.Lockout  // zero: service.DefaultLockout
	Clock    func() time.Time // nil: the time (judges password ages)
	// WrapStore, when set, wraps the store the service and the reconciler
	// use (tests run every write twice through it).
	WrapStore func(roster.Store) roster.Store
}

// New opens the store and wires the parts. Close it when done.
func New(ctx context.Context, c Config, logOut io.Writer, opts Options) (*App, error) {
	log := NewLogger(c, logOut)
	provs, err := provision.ParseSet(c.Provisioners, &http.Client{}, c.WebhookTimeout)
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, c.DatabaseURL, c.DataDir, log)
	if err != nil {
		return nil, err
	}
	a := &App{Config: c, Options: opts, Log: log, Store: st}
	var use roster.Store = st
	if opts.WrapStore != nil {
		use = opts.WrapStore(st)
	}
	rec := &provision.Reconciler{
		Store: use, Provisioners: provs, Log: log.With("component", "reconciler"), Owner: ownerName(),
		Lease: c.Lease, CallTimeout: c.WebhookTimeout,
		Retry: provision.Backoff{Base: c.RetryBase, Max: c.RetryMax, Attempts: c.RetryAttempts},
	}
	wake := func() { rec.Wake(); st.Notify() }
	a.Service = service.New(service.Config{Store: use, Log: log, HashCost: opts.HashCost, Wake: wake,
		TokenTTL: c.TokenTTL, Lockout: opts.Lockout, Clock: opts.Clock})
	rec.Propagator = a.Service
	a.Reconciler = rec
	a.API = httpapi.New(a.Service, log)
	a.API.RequestTimeout = c.RequestTimeout
	a.API.SetLimits(httpapi.Limits{PerAccount: c.RateAccount, PerCredential: c.RateCredential})
	return a, nil
}

// OperatorTokenFile is where a generated operator token is written, under
// the data directory.
const OperatorTokenFile = "operator-token"

// Bootstrap makes sure an operator credential exists: ROSTER_BOOTSTRAP_TOKEN
// when set, else, on the first start, a generated token written to
// <data dir>/operator-token (mode 0600), whose path is logged once.
func (a *App) Bootstrap(ctx context.Context) error {
	path := filepath.Join(a.Config.DataDir, OperatorTokenFile)
	if a.Config.BootstrapToken != "" {
		if _, err := a.Service.BootstrapOperator(ctx, a.Config.BootstrapToken, false); err != nil {
			return err
		}
		// An earlier generated token no longer works; do not leave it lying about.
		if err := os.Remove(path); err == nil {
			a.Log.Info("removed the operator token file: ROSTER_BOOTSTRAP_TOKEN replaces it", "file", path)
		}
		return nil
	}
	// The token is written to a file before it is stored, so a token that
	// works is never lost; a process that finds one already stored (an
	// earlier start, another replica) throws its own away.
	tok := service.NewOperatorToken()
	tmp := path + ".new"
	if err := writeSecretFile(tmp, tok); err != nil {
		return err
	}
	stored, err := a.Service.BootstrapOperator(ctx, tok, true)
	if err != nil || !stored {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	a.Log.Info("operator token created; keep it secret", "file", path)
	return nil
}

// writeSecretFile writes s to a new file at path with mode 0600.
func writeSecretFile(path, s string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("write the operator token: %w", err)
	}
	_, err = f.WriteString(s + "\n")
	if err == nil {
		err = f.Sync()
	}
	return errors.Join(err, f.Close())
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
