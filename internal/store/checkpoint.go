package store

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"
)

// Checkpoints (SQLite). A commit appends the pages it changed to the WAL;
// a checkpoint copies them into the database file, with an fsync of each,
// so that SQLite can start the WAL over. SQLite's own checkpoint runs on
// the committing connection every 1,000 pages: on the committer, where its
// copying and its two fsyncs (~4 ms each here) held up every write queued
// behind it, 40 times a second under load.
//
// Here the writer never checkpoints on its own (wal_autocheckpoint(0)).
// A checkpointer with a connection of its own copies the WAL into the
// database file while the committer goes on writing and readers go on
// reading (a PASSIVE checkpoint waits for no one). SQLite starts the WAL
// over when a write begins with every frame of it copied and no read in
// progress still reading frames of it; with writes going on, that never
// happens after a checkpoint on another connection. So the checkpointer
// then asks the committer to finish: between two groups the committer
// copies the frames written since and waits (restartWait at most) for the
// reads that began before to end (a RESTART checkpoint; reads that begin
// meanwhile read the database file alone), and its next write starts the
// WAL over. Under load the WAL holds about checkpointEvery of writes
// (~40 MiB at 4,000 creates a second), and the committer stops about four
// times a second to copy the frames written during a checkpoint (700-1,600
// here), where it stopped 40 times a second to copy 1,000 frames with
// longer fsyncs. A read that lasts longer than restartWait keeps the WAL
// from starting over until a later round (as it did SQLite's own
// checkpoint): the WAL grows meanwhile.
//
// Several processes on one database file each run a checkpointer; a
// checkpoint that finds another one running is left to the next round.

const (
	// checkpointEvery is how long after a commit the checkpointer runs.
	checkpointEvery = 250 * time.Millisecond
	// checkpointFrames is SQLite's own checkpoint size. The committer
	// finishes a checkpoint when the WAL holds at least this many frames
	// and at most this many are left to copy, so that a write waits for no
	// more copying than SQLite's own checkpoint would make it wait for.
	checkpointFrames = 1000
	// checkpointTries bounds the checkpointer's copies in one round: it
	// copies again while more than checkpointFrames are left and the last
	// copy made progress (a read holding an old snapshot stops it).
	checkpointTries = 4
	// restartWait is how long the committer waits for reads to leave the
	// WAL when it finishes a checkpoint (GETs take about a millisecond).
	restartWait = 20 * time.Millisecond
	// walWarnFrames is when a WAL that does not start over is logged
	// (1 GiB at 4 KiB pages), at most once a minute.
	walWarnFrames = 1 << 18
)

type checkpointer struct {
	pool        *sql.DB // the checkpointer's own connection
	log         *slog.Logger
	restartWait time.Duration // restartWait; a test waits longer
	committed   chan struct{} // a group committed (capacity 1)
	finish      atomic.Bool   // the committer should finish a checkpoint
	done        chan struct{} // closed when run returns, or at once if it never runs
	warned      atomic.Int64  // when the last warning was logged (Unix ns)
}

func newCheckpointer(pool *sql.DB, log *slog.Logger) *checkpointer {
	pool.SetMaxOpenConns(1)
	pool.SetConnMaxIdleTime(0)
	return &checkpointer{pool: pool, log: log, restartWait: restartWait,
		committed: make(chan struct{}, 1), done: make(chan struct{})}
}

// run checkpoints a while after each commit until closed is closed.
func (c *checkpointer) run(closed <-chan struct{}) {
	defer close(c.done)
	for {
		select {
		case <-c.committed:
		case <-closed:
			return
		}
		select {
		case <-time.After(checkpointEvery):
		case <-closed:
			return
		}
		c.round(context.Background())
	}
}

// round copies the WAL into the database file and asks the committer to
// finish (see checkpointFrames).
func (c *checkpointer) round(ctx context.Context) {
	frames, copied := 0, -1
	for range checkpointTries {
		var busy, n int
		err := c.pool.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &n)
		if err != nil {
			c.warn("SQLite checkpoint failed; the WAL grows until one succeeds", "err", err)
			return
		}
		if busy != 0 { // another process's checkpoint is running
			return
		}
		progress := n > copied
		copied = n
		if frames-copied <= checkpointFrames || !progress {
			break
		}
	}
	if frames >= walWarnFrames {
		c.warn("the SQLite WAL has not started over (a long read may be holding it)", "walFrames", frames)
	}
	if frames >= checkpointFrames && frames-copied <= checkpointFrames {
		c.finish.Store(true)
	}
}

// afterGroup runs on the committer after each group: it tells the
// checkpointer of the commit, and finishes a checkpoint when asked to.
func (c *checkpointer) afterGroup(writer *sql.Conn) {
	select {
	case c.committed <- struct{}{}:
	default:
	}
	if c.finish.Swap(false) {
		if err := c.restart(writer); err != nil {
			c.warn("SQLite checkpoint failed on the writer; the WAL grows until one succeeds", "err", err)
		}
	}
}

// restart finishes a checkpoint on the writer's connection: a RESTART
// checkpoint waiting at most c.restartWait for the reads in the WAL to
// end. Should they not end, the WAL is left to the next round.
func (c *checkpointer) restart(conn *sql.Conn) error {
	ctx := context.Background()
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", c.restartWait.Milliseconds())); err != nil {
		return err
	}
	var busy, frames, copied int
	err := conn.QueryRowContext(ctx, "PRAGMA wal_checkpoint(RESTART)").Scan(&busy, &frames, &copied)
	if _, rerr := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", busyTimeout.Milliseconds())); rerr != nil {
		return rerr
	}
	return err
}

// warn logs a checkpoint problem, at most once a minute.
func (c *checkpointer) warn(msg string, args ...any) {
	now, last := time.Now().UnixNano(), c.warned.Load()
	if now-last < int64(time.Minute) || !c.warned.CompareAndSwap(last, now) {
		return
	}
	c.log.Warn(msg, args...)
}
