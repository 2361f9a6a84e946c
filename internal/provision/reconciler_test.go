package provision_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"

	"github.com/roster-cc/roster/internal/dbtest"
	"github.com/roster-cc/roster/internal/provision"
	"github.com/roster-cc/roster/internal/roster"
	"github.com/roster-cc/roster/internal/service"
	"github.com/roster-cc/roster/internal/store"
)

// gate is a provisioner that records jobs and blocks each call until released.
type gate struct {
	mu      sync.Mutex
	jobs    []roster.Job
	started chan struct{}
	release chan struct{}
}

func (g *gate) Provision(ctx context.Context, job roster.Job) error {
	g.mu.Lock()
	g.jobs = append(g.jobs, job)
	g.mu.Unlock()
	g.started <- struct{}{}
	<-g.release
	return nil
}

func setup(t *testing.T, backend string) (*store.Store, *service.Service) {
	t.Helper()
	url := ""
	if backend == "postgres" {
		url = dbtest.PostgresURL(t)
	}
	st, err := store.Open(context.Background(), url, t.TempDir(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc := service.New(service.Config{Store: st})
	ctx := context.Background()
	if _, err := svc.CreateAccount(ctx, service.AccountInput{AccountID: "ABCDEF", Name: "A"}); err != nil {
		t.Fatal(err)
	}
	return st, svc
}

func voiceUser(autoAnswer bool) roster.UserInput {
	var f roster.Features
	json.Unmarshal([]byte(fmt.Sprintf(`{"voice": {"autoAnswer": %v}}`, autoAnswer)), &f)
	return roster.UserInput{OrganizationNodeID: "ABCDEF", LoginID: "u", FirstName: "Ab", LastName: "Cd", Features: f}
}

// TestCoalescing: changes made while an aspect is being provisioned
// coalesce: the worker's result for the old version does not mark the new
// one done, the intermediate version is never provisioned, and the latest is.
func TestCoalescing(t *testing.T) {
	for _, backend := range dbtest.Backends() {
		t.Run(backend, func(t *testing.T) { testCoalescing(t, backend) })
	}
}

func testCoalescing(t *testing.T, backend string) {
	st, svc := setup(t, backend)
	ctx := context.Background()
	g := &gate{started: make(chan struct{}, 10), release: make(chan struct{})}
	rec := &provision.Reconciler{Store: st, Propagator: svc, Provisioners: onlyVoice(g), Owner: "w1",
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	u, err := svc.CreateUser(ctx, "ABCDEF", voiceUser(true))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := rec.RunOnce(ctx); done <- err }()
	<-g.started // version 1 is being provisioned
	for _, aa := range []bool{false, true, false} {
		in := voiceUser(aa)
		if _, err := svc.ReplaceUser(ctx, "ABCDEF", u.View.ID, in, nil); err != nil {
			t.Fatal(err)
		}
	}
	// A second worker finds nothing to do: the aspect is leased.
	other := &provision.Reconciler{Store: st, Propagator: svc, Provisioners: onlyVoice(g), Owner: "w2"}
	if worked, err := other.RunOnce(ctx); err != nil || worked {
		t.Fatalf("second worker: worked %v, err %v; want no work while the aspect is leased", worked, err)
	}
	g.release <- struct{}{}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	st1, _ := svc.UserStatus(ctx, "ABCDEF", u.View.ID)
	if st1.Features["voice"].Status != roster.StatusInProgress {
		t.Fatalf("after the stale attempt voice = %+v, want IN_PROGRESS", st1.Features["voice"])
	}
	go func() { _, err := rec.RunOnce(ctx); done <- err }()
	<-g.started
	g.release <- struct{}{}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.jobs) != 2 || g.jobs[0].Version != 1 || g.jobs[1].Version != 4 || string(g.jobs[1].Desired) != `{"autoAnswer":false,"userExtension":"10000",`+
		`"emergencyLocationIdentificationNumber":"`+voiceELIN(t, svc, u.View.ID)+`","providers":`+voiceProviders(t, svc, u.View.ID)+`}` {
		t.Fatalf("jobs = %+v, want versions 1 then 4 (the latest), nothing in between", g.jobs)
	}
	st2, _ := svc.UserStatus(ctx, "ABCDEF", u.View.ID)
	if st2.Status != roster.StatusCompleted {
		t.Errorf("status = %+v, want COMPLETED", st2)
	}
}

func voiceOf(t *testing.T, svc *service.Service, id string) roster.Voice {
	res, err := svc.GetUser(context.Background(), "ABCDEF", id, false)
	if err != nil {
		t.Fatal(err)
	}
	var v roster.Voice
	json.Unmarshal(res.View.Features["voice"], &v)
	return v
}

func voiceELIN(t *testing.T, svc *service.Service, id string) string {
	return voiceOf(t, svc, id).EmergencyLocationIdentificationNumber
}

func voiceProviders(t *testing.T, svc *service.Service, id string) string {
	b, _ := json.Marshal(voiceOf(t, svc, id).Providers)
	return string(b)
}

// onlyVoice routes voice to p and everything else to local.
func onlyVoice(p roster.Provisioner) provision.Set {
	return provision.NewSet(map[string]roster.Provisioner{"voice": p}, provision.Local{})
}
