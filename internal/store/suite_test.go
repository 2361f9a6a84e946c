package store

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/roster-cc/roster/internal/roster"
)

// The store suite: each case writes in account A, then account B (which
// exists too) must see nothing of it: tenant isolation at the storage
// layer, after every case, on every database.
const (
	acctA = "AAAAAA"
	acctB = "BBBBBB"
)

var storeCases = []struct {
	name string
	run  func(t *testing.T, ctx context.Context, s *Store)
}{
	{"nodes", caseNodes},
	{"catalogs", caseCatalogs},
	{"profiles", caseProfiles},
	{"users and filters", caseUsers},
	{"user updates", caseUserUpdates},
	{"aspects claim, lease and finish", caseAspects},
	{"aspect batches", caseAspectBatches},
	{"settle and release", caseSettleAndRelease},
	{"settled writes and leases", caseSettledPut},
	{"status probes", caseUnsettledProbe},
	{"propagation", casePropagation},
	{"idempotency keys", caseIdempotency},
	{"tombstones", caseTombstones},
	{"a deleted user's credentials", caseDeleteCredentials},
}

func TestStoreSuite(t *testing.T) {
	for _, c := range storeCases {
		t.Run(c.name, func(t *testing.T) {
			forEachDB(t, func(t *testing.T, s *Store) {
				ctx := context.Background()
				write(t, s, func(tx roster.Tx) error {
					for _, id := range []string{acctA, acctB} {
						if err := tx.CreateAccount(ctx, &roster.Account{ID: id, Name: id}, "provider-"+id); err != nil {
							return err
						}
					}
					return nil
				})
				c.run(t, ctx, s)
				assertInvisible(t, ctx, s)
			})
		})
	}
}

func write(t *testing.T, s *Store, fn func(tx roster.Tx) error) {
	t.Helper()
	if err := s.Write(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, s *Store, fn func(tx roster.Tx) error) {
	t.Helper()
	if err := s.Read(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

// assertInvisible checks that account B lists nothing but its root node.
func assertInvisible(t *testing.T, ctx context.Context, s *Store) {
	t.Helper()
	read(t, s, func(tx roster.Tx) error {
		all := roster.UserFilter{Page: 1, PageSize: 100}
		checks := map[string]func() (int, error){
			"users":      func() (int, error) { p, err := tx.ListUsers(ctx, acctB, all); return p.Total, err },
			"profiles":   func() (int, error) { p, err := tx.ListProfiles(ctx, acctB, 1, 100); return p.Total, err },
			"groups":     func() (int, error) { p, err := tx.ListGroups(ctx, acctB, 1, 100); return p.Total, err },
			"queues":     func() (int, error) { p, err := tx.ListQueues(ctx, acctB, 1, 100); return p.Total, err },
			"attributes": func() (int, error) { p, err := tx.ListAttributes(ctx, acctB, 1, 100); return p.Total, err },
			"nodes":      func() (int, error) { p, err := tx.ListNodes(ctx, acctB, 1, 100); return p.Total - 1, err },
		}
		for what, count := range checks {
			if n, err := count(); err != nil || n != 0 {
				t.Errorf("account B sees %d of account A's %s (%v)", n, what, err)
			}
		}
		if a, err := tx.GetIdempotency(ctx, acctB, "key"); err != nil || a != nil {
			t.Errorf("account B sees A's idempotency key: %+v %v", a, err)
		}
		return nil
	})
}

func caseNodes(t *testing.T, ctx context.Context, s *Store) {
	write(t, s, func(tx roster.Tx) error {
		if err := tx.CreateNode(ctx, &roster.OrganizationNode{AccountID: acctA, ID: "CHILDA", Name: "C", ParentID: acctA}); err != nil {
			return err
		}
		return tx.UpdateNode(ctx, &roster.OrganizationNode{AccountID: acctA, ID: "CHILDA", Name: "Renamed", ParentID: acctA})
	})
	read(t, s, func(tx roster.Tx) error {
		n, err := tx.GetNode(ctx, acctA, "CHILDA")
		if err != nil || n.Name != "Renamed" || n.ParentID != acctA {
			t.Errorf("GetNode = %+v, %v", n, err)
		}
		up, _ := tx.NodeAncestors(ctx, acctA, "CHILDA")
		if !cmp.Equal(up, []string{"CHILDA", acctA}) {
			t.Errorf("NodeAncestors = %v", up)
		}
		if used, _ := tx.NodeInUse(ctx, acctA, acctA); !used {
			t.Error("the root with a child is not in use")
		}
		if _, err := tx.GetNode(ctx, acctB, "CHILDA"); roster.ErrorCode(err) != roster.ENOTFOUND {
			t.Errorf("account B gets A's node: %v", err)
		}
		return nil
	})
}

func caseCatalogs(t *testing.T, ctx context.Context, s *Store) {
	write(t, s, func(tx roster.Tx) error {
		if err := tx.CreateGroup(ctx, &roster.Group{AccountID: acctA, ID: "g1", Name: "Sales"}); err != nil {
			return err
		}
		if created, err := tx.PutQueue(ctx, &roster.Queue{AccountID: acctA, ID: "q1", Name: "Q"}); !created || err != nil {
			t.Errorf("PutQueue created %v, %v", created, err)
		}
		if created, err := tx.PutQueue(ctx, &roster.Queue{AccountID: acctA, ID: "q1", Name: "Q2"}); created || err != nil {
			t.Errorf("PutQueue again created %v, %v", created, err)
		}
		_, err := tx.PutAttribute(ctx, &roster.Attribute{AccountID: acctA, Name: "Language.English"})
		return err
	})
	read(t, s, func(tx roster.Tx) error {
		if taken, _ := tx.GroupNameTaken(ctx, acctA, "SALES", ""); !taken {
			t.Error("group names are not unique regardless of case")
		}
		if taken, _ := tx.GroupNameTaken(ctx, acctB, "Sales", ""); taken {
			t.Error("account B sees A's group name as taken")
		}
		missing, err := tx.MissingRefs(ctx, acctB, "queue", []roster.Ref{{Field: "q", ID: "q1"}})
		if err != nil || len(missing) != 1 {
			t.Errorf("account B finds A's queue: missing %v, %v", missing, err)
		}
		q, err := tx.GetQueue(ctx, acctA, "q1")
		if err != nil || q.Name != "Q2" {
			t.Errorf("GetQueue = %+v, %v", q, err)
		}
		return nil
	})
}

func caseProfiles(t *testing.T, ctx context.Context, s *Store) {
	var f roster.Features
	json.Unmarshal([]byte(`{"chat": {"multiplicity": 2}}`), &f)
	p := &roster.Profile{AccountID: acctA, ID: "PROFIL", Name: "Agents", Roles: []string{"Agent"}, Features: f}
	write(t, s, func(tx roster.Tx) error {
		if err := tx.CreateProfile(ctx, p, roster.ProfileChange{Action: roster.ActionAdd, Since: 1, Aspects: map[string]string{"chat": "ADD"}}); err != nil {
			return err
		}
		p.Version = 2
		return tx.UpdateProfile(ctx, p, roster.ProfileChange{Action: roster.ActionUpdate, Since: 1, Aspects: map[string]string{"chat": "ADD"}})
	})
	read(t, s, func(tx roster.Tx) error {
		got, ch, err := tx.ProfileStatusOf(ctx, acctA, "PROFIL")
		if err != nil || got.Version != 2 || ch.Action != roster.ActionUpdate || ch.Since != 1 || string(got.Features["chat"]) != `{"multiplicity":2}` {
			t.Errorf("ProfileStatusOf = %+v %+v, %v", got, ch, err)
		}
		if _, err := tx.GetProfile(ctx, acctB, "PROFIL"); roster.ErrorCode(err) != roster.ENOTFOUND {
			t.Errorf("account B gets A's profile: %v", err)
		}
		return nil
	})
}

func caseUsers(t *testing.T, ctx context.Context, s *Store) {
	write(t, s, func(tx roster.Tx) error {
		for i, name := range []string{"Stevens", "Andersson", "Stevenson"} {
			u := &roster.User{AccountID: acctA, ID: name, OrganizationNodeID: acctA, LoginID: name + "@Example.com",
				FirstName: "Al", LastName: name, Roles: []string{"Agent"}, Voice: &roster.VoiceIdentity{UserExtension: "1000" + string(rune('0'+i))}}
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
		}
		return nil
	})
	read(t, s, func(tx roster.Tx) error {
		p, err := tx.ListUsers(ctx, acctA, roster.UserFilter{Page: 1, PageSize: 10, OrderBy: "lastName", Desc: true,
			Where: &roster.Condition{Key: "lastName", Operator: roster.OpStartsWith, Value: "steven"}})
		var names []string
		for _, u := range p.Items {
			names = append(names, u.LastName)
		}
		if err != nil || p.Total != 2 || !cmp.Equal(names, []string{"Stevenson", "Stevens"}) {
			t.Errorf("ListUsers(lastName starts with steven) = %v (total %d), %v", names, p.Total, err)
		}
		if taken, _ := tx.LoginTaken(ctx, acctA, "stevens@example.com", ""); !taken {
			t.Error("loginId is not unique regardless of case")
		}
		u, err := tx.GetUser(ctx, acctA, "Stevens")
		if err != nil || u.Voice == nil || u.Voice.UserExtension != "10000" {
			t.Errorf("GetUser = %+v, %v", u, err)
		}
		return nil
	})
}

func caseAspects(t *testing.T, ctx context.Context, s *Store) {
	a := roster.Aspect{AccountID: acctA, UserID: "u1", Name: "voice", Desired: []byte(`{"v":1}`), DesiredVersion: 1,
		Action: roster.ActionAdd, State: roster.AspectPending, Stamp: 1}
	write(t, s, func(tx roster.Tx) error { a.NextAttemptAt = tx.Now(); return tx.PutAspects(ctx, []roster.Aspect{a}) })
	var claimed []roster.Aspect
	write(t, s, func(tx roster.Tx) (err error) { claimed, err = tx.ClaimAspects(ctx, "w1", 10, time.Minute); return err })
	if len(claimed) != 1 {
		t.Fatalf("claimed %d records, want 1", len(claimed))
	}
	write(t, s, func(tx roster.Tx) error {
		if again, err := tx.ClaimAspects(ctx, "w2", 10, time.Minute); err != nil || len(again) != 0 {
			t.Errorf("a leased record was claimed again: %v %v", again, err)
		}
		// The desired state changes while w1 works: w1's result leaves it pending.
		b := claimed[0]
		b.Desired, b.DesiredVersion = []byte(`{"v":2}`), 2
		if err := tx.PutAspects(ctx, []roster.Aspect{b}); err != nil {
			return err
		}
		done := []roster.Attempt{{Aspect: claimed[0], Outcome: roster.Outcome{Done: true}}}
		if err := tx.FinishAspects(ctx, "w2", done); err != nil {
			return err
		}
		return tx.FinishAspects(ctx, "w1", done)
	})
	read(t, s, func(tx roster.Tx) error {
		got, err := tx.Aspects(ctx, acctA, "u1")
		v := got["voice"]
		if err != nil || v.State != roster.AspectPending || string(v.Provisioned) != `{"v":1}` || v.DesiredVersion != 2 {
			t.Errorf("after a stale finish: %+v, %v; want pending, provisioned v1, desired version 2", v, err)
		}
		if other, _ := tx.Aspects(ctx, acctB, "u1"); len(other) != 0 {
			t.Errorf("account B sees A's records: %v", other)
		}
		return nil
	})
}

func casePropagation(t *testing.T, ctx context.Context, s *Store) {
	waiting := func(tx roster.Tx, owner string, want bool) {
		if got, err := tx.PropagationWaiting(ctx, owner); err != nil || got != want {
			t.Errorf("PropagationWaiting(%s) = %v, %v; want %v", owner, got, err, want)
		}
	}
	read(t, s, func(tx roster.Tx) error { waiting(tx, "w1", false); return nil })
	write(t, s, func(tx roster.Tx) error { return tx.StartPropagation(ctx, acctA, "PROFIL", 3) })
	read(t, s, func(tx roster.Tx) error { waiting(tx, "w1", true); return nil })
	var p *roster.Propagation
	write(t, s, func(tx roster.Tx) (err error) {
		if p, err = tx.ClaimPropagation(ctx, "w1", time.Minute); err != nil || p == nil {
			t.Fatalf("ClaimPropagation = %v, %v", p, err)
		}
		if other, _ := tx.ClaimPropagation(ctx, "w2", time.Minute); other != nil {
			t.Errorf("a leased propagation was claimed again: %+v", other)
		}
		waiting(tx, "w2", false) // leased to w1
		waiting(tx, "w1", true)  // its own lease
		p.Cursor, p.Done = "u9", true
		ok, err := tx.AdvancePropagation(ctx, "w1", p, 0)
		if !ok {
			t.Error("the lease holder could not advance")
		}
		return err
	})
	read(t, s, func(tx roster.Tx) error {
		waiting(tx, "w1", false) // done
		got, err := tx.GetPropagation(ctx, acctA, "PROFIL")
		if err != nil || !got.Done || got.Cursor != "u9" || got.Version != 3 {
			t.Errorf("GetPropagation = %+v, %v", got, err)
		}
		if _, err := tx.GetPropagation(ctx, acctB, "PROFIL"); roster.ErrorCode(err) != roster.ENOTFOUND {
			t.Errorf("account B gets A's propagation: %v", err)
		}
		return nil
	})
}

func caseIdempotency(t *testing.T, ctx context.Context, s *Store) {
	write(t, s, func(tx roster.Tx) error {
		if err := tx.PutIdempotency(ctx, acctA, "key", &roster.IdempotentAnswer{RequestHash: "h"}); err != nil {
			return err
		}
		return tx.PutIdempotency(ctx, acctA, "key", &roster.IdempotentAnswer{RequestHash: "h", Status: 202, Headers: "{}", Body: "b"})
	})
	read(t, s, func(tx roster.Tx) error {
		a, err := tx.GetIdempotency(ctx, acctA, "key")
		if err != nil || a == nil || a.Status != 202 || a.Body != "b" {
			t.Errorf("GetIdempotency = %+v, %v", a, err)
		}
		return nil
	})
}

func caseTombstones(t *testing.T, ctx context.Context, s *Store) {
	write(t, s, func(tx roster.Tx) error {
		u := &roster.User{AccountID: acctA, ID: "gone", OrganizationNodeID: acctA, LoginID: "gone", FirstName: "Go", LastName: "Ne"}
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		return tx.DeleteUser(ctx, acctA, "gone")
	})
	read(t, s, func(tx roster.Tx) error {
		if d, _ := tx.UserDeleted(ctx, acctA, "gone"); !d {
			t.Error("no tombstone for a deleted user")
		}
		if d, _ := tx.UserDeleted(ctx, acctB, "gone"); d {
			t.Error("account B sees A's tombstone")
		}
		if taken, _ := tx.LoginTaken(ctx, acctA, "gone", ""); taken {
			t.Error("a deleted user's loginId is still taken")
		}
		return nil
	})
}

// caseDeleteCredentials: deleting a user deletes its tokens and earlier
// passwords, and nobody else's.
func caseDeleteCredentials(t *testing.T, ctx context.Context, s *Store) {
	ids := []string{"pw", "other", "keep"}
	write(t, s, func(tx roster.Tx) error {
		for _, id := range ids {
			u := &roster.User{AccountID: acctA, ID: id, OrganizationNodeID: acctA, LoginID: id, FirstName: "Ab", LastName: "Cd",
				PasswordHash: "hash-" + id}
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
			tok := &roster.Token{Hash: "token-" + id, Kind: roster.KindUser, AccountID: acctA, SubjectID: id}
			if err := tx.PutToken(ctx, tok); err != nil {
				return err
			}
			if err := tx.AddPasswordHistory(ctx, acctA, id, "old-"+id, 5); err != nil {
				return err
			}
		}
		return nil
	})
	write(t, s, func(tx roster.Tx) error {
		for _, id := range ids[:2] {
			if err := tx.DeleteUser(ctx, acctA, id); err != nil {
				return err
			}
		}
		return nil
	})
	read(t, s, func(tx roster.Tx) error {
		for _, id := range ids {
			_, err := tx.GetToken(ctx, "token-"+id)
			history, herr := tx.PasswordHistory(ctx, acctA, id, 5)
			kept := id == "keep"
			if (err == nil) != kept || herr != nil || (len(history) == 1) != kept {
				t.Errorf("user %s (deleted: %v): token %v, earlier passwords %q, %v", id, !kept, err, history, herr)
			}
		}
		return nil
	})
}
