package store

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/roster-cc/roster/internal/roster"
)

// caseAspectBatches writes, reads and finishes records in batches that
// span several multi-row statements on SQLite (one each on PostgreSQL),
// with every outcome kind.
func caseAspectBatches(t *testing.T, ctx context.Context, s *Store) {
	const n = 300 // SQLite: 64+64+64+64+32+8+4 rows per put, 256+32+8+4 ids per read
	var as []roster.Aspect
	var ids []string
	for i := range n {
		id := fmt.Sprintf("u%03d", i)
		ids = append(ids, id)
		as = append(as, roster.Aspect{AccountID: acctA, UserID: id, Name: "chat", Desired: []byte(`{"c":1}`), DesiredVersion: 1,
			Action: roster.ActionAdd, State: roster.AspectPending, Stamp: 1, CauseProfileID: "PROFIL", CauseProfileVer: 2})
	}
	write(t, s, func(tx roster.Tx) error {
		for i := range as {
			as[i].NextAttemptAt = tx.Now()
		}
		// The same key in another account, which no stamp below may touch.
		other := as[1]
		other.AccountID, other.State = acctB, roster.AspectDone
		return tx.PutAspects(ctx, append(slices.Clone(as), other))
	})
	var claimed []roster.Aspect
	write(t, s, func(tx roster.Tx) (err error) { claimed, err = tx.ClaimAspects(ctx, "w1", n, time.Minute); return err })
	if len(claimed) != n {
		t.Fatalf("claimed %d records, want %d", len(claimed), n)
	}
	slices.SortFunc(claimed, func(a, b roster.Aspect) int { return strings.Compare(a.UserID, b.UserID) })
	retryAt := time.Now().Add(time.Hour).Truncate(time.Millisecond).UTC()
	var attempts []roster.Attempt
	for i, a := range claimed {
		o := roster.Outcome{Done: true}
		switch i % 3 {
		case 1:
			o = roster.Outcome{Failed: true, Message: "refused " + a.UserID}
		case 2:
			o = roster.Outcome{RetryAt: retryAt, Message: "busy"}
		}
		attempts = append(attempts, roster.Attempt{Aspect: a, Outcome: o})
	}
	write(t, s, func(tx roster.Tx) error {
		// u000 changes while w1 works; u003 is taken over by another worker.
		changed := claimed[0]
		changed.Desired, changed.DesiredVersion, changed.NextAttemptAt = []byte(`{"c":2}`), 2, tx.Now()
		if err := tx.PutAspects(ctx, []roster.Aspect{changed}); err != nil {
			return err
		}
		if _, err := tx.(*Tx).exec(ctx, `UPDATE aspects SET lease_owner = 'w2' WHERE user_id = 'u003'`); err != nil {
			return err
		}
		if err := tx.FinishAspects(ctx, "w1", attempts); err != nil {
			return err
		}
		stamps := []roster.AspectStamp{{UserID: "u001", Name: "chat"}} // 300 stamps: 256+32+8+4 on SQLite
		for _, id := range ids[2:] {
			stamps = append(stamps, roster.AspectStamp{UserID: id, Name: "chat", Stamp: 5})
		}
		return tx.StampAspects(ctx, acctA, append(stamps, roster.AspectStamp{UserID: "u000", Name: "none", Stamp: 6}))
	})
	read(t, s, func(tx roster.Tx) error {
		got, err := tx.AspectsOf(ctx, acctA, append(ids, "nobody"))
		if err != nil || len(got) != n {
			t.Fatalf("AspectsOf: %d users, %v; want %d", len(got), err, n)
		}
		checkFinished(t, got, retryAt)
		if other, _ := tx.AspectsOf(ctx, acctB, ids); len(other) != 1 || other["u001"]["chat"].Stamp != 1 {
			t.Errorf("account B's records after A's were stamped: %+v; want u001's chat at stamp 1", other)
		}
		return nil
	})
}

func checkFinished(t *testing.T, got map[string]map[string]roster.Aspect, retryAt time.Time) {
	t.Helper()
	for id, byName := range got {
		a := byName["chat"]
		var i int
		fmt.Sscanf(id, "u%d", &i)
		want := []string{roster.AspectDone, roster.AspectFailed, roster.AspectPending}[i%3]
		switch {
		case id == "u000":
			if a.State != roster.AspectPending || string(a.Provisioned) != `{"c":1}` || a.DesiredVersion != 2 {
				t.Errorf("u000 changed during its attempt: %+v; want pending, provisioned c1", a)
			}
		case id == "u003":
			if a.State != roster.AspectPending || a.Provisioned != nil {
				t.Errorf("u003, held by another worker, was finished: %+v", a)
			}
		case a.State != want:
			t.Errorf("%s: state %s, want %s", id, a.State, want)
		case want == roster.AspectDone && (string(a.Provisioned) != `{"c":1}` || a.Attempts != 0):
			t.Errorf("%s done: %+v", id, a)
		case want == roster.AspectFailed && (a.Message != "refused "+id || a.Attempts != 1 || a.Provisioned != nil):
			t.Errorf("%s failed: %+v", id, a)
		case want == roster.AspectPending && (!a.NextAttemptAt.Equal(retryAt) || a.Attempts != 1 || a.Message != "busy"):
			t.Errorf("%s retried: %+v; want next attempt at %v", id, a, retryAt)
		}
		stamp := map[string]int64{"u000": 1, "u001": 0}[id]
		if id > "u001" {
			stamp = 5
		}
		if a.Stamp != stamp {
			t.Errorf("%s: stamp %d, want %d", id, a.Stamp, stamp)
		}
	}
}

// caseSettleAndRelease: settling takes a record from a worker whose lease
// ran out (its late outcome is not recorded), and a release only ends the
// lease (attempts and message stay) so any worker can claim at once.
func caseSettleAndRelease(t *testing.T, ctx context.Context, s *Store) {
	clock := time.Now().Truncate(time.Millisecond)
	s.now = func() time.Time { return clock }
	rec := func(user, name string) roster.Aspect {
		return roster.Aspect{AccountID: acctA, UserID: user, Name: name, Desired: []byte(`{"v":1}`), DesiredVersion: 1,
			Action: roster.ActionAdd, State: roster.AspectPending, Stamp: 1, Message: "earlier", Attempts: 2, NextAttemptAt: clock}
	}
	write(t, s, func(tx roster.Tx) error {
		return tx.PutAspects(ctx, []roster.Aspect{rec("u1", "chat"), rec("u2", "voice")})
	})
	var claimed []roster.Aspect
	write(t, s, func(tx roster.Tx) (err error) { claimed, err = tx.ClaimAspects(ctx, "w1", 10, time.Second); return err })
	if len(claimed) != 2 {
		t.Fatalf("claimed %d, want 2", len(claimed))
	}
	clock = clock.Add(2 * time.Second) // w1's lease has run out
	write(t, s, func(tx roster.Tx) error {
		if n, err := tx.SettleDue(ctx, []string{"chat"}, 10); err != nil || n != 1 {
			t.Errorf("SettleDue = %d, %v; want the chat record only", n, err)
		}
		var late []roster.Attempt
		for _, a := range claimed {
			o := roster.Outcome{Unattempted: true}
			if a.Name == "chat" {
				o = roster.Outcome{Failed: true, Message: "late"}
			}
			late = append(late, roster.Attempt{Aspect: a, Outcome: o})
		}
		return tx.FinishAspects(ctx, "w1", late)
	})
	read(t, s, func(tx roster.Tx) error {
		u1, _ := tx.Aspects(ctx, acctA, "u1")
		u2, _ := tx.Aspects(ctx, acctA, "u2")
		if c := u1["chat"]; c.State != roster.AspectDone || string(c.Provisioned) != `{"v":1}` || c.Message != "" {
			t.Errorf("settled chat after w1's late failure: %+v; want done", c)
		}
		if v := u2["voice"]; v.State != roster.AspectPending || v.Attempts != 2 || v.Message != "earlier" {
			t.Errorf("released voice: %+v; want pending, 2 attempts, its message", v)
		}
		return nil
	})
	write(t, s, func(tx roster.Tx) error {
		if again, err := tx.ClaimAspects(ctx, "w2", 10, time.Minute); err != nil || len(again) != 1 || again[0].UserID != "u2" {
			t.Errorf("after the release w2 claimed %+v, %v; want u2's voice", again, err)
		}
		return nil
	})
}

// caseSettledPut: a record written settled (a propagation of a local
// aspect) over a claimed one ends a lease that ran out, so the holder's
// late outcome is not recorded; under a lease still running it stays
// pending until the holder is done, and SettleDue settles it then.
func caseSettledPut(t *testing.T, ctx context.Context, s *Store) {
	clock := time.Now().Truncate(time.Millisecond)
	s.now = func() time.Time { return clock }
	rec := func(user, name string, version int, state string) roster.Aspect {
		v := []byte(fmt.Sprintf(`{"v":%d}`, version))
		a := roster.Aspect{AccountID: acctA, UserID: user, Name: name, Desired: v, DesiredVersion: int64(version),
			Action: roster.ActionAdd, State: state, Stamp: 1, NextAttemptAt: clock}
		if state == roster.AspectDone {
			a.Provisioned = v
		}
		return a
	}
	write(t, s, func(tx roster.Tx) error {
		return tx.PutAspects(ctx, []roster.Aspect{rec("u1", "email", 1, roster.AspectPending), rec("u2", "messaging", 1, roster.AspectPending)})
	})
	var claimed []roster.Aspect
	write(t, s, func(tx roster.Tx) (err error) { claimed, err = tx.ClaimAspects(ctx, "w1", 10, time.Second); return err })
	if len(claimed) != 2 {
		t.Fatalf("claimed %d, want 2", len(claimed))
	}
	write(t, s, func(tx roster.Tx) error {
		return tx.PutAspects(ctx, []roster.Aspect{rec("u2", "messaging", 2, roster.AspectDone)})
	})
	clock = clock.Add(2 * time.Second) // w1's lease has run out
	write(t, s, func(tx roster.Tx) error {
		return tx.PutAspects(ctx, []roster.Aspect{rec("u1", "email", 2, roster.AspectDone)})
	})
	read(t, s, func(tx roster.Tx) error {
		if m := aspectOf(ctx, tx, "u2", "messaging"); m.State != roster.AspectPending || m.Provisioned != nil {
			t.Errorf("messaging written settled under w1's running lease: %+v; want pending, nothing provisioned", m)
		}
		return nil
	})
	write(t, s, func(tx roster.Tx) error {
		late := []roster.Attempt{{Aspect: claimed[0], Outcome: roster.Outcome{Failed: true, Message: "late"}},
			{Aspect: claimed[1], Outcome: roster.Outcome{Failed: true, Message: "late"}}}
		return tx.FinishAspects(ctx, "w1", late)
	})
	write(t, s, func(tx roster.Tx) error {
		n, err := tx.SettleDue(ctx, []string{"email", "messaging"}, 10)
		if err != nil || n != 1 {
			t.Errorf("SettleDue = %d, %v; want messaging only", n, err)
		}
		return err
	})
	read(t, s, func(tx roster.Tx) error {
		for _, k := range [][2]string{{"u1", "email"}, {"u2", "messaging"}} {
			if a := aspectOf(ctx, tx, k[0], k[1]); a.State != roster.AspectDone || string(a.Provisioned) != `{"v":2}` || a.Message != "" {
				t.Errorf("%s's %s after w1's late failure: %+v; want done at version 2", k[0], k[1], a)
			}
		}
		return nil
	})
}

func aspectOf(ctx context.Context, tx roster.Tx, user, name string) roster.Aspect {
	as, _ := tx.Aspects(ctx, acctA, user)
	return as[name]
}

// caseUnsettledProbe: the status probes report, per aspect, whether the
// profile's records since a version are pending or failed, with their
// least action.
func caseUnsettledProbe(t *testing.T, ctx context.Context, s *Store) {
	rec := func(user, name, action, state string, version int64) roster.Aspect {
		return roster.Aspect{AccountID: acctA, UserID: user, Name: name, Desired: []byte(`{}`), DesiredVersion: 1, Action: action,
			State: state, CauseProfileID: "PROFIL", CauseProfileVer: version}
	}
	write(t, s, func(tx roster.Tx) error {
		return tx.PutAspects(ctx, []roster.Aspect{
			rec("u1", "chat", roster.ActionUpdate, roster.AspectPending, 2), rec("u2", "chat", roster.ActionAdd, roster.AspectPending, 2),
			rec("u3", "chat", roster.ActionAdd, roster.AspectDone, 2), rec("u1", "role", roster.ActionDelete, roster.AspectFailed, 3),
			rec("u2", "voice", roster.ActionAdd, roster.AspectPending, 1), // before the version asked for
		})
	})
	read(t, s, func(tx roster.Tx) error {
		got, err := tx.ProfileUnsettledAspects(ctx, acctA, "PROFIL", 2)
		want := map[string]roster.AspectProgress{"chat": {Action: roster.ActionAdd, Pending: true},
			"role": {Action: roster.ActionDelete, Failed: true}}
		if err != nil || !maps.Equal(got, want) {
			t.Errorf("ProfileUnsettledAspects = %+v, %v; want %+v", got, err, want)
		}
		if other, _ := tx.ProfileUnsettledAspects(ctx, acctB, "PROFIL", 0); len(other) != 0 {
			t.Errorf("account B sees A's records: %+v", other)
		}
		return nil
	})
}
