// Package store keeps roster's data in SQL: SQLite (embedded, the default)
// today, with the differences between databases held in one dialect value so
// that a second database adds a dialect, not a copy of the queries.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/roster-cc/roster/internal/roster"
	_ "modernc.org/sqlite" // the embedded SQLite driver, pure Go
)

//go:embed migrations
var migrations embed.FS

// Store is roster's database. Writes go through one connection (SQLite
// allows one writer; a queue in Go is cheaper than busy-waiting in SQLite);
// reads use a pool and never wait behind the writer (WAL).
type Store struct {
	write   *sql.DB
	read    *sql.DB
	dialect dialect
	now     func() time.Time
	// Prepared statements of each pool, by query text: parsing SQL costs
	// more than running most of roster's statements.
	writeStmts, readStmts *stmtCache
}

// dialect holds what differs between databases.
type dialect struct {
	name string
	// rebind turns the ? placeholders of a query into the database's form.
	rebind func(string) string
}

var sqlite = dialect{name: "sqlite", rebind: func(q string) string { return q }}

// OpenSQLite opens (creating if missing) the database file roster.db under
// dir and applies the migrations.
func OpenSQLite(ctx context.Context, dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	path := filepath.Join(dir, "roster.db")
	pragmas := "_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)"
	w, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	r, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(max(4, runtime.GOMAXPROCS(0)*2))
	s := &Store{write: w, read: r, dialect: sqlite, now: time.Now, writeStmts: newStmtCache(w), readStmts: newStmtCache(r)}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error {
	return errors.Join(s.writeStmts.close(), s.readStmts.close(), s.write.Close(), s.read.Close())
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	return s.read.PingContext(ctx)
}

// Read runs fn in a read-only transaction: a consistent snapshot that never
// waits for the writer.
func (s *Store) Read(ctx context.Context, fn func(roster.Tx) error) error {
	return s.run(ctx, s.read, s.readStmts, &sql.TxOptions{ReadOnly: true}, fn)
}

// Write runs fn in a read-write transaction and commits when fn returns nil.
// Everything fn does is atomic: a failing fn changes nothing.
func (s *Store) Write(ctx context.Context, fn func(roster.Tx) error) error {
	return s.run(ctx, s.write, s.writeStmts, nil, fn)
}

func (s *Store) run(ctx context.Context, db *sql.DB, stmts *stmtCache, opts *sql.TxOptions, fn func(roster.Tx) error) error {
	sqltx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return s.wrap(err)
	}
	t := &Tx{tx: sqltx, d: s.dialect, now: s.now().UTC(), stmts: stmts}
	err = fn(t)
	if err != nil {
		sqltx.Rollback()
	} else {
		err = sqltx.Commit()
	}
	if len(t.unprepared) > 0 {
		stmts.prepare(context.WithoutCancel(ctx), t.unprepared)
	}
	return s.wrap(err)
}

// wrap turns database failures into domain errors: constraint violations a
// client can cause become conflicts, unreachable databases become
// EUNAVAILABLE; domain errors pass through.
func (s *Store) wrap(err error) error {
	if err == nil {
		return nil
	}
	var re *roster.Error
	if errors.As(err, &re) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "UNIQUE constraint"), strings.Contains(msg, "FOREIGN KEY constraint"):
		return &roster.Error{Code: roster.ECONFLICT, Message: "The change conflicts with another change; retry it.", Err: err}
	case strings.Contains(msg, "database is locked"), strings.Contains(msg, "SQLITE_BUSY"):
		return &roster.Error{Code: roster.EUNAVAILABLE, Message: "The database is busy; retry shortly.", Err: err}
	}
	return err
}

// Tx is one transaction. It implements roster.Tx; every query is scoped by
// the account id it is given.
type Tx struct {
	tx         *sql.Tx
	d          dialect
	now        time.Time
	stmts      *stmtCache
	unprepared []string // queries to prepare once the transaction is over
}

// Now is the transaction's clock reading, the same for every write in it.
func (t *Tx) Now() time.Time { return t.now }

func (t *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if st := t.stmt(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, t.d.rebind(q), args...)
}

func (t *Tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := t.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, t.d.rebind(q), args...)
}

func (t *Tx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if st := t.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, t.d.rebind(q), args...)
}

// stmt returns the transaction's use of the prepared statement of q, or
// nil when q is not prepared yet.
func (t *Tx) stmt(ctx context.Context, q string) *sql.Stmt {
	st := t.stmts.get(t.d.rebind(q))
	if st == nil {
		if len(t.unprepared) < 64 {
			t.unprepared = append(t.unprepared, t.d.rebind(q))
		}
		return nil
	}
	return t.tx.StmtContext(ctx, st)
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// migrate applies the embedded migrations of the dialect that are newer than
// the database's schema version.
func (s *Store) migrate(ctx context.Context) error {
	dir := "migrations/" + s.dialect.name
	entries, err := fs.ReadDir(migrations, dir)
	if err != nil {
		return err
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	if _, err := s.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	var current int
	if err := s.write.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	known := 0
	for _, e := range entries {
		v, err := strconv.Atoi(strings.SplitN(e.Name(), "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migrate: bad migration name %q", e.Name())
		}
		known = max(known, v)
		if v <= current {
			continue
		}
		body, err := migrations.ReadFile(dir + "/" + e.Name())
		if err != nil {
			return err
		}
		if err := s.applyMigration(ctx, v, string(body)); err != nil {
			return fmt.Errorf("migrate %s: %w", e.Name(), err)
		}
	}
	if current > known {
		return fmt.Errorf("the database schema is version %d but this roster knows only up to %d: run a newer roster", current, known)
	}
	return nil
}

func (s *Store) applyMigration(ctx context.Context, version int, body string) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, body); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, s.dialect.rebind(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`), version, ms(s.now())); err != nil {
		return err
	}
	return tx.Commit()
}

// TableCounts returns the number of rows of every table, for tests and
// diagnostics that check a failed request wrote nothing.
func (s *Store) TableCounts(ctx context.Context) (map[string]int, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
	if err != nil {
		return nil, err
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		tables = append(tables, n)
	}
	rows.Close()
	out := map[string]int{}
	for _, tb := range tables {
		var n int
		if err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM "`+tb+`"`).Scan(&n); err != nil {
			return nil, err
		}
		out[tb] = n
	}
	return out, rows.Err()
}
