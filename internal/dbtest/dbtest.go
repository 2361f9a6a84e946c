// Package dbtest gives tests a fresh PostgreSQL schema of their own, so the
// same tests run against SQLite and PostgreSQL. The server is
// ROSTER_TEST_DATABASE_URL, by default the local one every machine of this
// project runs (127.0.0.1:5432, user postgres, trust auth, database test).
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the PostgreSQL driver
)

// EnvURL is the variable naming the PostgreSQL server for tests.
const EnvURL = "ROSTER_TEST_DATABASE_URL"

// DefaultURL is the PostgreSQL server used when EnvURL is not set.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// Backends lists the databases every store test runs against.
func Backends() []string { return []string{"sqlite", "postgres"} }

func baseURL() string {
	if u := os.Getenv(EnvURL); u != "" {
		return u
	}
	return DefaultURL
}

// PostgresURL creates a schema of its own for the test and returns a URL
// whose connections use it; the schema is dropped when the test ends. It
// fails the test (never skips it) when the server does not answer.
func PostgresURL(tb testing.TB) string {
	tb.Helper()
	base := baseURL()
	db, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatalf("%s: %v", EnvURL, err)
	}
	defer db.Close()
	var b [6]byte
	rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	if _, err := db.ExecContext(context.Background(), `CREATE SCHEMA `+schema); err != nil {
		tb.Fatalf("PostgreSQL (%s, or %s) is not usable: %v", EnvURL, DefaultURL, err)
	}
	tb.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err == nil {
			db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
			db.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("%s: %v", EnvURL, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
