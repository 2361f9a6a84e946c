package store

import (
	"context"
	"sync"
	"testing"

	"github.com/roster-cc/roster/internal/roster"
)

// TestReadStopsWhenItsCallerGoes: a SQLite read whose caller goes away
// while its statement runs stops, and its reader ends the transaction: a
// reader left in it would answer every later read from the old snapshot.
func TestReadStopsWhenItsCallerGoes(t *testing.T) {
	s := groupsStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	err := s.Read(ctx, func(tx roster.Tx) error {
		if _, err := tx.GetNode(ctx, "GROUPS", "GROUPS"); err != nil { // the snapshot begins
			return err
		}
		cancelDuring.Store(&cancel)
		var n int
		return tx.(*Tx).queryRow(ctx, `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000)
			SELECT count(*) FROM c WHERE roster_test_cancel(x)`).Scan(&n)
	})
	if err == nil {
		t.Fatal("the read went on after its caller went away")
	}
	write(t, s, groupNode("N1"))

	// Every reader at once (each read waits for the others to begin), so
	// that the one the cancelled read used is among them.
	var begun sync.WaitGroup
	begun.Add(readers())
	errs := make(chan error, readers())
	for range readers() {
		go func() {
			entered := false
			err := s.Read(context.Background(), func(tx roster.Tx) error {
				entered = true
				begun.Done()
				begun.Wait()
				_, err := tx.GetNode(context.Background(), "GROUPS", "N1")
				return err
			})
			if !entered { // the read failed to begin: let the others go on
				begun.Done()
			}
			errs <- err
		}()
	}
	for range readers() {
		if err := <-errs; err != nil {
			t.Errorf("a read after the cancelled one: %v; want the node written after it", err)
		}
	}
}
