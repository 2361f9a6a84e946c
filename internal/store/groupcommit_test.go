package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/roster-cc/roster/internal/roster"
	sqlitedriver "modernc.org/sqlite"
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

// groupsStore opens a SQLite store with the account GROUPS.
func groupsStore(t *testing.T) *Store {
	t.Helper()
	s := mustOpen(t, "sqlite")
	write(t, s, func(tx roster.Tx) error {
		return tx.CreateAccount(context.Background(), &roster.Account{ID: "GROUPS", Name: "Groups"}, "p")
	})
	return s
}

// groupOf queues writes behind a write that holds the committer until they
// are all waiting, so that they run as one group, in order. It returns
// each write's answer.
func groupOf(t *testing.T, s *Store, fns ...func(tx roster.Tx) error) []error {
	t.Helper()
	ctx := context.Background()
	hold, held := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := s.Write(ctx, func(roster.Tx) error { close(held); <-hold; return nil }); err != nil {
			t.Errorf("the holding write: %v", err)
		}
	})
	<-held
	errs := make([]error, len(fns))
	for i, fn := range fns {
		wg.Go(func() { errs[i] = s.Write(ctx, fn) })
		for len(s.writes) < i+1 { // queued in this order
			time.Sleep(time.Millisecond)
		}
	}
	close(hold)
	wg.Wait()
	return errs
}

func groupNode(id string) func(tx roster.Tx) error {
	return func(tx roster.Tx) error {
		return tx.CreateNode(context.Background(), &roster.OrganizationNode{AccountID: "GROUPS", ID: id, Name: "n", ParentID: "GROUPS"})
	}
}

// nodesThere reports, for each id, whether its node exists.
func nodesThere(t *testing.T, s *Store, ids ...string) []bool {
	t.Helper()
	there := make([]bool, len(ids))
	read(t, s, func(tx roster.Tx) error {
		for i, id := range ids {
			_, err := tx.GetNode(context.Background(), "GROUPS", id)
			there[i] = err == nil
		}
		return nil
	})
	return there
}

// cancelDuring is called by the SQL function roster_test_cancel, which
// tests put in a statement to end its caller's context while it runs.
var cancelDuring atomic.Pointer[context.CancelFunc]

func init() {
	sqlitedriver.MustRegisterScalarFunction("roster_test_cancel", 1, func(_ *sqlitedriver.FunctionContext, args []driver.Value) (driver.Value, error) {
		if cancel := cancelDuring.Swap(nil); cancel != nil {
			(*cancel)()
			time.Sleep(50 * time.Millisecond) // for the driver to interrupt the statement, if it does
		}
		return int64(1), nil
	})
}

// TestGroupIgnoresCallersCancellation: a caller that goes away while its
// write's statement runs does not interrupt the statement. SQLite rolls
// back the whole transaction when a write statement is interrupted, and
// the group's other writes then ran outside it: committed one by one, and
// answered with the group's failed commit.
func TestGroupIgnoresCallersCancellation(t *testing.T) {
	s := groupsStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	slow := func(tx roster.Tx) error {
		if err := groupNode("N1")(tx); err != nil {
			return err
		}
		// A write statement whose caller goes away while it runs.
		cancelDuring.Store(&cancel)
		_, err := tx.(*Tx).exec(ctx, `UPDATE org_nodes SET name = 'slow' WHERE account_id = 'GROUPS' AND id = 'N1' AND
			(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000)
			SELECT count(*) FROM c WHERE roster_test_cancel(x)) > 0`)
		return err
	}
	errs := groupOf(t, s, groupNode("N0"), slow, groupNode("N2"))
	if ctx.Err() == nil {
		t.Fatal("the caller was not cancelled while its statement ran")
	}
	there := nodesThere(t, s, "N0", "N1", "N2")
	for i, err := range errs {
		if err != nil || !there[i] {
			t.Errorf("write %d: answer %v, committed %v; want it committed", i, err, there[i])
		}
	}
}

// TestGroupRunsAgainAfterLostTransaction: when a write leaves the group's
// transaction rolled back (SQLite does so on some errors: I/O, a full disk,
// no memory), the other writes of the group run again in a new one, and
// each answer tells what was committed: whether the write changed
// something before (the group is rolled back for it anyway) or not (the
// committer must find out that the transaction is gone).
func TestGroupRunsAgainAfterLostTransaction(t *testing.T) {
	for _, how := range []string{"wrote first", "wrote nothing", "went on"} {
		t.Run(how, func(t *testing.T) {
			s := groupsStore(t)
			lost := errors.New("the transaction is gone")
			rollback := func(tx roster.Tx) error {
				if how != "wrote nothing" {
					if err := groupNode("N1")(tx); err != nil {
						return err
					}
				}
				if _, err := tx.(*Tx).conn.ExecContext(context.Background(), "ROLLBACK"); err != nil {
					return err
				}
				if how == "went on" { // a failed statement the write ignores
					tx.(*Tx).exec(context.Background(), "SELECT * FROM no_such_table")
					return nil
				}
				return lost
			}
			errs := groupOf(t, s, groupNode("N0"), rollback, groupNode("N2"))
			there := nodesThere(t, s, "N0", "N1", "N2")
			if errs[1] == nil || how != "went on" && !errors.Is(errs[1], lost) || there[1] {
				t.Errorf("the write that lost the transaction: answer %v, committed %v; want an error and nothing", errs[1], there[1])
			}
			for _, i := range []int{0, 2} {
				if errs[i] != nil || !there[i] {
					t.Errorf("write %d: answer %v, committed %v; want it committed", i, errs[i], there[i])
				}
			}
		})
	}
}

// TestGroupUndoesWhatAFailedWriteChanged: in one group, a write that fails
// after changing something leaves nothing, one that fails before changing
// anything is answered alone, and the others commit, whichever comes
// first; a write run again (after the group was rolled back) sees only
// what was committed.
func TestGroupUndoesWhatAFailedWriteChanged(t *testing.T) {
	s := groupsStore(t)
	failed := errors.New("the use-case changed its mind")
	failAfter := func(id string) func(tx roster.Tx) error {
		return func(tx roster.Tx) error {
			if err := groupNode(id)(tx); err != nil {
				return err
			}
			return failed
		}
	}
	failBefore := func(tx roster.Tx) error {
		if _, err := tx.GetNode(context.Background(), "GROUPS", "GROUPS"); err != nil {
			return err
		}
		return failed
	}
	failReturning := func(tx roster.Tx) error { // a write by INSERT … RETURNING
		if _, _, err := tx.RecordLoginFailure(context.Background(), "GROUPS", "ann"); err != nil {
			return err
		}
		return failed
	}
	// In a group of its own: a rerun (under savepoints) would hide it.
	errs := groupOf(t, s, groupNode("N6"), failReturning, groupNode("N7"))
	if there := nodesThere(t, s, "N6", "N7"); errs[0] != nil || errs[2] != nil || !errors.Is(errs[1], failed) || !there[0] || !there[1] {
		t.Errorf("around a failed INSERT … RETURNING: answers %v, committed %v", errs, there)
	}
	errs = groupOf(t, s, groupNode("N0"), failBefore, failAfter("N2"), groupNode("N3"), failAfter("N4"), groupNode("N5"))
	there := nodesThere(t, s, "N0", "", "N2", "N3", "N4", "N5")
	read(t, s, func(tx roster.Tx) error {
		var n int
		if err := tx.(*Tx).queryRow(context.Background(), `SELECT COUNT(*) FROM login_failures`).Scan(&n); err != nil || n != 0 {
			t.Errorf("the failed write's login failure: %d rows, %v; want none", n, err)
		}
		return nil
	})
	for i, err := range errs {
		wantErr := i == 1 || i == 2 || i == 4
		if wantErr != errors.Is(err, failed) || (err == nil) != there[i] {
			t.Errorf("write %d: answer %v, committed %v; want failed=%v and committed=%v", i, err, there[i], wantErr, !wantErr)
		}
	}
}
