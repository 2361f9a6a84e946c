package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/roster-cc/roster/internal/roster"
)

// TestConcurrentWritesAreIsolated: many writes at once (on SQLite they
// commit in groups) each get their own answer; one that fails after
// writing changes nothing, and the others of its group still commit.
func TestConcurrentWritesAreIsolated(t *testing.T) { forEachDB(t, testConcurrentWrites) }

func testConcurrentWrites(t *testing.T, s *Store) {
	ctx := context.Background()
	write(t, s, func(tx roster.Tx) error {
		return tx.CreateAccount(ctx, &roster.Account{ID: "GROUPS", Name: "Groups"}, "p")
	})
	failed := errors.New("the use-case changed its mind")
	const n = 64
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			errs[i] = s.Write(ctx, func(tx roster.Tx) error {
				node := &roster.OrganizationNode{AccountID: "GROUPS", ID: fmt.Sprintf("N%05d", i), Name: "n", ParentID: "GROUPS"}
				if err := tx.CreateNode(ctx, node); err != nil {
					return err
				}
				if i%3 == 0 {
					return failed // after its insert
				}
				if i%3 == 1 { // a duplicate: a constraint error inside the group
					return tx.CreateNode(ctx, node)
				}
				return nil
			})
		})
	}
	wg.Wait()
	read(t, s, func(tx roster.Tx) error {
		for i := range n {
			_, err := tx.GetNode(ctx, "GROUPS", fmt.Sprintf("N%05d", i))
			switch i % 3 {
			case 0:
				if !errors.Is(errs[i], failed) || roster.ErrorCode(err) != roster.ENOTFOUND {
					t.Errorf("write %d failed on purpose: answer %v, node %v; want its own error and no node", i, errs[i], err)
				}
			case 1:
				if roster.ErrorCode(errs[i]) != roster.ECONFLICT || roster.ErrorCode(err) != roster.ENOTFOUND {
					t.Errorf("write %d hit a constraint: answer %v, node %v; want a conflict and no node", i, errs[i], err)
				}
			default:
				if errs[i] != nil || err != nil {
					t.Errorf("write %d: answer %v, node %v; want it committed", i, errs[i], err)
				}
			}
		}
		return nil
	})
}
