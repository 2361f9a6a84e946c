package service

import (
	"encoding/json"
	"testing"

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
		name     string
		prev     roster.Aspect
		had      bool
		desired  json.RawMessage
		c        change
		causeID  string
		wantOK   bool
		action   string
		version  int64
		state    string
		reported bool
	}{
		{"new aspect", roster.Aspect{}, false, v1, client, "", true, roster.ActionAdd, 1, roster.AspectPending, true},
		{"absent stays absent", roster.Aspect{}, false, nil, client, "", false, "", 0, "", false},
		{"unchanged stays", done, true, v1, client, "", false, roster.ActionAdd, 3, roster.AspectDone, false},
		{"changed is an update", done, true, v2, client, "", true, roster.ActionUpdate, 4, roster.AspectPending, true},
		{"removed is a delete", done, true, nil, client, "", true, roster.ActionDelete, 4, roster.AspectPending, true},
		{"never provisioned then changed is still an add", failed, true, v2, client, "", true, roster.ActionAdd, 4, roster.AspectPending, true},
		{"client repeat retries a failure", failed, true, v1, client, "", true, roster.ActionAdd, 3, roster.AspectPending, true},
		{"its profile's repeat retries a failure", failed, true, v1, prop, "PROFIL", true, roster.ActionAdd, 3, roster.AspectPending, true},
		{"another profile's change does not", failed, true, v1, prop, "OTHERS", false, roster.ActionAdd, 3, roster.AspectFailed, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := nextAspect(tt.prev, tt.had, tt.desired, tt.c, tt.causeID, 7)
			if ok != tt.wantOK || got.Action != tt.action || got.DesiredVersion != tt.version || got.State != tt.state ||
				got.Reported != tt.reported {
				t.Errorf("nextAspect = ok %v %+v; want ok %v action %s version %d state %s reported %v",
					ok, got, tt.wantOK, tt.action, tt.version, tt.state, tt.reported)
			}
			if ok && (got.Attempts != 0 || got.Message != "") {
				t.Errorf("a new attempt keeps attempts %d, message %q", got.Attempts, got.Message)
			}
		})
	}
}
