package store

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// maxStmts bounds the cache: queries built from filters vary, and each
// variant past the bound runs unprepared.
const maxStmts = 512

// stmtCache holds the prepared statements of one pool, or of the SQLite
// committer's connection, by query text.
type stmtCache struct {
	db    preparer
	mu    sync.RWMutex
	stmts map[string]*sql.Stmt
}

// preparer is a pool (*sql.DB) or a connection (*sql.Conn).
type preparer interface {
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

func newStmtCache(db preparer) *stmtCache {
	return &stmtCache{db: db, stmts: map[string]*sql.Stmt{}}
}

// get returns the prepared statement of q, or nil when it is not prepared
// yet (the caller runs q unprepared and calls prepare after its
// transaction: preparing on a pool needs a connection, and the
// transaction may hold the only one).
func (c *stmtCache) get(q string) *sql.Stmt {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.stmts[q]
}

// prepare prepares the queries not in the cache yet, while it has room. A
// query that cannot be prepared stays unprepared. The lock is not held while
// preparing: that waits for a connection, which another transaction may
// hold while it looks up its statements.
func (c *stmtCache) prepare(ctx context.Context, queries []string) {
	for _, q := range queries {
		c.mu.RLock()
		_, ok := c.stmts[q]
		full := len(c.stmts) >= maxStmts
		c.mu.RUnlock()
		if ok || full {
			continue
		}
		st, err := c.db.PrepareContext(ctx, q)
		if err != nil {
			continue
		}
		c.mu.Lock()
		if _, ok := c.stmts[q]; ok || len(c.stmts) >= maxStmts {
			st.Close()
		} else {
			c.stmts[q] = st
		}
		c.mu.Unlock()
	}
}

func (c *stmtCache) close() error {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for _, st := range c.stmts {
		errs = append(errs, st.Close())
	}
	c.stmts = map[string]*sql.Stmt{}
	return errors.Join(errs...)
}

// execPrepared runs q, a statement without arguments (BEGIN, COMMIT…), on
// conn, prepared once in stmts, the cache of conn's statements.
func execPrepared(ctx context.Context, conn *sql.Conn, stmts *stmtCache, q string) error {
	if st := stmts.get(q); st != nil {
		_, err := st.ExecContext(ctx)
		return err
	}
	_, err := conn.ExecContext(ctx, q)
	if err == nil {
		stmts.prepare(ctx, []string{q})
	}
	return err
}

// beginOn begins a transaction on conn with q (BEGIN, BEGIN IMMEDIATE).
// Should one have been left open (a failed ROLLBACK), it is rolled back
// first: one failure must not stop every transaction after it.
func beginOn(ctx context.Context, conn *sql.Conn, stmts *stmtCache, q string) error {
	err := execPrepared(ctx, conn, stmts, q)
	if err != nil {
		_ = execPrepared(ctx, conn, stmts, "ROLLBACK")
		err = execPrepared(ctx, conn, stmts, q)
	}
	return err
}
