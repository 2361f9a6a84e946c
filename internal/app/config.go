// Package app wires roster together: configuration, store, service,
// reconciler and HTTP API. Both the program and the end-to-end tests use it.
package app

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Config is roster's configuration, read from ROSTER_* environment variables.
type Config struct {
	Addr            string        // ROSTER_ADDR
	DataDir         string        // ROSTER_DATA_DIR (SQLite)
	DatabaseURL     string        // ROSTER_DATABASE_URL (postgres://…: PostgreSQL instead of SQLite)
	LogFormat       string        // ROSTER_LOG_FORMAT: text or json
	LogLevel        string        // ROSTER_LOG_LEVEL: debug, info, warn, error
	Provisioners    string        // ROSTER_PROVISIONERS
	WebhookTimeout  time.Duration // ROSTER_WEBHOOK_TIMEOUT
	RetryAttempts   int           // ROSTER_RETRY_ATTEMPTS
	RetryBase       time.Duration // ROSTER_RETRY_BASE
	RetryMax        time.Duration // ROSTER_RETRY_MAX
	Lease           time.Duration // ROSTER_LEASE
	ShutdownTimeout time.Duration // ROSTER_SHUTDOWN_TIMEOUT
	RequestTimeout  time.Duration // ROSTER_REQUEST_TIMEOUT
	BootstrapToken  string        // ROSTER_BOOTSTRAP_TOKEN: the operator's token (else generated)
	TokenTTL        time.Duration // ROSTER_TOKEN_TTL: access tokens' lifetime
	RateAccount     float64       // ROSTER_RATE_ACCOUNT: requests/s per account (0: no limit)
	RateCredential  float64       // ROSTER_RATE_CREDENTIAL: requests/s per credential (0: no limit)
	DebugAddr       string        // ROSTER_DEBUG_ADDR: pprof listener (unset: none)
}

// Defaults are the values used when a variable is unset.
var Defaults = Config{
	Addr:            "127.0.0.1:8080",
	DataDir:         "./roster-data",
	LogFormat:       "text",
	LogLevel:        "info",
	WebhookTimeout:  10 * time.Second,
	RetryAttempts:   5,
	RetryBase:       time.Second,
	RetryMax:        time.Minute,
	Lease:           time.Minute,
	ShutdownTimeout: 30 * time.Second,
	RequestTimeout:  15 * time.Second,
	TokenTTL:        15 * time.Minute,
	RateAccount:     2000,
	RateCredential:  1000,
}

// LoadConfig reads the configuration from getenv.
func LoadConfig(getenv func(string) string) (Config, error) {
	c := Defaults
	str := func(name string, dst *string) {
		if v := getenv(name); v != "" {
			*dst = v
		}
	}
	str("ROSTER_ADDR", &c.Addr)
	str("ROSTER_DATA_DIR", &c.DataDir)
	str("ROSTER_DATABASE_URL", &c.DatabaseURL)
	str("ROSTER_LOG_FORMAT", &c.LogFormat)
	str("ROSTER_LOG_LEVEL", &c.LogLevel)
	str("ROSTER_PROVISIONERS", &c.Provisioners)
	str("ROSTER_BOOTSTRAP_TOKEN", &c.BootstrapToken)
	str("ROSTER_DEBUG_ADDR", &c.DebugAddr)
	var errs []error
	dur := func(name string, dst *time.Duration) {
		if v := getenv(name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				errs = append(errs, fmt.Errorf("%s: %q is not a positive duration such as 10s", name, v))
				return
			}
			*dst = d
		}
	}
	dur("ROSTER_WEBHOOK_TIMEOUT", &c.WebhookTimeout)
	dur("ROSTER_RETRY_BASE", &c.RetryBase)
	dur("ROSTER_RETRY_MAX", &c.RetryMax)
	dur("ROSTER_LEASE", &c.Lease)
	dur("ROSTER_SHUTDOWN_TIMEOUT", &c.ShutdownTimeout)
	dur("ROSTER_REQUEST_TIMEOUT", &c.RequestTimeout)
	dur("ROSTER_TOKEN_TTL", &c.TokenTTL)
	errs = append(errs, rate(getenv, "ROSTER_RATE_ACCOUNT", &c.RateAccount), rate(getenv, "ROSTER_RATE_CREDENTIAL", &c.RateCredential))
	if c.BootstrapToken != "" && len(c.BootstrapToken) < 43 {
		errs = append(errs, fmt.Errorf("ROSTER_BOOTSTRAP_TOKEN: must be at least 43 characters, 256 random bits (e.g. openssl rand -base64 33)"))
	}
	if v := getenv("ROSTER_RETRY_ATTEMPTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			errs = append(errs, fmt.Errorf("ROSTER_RETRY_ATTEMPTS: %q is not a positive integer", v))
		}
		c.RetryAttempts = n
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("ROSTER_LOG_FORMAT: %q is not text or json", c.LogFormat))
	}
	return c, errors.Join(errs...)
}

// rate reads a rate in requests per second into dst, when set.
func rate(getenv func(string) string, name string, dst *float64) error {
	v := getenv(name)
	if v == "" {
		return nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 || f > 1e9 {
		return fmt.Errorf("%s: %q is not a rate in requests per second (0 for no limit)", name, v)
	}
	*dst = f
	return nil
}
