package e2e

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const (
	propagationUsers = 2000
	ownChatEvery     = 10 // users 0, 10, 20… have their own chat settings
	optOutEvery      = 7  // users 7, 14, 21… (not also own-chat) opt out of chat
)

const ownChat = `{"autoAnswer": true, "multiplicity": 2}`

func propagationUser(i int, prof string) string {
	features := `{}`
	switch {
	case i%ownChatEvery == 0:
		features = `{"chat": ` + ownChat + `}`
	case i%optOutEvery == 0:
		features = `{"chat": null}`
	}
	return fmt.Sprintf(`{"organizationNodeId": "EXMPLE", "loginId": "agent%04d@example.com", "firstName": "Agent",
		"lastName": "Number%04d", "profileId": "%s", "features": %s}`, i, i, prof, features)
}

// TestPropagation: 2,000 users on a profile; adding chat to the profile
// shows on every user's GET at once; all statuses and the profile's reach
// COMPLETED; users with their own chat are untouched; opted-out users do
// not get it.
func TestPropagation(t *testing.T) {
	s := newServer(t, nil)
	seedAccount(s)
	prof := s.must(202, "POST", path("/profiles"), seedProfile).obj()["profileId"].(string)

	ids := createUsers(s, propagationUsers, func(i int) string { return propagationUser(i, prof) })
	s.drain()
	before := map[string]any{}
	for i := 0; i < len(ids); i += ownChatEvery {
		before[ids[i]] = s.status("user", ids[i])
	}

	s.must(202, "PUT", path("/profiles/"+prof), seedProfileWithChat)
	// At once, before any provisioning ran: every effective view has chat.
	checkChatViews(t, s, ids)
	if st := s.status("profile", prof); st["status"] != "IN_PROGRESS" {
		t.Fatalf("profile status right after the PUT = %v, want IN_PROGRESS", st)
	}

	s.drain()
	s.wantStatus("profile", prof, `{"action": "UPDATE", "status": "COMPLETED", "message": "Completed successfully", "profileId": "`+prof+`",
		"features": {"chat": {"action": "ADD", "status": "COMPLETED", "message": "Feature added successfully"}}}`)
	checkChatViews(t, s, ids)
	for i, id := range ids {
		st := s.status("user", id)
		switch {
		case i%ownChatEvery == 0:
			if diff := cmp.Diff(before[id], any(st)); diff != "" {
				t.Fatalf("user %d has its own chat but its status changed (-before +after):\n%s", i, diff)
			}
		case i%optOutEvery == 0:
			if st["status"] != "COMPLETED" || st["features"] != nil && st["features"].(map[string]any)["chat"] != nil {
				t.Fatalf("opted-out user %d status = %v, want COMPLETED without chat", i, st)
			}
		default:
			want := `{"action": "UPDATE", "status": "COMPLETED", "message": "Completed successfully", "userId": "` + id + `",
				"features": {"chat": {"action": "ADD", "status": "COMPLETED", "message": "Feature added successfully"}}}`
			if diff := cmp.Diff(jsonOf(t, want), any(st)); diff != "" {
				t.Fatalf("user %d status (-want +got):\n%s", i, diff)
			}
		}
	}
}

// checkChatViews GETs every user and checks its effective chat.
func checkChatViews(t *testing.T, s *server, ids []string) {
	t.Helper()
	for i, id := range ids {
		u := s.must(200, "GET", path("/users/"+id), nil).obj()
		if u["userId"] != id {
			t.Fatalf("GET of user %s answered user %v", id, u["userId"])
		}
		chat := u["features"].(map[string]any)["chat"]
		switch {
		case i%ownChatEvery == 0:
			if diff := cmp.Diff(jsonOf(t, ownChat), chat); diff != "" {
				t.Fatalf("user %d own chat (-want +got):\n%s", i, diff)
			}
		case i%optOutEvery == 0:
			if chat != nil {
				t.Fatalf("user %d opted out of chat but has %v", i, chat)
			}
		default:
			want := `{"autoAnswer": false, "multiplicity": 5, "afterContactWork": false}`
			if diff := cmp.Diff(jsonOf(t, want), chat); diff != "" {
				t.Fatalf("user %d inherited chat (-want +got):\n%s", i, diff)
			}
		}
	}
}
