package store

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/roster-cc/roster/internal/roster"
)

// TestDialectState: the core fields the other dialects show survive a
// round trip (archived, mustChangePassword, extensions, the last login),
// the lockout state reads per login, and a login name finds its accounts.
func TestDialectState(t *testing.T) { forEachDB(t, testDialectState) }

func testDialectState(t *testing.T, s *Store) {
	ctx := context.Background()
	ext := roster.Extensions{roster.DialectVonage: json.RawMessage(`{"email":"a@example.com"}`)}
	write(t, s, func(tx roster.Tx) error {
		for _, acct := range []string{"DIALEA", "DIALEB"} {
			if err := tx.CreateAccount(ctx, &roster.Account{ID: acct, Name: acct}, "p"); err != nil {
				return err
			}
		}
		for _, u := range []*roster.User{
			{AccountID: "DIALEA", ID: "u1", OrganizationNodeID: "DIALEA", LoginID: "Ann@Example.com", FirstName: "A", LastName: "N",
				Archived: true, MustChangePassword: true, Extensions: ext},
			{AccountID: "DIALEA", ID: "u2", OrganizationNodeID: "DIALEA", LoginID: "both", FirstName: "B", LastName: "O"},
			{AccountID: "DIALEB", ID: "u3", OrganizationNodeID: "DIALEB", LoginID: "BOTH", FirstName: "B", LastName: "O"},
		} {
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
		}
		if err := tx.SetLastLogin(ctx, "DIALEA", "u1"); err != nil {
			return err
		}
		if _, _, err := tx.RecordLoginFailure(ctx, "DIALEA", "ann@example.com"); err != nil {
			return err
		}
		if _, _, err := tx.RecordLoginFailure(ctx, "DIALEA", "both"); err != nil { // counted, not locked
			return err
		}
		return tx.LockLogin(ctx, "DIALEA", "ann@example.com", tx.Now().Add(time.Minute))
	})
	read(t, s, func(tx roster.Tx) error {
		u, err := tx.GetUser(ctx, "DIALEA", "u1")
		if err != nil {
			return err
		}
		if !u.Archived || !u.MustChangePassword || !cmp.Equal(u.Extensions, ext) || u.LastLoginAt.IsZero() {
			t.Errorf("stored user: archived %v, mustChangePassword %v, extensions %s, last login %v",
				u.Archived, u.MustChangePassword, u.Extensions, u.LastLoginAt)
		}
		if u, _ := tx.GetUser(ctx, "DIALEA", "u2"); !u.LastLoginAt.IsZero() {
			t.Errorf("a user who never logged in has a last login %v", u.LastLoginAt)
		}
		locked, err := tx.LockedLogins(ctx, "DIALEA", []string{"ANN@example.com", "both"})
		if err != nil || !cmp.Equal(locked, map[string]bool{"ann@example.com": true}) {
			t.Errorf("LockedLogins = %v, %v; want ann only", locked, err)
		}
		if locked, _ := tx.LockedLogins(ctx, "DIALEB", []string{"ann@example.com"}); len(locked) != 0 {
			t.Errorf("another account's lock shows: %v", locked)
		}
		for login, want := range map[string]int{"ann@EXAMPLE.com": 1, "both": 2, "nobody": 0} {
			if got, err := tx.AccountsWithLogin(ctx, login); err != nil || len(got) != want {
				t.Errorf("AccountsWithLogin(%q) = %v, %v; want %d accounts", login, got, err, want)
			}
		}
		return nil
	})
}
