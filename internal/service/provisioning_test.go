package service

import (
	"encoding/json"
	"maps"
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
	records := func(role json.RawMessage) map[string]roster.Aspect {
		return map[string]roster.Aspect{
			roster.AspectRole:       rec(roster.AspectRole, role, roster.AspectDone, 3),
			roster.FeatureChat:      rec(roster.FeatureChat, want[roster.FeatureChat], roster.AspectDone, 3),
			roster.FeatureMessaging: rec(roster.FeatureMessaging, want[roster.FeatureMessaging], roster.AspectPending, 3),
			roster.FeatureEmail:     rec(roster.FeatureEmail, nil, roster.AspectDone, 2),
		}
	}
	tests := []struct {
		name       string
		old        map[string]roster.Aspect
		c          change
		wantPuts   []string
		wantStamps []roster.AspectStamp
		wantShown  []string
	}{
		{"a change", records(json.RawMessage(`["Old"]`)), change{client: true},
			[]string{roster.AspectRole}, []roster.AspectStamp{{UserID: "u1", Name: roster.FeatureMessaging, Stamp: 4}},
			[]string{roster.FeatureMessaging, roster.AspectRole}},
		{"a client's change that touches nothing", records(want[roster.AspectRole]), change{client: true},
			nil, []roster.AspectStamp{{UserID: "u1", Name: roster.FeatureChat}, {UserID: "u1", Name: roster.FeatureMessaging, Stamp: 4},
				{UserID: "u1", Name: roster.AspectRole}},
			[]string{roster.FeatureMessaging}},
		{"a profile's change that touches nothing", records(want[roster.AspectRole]), change{propagating: true},
			nil, nil, []string{roster.FeatureChat, roster.FeatureMessaging, roster.AspectRole}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w aspectWrites
			w.plan(u, nil, tt.c, tt.old, time.Now())
			var puts []string
			after := maps.Clone(tt.old)
			for _, a := range w.puts {
				puts = append(puts, a.Name)
				after[a.Name] = a
			}
			for _, s := range w.stamps {
				a := after[s.Name]
				a.Stamp = s.Stamp
				after[s.Name] = a
			}
			var shown []string
			for n, a := range after {
				if a.Shown(roster.LatestStamp(after)) {
					shown = append(shown, n)
				}
			}
			slices.Sort(shown)
			if !slices.Equal(puts, tt.wantPuts) || !slices.Equal(w.stamps, tt.wantStamps) || !slices.Equal(shown, tt.wantShown) {
				t.Errorf("plan wrote %v, stamped %v, shows %v; want %v, %v, %v",
					puts, w.stamps, shown, tt.wantPuts, tt.wantStamps, tt.wantShown)
			}
		})
	}
}
