package provision_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/roster-cc/roster/internal/dbtest"
	"github.com/roster-cc/roster/internal/provision"
	"github.com/roster-cc/roster/internal/roster"
)

// paced is a provisioner whose calls take delay (set between rounds).
type paced struct {
	delay atomic.Int64
	calls atomic.Int64
}

func (p *paced) Provision(context.Context, roster.Job) error {
	p.calls.Add(1)
	time.Sleep(time.Duration(p.delay.Load()))
	return nil
}

// TestClaimFitsTheLease: after quick calls a worker claims many records;
// when calls then slow down, it starts calls only while one can end with a
// quarter of the lease left, and releases the rest unattempted, at once,
// for any worker to take.
func TestClaimFitsTheLease(t *testing.T) {
	for _, backend := range dbtest.Backends() {
		t.Run(backend, func(t *testing.T) { testClaimFitsTheLease(t, backend) })
	}
}

func testClaimFitsTheLease(t *testing.T, backend string) {
	st, svc := setup(t, backend)
	ctx := context.Background()
	p := &paced{}
	w1 := &provision.Reconciler{Store: st, Propagator: svc, Provisioners: onlyVoice(p), Owner: "w1",
		Concurrency: 1, Lease: time.Second, CallTimeout: 200 * time.Millisecond}
	users := func(from, to int) (ids []string) {
		for i := from; i < to; i++ {
			in := voiceUser(true)
			in.LoginID = fmt.Sprintf("u%d@example.com", i)
			res, err := svc.CreateUser(ctx, "ABCDEF", in)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, res.View.ID)
		}
		return ids
	}
	// Before any call the claim assumes the call timeout: calls may start
	// for 0.75 s − 0.2 s, 2 waves of 1.
	ids := users(0, 5)
	if _, err := w1.RunOnce(ctx); err != nil || p.calls.Load() != 2 {
		t.Fatalf("first round: %d calls, %v; want 2", p.calls.Load(), err)
	}
	// Quick calls: the next claim takes every due record; then calls slow
	// down to 0.6 s, so after the first the start window (0.55 s) is over.
	ids = append(ids, users(5, 10)...)
	p.delay.Store(int64(600 * time.Millisecond))
	if _, err := w1.RunOnce(ctx); err != nil || p.calls.Load() != 3 {
		t.Fatalf("second round: %d calls in all, %v; want 3 (one more)", p.calls.Load(), err)
	}
	released := 0
	for _, id := range ids {
		st, err := svc.UserStatus(ctx, "ABCDEF", id)
		if err != nil {
			t.Fatal(err)
		}
		if st.Features["voice"].Status == roster.StatusInProgress {
			released++
		}
	}
	if released != 7 { // of 8 claimed (3 left from the first round), 1 attempted
		t.Fatalf("%d users still in progress, want 7", released)
	}
	// Released, not leased: another worker takes them at once.
	p.delay.Store(0)
	w2 := &provision.Reconciler{Store: st, Propagator: svc, Provisioners: onlyVoice(p), Owner: "w2", Lease: time.Minute}
	for {
		if worked, err := w2.RunOnce(ctx); err != nil || !worked {
			break
		}
	}
	if p.calls.Load() != 10 {
		t.Errorf("%d calls in all, want one per user (10): released records were attempted twice or lost", p.calls.Load())
	}
}
