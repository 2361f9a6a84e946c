package store

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/roster-cc/roster/internal/dbtest"

	"github.com/roster-cc/roster/internal/roster"
)

// forEachDB runs the test against SQLite and, when configured, PostgreSQL,
// each time on a fresh database.
func forEachDB(t *testing.T, test func(t *testing.T, s *Store)) {
	for _, backend := range dbtest.Backends() {
		t.Run(backend, func(t *testing.T) {
			test(t, mustOpen(t, backend))
		})
	}
}

func mustOpen(t testing.TB, backend string) *Store {
	t.Helper()
	url := ""
	if backend == "postgres" {
		url = dbtest.PostgresURL(t)
	}
	s, err := Open(context.Background(), url, t.TempDir(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

var _ roster.Tx = (*Tx)(nil)

// TestTenantIsolation: what one account writes, another cannot read,
// list, find in use or count.
func TestTenantIsolation(t *testing.T) { forEachDB(t, testTenantIsolation) }

func testTenantIsolation(t *testing.T, s *Store) {
	ctx := context.Background()
	err := s.Write(ctx, func(tx roster.Tx) error {
		for _, id := range []string{"AAAAAA", "BBBBBB"} {
			if err := tx.CreateAccount(ctx, &roster.Account{ID: id, Name: id}, "p"); err != nil {
				return err
			}
		}
		if err := tx.CreateGroup(ctx, &roster.Group{AccountID: "AAAAAA", ID: "g", Name: "G"}); err != nil {
			return err
		}
		if _, err := tx.PutQueue(ctx, &roster.Queue{AccountID: "AAAAAA", ID: "q", Name: "Q"}); err != nil {
			return err
		}
		p := &roster.Profile{AccountID: "AAAAAA", ID: "PPPPPP", Name: "P", MemberOfGroups: []string{"g"}}
		if err := tx.CreateProfile(ctx, p, roster.ProfileChange{Action: roster.ActionAdd, Since: 1}); err != nil {
			return err
		}
		return tx.CreateUser(ctx, &roster.User{AccountID: "AAAAAA", ID: "u", OrganizationNodeID: "AAAAAA", LoginID: "x",
			FirstName: "Ab", LastName: "Cd", ProfileID: "PPPPPP", Roles: []string{"Agent"}})
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Read(ctx, func(tx roster.Tx) error {
		const b = "BBBBBB"
		for what, err := range map[string]error{
			"user":    second(tx.GetUser(ctx, b, "u")),
			"profile": second(tx.GetProfile(ctx, b, "PPPPPP")),
			"group":   second(tx.GetGroup(ctx, b, "g")),
			"queue":   second(tx.GetQueue(ctx, b, "q")),
			"node":    second(tx.GetNode(ctx, b, "AAAAAA")),
		} {
			if roster.ErrorCode(err) != roster.ENOTFOUND {
				t.Errorf("account B reading A's %s: err %v, want ENOTFOUND", what, err)
			}
		}
		users, err := tx.ListUsers(ctx, b, roster.UserFilter{Page: 1, PageSize: 10,
			Where: &roster.Condition{Key: "groupId", Operator: roster.OpEquals, Value: "g"}})
		if err != nil || users.Total != 0 {
			t.Errorf("account B lists A's group members: %+v, %v", users, err)
		}
		for what, f := range map[string]func(context.Context, string, string) (bool, error){
			"group": tx.GroupInUse, "queue": tx.QueueInUse, "profile": tx.ProfileInUse,
		} {
			if used, err := f(ctx, b, map[string]string{"group": "g", "queue": "q", "profile": "PPPPPP"}[what]); used || err != nil {
				t.Errorf("account B sees A's %s in use: %v %v", what, used, err)
			}
		}
		if taken, _ := tx.LoginTaken(ctx, b, "X", ""); taken {
			t.Error("account B sees A's loginId as taken")
		}
		a, err := tx.ListUsers(ctx, "AAAAAA", roster.UserFilter{Page: 1, PageSize: 10,
			Where: &roster.Condition{Key: "groupId", Operator: roster.OpEquals, Value: "g"}})
		if err != nil || a.Total != 1 {
			t.Errorf("account A's own group members: %+v, %v; want the user (inherited from the profile)", a, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func second[T any](_ T, err error) error { return err }

// TestMigrations: up from empty, down to zero, up again; a schema newer
// than the program is refused.
func TestMigrations(t *testing.T) { forEachDB(t, testMigrations) }

func testMigrations(t *testing.T, s *Store) {
	ctx := context.Background()
	st, err := s.Migrate(ctx, MigrateStatus)
	if err != nil || st.Current != st.Known || st.Known < 1 {
		t.Fatalf("after Open: %+v, %v; want the newest version", st, err)
	}
	for st.Current > 0 {
		if st, err = s.Migrate(ctx, MigrateDown); err != nil {
			t.Fatalf("down: %v", err)
		}
	}
	if counts, err := s.TableContents(ctx); err != nil || len(counts) != 1 {
		t.Fatalf("tables after down to zero = %v, %v; want only schema_migrations", counts, err)
	}
	if st, err = s.Migrate(ctx, MigrateUp); err != nil || st.Current != st.Known {
		t.Fatalf("up again: %+v, %v", st, err)
	}
	if err := s.Write(ctx, func(tx roster.Tx) error {
		return tx.CreateAccount(ctx, &roster.Account{ID: "AAAAAA", Name: "A"}, "p")
	}); err != nil {
		t.Fatalf("the schema after down and up does not work: %v", err)
	}
	if _, err := s.write.Exec(`INSERT INTO schema_migrations (version, applied_at) VALUES (99, 0)`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Migrate(ctx, MigrateUp); err == nil || !strings.Contains(err.Error(), "newer roster") {
		t.Fatalf("migrating a schema newer than the program: err %v, want a refusal", err)
	}
}

// TestConcurrentMigrations: replicas starting at once on an empty
// database all succeed; one migrates, the others find it done.
func TestConcurrentMigrations(t *testing.T) {
	for _, backend := range dbtest.Backends() {
		t.Run(backend, func(t *testing.T) {
			url, dir := "", t.TempDir()
			if backend == "postgres" {
				url = dbtest.PostgresURL(t)
			}
			errs := make(chan error, 3)
			for range 3 {
				go func() {
					s, err := Open(context.Background(), url, dir, slog.New(slog.DiscardHandler))
					if err == nil {
						s.Close()
					}
					errs <- err
				}()
			}
			for range 3 {
				if err := <-errs; err != nil {
					t.Errorf("a replica failed to start: %v", err)
				}
			}
		})
	}
}
