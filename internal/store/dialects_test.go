package store

import (
	"context"
	"encoding/json"
	"strings"
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
			if got, err := tx.AccountsWithLogin(ctx, login, 5); err != nil || len(got) != want {
				t.Errorf("AccountsWithLogin(%q) = %v, %v; want %d accounts", login, got, err, want)
			}
		}
		return nil
	})
}

// TestDialectsDown: undoing schema version 4 with users in it leaves no
// archived user able to log in on a version 3 roster, nor a temporary
// password that had to be changed (no password, no token), and no field
// version 3 does not know in the stored users; other users are untouched.
func TestDialectsDown(t *testing.T) { forEachDB(t, testDialectsDown) }

func testDialectsDown(t *testing.T, s *Store) {
	ctx := context.Background()
	write(t, s, func(tx roster.Tx) error {
		if err := tx.CreateAccount(ctx, &roster.Account{ID: "DOWNAA", Name: "D"}, "p"); err != nil {
			return err
		}
		for _, u := range []*roster.User{
			{AccountID: "DOWNAA", ID: "gone", OrganizationNodeID: "DOWNAA", LoginID: "gone", FirstName: "G", LastName: "O",
				PasswordHash: "hash-1", Archived: true, Extensions: roster.Extensions{roster.DialectGWS: json.RawMessage(`{}`)}},
			{AccountID: "DOWNAA", ID: "kept", OrganizationNodeID: "DOWNAA", LoginID: "kept", FirstName: "K", LastName: "E",
				PasswordHash: "hash-2", MustChangePassword: true},
			{AccountID: "DOWNAA", ID: "plain", OrganizationNodeID: "DOWNAA", LoginID: "plain", FirstName: "P", LastName: "L",
				PasswordHash: "hash-3"},
		} {
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
			tok := &roster.Token{Hash: "t-" + u.ID, Kind: roster.KindUser, AccountID: "DOWNAA", SubjectID: u.ID, ExpiresAt: tx.Now().Add(time.Hour)}
			if err := tx.PutToken(ctx, tok); err != nil {
				return err
			}
		}
		return nil
	})
	migrateDownTo(t, s, 3)
	rows := map[string]string{}
	for _, id := range []string{"gone", "kept", "plain"} {
		var hash, doc string
		var tokens int
		if err := s.write.QueryRow(s.dialect.rebind(`SELECT password_hash, doc, (SELECT COUNT(*) FROM tokens WHERE subject_id = ?)
			FROM users WHERE id = ?`), id, id).Scan(&hash, &doc, &tokens); err != nil {
			t.Fatal(err)
		}
		rows[id] = hash + " " + string(rune('0'+tokens))
		for _, key := range []string{"archived", "mustChangePassword", "extensions"} {
			if strings.Contains(doc, key) {
				t.Errorf("user %s keeps %q after down: %s", id, key, doc)
			}
		}
	}
	if want := map[string]string{"gone": " 0", "kept": " 0", "plain": "hash-3 1"}; !cmp.Equal(rows, want) {
		t.Errorf("after down (password, tokens) = %v, want %v", rows, want)
	}
	if st, err := s.Migrate(ctx, MigrateUp); err != nil || st.Current != st.Known {
		t.Fatalf("up again: %+v, %v", st, err)
	}
}

// migrateDownTo undoes schema versions one at a time down to version.
func migrateDownTo(t *testing.T, s *Store, version int) {
	t.Helper()
	for current := -1; current != version; {
		st, err := s.Migrate(context.Background(), MigrateDown)
		if err != nil || st.Current < version || st.Current == current {
			t.Fatalf("down towards %d: %+v, %v", version, st, err)
		}
		current = st.Current
	}
}
