package store

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/roster-cc/roster/internal/roster"
)

// dialect holds everything that differs between SQLite and PostgreSQL.
type dialect struct {
	name string
	// rebind turns the ? placeholders of a query into the database's form.
	rebind func(string) string
	// skipLocked ends the subquery that picks work to claim: on PostgreSQL
	// it makes replicas claim different rows without waiting for each other.
	skipLocked string
	// forUpdate locks the rows a write transaction reads before it writes them.
	forUpdate string
	// readOpts and writeOpts start read and write transactions.
	readOpts, writeOpts *sql.TxOptions
	// lockScope serializes write transactions of one scope (an account):
	// SQLite has one writer already; PostgreSQL takes an advisory lock held
	// until the transaction ends.
	lockScope string
	// classify maps a driver error to ECONFLICT, EUNAVAILABLE or "".
	classify func(error) string
	// retryable reports whether a failed write transaction should run again.
	retryable func(error) bool
	// boundJoins adds the range of the keys to a join with a list of keys:
	// PostgreSQL, before it has statistics of a table, plans the join as a
	// scan of every row of the account; SQLite, given the range, scans it
	// once per key instead of looking each key up.
	boundJoins bool
	// arrays: the rows of a multi-row statement are sent as one array per
	// column (rows.go).
	arrays bool
	// loginWalk: a page of users in login order may walk the index in
	// that order (see Tx.loginWalk). PostgreSQL sorts the matches: its
	// planner did not take such an index, so it has none.
	loginWalk   bool
	tablesQuery string
}

var sqlite = dialect{
	name:        "sqlite",
	rebind:      func(q string) string { return q },
	readOpts:    &sql.TxOptions{ReadOnly: true},
	classify:    classifySQLite,
	retryable:   func(error) bool { return false },
	loginWalk:   true,
	tablesQuery: `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`,
}

var postgres = dialect{
	name:        "postgres",
	rebind:      dollarParams,
	skipLocked:  " FOR UPDATE SKIP LOCKED",
	forUpdate:   " FOR UPDATE",
	readOpts:    &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead},
	lockScope:   `SELECT pg_advisory_xact_lock(hashtext(?))`,
	boundJoins:  true,
	arrays:      true,
	classify:    classifyPostgres,
	retryable:   retryablePostgres,
	tablesQuery: `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
}

func classifySQLite(err error) string {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "UNIQUE constraint"), strings.Contains(msg, "FOREIGN KEY constraint"):
		return roster.ECONFLICT
	case strings.Contains(msg, "database is locked"), strings.Contains(msg, "SQLITE_BUSY"):
		return roster.EUNAVAILABLE
	}
	return ""
}

func classifyPostgres(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "23505", pe.Code == "23503":
			return roster.ECONFLICT
		case pe.Code == "40001", pe.Code == "40P01":
			return roster.EUNAVAILABLE
		case strings.HasPrefix(pe.Code, "08"), strings.HasPrefix(pe.Code, "57P"), pe.Code == "53300":
			return roster.EUNAVAILABLE
		}
		return ""
	}
	if disconnected(err) {
		return roster.EUNAVAILABLE
	}
	return ""
}

// disconnected reports whether err says the connection to the database is
// gone or could not be made.
func disconnected(err error) bool {
	var ne net.Error
	var ce *pgconn.ConnectError
	return errors.As(err, &ne) || errors.As(err, &ce) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || pgconn.SafeToRetry(err) ||
		strings.Contains(err.Error(), "conn closed") || strings.Contains(err.Error(), "connection refused")
}

func retryablePostgres(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// dollarParams turns ? placeholders into $1, $2, … (roster's queries have
// no ? inside string literals).
func dollarParams(q string) string {
	if !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}
