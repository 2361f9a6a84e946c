package store

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/roster-cc/roster/internal/roster"
)

// TestCheckpointStartsTheWALOver: the writer does not checkpoint by
// itself; a checkpoint that runs while a write is under way (as it does
// under load) copies the WAL into the database file but leaves SQLite
// nothing to start the WAL over on; the committer then finishes it,
// waiting for a read that was reading the WAL, and its next write starts
// the WAL over, so the WAL does not grow for ever.
func TestCheckpointStartsTheWALOver(t *testing.T) {
	ctx := context.Background()
	s, dir := openScratch(t, false)
	s.ckpt.restartWait = 5 * time.Second // slow machines: the read below ends after 5 ms
	for range 3 {
		write(t, s, fillScratch(500)) // over checkpointFrames in all
	}
	if got := walStarts(t, dir); got != 0 {
		t.Fatalf("the WAL was started over %d times by the writes alone; want none (the writer does not checkpoint)", got)
	}
	reading, release, readDone := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() { // a read of a snapshot in the WAL, in progress when the committer finishes
		readDone <- s.Read(ctx, func(tx roster.Tx) error {
			var n int
			err := tx.(*Tx).queryRow(ctx, "SELECT count(*) FROM scratch").Scan(&n)
			close(reading)
			<-release
			return err
		})
	}()
	<-reading
	write(t, s, func(tx roster.Tx) error {
		s.ckpt.round(ctx)
		if !s.ckpt.finish.Load() {
			return errors.New("the checkpointer did not ask the committer to finish")
		}
		return fillScratch(10)(tx) // frames the checkpoint did not copy
	})
	time.AfterFunc(5*time.Millisecond, func() { close(release) })
	write(t, s, fillScratch(1))
	if err := <-readDone; err != nil {
		t.Fatal(err)
	}
	if got := walStarts(t, dir); got != 1 {
		t.Errorf("the WAL was started over %d times; want once, after the committer finished the checkpoint", got)
	}
}

// openScratch opens a SQLite store with a table scratch; background tells
// whether its checkpointer runs by itself.
func openScratch(t *testing.T, background bool) (*Store, string) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	s, err := openSQLite(ctx, dir, slog.New(slog.DiscardHandler), background)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx, MigrateUp); err != nil {
		t.Fatal(err)
	}
	write(t, s, func(tx roster.Tx) error {
		_, err := tx.(*Tx).exec(ctx, "CREATE TABLE scratch (b BLOB)")
		return err
	})
	return s, dir
}

// TestCheckpointerRunsAfterCommits: with nothing but writes going on, the
// checkpointer runs by itself and the WAL is started over.
func TestCheckpointerRunsAfterCommits(t *testing.T) {
	s, dir := openScratch(t, true)
	write(t, s, fillScratch(2*checkpointFrames))
	started := walStarts(t, dir)
	deadline := time.Now().Add(time.Minute)
	for walStarts(t, dir) == started {
		if time.Now().After(deadline) {
			t.Fatal("the WAL was not started over within a minute of writes")
		}
		write(t, s, fillScratch(1))
		time.Sleep(10 * time.Millisecond)
	}
}

// fillScratch inserts rows of about a page each into the table scratch.
func fillScratch(pages int) func(tx roster.Tx) error {
	return func(tx roster.Tx) error {
		for range pages {
			_, err := tx.(*Tx).exec(context.Background(), "INSERT INTO scratch (b) VALUES (?)", rand.Text()+string(make([]byte, 3000)))
			if err != nil {
				return err
			}
		}
		return nil
	}
}

// walStarts reads how many times SQLite has started the WAL over: the
// checkpoint sequence number of its header.
func walStarts(t *testing.T, dir string) uint32 {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "roster.db-wal"))
	if err != nil || len(b) < 32 {
		t.Fatalf("read the WAL header: %v (%d bytes)", err, len(b))
	}
	return binary.BigEndian.Uint32(b[12:16])
}
