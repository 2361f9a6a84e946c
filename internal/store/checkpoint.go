package store

import (
	"context"
	"database/sql"
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
// over only when a write begins with every frame of it copied, which,
// with writes going on, never happens after a checkpoint on another
// connection. So the checkpointer then asks the committer to finish, and
// between two groups the committer copies the frames written since
// (another PASSIVE checkpoint); its next write starts the WAL over.
// Under load the WAL holds about checkpointEvery of writes (~40 MiB at
// 4,000 creates a second; 130 MiB at most seen), and the committer stops
// about four times a second to copy ~1,000 frames (5-10 ms), where it
// stopped 40 times a second for as many frames and longer fsyncs.

const (
	// checkpointEvery is how long after a commit the checkpointer runs.
	checkpointEvery = 250 * time.Millisecond
	// checkpointFrames is SQLite's own checkpoint size. The checkpointer
	// copies again while more frames than this are left (checkpointTries
	// times at most: should the writes outpace it, the WAL grows until the
	// next round), and asks the committer to finish when the WAL holds at
	// least this many and at most this many are left, so a write waits for
	// no more copying than SQLite's own checkpoint would make it wait for.
	checkpointFrames = 1000
	checkpointTries  = 4
)

type checkpointer struct {
	conn      *sql.DB       // the checkpointer's own connection
	committed chan struct{} // a group committed (capacity 1)
	finish    atomic.Bool   // the committer should finish a checkpoint
	done      chan struct{} // closed when run returns
}

func newCheckpointer(conn *sql.DB) *checkpointer {
	conn.SetMaxOpenConns(1)
	conn.SetConnMaxIdleTime(0)
	return &checkpointer{conn: conn, committed: make(chan struct{}, 1), done: make(chan struct{})}
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
// finish (see checkpointFrames). A checkpoint that fails (another
// process's checkpoint is running, say) is left to the next round.
func (c *checkpointer) round(ctx context.Context) {
	var frames, copied int
	for range checkpointTries {
		var busy int
		err := c.conn.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &copied)
		if err != nil || busy != 0 {
			return
		}
		if frames-copied <= checkpointFrames {
			break
		}
	}
	if frames >= checkpointFrames && frames-copied <= checkpointFrames {
		c.finish.Store(true)
	}
}

// afterGroup runs on the committer after each group: it tells the
// checkpointer of the commit, and finishes a checkpoint when asked to.
func (c *checkpointer) afterGroup(writer *sql.DB) {
	select {
	case c.committed <- struct{}{}:
	default:
	}
	if c.finish.Swap(false) {
		// An error leaves the WAL to the next round.
		writer.ExecContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)")
	}
}
