package store

import (
	"cmp"
	"context"
	"errors"

	"github.com/roster-cc/roster/internal/roster"
)

// Group commit (SQLite). SQLite has one writer and each commit costs a WAL
// write, so concurrent writes are queued and a single committer runs the
// ones waiting together in one transaction: a write that fails changes
// nothing, and the rest commit at once (see commitGroup). Each caller gets
// its own answer, after the commit.

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
			s.ckpt.afterGroup(s.wconn)
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

// commitGroup runs a group of writes in one transaction and answers each
// write after the commit. A write whose caller has gone away before it
// started is skipped.
//
// The writes run one after the other, with no savepoint of their own: a
// savepoint makes SQLite copy each page before a write first changes it,
// about a tenth of the committer's time, and most failing writes fail
// before they change anything. A write that fails after changing
// something is answered with its error, and the group's transaction is
// rolled back: the others run again in a new one, each under a savepoint
// this time. So does a write that loses the transaction (SQLite rolls it
// back on some errors: I/O, a full disk, no memory), which must not be
// missed: a write run after the loss would run outside any transaction,
// committed at once and then answered with the failed commit. SQLite only
// rolls back on an error of a statement; a write that goes on after one
// is checked too (Tx.failed) and answered with an error if the
// transaction is gone.
func (s *Store) commitGroup(group []*writeReq) {
	for savepoints := false; len(group) > 0; savepoints = true {
		group = s.tryGroup(group, savepoints)
	}
}

// tryGroup runs the group in one transaction and answers its writes, or,
// when a write's failure cannot be undone alone (runWrite), answers that
// write and those that failed before it (they changed nothing) and returns
// the others, to run again.
func (s *Store) tryGroup(group []*writeReq, savepoints bool) (again []*writeReq) {
	ctx := context.Background()
	answers := make([]error, len(group))
	if err := beginOn(ctx, s.wconn, s.writeStmts, "BEGIN IMMEDIATE"); err != nil {
		err = &roster.Error{Code: roster.EUNAVAILABLE, Message: "The database is not reachable; retry shortly.", Err: err}
		for _, r := range group {
			r.done <- err
		}
		return nil
	}
	// A write alone needs no savepoint: the transaction is its rollback.
	savepoints = savepoints && len(group) > 1
	var unprepared []string
	defer func() { s.writeStmts.prepare(ctx, unprepared) }()
	committed := false
	for i, r := range group {
		if r.ctx.Err() != nil {
			answers[i] = r.ctx.Err()
			continue
		}
		var undo bool
		// The statements run without the caller's cancellation: SQLite
		// rolls back the whole transaction when a write is interrupted.
		undo, answers[i] = s.runWrite(context.WithoutCancel(r.ctx), r.fn, savepoints, &unprepared)
		if undo {
			s.rollback(ctx)
			for j, o := range group {
				if j < i && answers[j] == nil || j > i {
					again = append(again, o)
				} else {
					o.done <- s.wrap(answers[j])
				}
			}
			return again
		}
		committed = committed || answers[i] == nil
	}
	if !committed {
		s.rollback(ctx)
	} else if err := s.ctl(ctx, "COMMIT"); err != nil {
		s.rollback(ctx) // a failed COMMIT may leave the transaction open
		for i := range answers {
			if answers[i] == nil {
				answers[i] = err
			}
		}
	}
	for i, r := range group {
		r.done <- s.wrap(answers[i])
	}
	return nil
}

// runWrite runs one write of a group, under a savepoint of its own when
// savepoint is set. It reports undo when the write failed and its failure
// cannot be undone alone: it changed something (without a savepoint), its
// savepoint is gone, or the transaction is.
func (s *Store) runWrite(ctx context.Context, fn func(roster.Tx) error, savepoint bool, unprepared *[]string) (undo bool, err error) {
	if savepoint {
		if err = s.ctl(ctx, "SAVEPOINT w"); err != nil {
			return true, err
		}
	}
	t := &Tx{conn: s.wconn, d: s.dialect, now: s.now().UTC(), stmts: s.writeStmts, writable: true, detached: ctx}
	err = fn(t)
	*unprepared = append(*unprepared, t.unprepared...)
	switch {
	case savepoint:
		if err != nil {
			if rerr := s.ctl(ctx, "ROLLBACK TO w"); rerr != nil {
				return true, err
			}
		}
		if rerr := s.ctl(ctx, "RELEASE w"); rerr != nil {
			return true, cmp.Or(err, rerr)
		}
		return false, err
	case err == nil && t.failed && s.lost(ctx):
		// A statement failed, the write went on, and SQLite had rolled
		// the transaction back: what the write did after is not in it.
		return true, &roster.Error{Code: roster.EUNAVAILABLE, Message: "The database failed the write; retry shortly.",
			Err: errors.New("the write went on after SQLite rolled its transaction back")}
	case err == nil:
		return false, nil
	default:
		return t.wrote || s.lost(ctx), err
	}
}

// lost reports whether SQLite has rolled back the committer's
// transaction: BEGIN fails inside one. Should it begin one, the caller
// rolls it back.
func (s *Store) lost(ctx context.Context) bool {
	return s.ctl(ctx, "BEGIN") == nil
}

// ctl runs a transaction control statement on the committer's connection.
func (s *Store) ctl(ctx context.Context, q string) error {
	return execPrepared(ctx, s.wconn, s.writeStmts, q)
}

// rollback ends the committer's transaction. It fails only when SQLite
// has already rolled the transaction back, which is what it is for.
func (s *Store) rollback(ctx context.Context) { _ = s.ctl(ctx, "ROLLBACK") }
