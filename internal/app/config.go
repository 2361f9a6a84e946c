// Package app wires roster together: configuration, store, service,
// reconciler and HTTP API. Both the program and the end-to-end tests use it.
package app

import (
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
	if len(errs) > 0 {
		return c, errs[0]
	}
	return c, nil
}
