package store

import (
	"context"
	"testing"

	"github.com/roster-cc/roster/internal/roster"
)

func mustOpen(t *testing.T) *Store {
	t.Helper()
	s, err := OpenSQLite(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

var _ roster.Tx = (*Tx)(nil)

// TestTenantIsolation: what one account writes, another cannot read,
// list, find in use or count.
func TestTenantIsolation(t *testing.T) {
	s := mustOpen(t)
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

// TestMigrateRefusesNewerSchema: a database migrated by a newer roster is
// not opened by an older one.
func TestMigrateRefusesNewerSchema(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenSQLite(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.write.Exec(`INSERT INTO schema_migrations (version, applied_at) VALUES (99, 0)`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := OpenSQLite(context.Background(), dir); err == nil {
		t.Fatal("opening a schema newer than the binary knows: want an error")
	}
}
