package store

import (
	"context"
	"database/sql"

	"github.com/roster-cc/roster/internal/roster"
)

// Group commit (SQLite). SQLite has one writer and each commit costs a WAL
// write, so concurrent writes are queued and a single committer runs the
// ones waiting together in one transaction, each under a savepoint of its
// own: a write that fails is rolled back alone, and the rest commit at
// once. Each caller gets its own answer, after the commit.

// maxGroup bounds a group: the first write of a group waits for at most
// this many others.
const maxGroup = 128

type writeReq struct {
	ctx  context.Context
	fn   func(roster.Tx) error
	done chan error
}

// startCommitter starts the goroutine that runs the queued writes.
func (s *Store) startCommitter() {
	s.writes = make(chan *writeReq, maxGroup)
	s.committerDone = make(chan struct{})
	go func() {
		defer close(s.committerDone)
		for {
			var first *writeReq
			select {
			case first = <-s.writes:
			case <-s.closed:
				return
			}
			group := []*writeReq{first}
		more:
			for len(group) < maxGroup {
				select {
				case r := <-s.writes:
					group = append(group, r)
				default:
					break more
				}
			}
			s.commitGroup(group)
		}
	}()
}

// queueWrite runs fn through the committer and waits for its answer.
func (s *Store) queueWrite(ctx context.Context, fn func(roster.Tx) error) error {
	closing := &roster.Error{Code: roster.EUNAVAILABLE, Message: "The database is closing; retry shortly."}
	r := &writeReq{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case s.writes <- r:
	case <-ctx.Done():
		return ctx.Err()
	case <-s.closed:
		return closing
	}
	// Once queued, the answer is awaited even if ctx ends: the write may
	// already be committed, and the caller must not be told otherwise.
	select {
	case err := <-r.done:
		return err
	case <-s.committerDone:
		select {
		case err := <-r.done: // answered before the committer stopped
			return err
		default: // never taken: nothing was written
			return closing
		}
	}
}

// commitGroup runs a group of writes in one transaction. A write whose
// caller has gone away before it started is skipped. The statements run
// without the callers' cancellation: interrupting one statement would
// roll back the whole group's transaction.
func (s *Store) commitGroup(group []*writeReq) {
	ctx := context.Background()
	answers := make([]error, len(group))
	sqltx, err := s.write.BeginTx(ctx, s.dialect.writeOpts)
	if err != nil {
		err = &roster.Error{Code: roster.EUNAVAILABLE, Message: "The database is not reachable; retry shortly.", Err: err}
		for _, r := range group {
			r.done <- err
		}
		return
	}
	// A write alone needs no savepoint: the transaction is its rollback,
	// and without one SQLite need not copy each page before changing it.
	run, alone := s.runSavepoint, len(group) == 1
	if alone {
		run = s.runAlone
	}
	var unprepared []string
	for i, r := range group {
		if r.ctx.Err() != nil {
			answers[i] = r.ctx.Err()
			continue
		}
		answers[i] = run(context.WithoutCancel(r.ctx), sqltx, r.fn, &unprepared)
	}
	if alone && answers[0] != nil {
		sqltx.Rollback()
	} else if err := sqltx.Commit(); err != nil {
		for i := range answers {
			if answers[i] == nil {
				answers[i] = err
			}
		}
	}
	if len(unprepared) > 0 {
		s.writeStmts.prepare(ctx, unprepared)
	}
	for i, r := range group {
		r.done <- s.wrap(answers[i])
	}
}

// runAlone runs the only write of a group.
func (s *Store) runAlone(ctx context.Context, sqltx *sql.Tx, fn func(roster.Tx) error, unprepared *[]string) error {
	t := &Tx{tx: sqltx, d: s.dialect, now: s.now().UTC(), stmts: s.writeStmts, writable: true}
	err := fn(t)
	*unprepared = append(*unprepared, t.unprepared...)
	return err
}

// runSavepoint runs one write of a group under a savepoint.
func (s *Store) runSavepoint(ctx context.Context, sqltx *sql.Tx, fn func(roster.Tx) error, unprepared *[]string) error {
	if _, err := sqltx.ExecContext(ctx, "SAVEPOINT w"); err != nil {
		return err
	}
	t := &Tx{tx: sqltx, d: s.dialect, now: s.now().UTC(), stmts: s.writeStmts, writable: true}
	err := fn(t)
	*unprepared = append(*unprepared, t.unprepared...)
	if err != nil {
		if _, rerr := sqltx.ExecContext(ctx, "ROLLBACK TO w"); rerr != nil {
			return rerr
		}
	}
	if _, rerr := sqltx.ExecContext(ctx, "RELEASE w"); rerr != nil && err == nil {
		return rerr
	}
	return err
}
