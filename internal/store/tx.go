package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
)

// Tx is one transaction. It implements roster.Tx; every query is scoped by
// the account id it is given.
type Tx struct {
	tx *sql.Tx
	// conn, instead of tx, runs a write of a SQLite group: the committer's
	// connection, in the transaction the committer began (groupcommit.go).
	// Its statements are prepared on it and used as they are.
	conn       *sql.Conn
	d          dialect
	now        time.Time
	stmts      *stmtCache
	unprepared []string // queries to prepare once the transaction is over
	writable   bool
	// wrote is set once a statement that may change something has run:
	// any but a SELECT; failed once a statement has failed (commitGroup).
	wrote, failed bool
	// detached, when set, is the context every statement runs under
	// instead of the one it is given: a write of a SQLite group must not
	// be interrupted by its caller (see commitGroup).
	detached context.Context
}

// LockScope makes write transactions that lock the same scope (an account
// id) run one after the other, so that a use-case's reads and writes are
// not interleaved with another's. SQLite has a single writer: no-op.
func (t *Tx) LockScope(ctx context.Context, scope string) error {
	if t.d.lockScope == "" {
		return nil
	}
	_, err := t.exec(ctx, t.d.lockScope, scope)
	return err
}

// Now is the transaction's clock reading, the same for every write in it.
func (t *Tx) Now() time.Time { return t.now }

func (t *Tx) exec(ctx context.Context, q string, args ...any) (res sql.Result, err error) {
	ctx = t.ctx(ctx)
	t.wrote = true
	defer func() { t.failed = t.failed || err != nil }()
	if st := t.stmt(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.db().ExecContext(ctx, t.d.rebind(q), args...)
}

func (t *Tx) query(ctx context.Context, q string, args ...any) (rows *sql.Rows, err error) {
	ctx = t.ctx(ctx)
	t.wrote = t.wrote || !isSelect(q)
	defer func() { t.failed = t.failed || err != nil }()
	if st := t.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.db().QueryContext(ctx, t.d.rebind(q), args...)
}

func (t *Tx) queryRow(ctx context.Context, q string, args ...any) row {
	ctx = t.ctx(ctx)
	t.wrote = t.wrote || !isSelect(q)
	if st := t.stmt(ctx, q); st != nil {
		return row{st.QueryRowContext(ctx, args...), t}
	}
	return row{t.db().QueryRowContext(ctx, t.d.rebind(q), args...), t}
}

// querier runs statements: a *sql.Tx or a *sql.Conn.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// db is what runs the transaction's statements.
func (t *Tx) db() querier {
	if t.tx == nil {
		return t.conn
	}
	return t.tx
}

// row is a statement's one row; its Scan tells its Tx of a failed
// statement (no row is not a failure).
type row struct {
	r *sql.Row
	t *Tx
}

func (r row) Scan(dest ...any) error {
	err := r.r.Scan(dest...)
	r.t.failed = r.t.failed || err != nil && !errors.Is(err, sql.ErrNoRows)
	return err
}

// isSelect reports whether q is a SELECT, which changes nothing in
// SQLite. Any other statement might (WITH may begin an INSERT).
func isSelect(q string) bool {
	q = strings.TrimLeft(q, " \t\n")
	return len(q) >= 6 && strings.EqualFold(q[:6], "SELECT")
}

// ctx is the context a statement runs under: ctx, or the transaction's
// own when it is detached from its caller's.
func (t *Tx) ctx(ctx context.Context) context.Context {
	if t.detached != nil {
		return t.detached
	}
	return ctx
}

// stmt returns the transaction's use of the prepared statement of q, or
// nil when q is not prepared yet.
func (t *Tx) stmt(ctx context.Context, q string) *sql.Stmt {
	if t.stmts == nil {
		return nil
	}
	st := t.stmts.get(t.d.rebind(q))
	if st == nil {
		if len(t.unprepared) < 64 {
			t.unprepared = append(t.unprepared, t.d.rebind(q))
		}
		return nil
	}
	if t.tx == nil {
		return st // prepared on t.conn
	}
	return t.tx.StmtContext(ctx, st)
}
