package provision

import (
	"context"
	"fmt"
	"log/slog"
	"testing"

	"github.com/roster-cc/roster/internal/roster"
	"github.com/roster-cc/roster/internal/service"
	"github.com/roster-cc/roster/internal/store"
)

// TestRoundOutcome: a round that only settled records of immediate
// aspects, fewer than a batch, says so (settledSome: Run waits settleGap
// before the next); a full batch, a propagation or calls keep Run going
// at once; nothing to do is idle. A propagation writes its users'
// records settled, so its round leaves nothing to settle.
func TestRoundOutcome(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, "", t.TempDir(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc := service.New(service.Config{Store: st})
	r := &Reconciler{Store: st, Propagator: svc, Batch: 2}
	r.init()
	if _, err := svc.CreateAccount(ctx, service.AccountInput{AccountID: "ROUNDS", Name: "R"}); err != nil {
		t.Fatal(err)
	}
	step := func(want outcome) {
		t.Helper()
		if got, err := r.round(ctx); err != nil || got != want {
			t.Fatalf("round = %v, %v; want %v", got, err, want)
		}
	}
	step(idle)
	users := 0
	create := func(n int) { // n users with a record each (roles)
		t.Helper()
		for range n {
			users++
			in := roster.UserInput{OrganizationNodeID: "ROUNDS", LoginID: fmt.Sprintf("u%d", users), FirstName: "Ab",
				LastName: "Cd", Roles: []string{"Agent"}}
			if _, err := svc.CreateUser(ctx, "ROUNDS", in); err != nil {
				t.Fatal(err)
			}
		}
	}
	create(1)
	step(settledSome)
	create(2)
	step(busy) // a full batch
	step(idle)
	p, err := svc.CreateProfile(ctx, "ROUNDS", roster.ProfileInput{ProfileName: "P", Roles: []string{"Agent"}})
	if err != nil {
		t.Fatal(err)
	}
	step(busy) // the new profile's propagation, to no user
	step(idle)
	if _, err := svc.CreateUser(ctx, "ROUNDS", roster.UserInput{OrganizationNodeID: "ROUNDS", LoginID: "on-p",
		FirstName: "Ab", LastName: "Cd", ProfileID: p.Profile.ID}); err != nil {
		t.Fatal(err)
	}
	step(settledSome)
	in := roster.ProfileInput{ProfileName: "P", Roles: []string{"Agent", "Supervisor"}}
	if _, err := svc.ReplaceProfile(ctx, "ROUNDS", p.Profile.ID, in, nil); err != nil {
		t.Fatal(err)
	}
	step(busy) // the propagation: it writes the user's records settled
	step(idle)
}
