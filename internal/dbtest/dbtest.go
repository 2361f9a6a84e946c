// Package dbtest gives tests a fresh PostgreSQL schema of their own when
// ROSTER_TEST_DATABASE_URL names a server, so the same tests run against
// SQLite always and PostgreSQL whenever it is configured (always in CI).
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

// Backends lists the databases to test against: "sqlite", then "postgres"
// when EnvURL is set.
func Backends() []string {
	if os.Getenv(EnvURL) == "" {
		return []string{"sqlite"}
	}
	return []string{"sqlite", "postgres"}
}

// PostgresURL creates a schema of its own for the test and returns a URL
// whose connections use it; the schema is dropped when the test ends. It
// fails the test (never skips it) when the server does not answer.
func PostgresURL(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv(EnvURL)
	if base == "" {
		tb.Fatalf("%s is not set", EnvURL)
	}
	db, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatalf("%s: %v", EnvURL, err)
	}
	defer db.Close()
	var b [6]byte
	rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	if _, err := db.ExecContext(context.Background(), `CREATE SCHEMA `+schema); err != nil {
		tb.Fatalf("PostgreSQL at %s is not usable: %v", EnvURL, err)
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
