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
// claim for its slice and releases the claim after the last; with no
// slice it runs one batch and releases it at once.
func TestPropagateSlice(t *testing.T) {
	for _, backend := range dbtest.Backends() {
		t.Run(backend, func(t *testing.T) { testPropagateSlice(t, backend) })
	}
}

func testPropagateSlice(t *testing.T, backend string) {
	ctx := context.Background()
	st, svc := setup(t, backend)
	p, err := svc.CreateProfile(ctx, "ABCDEF", roster.ProfileInput{ProfileName: "Chat"})
	if err != nil {
		t.Fatal(err)
	}
	const n = 2*service.PropagationBatch + 100
	ids := make([]string, n)
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
	progress := func() *roster.Propagation {
		var prop *roster.Propagation
		if err := st.Read(ctx, func(tx roster.Tx) (err error) {
			prop, err = tx.GetPropagation(ctx, "ABCDEF", p.Profile.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return prop
	}
	// No slice: one batch, and the claim is free for another worker at once.
	one := service.New(service.Config{Store: st, PropagationSlice: -1})
	if worked, err := one.Propagate(ctx, "w1", time.Hour, []string{"chat"}); err != nil || !worked {
		t.Fatalf("w1: %v, %v", worked, err)
	}
	if got := progress(); got.Cursor != ids[service.PropagationBatch-1] || got.Done {
		t.Fatalf("after w1's call: cursor %s, done %v; want one batch, to %s", got.Cursor, got.Done, ids[service.PropagationBatch-1])
	}
	// A slice longer than the rest: w2 claims it, and carries every batch.
	long := service.New(service.Config{Store: st, PropagationSlice: time.Hour})
	if worked, err := long.Propagate(ctx, "w2", time.Hour, []string{"chat"}); err != nil || !worked {
		t.Fatalf("w2 (after w1's released claim): %v, %v", worked, err)
	}
	if got := progress(); got.Cursor != ids[n-1] || !got.Done {
		t.Fatalf("after w2's call: cursor %s, done %v; want every batch, to %s", got.Cursor, got.Done, ids[n-1])
	}
	if worked, err := long.Propagate(ctx, "w3", time.Hour, []string{"chat"}); err != nil || worked {
		t.Fatalf("w3 after the end: %v, %v; want nothing to do", worked, err)
	}
	err = st.Read(ctx, func(tx roster.Tx) error {
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
