package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"

	"github.com/roster-cc/roster/internal/roster"
)

// SQLite reads run on a fixed set of connections, each held for good with
// the statements prepared on it, in transactions begun and ended by
// prepared statements. A database/sql Tx would start a goroutine for the
// transaction, parse BEGIN and COMMIT again each time, and bind each
// prepared statement to the transaction anew: together more than a read
// of one row costs (get: +10-15% without them).

// reader is one of the readers' connections.
type reader struct {
	conn  *sql.Conn
	stmts *stmtCache
}

// openReaders takes n connections of db for good.
func openReaders(ctx context.Context, db *sql.DB, n int) (chan *reader, error) {
	rs := make(chan *reader, n)
	for range n {
		conn, err := db.Conn(ctx)
		if err != nil {
			return nil, errors.Join(err, closeReaders(rs))
		}
		rs <- &reader{conn: conn, stmts: newStmtCache(conn)}
	}
	return rs, nil
}

// closeReaders closes the readers' connections; none may be in use.
func closeReaders(rs chan *reader) error {
	if rs == nil {
		return nil
	}
	var errs []error
	for len(rs) > 0 {
		r := <-rs
		errs = append(errs, r.stmts.close(), r.conn.Close())
	}
	return errors.Join(errs...)
}

// readOn runs fn in a read transaction on one of the readers. Its
// statements run under ctx, so a read whose caller goes away stops; the
// transaction is ended whatever happened, so that no reader keeps an old
// snapshot (which would also keep the WAL from starting over).
func (s *Store) readOn(ctx context.Context, fn func(roster.Tx) error) error {
	var r *reader
	select {
	case r = <-s.readers:
	case <-ctx.Done():
		return ctx.Err()
	case <-s.closed:
		return &roster.Error{Code: roster.EUNAVAILABLE, Message: "The database is closing; retry shortly."}
	}
	defer func() { s.readers <- r }()
	bg := context.WithoutCancel(ctx)
	if err := beginOn(bg, r.conn, r.stmts, "BEGIN"); err != nil {
		return &roster.Error{Code: roster.EUNAVAILABLE, Message: "The database is not reachable; retry shortly.", Err: err}
	}
	t := &Tx{conn: r.conn, d: s.dialect, now: s.now().UTC(), stmts: r.stmts}
	err := fn(t)
	if cerr := execPrepared(bg, r.conn, r.stmts, "COMMIT"); cerr != nil {
		_ = execPrepared(bg, r.conn, r.stmts, "ROLLBACK")
		err = cmp.Or(err, cerr)
	}
	if len(t.unprepared) > 0 {
		r.stmts.prepare(bg, t.unprepared)
	}
	return s.wrap(err)
}
