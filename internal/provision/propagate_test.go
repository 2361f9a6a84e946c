package provision_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/roster-cc/roster/internal/dbtest"
	"github.com/roster-cc/roster/internal/roster"
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
