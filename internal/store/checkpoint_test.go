package store

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/roster-cc/roster/internal/roster"
)

// TestCheckpointStartsTheWALOver: a checkpoint that runs while a write is
// under way (as it does under load) copies the WAL into the database file
// but leaves SQLite nothing to start the WAL over on; the committer then
// finishes it, and its next write starts the WAL over, so the WAL does not
// grow for ever.
func TestCheckpointStartsTheWALOver(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	write(t, s, func(tx roster.Tx) error {
		_, err := tx.(*Tx).exec(ctx, "CREATE TABLE scratch (b BLOB)")
		return err
	})
	for range 3 {
		write(t, s, fillScratch(500)) // over checkpointFrames in all
	}
	started := walStarts(t, dir)
	write(t, s, func(tx roster.Tx) error {
		// Another checkpoint (the background one) may hold the lock.
		for i := 0; i < 100 && !s.ckpt.finish.Load(); i++ {
			s.ckpt.round(ctx)
		}
		if !s.ckpt.finish.Load() {
			return errors.New("the checkpointer did not ask the committer to finish")
		}
		return fillScratch(10)(tx) // frames the checkpoint did not copy
	})
	write(t, s, fillScratch(1))
	if got := walStarts(t, dir); got == started {
		t.Errorf("the WAL was started over %d times before and after the checkpoint; want once more", got)
	}
}

// TestCheckpointerRunsAfterCommits: with nothing but writes going on, the
// checkpointer runs by itself and the WAL is started over.
func TestCheckpointerRunsAfterCommits(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	write(t, s, func(tx roster.Tx) error {
		_, err := tx.(*Tx).exec(ctx, "CREATE TABLE scratch (b BLOB)")
		return err
	})
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
