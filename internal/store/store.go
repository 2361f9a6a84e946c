// Package store keeps roster's data in SQL: SQLite (embedded, the default)
// or PostgreSQL, with the differences between the two held in one dialect
// value (dialect.go), so the queries exist once.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/roster-cc/roster/internal/roster"
	_ "modernc.org/sqlite" // the embedded SQLite driver, pure Go
)

// Store is roster's database. On SQLite, writes go through one connection
// (SQLite allows one writer; a queue in Go is cheaper than busy-waiting in
// SQLite) and reads use connections of their own, one per CPU, that never
// wait behind the writer (WAL).
// On PostgreSQL reads and writes have a pool each (see OpenPostgres);
// writes of one account are serialized by an advisory lock (see
// LockScope), and the provisioning queue is claimed with SKIP LOCKED.
type Store struct {
	write   *sql.DB
	wconn   *sql.Conn    // SQLite: the committer's connection (groupcommit.go)
	readers chan *reader // SQLite: the readers' connections (readers.go)
	read    *sql.DB
	dialect dialect
	now     func() time.Time
	// Prepared statements of each pool, by query text: parsing SQL costs
	// more than running most of roster's statements.
	writeStmts, readStmts *stmtCache

	// PostgreSQL notifications of new work (see Notify).
	notifyOnce sync.Once
	notifyCh   chan struct{}
	closed     chan struct{}

	// SQLite's group commit (groupcommit.go): nil on PostgreSQL, whose
	// own group commit serves concurrent connections.
	writes        chan *writeReq
	committerDone chan struct{}
	ckpt          *checkpointer // checkpoint.go; nil on PostgreSQL
}

// OpenSQLite opens (creating if missing) the database file roster.db under
// dir. It does not migrate: see Open and Migrate. log takes the
// checkpointer's warnings (checkpoint.go).
func OpenSQLite(ctx context.Context, dir string, log *slog.Logger) (*Store, error) {
	return openSQLite(ctx, dir, log, true)
}

// busyTimeout is how long a SQLite connection waits for another process's
// lock before it answers busy.
const busyTimeout = 10 * time.Second

// openSQLite opens the store; background is false only in tests that run
// the checkpointer's rounds themselves.
func openSQLite(ctx context.Context, dir string, log *slog.Logger, background bool) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	w, r, c, err := openSQLitePools(ctx, filepath.Join(dir, "roster.db"))
	if err != nil {
		return nil, err
	}
	// The committer keeps a connection of its own for good; the pool's
	// other one serves migrations.
	wc, err := w.Conn(ctx)
	var rs chan *reader
	if err == nil {
		if rs, err = openReaders(ctx, r, readers()); err != nil {
			wc.Close()
		}
	}
	if err != nil {
		return nil, errors.Join(err, w.Close(), r.Close(), c.Close())
	}
	s := &Store{write: w, wconn: wc, read: r, readers: rs, dialect: sqlite, now: time.Now, writeStmts: newStmtCache(wc),
		closed: make(chan struct{}), ckpt: newCheckpointer(c, log)}
	s.startCommitter()
	if background {
		go s.ckpt.run(s.closed)
	} else {
		close(s.ckpt.done)
	}
	return s, nil
}

// openSQLitePools opens the writer's connection, the readers' pool and the
// checkpointer's connection.
func openSQLitePools(ctx context.Context, path string) (w, r, c *sql.DB, err error) {
	// busy_timeout comes first (modernc.org/sqlite runs it first, the
	// others in the order of their names): switching a new file to WAL
	// takes a lock that replicas starting together must wait for, not
	// fail on.
	pragmas := fmt.Sprintf("_pragma=busy_timeout(%d)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)"+
		"&_pragma=synchronous(NORMAL)", busyTimeout.Milliseconds())
	// The writer does not checkpoint: the checkpointer does. Should the WAL
	// have grown past 64 MiB, it is cut back when it starts over.
	w, err = sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_pragma=cache_size(-16384)&_pragma=temp_store(MEMORY)"+
		"&_pragma=wal_autocheckpoint(0)&_pragma=journal_size_limit(67108864)&_txlock=immediate")
	if err != nil {
		return nil, nil, nil, err
	}
	w.SetMaxOpenConns(2) // the committer's, and one for migrations
	w.SetConnMaxIdleTime(0)
	if err := firstConnection(ctx, w); err != nil {
		w.Close()
		return nil, nil, nil, err
	}
	r, err = sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_pragma=query_only(1)")
	if err == nil {
		c, err = sql.Open("sqlite", "file:"+path+"?"+pragmas)
	}
	if err != nil {
		w.Close()
		if r != nil {
			r.Close()
		}
		return nil, nil, nil, err
	}
	// One reader per CPU: a read runs on its CPU from start to end (the
	// file's pages come from memory), so more readers only wait on the
	// locks every connection in the process shares (SQLite's page cache,
	// the C allocator), and so does the writer, which then waits for a CPU
	// behind the readers each time: 4 readers on 2 CPUs took propagation
	// of 100,000 users from 6.7 to 8.4 s, with no more reads served.
	// Every reader stays open: database/sql keeps only two idle connections
	// by default, and closing the others on release made a busy server open
	// a connection (pragmas, statements prepared again) for most reads.
	// Those readers are held for good (readers.go); one more connection
	// serves the rest (Ping, TableContents).
	r.SetMaxOpenConns(readers() + 1)
	r.SetMaxIdleConns(readers() + 1)
	return w, r, c, nil
}

func readers() int { return max(2, runtime.GOMAXPROCS(0)) }

// firstConnection opens the writer's connection, waiting while another
// process holds the file: SQLite answers "busy" without waiting while a new
// file is being switched to WAL by another process starting at the same
// time, which busy_timeout does not cover.
func firstConnection(ctx context.Context, db *sql.DB) error {
	deadline := time.Now().Add(10 * time.Second)
	for wait := time.Millisecond; ; wait = min(2*wait, 100*time.Millisecond) {
		err := db.PingContext(ctx)
		if err == nil || sqlite.classify(err) != roster.EUNAVAILABLE || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
	}
}

// Open opens the store that databaseURL names (postgres://…) or, when it is
// empty, SQLite under dataDir, and brings its schema up to date. It
// refuses a schema newer than this program knows. log takes SQLite's
// checkpoint warnings.
func Open(ctx context.Context, databaseURL, dataDir string, log *slog.Logger) (*Store, error) {
	var s *Store
	var err error
	if databaseURL != "" {
		s, err = OpenPostgres(ctx, databaseURL)
	} else {
		s, err = OpenSQLite(ctx, dataDir, log)
	}
	if err != nil {
		return nil, err
	}
	if _, err := s.Migrate(ctx, MigrateUp); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error {
	close(s.closed)
	if s.committerDone != nil {
		<-s.committerDone
	}
	errs := []error{s.writeStmts.close(), s.readStmts.close(), closeReaders(s.readers)}
	if s.wconn != nil {
		errs = append(errs, s.wconn.Close())
	}
	if s.ckpt != nil {
		<-s.ckpt.done
		errs = append(errs, s.ckpt.pool.Close())
	}
	errs = append(errs, s.write.Close())
	if s.read != s.write {
		errs = append(errs, s.read.Close())
	}
	return errors.Join(errs...)
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	return s.read.PingContext(ctx)
}

// Read runs fn in a read-only transaction: a consistent snapshot that never
// waits for the writer.
func (s *Store) Read(ctx context.Context, fn func(roster.Tx) error) error {
	if s.readers != nil {
		return s.readOn(ctx, fn)
	}
	return s.run(ctx, s.read, s.readStmts, s.dialect.readOpts, fn)
}

// Write runs fn in a read-write transaction and commits when fn returns nil.
// Everything fn does is atomic: a failing fn changes nothing. On SQLite,
// concurrent writes commit together (groupcommit.go); fn sees the writes
// committed before it, as with one transaction after another.
// fn may run more than once (see roster.Store): on PostgreSQL after losing
// a deadlock, on SQLite when another write of its group lost the
// transaction or failed after changing something. A write should check
// what it can before it changes anything: one that fails after writing
// makes the writes of its group run again.
func (s *Store) Write(ctx context.Context, fn func(roster.Tx) error) error {
	if s.writes != nil {
		return s.queueWrite(ctx, fn)
	}
	for attempt := 1; ; attempt++ {
		err := s.run(ctx, s.write, s.writeStmts, s.dialect.writeOpts, fn)
		if err == nil || !s.dialect.retryable(err) || attempt == 10 {
			return err
		}
		time.Sleep(time.Duration(attempt) * 5 * time.Millisecond)
	}
}

func (s *Store) run(ctx context.Context, db *sql.DB, stmts *stmtCache, opts *sql.TxOptions, fn func(roster.Tx) error) error {
	sqltx, err := db.BeginTx(ctx, opts)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &roster.Error{Code: roster.EUNAVAILABLE, Message: "The database is not reachable; retry shortly.", Err: err}
	}
	t := &Tx{tx: sqltx, d: s.dialect, now: s.now().UTC(), stmts: stmts, writable: opts == nil || !opts.ReadOnly}
	err = fn(t)
	if err != nil {
		sqltx.Rollback()
	} else {
		err = sqltx.Commit()
	}
	if len(t.unprepared) > 0 && stmts != nil {
		stmts.prepare(context.WithoutCancel(ctx), t.unprepared)
	}
	return s.wrap(err)
}

// wrap turns database failures into domain errors: constraint violations a
// client can cause become conflicts, an unreachable or busy database
// becomes EUNAVAILABLE; domain errors pass through.
func (s *Store) wrap(err error) error {
	if err == nil {
		return nil
	}
	var re *roster.Error
	if errors.As(err, &re) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	switch s.dialect.classify(err) {
	case roster.ECONFLICT:
		return &roster.Error{Code: roster.ECONFLICT, Message: "The change conflicts with another change; retry it.", Err: err}
	case roster.EUNAVAILABLE:
		return &roster.Error{Code: roster.EUNAVAILABLE, Message: "The database is busy or not reachable; retry shortly.", Err: err}
	}
	return err
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TableContents returns every row of every table, each row printed and
// the rows sorted, for tests that check a failed request changed nothing.
func (s *Store) TableContents(ctx context.Context) (map[string][]string, error) {
	tables, err := s.tables(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, tb := range tables {
		rows, err := s.read.QueryContext(ctx, `SELECT * FROM "`+tb+`"`)
		if err != nil {
			return nil, err
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		out[tb] = []string{}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return nil, err
			}
			out[tb] = append(out[tb], fmt.Sprintf("%v", vals))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		sort.Strings(out[tb])
	}
	return out, nil
}

func (s *Store) tables(ctx context.Context) ([]string, error) {
	return scanStrings(s.read.QueryContext(ctx, s.dialect.tablesQuery))
}

// scanStrings reads the one text column of a query's rows.
func scanStrings(rows *sql.Rows, err error) ([]string, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
