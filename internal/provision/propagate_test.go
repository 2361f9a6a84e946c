package provision_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/roster-cc/roster/internal/dbtest"
	"github.com/roster-cc/roster/internal/roster"
	"github.com/roster-cc/roster/internal/service"
	"github.com/roster-cc/roster/internal/store"
)

// TestPropagateWritesSettled: a propagation batch writes the records of the
// aspects it is told need no call (local) settled, and leaves the others
// pending for their provisioner.
func TestPropagateWritesSettled(t *testing.T) {
	for _, backend := range dbtest.Backends() {
		t.Run(backend, func(t *testing.T) { testPropagateWritesSettled(t, backend) })
	}
}

func testPropagateWritesSettled(t *testing.T, backend string) {
	ctx := context.Background()
	st, svc := setup(t, backend)
	profile := func(features string) roster.ProfileInput {
		var f roster.Features
		if err := json.Unmarshal([]byte(features), &f); err != nil {
			t.Fatal(err)
		}
		return roster.ProfileInput{ProfileName: "Chat", Features: f}
	}
	p, err := svc.CreateProfile(ctx, "ABCDEF", profile(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	var users []string
	for i := range 3 {
		in := roster.UserInput{OrganizationNodeID: "ABCDEF", LoginID: fmt.Sprintf("u%d", i), FirstName: "Ab", LastName: "Cd",
			ProfileID: p.Profile.ID}
		res, err := svc.CreateUser(ctx, "ABCDEF", in)
		if err != nil {
			t.Fatal(err)
		}
		users = append(users, res.View.ID)
	}
	if _, err := svc.ReplaceProfile(ctx, "ABCDEF", p.Profile.ID,
		profile(`{"chat": {"multiplicity": 2}, "email": {"multiplicity": 1}}`), nil); err != nil {
		t.Fatal(err)
	}
	for more := true; more; {
		if more, err = svc.Propagate(ctx, "w1", time.Minute, []string{"chat"}); err != nil {
			t.Fatal(err)
		}
	}
	err = st.Read(ctx, func(tx roster.Tx) error {
		for _, id := range users {
			as, err := tx.Aspects(ctx, "ABCDEF", id)
			if err != nil {
				t.Fatal(err)
			}
			chat, email := as["chat"], as["email"]
			if chat.State != roster.AspectDone || string(chat.Provisioned) != string(chat.Desired) || chat.Action != roster.ActionAdd {
				t.Errorf("user %s: chat %+v, want written settled (done, provisioned as desired, ADD)", id, chat)
			}
			if email.State != roster.AspectPending || email.Provisioned != nil || email.Desired == nil {
				t.Errorf("user %s: email %+v, want pending for its provisioner", id, email)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestPropagateSlice: a Propagate call goes on with the batches of its
// claim for its slice, holding the claim between them, and releases it
// after the last; without a slice it runs one batch; when its context ends
// (shutdown) it finishes the batch under way and still releases the claim.
func TestPropagateSlice(t *testing.T) {
	for _, backend := range dbtest.Backends() {
		t.Run(backend, func(t *testing.T) { testPropagateSlice(t, backend) })
	}
}

func testPropagateSlice(t *testing.T, backend string) {
	ctx := context.Background()
	st, ids, progress := pendingPropagation(t, backend)
	claim := func(owner string) bool {
		var p *roster.Propagation
		if err := st.Write(ctx, func(tx roster.Tx) (err error) { p, err = tx.ClaimPropagation(ctx, owner, time.Hour); return err }); err != nil {
			t.Fatal(err)
		}
		return p != nil
	}
	batch := service.PropagationBatch

	// No slice: one batch, and the claim is free for another worker at once.
	one := service.New(service.Config{Store: st, PropagationSlice: -1})
	if worked, err := one.Propagate(ctx, "w1", time.Hour, []string{"chat"}); err != nil || !worked {
		t.Fatalf("w1: %v, %v", worked, err)
	}
	if got := progress(); got.Cursor != ids[batch-1] || got.Done {
		t.Fatalf("after w1's call: cursor %s, done %v; want one batch, to %s", got.Cursor, got.Done, ids[batch-1])
	}

	// A slice longer than the rest, cut short by a shutdown after its first
	// batch: that batch kept the claim, the next releases it.
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	heldMidSlice := false
	hooked := &writeHook{Store: st, after: func(n int) {
		if n == 2 { // the claim, then the first batch
			heldMidSlice = !claim("w9")
			cancel()
		}
	}}
	long := service.New(service.Config{Store: hooked, PropagationSlice: time.Hour})
	if worked, err := long.Propagate(cctx, "w2", time.Hour, []string{"chat"}); err != nil || !worked {
		t.Fatalf("w2 (after w1's released claim): %v, %v", worked, err)
	}
	if !heldMidSlice {
		t.Error("another worker claimed the propagation between two batches of w2's slice")
	}
	if got := progress(); got.Cursor != ids[3*batch-1] || got.Done {
		t.Fatalf("after w2's call: cursor %s, done %v; want two more batches, to %s", got.Cursor, got.Done, ids[3*batch-1])
	}

	// The rest in one call of another worker, which the shutdown left free.
	if worked, err := long.Propagate(ctx, "w3", time.Hour, []string{"chat"}); err != nil || !worked {
		t.Fatalf("w3 after w2's shutdown: %v, %v; want the claim free", worked, err)
	}
	if got := progress(); got.Cursor != ids[len(ids)-1] || !got.Done {
		t.Fatalf("after w3's call: cursor %s, done %v; want every batch, to %s", got.Cursor, got.Done, ids[len(ids)-1])
	}
	if claim("w4") {
		t.Error("a finished propagation was claimed again")
	}
	err := st.Read(ctx, func(tx roster.Tx) error {
		got, err := tx.AspectsOf(ctx, "ABCDEF", ids)
		for _, id := range ids {
			if a := got[id]["chat"]; err == nil && a.State != roster.AspectDone {
				t.Errorf("user %s: chat %+v, want done", id, a)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// writeHook calls after with the number of writes done, after each write.
type writeHook struct {
	roster.Store
	writes int
	after  func(n int)
}

func (h *writeHook) Write(ctx context.Context, fn func(roster.Tx) error) error {
	err := h.Store.Write(ctx, fn)
	h.writes++
	h.after(h.writes)
	return err
}

// pendingPropagation makes an account with a profile of 4.2 batches of
// users and a change of the profile (chat added) to propagate; progress
// reads the propagation.
func pendingPropagation(t *testing.T, backend string) (*store.Store, []string, func() *roster.Propagation) {
	ctx := context.Background()
	st, svc := setup(t, backend)
	p, err := svc.CreateProfile(ctx, "ABCDEF", roster.ProfileInput{ProfileName: "Chat"})
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, 4*service.PropagationBatch+100)
	err = st.Write(ctx, func(tx roster.Tx) error {
		for i := range ids {
			ids[i] = fmt.Sprintf("00000000-0000-7000-8000-%012d", i)
			u := &roster.User{ID: ids[i], AccountID: "ABCDEF", OrganizationNodeID: "ABCDEF", LoginID: fmt.Sprintf("u%d", i),
				FirstName: "Ab", LastName: "Cd", ProfileID: p.Profile.ID}
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var chat roster.Features
	if err := json.Unmarshal([]byte(`{"chat": {"multiplicity": 2}}`), &chat); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ReplaceProfile(ctx, "ABCDEF", p.Profile.ID, roster.ProfileInput{ProfileName: "Chat", Features: chat}, nil); err != nil {
		t.Fatal(err)
	}
	return st, ids, func() *roster.Propagation {
		var prop *roster.Propagation
		if err := st.Read(ctx, func(tx roster.Tx) (err error) {
			prop, err = tx.GetPropagation(ctx, "ABCDEF", p.Profile.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return prop
	}
}
