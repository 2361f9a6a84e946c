package service

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/roster-cc/roster/internal/roster"
)

// TestNextAspect: how one aspect's record moves with a change.
func TestNextAspect(t *testing.T) {
	v1, v2 := json.RawMessage(`{"a":1}`), json.RawMessage(`{"a":2}`)
	done := roster.Aspect{Desired: v1, DesiredVersion: 3, Provisioned: v1, Action: roster.ActionAdd, State: roster.AspectDone}
	failed := roster.Aspect{Desired: v1, DesiredVersion: 3, Action: roster.ActionAdd, State: roster.AspectFailed,
		Message: "no", CauseProfileID: "PROFIL"}
	client, prop := change{client: true}, change{propagating: true}
	tests := []struct {
		name    string
		prev    roster.Aspect
		had     bool
		desired json.RawMessage
		c       change
		causeID string
		wantOK  bool
		action  string
		version int64
		state   string
	}{
		{"new aspect", roster.Aspect{}, false, v1, client, "", true, roster.ActionAdd, 1, roster.AspectPending},
		{"absent stays absent", roster.Aspect{}, false, nil, client, "", false, "", 0, ""},
		{"unchanged stays", done, true, v1, client, "", false, roster.ActionAdd, 3, roster.AspectDone},
		{"changed is an update", done, true, v2, client, "", true, roster.ActionUpdate, 4, roster.AspectPending},
		{"removed is a delete", done, true, nil, client, "", true, roster.ActionDelete, 4, roster.AspectPending},
		{"never provisioned then changed is still an add", failed, true, v2, client, "", true, roster.ActionAdd, 4, roster.AspectPending},
		{"client repeat retries a failure", failed, true, v1, client, "", true, roster.ActionAdd, 3, roster.AspectPending},
		{"its profile's repeat retries a failure", failed, true, v1, prop, "PROFIL", true, roster.ActionAdd, 3, roster.AspectPending},
		{"another profile's change does not", failed, true, v1, prop, "OTHERS", false, roster.ActionAdd, 3, roster.AspectFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := nextAspect(tt.prev, tt.had, tt.desired, tt.c, tt.causeID, 7)
			if ok != tt.wantOK || got.Action != tt.action || got.DesiredVersion != tt.version || got.State != tt.state {
				t.Errorf("nextAspect = ok %v %+v; want ok %v action %s version %d state %s",
					ok, got, tt.wantOK, tt.action, tt.version, tt.state)
			}
			if ok && (got.Attempts != 0 || got.Message != "") {
				t.Errorf("a new attempt keeps attempts %d, message %q", got.Attempts, got.Message)
			}
		})
	}
}

// TestPlanStamps: a change stamps the records it touches and those still
// in progress; the settled records of earlier changes leave the status
// without a write, and a change that touches nothing clears them.
func TestPlanStamps(t *testing.T) {
	u := &roster.User{AccountID: "ACCT01", ID: "u1", Roles: []string{"Agent"}, Features: roster.Features{
		roster.FeatureChat: json.RawMessage(`{"multiplicity":2}`), roster.FeatureMessaging: json.RawMessage(`{"multiplicity":1}`)}}
	want := roster.Desired(u, nil)
	rec := func(name string, desired json.RawMessage, state string, stamp int64) roster.Aspect {
		return roster.Aspect{AccountID: u.AccountID, UserID: u.ID, Name: name, Desired: desired, Provisioned: desired,
			DesiredVersion: 1, Action: roster.ActionAdd, State: state, Stamp: stamp}
	}
	records := func(role json.RawMessage, messaging string) map[string]roster.Aspect {
		return map[string]roster.Aspect{
			roster.AspectRole:       rec(roster.AspectRole, role, roster.AspectDone, 3),
			roster.FeatureChat:      rec(roster.FeatureChat, want[roster.FeatureChat], roster.AspectDone, 3),
			roster.FeatureMessaging: rec(roster.FeatureMessaging, want[roster.FeatureMessaging], messaging, 3),
			roster.FeatureEmail:     rec(roster.FeatureEmail, nil, roster.AspectDone, 1),
		}
	}
	oldRole, pending, done := json.RawMessage(`["Old"]`), roster.AspectPending, roster.AspectDone
	tests := []struct {
		name      string
		old       map[string]roster.Aspect
		c         change
		wantPuts  []string
		wantAfter map[string]int64 // the stamps after the writes
		wantShown []string
	}{
		{"a change", records(oldRole, pending), change{client: true}, []string{roster.AspectRole},
			map[string]int64{"chat": 3, "email": 1, "messaging": 5, "role": 5}, []string{"messaging", "role"}},
		{"a profile's change", records(oldRole, pending), change{propagating: true}, []string{roster.AspectRole},
			map[string]int64{"chat": 3, "email": 1, "messaging": 4, "role": 4}, []string{"messaging", "role"}},
		{"a client's change that touches nothing", records(want[roster.AspectRole], pending), change{client: true}, nil,
			map[string]int64{"chat": 0, "email": 0, "messaging": 5, "role": 0}, []string{"messaging"}},
		{"the same, everything settled", records(want[roster.AspectRole], done), change{client: true}, nil,
			map[string]int64{"chat": 0, "email": 0, "messaging": 0, "role": 0}, nil},
		{"a profile's change that touches nothing", records(want[roster.AspectRole], done), change{propagating: true}, nil,
			map[string]int64{"chat": 3, "email": 1, "messaging": 3, "role": 3}, []string{"chat", "messaging", "role"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w aspectWrites
			w.plan(u, nil, tt.c, tt.old, time.Now())
			var puts []string
			for _, a := range w.puts {
				puts = append(puts, a.Name)
			}
			after := applyWrites(tt.old, w)
			stamps := map[string]int64{}
			for n, a := range after {
				stamps[n] = a.Stamp
			}
			if shown := shownNames(after); !slices.Equal(puts, tt.wantPuts) || !maps.Equal(stamps, tt.wantAfter) ||
				!slices.Equal(shown, tt.wantShown) {
				t.Errorf("plan wrote %v, left stamps %v, shows %v; want %v, %v, %v",
					puts, stamps, shown, tt.wantPuts, tt.wantAfter, tt.wantShown)
			}
		})
	}
}

// TestPlanStampsMatchFlags: over random sequences of changes and
// outcomes, the stamps show what the flag they replaced showed (set on a
// change's records, cleared on the settled records a later change did not
// touch), and the status action the user's row held (ADD when created,
// UPDATE after a client's change or a profile's that changed something).
func TestPlanStampsMatchFlags(t *testing.T) {
	names := []string{roster.FeatureChat, roster.FeatureEmail, roster.FeatureMessaging}
	for seed := range uint64(2000) {
		rnd := rand.New(rand.NewPCG(seed, 1))
		recs, flags := map[string]roster.Aspect{}, map[string]bool{}
		var row, action string // the row's action now, the one the row held before
		for step := range 12 {
			u := &roster.User{AccountID: "ACCT01", ID: "u1", Features: roster.Features{}}
			for _, n := range names {
				if rnd.IntN(3) > 0 {
					u.Features[n] = json.RawMessage(fmt.Sprintf(`{"multiplicity":%d}`, 1+rnd.IntN(2)))
				}
			}
			c := change{client: step == 0 || rnd.IntN(2) == 0, created: step == 0, deleted: step > 0 && rnd.IntN(8) == 0}
			c.client = c.client || c.deleted
			c.propagating = !c.client
			var w aspectWrites
			w.plan(u, nil, c, recs, time.Now())
			touched := map[string]bool{}
			for _, a := range w.puts {
				touched[a.Name], flags[a.Name] = true, true
			}
			switch {
			case c.created:
				row, action = roster.ActionAdd, roster.ActionAdd
			case c.client:
				row, action = roster.ActionUpdate, roster.ActionUpdate
			case len(touched) > 0:
				action = roster.ActionUpdate
			}
			if len(touched) > 0 || c.client {
				for n, a := range recs {
					if !touched[n] && a.State == roster.AspectDone {
						flags[n] = false
					}
				}
			}
			recs = applyWrites(recs, w)
			for n, a := range recs { // the reconciler's outcomes
				if a.State == roster.AspectPending && rnd.IntN(2) == 0 {
					a.State = []string{roster.AspectDone, roster.AspectFailed}[rnd.IntN(2)]
					recs[n] = a
				}
			}
			var want []string
			for n, set := range flags {
				if set {
					want = append(want, n)
				}
			}
			slices.Sort(want)
			if got := shownNames(recs); !slices.Equal(got, want) {
				t.Fatalf("seed %d step %d (%+v): stamps show %v, the flag %v", seed, step, c, got, want)
			}
			if c.deleted { // a deleted user's status action is DELETE, from its tombstone
				break
			}
			if got := roster.StatusAction(row, roster.LatestStamp(recs)); got != action {
				t.Fatalf("seed %d step %d (%+v): status action %s, want %s", seed, step, c, got, action)
			}
		}
	}
}

// applyWrites returns the records after the planned writes.
func applyWrites(old map[string]roster.Aspect, w aspectWrites) map[string]roster.Aspect {
	after := maps.Clone(old)
	if after == nil {
		after = map[string]roster.Aspect{}
	}
	for _, a := range w.puts {
		after[a.Name] = a
	}
	for _, s := range w.stamps {
		a := after[s.Name]
		a.Stamp = s.Stamp
		after[s.Name] = a
	}
	return after
}

// shownNames lists, sorted, the records a status shows.
func shownNames(records map[string]roster.Aspect) []string {
	var shown []string
	for n, a := range records {
		if a.Shown(roster.LatestStamp(records)) {
			shown = append(shown, n)
		}
	}
	slices.Sort(shown)
	return shown
}
