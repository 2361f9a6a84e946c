package store

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/roster-cc/roster/internal/roster"
)

// TestStampDown: undoing schema version 6 turns stamps back into the flag
// version 5 reads (set on the records the user's status shows), and doing
// it again keeps those flags as stamps.
func TestStampDown(t *testing.T) { forEachDB(t, testStampDown) }

func testStampDown(t *testing.T, s *Store) {
	ctx := context.Background()
	rec := func(name, state string, stamp int64) roster.Aspect {
		return roster.Aspect{AccountID: "STAMPA", UserID: "u1", Name: name, Desired: []byte(`{}`), DesiredVersion: 1,
			Action: roster.ActionAdd, State: state, Stamp: stamp, NextAttemptAt: s.now()}
	}
	write(t, s, func(tx roster.Tx) error {
		return tx.PutAspects(ctx, []roster.Aspect{rec("chat", roster.AspectDone, 2), rec("email", roster.AspectDone, 0),
			rec("messaging", roster.AspectPending, 2), rec("role", roster.AspectDone, 3), rec("voice", roster.AspectFailed, 1)})
	})
	flags := func(column string) map[string]int {
		rows, err := s.write.Query(`SELECT name, ` + column + ` FROM aspects WHERE account_id = 'STAMPA'`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]int{}
		for rows.Next() {
			var name string
			var v int
			if err := rows.Scan(&name, &v); err != nil {
				t.Fatal(err)
			}
			out[name] = v
		}
		return out
	}
	migrateDownTo(t, s, 5)
	want := map[string]int{"chat": 0, "email": 0, "messaging": 1, "role": 1, "voice": 1}
	if got := flags("reported"); !cmp.Equal(got, want) {
		t.Errorf("reported after down = %v, want %v", got, want)
	}
	if st, err := s.Migrate(ctx, MigrateUp); err != nil || st.Current != st.Known {
		t.Fatalf("up again: %+v, %v", st, err)
	}
	if got := flags("stamp"); !cmp.Equal(got, want) {
		t.Errorf("stamps after up = %v, want %v", got, want)
	}
}
